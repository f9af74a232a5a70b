//! Import statements as data: `import … from 'm'` and top-level `require`
//! destructuring, read the same way for call sites and for barrels.

use crate::analysis::Field;

use super::{string_value, text};
use crate::table::Table;
use tree_sitter::Node;

#[derive(Debug, Clone)]
pub struct ImportSpec {
    pub imported: String,
    pub local: String,
    pub start: usize,
    pub end: usize,
    pub is_type: bool,
    /// For an import from a local barrel: the Dynamic export it stands for.
    pub origin: Option<DynamicImport>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportForm {
    /// `import … from 'm'`
    Esm,
    /// `const { … } = require('m')`
    Require,
    /// `const { … } = await import('m')`, anywhere in the file.
    Dynamic,
}

/// One import statement (or top-level `require` destructuring) of any module.
#[derive(Debug, Clone)]
pub struct ImportDecl {
    pub start: usize,
    pub end: usize,
    pub module: String,
    pub quote: char,
    pub form: ImportForm,
    pub type_only: bool,
    pub default: Option<String>,
    pub namespace: Option<String>,
    pub named: Vec<ImportSpec>,
    /// Byte range of `{ … }` (named imports or the require object pattern).
    pub braces: Option<(usize, usize)>,
    pub braces_have_comment: bool,
    pub semicolon: bool,
    /// For an import from a local barrel: the Dynamic modules it re-exports wholesale.
    pub star_modules: Vec<String>,
}

impl ImportDecl {
    /// The statement `stmt` importing `module` (its string literal `source`), names not yet read.
    fn empty(stmt: Node, source: Node, module: String, form: ImportForm, src: &str) -> ImportDecl {
        ImportDecl {
            start: stmt.start_byte(),
            end: stmt.end_byte(),
            module,
            quote: text(source, src).chars().next().unwrap_or('\''),
            form,
            type_only: false,
            default: None,
            namespace: None,
            named: Vec::new(),
            braces: None,
            braces_have_comment: false,
            semicolon: text(stmt, src).trim_end().ends_with(';'),
            star_modules: Vec::new(),
        }
    }

    /// Does this import bring in anything of Dynamic's, directly or through a barrel?
    pub fn is_dynamic(&self, rules: &Table) -> bool {
        rules.is_dynamic_module(&self.module)
            || !self.star_modules.is_empty()
            || self.named.iter().any(|s| s.origin.is_some())
    }

    /// What the named import `spec` of this declaration stands for, if Dynamic's.
    pub fn origin_of(&self, spec: &ImportSpec, rules: &Table) -> Option<DynamicImport> {
        if rules.is_dynamic_module(&self.module) {
            return Some(DynamicImport {
                module: self.module.clone(),
                imported: spec.imported.clone(),
            });
        }
        spec.origin.clone().or_else(|| {
            self.star_modules.first().map(|m| DynamicImport {
                module: m.clone(),
                imported: spec.imported.clone(),
            })
        })
    }
}

/// A name bound to something exported by a Dynamic package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DynamicImport {
    pub module: String,
    pub imported: String,
}

pub fn esm_import(stmt: Node, src: &str) -> Option<ImportDecl> {
    let source = stmt.field("source")?;
    let module = string_value(source, src)?.to_string();
    let mut decl = ImportDecl::empty(stmt, source, module, ImportForm::Esm, src);
    let mut cursor = stmt.walk();
    for child in stmt.children(&mut cursor) {
        if child.kind() == "type" || text(child, src) == "type" && !child.is_named() {
            decl.type_only = true;
        }
        if child.kind() != "import_clause" {
            continue;
        }
        let mut c2 = child.walk();
        for part in child.named_children(&mut c2) {
            match part.kind() {
                "identifier" => decl.default = Some(text(part, src).to_string()),
                "namespace_import" => {
                    if let Some(id) = part.named_child(0) {
                        decl.namespace = Some(text(id, src).to_string());
                    }
                }
                "named_imports" => {
                    decl.braces = Some((part.start_byte(), part.end_byte()));
                    let mut c3 = part.walk();
                    for spec in part.named_children(&mut c3) {
                        if spec.kind() == "comment" {
                            decl.braces_have_comment = true;
                            continue;
                        }
                        if spec.kind() != "import_specifier" {
                            continue;
                        }
                        let name = spec.field("name")?;
                        let alias = spec.field("alias");
                        let imported = string_value(name, src)
                            .unwrap_or(text(name, src))
                            .to_string();
                        let local = alias
                            .map(|a| text(a, src).to_string())
                            .unwrap_or(imported.clone());
                        let is_type = text(spec, src).starts_with("type ");
                        decl.named.push(ImportSpec {
                            imported,
                            local,
                            start: spec.start_byte(),
                            end: spec.end_byte(),
                            is_type,
                            origin: None,
                        });
                    }
                }
                _ => {}
            }
        }
    }
    Some(decl)
}

/// `const { a, b: c } = require('m')`, `const M = require('m')`, and the same
/// with `await import('m')` (a dynamic import).
pub fn require_import(stmt: Node, src: &str) -> Option<ImportDecl> {
    let mut cursor = stmt.walk();
    let declarators: Vec<Node> = stmt
        .named_children(&mut cursor)
        .filter(|n| n.kind() == "variable_declarator")
        .collect();
    if declarators.len() != 1 {
        return None;
    }
    let declarator = declarators[0];
    let value = declarator.field("value")?;
    // `require('m')`, or `import('m')` with or without `await`.
    let (call, form) = match value.kind() {
        "call_expression" => (value, ImportForm::Require),
        "await_expression" => (value.named_child(0)?, ImportForm::Dynamic),
        _ => return None,
    };
    if call.kind() != "call_expression" {
        return None;
    }
    let callee = call.field("function")?;
    let form = match (text(callee, src), form) {
        ("require", ImportForm::Require) => ImportForm::Require,
        ("import", _) => ImportForm::Dynamic,
        _ => return None,
    };
    let args = super::call_args(call);
    let source = *args.first()?;
    let module = string_value(source, src)?.to_string();
    let name = declarator.field("name")?;
    let mut decl = ImportDecl::empty(stmt, source, module, form, src);
    match name.kind() {
        "identifier" => decl.namespace = Some(text(name, src).to_string()),
        "object_pattern" => {
            decl.braces = Some((name.start_byte(), name.end_byte()));
            let mut c2 = name.walk();
            for p in name.named_children(&mut c2) {
                match p.kind() {
                    "shorthand_property_identifier_pattern" => {
                        let n = text(p, src).to_string();
                        decl.named.push(ImportSpec {
                            imported: n.clone(),
                            local: n,
                            start: p.start_byte(),
                            end: p.end_byte(),
                            is_type: false,
                            origin: None,
                        });
                    }
                    "pair_pattern" => {
                        let key = p.field("key")?;
                        let value = p.field("value")?;
                        if value.kind() != "identifier" {
                            continue;
                        }
                        decl.named.push(ImportSpec {
                            imported: text(key, src).to_string(),
                            local: text(value, src).to_string(),
                            start: p.start_byte(),
                            end: p.end_byte(),
                            is_type: false,
                            origin: None,
                        });
                    }
                    "comment" => decl.braces_have_comment = true,
                    _ => {}
                }
            }
        }
        _ => return None,
    }
    Some(decl)
}
