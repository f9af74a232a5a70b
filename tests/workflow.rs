//! A team's workflow around the binary: a monorepo whose packages have
//! their own `stepup.toml` (run on `.`, on package folders, on the file
//! lists hook runners pass), the conventions of ESLint and Biome (`--fix`,
//! `--only`/`--skip`, `--max-warnings`'s reason, completions, the man page)
//! and editors through stdin.

mod common;

use assert_cmd::Command;
use common::{LEGACY, WARNING_ONLY, repo, write_files};
use std::path::Path;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn stepup_env(dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: &str) -> Run {
    let mut cmd = Command::cargo_bin("stepup").unwrap();
    cmd.args(args)
        .current_dir(dir)
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("STEPUP_LAUNCHER")
        .write_stdin(stdin);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn stepup(dir: &Path, args: &[&str]) -> Run {
    stepup_env(dir, args, &[], "")
}

/// The paths that have findings in `check`'s human output, each once.
fn paths_with_findings(stdout: &str) -> Vec<String> {
    let mut paths: Vec<String> = stdout
        .lines()
        .filter_map(|l| l.split(':').next())
        .map(str::to_string)
        .collect();
    paths.dedup();
    paths
}

/// The monorepo of the report: `packages/a/stepup.toml` turns off the two
/// rules LEGACY trips; `packages/b` has no config. Both hold LEGACY.
fn monorepo() -> tempfile::TempDir {
    repo(&[
        (
            "packages/a/stepup.toml",
            "[severity]\nis-mfa-required-for-action = \"off\"\nprompt-mfa-auth = \"off\"\n",
        ),
        ("packages/a/src/Export.tsx", LEGACY),
        ("packages/b/src/Export.tsx", LEGACY),
    ])
}

#[test]
fn each_file_is_governed_by_the_nearest_config_whatever_the_paths_given() {
    let dir = monorepo();
    let root = dir.path();
    let abs = |rel: &str| root.join(rel).to_string_lossy().into_owned();
    let (a, b) = ("packages/a/src/Export.tsx", "packages/b/src/Export.tsx");
    let (abs_a, abs_b) = (abs(a), abs(b));
    let cases: Vec<Vec<&str>> = vec![
        vec!["check"],
        vec!["check", "."],
        vec!["check", "packages/a", "packages/b"],
        vec!["check", "packages/b"],
        // pre-commit: the staged files, relative to the repository root.
        vec!["check", a, b],
        // lint-staged: the staged files, absolute.
        vec!["check", &abs_a, &abs_b],
    ];
    for args in cases {
        let run = stepup(root, &args);
        assert_eq!(run.code, Some(1), "{args:?}: {}{}", run.stdout, run.stderr);
        assert_eq!(
            paths_with_findings(&run.stdout),
            [b],
            "{args:?}: only packages/b has findings:\n{}",
            run.stdout
        );
        assert_eq!(run.stdout.lines().count(), 2, "{args:?}: {}", run.stdout);
    }
    for args in [vec!["check", "packages/a"], vec!["check", a]] {
        let run = stepup(root, &args);
        assert_eq!(run.code, Some(0), "{args:?}: {}{}", run.stdout, run.stderr);
        assert_eq!(run.stdout, "", "{args:?}");
    }
    // From inside a package, for a file of the other one too.
    let inside = stepup(&root.join("packages/a"), &["check", "src", "../b/src"]);
    assert_eq!(inside.code, Some(1), "{}", inside.stderr);
    assert_eq!(paths_with_findings(&inside.stdout), ["../b/src/Export.tsx"]);
    // migrate rewrites under the same rules: only packages/b changes.
    let diff = stepup(root, &["migrate", "."]);
    assert_eq!(diff.code, Some(0), "{}", diff.stderr);
    assert!(
        diff.stdout
            .contains("diff --git a/packages/b/src/Export.tsx")
    );
    assert!(!diff.stdout.contains("packages/a/"), "{}", diff.stdout);
    // A config in both packages: one run, each with its own.
    write_files(
        root,
        &[(
            "packages/b/stepup.toml",
            "[severity]\nprompt-mfa-auth = \"warning\"\n",
        )],
    );
    let both = stepup(root, &["check", &abs_a, b, "--format", "json"]);
    assert_eq!(both.code, Some(1), "{}", both.stderr);
    let doc: serde_json::Value = serde_json::from_str(&both.stdout).unwrap();
    let found: Vec<(String, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("is-mfa-required-for-action".into(), "error".into()),
            ("prompt-mfa-auth".into(), "warning".into())
        ]
    );
}

#[test]
fn a_nested_config_extends_the_one_above_unless_it_says_root() {
    let dir = repo(&[
        (
            "stepup.toml",
            "exclude = [\"packages/*/generated/**\"]\n[severity]\nmfa-action-as-data = \"error\"\n",
        ),
        ("packages/c/stepup.toml", "max_warnings = 5\n"),
        ("packages/c/settings.ts", WARNING_ONLY),
        (
            "packages/d/stepup.toml",
            "root = true\nexclude = [\"generated/**\"]\n",
        ),
        ("packages/d/settings.ts", WARNING_ONLY),
        // Globs are matched from each config's own folder: the root's
        // `packages/*/generated/**` does not govern packages c and d, whose
        // own configs decide; d's `generated/**` is packages/d/generated.
        ("packages/c/generated/x.ts", WARNING_ONLY),
        ("packages/d/generated/x.ts", WARNING_ONLY),
        ("packages/e/generated/x.ts", WARNING_ONLY),
    ]);
    let run = stepup(dir.path(), &["check", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let found: Vec<(String, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expect = |p: &str, s: &str| (p.to_string(), s.to_string());
    assert_eq!(
        found,
        [
            // c extends the root: mfa-action-as-data is an error there.
            expect("packages/c/generated/x.ts", "error"),
            expect("packages/c/settings.ts", "error"),
            // d is a root: the rule's own severity.
            expect("packages/d/settings.ts", "warning"),
        ],
        "{}",
        run.stdout
    );
    assert_eq!(run.code, Some(1));
    // `root` must be a boolean.
    write_files(
        dir.path(),
        &[("packages/d/stepup.toml", "root = \"yes\"\n")],
    );
    let bad = stepup(dir.path(), &["check"]);
    assert_eq!(bad.code, Some(2));
    assert!(
        bad.stderr
            .contains("packages/d/stepup.toml: `root`: must be true or false (not a string)"),
        "{}",
        bad.stderr
    );
}

#[test]
fn check_fix_writes_what_migrate_write_writes_and_fails_on_what_is_left() {
    let review = "import { useMfa } from '@dynamic-labs/sdk-react-core';\n\
                  export function Totp({ code }: { code: string }) {\n  \
                  const { authenticateDevice } = useMfa();\n  \
                  return () => authenticateDevice({ code, createMfaToken: { singleUse: mfa } });\n}\n";
    let files = [("src/Export.tsx", LEGACY), ("src/Totp.tsx", review)];
    let fixed = repo(&files);
    let written = repo(&files);
    let fix = stepup(fixed.path(), &["check", "--fix"]);
    let write = stepup(written.path(), &["migrate", "--write"]);
    assert_eq!(write.code, Some(0), "{}", write.stderr);
    let read = |d: &tempfile::TempDir, f: &str| std::fs::read_to_string(d.path().join(f)).unwrap();
    assert_ne!(read(&fixed, "src/Export.tsx"), LEGACY, "--fix writes");
    for (f, _) in files {
        assert_eq!(read(&fixed, f), read(&written, f), "{f}");
    }
    let left = stepup(fixed.path(), &["check"]);
    assert_eq!(left.code, Some(1), "Totp.tsx needs review: {}", left.stdout);
    // What --fix leaves decides its exit code, as the next check's.
    assert_eq!(fix.code, left.code, "{}\n{}", fix.stderr, left.stdout);
    // Everything fixable: exit 0. A dirty file is refused as --write refuses it.
    let clean = repo(&[("src/Export.tsx", LEGACY)]);
    assert_eq!(stepup(clean.path(), &["check", "--fix"]).code, Some(0));
    std::fs::write(
        clean.path().join("src/Export.tsx"),
        format!("{LEGACY}// edited\n"),
    )
    .unwrap();
    let dirty = stepup(clean.path(), &["check", "--fix"]);
    assert_eq!(dirty.code, Some(2), "{}", dirty.stderr);
    assert!(dirty.stderr.contains("uncommitted"), "{}", dirty.stderr);
    assert_eq!(
        stepup(clean.path(), &["check", "--fix", "--allow-dirty"]).code,
        Some(0)
    );
}

#[test]
fn only_and_skip_choose_rules_on_check_and_migrate() {
    let dir = repo(&[("src/Export.tsx", LEGACY)]);
    let rules = |run: &Run| -> Vec<String> {
        run.stdout
            .lines()
            .map(|l| l.split_whitespace().nth(2).unwrap_or("").to_string())
            .collect()
    };
    let only = stepup(dir.path(), &["check", "--only", "prompt-mfa-auth"]);
    assert_eq!(rules(&only), ["prompt-mfa-auth"]);
    let skip = stepup(dir.path(), &["check", "--skip", "prompt-mfa-auth"]);
    assert_eq!(rules(&skip), ["is-mfa-required-for-action"]);
    let both = stepup(
        dir.path(),
        &[
            "check",
            "--skip",
            "prompt-mfa-auth",
            "--skip",
            "is-mfa-required-for-action",
        ],
    );
    assert_eq!((both.code, both.stdout.as_str()), (Some(0), ""));
    // The fix command keeps the choice.
    assert!(
        only.stderr
            .contains("run `stepup migrate --write --only prompt-mfa-auth`"),
        "{}",
        only.stderr
    );
    let diff = stepup(dir.path(), &["migrate", "--only", "prompt-mfa-auth"]).stdout;
    assert!(diff.contains("+      await promptStepUpAuth("), "{diff}");
    assert!(
        diff.contains(" if (await isMfaRequiredForAction("),
        "{diff}"
    );
    for args in [
        ["check", "--only", "prompt-mfa-aut"],
        ["migrate", "--skip", "prompt-mfa-aut"],
    ] {
        let run = stepup(dir.path(), &args);
        assert_eq!(run.code, Some(2), "{args:?}");
        assert!(
            run.stderr.contains("`prompt-mfa-aut` is not a stepup rule")
                && run.stderr.contains(args[1]),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn max_warnings_says_why_it_fails_and_counts_in_english() {
    let dir = repo(&[("src/settings.ts", WARNING_ONLY)]);
    let run = stepup(dir.path(), &["check", "--max-warnings", "0"]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("1 warning exceeds --max-warnings 0"),
        "{}",
        run.stderr
    );
    // Said even with --quiet and a machine format: it is why the run fails.
    let quiet = stepup(
        dir.path(),
        &["check", "-q", "--format", "json", "--max-warnings", "0"],
    );
    assert!(quiet.stderr.contains("1 warning exceeds --max-warnings 0"));
    let ok = stepup(dir.path(), &["check", "--max-warnings", "1"]);
    assert_eq!(ok.code, Some(0));
    assert!(!ok.stderr.contains("exceed"), "{}", ok.stderr);
    assert!(ok.stderr.contains("scanned 1 file ("), "{}", ok.stderr);
    let two = repo(&[("src/a.ts", WARNING_ONLY), ("src/b.ts", WARNING_ONLY)]);
    let run = stepup(two.path(), &["check", "--max-warnings", "1"]);
    assert!(run.stderr.contains("2 warnings exceed --max-warnings 1"));
    // One file to change with one edit.
    let one_edit = "import { useMfa } from '@dynamic-labs/sdk-react-core';\n";
    let single = repo(&[("src/a.tsx", LEGACY), ("src/b.ts", one_edit)]);
    let migrate = stepup(single.path(), &["migrate", "src/a.tsx"]);
    assert!(
        migrate
            .stderr
            .contains("scanned 1 file (1 with Dynamic imports)")
            && migrate.stderr.contains("; 1 file to change,"),
        "{}",
        migrate.stderr
    );
}

#[test]
fn help_has_examples_and_exit_codes() {
    for args in [
        vec!["--help"],
        vec!["check", "--help"],
        vec!["migrate", "--help"],
    ] {
        let run = stepup(Path::new("."), &args);
        assert_eq!(run.code, Some(0));
        assert!(
            run.stdout.contains("Examples:\n  stepup")
                && run.stdout.contains("Exit codes:\n  0  ")
                && run.stdout.contains("\n  2  "),
            "{args:?}: {}",
            run.stdout
        );
    }
}

#[test]
fn completions_parse_in_bash_and_every_shell_has_one() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = stepup(dir.path(), &["completions", shell]);
        assert_eq!(run.code, Some(0), "{shell}: {}", run.stderr);
        assert!(run.stdout.contains("stepup"), "{shell}");
        assert!(run.stdout.contains("stdin-filename"), "{shell}");
    }
    let script = dir.path().join("stepup.bash");
    std::fs::write(&script, stepup(dir.path(), &["completions", "bash"]).stdout).unwrap();
    let bash = |code: &str| {
        std::process::Command::new("bash")
            .args(["-c", code])
            .output()
            .expect("bash runs")
    };
    let syntax = bash(&format!("bash -n {}", script.display()));
    assert!(
        syntax.status.success(),
        "{}",
        String::from_utf8_lossy(&syntax.stderr)
    );
    // Sourced, it registers a completion for stepup that offers the subcommands.
    let words = bash(&format!(
        "source {}; complete -p stepup >/dev/null || exit 1; \
         COMP_WORDS=(stepup ch); COMP_CWORD=1; COMP_LINE='stepup ch'; COMP_POINT=9; \
         _stepup stepup ch stepup; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display()
    ));
    assert!(
        words.status.success(),
        "{}",
        String::from_utf8_lossy(&words.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&words.stdout).trim(), "check");
}

#[test]
fn the_man_page_is_roff_for_every_command() {
    let run = stepup(Path::new("."), &["man"]);
    assert_eq!(run.code, Some(0));
    assert!(run.stdout.starts_with(".ie \\n(.g .ds Aq") || run.stdout.contains(".TH stepup 1"));
    assert!(run.stdout.contains(".TH stepup 1"), "{}", run.stdout);
    for word in ["migrate", "check", "completions"] {
        assert!(run.stdout.contains(word), "{word}");
    }
}

#[test]
fn the_fix_hint_names_the_launcher_that_ran_stepup() {
    let dir = repo(&[("src/Export.tsx", LEGACY)]);
    let plain = stepup(dir.path(), &["check"]);
    assert!(
        plain.stderr.contains("run `stepup migrate --write`"),
        "{}",
        plain.stderr
    );
    let npx = stepup_env(dir.path(), &["check"], &[("STEPUP_LAUNCHER", "npx")], "");
    assert!(
        npx.stderr.contains("run `npx stepup migrate --write`")
            && npx.stderr.contains("(`npx stepup migrate` shows"),
        "{}",
        npx.stderr
    );
}

#[test]
fn an_error_prints_its_cause_once() {
    let dir = repo(&[("src/Export.tsx", LEGACY)]);
    let run = stepup(dir.path(), &["check", "--rules", "rulez.toml"]);
    assert_eq!(run.code, Some(2));
    let cause = run.stderr.matches("No such file or directory").count();
    assert_eq!(cause, 1, "{}", run.stderr);
    assert!(run.stderr.contains("rulez.toml"), "{}", run.stderr);
    write_files(dir.path(), &[("bad.toml", "[[hooks]\n")]);
    let bad = stepup(dir.path(), &["check", "--rules", "bad.toml"]);
    assert_eq!(bad.code, Some(2));
    assert_eq!(
        bad.stderr.matches("unclosed array table").count(),
        1,
        "{}",
        bad.stderr
    );
}

#[test]
fn stdin_is_checked_as_the_file_at_the_path_given() {
    let dir = monorepo();
    let root = dir.path();
    // packages/a's config turns the rules off; packages/b has none. The
    // file need not exist (an unsaved buffer).
    let a = stepup_env(
        root,
        &["check", "--stdin-filename", "packages/a/src/New.tsx", "-"],
        &[],
        LEGACY,
    );
    assert_eq!((a.code, a.stdout.as_str()), (Some(0), ""), "{}", a.stderr);
    let b = stepup_env(
        root,
        &["check", "--stdin-filename", "packages/b/src/New.tsx", "-"],
        &[],
        LEGACY,
    );
    assert_eq!(b.code, Some(1), "{}", b.stderr);
    assert_eq!(paths_with_findings(&b.stdout), ["packages/b/src/New.tsx"]);
    assert!(
        !b.stderr.contains("migrate --write"),
        "no file to write: {}",
        b.stderr
    );
    // JSON names the path too.
    let json = stepup_env(
        &root.join("packages/b"),
        &[
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "src/Export.tsx",
            "-",
        ],
        &[],
        LEGACY,
    );
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["findings"][0]["path"], "src/Export.tsx");
    assert!(!root.join("packages/a/src/New.tsx").exists());
    assert!(!root.join("packages/b/src/New.tsx").exists());
}

#[test]
fn migrate_from_stdin_prints_the_rewritten_source_and_writes_nothing() {
    let dir = monorepo();
    let root = dir.path();
    let edited = LEGACY.replace("Export</button>", "Export now</button>");
    let run = stepup_env(
        root,
        &[
            "migrate",
            "--stdin-filename",
            "packages/b/src/Export.tsx",
            "-",
        ],
        &[],
        &edited,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // What --write would make of the buffer.
    let other = repo(&[("x/Export.tsx", &edited)]);
    stepup(other.path(), &["migrate", "--write"]);
    let expected = std::fs::read_to_string(other.path().join("x/Export.tsx")).unwrap();
    assert_eq!(run.stdout, expected);
    assert!(!run.stdout.contains("diff --git"));
    assert_eq!(
        std::fs::read_to_string(root.join("packages/b/src/Export.tsx")).unwrap(),
        LEGACY,
        "never written"
    );
    // The findings on stderr, under the path.
    assert!(
        run.stderr
            .contains("packages/b/src/Export.tsx:9:13  error  prompt-mfa-auth"),
        "{}",
        run.stderr
    );
    // Under packages/a's config nothing is rewritten: the source comes back as it was.
    let same = stepup_env(
        root,
        &[
            "migrate",
            "--stdin-filename",
            "packages/a/src/Export.tsx",
            "-",
        ],
        &[],
        &edited,
    );
    assert_eq!(
        (same.code, same.stdout.as_str()),
        (Some(0), edited.as_str())
    );
    // Usage errors: `-` without the flag, the flag with other paths, --write.
    for args in [
        vec!["check", "-"],
        vec!["check", "--stdin-filename", "a.tsx", "src"],
        vec!["migrate", "--write", "--stdin-filename", "a.tsx", "-"],
        vec!["check", "--stdin-filename", "README.md", "-"],
    ] {
        let run = stepup_env(root, &args, &[], LEGACY);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.starts_with("stepup: "),
            "{args:?}: {}",
            run.stderr
        );
    }
}
