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
TokenScope) and reports the rest for manual review."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the rewrite as a unified diff (default) or apply it with --write.
    Migrate(MigrateArgs),
    /// Lint: exit 1 while legacy usage remains, 0 when none does.
    Check(CheckArgs),
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
    /// Also write a Markdown report for the pull request to FILE.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
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
    /// Also print the findings stepup-ignore suppresses, with their reasons.
    #[arg(long, short, conflicts_with = "quiet")]
    pub verbose: bool,
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
                config: None,
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
        }
    }
}

pub fn parse() -> Cli {
    <Cli as Parser>::parse()
}
