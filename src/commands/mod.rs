//! One module per subcommand; each returns the process exit code.

pub mod check;
pub mod migrate;

use crate::barrels::{BarrelIndex, ModuleExports, module_exports};
use crate::cli::CommonArgs;
use crate::engine::{Engine, FileResult, Problem};
use crate::finding::{Located, Severity};
use crate::output::Summary;
use crate::project::{self, Manifest};
use crate::ruleset::Ruleset;
use crate::walk::{WalkOptions, discover};
use anyhow::Result;
use rayon::prelude::*;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

/// Exit codes, as ripgrep and ESLint use them.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FOUND: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// Everything one scan of the given paths produced, in a deterministic order.
pub struct Scan {
    pub results: Vec<FileResult>,
    pub findings: Vec<Located>,
    pub problems: Vec<Problem>,
    pub summary: Summary,
}

pub fn engine_for(common: &CommonArgs) -> Result<Engine> {
    let mut rules = Ruleset::builtin();
    if let Some(path) = &common.rules {
        rules = rules.with_extra_file(path)?;
    }
    Ok(Engine::new(rules))
}

/// Walk every path, then run the per-file pipeline in parallel.
/// A path that does not exist is a usage error (Err); a file that cannot be
/// read is a problem of the scan and the rest goes on.
pub fn scan(common: &CommonArgs, engine: &mut Engine) -> Result<Scan, String> {
    let started = Instant::now();
    let roots: Vec<PathBuf> = if common.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        common.paths.clone()
    };
    let opts = WalkOptions {
        no_ignore: common.no_ignore,
        include: common.include.clone(),
        exclude: common.exclude.clone(),
    };
    let mut targets = Vec::new();
    let mut manifests = Vec::new();
    let mut problems = Vec::new();
    for root in &roots {
        let mut d = discover(root, &opts).map_err(|e| format!("cannot scan {e}"))?;
        // CI annotations and SARIF locate files from the working directory.
        if matches!(
            common.format,
            crate::cli::Format::Github | crate::cli::Format::Sarif
        ) && root.is_dir()
        {
            let prefix = crate::walk::relative_display(root, std::path::Path::new(""));
            let prefix = prefix.trim_start_matches("./").trim_end_matches('/');
            if !prefix.is_empty() && prefix != "." {
                for t in d.targets.iter_mut().chain(d.manifests.iter_mut()) {
                    t.display = format!("{prefix}/{}", t.display);
                }
            }
        }
        targets.extend(d.targets);
        manifests.extend(d.manifests.into_iter().map(|t| Manifest {
            path: t.path,
            display: t.display,
        }));
        problems.extend(d.errors.into_iter().map(|message| Problem {
            path: root.display().to_string(),
            message,
            is_error: true,
        }));
    }
    // Pass 1: read every file once; note the candidates and the re-exports.
    let mut candidates = Vec::with_capacity(targets.len());
    let mut kept = Vec::with_capacity(targets.len());
    let mut reexports = Vec::new();
    for (first, t) in first_pass(&targets, engine).into_iter().zip(&targets) {
        candidates.push(first.candidate);
        kept.push(first.bytes);
        if let Some(e) = first.exports {
            reexports.push((t.path.clone(), e));
        }
    }
    engine.set_barrels(BarrelIndex::new(reexports, &engine.rules));
    // Names barrels export under names of their own may sit in files pass 1 let go.
    if engine.barrel_aliases_need_rescan() {
        candidates
            .par_iter_mut()
            .zip(&targets)
            .filter(|(c, _)| !**c)
            .for_each(|(c, t)| *c = std::fs::read(&t.path).is_ok_and(|b| engine.is_candidate(&b)));
    }
    // Pass 2: the whole pipeline, for candidates only.
    let show_progress = !common.quiet && std::io::stderr().is_terminal();
    let progress = Progress::start(targets.len(), show_progress);
    // Only candidates get a result: the others are counted, never reported.
    let results: Vec<FileResult> = targets
        .par_iter()
        .zip(candidates.par_iter())
        .zip(kept.into_par_iter())
        .filter_map(|((t, candidate), bytes)| {
            let r = candidate.then(|| engine.process_file_with(&t.path, &t.display, bytes));
            progress.tick();
            r
        })
        .collect();
    progress.finish();
    let mut summary = Summary {
        files_scanned: targets.len(),
        ..Default::default()
    };
    let mut findings = Vec::new();
    for r in &results {
        summary.files_with_dynamic_imports += usize::from(r.has_dynamic_import);
        if let Some(c) = &r.change {
            summary.files_changed += 1;
            summary.edits += c.edit_count;
        }
        findings.extend(r.findings.iter().cloned());
        problems.extend(r.problem.clone());
    }
    let api_core_users: Vec<PathBuf> = results
        .iter()
        .filter(|r| r.needs_api_core)
        .map(|r| crate::barrels::normalize(&r.path))
        .collect();
    let needs_api_core = |dir: &std::path::Path| {
        let dir = crate::barrels::normalize(dir);
        api_core_users.iter().any(|p| p.starts_with(&dir))
    };
    let (project_findings, project_problems) =
        project::check(&manifests, &engine.rules, &needs_api_core);
    findings.extend(project_findings);
    findings.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    problems.extend(project_problems.into_iter().map(|(path, message)| Problem {
        path,
        message,
        is_error: false,
    }));
    for f in &findings {
        match f.severity {
            Severity::Error => summary.errors += 1,
            Severity::Warning => summary.warnings += 1,
            Severity::Info => summary.infos += 1,
        }
        if f.fixable {
            summary.fixable += 1;
        } else if f.severity != Severity::Info {
            summary.manual += 1;
        }
    }
    summary.findings = findings.len();
    summary.problems = problems.len();
    summary.elapsed_ms = started.elapsed().as_millis();
    Ok(Scan {
        results,
        findings,
        problems,
        summary,
    })
}

/// What pass 1 learns of one file.
struct FirstPass {
    candidate: bool,
    exports: Option<ModuleExports>,
    /// A candidate's bytes, kept for pass 2 while they fit the budget.
    bytes: Option<Vec<u8>>,
}

/// The first pass: read each file once; is it a candidate, and what does it
/// re-export (parsed only when it looks like a barrel)?
fn first_pass(targets: &[crate::walk::Target], engine: &Engine) -> Vec<FirstPass> {
    // Candidates' bytes are kept for pass 2 up to this much, re-read beyond.
    const KEEP_BYTES: usize = 64 << 20;
    let kept_total = AtomicUsize::new(0);
    targets
        .par_iter()
        .map(|t| {
            // One buffer per thread: most files are read, tested and dropped.
            thread_local! {
                static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
            }
            BUF.with(|buf| {
            let mut buf = buf.borrow_mut();
            buf.clear();
            let read = std::fs::File::open(&t.path).and_then(|mut f| std::io::Read::read_to_end(&mut f, &mut buf));
            if read.is_err() {
                // Pass 2 reads it again and reports the error.
                return FirstPass {
                    candidate: true,
                    exports: None,
                    bytes: None,
                };
            }
            let bytes: &[u8] = &buf;
            let candidate = engine.is_candidate(bytes);
            let exports = (looks_like_barrel(bytes)
                && bytes.len() as u64 <= crate::engine::MAX_FILE_BYTES)
                .then(|| std::str::from_utf8(bytes).ok())
                .flatten()
                .and_then(|text| {
                    let lang = crate::lang::Lang::from_path(&t.path)?;
                    let tree = lang.parse(text);
                    Some(module_exports(tree.root_node(), text))
                });
            let keep = candidate
                && kept_total.fetch_add(bytes.len(), Ordering::Relaxed) + bytes.len() <= KEEP_BYTES;
            FirstPass {
                candidate,
                exports,
                bytes: keep.then(|| bytes.to_vec()),
            }
        })
        })
        .collect()
}

/// `export * from`, `export { … }`, or `export const x = y` next to a Dynamic import.
fn looks_like_barrel(bytes: &[u8]) -> bool {
    let has = |p: &[u8]| memchr::memmem::find(bytes, p).is_some();
    has(b"export *")
        || has(b"export {")
        || has(b"export{")
        || (has(b"export const") && has(b"@dynamic-labs"))
}

/// A `files done/total` line on stderr, redrawn from a thread of its own,
/// shown only on a terminal and only once a run has taken a second.
struct Progress {
    done: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start(total: usize, enabled: bool) -> Progress {
        let done = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = enabled.then(|| {
            let (done, stop) = (done.clone(), stop.clone());
            std::thread::spawn(move || {
                let started = Instant::now();
                let mut shown = false;
                while !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                    if started.elapsed().as_secs() >= 1 {
                        eprint!("\rstepup: {}/{total} files", done.load(Ordering::Relaxed));
                        shown = true;
                    }
                }
                if shown {
                    eprint!("\r\x1b[K");
                }
            })
        });
        Progress { done, stop, thread }
    }

    fn tick(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    fn finish(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
