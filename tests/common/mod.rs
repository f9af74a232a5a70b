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

/// Write `files` (path, text) under `root`, creating folders.
pub fn write_files(root: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        write(root, rel, text.as_bytes());
    }
}

/// Run git in `dir`, with an identity of its own; panics when it fails.
pub fn git(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.email=t@example.com",
            "-c",
            "user.name=t",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Write one file under `dir`, creating folders.
pub fn write(dir: &Path, rel: &str, content: &[u8]) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}

/// A temp directory holding `files`, committed to a fresh git repository.
pub fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), files);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "init"]);
    dir
}

/// A React component with one fixable call of each kind (lines 8 and 9) and
/// nothing to review.
pub const LEGACY: &str = r#"import { usePromptMfaAuth, useIsMfaRequiredForAction } from '@dynamic-labs/sdk-react-core';
import { MFAAction } from '@dynamic-labs/sdk-api-core';

export function Export() {
  const isMfaRequiredForAction = useIsMfaRequiredForAction();
  const promptMfaAuth = usePromptMfaAuth();
  const onClick = async () => {
    if (await isMfaRequiredForAction({ mfaAction: MFAAction.WalletWaasExport })) {
      await promptMfaAuth({ createMfaToken: true });
    }
  };
  return <button onClick={onClick}>Export</button>;
}
"#;

/// `LEGACY` with its token call over three lines (9–11), for end positions.
pub const LEGACY_MULTILINE: &str = r#"import { usePromptMfaAuth, useIsMfaRequiredForAction } from '@dynamic-labs/sdk-react-core';
import { MFAAction } from '@dynamic-labs/sdk-api-core';

export function Export() {
  const isMfaRequiredForAction = useIsMfaRequiredForAction();
  const promptMfaAuth = usePromptMfaAuth();
  const onClick = async () => {
    if (await isMfaRequiredForAction({ mfaAction: MFAAction.WalletWaasExport })) {
      await promptMfaAuth({
        createMfaToken: true,
      });
    }
  };
  return <button onClick={onClick}>Export</button>;
}
"#;

/// Only a warning: `MFAAction` used as data (line 3).
pub const WARNING_ONLY: &str = "import { MFAAction } from '@dynamic-labs/sdk-api-core';\n\n\
export const protectedActions = [MFAAction.WalletWaasSign];\n";

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
            "symlinks are made on Unix only ({} -> {})",
            link.display(),
            target.trim()
        ));
    }
    Ok(())
}
