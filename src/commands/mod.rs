//! One module per subcommand: options → session → report → printer (→ write)
//! → exit code. The only place that maps an outcome to an exit code.

pub mod baseline;
pub mod check;
pub mod migrate;
pub mod review;

use crate::cli::{Cli, Color, Command, ConfigChoice, Options};
use crate::config::{Config, ConfigSet};
use crate::engine::Engine;
use crate::report::escape;
use crate::session::SessionOptions;
use crate::session::walk::display_path;
use crate::table::Table;
use crate::workspace::resolve::{normalize, resolve_dots};
use anstream::{AutoStream, ColorChoice};
use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

/// Exit codes, as ripgrep and ESLint use them.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FOUND: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// Run a parsed command line; every error ends here as exit code 2.
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Migrate(args) => migrate::run(args),
        Command::Check(args) => check::run(args),
        Command::Completions { shell } => print_generated(|out| {
            clap_complete::generate(shell, &mut crate::cli::command(), "stepup", out);
            Ok(())
        }),
        Command::Man => {
            print_generated(|out| clap_mangen::Man::new(crate::cli::command()).render(out))
        }
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let text = escape::terminal_lines(&format!("{e:#}"));
            let _ = writeln!(std::io::stderr(), "stepup: {text}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// `-` and `--stdin-filename` go together: `-` alone as the path.
pub fn check_stdin_args(opts: &Options) -> Result<()> {
    let dash = opts.roots.iter().any(|r| r.as_os_str() == "-");
    match (&opts.stdin_filename, dash) {
        (Some(_), true) if opts.roots.len() == 1 => Ok(()),
        (Some(_), _) => {
            bail!("--stdin-filename reads the source from stdin: give `-` as the only PATH")
        }
        (None, true) => bail!(
            "`-` reads the source from stdin only with --stdin-filename PATH (where the file would be)"
        ),
        (None, false) => Ok(()),
    }
}

/// The whole of stdin, up to one byte over the source size limit (the
/// session then reports the source as too large).
fn read_stdin() -> Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(crate::session::MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .context("cannot read the source from stdin")?;
    Ok(bytes)
}

/// Print a generated text (a completion script, the man page) on stdout.
fn print_generated(generate: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> Result<u8> {
    let mut text = Vec::new();
    generate(&mut text).context("cannot generate")?;
    let mut io = Streams::new(Color::Never);
    io.out(&String::from_utf8_lossy(&text));
    Ok(io.exit_code(EXIT_OK))
}

/// What a run is set up with: the session's options (the walk finds the
/// config files) and what every engine is built from: the shipped table,
/// each config chain's records and severities, `--rules`, `--only`/`--skip`.
pub struct Setup {
    pub session: SessionOptions,
    /// The `--rules` file: its path and its records.
    rules: Option<(String, crate::table::Extra)>,
    only: Vec<String>,
    skip: Vec<String>,
}

impl Setup {
    /// The engine for the files a chain of config files governs (outermost
    /// first). Flags override the configs: `--rules` records replace
    /// theirs of the same name, `--only`/`--skip` turn rules off.
    pub fn engine(&self, chain: &[&Config]) -> Result<Engine, String> {
        let mut table = Table::builtin();
        for c in chain {
            table = c.apply_records(table).map_err(|e| e.to_string())?;
        }
        if let Some((path, records)) = &self.rules {
            table = table
                .with_records(records.clone())
                .map_err(|e| format!("invalid rules file {path}: {e}"))?;
        }
        for c in chain {
            c.apply_severity(&mut table).map_err(|e| e.to_string())?;
        }
        turn_off(&mut table, &self.only, &self.skip);
        Ok(Engine::new(table))
    }
}

/// `--only`: every other rule off; `--skip`: these off.
fn turn_off(table: &mut Table, only: &[String], skip: &[String]) {
    let ids: Vec<String> = table.rules.iter().map(|r| r.id.clone()).collect();
    for id in ids {
        let off = (!only.is_empty() && !only.contains(&id)) || skip.contains(&id);
        if off {
            let _ = table.set_level(&id, crate::table::Level::Off);
        }
    }
}

/// Resolve how config files are found, read `--rules`, and check the rule
/// ids of `--only`/`--skip`.
pub fn setup(opts: &Options, progress: bool) -> Result<Setup> {
    let flags_include = !opts.walk.include.is_empty();
    let flags_exclude = !opts.walk.exclude.is_empty();
    let configs = match &opts.config {
        ConfigChoice::None => ConfigSet::off(),
        ConfigChoice::File(path) => {
            let display = display_path(&resolve_dots(path), &normalize(Path::new(".")));
            ConfigSet::fixed(path, &display, flags_include, flags_exclude)?
        }
        ConfigChoice::Find => ConfigSet::nearest(
            |file| display_path(file, &normalize(Path::new("."))),
            flags_include,
            flags_exclude,
        ),
    };
    let rules = match &opts.rules {
        Some(path) => {
            // The reason alone: read errors already name the file.
            let text = crate::config::read_file(path)
                .map_err(|e| anyhow::anyhow!("cannot read rules file {}: {e}", path.display()))?;
            // Parse errors name the place and the key, never the content.
            let records: crate::table::Extra = toml::from_str(&text).map_err(|e| {
                anyhow::anyhow!(
                    "invalid rules file {}: {}",
                    path.display(),
                    crate::config::toml_message(&e, &text)
                )
            })?;
            Some((path.display().to_string(), records))
        }
        None => None,
    };
    let stdin = match &opts.stdin_filename {
        Some(path) => Some(crate::session::StdinSource {
            path: path.clone(),
            bytes: read_stdin()?,
        }),
        None => None,
    };
    let setup = Setup {
        session: SessionOptions {
            stdin,
            roots: opts.roots.clone(),
            walk: crate::session::walk::WalkOptions {
                configs: Some(Arc::new(configs)),
                ..opts.walk.clone()
            },
            progress,
            bump: false,
            decide: Vec::new(),
            scope_fixes: matches!(
                opts.format,
                crate::cli::Format::Json | crate::cli::Format::Sarif
            ),
        },
        rules,
        only: opts.only.clone(),
        skip: opts.skip.clone(),
    };
    // The rule ids are checked against the table the flags build on.
    let table = setup.engine(&[]).map_err(anyhow::Error::msg)?;
    for id in opts.only.iter().chain(&opts.skip) {
        if table.table().rule_info(id).is_none() {
            let flag = if opts.only.contains(id) {
                "--only"
            } else {
                "--skip"
            };
            bail!(
                "{flag} {id}: `{id}` is not a stepup rule (the rules are listed in the README's Rules section)"
            );
        }
    }
    Ok(setup)
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
    // Run through the npm launcher, the command is `npx stepup …` (the
    // launcher says which runner started it).
    let program = match std::env::var("STEPUP_LAUNCHER") {
        Ok(runner) if !runner.trim().is_empty() => format!("{} stepup", runner.trim()),
        _ => "stepup".to_string(),
    };
    let mut words = vec![program, "migrate".to_string()];
    if write {
        words.push("--write".into());
    }
    // A value that starts with `-` is joined to its flag: alone, clap would
    // read it as an option of its own.
    let flag = |words: &mut Vec<String>, name: &str, value: &str| {
        if value.starts_with('-') {
            words.push(shell_quote(&format!("{name}={value}")));
        } else {
            words.push(name.to_string());
            words.push(shell_quote(value));
        }
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
    for rule in &opts.only {
        flag(&mut words, "--only", rule);
    }
    for rule in &opts.skip {
        flag(&mut words, "--skip", rule);
    }
    // The paths as every output shows them: relative to the working directory.
    let cwd = normalize(Path::new("."));
    let roots: Vec<String> = opts
        .roots
        .iter()
        .map(|r| display_path(&resolve_dots(r), &cwd))
        .map(|r| if r.is_empty() { ".".to_string() } else { r })
        .collect();
    if roots != ["."] {
        // A path that starts with `-` (a folder named `--allow-dirty`) would
        // be read as an option: `--` ends the options first.
        if roots.iter().any(|r| r.starts_with('-')) {
            words.push("--".into());
        }
        words.extend(roots.iter().map(|r| shell_quote(r)));
    }
    words.join(" ")
}

/// A word a POSIX shell reads back as it is (shlex's quoting: single
/// quotes, or none for a word of plain characters).
fn shell_quote(word: &str) -> String {
    match shlex::try_quote(word) {
        Ok(quoted) => quoted.into_owned(),
        // A NUL byte, which no path or argument can hold.
        Err(_) => format!("'{}'", word.replace('\0', "").replace('\'', r"'\''")),
    }
}

/// Links to the lines of the files on GitHub, when GitHub Actions' variables
/// say where they are (`GITHUB_SERVER_URL`, `GITHUB_REPOSITORY`,
/// `GITHUB_SHA`); the working directory's place in the repository is taken
/// from `GITHUB_WORKSPACE` (the checkout).
pub fn github_links() -> Option<crate::report::markdown::Links> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let cwd = normalize(Path::new("."));
    let prefix = match var("GITHUB_WORKSPACE") {
        Some(ws) => display_path(&cwd, &normalize(Path::new(&ws))),
        None => String::new(),
    };
    Some(crate::report::markdown::Links {
        server: var("GITHUB_SERVER_URL")?,
        repository: var("GITHUB_REPOSITORY")?,
        sha: var("GITHUB_SHA")?,
        prefix,
    })
}

/// How many bytes the job summary may still take: GitHub refuses a step's
/// summary over 1 MiB, and the file may already hold this step's earlier text.
pub fn step_summary_limit() -> usize {
    let used = std::env::var_os("GITHUB_STEP_SUMMARY")
        .and_then(|p| std::fs::metadata(p).ok())
        .map_or(0, |m| m.len() as usize);
    crate::report::markdown::STEP_SUMMARY_LIMIT.saturating_sub(used)
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

    /// Styled text (the human report) on stdout: its styles are kept or
    /// stripped as `--color` and the terminal say. Only stepup's styles can
    /// be stripped: the printers escape every control character of the
    /// user's text.
    pub fn out(&mut self, text: &str) {
        let color = self.color;
        self.write_out(text, |bytes| {
            let mut stdout = styled_stdout(color).lock();
            stdout.write_all(bytes).and_then(|()| stdout.flush())
        });
    }

    /// A document on stdout, byte for byte whatever the terminal: the
    /// patch, JSON, SARIF, workflow commands (a source line or a file name
    /// holding ESC, BEL, NUL or DEL must reach `git apply` or a parser as
    /// it is, so nothing is stripped).
    pub fn out_exact(&mut self, text: &str) {
        self.write_out(text, |bytes| {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(bytes).and_then(|()| stdout.flush())
        });
    }

    fn write_out(&mut self, text: &str, write: impl FnOnce(&[u8]) -> std::io::Result<()>) {
        if self.stdout_closed || self.stdout_failed.is_some() || text.is_empty() {
            return;
        }
        match write(text.as_bytes()) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => self.stdout_closed = true,
            Err(e) => self.stdout_failed = Some(e),
        }
    }

    /// Styled text on stderr (see [`Streams::out`]).
    pub fn err(&mut self, text: &str) {
        let color = self.color;
        self.write_err(text, |bytes| {
            let mut stderr = styled_stderr(color).lock();
            stderr.write_all(bytes).and_then(|()| stderr.flush())
        });
    }

    /// Exact text on stderr (see [`Streams::out_exact`]).
    pub fn err_exact(&mut self, text: &str) {
        self.write_err(text, |bytes| {
            let mut stderr = std::io::stderr().lock();
            stderr.write_all(bytes).and_then(|()| stderr.flush())
        });
    }

    fn write_err(&mut self, text: &str, write: impl FnOnce(&[u8]) -> std::io::Result<()>) {
        if self.stderr_failed || text.is_empty() {
            return;
        }
        if write(text.as_bytes()).is_err() {
            self.stderr_failed = true;
        }
    }

    /// `stepup: <message>` on stderr, escaped for the terminal (a message
    /// may name a file or quote a tool).
    pub fn error(&mut self, message: impl std::fmt::Display) {
        let text = escape::terminal_lines(&message.to_string());
        self.err(&format!("stepup: {text}\n"));
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
