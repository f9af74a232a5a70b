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
    pub rule: &'static str,
    pub severity: Severity,
    /// True when `stepup migrate` rewrites this place itself.
    pub fixable: bool,
    pub message: String,
}

impl Finding {
    pub fn fixable(offset: usize, rule: &'static str, message: impl Into<String>) -> Finding {
        Finding {
            offset,
            rule,
            severity: Severity::Error,
            fixable: true,
            message: message.into(),
        }
    }
    pub fn manual(offset: usize, rule: &'static str, message: impl Into<String>) -> Finding {
        Finding {
            offset,
            rule,
            severity: Severity::Error,
            fixable: false,
            message: message.into(),
        }
    }
    pub fn warning(offset: usize, rule: &'static str, message: impl Into<String>) -> Finding {
        Finding {
            offset,
            rule,
            severity: Severity::Warning,
            fixable: false,
            message: message.into(),
        }
    }
    pub fn info(offset: usize, rule: &'static str, message: impl Into<String>) -> Finding {
        Finding {
            offset,
            rule,
            severity: Severity::Info,
            fixable: false,
            message: message.into(),
        }
    }
}
