//! One run over the given paths: walk → read → prefilter → per-file work in
//! parallel → the project checks → a `Report`. Knows no output format.

pub mod progress;
pub mod walk;

use crate::analysis::LineIndex;
use crate::analysis::barrels;
use crate::config::{self, Config, Loaded};
use crate::engine::{Engine, FileEnv, SourceOutcome, split_bom};
use crate::finding::Severity;
use crate::lang::Lang;
use crate::report::{
    Change, ConfigInfo, FileOutcome, Located, Problem, ProblemKind, Report, Summary,
};
use crate::workspace::FsWorkspace;
use crate::workspace::manifest::{self, Manifest, SourceUse, UseDetector};
use crate::workspace::read::open_regular;
use crate::workspace::resolve::normalize;
use progress::Progress;
use rayon::prelude::*;
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
    progress.next_pass(firsts.iter().filter(|f| f.candidate).count());
    let files: Vec<FileOutcome> = {
        let detectors: Vec<UseDetector> = engines
            .0
            .iter()
            .map(|e| UseDetector::new(e.table()))
            .collect();
        targets
            .par_iter()
            .zip(firsts.into_par_iter())
            .filter(|(_, first)| first.candidate)
            .map(|(t, first)| {
                let detector = &detectors[t.config.map_or(0, |i| i + 1)];
                let outcome =
                    process_file(engines.of(t.config), &workspace, detector, t, first.bytes);
                progress.tick();
                outcome
            })
            .collect()
    };
    progress.finish();
    let mut report = Report {
        summary: Summary {
            files_scanned: targets.len(),
            ..Default::default()
        },
        catalog: engines.catalog(),
        configs: loaded
            .iter()
            .enumerate()
            .map(|(i, l)| ConfigInfo {
                display: l.config.display.clone(),
                max_warnings: config::chain(&loaded, i)
                    .iter()
                    .rev()
                    .find_map(|c| c.max_warnings),
            })
            .collect(),
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
/// file given twice (`a.tsx ./a.tsx`, a directory and a file in it, a hard
/// link) is kept once, under the first name it was reached by.
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
}

thread_local! {
    /// One buffer per thread: most files are read, tested and dropped.
    static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Read each file once (never one over the size limit: its size is checked
/// first) and test it against the prefilter.
fn first_pass(targets: &[Target], engines: &Engines, progress: &Progress) -> Vec<FirstPass> {
    let kept_total = AtomicUsize::new(0);
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
                    };
                }
                let candidate = engines.of(t.config).is_candidate(&buf);
                let keep = candidate
                    && kept_total.fetch_add(buf.len(), Ordering::Relaxed) + buf.len() <= KEEP_BYTES;
                FirstPass {
                    candidate,
                    barrel_shaped: candidate && looks_like_barrel(&buf),
                    bytes: keep.then(|| buf.to_vec()),
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
                read_source(t, &mut buf).is_ok() && engines.of(t.config).names_alias(&buf)
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
) -> FileOutcome {
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
        return outcome;
    };
    let text = match source_text(engine, t, kept) {
        Ok(text) => text,
        Err(kind) => return skipped(outcome, kind),
    };
    let path = normalize(&t.path);
    let mock = manual_mock_of(&path, engine.table());
    let scoped = workspace.for_file(&path);
    let env = FileEnv {
        dir: path.parent().unwrap_or(Path::new("/")),
        workspace: &scoped,
        manual_mock_of: mock.as_deref(),
    };
    let result = engine.process(&text, lang, &env);
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
    outcome
}

/// A candidate's text (read again unless pass 1 kept the bytes), or why it is
/// skipped: whether a skipped file names the legacy API is part of the answer.
fn source_text(engine: &Engine, t: &Target, kept: Option<Vec<u8>>) -> Result<String, ProblemKind> {
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
                config,
            }
        })
        .collect()
}

/// The package.json checks, with the files that need sdk-api-core: each
/// package.json under the rules of the config that governs it.
fn project_checks(
    engines: &Engines,
    manifests: &[(Manifest, Option<usize>)],
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
