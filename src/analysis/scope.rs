//! Lexical scopes: which identifiers refer to a given binding.

use crate::analysis::Field;

use super::text;
use tree_sitter::Node;

pub fn is_function(kind: &str) -> bool {
    matches!(
        kind,
        "arrow_function"
            | "function_expression"
            | "function"
            | "function_declaration"
            | "generator_function"
            | "generator_function_declaration"
            | "method_definition"
    )
}

/// The innermost function containing `node` (not `node` itself).
pub fn enclosing_function(node: Node) -> Option<Node> {
    let mut cur = node.parent();
    while let Some(n) = cur {
        if is_function(n.kind()) {
            return Some(n);
        }
        cur = n.parent();
    }
    None
}

/// Every name a pattern binds.
fn pattern_names<'s>(pattern: Node, src: &'s str, out: &mut Vec<&'s str>) {
    match pattern.kind() {
        "identifier" | "shorthand_property_identifier_pattern" => out.push(text(pattern, src)),
        "pair_pattern" => {
            if let Some(v) = pattern.field("value") {
                pattern_names(v, src, out)
            }
        }
        "assignment_pattern" | "object_assignment_pattern" => {
            if let Some(v) = pattern.field("left") {
                pattern_names(v, src, out)
            }
        }
        "required_parameter" | "optional_parameter" => {
            if let Some(v) = pattern.field("pattern") {
                pattern_names(v, src, out)
            }
        }
        "object_pattern" | "array_pattern" | "rest_pattern" | "formal_parameters" => {
            let mut cursor = pattern.walk();
            for c in pattern.named_children(&mut cursor) {
                pattern_names(c, src, out);
            }
        }
        _ => {}
    }
}

fn declaration_names<'s>(stmt: Node, src: &'s str, out: &mut Vec<&'s str>) {
    match stmt.kind() {
        "lexical_declaration" | "variable_declaration" => {
            let mut cursor = stmt.walk();
            for d in stmt.named_children(&mut cursor) {
                if d.kind() == "variable_declarator"
                    && let Some(n) = d.field("name")
                {
                    pattern_names(n, src, out);
                }
            }
        }
        "function_declaration" | "generator_function_declaration" | "class_declaration" => {
            if let Some(n) = stmt.field("name") {
                out.push(text(n, src));
            }
        }
        "export_statement" => {
            if let Some(d) = stmt.field("declaration") {
                declaration_names(d, src, out)
            }
        }
        _ => {}
    }
}

/// The names this function, block, loop or catch clause binds for itself.
pub fn declared_names<'s>(scope: Node, src: &'s str) -> Vec<&'s str> {
    let mut out = Vec::new();
    if is_function(scope.kind()) {
        for field in ["parameters", "parameter"] {
            if let Some(p) = scope.field(field) {
                pattern_names(p, src, &mut out);
            }
        }
    } else if scope.kind() == "catch_clause" {
        if let Some(p) = scope.field("parameter") {
            pattern_names(p, src, &mut out);
        }
    } else if matches!(scope.kind(), "for_in_statement" | "for_statement") {
        if let Some(l) = scope.field("left").or_else(|| scope.field("initializer")) {
            declaration_names(l, src, &mut out);
            pattern_names(l, src, &mut out);
        }
    } else if matches!(scope.kind(), "statement_block" | "program" | "switch_body") {
        let mut cursor = scope.walk();
        for stmt in scope.named_children(&mut cursor) {
            declaration_names(stmt, src, &mut out);
        }
    }
    out
}

/// For each (name, its declaring pattern), the identifiers under `scope`
/// that refer to the binding made in `scope` itself: occurrences under a
/// nested function or block that declares its own binding of the name are
/// someone else's, and the declaring pattern is skipped. One walk, linear in
/// the size of the scope whatever the number of names.
pub fn references_of<'t>(
    scope: Node<'t>,
    names: &[(&str, (usize, usize))],
    src: &str,
) -> std::collections::HashMap<String, Vec<Node<'t>>> {
    use std::collections::HashMap;
    let wanted: HashMap<&str, (usize, usize)> = names.iter().copied().collect();
    let mut shadowed: HashMap<&str, usize> = HashMap::new();
    let mut out: HashMap<String, Vec<Node<'t>>> = HashMap::new();
    // Names each open node shadows, popped when the walk leaves it.
    let mut open: Vec<Vec<&str>> = Vec::new();
    let mut cursor = scope.walk();
    loop {
        let node = cursor.node();
        let mut mine = Vec::new();
        if node.id() != scope.id() {
            for n in declared_names(node, src) {
                if let Some((key, _)) = wanted.get_key_value(n) {
                    *shadowed.entry(key).or_default() += 1;
                    mine.push(*key);
                }
            }
        }
        if matches!(node.kind(), "identifier" | "shorthand_property_identifier") {
            let t = text(node, src);
            if let Some(exclude) = wanted.get(t)
                && shadowed.get(t).copied().unwrap_or(0) == 0
                && !(node.start_byte() >= exclude.0 && node.end_byte() <= exclude.1)
            {
                out.entry(t.to_string()).or_default().push(node);
            }
        }
        open.push(mine);
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            for n in open.pop().expect("an open node") {
                *shadowed.get_mut(n).expect("counted") -= 1;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return out;
            }
        }
    }
}

/// Is `name` spelled by an identifier anywhere under `root`?
pub fn name_in_use(root: Node, name: &str, src: &str) -> bool {
    if !text(root, src).contains(name) {
        return false;
    }
    super::descendants(root).into_iter().any(|n| {
        matches!(
            n.kind(),
            "identifier"
                | "shorthand_property_identifier"
                | "shorthand_property_identifier_pattern"
        ) && text(n, src) == name
    })
}
