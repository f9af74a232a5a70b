//! Fingerprints of findings that survive line shifts: SARIF's
//! `partialFingerprints`, GitLab's `fingerprint`, the baseline's identity.
//!
//! A fingerprint is the SHA-256 (hex, first 32 digits) of the rule id, the
//! path and the code the finding is about with every run of whitespace
//! collapsed to one space, then `:N`, the finding's rank among the findings
//! of the same file with the same hash (1 for the first). Lines added or
//! removed above a call, or its re-indentation, change none of them.

use super::Located;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// The hash part of a fingerprint (no rank).
pub fn hash(rule: &str, path: &str, code: &str) -> String {
    let normalised = code.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut h = Sha256::new();
    for part in [rule, path, &normalised] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    h.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Append each finding's rank among the findings of its file with the same
/// hash, in the report's order (path, line, column).
pub fn rank(findings: &mut [Located]) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for f in findings {
        let n = seen.entry(f.fingerprint.clone()).or_insert(0);
        *n += 1;
        f.fingerprint = format!("{}:{n}", f.fingerprint);
    }
}
