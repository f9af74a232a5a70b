//! `check` never says "clean" while legacy code remains: a tsconfig whose
//! `extends` cannot be loaded, a tracked file `.gitignore` matches, a UTF-16
//! source, a second hard-link name. Each is created for real in a temp dir.

mod common;

use assert_cmd::Command;
use common::{LEGACY, git, repo, write, write_files};
use std::path::Path;

fn stepup(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("stepup").unwrap();
    c.current_dir(dir).env("NO_COLOR", "1");
    c
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The legacy component, importing the SDK through the `@/` alias.
fn through_alias() -> String {
    LEGACY.replace(
        "import { usePromptMfaAuth, useIsMfaRequiredForAction } from '@dynamic-labs/sdk-react-core';\nimport { MFAAction } from '@dynamic-labs/sdk-api-core';",
        "import { MFAAction, usePromptMfaAuth, useIsMfaRequiredForAction } from '@/lib/dynamic';",
    )
}

/// An app whose `tsconfig.json` declares `@/*` and extends `extends`.
fn app_extending(extends: &str, others: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let tsconfig = format!(
        "{{\n  \"extends\": {extends},\n  \"compilerOptions\": {{ \"paths\": {{ \"@/*\": [\"./src/*\"] }} }}\n}}\n"
    );
    write_files(
        dir.path(),
        &[
            ("tsconfig.json", &tsconfig),
            (
                "src/lib/dynamic.ts",
                "export * from '@dynamic-labs/sdk-react-core';\nexport * from '@dynamic-labs/sdk-api-core';\n",
            ),
            ("src/Export.tsx", &through_alias()),
        ],
    );
    write_files(dir.path(), others);
    dir
}

/// Item: an `extends` that cannot be loaded keeps the file's own `paths`,
/// so the legacy calls behind `@/lib/dynamic` are still errors.
#[test]
fn an_extends_that_cannot_be_loaded_keeps_the_files_own_paths() {
    type Case<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);
    let cases: [Case; 3] = [
        (
            "a package that is not installed",
            "\"expo/tsconfig.base\"",
            &[],
        ),
        (
            "a base with a stray character",
            "\"./tsconfig.base.json\"",
            &[(
                "tsconfig.base.json",
                "{ \"compilerOptions\": { \"strict\": true } }x\n",
            )],
        ),
        (
            "an extends cycle",
            "\"./a.json\"",
            &[
                ("a.json", "{ \"extends\": \"./b.json\" }"),
                ("b.json", "{ \"extends\": \"./a.json\" }"),
            ],
        ),
    ];
    for (what, extends, others) in cases {
        let dir = app_extending(extends, others);
        let out = stepup(dir.path()).args(["check", "."]).output().unwrap();
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert_eq!(out.status.code(), Some(1), "{what}:\n{stdout}\n{stderr}");
        assert!(
            stdout.contains("src/Export.tsx:7:15  error  is-mfa-required-for-action"),
            "{what}:\n{stdout}"
        );
        assert!(
            stdout.contains("src/Export.tsx:8:13  error  prompt-mfa-auth"),
            "{what}:\n{stdout}"
        );
        assert!(
            stderr.contains("tsconfig"),
            "{what}: the tsconfig is named:\n{stderr}"
        );
        // And migrate rewrites them.
        let out = stepup(dir.path()).args(["migrate", "."]).output().unwrap();
        assert!(
            text(&out.stdout)
                .contains("+    if (await isStepUpRequired({ scope: TokenScope.Walletexport })) {"),
            "{what}:\n{}",
            text(&out.stdout)
        );
    }
}

/// Item: when the tsconfig that declares the alias cannot be parsed at all,
/// a legacy name imported through the alias it declared is not a warning:
/// the run fails with exit 2, naming the tsconfig — also for a call that
/// asks for no token (`promptMfaAuth()`, which becomes `promptMfa()`).
#[test]
fn an_unusable_tsconfig_behind_an_unresolved_legacy_import_fails_the_run() {
    let tokenless = "import { usePromptMfaAuth } from '@/lib/dynamic';\n\
                     export function A() {\n  const promptMfaAuth = usePromptMfaAuth();\n  \
                     return () => promptMfaAuth();\n}\n";
    for source in [through_alias(), tokenless.to_string()] {
        let dir = tempfile::tempdir().unwrap();
        write_files(
            dir.path(),
            &[
                (
                    "tsconfig.json",
                    "{\n  \"compilerOptions\": { \"paths\": { \"@/*\": [\"./src/*\"] } }}\n}\n",
                ),
                (
                    "src/lib/dynamic.ts",
                    "export * from '@dynamic-labs/sdk-react-core';\n",
                ),
                ("src/Export.tsx", &source),
            ],
        );
        let out = stepup(dir.path()).args(["check", "."]).output().unwrap();
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert_eq!(out.status.code(), Some(2), "{stdout}\n{stderr}");
        assert!(
            stdout.contains("src/Export.tsx:1:1  warning  unresolved-import"),
            "{stdout}"
        );
        assert!(stderr.contains("tsconfig.json: "), "{stderr}");
        assert!(
            stderr.contains("legacy names imported in src/Export.tsx come through specifiers"),
            "{stderr}"
        );
    }
}

/// Item: git does not ignore a tracked file, and neither does stepup.
#[test]
fn a_tracked_file_that_gitignore_matches_is_scanned() {
    let dir = repo(&[
        ("src/Export.tsx", LEGACY),
        ("src/generated/Old.tsx", LEGACY),
        ("src/Ok.tsx", "export const ok = 1;\n"),
    ]);
    write(dir.path(), ".gitignore", b"src/generated/\n");
    write(dir.path(), "src/generated/Untracked.tsx", LEGACY.as_bytes());
    git(dir.path(), &["add", ".gitignore"]);
    git(dir.path(), &["commit", "-qm", "ignore"]);
    let out = stepup(dir.path()).args(["check", "."]).output().unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("src/generated/Old.tsx:8:15  error"),
        "{stdout}"
    );
    // An untracked file the ignore file matches stays skipped.
    assert!(!stdout.contains("Untracked.tsx"), "{stdout}");
    assert!(
        text(&out.stderr).contains("scanned 3 files"),
        "{}",
        text(&out.stderr)
    );
    // The same from a subdirectory, and with the tree given by name.
    let out = stepup(&dir.path().join("src"))
        .args(["check"])
        .output()
        .unwrap();
    assert!(
        text(&out.stdout).contains("generated/Old.tsx:8:15  error"),
        "{}",
        text(&out.stdout)
    );
    // And migrate --write rewrites it (git holds its original).
    let out = stepup(dir.path())
        .args(["migrate", "--write", "src"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let written = std::fs::read_to_string(dir.path().join("src/generated/Old.tsx")).unwrap();
    assert!(written.contains("isStepUpRequired"), "{written}");
}

/// Outside a git repository, `.gitignore` is honoured as before.
#[test]
fn outside_git_an_ignored_file_stays_skipped() {
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[
            (".gitignore", "generated/\n"),
            ("Export.tsx", LEGACY),
            ("generated/Old.tsx", LEGACY),
        ],
    );
    let out = stepup(dir.path()).args(["check", "."]).output().unwrap();
    assert!(
        !text(&out.stdout).contains("generated/Old.tsx"),
        "{}",
        text(&out.stdout)
    );
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for unit in text.encode_utf16() {
        out.extend(if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    out
}

/// Item: a UTF-16 source (tsc compiles it) is never passed over in silence:
/// it is decoded and checked, `--write` migrates it and writes it back in
/// UTF-16 with the same BOM and byte order (exactly the UTF-8 result,
/// encoded), and the dry run, whose patch cannot carry it (git treats it as
/// binary), says so and fails.
#[test]
fn a_utf16_file_with_a_bom_is_checked_and_migrated_byte_faithfully() {
    for big_endian in [false, true] {
        let bytes = utf16(LEGACY, big_endian);
        let dir = repo(&[("src/Utf8.tsx", LEGACY)]);
        write(dir.path(), "src/Export.tsx", &bytes);
        git(dir.path(), &["add", "-A"]);
        git(dir.path(), &["commit", "-qm", "utf16"]);
        let out = stepup(dir.path())
            .args(["check", "src/Export.tsx"])
            .output()
            .unwrap();
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
        assert!(
            stdout.contains("src/Export.tsx:8:15  error  is-mfa-required-for-action (fixable)"),
            "{stdout}"
        );
        assert!(
            stdout.contains("src/Export.tsx:9:13  error  prompt-mfa-auth (fixable)"),
            "{stdout}"
        );
        assert!(stderr.contains("1 with Dynamic imports"), "{stderr}");
        // The dry run: the UTF-8 file's patch, and a word on the other.
        let out = stepup(dir.path())
            .args(["migrate", "src"])
            .output()
            .unwrap();
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stdout.contains("src/Utf8.tsx"), "{stdout}");
        assert!(!stdout.contains("src/Export.tsx"), "{stdout}");
        let encoding = if big_endian { "UTF-16BE" } else { "UTF-16LE" };
        assert!(
            stderr.contains(&format!(
                "src/Export.tsx: not in the patch: encoded in {encoding}"
            )),
            "{stderr}"
        );
        assert_eq!(
            std::fs::read(dir.path().join("src/Export.tsx")).unwrap(),
            bytes
        );
        // JSON says the file's edits are of its decoded text.
        let out = stepup(dir.path())
            .args(["migrate", "--format", "json", "src/Export.tsx"])
            .output()
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["files"][0]["encoding"], encoding, "{doc:#}");
        // The write.
        let out = stepup(dir.path())
            .args(["migrate", "--write", "src"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let migrated = std::fs::read_to_string(dir.path().join("src/Utf8.tsx")).unwrap();
        assert!(migrated.contains("isStepUpRequired"), "{migrated}");
        assert_eq!(
            std::fs::read(dir.path().join("src/Export.tsx")).unwrap(),
            utf16(&migrated, big_endian),
            "{encoding}: the UTF-8 result, encoded back with its BOM"
        );
        let out = stepup(dir.path()).args(["check", "src"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    }
}

/// A UTF-16 file cut in the middle of a code unit is skipped by name, and
/// fails the run when its bytes name the legacy API.
#[test]
fn a_damaged_utf16_file_that_names_the_legacy_api_fails_the_run() {
    let mut bytes = utf16(LEGACY, false);
    bytes.pop();
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Export.tsx", &bytes);
    let out = stepup(dir.path()).args(["check", "."]).output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("Export.tsx: skipped: not valid UTF-16LE (an odd number of bytes)"),
        "{stderr}"
    );
    assert!(stderr.contains("names the legacy MFA API"), "{stderr}");
}

/// Item: a second name of one file is a file of its own: checked, and
/// migrated under each name.
#[cfg(unix)]
#[test]
fn every_name_of_a_hard_linked_file_is_checked_and_migrated() {
    let dir = repo(&[("a/Export.tsx", LEGACY)]);
    std::fs::create_dir_all(dir.path().join("b")).unwrap();
    std::fs::hard_link(
        dir.path().join("a/Export.tsx"),
        dir.path().join("b/Export.tsx"),
    )
    .unwrap();
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "link"]);
    let out = stepup(dir.path())
        .args(["check", "a/Export.tsx", "b/Export.tsx"])
        .output()
        .unwrap();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stdout.contains("a/Export.tsx:8:15  error"), "{stdout}");
    assert!(stdout.contains("b/Export.tsx:8:15  error"), "{stdout}");
    assert!(stderr.contains("scanned 2 files"), "{stderr}");
    // One file named twice is still one file.
    let out = stepup(dir.path())
        .args(["check", "a/Export.tsx", "./a/Export.tsx", "a"])
        .output()
        .unwrap();
    assert!(
        text(&out.stderr).contains("scanned 1 file "),
        "{}",
        text(&out.stderr)
    );
    let out = stepup(dir.path())
        .args(["migrate", "--write", "a/Export.tsx", "b/Export.tsx"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    for name in ["a/Export.tsx", "b/Export.tsx"] {
        let written = std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert!(written.contains("isStepUpRequired"), "{name}: {written}");
    }
    let out = stepup(dir.path())
        .args(["check", "a", "b"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}
