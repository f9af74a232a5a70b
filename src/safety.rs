//! Writing users' files without ever losing or half-writing one.

use std::collections::HashSet;
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

/// What git says about the work tree a path is in.
pub enum Vcs {
    /// Not inside a git work tree (or git is not installed).
    None,
    /// Files with uncommitted changes (modified, staged, untracked), canonical paths.
    Git { dirty: HashSet<PathBuf> },
}

pub fn vcs_status(dir: &Path) -> Vcs {
    let top = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--show-toplevel"])
        .output();
    let Ok(top) = top else { return Vcs::None };
    if !top.status.success() {
        return Vcs::None;
    }
    let toplevel =
        PathBuf::from(String::from_utf8_lossy(&top.stdout).trim_end_matches(['\n', '\r']));
    let status = Command::new("git")
        .arg("-C")
        .arg(&toplevel)
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
    Vcs::Git { dirty }
}
