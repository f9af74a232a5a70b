//! Discovery: which files under the given paths stepup looks at.

use crate::lang::Lang;
use ignore::overrides::OverrideBuilder;
use ignore::{WalkBuilder, WalkState};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Directories that hold dependencies or build output, skipped by default.
const SKIPPED_DIRS: &[&str] = &["node_modules", ".next", "dist", "build", "coverage", ".git"];

#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Do not honour .gitignore/.ignore, hidden-file and build-dir skipping.
    pub no_ignore: bool,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
}

/// A file to process, with the path to show the user.
#[derive(Debug, Clone)]
pub struct Target {
    pub path: PathBuf,
    pub display: String,
    /// The display path's bytes when they are not valid UTF-8 (`display`
    /// then has U+FFFD in their place): patches name the file by these.
    pub display_raw: Option<Vec<u8>>,
}

impl Target {
    fn new(path: PathBuf, root: &Path) -> Target {
        Target {
            display: relative_display(&path, root),
            display_raw: relative_display_raw(&path, root),
            path,
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
pub fn discover(root: &Path, opts: &WalkOptions) -> Result<Discovery, String> {
    let meta = std::fs::metadata(root).map_err(|e| format!("{}: {e}", root.display()))?;
    if meta.is_file() {
        let target = Target::new(root.to_path_buf(), Path::new(""));
        let manifest = root.file_name().is_some_and(|n| n == "package.json");
        return Ok(Discovery {
            targets: if manifest {
                vec![]
            } else {
                vec![target.clone()]
            },
            manifests: if manifest { vec![target] } else { vec![] },
            errors: vec![],
            stale: vec![],
        });
    }
    let builder = walker(root, opts)?;
    // Walk in parallel (ripgrep's walker); the order is fixed by sorting after.
    let found: Mutex<Discovery> = Mutex::new(Discovery {
        targets: vec![],
        manifests: vec![],
        errors: vec![],
        stale: vec![],
    });
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
                    let Some(name) = path.file_name() else {
                        return WalkState::Continue;
                    };
                    let stale = is_stale_temp(name);
                    let manifest = name == "package.json"
                        && !path.components().any(|c| c.as_os_str() == "node_modules");
                    let source = Lang::from_path(&path).is_some() && !is_minified_name(&path);
                    if stale || manifest || source {
                        let t = Target::new(path, root);
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
    d.errors.sort();
    for list in [&mut d.targets, &mut d.manifests, &mut d.stale] {
        list.sort_by(|a, b| a.display.cmp(&b.display));
    }
    Ok(d)
}

/// The walker for `root`: ignore files, skipped directories, globs; never
/// following symbolic links.
fn walker(root: &Path, opts: &WalkOptions) -> Result<WalkBuilder, String> {
    let mut builder = WalkBuilder::new(root);
    builder
        .standard_filters(!opts.no_ignore)
        // Hidden files are skipped below, all but the temporary files of a
        // killed write, which are reported.
        .hidden(false)
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
    if !opts.no_ignore {
        builder.filter_entry(|e| {
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            if e.depth() > 0 && is_hidden(e) {
                return !is_dir && is_stale_temp(e.file_name());
            }
            !(is_dir
                && e.file_name()
                    .to_str()
                    .is_some_and(|n| SKIPPED_DIRS.contains(&n)))
        });
    }
    Ok(builder)
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

/// `path` relative to `root`, with `/` separators (the form diffs and CI
/// use); a leading `./` is dropped.
pub fn relative_display(path: &Path, root: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let s = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    match s.strip_prefix("./") {
        Some(rest) if root.as_os_str().is_empty() => rest.to_string(),
        _ => s,
    }
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
