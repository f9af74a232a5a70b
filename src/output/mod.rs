//! Printers: one per format. The engine never prints.

pub mod diff;
pub mod human;
pub mod json;

use crate::engine::Problem;
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
    pub findings: &'a [Located],
    pub problems: &'a [Problem],
    pub summary: &'a Summary,
}
