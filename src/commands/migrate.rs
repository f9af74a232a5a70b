//! `stepup migrate`: the diff (dry run, default) or the write.

use super::{EXIT_ERROR, EXIT_OK, Streams, engine_for, session_options, use_color};
use crate::cli::{Format, MigrateArgs};
use crate::report::markdown::{Markdown, Mode};
use crate::report::{Printer, Report, diff, github, human, json, sarif};
use crate::write::{TypecheckOptions, WriteError, WriteOptions, write_changes};
use anyhow::{Context, Result};
use std::fs::File;
use std::io::{IsTerminal, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

pub fn run(args: MigrateArgs) -> Result<u8> {
    let write = write_options(&args);
    let (write_mode, report_path) = (args.write, args.report.clone());
    let opts = args.common.into_options();
    let mut engine = engine_for(&opts)?;
    // Opened before anything is scanned or written: a report path that
    // cannot be written stops the run here, not after the files changed.
    let report_file = report_path.as_deref().map(open_report).transpose()?;
    let mut io = Streams::default();
    let progress = !opts.quiet && std::io::stderr().is_terminal();
    let mut report = match crate::session::run(&mut engine, &session_options(&opts, progress)) {
        Ok(r) => r,
        Err(e) => {
            io.error(e);
            return Ok(io.exit_code(EXIT_ERROR));
        }
    };
    let mut code = EXIT_OK;
    if write_mode {
        match write_changes(&mut report, &write) {
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
    } else {
        io.out(&diff::Diff.print(&report));
    }
    if report.problems.iter().any(|p| p.is_error()) {
        code = EXIT_ERROR;
    }
    let text = match opts.format {
        Format::Human => human::MigrateReport {
            write: write_mode,
            verbose: opts.verbose,
            quiet: opts.quiet,
            color: use_color(opts.color, std::io::stderr().is_terminal()),
        }
        .print(&report),
        Format::Json => json::Json.print(&report),
        Format::Sarif => sarif::Sarif.print(&report),
        Format::Github => github::Github.print(&report),
    };
    // The review list goes out before anything else can fail.
    io.err(&text);
    if opts.format == Format::Github {
        let summary = Markdown {
            mode: Mode::Migrate,
            excerpts: false,
        };
        if let Err(e) = super::write_step_summary(&summary.print(&report)) {
            io.error(format_args!("{e:#}"));
            code = EXIT_ERROR;
        }
    }
    if let Some((file, path)) = report_file
        && let Err(e) = write_report(file, &report)
    {
        io.error(format_args!(
            "cannot write the report {}: {e}",
            path.display()
        ));
        code = EXIT_ERROR;
    }
    Ok(io.exit_code(code))
}

fn write_options(args: &MigrateArgs) -> WriteOptions {
    let typecheck = args.typecheck.then(|| TypecheckOptions {
        // Where the compiler is looked for from: the first path given.
        root: (args.common.paths.first().cloned()).unwrap_or_else(|| PathBuf::from(".")),
        tsc: args.tsc.clone(),
        tsconfig: args.tsconfig.clone(),
        keep_broken: args.keep_broken,
    });
    WriteOptions {
        allow_dirty: args.allow_dirty,
        allow_no_vcs: args.allow_no_vcs,
        typecheck,
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

fn write_report(mut file: File, report: &Report) -> std::io::Result<()> {
    let markdown = Markdown {
        mode: Mode::Migrate,
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
