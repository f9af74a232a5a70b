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
pub fn discover(root: &Path, opts: &WalkOptions) -> Result<Discovery, String> {
    let meta = std::fs::metadata(root).map_err(|e| format!("{}: {e}", root.display()))?;
    if meta.is_file() {
        let target = Target {
            path: root.to_path_buf(),
            display: display_for_file(root),
        };
        let manifest = root.file_name().is_some_and(|n| n == "package.json");
        return Ok(Discovery {
            targets: if manifest {
                vec![]
            } else {
                vec![target.clone()]
            },
            manifests: if manifest { vec![target] } else { vec![] },
            errors: vec![],
        });
    }
    let builder = walker(root, opts)?;
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
                    if path.file_name().is_some_and(|n| n == "package.json")
                        && !path.components().any(|c| c.as_os_str() == "node_modules")
                    {
                        let display = relative_display(&path, root);
                        found
                            .lock()
                            .expect("walk results")
                            .1
                            .push(Target { path, display });
                    } else if Lang::from_path(&path).is_some() && !is_minified_name(&path) {
                        let display = relative_display(&path, root);
                        found
                            .lock()
                            .expect("walk results")
                            .0
                            .push(Target { path, display });
                    }
                }
                Err(err) => found.lock().expect("walk results").2.push(err.to_string()),
            }
            WalkState::Continue
        })
    });
    let (mut targets, mut manifests, mut errors) = found.into_inner().expect("walk results");
    errors.sort();
    targets.sort_by(|a, b| a.display.cmp(&b.display));
    manifests.sort_by(|a, b| a.display.cmp(&b.display));
    Ok(Discovery {
        targets,
        manifests,
        errors,
    })
}

/// The walker for `root`: ignore files, skipped directories, globs; never
/// following symbolic links.
fn walker(root: &Path, opts: &WalkOptions) -> Result<WalkBuilder, String> {
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
    if !opts.no_ignore {
        builder.filter_entry(|e| {
            !(e.file_type().is_some_and(|t| t.is_dir())
                && e.file_name()
                    .to_str()
                    .is_some_and(|n| SKIPPED_DIRS.contains(&n)))
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
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn display_for_file(path: &Path) -> String {
    let s = relative_display(path, Path::new(""));
    s.strip_prefix("./").unwrap_or(&s).to_string()
}
