//! Unified diffs that `git apply` accepts.

use super::{Printer, Report};
use similar::TextDiff;

/// The dry run's patch: every changed file, in report order.
pub struct Diff;

impl Printer for Diff {
    fn print(&self, report: &Report) -> String {
        let mut out = String::new();
        for f in &report.files {
            if let Some(change) = &f.change {
                let original = String::from_utf8_lossy(&change.original);
                out.push_str(&unified(&f.display, &original, &change.rewritten));
            }
        }
        out
    }
}

/// A `diff --git` style patch turning `old` into `new` for `path`.
pub fn unified(path: &str, old: &str, new: &str) -> String {
    let a = quote_path(&format!("a/{path}"));
    let b = quote_path(&format!("b/{path}"));
    let diff = TextDiff::from_lines(old, new);
    let body = diff
        .unified_diff()
        .context_radius(3)
        .header(&a, &b)
        .to_string();
    format!("diff --git {a} {b}\n{body}")
}

/// Git's C-style quoting for names with special characters.
fn quote_path(p: &str) -> String {
    let needs = p
        .bytes()
        .any(|b| b < 0x20 || b == b'"' || b == b'\\' || b >= 0x80);
    if !needs {
        return p.to_string();
    }
    let mut out = String::from("\"");
    for b in p.bytes() {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out.push('"');
    out
}
