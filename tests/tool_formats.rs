//! The documents other tools read: JSON findings with their end, the
//! schema's `$id` and its room for new fields, SARIF fingerprints that
//! survive line shifts and rule `helpUri`s, the GitLab Code Quality report
//! validated against GitLab's schema and JUnit XML validated against the
//! Jenkins JUnit XSD (with `xmllint`).

mod common;

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

use common::LEGACY_MULTILINE as EXPORT;

/// Two identical calls stepup cannot migrate, and a suppressed one.
const GUARD: &str = r#"import { usePromptMfaAuth } from '@dynamic-labs/sdk-react-core';
import { MFAAction } from '@dynamic-labs/sdk-api-core';

export const keys = [MFAAction.WalletWaasSign]; // stepup-ignore mfa-action-as-data: audit log keys
export function Guard() {
  const promptMfaAuth = usePromptMfaAuth();
  return async () => {
    await promptMfaAuth({ createMfaToken: true });
    await promptMfaAuth({ createMfaToken: true });
  };
}
"#;

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::write_files(
        dir.path(),
        &[
            ("src/Export.tsx", EXPORT),
            ("src/Guard.tsx", GUARD),
            // Characters XML must escape, in a path.
            ("src/we&ird<1>.tsx", GUARD),
            // Uses Dynamic's API, nothing legacy: a passing test case.
            (
                "src/clean.ts",
                "import { useStepUpAuthentication } from '@dynamic-labs/sdk-react-core';\nexport const use = useStepUpAuthentication;\n",
            ),
            ("src/other.ts", "export const x = 1;\n"),
            (
                "package.json",
                r#"{ "dependencies": { "@dynamic-labs/sdk-react-core": "^4.50.0" } }"#,
            ),
        ],
    );
    dir
}

fn check(dir: &Path, format: &str) -> (Option<i32>, String) {
    let out = Command::cargo_bin("stepup")
        .unwrap()
        .args(["check", "--format", format])
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).expect("UTF-8 on stdout"),
    )
}

fn schema(rel: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn errors(validator: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[test]
fn json_findings_end_where_the_code_ends_and_the_schema_admits_new_fields() {
    let dir = project();
    let (code, stdout) = check(dir.path(), "json");
    assert_eq!(code, Some(1));
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    for f in doc["findings"].as_array().unwrap() {
        let (line, end_line) = (f["line"].as_u64().unwrap(), f["end_line"].as_u64().unwrap());
        let (column, end_column) = (
            f["column"].as_u64().unwrap(),
            f["end_column"]
                .as_u64()
                .expect("every finding has end_column"),
        );
        assert!((end_line, end_column) >= (line, column), "{f:#}");
    }
    // The multi-line call `promptMfaAuth({ … })` of Export.tsx ends after
    // the `)` of `      });` on line 11: column 9.
    let prompt = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "prompt-mfa-auth" && f["path"] == "src/Export.tsx")
        .unwrap();
    assert_eq!(
        (&prompt["line"], &prompt["column"]),
        (&Value::from(9), &Value::from(13))
    );
    assert_eq!(
        (&prompt["end_line"], &prompt["end_column"]),
        (&Value::from(11), &Value::from(9))
    );

    let schema = schema("schema/stepup-report.schema.json");
    assert!(
        schema["$id"].as_str().is_some_and(|id| id.contains(':')),
        "the schema has an absolute $id"
    );
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert_eq!(errors(&validator, &doc), Vec::<String>::new());
    // A later version may add fields to findings and files: still valid.
    let mut grown = doc.clone();
    grown["findings"][0]["fingerprint"] = Value::from("abc:1");
    let (_, migrate) = {
        let out = Command::cargo_bin("stepup")
            .unwrap()
            .args(["migrate", "--format", "json"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        (out.status.code(), out.stdout)
    };
    let mut migrate: Value = serde_json::from_slice(&migrate).unwrap();
    migrate["files"][0]["language"] = Value::from("tsx");
    migrate["findings"][0]["end_offset"] = Value::from(12);
    assert_eq!(errors(&validator, &grown), Vec::<String>::new());
    assert_eq!(errors(&validator, &migrate), Vec::<String>::new());
    // end_column is required: a finding without it is rejected.
    let mut old = doc.clone();
    old["findings"][0]
        .as_object_mut()
        .unwrap()
        .remove("end_column");
    assert!(!validator.is_valid(&old));
}

/// (rule, uri) → the fingerprints and lines of its results.
fn fingerprints(sarif: &str) -> BTreeMap<(String, String), Vec<(String, u64)>> {
    let doc: Value = serde_json::from_str(sarif).unwrap();
    let mut out: BTreeMap<(String, String), Vec<(String, u64)>> = BTreeMap::new();
    for r in doc["runs"][0]["results"].as_array().unwrap() {
        let loc = &r["locations"][0]["physicalLocation"];
        let fp = r["partialFingerprints"]["stepupCallHash/v1"]
            .as_str()
            .expect("every result has a partial fingerprint");
        out.entry((
            r["ruleId"].as_str().unwrap().to_string(),
            loc["artifactLocation"]["uri"].as_str().unwrap().to_string(),
        ))
        .or_default()
        .push((fp.to_string(), loc["region"]["startLine"].as_u64().unwrap()));
    }
    out
}

#[test]
fn sarif_fingerprints_survive_line_shifts_and_rules_link_to_their_help() {
    let dir = project();
    let (_, before) = check(dir.path(), "sarif");
    let doc: Value = serde_json::from_str(&before).unwrap();
    for rule in doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
    {
        let uri = rule["helpUri"].as_str().expect("every rule has a helpUri");
        assert!(
            uri.starts_with("https://") && uri.ends_with("#rules"),
            "{uri}"
        );
    }
    let region = &doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert!(
        region["endLine"].is_u64() && region["endColumn"].is_u64(),
        "{region}"
    );
    let before = fingerprints(&before);
    // Two identical calls in one file: two fingerprints.
    let guard = &before[&("prompt-mfa-auth".to_string(), "src/Guard.tsx".to_string())];
    assert_eq!(guard.len(), 2);
    assert_ne!(guard[0].0, guard[1].0);
    // The same code in another file: other fingerprints.
    let weird = &before[&(
        "prompt-mfa-auth".to_string(),
        "src/we%26ird%3C1%3E.tsx".to_string(),
    )];
    assert_ne!(weird[0].0, guard[0].0);

    // Lines added above every call, and the calls re-indented and re-wrapped.
    let shifted_export = format!(
        "// a header\n// of three\n// lines\n{}",
        EXPORT.replace(
            "      await promptMfaAuth({\n        createMfaToken: true,\n      });",
            "          await promptMfaAuth({ createMfaToken: true, });"
        )
    );
    let shifted_guard = format!("\n\n{}", GUARD.replace("    await", "\t\tawait"));
    std::fs::write(dir.path().join("src/Export.tsx"), shifted_export).unwrap();
    std::fs::write(dir.path().join("src/Guard.tsx"), shifted_guard).unwrap();
    let (_, after) = check(dir.path(), "sarif");
    let after = fingerprints(&after);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    let mut moved = 0;
    for (key, results) in &before {
        let fps = |r: &Vec<(String, u64)>| r.iter().map(|(f, _)| f.clone()).collect::<Vec<_>>();
        assert_eq!(fps(results), fps(&after[key]), "{key:?}");
        moved += results
            .iter()
            .zip(&after[key])
            .filter(|(a, b)| a.1 != b.1)
            .count();
    }
    assert!(moved >= 4, "the lines did shift");
    // Changing the call itself changes its fingerprint.
    std::fs::write(
        dir.path().join("src/Guard.tsx"),
        GUARD.replacen(
            "promptMfaAuth({ createMfaToken: true });",
            "promptMfaAuth({ createMfaToken: !!1 });",
            1,
        ),
    )
    .unwrap();
    let (_, edited) = check(dir.path(), "sarif");
    let edited = fingerprints(&edited);
    let key = ("prompt-mfa-auth".to_string(), "src/Guard.tsx".to_string());
    assert_ne!(edited[&key][0].0, before[&key][0].0);
}

#[test]
fn gitlab_code_quality_report_validates_against_gitlabs_schema() {
    let dir = project();
    let (code, stdout) = check(dir.path(), "gitlab");
    assert_eq!(code, Some(1), "the exit code is check's");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let validator =
        jsonschema::validator_for(&schema("tests/schema/gitlab-code-quality.schema.json")).unwrap();
    assert_eq!(errors(&validator, &doc), Vec::<String>::new());
    let issues = doc.as_array().unwrap();
    // Every active finding, none suppressed; fingerprints unique.
    let (_, json) = check(dir.path(), "json");
    let json: Value = serde_json::from_str(&json).unwrap();
    let active = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["suppressed"].is_null())
        .count();
    assert_eq!(issues.len(), active);
    assert!(issues.iter().all(
        |i| i["check_name"] != "mfa-action-as-data" || i["location"]["path"] != "src/Guard.tsx"
    ));
    let mut fps: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    fps.sort();
    fps.dedup();
    assert_eq!(fps.len(), issues.len(), "fingerprints are unique");
    let export = issues
        .iter()
        .find(|i| i["check_name"] == "prompt-mfa-auth" && i["location"]["path"] == "src/Export.tsx")
        .unwrap();
    assert_eq!(export["severity"], "major");
    assert_eq!(export["location"]["lines"]["begin"], 9);
    let range = issues
        .iter()
        .find(|i| i["check_name"] == "dependency-range")
        .unwrap();
    assert_eq!(range["severity"], "minor");
    // The schema can fail: GitLab has no "error" severity.
    let mut broken = doc.clone();
    broken[0]["severity"] = Value::from("error");
    assert!(!validator.is_valid(&broken));
}

/// `xmllint`'s verdict on `xml` against the Jenkins JUnit XSD, or None
/// when xmllint is missing (then the test skips, except under CI=true).
fn xmllint(xml: &str) -> Option<(bool, String)> {
    let xsd = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schema/junit-10.xsd");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.xml");
    std::fs::write(&file, xml).unwrap();
    let out = match std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&xsd)
        .arg(&file)
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "xmllint is needed under CI (apt-get install libxml2-utils): {e}"
            );
            eprintln!("skipped: xmllint not found ({e}); apt-get install libxml2-utils");
            return None;
        }
    };
    Some((
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

#[test]
fn junit_report_validates_against_the_jenkins_junit_xsd() {
    let dir = project();
    let (code, xml) = check(dir.path(), "junit");
    assert_eq!(code, Some(1), "the exit code is check's");
    let Some((valid, messages)) = xmllint(&xml) else {
        return;
    };
    assert!(valid, "{messages}\n{xml}");
    // One test case per file that uses Dynamic's API, a failure per error finding.
    assert_eq!(xml.matches("<testsuite ").count(), 1);
    assert_eq!(xml.matches("<testcase ").count(), 5, "{xml}");
    let (_, json) = check(dir.path(), "json");
    let json: Value = serde_json::from_str(&json).unwrap();
    let errors = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["suppressed"].is_null() && f["severity"] == "error")
        .count();
    assert_eq!(xml.matches("<failure ").count(), errors);
    assert!(
        xml.contains(r#"<testcase name="src/we&amp;ird&lt;1&gt;.tsx""#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<testcase name="src/clean.ts" classname="stepup"/>"#),
        "{xml}"
    );
    assert!(xml.contains(r#"failures="3""#), "three files fail: {xml}");
    // The validator can fail.
    let (valid, _) = xmllint(&xml.replace("<testcase ", "<case ")).unwrap();
    assert!(!valid);
}
