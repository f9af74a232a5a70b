//! File-tree helpers the test binaries share.
#![allow(dead_code)] // each test binary uses its own subset

use std::path::{Path, PathBuf};

/// Every file under `root`, sorted; `node_modules` folders are left out when
/// asked. Symbolic links are not followed (nor listed).
pub fn files_under(root: &Path, skip_node_modules: bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(root).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        let kind = e.file_type().unwrap();
        if kind.is_symlink() {
            continue;
        }
        if kind.is_dir() {
            if !(skip_node_modules && p.file_name().is_some_and(|n| n == "node_modules")) {
                out.extend(files_under(&p, skip_node_modules));
            }
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Copy every file under `from` to the same place under `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    for f in files_under(from, false) {
        let dest = to.join(f.strip_prefix(from).unwrap());
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(&f, &dest).unwrap();
    }
}

/// Create the symbolic links a project fixture's `symlinks.txt` describes,
/// under `root`: one `LINK -> TARGET` per line (`#` starts a comment), LINK
/// relative to `root`, TARGET relative to LINK's folder, as `ln -s` takes it.
/// (Package managers link workspace packages into `node_modules` this way;
/// git keeps no such links in a fixture, so the test makes them.)
pub fn make_symlinks(spec: &str, root: &Path) -> Result<(), String> {
    for line in spec.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (link, target) = line
            .split_once(" -> ")
            .ok_or_else(|| format!("symlinks.txt: `{line}` is not `LINK -> TARGET`"))?;
        let link = root.join(link.trim());
        std::fs::create_dir_all(link.parent().unwrap()).map_err(|e| e.to_string())?;
        #[cfg(unix)]
        std::os::unix::fs::symlink(target.trim(), &link)
            .map_err(|e| format!("symlink {}: {e}", link.display()))?;
        #[cfg(not(unix))]
        return Err(format!(
            "symlinks are made on Unix only ({})",
            link.display()
        ));
    }
    Ok(())
}
