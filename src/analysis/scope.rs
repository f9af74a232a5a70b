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

/// Does this pattern (identifier, object/array pattern, default value…) bind `name`?
pub fn pattern_binds(pattern: Node, name: &str, src: &str) -> bool {
    match pattern.kind() {
        "identifier" | "shorthand_property_identifier_pattern" => text(pattern, src) == name,
        "pair_pattern" => pattern
            .field("value")
            .is_some_and(|v| pattern_binds(v, name, src)),
        "assignment_pattern" | "object_assignment_pattern" => pattern
            .field("left")
            .is_some_and(|v| pattern_binds(v, name, src)),
        "required_parameter" | "optional_parameter" => pattern
            .field("pattern")
            .is_some_and(|v| pattern_binds(v, name, src)),
        "object_pattern" | "array_pattern" | "rest_pattern" | "formal_parameters" => {
            let mut cursor = pattern.walk();
            pattern
                .named_children(&mut cursor)
                .any(|c| pattern_binds(c, name, src))
        }
        _ => false,
    }
}

/// Does this function or block introduce its own binding of `name`?
pub fn declares(scope: Node, name: &str, src: &str) -> bool {
    if is_function(scope.kind()) {
        if let Some(params) = scope.field("parameters")
            && pattern_binds(params, name, src)
        {
            return true;
        }
        if let Some(param) = scope.field("parameter")
            && pattern_binds(param, name, src)
        {
            return true;
        }
        return false;
    }
    if scope.kind() == "catch_clause" {
        return scope
            .field("parameter")
            .is_some_and(|p| pattern_binds(p, name, src));
    }
    if matches!(scope.kind(), "for_in_statement" | "for_statement") {
        let left = scope.field("left").or_else(|| scope.field("initializer"));
        return left
            .is_some_and(|l| declaration_binds(l, name, src) || pattern_binds(l, name, src));
    }
    if !matches!(scope.kind(), "statement_block" | "program" | "switch_body") {
        return false;
    }
    let mut cursor = scope.walk();
    scope
        .named_children(&mut cursor)
        .any(|stmt| declaration_binds(stmt, name, src))
}

fn declaration_binds(stmt: Node, name: &str, src: &str) -> bool {
    match stmt.kind() {
        "lexical_declaration" | "variable_declaration" => {
            let mut cursor = stmt.walk();
            stmt.named_children(&mut cursor).any(|d| {
                d.kind() == "variable_declarator"
                    && d.field("name").is_some_and(|n| pattern_binds(n, name, src))
            })
        }
        "function_declaration" | "generator_function_declaration" | "class_declaration" => {
            stmt.field("name").is_some_and(|n| text(n, src) == name)
        }
        "export_statement" => stmt
            .field("declaration")
            .is_some_and(|d| declaration_binds(d, name, src)),
        _ => false,
    }
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

/// The names this function or block binds for itself (what `declares` tests one by one).
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

/// `references` for many names of one scope in a single walk: for each
/// (name, its declaring pattern), the identifiers that refer to the binding
/// made in `scope`. Linear in the size of the scope, whatever the number of names.
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

/// Identifiers under `scope` that refer to the binding of `name` made in
/// `scope` itself: occurrences under a nested function or block that declares
/// its own `name` are someone else's. `exclude` (the declaring pattern) is skipped.
pub fn references<'t>(
    scope: Node<'t>,
    name: &str,
    exclude: (usize, usize),
    src: &str,
) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut cursor = scope.walk();
    let mut stack = vec![scope];
    while let Some(node) = stack.pop() {
        if node.start_byte() >= exclude.0 && node.end_byte() <= exclude.1 && node != scope {
            continue;
        }
        if node != scope && node.id() != scope.id() && declares(node, name, src) {
            continue;
        }
        if matches!(node.kind(), "identifier" | "shorthand_property_identifier")
            && text(node, src) == name
        {
            out.push(node);
            continue;
        }
        let children: Vec<Node> = node.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    out.sort_by_key(|n| n.start_byte());
    out
}

/// Is `name` in use anywhere in the file as an identifier (a binding or a
/// reference)? Used to keep new names from clashing with existing ones.
pub fn name_in_use(root: Node, name: &str, src: &str) -> bool {
    if !src.contains(name) {
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
