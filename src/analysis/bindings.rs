//! Which local names are bound to Dynamic imports.

use crate::analysis::Field;

use super::text;
use crate::table::Table;
use tree_sitter::Node;

pub use super::imports::{DynamicImport, ImportDecl, ImportForm, ImportSpec};
use super::imports::{esm_import, require_import};

#[derive(Debug, Default)]
pub struct Bindings {
    pub imports: Vec<ImportDecl>,
}

impl Bindings {
    pub fn from_tree(root: Node, src: &str) -> Bindings {
        let mut imports = Vec::new();
        let mut cursor = root.walk();
        for stmt in root.named_children(&mut cursor) {
            match stmt.kind() {
                "import_statement" => {
                    if let Some(d) = esm_import(stmt, src) {
                        imports.push(d)
                    }
                }
                "lexical_declaration" | "variable_declaration" => {
                    if let Some(d) = require_import(stmt, src) {
                        imports.push(d)
                    }
                }
                _ => {}
            }
        }
        // Dynamic imports sit inside functions: `const { f } = await import('m')`.
        if src.contains("import(") {
            for n in super::descendants(root) {
                if matches!(n.kind(), "lexical_declaration" | "variable_declaration")
                    && n.parent().is_some_and(|p| p.id() != root.id())
                    && let Some(d) =
                        require_import(n, src).filter(|d| d.form == ImportForm::Dynamic)
                {
                    imports.push(d);
                }
            }
        }
        Bindings { imports }
    }

    /// Give imports from local barrels the Dynamic origins of their names.
    /// Only imports that bring in a name stepup cares about (`relevant`), or a
    /// whole module, are resolved: resolution costs file-system look-ups.
    pub fn attach_barrels(
        &mut self,
        ws: &dyn super::barrels::Workspace,
        table: &Table,
        dir: &std::path::Path,
        relevant: &dyn Fn(&str) -> bool,
    ) {
        for decl in &mut self.imports {
            let whole = decl.namespace.is_some() || decl.default.is_some();
            if !whole && !decl.named.iter().any(|s| relevant(&s.imported)) {
                continue;
            }
            let Some(barrel) = super::barrels::lookup(ws, table, dir, &decl.module) else {
                continue;
            };
            decl.star_modules = barrel.stars.clone();
            for spec in &mut decl.named {
                spec.origin = barrel.origin(&spec.imported);
            }
        }
    }

    pub fn dynamic_imports<'a>(&'a self, rules: &'a Table) -> impl Iterator<Item = &'a ImportDecl> {
        self.imports.iter().filter(move |d| d.is_dynamic(rules))
    }

    pub fn has_dynamic_import(&self, rules: &Table) -> bool {
        self.dynamic_imports(rules).next().is_some()
    }

    /// The import declaration a callee's name comes from: its named import,
    /// or the namespace of `ns.f`.
    pub fn declaration_of(&self, node: Node, src: &str) -> Option<&ImportDecl> {
        match node.kind() {
            "identifier" => {
                let name = text(node, src);
                self.imports
                    .iter()
                    .find(|d| d.named.iter().any(|s| s.local == name))
            }
            "member_expression" => {
                let object = text(node.field("object")?, src);
                self.imports
                    .iter()
                    .find(|d| d.namespace.as_deref() == Some(object))
            }
            _ => None,
        }
    }

    /// What a bare identifier is bound to, if it is a Dynamic named import.
    pub fn resolve(&self, name: &str, rules: &Table) -> Option<DynamicImport> {
        self.dynamic_imports(rules).find_map(|d| {
            d.named
                .iter()
                .find(|s| s.local == name)
                .and_then(|s| d.origin_of(s, rules))
        })
    }

    /// The Dynamic module a namespace (or default/CommonJS) binding stands for.
    pub fn namespace_module<'a>(&'a self, name: &str, rules: &'a Table) -> Option<&'a str> {
        self.dynamic_imports(rules).find_map(|d| {
            if d.namespace.as_deref() != Some(name) && d.default.as_deref() != Some(name) {
                return None;
            }
            if rules.is_dynamic_module(&d.module) {
                Some(d.module.as_str())
            } else {
                d.star_modules.first().map(|m| m.as_str())
            }
        })
    }

    /// The Dynamic export a callee or value expression names: `useMfa`,
    /// `useDynamicMfa` (aliased) or `Dynamic.useMfa` (namespace).
    pub fn dynamic_name(&self, node: Node, src: &str, rules: &Table) -> Option<DynamicImport> {
        match node.kind() {
            "identifier" => self.resolve(text(node, src), rules),
            "member_expression" => {
                let object = node.field("object")?;
                let property = node.field("property")?;
                if object.kind() != "identifier" || property.kind() != "property_identifier" {
                    return None;
                }
                let module = self.namespace_module(text(object, src), rules)?;
                Some(DynamicImport {
                    module: module.to_string(),
                    imported: text(property, src).to_string(),
                })
            }
            _ => None,
        }
    }

    /// How code in this file can name `imported` from `module` right now:
    /// its local name, or `ns.imported` through a namespace import.
    /// Dynamic imports are left out: their names live in one function only.
    pub fn local_access(&self, module: &str, imported: &str) -> Option<String> {
        for d in self
            .imports
            .iter()
            .filter(|d| d.form != ImportForm::Dynamic)
        {
            let direct = d.module == module;
            let via_star = d.star_modules.iter().any(|m| m == module);
            let named = d.named.iter().find(|s| {
                (direct && s.imported == imported)
                    || s.origin
                        .as_ref()
                        .is_some_and(|o| o.module == module && o.imported == imported)
            });
            if !direct && !via_star && named.is_none() {
                continue;
            }
            if let Some(s) = named
                && !(d.type_only || s.is_type)
            {
                return Some(s.local.clone());
            }
            if let Some(ns) = &d.namespace
                && !d.type_only
            {
                return Some(format!("{ns}.{imported}"));
            }
        }
        None
    }
}
