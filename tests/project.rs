//! Black-box tests of the project model: project files stepup cannot use
//! are named with the reason, and never hang or stop the run.

use assert_cmd::Command;
use std::path::Path;
use std::time::Duration;

const BARREL_USER: &str = r#"import { MFAAction, useIsMfaRequiredForAction, usePromptMfaAuth } from '@/lib/dynamic';

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

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn check(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::cargo_bin("stepup")
        .unwrap()
        .arg("check")
        .args(args)
        .current_dir(dir)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// A project with the `@/*` alias in `tsconfig.json` and the barrel behind it.
fn aliased_project(root: &Path) {
    write(
        root,
        "tsconfig.json",
        r#"{ "compilerOptions": { "paths": { "@/*": ["./src/*"] } } }"#,
    );
    write(
        root,
        "src/lib/dynamic.ts",
        "export * from '@dynamic-labs/sdk-react-core';\n",
    );
    write(root, "src/Export.tsx", BARREL_USER);
}

/// A problem with a project file is shown like the findings: relative to
/// the working directory.
#[test]
fn a_broken_tsconfig_is_named_like_the_findings() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("apps/web");
    aliased_project(&app);
    write(
        &app,
        "tsconfig.json",
        "{ \"compilerOptions\": { \"paths\": } }",
    );
    let (code, _, stderr) = check(dir.path(), &["--quiet", "apps/web"]);
    // The legacy names imported through the alias it declared cannot be
    // checked: the run fails, naming the tsconfig and the file.
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(
        stderr,
        "apps/web/tsconfig.json: not valid JSON with comments (line 1, column 33): expected value; \
         its paths and references are not used; legacy names imported in apps/web/src/Export.tsx \
         come through specifiers that do not resolve without it, so stepup cannot check their \
         calls: fix it (or install what it extends) and run again\n"
    );
}

/// A tsconfig.json that is a FIFO is not opened (it would block), and said.
#[cfg(unix)]
#[test]
fn a_tsconfig_that_is_a_fifo_is_reported_and_does_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    aliased_project(dir.path());
    std::fs::remove_file(dir.path().join("tsconfig.json")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(dir.path().join("tsconfig.json"))
        .status()
        .unwrap();
    assert!(made.success());
    let (code, _, stderr) = check(dir.path(), &["--quiet", "."]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("tsconfig.json: not a regular file; ignored"),
        "{stderr}"
    );
}

/// An `extends` target that is a link to /dev/zero is never read.
#[cfg(unix)]
#[test]
fn an_extends_target_linked_to_a_device_does_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    aliased_project(dir.path());
    write(
        dir.path(),
        "tsconfig.json",
        r#"{ "extends": "./base.json", "compilerOptions": { "paths": { "@/*": ["./src/*"] } } }"#,
    );
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("base.json")).unwrap();
    let (code, _, stderr) = check(dir.path(), &["--quiet", "."]);
    // Its own `@/*` still applies: the call behind the alias is found.
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.starts_with("tsconfig.json: cannot load the config `./base.json`"),
        "{stderr}"
    );
}

/// The same project, readable: the call site behind the alias is found.
#[test]
fn the_aliased_call_site_is_found_when_the_tsconfig_is_readable() {
    let dir = tempfile::tempdir().unwrap();
    aliased_project(dir.path());
    let (code, stdout, stderr) = check(dir.path(), &["--quiet", "."]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stdout.contains("src/Export.tsx:7:15  error  is-mfa-required-for-action (fixable)"),
        "{stdout}"
    );
    assert!(stderr.is_empty(), "{stderr}");
}
