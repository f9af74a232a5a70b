//! The default, human-readable report.

use super::{Located, Printer, Report, Summary};
use crate::finding::Severity;

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

/// The report `migrate` prints on stderr: what it rewrites (`verbose`), what
/// needs a human, what to confirm, problems, and the summary (unless `quiet`).
pub struct MigrateReport {
    pub write: bool,
    pub verbose: bool,
    pub quiet: bool,
    pub color: bool,
}

impl Printer for MigrateReport {
    fn print(&self, report: &Report) -> String {
        let mut out = String::new();
        if self.verbose {
            let fixed: Vec<&Located> = report.findings.iter().filter(|f| f.fixable).collect();
            let title = if self.write {
                "Rewritten"
            } else {
                "To rewrite"
            };
            section(&mut out, title, &fixed, self.color);
        }
        let review: Vec<&Located> = report.needs_review().collect();
        section(&mut out, "Needs manual review", &review, self.color);
        let confirm: Vec<&Located> = report.to_confirm().collect();
        section(&mut out, "To confirm", &confirm, self.color);
        for p in &report.problems {
            out.push_str(&format!("{}: {}\n", p.path, p.message()));
        }
        if !self.quiet {
            out.push_str(&summary_line(&report.summary, Some(self.write)));
            out.push('\n');
        }
        out
    }
}

fn section(out: &mut String, title: &str, findings: &[&Located], color: bool) {
    if findings.is_empty() {
        return;
    }
    out.push_str(title);
    out.push_str(":\n");
    for f in findings {
        out.push_str("  ");
        out.push_str(&finding_line(f, color));
        out.push('\n');
    }
}

/// The report `check` prints on stdout: every finding.
pub struct CheckReport {
    pub color: bool,
}

impl Printer for CheckReport {
    fn print(&self, report: &Report) -> String {
        let mut out = String::new();
        for f in &report.findings {
            out.push_str(&finding_line(f, self.color));
            out.push('\n');
        }
        out
    }
}
