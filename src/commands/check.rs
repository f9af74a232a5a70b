//! `stepup check`: the CI lint.

use super::baseline;
use super::{EXIT_ERROR, EXIT_FOUND, EXIT_OK, Streams, migrate_command, setup};
use crate::cli::{CheckArgs, Format, MigrateArgs};
use crate::finding::Severity;
use crate::report::markdown::{Markdown, Mode};
use crate::report::{Printer, Report, count, github, gitlab, human, json, junit, sarif};
use anyhow::Result;
use std::io::IsTerminal;
use std::path::Path;

/// ESLint's default: warnings alone never fail the run.
pub const DEFAULT_MAX_WARNINGS: i64 = -1;

pub fn run(args: CheckArgs) -> Result<u8> {
    if args.fix {
        return fix(args);
    }
    let opts = args.common.into_options(args.verbose);
    super::check_stdin_args(&opts)?;
    let mut io = Streams::new(opts.color);
    let progress = !opts.quiet && std::io::stderr().is_terminal();
    let setup = setup(&opts, progress)?;
    let mut report = match crate::session::run(&|chain| setup.engine(chain), &setup.session) {
        Ok(r) => r,
        Err(e) => {
            io.error(e);
            return Ok(io.exit_code(EXIT_ERROR));
        }
    };
    let applied = match &args.baseline {
        Some(path) => match use_baseline(path, args.update_baseline, &mut report, &mut io) {
            Ok(applied) => Some(applied),
            Err(e) => {
                io.error(format_args!("{e:#}"));
                return Ok(io.exit_code(EXIT_ERROR));
            }
        },
        None => None,
    };
    let verdict = verdict(&report, args.max_warnings);
    let mut code = verdict.code;
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
                // From stdin there is no file to write: an editor applies
                // `migrate --stdin-filename` itself.
                let (write, dry) = (migrate_command(&opts, true), migrate_command(&opts, false));
                let hint = human::fix_hint(&report.summary, &write, &dry);
                if let Some(hint) = hint.filter(|_| opts.stdin_filename.is_none()) {
                    io.err(&format!("{hint}\n"));
                }
            }
        }
        Format::Json => io.out_exact(&json::Json.print(&report)),
        Format::Sarif => io.out_exact(&sarif::Sarif.print(&report)),
        Format::Gitlab => io.out_exact(&gitlab::Gitlab.print(&report)),
        Format::Junit => io.out_exact(&junit::Junit.print(&report)),
        Format::Github => {
            io.out_exact(&github::Github.print(&report));
            let summary = Markdown {
                mode: Mode::Check,
                excerpts: false,
                links: super::github_links(),
                limit: Some(super::step_summary_limit()),
            };
            if let Err(e) = super::write_step_summary(&summary.print(&report)) {
                io.error(format_args!("{e:#}"));
                code = EXIT_ERROR;
            }
        }
    }
    if let Some(path) = &args.sarif_file
        && !write_sarif_file(path, &report, &mut io)
    {
        code = EXIT_ERROR;
    }
    if let Some(applied) = applied {
        baseline_lines(&applied, args.baseline.as_deref(), opts.quiet, &mut io);
    }
    // Why the run fails on warnings, whatever the format and --quiet say.
    for line in &verdict.over {
        io.err(&format!("{line}\n"));
    }
    Ok(io.exit_code(code))
}

/// `--sarif-file FILE`: the SARIF document of the same run; false (and said)
/// when it cannot be written.
fn write_sarif_file(path: &Path, report: &Report, io: &mut Streams) -> bool {
    match std::fs::write(path, sarif::Sarif.print(report)) {
        Ok(()) => true,
        Err(e) => {
            io.error(format_args!(
                "cannot write the SARIF file {}: {e}",
                path.display()
            ));
            false
        }
    }
}

/// What the baseline says of the run: the findings beyond its counts, and
/// (unless quiet) how many of its findings are fixed.
fn baseline_lines(applied: &baseline::Applied, path: Option<&Path>, quiet: bool, io: &mut Streams) {
    for line in &applied.over {
        io.err(&format!("{line}\n"));
    }
    if applied.fixed > 0 && !quiet {
        let path = path.unwrap_or(Path::new("")).display();
        io.err(&format!(
            "{} of the baseline {path} {} fixed: `--update-baseline` removes {}\n",
            count(applied.fixed, "finding", "findings"),
            if applied.fixed == 1 { "is" } else { "are" },
            if applied.fixed == 1 { "it" } else { "them" },
        ));
    }
}

/// `--baseline FILE` (after writing it, with `--update-baseline`): the
/// findings it records no longer count.
fn use_baseline(
    path: &Path,
    update: bool,
    report: &mut Report,
    io: &mut Streams,
) -> Result<baseline::Applied> {
    let display = path.display().to_string();
    if update {
        let (findings, files) = baseline::update(path, report)?;
        io.err(&format!(
            "stepup: wrote the baseline {display}: {} in {}\n",
            count(findings, "finding", "findings"),
            count(files, "file", "files")
        ));
    }
    baseline::apply(path, &display, report)
}

/// `check --fix`: what `migrate --write` does (the same write, the same
/// guards, the same report on stderr), then the exit code of `check` on
/// what is left for a human.
fn fix(args: CheckArgs) -> Result<u8> {
    let migrate = MigrateArgs {
        common: args.common,
        write: true,
        interactive: false,
        verbose: args.verbose,
        allow_dirty: args.allow_dirty,
        allow_no_vcs: args.allow_no_vcs,
        report: None,
        report_limit: crate::report::markdown::REPORT_LIMIT,
        no_bump: false,
        decide: Vec::new(),
        typecheck: false,
        keep_broken: false,
        tsc: None,
        tsconfig: None,
    };
    let max_warnings = args.max_warnings;
    super::migrate::run_then(migrate, |report, io| {
        // The rewritten findings are gone from the files: what remains.
        let mut left = Report {
            findings: report
                .findings
                .iter()
                .filter(|f| !(f.fixable && written(report, &f.path)))
                .cloned()
                .collect(),
            configs: report.configs.clone(),
            ..Default::default()
        };
        left.problems = report.problems.clone();
        let verdict = verdict(&left, max_warnings);
        for line in &verdict.over {
            io.err(&format!("{line}\n"));
        }
        verdict.code
    })
}

fn written(report: &Report, path: &str) -> bool {
    report
        .file(path)
        .and_then(|f| f.change.as_ref())
        .is_some_and(|c| c.written)
}

/// The exit code of a check, and why it fails on warnings when it does.
pub struct Verdict {
    pub code: u8,
    /// "N warnings exceed --max-warnings M" lines.
    pub over: Vec<String>,
}

/// 2 on a problem that is an error; 1 on an error finding or more warnings
/// than allowed; suppressed findings do not count. The allowance is
/// `--max-warnings` for all the warnings of the run when given, else each
/// config file's `max_warnings` for the warnings of the files it governs
/// (-1, the default: any number).
pub fn verdict(report: &Report, flag: Option<i64>) -> Verdict {
    if report.problems.iter().any(|p| p.is_error()) {
        return Verdict {
            code: EXIT_ERROR,
            over: vec![],
        };
    }
    let warnings = |config: Option<Option<usize>>| {
        report
            .active()
            .filter(|f| f.severity == Severity::Warning)
            .filter(|f| config.is_none_or(|c| f.config == c))
            .count()
    };
    let mut over = vec![];
    match flag {
        Some(max) => {
            let n = warnings(None);
            if max >= 0 && n as u64 > max as u64 {
                over.push(format!(
                    "{} {} --max-warnings {max}",
                    count(n, "warning", "warnings"),
                    if n == 1 { "exceeds" } else { "exceed" }
                ));
            }
        }
        None => {
            for (i, c) in report.configs.iter().enumerate() {
                let max = c.max_warnings.unwrap_or(DEFAULT_MAX_WARNINGS);
                let n = warnings(Some(Some(i)));
                if max >= 0 && n as u64 > max as u64 {
                    over.push(format!(
                        "{} under {} {} its max_warnings = {max}",
                        count(n, "warning", "warnings"),
                        c.display,
                        if n == 1 { "exceeds" } else { "exceed" }
                    ));
                }
            }
        }
    }
    let errors = report
        .active()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let code = if errors > 0 || !over.is_empty() {
        EXIT_FOUND
    } else {
        EXIT_OK
    };
    Verdict { code, over }
}
