//! A file's change as edits of its original text, and the edits that fix
//! one finding. The engine splices call sites and imports in two passes, so
//! its own edits are not offsets into the original; the edits here are
//! taken from the original and the rewritten text (a line diff), which makes
//! them exact by construction: applying every edit of a file, in any order
//! (they never overlap), gives what `migrate` writes.

use super::Located;
use serde::Serialize;
use similar::{Algorithm, capture_diff_slices, group_diff_ops};

/// A place in a file: a byte offset (a BOM counts) and the 1-based line and
/// column of it (columns count characters, a BOM does not), as in findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Position {
    pub byte: usize,
    pub line: usize,
    pub column: usize,
}

/// Replace `start..end` of the original text with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextEdit {
    pub start: Position,
    pub end: Position,
    pub replacement: String,
}

/// One edit with the 0-based lines of the original it replaces.
#[derive(Debug, Clone)]
pub struct Hunk {
    pub old_lines: std::ops::Range<usize>,
    pub edit: TextEdit,
}

/// The change from `original` to `rewritten` as whole-line edits, in order.
/// A line ends at LF only, as the edits' line numbers and the patch count
/// them: a lone CR is part of its line.
/// Each run of changed lines is one edit, except that a run replacing as
/// many lines as it removes is one edit per line (line i becomes line i):
/// adjacent one-line rewrites stay separate, so a finding's own edit is
/// the size of its lines, not of the whole block around it.
pub fn hunks(original: &str, rewritten: &str) -> Vec<Hunk> {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', original.as_bytes()).map(|i| i + 1))
        .filter(|&i| i < original.len() || i == 0)
        .collect();
    let byte_of = |line: usize| line_starts.get(line).copied().unwrap_or(original.len());
    let old_lines: Vec<&str> = original.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = rewritten.split_inclusive('\n').collect();
    let ops = capture_diff_slices(Algorithm::Myers, &old_lines, &new_lines);
    let mut out = Vec::new();
    let mut push = |old: std::ops::Range<usize>, new: std::ops::Range<usize>| {
        let replacement: String = new_lines[new].concat();
        let (start, end) = (byte_of(old.start), byte_of(old.end));
        out.push(Hunk {
            old_lines: old,
            edit: TextEdit {
                start: position(original, start),
                end: position(original, end),
                replacement,
            },
        });
    };
    for group in group_diff_ops(ops, 0) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let old = first.old_range().start..last.old_range().end;
        let new = first.new_range().start..last.new_range().end;
        if old.len() == new.len() && old.len() > 1 {
            for (o, n) in old.zip(new) {
                push(o..o + 1, n..n + 1);
            }
        } else {
            push(old, new);
        }
    }
    out
}

/// One of a file's edits that touches a finding's lines.
#[derive(Debug, Clone, Copy)]
pub struct FindingEdit<'h> {
    /// Its place among the file's edits.
    pub index: usize,
    pub edit: &'h TextEdit,
    /// It lies within the finding's lines (else it reaches lines beyond).
    pub within: bool,
}

/// The edits on the lines of a fixable finding (the call it rewrites). The
/// imports and declarations a rewrite adds elsewhere in the file are in the
/// file's edits. Found by binary search: the edits are in order and never
/// overlap.
pub fn for_finding<'h>(hunks: &'h [Hunk], f: &Located) -> Vec<FindingEdit<'h>> {
    if !f.fixable {
        return vec![];
    }
    let (first, last) = (f.line - 1, f.end_line.max(f.line) - 1);
    let from = hunks.partition_point(|h| h.old_lines.end <= first);
    hunks[from..]
        .iter()
        .enumerate()
        .take_while(|(_, h)| h.old_lines.start <= last)
        .filter_map(|(i, h)| {
            let (a, b) = (h.old_lines.start, h.old_lines.end);
            let touches = if a == b {
                // An insertion between two of the finding's lines.
                first < a && a <= last
            } else {
                a <= last && b > first
            };
            touches.then_some(FindingEdit {
                index: from + i,
                edit: &h.edit,
                within: a >= first && b <= last + 1,
            })
        })
        .collect()
}

fn position(text: &str, byte: usize) -> Position {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let (line, column) = if byte <= bom {
        (1, 1)
    } else {
        crate::analysis::line_col(&text[bom..], byte - bom)
    };
    Position { byte, line, column }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(original: &str, hunks: &[Hunk]) -> String {
        let mut out = original.to_string();
        for h in hunks.iter().rev() {
            out.replace_range(h.edit.start.byte..h.edit.end.byte, &h.edit.replacement);
        }
        out
    }

    #[test]
    fn the_edits_give_the_rewritten_text() {
        let cases = [
            ("a\nb\nc\n", "a\nB\nc\n"),
            ("a\nb\nc", "x\na\nb\nc"),
            ("a\nb\nc", "a\nb\nC"),
            ("\u{feff}a\r\nb\r\n", "\u{feff}A\r\nb\r\nnew\r\n"),
            ("", "x\n"),
            ("a\nb\n", ""),
            ("a\rb\nc\n", "a\rB\nc\n"),
            ("x\r\x1b\ny\n", "X\r\x1b\ny\n"),
        ];
        for (old, new) in cases {
            assert_eq!(apply(old, &hunks(old, new)), new, "{old:?} → {new:?}");
        }
        let h = hunks("a\nbé\nc", "a\nbé\nC");
        assert_eq!(
            h[0].edit.start,
            Position {
                byte: 6,
                line: 3,
                column: 1
            }
        );
        assert_eq!(
            h[0].edit.end,
            Position {
                byte: 7,
                line: 3,
                column: 2
            }
        );
    }
}
