//! `--format github`: GitHub Actions workflow commands, one annotation per
//! finding (suppressed ones are left out), and a Markdown job summary when
//! `GITHUB_STEP_SUMMARY` is set. A `file=` names the file exactly (only the
//! characters the runner unescapes are escaped); a message is shown as the
//! terminal shows it (`escape::terminal`), then escaped as command data.

use super::escape::terminal;
use super::{Printer, Report};
use crate::finding::Severity;

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub struct Github;

impl Printer for Github {
    fn print(&self, report: &Report) -> String {
        render(report)
    }
}

fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in report.active() {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let title = if f.fixable {
            format!("{} (fixable with stepup migrate)", f.rule)
        } else {
            f.rule.to_string()
        };
        out.push_str(&format!(
            "::{command} file={},line={},col={},title={}::{}\n",
            escape_property(&f.path),
            f.line,
            f.column,
            escape_property(&title),
            escape_data(&terminal(&f.message))
        ));
    }
    for p in &report.problems {
        out.push_str(&format!(
            "::{} file={}::{}\n",
            if p.is_error() { "error" } else { "warning" },
            escape_property(&p.path),
            escape_data(&terminal(&p.message()))
        ));
    }
    out
}
