//! What a Windows machine does differently, black-box: files another program
//! holds open, paths given and printed with `\`, CRLF checkouts. The tests run
//! on every platform where their subject exists there; `npm/smoke-cross.sh`
//! runs this file's Windows build under wine.

mod common;

use assert_cmd::Command;
use common::{LEGACY, write};
use std::path::Path;

fn stepup(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("stepup").unwrap();
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `.stepup-*.tmp` files directly in `dir`.
#[cfg(windows)]
fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".stepup-") && n.ends_with(".tmp"))
        .collect()
}

/// Whether git runs here (not under wine: a Windows git would be needed).
fn git_or_skip(what: &str) -> bool {
    let works = std::process::Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !works {
        eprintln!("SKIPPED {what}: git is not on PATH (under wine there is no Windows git)");
    }
    works
}

/// Every path stepup prints uses `/`, whatever the platform's separator and
/// however the argument was spelled: diffs, human, JSON, SARIF and GitHub
/// annotations.
#[test]
fn paths_print_with_forward_slashes() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/components/Export.tsx", LEGACY.as_bytes());
    let mut spellings = vec!["src/components"];
    if cfg!(windows) {
        spellings.push(r"src\components");
        spellings.push(r".\src\components\Export.tsx");
    }
    for arg in spellings {
        let runs: [&[&str]; 5] = [
            &["migrate", arg],
            &["check", arg],
            &["check", "--format", "json", arg],
            &["check", "--format", "sarif", arg],
            &["check", "--format", "github", arg],
        ];
        for args in runs {
            let out = stepup(dir.path()).args(args).output().unwrap();
            let stdout = text(&out.stdout);
            assert!(
                stdout.contains("src/components/Export.tsx"),
                "{args:?} does not name src/components/Export.tsx:\n{stdout}"
            );
            assert!(
                !stdout.contains(r"components\") && !stdout.contains(r"components\\"),
                "{args:?} prints a backslash path:\n{stdout}"
            );
        }
    }
}

/// Windows refuses to replace a file another program has open without
/// sharing its deletion (an editor, an indexer): that file is refused by name
/// with the reason and kept as it was, no temporary file is left behind, and
/// the other files are written.
#[cfg(windows)]
#[test]
fn a_file_another_program_holds_open_is_refused_and_kept() {
    use std::os::windows::fs::OpenOptionsExt;
    const FILE_SHARE_READ: u32 = 1;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "held.tsx", LEGACY.as_bytes());
    write(dir.path(), "free.tsx", LEGACY.as_bytes());
    let held = std::fs::OpenOptions::new()
        .read(true)
        .share_mode(FILE_SHARE_READ)
        .open(dir.path().join("held.tsx"))
        .unwrap();
    let out = stepup(dir.path())
        .args(["migrate", "--write", "--allow-no-vcs", "."])
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("held.tsx: not written") && stderr.contains("another program has it open"),
        "{stderr}"
    );
    assert!(!stderr.contains("free.tsx: not written"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("held.tsx")).unwrap(),
        LEGACY
    );
    let free = std::fs::read_to_string(dir.path().join("free.tsx")).unwrap();
    assert!(
        free.contains("useStepUpAuthentication") && !free.contains("usePromptMfaAuth"),
        "{free}"
    );
    assert_eq!(temp_files(dir.path()), Vec::<String>::new());
    drop(held);
}

/// A checkout with `core.autocrlf=true` (Git for Windows' default) has CRLF
/// files: the dry run's patch applies with `git apply` and gives exactly what
/// `--write` writes.
#[test]
fn a_crlf_checkout_gives_a_patch_git_applies() {
    if !git_or_skip("a_crlf_checkout_gives_a_patch_git_applies") {
        return;
    }
    let origin = common::repo(&[("src/Export.tsx", LEGACY)]);
    let work = tempfile::tempdir().unwrap();
    let clone = work.path().join("clone");
    let cloned = std::process::Command::new("git")
        .args(["-c", "core.autocrlf=true", "clone", "-q"])
        .arg(origin.path())
        .arg(&clone)
        .output()
        .unwrap();
    assert!(cloned.status.success(), "{}", text(&cloned.stderr));
    common::git(&clone, &["config", "core.autocrlf", "true"]);
    let file = clone.join("src/Export.tsx");
    let before = std::fs::read(&file).unwrap();
    assert!(
        before.windows(2).any(|w| w == b"\r\n"),
        "not a CRLF checkout"
    );

    let patch = stepup(&clone).arg("migrate").output().unwrap();
    assert_eq!(patch.status.code(), Some(0), "{}", text(&patch.stderr));
    let patch_file = work.path().join("migrate.patch");
    std::fs::write(&patch_file, &patch.stdout).unwrap();
    common::git(&clone, &["apply", "--check", patch_file.to_str().unwrap()]);
    common::git(&clone, &["apply", patch_file.to_str().unwrap()]);
    let applied = std::fs::read(&file).unwrap();
    assert_ne!(applied, before, "the patch changed nothing");

    std::fs::write(&file, &before).unwrap();
    let written = stepup(&clone)
        .args(["migrate", "--write", "--allow-dirty"])
        .output()
        .unwrap();
    assert_eq!(written.status.code(), Some(0), "{}", text(&written.stderr));
    assert_eq!(std::fs::read(&file).unwrap(), applied);
    let lone_lf = applied
        .iter()
        .enumerate()
        .any(|(i, b)| *b == b'\n' && (i == 0 || applied[i - 1] != b'\r'));
    assert!(!lone_lf, "the rewrite mixed LF into a CRLF file");
}

/// Ctrl-Break in the console during `migrate --write`: the file being replaced
/// is finished, the temporary files are removed, every file is either the
/// original or completely rewritten, and the exit code is 128 + SIGBREAK (21).
#[cfg(windows)]
#[test]
fn ctrl_break_during_a_write_leaves_every_file_whole() {
    use std::os::windows::process::CommandExt;
    use std::time::{Duration, Instant};
    use windows_sys::Win32::System::Console::{
        AllocConsole, CTRL_BREAK_EVENT, GenerateConsoleCtrlEvent,
    };
    const CREATE_NEW_PROCESS_GROUP: u32 = 0x200;
    // A console for the run to share (a test runner may have none); fails
    // harmlessly when there is one already.
    // SAFETY: a plain call.
    unsafe { AllocConsole() };
    let dir = tempfile::tempdir().unwrap();
    let files = 400;
    for i in 0..files {
        write(dir.path(), &format!("src/f{i:03}.tsx"), LEGACY.as_bytes());
    }
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("stepup"))
        .args(["migrate", "--write", "--allow-no-vcs", "."])
        .current_dir(dir.path())
        .creation_flags(CREATE_NEW_PROCESS_GROUP)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Once the first file is written the handler is installed.
    let changed = |i: usize| {
        std::fs::read_to_string(dir.path().join(format!("src/f{i:03}.tsx")))
            .is_ok_and(|t| t != LEGACY)
    };
    let start = Instant::now();
    while !(0..files).any(changed) {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "nothing written"
        );
        if child.try_wait().unwrap().is_some() {
            eprintln!("SKIPPED: the run ended before Ctrl-Break could be sent");
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    // SAFETY: a plain call; the child is its own process group.
    let sent = unsafe { GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, child.id()) };
    if sent == 0 {
        // wine (9 and before) has no console to deliver the event through.
        eprintln!(
            "SKIPPED ctrl_break_during_a_write_leaves_every_file_whole: \
             GenerateConsoleCtrlEvent failed ({}): no console delivers Ctrl-Break here",
            std::io::Error::last_os_error()
        );
        child.wait().unwrap();
        return;
    }
    let out = child.wait_with_output().unwrap();
    let stderr = text(&out.stderr);
    let written = (0..files).filter(|&i| changed(i)).count();
    if out.status.code() == Some(0) && written == files {
        eprintln!("SKIPPED: the run finished before Ctrl-Break arrived");
        return;
    }
    assert_eq!(out.status.code(), Some(128 + 21), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    let rewritten = std::fs::read_to_string(dir.path().join(format!(
        "src/f{:03}.tsx",
        (0..files).find(|&i| changed(i)).unwrap()
    )))
    .unwrap();
    for i in 0..files {
        let now = std::fs::read_to_string(dir.path().join(format!("src/f{i:03}.tsx"))).unwrap();
        assert!(
            now == LEGACY || now == rewritten,
            "f{i:03}.tsx is half-written"
        );
    }
    assert_eq!(temp_files(&dir.path().join("src")), Vec::<String>::new());
}
