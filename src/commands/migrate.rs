//! `stepup migrate`: the diff (dry run, default), the write, or the
//! interactive review and then the write.

use super::{EXIT_ERROR, EXIT_OK, Streams, setup, styled_stderr};
use crate::cli::{Format, MigrateArgs, Options};
use crate::report::markdown::{Markdown, Mode};
use crate::report::{
    Printer, Problem, ProblemKind, Report, diff, github, gitlab, human, json, junit, sarif,
};
use crate::write::{TypecheckOptions, WriteError, WriteOptions, write_changes};
use anyhow::{Context, Result, bail};
use std::fs::File;
use std::io::{IsTerminal, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

pub fn run(args: MigrateArgs) -> Result<u8> {
    run_then(args, |_, _| EXIT_OK)
}

/// `run`, then `after` decides the exit code from the report when the run
/// itself succeeded (`check --fix`: what is left for a human).
/// Over 80 lines on purpose: it is the command's one sequence (guards,
/// scan, scope questions, review, write, report), each step a call or a
/// match on its error; split, the steps would pass the same six values on.
pub fn run_then(
    mut args: MigrateArgs,
    after: impl FnOnce(&Report, &mut Streams) -> u8,
) -> Result<u8> {
    let common = std::mem::take(&mut args.common);
    let opts = common.into_options(args.verbose);
    super::check_stdin_args(&opts)?;
    if opts.stdin_filename.is_some() && (args.write || args.interactive || args.report.is_some()) {
        bail!(
            "--stdin-filename prints the rewritten source on stdout and writes no file: drop --write, -i and --report"
        );
    }
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
    setup.session.bump = !args.no_bump;
    setup.session.decide = std::mem::take(&mut args.decide);
    setup.session.scope_fixes |= args.interactive;
    let mut report = match crate::session::run(&|chain| setup.engine(chain), &setup.session) {
        Ok(r) => r,
        Err(e) => {
            io.error(e);
            return Ok(io.exit_code(EXIT_ERROR));
        }
    };
    if opts.stdin_filename.is_some() {
        let code = print_stdin_result(&report, &setup, &opts, &mut io);
        return Ok(io.exit_code(code));
    }
    // JSON and SARIF are documents of their own on stdout: the dry run's
    // patch is in them (each file's `diff` and edits, SARIF fixes).
    let machine = matches!(
        opts.format,
        Format::Json | Format::Sarif | Format::Gitlab | Format::Junit
    );
    let mut write = write_options(&args, &opts);
    if args.interactive {
        let mut stderr = styled_stderr(opts.color);
        let mut stdin = std::io::stdin().lock();
        // The scopes chosen at the undecided token calls are applied as
        // --decide applies them: the run is made again with them.
        let chosen = super::review::choose_scopes(&report, &mut stdin, &mut stderr);
        if !chosen.is_empty() {
            setup.session.decide.extend(chosen);
            report = match crate::session::run(&|chain| setup.engine(chain), &setup.session) {
                Ok(r) => r,
                Err(e) => {
                    io.error(e);
                    return Ok(io.exit_code(EXIT_ERROR));
                }
            };
        }
        let accepted = super::review::review(&report, &write, &mut stdin, &mut stderr);
        write.only = Some(accepted);
    }
    let writes = args.write || args.interactive;
    if !writes {
        report.problems.extend(utf16_left_out_of_the_patch(&report));
    }
    let mut code = EXIT_OK;
    if writes {
        let outcome = write_changes(&mut report, &write);
        if let Some(compiler) = &report.summary.type_checked_with
            && opts.format == Format::Human
        {
            io.error(format_args!("--typecheck runs {compiler}"));
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
        io.out_exact(&diff::Diff.print(&report));
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
        && let Err(e) = write_report(file, &report, writes, args.report_limit)
    {
        io.error(format_args!(
            "cannot write the report {}: {e}",
            path.display()
        ));
        code = EXIT_ERROR;
    }
    if code == EXIT_OK {
        code = after(&report, &mut io);
    }
    Ok(io.exit_code(code))
}

/// The dry run's patch cannot carry the change of a UTF-16 file (git treats
/// it as binary): each is an error, so that applying the patch is never
/// taken for the whole migration.
fn utf16_left_out_of_the_patch(report: &Report) -> Vec<Problem> {
    report
        .files
        .iter()
        .filter_map(|f| {
            let encoding = f.change.as_ref()?.encoding?.name();
            Some(Problem::new(
                f.display.clone(),
                ProblemKind::Utf16NotInPatch { encoding },
            ))
        })
        .collect()
}

/// `migrate --stdin-filename PATH -`: the source as rewritten (or as it
/// came, when nothing changes) on stdout, the findings on stderr.
fn print_stdin_result(
    report: &Report,
    setup: &super::Setup,
    opts: &Options,
    io: &mut Streams,
) -> u8 {
    let file = report.files.first();
    let text = match file.and_then(|f| f.change.as_ref()) {
        Some(change) => change.rewritten.clone(),
        None => {
            String::from_utf8_lossy(setup.session.stdin_bytes().unwrap_or_default()).into_owned()
        }
    };
    io.out(&text);
    let findings = match opts.format {
        Format::Human => human::CheckReport {
            verbose: opts.verbose,
        }
        .print(report),
        Format::Json => json::Json.print(report),
        Format::Sarif => sarif::Sarif.print(report),
        Format::Github => github::Github.print(report),
        Format::Gitlab => gitlab::Gitlab.print(report),
        Format::Junit => junit::Junit.print(report),
    };
    io.err(&findings);
    for p in &report.problems {
        io.err(&format!("{}: {}\n", p.path, p.message()));
    }
    if report.problems.iter().any(|p| p.is_error()) {
        EXIT_ERROR
    } else {
        EXIT_OK
    }
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

/// Open (create, not truncate) the `--report` file. It is never written
/// through a symbolic link to a file: a link committed in a checkout
/// (`stepup-report.md -> ~/.bashrc`) would have stepup truncate its target.
/// A link to a terminal or a pipe (`/dev/stdout`) is written to.
fn open_report(path: &Path) -> Result<(File, PathBuf)> {
    let context = || {
        format!(
            "cannot write the report {}; nothing was scanned or written",
            path.display()
        )
    };
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if !is_link {
        options.create(true).truncate(false);
        // Opened without following a link swapped in since the check.
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
        }
    }
    let file = options.open(path).with_context(context)?;
    if is_link && !file.metadata().with_context(context)?.file_type().is_file() {
        return Ok((file, path.to_path_buf()));
    }
    if is_link {
        return Err(anyhow::anyhow!(
            "it is a symbolic link to a file, and stepup does not write through links \
             (remove the link, or name another path)"
        ))
        .with_context(context);
    }
    Ok((file, path.to_path_buf()))
}

fn write_report(mut file: File, report: &Report, write: bool, limit: usize) -> std::io::Result<()> {
    let markdown = Markdown {
        mode: Mode::Migrate { write },
        excerpts: true,
        links: super::github_links(),
        limit: (limit > 0).then_some(limit),
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
            io.err_exact(&github::Github.print(report));
            let summary = Markdown {
                mode: Mode::Migrate { write },
                excerpts: false,
                links: super::github_links(),
                limit: Some(super::step_summary_limit()),
            };
            super::write_step_summary(&summary.print(report))?;
        }
        Format::Json => io.out_exact(&json::Json.print(report)),
        Format::Sarif => io.out_exact(&sarif::Sarif.print(report)),
        Format::Gitlab => io.out_exact(&gitlab::Gitlab.print(report)),
        Format::Junit => io.out_exact(&junit::Junit.print(report)),
    }
    Ok(())
}
