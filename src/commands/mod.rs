//! One module per subcommand: options → session → report → printer (→ write)
//! → exit code. The only place that maps an outcome to an exit code.

pub mod check;
pub mod migrate;

use crate::cli::{Cli, Color, Command, Options};
use crate::engine::Engine;
use crate::session::SessionOptions;
use crate::table::Table;
use anyhow::{Context, Result};
use std::io::Write;
use std::process::ExitCode;

/// Exit codes, as ripgrep and ESLint use them.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FOUND: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// Run a parsed command line; every error ends here as exit code 2.
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Migrate(args) => migrate::run(args),
        Command::Check(args) => check::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "stepup: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// The shipped table, with a team's `--rules` file added.
pub fn engine_for(opts: &Options) -> Result<Engine> {
    let mut table = Table::builtin();
    if let Some(path) = &opts.rules {
        let text = crate::workspace::read::read_text(path)
            .with_context(|| format!("cannot read rules file {}", path.display()))?;
        table = table
            .with_extra(&text)
            .with_context(|| format!("invalid rules file {}", path.display()))?;
    }
    Ok(Engine::new(table))
}

pub fn session_options(opts: &Options, progress: bool) -> SessionOptions {
    SessionOptions {
        roots: opts.roots.clone(),
        walk: opts.walk.clone(),
        paths_from_cwd: matches!(
            opts.format,
            crate::cli::Format::Github | crate::cli::Format::Sarif
        ),
        progress,
    }
}

/// Should the human report be coloured on a stream?
pub fn use_color(choice: Color, stream_is_terminal: bool) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Append the Markdown job summary to the file `GITHUB_STEP_SUMMARY` names.
pub fn write_step_summary(text: &str) -> Result<()> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") else {
        return Ok(());
    };
    let context = || {
        format!(
            "cannot append the job summary to GITHUB_STEP_SUMMARY={}",
            std::path::Path::new(&path).display()
        )
    };
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .with_context(context)?;
    file.write_all(text.as_bytes()).with_context(context)?;
    Ok(())
}

/// stdout and stderr of one run. Writing never panics: when the reader of
/// stdout goes away (a closed pipe), stdout output stops quietly, as in
/// ripgrep, and the run goes on; any other failure to write is remembered
/// and turns the exit code into 2 once the work is done.
#[derive(Default)]
pub struct Streams {
    stdout_closed: bool,
    stdout_failed: Option<std::io::Error>,
    stderr_failed: bool,
}

impl Streams {
    pub fn out(&mut self, text: &str) {
        if self.stdout_closed || self.stdout_failed.is_some() || text.is_empty() {
            return;
        }
        let mut stdout = std::io::stdout().lock();
        match stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
        {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => self.stdout_closed = true,
            Err(e) => self.stdout_failed = Some(e),
        }
    }

    pub fn err(&mut self, text: &str) {
        if self.stderr_failed || text.is_empty() {
            return;
        }
        let mut stderr = std::io::stderr().lock();
        if stderr
            .write_all(text.as_bytes())
            .and_then(|()| stderr.flush())
            .is_err()
        {
            self.stderr_failed = true;
        }
    }

    /// `stepup: <message>` on stderr.
    pub fn error(&mut self, message: impl std::fmt::Display) {
        self.err(&format!("stepup: {message}\n"));
    }

    /// The exit code of a run that would exit with `code`: 2 if stdout or
    /// stderr could not be written.
    pub fn exit_code(mut self, code: u8) -> u8 {
        if let Some(e) = self.stdout_failed.take() {
            self.error(format_args!("cannot write to stdout: {e}"));
            return EXIT_ERROR;
        }
        if self.stderr_failed { EXIT_ERROR } else { code }
    }
}
