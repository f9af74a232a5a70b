//! `check --baseline FILE`: counts per file and rule, so that line shifts
//! do not matter; only findings beyond the counts fail, and are named;
//! `--update-baseline` writes the counts (sorted, stable) and shrinks them
//! once findings are fixed.

mod common;

use assert_cmd::Command;
use serde_json::{Value, json};
use std::path::Path;

const GUARD: &str = r#"import { usePromptMfaAuth } from '@dynamic-labs/sdk-react-core';

export function Guard() {
  const promptMfaAuth = usePromptMfaAuth();
  return async () => {
    await promptMfaAuth({ createMfaToken: true });
  };
}
"#;

const DATA: &str = r#"import { MFAAction } from '@dynamic-labs/sdk-api-core';

export const keys = [MFAAction.WalletWaasSign, MFAAction.WalletWaasExport];
"#;

fn check(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::cargo_bin("stepup")
        .unwrap()
        .arg("check")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn baseline(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("stepup-baseline.json")).unwrap())
        .unwrap()
}

const BASE: &[&str] = &["--baseline", "stepup-baseline.json", "src"];
const UPDATE: &[&str] = &[
    "--baseline",
    "stepup-baseline.json",
    "--update-baseline",
    "src",
];

#[test]
fn a_baseline_accepts_recorded_findings_across_line_shifts_and_fails_on_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::write_files(root, &[("src/Guard.tsx", GUARD), ("src/data.ts", DATA)]);
    // Without a baseline the check fails.
    assert_eq!(check(root, &["src"]).0, Some(1));

    let (code, _, stderr) = check(root, UPDATE);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("wrote the baseline stepup-baseline.json: 3 findings in 2 files"),
        "{stderr}"
    );
    let written = std::fs::read(root.join("stepup-baseline.json")).unwrap();
    assert_eq!(
        baseline(root),
        json!({
            "version": 1,
            "files": {
                "src/Guard.tsx": { "prompt-mfa-auth": 1 },
                "src/data.ts": { "mfa-action-as-data": 2 },
            }
        })
    );
    // Stable: a second update writes the same bytes.
    check(root, UPDATE);
    assert_eq!(
        std::fs::read(root.join("stepup-baseline.json")).unwrap(),
        written
    );

    let (code, stdout, stderr) = check(root, BASE);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert_eq!(stdout, "", "recorded findings are not shown");
    assert!(stderr.contains("3 suppressed"), "{stderr}");

    // Lines shift above the recorded calls: still accepted.
    std::fs::write(
        root.join("src/Guard.tsx"),
        format!("// a comment\n// and another\n\n{GUARD}"),
    )
    .unwrap();
    std::fs::write(root.join("src/data.ts"), format!("\n\n{DATA}")).unwrap();
    let (code, stdout, stderr) = check(root, BASE);
    assert_eq!(code, Some(0), "{stdout}{stderr}");

    // A file added with legacy usage fails, and its finding is shown.
    common::write_files(root, &[("src/Other.tsx", GUARD)]);
    let (code, stdout, stderr) = check(root, BASE);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("src/Other.tsx:6:11"), "{stdout}");
    assert!(!stdout.contains("src/Guard.tsx"), "{stdout}");
    assert!(
        stderr.contains(
            "src/Other.tsx: prompt-mfa-auth: 1 finding, 0 in the baseline stepup-baseline.json"
        ),
        "{stderr}"
    );
    std::fs::remove_file(root.join("src/Other.tsx")).unwrap();

    // A second call in a recorded file: more than recorded, named with both counts.
    std::fs::write(
        root.join("src/Guard.tsx"),
        GUARD.replace(
            "    await promptMfaAuth({ createMfaToken: true });\n",
            "    await promptMfaAuth({ createMfaToken: true });\n    await promptMfaAuth({ createMfaToken: true });\n",
        ),
    )
    .unwrap();
    let (code, stdout, stderr) = check(root, BASE);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains(
            "src/Guard.tsx: prompt-mfa-auth: 2 findings, 1 in the baseline stepup-baseline.json"
        ),
        "{stderr}"
    );
    assert_eq!(stdout.matches("prompt-mfa-auth").count(), 2, "{stdout}");

    // Fixed findings pass, are counted, and leave the baseline on the next update.
    std::fs::write(root.join("src/Guard.tsx"), "export const fixed = 1;\n").unwrap();
    std::fs::write(
        root.join("src/data.ts"),
        DATA.replace(", MFAAction.WalletWaasExport", ""),
    )
    .unwrap();
    let (code, _, stderr) = check(root, BASE);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("2 findings of the baseline stepup-baseline.json are fixed"),
        "{stderr}"
    );
    check(root, UPDATE);
    assert_eq!(
        baseline(root),
        json!({ "version": 1, "files": { "src/data.ts": { "mfa-action-as-data": 1 } } })
    );
}

#[test]
fn a_baseline_stepup_cannot_read_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::write_files(root, &[("src/Guard.tsx", GUARD)]);
    let (code, _, stderr) = check(root, BASE);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains(
            "cannot read the baseline stepup-baseline.json (write one with --update-baseline)"
        ),
        "{stderr}"
    );
    std::fs::write(root.join("stepup-baseline.json"), "{ \"files\": [] }").unwrap();
    let (code, _, stderr) = check(root, BASE);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("the baseline stepup-baseline.json is not a stepup baseline"),
        "{stderr}"
    );
    // --update-baseline needs --baseline.
    assert_eq!(check(root, &["--update-baseline", "src"]).0, Some(2));
}

#[test]
fn recorded_findings_are_suppressed_in_the_documents_for_tools() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::write_files(root, &[("src/Guard.tsx", GUARD)]);
    check(root, UPDATE);
    let (code, stdout, _) = check(
        root,
        &[
            "--format",
            "json",
            "--baseline",
            "stepup-baseline.json",
            "src",
        ],
    );
    assert_eq!(code, Some(0));
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        doc["findings"][0]["suppressed"]["reason"],
        "recorded in the baseline stepup-baseline.json"
    );
    assert_eq!(doc["summary"]["errors"], 0);
    // SARIF: an external suppression (not a directive in the source).
    let (_, stdout, _) = check(
        root,
        &[
            "--format",
            "sarif",
            "--baseline",
            "stepup-baseline.json",
            "src",
        ],
    );
    let sarif: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"][0]["suppressions"][0]["kind"],
        "external"
    );
}
