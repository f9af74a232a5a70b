//! `stepup check`: the CI lint.

use super::{EXIT_ERROR, EXIT_FOUND, EXIT_OK, engine_for, scan};
use crate::cli::{CheckArgs, Format};
use crate::finding::Severity;
use crate::output::{Report, emit, human, use_color};
use anyhow::Result;
use std::io::{IsTerminal, Write};

pub fn run(args: CheckArgs) -> Result<u8> {
    let mut engine = engine_for(&args.common)?;
    let scan = match scan(&args.common, &mut engine) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("stepup: {e}");
            return Ok(EXIT_ERROR);
        }
    };
    let report = Report {
        results: &scan.results,
        findings: &scan.findings,
        problems: &scan.problems,
        summary: &scan.summary,
    };
    let mut stdout = std::io::stdout().lock();
    match args.common.format {
        Format::Human => {
            let color = use_color(args.common.color, std::io::stdout().is_terminal());
            stdout.write_all(human::check_report(&report, color).as_bytes())?;
            for p in &scan.problems {
                eprintln!("{}: {}", p.path, p.message);
            }
            if !args.common.quiet {
                eprintln!("{}", human::summary_line(&scan.summary, None));
            }
        }
        format => emit(&report, format, &mut stdout)?,
    }
    stdout.flush()?;
    if scan.problems.iter().any(|p| p.is_error) {
        return Ok(EXIT_ERROR);
    }
    let errors = scan
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = scan
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .count();
    Ok(if errors > 0 || warnings > args.max_warnings {
        EXIT_FOUND
    } else {
        EXIT_OK
    })
}
