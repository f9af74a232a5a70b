//! Printers: one per format. The engine never prints.

pub mod diff;
pub mod github;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;

use crate::engine::{FileResult, Problem};
use crate::finding::Located;
use serde::Serialize;

/// What a run found, for any printer.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub files_scanned: usize,
    pub files_with_dynamic_imports: usize,
    pub files_changed: usize,
    pub edits: usize,
    pub findings: usize,
    pub fixable: usize,
    pub manual: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub problems: usize,
    pub elapsed_ms: u128,
}

pub struct Report<'a> {
    pub results: &'a [FileResult],
    pub findings: &'a [Located],
    pub problems: &'a [Problem],
    pub summary: &'a Summary,
}

/// Print `report` in `format` for `check` (stdout) or `migrate` (stderr).
pub fn emit(
    report: &Report,
    format: crate::cli::Format,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use crate::cli::Format;
    match format {
        Format::Json => out.write_all(json::render(report).as_bytes()),
        Format::Sarif => out.write_all(sarif::render(report).as_bytes()),
        Format::Github => {
            out.write_all(github::render(report).as_bytes())?;
            github::write_step_summary(report)
        }
        Format::Human => unreachable!("the human report differs per command"),
    }
}

/// Should the human report be coloured on this stream?
pub fn use_color(choice: crate::cli::Color, stream_is_terminal: bool) -> bool {
    match choice {
        crate::cli::Color::Always => true,
        crate::cli::Color::Never => false,
        crate::cli::Color::Auto => {
            stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}
