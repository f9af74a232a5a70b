//! `--format json`: one document on stdout.

use super::{Printer, Report};
use serde_json::json;

pub struct Json;

impl Printer for Json {
    fn print(&self, report: &Report) -> String {
        render(report)
    }
}

fn render(report: &Report) -> String {
    let findings: Vec<_> = report
        .findings
        .iter()
        .map(|f| {
            json!({
                "path": f.path,
                "line": f.line,
                "column": f.column,
                "rule": f.rule,
                "severity": f.severity,
                "fixable": f.fixable,
                "message": f.message,
            })
        })
        .collect();
    let problems: Vec<_> = report
        .problems
        .iter()
        .map(|p| json!({"path": p.path, "message": p.message(), "error": p.is_error()}))
        .collect();
    let doc = json!({
        "findings": findings,
        "problems": problems,
        "summary": report.summary,
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("JSON of plain data");
    s.push('\n');
    s
}
