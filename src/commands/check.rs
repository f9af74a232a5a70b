//! `stepup check`: the CI lint.

use super::{EXIT_ERROR, EXIT_FOUND, EXIT_OK, Streams, engine_for, session_options, use_color};
use crate::cli::{CheckArgs, Format};
use crate::finding::Severity;
use crate::report::markdown::{Markdown, Mode};
use crate::report::{Printer, Report, github, human, json, sarif};
use anyhow::Result;
use std::io::IsTerminal;

pub fn run(args: CheckArgs) -> Result<u8> {
    let opts = args.common.into_options();
    let mut engine = engine_for(&opts)?;
    let mut io = Streams::default();
    let progress = !opts.quiet && std::io::stderr().is_terminal();
    let report = match crate::session::run(&mut engine, &session_options(&opts, progress)) {
        Ok(r) => r,
        Err(e) => {
            io.error(e);
            return Ok(io.exit_code(EXIT_ERROR));
        }
    };
    let mut code = exit_code(&report, args.max_warnings);
    match opts.format {
        Format::Human => {
            let color = use_color(opts.color, std::io::stdout().is_terminal());
            io.out(&human::CheckReport { color }.print(&report));
            for p in &report.problems {
                io.err(&format!("{}: {}\n", p.path, p.message()));
            }
            if !opts.quiet {
                io.err(&format!("{}\n", human::summary_line(&report.summary, None)));
            }
        }
        Format::Json => io.out(&json::Json.print(&report)),
        Format::Sarif => io.out(&sarif::Sarif.print(&report)),
        Format::Github => {
            io.out(&github::Github.print(&report));
            let summary = Markdown {
                mode: Mode::Check,
                excerpts: false,
            };
            if let Err(e) = super::write_step_summary(&summary.print(&report)) {
                io.error(format_args!("{e:#}"));
                code = EXIT_ERROR;
            }
        }
    }
    Ok(io.exit_code(code))
}

fn exit_code(report: &Report, max_warnings: usize) -> u8 {
    if report.problems.iter().any(|p| p.is_error()) {
        return EXIT_ERROR;
    }
    let count = |s| report.findings.iter().filter(|f| f.severity == s).count();
    if count(Severity::Error) > 0 || count(Severity::Warning) > max_warnings {
        EXIT_FOUND
    } else {
        EXIT_OK
    }
}
