//! File extension → tree-sitter grammar.

use std::path::Path;
use tree_sitter::Language;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    TypeScript,
    /// TSX, also used for plain JavaScript: JSX in `.js` files is common in React apps.
    Tsx,
}

impl Lang {
    pub fn from_path(path: &Path) -> Option<Lang> {
        let ext = path.extension()?.to_str()?;
        match ext {
            "ts" | "mts" | "cts" => Some(Lang::TypeScript),
            "tsx" | "js" | "jsx" | "mjs" | "cjs" => Some(Lang::Tsx),
            _ => None,
        }
        .filter(|_| {
            // Declaration files describe an API, they hold no calls to migrate.
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            !(name.ends_with(".d.ts") || name.ends_with(".d.mts") || name.ends_with(".d.cts"))
        })
    }

    pub fn language(self) -> Language {
        match self {
            Lang::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Lang::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
        }
    }

    pub fn parse(self, src: &str) -> tree_sitter::Tree {
        self.parse_with(src, None)
    }

    /// Parse `new_src`, the text of `old` after `edits` (in `old_src`'s
    /// offsets): tree-sitter reuses every subtree the edits did not touch.
    /// The old tree is taken: edited in place, or freed before a fresh parse,
    /// so that two whole trees of a large file are never held at once.
    pub fn reparse(
        self,
        old: tree_sitter::Tree,
        old_src: &str,
        edits: &[crate::edit::Edit],
        new_src: &str,
    ) -> tree_sitter::Tree {
        // Each edit of a tree costs a walk of its spine: past a few dozen
        // edits a fresh parse (linear in the text) is cheaper.
        if edits.len() > 64 {
            drop(old);
            return self.parse(new_src);
        }
        let mut tree = old;
        let mut sorted: Vec<&crate::edit::Edit> = edits.iter().collect();
        sorted.sort_by_key(|e| std::cmp::Reverse((e.start, e.end)));
        sorted.dedup_by(|a, b| a == b);
        let lines = LineStarts::new(old_src);
        // Last edit first: the offsets of the ones before it stay valid.
        for e in sorted {
            let start_position = lines.point(e.start);
            tree.edit(&tree_sitter::InputEdit {
                start_byte: e.start,
                old_end_byte: e.end,
                new_end_byte: e.start + e.text.len(),
                start_position,
                old_end_position: lines.point(e.end),
                new_end_position: advance(start_position, &e.text),
            });
        }
        self.parse_with(new_src, Some(&tree))
    }

    fn parse_with(self, src: &str, old: Option<&tree_sitter::Tree>) -> tree_sitter::Tree {
        thread_local! {
            static PARSERS: std::cell::RefCell<[Option<tree_sitter::Parser>; 2]> = const { std::cell::RefCell::new([None, None]) };
        }
        PARSERS.with(|parsers| {
            let mut parsers = parsers.borrow_mut();
            let parser = parsers[self as usize].get_or_insert_with(|| {
                let mut p = tree_sitter::Parser::new();
                p.set_language(&self.language())
                    .expect("grammar version matches the tree-sitter runtime");
                p
            });
            parser
                .parse(src, old)
                .expect("parsing without a timeout or cancellation always yields a tree")
        })
    }
}

/// Where each line starts: a byte offset's row and column by binary search,
/// so many edits cost one pass over the text.
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(src: &str) -> LineStarts {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', src.as_bytes()).map(|i| i + 1));
        LineStarts(starts)
    }

    fn point(&self, offset: usize) -> tree_sitter::Point {
        let row = self.0.partition_point(|&s| s <= offset) - 1;
        tree_sitter::Point {
            row,
            column: offset - self.0[row],
        }
    }
}

fn advance(start: tree_sitter::Point, text: &str) -> tree_sitter::Point {
    match text.rfind('\n') {
        Some(i) => tree_sitter::Point {
            row: start.row + text.matches('\n').count(),
            column: text.len() - i - 1,
        },
        None => tree_sitter::Point {
            row: start.row,
            column: start.column + text.len(),
        },
    }
}

/// Number of ERROR and MISSING nodes: the measure "did an edit break the syntax".
pub fn syntax_error_count(tree: &tree_sitter::Tree) -> usize {
    let mut count = 0;
    let mut cursor = tree.walk();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if !node.has_error() {
            continue;
        }
        if node.is_error() || node.is_missing() {
            count += 1;
        }
        stack.extend(node.children(&mut cursor));
    }
    count
}

/// Byte ranges of ERROR / MISSING nodes, to keep edits away from them.
pub fn error_ranges(tree: &tree_sitter::Tree) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut cursor = tree.walk();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if !node.has_error() {
            continue;
        }
        if node.is_error() || node.is_missing() {
            out.push((node.start_byte(), node.end_byte()));
            continue;
        }
        stack.extend(node.children(&mut cursor));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Lang;
    use crate::edit::{Edit, apply};

    #[test]
    fn incremental_reparse_equals_a_full_parse() {
        let src = "import { a } from 'x';\r\nconst f = () => {\n  a({ b: 1 });\n};\n";
        let edits = vec![
            Edit::replace(9, 10, "bb, c"),
            Edit::replace(
                src.find("b: 1").unwrap(),
                src.find("b: 1").unwrap() + 4,
                "requestedScopes: [\n  T.X]",
            ),
            Edit::insert(src.len(), "export {};\n"),
        ];
        let out = apply(src, &edits).unwrap();
        let old = Lang::Tsx.parse(src);
        let incremental = Lang::Tsx.reparse(old, src, &edits, &out);
        assert_eq!(
            incremental.root_node().to_sexp(),
            Lang::Tsx.parse(&out).root_node().to_sexp()
        );
    }
}
