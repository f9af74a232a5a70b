//! A project held in memory, for tests: files by path, relative specifiers
//! resolved with the extensions and `index` files TypeScript tries.

use super::resolve::normalize;
use crate::analysis::barrels::Workspace;
use crate::analysis::exports::{ModuleExports, module_exports};
use crate::lang::Lang;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Default)]
pub struct MemoryWorkspace {
    files: HashMap<PathBuf, String>,
    token_scopes: Option<Arc<HashSet<String>>>,
}

impl MemoryWorkspace {
    pub fn new() -> MemoryWorkspace {
        MemoryWorkspace::default()
    }

    pub fn with_file(mut self, path: impl Into<PathBuf>, text: &str) -> MemoryWorkspace {
        // Normalised as the lookups are: on Windows `/app/x.ts` has no drive,
        // and `normalize` gives it the working directory's.
        self.files.insert(normalize(&path.into()), text.to_string());
        self
    }

    /// The TokenScope members the project's sdk-api-core declares.
    pub fn with_token_scopes(mut self, members: &[&str]) -> MemoryWorkspace {
        self.token_scopes = Some(Arc::new(members.iter().map(|m| m.to_string()).collect()));
        self
    }
}

impl Workspace for MemoryWorkspace {
    fn resolve(&self, from_dir: &Path, specifier: &str) -> Option<PathBuf> {
        if !specifier.starts_with('.') {
            return None;
        }
        let base = normalize(&from_dir.join(specifier));
        let exts = ["ts", "tsx", "js", "jsx"];
        std::iter::once(base.clone())
            .chain(
                exts.iter()
                    .map(|e| PathBuf::from(format!("{}.{e}", base.display()))),
            )
            .chain(exts.iter().map(|e| base.join(format!("index.{e}"))))
            .find(|p| self.files.contains_key(p))
    }

    fn module_exports(&self, path: &Path) -> Option<Arc<ModuleExports>> {
        let text = self.files.get(path)?;
        let tree = Lang::from_path(path)?.parse(text);
        Some(Arc::new(module_exports(tree.root_node(), text))).filter(|m| !m.is_empty())
    }

    fn token_scopes(&self, _: &Path) -> Option<Arc<HashSet<String>>> {
        self.token_scopes.clone()
    }

    fn module_mentions(&self, path: &Path, needle: &str) -> bool {
        self.files.get(path).is_some_and(|t| t.contains(needle))
    }

    /// An in-memory project has no packages: what does not resolve to one
    /// of its files resolves to nothing.
    fn why_unresolved(&self, from_dir: &Path, specifier: &str) -> Option<String> {
        self.resolve(from_dir, specifier)
            .is_none()
            .then(|| "no file, package or path alias of that name".to_string())
    }
}
