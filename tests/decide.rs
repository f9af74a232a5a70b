//! `stepup migrate --decide PATH:LINE=SCOPE`: a person gives the scope of a
//! token call stepup cannot decide on.

mod common;

use assert_cmd::Command;
use common::{repo, write};

/// Line 6 holds a token call whose scope nothing in the file tells.
const GUARD: &str = r#"import { usePromptMfaAuth } from '@dynamic-labs/sdk-react-core';

export function Guard() {
  const promptMfaAuth = usePromptMfaAuth();
  const ensure = async () => {
    await promptMfaAuth({ createMfaToken: true });
  };
  return <button onClick={ensure}>Go</button>;
}
"#;

fn migrate(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::cargo_bin("stepup")
        .unwrap()
        .arg("migrate")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn decide_rewrites_the_call_with_the_scope_given_as_wire_value_or_member() {
    let dir = repo(&[("src/Guard.tsx", GUARD)]);
    for scope in ["wallet:sign", "Walletsign", "TokenScope.Walletsign"] {
        let (code, stdout, stderr) =
            migrate(dir.path(), &[&format!("--decide=src/Guard.tsx:6={scope}")]);
        assert_eq!(code, Some(0), "{stderr}");
        assert!(
            stdout.contains(
                "+    await promptStepUpAuth({ requestedScopes: [TokenScope.Walletsign] });"
            ),
            "{stdout}"
        );
        assert!(stdout.contains("+import { TokenScope } from '@dynamic-labs/sdk-api-core';"));
        assert!(!stderr.contains("cannot tell which scope"), "{stderr}");
        // The report keeps a trace of the scope a person gave, to confirm.
        assert!(
            stderr.contains(&format!(
                "info  scope-inferred  scope TokenScope.Walletsign given with --decide src/Guard.tsx:6={scope}"
            )),
            "{stderr}"
        );
    }
    // Without it, the call is only reported.
    let (code, stdout, stderr) = migrate(dir.path(), &[]);
    assert_eq!(code, Some(0));
    assert!(stdout.is_empty());
    assert!(stderr.contains("src/Guard.tsx:6:11  error  prompt-mfa-auth  cannot tell which scope"));
}

#[test]
fn write_with_decide_writes_the_decided_scope() {
    let dir = repo(&[("src/Guard.tsx", GUARD)]);
    let (code, _, stderr) = migrate(
        dir.path(),
        &["--write", "--decide", "./src/Guard.tsx:6=user:update"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let after = std::fs::read_to_string(dir.path().join("src/Guard.tsx")).unwrap();
    assert!(
        after.contains("await promptStepUpAuth({ requestedScopes: [TokenScope.Userupdate] });")
    );
    assert!(after.contains("const { promptStepUpAuth } = useStepUpAuthentication();"));
}

#[test]
fn decide_that_matches_no_undecided_call_is_a_usage_error_naming_it() {
    let dir = repo(&[("src/Guard.tsx", GUARD)]);
    for (arg, why) in [
        (
            "src/Guard.tsx:5=wallet:sign",
            "no token call whose scope stepup cannot tell starts on line 5",
        ),
        (
            "src/Other.tsx:6=wallet:sign",
            "the file is not among the scanned files",
        ),
    ] {
        let (code, stdout, stderr) = migrate(dir.path(), &["--decide", arg]);
        assert_eq!(code, Some(2), "{arg}: {stderr}");
        assert!(stdout.is_empty(), "no diff is printed: {stdout}");
        assert!(
            stderr.contains(&format!("--decide {arg}: {why}")),
            "{stderr}"
        );
    }
    let (code, _, stderr) = migrate(dir.path(), &["--decide", "src/Guard.tsx=wallet:sign"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("src/Guard.tsx=wallet:sign"), "{stderr}");
}

#[test]
fn decide_naming_a_scope_the_installed_sdk_lacks_is_a_usage_error() {
    let dir = repo(&[("src/Guard.tsx", GUARD)]);
    write(
        dir.path(),
        "node_modules/@dynamic-labs/sdk-api-core/src/models/TokenScope.d.ts",
        b"export declare enum TokenScope {\n    Walletexport = \"wallet:export\",\n    Walletsign = \"wallet:sign\"\n}\n",
    );
    write(
        dir.path(),
        "node_modules/@dynamic-labs/sdk-api-core/package.json",
        br#"{ "name": "@dynamic-labs/sdk-api-core", "version": "0.0.900" }"#,
    );
    let (code, stdout, stderr) = migrate(dir.path(), &["--decide", "src/Guard.tsx:6=user:update"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("--decide src/Guard.tsx:6=user:update: TokenScope.Userupdate is not declared by the installed @dynamic-labs/sdk-api-core"),
        "{stderr}"
    );
    // A scope it declares works.
    let (code, stdout, _) = migrate(dir.path(), &["--decide", "src/Guard.tsx:6=wallet:export"]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("requestedScopes: [TokenScope.Walletexport]"));
    // Without installed declarations, a scope stepup does not know is refused.
    std::fs::remove_dir_all(dir.path().join("node_modules")).unwrap();
    let (code, _, stderr) = migrate(
        dir.path(),
        &["--decide", "src/Guard.tsx:6=wallet:frobnicate"],
    );
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("TokenScope.Walletfrobnicate is not a scope stepup knows"),
        "{stderr}"
    );
}

/// A JS SDK call whose result's token is passed on cannot be given a scope:
/// after the rewrite the result carries no token, so `--decide` refuses it
/// as it refuses any call stepup does not leave undecided.
#[test]
fn decide_refuses_a_call_whose_result_token_is_used() {
    const DIALOG: &str = r#"import { authenticateTotpMfaDevice, deleteMfaDevice } from '@dynamic-labs-sdk/client';

export async function remove(code: string, deviceId: string) {
  const result = await authenticateTotpMfaDevice({ code, createMfaTokenOptions: { singleUse: true } });
  await deleteMfaDevice({ deviceId, mfaAuthToken: result.mfaToken });
}
"#;
    let dir = repo(&[("src/Dialog.ts", DIALOG)]);
    let (code, stdout, stderr) = migrate(dir.path(), &["--decide", "src/Dialog.ts:4=user:update"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("--decide src/Dialog.ts:4=user:update"),
        "{stderr}"
    );
    let (code, stdout, stderr) = migrate(dir.path(), &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.is_empty(), "nothing is rewritten: {stdout}");
    assert!(
        stderr.contains("the MFA token in the result of authenticateTotpMfaDevice is used"),
        "{stderr}"
    );
}
