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
            let fix = hunks
                .get(f.path.as_str())
                .map(|h| edits::for_finding(h, f))
                .unwrap_or_default();
            json!({
                "path": f.path,
                "line": f.line,
                "column": f.column,
                "end_line": f.end_line,
                "rule": f.rule,
                "severity": f.severity,
                "fixable": f.fixable,
                "message": f.message,
                "suppressed": f.suppressed.as_ref().map(|reason| json!({ "reason": reason })),
                "edits": fix,
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
            Some(json!({
                "path": f.display,
                "edits": edits,
                "diff": diff::unified(f.display_raw.as_deref().unwrap_or(f.display.as_bytes()), &original, &c.rewritten),
                "written": c.written,
            }))
        })
        .collect();
    let problems: Vec<_> = report
        .problems
        .iter()
        .map(|p| json!({"path": p.path, "message": p.message(), "error": p.is_error()}))
        .collect();
    let doc = json!({
        "version": VERSION,
        "tool": { "name": "stepup", "version": env!("CARGO_PKG_VERSION") },
        "findings": findings,
        "files": files,
        "problems": problems,
        "summary": report.summary,
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("JSON of plain data");
    s.push('\n');
    s
}
