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

/// A hook exported as the module's default, whose inner function
/// declaration is returned in an object: its callers import it under a name
/// of their own.
#[test]
fn a_default_exported_hook_is_followed_to_its_callers() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "src/hooks/useOtp.ts",
        b"import { useMfa } from '@dynamic-labs/sdk-react-core';\n\n\
export default function useOtp() {\n  const { authenticateDevice } = useMfa();\n\n  \
async function confirmOtp(code: string): Promise<void> {\n    \
await authenticateDevice({ code, createMfaToken: { singleUse: true } });\n  }\n\n  \
return { confirmOtp };\n}\n",
    );
    write(
        dir.path(),
        "src/components/Reveal.tsx",
        b"import useSecondFactor from '../hooks/useOtp';\n\n\
type Wallet = { exportPrivateKey: () => Promise<void> };\n\n\
export default function Reveal({ wallet }: { wallet: Wallet }) {\n  \
const { confirmOtp } = useSecondFactor();\n  \
async function onReveal() {\n    await confirmOtp('123456');\n    await wallet.exportPrivateKey();\n  }\n  \
return <button onClick={onReveal}>Reveal</button>;\n}\n",
    );
    let out = check(dir.path());
    assert!(
        out.contains("src/hooks/useOtp.ts:7:11  info  scope-inferred  TokenScope.Walletexport inferred from the callers of `confirmOtp` of the module's default export, which then need it: src/components/Reveal.tsx:8 (`exportPrivateKey`); please confirm"),
        "{out}"
    );
    assert!(
        out.contains("requestedScopes: [TokenScope.Walletexport]"),
        "{out}"
    );
}

/// A caller whose import comes after a long header (its import section is
/// not kept by the first pass) is read again and found.
#[test]
fn a_caller_with_a_long_header_is_still_found() {
    let dir = chain(1);
    let caller = std::fs::read_to_string(dir.path().join("src/caller.ts")).unwrap();
    let header = "// licence text\n".repeat(2000);
    write(
        dir.path(),
        "src/caller.ts",
        format!("{header}{caller}").as_bytes(),
    );
    let out = check(dir.path());
    assert!(out.contains("src/caller.ts:2006 (`signMessage`)"), "{out}");
}
