//! The write stage of `migrate --write`: the dirty-tree guard, atomic
//! writes, and with `--typecheck` the project's compiler before and after,
//! rolling back files the rewrite broke. Every outcome is recorded in the
//! report; the run goes on for the other files.

pub mod atomic;
pub mod git;
pub mod typecheck;

use crate::report::{Problem, ProblemKind, Report};
use atomic::atomic_write;
use git::FileState;
pub use git::GitState;
use std::path::{Path, PathBuf};
use typecheck::{Compiler, Diagnostic, new_in};

pub struct WriteOptions {
    pub allow_dirty: bool,
    pub allow_no_vcs: bool,
    pub typecheck: Option<TypecheckOptions>,
    /// The files to write (indices into `report.files`); None: every change.
    pub only: Option<Vec<usize>>,
}

pub struct TypecheckOptions {
    /// Where to look for the compiler and tsconfig from.
    pub root: PathBuf,
    pub tsc: Option<String>,
    pub tsconfig: Option<PathBuf>,
    pub keep_broken: bool,
}

/// Why nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{0}")]
    NoCompiler(String),
    #[error("{0}; nothing was written")]
    CompilerFailed(String),
    #[error("{0} (after the write; the written files stay)")]
    CompilerFailedAfter(String),
}

/// Write every change of `report`; record refusals and failures as problems
/// and set `summary.files_changed` to the files that were written (and kept).
pub fn write_changes(report: &mut Report, opts: &WriteOptions) -> Result<(), WriteError> {
    // The guard first: the project's compiler runs only when some file may
    // be written (a repository git refuses to trust writes nothing, so no
    // compiler of its choosing runs either).
    let plan = plan_writes(report, opts);
    let writable = plan.iter().any(|(_, to)| to.is_ok());
    let typecheck = match &opts.typecheck {
        Some(t) if writable => {
            let compiler = Compiler::find(&t.root, t.tsc.as_deref(), t.tsconfig.as_deref())
                .map_err(WriteError::NoCompiler)?;
            report.summary.type_checked_with = Some(compiler.describe());
            let before = compiler.run().map_err(WriteError::CompilerFailed)?;
            Some((compiler, before, t.keep_broken))
        }
        _ => None,
    };
    let written = write_files(report, plan);
    count_written(report, &written, written.len());
    if let Some((compiler, before, keep_broken)) = &typecheck {
        let after = compiler.run().map_err(WriteError::CompilerFailedAfter)?;
        let rolled_back = verify_types(report, &written, before, &after, *keep_broken);
        count_written(report, &written, written.len() - rolled_back);
    }
    Ok(())
}

/// The summary counts what is on disk: `kept` files changed, and the edits
/// of the files written (none of the files refused or failed).
fn count_written(report: &mut Report, written: &[usize], kept: usize) {
    report.summary.files_changed = kept;
    report.summary.edits = written
        .iter()
        .filter_map(|&i| report.files[i].change.as_ref())
        .map(|c| c.edit_count)
        .sum();
    report.tally();
}

/// Why the dirty-tree guard will not let stepup write `path`, if it will not.
pub fn guard_refusal(git: &mut GitState, path: &Path, opts: &WriteOptions) -> Option<String> {
    refusal(&git.place(path).state, opts)
}

/// Each changed file to write (index into `report.files`), with where it
/// physically is, or why the guard refuses it.
type Plan = Vec<(usize, Result<PathBuf, String>)>;

fn plan_writes(report: &Report, opts: &WriteOptions) -> Plan {
    let mut git = GitState::default();
    report
        .files
        .iter()
        .enumerate()
        .filter(|(_, file)| file.change.is_some())
        .filter(|(index, _)| opts.only.as_ref().is_none_or(|only| only.contains(index)))
        .map(|(index, file)| {
            let placed = git.place(&file.path);
            let to = match refusal(&placed.state, opts) {
                Some(reason) => Err(reason),
                None => Ok(placed.physical),
            };
            (index, to)
        })
        .collect()
}

/// Write the files of `plan` the guard allows; returns their indices.
fn write_files(report: &mut Report, plan: Plan) -> Vec<usize> {
    let mut written = Vec::new();
    let mut problems = Vec::new();
    for (index, to) in plan {
        let file = &mut report.files[index];
        let change = file.change.as_mut().expect("planned files have a change");
        let outcome = to.and_then(|physical| {
            atomic_write(&physical, &change.disk_original(), &change.disk_rewritten())
        });
        match outcome {
            Ok(()) => {
                change.written = true;
                written.push(index);
            }
            Err(message) => problems.push(Problem::new(
                file.display.clone(),
                ProblemKind::NotWritten(message),
            )),
        }
    }
    report.problems.extend(problems);
    written
}

/// Why the guard does not let a file in `state` be written, if it does not.
fn refusal(state: &FileState, opts: &WriteOptions) -> Option<String> {
    let reason = match state {
        FileState::Clean => return None,
        FileState::NoVcs | FileState::NoGit if opts.allow_no_vcs => return None,
        FileState::Dirty | FileState::Untracked | FileState::Unknowable if opts.allow_dirty => {
            return None;
        }
        FileState::NoVcs => "not inside a git work tree; pass --allow-no-vcs to write anyway",
        FileState::NoGit => {
            "git is not on PATH, so stepup cannot check it for uncommitted changes; install git, \
             or pass --allow-no-vcs to write without that check"
        }
        FileState::Dirty => "has uncommitted changes; commit or stash them, or pass --allow-dirty",
        FileState::Untracked => {
            "is not tracked by git (untracked or ignored), so git holds no copy of its original \
             bytes; commit it first, or pass --allow-dirty"
        }
        FileState::Unknowable => {
            "is marked assume-unchanged or skip-worktree, so git cannot tell whether it has \
             uncommitted changes; pass --allow-dirty to write anyway"
        }
        FileState::GitFailed(message) => {
            return Some(format!(
                "git cannot tell whether it has uncommitted changes, so it is left unchanged: \
                 {message}"
            ));
        }
        FileState::Refused(reason) => return Some(reason.clone()),
    };
    Some(reason.to_string())
}

/// Roll back every written file with diagnostics the rewrite added (or,
/// with `keep_broken`, keep it and list them). Returns how many were rolled back.
fn verify_types(
    report: &mut Report,
    written: &[usize],
    before: &[Diagnostic],
    after: &[Diagnostic],
    keep_broken: bool,
) -> usize {
    let mut rolled_back = 0;
    let mut problems = Vec::new();
    for &i in written {
        let file = &mut report.files[i];
        let change = file.change.as_mut().expect("written files have a change");
        let new = new_in(before, after, std::slice::from_ref(&file.path));
        if new.is_empty() {
            continue;
        }
        let list = new
            .iter()
            .map(|d| format!("line {}: {} {}", d.line, d.code, d.message))
            .collect::<Vec<_>>()
            .join("; ");
        let message = if keep_broken {
            format!("kept despite new type errors (--keep-broken): {list}")
        } else {
            match rollback(
                &file.path,
                &change.disk_rewritten(),
                &change.disk_original(),
            ) {
                Ok(()) => {
                    rolled_back += 1;
                    change.written = false;
                    format!("rolled back: the rewrite added type errors: {list}")
                }
                Err(e) => {
                    format!("the rewrite added type errors and the rollback failed ({e}): {list}")
                }
            }
        };
        problems.push(Problem::new(
            file.display.clone(),
            ProblemKind::TypeErrors(message),
        ));
    }
    report.problems.extend(problems);
    rolled_back
}

fn rollback(path: &Path, rewritten: &[u8], original: &[u8]) -> Result<(), String> {
    atomic_write(path, rewritten, original)
}
