//! Modules of the app that re-export a legacy name (`legacy-reexport`).

use crate::analysis::Field;

use super::super::FileCtx;
use crate::analysis::text;
use crate::finding::Finding;
use tree_sitter::Node;

/// A module of the app that re-exports a legacy name (`export { useMfa } from
/// '@dynamic-labs/…'`, `export const useMfa = sdkUseMfa`): dead after the
/// migration. Reported, not rewritten: other code may still import it.
pub fn report(ctx: &FileCtx, findings: &mut Vec<Finding>) {
    let src = ctx.src;
    let legacy = |name: &str| ctx.table.is_legacy_hook(name) || name == ctx.table.action_enum;
    let mut cursor = ctx.root.walk();
    for stmt in ctx
        .root
        .named_children(&mut cursor)
        .filter(|n| n.kind() == "export_statement")
    {
        let source = stmt
            .field("source")
            .and_then(|s| crate::analysis::string_value(s, src));
        // The export clause's specifiers and `export const` declarators; never
        // the body of an exported function.
        let mut c2 = stmt.walk();
        let parts: Vec<Node> = stmt
            .named_children(&mut c2)
            .flat_map(|child| {
                let mut c3 = child.walk();
                let inner: Vec<Node> = match child.kind() {
                    "export_clause" | "lexical_declaration" | "variable_declaration" => {
                        child.named_children(&mut c3).collect()
                    }
                    _ => vec![],
                };
                inner
            })
            .collect();
        for node in parts {
            let (name, origin) = match node.kind() {
                "export_specifier" => {
                    let Some(n) = node.field("name") else {
                        continue;
                    };
                    let name = text(n, src);
                    let origin = match source {
                        Some(m) if ctx.table.is_dynamic_module(m) => Some(name.to_string()),
                        Some(_) => None,
                        None => ctx.bindings.resolve(name, ctx.table).map(|d| d.imported),
                    };
                    (node, origin)
                }
                "variable_declarator" => {
                    let Some(v) = node.field("value").filter(|v| v.kind() == "identifier") else {
                        continue;
                    };
                    (
                        node,
                        ctx.bindings
                            .resolve(text(v, src), ctx.table)
                            .map(|d| d.imported),
                    )
                }
                _ => continue,
            };
            if let Some(origin) = origin.filter(|o| legacy(o)) {
                findings.push(Finding::warning(
                    name.start_byte(),
                    "legacy-reexport",
                    format!(
                        "this module re-exports the legacy `{origin}`; once its importers are migrated, remove it"
                    ),
                ));
            }
        }
    }
}
