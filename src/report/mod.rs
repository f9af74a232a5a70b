//! The report model (what a run found, per file, with each file's original
//! text) and its printers, one per format. Printers turn a `Report` into
//! text and touch neither the file system nor the environment: the command
//! writes what they return.

pub mod diff;
pub mod edits;
pub mod escape;
pub mod fingerprint;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;

use crate::finding::Severity;
use crate::table::RuleInfo;
use crate::workspace::manifest::SdkUse;
use serde::Serialize;
use std::path::PathBuf;

/// How the reason of a finding a baseline file accepts begins (`recorded in
/// the baseline FILE`): SARIF calls such a suppression external.
pub const BASELINE_REASON: &str = "recorded in the baseline";

/// A finding located in a file, ready for a printer.
#[derive(Debug, Clone, Serialize)]
pub struct Located {
    pub path: String,
    pub line: usize,
    pub column: usize,
    /// The last line of the code the finding is about (a rewritten call's
    /// last line): the fix of a fixable finding is the change on these lines.
    pub end_line: usize,
    /// The column just after the code the finding is about, on `end_line`
    /// (as SARIF's `endColumn`); `column` when only the place is known.
    pub end_column: usize,
    pub rule: &'static str,
    pub severity: Severity,
    pub fixable: bool,
    pub message: String,
    /// The reason of the `stepup-ignore` directive that suppresses it.
    pub suppressed: Option<String>,
    /// The config file that governs the file (an index into `Report::configs`).
    #[serde(skip)]
    pub config: Option<usize>,
    /// Stable across line shifts: see [`fingerprint`].
    pub fingerprint: String,
    /// The `TokenScope` member the rewrite of a fixable finding chose.
    pub scope: Option<String>,
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
    #[error(
        "skipped: not valid {encoding} ({reason}); left untouched{}",
        legacy_note(*legacy)
    )]
    NotUtf16 {
        encoding: &'static str,
        reason: String,
        legacy: bool,
    },
    /// A UTF-16 file's change, left out of the dry run's patch.
    #[error(
        "not in the patch: encoded in {encoding}, which git treats as binary, so a patch cannot \
         carry its change; `stepup migrate --write` rewrites it (in {encoding}, with its BOM)"
    )]
    Utf16NotInPatch { encoding: &'static str },
    #[error("not written: {0}")]
    NotWritten(String),
    /// After `--typecheck`: rolled back, or kept with new errors.
    #[error("{0}")]
    TypeErrors(String),
    /// A project file (package.json, tsconfig) stepup could not use.
    #[error("{0}")]
    Project(String),
    /// The same, above files whose legacy imports then do not resolve:
    /// stepup cannot vouch for them.
    #[error(
        "{message}; legacy names imported in {} come through specifiers that do not resolve \
         without it, so stepup cannot check their calls: fix it (or install what it extends) \
         and run again",
        files.join(", ")
    )]
    ProjectBlocking { message: String, files: Vec<String> },
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
            ProblemKind::TooLarge { legacy, .. }
            | ProblemKind::NotUtf8 { legacy, .. }
            | ProblemKind::NotUtf16 { legacy, .. } => *legacy,
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
    /// The text before and after (decoded, for a UTF-16 file).
    pub original: Vec<u8>,
    pub rewritten: String,
    pub edit_count: usize,
    /// Written to disk (and kept) by `--write` or the interactive review.
    pub written: bool,
    /// The file is UTF-16 in this byte order: it is written back so.
    pub encoding: Option<crate::encoding::Utf16>,
}

impl Change {
    /// The bytes on disk before the change.
    pub fn disk_original(&self) -> std::borrow::Cow<'_, [u8]> {
        match self.encoding {
            None => self.original.as_slice().into(),
            Some(order) => order
                .encode(&String::from_utf8_lossy(&self.original))
                .into(),
        }
    }

    /// The bytes to write.
    pub fn disk_rewritten(&self) -> std::borrow::Cow<'_, [u8]> {
        match self.encoding {
            None => self.rewritten.as_bytes().into(),
            Some(order) => order.encode(&self.rewritten).into(),
        }
    }
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
    /// The step-up requests of the file as it is after the migration (the test plan).
    pub protected: Vec<Protected>,
}

/// One protected action after the migration: a step-up request, at a line
/// of the file as migrated.
#[derive(Debug, Clone)]
pub struct Protected {
    pub line: usize,
    /// The requested scopes as written (`TokenScope.Walletexport`).
    pub scopes: Vec<String>,
    /// The sensitive call it guards in the same function, when there is one.
    pub guarded: Option<String>,
    /// Else the function's first call after the request, when there is one.
    pub next_call: Option<String>,
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
    /// The config files that govern the files, in the order they were found.
    pub configs: Vec<ConfigInfo>,
    /// The package.json and catalog files the dependency bump changes
    /// (indices into `files`), each with the install command and lockfile of
    /// its workspace (None: no lockfile found).
    pub installs: Vec<(usize, Option<(&'static str, &'static str)>)>,
}

/// A config file of the run, as the exit code needs it.
#[derive(Debug, Clone, Default)]
pub struct ConfigInfo {
    /// The file, relative to the working directory.
    pub display: String,
    /// Its `max_warnings`, or the one it extends.
    pub max_warnings: Option<i64>,
}

impl Report {
    /// What to run once the bumped package.json files are on disk (written,
    /// or `write` false: the diff applied): one line per install command.
    pub fn install_note(&self, write: bool) -> Vec<String> {
        let mut lines: Vec<String> = self
            .installs
            .iter()
            .filter(|(i, _)| {
                self.files[*i]
                    .change
                    .as_ref()
                    .is_some_and(|c| c.written || !write)
            })
            .map(|(_, install)| {
                let what = if write {
                    "the SDK version ranges changed"
                } else {
                    "the change raises SDK version ranges: once it is applied"
                };
                match install {
                    Some((command, lock)) => format!(
                        "{what}, run `{command}` to update {lock} (`npm ci` fails on a stale \
                         lockfile)"
                    ),
                    None => {
                        format!("{what}, run your package manager's install (no lockfile found)")
                    }
                }
            })
            .collect();
        lines.sort();
        lines.dedup();
        lines
    }
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

/// `n` and the noun in the number `n` takes: "1 file", "2 files".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A format: a report in, text out.
pub trait Printer {
    fn print(&self, report: &Report) -> String;
}
