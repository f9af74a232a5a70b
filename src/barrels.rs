//! Local barrels: an app's own modules that re-export Dynamic names
//! (`export * from '@dynamic-labs/sdk-react-core'`, `export { a as b } from …`,
//! `import { x as y } …; export const z = y;`, chains of them). A first pass
//! over the repository finds them; call sites importing from them then count
//! as Dynamic bindings.

use crate::analysis::Field;

use crate::analysis::bindings::DynamicImport;
use crate::analysis::{descendants, string_value, text};
use crate::lang::Lang;
use crate::ruleset::Ruleset;
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use tree_sitter::Node;

/// What one module exports that could come from elsewhere.
#[derive(Debug, Default)]
pub struct ModuleExports {
    /// `export * from 'spec'`
    stars: Vec<String>,
    /// `export { imported as exported } from 'spec'`: exported → (spec, imported)
    from: HashMap<String, (String, String)>,
    /// `export { local as exported }` / `export const exported = local`: exported → local
    locals: HashMap<String, String>,
    /// `import { imported as local } from 'spec'`: local → (spec, imported)
    imports: HashMap<String, (String, String)>,
    /// Names the module defines itself (they shadow star re-exports).
    own: HashSet<String>,
}

impl ModuleExports {
    fn is_empty(&self) -> bool {
        self.stars.is_empty() && self.from.is_empty() && self.locals.is_empty()
    }
}

/// Byte patterns that make a file worth reading for re-exports.
pub const EXPORT_PATTERNS: &[&str] = &[
    "export *",
    "export {",
    "export{",
    "export const",
    "@dynamic-labs",
];

/// The re-exports of one parsed module.
pub fn module_exports(root: Node, src: &str) -> ModuleExports {
    let mut m = ModuleExports::default();
    let mut cursor = root.walk();
    for stmt in root.named_children(&mut cursor) {
        match stmt.kind() {
            "import_statement" => {
                let Some(spec) = stmt.field("source").and_then(|s| string_value(s, src)) else {
                    continue;
                };
                for n in descendants(stmt)
                    .into_iter()
                    .filter(|n| n.kind() == "import_specifier")
                {
                    let Some(name) = n.field("name") else {
                        continue;
                    };
                    let imported = text(name, src).to_string();
                    let local = n
                        .field("alias")
                        .map(|a| text(a, src).to_string())
                        .unwrap_or(imported.clone());
                    m.imports.insert(local, (spec.to_string(), imported));
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

/// Every barrel of the scanned tree, and how to resolve specifiers to them.
#[derive(Default)]
pub struct BarrelIndex {
    modules: HashMap<PathBuf, Arc<ModuleExports>>,
    /// Modules outside the scanned paths, read when a call site imports them.
    outside: Mutex<HashMap<PathBuf, Option<Arc<ModuleExports>>>>,
    resolver: Resolver,
    prefixes: Vec<String>,
    /// Names barrels export under a name of their own (`export const checkMfa = sdkX`).
    aliases: Vec<String>,
}

impl BarrelIndex {
    pub fn new(found: Vec<(PathBuf, ModuleExports)>, rules: &Ruleset) -> BarrelIndex {
        let mut index = BarrelIndex {
            modules: found
                .into_iter()
                .filter(|(_, m)| !m.is_empty())
                .map(|(p, m)| (normalize(&p), Arc::new(m)))
                .collect(),
            outside: Mutex::new(HashMap::new()),
            resolver: Resolver::default(),
            prefixes: rules.dynamic_module_prefixes.clone(),
            aliases: Vec::new(),
        };
        let mut aliases = HashSet::new();
        for (path, m) in &index.modules {
            for name in m.from.keys().chain(m.locals.keys()) {
                if index.origin(path, name, 0).is_some() {
                    aliases.insert(name.clone());
                }
            }
        }
        index.aliases = aliases.into_iter().collect();
        index.aliases.sort();
        index
    }

    /// The exports of the module at `path`: from the first pass, or read now
    /// when the module lies outside the scanned paths.
    fn module(&self, path: &Path) -> Option<Arc<ModuleExports>> {
        if let Some(m) = self.modules.get(path) {
            return Some(m.clone());
        }
        if let Some(cached) = self.outside.lock().expect("barrel cache").get(path) {
            return cached.clone();
        }
        let loaded = read_module_exports(path)
            .filter(|m| !m.is_empty())
            .map(Arc::new);
        self.outside
            .lock()
            .expect("barrel cache")
            .insert(path.to_path_buf(), loaded.clone());
        loaded
    }

    /// Names exported by barrels with a Dynamic origin: a file that uses one may be a call site.
    pub fn exported_names(&self) -> &[String] {
        &self.aliases
    }

    fn is_dynamic(&self, spec: &str) -> bool {
        self.prefixes.iter().any(|p| spec.starts_with(p.as_str()))
    }

    /// The Dynamic export that `name` of the module at `path` stands for.
    fn origin(&self, path: &Path, name: &str, depth: usize) -> Option<DynamicImport> {
        if depth > 16 {
            return None;
        }
        let m = self.module(path)?;
        let dir = path.parent()?;
        let through = |spec: &str, imported: &str| -> Option<DynamicImport> {
            if self.is_dynamic(spec) {
                return Some(DynamicImport {
                    module: spec.to_string(),
                    imported: imported.to_string(),
                });
            }
            let target = self.resolver.resolve(dir, spec)?;
            self.origin(&target, imported, depth + 1)
        };
        if let Some((spec, imported)) = m.from.get(name) {
            return through(spec, imported);
        }
        if let Some(local) = m.locals.get(name) {
            let (spec, imported) = m.imports.get(local)?;
            return through(spec, imported);
        }
        if m.own.contains(name) {
            return None;
        }
        m.stars.iter().find_map(|spec| through(spec, name))
    }

    /// Dynamic modules whose every export the module at `path` re-exports.
    fn star_modules(&self, path: &Path, depth: usize) -> Vec<String> {
        let Some(m) = self.module(path) else {
            return vec![];
        };
        let Some(dir) = path.parent() else {
            return vec![];
        };
        let mut out = Vec::new();
        for spec in &m.stars {
            if self.is_dynamic(spec) {
                out.push(spec.clone());
            } else if depth < 16
                && let Some(target) = self.resolver.resolve(dir, spec)
            {
                out.extend(self.star_modules(&target, depth + 1));
            }
        }
        out
    }

    /// For an import of `spec` from a file in `dir`: the barrel's Dynamic
    /// star modules and a lookup of its names; None when `spec` is no barrel.
    pub fn lookup(&self, dir: &Path, spec: &str) -> Option<BarrelImport<'_>> {
        if self.is_dynamic(spec) || !(spec.starts_with('.') || self.resolver.may_alias(dir)) {
            return None;
        }
        let path = self.resolver.resolve(&normalize(dir), spec)?;
        self.module(&path).map(|_| BarrelImport {
            index: self,
            stars: self.star_modules(&path, 0),
            path,
        })
    }
}

pub struct BarrelImport<'a> {
    index: &'a BarrelIndex,
    path: PathBuf,
    pub stars: Vec<String>,
}

impl BarrelImport<'_> {
    pub fn origin(&self, name: &str) -> Option<DynamicImport> {
        self.index.origin(&self.path, name, 0)
    }
}

fn read_module_exports(path: &Path) -> Option<ModuleExports> {
    let lang = Lang::from_path(path)?;
    let meta = std::fs::metadata(path).ok()?;
    if meta.len() > crate::engine::MAX_FILE_BYTES {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let tree = lang.parse(&text);
    Some(module_exports(tree.root_node(), &text))
}

/// Lexically normalised absolute path (no `.`/`..`), without touching the disk.
pub fn normalize(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|c| c.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

const EXTENSIONS: &[&str] = &["ts", "tsx", "js", "jsx", "mjs", "cjs", "mts", "cts"];

/// `compilerOptions.paths` / `baseUrl` of one tsconfig.json or jsconfig.json.
#[derive(Debug, Default)]
struct PathConfig {
    base: Option<PathBuf>,
    /// (pattern, targets), targets already made absolute.
    paths: Vec<(String, Vec<PathBuf>)>,
}

/// Module specifier → file, the way TypeScript and bundlers do it for the
/// cases apps use: relative paths, `index` files, extensions, tsconfig paths.
#[derive(Default)]
pub struct Resolver {
    configs: Mutex<HashMap<PathBuf, Option<Arc<PathConfig>>>>,
}

impl Resolver {
    pub fn resolve(&self, from_dir: &Path, spec: &str) -> Option<PathBuf> {
        if spec.starts_with("./") || spec.starts_with("../") || spec == "." || spec == ".." {
            return try_file(&normalize(&from_dir.join(spec)));
        }
        let config = self.config_for(from_dir)?;
        for (pattern, targets) in &config.paths {
            let captured = match pattern.split_once('*') {
                Some((pre, post)) => spec
                    .strip_prefix(pre)
                    .and_then(|rest| rest.strip_suffix(post))
                    .map(|s| s.to_string()),
                None => (pattern == spec).then(String::new),
            };
            let Some(captured) = captured else { continue };
            for t in targets {
                let candidate = PathBuf::from(t.to_string_lossy().replace('*', &captured));
                if let Some(found) = try_file(&normalize(&candidate)) {
                    return Some(found);
                }
            }
        }
        config
            .base
            .as_ref()
            .and_then(|b| try_file(&normalize(&b.join(spec))))
    }

    /// Could a bare specifier be a path alias or a baseUrl-relative module here?
    pub fn may_alias(&self, dir: &Path) -> bool {
        self.config_for(&normalize(dir))
            .is_some_and(|c| c.base.is_some() || !c.paths.is_empty())
    }

    /// The nearest tsconfig.json / jsconfig.json at or above `dir`.
    fn config_for(&self, dir: &Path) -> Option<Arc<PathConfig>> {
        let mut visited = Vec::new();
        let mut cur = Some(dir);
        let mut found = None;
        while let Some(d) = cur {
            if let Some(c) = self.configs.lock().expect("config cache").get(d) {
                found = c.clone();
                break;
            }
            visited.push(d.to_path_buf());
            let file = ["tsconfig.json", "jsconfig.json"]
                .iter()
                .map(|n| d.join(n))
                .find(|p| p.is_file());
            if let Some(file) = file {
                found = Some(Arc::new(load_config(&file, 0)));
                break;
            }
            cur = d.parent();
        }
        let mut cache = self.configs.lock().expect("config cache");
        for v in visited {
            cache.insert(v, found.clone());
        }
        found
    }
}

/// Read a tsconfig, following a relative `extends` chain.
fn load_config(file: &Path, depth: usize) -> PathConfig {
    let dir = file.parent().unwrap_or(Path::new("."));
    let Ok(text) = std::fs::read_to_string(file) else {
        return PathConfig::default();
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&strip_jsonc(&text)) else {
        return PathConfig::default();
    };
    let mut config = match json.get("extends").and_then(|e| e.as_str()) {
        Some(parent) if depth < 8 && parent.starts_with('.') => {
            let mut p = dir.join(parent);
            if p.extension().is_none() {
                p.set_extension("json");
            }
            load_config(&p, depth + 1)
        }
        _ => PathConfig::default(),
    };
    let options = json.get("compilerOptions");
    if let Some(base) = options
        .and_then(|o| o.get("baseUrl"))
        .and_then(|b| b.as_str())
    {
        config.base = Some(dir.join(base));
    }
    if let Some(paths) = options
        .and_then(|o| o.get("paths"))
        .and_then(|p| p.as_object())
    {
        // Targets are relative to baseUrl when set, else to this config's folder.
        let root = config.base.clone().unwrap_or_else(|| dir.to_path_buf());
        config.paths = paths
            .iter()
            .map(|(pattern, targets)| {
                let targets = targets
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|t| t.as_str())
                            .map(|t| root.join(t))
                            .collect()
                    })
                    .unwrap_or_default();
                (pattern.clone(), targets)
            })
            .collect();
    }
    config
}

/// JSON with comments and trailing commas (tsconfig's dialect) → JSON.
fn strip_jsonc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            ('/', Some('*')) => {
                chars.next();
                let mut prev = ' ';
                for n in chars.by_ref() {
                    if prev == '*' && n == '/' {
                        break;
                    }
                    prev = n;
                }
            }
            _ => out.push(c),
        }
    }
    // Trailing commas before } or ].
    let mut cleaned = String::with_capacity(out.len());
    let bytes: Vec<char> = out.chars().collect();
    let mut in_string = false;
    for (i, &c) in bytes.iter().enumerate() {
        if c == '"' && (i == 0 || bytes[i - 1] != '\\') {
            in_string = !in_string;
        }
        if !in_string && c == ',' {
            let next = bytes[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}') | Some(']')) {
                continue;
            }
        }
        cleaned.push(c);
    }
    cleaned
}

fn try_file(p: &Path) -> Option<PathBuf> {
    if p.is_file() && Lang::from_path(p).is_some() {
        return Some(p.to_path_buf());
    }
    // `./x.js` written for ESM, the file being x.ts.
    if let Some(ext) = p.extension().and_then(|e| e.to_str())
        && matches!(ext, "js" | "jsx" | "mjs" | "cjs")
    {
        let stem = p.with_extension("");
        for e in ["ts", "tsx", "mts", "cts"] {
            let c = stem.with_extension(e);
            if c.is_file() {
                return Some(c);
            }
        }
    }
    let s = p.to_string_lossy();
    for ext in EXTENSIONS {
        let c = PathBuf::from(format!("{s}.{ext}"));
        if c.is_file() {
            return Some(c);
        }
    }
    for ext in EXTENSIONS {
        let c = p.join(format!("index.{ext}"));
        if c.is_file() {
            return Some(c);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonc_comments_and_trailing_commas() {
        let t = "{ // c\n \"a\": \"x//y\", /* b */ \"p\": [1,2,], }";
        let v: serde_json::Value = serde_json::from_str(&strip_jsonc(t)).unwrap();
        assert_eq!(v["a"], "x//y");
        assert_eq!(v["p"][1], 2);
    }
}
