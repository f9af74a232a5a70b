//! One run over the given paths: walk → read → prefilter → per-file work in
//! parallel → the project checks → a `Report`. Knows no output format.

pub mod callers;
pub mod progress;
pub mod walk;

use crate::analysis::LineIndex;
use crate::analysis::barrels;
use crate::analysis::callers::UndecidedSite;
use crate::analysis::protected::protected_actions;
use crate::config::{self, Config, Loaded};
use crate::decisions::{Decide, DecisionUse, Decisions, ScopeChoice};
use crate::encoding;
use crate::engine::{Engine, FileEnv, SourceOutcome, split_bom};
use crate::finding::Severity;
use crate::lang::Lang;
use crate::report::fingerprint;
use crate::report::{
    Change, ConfigInfo, FileOutcome, Located, Problem, ProblemKind, Protected, Report, ScopeFix,
    Summary, edits,
};
use crate::workspace::FsWorkspace;
use crate::workspace::bump;
use crate::workspace::manifest::{self, Manifest, SourceUse, UseDetector};
use crate::workspace::read::open_regular;
use crate::workspace::resolve::{normalize, resolve_dots};
use progress::Progress;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;
use walk::{Target, WalkOptions, discover};

/// Source files above this size are skipped (minified bundles, generated code).
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Candidates' bytes are kept from pass 1 for pass 2 up to this much in all;
/// beyond it they are read again.
const KEEP_BYTES: usize = 64 << 20;

pub struct SessionOptions {
    /// `--stdin-filename PATH -`: the one source, read from stdin, as if at PATH.
    pub stdin: Option<StdinSource>,
    pub roots: Vec<PathBuf>,
    pub walk: WalkOptions,
    /// Draw a progress line on stderr (a terminal).
    pub progress: bool,
    /// Raise the SDK ranges in package.json files and catalogs (`migrate`
    /// without `--no-bump`).
    pub bump: bool,
    /// `--decide PATH:LINE=SCOPE`: scopes a person chose for token calls
    /// stepup cannot decide on.
    pub decide: Vec<Decide>,
    /// Work out, for each token call whose scope stepup cannot tell, the
    /// change each candidate scope would make (only the formats that carry
    /// them, and `-i`, need them: each is another run of the file).
    pub scope_fixes: bool,
}

/// A source read from stdin, and the path it is treated as being at.
pub struct StdinSource {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

impl SessionOptions {
    /// The source read from stdin, if the run reads one.
    pub fn stdin_bytes(&self) -> Option<&[u8]> {
        self.stdin.as_ref().map(|s| &s.bytes[..])
    }
}

/// A path that could not be scanned at all (a usage error).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ScanError(pub String);

/// Builds the engine for the files a chain of config files governs
/// (outermost first; empty for files no config governs).
pub type EngineFactory<'a> = &'a dyn Fn(&[&Config]) -> Result<Engine, String>;

/// The engines of a run: one per config file, and one for the files no
/// config governs (index 0).
struct Engines(Vec<Engine>);

impl Engines {
    fn build(make: EngineFactory, loaded: &[Loaded]) -> Result<Engines, ScanError> {
        let mut engines = vec![make(&[]).map_err(ScanError)?];
        for i in 0..loaded.len() {
            engines.push(make(&config::chain(loaded, i)).map_err(ScanError)?);
        }
        Ok(Engines(engines))
    }

    fn of(&self, config: Option<usize>) -> &Engine {
        &self.0[config.map_or(0, |i| i + 1)]
    }

    /// The rules of every engine, each id once.
    fn catalog(&self) -> Vec<crate::table::RuleInfo> {
        let mut catalog: Vec<crate::table::RuleInfo> = Vec::new();
        for engine in &self.0 {
            for rule in &engine.table().rules {
                if !catalog.iter().any(|r| r.id == rule.id) {
                    catalog.push(rule.clone());
                }
            }
        }
        catalog
    }
}

/// Run the whole analysis. A path that does not exist is an error; a file
/// that cannot be read is a problem in the report and the rest goes on.
pub fn run(make: EngineFactory, opts: &SessionOptions) -> Result<Report, ScanError> {
    let started = Instant::now();
    let workspace = FsWorkspace::new();
    let (targets, manifests, mut problems) = discover_all(opts)?;
    let loaded = match &opts.walk.configs {
        Some(configs) => configs
            .finish()
            .map_err(|errors| ScanError(errors.join("\nstepup: ")))?,
        None => vec![],
    };
    let mut engines = Engines::build(make, &loaded)?;
    let progress = Progress::start(targets.len(), opts.progress);
    let mut firsts = first_pass(&targets, &engines, &progress);
    learn_aliases(&mut engines, &workspace, &targets, &mut firsts);
    let heads: Vec<callers::ImportHead> = firsts
        .iter_mut()
        .map(|f| std::mem::take(&mut f.head))
        .collect();
    progress.next_pass(firsts.iter().filter(|f| f.candidate).count());
    let detectors: Vec<UseDetector> = engines
        .0
        .iter()
        .map(|e| UseDetector::new(e.table()))
        .collect();
    let per_file = PerFile {
        engines: &engines,
        detectors: &detectors,
        workspace: &workspace,
        targets: &targets,
    };
    let decided = decisions_by_file(&opts.decide)?;
    let processed = process_candidates(&per_file, firsts, &decided, &progress);
    progress.finish();
    check_decisions(&opts.decide, &processed)?;
    let files = second_pass(&per_file, &heads, &decided, processed);
    let files = if opts.scope_fixes {
        scope_fixes(&per_file, files)
    } else {
        files.into_iter().map(|(_, f, _)| f).collect()
    };
    let mut report = Report {
        summary: Summary {
            files_scanned: targets.len(),
            ..Default::default()
        },
        catalog: engines.catalog(),
        configs: config_infos(&loaded),
        ..Default::default()
    };
    for f in files {
        report.summary.files_with_dynamic_imports += usize::from(f.has_dynamic_import);
        if let Some(c) = &f.change {
            report.summary.files_changed += 1;
            report.summary.edits += c.edit_count;
        }
        report.findings.extend(f.findings.iter().cloned());
        problems.extend(f.problem.clone());
        report.files.push(f);
    }
    project_checks(&engines, &manifests, &mut report, &mut problems);
    if opts.bump {
        bump_dependencies(engines.of(None), &manifests, &mut report);
    }
    problems.extend(project_file_problems(&report, &workspace, opts));
    report
        .findings
        .sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    fingerprint::rank(&mut report.findings);
    report.problems = problems;
    report.tally();
    report.summary.elapsed_ms = started.elapsed().as_millis();
    Ok(report)
}

/// Pass 2 over the candidates pass 1 kept, each with the `--decide` scopes
/// given for it.
fn process_candidates(
    per_file: &PerFile,
    firsts: Vec<FirstPass>,
    decided: &HashMap<PathBuf, BTreeMap<usize, ScopeChoice>>,
    progress: &Progress,
) -> Vec<Processed> {
    per_file
        .targets
        .par_iter()
        .zip(firsts.into_par_iter())
        .enumerate()
        .filter(|(_, (_, first))| first.candidate)
        .map(|(i, (t, first))| {
            let decisions = decided
                .get(&normalize(&t.path))
                .cloned()
                .map(Decisions::new);
            let (outcome, undecided) = per_file.process(i, first.bytes, decisions.as_ref());
            progress.tick();
            (i, outcome, decisions, undecided)
        })
        .collect()
}

/// The config files of the run, each with the `max_warnings` its chain gives.
fn config_infos(loaded: &[Loaded]) -> Vec<ConfigInfo> {
    loaded
        .iter()
        .enumerate()
        .map(|(i, l)| ConfigInfo {
            display: l.config.display.clone(),
            max_warnings: config::chain(loaded, i)
                .iter()
                .rev()
                .find_map(|c| c.max_warnings),
        })
        .collect()
}

/// The project files (tsconfig, package.json) the run could not use. A
/// legacy name imported through a specifier that does not resolve is only a
/// warning, unless such a file above it could not be used: then the alias it
/// declared may be why, and the run cannot pass.
fn project_file_problems(
    report: &Report,
    workspace: &FsWorkspace,
    opts: &SessionOptions,
) -> Vec<Problem> {
    let unresolved: Vec<(PathBuf, &str)> = report
        .files
        .iter()
        .filter(|f| {
            f.findings
                .iter()
                .any(|l| l.rule == "unresolved-import" && l.suppressed.is_none())
        })
        .map(|f| (normalize(&f.path), f.display.as_str()))
        .collect();
    workspace
        .take_problems()
        .into_iter()
        .map(|(path, message)| {
            let dir = path.parent().unwrap_or(Path::new("/"));
            let files: Vec<String> = unresolved
                .iter()
                .filter(|(file, _)| file.starts_with(dir))
                .map(|(_, display)| display.to_string())
                .collect();
            let kind = if files.is_empty() {
                ProblemKind::Project(message)
            } else {
                ProblemKind::ProjectBlocking { message, files }
            };
            Problem::new(display_project_file(&path, opts), kind)
        })
        .collect()
}

/// What running the engine on one target needs: the engine and use
/// detector of the config that governs it, and the project.
struct PerFile<'r> {
    engines: &'r Engines,
    detectors: &'r [UseDetector],
    workspace: &'r FsWorkspace,
    targets: &'r [Target],
}

impl PerFile<'_> {
    /// Run the engine on target `i` (its bytes when pass 1 kept them) with
    /// the scopes decided for it.
    fn process(
        &self,
        i: usize,
        kept: Option<Vec<u8>>,
        decisions: Option<&Decisions>,
    ) -> (FileOutcome, Vec<UndecidedSite>) {
        let t = &self.targets[i];
        process_file(
            self.engines.of(t.config),
            self.workspace,
            &self.detectors[t.config.map_or(0, |c| c + 1)],
            t,
            kept,
            decisions,
        )
    }
}

/// A candidate after pass 1: its index among the targets, its outcome, the
/// `--decide` scopes it was given, its token calls that callers may decide.
type Processed = (usize, FileOutcome, Option<Decisions>, Vec<UndecidedSite>);

/// The scopes the callers of wrappers give (see `callers`): the files that
/// hold such token calls are run through the engine again with them, as
/// with a `--decide` (which wins on the same line).
fn second_pass(
    per_file: &PerFile,
    heads: &[callers::ImportHead],
    decided: &HashMap<PathBuf, BTreeMap<usize, ScopeChoice>>,
    processed: Vec<Processed>,
) -> Vec<(usize, FileOutcome, Vec<UndecidedSite>)> {
    let sites: Vec<callers::Site> = processed
        .iter()
        .flat_map(|(_, f, _, undecided)| {
            let path = normalize(&f.path);
            undecided
                .iter()
                .filter(|site| !site.handles.is_empty())
                .map(move |site| callers::Site {
                    path: path.clone(),
                    site: site.clone(),
                })
        })
        .collect();
    let from_callers = if sites.is_empty() {
        HashMap::new()
    } else {
        callers::decide(
            &sites,
            per_file.targets,
            heads,
            per_file.workspace,
            per_file.engines.of(None).table(),
        )
    };
    processed
        .into_par_iter()
        .map(|(i, f, _, undecided)| {
            let path = normalize(&f.path);
            let Some(inferred) = from_callers.get(&path) else {
                return (i, f, undecided);
            };
            let mut by_line = inferred.clone();
            by_line.extend(decided.get(&path).cloned().unwrap_or_default());
            let decisions = Decisions::new(by_line);
            let (f, undecided) = per_file.process(i, None, Some(&decisions));
            (i, f, undecided)
        })
        .collect()
}

/// For each token call still undecided, the change each candidate scope
/// would make: the file run again with that scope decided, less what the
/// file's own rewrite already changes. Only the few files with such a call
/// are run again.
fn scope_fixes(
    per_file: &PerFile,
    files: Vec<(usize, FileOutcome, Vec<UndecidedSite>)>,
) -> Vec<FileOutcome> {
    files
        .into_par_iter()
        .map(|(i, mut f, undecided)| {
            let Some(original) = f.original.clone().filter(|_| !undecided.is_empty()) else {
                return f;
            };
            let base: Vec<edits::TextEdit> = match &f.change {
                Some(c) => edits::hunks(&original, &c.rewritten)
                    .into_iter()
                    .map(|h| h.edit)
                    .collect(),
                None => vec![],
            };
            for site in &undecided {
                let Some(finding) = f.findings.iter().position(|l| {
                    l.line == site.line
                        && !l.fixable
                        && l.message.contains("cannot tell which scope")
                }) else {
                    continue;
                };
                let mut fixes = Vec::new();
                for scope in &site.candidates {
                    let choice = ScopeChoice::Scope {
                        scope: scope.clone(),
                        evidence: None,
                    };
                    let decisions = Decisions::new(BTreeMap::from([(site.line, choice)]));
                    let (alt, _) =
                        per_file.process(i, Some(original.clone().into_bytes()), Some(&decisions));
                    let Some(change) = alt.change else { continue };
                    let edits: Vec<edits::TextEdit> = edits::hunks(&original, &change.rewritten)
                        .into_iter()
                        .map(|h| h.edit)
                        .filter(|e| !base.contains(e))
                        .collect();
                    if !edits.is_empty() {
                        fixes.push(ScopeFix {
                            scope: scope.clone(),
                            edits,
                        });
                    }
                }
                f.findings[finding].scope_fixes = fixes;
            }
            f
        })
        .collect()
}

/// The `--decide` scopes of each file (by its absolute path), by line. Two
/// different scopes for one line are a usage error.
fn decisions_by_file(
    decide: &[Decide],
) -> Result<HashMap<PathBuf, BTreeMap<usize, ScopeChoice>>, ScanError> {
    let mut out: HashMap<PathBuf, BTreeMap<usize, ScopeChoice>> = HashMap::new();
    for d in decide {
        // Said as an item to confirm, as an inferred scope is: the report
        // keeps a trace of every scope a person gave.
        let choice = ScopeChoice::Scope {
            scope: d.scope.clone(),
            evidence: Some(format!(
                "scope TokenScope.{} given with --decide {}; confirm it is the scope this call needs",
                d.scope, d.raw
            )),
        };
        let lines = out.entry(normalize(&d.path)).or_default();
        if let Some(before) = lines.insert(d.line, choice.clone())
            && before != choice
        {
            return Err(ScanError(format!(
                "--decide {}: another --decide gives line {} of {} another scope",
                d.raw,
                d.line,
                d.path.display()
            )));
        }
    }
    Ok(out)
}

/// Every `--decide` must have given its scope to a token call stepup could
/// not decide on, and name a scope the project's SDK declares: else the
/// run is a usage error naming each that did not.
fn check_decisions(decide: &[Decide], processed: &[Processed]) -> Result<(), ScanError> {
    if decide.is_empty() {
        return Ok(());
    }
    let uses: HashMap<PathBuf, BTreeMap<usize, DecisionUse>> = processed
        .iter()
        .filter_map(|(_, f, d, _)| Some((normalize(&f.path), d.as_ref()?.uses())))
        .collect();
    let mut errors = Vec::new();
    for d in decide {
        let path = normalize(&d.path);
        let why = match uses.get(&path).map(|u| u.get(&d.line)) {
            Some(Some(DecisionUse::Applied)) => continue,
            Some(Some(DecisionUse::Refused(why))) => why.clone(),
            Some(None) => format!(
                "no token call whose scope stepup cannot tell starts on line {}",
                d.line
            ),
            None => "the file is not among the scanned files that use Dynamic's MFA API".into(),
        };
        errors.push(format!("--decide {}: {why}", d.raw));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ScanError(errors.join("\n")))
    }
}

/// A project file outside the walk (a tsconfig, a package.json under
/// `node_modules`) shown like the scanned files: relative to the working directory.
fn display_project_file(path: &Path, _opts: &SessionOptions) -> String {
    let cwd = std::env::current_dir()
        .map(|d| normalize(&d))
        .unwrap_or_default();
    walk::display_path(path, &cwd)
}

/// Does `root` hold the directory `cwd` (a real path), written as it is or
/// through symbolic links?
fn holds(root: &Path, cwd: &Path) -> bool {
    cwd.starts_with(root) || root.canonicalize().is_ok_and(|real| cwd.starts_with(real))
}

/// What the walk found: source files, package.json files (with the config
/// governing each), unreadable directories.
type Discovered = (Vec<Target>, Vec<(Manifest, Option<usize>)>, Vec<Problem>);

/// Every file and package.json under every root, in a fixed order, each
/// with its path as the user sees it: relative to the working directory. A
/// path given twice (`a.tsx ./a.tsx`, a directory and a file in it, a
/// directory and a symbolic link to it) is kept once, under the first name
/// it was reached by. Two hard links are two names, each kept: each is
/// checked and migrated (a write gives each name a file of its own).
fn discover_all(opts: &SessionOptions) -> Result<Discovered, ScanError> {
    let cwd = std::env::current_dir()
        .map(|d| normalize(&d))
        .map_err(|e| ScanError(format!("the working directory: {e}")))?;
    let mut targets = Vec::new();
    let mut manifests = Vec::new();
    let mut problems = Vec::new();
    if let Some(stdin) = &opts.stdin {
        targets.extend(stdin_target(stdin, &cwd, &opts.walk)?);
        return Ok((targets, manifests, problems));
    }
    for root in &opts.roots {
        let absolute = resolve_dots(root);
        // The file or folder stepup works on is the one the path opens.
        if file_id(root) != file_id(&absolute) {
            return Err(ScanError(format!(
                "{}: the path opens another file than {} (it changed during the run)",
                root.display(),
                absolute.display()
            )));
        }
        let base = walk::display_path(&absolute, &cwd);
        let mut d = discover(&absolute, &base, &opts.walk).map_err(ScanError)?;
        // A root above the working directory may hold it: `../app/src/x.ts`
        // is `x.ts` from `app/src`. Only then is each file placed again (a
        // root beside the working directory keeps `../root/x.ts`: resolving
        // each of its files physically would cost a look-up per path component).
        if base.starts_with("..") && holds(&absolute, &cwd) {
            for t in d.targets.iter_mut().chain(d.manifests.iter_mut()) {
                t.display = walk::display_path(&t.path, &cwd);
            }
        }
        targets.extend(d.targets);
        manifests.extend(d.manifests.into_iter().map(|t| {
            (
                Manifest {
                    path: t.path,
                    display: t.display,
                },
                t.config,
            )
        }));
        let shown = if base.is_empty() { "." } else { &base };
        problems.extend(
            d.errors
                .into_iter()
                .map(|e| Problem::new(shown, ProblemKind::Walk(e))),
        );
        problems.extend(
            d.stale
                .into_iter()
                .map(|t| Problem::new(t.display, ProblemKind::StaleTemp)),
        );
    }
    if opts.roots.len() > 1 {
        let mut seen = std::collections::HashSet::new();
        targets.retain(|t| file_id(&t.path).is_none_or(|id| seen.insert(id)));
        manifests.retain(|(m, _)| file_id(&m.path).is_none_or(|id| seen.insert(id)));
    }
    // The same file under two roots (`src src/a.ts`) is one file.
    targets.sort_by(|a, b| a.display.cmp(&b.display));
    targets.dedup_by(|a, b| a.path == b.path);
    manifests.sort_by(|a, b| a.0.display.cmp(&b.0.display));
    manifests.dedup_by(|a, b| a.0.path == b.0.path);
    Ok((targets, manifests, problems))
}

/// The target for a source read from stdin: the path it stands for, which
/// need not exist (an unsaved buffer); none when its config excludes it.
fn stdin_target(
    stdin: &StdinSource,
    cwd: &Path,
    walk: &WalkOptions,
) -> Result<Option<Target>, ScanError> {
    let path = normalize(&stdin.path);
    let display = walk::display_path(&path, cwd);
    if Lang::from_path(&path).is_none() {
        return Err(ScanError(format!(
            "--stdin-filename {display}: not a JavaScript or TypeScript file name \
             (.js .jsx .ts .tsx .mjs .cjs .mts .cts)"
        )));
    }
    let configs = walk.configs.as_deref();
    if configs.is_some_and(|c| c.excluded(&path, false)) {
        return Ok(None);
    }
    Ok(Some(Target {
        config: configs.and_then(|c| c.governing(&path, false)),
        path,
        display,
        display_raw: None,
        stdin: Some(std::sync::Arc::new(stdin.bytes.clone())),
    }))
}

/// What makes two paths the same name of a file: the physical path (symbolic
/// links resolved), not the inode — a hard link is another name, which the
/// user gave on purpose and which stays legacy unless it is migrated too.
fn file_id(path: &Path) -> Option<PathBuf> {
    path.canonicalize().ok()
}

/// What pass 1 learns of one file.
struct FirstPass {
    candidate: bool,
    /// Read, and shaped like a module that re-exports (`export * from` …).
    barrel_shaped: bool,
    /// A candidate's bytes, kept for pass 2 while they fit the budget.
    bytes: Option<Vec<u8>>,
    /// The file's import section, for finding the callers of wrappers
    /// without reading every file again.
    head: callers::ImportHead,
}

thread_local! {
    /// One buffer per thread: most files are read, tested and dropped.
    static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Read each file once (never one over the size limit: its size is checked
/// first) and test it against the prefilter.
fn first_pass(targets: &[Target], engines: &Engines, progress: &Progress) -> Vec<FirstPass> {
    let kept_total = AtomicUsize::new(0);
    let head_total = AtomicUsize::new(0);
    targets
        .par_iter()
        .map(|t| {
            let first = BUF.with(|buf| {
                let mut buf = buf.borrow_mut();
                buf.clear();
                if read_source(t, &mut buf).is_err() {
                    // Pass 2 reads it again and reports why.
                    return FirstPass {
                        candidate: true,
                        barrel_shaped: false,
                        bytes: None,
                        head: callers::ImportHead::Unknown,
                    };
                }
                let scan = encoding::scannable(&buf);
                let candidate = engines.of(t.config).is_candidate(&scan);
                let keep = candidate
                    && kept_total.fetch_add(buf.len(), Ordering::Relaxed) + buf.len() <= KEEP_BYTES;
                FirstPass {
                    candidate,
                    barrel_shaped: candidate && looks_like_barrel(&scan),
                    bytes: keep.then(|| buf.to_vec()),
                    head: callers::ImportHead::of(&buf, &head_total),
                }
            });
            progress.tick();
            first
        })
        .collect()
}

/// Why a source file was not read.
enum SourceError {
    Io(std::io::Error),
    TooLarge(u64),
}

/// Read a source file into `buf`: only a regular file, only up to the limit
/// (the size is taken from the open handle before anything is read).
fn read_source(t: &Target, buf: &mut Vec<u8>) -> Result<(), SourceError> {
    if let Some(bytes) = &t.stdin {
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(SourceError::TooLarge(bytes.len() as u64));
        }
        buf.extend_from_slice(bytes);
        return Ok(());
    }
    let path = &t.path;
    let mut file = open_regular(path).map_err(|e| match e {
        crate::workspace::read::ReadError::Io(io) => SourceError::Io(io),
        other => SourceError::Io(std::io::Error::other(other.to_string())),
    })?;
    let size = file.metadata().map_err(SourceError::Io)?.len();
    if size > MAX_FILE_BYTES {
        return Err(SourceError::TooLarge(size));
    }
    (&mut file)
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(buf)
        .map_err(SourceError::Io)?;
    if buf.len() as u64 > MAX_FILE_BYTES {
        return Err(SourceError::TooLarge(buf.len() as u64));
    }
    Ok(())
}

/// Candidate files that re-export Dynamic names under names of their own
/// (`export { useMfa as useTwoFactor }`) make their call sites candidates
/// too: learn those names, and test the files pass 1 let go again when the
/// names widen the prefilter. Only candidates are parsed here.
fn learn_aliases(
    engines: &mut Engines,
    workspace: &FsWorkspace,
    targets: &[Target],
    firsts: &mut [FirstPass],
) {
    let aliases: Vec<String> = targets
        .par_iter()
        .zip(firsts.par_iter())
        .filter(|(_, f)| f.barrel_shaped)
        .flat_map_iter(|(t, _)| {
            let path = normalize(&t.path);
            let table = engines.of(t.config).table();
            barrels::aliases(&workspace.for_file(&path), table, &path)
        })
        .collect();
    if aliases.is_empty() {
        return;
    }
    for engine in &mut engines.0 {
        engine.add_aliases(aliases.iter().cloned());
    }
    if !engines.0.iter().any(|e| e.aliases_widen_prefilter()) {
        return;
    }
    // A file pass 1 let go is a candidate now if it names an alias: only
    // the aliases are searched for, in the thread's buffer.
    let engines = &*engines;
    firsts
        .par_iter_mut()
        .zip(targets)
        .filter(|(f, _)| !f.candidate)
        .for_each(|(f, t)| {
            f.candidate = BUF.with(|buf| {
                let mut buf = buf.borrow_mut();
                buf.clear();
                read_source(t, &mut buf).is_ok()
                    && engines.of(t.config).names_alias(&encoding::scannable(&buf))
            });
        });
}

/// `export * from`, `export { … }`, or `export const x = y`.
fn looks_like_barrel(bytes: &[u8]) -> bool {
    let has = |p: &[u8]| memchr::memmem::find(bytes, p).is_some();
    has(b"export *") || has(b"export {") || has(b"export{") || has(b"export const")
}

/// Pass 2 for one candidate: read (unless pass 1 kept the bytes), check, run the engine.
fn process_file(
    engine: &Engine,
    workspace: &FsWorkspace,
    detector: &UseDetector,
    t: &Target,
    kept: Option<Vec<u8>>,
    decisions: Option<&Decisions>,
) -> (FileOutcome, Vec<UndecidedSite>) {
    let mut outcome = FileOutcome {
        path: t.path.clone(),
        display: t.display.clone(),
        display_raw: t.display_raw.clone(),
        findings: vec![],
        change: None,
        original: None,
        problem: None,
        has_dynamic_import: false,
        needs_api_core: false,
        sdk_use: Default::default(),
        protected: Vec::new(),
    };
    let Some(lang) = Lang::from_path(&t.path) else {
        return (outcome, vec![]);
    };
    let (text, utf16) = match source_text(engine, t, kept) {
        Ok(decoded) => decoded,
        Err(kind) => return (skipped(outcome, kind), vec![]),
    };
    let path = normalize(&t.path);
    let mock = manual_mock_of(&path, engine.table());
    let scoped = workspace.for_file(&path);
    let env = FileEnv {
        dir: path.parent().unwrap_or(Path::new("/")),
        workspace: &scoped,
        manual_mock_of: mock.as_deref(),
        decisions,
    };
    let mut result = engine.process(&text, lang, &env);
    let undecided = std::mem::take(&mut result.undecided);
    outcome.has_dynamic_import = result.has_dynamic_import;
    outcome.needs_api_core = result.needs_api_core;
    outcome.findings = locate(&result, &text, &t.display, t.config);
    let rules: Vec<(&str, Severity)> = result
        .findings
        .iter()
        .map(|f| (f.rule, f.severity))
        .collect();
    outcome.sdk_use = detector.detect(
        &rules,
        &text,
        result.rewritten.as_deref(),
        result.has_dynamic_import,
    );
    let after = result.rewritten.as_deref().unwrap_or(&text);
    if result.has_dynamic_import && after.contains("requestedScopes") {
        outcome.protected = protected_after(engine, lang, after);
    }
    if let Some(rewritten) = result.rewritten {
        outcome.change = Some(Change {
            original: text.clone().into_bytes(),
            rewritten,
            edit_count: result.edit_count,
            written: false,
            encoding: utf16,
        });
    }
    if !outcome.findings.is_empty() || outcome.change.is_some() {
        outcome.original = Some(text);
    }
    (outcome, undecided)
}

/// The step-up requests of a file's text as migrated, with their lines.
fn protected_after(engine: &Engine, lang: Lang, after: &str) -> Vec<Protected> {
    let (_, body) = split_bom(after);
    let tree = lang.parse(body);
    let lines = LineIndex::new(body);
    protected_actions(tree.root_node(), body, engine.table())
        .into_iter()
        .map(|p| Protected {
            line: lines.line_col(p.offset).0,
            scopes: p.scopes,
            guarded: p.guarded,
            next_call: p.next_call,
        })
        .collect()
}

/// A candidate's text (read again unless pass 1 kept the bytes) and, for a
/// UTF-16 file, its byte order; or why it is skipped: whether a skipped file
/// names the legacy API is part of the answer.
fn source_text(
    engine: &Engine,
    t: &Target,
    kept: Option<Vec<u8>>,
) -> Result<(String, Option<encoding::Utf16>), ProblemKind> {
    let bytes = match kept {
        Some(b) => b,
        None => {
            let mut buf = Vec::new();
            match read_source(t, &mut buf) {
                Ok(()) => buf,
                Err(SourceError::Io(e)) => return Err(ProblemKind::Unreadable(e.to_string())),
                Err(SourceError::TooLarge(size)) => {
                    return Err(ProblemKind::TooLarge {
                        size,
                        limit: MAX_FILE_BYTES,
                        legacy: match &t.stdin {
                            Some(bytes) => engine.names_legacy_api(bytes),
                            None => streamed_names_legacy_api(engine, &t.path),
                        },
                    });
                }
            }
        }
    };
    if let Some(order) = encoding::Utf16::of(&bytes) {
        return encoding::decode_utf16(&bytes, order)
            .map(|text| (text, Some(order)))
            .map_err(|e| ProblemKind::NotUtf16 {
                encoding: order.name(),
                reason: e.to_string(),
                legacy: engine.names_legacy_api(&encoding::scannable(&bytes)),
            });
    }
    String::from_utf8(bytes)
        .map(|text| (text, None))
        .map_err(|e| ProblemKind::NotUtf8 {
            offset: e.utf8_error().valid_up_to(),
            legacy: engine.names_legacy_api(e.as_bytes()),
        })
}

/// The Dynamic module a Jest manual mock stands for: the path after the
/// last `__mocks__` folder, without the extension
/// (`__mocks__/@dynamic-labs/sdk-react-core.ts` → `@dynamic-labs/sdk-react-core`).
fn manual_mock_of(path: &Path, table: &crate::table::Table) -> Option<String> {
    let parts: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let at = parts.iter().rposition(|p| p == "__mocks__")?;
    let mut module = parts[at + 1..].join("/");
    let stem_end = module
        .rfind('.')
        .filter(|&i| i > module.rfind('/').map_or(0, |j| j + 1))?;
    module.truncate(stem_end);
    table.is_dynamic_module(&module).then_some(module)
}

/// Does a file too large to hold name the legacy API? Read in chunks, never
/// whole; a file that cannot be read again counts as naming it.
fn streamed_names_legacy_api(engine: &Engine, path: &Path) -> bool {
    open_regular(path)
        .map_err(|e| std::io::Error::other(e.to_string()))
        .and_then(|f| engine.reader_names_legacy_api(f))
        .unwrap_or(true)
}

/// A file the session could not analyse: its outcome carries the problem.
fn skipped(mut outcome: FileOutcome, kind: ProblemKind) -> FileOutcome {
    outcome.problem = Some(Problem::new(outcome.display.clone(), kind));
    outcome
}

/// 1-based lines and columns for the engine's byte offsets.
fn locate(
    result: &SourceOutcome,
    text: &str,
    display: &str,
    config: Option<usize>,
) -> Vec<Located> {
    // Offsets are into the text after the BOM.
    let (_, body) = split_bom(text);
    let lines = LineIndex::new(body);
    result
        .findings
        .iter()
        .map(|f| {
            let (line, column) = lines.line_col(f.offset);
            let (end_line, end_column) = if f.end > f.offset {
                lines.line_col(f.end)
            } else {
                (line, column)
            };
            Located {
                path: display.to_string(),
                line,
                column,
                end_line,
                end_column,
                fingerprint: fingerprint::hash(f.rule, display, &code_of(body, f.offset, f.end)),
                rule: f.rule,
                severity: f.severity,
                fixable: f.fixable,
                message: f.message.clone(),
                suppressed: f.suppressed.clone(),
                config,
                scope: f.scope.clone(),
                scope_fixes: vec![],
            }
        })
        .collect()
}

/// The code a finding is about: its range, or the rest of its line when only
/// the place is known.
fn code_of(body: &str, offset: usize, end: usize) -> String {
    let offset = offset.min(body.len());
    let end = if end > offset {
        end.min(body.len())
    } else {
        body[offset..].find('\n').map_or(body.len(), |i| offset + i)
    };
    body.get(offset..end).unwrap_or_default().to_string()
}

/// What the project checks need of the analysed files.
fn sources_of(report: &Report) -> Vec<SourceUse> {
    report
        .files
        .iter()
        .filter(|f| f.needs_api_core || f.sdk_use != Default::default())
        .map(|f| SourceUse {
            path: normalize(&f.path),
            sdk: f.sdk_use,
            needs_api_core: f.needs_api_core,
        })
        .collect()
}

/// The guide's step 1 in the change: the package.json and catalog files the
/// bump edits become changes of the report (in the diff, written by
/// `--write`, offered by `-i`); the `dependency-range` and
/// `api-core-dependency` findings they fix become fixable, and what the bump
/// leaves alone is reported.
fn bump_dependencies(
    engine: &Engine,
    manifests: &[(Manifest, Option<usize>)],
    report: &mut Report,
) {
    let manifests: Vec<Manifest> = manifests.iter().map(|(m, _)| m.clone()).collect();
    let plan = bump::plan(&manifests, engine.table(), &sources_of(report));
    for (f, install) in plan.files.into_iter().zip(plan.install) {
        report.summary.files_changed += 1;
        report.summary.edits += f.edit_count;
        report.installs.push((report.files.len(), install));
        report.files.push(FileOutcome {
            path: f.path,
            display: f.display,
            display_raw: None,
            findings: vec![],
            change: Some(Change {
                original: f.original.clone().into_bytes(),
                rewritten: f.rewritten,
                edit_count: f.edit_count,
                written: false,
                encoding: None,
            }),
            original: Some(f.original),
            problem: None,
            has_dynamic_import: false,
            needs_api_core: false,
            sdk_use: Default::default(),
            protected: Vec::new(),
        });
    }
    for r in &plan.raised {
        let via = r
            .via
            .as_deref()
            .map(|v| format!(" in {v}"))
            .unwrap_or_default();
        let key = format!("\"{}\"", r.key);
        for f in report.findings.iter_mut().filter(|f| f.path == r.manifest) {
            let fixed = match f.rule {
                "dependency-range" if f.message.starts_with(&key) => {
                    format!("; the change raises it to \"{}\"{via}", r.to)
                }
                "api-core-dependency" if f.message.contains(&r.key) => {
                    format!("; the change adds {key}: \"{}\"", r.to)
                }
                _ => continue,
            };
            f.fixable = true;
            f.message.push_str(&fixed);
        }
    }
    report_left_alone(engine, plan.left_alone, report);
}

/// The SDK specs the bump leaves alone (`workspace:`, `file:`, git, …),
/// said on the range finding of that line, or as a finding of their own.
fn report_left_alone(engine: &Engine, left_alone: Vec<bump::LeftAlone>, report: &mut Report) {
    let table = engine.table();
    for l in left_alone {
        let known = report
            .findings
            .iter_mut()
            .find(|f| f.path == l.manifest && f.line == l.line && f.rule == "dependency-range");
        match known {
            Some(f) => {
                f.message.push_str("; ");
                f.message.push_str(&l.message);
            }
            None if !table.is_off("dependency-range") => report.findings.push(Located {
                fingerprint: fingerprint::hash("dependency-range", &l.manifest, &l.message),
                config: None,
                scope: None,
                path: l.manifest,
                line: l.line,
                column: l.column,
                end_line: l.line,
                end_column: l.column,
                rule: "dependency-range",
                severity: table
                    .configured_severity("dependency-range")
                    .unwrap_or(Severity::Warning),
                fixable: false,
                message: l.message,
                suppressed: None,
                scope_fixes: vec![],
            }),
            None => {}
        }
    }
}

/// The package.json checks, with the files that need sdk-api-core: each
/// package.json under the rules of the config that governs it.
fn project_checks(
    engines: &Engines,
    manifests: &[(Manifest, Option<usize>)],
    report: &mut Report,
    problems: &mut Vec<Problem>,
) {
    let sources = sources_of(report);
    let mut groups: Vec<Option<usize>> = manifests.iter().map(|(_, c)| *c).collect();
    groups.sort();
    groups.dedup();
    let all: Vec<Manifest> = manifests.iter().map(|(m, _)| m.clone()).collect();
    for config in groups {
        // The checks see every package.json (a package's nearest one decides
        // for it); each keeps the findings of the files it governs.
        let governed: std::collections::HashSet<&str> = manifests
            .iter()
            .filter(|(_, c)| *c == config)
            .map(|(m, _)| m.display.as_str())
            .collect();
        let table = engines.of(config).table();
        let (mut findings, mut manifest_problems) = manifest::check(&all, table, &sources);
        findings.retain(|f| governed.contains(f.path.as_str()));
        manifest_problems.retain(|(path, _)| governed.contains(path.as_str()));
        // package.json holds no comments: the config alone decides on these.
        report.findings.extend(
            findings
                .into_iter()
                .filter(|f| !table.is_off(f.rule))
                .map(|f| Located {
                    fingerprint: fingerprint::hash(f.rule, &f.path, &f.message),
                    path: f.path,
                    line: f.line,
                    column: f.column,
                    end_line: f.line,
                    end_column: f.column,
                    rule: f.rule,
                    severity: table
                        .configured_severity(f.rule)
                        .unwrap_or(Severity::Warning),
                    fixable: false,
                    message: f.message,
                    suppressed: None,
                    scope: None,
                    scope_fixes: vec![],
                    config,
                }),
        );
        problems.extend(
            manifest_problems
                .into_iter()
                .map(|(path, message)| Problem::new(path, ProblemKind::Project(message))),
        );
    }
}
