//! The Markdown report (`migrate --report FILE`, GitHub job summaries):
//! counts per rule, changed files, and every item that needs a human with an
//! excerpt of the original code, the reason and what to choose.

use super::{Located, Printer, Report, human};
use crate::finding::Severity;
use std::collections::BTreeMap;

/// What the report is about: `migrate` changes files (`write`: it wrote
/// them), `check` only finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Migrate { write: bool },
    Check,
}

/// GitHub shows at most this many annotations of each severity per step.
pub const GITHUB_ANNOTATION_LIMIT: usize = 10;

pub struct Markdown {
    pub mode: Mode,
    /// Quote the code around each item (the pull-request report does; a job summary need not).
    pub excerpts: bool,
}

impl Printer for Markdown {
    fn print(&self, report: &Report) -> String {
        let s = &report.summary;
        let mut out = String::from("# stepup: action-based MFA → step-up authentication\n\n");
        let summary = match self.mode {
            Mode::Migrate { write } => human::summary_line(s, write),
            Mode::Check => human::check_summary_line(s),
        };
        out.push_str(&format!(
            "{}\n\n",
            summary.replacen("scanned", "Scanned", 1)
        ));
        if report.active().next().is_none() && report.problems.is_empty() {
            out.push_str("No legacy action-based MFA usage found.\n");
            suppressed(report, &mut out);
            test_plan(report, &mut out);
            return out;
        }
        if self.mode == Mode::Check {
            annotation_limit(report, &mut out);
        }
        self.per_rule(report, &mut out);
        if let Mode::Migrate { write } = self.mode {
            changed_files(report, &mut out);
            for line in report.install_note(write) {
                out.push_str(&format!("\n**Next:** {line}\n"));
            }
        }
        let review: Vec<&Located> = report.needs_review().collect();
        self.items(report, "Needs manual review", &review, &mut out);
        let confirm: Vec<&Located> = report.to_confirm().collect();
        self.items(report, "To confirm", &confirm, &mut out);
        suppressed(report, &mut out);
        if !report.problems.is_empty() {
            out.push_str("\n## Files stepup could not process\n\n");
            for p in &report.problems {
                out.push_str(&format!("- `{}`: {}\n", p.path, p.message()));
            }
        }
        test_plan(report, &mut out);
        out
    }
}

impl Markdown {
    fn per_rule(&self, report: &Report, out: &mut String) {
        let mut per_rule: BTreeMap<&str, (usize, usize, Severity)> = BTreeMap::new();
        for f in report.active() {
            let e = per_rule.entry(f.rule).or_insert((0, 0, f.severity));
            e.0 += 1;
            e.1 += usize::from(f.fixable);
        }
        let fixed = match self.mode {
            Mode::Migrate { write: true } => "fixed by stepup",
            Mode::Migrate { write: false } => "fixed by the diff",
            Mode::Check => "fixable with `stepup migrate --write`",
        };
        out.push_str(&format!(
            "## Findings by rule\n\n| rule | severity | findings | {fixed} |\n|---|---|---:|---:|\n"
        ));
        for (rule, (n, fixable, sev)) in &per_rule {
            out.push_str(&format!(
                "| `{rule}` | {} | {n} | {fixable} |\n",
                sev.as_str()
            ));
        }
    }

    fn items(&self, report: &Report, title: &str, items: &[&Located], out: &mut String) {
        if items.is_empty() {
            return;
        }
        out.push_str(&format!("\n## {title}\n"));
        for f in items {
            out.push_str(&format!(
                "\n### `{}:{}` — `{}` ({})\n\n",
                f.path,
                f.line,
                f.rule,
                f.severity.as_str()
            ));
            if self.excerpts
                && let Some(ex) = excerpt(report, &f.path, f.line)
            {
                out.push_str(&format!("```ts\n{ex}```\n\n"));
            }
            out.push_str(&format!("**Why:** {}\n\n", f.message));
            if let Some(info) = report.catalog.iter().find(|r| r.id == f.rule) {
                out.push_str(&format!("**What to do:** {}\n", info.help));
            }
        }
    }
}

/// More annotations of a severity than GitHub shows on the pull request:
/// say where the others are.
fn annotation_limit(report: &Report, out: &mut String) {
    let s = &report.summary;
    let over: Vec<String> = [
        (s.errors, "errors"),
        (s.warnings, "warnings"),
        (s.infos, "notices (info)"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > GITHUB_ANNOTATION_LIMIT)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    if !over.is_empty() {
        out.push_str(&format!(
            "> GitHub shows at most {GITHUB_ANNOTATION_LIMIT} annotations of each severity per step on \
             the pull request; this step has {}. Every finding is in the step's log (one \
             `::error`/`::warning`/`::notice` line each) and counted below; `stepup check` \
             lists them all locally.\n\n",
            over.join(", ")
        ));
    }
}

/// Findings accepted in place with a `stepup-ignore` directive, with the reason given.
fn suppressed(report: &Report, out: &mut String) {
    let list: Vec<&Located> = report.suppressed().collect();
    if list.is_empty() {
        return;
    }
    out.push_str("\n## Suppressed in the source (`stepup-ignore`)\n\n");
    for f in list {
        out.push_str(&format!(
            "- `{}:{}` `{}`: {}\n",
            f.path,
            f.line,
            f.rule,
            f.suppressed.as_deref().unwrap_or("")
        ));
    }
}

fn changed_files(report: &Report, out: &mut String) {
    let changed: Vec<_> = report
        .files
        .iter()
        .filter_map(|r| r.change.as_ref().map(|c| (r, c)))
        .collect();
    if !changed.is_empty() {
        out.push_str("\n## Changed files\n\n");
        for (r, c) in changed {
            out.push_str(&format!("- `{}` ({} edits)\n", r.display, c.edit_count));
        }
    }
}

/// Up to two lines before and after `line` of the file as it was before the
/// run (finding lines are the original's), numbered.
fn excerpt(report: &Report, path: &str, line: usize) -> Option<String> {
    let text = report.file(path)?.original.as_deref()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().collect();
    let from = line.saturating_sub(3);
    let to = (line + 2).min(lines.len());
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate().take(to).skip(from) {
        let marker = if i + 1 == line { ">" } else { " " };
        out.push_str(&format!(
            "{marker}{:>5} | {}\n",
            i + 1,
            l.trim_end_matches('\r')
        ));
    }
    Some(out)
}

/// The guide's step 5 — test each protected action end to end — as a
/// checklist: every step-up request after the migration, with its scope, the
/// sensitive call it guards and its place in the file as migrated. Always
/// the last section.
fn test_plan(report: &Report, out: &mut String) {
    let mut items: Vec<(&str, &super::Protected)> = report
        .files
        .iter()
        .flat_map(|f| f.protected.iter().map(move |p| (f.display.as_str(), p)))
        .collect();
    if items.is_empty() {
        return;
    }
    items.sort_by_key(|(path, p)| (*path, p.line));
    out.push_str(
        "\n## Test plan\n\nEach protected action after the migration (lines of the migrated \
         files): tick it once its flow has been tested end to end, step-up prompt included.\n\n",
    );
    for (path, p) in items {
        let scopes = p
            .scopes
            .iter()
            .map(|s| code(s))
            .collect::<Vec<_>>()
            .join(", ");
        let guarded = match &p.guarded {
            Some(call) => code(call),
            None => "the flows that call it (no sensitive call in the same function)".to_string(),
        };
        out.push_str(&format!(
            "- [ ] {scopes} — {guarded} — {}\n",
            code(&format!("{path}:{}", p.line))
        ));
    }
}

/// Inline code for text from the user's files: a backtick in it widens the fence.
fn code(text: &str) -> String {
    let one_line = text.replace(['\r', '\n'], " ");
    if one_line.contains('`') {
        format!("`` {one_line} ``")
    } else {
        format!("`{one_line}`")
    }
}
