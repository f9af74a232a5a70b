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
    Human,
    Json,
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
    #[arg(long, short)]
    pub quiet: bool,
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
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: CommonArgs,
}
