//! `--format json` is a contract: every document `check` and `migrate`
//! print (dry run, --write, with suppressed findings, problems, files
//! outside the working directory) validates against the schema in
//! `schema/stepup-report.schema.json`, and the edits it carries are the
//! change `migrate --write` makes.

mod common;

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

use common::LEGACY_MULTILINE as LEGACY;

const SUPPRESSED: &str = r#"import { usePromptMfaAuth } from '@dynamic-labs/sdk-react-core';
import { MFAAction } from '@dynamic-labs/sdk-api-core';

export const keys = [MFAAction.WalletWaasSign]; // stepup-ignore mfa-action-as-data: audit log keys
// stepup-ignore test-mock: stale
export function Guard() {
  const promptMfaAuth = usePromptMfaAuth();
  return async () => {
    await promptMfaAuth({ createMfaToken: true });
  };
}
"#;

fn validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/stepup-report.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("the schema compiles")
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |rel: &str, text: &[u8]| {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write("app/src/Export.tsx", LEGACY.as_bytes());
    write("app/src/Guard.tsx", SUPPRESSED.as_bytes());
    write("app/src/bom.tsx", format!("\u{feff}{LEGACY}").as_bytes());
    let mut latin1 = LEGACY.as_bytes().to_vec();
    latin1.extend_from_slice(b"// caf\xe9\n");
    write("app/src/latin1.tsx", &latin1);
    write(
        "app/package.json",
        br#"{ "dependencies": { "@dynamic-labs/sdk-react-core": "^4.50.0" } }"#,
    );
    dir
}

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, Value) {
    let out = Command::cargo_bin("stepup")
        .unwrap()
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: stdout is not one JSON document ({e}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), doc)
}

fn assert_valid(validator: &jsonschema::Validator, doc: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}:\n{}", errors.join("\n"));
}

/// Apply a file's edits (byte ranges of the original) from last to first.
fn apply(original: &[u8], edits: &[Value]) -> Vec<u8> {
    let mut out = original.to_vec();
    let mut sorted: Vec<&Value> = edits.iter().collect();
    sorted.sort_by_key(|e| std::cmp::Reverse(e["start"]["byte"].as_u64().unwrap()));
    for e in sorted {
        let (s, t) = (
            e["start"]["byte"].as_u64().unwrap() as usize,
            e["end"]["byte"].as_u64().unwrap() as usize,
        );
        out.splice(s..t, e["replacement"].as_str().unwrap().bytes());
    }
    out
}

#[test]
fn every_json_document_validates_against_the_schema() {
    let validator = validator();
    let dir = project();
    let root = dir.path();
    let src = root.join("app/src");
    let cases: Vec<(&str, Vec<&str>, &Path)> = vec![
        ("check", vec!["check", "--format", "json", "app"], root),
        ("check from inside", vec!["check", "--format", "json"], &src),
        (
            "check of a path outside",
            vec!["check", "--format", "json", "../../app"],
            &src,
        ),
        (
            "migrate dry run",
            vec!["migrate", "--format", "json", "app"],
            root,
        ),
    ];
    for (what, args, cwd) in cases {
        let (_, doc) = run(cwd, &args);
        assert_valid(&validator, &doc, what);
    }
    // The validator can fail: a document with an absolute path is rejected.
    // From inside, a path above gives `..` paths only for what lies outside.
    let (_, doc) = run(&src, &["check", "--format", "json", "../../app"]);
    let paths: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(
        paths.contains(&"../package.json") && paths.contains(&"Export.tsx"),
        "{paths:?}"
    );
    let (_, mut doc) = run(root, &["check", "--format", "json", "app"]);
    doc["findings"][0]["path"] = Value::from("/home/me/app/src/x.tsx");
    assert!(!validator.is_valid(&doc));
    doc["findings"][0]["path"] = Value::from("app/src/x.tsx");
    doc["version"] = Value::from(2);
    assert!(!validator.is_valid(&doc));
}

#[test]
fn the_json_document_says_what_changes_and_how() {
    let validator = validator();
    let dir = project();
    let root = dir.path();
    let (code, doc) = run(root, &["check", "--format", "json", "app"]);
    // 2, not 1: the file that is not UTF-8 names the legacy API, and a
    // skipped file stepup cannot vouch for fails the run.
    assert_eq!(code, Some(2));
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["tool"]["name"], "stepup");
    let findings = doc["findings"].as_array().unwrap();
    // Suppressed findings are carried, with their reason, and counted apart.
    let suppressed: Vec<&Value> = findings
        .iter()
        .filter(|f| !f["suppressed"].is_null())
        .collect();
    assert_eq!(suppressed.len(), 1, "{findings:#?}");
    assert_eq!(suppressed[0]["rule"], "mfa-action-as-data");
    assert_eq!(suppressed[0]["suppressed"]["reason"], "audit log keys");
    assert_eq!(doc["summary"]["suppressed"], 1);
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "unused-suppression" && f["path"] == "app/src/Guard.tsx")
    );
    // A fixable finding carries the edits of its lines; lines 8 to 10
    // change (the `if` line is the other finding's), each line into one, so
    // each is an edit of its own: the prompt's are those of lines 9 and 10,
    // and line 11 stays.
    let prompt = findings
        .iter()
        .find(|f| f["rule"] == "prompt-mfa-auth" && f["path"] == "app/src/Export.tsx")
        .unwrap();
    assert_eq!(prompt["fixable"], true);
    assert_eq!(
        (prompt["line"].as_u64(), prompt["end_line"].as_u64()),
        (Some(9), Some(11))
    );
    let edits = prompt["edits"].as_array().unwrap();
    assert_eq!(edits.len(), 2, "{edits:#?}");
    let replaced: String = edits
        .iter()
        .map(|e| e["replacement"].as_str().unwrap())
        .collect();
    assert_eq!(
        replaced,
        "      await promptStepUpAuth({\n        requestedScopes: [TokenScope.Walletexport],\n",
        "{edits:#?}"
    );
    assert_eq!(edits[0]["start"]["line"], 9);
    assert_eq!(edits[1]["end"]["line"], 11);
    // `file_edits` says where they sit among the file's edits.
    let file = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "app/src/Export.tsx")
        .unwrap();
    let indices = prompt["file_edits"].as_array().unwrap();
    assert_eq!(indices.len(), 2, "{indices:?}");
    for (i, e) in indices.iter().zip(edits) {
        assert_eq!(&file["edits"][i.as_u64().unwrap() as usize], e);
    }
    let manual = findings
        .iter()
        .find(|f| f["rule"] == "prompt-mfa-auth" && f["path"] == "app/src/Guard.tsx")
        .unwrap();
    assert_eq!(manual["edits"].as_array().unwrap().len(), 0);
    assert_eq!(manual["file_edits"].as_array().unwrap().len(), 0);
    // The problems are in the document too (an error: it names the legacy API).
    assert!(
        doc["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["path"] == "app/src/latin1.tsx" && p["error"] == true)
    );

    // The files' edits are exactly what --write writes (with a BOM too).
    let (_, dry) = run(root, &["migrate", "--format", "json", "app"]);
    let files = dry["files"].as_array().unwrap();
    // The two sources, and the package.json whose SDK range the bump raises.
    assert_eq!(files.len(), 3, "{files:#?}");
    assert!(files.iter().any(|f| f["path"] == "app/package.json"));
    assert_eq!(
        dry["next"],
        serde_json::json!([
            "the change raises SDK version ranges: once it is applied, run your package manager's install (no lockfile found)"
        ])
    );
    let before: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(root.join(f["path"].as_str().unwrap())).unwrap())
        .collect();
    assert!(files.iter().all(|f| f["written"] == false));
    let (code, written) = run(
        root,
        &[
            "migrate",
            "--write",
            "--allow-no-vcs",
            "--format",
            "json",
            "app",
        ],
    );
    // The files are written; the skipped latin1.tsx still makes it exit 2.
    assert_eq!(code, Some(2));
    assert_valid(&validator, &written, "migrate --write");
    assert!(
        written["files"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["written"] == true)
    );
    for (f, original) in files.iter().zip(before) {
        let path = f["path"].as_str().unwrap();
        let after = std::fs::read(root.join(path)).unwrap();
        assert_eq!(
            String::from_utf8(apply(&original, f["edits"].as_array().unwrap())).unwrap(),
            String::from_utf8(after).unwrap(),
            "{path}: the edits give what --write wrote"
        );
        assert!(
            f["diff"]
                .as_str()
                .unwrap()
                .starts_with(&format!("diff --git a/{path} b/{path}\n"))
        );
    }
}

/// A token call whose scope stepup cannot tell carries one fix per
/// candidate scope (JSON `fixes`, SARIF `fixes[]`); applying one gives what
/// `migrate --decide` with that scope writes.
#[test]
fn an_undecided_token_call_carries_one_fix_per_candidate_scope() {
    let guard = "import { usePromptMfaAuth } from '@dynamic-labs/sdk-react-core';\n\n\
export function Guard() {\n  const promptMfaAuth = usePromptMfaAuth();\n  \
const ensure = async () => {\n    await promptMfaAuth({ createMfaToken: true });\n  };\n  \
return <button onClick={ensure}>Go</button>;\n}\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Guard.tsx"), guard).unwrap();
    let (_, doc) = run(dir.path(), &["check", "--format", "json", "."]);
    assert_valid(&validator(), &doc, "check --format json");
    let finding = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "prompt-mfa-auth")
        .expect("the undecided call is reported");
    let fixes = finding["fixes"].as_array().unwrap();
    let scopes: Vec<&str> = fixes.iter().map(|f| f["scope"].as_str().unwrap()).collect();
    assert_eq!(scopes, ["Walletexport", "Walletsign", "Userupdate"]);
    for fix in fixes {
        let scope = fix["scope"].as_str().unwrap();
        let applied = apply(guard.as_bytes(), fix["edits"].as_array().unwrap());
        let decided = Command::cargo_bin("stepup")
            .unwrap()
            .args(["migrate", "--write", "--allow-no-vcs", "--decide"])
            .arg(format!("Guard.tsx:6={scope}"))
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(decided.status.code(), Some(0));
        let written = std::fs::read(dir.path().join("Guard.tsx")).unwrap();
        assert_eq!(
            String::from_utf8(applied).unwrap(),
            String::from_utf8(written).unwrap()
        );
        std::fs::write(dir.path().join("Guard.tsx"), guard).unwrap();
    }
    let (_, sarif) = run(dir.path(), &["check", "--format", "sarif", "."]);
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "prompt-mfa-auth")
        .unwrap();
    let descriptions: Vec<&str> = result["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["description"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        descriptions,
        [
            "Use TokenScope.Walletexport",
            "Use TokenScope.Walletsign",
            "Use TokenScope.Userupdate"
        ]
    );
}
