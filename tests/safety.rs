//! Hazards of writing into a user's repository, each created for real in a temp dir.

use assert_cmd::Command;
use stepup::write::atomic::atomic_write;

const LEGACY: &str = "import { usePromptMfaAuth } from '@dynamic-labs/sdk-react-core';\n\
export function A() {\n  const p = usePromptMfaAuth();\n  return () => p();\n}\n";

#[test]
fn a_file_changed_on_disk_since_it_was_read_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.tsx");
    std::fs::write(&path, "what stepup read").unwrap();
    // The user saves the file while stepup works on the old content.
    std::fs::write(&path, "what the user saved").unwrap();
    let err = atomic_write(&path, b"what stepup read", b"stepup's rewrite").unwrap_err();
    assert!(err.contains("changed on disk"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "what the user saved"
    );
    // With matching content the write goes through, and no temp file is left.
    atomic_write(&path, b"what the user saved", b"rewritten").unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "rewritten");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn very_large_files_are_skipped_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let mut big = String::from(LEGACY);
    while big.len() <= 1024 * 1024 {
        big.push_str("export const padding = 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx';\n");
    }
    std::fs::write(dir.path().join("bundle.js"), &big).unwrap();
    std::fs::write(dir.path().join("small.tsx"), LEGACY).unwrap();
    let out = Command::cargo_bin("stepup")
        .unwrap()
        .args(["migrate", "--write", "--allow-no-vcs", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bundle.js: skipped:") && stderr.contains("1048576 byte limit"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("bundle.js")).unwrap(),
        big
    );
    assert!(
        std::fs::read_to_string(dir.path().join("small.tsx"))
            .unwrap()
            .contains("promptMfa()")
    );
}

#[cfg(unix)]
#[test]
fn an_unreadable_directory_is_reported_and_the_run_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("locked")).unwrap();
    std::fs::write(dir.path().join("locked/a.tsx"), LEGACY).unwrap();
    std::fs::write(dir.path().join("b.tsx"), LEGACY).unwrap();
    std::fs::set_permissions(
        dir.path().join("locked"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    if std::fs::read_dir(dir.path().join("locked")).is_ok() {
        // Root reads any directory: the hazard cannot be created here.
        std::fs::set_permissions(
            dir.path().join("locked"),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
        eprintln!("SKIPPED: running as root, a directory cannot be made unreadable");
        return;
    }
    let out = Command::cargo_bin("stepup")
        .unwrap()
        .arg("check")
        .current_dir(dir.path())
        .output()
        .unwrap();
    std::fs::set_permissions(
        dir.path().join("locked"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unreadable directory is an error"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("locked"));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("b.tsx"),
        "the other files are still checked"
    );
}

/// A write that fails halfway (a full disk): `ulimit -f` makes every write
/// past 2 KiB fail with EFBIG, SIGXFSZ ignored so the write returns the error.
#[cfg(unix)]
#[test]
fn a_write_that_fails_midway_leaves_the_file_intact_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut big = String::from(LEGACY);
    while big.len() < 6 * 1024 {
        big.push_str("// a long file: its rewrite does not fit under the file-size limit\n");
    }
    std::fs::write(dir.path().join("big.tsx"), &big).unwrap();
    std::fs::write(dir.path().join("small.tsx"), LEGACY).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("stepup");
    let out = std::process::Command::new("bash")
        .args([
            "-c",
            "trap '' XFSZ; ulimit -f 2; exec \"$0\" migrate --write --allow-no-vcs .",
        ])
        .arg(&bin)
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("big.tsx: not written: cannot write the temporary file"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("big.tsx")).unwrap(),
        big,
        "the original is intact"
    );
    assert!(
        std::fs::read_to_string(dir.path().join("small.tsx"))
            .unwrap()
            .contains("promptMfa()")
    );
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with(".stepup-")),
        "no temporary file is left: {names:?}"
    );
}
