//! Scope from the callers, across files: how far callers are followed.

mod common;

use assert_cmd::Command;
use common::write;

/// A token call in `a0.ts` reached through `depth` wrappers (`level0` …),
/// whose only caller signs right after it.
fn chain(depth: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "src/a0.ts",
        b"import { authenticateTotpMfaDevice } from '@dynamic-labs-sdk/client';\n\n\
export async function level0(code: string) {\n  \
await authenticateTotpMfaDevice({ code, createMfaTokenOptions: { singleUse: true } });\n}\n",
    );
    for i in 1..depth {
        let text = format!(
            "import {{ level{p} }} from './a{p}';\n\nexport async function level{i}(code: string) {{\n  await level{p}(code);\n}}\n",
            p = i - 1
        );
        write(dir.path(), &format!("src/a{i}.ts"), text.as_bytes());
    }
    let last = depth - 1;
    let caller = format!(
        "import {{ level{last} }} from './a{last}';\n\ntype Wallet = {{ signMessage: (m: string) => Promise<string> }};\n\n\
export async function send(wallet: Wallet) {{\n  await level{last}('123456');\n  await wallet.signMessage('hello');\n}}\n"
    );
    write(dir.path(), "src/caller.ts", caller.as_bytes());
    dir
}

fn check(dir: &std::path::Path) -> String {
    let out = Command::cargo_bin("stepup")
        .unwrap()
        .args(["check", "--quiet", "."])
        .current_dir(dir)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn callers_are_followed_three_levels_deep_and_no_further() {
    for depth in 1..=3 {
        let out = check(chain(depth).path());
        assert!(
            out.contains("src/a0.ts:4:9  error  js-authenticate-totp-mfa-device (fixable)"),
            "depth {depth}: {out}"
        );
        assert!(
            out.contains(
                "TokenScope.Walletsign inferred from the callers of `level0()`, which then need it:"
            ),
            "depth {depth}: {out}"
        );
        assert!(
            out.contains("src/caller.ts:6 (`signMessage`)"),
            "depth {depth}: {out}"
        );
    }
    let out = check(chain(4).path());
    assert!(
        out.contains(
            "src/a0.ts:4:9  error  js-authenticate-totp-mfa-device  cannot tell which scope"
        ),
        "{out}"
    );
}
