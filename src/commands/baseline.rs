//! `check --baseline FILE`: the findings a team has accepted for now,
//! recorded as counts per file and rule (so lines may shift), as ESLint's
//! bulk suppressions file does. A check fails only where a file has more
//! findings of a rule than recorded; then every finding of that rule in
//! that file is shown (stepup cannot tell which one is new), and the run
//! names the file, the rule and both counts. `--update-baseline` writes the
//! current counts: fixed findings leave it on the next update.

use crate::finding::Severity;
use crate::report::{BASELINE_REASON, Located, Report};
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// The version of the file's shape.
const VERSION: u32 = 1;

/// path → rule → count; sorted, so the file is stable.
type Counts = BTreeMap<String, BTreeMap<String, usize>>;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    files: Counts,
}

/// Findings a baseline records: those that can fail a check (errors and
/// warnings), not suppressed.
fn recorded(f: &Located) -> bool {
    f.is_active() && f.severity != Severity::Info
}

fn counts(report: &Report) -> Counts {
    let mut out = Counts::new();
    for f in report.findings.iter().filter(|f| recorded(f)) {
        *out.entry(f.path.clone())
            .or_default()
            .entry(f.rule.to_string())
            .or_default() += 1;
    }
    out
}

/// Write the current counts to `path` (through a temporary file and a
/// rename: never half-written). Returns (findings, files) recorded.
pub fn update(path: &Path, report: &Report) -> Result<(usize, usize)> {
    let counts = counts(report);
    let total = counts.values().flat_map(|r| r.values()).sum();
    let files = counts.len();
    let mut text = serde_json::to_string_pretty(&File {
        version: VERSION,
        files: counts,
    })
    .expect("JSON of plain data");
    text.push('\n');
    let context = || format!("cannot write the baseline {}", path.display());
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    let mut t = tempfile::Builder::new()
        .prefix(".stepup-")
        .suffix(".tmp")
        .tempfile_in(dir.unwrap_or(Path::new(".")))
        .with_context(context)?;
    t.write_all(text.as_bytes()).with_context(context)?;
    t.persist(path).map_err(|e| e.error).with_context(context)?;
    Ok((total, files))
}

/// What applying a baseline did.
pub struct Applied {
    /// `path: rule: N findings, M in the baseline FILE` for each file and
    /// rule over its count.
    pub over: Vec<String>,
    /// Findings the baseline records that are gone.
    pub fixed: usize,
}

/// Read the baseline at `path` and mark the findings it covers as
/// suppressed (they no longer count, and outputs show them as suppressed).
pub fn apply(path: &Path, display: &str, report: &mut Report) -> Result<Applied> {
    let text = crate::workspace::read::read_text(path).with_context(|| {
        format!("cannot read the baseline {display} (write one with --update-baseline)")
    })?;
    let file: File = serde_json::from_str(&text)
        .with_context(|| format!("the baseline {display} is not a stepup baseline"))?;
    if file.version != VERSION {
        bail!(
            "the baseline {display} has version {}; this stepup reads version {VERSION}",
            file.version
        );
    }
    let found = counts(report);
    let mut over = Vec::new();
    let mut fixed = 0;
    for (path, rules) in &file.files {
        for (rule, &allowed) in rules {
            let n = found
                .get(path)
                .and_then(|r| r.get(rule))
                .copied()
                .unwrap_or(0);
            fixed += allowed.saturating_sub(n);
        }
    }
    let reason = format!("{BASELINE_REASON} {display}");
    for (path, rules) in &found {
        for (rule, &n) in rules {
            let allowed = file
                .files
                .get(path)
                .and_then(|r| r.get(rule))
                .copied()
                .unwrap_or(0);
            if n > allowed {
                over.push(format!(
                    "{path}: {rule}: {n} {}, {allowed} in the baseline {display}",
                    if n == 1 { "finding" } else { "findings" }
                ));
                continue;
            }
            for f in report
                .findings
                .iter_mut()
                .filter(|f| recorded(f) && &f.path == path && f.rule == rule)
            {
                f.suppressed = Some(reason.clone());
            }
        }
    }
    report.tally();
    Ok(Applied { over, fixed })
}
