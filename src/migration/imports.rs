//! The import pass, run on the text after the call-site edits: add what the
//! new code needs, drop Dynamic names the rewrite left unreferenced, keep the
//! file's quote, semicolon and brace layout.

use super::ImportNeed;
use super::syntax::{format_braces, statement_removal};
use crate::analysis::bindings::{Bindings, ImportDecl, ImportForm, ImportSpec};
use crate::edit::Edit;
use crate::table::Table;
use std::collections::{BTreeSet, HashSet};
use tree_sitter::Node;

/// The imported names the import pass may drop that occur as an identifier
/// outside import statements. Each occurrence of such a name in the text is
/// looked up in the tree, and a name is done at its first reference.
pub fn referenced_names(
    root: Node,
    src: &str,
    bindings: &Bindings,
    rules: &Table,
) -> HashSet<String> {
    let inside_import = |pos: usize| {
        bindings
            .imports
            .iter()
            .any(|d| pos >= d.start && pos < d.end)
    };
    let mut found = HashSet::new();
    for name in droppable_locals(bindings, rules) {
        let referenced = memchr::memmem::find_iter(src.as_bytes(), name.as_bytes())
            .filter(|&at| !inside_import(at))
            .any(|at| {
                root.named_descendant_for_byte_range(at, at + name.len())
                    .is_some_and(|n| {
                        matches!(
                            n.kind(),
                            "identifier" | "shorthand_property_identifier" | "type_identifier"
                        ) && n.byte_range() == (at..at + name.len())
                    })
            });
        if referenced {
            found.insert(name.to_string());
        }
    }
    found
}

/// Local names of imported Dynamic names that go when nothing uses them.
fn droppable_locals<'b>(bindings: &'b Bindings, rules: &Table) -> BTreeSet<&'b str> {
    let drop_when_unused = rules.drop_when_unused();
    let mut names = BTreeSet::new();
    for decl in &bindings.imports {
        for s in &decl.named {
            if decl
                .origin_of(s, rules)
                .is_some_and(|o| drop_when_unused.contains(&o.imported.as_str()))
            {
                names.insert(s.local.as_str());
            }
        }
    }
    names
}

pub fn plan(
    src: &str,
    root: Node,
    bindings: &Bindings,
    rules: &Table,
    needs: &[ImportNeed],
    before: &HashSet<String>,
    newline: &str,
) -> Vec<Edit> {
    let after = referenced_names(root, src, bindings, rules);
    let drop_when_unused = rules.drop_when_unused();
    let unused_now = |decl: &ImportDecl, s: &ImportSpec| {
        !decl.braces_have_comment
            && decl
                .origin_of(s, rules)
                .is_some_and(|o| drop_when_unused.contains(&o.imported.as_str()))
            && before.contains(&s.local)
            && !after.contains(&s.local)
    };
    let mut edits = Vec::new();
    let mut deleted: Vec<(usize, usize)> = Vec::new();
    let mut pending: Vec<&ImportNeed> = needs
        .iter()
        .filter(|n| {
            bindings.local_access(&n.module, &n.imported).as_deref() != Some(n.local.as_str())
        })
        .collect();
    for decl in &bindings.imports {
        let drop: Vec<bool> = decl.named.iter().map(|s| unused_now(decl, s)).collect();
        let can_add = !decl.type_only && decl.braces.is_some();
        let adds: Vec<&ImportNeed> = pending
            .iter()
            .copied()
            .filter(|n| {
                can_add && (n.module == decl.module || decl.star_modules.contains(&n.module))
            })
            .collect();
        if adds.is_empty() && !drop.contains(&true) {
            continue;
        }
        pending.retain(|n| !adds.contains(n));
        match rewrite_declaration(src, decl, &drop, &adds, newline) {
            DeclEdit::Edit(e) => edits.push(e),
            DeclEdit::Delete(e, line_start) => {
                edits.push(e);
                deleted.push((decl.start, line_start));
            }
        }
    }
    if !pending.is_empty() {
        edits.push(new_imports(bindings, rules, &pending, &deleted, newline));
    }
    edits
}

enum DeclEdit {
    Edit(Edit),
    /// The whole statement goes; the start of its first line.
    Delete(Edit, usize),
}

/// One import declaration with the unused names dropped and the needed ones added.
fn rewrite_declaration(
    src: &str,
    decl: &ImportDecl,
    drop: &[bool],
    adds: &[&ImportNeed],
    newline: &str,
) -> DeclEdit {
    let mut items: Vec<String> = decl
        .named
        .iter()
        .zip(drop)
        .filter(|(_, d)| !**d)
        .map(|(s, _)| src[s.start..s.end].to_string())
        .collect();
    items.extend(adds.iter().map(|n| specifier(decl.form, n)));
    if items.is_empty() && decl.default.is_none() && decl.namespace.is_none() {
        let (s, e) = statement_removal(src, decl.start, decl.end);
        return DeclEdit::Delete(Edit::delete(s, e), s);
    }
    let (bs, be) = decl.braces.expect("named imports have braces");
    if items.is_empty() {
        // `import X, { a } from 'm'` losing its last named import.
        let from = src[..bs].rfind(',').unwrap_or(bs);
        DeclEdit::Edit(Edit::delete(from, be))
    } else {
        DeclEdit::Edit(Edit::replace(
            bs,
            be,
            format_braces(&src[bs..be], &items, newline),
        ))
    }
}

/// Modules with no import to merge into get a statement of their own, after
/// the last import, in the file's style (quote, semicolon, ESM or require).
fn new_imports(
    bindings: &Bindings,
    rules: &Table,
    pending: &[&ImportNeed],
    deleted: &[(usize, usize)],
    newline: &str,
) -> Edit {
    let mut by_module: Vec<(&str, Vec<&ImportNeed>)> = Vec::new();
    for n in pending {
        match by_module.iter_mut().find(|(m, _)| *m == n.module) {
            Some((_, v)) => v.push(n),
            None => by_module.push((&n.module, vec![n])),
        }
    }
    // A dynamic import sets no style and anchors nothing: it sits in a function.
    let statics: Vec<&ImportDecl> = bindings
        .imports
        .iter()
        .filter(|d| d.form != ImportForm::Dynamic)
        .collect();
    let style = statics
        .iter()
        .find(|d| d.is_dynamic(rules))
        .or(statics.first())
        .copied();
    let quote = style.map(|d| d.quote).unwrap_or('\'');
    let semi = if style.is_none_or(|d| d.semicolon) {
        ";"
    } else {
        ""
    };
    let form = style.map(|d| d.form).unwrap_or(ImportForm::Esm);
    let anchor = bindings
        .imports
        .iter()
        .filter(|d| d.form == form && !deleted.iter().any(|(start, _)| *start == d.start))
        .map(|d| d.end)
        .max();
    // With every import gone, the new one takes the place of the first removed one.
    let head = deleted
        .iter()
        .map(|(_, line_start)| *line_start)
        .min()
        .unwrap_or(0);
    let mut text_out = String::new();
    for (module, names) in by_module {
        let list: Vec<String> = names.iter().map(|n| specifier(form, n)).collect();
        let stmt = match form {
            ImportForm::Esm => format!(
                "import {{ {} }} from {quote}{module}{quote}{semi}",
                list.join(", ")
            ),
            ImportForm::Require | ImportForm::Dynamic => format!(
                "const {{ {} }} = require({quote}{module}{quote}){semi}",
                list.join(", ")
            ),
        };
        if anchor.is_some() {
            text_out.push_str(newline);
            text_out.push_str(&stmt);
        } else {
            text_out.push_str(&stmt);
            text_out.push_str(newline);
        }
    }
    Edit::insert(anchor.unwrap_or(head), text_out)
}

fn specifier(form: ImportForm, n: &ImportNeed) -> String {
    if n.local == n.imported {
        n.imported.clone()
    } else if form == ImportForm::Esm {
        format!("{} as {}", n.imported, n.local)
    } else {
        format!("{}: {}", n.imported, n.local)
    }
}
