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
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&self.language())
            .expect("grammar version matches the tree-sitter runtime");
        parser
            .parse(src, None)
            .expect("parsing without a timeout or cancellation always yields a tree")
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
