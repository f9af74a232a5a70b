//! Inline suppressions, read from the file's comments:
//!
//! - `// stepup-ignore <rule>[, <rule>]: <reason>` alone on a line applies to
//!   the next line; at the end of a line of code, to that line;
//! - `// stepup-ignore-file <rule>[, <rule>]: <reason>` before the file's code
//!   (only comments, imports and directives such as `'use client'` may come
//!   first) applies to the whole file.
//!
//! `/* … */` and JSX's `{/* … */}` work as well. The reason is required: a
//! directive without one, with no rule, or with a rule id stepup does not know
//! suppresses nothing and is reported itself (`invalid-suppression`).

use crate::analysis::text;
use tree_sitter::Node;

const LINE: &str = "stepup-ignore";
const FILE: &str = "stepup-ignore-file";

/// Where a directive applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A 0-based line of the text.
    Line(usize),
    File,
}

#[derive(Debug, Clone)]
pub struct Directive {
    /// Where the comment starts.
    pub offset: usize,
    pub scope: Scope,
    pub rules: Vec<String>,
    pub reason: String,
}

/// The directives of one file, and the malformed ones.
#[derive(Debug, Default)]
pub struct Suppressions {
    pub directives: Vec<Directive>,
    /// (offset of the comment, what is wrong with it).
    pub invalid: Vec<(usize, String)>,
    line_starts: Vec<usize>,
}

impl Suppressions {
    /// Cheap byte test: can the text hold a directive at all?
    pub fn may_contain(src: &str) -> bool {
        memchr::memmem::find(src.as_bytes(), LINE.as_bytes()).is_some()
    }

    /// Every directive in the comments of the tree of `src`; `is_rule` tells
    /// the rule ids stepup knows.
    pub fn collect(root: Node, src: &str, is_rule: &dyn Fn(&str) -> bool) -> Suppressions {
        let mut out = Suppressions::default();
        if !Suppressions::may_contain(src) {
            return out;
        }
        out.line_starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', src.as_bytes()).map(|i| i + 1))
            .collect();
        let code_start = code_start(root);
        let mut seen = Vec::new();
        for at in memchr::memmem::find_iter(src.as_bytes(), LINE.as_bytes()) {
            let Some(comment) = root
                .descendant_for_byte_range(at, at + LINE.len())
                .filter(|n| n.kind() == "comment")
            else {
                continue;
            };
            if seen.contains(&comment.start_byte()) {
                continue;
            }
            seen.push(comment.start_byte());
            out.read_comment(comment, src, code_start, is_rule);
        }
        out
    }

    fn read_comment(
        &mut self,
        comment: Node,
        src: &str,
        code_start: Option<usize>,
        is_rule: &dyn Fn(&str) -> bool,
    ) {
        let offset = comment.start_byte();
        let Some((file, rest)) = directive_body(text(comment, src)) else {
            return;
        };
        let invalid = |why: String| (offset, why);
        let scope = if file {
            if code_start.is_some_and(|c| offset > c) {
                self.invalid.push(invalid(format!(
                    "{FILE} must come before the file's code (only comments, imports and \
                     directives such as 'use client' may precede it): it suppresses nothing here"
                )));
                return;
            }
            Scope::File
        } else if self.alone_on_its_line(comment, src) {
            Scope::Line(self.line_of(comment.end_byte()) + 1)
        } else {
            Scope::Line(self.line_of(offset))
        };
        let word = if file { FILE } else { LINE };
        let usage = format!("write `// {word} <rule>[, <rule>]: <reason>`");
        let Some((rules, reason)) = rest.split_once(':') else {
            self.invalid.push(invalid(format!(
                "{word} needs a reason after a colon ({usage}): it suppresses nothing"
            )));
            return;
        };
        let rules: Vec<String> = rules
            .split(',')
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(String::from)
            .collect();
        let reason = reason.trim();
        let problem = if rules.is_empty() {
            Some(format!("{word} names no rule ({usage})"))
        } else if let Some(unknown) = rules.iter().find(|r| !is_rule(r)) {
            Some(format!(
                "{word} names `{unknown}`, which is not a stepup rule"
            ))
        } else if reason.is_empty() {
            Some(format!("{word} needs a reason after the colon ({usage})"))
        } else {
            None
        };
        match problem {
            Some(p) => self
                .invalid
                .push(invalid(format!("{p}: it suppresses nothing"))),
            None => self.directives.push(Directive {
                offset,
                scope,
                rules,
                reason: reason.to_string(),
            }),
        }
    }

    /// The 0-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= offset).max(1) - 1
    }

    /// Nothing but blanks and JSX braces around the comment on its line(s).
    fn alone_on_its_line(&self, comment: Node, src: &str) -> bool {
        let start = self.line_starts[self.line_of(comment.start_byte())];
        let end = src[comment.end_byte()..]
            .find('\n')
            .map_or(src.len(), |i| comment.end_byte() + i);
        let blank = |s: &str| s.chars().all(|c| c.is_whitespace() || c == '{' || c == '}');
        blank(&src[start..comment.start_byte()]) && blank(&src[comment.end_byte()..end])
    }

    /// The first directive that suppresses `rule` at `offset`: its index.
    pub fn matching(&self, offset: usize, rule: &str) -> Option<usize> {
        if self.directives.is_empty() {
            return None;
        }
        let line = self.line_of(offset);
        self.directives.iter().position(|d| {
            (d.scope == Scope::File || d.scope == Scope::Line(line))
                && d.rules.iter().any(|r| r == rule)
        })
    }

    pub fn is_empty(&self) -> bool {
        self.directives.is_empty() && self.invalid.is_empty()
    }
}

/// `(is a file directive, what follows the keyword)` when the comment's
/// text starts with a directive keyword.
fn directive_body(comment: &str) -> Option<(bool, &str)> {
    let body = comment
        .strip_prefix("//")
        .or_else(|| {
            comment
                .strip_prefix("/*")
                .map(|b| b.strip_suffix("*/").unwrap_or(b))
        })?
        .trim();
    let (file, rest) = match body.strip_prefix(FILE) {
        Some(rest) => (true, rest),
        None => (false, body.strip_prefix(LINE)?),
    };
    // `stepup-ignored`, `stepup-ignore-line`: not this directive.
    match rest.chars().next() {
        None | Some(':') => Some((file, rest)),
        Some(c) if c.is_whitespace() => Some((file, rest)),
        _ => None,
    }
}

/// Where the file's code starts: the first top-level statement that is not a
/// comment, an import, a hashbang or a directive (`'use client'`).
fn code_start(root: Node) -> Option<usize> {
    let mut cursor = root.walk();
    root.named_children(&mut cursor)
        .find(|n| match n.kind() {
            "comment" | "import_statement" | "hash_bang_line" => false,
            "expression_statement" => n.named_child(0).is_none_or(|c| c.kind() != "string"),
            _ => true,
        })
        .map(|n| n.start_byte())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    fn collect(src: &str) -> Suppressions {
        let tree = Lang::Tsx.parse(src);
        Suppressions::collect(tree.root_node(), src, &|r| r.starts_with("rule-"))
    }

    #[test]
    fn line_before_end_of_line_and_file() {
        let src = "'use client';\n// stepup-ignore-file rule-f: generated\nimport x from 'y';\n\
                   // stepup-ignore rule-a, rule-b: on purpose\nf();\ng(); // stepup-ignore rule-c: ok\n\
                   <div>\n  {/* stepup-ignore rule-d: jsx */}\n  <a/>\n</div>;\n";
        let s = collect(src);
        assert!(s.invalid.is_empty(), "{:?}", s.invalid);
        let scopes: Vec<_> = s
            .directives
            .iter()
            .map(|d| (d.scope, d.rules.join(",")))
            .collect();
        assert_eq!(
            scopes,
            [
                (Scope::File, "rule-f".to_string()),
                (Scope::Line(4), "rule-a,rule-b".to_string()),
                (Scope::Line(5), "rule-c".to_string()),
                (Scope::Line(8), "rule-d".to_string()),
            ]
        );
        let f_call = src.find("f();").unwrap();
        assert_eq!(s.matching(f_call, "rule-b"), Some(1));
        assert_eq!(s.matching(f_call, "rule-c"), None);
        assert_eq!(s.matching(0, "rule-f"), Some(0));
        assert_eq!(s.directives[1].reason, "on purpose");
    }

    #[test]
    fn malformed_directives_are_reported_not_applied() {
        let src = "f();\n// stepup-ignore-file rule-a: too late\n// stepup-ignore rule-a\n\
                   // stepup-ignore rule-a:   \n// stepup-ignore nope: why\n// stepup-ignore : why\n\
                   const s = '// stepup-ignore rule-a: in a string';\n// stepup-ignored rule-a: other word\n";
        let s = collect(src);
        assert!(s.directives.is_empty());
        let messages: Vec<&str> = s.invalid.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(messages.len(), 5, "{messages:?}");
        assert!(messages[0].contains("must come before the file's code"));
        assert!(messages[1].contains("needs a reason after a colon"));
        assert!(messages[2].contains("needs a reason after the colon"));
        assert!(messages[3].contains("`nope`, which is not a stepup rule"));
        assert!(messages[4].contains("names no rule"));
    }
}
