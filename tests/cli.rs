//! Black-box tests of the command-line contract, each in a fresh temp dir.

use assert_cmd::Command;
use std::path::Path;
use std::process::Command as Proc;

const LEGACY: &str = r#"import { usePromptMfaAuth, useIsMfaRequiredForAction } from '@dynamic-labs/sdk-react-core';
import { MFAAction } from '@dynamic-labs/sdk-api-core';

export function Export() {
  const isMfaRequiredForAction = useIsMfaRequiredForAction();
  const promptMfaAuth = usePromptMfaAuth();
  const onClick = async () => {
    if (await isMfaRequiredForAction({ mfaAction: MFAAction.WalletWaasExport })) {
      await promptMfaAuth({ createMfaToken: true });
    }
  };
  return <button onClick={onClick}>Export</button>;
}
"#;

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

fn git(dir: &Path, args: &[&str]) {
    let out = Proc::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.email=t@example.com",
            "-c",
            "user.name=t",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn write(dir: &Path, rel: &str, content: &[u8]) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}

/// A committed git repository holding the given files.
fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, content) in files {
        write(dir.path(), rel, content.as_bytes());
    }
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "init"]);
    dir
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
    assert!(stderr.contains("1 files to change"));
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
    let mut bytes = LEGACY.as_bytes().to_vec();
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
        "a deliberate skip is not a failure"
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
    assert!(stderr.contains("; 1 need review"), "{stderr}");
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
