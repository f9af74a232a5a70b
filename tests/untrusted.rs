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
}

/// A repository whose git settings name programs — a `core.fsmonitor` hook,
/// a clean filter `.gitattributes` applies to the source files — does not
/// make `migrate --write` run them through its `git status`. (The settings
/// are the repository's own `.git/config`, as a cloned tool or a script
/// could leave them; a pull request cannot, but a checkout's filters and
/// hooks are still not stepup's to run.) The file is written as usual.
#[test]
fn git_runs_without_the_repositorys_programs() {
    let dir = repo(&[
        ("src/a.tsx", LEGACY),
        (".gitattributes", "*.tsx filter=evil\n"),
    ]);
    let root = dir.path();
    let marker = root.join("ran");
    let hook = root.join(".git/fsmonitor.sh");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\necho fsmonitor >> '{}'\nexit 1\n",
            marker.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    git(root, &["config", "core.fsmonitor", hook.to_str().unwrap()]);
    let filter = format!("echo filter >> '{}'; cat", marker.display());
    git(root, &["config", "filter.evil.clean", &filter]);
    git(root, &["config", "filter.evil.process", &filter]);
    git(root, &["config", "filter.evil.required", "true"]);
    // New stat data: git must look at the content again (through the filter).
    let touch = |hours: u64| {
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(3600 * hours);
        std::fs::File::options()
            .write(true)
            .open(root.join("src/a.tsx"))
            .unwrap()
            .set_modified(later)
            .unwrap();
    };
    touch(1);
    // The test is only a test if git itself runs them.
    let plain = std::process::Command::new("git")
        .args(["status", "--porcelain"])
        .current_dir(root)
        .output()
        .unwrap();
    let ran = std::fs::read_to_string(&marker).unwrap_or_default();
    assert!(
        ran.contains("fsmonitor") && ran.contains("filter"),
        "git did not run the hook and the filter: {ran:?} {plain:?}"
    );
    std::fs::remove_file(&marker).unwrap();
    touch(2);
    let run = stepup(root, &["migrate", "--write", "src"]);
    assert!(
        !marker.exists(),
        "stepup's git ran: {}",
        std::fs::read_to_string(&marker).unwrap_or_default()
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        std::fs::read_to_string(root.join("src/a.tsx"))
            .unwrap()
            .contains("useStepUpAuthentication"),
        "{}",
        run.stderr
    );
}

/// A `stepup.toml` or `--rules` file that is a link to a file outside the
/// repository (`/proc/self/environ`: CI's secrets) is refused naming the
/// link, and no error about a config file quotes its content beyond the
/// key at fault. A link within the repository is followed.
#[test]
fn a_config_file_never_shows_what_it_holds() {
    const SECRET: &str = "hunter2-not-for-logs";
    let outside = tempfile::tempdir().unwrap();
    let elsewhere = outside.path().join("secrets.toml");
    std::fs::write(&elsewhere, format!("token = {SECRET}\n")).unwrap();
    let links = [
        ("stepup.toml", Path::new("/proc/self/environ")),
        ("stepup.toml", elsewhere.as_path()),
    ];
    for (link, target) in links {
        let dir = repo(&[("src/a.tsx", LEGACY)]);
        let root = dir.path();
        std::os::unix::fs::symlink(target, root.join(link)).unwrap();
        let run = stepup(root, &["check", "src"]);
        assert_eq!(run.code, Some(2), "{}: {}", target.display(), run.stderr);
        assert!(
            run.stderr.contains("invalid config stepup.toml")
                && run.stderr.contains("outside the repository"),
            "{}: {}",
            target.display(),
            run.stderr
        );
        assert!(!run.stderr.contains(SECRET), "{}", run.stderr);
        let rules = stepup(root, &["check", "--no-config", "--rules", link, "src"]);
        assert_eq!(rules.code, Some(2), "{}", rules.stderr);
        assert!(
            rules.stderr.contains("cannot read rules file stepup.toml")
                && rules.stderr.contains("outside the repository"),
            "{}",
            rules.stderr
        );
        assert!(!rules.stderr.contains(SECRET), "{}", rules.stderr);
    }
    // Files in the repository that are not TOML, or hold values of the
    // wrong type: the place and the key, never the value.
    for text in [
        format!("API_TOKEN={SECRET}\0HOME=/root\0"),
        format!("max_warnings = \"{SECRET}\"\n"),
        format!("[severity]\ntest-mock = \"{SECRET}\"\n"),
        format!("[[modules]]\nprefix = \"x\"\nfamily = \"{SECRET}\"\n"),
    ] {
        let dir = repo(&[("src/a.tsx", LEGACY), ("stepup.toml", &text)]);
        let run = stepup(dir.path(), &["check", "src"]);
        assert_eq!(run.code, Some(2), "{text:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("invalid config stepup.toml"),
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains(SECRET), "{text:?}: {}", run.stderr);
        write(dir.path(), "team.toml", text.as_bytes());
        let rules = stepup(
            dir.path(),
            &["check", "--no-config", "--rules", "team.toml", "src"],
        );
        assert_eq!(rules.code, Some(2), "{text:?}: {}", rules.stderr);
        assert!(!rules.stderr.contains(SECRET), "{text:?}: {}", rules.stderr);
    }
    // A link to a file in the same repository is fine.
    let dir = repo(&[
        ("src/a.tsx", LEGACY),
        ("config/stepup.toml", "exclude = [\"src/**\"]\n"),
    ]);
    std::os::unix::fs::symlink("config/stepup.toml", dir.path().join("stepup.toml")).unwrap();
    let run = stepup(dir.path(), &["check", "."]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("nothing to check") || run.stderr.contains("no JavaScript"),
        "{}",
        run.stderr
    );
}

/// `lnk/../src/Export.tsx` with `lnk -> ../B/deep` opens B's
/// `src/Export.tsx` (the kernel goes up from the link's target): stepup
/// works on that file, names it as it is (`../B/src/Export.tsx`), and never
/// rewrites this repository's `src/Export.tsx`, which the path does not open.
#[test]
fn a_dot_dot_after_a_link_is_resolved_as_the_kernel_does() {
    let outer = tempfile::tempdir().unwrap();
    let (a, b) = (outer.path().join("A"), outer.path().join("B"));
    const OTHER: &str = "// B's own file\n";
    for (dir, text) in [(&a, LEGACY), (&b, OTHER)] {
        write(dir, "src/Export.tsx", text.as_bytes());
        write(dir, "deep/keep.txt", b"");
        git(dir, &["init", "-q"]);
        git(dir, &["add", "-A"]);
        git(dir, &["commit", "-qm", "init"]);
    }
    std::os::unix::fs::symlink("../B/deep", a.join("lnk")).unwrap();
    let given = "lnk/../src/Export.tsx";
    assert_eq!(
        std::fs::read_to_string(a.join(given)).unwrap(),
        OTHER,
        "the kernel opens B's file"
    );
    let dry = stepup(&a, &["migrate", given]);
    assert_eq!(dry.code, Some(0), "{}", dry.stderr);
    assert!(
        dry.stdout.is_empty(),
        "B's file has nothing to change: {}",
        dry.stdout
    );
    let run = stepup(&a, &["migrate", "--write", given]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(a.join("src/Export.tsx")).unwrap(),
        LEGACY,
        "stepup rewrote a file the path does not open: {}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(b.join("src/Export.tsx")).unwrap(),
        OTHER
    );
    // The other way round: B's path opens A's legacy file, and that is the one written.
    std::os::unix::fs::symlink("../A/deep", b.join("lnk")).unwrap();
    let check = stepup(&b, &["check", given]);
    assert_eq!(check.code, Some(1), "{}", check.stderr);
    assert!(
        check.stdout.starts_with("../A/src/Export.tsx:"),
        "{}",
        check.stdout
    );
    let run = stepup(&b, &["migrate", "--write", given]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        std::fs::read_to_string(a.join("src/Export.tsx"))
            .unwrap()
            .contains("useStepUpAuthentication"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(b.join("src/Export.tsx")).unwrap(),
        OTHER
    );
}

/// The Action runs the published stepup, never a `node_modules/stepup`
/// committed to the checkout: npx prefers a local package that claims the
/// version (even with `--package`), so every npx line gets an empty
/// `--prefix` of its own. Checked on the text of action.yml, then by running
/// its scripts with npx in a checkout whose fake stepup leaves a marker
/// (the registry is unreachable: the published one cannot run either).
#[test]
fn the_action_never_runs_a_stepup_from_the_checkout() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let action: yaml_serde::Value =
        yaml_serde::from_str(&std::fs::read_to_string(manifest.join("action.yml")).unwrap())
            .unwrap();
    let steps = action["runs"]["steps"].as_sequence().unwrap();
    let script = |id: &str| {
        steps
            .iter()
            .find(|s| s["id"].as_str() == Some(id))
            .and_then(|s| s["run"].as_str())
            .unwrap_or_else(|| panic!("action.yml has no step `{id}` with a script"))
            .to_string()
    };
    let npx_lines: Vec<String> = steps
        .iter()
        .filter_map(|s| s["run"].as_str())
        .flat_map(str::lines)
        .map(str::trim)
        .filter(|l| l.contains("npx ") && !l.starts_with('#') && !l.starts_with("echo"))
        .filter(|l| !l.starts_with("if command -v"))
        .map(str::to_string)
        .collect();
    // The package step fetches it; the one check step writes annotations and SARIF.
    assert_eq!(npx_lines.len(), 2, "{npx_lines:?}");
    for line in &npx_lines {
        assert!(
            line.contains("--prefix \"$")
                && line.contains("--package=")
                && line.contains(" -- stepup "),
            "{line}"
        );
    }
    if std::env::var("STEPUP_SKIP_NPM_TESTS").is_ok_and(|v| v == "1") {
        eprintln!("STEPUP_SKIP_NPM_TESTS=1: the Action's npx run is skipped");
        return;
    }
    let found = std::process::Command::new("npx")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "`npx --version` failed (set STEPUP_SKIP_NPM_TESTS=1 to skip)"
    );

    let dir = repo(&[("src/a.tsx", LEGACY)]);
    let checkout = dir.path();
    let marker = checkout.join("MARKER");
    let version = env!("CARGO_PKG_VERSION");
    write(
        checkout,
        "node_modules/stepup/package.json",
        format!(
            r#"{{ "name": "stepup", "version": "{version}", "bin": {{ "stepup": "bin.js" }} }}"#
        )
        .as_bytes(),
    );
    write(
        checkout,
        "node_modules/stepup/bin.js",
        format!(
            "#!/usr/bin/env node\nrequire('fs').appendFileSync({:?}, process.argv.join(' ') + '\\n');\n",
            marker.display().to_string()
        )
        .as_bytes(),
    );
    let bin = checkout.join("node_modules/stepup/bin.js");
    std::fs::set_permissions(&bin, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    std::fs::create_dir_all(checkout.join("node_modules/.bin")).unwrap();
    std::os::unix::fs::symlink(
        "../stepup/bin.js",
        checkout.join("node_modules/.bin/stepup"),
    )
    .unwrap();
    let temp = tempfile::tempdir().unwrap();
    let run = |id: &str, env: &[(&str, String)]| {
        let output = temp.path().join(format!("{id}.out"));
        let mut cmd = std::process::Command::new("bash");
        cmd.args(["-e", "-c", &script(id)])
            .current_dir(checkout)
            .env("RUNNER_TEMP", temp.path())
            .env("GITHUB_OUTPUT", &output)
            .env("GITHUB_ACTION_PATH", manifest)
            .env("INPUT_VERSION", "")
            .env("CHECK_PATH", ".")
            .env("ARGS", "")
            // Nothing is fetched: the published package cannot be had here.
            .env("npm_config_registry", "http://127.0.0.1:9/")
            .env("npm_config_cache", temp.path().join("npm-cache"))
            .env("npm_config_fetch_retries", "0")
            .env("npm_config_update_notifier", "false");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        (out, std::fs::read_to_string(output).unwrap_or_default())
    };
    let (out, outputs) = run("package", &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}{outputs}");
    assert!(
        stdout.contains(&format!("could not run stepup@{version} from npm")),
        "{stdout}"
    );
    assert!(
        !marker.exists(),
        "the checkout's stepup ran: {}",
        std::fs::read_to_string(&marker).unwrap_or_default()
    );
    // The check step, with the outputs the package step gives when it succeeds.
    let prefix = temp.path().join("stepup-npx");
    std::fs::create_dir_all(&prefix).unwrap();
    let (_, outputs) = run(
        "check",
        &[
            ("STEPUP", format!("stepup@{version}")),
            ("STEPUP_PREFIX", prefix.display().to_string()),
        ],
    );
    assert!(outputs.contains("exit-code="), "{outputs}");
    assert!(
        !marker.exists(),
        "the checkout's stepup ran: {}",
        std::fs::read_to_string(&marker).unwrap_or_default()
    );
}
