//! Writing users' files without ever losing or half-writing one.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Replace `path`'s contents with `new`, provided it still holds `original`.
/// Writes a temporary file in the same directory, syncs it and renames it
/// over the original, keeping the original's permissions.
pub fn atomic_write(path: &Path, original: &[u8], new: &[u8]) -> Result<(), String> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| format!("cannot stat: {e}"))?;
    if meta.file_type().is_symlink() {
        return Err("is a symbolic link; stepup does not write through links".into());
    }
    if meta.permissions().readonly() {
        return Err("is read-only; left unchanged".into());
    }
    let current = std::fs::read(path).map_err(|e| format!("cannot re-read before writing: {e}"))?;
    if current != original {
        return Err("changed on disk while stepup was running; left unchanged".into());
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".stepup-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| format!("cannot create a temporary file next to it: {e}"))?;
    tmp.write_all(new)
        .map_err(|e| format!("cannot write the temporary file: {e}"))?;
    tmp.as_file()
        .set_permissions(meta.permissions())
        .map_err(|e| format!("cannot copy permissions: {e}"))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| format!("cannot sync: {e}"))?;
    tmp.persist(path)
        .map_err(|e| format!("cannot replace the file: {}", e.error))?;
    Ok(())
}

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
