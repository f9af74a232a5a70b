//! `stepup check`: the CI lint.

use super::{EXIT_ERROR, EXIT_FOUND, EXIT_OK, engine_for, scan};
use crate::cli::{CheckArgs, Format};
use crate::finding::Severity;
use crate::output::{Report, human, json};
use anyhow::Result;
use std::io::Write;

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
        findings: &scan.findings,
        problems: &scan.problems,
        summary: &scan.summary,
    };
    let mut stdout = std::io::stdout().lock();
    match args.common.format {
        Format::Json => stdout.write_all(json::render(&report).as_bytes())?,
        Format::Human => {
            stdout.write_all(human::check_report(&report).as_bytes())?;
            for p in &scan.problems {
                eprintln!("{}: {}", p.path, p.message);
            }
            if !args.common.quiet {
                eprintln!("{}", human::summary_line(&scan.summary, None));
            }
        }
    }
    stdout.flush()?;
    if scan.problems.iter().any(|p| p.is_error) {
        return Ok(EXIT_ERROR);
    }
    let failing = scan
        .findings
        .iter()
        .any(|f| f.severity >= Severity::Warning);
    Ok(if failing { EXIT_FOUND } else { EXIT_OK })
}
