//! One module per subcommand: options → session → report → printer (→ write)
//! → exit code. The only place that maps an outcome to an exit code.

pub mod check;
pub mod migrate;
pub mod review;

use crate::cli::{Cli, Color, Command, ConfigChoice, Options};
use crate::config::Config;
use crate::engine::Engine;
use crate::session::SessionOptions;
use crate::session::walk::{ConfigGlobs, display_path};
use crate::table::Table;
use crate::workspace::resolve::normalize;
use anstream::{AutoStream, ColorChoice};
use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;
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

/// What a run is set up with: the engine (the table, the config's records
/// and severities, `--rules`), the session's options, and the config's
/// `max_warnings`.
pub struct Setup {
    pub engine: Engine,
    pub session: SessionOptions,
    pub max_warnings: Option<i64>,
}

/// Resolve the config file and the table for `opts`. Flags override the
/// config: `--include`/`--exclude` replace its lists, `--rules` records
/// replace its records of the same name.
pub fn setup(opts: &Options, progress: bool) -> Result<Setup> {
    let config_path = match &opts.config {
        ConfigChoice::None => None,
        ConfigChoice::File(p) => Some(p.clone()),
        ConfigChoice::Find => crate::config::find(&opts.roots).map_err(anyhow::Error::msg)?,
    };
    let mut config = match &config_path {
        Some(path) => {
            let display = display_path(&normalize(path), &normalize(Path::new(".")));
            Some(Config::load(path, &display)?)
        }
        None => None,
    };
    let mut table = Table::builtin();
    if let Some(c) = &mut config {
        table = c.apply_records(table)?;
    }
    if let Some(path) = &opts.rules {
        let text = crate::workspace::read::read_text(path)
            .with_context(|| format!("cannot read rules file {}", path.display()))?;
        table = table
            .with_extra(&text)
            .with_context(|| format!("invalid rules file {}", path.display()))?;
    }
    let mut walk = opts.walk.clone();
    if let Some(c) = &config {
        c.apply_severity(&mut table)?;
        walk.config = Some(ConfigGlobs {
            file: c.display.clone(),
            dir: c.path.parent().unwrap_or(Path::new("/")).to_path_buf(),
            include: if walk.include.is_empty() {
                c.include.clone()
            } else {
                vec![]
            },
            exclude: if walk.exclude.is_empty() {
                c.exclude.clone()
            } else {
                vec![]
            },
        });
    }
    Ok(Setup {
        engine: Engine::new(table),
        session: SessionOptions {
            roots: opts.roots.clone(),
            walk,
            progress,
            decide: Vec::new(),
            scope_fixes: matches!(
                opts.format,
                crate::cli::Format::Json | crate::cli::Format::Sarif
            ),
        },
        max_warnings: config.and_then(|c| c.max_warnings),
    })
}

/// How colour is decided for the human report and the review: `--color`
/// first, then `FORCE_COLOR` (which most JavaScript CI set-ups set; `0` or
/// `false` turns colour off), then what anstream reads: `NO_COLOR`,
/// `CLICOLOR_FORCE`, `CLICOLOR`, `TERM` and whether the stream is a terminal.
pub fn color_choice(flag: Color) -> ColorChoice {
    match flag {
        Color::Always => ColorChoice::Always,
        Color::Never => ColorChoice::Never,
        Color::Auto => match std::env::var_os("FORCE_COLOR") {
            Some(v) if v == "0" || v.eq_ignore_ascii_case("false") => ColorChoice::Never,
            Some(_) => ColorChoice::Always,
            None => ColorChoice::Auto,
        },
    }
}

/// Stdout for styled text: the styles are kept or stripped as `flag` says.
pub fn styled_stdout(flag: Color) -> AutoStream<std::io::Stdout> {
    AutoStream::new(std::io::stdout(), color_choice(flag))
}

/// Stderr for styled text.
pub fn styled_stderr(flag: Color) -> AutoStream<std::io::Stderr> {
    AutoStream::new(std::io::stderr(), color_choice(flag))
}

/// The `stepup migrate` command line (`--write` when `write`) that fixes
/// what `check` found with these options: the same paths and the options
/// that decide the findings.
pub fn migrate_command(opts: &Options, write: bool) -> String {
    let mut words = vec!["stepup".to_string(), "migrate".to_string()];
    if write {
        words.push("--write".into());
    }
    let flag = |words: &mut Vec<String>, name: &str, value: &str| {
        words.push(name.to_string());
        words.push(shell_quote(value));
    };
    if let Some(r) = &opts.rules {
        flag(&mut words, "--rules", &r.to_string_lossy());
    }
    match &opts.config {
        ConfigChoice::File(c) => flag(&mut words, "--config", &c.to_string_lossy()),
        ConfigChoice::None => words.push("--no-config".into()),
        ConfigChoice::Find => {}
    }
    for g in &opts.walk.include {
        flag(&mut words, "--include", g);
    }
    for g in &opts.walk.exclude {
        flag(&mut words, "--exclude", g);
    }
    if opts.walk.no_ignore {
        words.push("--no-ignore".into());
    }
    // The paths as every output shows them: relative to the working directory.
    let cwd = normalize(Path::new("."));
    let roots: Vec<String> = opts
        .roots
        .iter()
        .map(|r| display_path(&normalize(r), &cwd))
        .map(|r| if r.is_empty() { ".".to_string() } else { r })
        .collect();
    if roots != ["."] {
        words.extend(roots.iter().map(|r| shell_quote(r)));
    }
    words.join(" ")
}

/// A word a POSIX shell reads back as it is.
fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:@%+=,".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
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
pub struct Streams {
    /// The `--color` choice: the streams strip styles where it says so.
    color: Color,
    stdout_closed: bool,
    stdout_failed: Option<std::io::Error>,
    stderr_failed: bool,
}

impl Streams {
    pub fn new(color: Color) -> Streams {
        Streams {
            color,
            stdout_closed: false,
            stdout_failed: None,
            stderr_failed: false,
        }
    }

    pub fn out(&mut self, text: &str) {
        if self.stdout_closed || self.stdout_failed.is_some() || text.is_empty() {
            return;
        }
        let mut stdout = styled_stdout(self.color).lock();
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
        let mut stderr = styled_stderr(self.color).lock();
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
