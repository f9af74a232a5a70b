//! The default, human-readable report.

use super::{Report, Summary};
use crate::finding::{Located, Severity};

/// One line per finding: `path:line:col  severity  rule  message`.
pub fn finding_line(f: &Located, color: bool) -> String {
    let tag = if f.fixable { " (fixable)" } else { "" };
    let severity = if color {
        let code = match f.severity {
            Severity::Error => "31",
            Severity::Warning => "33",
            Severity::Info => "36",
        };
        format!("\x1b[{code}m{}\x1b[0m", f.severity.as_str())
    } else {
        f.severity.as_str().to_string()
    };
    format!(
        "{}:{}:{}  {severity}  {}{}  {}",
        f.path, f.line, f.column, f.rule, tag, f.message
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
pub fn migrate_report(report: &Report, write: bool, verbose: bool, color: bool) -> String {
    let mut out = String::new();
    if verbose {
        let fixed: Vec<&Located> = report.findings.iter().filter(|f| f.fixable).collect();
        if !fixed.is_empty() {
            out.push_str(if write {
                "Rewritten:\n"
            } else {
                "To rewrite:\n"
            });
            for f in fixed {
                out.push_str("  ");
                out.push_str(&finding_line(f, color));
                out.push('\n');
            }
        }
    }
    let review: Vec<&Located> = report.findings.iter().filter(|f| !f.fixable).collect();
    if !review.is_empty() {
        out.push_str("Needs manual review:\n");
        for f in review {
            out.push_str("  ");
            out.push_str(&finding_line(f, color));
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
pub fn check_report(report: &Report, color: bool) -> String {
    let mut out = String::new();
    for f in report.findings {
        out.push_str(&finding_line(f, color));
        out.push('\n');
    }
    out
}
