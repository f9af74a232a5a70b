//! What a module re-exports: `export * from`, `export { a as b } from`,
//! `import { x as y } …; export const z = y;`. Pure: a syntax tree in, the
//! module's re-export table out.

use crate::analysis::Field;

use super::imports::esm_import;
use super::{descendants, string_value, text};
use std::collections::{HashMap, HashSet};
use tree_sitter::Node;

/// What one module exports that could come from elsewhere.
#[derive(Debug, Default)]
pub struct ModuleExports {
    /// `export * from 'spec'`
    pub stars: Vec<String>,
    /// `export { imported as exported } from 'spec'`: exported → (spec, imported)
    pub from: HashMap<String, (String, String)>,
    /// `export { local as exported }` / `export const exported = local`: exported → local
    pub locals: HashMap<String, String>,
    /// `import { imported as local } from 'spec'`: local → (spec, imported)
    pub imports: HashMap<String, (String, String)>,
    /// Names the module defines itself (they shadow star re-exports).
    pub own: HashSet<String>,
}

impl ModuleExports {
    pub fn is_empty(&self) -> bool {
        self.stars.is_empty() && self.from.is_empty() && self.locals.is_empty()
    }
}

/// The re-exports of one parsed module.
pub fn module_exports(root: Node, src: &str) -> ModuleExports {
    let mut m = ModuleExports::default();
    let mut cursor = root.walk();
    for stmt in root.named_children(&mut cursor) {
        match stmt.kind() {
            "import_statement" => {
                // The same reading of specifiers as a call site's (type-only
                // imports bind no value; string names are unquoted).
                let Some(decl) = esm_import(stmt, src) else {
                    continue;
                };
                for spec in decl
                    .named
                    .into_iter()
                    .filter(|s| !(decl.type_only || s.is_type))
                {
                    m.imports
                        .insert(spec.local, (decl.module.clone(), spec.imported));
                }
            }
            "export_statement" => {
                let source = stmt.field("source").and_then(|s| string_value(s, src));
                if let Some(decl) = stmt.field("declaration") {
                    export_declaration(decl, src, &mut m);
                    continue;
                }
                let clause = descendants(stmt)
                    .into_iter()
                    .find(|n| n.kind() == "export_clause");
                match (source, clause) {
                    (Some(spec), None) => {
                        if !descendants(stmt)
                            .iter()
                            .any(|n| n.kind() == "namespace_export")
                        {
                            m.stars.push(spec.to_string());
                        }
                    }
                    (source, Some(clause)) => {
                        let mut c = clause.walk();
                        for s in clause
                            .named_children(&mut c)
                            .filter(|n| n.kind() == "export_specifier")
                        {
                            let Some(name) = s.field("name") else {
                                continue;
                            };
                            let name = text(name, src).to_string();
                            let exported = s
                                .field("alias")
                                .map(|a| text(a, src).to_string())
                                .unwrap_or(name.clone());
                            match source {
                                Some(spec) => {
                                    m.from.insert(exported, (spec.to_string(), name));
                                }
                                None => {
                                    m.locals.insert(exported, name);
                                }
                            }
                        }
                    }
                    (None, None) => {}
                }
            }
            _ => {}
        }
    }
    m
}

fn export_declaration(decl: Node, src: &str, m: &mut ModuleExports) {
    if matches!(decl.kind(), "lexical_declaration" | "variable_declaration") {
        let mut c = decl.walk();
        for d in decl
            .named_children(&mut c)
            .filter(|n| n.kind() == "variable_declarator")
        {
            let (Some(name), value) = (d.field("name"), d.field("value")) else {
                continue;
            };
            if name.kind() != "identifier" {
                continue;
            }
            let exported = text(name, src).to_string();
            match value.filter(|v| v.kind() == "identifier") {
                Some(v) => {
                    m.locals.insert(exported, text(v, src).to_string());
                }
                None => {
                    m.own.insert(exported);
                }
            }
        }
    } else if let Some(name) = decl.field("name") {
        m.own.insert(text(name, src).to_string());
    }
}
