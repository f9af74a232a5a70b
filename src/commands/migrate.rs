//! `stepup migrate`: the diff (dry run, default), the write, or the
//! interactive review and then the write.

use super::{EXIT_ERROR, EXIT_OK, setup, styled_stderr};
use crate::cli::{Format, MigrateArgs, Options};
use crate::report::markdown::{Markdown, Mode};
use crate::report::{Printer, Report, diff, github, human, json, sarif};
use crate::write::{TypecheckOptions, WriteOptions, write_changes};
use anyhow::{Context, Result, bail};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

pub fn run(mut args: MigrateArgs) -> Result<u8> {
    let common = std::mem::take(&mut args.common);
    let opts = common.into_options(args.verbose);
    if args.interactive && !std::io::stdin().is_terminal() {
        bail!(
            "--interactive asks on a terminal, and standard input is not one; use --write to apply every change"
        );
    }
    let progress = !opts.quiet && std::io::stderr().is_terminal();
    let setup = setup(&opts, progress)?;
    let mut engine = setup.engine;
    let mut report = match crate::session::run(&mut engine, &setup.session) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("stepup: {e}");
            return Ok(EXIT_ERROR);
        }
    };
    // JSON and SARIF are documents of their own on stdout: the dry run's
    // patch is in them (each file's `diff` and edits, SARIF fixes).
    let machine = matches!(opts.format, Format::Json | Format::Sarif);
    let mut write = write_options(&args, &opts);
    if args.interactive {
        let mut stderr = styled_stderr(opts.color);
        let mut stdin = std::io::stdin().lock();
        let accepted = super::review::review(&report, &write, &mut stdin, &mut stderr)?;
        write.only = Some(accepted);
    }
    if args.write || args.interactive {
        if let Err(e) = write_changes(&mut report, &write) {
            eprintln!("stepup: {e}");
            return Ok(EXIT_ERROR);
        }
    } else if !machine {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(diff::Diff.print(&report).as_bytes())?;
        stdout.flush()?;
    }
    print_report(&report, &opts, args.write || args.interactive)?;
    if let Some(path) = &args.report {
        let markdown = Markdown {
            mode: Mode::Migrate {
                write: args.write || args.interactive,
            },
            excerpts: true,
        };
        std::fs::write(path, markdown.print(&report))
            .with_context(|| format!("cannot write the report {}", path.display()))?;
    }
    Ok(if report.problems.iter().any(|p| p.is_error()) {
        EXIT_ERROR
    } else {
        EXIT_OK
    })
}

fn write_options(args: &MigrateArgs, opts: &Options) -> WriteOptions {
    let typecheck = args.typecheck.then(|| TypecheckOptions {
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

/// The report: on stderr for people (human, GitHub annotations: stdout has
/// the diff), on stdout for programs (JSON, SARIF).
fn print_report(report: &Report, opts: &Options, write: bool) -> Result<()> {
    match opts.format {
        Format::Human => {
            let text = human::MigrateReport {
                write,
                verbose: opts.verbose,
                quiet: opts.quiet,
            }
            .print(report);
            let mut stderr = styled_stderr(opts.color).lock();
            stderr.write_all(text.as_bytes())?;
        }
        Format::Github => {
            let summary = Markdown {
                mode: Mode::Migrate { write },
                excerpts: false,
            };
            super::write_step_summary(&summary.print(report))?;
            std::io::stderr()
                .lock()
                .write_all(github::Github.print(report).as_bytes())?;
        }
        Format::Json | Format::Sarif => {
            let text = if opts.format == Format::Json {
                json::Json.print(report)
            } else {
                sarif::Sarif.print(report)
            };
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
        }
    }
    Ok(())
}
