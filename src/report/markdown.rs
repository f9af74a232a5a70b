//! The Markdown report (`migrate --report FILE`, GitHub job summaries): the
//! calls rewritten with the scope each chose, every item that needs a human
//! as a `- [ ]` task with a link to its line and an excerpt of the original
//! code, identical findings grouped, and the rule catalog last, folded.
//! A size limit (GitHub refuses a job summary over 1 MiB; a pull-request
//! body holds 65,536 characters) cuts it at an item's end, with a line that
//! says what was left out and where the full list is.

use super::escape::{code_span, fence, markdown_text, terminal_code};
use super::{Located, Printer, Report, human, sarif};
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

/// `--report`'s default limit: what a pull-request body or comment holds.
pub const REPORT_LIMIT: usize = 65_536;

/// GitHub's limit for one step's job summary, in bytes.
pub const STEP_SUMMARY_LIMIT: usize = 1024 * 1024;

/// A group lists at most this many places; the others are counted.
const PLACES_PER_GROUP: usize = 50;

pub struct Markdown {
    pub mode: Mode,
    /// Quote the code around each item (the pull-request report does; a job summary need not).
    pub excerpts: bool,
    /// Link each place to its line on GitHub.
    pub links: Option<Links>,
    /// At most this many bytes (so at most as many characters); None: no limit.
    pub limit: Option<usize>,
}

/// Where the files are on GitHub: `GITHUB_SERVER_URL`, `GITHUB_REPOSITORY`,
/// `GITHUB_SHA`, and the working directory's path in the repository
/// (`prefix`, `/`-separated, empty at its root).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Links {
    pub server: String,
    pub repository: String,
    pub sha: String,
    pub prefix: String,
}

impl Links {
    /// `<server>/<repository>/blob/<sha>/<path>#L<line>`, the path taken
    /// from the working directory to the repository root and
    /// percent-encoded; None for a path outside the repository.
    pub fn url(&self, path: &str, line: usize) -> Option<String> {
        let mut parts: Vec<&str> = Vec::new();
        for part in self.prefix.split('/').chain(path.split('/')) {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop()?;
                }
                p => parts.push(p),
            }
        }
        Some(format!(
            "{}/{}/blob/{}/{}#L{line}",
            self.server.trim_end_matches('/'),
            self.repository,
            self.sha,
            sarif::uri(&parts.join("/"))
        ))
    }
}

/// The fence language of a file: `tsx`, `jsx`, `js` or `ts` by extension.
fn fence_language(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "tsx" => "tsx",
        "jsx" => "jsx",
        "js" | "mjs" | "cjs" => "js",
        "json" => "json",
        _ => "ts",
    }
}

/// One piece of the report: a section's heading is printed before its first
/// piece that fits.
struct Block {
    section: &'static str,
    text: String,
    /// How many findings (or files) it stands for.
    items: usize,
    /// What a size limit keeps first: lower ranks.
    rank: u8,
}

impl Printer for Markdown {
    fn print(&self, report: &Report) -> String {
        let s = &report.summary;
        let mut head = String::from("# stepup: action-based MFA → step-up authentication\n\n");
        let summary = match self.mode {
            Mode::Migrate { write } => human::summary_line(s, write),
            Mode::Check => human::check_summary_line(s),
        };
        head.push_str(&format!(
            "{}\n\n",
            summary.replacen("scanned", "Scanned", 1)
        ));
        if report.active().next().is_none() && report.problems.is_empty() {
            head.push_str("No legacy action-based MFA usage found.\n");
            let blocks = self.suppressed(report);
            let tail = self.tail(report, false);
            return self.assemble(head, blocks, tail);
        }
        if self.mode == Mode::Check {
            annotation_limit(report, &mut head);
        }
        let mut blocks = Vec::new();
        if let Mode::Migrate { write } = self.mode {
            for line in report.install_note(write) {
                // stepup's own words: the command and lockfile names are its constants.
                head.push_str(&format!("\n**Next:** {line}\n"));
            }
            blocks.extend(changed_files(report));
        }
        blocks.extend(self.rewritten(report));
        let review: Vec<&Located> = report.needs_review().collect();
        blocks.extend(self.items(report, "Needs manual review", 0, &review));
        let confirm: Vec<&Located> = report.to_confirm().collect();
        blocks.extend(self.items(report, "To confirm", 2, &confirm));
        blocks.extend(self.suppressed(report));
        for p in &report.problems {
            blocks.push(Block {
                section: "Files stepup could not process",
                text: format!(
                    "- {}: {}\n",
                    code_span(&p.path),
                    markdown_text(&p.message())
                ),
                items: 1,
                rank: 1,
            });
        }
        let tail = self.tail(report, true);
        self.assemble(head, blocks, tail)
    }
}

impl Markdown {
    /// What the report ends with: the test plan, then the rule catalog. A
    /// size limit gives them a quarter of it: the plan is cut at an item
    /// (saying how many are left out) and the catalog is dropped first.
    fn tail(&self, report: &Report, with_catalog: bool) -> String {
        let room = self.limit.unwrap_or(usize::MAX) / 4;
        let mut tail = String::new();
        test_plan(report, &mut tail, room.saturating_sub(200));
        if with_catalog {
            let catalog = self.catalog(report);
            if tail.len() + catalog.len() <= room {
                tail.push_str(&catalog);
            }
        }
        tail
    }
}

impl Markdown {
    /// The head, then the blocks while they fit (keeping room for the cut
    /// line and the catalog), then the catalog. Over 80 lines on purpose:
    /// choosing what fits and printing it in order share the same counts.
    fn assemble(&self, head: String, blocks: Vec<Block>, catalog: String) -> String {
        let mut out = head;
        let limit = self.limit.unwrap_or(usize::MAX);
        // Room for the cut line (it is shorter than this) and the catalog.
        let catalog = if catalog.len() <= limit / 4 {
            catalog
        } else {
            String::new()
        };
        let reserve = 1_000 + catalog.len();
        // What fits, taken in the order a reviewer needs it (what needs a
        // human first), then printed in the document's order.
        let budget = limit.saturating_sub(out.len() + reserve);
        let mut by_rank: Vec<usize> = (0..blocks.len()).collect();
        by_rank.sort_by_key(|&i| (blocks[i].rank, i));
        let mut keep = vec![false; blocks.len()];
        let mut headed: Vec<&str> = Vec::new();
        let (mut used, mut cut) = (0, false);
        let mut left_out: BTreeMap<&'static str, usize> = BTreeMap::new();
        for i in by_rank {
            let b = &blocks[i];
            // A heading is `\n## <section>\n\n` at most.
            let heading = if headed.contains(&b.section) {
                0
            } else {
                b.section.len() + 6
            };
            if !cut && used + heading + b.text.len() <= budget {
                keep[i] = true;
                used += heading + b.text.len();
                headed.push(b.section);
            } else {
                cut = true;
                *left_out.entry(b.section).or_default() += b.items;
            }
        }
        let mut order: Vec<&'static str> = Vec::new();
        let mut section = "";
        for (b, _) in blocks.iter().zip(&keep).filter(|(_, k)| **k) {
            if b.section != section {
                let gap = if out.ends_with("\n\n") { "" } else { "\n" };
                out.push_str(&format!("{gap}## {}\n\n", b.section));
                section = b.section;
            }
            out.push_str(&b.text);
        }
        for b in &blocks {
            if !order.contains(&b.section) {
                order.push(b.section);
            }
        }
        if cut {
            let what: Vec<String> = order
                .iter()
                .filter_map(|s| left_out.get(s).map(|n| format!("{n} items under “{s}”")))
                .collect();
            let command = match self.mode {
                Mode::Check => "stepup check",
                Mode::Migrate { .. } => "stepup migrate",
            };
            out.push_str(&format!(
                "\n---\n\n**Cut to stay within {limit} characters:** left out {}. The full \
                 list is in the JSON and SARIF reports (`{command} --format json`, `--format \
                 sarif`; code scanning shows every finding when SARIF is uploaded), and in \
                 `{command}`'s own output.\n",
                what.join(", ")
            ));
        }
        if out.len() + catalog.len() <= limit {
            let catalog = if out.ends_with("\n\n") {
                catalog.trim_start_matches('\n')
            } else {
                &catalog
            };
            out.push_str(catalog);
        }
        if out.len() > limit {
            // Only a limit smaller than the head itself gets here.
            let mut end = limit;
            while !out.is_char_boundary(end) {
                end -= 1;
            }
            out.truncate(end);
        }
        out
    }

    fn place(&self, f: &Located) -> String {
        let label = code_span(&format!("{}:{}", f.path, f.line));
        match self.links.as_ref().and_then(|l| l.url(&f.path, f.line)) {
            Some(url) => format!("[{label}]({url})"),
            None => label,
        }
    }

    /// Each call the rewrite changes, with the scope it chose.
    fn rewritten(&self, report: &Report) -> Vec<Block> {
        let section = match self.mode {
            Mode::Migrate { write: true } => "Rewritten calls",
            Mode::Migrate { write: false } => "Calls the diff rewrites",
            Mode::Check => "Calls `stepup migrate` rewrites",
        };
        report
            .active()
            .filter(|f| f.fixable)
            .map(|f| {
                let scope = match &f.scope {
                    Some(s) => format!("`TokenScope.{}`", markdown_text(s)),
                    None => "no scope".to_string(),
                };
                Block {
                    section,
                    text: format!(
                        "- {} `{}` → {scope}: {}\n",
                        self.place(f),
                        f.rule,
                        markdown_text(&f.message)
                    ),
                    items: 1,
                    rank: 3,
                }
            })
            .collect()
    }

    /// Review items, identical ones (same rule, severity and message)
    /// grouped under one task with every place.
    fn items(
        &self,
        report: &Report,
        title: &'static str,
        rank: u8,
        items: &[&Located],
    ) -> Vec<Block> {
        let mut groups: Vec<(&Located, Vec<&Located>)> = Vec::new();
        let mut index: BTreeMap<(&str, Severity, &str), usize> = BTreeMap::new();
        for f in items {
            let key = (f.rule, f.severity, f.message.as_str());
            match index.get(&key) {
                Some(&i) => groups[i].1.push(f),
                None => {
                    index.insert(key, groups.len());
                    groups.push((f, vec![f]));
                }
            }
        }
        groups
            .into_iter()
            .map(|(first, places)| {
                let mut text = format!("- [ ] {}", self.place(first));
                if places.len() > 1 {
                    let more: Vec<String> = places[1..]
                        .iter()
                        .take(PLACES_PER_GROUP - 1)
                        .map(|f| self.place(f))
                        .collect();
                    text.push_str(&format!(", {}", more.join(", ")));
                    if places.len() > PLACES_PER_GROUP {
                        text.push_str(&format!(
                            " and {} more places",
                            places.len() - PLACES_PER_GROUP
                        ));
                    }
                }
                text.push_str(&format!(
                    " — `{}` ({}): {}\n",
                    first.rule,
                    first.severity.as_str(),
                    markdown_text(&first.message)
                ));
                if self.excerpts
                    && let Some(ex) = excerpt(report, &first.path, first.line)
                {
                    let fence = fence(&ex);
                    text.push_str(&format!("\n  {fence}{}\n", fence_language(&first.path)));
                    for line in ex.lines() {
                        text.push_str(&format!("  {line}\n"));
                    }
                    text.push_str(&format!("  {fence}\n\n"));
                }
                Block {
                    section: title,
                    text,
                    items: places.len(),
                    rank,
                }
            })
            .collect()
    }

    /// Findings accepted in place with a `stepup-ignore` directive (or a
    /// baseline), with the reason given.
    fn suppressed(&self, report: &Report) -> Vec<Block> {
        report
            .suppressed()
            .map(|f| Block {
                section: "Suppressed in the source (`stepup-ignore`)",
                text: format!(
                    "- {} `{}`: {}\n",
                    self.place(f),
                    f.rule,
                    markdown_text(f.suppressed.as_deref().unwrap_or(""))
                ),
                items: 1,
                rank: 5,
            })
            .collect()
    }

    /// The rules with findings: counts and what to do, folded.
    fn catalog(&self, report: &Report) -> String {
        let mut per_rule: BTreeMap<&str, (usize, usize, Severity)> = BTreeMap::new();
        for f in report.active() {
            let e = per_rule.entry(f.rule).or_insert((0, 0, f.severity));
            e.0 += 1;
            e.1 += usize::from(f.fixable);
        }
        if per_rule.is_empty() {
            return String::new();
        }
        let fixed = match self.mode {
            Mode::Migrate { write: true } => "fixed by stepup",
            Mode::Migrate { write: false } => "fixed by the diff",
            Mode::Check => "fixable with `stepup migrate --write`",
        };
        let mut out = format!(
            "\n<details>\n<summary>Findings by rule, and what to do</summary>\n\n\
             | rule | severity | findings | {fixed} | what to do |\n|---|---|---:|---:|---|\n"
        );
        for (rule, (n, fixable, sev)) in &per_rule {
            let help = report
                .catalog
                .iter()
                .find(|r| r.id == *rule)
                .map(|r| {
                    markdown_text(&r.help)
                        .replace('|', "\\|")
                        .replace('\n', " ")
                })
                .unwrap_or_default();
            out.push_str(&format!(
                "| `{rule}` | {} | {n} | {fixable} | {help} |\n",
                sev.as_str()
            ));
        }
        out.push_str("\n</details>\n");
        out
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

fn changed_files(report: &Report) -> Vec<Block> {
    report
        .files
        .iter()
        .filter_map(|r| r.change.as_ref().map(|c| (r, c)))
        .map(|(r, c)| Block {
            section: "Changed files",
            text: format!(
                "- {} ({})\n",
                code_span(&r.display),
                super::count(c.edit_count, "edit", "edits")
            ),
            items: 1,
            rank: 4,
        })
        .collect()
}

/// Up to two lines before and after `line` of the file as it was before the
/// run (finding lines are the original's), numbered, each on one line as a
/// terminal shows it (a control character, a lone CR, is shown escaped; tabs
/// are kept).
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
            terminal_code(l.trim_end_matches('\r'))
        ));
    }
    Some(out)
}

/// The guide's step 5 — test each protected action end to end — as a
/// checklist: every step-up request after the migration, with its scope, the
/// sensitive call it guards and its place in the file as migrated. Always
/// the last section.
fn test_plan(report: &Report, out: &mut String, budget: usize) {
    let mut items: Vec<(&str, &super::Protected)> = report
        .files
        .iter()
        .flat_map(|f| f.protected.iter().map(move |p| (f.display.as_str(), p)))
        .collect();
    if items.is_empty() {
        return;
    }
    items.sort_by_key(|(path, p)| (*path, p.line));
    let (total, mut written) = (items.len(), 0);
    out.push_str(
        "\n## Test plan\n\nEach protected action after the migration (lines of the migrated \
         files): tick it once its flow has been tested end to end, step-up prompt included.\n\n",
    );
    for (path, p) in items {
        let scopes = p
            .scopes
            .iter()
            .map(|s| code_span(s))
            .collect::<Vec<_>>()
            .join(", ");
        let guarded = match (&p.guarded, &p.next_call) {
            (Some(call), _) => code_span(call),
            (None, Some(next)) => format!(
                "{} (the call that follows it; not one stepup knows as sensitive)",
                code_span(next)
            ),
            (None, None) => {
                "the flows that call it (no sensitive call in the same function)".to_string()
            }
        };
        let item = format!(
            "- [ ] {scopes} — {guarded} — {}\n",
            code_span(&format!("{path}:{}", p.line))
        );
        if out.len() + item.len() > budget {
            out.push_str(&format!(
                "- … {} more, left out to keep the report within its size limit \
                 (`--report-limit 0` writes the whole plan)\n",
                total - written
            ));
            return;
        }
        out.push_str(&item);
        written += 1;
    }
}
