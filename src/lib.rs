//! stepup: migrate Dynamic SDK action-based MFA to step-up authentication.

pub mod analysis;
pub mod barrels;
pub mod cli;
pub mod commands;
pub mod edit;
pub mod engine;
pub mod finding;
pub mod lang;
pub mod output;
pub mod project;
pub mod rules;
pub mod ruleset;
pub mod safety;
pub mod typecheck;
pub mod walk;
