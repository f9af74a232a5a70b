//! The dirty-tree guard: git's view of the files stepup may write.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where a file stands with git.
pub enum FileState {
    /// Not inside a git work tree (or git is not installed).
    NoVcs,
    /// Modified, staged or untracked.
    Dirty,
    Clean,
}

/// git's view of the files stepup may write: the work tree of each directory,
/// and `git status` run once per work tree.
#[derive(Default)]
pub struct GitState {
    toplevels: HashMap<PathBuf, Option<PathBuf>>,
    dirty: HashMap<PathBuf, HashSet<PathBuf>>,
}

impl GitState {
    pub fn state(&mut self, file: &Path) -> FileState {
        let dir = file
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let dir = dir.canonicalize().unwrap_or(dir.to_path_buf());
        let top = self
            .toplevels
            .entry(dir.clone())
            .or_insert_with(|| toplevel(&dir))
            .clone();
        let Some(top) = top else {
            return FileState::NoVcs;
        };
        let dirty = self
            .dirty
            .entry(top.clone())
            .or_insert_with(|| dirty_files(&top));
        let canon = file.canonicalize().unwrap_or(file.to_path_buf());
        if dirty.contains(&canon) {
            FileState::Dirty
        } else {
            FileState::Clean
        }
    }
}

fn toplevel(dir: &Path) -> Option<PathBuf> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--show-toplevel"])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim_end_matches(['\n', '\r'])))
}

/// Files with uncommitted changes (modified, staged, untracked), canonical paths.
fn dirty_files(toplevel: &Path) -> HashSet<PathBuf> {
    let status = Command::new("git")
        .arg("-C")
        .arg(toplevel)
        .args([
            "status",
            "--porcelain=v1",
            "-z",
            "--untracked-files=all",
            "--no-renames",
        ])
        .output();
    let mut dirty = HashSet::new();
    if let Ok(out) = status {
        for entry in out.stdout.split(|b| *b == 0) {
            if entry.len() > 3 {
                let rel = String::from_utf8_lossy(&entry[3..]).to_string();
                let p = toplevel.join(rel);
                dirty.insert(p.canonicalize().unwrap_or(p));
            }
        }
    }
    dirty
}
