//! The project model: module resolution, tsconfig, package.json, the
//! installed SDK's declarations. Besides the walker, the only code that reads
//! project files; analysis asks it through `analysis::barrels::Workspace`.
//! Everything is read on demand and cached for the run.

pub mod bump;
pub mod manifest;
pub mod memory;
pub mod npm_range;
pub mod read;
pub mod resolve;

use crate::analysis::barrels::Workspace;
use crate::analysis::exports::{ModuleExports, module_exports};
use crate::lang::Lang;
use read::read_text;
use resolve::{Resolver, normalize};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// A module read for its re-exports is a source file: the sources' limit.
const MAX_MODULE_BYTES: u64 = 1024 * 1024;

type Cache<T> = Mutex<HashMap<PathBuf, Option<Arc<T>>>>;

/// A cache whose entries are loaded once even when threads ask for the same
/// key at once: the second waits for the first's load instead of repeating
/// it (a barrel's modules, parsed for each of its importers in parallel).
type OnceCache<T> = Mutex<HashMap<PathBuf, Arc<OnceLock<Option<Arc<T>>>>>>;

/// The project on disk.
#[derive(Default)]
pub struct FsWorkspace {
    resolver: Resolver,
    modules: OnceCache<ModuleExports>,
    token_scopes: Cache<HashSet<String>>,
    /// Modules whose text has (or may have) an `export *` line.
    starred: Mutex<HashMap<PathBuf, bool>>,
}

impl FsWorkspace {
    pub fn new() -> FsWorkspace {
        FsWorkspace::default()
    }

    /// The workspace as seen from one source file: its own imports are
    /// resolved with the tsconfig TypeScript would choose for that file.
    pub fn for_file<'a>(&'a self, file: &'a Path) -> FileWorkspace<'a> {
        FileWorkspace { ws: self, file }
    }

    /// Why `specifier`, imported from `file`, resolves to nothing (not even
    /// a package); None when it resolves.
    pub fn why_unresolved(&self, file: &Path, specifier: &str) -> Option<String> {
        self.resolver.why_unresolved(file, specifier)
    }

    /// Project files met so far that could not be used (an unreadable file,
    /// a tsconfig that does not parse), with the reason; each once.
    pub fn take_problems(&self) -> Vec<(PathBuf, String)> {
        self.resolver.take_problems()
    }
}

/// `FsWorkspace` for the imports of one file (see `FsWorkspace::for_file`).
pub struct FileWorkspace<'a> {
    ws: &'a FsWorkspace,
    file: &'a Path,
}

impl Workspace for FileWorkspace<'_> {
    fn resolve(&self, from_dir: &Path, specifier: &str) -> Option<PathBuf> {
        if self.file.parent() == Some(from_dir) {
            self.ws.resolver.resolve(self.file, specifier)
        } else {
            self.ws.resolve(from_dir, specifier)
        }
    }

    fn module_exports(&self, path: &Path) -> Option<Arc<ModuleExports>> {
        self.ws.module_exports(path)
    }

    fn may_export(&self, path: &Path, name: Option<&str>) -> bool {
        self.ws.may_export(path, name)
    }

    fn module_mentions(&self, path: &Path, needle: &str) -> bool {
        self.ws.module_mentions(path, needle)
    }

    fn token_scopes(&self, dir: &Path) -> Option<Arc<HashSet<String>>> {
        self.ws.token_scopes(dir)
    }

    fn why_unresolved(&self, from_dir: &Path, specifier: &str) -> Option<String> {
        if self.file.parent() == Some(from_dir) {
            self.ws.why_unresolved(self.file, specifier)
        } else {
            self.ws
                .why_unresolved(&from_dir.join("index.ts"), specifier)
        }
    }

    fn config_unusable(&self, from_dir: &Path) -> bool {
        if self.file.parent() == Some(from_dir) {
            self.ws.resolver.config_unusable(self.file)
        } else {
            self.ws
                .resolver
                .config_unusable(&normalize(&from_dir.join("index.ts")))
        }
    }
}

fn cached<T>(cache: &OnceCache<T>, key: &Path, load: impl FnOnce() -> Option<T>) -> Option<Arc<T>> {
    let cell = {
        let mut cache = cache.lock().expect("cache lock");
        match cache.get(key) {
            Some(cell) => cell.clone(),
            None => cache.entry(key.to_path_buf()).or_default().clone(),
        }
    };
    // Loaded outside the map's lock: other keys are not held up.
    cell.get_or_init(|| load().map(Arc::new)).clone()
}

impl Workspace for FsWorkspace {
    fn resolve(&self, from_dir: &Path, specifier: &str) -> Option<PathBuf> {
        self.resolver
            .resolve_from_dir(&normalize(from_dir), specifier)
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

    fn module_mentions(&self, path: &Path, needle: &str) -> bool {
        read::read_bounded(path, MAX_MODULE_BYTES)
            .is_ok_and(|bytes| memchr::memmem::find(&bytes, needle.as_bytes()).is_some())
    }

    fn may_export(&self, path: &Path, name: Option<&str>) -> bool {
        if let Some(&starred) = self.starred.lock().expect("cache lock").get(path)
            && (starred || name.is_none())
        {
            return starred;
        }
        let Ok(bytes) = read::read_bounded(path, MAX_MODULE_BYTES) else {
            return true; // module_exports says what it makes of it
        };
        let starred = may_star_export(&bytes);
        self.starred
            .lock()
            .expect("cache lock")
            .insert(path.to_path_buf(), starred);
        starred || name.is_none_or(|n| memchr::memmem::find(&bytes, n.as_bytes()).is_some())
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

/// Could this module text hold `export * from …` (or `export * as ns from`)?
/// True when some `export` is followed, after white space, by `*` or by a
/// comment (which might hide one); a string or comment that merely contains
/// such text only makes the answer a cautious yes.
fn may_star_export(text: &[u8]) -> bool {
    memchr::memmem::find_iter(text, b"export").any(|at| {
        let rest = &text[at + b"export".len()..];
        matches!(
            rest.iter().find(|b| !b.is_ascii_whitespace()),
            Some(b'*') | Some(b'/')
        )
    })
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

#[cfg(test)]
mod tests {
    use super::{OnceCache, cached, may_star_export};
    use std::path::Path;
    use std::sync::Mutex;

    #[test]
    fn threads_asking_for_one_module_at_once_load_it_once() {
        let cache: OnceCache<usize> = Mutex::default();
        let loads = std::sync::atomic::AtomicUsize::new(0);
        let start = std::sync::Barrier::new(4);
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    start.wait();
                    let got = cached(&cache, Path::new("/p/index.ts"), || {
                        loads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        // A parse takes a while: the others ask meanwhile.
                        std::thread::sleep(std::time::Duration::from_millis(50));
                        Some(7)
                    });
                    assert_eq!(got.as_deref(), Some(&7));
                });
            }
        });
        assert_eq!(loads.into_inner(), 1);
    }

    /// The view from one file answers as the project does: a module with no
    /// `export *` that does not name the export is not parsed for it.
    #[test]
    fn the_view_from_a_file_skips_modules_that_cannot_hold_a_name() {
        use crate::analysis::barrels::Workspace;
        let dir = tempfile::tempdir().unwrap();
        let button = dir.path().join("button.tsx");
        std::fs::write(&button, "export const Button = () => null;\n").unwrap();
        let app = dir.path().join("app.tsx");
        let ws = super::FsWorkspace::new();
        let view = ws.for_file(&app);
        assert!(!view.may_export(&button, Some("useWalletMfa")));
        assert!(view.may_export(&button, Some("Button")));
        assert!(!view.may_export(&button, None));
    }

    #[test]
    fn star_exports_are_told_from_text() {
        for yes in [
            "export * from './a';",
            "export  *  as ns from './a';",
            "const x = 1;\nexport\n* from './a';",
            "export /* hidden */ * from './a';",
            "// export * from './a'",
        ] {
            assert!(may_star_export(yes.as_bytes()), "{yes:?}");
        }
        for no in [
            "export const Button = () => null;",
            "export { a, b } from './a';\nexport default function C() {}",
            "module.exports = { x };",
            "",
            "export",
        ] {
            assert!(!may_star_export(no.as_bytes()), "{no:?}");
        }
    }
}
