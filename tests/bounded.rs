//! Inputs that used to exhaust a run: a deep tsconfig `extends` chain (the
//! stack of a worker thread) and thousands of adjacent findings (the size
//! of JSON and SARIF). Each is run for real, with bounds on what it may use.

mod common;

use assert_cmd::Command;
use common::write_files;
use std::path::Path;

fn stepup(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("stepup").unwrap();
    c.current_dir(dir).env("NO_COLOR", "1");
    c
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Item: a 600-deep `extends` chain is refused with the config named, the
/// config's own `paths` still apply, and nothing crashes.
#[test]
fn a_deep_extends_chain_is_refused_by_name_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let depth = 600;
    write_files(
        dir.path(),
        &[
            (
                "tsconfig.json",
                "{ \"extends\": \"./configs/c1.json\", \"compilerOptions\": { \"paths\": { \"@/*\": [\"./src/*\"] } } }",
            ),
            (
                "src/lib/dynamic.ts",
                "export * from '@dynamic-labs/sdk-react-core';\n",
            ),
            (
                "src/Export.tsx",
                "import { usePromptMfaAuth } from '@/lib/dynamic';\n\
                 export function A() {\n  const p = usePromptMfaAuth();\n  return () => p();\n}\n",
            ),
        ],
    );
    for i in 1..=depth {
        let next = if i < depth {
            format!("{{ \"extends\": \"./c{}.json\" }}", i + 1)
        } else {
            "{}".to_string()
        };
        common::write(dir.path(), &format!("configs/c{i}.json"), next.as_bytes());
    }
    let out = stepup(dir.path()).args(["check", "."]).output().unwrap();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("tsconfig.json: its `extends` chain is deeper than"),
        "{stderr}"
    );
    // Resolved through the config's own `@/*`: the call is an error, fixable.
    assert!(
        stdout.contains("src/Export.tsx:4:16  error  prompt-mfa-auth (fixable)"),
        "{stdout}"
    );
}
