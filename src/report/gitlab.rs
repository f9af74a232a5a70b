//! `--format gitlab`: a GitLab Code Quality report (the
//! `artifacts:reports:codequality` artifact): a JSON array of issues with
//! `description`, `check_name`, `fingerprint`, `severity` and
//! `location.path`/`location.lines.begin`, the subset of the Code Climate
//! spec GitLab reads. Suppressed findings are left out (GitLab has no
//! notion of them); the fingerprint is the one SARIF carries.

use super::{Printer, Report};
use crate::finding::Severity;
use serde_json::{Value, json};

/// Code Quality's severities: an error breaks at the cutover (`major`), a
/// warning needs a human (`minor`), info is a decision to confirm.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

pub struct Gitlab;

impl Printer for Gitlab {
    fn print(&self, report: &Report) -> String {
        let issues: Vec<Value> = report
            .active()
            .map(|f| {
                json!({
                    "type": "issue",
                    "description": format!("{}: {}", f.rule, f.message),
                    "check_name": f.rule,
                    "fingerprint": f.fingerprint,
                    "severity": severity(f.severity),
                    "categories": ["Compatibility"],
                    "location": {
                        "path": f.path,
                        "lines": { "begin": f.line, "end": f.end_line.max(f.line) },
                    },
                })
            })
            .collect();
        let mut s = serde_json::to_string_pretty(&issues).expect("JSON of plain data");
        s.push('\n');
        s
    }
}
