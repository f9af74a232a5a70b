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

/// `p` from the working directory when it is relative.
fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|c| c.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    }
}

/// Lexically normalised absolute path (no `.`/`..`), without touching the disk.
pub fn normalize(p: &Path) -> PathBuf {
    let abs = absolute(p);
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

/// A path given on the command line, absolute, with `.` and `..` resolved
/// the way the kernel resolves them when it opens the path: a `..` goes up
/// from where the path so far physically is, so after a symbolic link it
/// leaves the link's target (`lnk/../src/a.tsx` with `lnk -> ../B/deep` is
/// `B/src/a.tsx`), not the folder holding the link, as `normalize` would
/// have it. Without a `..`, nothing is looked up and no link is resolved.
pub fn resolve_dots(p: &Path) -> PathBuf {
    let abs = absolute(p);
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                // A prefix that does not exist fails to open anyway: lexical.
                if let Ok(real) = out.canonicalize() {
                    out = real;
                }
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
    /// Read every config as if it had no `extends` (the fallback view of a
    /// tsconfig whose `extends` cannot be loaded).
    without_extends: bool,
}

impl FileSystem for BoundedFs {
    fn new() -> Self {
        BoundedFs {
            problems: Problems::default(),
            without_extends: false,
        }
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        let bytes = self.read_file(path)?;
        let is_config = path.file_name().is_some_and(|n| n != "package.json");
        Ok(if self.without_extends && is_config {
            drop_extends(bytes)
        } else {
            bytes
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

impl BoundedFs {
    fn read_file(&self, path: &Path) -> io::Result<Vec<u8>> {
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
}

/// A config as JSON (comments, trailing commas and a BOM allowed), or None
/// when it is not a JSON object.
fn config_json(bytes: &[u8]) -> Option<serde_json::Map<String, serde_json::Value>> {
    let mut text = bytes
        .strip_prefix("\u{feff}".as_bytes())
        .unwrap_or(bytes)
        .to_vec();
    json_strip_comments::strip_slice(&mut text).ok()?;
    serde_json::from_slice(&text).ok()
}

/// The config without its `extends` (unchanged when it has none or does not
/// parse: the resolver then reports it as it is).
fn drop_extends(bytes: Vec<u8>) -> Vec<u8> {
    let Some(mut map) = config_json(&bytes) else {
        return bytes;
    };
    if map.remove("extends").is_none() {
        return bytes;
    }
    serde_json::to_vec(&map).unwrap_or(bytes)
}

/// `extends` chains longer than this are refused: the resolver loads a chain
/// by recursion, and a chain hundreds deep would overflow a worker thread's
/// stack. Real chains are a few configs long.
pub const MAX_EXTENDS_DEPTH: usize = 32;

/// The options `oxc_resolver` itself resolves an `extends` package or
/// `#subpath` with (its `tsconfig_extends_resolver`).
fn extends_options() -> ResolveOptions {
    ResolveOptions {
        tsconfig: None,
        condition_names: vec!["node".into(), "import".into()],
        extensions: vec![".json".into()],
        main_files: vec!["tsconfig".into()],
        ..ResolveOptions::default()
    }
}

/// The configs `config` extends, found as the resolver finds them: a path
/// (`.json` added when the name has none, a folder meaning its
/// `tsconfig.json`), or a package or `#subpath` resolved by `packages`
/// (the resolver's own rules for `extends`: `exports`, `tsconfig.json`).
fn extends_of(config: &Path, packages: &ResolverGeneric<BoundedFs>) -> Vec<PathBuf> {
    let Some(json) = read_bounded(config, MAX_PROJECT_FILE_BYTES)
        .ok()
        .and_then(|b| config_json(&b))
    else {
        return vec![];
    };
    let specs: Vec<&str> = match json.get("extends") {
        Some(serde_json::Value::String(s)) => vec![s.as_str()],
        Some(serde_json::Value::Array(a)) => a.iter().filter_map(|v| v.as_str()).collect(),
        _ => return vec![],
    };
    let dir = config.parent().unwrap_or(Path::new("/"));
    let as_config = |p: PathBuf| -> Option<PathBuf> {
        if p.is_file() {
            return Some(p);
        }
        if p.is_dir() {
            return Some(p.join("tsconfig.json")).filter(|t| t.is_file());
        }
        let mut with_json = p.into_os_string();
        with_json.push(".json");
        Some(PathBuf::from(with_json)).filter(|t| t.is_file())
    };
    specs
        .into_iter()
        .filter_map(|spec| match spec.as_bytes().first() {
            None => None,
            Some(b'/') => as_config(PathBuf::from(spec)),
            Some(b'.') => as_config(normalize(&dir.join(spec))),
            _ => packages.resolve(dir, spec).ok().map(|r| r.into_path_buf()),
        })
        .collect()
}

/// Whether an `extends` chain from `config` is longer than
/// [`MAX_EXTENDS_DEPTH`]. Walked depth-first with a stack of its own, not by
/// recursion, each config's longest chain computed once; a config already on
/// the chain (a cycle) is not followed again (the resolver reports cycles).
fn extends_too_deep(config: &Path, packages: &ResolverGeneric<BoundedFs>) -> bool {
    // The chain being walked: a config, the configs it extends still to
    // visit, the longest chain below it so far.
    let mut stack = vec![(config.to_path_buf(), extends_of(config, packages), 0usize)];
    let mut on_chain: std::collections::HashSet<PathBuf> = [config.to_path_buf()].into();
    let mut longest: HashMap<PathBuf, usize> = HashMap::new();
    loop {
        if stack.len() > MAX_EXTENDS_DEPTH + 1 {
            return true;
        }
        let Some((_, next, below)) = stack.last_mut() else {
            return false;
        };
        if let Some(child) = next.pop() {
            if on_chain.contains(&child) {
                continue;
            }
            if let Some(&h) = longest.get(&child) {
                *below = (*below).max(h + 1);
                continue;
            }
            on_chain.insert(child.clone());
            let grandchildren = extends_of(&child, packages);
            stack.push((child, grandchildren, 0));
        } else {
            let (done, _, h) = stack.pop().expect("a config on the chain");
            on_chain.remove(&done);
            if h > MAX_EXTENDS_DEPTH {
                return true;
            }
            longest.insert(done, h);
            if let Some((_, _, parent_below)) = stack.last_mut() {
                *parent_below = (*parent_below).max(h + 1);
            }
        }
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
    /// Reads every config without its `extends`: the config that applies to
    /// a file when what it extends cannot be loaded (its own `paths` stay).
    without_extends: std::sync::OnceLock<ResolverGeneric<BoundedFs>>,
    /// Resolves an `extends` package as the resolver does, for the depth check.
    extends: ResolverGeneric<BoundedFs>,
    problems: Problems,
    /// The tsconfig chosen for each importing file.
    configs: Mutex<HashMap<PathBuf, Option<Arc<TsConfig>>>>,
    /// Importing files whose tsconfig could not be loaded whole.
    unusable: Mutex<std::collections::HashSet<PathBuf>>,
    /// By folder: a config there (or a project it references) whose
    /// `extends` chain is too deep to load.
    too_deep: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
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
            without_extends: false,
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
        let extends = typed.clone_with_options(extends_options());
        Resolver {
            typed,
            untyped,
            extends,
            without_extends: std::sync::OnceLock::new(),
            problems,
            configs: Mutex::default(),
            unusable: Mutex::default(),
            too_deep: Mutex::default(),
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

    /// Whether the tsconfig for `importer` could not be loaded whole: it,
    /// or what it extends, is unusable (only its own settings, or none,
    /// apply), so an alias it meant to declare may be missing.
    pub fn config_unusable(&self, importer: &Path) -> bool {
        self.config_for(importer);
        self.unusable
            .lock()
            .expect("unusable configs")
            .contains(importer)
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

    /// The tsconfig for `file`. When it cannot be loaded because of what it
    /// extends (a package not installed yet, a base that does not parse, a
    /// cycle, a chain too deep), the same config without its `extends`
    /// applies: its own `paths` and `baseUrl` still hold. Every such
    /// problem is recorded under the config at fault.
    fn find_config(&self, file: &Path) -> Option<Arc<TsConfig>> {
        let unusable = || {
            self.unusable
                .lock()
                .expect("unusable configs")
                .insert(file.to_path_buf());
        };
        if let Some(deep) = self.deep_config_above(file) {
            unusable();
            let kept = locate(self.fallback(), file, &self.problems).ok().flatten();
            record(
                &self.problems,
                deep,
                format!(
                    "its `extends` chain is deeper than {MAX_EXTENDS_DEPTH} configs; {}",
                    kept_note(kept.as_deref(), None)
                ),
            );
            return kept;
        }
        match locate(&self.typed, file, &self.problems) {
            Ok(found) => found,
            Err(e) => {
                unusable();
                let kept = locate(self.fallback(), file, &self.problems).ok().flatten();
                self.report(file, &e, kept.as_deref());
                kept
            }
        }
    }

    fn fallback(&self) -> &ResolverGeneric<BoundedFs> {
        self.without_extends.get_or_init(|| {
            ResolverGeneric::new_with_file_system(
                BoundedFs {
                    problems: self.problems.clone(),
                    without_extends: true,
                },
                options(
                    &["types", "import", "require", "default"],
                    &["types", "typings", "module", "main"],
                ),
            )
        })
    }

    /// A tsconfig or jsconfig above `file` (or a project it references)
    /// whose `extends` chain is too deep to load, if any.
    fn deep_config_above(&self, file: &Path) -> Option<PathBuf> {
        file.ancestors()
            .skip(1)
            .find_map(|dir| self.deep_config_in(dir))
    }

    /// The same for the configs of one folder, walked once per folder.
    fn deep_config_in(&self, dir: &Path) -> Option<PathBuf> {
        if let Some(known) = self.too_deep.lock().expect("depth cache").get(dir) {
            return known.clone();
        }
        let found = ["tsconfig.json", "jsconfig.json"]
            .iter()
            .map(|name| dir.join(name))
            .filter(|config| config.is_file())
            .find_map(|config| {
                let referenced = project_references(&config).unwrap_or_default();
                std::iter::once(config)
                    .chain(referenced)
                    .find(|c| extends_too_deep(c, &self.extends))
            });
        self.too_deep
            .lock()
            .expect("depth cache")
            .insert(dir.to_path_buf(), found.clone());
        found
    }

    /// Record why the tsconfig for `file` could not be loaded, under the
    /// path of the config at fault (or the nearest one when the error names
    /// none, such as an `extends` target that does not exist), and what
    /// applies instead.
    fn report(&self, file: &Path, e: &ResolveError, kept: Option<&TsConfig>) {
        let (path, message) = describe(e);
        let Some(path) = path.or_else(|| nearest_config(file)) else {
            return;
        };
        let note = kept_note(kept, Some(&path));
        let message = format!("{message}; {note}");
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
        record(&self.problems, path, message);
    }
}

/// The tsconfig TypeScript would use for `file`, as `r` loads it: the
/// nearest one that includes the file, else (as bundlers do) the nearest
/// `tsconfig.json` or `jsconfig.json`.
fn locate(
    r: &ResolverGeneric<BoundedFs>,
    file: &Path,
    problems: &Problems,
) -> Result<Option<Arc<TsConfig>>, ResolveError> {
    if let Some(config) = r.find_tsconfig(file)? {
        return Ok(Some(config));
    }
    for dir in file.ancestors().skip(1) {
        for name in ["tsconfig.json", "jsconfig.json"] {
            let candidate = dir.join(name);
            let Ok(meta) = std::fs::metadata(&candidate) else {
                continue;
            };
            if !meta.is_file() {
                record(
                    problems,
                    candidate,
                    "not a regular file; ignored".to_string(),
                );
                continue;
            }
            return r.resolve_tsconfig(&candidate).map(Some);
        }
    }
    Ok(None)
}

/// What applies when a config cannot be loaded whole.
fn kept_note(kept: Option<&TsConfig>, at_fault: Option<&Path>) -> String {
    match kept {
        Some(c) if at_fault.is_none_or(|p| p == c.path()) => {
            "its own paths and baseUrl are used, without what it extends".to_string()
        }
        Some(c) => format!("`{}` is used without what it extends", c.path().display()),
        None => "its paths and references are not used".to_string(),
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
    fn extends_chains_are_measured_without_recursion() {
        // Through packages: node_modules/p<i>/tsconfig.json extends p<i+1>.
        let chain = |n: usize| {
            let mut files = vec![(
                "tsconfig.json".to_string(),
                r#"{ "extends": "p0/tsconfig.json" }"#.to_string(),
            )];
            for i in 0..n {
                files.push((
                    format!("node_modules/p{i}/tsconfig.json"),
                    format!("{{ \"extends\": \"p{}\" }}", i + 1),
                ));
            }
            files.push((format!("node_modules/p{n}/tsconfig.json"), "{}".into()));
            let refs: Vec<(&str, &str)> = files
                .iter()
                .map(|(p, t)| (p.as_str(), t.as_str()))
                .collect();
            tree(&refs)
        };
        let r = Resolver::new();
        let too_deep = |d: &tempfile::TempDir| {
            extends_too_deep(
                &d.path().canonicalize().unwrap().join("tsconfig.json"),
                &r.extends,
            )
        };
        let shallow = chain(MAX_EXTENDS_DEPTH - 2);
        assert!(!too_deep(&shallow));
        let deep = chain(MAX_EXTENDS_DEPTH + 1);
        assert!(too_deep(&deep));
        // A cycle ends the walk (the resolver reports it).
        let cycle = tree(&[
            ("tsconfig.json", r#"{ "extends": ["./a", "./b.json"] }"#),
            ("a.json", r#"{ "extends": "./b.json" }"#),
            ("b.json", r#"{ "extends": "./a.json" }"#),
        ]);
        assert!(!too_deep(&cycle));
        // Through a package's `exports`, as the resolver follows it.
        let mut files = vec![(
            "tsconfig.json".to_string(),
            r#"{ "extends": "q0" }"#.to_string(),
        )];
        for i in 0..=MAX_EXTENDS_DEPTH {
            files.push((
                format!("node_modules/q{i}/package.json"),
                r#"{ "name": "q", "exports": { ".": "./configs/base.json" } }"#.to_string(),
            ));
            files.push((
                format!("node_modules/q{i}/configs/base.json"),
                format!("{{ \"extends\": \"q{}\" }}", i + 1),
            ));
        }
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        assert!(too_deep(&tree(&refs)));
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
