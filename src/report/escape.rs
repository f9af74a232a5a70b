//! Text from the user's repository (file names, source quoted in messages,
//! `stepup-ignore` reasons, excerpts) escaped for the sink it reaches. The
//! printers call these at the edge, once, on that text only: stepup's own
//! words and styles are left as they are.
//!
//! - [`terminal`]: a terminal or a CI log. Nothing is interpreted: control
//!   characters are shown (`\n`, `\x1b`), so quoted text never starts a
//!   line, never moves the cursor and never retitles the window, and no line
//!   holds a GitHub Actions workflow command made of user text (`::cmd::` at
//!   the start of a line, `##[cmd]` anywhere in it).
//! - [`markdown_text`], [`code_span`], [`fence`]: Markdown and the HTML it
//!   may hold (reports, job summaries).

use std::borrow::Cow;

/// Characters shown by their code rather than written: controls (C0, DEL,
/// C1), the bidirectional overrides and isolates that reorder what a line
/// shows, the Unicode line and paragraph separators, and the zero-width
/// no-break space.
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{feff}'
        )
}

fn push_code(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
        c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
    }
}

/// `text` for a terminal or a log, on one line: control and invisible
/// formatting characters shown as `\n`, `\t`, `\x1b`, `\u{202e}`; `##[`
/// (GitHub's older workflow-command prefix, obeyed anywhere in a line)
/// shown as `##\x5b`. Text with none of these is returned as it is.
pub fn terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(hidden) && !text.contains("##[") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hidden(c) {
            push_code(&mut out, c);
        } else if c == '[' && out.ends_with("##") {
            out.push_str("\\x5b");
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text that starts a line of a terminal or a log (a file name before its
/// findings): as [`terminal`], and when it starts with `::` (after blanks,
/// as GitHub Actions reads a line) its first colon is shown as `\x3a`.
pub fn terminal_start(text: &str) -> Cow<'_, str> {
    let shown = terminal(text);
    let blanks = shown.len() - shown.trim_start().len();
    if shown[blanks..].starts_with("::") {
        Cow::Owned(format!("{}\\x3a{}", &shown[..blanks], &shown[blanks + 1..]))
    } else {
        shown
    }
}

/// One line of source code for a terminal or a report (an excerpt, a line
/// of the review's diff): as [`terminal`], but tabs are kept, as indentation.
pub fn terminal_code(line: &str) -> Cow<'_, str> {
    if !line.contains('\t') {
        return terminal(line);
    }
    Cow::Owned(
        line.split('\t')
            .map(terminal)
            .collect::<Vec<_>>()
            .join("\t"),
    )
}

/// A message of several lines for a terminal or a log (an error that
/// quotes a tool's output or a config file): its line breaks are kept, every
/// other control character is shown as [`terminal`] shows it, and a line
/// that would start with `::` (after blanks, as GitHub Actions reads it)
/// has its first colon shown as `\x3a`, so no line is a workflow command.
pub fn terminal_lines(text: &str) -> String {
    text.split('\n')
        .map(|line| terminal_start(line).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `text` as Markdown inline text that renders as the text itself: on one
/// line (as [`terminal`] shows it), HTML's `<`, `>` and `&` as entities, and
/// every character Markdown (GitHub's included: tables, strikethrough,
/// math) gives a meaning inline escaped with a backslash.
pub fn markdown_text(text: &str) -> String {
    let shown = terminal(text);
    let mut out = String::with_capacity(shown.len() + 8);
    for c in shown.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// The longest run of `` ` `` in `text`.
fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// `text` as a Markdown code span (on one line, as [`terminal`] shows it):
/// delimited by one backtick more than the longest run inside, padded with
/// a space where the content would otherwise touch the delimiter or lose a
/// space (CommonMark's rule).
pub fn code_span(text: &str) -> String {
    let shown = terminal(text);
    let ticks = "`".repeat(longest_backtick_run(&shown) + 1);
    let pad = shown.is_empty()
        || shown.starts_with('`')
        || shown.ends_with('`')
        || (shown.starts_with(' ') && shown.ends_with(' '));
    let space = if pad { " " } else { "" };
    format!("{ticks}{space}{shown}{space}{ticks}")
}

/// The fence for a fenced code block holding `content`: backticks, at least
/// three and more than any run of them in `content`, so no line of it can
/// close the block.
pub fn fence(content: &str) -> String {
    "`".repeat((longest_backtick_run(content) + 1).max(3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_shows_controls_and_command_prefixes() {
        assert_eq!(terminal("plain `code` é"), "plain `code` é");
        assert_eq!(
            terminal("a\n::error::x\r\x1b]0;t\x07\x7f\u{9b}\u{202e}"),
            "a\\n::error::x\\r\\x1b]0;t\\x07\\x7f\\u{9b}\\u{202e}"
        );
        assert_eq!(terminal("x ##[add-mask]y"), "x ##\\x5badd-mask]y");
    }

    #[test]
    fn terminal_start_never_begins_a_workflow_command() {
        assert_eq!(terminal_start("::error::x.tsx"), "\\x3a:error::x.tsx");
        assert_eq!(terminal_start(" \t::x"), " \\t::x");
        assert_eq!(terminal_start("src/::x"), "src/::x");
    }

    #[test]
    fn terminal_code_keeps_indentation() {
        assert_eq!(terminal_code("\t\tx\x1b"), "\t\tx\\x1b");
    }

    #[test]
    fn terminal_lines_keeps_breaks_but_no_command_starts_a_line() {
        assert_eq!(
            terminal_lines("one\n  ::set-env name=a::b\n\x1b[2J"),
            "one\n  \\x3a:set-env name=a::b\n\\x1b[2J"
        );
    }

    #[test]
    fn markdown_text_is_inert() {
        assert_eq!(
            markdown_text("a\n# h <img src=x onerror=alert(1)> & `c` *e* [l](u) | ~s~ $m$"),
            "a\\\\n\\# h &lt;img src=x onerror=alert(1)&gt; &amp; \\`c\\` \\*e\\* \\[l\\](u) \\| \\~s\\~ \\$m\\$"
        );
    }

    #[test]
    fn code_spans_and_fences_outgrow_the_backticks_inside() {
        assert_eq!(code_span("src/a.tsx"), "`src/a.tsx`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`a``"), "``` `a`` ```");
        assert_eq!(code_span("a\nb"), "`a\\nb`");
        assert_eq!(fence("x"), "```");
        assert_eq!(fence("x ```` y"), "`````");
    }
}
