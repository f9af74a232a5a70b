//! What a checkout under review can hold — links, git settings, config
//! files — that must not make stepup leak a secret, run code the checkout
//! chose, or write a file other than the one named. Each is created for
//! real in a temp dir (Unix: links and executable scripts).
#![cfg(unix)]

mod common;

use assert_cmd::Command;
use common::{LEGACY, git, repo, write};
use std::path::Path;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn stepup(dir: &Path, args: &[&str]) -> Run {
    let out = Command::cargo_bin("stepup")
        .unwrap()
        .args(args)
        .current_dir(dir)
        .env_remove("GITHUB_STEP_SUMMARY")
        .env("STEPUP_TEST_SECRET", "hunter2-not-for-logs")
        .output()
        .unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A committed `stepup-report.md` that links to a file elsewhere: `--report`
/// refuses it before anything is scanned or written, and the target keeps
/// its bytes. A dangling link does not create its target either.
#[test]
fn the_report_is_never_written_through_a_link() {
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("precious");
    std::fs::write(&target, "keep me\n").unwrap();
    let dir = repo(&[("src/a.tsx", LEGACY)]);
    let root = dir.path();
    std::os::unix::fs::symlink(&target, root.join("stepup-report.md")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("new"), root.join("dangling.md")).unwrap();
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", "links"]);
    for (report, what) in [
        ("stepup-report.md", "link to a file"),
        ("dangling.md", "dangling link"),
    ] {
        let run = stepup(root, &["migrate", "--write", "--report", report, "src"]);
        assert_eq!(run.code, Some(2), "{what}: {}", run.stderr);
        assert!(
            run.stderr
                .contains(&format!("cannot write the report {report}")),
            "{what}: {}",
            run.stderr
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me\n");
        assert!(!outside.path().join("new").exists(), "{what}");
        assert_eq!(
            std::fs::read_to_string(root.join("src/a.tsx")).unwrap(),
            LEGACY,
            "{what}: nothing is written when the report cannot be"
        );
    }
    // A plain path still works.
    let run = stepup(root, &["migrate", "--report", "r.md", "src"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        std::fs::read_to_string(root.join("r.md"))
            .unwrap()
            .contains("src/a.tsx")
    );
    let _ = (write, &run.stdout);
}
