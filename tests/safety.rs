//! Hazards of writing into a user's repository, and of reading a hostile
//! one, each created for real in a temp dir.

mod common;

use assert_cmd::Command;
use common::{git, repo, write};
use std::io::Write;
use std::path::{Path, PathBuf};
#[cfg(unix)]
use std::process::{Command as Proc, Stdio};
#[cfg(unix)]
use std::time::{Duration, Instant};
use stepup::write::atomic::{Stage, atomic_write, write_checked};

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

/// Over 1 MiB of padding that names nothing of Dynamic's.
fn padding() -> String {
    let mut big = String::new();
    while big.len() <= 1024 * 1024 {
        big.push_str("export const padding = 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx';\n");
    }
    big
}

#[test]
fn very_large_files_are_skipped_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let big = padding();
    std::fs::write(dir.path().join("bundle.js"), &big).unwrap();
    std::fs::write(dir.path().join("small.tsx"), LEGACY).unwrap();
    let out = Command::cargo_bin("stepup")
        .unwrap()
        .args(["migrate", "--write", "--allow-no-vcs", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
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

/// A file too large to analyse whose bytes name the legacy API (here only
/// after the first megabyte, read in chunks, never whole) fails `check`.
#[test]
fn a_skipped_large_file_that_names_the_legacy_api_fails_check() {
    let dir = tempfile::tempdir().unwrap();
    let big = padding() + LEGACY;
    std::fs::write(dir.path().join("bundle.js"), &big).unwrap();
    let out = Command::cargo_bin("stepup")
        .unwrap()
        .arg("check")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("bundle.js: skipped:") && stderr.contains("it names the legacy MFA API"),
        "{stderr}"
    );
    // Without legacy names, the same skip passes.
    std::fs::write(dir.path().join("bundle.js"), padding()).unwrap();
    Command::cargo_bin("stepup")
        .unwrap()
        .arg("check")
        .current_dir(dir.path())
        .assert()
        .code(0);
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

fn stepup() -> Command {
    Command::cargo_bin("stepup").unwrap()
}

/// `.stepup-*.tmp` files anywhere under `dir`.
fn temp_files(dir: &Path) -> Vec<PathBuf> {
    common::files_under(dir, false)
        .into_iter()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with(".stepup-") && name.ends_with(".tmp")
        })
        .collect()
}

#[cfg(target_os = "linux")]
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Run `cmd`, failing the test if it has not exited after a minute: a hang
/// is the bug these tests look for, not a slow run.
#[cfg(unix)]
fn output_within_a_minute(cmd: &mut Proc) -> std::process::Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "stepup hung (killed after 60 s): {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

// ---------------------------------------------------------------- writes

/// An edit that lands after stepup compared the file and before its rename
/// (here: while the new file is synced), same size and same mtime, so only
/// the bytes tell: it is found, and the edit stays.
#[test]
fn an_edit_made_after_the_first_check_and_before_the_rename_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.tsx");
    std::fs::write(&path, "const a = 1;\n").unwrap();
    let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
    let err = write_checked(&path, b"const a = 1;\n", b"rewritten\n", &mut |stage| {
        if stage == Stage::TempSynced {
            let mut f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
            f.write_all(b"const b = 2;\n").unwrap();
            f.set_modified(mtime).unwrap();
        }
    })
    .unwrap_err();
    assert!(err.contains("changed on disk"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "const b = 2;\n");
    assert!(temp_files(dir.path()).is_empty());

    // An editor that saves by writing a new file and renaming it over.
    std::fs::write(&path, "const a = 1;\n").unwrap();
    let err = write_checked(&path, b"const a = 1;\n", b"rewritten\n", &mut |stage| {
        if stage == Stage::TempSynced {
            std::fs::write(dir.path().join("a.tsx~"), "const c = 3;\n").unwrap();
            std::fs::rename(dir.path().join("a.tsx~"), &path).unwrap();
        }
    })
    .unwrap_err();
    assert!(err.contains("changed on disk"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "const c = 3;\n");
    assert!(temp_files(dir.path()).is_empty());
}

/// An edit written into the original through a handle opened before (an
/// editor holding the file open) just as the new file takes its place: the
/// displaced original is checked after the swap and the edit is put back.
#[test]
fn an_edit_to_the_original_during_the_rename_is_put_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.tsx");
    std::fs::write(&path, "const a = 1;\n").unwrap();
    let mut editor = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    let err = write_checked(&path, b"const a = 1;\n", b"rewritten\n", &mut |stage| {
        if stage == Stage::Replaced {
            editor.write_all(b"const b = 2;\n").unwrap();
        }
    })
    .unwrap_err();
    assert!(err.contains("changed on disk"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "const b = 2;\n");
    assert!(temp_files(dir.path()).is_empty());
}

/// strace makes stepup's fsync of the new file take seconds (`inject=…
/// delay_enter`), as in the audit that found the window: the run is then
/// between its first check and its rename for certain.
#[cfg(target_os = "linux")]
fn under_slow_fsync(dir: &Path, args: &[&str]) -> Option<std::process::Child> {
    let works = Proc::new("strace")
        .args(["-qq", "-o", "/dev/null", "true"])
        .status()
        .is_ok_and(|s| s.success());
    if !works {
        eprintln!("SKIPPED: strace is not installed or cannot trace here");
        return None;
    }
    let child = Proc::new("strace")
        .args(["-f", "-qq", "-o", "/dev/null", "-e", "trace=fsync"])
        .args(["-e", "inject=fsync:delay_enter=4000000"])
        .arg(assert_cmd::cargo::cargo_bin("stepup"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    Some(child)
}

#[cfg(target_os = "linux")]
#[test]
fn an_edit_made_during_the_fsync_of_a_write_is_not_overwritten() {
    let dir = repo(&[("a.tsx", LEGACY)]);
    let Some(child) = under_slow_fsync(dir.path(), &["migrate", "--write", "a.tsx"]) else {
        return;
    };
    wait_until("the temporary file", || temp_files(dir.path()).len() == 1);
    std::fs::write(dir.path().join("a.tsx"), "// the user's edit\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("a.tsx: not written: changed on disk"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.tsx")).unwrap(),
        "// the user's edit\n"
    );
    assert!(temp_files(dir.path()).is_empty());
}

/// SIGINT or SIGTERM while a new file is being synced: the temporary file is
/// removed, the original is intact, and the exit code is 128 + the signal.
#[cfg(target_os = "linux")]
#[test]
fn an_interrupted_write_removes_its_temporary_file() {
    for (signal, name) in [(15, "TERM"), (2, "INT")] {
        let dir = repo(&[("a.tsx", LEGACY)]);
        let Some(child) = under_slow_fsync(dir.path(), &["migrate", "--write", "a.tsx"]) else {
            return;
        };
        wait_until("the temporary file", || temp_files(dir.path()).len() == 1);
        // The process strace runs: its only child.
        let children = format!("/proc/{0}/task/{0}/children", child.id());
        let pid = std::fs::read_to_string(children).unwrap();
        let pid = pid.split_whitespace().next().expect("stepup's pid");
        let killed = Proc::new("kill")
            .args([&format!("-{name}"), pid])
            .status()
            .unwrap();
        assert!(killed.success());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("interrupted") && !stderr.contains("panicked"),
            "SIG{name}: {stderr}"
        );
        assert!(
            temp_files(dir.path()).is_empty(),
            "SIG{name}: the temporary file is removed"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a.tsx")).unwrap(),
            LEGACY
        );
        // strace exits with the status of the process it ran.
        assert_eq!(out.status.code(), Some(128 + signal), "SIG{name}: {stderr}");
    }
}

/// A temporary file a `kill -9` left behind is reported by later runs, and
/// never scanned (it may hold legacy code: the original of a file).
#[test]
fn a_stale_temporary_file_is_reported_and_never_scanned() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/a.tsx", b"export const a = 1;\n");
    write(dir.path(), "src/.stepup-Ab12Cd.tmp", LEGACY.as_bytes());
    let out = stepup()
        .arg("check")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "not scanned: {stderr}");
    assert!(
        stderr.contains(
            "src/.stepup-Ab12Cd.tmp: a temporary file left by an interrupted `stepup migrate --write`"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("scanned 1 file ("), "{stderr}");
}

/// Files git holds no copy of (ignored, untracked) are not rewritten without
/// --allow-dirty, whether named on the command line or found with --no-ignore.
#[test]
fn ignored_and_untracked_files_are_not_written_without_allow_dirty() {
    let dir = repo(&[(".gitignore", "generated/\n"), ("a.tsx", LEGACY)]);
    write(dir.path(), "generated/b.tsx", LEGACY.as_bytes());
    write(dir.path(), "c.tsx", LEGACY.as_bytes());
    for args in [
        &["migrate", "--write", "generated/b.tsx", "c.tsx"][..],
        &["migrate", "--write", "--no-ignore", "."][..],
    ] {
        let out = stepup()
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("b.tsx: not written: is not tracked by git (untracked or ignored)")
                && stderr.contains("c.tsx: not written: is not tracked by git"),
            "{args:?}: {stderr}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("generated/b.tsx")).unwrap(),
            LEGACY
        );
    }
    stepup()
        .args(["migrate", "--write", "--allow-dirty", "generated/b.tsx"])
        .current_dir(dir.path())
        .assert()
        .code(0);
    assert!(
        std::fs::read_to_string(dir.path().join("generated/b.tsx"))
            .unwrap()
            .contains("promptMfa()")
    );
}

/// A file marked assume-unchanged hides its changes from `git status`.
#[test]
fn a_file_git_is_told_not_to_look_at_is_not_written() {
    let dir = repo(&[("a.tsx", LEGACY)]);
    git(dir.path(), &["update-index", "--assume-unchanged", "a.tsx"]);
    let edited = format!("{LEGACY}// an uncommitted edit\n");
    std::fs::write(dir.path().join("a.tsx"), &edited).unwrap();
    let out = stepup()
        .args(["migrate", "--write"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("a.tsx: not written: is marked assume-unchanged or skip-worktree"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.tsx")).unwrap(),
        edited
    );
}

/// When git fails, the guard fails closed and shows git's own message.
#[test]
fn a_git_error_leaves_every_file_unwritten() {
    let dir = repo(&[("a.tsx", LEGACY)]);
    std::fs::write(dir.path().join(".git/index"), b"not an index at all").unwrap();
    for args in [
        &["migrate", "--write"][..],
        &["migrate", "--write", "--allow-dirty"],
    ] {
        let out = stepup()
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr
                .contains("a.tsx: not written: git cannot tell whether it has uncommitted changes")
                && stderr.contains("index file"),
            "git's own message: {stderr}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a.tsx")).unwrap(),
            LEGACY
        );
    }
}

/// A repository whose path ends in a carriage return: git's answer is taken
/// byte for byte, so its dirty file is still found.
#[cfg(unix)]
#[test]
fn a_repository_path_ending_in_a_carriage_return_is_guarded() {
    let parent = tempfile::tempdir().unwrap();
    let root = parent.path().join("repo\r");
    std::fs::create_dir(&root).unwrap();
    write(&root, "a.tsx", LEGACY.as_bytes());
    write(&root, "b.tsx", LEGACY.as_bytes());
    git(&root, &["init", "-q"]);
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-qm", "init"]);
    let edited = format!("{LEGACY}// an uncommitted edit\n");
    std::fs::write(root.join("b.tsx"), &edited).unwrap();
    let out = stepup()
        .args(["migrate", "--write"])
        .current_dir(&root)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("b.tsx: not written: has uncommitted changes"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(root.join("b.tsx")).unwrap(), edited);
    assert!(
        std::fs::read_to_string(root.join("a.tsx"))
            .unwrap()
            .contains("promptMfa()")
    );
}

/// A modified file whose name is not UTF-8 is found dirty (paths are
/// compared as bytes); a committed one is written.
#[cfg(target_os = "linux")]
#[test]
fn a_modified_file_with_a_non_utf8_name_is_not_written() {
    use std::os::unix::ffi::OsStrExt;
    let dir = repo(&[("ok.tsx", "export const ok = 1;\n")]);
    let dirty = dir.path().join(std::ffi::OsStr::from_bytes(b"caf\xe9.tsx"));
    let clean = dir
        .path()
        .join(std::ffi::OsStr::from_bytes(b"na\xefve.tsx"));
    std::fs::write(&dirty, LEGACY).unwrap();
    std::fs::write(&clean, LEGACY).unwrap();
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "latin-1 names"]);
    let edited = format!("{LEGACY}// an uncommitted edit\n");
    std::fs::write(&dirty, &edited).unwrap();
    let out = stepup()
        .args(["migrate", "--write"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("not written: has uncommitted changes"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&dirty).unwrap(), edited);
    assert!(
        std::fs::read_to_string(&clean)
            .unwrap()
            .contains("promptMfa()")
    );
}

/// Run as root on someone else's checkout, a rewritten file keeps its owner
/// and group.
#[cfg(unix)]
#[test]
fn a_rewritten_file_keeps_its_owner_and_group() {
    use std::os::unix::fs::MetadataExt;
    let dir = repo(&[("a.tsx", LEGACY)]);
    let path = dir.path().join("a.tsx");
    if std::os::unix::fs::chown(&path, Some(4321), Some(8765)).is_err() {
        eprintln!("SKIPPED: not root, a file cannot be given to another user");
        return;
    }
    stepup()
        .args(["migrate", "--write"])
        .current_dir(dir.path())
        .assert()
        .code(0);
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (4321, 8765));
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("promptMfa()")
    );
}

/// A symbolic link from one repository into another (a directory given on
/// the command line, or a component of a file's path) is not written
/// through; a link from outside any repository into one is.
#[cfg(unix)]
#[test]
fn a_link_out_of_the_repository_is_not_written_through() {
    let a = repo(&[("a.tsx", "export const a = 1;\n")]);
    let b = repo(&[("src/b.tsx", LEGACY)]);
    std::os::unix::fs::symlink(b.path().join("src"), a.path().join("linked")).unwrap();
    for given in ["linked", "linked/b.tsx"] {
        let out = stepup()
            .args(["migrate", "--write", given])
            .current_dir(a.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{given}: {stderr}");
        assert!(
            stderr.contains("is reached through the symbolic link")
                && stderr.contains("which leads out of the git repository"),
            "{given}: {stderr}"
        );
        assert_eq!(
            std::fs::read_to_string(b.path().join("src/b.tsx")).unwrap(),
            LEGACY
        );
    }
    let plain = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(b.path().join("src"), plain.path().join("into-b")).unwrap();
    stepup()
        .args(["migrate", "--write", "into-b"])
        .current_dir(plain.path())
        .assert()
        .code(0);
    assert!(
        std::fs::read_to_string(b.path().join("src/b.tsx"))
            .unwrap()
            .contains("promptMfa()")
    );
}

// ----------------------------------------------------------------- reads

/// A project whose every project-file read (tsconfig `extends`, an
/// installed package.json, the TokenScope declarations, a barrel outside
/// the scanned folder) hits `make(path)`: a FIFO, or a link to a device.
#[cfg(unix)]
fn hostile_project(make: &dyn Fn(&Path)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(
        p,
        "tsconfig.json",
        br#"{ "extends": "./base.json", "compilerOptions": { "baseUrl": ".", "paths": { "@app/*": ["src/*"] } } }"#,
    );
    make(&p.join("base.json"));
    write(
        p,
        "package.json",
        br#"{ "dependencies": { "@dynamic-labs/sdk-react-core": "^4.0.0" } }"#,
    );
    let react = p.join("node_modules/@dynamic-labs/sdk-react-core");
    std::fs::create_dir_all(&react).unwrap();
    make(&react.join("package.json"));
    let api = p.join("node_modules/@dynamic-labs/sdk-api-core");
    std::fs::create_dir_all(api.join("src/models")).unwrap();
    write(&api, "package.json", br#"{ "version": "0.0.1" }"#);
    make(&api.join("src/models/TokenScope.d.ts"));
    std::fs::create_dir_all(p.join("outside")).unwrap();
    make(&p.join("outside/barrel.ts"));
    write(
        p,
        "src/a.tsx",
        format!(
            "import {{ x }} from '@app/b';\nimport {{ y }} from '../outside/barrel';\n{LEGACY}"
        )
        .as_bytes(),
    );
    dir
}

#[cfg(unix)]
fn fifo(path: &Path) {
    let ok = Proc::new("mkfifo").arg(path).status().unwrap().success();
    assert!(ok, "mkfifo {}", path.display());
}

/// FIFOs and links to /dev/zero or /dev/stdin where project files should
/// be: `check` and `migrate` finish (a FIFO would block a read forever,
/// /dev/zero would fill memory) and report the legacy call as usual.
#[cfg(unix)]
#[test]
fn fifos_and_devices_in_a_project_do_not_hang_a_run() {
    type Make<'a> = &'a dyn Fn(&Path);
    let kinds: [(&str, Make); 3] = [
        ("a FIFO", &fifo),
        ("a link to /dev/zero", &|p: &Path| {
            std::os::unix::fs::symlink("/dev/zero", p).unwrap()
        }),
        ("a link to /dev/stdin", &|p: &Path| {
            std::os::unix::fs::symlink("/dev/stdin", p).unwrap()
        }),
    ];
    let bin = assert_cmd::cargo::cargo_bin("stepup");
    for (kind, make) in kinds {
        let dir = hostile_project(make);
        for args in [&["check", "src"][..], &["migrate", "src"]] {
            // stdin is a pipe nobody writes to: reading it would block.
            let mut cmd = Proc::new(&bin);
            cmd.args(args).current_dir(dir.path()).stdin(Stdio::piped());
            let out = output_within_a_minute(&mut cmd);
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            let expected = if args[0] == "check" { 1 } else { 0 };
            assert_eq!(
                out.status.code(),
                Some(expected),
                "{kind}, {args:?}: {stderr}"
            );
            assert!(
                stdout.contains("a.tsx") || stderr.contains("a.tsx"),
                "{kind}, {args:?}: the legacy call is still reported"
            );
        }
        // The same for the package.json checks of the whole project.
        let mut cmd = Proc::new(&bin);
        cmd.args(["check", "."])
            .current_dir(dir.path())
            .stdin(Stdio::piped());
        output_within_a_minute(&mut cmd);
        // --rules naming one: refused with the file's name, exit 2.
        let mut cmd = Proc::new(&bin);
        cmd.args(["check", "--rules", "base.json", "src"])
            .current_dir(dir.path())
            .stdin(Stdio::piped());
        let out = output_within_a_minute(&mut cmd);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{kind}: {stderr}");
        assert!(
            stderr.contains("cannot read rules file base.json: not a regular file"),
            "{kind}: {stderr}"
        );
    }
}

/// Sources given on the command line that are not regular files.
#[cfg(unix)]
#[test]
fn a_fifo_or_a_device_given_as_a_source_does_not_hang_a_run() {
    let dir = tempfile::tempdir().unwrap();
    fifo(&dir.path().join("pipe.tsx"));
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.tsx")).unwrap();
    std::os::unix::fs::symlink("/dev/stdin", dir.path().join("stdin.tsx")).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("stepup");
    for args in [
        &["check", "pipe.tsx", "zero.tsx", "stdin.tsx"][..],
        &["check", "."],
        &["check", "--no-ignore", "."],
    ] {
        let mut cmd = Proc::new(&bin);
        cmd.args(args).current_dir(dir.path()).stdin(Stdio::piped());
        let out = output_within_a_minute(&mut cmd);
        assert!(
            matches!(out.status.code(), Some(0 | 2)),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
