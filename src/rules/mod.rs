//! Rules turn facts about a file into edits and findings.

pub mod imports;
pub mod react;
pub mod syntax;

use crate::analysis::bindings::Bindings;
use crate::edit::Edit;
use crate::finding::Finding;
use crate::ruleset::Ruleset;
use tree_sitter::Node;

/// Everything a rule may read about one file.
pub struct FileCtx<'a> {
    pub src: &'a str,
    pub root: Node<'a>,
    pub bindings: &'a Bindings,
    pub rules: &'a Ruleset,
    /// Does the project's installed sdk-api-core declare this TokenScope member?
    pub scope_available: &'a dyn Fn(&str) -> bool,
    /// The file's dominant line ending, for lines stepup adds.
    pub newline: &'a str,
}

/// A name the edits rely on, which the import pass must make available.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportNeed {
    pub module: String,
    pub imported: String,
    pub local: String,
}

#[derive(Debug, Default)]
pub struct Plan {
    pub edits: Vec<Edit>,
    pub findings: Vec<Finding>,
    pub needs: Vec<ImportNeed>,
}

impl Plan {
    pub fn need(&mut self, module: &str, imported: &str, local: &str) {
        let need = ImportNeed {
            module: module.to_string(),
            imported: imported.to_string(),
            local: local.to_string(),
        };
        if !self.needs.contains(&need) {
            self.needs.push(need);
        }
    }
}
