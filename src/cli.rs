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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `path:line:col  severity  rule  message` lines
    Human,
    /// one JSON document
    Json,
    /// SARIF 2.1.0 (GitHub code scanning and other CI dashboards)
    Sarif,
    /// GitHub Actions annotations (`::error file=…`), plus a job summary
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
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
    /// Print only findings and errors, no summary.
    #[arg(long, short, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also list what stepup rewrites, not only what needs review.
    #[arg(long, short)]
    pub verbose: bool,
    /// Colour the human report (auto: only on a terminal, and never with NO_COLOR set).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Apply the changes to the files instead of printing a diff.
    #[arg(long)]
    pub write: bool,
    /// With --write: also modify files that have uncommitted changes.
    #[arg(long)]
    pub allow_dirty: bool,
    /// With --write: allow writing outside a git work tree.
    #[arg(long)]
    pub allow_no_vcs: bool,
    /// Also write a Markdown report for the pull request to FILE.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// With --write: run the project's TypeScript compiler before and after,
    /// and roll back every file the rewrite gave new type errors.
    #[arg(long, requires = "write")]
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
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Fail (exit 1) only when there are more than N warnings; errors always
    /// fail, info never does. As ESLint's --max-warnings.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub max_warnings: usize,
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
}

impl CommonArgs {
    pub fn into_options(self) -> Options {
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
            },
            format: self.format,
            color: self.color,
            quiet: self.quiet,
            verbose: self.verbose,
            rules: self.rules,
        }
    }
}

pub fn parse() -> Cli {
    <Cli as Parser>::parse()
}
