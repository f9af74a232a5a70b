//! What stepup tells the user about a place in their code.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational: an inferred decision to confirm.
    Info,
    /// Needs a human, but does not itself break at the cutover.
    Warning,
    /// Legacy usage that breaks once the app accepts API version 2026_04_01.
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A finding at a byte offset of one file; the path is attached by the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub offset: usize,
    /// Where the code the finding is about ends (the whole call, for a
    /// rewritten call); `offset` when only the place is known.
    pub end: usize,
    pub rule: &'static str,
    pub severity: Severity,
    /// True when `stepup migrate` rewrites this place itself.
    pub fixable: bool,
    pub message: String,
    /// The reason of the `stepup-ignore` directive that suppresses it.
    pub suppressed: Option<String>,
    /// The `TokenScope` member a rewrite chose (`Walletexport`).
    pub scope: Option<String>,
}

impl Finding {
    pub fn new(
        offset: usize,
        rule: &'static str,
        severity: Severity,
        fixable: bool,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            offset,
            end: offset,
            rule,
            severity,
            fixable,
            message: message.into(),
            suppressed: None,
            scope: None,
        }
    }
    /// The finding of a rewrite that writes `TokenScope.<scope>`.
    pub fn with_scope(mut self, scope: impl Into<String>) -> Finding {
        self.scope = Some(scope.into());
        self
    }
    pub fn fixable(offset: usize, rule: &'static str, message: impl Into<String>) -> Finding {
        Finding::new(offset, rule, Severity::Error, true, message)
    }
    pub fn manual(offset: usize, rule: &'static str, message: impl Into<String>) -> Finding {
        Finding::new(offset, rule, Severity::Error, false, message)
    }
    pub fn warning(offset: usize, rule: &'static str, message: impl Into<String>) -> Finding {
        Finding::new(offset, rule, Severity::Warning, false, message)
    }
    pub fn info(offset: usize, rule: &'static str, message: impl Into<String>) -> Finding {
        Finding::new(offset, rule, Severity::Info, false, message)
    }
}
