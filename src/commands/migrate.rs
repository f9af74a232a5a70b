//! `stepup migrate`: the diff (dry run, default) or the write.

use super::{EXIT_ERROR, EXIT_OK, engine_for, session_options, use_color};
use crate::cli::{Format, MigrateArgs};
use crate::report::markdown::{Markdown, Mode};
use crate::report::{Printer, diff, github, human, json, sarif};
use crate::write::{TypecheckOptions, WriteOptions, write_changes};
use anyhow::{Context, Result};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

pub fn run(args: MigrateArgs) -> Result<u8> {
    let opts = args.common.into_options();
    let mut engine = engine_for(&opts)?;
    let progress = !opts.quiet && std::io::stderr().is_terminal();
    let mut report = match crate::session::run(&mut engine, &session_options(&opts, progress)) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("stepup: {e}");
            return Ok(EXIT_ERROR);
        }
    };
    if args.write {
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
        let write = WriteOptions {
            allow_dirty: args.allow_dirty,
            allow_no_vcs: args.allow_no_vcs,
            typecheck,
        };
        let outcome = write_changes(&mut report, &write);
        if let Some(compiler) = &report.summary.type_checked_with
            && opts.format == Format::Human
        {
            eprintln!("stepup: --typecheck runs {compiler}");
        }
        if let Err(e) = outcome {
            eprintln!("stepup: {e}");
            return Ok(EXIT_ERROR);
        }
    } else {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(diff::Diff.print(&report).as_bytes())?;
        stdout.flush()?;
    }
    let text = match opts.format {
        Format::Human => human::MigrateReport {
            write: args.write,
            verbose: opts.verbose,
            quiet: opts.quiet,
            color: use_color(opts.color, std::io::stderr().is_terminal()),
        }
        .print(&report),
        Format::Json => json::Json.print(&report),
        Format::Sarif => sarif::Sarif.print(&report),
        Format::Github => {
            let summary = Markdown {
                mode: Mode::Migrate,
                excerpts: false,
            };
            super::write_step_summary(&summary.print(&report))?;
            github::Github.print(&report)
        }
    };
    // The review list goes out before anything else can fail.
    std::io::stderr().lock().write_all(text.as_bytes())?;
    if let Some(path) = &args.report {
        let markdown = Markdown {
            mode: Mode::Migrate,
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
