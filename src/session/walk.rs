//! Discovery: which files under the given paths stepup looks at.

use crate::lang::Lang;
use ignore::overrides::{Override, OverrideBuilder};
use ignore::{WalkBuilder, WalkState};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// Directories that hold dependencies or build output, skipped by default.
const SKIPPED_DIRS: &[&str] = &["node_modules", ".next", "dist", "build", "coverage", ".git"];

#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Do not honour .gitignore/.ignore, hidden-file and build-dir skipping.
    pub no_ignore: bool,
    /// Globs relative to each scanned directory (`--include`, `--exclude`).
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// Globs of a config file, relative to its directory.
    pub config: Option<ConfigGlobs>,
}

/// `include`/`exclude` of a config file: they apply under its directory, to
/// files named on the command line too.
#[derive(Debug, Clone, Default)]
pub struct ConfigGlobs {
    /// The config file, for messages.
    pub file: String,
    pub dir: PathBuf,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
}

/// A file to process, with the path to show the user.
#[derive(Debug, Clone)]
pub struct Target {
    pub path: PathBuf,
    pub display: String,
}

#[derive(Debug)]
pub struct Discovery {
    pub targets: Vec<Target>,
    /// package.json files outside node_modules, for the project checks.
    pub manifests: Vec<Target>,
    /// Unreadable directories, symlink loops…: reported, the walk goes on.
    pub errors: Vec<String>,
}

/// Every JS/TS file under `root` (or `root` itself when it is a file), sorted.
/// `root` is absolute; `base` is how the user sees it (display paths start
/// with it). A path that holds no file to check is an error.
pub fn discover(root: &Path, base: &str, opts: &WalkOptions) -> Result<Discovery, String> {
    let shown = if base.is_empty() { "." } else { base };
    let meta = std::fs::metadata(root).map_err(|e| format!("cannot scan {shown}: {e}"))?;
    let config = config_override(opts)?;
    if meta.is_file() {
        return discover_file(root, base, config.as_ref());
    }
    let builder = walker(root, opts, config)?;
    // Walk in parallel (ripgrep's walker); the order is fixed by sorting after.
    let found: Mutex<(Vec<Target>, Vec<Target>, Vec<String>)> =
        Mutex::new((vec![], vec![], vec![]));
    builder.build_parallel().run(|| {
        let found = &found;
        Box::new(move |entry| {
            match entry {
                Ok(e) => {
                    // Symlinks are not followed: a write must never land outside the tree.
                    if !e.file_type().is_some_and(|t| t.is_file()) {
                        return WalkState::Continue;
                    }
                    let path = e.into_path();
                    let manifest = path.file_name().is_some_and(|n| n == "package.json")
                        && !path.components().any(|c| c.as_os_str() == "node_modules");
                    if manifest || (Lang::from_path(&path).is_some() && !is_minified_name(&path)) {
                        let display = joined(base, &relative_display(&path, root));
                        let mut found = found.lock().expect("walk results");
                        let list = if manifest { &mut found.1 } else { &mut found.0 };
                        list.push(Target { path, display });
                    }
                }
                Err(err) => found.lock().expect("walk results").2.push(err.to_string()),
            }
            WalkState::Continue
        })
    });
    let (mut targets, mut manifests, mut errors) = found.into_inner().expect("walk results");
    if targets.is_empty() && errors.is_empty() {
        return Err(format!(
            "{shown}: no JavaScript or TypeScript file to check in it (.gitignore, hidden files, \
             node_modules and build output are skipped, and so is what --include/--exclude or \
             the config file leave out; --no-ignore scans everything)"
        ));
    }
    errors.sort();
    targets.sort_by(|a, b| a.display.cmp(&b.display));
    manifests.sort_by(|a, b| a.display.cmp(&b.display));
    Ok(Discovery {
        targets,
        manifests,
        errors,
    })
}

/// A file named on the command line: scanned even if an ignore file skips
/// it; a declaration file or one the config excludes is skipped quietly (a
/// git hook passes whatever was staged); any other file must be JS/TS or a
/// package.json.
fn discover_file(path: &Path, base: &str, config: Option<&Override>) -> Result<Discovery, String> {
    let mut out = Discovery {
        targets: vec![],
        manifests: vec![],
        errors: vec![],
    };
    let target = Target {
        path: path.to_path_buf(),
        display: base.to_string(),
    };
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if config.is_some_and(|c| c.matched(path, false).is_ignore()) {
        return Ok(out);
    }
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

/// A config file's include/exclude globs, matched from its directory.
fn config_override(opts: &WalkOptions) -> Result<Option<Override>, String> {
    let Some(c) = &opts.config else {
        return Ok(None);
    };
    if c.include.is_empty() && c.exclude.is_empty() {
        return Ok(None);
    }
    let mut ob = OverrideBuilder::new(&c.dir);
    let bad =
        |key: &str, g: &str, e: ignore::Error| format!("{}: `{key}`: bad glob {g}: {e}", c.file);
    for g in &c.include {
        ob.add(g).map_err(|e| bad("include", g, e))?;
    }
    for g in &c.exclude {
        ob.add(&format!("!{g}")).map_err(|e| bad("exclude", g, e))?;
    }
    ob.build().map(Some).map_err(|e| format!("{}: {e}", c.file))
}

/// The walker for `root`: ignore files, skipped directories, globs; never
/// following symbolic links.
fn walker(
    root: &Path,
    opts: &WalkOptions,
    config: Option<Override>,
) -> Result<WalkBuilder, String> {
    let mut builder = WalkBuilder::new(root);
    builder
        .standard_filters(!opts.no_ignore)
        .require_git(false)
        .follow_links(false);
    if !opts.include.is_empty() || !opts.exclude.is_empty() {
        let mut ob = OverrideBuilder::new(root);
        for g in &opts.include {
            ob.add(g)
                .map_err(|e| format!("bad --include glob {g}: {e}"))?;
        }
        for g in &opts.exclude {
            ob.add(&format!("!{g}"))
                .map_err(|e| format!("bad --exclude glob {g}: {e}"))?;
        }
        builder.overrides(ob.build().map_err(|e| e.to_string())?);
    }
    let skip_dirs = !opts.no_ignore;
    if skip_dirs || config.is_some() {
        builder.filter_entry(move |e| {
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            let skipped = skip_dirs
                && is_dir
                && e.file_name()
                    .to_str()
                    .is_some_and(|n| SKIPPED_DIRS.contains(&n));
            let excluded = config
                .as_ref()
                .is_some_and(|c| c.matched(e.path(), is_dir).is_ignore());
            !(skipped || excluded)
        });
    }
    Ok(builder)
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
    path.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
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
