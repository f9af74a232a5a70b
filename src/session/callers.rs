//! The project stage of deciding a scope from a wrapper's callers. Pass 1
//! (the engine over each candidate) hands over the token calls whose scope
//! nothing in their file tells, each with the ways other modules reach it;
//! here the files that name those wrappers are found by their bytes, parsed,
//! and their uses of the wrappers joined into decisions, which pass 2 gives
//! the engine as it gives a `--decide`.
//!
//! Bounded: callers of callers are followed at most `MAX_LEVELS` deep, and
//! at most `MAX_PARSED` caller files are parsed in a run. No file is read
//! again to find them: pass 1 keeps each file's import section (`ImportHead`),
//! and only the files whose imports name a wrapper are read and parsed.

use super::read_source;
use super::walk::Target;
use crate::analysis::callers::{CallerUse, Handle, UndecidedSite, Wrapper, caller_uses, real_path};
use crate::decisions::ScopeChoice;
use crate::lang::Lang;
use crate::table::Table;
use crate::workspace::FsWorkspace;
use crate::workspace::resolve::normalize;
use aho_corasick::AhoCorasick;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// How many levels of callers are followed (a wrapper's callers, theirs, …).
pub const MAX_LEVELS: usize = 3;
/// How many caller files a run parses at most.
pub const MAX_PARSED: usize = 2000;

/// What pass 1 keeps of a file to find callers without reading it again:
/// its import section (up to the end of the line of its last `from '…'`,
/// `from "…"` or `require(`), or Unknown when it must be read again (it
/// could not be read, its imports reach too far, or the budget is spent).
#[derive(Debug, Default)]
pub enum ImportHead {
    Section(Box<[u8]>),
    #[default]
    Unknown,
}

/// Import sections longer than this are not kept (the file is read again).
const MAX_HEAD: usize = 16 << 10;
/// All import sections kept together, at most.
const HEADS_BUDGET: usize = 32 << 20;

impl ImportHead {
    pub fn of(bytes: &[u8], total: &AtomicUsize) -> ImportHead {
        use memchr::memmem::Finder;
        use std::sync::LazyLock;
        // Forward searches (vectorized), keeping the last hit.
        static FROM: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("from"));
        static REQUIRE: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("require("));
        let quoted = |at: usize| {
            bytes[at + 4..]
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|b| matches!(b, b'\'' | b'"'))
        };
        let last = FROM
            .find_iter(bytes)
            .filter(|&at| quoted(at))
            .last()
            .max(REQUIRE.find_iter(bytes).last());
        let end = match last {
            None => 0,
            Some(at) => memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |n| at + n + 1),
        };
        if end > MAX_HEAD || total.fetch_add(end, Ordering::Relaxed) + end > HEADS_BUDGET {
            return ImportHead::Unknown;
        }
        ImportHead::Section(bytes[..end].into())
    }

    /// Can the file name a wrapper in its imports?
    fn may_match(&self, filter: &AhoCorasick) -> bool {
        match self {
            ImportHead::Section(head) => filter.is_match(head),
            ImportHead::Unknown => true,
        }
    }
}

/// An undecided token call and the file it is in.
pub struct Site {
    /// Absolute, normalized.
    pub path: PathBuf,
    pub site: UndecidedSite,
}

/// What one caller tells about one site.
struct Evidence {
    /// `path:line` of the use.
    at: String,
    /// The sensitive calls that follow it; empty: none, and it is not reached from elsewhere.
    scopes: BTreeSet<(String, String)>,
}

/// The decisions the callers give, by file (absolute, normalized) and line.
pub fn decide(
    sites: &[Site],
    targets: &[Target],
    heads: &[ImportHead],
    workspace: &FsWorkspace,
    table: &Table,
) -> HashMap<PathBuf, BTreeMap<usize, ScopeChoice>> {
    let mut evidence: Vec<Vec<Evidence>> = sites.iter().map(|_| Vec::new()).collect();
    let mut seen: HashSet<(usize, PathBuf, Handle)> = HashSet::new();
    // (site, wrapper) pairs to look for at this level.
    let mut frontier = first_frontier(sites, &mut seen);
    let parsed = AtomicUsize::new(0);
    for _level in 0..MAX_LEVELS {
        if frontier.is_empty() {
            break;
        }
        let wrappers: Vec<Wrapper> = frontier.iter().map(|(_, w)| w.clone()).collect();
        let uses = find_uses(&wrappers, targets, heads, workspace, table, &parsed);
        let mut next = Vec::new();
        for (target, u) in uses {
            let (site, _) = &frontier[u.wrapper];
            let at = format!("{}:{}", targets[target].display, u.line);
            if !u.scopes.is_empty() || u.next.is_empty() {
                evidence[*site].push(Evidence {
                    at,
                    scopes: u.scopes,
                });
                continue;
            }
            let path = real_path(&targets[target].path);
            let mut followed = false;
            for h in u.next {
                if seen.insert((*site, path.clone(), h.clone())) {
                    next.push((
                        *site,
                        Wrapper {
                            path: path.clone(),
                            handle: h,
                        },
                    ));
                    followed = true;
                }
            }
            if !followed {
                evidence[*site].push(Evidence {
                    at,
                    scopes: BTreeSet::new(),
                });
            }
        }
        frontier = next;
    }
    // Callers still to follow past the last level tell nothing.
    for (site, w) in frontier {
        evidence[site].push(Evidence {
            at: format!(
                "the callers of {} (not followed further)",
                w.handle.describe()
            ),
            scopes: BTreeSet::new(),
        });
    }
    let mut out: HashMap<PathBuf, BTreeMap<usize, ScopeChoice>> = HashMap::new();
    for (s, ev) in sites.iter().zip(evidence) {
        if let Some(choice) = choice(&s.site, ev) {
            out.entry(s.path.clone())
                .or_default()
                .insert(s.site.line, choice);
        }
    }
    out
}

/// The wrappers each site is reached through (each once).
fn first_frontier(
    sites: &[Site],
    seen: &mut HashSet<(usize, PathBuf, Handle)>,
) -> Vec<(usize, Wrapper)> {
    let mut frontier = Vec::new();
    for (i, s) in sites.iter().enumerate() {
        for h in &s.site.handles {
            let w = Wrapper {
                path: real_path(&s.path),
                handle: h.clone(),
            };
            if seen.insert((i, w.path.clone(), h.clone())) {
                frontier.push((i, w));
            }
        }
    }
    frontier
}

/// Every use of the wrappers in the scanned files that name one, with the
/// index of the file it is in.
fn find_uses(
    wrappers: &[Wrapper],
    targets: &[Target],
    heads: &[ImportHead],
    workspace: &FsWorkspace,
    table: &Table,
    parsed: &AtomicUsize,
) -> Vec<(usize, CallerUse)> {
    let mut names: Vec<String> = wrappers
        .iter()
        .map(|w| match w.handle.export() {
            // A default export is imported under any name: its file's name is in the specifier.
            "default" => default_import_hint(&w.path),
            name => name.to_string(),
        })
        .collect();
    names.sort();
    names.dedup();
    let Ok(filter) = AhoCorasick::new(&names) else {
        return vec![];
    };
    targets
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, t)| {
            if !heads.get(i).is_none_or(|h| h.may_match(&filter)) {
                return Vec::new();
            }
            let mut buf = Vec::new();
            if read_source(t, &mut buf).is_err() || !filter.is_match(&buf) {
                return Vec::new();
            }
            let (Some(lang), Ok(text)) = (Lang::from_path(&t.path), String::from_utf8(buf)) else {
                return Vec::new();
            };
            if parsed.fetch_add(1, Ordering::Relaxed) >= MAX_PARSED {
                return Vec::new();
            }
            let path = normalize(&t.path);
            let tree = lang.parse(&text);
            let scoped = workspace.for_file(&path);
            let dir = path.parent().unwrap_or(Path::new("/"));
            caller_uses(tree.root_node(), &text, dir, &scoped, table, wrappers)
                .into_iter()
                .map(|u| (i, u))
                .collect()
        })
        .collect()
}

/// `TotpDialog` for `…/TotpDialog.tsx`, `auth` for `…/auth/index.ts`.
fn default_import_hint(path: &Path) -> String {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    if stem == "index" {
        path.parent()
            .and_then(|p| p.file_name())
            .and_then(|s| s.to_str())
            .unwrap_or(stem)
            .to_string()
    } else {
        stem.to_string()
    }
}

/// The decision for one site from what its callers tell: one scope when
/// every caller's sensitive calls agree on it, a review message when they
/// do not (or some caller does nothing sensitive), nothing when no caller
/// was found.
fn choice(site: &UndecidedSite, evidence: Vec<Evidence>) -> Option<ScopeChoice> {
    if evidence.iter().all(|e| e.scopes.is_empty()) {
        return None;
    }
    let scopes: BTreeSet<&String> = evidence
        .iter()
        .flat_map(|e| e.scopes.iter().map(|(s, _)| s))
        .collect();
    let describe = |e: &Evidence| -> String {
        if e.scopes.is_empty() {
            return format!("{} (no export or signing follows)", e.at);
        }
        let what: Vec<String> = e
            .scopes
            .iter()
            .map(|(s, c)| format!("TokenScope.{s} (`{c}`)"))
            .collect();
        format!("{} → {}", e.at, what.join(", "))
    };
    let via = site
        .handles
        .iter()
        .map(Handle::describe)
        .collect::<Vec<_>>()
        .join(" / ");
    let unresolved = evidence.iter().any(|e| e.scopes.is_empty());
    let listed = evidence.iter().map(describe).collect::<Vec<_>>().join("; ");
    if scopes.len() == 1 && !unresolved {
        let scope = scopes.into_iter().next().expect("one").clone();
        let at = evidence
            .iter()
            .map(|e| {
                let calls: Vec<&str> = e.scopes.iter().map(|(_, c)| c.as_str()).collect();
                format!("{} (`{}`)", e.at, calls.join("`, `"))
            })
            .collect::<Vec<_>>()
            .join(", ");
        return Some(ScopeChoice::Scope {
            evidence: Some(format!(
                "TokenScope.{scope} inferred from the callers of {via}, which then need it: {at}; please confirm"
            )),
            scope,
        });
    }
    let legacy = &site.legacy;
    Some(ScopeChoice::Review(format!(
        "cannot tell which scope {legacy} needs: its callers (through {via}) need different ones: \
         {listed}; pass the scope in as a parameter (requestedScopes from each caller), or give it \
         with --decide"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(text: &str) -> Option<String> {
        match ImportHead::of(text.as_bytes(), &AtomicUsize::new(0)) {
            ImportHead::Section(h) => Some(String::from_utf8(h.into()).unwrap()),
            ImportHead::Unknown => None,
        }
    }

    #[test]
    fn the_import_section_ends_with_the_line_of_the_last_import() {
        let text = "import a from 'a';\nimport { b } from \"./b\";\nconst c = require('c');\n\nexport function f() {\n  return b(a, c);\n}\n";
        assert_eq!(
            head(text).unwrap(),
            "import a from 'a';\nimport { b } from \"./b\";\nconst c = require('c');\n"
        );
        assert_eq!(head("export const x = 1;\n").unwrap(), "");
    }

    #[test]
    fn imports_that_reach_too_far_make_the_file_read_again() {
        let text = format!(
            "{}\nimport {{ useGuard }} from './guard';\n",
            "// x\n".repeat(5000)
        );
        assert!(head(&text).is_none());
        // So does a spent budget.
        let total = AtomicUsize::new(HEADS_BUDGET);
        assert!(matches!(
            ImportHead::of(b"import a from 'a';\n", &total),
            ImportHead::Unknown
        ));
    }
}
