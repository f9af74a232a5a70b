//! Command-line definitions only.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "stepup",
    version,
    about = "Migrate Dynamic SDK action-based MFA to step-up authentication",
    long_about = "Finds every legacy action-based MFA call of the Dynamic SDK (useMfa, \
usePromptMfaAuth, useIsMfaRequiredForAction, createMfaToken, MFAAction …), rewrites the ones \
whose meaning is certain to step-up authentication (useStepUpAuthentication, requestedScopes, \
TokenScope) and reports the rest for manual review.",
    after_help = AFTER_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Examples and exit codes, at the end of `stepup --help`.
const AFTER_HELP: &str = "\
Examples:
  stepup migrate                      print the diff for the current directory
  stepup migrate --write src          apply it to src/
  stepup check                        CI: exit 1 while legacy usage remains
  stepup check --fix                  apply what can be rewritten (as migrate --write)
  stepup check --only prompt-mfa-auth --format sarif > stepup.sarif
  stepup check --stdin-filename src/a.tsx - < src/a.tsx
  stepup completions bash > ~/.local/share/bash-completion/completions/stepup

Exit codes:
  0  nothing left to migrate (check), or the diff/write succeeded (migrate)
  1  check: an error finding, or more warnings than --max-warnings allows
  2  usage error, unreadable input or config, or output that could not be written";

const CHECK_AFTER_HELP: &str = "\
Examples:
  stepup check                        every file under the current directory
  stepup check packages/a packages/b  each file under its nearest stepup.toml
  stepup check --max-warnings 0       fail on warnings too
  stepup check --skip test-mock       all rules but one
  stepup check --fix                  rewrite what can be rewritten, report the rest
  stepup check --stdin-filename src/a.tsx -   an editor's unsaved buffer

Exit codes:
  0  no error finding, and no more warnings than --max-warnings allows
  1  an error finding, or more warnings than --max-warnings allows
  2  usage error, unreadable input or config, or output that could not be written";

const MIGRATE_AFTER_HELP: &str = "\
Examples:
  stepup migrate > change.patch && git apply change.patch
  stepup migrate --write src          write the change (refuses uncommitted files)
  stepup migrate -i                   review each file's change
  stepup migrate --only prompt-mfa-auth --write   one rule per pull request
  stepup migrate --stdin-filename src/a.tsx - < src/a.tsx   the rewritten buffer on stdout

Exit codes:
  0  the diff was printed, or the files were written
  2  usage error, unreadable input or config, a file not written, or output
     that could not be written";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the rewrite as a unified diff (default) or apply it with --write.
    #[command(after_help = MIGRATE_AFTER_HELP)]
    Migrate(MigrateArgs),
    /// Lint: exit 1 while legacy usage remains, 0 when none does.
    #[command(after_help = CHECK_AFTER_HELP)]
    Check(CheckArgs),
    /// Print a shell completion script (e.g. `stepup completions bash > /etc/bash_completion.d/stepup`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `stepup man > stepup.1`.
    Man,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `path:line:col  severity  rule  message` lines
    #[default]
    Human,
    /// one JSON document
    Json,
    /// SARIF 2.1.0 (GitHub code scanning and other CI dashboards)
    Sarif,
    /// GitHub Actions annotations (`::error file=…`), plus a job summary
    Github,
    /// GitLab Code Quality report (JSON array, for artifacts:reports:codequality)
    Gitlab,
    /// JUnit XML: one test case per file, a failure per error (Jenkins, Azure DevOps, CircleCI)
    Junit,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Debug, Default, Args)]
pub struct CommonArgs {
    /// Files or directories to scan (default: the current directory).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Also scan what .gitignore/.ignore exclude, hidden files, node_modules and build output.
    #[arg(long)]
    pub no_ignore: bool,
    /// Only scan files matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Skip files matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Add a team's own rules (TOML in the format of the shipped rules/migration.toml).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// The config file (default: the nearest stepup.toml from the paths up to the repository root).
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore stepup.toml files.
    #[arg(long)]
    pub no_config: bool,
    /// Print only findings and errors, no summary.
    #[arg(long, short)]
    pub quiet: bool,
    /// Colour the human report (auto: on a terminal; FORCE_COLOR, CLICOLOR_FORCE and NO_COLOR are honoured).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Run only this rule (repeatable); the others are off.
    #[arg(long, value_name = "RULE")]
    pub only: Vec<String>,
    /// Turn this rule off (repeatable).
    #[arg(long, value_name = "RULE")]
    pub skip: Vec<String>,
    /// Read the source from stdin (PATH `-`) and treat it as the file at
    /// this path: its config, rules and project are those of that place.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("writes").args(["write", "interactive"])))]
pub struct MigrateArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Apply the changes to the files instead of printing a diff.
    #[arg(long)]
    pub write: bool,
    /// Show each file's change and ask whether to apply it (y/n/a/q), then
    /// write what was accepted as --write does.
    #[arg(long, short)]
    pub interactive: bool,
    /// Also list what stepup rewrites and what stepup-ignore suppresses.
    #[arg(long, short, conflicts_with = "quiet")]
    pub verbose: bool,
    /// With --write or -i: also modify files that have uncommitted changes.
    #[arg(long)]
    pub allow_dirty: bool,
    /// With --write or -i: allow writing outside a git work tree.
    #[arg(long)]
    pub allow_no_vcs: bool,
    /// Leave package.json files and catalogs alone: do not raise the SDK
    /// ranges the migrated code needs.
    #[arg(long)]
    pub no_bump: bool,
    /// Also write a Markdown report for the pull request to FILE.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// With --report: cut the report to at most N characters (0: no limit);
    /// the default is what a pull-request body holds.
    #[arg(
        long,
        value_name = "N",
        requires = "report",
        default_value_t = crate::report::markdown::REPORT_LIMIT,
        value_parser = report_limit
    )]
    pub report_limit: usize,
    /// With --write or -i: run the project's TypeScript compiler before and after,
    /// and roll back every file the rewrite gave new type errors.
    #[arg(long, requires = "writes")]
    pub typecheck: bool,
    /// With --typecheck: keep files with new type errors (and list the errors).
    #[arg(long, requires = "typecheck")]
    pub keep_broken: bool,
    /// With --typecheck: the compiler command (default: node_modules/.bin/tsc).
    #[arg(long, value_name = "COMMAND", requires = "typecheck")]
    pub tsc: Option<String>,
    /// With --typecheck: the tsconfig to check (default: the nearest tsconfig.json).
    #[arg(long, value_name = "FILE", requires = "typecheck")]
    pub tsconfig: Option<PathBuf>,
    /// Give the token call that starts on LINE of PATH, whose scope stepup
    /// cannot tell, this TokenScope (`wallet:sign` or `Walletsign`); repeatable.
    #[arg(long, value_name = "PATH:LINE=SCOPE", value_parser = crate::decisions::Decide::parse)]
    pub decide: Vec<crate::decisions::Decide>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Fail (exit 1) when there are more than N warnings; -1 (the default):
    /// warnings never fail. Errors always fail, info never does. As ESLint's
    /// --max-warnings.
    #[arg(
        long,
        value_name = "N",
        allow_negative_numbers = true,
        value_parser = clap::value_parser!(i64).range(-1..)
    )]
    pub max_warnings: Option<i64>,
    /// Accept the findings recorded in FILE (counts per file and rule): fail
    /// only on findings beyond them. Made with --update-baseline.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// With --baseline: write the current findings to FILE (fixed ones leave it).
    #[arg(long, requires = "baseline")]
    pub update_baseline: bool,
    /// Also print the findings stepup-ignore suppresses, with their reasons.
    #[arg(long, short, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Apply the fixable rewrites, as `stepup migrate --write` does, then
    /// report (and exit on) what is left. ESLint's flag.
    #[arg(long, conflicts_with = "stdin_filename")]
    pub fix: bool,
    /// Also write the SARIF document to FILE, from the same scan (annotations
    /// with --format github and code scanning from one run).
    #[arg(long, value_name = "FILE", conflicts_with = "fix")]
    pub sarif_file: Option<PathBuf>,
    /// With --fix: also modify files that have uncommitted changes.
    #[arg(long, requires = "fix")]
    pub allow_dirty: bool,
    /// With --fix: allow writing outside a git work tree.
    #[arg(long, requires = "fix")]
    pub allow_no_vcs: bool,
}

/// `--report-limit`: 0 (no limit), or room for the head, one item and the
/// line that says what was cut.
fn report_limit(value: &str) -> Result<usize, String> {
    const MIN: usize = 4096;
    let n: usize = value
        .parse()
        .map_err(|e| format!("not a number of characters: {e}"))?;
    if n != 0 && n < MIN {
        return Err(format!("must be 0 (no limit) or at least {MIN}"));
    }
    Ok(n)
}

/// The command line, resolved once: nothing downstream sees raw arguments.
pub struct Options {
    pub roots: Vec<PathBuf>,
    pub walk: crate::session::walk::WalkOptions,
    pub format: Format,
    pub color: Color,
    pub quiet: bool,
    pub verbose: bool,
    pub rules: Option<PathBuf>,
    pub config: ConfigChoice,
    pub only: Vec<String>,
    pub skip: Vec<String>,
    /// `--stdin-filename PATH -`: the source comes from stdin, as if at PATH.
    pub stdin_filename: Option<PathBuf>,
}

/// Which config file a run uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigChoice {
    /// The nearest stepup.toml.
    Find,
    File(PathBuf),
    None,
}

impl CommonArgs {
    pub fn into_options(self, verbose: bool) -> Options {
        let roots = if self.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            self.paths
        };
        Options {
            roots,
            walk: crate::session::walk::WalkOptions {
                no_ignore: self.no_ignore,
                include: self.include,
                exclude: self.exclude,
                configs: None,
            },
            format: self.format,
            color: self.color,
            quiet: self.quiet,
            verbose,
            rules: self.rules,
            config: match (self.config, self.no_config) {
                (Some(file), _) => ConfigChoice::File(file),
                (None, true) => ConfigChoice::None,
                (None, false) => ConfigChoice::Find,
            },
            only: self.only,
            skip: self.skip,
            stdin_filename: self.stdin_filename,
        }
    }
}

pub fn parse() -> Cli {
    <Cli as Parser>::parse()
}

/// The command definition, for completions and the man page.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}
