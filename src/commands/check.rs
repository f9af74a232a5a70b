//! `stepup check`: the CI lint.

use super::{EXIT_ERROR, EXIT_FOUND, EXIT_OK, Streams, migrate_command, setup};
use crate::cli::{CheckArgs, Format};
use crate::finding::Severity;
use crate::report::markdown::{Markdown, Mode};
use crate::report::{Printer, Report, github, human, json, sarif};
use anyhow::Result;
use std::io::IsTerminal;

/// ESLint's default: warnings alone never fail the run.
pub const DEFAULT_MAX_WARNINGS: i64 = -1;

pub fn run(args: CheckArgs) -> Result<u8> {
    let opts = args.common.into_options(args.verbose);
    let mut io = Streams::new(opts.color);
    let progress = !opts.quiet && std::io::stderr().is_terminal();
    let setup = setup(&opts, progress)?;
    let mut engine = setup.engine;
    let report = match crate::session::run(&mut engine, &setup.session) {
        Ok(r) => r,
        Err(e) => {
            io.error(e);
            return Ok(io.exit_code(EXIT_ERROR));
        }
    };
    let max_warnings = args
        .max_warnings
        .or(setup.max_warnings)
        .unwrap_or(DEFAULT_MAX_WARNINGS);
    let mut code = exit_code(&report, max_warnings);
    match opts.format {
        Format::Human => {
            let findings = human::CheckReport {
                verbose: opts.verbose,
            };
            io.out(&findings.print(&report));
            for p in &report.problems {
                io.err(&format!("{}\n", human::problem_line(p)));
            }
            if !opts.quiet {
                io.err(&format!("{}\n", human::check_summary_line(&report.summary)));
                let (write, dry) = (migrate_command(&opts, true), migrate_command(&opts, false));
                if let Some(hint) = human::fix_hint(&report.summary, &write, &dry) {
                    io.err(&format!("{hint}\n"));
                }
            }
        }
        Format::Json => io.out_exact(&json::Json.print(&report)),
        Format::Sarif => io.out_exact(&sarif::Sarif.print(&report)),
        Format::Github => {
            io.out_exact(&github::Github.print(&report));
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

/// 2 on a problem that is an error; 1 on an error finding or more warnings
/// than allowed (`max_warnings` -1: any number); suppressed findings do not count.
fn exit_code(report: &Report, max_warnings: i64) -> u8 {
    if report.problems.iter().any(|p| p.is_error()) {
        return EXIT_ERROR;
    }
    let count = |s| report.active().filter(|f| f.severity == s).count();
    let too_many_warnings =
        max_warnings >= 0 && count(Severity::Warning) as u64 > max_warnings as u64;
    if count(Severity::Error) > 0 || too_many_warnings {
        EXIT_FOUND
    } else {
        EXIT_OK
    }
}
