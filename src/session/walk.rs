//! Discovery: which files under the given paths stepup looks at.

use crate::config::ConfigSet;
use crate::lang::Lang;
use ignore::overrides::{Override, OverrideBuilder};
use ignore::{WalkBuilder, WalkState};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Directories that hold dependencies or build output, skipped by default.
const SKIPPED_DIRS: &[&str] = &["node_modules", ".next", "dist", "build", "coverage", ".git"];

#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Do not honour .gitignore/.ignore, hidden-file and build-dir skipping.
    pub no_ignore: bool,
    /// Globs relative to each scanned directory (`--include`, `--exclude`).
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// The config files: which governs each file, and their globs.
    pub configs: Option<Arc<ConfigSet>>,
}

/// A file to process, with the path to show the user.
#[derive(Debug, Clone)]
pub struct Target {
    pub path: PathBuf,
    pub display: String,
    /// The display path's bytes when they are not valid UTF-8 (`display`
    /// then has U+FFFD in their place): patches name the file by these.
    pub display_raw: Option<Vec<u8>>,
    /// The config file that governs it (an index into the run's configs).
    pub config: Option<usize>,
    /// Its bytes, when they come from stdin (`--stdin-filename`).
    pub stdin: Option<Arc<Vec<u8>>>,
}

impl Target {
    /// `path` found under `root`, shown as `base/<relative path>`.
    fn new(path: PathBuf, root: &Path, base: &str) -> Target {
        let display = joined(base, &relative_display(&path, root));
        let display_raw = relative_display_raw(&path, root).map(|rel| {
            let mut raw = base.as_bytes().to_vec();
            if !raw.is_empty() && !rel.is_empty() {
                raw.push(b'/');
            }
            raw.extend_from_slice(&rel);
            raw
        });
        Target {
            path,
            display,
            display_raw,
            config: None,
            stdin: None,
        }
    }
}

/// `.stepup-XXXXXX.tmp`: a temporary file of a write, left by a killed run.
pub fn is_stale_temp(name: &std::ffi::OsStr) -> bool {
    let name = name.as_encoded_bytes();
    name.starts_with(b".stepup-") && name.ends_with(b".tmp")
}

#[derive(Debug)]
pub struct Discovery {
    pub targets: Vec<Target>,
    /// package.json files outside node_modules, for the project checks.
    pub manifests: Vec<Target>,
    /// Unreadable directories, symlink loops…: reported, the walk goes on.
    pub errors: Vec<String>,
    /// Temporary files an interrupted write left behind (never scanned).
    pub stale: Vec<Target>,
}

/// Every JS/TS file under `root` (or `root` itself when it is a file), sorted.
/// `root` is absolute; `base` is how the user sees it (display paths start
/// with it). A path that holds no file to check is an error.
pub fn discover(root: &Path, base: &str, opts: &WalkOptions) -> Result<Discovery, String> {
    let shown = if base.is_empty() { "." } else { base };
    let meta = std::fs::metadata(root).map_err(|e| format!("cannot scan {shown}: {e}"))?;
    let configs = opts.configs.clone();
    if meta.is_file() {
        return discover_file(root, base, configs.as_deref());
    }
    let builder = walker(root, opts, configs.clone())?;
    // Walk in parallel (ripgrep's walker); the order is fixed by sorting after.
    let found: Mutex<Discovery> = Mutex::new(Discovery {
        targets: vec![],
        manifests: vec![],
        errors: vec![],
        stale: vec![],
    });
    builder.build_parallel().run(|| {
        let found = &found;
        let configs = configs.as_deref();
        Box::new(move |entry| {
            match entry {
                Ok(e) => {
                    // Symlinks are not followed: a write must never land outside the tree.
                    if !e.file_type().is_some_and(|t| t.is_file()) {
                        return WalkState::Continue;
                    }
                    let path = e.into_path();
                    let Some(name) = path.file_name() else {
                        return WalkState::Continue;
                    };
                    let stale = is_stale_temp(name);
                    let manifest = name == "package.json"
                        && !path.components().any(|c| c.as_os_str() == "node_modules");
                    let source = Lang::from_path(&path).is_some() && !is_minified_name(&path);
                    if stale || manifest || source {
                        let mut t = Target::new(path, root, base);
                        t.config = configs.and_then(|c| c.governing(&t.path, false));
                        let mut f = found.lock().expect("walk results");
                        match (stale, manifest) {
                            (true, _) => f.stale.push(t),
                            (_, true) => f.manifests.push(t),
                            _ => f.targets.push(t),
                        }
                    }
                }
                Err(err) => found
                    .lock()
                    .expect("walk results")
                    .errors
                    .push(err.to_string()),
            }
            WalkState::Continue
        })
    });
    let mut d = found.into_inner().expect("walk results");
    if !opts.no_ignore {
        add_tracked_ignored(&mut d, root, base, opts, configs.as_deref())?;
    }
    if d.targets.is_empty() && d.errors.is_empty() {
        return Err(format!(
            "{shown}: no JavaScript or TypeScript file to check in it (.gitignore, hidden files, \
             node_modules and build output are skipped, and so is what --include/--exclude or \
             the config file leave out; --no-ignore scans everything)"
        ));
    }
    d.errors.sort();
    for list in [&mut d.targets, &mut d.manifests, &mut d.stale] {
        list.sort_by(|a, b| a.display.cmp(&b.display));
    }
    Ok(d)
}

/// Files git tracks under `root` although an ignore file of git's matches
/// them: git does not ignore a tracked file, and neither does stepup. They
/// pass the other filters of the walk (hidden files, build directories,
/// globs). Outside a git repository, or when git cannot answer, there are none.
fn add_tracked_ignored(
    d: &mut Discovery,
    root: &Path,
    base: &str,
    opts: &WalkOptions,
    configs: Option<&ConfigSet>,
) -> Result<(), String> {
    let listed = tracked_ignored(root);
    if listed.is_empty() {
        return Ok(());
    }
    let globs = cli_override(root, opts)?;
    let known: std::collections::HashSet<PathBuf> = d
        .targets
        .iter()
        .chain(&d.manifests)
        .map(|t| t.path.clone())
        .collect();
    for rel in listed {
        let skipped = rel.components().any(|c| {
            let name = c.as_os_str();
            name.as_encoded_bytes().first() == Some(&b'.')
                || name.to_str().is_some_and(|n| SKIPPED_DIRS.contains(&n))
        });
        let path = root.join(&rel);
        if skipped
            || known.contains(&path)
            || globs
                .as_ref()
                .is_some_and(|o| o.matched(&path, false).is_ignore())
            || configs.is_some_and(|c| c.excluded(&path, false))
            || !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file())
        {
            continue;
        }
        let name = rel.file_name().unwrap_or_default();
        let manifest = name == "package.json";
        if manifest || (Lang::from_path(&path).is_some() && !is_minified_name(&path)) {
            let mut t = Target::new(path, root, base);
            t.config = configs.and_then(|c| c.governing(&t.path, false));
            if manifest {
                d.manifests.push(t);
            } else {
                d.targets.push(t);
            }
        }
    }
    Ok(())
}

/// `git ls-files --cached --ignored --exclude-standard` in `dir`: tracked
/// files an ignore rule of git's matches, relative to `dir`. git runs with
/// the repository's executable settings off (no fsmonitor hook, no system
/// config); empty when git is missing, fails or `dir` is not in a work tree.
fn tracked_ignored(dir: &Path) -> Vec<PathBuf> {
    let out = std::process::Command::new("git")
        .env("LC_ALL", "C")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .arg("-C")
        .arg(dir)
        .args(["-c", "core.fsmonitor=false"])
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--ignored",
            "--exclude-standard",
        ])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output();
    let Ok(out) = out else { return vec![] };
    if !out.status.success() {
        return vec![];
    }
    out.stdout
        .split(|b| *b == 0)
        .filter(|e| !e.is_empty())
        .map(path_from_bytes)
        .collect()
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

/// git writes paths as UTF-8 where paths are not bytes.
#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

/// A file named on the command line: scanned even if an ignore file skips
/// it; a declaration file or one the config excludes is skipped quietly (a
/// git hook passes whatever was staged); any other file must be JS/TS or a
/// package.json.
fn discover_file(
    path: &Path,
    base: &str,
    configs: Option<&ConfigSet>,
) -> Result<Discovery, String> {
    let mut out = Discovery {
        targets: vec![],
        manifests: vec![],
        errors: vec![],
        stale: vec![],
    };
    let mut target = Target::new(path.to_path_buf(), path, "");
    target.display = base.to_string();
    if target.display_raw.is_some() {
        target.display_raw = relative_display_raw(path, Path::new(""));
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if configs.is_some_and(|c| c.excluded(path, false)) {
        return Ok(out);
    }
    target.config = configs.and_then(|c| c.governing(path, false));
    if name == "package.json" {
        out.manifests.push(target);
    } else if Lang::from_path(path).is_some() {
        out.targets.push(target);
    } else if !is_declaration_name(name) {
        return Err(format!(
            "{base}: not a JavaScript or TypeScript file (.js .jsx .ts .tsx .mjs .cjs .mts .cts) \
             or a package.json"
        ));
    }
    Ok(out)
}

/// `.d.ts` and its kin: JS/TS files that hold no calls to migrate.
fn is_declaration_name(name: &str) -> bool {
    [".d.ts", ".d.mts", ".d.cts"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// The walker for `root`: ignore files, skipped directories, globs; never
/// following symbolic links.
fn walker(
    root: &Path,
    opts: &WalkOptions,
    configs: Option<Arc<ConfigSet>>,
) -> Result<WalkBuilder, String> {
    let mut builder = WalkBuilder::new(root);
    builder
        .standard_filters(!opts.no_ignore)
        // Hidden files are skipped below, all but the temporary files of a
        // killed write, which are reported.
        .hidden(false)
        .require_git(false)
        .follow_links(false);
    if let Some(globs) = cli_override(root, opts)? {
        builder.overrides(globs);
    }
    let skip_dirs = !opts.no_ignore;
    if skip_dirs || configs.is_some() {
        builder.filter_entry(move |e| {
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            if skip_dirs && e.depth() > 0 && is_hidden(e) {
                return !is_dir && is_stale_temp(e.file_name());
            }
            let skipped = skip_dirs
                && is_dir
                && e.file_name()
                    .to_str()
                    .is_some_and(|n| SKIPPED_DIRS.contains(&n));
            let excluded = configs
                .as_ref()
                .is_some_and(|c| c.excluded(e.path(), is_dir));
            !(skipped || excluded)
        });
    }
    Ok(builder)
}

/// `--include`/`--exclude`, relative to `root`.
fn cli_override(root: &Path, opts: &WalkOptions) -> Result<Option<Override>, String> {
    if opts.include.is_empty() && opts.exclude.is_empty() {
        return Ok(None);
    }
    let mut ob = OverrideBuilder::new(root);
    for g in &opts.include {
        ob.add(g)
            .map_err(|e| format!("bad --include glob {g}: {e}"))?;
    }
    for g in &opts.exclude {
        ob.add(&format!("!{g}"))
            .map_err(|e| format!("bad --exclude glob {g}: {e}"))?;
    }
    ob.build().map(Some).map_err(|e| e.to_string())
}

/// Hidden as the `ignore` crate's standard filters count it: a name starting
/// with a dot, and on Windows also the hidden attribute.
fn is_hidden(e: &ignore::DirEntry) -> bool {
    #[cfg(windows)]
    {
        use std::os::windows::fs::MetadataExt;
        const FILE_ATTRIBUTE_HIDDEN: u32 = 0x2;
        if e.metadata()
            .is_ok_and(|m| m.file_attributes() & FILE_ATTRIBUTE_HIDDEN != 0)
        {
            return true;
        }
    }
    e.file_name().as_encoded_bytes().first() == Some(&b'.')
}

fn is_minified_name(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.contains(".min."))
}

/// `path` relative to `root`, with `/` separators (the form diffs and CI use).
pub fn relative_display(path: &Path, root: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    slashed(rel)
}

fn slashed(path: &Path) -> String {
    // The walk hands out relative paths that are already in this form; taking
    // them as they are saves a component split per file (a tenth of a clean
    // run's instructions on a large tree).
    if let Some(s) = path.to_str().filter(|s| already_slashed(s)) {
        return s.to_string();
    }
    path.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Is `s` what `slashed` would make of it: relative, `/`-separated, with no
/// empty or `.` component?
fn already_slashed(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && !s.starts_with('/')
        && !s.starts_with("./")
        && !s.ends_with('/')
        && !s.ends_with("/.")
        && !s.contains("//")
        && !s.contains("/./")
        && (std::path::MAIN_SEPARATOR == '/' || !s.contains(std::path::MAIN_SEPARATOR))
}

fn joined(base: &str, rel: &str) -> String {
    match (base.is_empty(), rel.is_empty()) {
        (true, _) => rel.to_string(),
        (false, true) => base.to_string(),
        (false, false) => format!("{base}/{rel}"),
    }
}

/// How the user sees `path` (absolute, normalised): relative to the working
/// directory `cwd`, with `/` separators and `..` for what lies outside it;
/// empty for `cwd` itself. Paths, diffs, SARIF and annotations all use it.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let inside = |p: &Path| pathdiff::diff_paths(p, cwd).filter(|r| !r.starts_with(".."));
    // Through a symbolic link (`/tmp` → `/private/tmp`), the real path may
    // lie under the working directory, which is always a real path.
    let rel = inside(path)
        .or_else(|| path.canonicalize().ok().as_deref().and_then(inside))
        .or_else(|| pathdiff::diff_paths(path, cwd))
        .unwrap_or_else(|| path.to_path_buf());
    slashed(&rel)
}

/// The bytes of `relative_display` when the path is not valid UTF-8.
#[cfg(unix)]
pub fn relative_display_raw(path: &Path, root: &Path) -> Option<Vec<u8>> {
    use std::os::unix::ffi::OsStrExt;
    if path.to_str().is_some() {
        return None;
    }
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<&[u8]> = rel.components().map(|c| c.as_os_str().as_bytes()).collect();
    let joined = parts.join(&b'/');
    Some(match joined.strip_prefix(b"./") {
        Some(rest) if root.as_os_str().is_empty() => rest.to_vec(),
        _ => joined,
    })
}

/// Paths are Unicode where they are not bytes.
#[cfg(not(unix))]
pub fn relative_display_raw(_: &Path, _: &Path) -> Option<Vec<u8>> {
    None
}

#[cfg(test)]
mod slashed_tests {
    use super::*;

    fn by_components(path: &Path) -> String {
        path.components()
            .filter(|c| !matches!(c, Component::CurDir))
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    }

    #[test]
    fn the_shortcut_gives_what_the_component_split_gives() {
        for p in [
            "a.tsx",
            "src/a.tsx",
            "./src/a.tsx",
            "src/./a.tsx",
            "src//a.tsx",
            "src/",
            "src/.",
            ".",
            "..",
            "../x/a.ts",
            "a/../b.ts",
            "/abs/a.ts",
            "",
            "dir.with.dots/.hidden/a.ts",
            "...",
            ".a/b",
        ] {
            let path = Path::new(p);
            assert_eq!(slashed(path), by_components(path), "{p:?}");
            if already_slashed(p) {
                assert_eq!(slashed(path), p, "{p:?}");
            }
        }
    }
}
