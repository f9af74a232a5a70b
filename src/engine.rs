//! The per-file pipeline, pure: text → parse → analyse → plan → splice →
//! verify. It reads no file: what it needs of the project comes through the
//! `Workspace` in `FileEnv`, so a test can run it on a string.

use crate::analysis::Field;

use crate::analysis::barrels::Workspace;
use crate::analysis::bindings::Bindings;
use crate::analysis::callers::UndecidedSite;
use crate::analysis::suppressions::{Scope, Suppressions};
use crate::analysis::{NodeIndex, string_value};
use crate::decisions::Decisions;
use crate::edit::{self, Edit};
use crate::finding::Finding;
use crate::lang::{Lang, error_ranges, syntax_error_count};
use crate::migration::{self, FileCtx, Plan, imports, syntax};
use crate::table::{RuleId, Table};
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use std::path::Path;

const BOM: &str = "\u{feff}";

/// A file with a suppression directive is read, so that one that matches
/// nothing is reported.
const SUPPRESSION_MARK: &str = "stepup-ignore";

/// The result of running the rules over one source text.
#[derive(Debug, Default)]
pub struct SourceOutcome {
    /// By byte offset into the text after a BOM.
    pub findings: Vec<Finding>,
    /// The rewritten text, when it differs from the input.
    pub rewritten: Option<String>,
    pub edit_count: usize,
    pub has_dynamic_import: bool,
    /// The text (as rewritten) imports TokenScope from sdk-api-core.
    pub needs_api_core: bool,
    /// Byte ranges of the input the rewrite may touch: the call-site edits and
    /// the import statements (for tests that check every other byte is kept).
    pub touched: Vec<(usize, usize)>,
    /// Token calls whose scope nothing in the file tells, and how other
    /// modules reach them: the file's part of the callers' inference.
    pub undecided: Vec<UndecidedSite>,
}

/// What the engine may know of the file's place in the project.
pub struct FileEnv<'a> {
    /// The directory the file is in (resolution starts there).
    pub dir: &'a Path,
    pub workspace: &'a dyn Workspace,
    /// The Dynamic module the file is a Jest manual mock of, when its path
    /// says so (`__mocks__/@dynamic-labs/sdk-react-core.ts`).
    pub manual_mock_of: Option<&'a str>,
    /// Scopes decided outside the file (`--decide`, the callers of a
    /// wrapper) for its token calls whose scope it cannot tell.
    pub decisions: Option<&'a Decisions>,
}

impl<'a> FileEnv<'a> {
    pub fn new(dir: &'a Path, workspace: &'a dyn Workspace) -> FileEnv<'a> {
        FileEnv {
            dir,
            workspace,
            manual_mock_of: None,
            decisions: None,
        }
    }
}

pub struct Engine {
    table: Table,
    /// Bytes that make a file a candidate: package prefixes, importable legacy
    /// names, and names local barrels export under names of their own.
    prefilter: AhoCorasick,
    /// Bytes without which a file that imports the SDK has nothing to migrate.
    rule_filter: AhoCorasick,
    aliases: Vec<String>,
    /// The aliases alone: what makes a file the base prefilter let go a candidate.
    alias_filter: Option<AhoCorasick>,
}

impl Engine {
    pub fn new(table: Table) -> Engine {
        let (prefilter, rule_filter) = build_prefilters(&table, &[]);
        Engine {
            table,
            prefilter,
            rule_filter,
            aliases: Vec::new(),
            alias_filter: None,
        }
    }

    pub fn table(&self) -> &Table {
        &self.table
    }

    /// Names barrels export under names of their own: their call sites become candidates.
    pub fn add_aliases(&mut self, aliases: impl IntoIterator<Item = String>) {
        self.aliases.extend(aliases);
        self.aliases.sort();
        self.aliases.dedup();
        (self.prefilter, self.rule_filter) = build_prefilters(&self.table, &self.aliases);
        let aliases: Vec<&str> = self.aliases.iter().map(String::as_str).collect();
        self.alias_filter = (!aliases.is_empty()).then(|| literal_search(&aliases));
    }

    /// Does a file name one of the aliases? For a file the base prefilter
    /// let go, the same answer as `is_candidate`, for a fraction of the search.
    pub fn names_alias(&self, bytes: &[u8]) -> bool {
        self.alias_filter
            .as_ref()
            .is_some_and(|f| f.is_match(bytes))
    }

    /// Would a file the base prefilter let go be a candidate with these aliases?
    pub fn aliases_widen_prefilter(&self) -> bool {
        let (base, _) = build_prefilters(&self.table, &[]);
        self.aliases.iter().any(|n| !base.is_match(n.as_bytes()))
    }

    /// Cheap byte test: can this file need anything from stepup at all?
    pub fn is_candidate(&self, bytes: &[u8]) -> bool {
        self.prefilter.is_match(bytes)
    }

    /// Does a file that imports the SDK name any of the legacy API?
    pub fn needs_rules(&self, bytes: &[u8]) -> bool {
        self.rule_filter.is_match(bytes)
    }

    /// Do these bytes name the legacy API: a Dynamic module or name, and a
    /// legacy name (what makes a file worth parsing at all)?
    pub fn names_legacy_api(&self, bytes: &[u8]) -> bool {
        self.is_candidate(bytes) && self.needs_rules(bytes)
    }

    /// `names_legacy_api` for a file too large to hold: read in chunks that
    /// overlap by the longest pattern, so no match is cut in two.
    pub fn reader_names_legacy_api(&self, mut reader: impl std::io::Read) -> std::io::Result<bool> {
        const CHUNK: usize = 1 << 16;
        let overlap = self
            .prefilter
            .max_pattern_len()
            .max(self.rule_filter.max_pattern_len())
            .saturating_sub(1);
        let mut buf = vec![0; CHUNK + overlap];
        let (mut kept, mut candidate, mut rules) = (0, false, false);
        loop {
            let n = match reader.read(&mut buf[kept..]) {
                Ok(0) => return Ok(false),
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            let window = &buf[..kept + n];
            candidate = candidate || self.prefilter.is_match(window);
            rules = rules || self.rule_filter.is_match(window);
            if candidate && rules {
                return Ok(true);
            }
            kept = overlap.min(window.len());
            let from = window.len() - kept;
            buf.copy_within(from..from + kept, 0);
        }
    }

    /// Run the rules over a source text.
    pub fn process(&self, text: &str, lang: Lang, env: &FileEnv) -> SourceOutcome {
        let (bom, src) = split_bom(text);
        let tree = lang.parse(src);
        let suppressions = Suppressions::collect(tree.root_node(), src, &|rule| {
            self.table.rule_info(rule).is_some()
        });
        let mut out = self.run_rules(bom, src, lang, env, tree, &suppressions);
        self.settle(&mut out.findings, &suppressions);
        out
    }

    /// Over 80 lines on purpose: the early returns (no rule named, no
    /// Dynamic import) and the planning share the file's bindings and index.
    fn run_rules(
        &self,
        bom: &str,
        src: &str,
        lang: Lang,
        env: &FileEnv,
        tree: tree_sitter::Tree,
        suppressions: &Suppressions,
    ) -> SourceOutcome {
        let root = tree.root_node();
        let bindings = self.bindings(root, src, env);
        let mut out = SourceOutcome {
            has_dynamic_import: bindings.has_dynamic_import(&self.table)
                || reexports_dynamic(root, src, &self.table),
            ..Default::default()
        };
        out.needs_api_core = self.imports_api_core(src);
        if !self.needs_rules(src.as_bytes()) {
            // Names nothing of the MFA API.
            return out;
        }
        // A test double of a Dynamic module needs no import of it.
        let test_double =
            !out.has_dynamic_import && (env.manual_mock_of.is_some() || src.contains(".mock("));
        if !out.has_dynamic_import && !test_double {
            out.findings = self.unresolved_imports(&bindings, src, env);
            out.findings
                .extend(self.app_client_token_reads(root, src, &bindings, env));
            return out;
        }
        let installed = env.workspace.token_scopes(env.dir);
        // Where the installed declarations are known, a scope must be one of
        // them (a --rules value too); where not, only scopes the table marks
        // as needing a declaration are held back.
        let scope_available = |scope: &str| match &installed {
            Some(declared) => declared.contains(scope),
            None => !self.table.scope_needs_declaration(scope),
        };
        let index = NodeIndex::touching(root, &self.marks(src, &bindings));
        let reexports_dynamic = |spec: &str| {
            crate::analysis::barrels::reexports_dynamic(env.workspace, &self.table, env.dir, spec)
        };
        let ctx = FileCtx {
            src,
            root,
            index: &index,
            bindings: &bindings,
            table: &self.table,
            scope_available: &scope_available,
            newline: syntax::dominant_newline(src),
            suppressions,
            manual_mock_of: env.manual_mock_of,
            reexports_dynamic: &reexports_dynamic,
            scopes_declared: installed.is_some(),
            decisions: env.decisions,
            paired_checks: Default::default(),
            undecided: Default::default(),
        };
        if test_double {
            migration::reports::test_mocks::report(&ctx, &mut out.findings);
            return out;
        }
        let mut plan = migration::plan_file(&ctx);
        out.undecided = ctx.undecided.take();
        // The analysis of the tree is done: only the tree itself goes on, to
        // the rewrite, which frees it before it parses the result.
        drop(index);
        plan.findings
            .extend(self.unresolved_imports(&bindings, src, env));
        out.findings = std::mem::take(&mut plan.findings);
        if plan.edits.is_empty() {
            return out;
        }
        match self.apply_plan(src, lang, env, tree, &bindings, &plan) {
            Ok(rewritten) => {
                out.edit_count = plan.edits.len();
                out.touched = touched_ranges(&plan.edits, &bindings, bom.len());
                out.needs_api_core = self.imports_api_core(&rewritten);
                if rewritten != src {
                    out.rewritten = Some(format!("{bom}{rewritten}"));
                }
            }
            Err(reason) => not_rewritten(&mut out.findings, reason),
        }
        out
    }

    /// The project's configuration and the file's directives applied to its
    /// findings: rules turned off are dropped, configured severities set,
    /// suppressed findings marked with the directive's reason; directives
    /// that suppress nothing, or cannot be read, are findings themselves.
    fn settle(&self, findings: &mut Vec<Finding>, suppressions: &Suppressions) {
        let mut used: Vec<Vec<bool>> = suppressions
            .directives
            .iter()
            .map(|d| vec![false; d.rules.len()])
            .collect();
        for f in findings.iter_mut() {
            // A fixable finding was kept by the call decision if it was suppressed.
            if f.fixable || self.table.is_off(f.rule) {
                continue;
            }
            if let Some(i) = suppressions.matching(f.offset, f.rule) {
                let d = &suppressions.directives[i];
                f.suppressed = Some(d.reason.clone());
                if let Some(j) = d.rules.iter().position(|r| r == f.rule) {
                    used[i][j] = true;
                }
            }
        }
        let unused = RuleId::intern("unused-suppression");
        for (d, used) in suppressions.directives.iter().zip(&used) {
            // A rule turned off for the run (--skip, --only, the config)
            // reports nothing anywhere: its directives are not unused.
            let unused_rules = d.rules.iter().zip(used).filter(|(_, u)| !**u);
            for (rule, _) in unused_rules.filter(|(r, _)| !self.table.is_off(r)) {
                let what = match d.scope {
                    Scope::File => "in this file",
                    Scope::Line(_) => "on the line it applies to",
                };
                findings.push(Finding::new(
                    d.offset,
                    unused.0,
                    self.table.severity(unused),
                    false,
                    format!("`{rule}` reports nothing {what}: remove it from the stepup-ignore directive"),
                ));
            }
        }
        let invalid = RuleId::intern("invalid-suppression");
        for (offset, message) in &suppressions.invalid {
            findings.push(Finding::new(
                *offset,
                invalid.0,
                self.table.severity(invalid),
                false,
                message.clone(),
            ));
        }
        findings.retain(|f| !self.table.is_off(f.rule));
        for f in findings.iter_mut() {
            if let Some(severity) = self.table.configured_severity(f.rule) {
                f.severity = severity;
            }
        }
        findings.sort_by_key(|f| f.offset);
    }

    fn bindings(&self, root: tree_sitter::Node, src: &str, env: &FileEnv) -> Bindings {
        let mut bindings = Bindings::from_tree(root, src);
        bindings.attach_barrels(env.workspace, &self.table, env.dir, &|name| {
            self.needs_rules(name.as_bytes())
        });
        bindings
    }

    /// A legacy name imported from a module that is neither a Dynamic
    /// package nor a project module stepup can resolve (a workspace package,
    /// an alias it cannot follow), in a file that still asks for tokens or
    /// checks actions — or in any file when the tsconfig that applies to it
    /// could not be loaded whole (the alias may be what is missing):
    /// reported, so that no such call site stays silent.
    /// Reads of the SDK's token state on the app's own client object, in a
    /// file that imports no Dynamic module: `dynamicClient.mfaToken` where
    /// `dynamicClient` is imported from a project module that itself imports
    /// the SDK family of the read (`createDynamicClient` in
    /// `src/lib/dynamicClient.ts`).
    fn app_client_token_reads(
        &self,
        root: tree_sitter::Node,
        src: &str,
        bindings: &Bindings,
        env: &FileEnv,
    ) -> Vec<Finding> {
        let table = &self.table;
        let mut out = Vec::new();
        for read in table
            .property_reads
            .iter()
            .filter(|r| src.contains(&r.name))
        {
            let prefixes: Vec<&str> = table
                .module_prefixes()
                .filter(|p| table.family_of(p) == Some(read.family))
                .collect();
            let clients: Vec<&str> = bindings
                .imports
                .iter()
                .filter(|d| !d.is_dynamic(table) && !d.type_only)
                .filter(|d| {
                    env.workspace.resolve(env.dir, &d.module).is_some_and(|p| {
                        prefixes
                            .iter()
                            .any(|m| env.workspace.module_mentions(&p, m))
                    })
                })
                .flat_map(|d| {
                    d.named
                        .iter()
                        .map(|s| s.local.as_str())
                        .chain(d.default.as_deref())
                })
                .collect();
            if clients.is_empty() {
                continue;
            }
            for node in crate::analysis::descendants(root) {
                let object = node.field("object");
                let is_read = node.kind() == "member_expression"
                    && node
                        .field("property")
                        .is_some_and(|p| crate::analysis::text(p, src) == read.name)
                    && object.is_some_and(|o| {
                        o.kind() == "identifier" && clients.contains(&crate::analysis::text(o, src))
                    });
                if is_read {
                    out.push(Finding::new(
                        node.start_byte(),
                        read.rule.0,
                        table.severity(read.rule),
                        false,
                        read.message
                            .replace("{name}", &read.name)
                            .replace("{expr}", crate::analysis::text(node, src)),
                    ));
                }
            }
        }
        out
    }

    fn unresolved_imports(&self, bindings: &Bindings, src: &str, env: &FileEnv) -> Vec<Finding> {
        let table = &self.table;
        let legacy_api_used = src.contains(table.action_enum.as_str())
            || table.token_options().iter().any(|o| src.contains(o));
        let importable = |name: &str| {
            table.is_legacy_hook(name)
                || name == table.action_enum
                || table.functions.iter().any(|f| f.name == name)
        };
        let mut out = Vec::new();
        for decl in bindings.imports.iter().filter(|d| !d.is_dynamic(table)) {
            let names: Vec<&str> = decl
                .named
                .iter()
                .map(|s| s.imported.as_str())
                .filter(|n| importable(n))
                .collect();
            if names.is_empty()
                || decl.module.starts_with('.')
                || env.workspace.resolve(env.dir, &decl.module).is_some()
                || !(legacy_api_used || env.workspace.config_unusable(env.dir))
            {
                continue;
            }
            let why = match env.workspace.why_unresolved(env.dir, &decl.module) {
                Some(reason) => format!("which stepup cannot resolve ({reason})"),
                None => {
                    "which resolves to a package, not a Dynamic one nor a module of the project \
                         (tsconfig/jsconfig paths, package.json imports, workspace packages)"
                        .to_string()
                }
            };
            out.push(Finding::warning(
                decl.start,
                "unresolved-import",
                format!(
                    "`{}` is imported from '{}', {why}: if it re-exports Dynamic's SDK, its \
                     legacy calls are not checked; declare it with --rules ([[modules]])",
                    names.join("`, `"),
                    decl.module
                ),
            ));
        }
        out
    }

    fn imports_api_core(&self, text: &str) -> bool {
        text.contains(self.table.scope_enum.as_str())
            && text.contains(self.table.api_core_module.as_str())
    }

    /// Offsets of every name a rule starts from: the legacy names, barrel
    /// aliases, the step-up names, and the file's own names for Dynamic
    /// imports. Subtrees without one cannot matter to any rule, so the
    /// analysis skips them.
    fn marks(&self, src: &str, bindings: &Bindings) -> Vec<usize> {
        let bytes = src.as_bytes();
        let mut marks: Vec<usize> = self
            .rule_filter
            .find_iter(bytes)
            .map(|m| m.start())
            .collect();
        let locals = bindings.dynamic_imports(&self.table).flat_map(|d| {
            d.named
                .iter()
                .map(|s| s.local.as_str())
                .chain(d.namespace.as_deref())
                .chain(d.default.as_deref())
        });
        let step_up = self.table.step_up_names();
        for name in step_up.into_iter().chain(locals) {
            marks.extend(memchr::memmem::find_iter(bytes, name.as_bytes()));
        }
        marks.sort_unstable();
        marks.dedup();
        marks
    }

    /// Splice the call-site edits, then plan and splice the import edits on
    /// the result; refuse when the rewrite would add syntax errors.
    fn apply_plan(
        &self,
        src: &str,
        lang: Lang,
        env: &FileEnv,
        tree: tree_sitter::Tree,
        bindings: &Bindings,
        plan: &Plan,
    ) -> Result<String, String> {
        let errors_before = syntax_error_count(&tree);
        if errors_before > 0 {
            let broken = error_ranges(&tree);
            let touches = plan
                .edits
                .iter()
                .any(|e| broken.iter().any(|(s, t)| e.start <= *t && *s <= e.end));
            if touches {
                return Err("the file has syntax errors next to the code to rewrite".into());
            }
        }
        let before = imports::referenced_names(tree.root_node(), src, bindings, &self.table);
        let middle = splice(src, &plan.edits, "")?;
        let mid_tree = lang.reparse(tree, src, &plan.edits, &middle);
        let mid_bindings = self.bindings(mid_tree.root_node(), &middle, env);
        let import_edits = imports::plan(
            &middle,
            mid_tree.root_node(),
            &mid_bindings,
            &self.table,
            &plan.needs,
            &before,
            syntax::dominant_newline(src),
        );
        let out = splice(&middle, &import_edits, "import ")?;
        let errors_after =
            syntax_error_count(&lang.reparse(mid_tree, &middle, &import_edits, &out));
        if errors_after > errors_before {
            return Err(format!(
                "the rewrite would introduce syntax errors ({errors_before} before, {errors_after} after)"
            ));
        }
        Ok(out)
    }
}

fn splice(src: &str, edits: &[Edit], what: &str) -> Result<String, String> {
    edit::apply(src, edits).map_err(|o| {
        format!(
            "internal error: overlapping {what}edits at bytes {:?} and {:?}",
            o.first, o.second
        )
    })
}

/// The byte ranges (in the text with its BOM) the rewrite may touch.
fn touched_ranges(edits: &[Edit], bindings: &Bindings, offset: usize) -> Vec<(usize, usize)> {
    edits
        .iter()
        .map(|e| (e.start + offset, e.end + offset))
        .chain(
            bindings
                .imports
                .iter()
                .map(|d| (d.start + offset, d.end + offset)),
        )
        .collect()
}

/// Nothing is rewritten: every would-be fix becomes manual work.
fn not_rewritten(findings: &mut Vec<Finding>, reason: String) {
    for f in findings.iter_mut().filter(|f| f.fixable) {
        f.fixable = false;
    }
    findings.insert(
        0,
        Finding::manual(
            0,
            "not-rewritten",
            format!("{reason}; the file is left unchanged"),
        ),
    );
}

/// `export … from '@dynamic-labs/…'`: a wrapper module with no import of its own.
fn reexports_dynamic(root: tree_sitter::Node, src: &str, table: &Table) -> bool {
    let mut cursor = root.walk();
    root.named_children(&mut cursor).any(|n| {
        n.kind() == "export_statement"
            && n.field("source")
                .and_then(|s| string_value(s, src))
                .is_some_and(|m| table.is_dynamic_module(m))
    })
}

fn build_prefilters(table: &Table, aliases: &[String]) -> (AhoCorasick, AhoCorasick) {
    let aliases = aliases.iter().map(String::as_str);
    let candidates: Vec<&str> = table
        .module_prefixes()
        .map(|p| p.trim_end_matches('/'))
        .chain(table.importable_names())
        .chain([SUPPRESSION_MARK])
        // A read of the token state on the app's own client names no Dynamic
        // module (`dynamicClient.mfaToken`, the client imported from the app).
        .chain(table.property_reads.iter().map(|r| r.name.as_str()))
        .chain(aliases.clone())
        .collect();
    let rules: Vec<&str> = table.legacy_names().into_iter().chain(aliases).collect();
    (literal_search(&candidates), literal_search(&rules))
}

/// A yes/no literal search. Leftmost-first semantics (the answer to "is
/// there a match" is the same as the standard kind's) let aho-corasick put
/// its packed SIMD searcher (Teddy) in front of the automaton; the standard
/// kind never gets it, and the automaton alone is several times slower than
/// ripgrep on a tree with no Dynamic code.
///
/// The contiguous NFA behind it costs a fraction of a DFA to build (the
/// engine builds these on every run, again when barrels add aliases) and is
/// only consulted where Teddy has found a candidate.
fn literal_search(patterns: &[&str]) -> AhoCorasick {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .build(patterns)
        .expect("plain literal patterns")
}

pub fn split_bom(text: &str) -> (&str, &str) {
    match text.strip_prefix(BOM) {
        Some(rest) => (BOM, rest),
        None => ("", text),
    }
}
