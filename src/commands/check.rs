//! `stepup check`: the CI lint.

use super::{EXIT_ERROR, EXIT_FOUND, EXIT_OK, engine_for, session_options, use_color};
use crate::cli::{CheckArgs, Format};
use crate::finding::Severity;
use crate::report::markdown::{Markdown, Mode};
use crate::report::{Printer, Report, github, human, json, sarif};
use anyhow::Result;
use std::io::{IsTerminal, Write};

pub fn run(args: CheckArgs) -> Result<u8> {
    let opts = args.common.into_options();
    let mut engine = engine_for(&opts)?;
    let progress = !opts.quiet && std::io::stderr().is_terminal();
    let report = match crate::session::run(&mut engine, &session_options(&opts, progress)) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("stepup: {e}");
            return Ok(EXIT_ERROR);
        }
    };
    let mut stdout = std::io::stdout().lock();
    match opts.format {
        Format::Human => {
            let color = use_color(opts.color, std::io::stdout().is_terminal());
            stdout.write_all(human::CheckReport { color }.print(&report).as_bytes())?;
            for p in &report.problems {
                eprintln!("{}: {}", p.path, p.message());
            }
            if !opts.quiet {
                eprintln!("{}", human::summary_line(&report.summary, None));
            }
        }
        Format::Json => stdout.write_all(json::Json.print(&report).as_bytes())?,
        Format::Sarif => stdout.write_all(sarif::Sarif.print(&report).as_bytes())?,
        Format::Github => {
            stdout.write_all(github::Github.print(&report).as_bytes())?;
            let summary = Markdown {
                mode: Mode::Check,
                excerpts: false,
            };
            super::write_step_summary(&summary.print(&report))?;
        }
    }
    stdout.flush()?;
    Ok(exit_code(&report, args.max_warnings))
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
