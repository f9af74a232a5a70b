//! `--format json`: one document on stdout, a contract described by
//! `schema/stepup-report.schema.json` (`version` changes when a field is
//! removed or changes meaning; new fields may appear in any version).

use super::edits::{self, Hunk};
use super::{Printer, Report, diff};
use serde_json::{Value, json};
use std::collections::HashMap;

/// The version of the document's shape.
pub const VERSION: u32 = 1;

pub struct Json;

impl Printer for Json {
    fn print(&self, report: &Report) -> String {
        render(report)
    }
}

/// Over 80 lines on purpose: most of it is the one `json!` literal of the
/// document, which reads best whole, next to its schema.
fn render(report: &Report) -> String {
    let hunks: HashMap<&str, Vec<Hunk>> = report
        .files
        .iter()
        .filter_map(|f| {
            let c = f.change.as_ref()?;
            let original = String::from_utf8_lossy(&c.original);
            Some((f.display.as_str(), edits::hunks(&original, &c.rewritten)))
        })
        .collect();
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let touching = hunks
                .get(f.path.as_str())
                .map(|h| edits::for_finding(h, f))
                .unwrap_or_default();
            // Only edits within its lines are copied: an edit that reaches
            // beyond them (shared with its neighbours) is referred to by its
            // index among the file's edits, so the document stays linear in
            // the findings however many sit side by side.
            let own: Vec<_> = touching
                .iter()
                .filter(|e| e.within)
                .map(|e| e.edit)
                .collect();
            let indices: Vec<usize> = touching.iter().map(|e| e.index).collect();
            json!({
                "path": f.path,
                "line": f.line,
                "column": f.column,
                "end_line": f.end_line,
                "end_column": f.end_column,
                "rule": f.rule,
                "severity": f.severity,
                "fixable": f.fixable,
                "message": f.message,
                "suppressed": f.suppressed.as_ref().map(|reason| json!({ "reason": reason })),
                "edits": own,
                "file_edits": indices,
                "fixes": f.scope_fixes,
            })
        })
        .collect();
    let files: Vec<Value> = report
        .files
        .iter()
        .filter_map(|f| {
            let c = f.change.as_ref()?;
            let original = String::from_utf8_lossy(&c.original);
            let edits: Vec<_> = hunks[f.display.as_str()].iter().map(|h| &h.edit).collect();
            let mut file = json!({
                "path": f.display,
                "edits": edits,
                "diff": diff::unified(f.display_raw.as_deref().unwrap_or(f.display.as_bytes()), &original, &c.rewritten),
                "written": c.written,
            });
            // A UTF-16 file: the edits and the diff are of its decoded text.
            if let Some(encoding) = c.encoding {
                file["encoding"] = json!(encoding.name());
            }
            Some(file)
        })
        .collect();
    let problems: Vec<_> = report
        .problems
        .iter()
        .map(|p| json!({"path": p.path, "message": p.message(), "error": p.is_error()}))
        .collect();
    // After a write, what to run now; in a dry run, once the change is applied.
    let written = report
        .files
        .iter()
        .any(|f| f.change.as_ref().is_some_and(|c| c.written));
    let mut doc = json!({
        "version": VERSION,
        "tool": { "name": "stepup", "version": env!("CARGO_PKG_VERSION") },
        "findings": findings,
        "files": files,
        "problems": problems,
        "summary": report.summary,
    });
    let next = report.install_note(written);
    if !next.is_empty() {
        doc["next"] = json!(next);
    }
    let mut s = serde_json::to_string_pretty(&doc).expect("JSON of plain data");
    s.push('\n');
    s
}
