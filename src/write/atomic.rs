//! Writing users' files without ever losing or half-writing one.

use std::io::Write;
use std::path::Path;

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
