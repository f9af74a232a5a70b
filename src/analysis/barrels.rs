//! Local barrels: an app's own modules that re-export Dynamic names, and
//! chains of them. Which Dynamic export a name imported from a local module
//! stands for is decided here, asking the project model (`Workspace`) for
//! module resolution and the modules' re-exports; nothing here reads a file.

use super::exports::ModuleExports;
use super::imports::DynamicImport;
use crate::table::Table;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Re-export chains longer than this are not followed (a cycle, or worse).
const MAX_DEPTH: usize = 16;

/// What analysis may ask of the project: the only way facts from other files
/// reach it. The file-system implementation is `workspace::FsWorkspace`;
/// tests pass an in-memory one.
pub trait Workspace: Sync {
    /// The source file a specifier imported from a file in `from_dir`
    /// resolves to, when it is a module of the project (not a package).
    fn resolve(&self, from_dir: &Path, specifier: &str) -> Option<PathBuf>;
    /// The re-exports of the module at `path`, when it has any.
    fn module_exports(&self, path: &Path) -> Option<Arc<ModuleExports>>;
    /// The `TokenScope` members of the sdk-api-core installed for code in
    /// `dir`, or None when none is installed.
    fn token_scopes(&self, dir: &Path) -> Option<Arc<HashSet<String>>>;
    /// Why a specifier imported from a file in `from_dir` resolves to
    /// nothing at all (not even a package), when the workspace can tell.
    fn why_unresolved(&self, _from_dir: &Path, _specifier: &str) -> Option<String> {
        None
    }
    /// The tsconfig that applies to files in `from_dir` could not be loaded
    /// whole (it, or what it extends, is unusable): an alias it declared may
    /// be missing, so no unresolved import of a legacy name may stay silent.
    fn config_unusable(&self, _from_dir: &Path) -> bool {
        false
    }
    /// False only when the module at `path` certainly has no `export *`
    /// line and, when `name` is given, certainly does not name it (a test of
    /// its text): such a module need not be parsed to follow a re-export
    /// chain. The default answers true (parse and see).
    fn may_export(&self, _path: &Path, _name: Option<&str>) -> bool {
        true
    }
    /// Does the text of the project module at `path` contain `needle` (a
    /// Dynamic module's name)? False when it cannot be read.
    fn module_mentions(&self, _path: &Path, _needle: &str) -> bool {
        false
    }
}

/// A workspace with no project around the file: nothing resolves.
pub struct NoWorkspace;

impl Workspace for NoWorkspace {
    fn resolve(&self, _: &Path, _: &str) -> Option<PathBuf> {
        None
    }
    fn module_exports(&self, _: &Path) -> Option<Arc<ModuleExports>> {
        None
    }
    fn token_scopes(&self, _: &Path) -> Option<Arc<HashSet<String>>> {
        None
    }
}

/// An import of a local module that re-exports Dynamic names.
pub struct BarrelImport<'w> {
    ws: &'w dyn Workspace,
    table: &'w Table,
    path: PathBuf,
    /// Dynamic modules whose every export the barrel re-exports.
    pub stars: Vec<String>,
}

impl BarrelImport<'_> {
    pub fn origin(&self, name: &str) -> Option<DynamicImport> {
        origin(self.ws, self.table, &self.path, name, 0)
    }
}

/// For an import of `spec` from a file in `dir`: the barrel it names, or
/// None when `spec` is a package or a module with no re-exports.
pub fn lookup<'w>(
    ws: &'w dyn Workspace,
    table: &'w Table,
    dir: &Path,
    spec: &str,
) -> Option<BarrelImport<'w>> {
    if table.is_dynamic_module(spec) {
        return None;
    }
    let path = ws.resolve(dir, spec)?;
    ws.module_exports(&path)?;
    Some(BarrelImport {
        ws,
        table,
        stars: star_modules(ws, table, &path),
        path,
    })
}

/// Does `spec`, imported from a file in `dir`, name a module of the
/// project (relative, a tsconfig alias, a workspace package) that re-exports
/// Dynamic's SDK, whole or in part, directly or through other such modules?
pub fn reexports_dynamic(ws: &dyn Workspace, table: &Table, dir: &Path, spec: &str) -> bool {
    if table.is_dynamic_module(spec) {
        return false;
    }
    let Some(path) = ws.resolve(dir, spec) else {
        return false;
    };
    !star_modules(ws, table, &path).is_empty() || !aliases(ws, table, &path).is_empty()
}

/// Names the module at `path` exports under a name of its own whose origin
/// is Dynamic's (`export const checkMfa = sdkIsMfaRequired`): a file that
/// uses one may be a call site without naming any legacy API.
pub fn aliases(ws: &dyn Workspace, table: &Table, path: &Path) -> Vec<String> {
    let Some(m) = ws.module_exports(path) else {
        return vec![];
    };
    m.from
        .keys()
        .chain(m.locals.keys())
        .filter(|name| origin(ws, table, path, name, 0).is_some())
        .cloned()
        .collect()
}

/// The Dynamic export that `name` of the module at `path` stands for.
fn origin(
    ws: &dyn Workspace,
    table: &Table,
    path: &Path,
    name: &str,
    depth: usize,
) -> Option<DynamicImport> {
    if depth > MAX_DEPTH || (depth > 0 && !ws.may_export(path, Some(name))) {
        return None;
    }
    let m = ws.module_exports(path)?;
    let dir = path.parent()?;
    let through = |spec: &str, imported: &str| -> Option<DynamicImport> {
        if table.is_dynamic_module(spec) {
            return Some(DynamicImport {
                module: spec.to_string(),
                imported: imported.to_string(),
            });
        }
        let target = ws.resolve(dir, spec)?;
        origin(ws, table, &target, imported, depth + 1)
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

/// Dynamic modules whose every export the module at `path` re-exports, in
/// the order the `export *` lines give them, depth first. Each module of the
/// graph is visited once: a graph of shared barrels (every package's
/// `index.ts` re-exporting the same folders) would otherwise be walked once
/// per path through it, exponentially many.
fn star_modules(ws: &dyn Workspace, table: &Table, path: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen = HashSet::from([path.to_path_buf()]);
    collect_stars(ws, table, path, 0, &mut seen, &mut out);
    out
}

fn collect_stars(
    ws: &dyn Workspace,
    table: &Table,
    path: &Path,
    depth: usize,
    seen: &mut HashSet<PathBuf>,
    out: &mut Vec<String>,
) {
    let (Some(m), Some(dir)) = (ws.module_exports(path), path.parent()) else {
        return;
    };
    for spec in &m.stars {
        if table.is_dynamic_module(spec) {
            if !out.contains(spec) {
                out.push(spec.clone());
            }
        } else if depth < MAX_DEPTH
            && let Some(target) = ws.resolve(dir, spec)
            && seen.insert(target.clone())
            && ws.may_export(&target, None)
        {
            collect_stars(ws, table, &target, depth + 1, seen, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::memory::MemoryWorkspace;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Counts the modules analysis asks for.
    struct Counting(MemoryWorkspace, AtomicUsize);

    impl Workspace for Counting {
        fn resolve(&self, from_dir: &Path, specifier: &str) -> Option<PathBuf> {
            self.0.resolve(from_dir, specifier)
        }
        fn module_exports(&self, path: &Path) -> Option<Arc<ModuleExports>> {
            self.1.fetch_add(1, Ordering::Relaxed);
            self.0.module_exports(path)
        }
        fn token_scopes(&self, dir: &Path) -> Option<Arc<HashSet<String>>> {
            self.0.token_scopes(dir)
        }
    }

    #[test]
    fn a_diamond_of_star_barrels_is_walked_once_per_module() {
        // Level i re-exports two modules that both re-export level i + 1:
        // 2^7 paths (14 links, within MAX_DEPTH) lead to the last level,
        // which re-exports the SDK.
        let mut ws = MemoryWorkspace::new();
        for i in 0..7 {
            ws = ws
                .with_file(
                    format!("/p/{i}/index.ts"),
                    "export * from './a';\nexport * from './b';\n",
                )
                .with_file(
                    format!("/p/{i}/a.ts"),
                    &format!("export * from '../{}';\n", i + 1),
                )
                .with_file(
                    format!("/p/{i}/b.ts"),
                    &format!("export * from '../{}';\n", i + 1),
                );
        }
        ws = ws.with_file(
            "/p/7/index.ts",
            "export * from '@dynamic-labs/sdk-react-core';\n",
        );
        let counting = Counting(ws, AtomicUsize::new(0));
        let table = Table::builtin();
        let barrel = lookup(&counting, &table, Path::new("/p/app"), "../0").expect("a barrel");
        assert_eq!(barrel.stars, ["@dynamic-labs/sdk-react-core"]);
        let asked = counting.1.load(Ordering::Relaxed);
        assert!(asked <= 2 * 22, "{asked} module look-ups for 22 modules");
    }
}
