//! `--format sarif`: SARIF 2.1.0, as GitHub code scanning reads it.

use super::{Located, Printer, Report, ScopeFix, edits};
use crate::finding::Severity;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The key of stepup's fingerprint in `partialFingerprints`: a hash of the
/// rule, the path and the call's text, whitespace collapsed (see
/// `report::fingerprint`), so an alert keeps its identity when lines shift.
pub const FINGERPRINT_KEY: &str = "stepupCallHash/v1";

/// Where each rule is documented: the Rules section of the README, at this
/// version, in the repository `Cargo.toml` names (crates.io's page of the
/// crate, which shows the README, when it names none).
pub fn help_uri() -> String {
    let repo = env!("CARGO_PKG_REPOSITORY").trim_end_matches('/');
    if repo.is_empty() {
        "https://crates.io/crates/stepup#rules".to_string()
    } else {
        format!("{repo}/blob/v{}/README.md#rules", env!("CARGO_PKG_VERSION"))
    }
}

pub struct Sarif;

impl Printer for Sarif {
    fn print(&self, report: &Report) -> String {
        render(report)
    }
}

/// Over 80 lines on purpose: most of it is the one `json!` literal of the
/// SARIF log, which reads best whole, next to the format's specification.
fn render(report: &Report) -> String {
    // Each changed file's edits, computed once (not once per finding).
    let hunks: HashMap<&str, Vec<edits::Hunk>> = report
        .files
        .iter()
        .filter_map(|f| {
            let c = f.change.as_ref()?;
            let original = String::from_utf8_lossy(&c.original);
            Some((f.display.as_str(), edits::hunks(&original, &c.rewritten)))
        })
        .collect();
    let mut attached = HashSet::new();
    let rules: Vec<Value> = report
        .catalog
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": format!("{}. {}", r.summary, r.help) },
                "help": { "text": r.help, "markdown": r.help },
                "helpUri": help_uri(),
                "defaultConfiguration": { "level": level(r.severity) },
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut result = json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": { "text": f.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&f.path), "uriBaseId": "SRCROOT" },
                        "region": {
                            "startLine": f.line, "startColumn": f.column,
                            "endLine": f.end_line, "endColumn": f.end_column,
                        },
                    }
                }],
                "partialFingerprints": { FINGERPRINT_KEY: f.fingerprint },
            });
            if let Some(index) = report.catalog.iter().position(|r| r.id == f.rule) {
                result["ruleIndex"] = json!(index);
            }
            if f.fixable
                && let Some(fix) = hunks
                    .get(f.path.as_str())
                    .and_then(|h| fix_for(h, f, &mut attached))
            {
                result["fixes"] = json!([fix]);
            }
            if !f.scope_fixes.is_empty() {
                result["fixes"] = f
                    .scope_fixes
                    .iter()
                    .map(|s| scope_fix(f, s))
                    .collect::<Vec<_>>()
                    .into();
            }
            if let Some(reason) = &f.suppressed {
                let kind = if reason.starts_with(super::BASELINE_REASON) {
                    "external"
                } else {
                    "inSource"
                };
                result["suppressions"] = json!([{ "kind": kind, "justification": reason }]);
            }
            result
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "stepup",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "originalUriBaseIds": { "SRCROOT": { "description": { "text": "The directory stepup ran in." } } },
            "results": results,
        }]
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("JSON of plain data");
    s.push('\n');
    s
}

/// Percent-encode what a URI reference cannot hold as is.
pub fn uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'~'
            | b'/'
            | b'@'
            | b'+' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// One candidate scope of an undecided token call, as a SARIF fix.
fn scope_fix(f: &Located, fix: &ScopeFix) -> Value {
    json!({
        "description": { "text": format!("Use TokenScope.{}", fix.scope) },
        "artifactChanges": [{
            "artifactLocation": { "uri": uri(&f.path), "uriBaseId": "SRCROOT" },
            "replacements": fix.edits.iter().map(replacement).collect::<Vec<_>>(),
        }],
    })
}

fn replacement(e: &edits::TextEdit) -> Value {
    json!({
        "deletedRegion": {
            "startLine": e.start.line, "startColumn": e.start.column,
            "endLine": e.end.line, "endColumn": e.end.column,
        },
        "insertedContent": { "text": e.replacement },
    })
}

/// The rewrite of the lines of a fixable finding, as a SARIF fix: the
/// edits within its lines, and an edit that reaches beyond them (shared
/// with a neighbour) only in the fix of the first finding it touches, so
/// the log stays linear in the findings however many sit side by side.
fn fix_for<'f>(
    hunks: &[edits::Hunk],
    f: &'f Located,
    attached: &mut HashSet<(&'f str, usize)>,
) -> Option<Value> {
    let replacements: Vec<Value> = edits::for_finding(hunks, f)
        .into_iter()
        .filter(|e| e.within || attached.insert((f.path.as_str(), e.index)))
        .map(|e| e.edit)
        .map(|e| {
            json!({
                "deletedRegion": {
                    "startLine": e.start.line, "startColumn": e.start.column,
                    "endLine": e.end.line, "endColumn": e.end.column,
                },
                "insertedContent": { "text": e.replacement },
            })
        })
        .collect();
    if replacements.is_empty() {
        return None;
    }
    Some(json!({
        "description": { "text": f.message },
        "artifactChanges": [{
            "artifactLocation": { "uri": uri(&f.path), "uriBaseId": "SRCROOT" },
            "replacements": replacements,
        }],
    }))
}
