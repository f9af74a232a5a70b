//! The project model: module resolution, tsconfig, package.json, the
//! installed SDK's declarations. Besides the walker, the only code that reads
//! project files; analysis asks it through `analysis::barrels::Workspace`.
//! Everything is read on demand and cached for the run.

pub mod manifest;
pub mod memory;
pub mod read;
pub mod resolve;

use crate::analysis::barrels::Workspace;
use crate::analysis::exports::{ModuleExports, module_exports};
use crate::lang::Lang;
use read::read_text;
use resolve::{Resolver, normalize};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A module read for its re-exports is a source file: the sources' limit.
const MAX_MODULE_BYTES: u64 = 1024 * 1024;

type Cache<T> = Mutex<HashMap<PathBuf, Option<Arc<T>>>>;

/// The project on disk.
#[derive(Default)]
pub struct FsWorkspace {
    resolver: Resolver,
    modules: Cache<ModuleExports>,
    token_scopes: Cache<HashSet<String>>,
}

impl FsWorkspace {
    pub fn new() -> FsWorkspace {
        FsWorkspace::default()
    }
}

fn cached<T>(cache: &Cache<T>, key: &Path, load: impl FnOnce() -> Option<T>) -> Option<Arc<T>> {
    if let Some(hit) = cache.lock().expect("cache lock").get(key) {
        return hit.clone();
    }
    let value = load().map(Arc::new);
    cache
        .lock()
        .expect("cache lock")
        .insert(key.to_path_buf(), value.clone());
    value
}

impl Workspace for FsWorkspace {
    fn resolve(&self, from_dir: &Path, specifier: &str) -> Option<PathBuf> {
        // A bare specifier is a project module only through tsconfig paths/baseUrl.
        if !specifier.starts_with('.') && !self.resolver.may_alias(from_dir) {
            return None;
        }
        self.resolver
            .resolve(&normalize(from_dir), specifier)
            .map(|p| normalize(&p))
    }

    fn module_exports(&self, path: &Path) -> Option<Arc<ModuleExports>> {
        cached(&self.modules, path, || {
            let lang = Lang::from_path(path)?;
            let bytes = read::read_bounded(path, MAX_MODULE_BYTES).ok()?;
            let text = String::from_utf8(bytes).ok()?;
            let tree = lang.parse(&text);
            Some(module_exports(tree.root_node(), &text)).filter(|m| !m.is_empty())
        })
    }

    fn token_scopes(&self, dir: &Path) -> Option<Arc<HashSet<String>>> {
        // Node's resolution order: the nearest node_modules wins.
        let mut visited = Vec::new();
        let mut found = None;
        for d in dir.ancestors() {
            if let Some(hit) = self.token_scopes.lock().expect("cache lock").get(d) {
                found = hit.clone();
                break;
            }
            visited.push(d.to_path_buf());
            let pkg = d.join("node_modules/@dynamic-labs/sdk-api-core");
            if pkg.join("package.json").is_file() {
                found = read_token_scopes(&pkg).map(Arc::new);
                break;
            }
        }
        let mut cache = self.token_scopes.lock().expect("cache lock");
        for v in visited {
            cache.insert(v, found.clone());
        }
        found
    }
}

/// Members of the `TokenScope` enum in an installed sdk-api-core package.
fn read_token_scopes(pkg: &Path) -> Option<HashSet<String>> {
    const DECLARATIONS: &[&str] = &[
        "src/models/TokenScope.d.ts",
        "dist/models/TokenScope.d.ts",
        "models/TokenScope.d.ts",
    ];
    let text = DECLARATIONS
        .iter()
        .find_map(|c| read_text(&pkg.join(c)).ok())?;
    // A declaration stepup cannot read members from counts as unknown, not empty.
    Some(token_scope_members(&text)).filter(|m| !m.is_empty())
}

/// The members of `enum TokenScope { A = "a", … }` in a declaration file.
pub fn token_scope_members(text: &str) -> HashSet<String> {
    let Some(start) = text.find("enum TokenScope") else {
        return HashSet::new();
    };
    let body = &text[start..];
    let body = &body[..body.find('}').unwrap_or(body.len())];
    body.lines()
        .filter_map(|l| {
            let (name, _) = l.trim().split_once('=')?;
            let name = name.trim();
            (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
                .then(|| name.to_string())
        })
        .collect()
}
