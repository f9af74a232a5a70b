//! The report model (what a run found, per file, with each file's original
//! text) and its printers, one per format. Printers turn a `Report` into
//! text and touch neither the file system nor the environment: the command
//! writes what they return.

pub mod diff;
pub mod edits;
pub mod github;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;

use crate::finding::Severity;
use crate::table::RuleInfo;
use crate::workspace::manifest::SdkUse;
use serde::Serialize;
use std::path::PathBuf;

/// A finding located in a file, ready for a printer.
#[derive(Debug, Clone, Serialize)]
pub struct Located {
    pub path: String,
    pub line: usize,
    pub column: usize,
    /// The last line of the code the finding is about (a rewritten call's
    /// last line): the fix of a fixable finding is the change on these lines.
    pub end_line: usize,
    pub rule: &'static str,
    pub severity: Severity,
    pub fixable: bool,
    pub message: String,
    /// The reason of the `stepup-ignore` directive that suppresses it.
    pub suppressed: Option<String>,
    /// For a token call whose scope stepup cannot tell: the change each
    /// candidate scope would make (JSON `fixes`, SARIF `fixes[]`).
    pub scope_fixes: Vec<ScopeFix>,
}

/// The change that gives an undecided token call one candidate scope: the
/// edits of the original text the file's rewrite would gain with it.
#[derive(Debug, Clone, Serialize)]
pub struct ScopeFix {
    pub scope: String,
    pub edits: Vec<edits::TextEdit>,
}

impl Located {
    /// Neither suppressed nor turned off: it counts.
    pub fn is_active(&self) -> bool {
        self.suppressed.is_none()
    }
}

/// Why a file, a directory or a project file could not be processed as asked.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ProblemKind {
    #[error("cannot read: {0}")]
    Unreadable(String),
    #[error("cannot scan {0}")]
    Walk(String),
    #[error(
        "skipped: {size} bytes is above the {limit} byte limit for source files (minified or generated?){}",
        legacy_note(*legacy)
    )]
    TooLarge { size: u64, limit: u64, legacy: bool },
    #[error(
        "skipped: not valid UTF-8 (invalid byte at offset {offset}); left untouched{}",
        legacy_note(*legacy)
    )]
    NotUtf8 { offset: usize, legacy: bool },
    #[error("not written: {0}")]
    NotWritten(String),
    /// After `--typecheck`: rolled back, or kept with new errors.
    #[error("{0}")]
    TypeErrors(String),
    /// A project file (package.json, tsconfig) stepup could not use.
    #[error("{0}")]
    Project(String),
    /// A `.stepup-*.tmp` file an interrupted write left behind.
    #[error(
        "a temporary file left by an interrupted `stepup migrate --write` (not scanned): it holds \
         the rewrite or the original of a file next to it; compare, then delete it"
    )]
    StaleTemp,
}

/// What a skipped file that names the legacy API adds to its message.
fn legacy_note(legacy: bool) -> &'static str {
    if legacy {
        "; it names the legacy MFA API, so stepup cannot vouch for it: migrate it by hand, \
         or --exclude it if it is generated"
    } else {
        ""
    }
}

impl ProblemKind {
    /// A failure (unreadable, unwritable, a skipped file that names the
    /// legacy API) rather than a deliberate skip or a note.
    pub fn is_error(&self) -> bool {
        match self {
            ProblemKind::TooLarge { legacy, .. } | ProblemKind::NotUtf8 { legacy, .. } => *legacy,
            ProblemKind::Project(_) | ProblemKind::StaleTemp => false,
            _ => true,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Problem {
    pub path: String,
    pub kind: ProblemKind,
}

impl Problem {
    pub fn new(path: impl Into<String>, kind: ProblemKind) -> Problem {
        Problem {
            path: path.into(),
            kind,
        }
    }
    pub fn is_error(&self) -> bool {
        self.kind.is_error()
    }
    pub fn message(&self) -> String {
        self.kind.to_string()
    }
}

/// A planned change to one file.
#[derive(Debug)]
pub struct Change {
    pub original: Vec<u8>,
    pub rewritten: String,
    pub edit_count: usize,
    /// Written to disk (and kept) by `--write` or the interactive review.
    pub written: bool,
}

/// One source file the run analysed.
#[derive(Debug)]
pub struct FileOutcome {
    pub path: PathBuf,
    pub display: String,
    /// The display path's bytes when they are not valid UTF-8.
    pub display_raw: Option<Vec<u8>>,
    pub findings: Vec<Located>,
    pub change: Option<Change>,
    /// The text as it was before the run, kept for files with findings
    /// (report excerpts quote it).
    pub original: Option<String>,
    /// Why the file could not be analysed, if it could not.
    pub problem: Option<Problem>,
    pub has_dynamic_import: bool,
    /// The file (as rewritten) imports TokenScope from sdk-api-core.
    pub needs_api_core: bool,
    /// The SDK packages its code needs a step-up version of (project checks).
    pub sdk_use: SdkUse,
}

/// What a run found, for any printer.
#[derive(Debug, Default, Clone, Serialize)]
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
    /// Findings a `stepup-ignore` directive suppresses (counted nowhere else).
    pub suppressed: usize,
    pub problems: usize,
    pub elapsed_ms: u128,
    /// With `--typecheck`: the compiler that ran, its version and command.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_checked_with: Option<String>,
}

/// Everything one run produced, in a deterministic order.
#[derive(Debug, Default)]
pub struct Report {
    pub files: Vec<FileOutcome>,
    /// Every finding of every file and of the project checks, sorted by place.
    pub findings: Vec<Located>,
    pub problems: Vec<Problem>,
    pub summary: Summary,
    /// The rule catalog of the run's migration table.
    pub catalog: Vec<RuleInfo>,
}

impl Report {
    /// Recount the summary's finding and problem tallies.
    pub fn tally(&mut self) {
        let s = &mut self.summary;
        (s.errors, s.warnings, s.infos, s.fixable, s.manual) = (0, 0, 0, 0, 0);
        s.suppressed = self.findings.len();
        for f in self.findings.iter().filter(|f| f.is_active()) {
            match f.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
            if f.fixable {
                s.fixable += 1;
            } else if f.severity != Severity::Info {
                s.manual += 1;
            }
        }
        s.findings = s.errors + s.warnings + s.infos;
        s.suppressed -= s.findings;
        s.problems = self.problems.len();
    }

    /// The findings that count: not suppressed.
    pub fn active(&self) -> impl Iterator<Item = &Located> {
        self.findings.iter().filter(|f| f.is_active())
    }

    /// The findings a `stepup-ignore` directive suppresses.
    pub fn suppressed(&self) -> impl Iterator<Item = &Located> {
        self.findings.iter().filter(|f| !f.is_active())
    }

    pub fn file(&self, display: &str) -> Option<&FileOutcome> {
        self.files.iter().find(|f| f.display == display)
    }

    /// Findings a human must act on (not fixable, not info).
    pub fn needs_review(&self) -> impl Iterator<Item = &Located> {
        self.active()
            .filter(|f| !f.fixable && f.severity != Severity::Info)
    }

    /// Decisions stepup made that a human should confirm (info).
    pub fn to_confirm(&self) -> impl Iterator<Item = &Located> {
        self.active()
            .filter(|f| !f.fixable && f.severity == Severity::Info)
    }
}

/// A format: a report in, text out.
pub trait Printer {
    fn print(&self, report: &Report) -> String;
}
