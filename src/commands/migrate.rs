//! `stepup migrate`: the diff (dry run, default), the write, or the
//! interactive review and then the write.

use super::{EXIT_ERROR, EXIT_OK, Streams, setup, styled_stderr};
use crate::cli::{Format, MigrateArgs, Options};
use crate::report::markdown::{Markdown, Mode};
use crate::report::{Printer, Report, diff, github, human, json, sarif};
use crate::write::{TypecheckOptions, WriteError, WriteOptions, write_changes};
use anyhow::{Context, Result, bail};
use std::fs::File;
use std::io::{IsTerminal, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

pub fn run(mut args: MigrateArgs) -> Result<u8> {
    let common = std::mem::take(&mut args.common);
    let opts = common.into_options(args.verbose);
    if args.interactive && !std::io::stdin().is_terminal() {
        bail!(
            "--interactive asks on a terminal, and standard input is not one; use --write to apply every change"
        );
    }
    // Opened before anything is scanned or written: a report path that
    // cannot be written stops the run here, not after the files changed.
    let report_file = args.report.as_deref().map(open_report).transpose()?;
    let mut io = Streams::new(opts.color);
    let progress = !opts.quiet && std::io::stderr().is_terminal();
    let mut setup = setup(&opts, progress)?;
    setup.session.decide = std::mem::take(&mut args.decide);
    setup.session.scope_fixes |= args.interactive;
    let mut engine = setup.engine;
    let mut report = match crate::session::run(&mut engine, &setup.session) {
        Ok(r) => r,
        Err(e) => {
            io.error(e);
            return Ok(io.exit_code(EXIT_ERROR));
        }
    };
    // JSON and SARIF are documents of their own on stdout: the dry run's
    // patch is in them (each file's `diff` and edits, SARIF fixes).
    let machine = matches!(opts.format, Format::Json | Format::Sarif);
    let mut write = write_options(&args, &opts);
    if args.interactive {
        let mut stderr = styled_stderr(opts.color);
        let mut stdin = std::io::stdin().lock();
        // The scopes chosen at the undecided token calls are applied as
        // --decide applies them: the run is made again with them.
        let chosen = super::review::choose_scopes(&report, &mut stdin, &mut stderr)?;
        if !chosen.is_empty() {
            setup.session.decide.extend(chosen);
            report = match crate::session::run(&mut engine, &setup.session) {
                Ok(r) => r,
                Err(e) => {
                    io.error(e);
                    return Ok(io.exit_code(EXIT_ERROR));
                }
            };
        }
        let accepted = super::review::review(&report, &write, &mut stdin, &mut stderr)?;
        write.only = Some(accepted);
    }
    let writes = args.write || args.interactive;
    let mut code = EXIT_OK;
    if writes {
        let outcome = write_changes(&mut report, &write);
        if let Some(compiler) = &report.summary.type_checked_with
            && opts.format == Format::Human
        {
            io.err(&format!("stepup: --typecheck runs {compiler}\n"));
        }
        match outcome {
            Ok(()) => {}
            // The files are written: the report still says which.
            Err(e @ WriteError::CompilerFailedAfter(_)) => {
                io.error(e);
                code = EXIT_ERROR;
            }
            Err(e) => {
                io.error(e);
                return Ok(io.exit_code(EXIT_ERROR));
            }
        }
    } else if !machine {
        io.out(&diff::Diff.print(&report));
    }
    if report.problems.iter().any(|p| p.is_error()) {
        code = EXIT_ERROR;
    }
    // The review list goes out before anything else can fail.
    if let Err(e) = print_report(&report, &opts, writes, &mut io) {
        io.error(format_args!("{e:#}"));
        code = EXIT_ERROR;
    }
    if let Some((file, path)) = report_file
        && let Err(e) = write_report(file, &report, writes)
    {
        io.error(format_args!(
            "cannot write the report {}: {e}",
            path.display()
        ));
        code = EXIT_ERROR;
    }
    Ok(io.exit_code(code))
}

fn write_options(args: &MigrateArgs, opts: &Options) -> WriteOptions {
    let typecheck = args.typecheck.then(|| TypecheckOptions {
        // Where the compiler is looked for from: the first path given.
        root: opts
            .roots
            .first()
            .cloned()
            .unwrap_or_else(|| PathBuf::from(".")),
        tsc: args.tsc.clone(),
        tsconfig: args.tsconfig.clone(),
        keep_broken: args.keep_broken,
    });
    WriteOptions {
        allow_dirty: args.allow_dirty,
        allow_no_vcs: args.allow_no_vcs,
        typecheck,
        only: None,
    }
}

/// Open (create, not truncate) the `--report` file.
fn open_report(path: &Path) -> Result<(File, PathBuf)> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .with_context(|| {
            format!(
                "cannot write the report {}; nothing was scanned or written",
                path.display()
            )
        })?;
    Ok((file, path.to_path_buf()))
}

fn write_report(mut file: File, report: &Report, write: bool) -> std::io::Result<()> {
    let markdown = Markdown {
        mode: Mode::Migrate { write },
        excerpts: true,
    };
    // A regular file is replaced; a pipe or a device (/dev/stdout) is written to.
    if file.metadata()?.is_file() {
        file.set_len(0)?;
        file.seek(SeekFrom::Start(0))?;
    }
    file.write_all(markdown.print(report).as_bytes())?;
    file.flush()
}

/// The report: on stderr for people (human, GitHub annotations: stdout has
/// the diff), on stdout for programs (JSON, SARIF). The GitHub job summary
/// is written after the annotations, so a bad summary file loses nothing.
fn print_report(report: &Report, opts: &Options, write: bool, io: &mut Streams) -> Result<()> {
    match opts.format {
        Format::Human => {
            let text = human::MigrateReport {
                write,
                verbose: opts.verbose,
                quiet: opts.quiet,
            }
            .print(report);
            io.err(&text);
        }
        Format::Github => {
            io.err(&github::Github.print(report));
            let summary = Markdown {
                mode: Mode::Migrate { write },
                excerpts: false,
            };
            super::write_step_summary(&summary.print(report))?;
        }
        Format::Json => io.out(&json::Json.print(report)),
        Format::Sarif => io.out(&sarif::Sarif.print(report)),
    }
    Ok(())
}
