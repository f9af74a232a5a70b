//! The write stage of `migrate --write`: the dirty-tree guard, atomic
//! writes, and with `--typecheck` the project's compiler before and after,
//! rolling back files the rewrite broke. Every outcome is recorded in the
//! report; the run goes on for the other files.

pub mod atomic;
pub mod git;
pub mod typecheck;

use crate::report::{Problem, ProblemKind, Report};
use atomic::atomic_write;
use git::{FileState, GitState};
use std::path::{Path, PathBuf};
use typecheck::{Compiler, Diagnostic, new_in};

pub struct WriteOptions {
    pub allow_dirty: bool,
    pub allow_no_vcs: bool,
    pub typecheck: Option<TypecheckOptions>,
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
    let typecheck = match &opts.typecheck {
        Some(t) => {
            let compiler = Compiler::find(&t.root, t.tsc.as_deref(), t.tsconfig.as_deref())
                .map_err(WriteError::NoCompiler)?;
            report.summary.type_checked_with = Some(compiler.describe());
            let before = compiler.run().map_err(WriteError::CompilerFailed)?;
            Some((compiler, before, t.keep_broken))
        }
        None => None,
    };
    let written = write_files(report, opts);
    let mut kept = written.len();
    if let Some((compiler, before, keep_broken)) = &typecheck {
        let after = compiler.run().map_err(WriteError::CompilerFailedAfter)?;
        kept -= verify_types(report, &written, before, &after, *keep_broken);
    }
    report.summary.files_changed = kept;
    report.summary.edits = written
        .iter()
        .filter_map(|&i| report.files[i].change.as_ref())
        .map(|c| c.edit_count)
        .sum();
    report.tally();
    Ok(())
}

/// Write the changed files the guard allows; returns their indices.
fn write_files(report: &mut Report, opts: &WriteOptions) -> Vec<usize> {
    let mut git = GitState::default();
    let mut written = Vec::new();
    let mut problems = Vec::new();
    for (index, file) in report.files.iter().enumerate() {
        let Some(change) = &file.change else { continue };
        let refusal = match git.state(&file.path) {
            FileState::NoVcs if !opts.allow_no_vcs => {
                Some("not inside a git work tree; pass --allow-no-vcs to write anyway")
            }
            FileState::Dirty if !opts.allow_dirty => {
                Some("has uncommitted changes; commit or stash them, or pass --allow-dirty")
            }
            _ => None,
        };
        let outcome = match refusal {
            Some(reason) => Err(reason.to_string()),
            None => atomic_write(&file.path, &change.original, change.rewritten.as_bytes()),
        };
        match outcome {
            Ok(()) => written.push(index),
            Err(message) => problems.push(Problem::new(
                file.display.clone(),
                ProblemKind::NotWritten(message),
            )),
        }
    }
    report.problems.extend(problems);
    written
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
        let file = &report.files[i];
        let change = file.change.as_ref().expect("written files have a change");
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
            match rollback(&file.path, change.rewritten.as_bytes(), &change.original) {
                Ok(()) => {
                    rolled_back += 1;
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
