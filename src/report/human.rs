//! The default, human-readable report. It is styled with ANSI codes
//! (anstyle); the command writes it through a stream that keeps or strips
//! them (anstream), as the terminal, `--color` and the environment say.
//! Every path, message and reason in it is escaped for the terminal
//! (`escape::terminal`), so the only control characters it holds are its
//! own styles: stripping them strips nothing else.

use super::escape::{terminal, terminal_start};
use super::{Located, Printer, Problem, Report, Summary, count};
use crate::finding::Severity;
use anstyle::{AnsiColor, Style};

fn paint(style: Style, text: &str) -> String {
    format!("{}{text}{}", style.render(), style.render_reset())
}

fn severity_style(s: Severity) -> Style {
    let color = match s {
        Severity::Error => AnsiColor::Red,
        Severity::Warning => AnsiColor::Yellow,
        Severity::Info => AnsiColor::Cyan,
    };
    Style::new().fg_color(Some(color.into()))
}

/// One line per finding: `path:line:col  severity  rule  message`; a
/// suppressed one says why after the rule.
pub fn finding_line(f: &Located) -> String {
    let tag = match (&f.suppressed, f.fixable) {
        (Some(reason), _) => format!(" (suppressed: {})", terminal(reason)),
        (None, true) => " (fixable)".to_string(),
        (None, false) => String::new(),
    };
    let severity = if f.suppressed.is_some() {
        paint(Style::new().dimmed(), f.severity.as_str())
    } else {
        paint(severity_style(f.severity), f.severity.as_str())
    };
    format!(
        "{}:{}:{}  {severity}  {}{}  {}",
        terminal_start(&f.path),
        f.line,
        f.column,
        f.rule,
        tag,
        terminal(&f.message)
    )
}

/// `path: message` for a file stepup could not process.
pub fn problem_line(p: &Problem) -> String {
    format!("{}: {}", terminal_start(&p.path), terminal(&p.message()))
}

fn suppressed_note(s: &Summary) -> String {
    if s.suppressed == 0 {
        String::new()
    } else {
        format!("; {} suppressed", s.suppressed)
    }
}

/// `migrate`'s summary: what changes (or changed, after a write).
pub fn summary_line(s: &Summary, write: bool) -> String {
    let secs = s.elapsed_ms as f64 / 1000.0;
    let verb = if write { "changed" } else { "to change" };
    format!(
        "scanned {} ({} with Dynamic imports) in {secs:.2}s; {} {verb}, {}; {} review{}",
        count(s.files_scanned, "file", "files"),
        s.files_with_dynamic_imports,
        count(s.files_changed, "file", "files"),
        count(s.edits, "edit", "edits"),
        count(s.manual, "needs", "need"),
        suppressed_note(s)
    )
}

/// `check`'s summary: what was found (nothing changes).
pub fn check_summary_line(s: &Summary) -> String {
    let secs = s.elapsed_ms as f64 / 1000.0;
    format!(
        "scanned {} ({} with Dynamic imports) in {secs:.2}s; {} ({}, {}, {} info): {} fixable, {} to review{}",
        count(s.files_scanned, "file", "files"),
        s.files_with_dynamic_imports,
        count(s.findings, "finding", "findings"),
        count(s.errors, "error", "errors"),
        count(s.warnings, "warning", "warnings"),
        s.infos,
        s.fixable,
        s.manual,
        suppressed_note(s)
    )
}

/// The line `check` ends with when `migrate` can fix something: the
/// command that does it (`write`), and the one that shows the diff (`dry`).
pub fn fix_hint(s: &Summary, write: &str, dry: &str) -> Option<String> {
    (s.fixable > 0).then(|| {
        let (what, them) = if s.fixable == 1 {
            ("1 finding is fixable".to_string(), "it")
        } else {
            (format!("{} findings are fixable", s.fixable), "them")
        };
        let write = paint(Style::new().bold(), &terminal(write));
        let dry = terminal(dry);
        format!("{what}: run `{write}` to fix {them} (`{dry}` shows the diff first)")
    })
}

/// The report `migrate` prints on stderr: what it rewrites (`verbose`), what
/// needs a human, what to confirm, what is suppressed (`verbose`), problems,
/// and the summary (unless `quiet`).
pub struct MigrateReport {
    pub write: bool,
    pub verbose: bool,
    pub quiet: bool,
}

impl Printer for MigrateReport {
    fn print(&self, report: &Report) -> String {
        let mut out = String::new();
        if self.verbose {
            let fixed: Vec<&Located> = report.active().filter(|f| f.fixable).collect();
            let title = if self.write {
                "Rewritten"
            } else {
                "To rewrite"
            };
            section(&mut out, title, &fixed);
        }
        let review: Vec<&Located> = report.needs_review().collect();
        section(&mut out, "Needs manual review", &review);
        let confirm: Vec<&Located> = report.to_confirm().collect();
        section(&mut out, "To confirm", &confirm);
        if self.verbose {
            let suppressed: Vec<&Located> = report.suppressed().collect();
            section(&mut out, "Suppressed (stepup-ignore)", &suppressed);
        }
        for p in &report.problems {
            out.push_str(&problem_line(p));
            out.push('\n');
        }
        for line in report.install_note(self.write) {
            out.push_str(&format!("Next: {line}\n"));
        }
        if !self.quiet {
            out.push_str(&summary_line(&report.summary, self.write));
            out.push('\n');
        }
        out
    }
}

fn section(out: &mut String, title: &str, findings: &[&Located]) {
    if findings.is_empty() {
        return;
    }
    out.push_str(title);
    out.push_str(":\n");
    for f in findings {
        out.push_str("  ");
        out.push_str(&finding_line(f));
        out.push('\n');
    }
}

/// The report `check` prints on stdout: every finding that counts, and with
/// `verbose` the suppressed ones too, with their reasons.
pub struct CheckReport {
    pub verbose: bool,
}

impl Printer for CheckReport {
    fn print(&self, report: &Report) -> String {
        let mut out = String::new();
        let shown = report
            .findings
            .iter()
            .filter(|f| self.verbose || f.is_active());
        for f in shown {
            out.push_str(&finding_line(f));
            out.push('\n');
        }
        out
    }
}
