//! Every report format on one fixture project (`tests/golden/project`),
//! compared with golden files in `tests/golden/`; the SARIF document is also
//! validated against the SARIF 2.1.0 JSON schema. `STEPUP_BLESS=1` rewrites
//! the golden files. Plus the exit-code matrix and the CI-facing flags.

mod common;

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// A copy of the golden project in a temp dir (the run must not depend on
/// where the repository is checked out).
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(&golden_dir().join("project"), dir.path());
    dir
}

/// Timings vary from run to run; everything else must not.
fn normalize(s: &str) -> String {
    let mut out = String::new();
    for line in s.lines() {
        let line = match (line.find(" in "), line.find("s; ")) {
            (Some(a), Some(b)) if a < b && line.contains("scanned") || line.contains("Scanned") => {
                format!("{} in <time>{}", &line[..a], &line[b + 1..])
            }
            _ => line.to_string(),
        };
        let line = match line.find("\"elapsed_ms\": ") {
            Some(i) => format!(
                "{}\"elapsed_ms\": <time>{}",
                &line[..i],
                if line.ends_with(',') { "," } else { "" }
            ),
            None => line,
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn golden(name: &str, actual: &str) {
    let path = golden_dir().join(name);
    let actual = normalize(actual);
    if std::env::var_os("STEPUP_BLESS").is_some() {
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let expected =
        std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("missing golden file {name}"));
    assert_eq!(expected, actual, "{name} differs from the golden file");
}

fn check(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::cargo_bin("stepup")
        .unwrap()
        .arg("check")
        .args(args)
        .current_dir(dir)
        .env_remove("GITHUB_STEP_SUMMARY")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn human_format() {
    let dir = project();
    let (code, stdout, stderr) = check(dir.path(), &[]);
    assert_eq!(code, Some(1));
    golden("check.human.txt", &format!("{stdout}--- stderr\n{stderr}"));
}

#[test]
fn json_format() {
    let dir = project();
    let (code, stdout, _) = check(dir.path(), &["--format", "json"]);
    assert_eq!(code, Some(1));
    serde_json::from_str::<serde_json::Value>(&stdout).expect("valid JSON");
    golden("check.json", &stdout);
}

#[test]
fn github_format_and_step_summary() {
    let dir = project();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "# earlier step\n").unwrap();
    let run = || {
        Command::cargo_bin("stepup")
            .unwrap()
            .args(["check", "--format", "github", "src", "package.json"])
            .current_dir(dir.path())
            .env("GITHUB_STEP_SUMMARY", &summary)
            .output()
            .unwrap()
    };
    let out = run();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.lines().all(|l| l.starts_with("::error ")
        || l.starts_with("::warning ")
        || l.starts_with("::notice ")));
    golden("check.github.txt", &stdout);
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.starts_with("# earlier step\n"),
        "the summary is appended, not overwritten"
    );
    assert!(text.contains("<summary>Findings by rule, and what to do</summary>"));
    assert!(
        text.contains("| `prompt-mfa-auth` | error | 2 | 1 |"),
        "{text}"
    );
    run();
    let twice = std::fs::read_to_string(&summary).unwrap();
    assert_eq!(twice.matches("<summary>Findings by rule").count(), 2);
}

#[test]
fn sarif_format_is_valid_sarif_2_1_0() {
    let dir = project();
    let (code, stdout, _) = check(dir.path(), &["--format", "sarif"]);
    assert_eq!(code, Some(1));
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(golden_dir().join("../schema/sarif-2.1.0-rtm.5.json")).unwrap(),
    )
    .unwrap();
    // The schema's `language` patterns have a stray `]` that ECMAScript reads
    // as a literal and the Rust regex engine rejects; escape it so the schema
    // compiles. Nothing else of the schema is touched.
    let mut schema = schema;
    let patched = escape_stray_bracket(&mut schema);
    assert!(
        patched >= 2,
        "the schema's language patterns were not found"
    );
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF does not validate:\n{}",
        errors.join("\n")
    );
    // The validator must be able to fail: a broken document is rejected.
    let mut broken = doc.clone();
    broken["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    assert!(!validator.is_valid(&broken));

    let results = doc["runs"][0]["results"].as_array().unwrap();
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            rules[index]["id"], r["ruleId"],
            "ruleIndex points at the rule"
        );
        assert!(
            rules[index]["help"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty())
        );
    }
    let fixable = results
        .iter()
        .find(|r| r["ruleId"] == "prompt-mfa-auth" && r.get("fixes").is_some());
    let fix =
        &fixable.expect("a fixable finding carries its fix")["fixes"][0]["artifactChanges"][0];
    assert_eq!(fix["artifactLocation"]["uri"], "src/Export.tsx");
    let inserted = fix["replacements"][0]["insertedContent"]["text"]
        .as_str()
        .unwrap();
    assert!(
        inserted.contains("promptStepUpAuth({ requestedScopes: [TokenScope.Walletexport] })"),
        "{inserted}"
    );
    golden("check.sarif", &stdout);
}

#[test]
fn markdown_report_for_the_pull_request() {
    let dir = project();
    let out = Command::cargo_bin("stepup")
        .unwrap()
        .args(["migrate", "--report", "report.md"])
        .current_dir(dir.path())
        .env_remove("GITHUB_SERVER_URL")
        .env_remove("GITHUB_REPOSITORY")
        .env_remove("GITHUB_SHA")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(report.contains("## Changed files\n\n- `src/Export.tsx`"));
    assert!(report.contains("- [ ] `src/Guard.tsx:6` — `prompt-mfa-auth` (error)"));
    assert!(
        report.contains("  >    6 |     await promptMfaAuth({ createMfaToken: true });"),
        "excerpt with the line marked"
    );
    assert!(report.contains(
        "candidates: TokenScope.Walletexport, TokenScope.Walletsign, TokenScope.Userupdate"
    ));
    assert!(report.contains("| what to do |"));
    golden("report.md", &report);
}

#[test]
fn exit_code_matrix() {
    let write = |files: &[(&str, &str)]| {
        let dir = tempfile::tempdir().unwrap();
        for (rel, text) in files {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        dir
    };
    let golden_src =
        |name: &str| std::fs::read_to_string(golden_dir().join("project/src").join(name)).unwrap();
    // clean
    let clean = write(&[(
        "a.ts",
        "import { useStepUpAuthentication } from '@dynamic-labs/sdk-react-core';\nexport const x = useStepUpAuthentication;\n",
    )]);
    assert_eq!(check(clean.path(), &[]).0, Some(0));
    // fixable only
    let fixable = write(&[("Export.tsx", &golden_src("Export.tsx"))]);
    assert_eq!(check(fixable.path(), &[]).0, Some(1));
    // manual only
    let manual = write(&[("Guard.tsx", &golden_src("Guard.tsx"))]);
    assert_eq!(check(manual.path(), &[]).0, Some(1));
    // warnings only: pass by default (ESLint's -1), fail over --max-warnings N
    let warnings = write(&[("settings.ts", &golden_src("settings.ts"))]);
    assert_eq!(check(warnings.path(), &[]).0, Some(0));
    assert_eq!(check(warnings.path(), &["--max-warnings", "0"]).0, Some(1));
    assert_eq!(check(warnings.path(), &["--max-warnings", "1"]).0, Some(0));
    assert_eq!(check(warnings.path(), &["--max-warnings", "-1"]).0, Some(0));
    assert_eq!(check(warnings.path(), &["--max-warnings", "-2"]).0, Some(2));
    assert_eq!(
        check(fixable.path(), &["--max-warnings", "100"]).0,
        Some(1),
        "errors always fail"
    );
    // usage errors
    assert_eq!(check(clean.path(), &["no/such/dir"]).0, Some(2));
    assert_eq!(check(clean.path(), &["--format", "xml"]).0, Some(2));
    assert_eq!(check(clean.path(), &["--rules", "missing.toml"]).0, Some(2));
}

#[test]
fn rules_file_adds_a_teams_own_sensitive_call() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.ts"),
        "import { authenticatePasskeyMFA } from '@dynamic-labs-sdk/client';\n\
         export async function go(w: { revealSeed: () => Promise<void> }) {\n  \
         await authenticatePasskeyMFA({ createMfaToken: { singleUse: true } });\n  await w.revealSeed();\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("team.toml"),
        "[[sensitive_calls]]\nname = \"revealSeed\"\ntoken_scope = \"Walletexport\"\n",
    )
    .unwrap();
    let (_, without, _) = check(dir.path(), &["--format", "json", "a.ts"]);
    assert!(without.contains("cannot tell which scope"));
    let (_, with, _) = check(
        dir.path(),
        &["--format", "json", "--rules", "team.toml", "a.ts"],
    );
    assert!(
        with.contains("inferred from the guarded call `revealSeed`"),
        "{with}"
    );
    std::fs::write(dir.path().join("bad.toml"), "unknown_key = 1\n").unwrap();
    let (code, _, stderr) = check(dir.path(), &["--rules", "bad.toml", "a.ts"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("bad.toml"), "{stderr}");
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let dir = project();
    let (_, plain, _) = check(dir.path(), &["src"]);
    assert!(!plain.contains('\x1b'), "piped output has no escape codes");
    let (_, forced, _) = check(dir.path(), &["--color", "always", "src"]);
    assert!(forced.contains("\x1b[31merror\x1b[0m"));
}

fn escape_stray_bracket(v: &mut serde_json::Value) -> usize {
    const STRAY: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    match v {
        serde_json::Value::String(s) if s == STRAY => {
            *s = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$".to_string();
            1
        }
        serde_json::Value::Array(a) => a.iter_mut().map(escape_stray_bracket).sum(),
        serde_json::Value::Object(o) => o.values_mut().map(escape_stray_bracket).sum(),
        _ => 0,
    }
}

/// The guide's step 5: the Markdown report and the job summary end with a
/// checklist of every protected action after the migration — its scope, the
/// sensitive call it guards, and its line in the migrated file.
#[test]
fn report_and_job_summary_end_with_the_test_plan() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/test-plan"),
        dir.path(),
    );
    let stepup = |args: &[&str], summary: Option<&Path>| {
        let mut cmd = Command::cargo_bin("stepup").unwrap();
        cmd.args(args).current_dir(dir.path());
        if let Some(s) = summary {
            cmd.env("GITHUB_STEP_SUMMARY", s);
        }
        cmd.output().unwrap()
    };
    let items = [
        "- [ ] `TokenScope.Walletexport` — `exportWaasPrivateKey` — `src/ExportKey.tsx:8`",
        "- [ ] `TokenScope.Walletsign` — `signMessage` — `src/SignButton.tsx:9`",
        "- [ ] `TokenScope.Userupdate` — the flows that call it (no sensitive call in the same function) — `src/useGuard.ts:9`",
    ];
    let plan_of = |text: &str| -> Vec<String> {
        let at = text.find("\n## Test plan\n").expect("a test plan");
        let plan = &text[at..];
        assert!(
            !plan[1..].contains("\n## "),
            "the test plan is the last section:\n{text}"
        );
        plan.lines()
            .filter(|l| l.starts_with("- [ ]"))
            .map(str::to_string)
            .collect()
    };
    let summary = dir.path().join("summary.md");
    let out = stepup(&["check", "--format", "github", "."], Some(&summary));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(plan_of(&std::fs::read_to_string(&summary).unwrap()), items);
    let out = stepup(&["migrate", "--report", "report.md", "."], None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        plan_of(&std::fs::read_to_string(dir.path().join("report.md")).unwrap()),
        items
    );
    // The lines are those of the migrated files.
    let out = stepup(&["migrate", "--write", "--allow-no-vcs", "."], None);
    assert_eq!(out.status.code(), Some(0));
    for item in items {
        let place = item.rsplit('`').nth(1).unwrap();
        let (file, line) = place.rsplit_once(':').unwrap();
        let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
        let line: usize = line.parse().unwrap();
        assert!(
            text.lines()
                .nth(line - 1)
                .unwrap()
                .contains("requestedScopes"),
            "{place}"
        );
    }
}
