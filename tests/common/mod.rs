//! File-tree helpers the test binaries share.
#![allow(dead_code)] // each test binary uses its own subset

use std::path::{Path, PathBuf};

/// Every file under `root`, sorted; `node_modules` folders are left out when asked.
pub fn files_under(root: &Path, skip_node_modules: bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(root).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
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
