//! `--format sarif`: SARIF 2.1.0, as GitHub code scanning reads it.

use super::{Located, Printer, Report, ScopeFix, edits};
use crate::finding::Severity;
use serde_json::{Value, json};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

pub struct Sarif;

impl Printer for Sarif {
    fn print(&self, report: &Report) -> String {
        render(report)
    }
}

fn render(report: &Report) -> String {
    let rules: Vec<Value> = report
        .catalog
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": format!("{}. {}", r.summary, r.help) },
                "help": { "text": r.help, "markdown": r.help },
                "defaultConfiguration": { "level": level(r.severity) },
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut result = json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": { "text": f.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&f.path), "uriBaseId": "SRCROOT" },
                        "region": { "startLine": f.line, "startColumn": f.column },
                    }
                }],
            });
            if let Some(index) = report.catalog.iter().position(|r| r.id == f.rule) {
                result["ruleIndex"] = json!(index);
            }
            if f.fixable
                && let Some(fix) = fix_for(report, f)
            {
                result["fixes"] = json!([fix]);
            }
            if !f.scope_fixes.is_empty() {
                result["fixes"] = f
                    .scope_fixes
                    .iter()
                    .map(|s| scope_fix(f, s))
                    .collect::<Vec<_>>()
                    .into();
            }
            if let Some(reason) = &f.suppressed {
                result["suppressions"] = json!([{ "kind": "inSource", "justification": reason }]);
            }
            result
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "stepup",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "originalUriBaseIds": { "SRCROOT": { "description": { "text": "The directory stepup ran in." } } },
            "results": results,
        }]
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("JSON of plain data");
    s.push('\n');
    s
}

/// Percent-encode what a URI reference cannot hold as is.
fn uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'~'
            | b'/'
            | b'@'
            | b'+' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// One candidate scope of an undecided token call, as a SARIF fix.
fn scope_fix(f: &Located, fix: &ScopeFix) -> Value {
    json!({
        "description": { "text": format!("Use TokenScope.{}", fix.scope) },
        "artifactChanges": [{
            "artifactLocation": { "uri": uri(&f.path), "uriBaseId": "SRCROOT" },
            "replacements": fix.edits.iter().map(replacement).collect::<Vec<_>>(),
        }],
    })
}

fn replacement(e: &edits::TextEdit) -> Value {
    json!({
        "deletedRegion": {
            "startLine": e.start.line, "startColumn": e.start.column,
            "endLine": e.end.line, "endColumn": e.end.column,
        },
        "insertedContent": { "text": e.replacement },
    })
}

/// The rewrite of the lines of a fixable finding, as a SARIF fix.
fn fix_for(report: &Report, f: &Located) -> Option<Value> {
    let change = report.file(&f.path)?.change.as_ref()?;
    let original = String::from_utf8_lossy(&change.original);
    let hunks = edits::hunks(&original, &change.rewritten);
    let replacements: Vec<Value> = edits::for_finding(&hunks, f)
        .into_iter()
        .map(|e| {
            json!({
                "deletedRegion": {
                    "startLine": e.start.line, "startColumn": e.start.column,
                    "endLine": e.end.line, "endColumn": e.end.column,
                },
                "insertedContent": { "text": e.replacement },
            })
        })
        .collect();
    if replacements.is_empty() {
        return None;
    }
    Some(json!({
        "description": { "text": f.message },
        "artifactChanges": [{
            "artifactLocation": { "uri": uri(&f.path), "uriBaseId": "SRCROOT" },
            "replacements": replacements,
        }],
    }))
}
