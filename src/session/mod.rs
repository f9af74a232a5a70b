//! One run over the given paths: walk → read → prefilter → per-file work in
//! parallel → the project checks → a `Report`. Knows no output format.

pub mod callers;
pub mod progress;
pub mod walk;

use crate::analysis::LineIndex;
use crate::analysis::barrels;
use crate::analysis::callers::UndecidedSite;
use crate::decisions::{Decide, DecisionUse, Decisions, ScopeChoice};
use crate::engine::{Engine, FileEnv, SourceOutcome, split_bom};
use crate::finding::Severity;
use crate::lang::Lang;
use crate::report::{
    Change, FileOutcome, Located, Problem, ProblemKind, Report, ScopeFix, Summary, edits,
};
use crate::workspace::FsWorkspace;
use crate::workspace::manifest::{self, Manifest, SourceUse, UseDetector};
use crate::workspace::read::open_regular;
use crate::workspace::resolve::normalize;
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
    pub roots: Vec<PathBuf>,
    pub walk: WalkOptions,
    /// Draw a progress line on stderr (a terminal).
    pub progress: bool,
    /// `--decide PATH:LINE=SCOPE`: scopes a person chose for token calls
    /// stepup cannot decide on.
    pub decide: Vec<Decide>,
    /// Work out, for each token call whose scope stepup cannot tell, the
    /// change each candidate scope would make (only the formats that carry
    /// them, and `-i`, need them: each is another run of the file).
    pub scope_fixes: bool,
}

/// A path that could not be scanned at all (a usage error).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ScanError(pub String);

/// Run the whole analysis. A path that does not exist is an error; a file
/// that cannot be read is a problem in the report and the rest goes on.
pub fn run(engine: &mut Engine, opts: &SessionOptions) -> Result<Report, ScanError> {
    let started = Instant::now();
    let workspace = FsWorkspace::new();
    let (targets, manifests, mut problems) = discover_all(opts)?;
    let progress = Progress::start(targets.len(), opts.progress);
    let mut firsts = first_pass(&targets, engine, &progress);
    learn_aliases(engine, &workspace, &targets, &mut firsts);
    let heads: Vec<callers::ImportHead> = firsts
        .iter_mut()
        .map(|f| std::mem::take(&mut f.head))
        .collect();
    progress.next_pass(firsts.iter().filter(|f| f.candidate).count());
    let detector = UseDetector::new(engine.table());
    let decided = decisions_by_file(&opts.decide)?;
    let processed: Vec<Processed> = targets
        .par_iter()
        .zip(firsts.into_par_iter())
        .enumerate()
        .filter(|(_, (_, first))| first.candidate)
        .map(|(i, (t, first))| {
            let decisions = decided
                .get(&normalize(&t.path))
                .cloned()
                .map(Decisions::new);
            let (outcome, undecided) = process_file(
                engine,
                &workspace,
                &detector,
                t,
                first.bytes,
                decisions.as_ref(),
            );
            progress.tick();
            (i, outcome, decisions, undecided)
        })
        .collect();
    progress.finish();
    check_decisions(&opts.decide, &processed)?;
    let files = second_pass(
        engine, &workspace, &detector, &targets, &heads, &decided, processed,
    );
    let files = if opts.scope_fixes {
        scope_fixes(engine, &workspace, &detector, &targets, files)
    } else {
        files.into_iter().map(|(_, f, _)| f).collect()
    };
    let mut report = Report {
        summary: Summary {
            files_scanned: targets.len(),
            ..Default::default()
        },
        catalog: engine.table().rules.clone(),
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
    project_checks(engine, &manifests, &mut report, &mut problems);
    problems.extend(
        workspace
            .take_problems()
            .into_iter()
            .map(|(path, message)| {
                Problem::new(
                    display_project_file(&path, opts),
                    ProblemKind::Project(message),
                )
            }),
    );
    report
        .findings
        .sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    report.problems = problems;
    report.tally();
    report.summary.elapsed_ms = started.elapsed().as_millis();
    Ok(report)
}

/// A candidate after pass 1: its index among the targets, its outcome, the
/// `--decide` scopes it was given, its token calls that callers may decide.
type Processed = (usize, FileOutcome, Option<Decisions>, Vec<UndecidedSite>);

/// The scopes the callers of wrappers give (see `callers`): the files that
/// hold such token calls are run through the engine again with them, as
/// with a `--decide` (which wins on the same line).
fn second_pass(
    engine: &Engine,
    workspace: &FsWorkspace,
    detector: &UseDetector,
    targets: &[Target],
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
        callers::decide(&sites, targets, heads, workspace, engine.table())
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
            let (f, undecided) = process_file(
                engine,
                workspace,
                detector,
                &targets[i],
                None,
                Some(&decisions),
            );
            (i, f, undecided)
        })
        .collect()
}

/// For each token call still undecided, the change each candidate scope
/// would make: the file run again with that scope decided, less what the
/// file's own rewrite already changes. Only the few files with such a call
/// are run again.
fn scope_fixes(
    engine: &Engine,
    workspace: &FsWorkspace,
    detector: &UseDetector,
    targets: &[Target],
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
                    let (alt, _) = process_file(
                        engine,
                        workspace,
                        detector,
                        &targets[i],
                        Some(original.clone().into_bytes()),
                        Some(&decisions),
                    );
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
        let choice = ScopeChoice::Scope {
            scope: d.scope.clone(),
            evidence: None,
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

/// What the walk found: source files, package.json files, unreadable directories.
type Discovered = (Vec<Target>, Vec<Manifest>, Vec<Problem>);

/// Every file and package.json under every root, in a fixed order, each
/// with its path as the user sees it: relative to the working directory. A
/// file given twice (`a.tsx ./a.tsx`, a directory and a file in it, a hard
/// link) is kept once, under the first name it was reached by.
fn discover_all(opts: &SessionOptions) -> Result<Discovered, ScanError> {
    let cwd = std::env::current_dir()
        .map(|d| normalize(&d))
        .map_err(|e| ScanError(format!("the working directory: {e}")))?;
    let mut targets = Vec::new();
    let mut manifests = Vec::new();
    let mut problems = Vec::new();
    for root in &opts.roots {
        let absolute = normalize(root);
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
        manifests.extend(d.manifests.into_iter().map(|t| Manifest {
            path: t.path,
            display: t.display,
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
        manifests.retain(|m| file_id(&m.path).is_none_or(|id| seen.insert(id)));
    }
    // The same file under two roots (`src src/a.ts`) is one file.
    targets.sort_by(|a, b| a.display.cmp(&b.display));
    targets.dedup_by(|a, b| a.path == b.path);
    manifests.sort_by(|a, b| a.display.cmp(&b.display));
    manifests.dedup_by(|a, b| a.path == b.path);
    Ok((targets, manifests, problems))
}

/// What makes two paths the same file: device and inode where there are inodes.
#[cfg(unix)]
fn file_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
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

/// Read each file once (never one over the size limit: its size is checked
/// first) and test it against the prefilter.
fn first_pass(targets: &[Target], engine: &Engine, progress: &Progress) -> Vec<FirstPass> {
    let kept_total = AtomicUsize::new(0);
    let head_total = AtomicUsize::new(0);
    targets
        .par_iter()
        .map(|t| {
            // One buffer per thread: most files are read, tested and dropped.
            thread_local! {
                static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
            }
            let first = BUF.with(|buf| {
                let mut buf = buf.borrow_mut();
                buf.clear();
                if read_source(&t.path, &mut buf).is_err() {
                    // Pass 2 reads it again and reports why.
                    return FirstPass {
                        candidate: true,
                        barrel_shaped: false,
                        bytes: None,
                        head: callers::ImportHead::Unknown,
                    };
                }
                let candidate = engine.is_candidate(&buf);
                let keep = candidate
                    && kept_total.fetch_add(buf.len(), Ordering::Relaxed) + buf.len() <= KEEP_BYTES;
                FirstPass {
                    candidate,
                    barrel_shaped: candidate && looks_like_barrel(&buf),
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
fn read_source(path: &Path, buf: &mut Vec<u8>) -> Result<(), SourceError> {
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
    engine: &mut Engine,
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
            barrels::aliases(&workspace.for_file(&path), engine.table(), &path)
        })
        .collect();
    if aliases.is_empty() {
        return;
    }
    engine.add_aliases(aliases);
    if !engine.aliases_widen_prefilter() {
        return;
    }
    let engine = &*engine;
    firsts
        .par_iter_mut()
        .zip(targets)
        .filter(|(f, _)| !f.candidate)
        .for_each(|(f, t)| {
            let mut buf = Vec::new();
            f.candidate = read_source(&t.path, &mut buf).is_ok() && engine.is_candidate(&buf);
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
    };
    let Some(lang) = Lang::from_path(&t.path) else {
        return (outcome, vec![]);
    };
    let text = match source_text(engine, t, kept) {
        Ok(text) => text,
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
    outcome.findings = locate(&result, &text, &t.display);
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
    if let Some(rewritten) = result.rewritten {
        outcome.change = Some(Change {
            original: text.clone().into_bytes(),
            rewritten,
            edit_count: result.edit_count,
            written: false,
        });
    }
    if !outcome.findings.is_empty() || outcome.change.is_some() {
        outcome.original = Some(text);
    }
    (outcome, undecided)
}

/// A candidate's text (read again unless pass 1 kept the bytes), or why it is
/// skipped: whether a skipped file names the legacy API is part of the answer.
fn source_text(engine: &Engine, t: &Target, kept: Option<Vec<u8>>) -> Result<String, ProblemKind> {
    let bytes = match kept {
        Some(b) => b,
        None => {
            let mut buf = Vec::new();
            match read_source(&t.path, &mut buf) {
                Ok(()) => buf,
                Err(SourceError::Io(e)) => return Err(ProblemKind::Unreadable(e.to_string())),
                Err(SourceError::TooLarge(size)) => {
                    return Err(ProblemKind::TooLarge {
                        size,
                        limit: MAX_FILE_BYTES,
                        legacy: streamed_names_legacy_api(engine, &t.path),
                    });
                }
            }
        }
    };
    String::from_utf8(bytes).map_err(|e| ProblemKind::NotUtf8 {
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
fn locate(result: &SourceOutcome, text: &str, display: &str) -> Vec<Located> {
    // Offsets are into the text after the BOM.
    let (_, body) = split_bom(text);
    let lines = LineIndex::new(body);
    result
        .findings
        .iter()
        .map(|f| {
            let (line, column) = lines.line_col(f.offset);
            let end_line = if f.end > f.offset {
                lines.line_col(f.end).0
            } else {
                line
            };
            Located {
                path: display.to_string(),
                line,
                column,
                end_line,
                rule: f.rule,
                severity: f.severity,
                fixable: f.fixable,
                message: f.message.clone(),
                suppressed: f.suppressed.clone(),
                scope_fixes: vec![],
            }
        })
        .collect()
}

/// The package.json checks, with the files that need sdk-api-core.
fn project_checks(
    engine: &Engine,
    manifests: &[Manifest],
    report: &mut Report,
    problems: &mut Vec<Problem>,
) {
    let sources: Vec<SourceUse> = report
        .files
        .iter()
        .filter(|f| f.needs_api_core || f.sdk_use != Default::default())
        .map(|f| SourceUse {
            path: normalize(&f.path),
            sdk: f.sdk_use,
            needs_api_core: f.needs_api_core,
        })
        .collect();
    let table = engine.table();
    let (findings, manifest_problems) = manifest::check(manifests, table, &sources);
    // package.json holds no comments: the config alone decides on these.
    report.findings.extend(
        findings
            .into_iter()
            .filter(|f| !table.is_off(f.rule))
            .map(|f| Located {
                path: f.path,
                line: f.line,
                column: f.column,
                end_line: f.line,
                rule: f.rule,
                severity: table
                    .configured_severity(f.rule)
                    .unwrap_or(Severity::Warning),
                fixable: false,
                message: f.message,
                suppressed: None,
                scope_fixes: vec![],
            }),
    );
    problems.extend(
        manifest_problems
            .into_iter()
            .map(|(path, message)| Problem::new(path, ProblemKind::Project(message))),
    );
}
