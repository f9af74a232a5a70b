//! The Markdown report (`migrate --report FILE`, GitHub job summaries):
//! counts per rule, changed files, and every item that needs a human with an
//! excerpt, the reason and what to choose.

use super::Report;
use crate::finding::Severity;
use crate::rules::catalog;
use std::collections::BTreeMap;

pub fn render(report: &Report, excerpts: bool) -> String {
    let s = report.summary;
    let mut out = String::from("# stepup: action-based MFA → step-up authentication\n\n");
    out.push_str(&format!(
        "{}\n\n",
        super::human::summary_line(s, None).replacen("scanned", "Scanned", 1)
    ));
    if report.findings.is_empty() && report.problems.is_empty() {
        out.push_str("No legacy action-based MFA usage found.\n");
        return out;
    }
    let mut per_rule: BTreeMap<&str, (usize, usize, Severity)> = BTreeMap::new();
    for f in report.findings {
        let e = per_rule.entry(f.rule).or_insert((0, 0, f.severity));
        e.0 += 1;
        e.1 += usize::from(f.fixable);
    }
    out.push_str("## Findings by rule\n\n| rule | severity | findings | fixed by stepup |\n|---|---|---:|---:|\n");
    for (rule, (n, fixable, sev)) in &per_rule {
        out.push_str(&format!(
            "| `{rule}` | {} | {n} | {fixable} |\n",
            sev.as_str()
        ));
    }
    let changed: Vec<_> = report
        .results
        .iter()
        .filter_map(|r| r.change.as_ref().map(|c| (r, c)))
        .collect();
    if !changed.is_empty() {
        out.push_str("\n## Changed files\n\n");
        for (r, c) in changed {
            out.push_str(&format!("- `{}` ({} edits)\n", r.display, c.edit_count));
        }
    }
    let review: Vec<_> = report.findings.iter().filter(|f| !f.fixable).collect();
    if !review.is_empty() {
        out.push_str("\n## Needs manual review\n");
        for f in review {
            out.push_str(&format!(
                "\n### `{}:{}` — `{}` ({})\n\n",
                f.path,
                f.line,
                f.rule,
                f.severity.as_str()
            ));
            if excerpts && let Some(ex) = excerpt(report, &f.path, f.line) {
                out.push_str(&format!("```ts\n{ex}```\n\n"));
            }
            out.push_str(&format!("**Why:** {}\n\n", f.message));
            if let Some(info) = catalog::info(f.rule) {
                out.push_str(&format!("**What to do:** {}\n", info.help));
            }
        }
    }
    if !report.problems.is_empty() {
        out.push_str("\n## Files stepup could not process\n\n");
        for p in report.problems {
            out.push_str(&format!("- `{}`: {}\n", p.path, p.message));
        }
    }
    out
}

/// Up to two lines before and after `line`, numbered.
fn excerpt(report: &Report, path: &str, line: usize) -> Option<String> {
    let result = report.results.iter().find(|r| r.display == path)?;
    let text = std::fs::read_to_string(&result.path).ok()?;
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
