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

/// One component with `n` one-line handlers, each a fixable legacy call,
/// on adjacent lines: their rewrites touch every line of the block.
#[cfg(unix)]
fn adjacent_handlers(n: usize) -> String {
    let mut s = String::from(
        "import { useIsMfaRequiredForAction } from '@dynamic-labs/sdk-react-core';\n\
         import { MFAAction } from '@dynamic-labs/sdk-api-core';\n\n\
         export function Many() {\n  const isMfaRequiredForAction = useIsMfaRequiredForAction();\n",
    );
    for i in 0..n {
        s.push_str(&format!(
            "  const h{i} = () => isMfaRequiredForAction({{ mfaAction: MFAAction.WalletWaasExport }});\n"
        ));
    }
    s.push_str("  return null;\n}\n");
    s
}

/// Run `stepup` with `args` in `dir` under a limit on its address space
/// (`ulimit -v`, in KiB), so a run that grows without bound fails instead
/// of exhausting the machine; its exit code and stdout size.
#[cfg(unix)]
fn under_memory_limit(dir: &Path, kib: u64, args: &str) -> (Option<i32>, usize, String) {
    let bin = assert_cmd::cargo::cargo_bin!("stepup");
    let out = std::process::Command::new("sh")
        .current_dir(dir)
        // Thread stacks and allocator arenas count against the limit: a
        // fixed number of threads keeps it meaningful on any machine.
        .env("RAYON_NUM_THREADS", "2")
        .arg("-c")
        .arg(format!("ulimit -v {kib} && exec \"$0\" {args}"))
        .arg(bin)
        .output()
        .unwrap();
    (
        out.status.code(),
        out.stdout.len(),
        text(&out.stderr).chars().take(2000).collect(),
    )
}

/// Item: JSON and SARIF grow linearly with findings, however adjacent:
/// 3,000 one-line handlers (about 300 KB) give documents of a bounded
/// multiple of the input, produced under a fixed memory limit, and every
/// finding still carries its own edit.
#[cfg(unix)]
#[test]
fn json_and_sarif_stay_linear_in_adjacent_findings() {
    let n = 3000;
    let source = adjacent_handlers(n);
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), &[("src/Many.tsx", &source)]);
    for format in ["json", "sarif"] {
        let (code, size, stderr) =
            under_memory_limit(dir.path(), 2 << 20, &format!("check --format {format} ."));
        assert_eq!(code, Some(1), "{format}: {stderr}");
        assert!(
            size < 40 * source.len(),
            "{format}: {size} bytes of output for {} bytes of input",
            source.len()
        );
    }
    let out = stepup(dir.path())
        .args(["check", "--format", "json", "."])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    let fixable: Vec<_> = findings.iter().filter(|f| f["fixable"] == true).collect();
    assert_eq!(fixable.len(), n);
    let file_edits = doc["files"][0]["edits"].as_array().unwrap();
    for f in fixable {
        // Its own line's edit, and where it sits among the file's edits.
        let edits = f["edits"].as_array().unwrap();
        assert_eq!(edits.len(), 1, "{f:#}");
        assert_eq!(edits[0]["start"]["line"], f["line"], "{f:#}");
        let index = f["file_edits"][0].as_u64().unwrap() as usize;
        assert_eq!(file_edits[index], edits[0], "{f:#}");
    }
}
