//! The default, human-readable report.

use super::{Report, Summary};
use crate::finding::Located;

/// One line per finding: `path:line:col  severity  rule  message`.
pub fn finding_line(f: &Located) -> String {
    let tag = if f.fixable { " (fixable)" } else { "" };
    format!(
        "{}:{}:{}  {}  {}{}  {}",
        f.path,
        f.line,
        f.column,
        f.severity.as_str(),
        f.rule,
        tag,
        f.message
    )
}

pub fn summary_line(s: &Summary, mode_write: Option<bool>) -> String {
    let secs = s.elapsed_ms as f64 / 1000.0;
    let verb = match mode_write {
        Some(true) => "changed",
        Some(false) => "to change",
        None => "fixable",
    };
    format!(
        "scanned {} files ({} with Dynamic imports) in {secs:.2}s; {} files {verb}, {} edits; {} need review",
        s.files_scanned, s.files_with_dynamic_imports, s.files_changed, s.edits, s.manual
    )
}

/// The report `migrate` prints on stderr: what needs a human, problems, summary.
pub fn migrate_report(report: &Report, write: bool) -> String {
    let mut out = String::new();
    let review: Vec<&Located> = report.findings.iter().filter(|f| !f.fixable).collect();
    if !review.is_empty() {
        out.push_str("Needs manual review:\n");
        for f in review {
            out.push_str("  ");
            out.push_str(&finding_line(f));
            out.push('\n');
        }
    }
    for p in report.problems {
        out.push_str(&format!("{}: {}\n", p.path, p.message));
    }
    out.push_str(&summary_line(report.summary, Some(write)));
    out.push('\n');
    out
}

/// The report `check` prints: every finding on stdout.
pub fn check_report(report: &Report) -> String {
    let mut out = String::new();
    for f in report.findings {
        out.push_str(&finding_line(f));
        out.push('\n');
    }
    out
}
