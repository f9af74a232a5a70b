//! Unified diffs that `git apply` accepts, byte for byte as git writes them:
//! a line ends at LF only (a lone CR is part of the line, as git counts it),
//! and names are quoted as git quotes them (non-UTF-8 bytes included).

use super::{Printer, Report};
use similar::{Algorithm, DiffTag, capture_diff_slices, group_diff_ops};

/// The dry run's patch: every changed file, in report order, but a UTF-16
/// one (git treats it as binary: no text patch applies to it; the run says
/// so, and `--write` rewrites it).
pub struct Diff;

impl Printer for Diff {
    fn print(&self, report: &Report) -> String {
        let mut out = String::new();
        for f in &report.files {
            if let Some(change) = &f.change
                && change.encoding.is_none()
            {
                let original = String::from_utf8_lossy(&change.original);
                let name = f.display_raw.as_deref().unwrap_or(f.display.as_bytes());
                out.push_str(&unified(name, &original, &change.rewritten));
            }
        }
        out
    }
}

/// A `diff --git` patch turning `old` into `new` for the file named `path`
/// (bytes, relative, `/`-separated), with three lines of context.
pub fn unified(path: &[u8], old: &str, new: &str) -> String {
    let a = quote_path(b"a/", path);
    let b = quote_path(b"b/", path);
    let old_lines = git_lines(old);
    let new_lines = git_lines(new);
    let ops = capture_diff_slices(Algorithm::Myers, &old_lines, &new_lines);
    let groups = group_diff_ops(ops, 3);
    if groups.is_empty() {
        return String::new();
    }
    let mut out = format!("diff --git {a} {b}\n");
    // git ends a name with a space in it with a tab on these two lines.
    let tab = |name: &str| if name.contains(' ') { "\t" } else { "" };
    out.push_str(&format!("--- {a}{}\n+++ {b}{}\n", tab(&a), tab(&b)));
    for group in groups {
        let (first, last) = (&group[0], &group[group.len() - 1]);
        let old_range = first.old_range().start..last.old_range().end;
        let new_range = first.new_range().start..last.new_range().end;
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            hunk_range(old_range.start, old_range.len()),
            hunk_range(new_range.start, new_range.len())
        ));
        for op in &group {
            let (tag, old_r, new_r) = op.as_tag_tuple();
            match tag {
                DiffTag::Equal => push_lines(&mut out, ' ', &old_lines[old_r]),
                DiffTag::Delete => push_lines(&mut out, '-', &old_lines[old_r]),
                DiffTag::Insert => push_lines(&mut out, '+', &new_lines[new_r]),
                DiffTag::Replace => {
                    push_lines(&mut out, '-', &old_lines[old_r]);
                    push_lines(&mut out, '+', &new_lines[new_r]);
                }
            }
        }
    }
    out
}

/// The lines of `text` as git splits them: each ends at and keeps its LF;
/// the last may have none.
fn git_lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// `start,len` as git writes a hunk range: 1-based, the line before an
/// empty range, `,1` left out.
fn hunk_range(start: usize, len: usize) -> String {
    let first = if len == 0 { start } else { start + 1 };
    if len == 1 {
        first.to_string()
    } else {
        format!("{first},{len}")
    }
}

fn push_lines(out: &mut String, prefix: char, lines: &[&str]) {
    for line in lines {
        out.push(prefix);
        out.push_str(line);
        if !line.ends_with('\n') {
            out.push_str("\n\\ No newline at end of file\n");
        }
    }
}

/// `prefix` + `name`, quoted as git quotes a path (`quote_c_style` with
/// `core.quotePath` on): in double quotes when a byte is a control
/// character, `"`, `\`, DEL or not ASCII, with C escapes and octal.
pub fn quote_path(prefix: &[u8], name: &[u8]) -> String {
    let full: Vec<u8> = prefix.iter().chain(name).copied().collect();
    let needs = |b: u8| b < 0x20 || b == b'"' || b == b'\\' || b >= 0x7f;
    if !full.iter().any(|&b| needs(b)) {
        return String::from_utf8(full).expect("ASCII");
    }
    let mut out = String::from("\"");
    for b in full {
        match b {
            0x07 => out.push_str("\\a"),
            0x08 => out.push_str("\\b"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            0x0b => out.push_str("\\v"),
            0x0c => out.push_str("\\f"),
            b'\r' => out.push_str("\\r"),
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out.push('"');
    out
}
