//! The per-file pipeline: read → prefilter → parse → analyse → plan edits →
//! apply → verify. Pure with respect to the user's files: it reads, never writes.

use crate::analysis::Field;

use crate::analysis::bindings::Bindings;
use crate::analysis::line_col;
use crate::barrels::BarrelIndex;
use crate::edit;
use crate::finding::{Finding, Located, Severity};
use crate::lang::{Lang, error_ranges, syntax_error_count};
use crate::rules::{self, FileCtx, Plan};
use crate::ruleset::Ruleset;
use aho_corasick::AhoCorasick;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Files above this size are skipped (minified bundles, generated code).
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

const BOM: &str = "\u{feff}";

/// The result of running the rules over one source text.
#[derive(Debug, Default)]
pub struct SourceOutcome {
    pub findings: Vec<Finding>,
    /// The rewritten text, when it differs from the input.
    pub rewritten: Option<String>,
    pub edit_count: usize,
    pub has_dynamic_import: bool,
    /// Byte ranges of the input the rewrite may touch: the call-site edits and
    /// the import statements (for tests that check every other byte is kept).
    pub touched: Vec<(usize, usize)>,
}

/// A planned change to one file.
#[derive(Debug)]
pub struct Change {
    pub original: Vec<u8>,
    pub rewritten: String,
    pub edit_count: usize,
}

/// Why a file could not be analysed.
#[derive(Debug, Clone)]
pub struct Problem {
    pub path: String,
    pub message: String,
    /// A failure (unreadable, unwritable) rather than a deliberate skip.
    pub is_error: bool,
}

#[derive(Debug)]
pub struct FileResult {
    pub path: PathBuf,
    pub display: String,
    pub findings: Vec<Located>,
    pub change: Option<Change>,
    pub problem: Option<Problem>,
    pub has_dynamic_import: bool,
    /// The file (as rewritten) imports TokenScope from sdk-api-core.
    pub needs_api_core: bool,
}

impl FileResult {
    /// A file the prefilter let go: scanned, nothing to report.
    pub fn untouched(path: &Path, display: &str) -> FileResult {
        FileResult {
            path: path.to_path_buf(),
            display: display.to_string(),
            findings: vec![],
            change: None,
            problem: None,
            has_dynamic_import: false,
            needs_api_core: false,
        }
    }
}

pub struct Engine {
    pub rules: Ruleset,
    barrels: BarrelIndex,
    /// Bytes that make a file a candidate: package prefixes, legacy API
    /// names, and names exported by local barrels.
    prefilter: AhoCorasick,
    /// Bytes without which a file that imports the SDK has nothing to migrate.
    rule_filter: AhoCorasick,
    /// Installed sdk-api-core TokenScope members, per directory looked up from.
    installed_scopes: Mutex<HashMap<PathBuf, Option<Arc<HashSet<String>>>>>,
}

impl Engine {
    pub fn new(rules: Ruleset) -> Engine {
        let (prefilter, rule_filter) = build_prefilters(&rules, &[]);
        Engine {
            rules,
            barrels: BarrelIndex::default(),
            prefilter,
            rule_filter,
            installed_scopes: Mutex::new(HashMap::new()),
        }
    }

    /// Use the barrels found by the first pass: their call sites become candidates.
    pub fn set_barrels(&mut self, barrels: BarrelIndex) {
        (self.prefilter, self.rule_filter) =
            build_prefilters(&self.rules, barrels.exported_names());
        self.barrels = barrels;
    }

    /// Are there barrel aliases the base prefilter would not have caught?
    pub fn barrel_aliases_need_rescan(&self) -> bool {
        let (base, _) = build_prefilters(&self.rules, &[]);
        self.barrels
            .exported_names()
            .iter()
            .any(|n| !base.is_match(n.as_bytes()))
    }

    /// Offsets of every name a rule starts from: the legacy names, barrel
    /// aliases, the step-up names, the legacy members a test may stub, and
    /// the file's own names for Dynamic imports. Subtrees without one cannot
    /// matter to any rule, so the analysis skips them.
    fn marks(&self, src: &str, bindings: &Bindings) -> Vec<usize> {
        const ALSO: &[&str] = &[
            "isStepUpRequired",
            "checkStepUpAuth",
            "stepUpAuth",
            "authenticateDevice",
            "authenticateRecoveryCode",
            "authDevice",
            "authRecoveryCode",
            "isRequiredForAction",
        ];
        let bytes = src.as_bytes();
        let mut marks: Vec<usize> = self
            .rule_filter
            .find_iter(bytes)
            .map(|m| m.start())
            .collect();
        let locals = bindings.dynamic_imports(&self.rules).flat_map(|d| {
            d.named
                .iter()
                .map(|s| s.local.as_str())
                .chain(d.namespace.as_deref())
                .chain(d.default.as_deref())
        });
        for name in ALSO.iter().copied().chain(locals) {
            marks.extend(memchr::memmem::find_iter(bytes, name.as_bytes()));
        }
        marks.sort_unstable();
        marks.dedup();
        marks
    }

    /// Does a file that imports the SDK name any of the legacy API?
    pub fn needs_rules(&self, bytes: &[u8]) -> bool {
        self.rule_filter.is_match(bytes)
    }

    /// Cheap byte test: can this file need anything from stepup at all?
    pub fn is_candidate(&self, bytes: &[u8]) -> bool {
        self.prefilter.is_match(bytes)
    }

    pub fn process_file(&self, path: &Path, display: &str) -> FileResult {
        self.process_file_with(path, display, None)
    }

    /// As `process_file`, with the bytes when the caller has them already.
    pub fn process_file_with(
        &self,
        path: &Path,
        display: &str,
        read: Option<Vec<u8>>,
    ) -> FileResult {
        let mut result = FileResult::untouched(path, display);
        let problem = |message: String, is_error: bool| Problem {
            path: display.to_string(),
            message,
            is_error,
        };
        let Some(lang) = Lang::from_path(path) else {
            return result;
        };
        let bytes = match read.map_or_else(|| std::fs::read(path), Ok) {
            Ok(b) => b,
            Err(e) => {
                result.problem = Some(problem(format!("cannot read: {e}"), true));
                return result;
            }
        };
        if !self.is_candidate(&bytes) {
            return result;
        }
        if bytes.len() as u64 > MAX_FILE_BYTES {
            result.problem = Some(problem(
                format!(
                    "skipped: {} bytes is above the {} byte limit for source files (minified or generated?)",
                    bytes.len(),
                    MAX_FILE_BYTES
                ),
                false,
            ));
            return result;
        }
        let text = match std::str::from_utf8(&bytes) {
            Ok(t) => t,
            Err(e) => {
                result.problem = Some(problem(
                    format!(
                        "skipped: not valid UTF-8 (invalid byte at offset {}); left untouched",
                        e.valid_up_to()
                    ),
                    false,
                ));
                return result;
            }
        };
        let dir = path.parent().unwrap_or(Path::new("."));
        let outcome = self.process_source(text, lang, dir);
        // Offsets are into the text after the BOM.
        let (_, body) = split_bom(text);
        result.has_dynamic_import = outcome.has_dynamic_import;
        result.findings = outcome
            .findings
            .iter()
            .map(|f| {
                let (line, column) = line_col(body, f.offset);
                Located {
                    path: display.to_string(),
                    line,
                    column,
                    rule: f.rule,
                    severity: f.severity,
                    fixable: f.fixable,
                    message: f.message.clone(),
                }
            })
            .collect();
        let final_text = outcome.rewritten.as_deref().unwrap_or(text);
        result.needs_api_core = final_text.contains("TokenScope")
            && final_text.contains(self.rules.api_core_module.as_str());
        if let Some(rewritten) = outcome.rewritten {
            result.change = Some(Change {
                original: bytes,
                rewritten,
                edit_count: outcome.edit_count,
            });
        }
        result
    }

    /// Run the rules over a source text. `dir` is where the file lives, for
    /// looking up the project's installed packages.
    pub fn process_source(&self, text: &str, lang: Lang, dir: &Path) -> SourceOutcome {
        let (bom, src) = split_bom(text);
        let tree = lang.parse(src);
        let root = tree.root_node();
        let mut bindings = Bindings::from_tree(root, src);
        bindings.attach_barrels(&self.barrels, dir, &|name| {
            self.needs_rules(name.as_bytes())
        });
        let mut out = SourceOutcome {
            has_dynamic_import: bindings.has_dynamic_import(&self.rules)
                || reexports_dynamic(root, src, &self.rules),
            ..Default::default()
        };
        if !out.has_dynamic_import {
            return out;
        }
        let installed = self.installed_scopes_for(dir);
        let scope_available = |scope: &str| installed.as_ref().is_some_and(|s| s.contains(scope));
        if !self.needs_rules(src.as_bytes()) {
            // Imports the SDK but names nothing of the MFA API: nothing to do.
            return out;
        }
        let newline = rules::syntax::dominant_newline(src);
        let nodes = crate::analysis::descendants_touching(root, &self.marks(src, &bindings));
        let index = crate::analysis::NodeIndex::build(&nodes, &tree.language());
        let ctx = FileCtx {
            src,
            root,
            index: &index,
            bindings: &bindings,
            rules: &self.rules,
            scope_available: &scope_available,
            newline,
        };
        let mut plan = rules::plan_file(&ctx);
        out.findings = std::mem::take(&mut plan.findings);
        out.findings.sort_by_key(|f| f.offset);
        if plan.edits.is_empty() {
            return out;
        }
        match self.apply_plan(src, lang, dir, &tree, &bindings, &plan) {
            Ok(rewritten) => {
                out.edit_count = plan.edits.len();
                let offset = bom.len();
                out.touched = plan
                    .edits
                    .iter()
                    .map(|e| (e.start + offset, e.end + offset))
                    .chain(
                        bindings
                            .imports
                            .iter()
                            .map(|d| (d.start + offset, d.end + offset)),
                    )
                    .collect();
                if rewritten != src {
                    out.rewritten = Some(format!("{bom}{rewritten}"));
                }
            }
            Err(reason) => {
                // Nothing is rewritten: every would-be fix becomes manual work.
                for f in out.findings.iter_mut().filter(|f| f.fixable) {
                    f.fixable = false;
                }
                out.findings.insert(
                    0,
                    Finding {
                        offset: 0,
                        rule: "not-rewritten",
                        severity: Severity::Error,
                        fixable: false,
                        message: format!("{reason}; the file is left unchanged"),
                    },
                );
            }
        }
        out
    }

    fn apply_plan(
        &self,
        src: &str,
        lang: Lang,
        dir: &Path,
        tree: &tree_sitter::Tree,
        bindings: &Bindings,
        plan: &Plan,
    ) -> Result<String, String> {
        let errors_before = syntax_error_count(tree);
        if errors_before > 0 {
            let broken = error_ranges(tree);
            let touches = plan
                .edits
                .iter()
                .any(|e| broken.iter().any(|(s, t)| e.start <= *t && *s <= e.end));
            if touches {
                return Err("the file has syntax errors next to the code to rewrite".into());
            }
        }
        let before = rules::imports::reference_counts(tree.root_node(), src, bindings);
        let middle = edit::apply(src, &plan.edits).map_err(|o| {
            format!(
                "internal error: overlapping edits at bytes {:?} and {:?}",
                o.first, o.second
            )
        })?;
        let mid_tree = lang.reparse(tree, src, &plan.edits, &middle);
        let mut mid_bindings = Bindings::from_tree(mid_tree.root_node(), &middle);
        mid_bindings.attach_barrels(&self.barrels, dir, &|name| {
            self.needs_rules(name.as_bytes())
        });
        let import_edits = rules::imports::plan(
            &middle,
            mid_tree.root_node(),
            &mid_bindings,
            &self.rules,
            &plan.needs,
            &before,
            rules::syntax::dominant_newline(src),
        );
        let out = edit::apply(&middle, &import_edits).map_err(|o| {
            format!(
                "internal error: overlapping import edits at bytes {:?} and {:?}",
                o.first, o.second
            )
        })?;
        let errors_after =
            syntax_error_count(&lang.reparse(&mid_tree, &middle, &import_edits, &out));
        if errors_after > errors_before {
            return Err(format!(
                "the rewrite would introduce syntax errors ({errors_before} before, {errors_after} after)"
            ));
        }
        Ok(out)
    }

    /// TokenScope members declared by the sdk-api-core installed nearest to
    /// `dir` (Node's resolution order), or None when none is installed.
    fn installed_scopes_for(&self, dir: &Path) -> Option<Arc<HashSet<String>>> {
        let mut visited = Vec::new();
        let mut cur = Some(dir);
        let mut found = None;
        while let Some(d) = cur {
            if let Some(cached) = self.installed_scopes.lock().expect("cache lock").get(d) {
                found = Some(cached.clone());
                break;
            }
            visited.push(d.to_path_buf());
            let pkg = d.join("node_modules/@dynamic-labs/sdk-api-core");
            if pkg.join("package.json").is_file() {
                found = Some(read_token_scopes(&pkg).map(Arc::new));
                break;
            }
            cur = d.parent();
        }
        let found = found.unwrap_or(None);
        let mut cache = self.installed_scopes.lock().expect("cache lock");
        for v in visited {
            cache.insert(v, found.clone());
        }
        found
    }
}

/// `export … from '@dynamic-labs/…'`: a wrapper module with no import of its own.
fn reexports_dynamic(root: tree_sitter::Node, src: &str, rules: &Ruleset) -> bool {
    let mut cursor = root.walk();
    root.named_children(&mut cursor).any(|n| {
        n.kind() == "export_statement"
            && n.field("source")
                .and_then(|s| crate::analysis::string_value(s, src))
                .is_some_and(|m| rules.is_dynamic_module(m))
    })
}

fn build_prefilters(rules: &Ruleset, barrel_names: &[String]) -> (AhoCorasick, AhoCorasick) {
    let names: Vec<&str> = rules
        .prefilter_names
        .iter()
        .map(String::as_str)
        .chain(barrel_names.iter().map(String::as_str))
        .collect();
    let candidates: Vec<&str> = rules
        .dynamic_module_prefixes
        .iter()
        .map(|p| p.trim_end_matches('/'))
        .chain(names.iter().copied())
        .collect();
    (
        AhoCorasick::new(candidates).expect("plain literal patterns"),
        AhoCorasick::new(names).expect("plain literal patterns"),
    )
}

fn split_bom(text: &str) -> (&str, &str) {
    match text.strip_prefix(BOM) {
        Some(rest) => (BOM, rest),
        None => ("", text),
    }
}

/// Members of the `TokenScope` enum in an installed sdk-api-core package.
fn read_token_scopes(pkg: &Path) -> Option<HashSet<String>> {
    let candidates = [
        "src/models/TokenScope.d.ts",
        "dist/models/TokenScope.d.ts",
        "models/TokenScope.d.ts",
    ];
    let text = candidates
        .iter()
        .find_map(|c| std::fs::read_to_string(pkg.join(c)).ok())?;
    let start = text.find("enum TokenScope")?;
    let body = &text[start..];
    let body = &body[..body.find('}').unwrap_or(body.len())];
    Some(
        body.lines()
            .filter_map(|l| {
                let (name, _) = l.trim().split_once('=')?;
                let name = name.trim();
                (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
                    .then(|| name.to_string())
            })
            .collect(),
    )
}
