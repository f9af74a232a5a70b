//! Module specifier → file, the way TypeScript and the bundlers do it, with
//! `oxc_resolver` (the resolver of Rolldown, Rspack and Biome): relative
//! paths, `index` files, extensions and `./x.js` for `x.ts`, tsconfig
//! `paths`/`baseUrl` with `extends` (a string, an array, a package) and
//! project `references`, `package.json` `exports` and `imports` (`#subpath`),
//! and workspace packages through the `node_modules` symlinks package
//! managers create (followed to their real path, as TypeScript does).
//!
//! Which tsconfig applies to an importing file is TypeScript's choice: the
//! nearest `tsconfig.json` that includes the file, directly or through one of
//! its `references` (Vite's solution-style `tsconfig.json` with `files: []`
//! hands `src/` to `tsconfig.app.json`). When none includes it, the nearest
//! `tsconfig.json` or `jsconfig.json` applies anyway, as bundlers do.
//! Every project file that cannot be read and every tsconfig that cannot be
//! parsed is recorded with its path and the reason (`Resolver::take_problems`).

use super::read::{MAX_PROJECT_FILE_BYTES, ReadError, read_bounded};
use crate::lang::Lang;
use oxc_resolver::{
    FileMetadata, FileSystem, FileSystemOs, ResolveContext, ResolveError, ResolveOptions,
    ResolverGeneric, TsConfig, TsconfigDiscovery,
};
use std::collections::{BTreeMap, HashMap};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

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

/// What went wrong with a project file, by path (one entry per file).
type Problems = Arc<Mutex<BTreeMap<PathBuf, String>>>;

fn record(problems: &Problems, path: PathBuf, message: String) {
    problems
        .lock()
        .expect("problems lock")
        .entry(path)
        .or_insert(message);
}

/// The file system as the resolver sees it, with stepup's read rules: only
/// regular files, never more than the project-file limit (a tsconfig that
/// is a FIFO or a link to `/dev/zero` cannot hang the run). A file that
/// exists but cannot be read is recorded.
struct BoundedFs {
    problems: Problems,
}

impl FileSystem for BoundedFs {
    fn new() -> Self {
        BoundedFs {
            problems: Problems::default(),
        }
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        read_bounded(path, MAX_PROJECT_FILE_BYTES).map_err(|e| {
            if let ReadError::Io(io) = &e
                && io.kind() == io::ErrorKind::NotFound
            {
                return io::Error::new(io::ErrorKind::NotFound, e.to_string());
            }
            record(
                &self.problems,
                path.to_path_buf(),
                format!("cannot read: {e}; module resolution goes on without it"),
            );
            io::Error::other(e.to_string())
        })
    }

    fn read_to_string(&self, path: &Path) -> io::Result<String> {
        FileSystemOs::validate_string(self.read(path)?)
    }

    fn metadata(&self, path: &Path) -> io::Result<FileMetadata> {
        FileSystemOs::metadata(path)
    }

    fn symlink_metadata(&self, path: &Path) -> io::Result<FileMetadata> {
        FileSystemOs::symlink_metadata(path)
    }

    fn read_link(&self, path: &Path) -> Result<PathBuf, ResolveError> {
        FileSystemOs::read_link(path)
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        FileSystemOs::canonicalize(path)
    }
}

/// Extensions tried for an extensionless specifier, in TypeScript's order.
const EXTENSIONS: &[&str] = &[
    ".ts", ".tsx", ".d.ts", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs",
];

fn options(conditions: &[&str], main_fields: &[&str]) -> ResolveOptions {
    let alias = |from: &str, to: &[&str]| {
        (
            from.to_string(),
            to.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        )
    };
    ResolveOptions {
        tsconfig: Some(TsconfigDiscovery::Auto),
        extensions: EXTENSIONS.iter().map(|e| e.to_string()).collect(),
        // `./x.js` written for ESM, the file being x.ts (TypeScript's rule).
        extension_alias: vec![
            alias(".js", &[".ts", ".tsx", ".js"]),
            alias(".jsx", &[".tsx", ".jsx"]),
            alias(".mjs", &[".mts", ".mjs"]),
            alias(".cjs", &[".cts", ".cjs"]),
        ],
        condition_names: conditions.iter().map(|c| c.to_string()).collect(),
        main_fields: main_fields.iter().map(|c| c.to_string()).collect(),
        main_files: vec!["index".into()],
        symlinks: true,
        node_path: false,
        builtin_modules: false,
        ..ResolveOptions::default()
    }
}

/// Module specifier → source file, for files of one project tree.
pub struct Resolver {
    /// TypeScript's view: the `types` condition and field first.
    typed: ResolverGeneric<BoundedFs>,
    /// The same without `types`, for a package whose types are only `.d.ts`
    /// (its JavaScript entry holds the re-exports). Shares `typed`'s cache.
    untyped: ResolverGeneric<BoundedFs>,
    problems: Problems,
    /// The tsconfig chosen for each importing file.
    configs: Mutex<HashMap<PathBuf, Option<Arc<TsConfig>>>>,
}

impl Default for Resolver {
    fn default() -> Resolver {
        Resolver::new()
    }
}

impl Resolver {
    pub fn new() -> Resolver {
        let problems = Problems::default();
        let fs = BoundedFs {
            problems: problems.clone(),
        };
        let typed = ResolverGeneric::new_with_file_system(
            fs,
            options(
                &["types", "import", "require", "default"],
                &["types", "typings", "module", "main"],
            ),
        );
        let untyped = typed.clone_with_options(options(
            &["import", "require", "default"],
            &["module", "main"],
        ));
        Resolver {
            typed,
            untyped,
            problems,
            configs: Mutex::default(),
        }
    }

    /// The project source file `spec`, imported from `importer`, resolves to;
    /// None for a package under `node_modules`, a file stepup does not parse,
    /// or a specifier that does not resolve.
    pub fn resolve(&self, importer: &Path, spec: &str) -> Option<PathBuf> {
        let dir = importer.parent()?;
        let config = self.config_for(importer);
        let config = config.as_deref();
        let found = |r: &ResolverGeneric<BoundedFs>| {
            r.resolve_with_context(dir, spec, config, &mut ResolveContext::default())
                .ok()
                .map(|res| res.into_path_buf())
        };
        let mut path = found(&self.typed)?;
        if is_declaration(&path) {
            path = found(&self.untyped)?;
        }
        let in_package = path.components().any(|c| c.as_os_str() == "node_modules");
        (!in_package && Lang::from_path(&path).is_some()).then_some(path)
    }

    /// Why `spec`, imported from `importer`, resolves to nothing at all
    /// (not even a package): the resolver's reason. None when it resolves.
    pub fn why_unresolved(&self, importer: &Path, spec: &str) -> Option<String> {
        let dir = importer.parent()?;
        let config = self.config_for(importer);
        self.typed
            .resolve_with_context(dir, spec, config.as_deref(), &mut ResolveContext::default())
            .err()
            .map(|e| match e {
                ResolveError::NotFound(_) => {
                    "no file, package or path alias of that name".to_string()
                }
                other => other.to_string(),
            })
    }

    /// Resolve from a directory when the importing file is not known (a
    /// barrel's own imports): the tsconfig is chosen for an `index.ts` there.
    pub fn resolve_from_dir(&self, dir: &Path, spec: &str) -> Option<PathBuf> {
        self.resolve(&dir.join("index.ts"), spec)
    }

    /// Problems met so far (unreadable files, tsconfigs that do not parse),
    /// by path; each is handed out once.
    pub fn take_problems(&self) -> Vec<(PathBuf, String)> {
        std::mem::take(&mut *self.problems.lock().expect("problems lock"))
            .into_iter()
            .collect()
    }

    /// The tsconfig TypeScript would use for `file`, cached per file.
    fn config_for(&self, file: &Path) -> Option<Arc<TsConfig>> {
        if let Some(hit) = self.configs.lock().expect("config cache").get(file) {
            return hit.clone();
        }
        let found = self.find_config(file);
        self.configs
            .lock()
            .expect("config cache")
            .insert(file.to_path_buf(), found.clone());
        found
    }

    fn find_config(&self, file: &Path) -> Option<Arc<TsConfig>> {
        match self.typed.find_tsconfig(file) {
            Ok(Some(config)) => return Some(config),
            Ok(None) => {}
            Err(e) => {
                self.report(file, &e);
                return None;
            }
        }
        // No tsconfig.json includes the file: bundlers (Next.js, Vite
        // plugins) still apply the nearest tsconfig.json or jsconfig.json.
        for dir in file.ancestors().skip(1) {
            for name in ["tsconfig.json", "jsconfig.json"] {
                let candidate = dir.join(name);
                let Ok(meta) = std::fs::metadata(&candidate) else {
                    continue;
                };
                if !meta.is_file() {
                    record(
                        &self.problems,
                        candidate,
                        "not a regular file; ignored".to_string(),
                    );
                    continue;
                }
                return match self.typed.resolve_tsconfig(&candidate) {
                    Ok(config) => Some(config),
                    Err(e) => {
                        self.report(file, &e);
                        None
                    }
                };
            }
        }
        None
    }

    /// Record why the tsconfig for `file` could not be loaded, under the
    /// path of the config at fault (or the nearest one when the error names
    /// none, such as an `extends` target that does not exist).
    fn report(&self, file: &Path, e: &ResolveError) {
        let (path, message) = describe(e);
        let Some(path) = path.or_else(|| nearest_config(file)) else {
            return;
        };
        // Paths in the message, from the config's own folder (which Windows
        // separates with `\`).
        let message = match path.parent().map(|d| d.display().to_string()) {
            Some(dir) => {
                let message = message.replace(&format!("{dir}/"), "./");
                if cfg!(windows) {
                    message.replace(&format!("{dir}\\"), "./")
                } else {
                    message
                }
            }
            None => message,
        };
        record(
            &self.problems,
            path,
            format!("{message}; its paths and references are not used"),
        );
    }
}

/// The projects a tsconfig's `references` name (a folder means its
/// `tsconfig.json`), as absolute paths; empty when it has none.
pub fn project_references(tsconfig: &Path) -> Result<Vec<PathBuf>, String> {
    let text = super::read::read_text(tsconfig).map_err(|e| format!("cannot read: {e}"))?;
    let config = TsConfig::parse(true, tsconfig, tsconfig, text).map_err(|e| {
        format!(
            "not valid JSON with comments (line {}, column {})",
            e.line(),
            e.column()
        )
    })?;
    let dir = tsconfig.parent().unwrap_or(Path::new("."));
    Ok(config
        .references
        .iter()
        .map(|r| {
            let p = normalize(&dir.join(&r.path));
            if p.is_dir() {
                p.join("tsconfig.json")
            } else {
                p
            }
        })
        .collect())
}

fn is_declaration(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    [".d.ts", ".d.mts", ".d.cts"]
        .iter()
        .any(|e| name.ends_with(e))
}

fn nearest_config(file: &Path) -> Option<PathBuf> {
    file.ancestors().skip(1).find_map(|d| {
        ["tsconfig.json", "jsconfig.json"]
            .iter()
            .map(|n| d.join(n))
            .find(|p| p.exists())
    })
}

/// The config a resolver error is about, and what to say of it.
fn describe(e: &ResolveError) -> (Option<PathBuf>, String) {
    match e {
        ResolveError::TsconfigLoadFailed { path, source } => (Some(path.clone()), cause(source)),
        ResolveError::Json(j) => (Some(j.path.clone()), cause(e)),
        ResolveError::TsconfigSelfReference(p) => {
            (Some(p.clone()), "its references name itself".to_string())
        }
        ResolveError::TsconfigNotFound(p) => (
            None,
            format!(
                "cannot load the config `{}` it extends or references: not found",
                p.display()
            ),
        ),
        ResolveError::TsconfigCircularExtend(chain) => (
            chain.paths().first().cloned(),
            format!(
                "its `extends` form a cycle: {}",
                chain
                    .paths()
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(" → ")
            ),
        ),
        other => (None, format!("cannot be loaded: {other}")),
    }
}

fn cause(e: &ResolveError) -> String {
    match e {
        ResolveError::Json(j) => {
            // serde_json's message ends with the position, given first here.
            let message = j.message.split(" at line ").next().unwrap_or(&j.message);
            format!(
                "not valid JSON with comments (line {}, column {}): {message}",
                j.line, j.column
            )
        }
        ResolveError::IOError(io) => format!("cannot read: {io}"),
        ResolveError::TsconfigLoadFailed { source, .. } => cause(source),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        dir
    }

    /// The real path as the resolver spells it: on Windows without the `\\?\`
    /// prefix `canonicalize` gives.
    fn real(dir: &Path) -> PathBuf {
        let real = dir.canonicalize().unwrap();
        match real.to_str().and_then(|s| s.strip_prefix(r"\\?\")) {
            Some(plain) if cfg!(windows) => PathBuf::from(plain),
            _ => real,
        }
    }

    fn resolved(dir: &Path, importer: &str, spec: &str) -> Option<String> {
        let root = real(dir);
        Resolver::new()
            .resolve(&root.join(importer), spec)
            .map(|p| {
                let rel = p.strip_prefix(&root).unwrap().display().to_string();
                if cfg!(windows) {
                    rel.replace('\\', "/")
                } else {
                    rel
                }
            })
    }

    #[test]
    fn longest_paths_prefix_wins() {
        // The Expo template lists "@/*" before "@/assets/*".
        let d = tree(&[
            (
                "tsconfig.json",
                r#"{ "compilerOptions": { "paths": { "@/*": ["./src/*"], "@/assets/*": ["./assets/*"] } } }"#,
            ),
            ("assets/icons.ts", ""),
            ("src/assets/icons.ts", ""),
            ("src/app.ts", ""),
        ]);
        assert_eq!(
            resolved(d.path(), "src/app.ts", "@/assets/icons").as_deref(),
            Some("assets/icons.ts")
        );
    }

    #[test]
    fn a_jsonc_string_ending_in_a_backslash_before_a_trailing_comma() {
        let d = tree(&[
            (
                "tsconfig.json",
                "\u{feff}{ /* c */ \"compilerOptions\": { \"outDir\": \"dist\\\\\", \"paths\": { \"~/*\": [\"./src/*\"], }, }, }",
            ),
            ("src/lib.ts", ""),
            ("src/app.ts", ""),
        ]);
        assert_eq!(
            resolved(d.path(), "src/app.ts", "~/lib").as_deref(),
            Some("src/lib.ts")
        );
    }

    #[test]
    fn why_a_specifier_does_not_resolve() {
        let d = tree(&[
            (
                "node_modules/pkg/package.json",
                r#"{ "name": "pkg", "main": "index.js" }"#,
            ),
            ("node_modules/pkg/index.js", ""),
            ("src/app.ts", ""),
        ]);
        let app = real(d.path()).join("src/app.ts");
        let r = Resolver::new();
        assert_eq!(r.why_unresolved(&app, "pkg"), None);
        assert!(r.why_unresolved(&app, "@/lib/dynamic").is_some());
        assert!(r.why_unresolved(&app, "./missing").is_some());
    }

    #[test]
    fn packages_in_node_modules_are_not_project_modules() {
        let d = tree(&[
            (
                "node_modules/pkg/package.json",
                r#"{ "name": "pkg", "main": "index.js" }"#,
            ),
            ("node_modules/pkg/index.js", ""),
            ("src/app.ts", ""),
        ]);
        assert_eq!(resolved(d.path(), "src/app.ts", "pkg"), None);
    }

    #[test]
    fn an_unparsable_tsconfig_is_reported_once_with_its_path() {
        let d = tree(&[
            ("tsconfig.json", "{ \"compilerOptions\": { \"paths\": } }"),
            ("src/a.ts", ""),
            ("src/b.ts", ""),
        ]);
        let root = real(d.path());
        let r = Resolver::new();
        assert_eq!(
            r.resolve(&root.join("src/a.ts"), "./b"),
            Some(root.join("src/b.ts"))
        );
        r.resolve(&root.join("src/b.ts"), "./a");
        let problems = r.take_problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, root.join("tsconfig.json"));
        assert!(problems[0].1.contains("not valid JSON"), "{problems:?}");
    }
}
