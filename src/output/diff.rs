//! Unified diffs that `git apply` accepts.

use similar::TextDiff;

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
