//! The CI lint as teams configure it: inline suppressions (`stepup-ignore`),
//! `stepup.toml` (found upwards, globs, per-rule severity, max_warnings,
//! records) and `--max-warnings`, each through the binary in a temp dir.

mod common;

use assert_cmd::Command;
use common::{LEGACY, WARNING_ONLY, repo, write_files};
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
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// LEGACY with both of its calls suppressed, one on the line before, one at
/// the end of its line.
fn suppressed_legacy() -> String {
    LEGACY
        .replace(
            "    if (await",
            "    // stepup-ignore is-mfa-required-for-action: export is rebuilt in #42\n    if (await",
        )
        .replace(
            "createMfaToken: true });",
            "createMfaToken: true }); // stepup-ignore prompt-mfa-auth: see #42",
        )
}

#[test]
fn a_suppressed_finding_does_not_fail_check_and_is_not_rewritten() {
    let text = suppressed_legacy();
    let dir = repo(&[("src/a.tsx", &text)]);
    let check = stepup(dir.path(), &["check"]);
    assert_eq!(check.code, Some(0), "{}{}", check.stdout, check.stderr);
    assert_eq!(check.stdout, "", "suppressed findings are hidden");
    assert!(check.stderr.contains("; 2 suppressed"), "{}", check.stderr);
    assert!(
        !check.stderr.contains("fixable: run"),
        "nothing left to fix: {}",
        check.stderr
    );
    // --verbose shows them, with the reason.
    let verbose = stepup(dir.path(), &["check", "--verbose"]);
    assert!(
        verbose.stdout.contains(
            "src/a.tsx:9:15  error  is-mfa-required-for-action (suppressed: export is rebuilt in #42)"
        ),
        "{}",
        verbose.stdout
    );
    // migrate leaves the suppressed calls as they are: nothing to change.
    let migrate = stepup(dir.path(), &["migrate"]);
    assert_eq!(migrate.stdout, "", "no diff");
    stepup(dir.path(), &["migrate", "--write"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("src/a.tsx")).unwrap(),
        text
    );
    // SARIF carries them as suppressed in source; GitHub annotations leave them out.
    let sarif: serde_json::Value =
        serde_json::from_str(&stepup(dir.path(), &["check", "--format", "sarif"]).stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    for r in results {
        assert_eq!(r["suppressions"][0]["kind"], "inSource");
        assert!(
            r["suppressions"][0]["justification"]
                .as_str()
                .unwrap()
                .contains("#42")
        );
    }
    assert_eq!(
        stepup(dir.path(), &["check", "--format", "github"]).stdout,
        ""
    );
}

#[test]
fn an_unused_or_malformed_directive_is_reported() {
    let text = LEGACY.replace(
        "export function Export() {",
        "// stepup-ignore test-mock: nothing to suppress\nexport function Export() { // stepup-ignore prompt-mfa-auth\n",
    );
    let dir = repo(&[("a.tsx", &text)]);
    let check = stepup(dir.path(), &["check"]);
    assert!(
        check
            .stdout
            .contains("a.tsx:4:1  warning  unused-suppression  `test-mock` reports nothing"),
        "{}",
        check.stdout
    );
    assert!(
        check
            .stdout
            .contains("error  invalid-suppression  stepup-ignore needs a reason"),
        "{}",
        check.stdout
    );
    // A directive without a reason suppresses nothing: the call is still rewritten.
    let migrate = stepup(dir.path(), &["migrate"]);
    assert!(migrate.stdout.contains("+      await promptStepUpAuth("));
}

#[test]
fn the_config_is_found_upwards_to_the_repository_root() {
    let dir = repo(&[
        (
            "stepup.toml",
            "[severity]\nmfa-action-as-data = \"error\"\n",
        ),
        ("app/src/settings.ts", WARNING_ONLY),
    ]);
    // From a subdirectory, for a subdirectory: the root's stepup.toml applies.
    let sub = dir.path().join("app");
    let run = stepup(&sub, &["check", "src"]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("src/settings.ts:3:34  error  mfa-action-as-data"),
        "{}",
        run.stdout
    );
    // --no-config ignores it.
    assert_eq!(stepup(&sub, &["check", "--no-config", "src"]).code, Some(0));
    // `include` is relative to the config file's directory.
    write_files(dir.path(), &[("app/other/x.ts", WARNING_ONLY)]);
    let all = stepup(&sub, &["check"]);
    assert!(all.stdout.contains("other/x.ts:3:34"), "{}", all.stdout);
    std::fs::write(
        dir.path().join("stepup.toml"),
        "include = [\"app/src/**\"]\n[severity]\nmfa-action-as-data = \"error\"\n",
    )
    .unwrap();
    let included = stepup(&sub, &["check"]);
    assert!(
        included.stdout.contains("src/settings.ts") && !included.stdout.contains("other/x.ts"),
        "{}",
        included.stdout
    );
    // A config above the repository root is not read.
    let outer = tempfile::tempdir().unwrap();
    write_files(
        outer.path(),
        &[
            (
                "stepup.toml",
                "[severity]\nmfa-action-as-data = \"error\"\n",
            ),
            ("repo/settings.ts", WARNING_ONLY),
        ],
    );
    common::git(&outer.path().join("repo"), &["init", "-q"]);
    assert_eq!(stepup(&outer.path().join("repo"), &["check"]).code, Some(0));
    // Without a repository, the search goes on upwards.
    std::fs::remove_dir_all(outer.path().join("repo/.git")).unwrap();
    assert_eq!(stepup(&outer.path().join("repo"), &["check"]).code, Some(1));
}

#[test]
fn config_severity_globs_max_warnings_and_records() {
    let dir = repo(&[
        ("src/a.tsx", LEGACY),
        ("src/settings.ts", WARNING_ONLY),
        ("src/legacy/old.tsx", LEGACY),
        (
            "src/seed.ts",
            "import { authenticatePasskeyMFA } from '@dynamic-labs-sdk/client';\n\
             export async function go(w: { revealSeed: () => Promise<void> }) {\n  \
             await authenticatePasskeyMFA({ createMfaToken: { singleUse: true } });\n  await w.revealSeed();\n}\n",
        ),
        (
            "stepup.toml",
            "exclude = [\"src/legacy/**\"]\nmax_warnings = 0\n\n\
             [severity]\nis-mfa-required-for-action = \"off\"\nscope-inferred = \"warning\"\n\n\
             [[sensitive_calls]]\nname = \"revealSeed\"\ntoken_scope = \"Walletexport\"\n",
        ),
    ]);
    let json = |args: &[&str]| -> serde_json::Value {
        serde_json::from_str(&stepup(dir.path(), args).stdout).unwrap()
    };
    let doc = json(&["check", "--format", "json"]);
    let findings = doc["findings"].as_array().unwrap();
    let rules: Vec<(&str, &str, &str)> = findings
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap(),
                f["rule"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        !rules.iter().any(|r| r.0.starts_with("src/legacy/")),
        "excluded: {rules:?}"
    );
    assert!(
        !rules.iter().any(|r| r.1 == "is-mfa-required-for-action"),
        "off: {rules:?}"
    );
    assert!(
        rules.contains(&("src/seed.ts", "scope-inferred", "warning")),
        "{rules:?}"
    );
    let sarif = stepup(dir.path(), &["check", "--format", "sarif"]).stdout;
    assert!(
        sarif.contains("\"level\": \"warning\"")
            && !sarif.contains("\"ruleId\": \"is-mfa-required-for-action\"")
    );
    // A rule turned off is not rewritten either.
    let diff = stepup(dir.path(), &["migrate"]).stdout;
    assert!(
        diff.contains("promptStepUpAuth") && !diff.contains("isStepUpRequired"),
        "{diff}"
    );
    assert!(!diff.contains("src/legacy/"), "{diff}");
    // max_warnings = 0 from the file fails on the warnings; the flag overrides it.
    assert_eq!(stepup(dir.path(), &["check"]).code, Some(1));
    let only_warnings = [
        "check",
        "--exclude",
        "src/a.tsx",
        "--exclude",
        "src/seed.ts",
        "--exclude",
        "src/legacy/**",
    ];
    assert_eq!(stepup(dir.path(), &only_warnings).code, Some(1));
    let mut lenient = only_warnings.to_vec();
    lenient.extend(["--max-warnings", "-1"]);
    assert_eq!(stepup(dir.path(), &lenient).code, Some(0));
    // --exclude replaces the file's exclude list: src/legacy is back.
    let doc = json(&["check", "--format", "json", "--exclude", "src/a.tsx"]);
    let paths: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(
        paths.contains(&"src/legacy/old.tsx") && !paths.contains(&"src/a.tsx"),
        "{paths:?}"
    );
}

#[test]
fn a_bad_config_is_a_usage_error_naming_the_file_and_the_key() {
    let cases = [
        ("max_warning = 3\n", "`max_warning`: unknown key"),
        (
            "max_warnings = \"many\"\n",
            "`max_warnings` = \"many\": must be an integer",
        ),
        (
            "[severity]\ntest-mok = \"off\"\n",
            "`test-mok` is not a stepup rule",
        ),
        (
            "[severity]\ntest-mock = \"quiet\"\n",
            "[severity] `test-mock` = \"quiet\"",
        ),
        ("exclude = [\"src/{\"]\n", "`exclude`: bad glob"),
        (
            "[[sensitive_calls]]\nname = \"x\"\n",
            "missing field `token_scope`",
        ),
        ("include = [\n", "TOML parse error"),
    ];
    for (text, expected) in cases {
        let dir = repo(&[("src/a.tsx", LEGACY), ("stepup.toml", text)]);
        let run = stepup(dir.path(), &["check", "src"]);
        assert_eq!(run.code, Some(2), "{text}: {}", run.stderr);
        assert!(
            run.stderr.contains("stepup.toml") && run.stderr.contains(expected),
            "{text}: {}",
            run.stderr
        );
    }
    // Two paths with two different config files: each file under its own
    // config, each config's max_warnings for the warnings of its files.
    let dir = repo(&[
        ("a/stepup.toml", "max_warnings = 0\n"),
        ("a/x.ts", WARNING_ONLY),
        ("b/stepup.toml", "max_warnings = 2\n"),
        ("b/y.ts", WARNING_ONLY),
    ]);
    let run = stepup(dir.path(), &["check", "a", "b"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("1 warning under a/stepup.toml exceeds its max_warnings = 0"),
        "{}",
        run.stderr
    );
    assert_eq!(stepup(dir.path(), &["check", "b"]).code, Some(0));
    let run = stepup(
        dir.path(),
        &["check", "--config", "b/stepup.toml", "a", "b"],
    );
    assert_eq!(
        run.code,
        Some(0),
        "two warnings, max_warnings = 2: {}",
        run.stderr
    );
    let run = stepup(
        dir.path(),
        &["check", "--config", "a/stepup.toml", "a", "b"],
    );
    assert_eq!(
        run.code,
        Some(1),
        "two warnings, max_warnings = 0: {}",
        run.stderr
    );
}
