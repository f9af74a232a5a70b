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
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .with_context(|| {
            format!(
                "cannot append the job summary to GITHUB_STEP_SUMMARY={}",
                std::path::Path::new(&path).display()
            )
        })?;
    file.write_all(text.as_bytes())?;
    Ok(())
}
