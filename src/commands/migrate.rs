//! `stepup migrate`: the diff (dry run, default) or the write.

use super::{EXIT_ERROR, EXIT_OK, engine_for, scan};
use crate::cli::{Format, MigrateArgs};
use crate::engine::FileResult;
use crate::engine::Problem;
use crate::output::{Report, diff, emit, human, markdown, use_color};
use crate::safety::{FileState, GitState, atomic_write};
use crate::typecheck::{Compiler, new_in};
use anyhow::Result;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

pub fn run(args: MigrateArgs) -> Result<u8> {
    let mut engine = engine_for(&args.common)?;
    let mut scan = match scan(&args.common, &mut engine) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("stepup: {e}");
            return Ok(EXIT_ERROR);
        }
    };
    let mut failed = false;
    // With --typecheck: the project's compiler and its diagnostics before the write.
    let typecheck = if args.write && args.typecheck {
        let root = args
            .common
            .paths
            .first()
            .cloned()
            .unwrap_or_else(|| PathBuf::from("."));
        let compiler = match Compiler::find(&root, args.tsc.as_deref(), args.tsconfig.as_deref()) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("stepup: {e}");
                return Ok(EXIT_ERROR);
            }
        };
        match compiler.run() {
            Ok(before) => Some((compiler, before)),
            Err(e) => {
                eprintln!("stepup: {e}; nothing was written");
                return Ok(EXIT_ERROR);
            }
        }
    } else {
        None
    };
    let mut written_files: Vec<usize> = Vec::new();
    if args.write {
        let mut git = GitState::default();
        let mut written = 0;
        for (index, r) in scan.results.iter().enumerate() {
            let Some(change) = &r.change else { continue };
            let refusal = match git.state(&r.path) {
                FileState::NoVcs if !args.allow_no_vcs => {
                    Some("not inside a git work tree; pass --allow-no-vcs to write anyway")
                }
                FileState::Dirty if !args.allow_dirty => {
                    Some("has uncommitted changes; commit or stash them, or pass --allow-dirty")
                }
                _ => None,
            };
            let outcome = match refusal {
                Some(reason) => Err(reason.to_string()),
                None => atomic_write(&r.path, &change.original, change.rewritten.as_bytes()),
            };
            match outcome {
                Ok(()) => {
                    written += 1;
                    written_files.push(index);
                }
                Err(message) => {
                    failed = true;
                    scan.problems.push(Problem {
                        path: r.display.clone(),
                        message: format!("not written: {message}"),
                        is_error: true,
                    });
                }
            }
        }
        if let Some((compiler, before)) = &typecheck {
            written -= verify_types(
                compiler,
                before,
                &scan.results,
                &written_files,
                args.keep_broken,
                &mut scan.problems,
            )?;
            failed |= scan.problems.iter().any(|p| p.is_error);
        }
        scan.summary.files_changed = written;
        scan.summary.problems = scan.problems.len();
    } else {
        let mut stdout = std::io::stdout().lock();
        for r in &scan.results {
            let Some(change) = &r.change else { continue };
            let original = String::from_utf8_lossy(&change.original);
            stdout.write_all(diff::unified(&r.display, &original, &change.rewritten).as_bytes())?;
        }
        stdout.flush()?;
    }
    let report = Report {
        results: &scan.results,
        findings: &scan.findings,
        problems: &scan.problems,
        summary: &scan.summary,
    };
    if let Some(path) = &args.report {
        std::fs::write(path, markdown::render(&report, true))
            .map_err(|e| anyhow::anyhow!("cannot write the report {}: {e}", path.display()))?;
    }
    match args.common.format {
        Format::Human => {
            let color = use_color(args.common.color, std::io::stderr().is_terminal());
            let text = human::migrate_report(&report, args.write, args.common.verbose, color);
            if args.common.quiet {
                for line in text.lines().filter(|l| !l.starts_with("scanned ")) {
                    eprintln!("{line}");
                }
            } else {
                eprint!("{text}");
            }
        }
        format => emit(&report, format, &mut std::io::stderr().lock())?,
    }
    let read_errors = scan.problems.iter().any(|p| p.is_error);
    Ok(if failed || read_errors {
        EXIT_ERROR
    } else {
        EXIT_OK
    })
}

/// Run the compiler again; roll back every written file with diagnostics the
/// rewrite added (or, with `keep_broken`, keep it and list them). Returns how
/// many files were rolled back.
fn verify_types(
    compiler: &Compiler,
    before: &[crate::typecheck::Diagnostic],
    results: &[FileResult],
    written: &[usize],
    keep_broken: bool,
    problems: &mut Vec<Problem>,
) -> Result<usize> {
    let after = compiler
        .run()
        .map_err(|e| anyhow::anyhow!("{e} (after the write; the written files stay)"))?;
    let mut rolled_back = 0;
    for &i in written {
        let r = &results[i];
        let change = r.change.as_ref().expect("written files have a change");
        let new = new_in(before, &after, std::slice::from_ref(&r.path));
        if new.is_empty() {
            continue;
        }
        let list: Vec<String> = new
            .iter()
            .map(|d| format!("line {}: {} {}", d.line, d.code, d.message))
            .collect();
        let message = if keep_broken {
            format!(
                "kept despite new type errors (--keep-broken): {}",
                list.join("; ")
            )
        } else {
            match atomic_write(&r.path, change.rewritten.as_bytes(), &change.original) {
                Ok(()) => {
                    rolled_back += 1;
                    format!(
                        "rolled back: the rewrite added type errors: {}",
                        list.join("; ")
                    )
                }
                Err(e) => format!(
                    "the rewrite added type errors and the rollback failed ({e}): {}",
                    list.join("; ")
                ),
            }
        };
        problems.push(Problem {
            path: r.display.clone(),
            message,
            is_error: true,
        });
    }
    Ok(rolled_back)
}
