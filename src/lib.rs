//! stepup: migrate Dynamic SDK action-based MFA to step-up authentication.
//!
//! The stages, in the order data flows through them:
//! `cli` → `commands` → `session` (walk, read, prefilter) → `engine` (per
//! file: `analysis`, `migration`, `edit`) → `report` (model and printers) →
//! `write`. `workspace` is the project model the session hands to the engine;
//! `table` is the migration data every stage reads.

pub mod analysis;
pub mod cli;
pub mod commands;
pub mod config;
pub mod decisions;
pub mod edit;
pub mod encoding;
pub mod engine;
pub mod finding;
pub mod lang;
pub mod migration;
pub mod report;
pub mod session;
pub mod table;
pub mod workspace;
pub mod write;
