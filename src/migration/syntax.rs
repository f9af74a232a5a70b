//! Text-shape helpers shared by the rules: removing list items, statements,
//! indentation. They work on byte offsets and never touch other bytes.

use crate::edit::Edit;

/// Edits that delete the items marked in `remove` from one comma-separated
/// list (`items` are the element ranges in order), together with their
/// separating commas. Returns None when every item would go: the caller
/// removes the whole construct instead.
pub fn remove_list_items(items: &[(usize, usize)], remove: &[bool]) -> Option<Vec<Edit>> {
    if remove.iter().all(|r| *r) {
        return None;
    }
    let mut edits = Vec::new();
    let mut i = 0;
    while i < items.len() {
        if !remove[i] {
            i += 1;
            continue;
        }
        let first = i;
        while i < items.len() && remove[i] {
            i += 1;
        }
        let last = i - 1;
        if i < items.len() {
            // A kept item follows: delete up to its start ("a, " of "a, b").
            edits.push(Edit::delete(items[first].0, items[i].0));
        } else {
            // Trailing run: delete from the previous kept item's end (", b").
            edits.push(Edit::delete(items[first - 1].1, items[last].1));
        }
    }
    Some(edits)
}

/// The range to delete for a whole statement: its full lines when nothing
/// else shares them, otherwise just the statement.
pub fn statement_removal(src: &str, start: usize, end: usize) -> (usize, usize) {
    let line_start = src[..start].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let before_blank = src[line_start..start]
        .chars()
        .all(|c| c == ' ' || c == '\t');
    let rest = &src[end..];
    let line_end_rel = rest.find('\n').map(|i| i + 1).unwrap_or(rest.len());
    let after_blank = rest[..line_end_rel].trim().is_empty();
    if before_blank && after_blank {
        (line_start, end + line_end_rel)
    } else {
        (start, end)
    }
}

/// The whitespace before `offset` on its line.
pub fn indentation(src: &str, offset: usize) -> &str {
    let line_start = src[..offset].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let prefix = &src[line_start..offset];
    let len = prefix.len() - prefix.trim_start_matches([' ', '\t']).len();
    &prefix[..len]
}

/// The line break most of the file uses: "\r\n", "\r" (a file of lone CRs) or "\n".
pub fn dominant_newline(src: &str) -> &'static str {
    let crlf = src.matches("\r\n").count();
    let lf = src.matches('\n').count() - crlf;
    let cr = src.matches('\r').count() - crlf;
    if cr > lf && cr > crlf {
        "\r"
    } else if crlf > lf {
        "\r\n"
    } else {
        "\n"
    }
}

/// Rewrite a `{ … }` list with new items, keeping its layout: one line with
/// the same inner padding, or one item per line with the same indentation
/// and trailing-comma habit.
pub fn format_braces(original: &str, items: &[String], newline: &str) -> String {
    if original.contains('\n') {
        let inner = &original[1..original.len() - 1];
        let item_indent = inner
            .lines()
            .find(|l| !l.trim().is_empty())
            .map(|l| &l[..l.len() - l.trim_start().len()])
            .unwrap_or("  ");
        let closing_indent = original
            .rfind('\n')
            .map(|i| &original[i + 1..original.len() - 1])
            .filter(|s| s.chars().all(|c| c == ' ' || c == '\t'))
            .unwrap_or("");
        let trailing_comma = inner.trim_end().ends_with(',');
        let mut out = String::from("{");
        for (i, item) in items.iter().enumerate() {
            out.push_str(newline);
            out.push_str(item_indent);
            out.push_str(item);
            if i + 1 < items.len() || trailing_comma {
                out.push(',');
            }
        }
        out.push_str(newline);
        out.push_str(closing_indent);
        out.push('}');
        out
    } else {
        let pad = if original.starts_with("{ ") || original == "{}" {
            " "
        } else {
            ""
        };
        format!("{{{pad}{}{pad}}}", items.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::apply;

    fn run(src: &str, items: &[&str], remove: &[bool]) -> String {
        let ranges: Vec<(usize, usize)> = items
            .iter()
            .map(|it| {
                let s = src.find(it).unwrap();
                (s, s + it.len())
            })
            .collect();
        apply(src, &remove_list_items(&ranges, remove).unwrap()).unwrap()
    }

    #[test]
    fn removes_first_middle_last() {
        assert_eq!(
            run("{ a, b, c }", &["a", "b", "c"], &[true, false, false]),
            "{ b, c }"
        );
        assert_eq!(
            run("{ a, b, c }", &["a", "b", "c"], &[false, true, false]),
            "{ a, c }"
        );
        assert_eq!(
            run("{ a, b, c }", &["a", "b", "c"], &[false, false, true]),
            "{ a, b }"
        );
        assert_eq!(
            run("{\n  a,\n  b,\n}", &["a", "b"], &[false, true]),
            "{\n  a,\n}"
        );
    }

    #[test]
    fn formats_braces_like_the_original() {
        let items = vec!["a".to_string(), "b".to_string()];
        assert_eq!(format_braces("{ x }", &items, "\n"), "{ a, b }");
        assert_eq!(format_braces("{x}", &items, "\n"), "{a, b}");
        assert_eq!(
            format_braces("{\n    x,\n  }", &items, "\r\n"),
            "{\r\n    a,\r\n    b,\r\n  }"
        );
    }

    #[test]
    fn statement_removal_takes_the_line() {
        let src = "a;\n  const x = 1;\nb;";
        let s = src.find("const").unwrap();
        let e = src.find("1;").unwrap() + 2;
        assert_eq!(statement_removal(src, s, e), (3, 18));
    }
}
