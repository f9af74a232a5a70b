//! Type-checks stepup's output against the real Dynamic SDK declarations.
//!
//! `tests/typecheck/` pins the SDKs (package.json + package-lock.json); the
//! first run installs them with `npm ci` into a cache directory
//! (`$STEPUP_TC_CACHE`, default `~/.cache/stepup/typecheck`), later runs reuse
//! it. Without node/npm the tests skip with a message, except under `CI=true`,
//! where they fail: CI must never pass by not checking.

mod common;

use common::{copy_tree, files_under};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const HARNESS_FILES: &[&str] = &["package.json", "package-lock.json", ".npmrc"];

fn harness_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/typecheck")
}

fn fnv1a(bytes: &[u8], mut h: u64) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// The installed environment, set up once per test binary.
fn env_dir() -> Option<&'static Path> {
    static ENV: OnceLock<Option<PathBuf>> = OnceLock::new();
    ENV.get_or_init(setup_env).as_deref()
}

fn setup_env() -> Option<PathBuf> {
    let have = |tool: &str| {
        Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !have("node") || !have("npm") {
        let msg = "node and npm are needed to type-check stepup's output against the real SDK";
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{msg}, and CI=true: install Node.js/npm");
        }
        eprintln!("SKIPPED: {msg}; install them to run these tests");
        return None;
    }
    let mut key = 0xcbf29ce484222325;
    for f in HARNESS_FILES {
        key = fnv1a(
            &std::fs::read(harness_dir().join(f)).expect("harness file"),
            key,
        );
    }
    let cache = std::env::var_os("STEPUP_TC_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/stepup/typecheck")
        });
    let env = cache.join(format!("env-{key:016x}"));
    if env.join(".ready").exists() {
        return Some(env);
    }
    let tmp = cache.join(format!("env-{key:016x}.tmp{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).expect("cache dir");
    for f in HARNESS_FILES {
        std::fs::copy(harness_dir().join(f), tmp.join(f)).expect("copy harness file");
    }
    eprintln!(
        "installing the pinned SDK declarations into {} …",
        env.display()
    );
    let out = Command::new("npm")
        .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
        .current_dir(&tmp)
        .env("npm_config_cache", cache.join("npm-cache"))
        .output()
        .expect("run npm ci");
    assert!(
        out.status.success(),
        "npm ci failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&env);
    std::fs::rename(&tmp, &env).expect("move env into place");
    std::fs::write(env.join(".ready"), b"").unwrap();
    Some(env)
}

/// A scratch project inside the env (so `node_modules` resolves by walking up).
fn work_dir(env: &Path) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("work-")
        .tempdir_in(env)
        .unwrap()
}

fn write_tsconfig(dir: &Path, include: &[&str], extra: &str) {
    let base = std::fs::read_to_string(harness_dir().join("tsconfig.base.json")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&base).unwrap();
    doc["include"] = serde_json::json!(include);
    if !extra.is_empty() {
        let extra: serde_json::Value = serde_json::from_str(extra).unwrap();
        for (k, v) in extra.as_object().unwrap() {
            doc["compilerOptions"][k] = v.clone();
        }
    }
    std::fs::write(
        dir.join("tsconfig.json"),
        serde_json::to_string_pretty(&doc).unwrap(),
    )
    .unwrap();
    std::fs::copy(
        harness_dir().join("stub-modules.d.ts"),
        dir.join("stub-modules.d.ts"),
    )
    .unwrap();
}

/// Run tsc on the project in `dir`; Ok(()) or Err(diagnostics).
fn tsc(env: &Path, dir: &Path) -> Result<(), String> {
    let out = Command::new("node")
        .arg(env.join("node_modules/typescript/bin/tsc"))
        .args(["-p", "tsconfig.json", "--pretty", "false"])
        .current_dir(dir)
        .output()
        .expect("run tsc");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() {
        Ok(())
    } else {
        assert!(
            text.contains("error TS"),
            "tsc failed without diagnostics:\n{text}"
        );
        Err(text)
    }
}

#[test]
fn canaries_prove_the_sdk_types_are_real() {
    let Some(env) = env_dir() else { return };
    let work = work_dir(env);
    copy_tree(&harness_dir().join("canaries"), &work.path().join("src"));
    write_tsconfig(work.path(), &["src", "stub-modules.d.ts"], "");
    if let Err(e) = tsc(env, work.path()) {
        panic!("canaries failed: the SDK declarations are missing or degraded:\n{e}");
    }
}

/// Every fixture's expected output, and its input where that is valid legacy
/// code, compiles against the real SDKs. A fixture opts out with a
/// `no-typecheck` file that says why.
#[test]
fn fixtures_type_check() {
    let Some(env) = env_dir() else { return };
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let work = work_dir(env);
    let mut checked = 0;
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    for dir in dirs.iter().filter(|d| d.is_dir()) {
        if let Ok(reason) = std::fs::read_to_string(dir.join("no-typecheck")) {
            assert!(
                !reason.trim().is_empty(),
                "{}: no-typecheck must say why",
                dir.display()
            );
            continue;
        }
        let name = dir.file_name().unwrap();
        let dest = work.path().join("src").join(name);
        for f in files_under(dir, true) {
            let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("");
            if matches!(ext, "ts" | "tsx" | "mts" | "cts") {
                let rel = f.strip_prefix(dir).unwrap();
                std::fs::create_dir_all(dest.join(rel).parent().unwrap()).unwrap();
                std::fs::copy(&f, dest.join(rel)).unwrap();
                checked += 1;
            }
        }
    }
    assert!(
        checked > 20,
        "too few fixture files were type-checked ({checked})"
    );
    write_tsconfig(work.path(), &["src", "stub-modules.d.ts"], "");
    if let Err(e) = tsc(env, work.path()) {
        panic!("fixtures do not type-check against the real SDK:\n{e}");
    }
}

/// The harness itself: an expected output with the guide's string scope must
/// be rejected, or the fixture check above proves nothing.
#[test]
fn harness_rejects_a_wrong_expected_output() {
    let Some(env) = env_dir() else { return };
    let good = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/guide-headless-totp/expected.tsx"),
    )
    .unwrap();
    let bad = good.replace(
        "requestedScopes: [TokenScope.Walletexport]",
        "requestedScopes: ['wallet:export']",
    );
    assert_ne!(good, bad);
    let work = work_dir(env);
    std::fs::create_dir_all(work.path().join("src")).unwrap();
    std::fs::write(work.path().join("src/good.tsx"), &good).unwrap();
    write_tsconfig(work.path(), &["src", "stub-modules.d.ts"], "");
    tsc(env, work.path()).expect("the real expected output compiles");
    std::fs::write(work.path().join("src/bad.tsx"), &bad).unwrap();
    let err = tsc(env, work.path()).expect_err("a string scope must not compile");
    assert!(err.contains("bad.tsx") && err.contains("TS2322"), "{err}");
}

/// The shipped example app compiles before the migration and after
/// `stepup migrate --write`.
#[test]
fn example_app_type_checks_before_and_after_migration() {
    let Some(env) = env_dir() else { return };
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for app in std::fs::read_dir(&examples)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
    {
        let work = work_dir(env);
        copy_tree(&app, work.path());
        std::fs::copy(
            harness_dir().join("stub-modules.d.ts"),
            work.path().join("src/stub-modules.d.ts"),
        )
        .unwrap();
        if let Err(e) = tsc(env, work.path()) {
            panic!(
                "{} does not type-check before migration:\n{e}",
                app.display()
            );
        }
        let out = assert_cmd::Command::cargo_bin("stepup")
            .unwrap()
            .args(["migrate", "--write", "--allow-no-vcs", "."])
            .current_dir(work.path())
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let changed = files_under(work.path(), true)
            .into_iter()
            .filter(|p| {
                let rel = p.strip_prefix(work.path()).unwrap();
                std::fs::read(app.join(rel)).ok().as_deref()
                    != Some(std::fs::read(p).unwrap().as_slice())
            })
            .count();
        assert!(
            changed >= 3,
            "the migration changed only {changed} files of {}",
            app.display()
        );
        if let Err(e) = tsc(env, work.path()) {
            panic!(
                "{} does not type-check after stepup migrate --write:\n{e}",
                app.display()
            );
        }
    }
}

const EXPORT_TSX: &str = r#"import { usePromptMfaAuth, useIsMfaRequiredForAction, MFAAction } from '@dynamic-labs/sdk-react-core';

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

/// A project in the harness env whose `src/admin/` has a stale nested copy of
/// sdk-api-core declaring `TokenScope.Walletrefresh`: stepup sees the scope
/// and rewrites, and the SDK rejects that copy's TokenScope (TS2322).
fn project_with_a_stale_api_core(env: &Path) -> tempfile::TempDir {
    let work = work_dir(env);
    let p = work.path();
    write_tsconfig(p, &["src"], "");
    let write = |rel: &str, text: &str| {
        let f = p.join(rel);
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(f, text).unwrap();
    };
    write("src/Export.tsx", EXPORT_TSX);
    write(
        "src/admin/Refresh.tsx",
        &EXPORT_TSX
            .replace("WalletWaasExport", "WalletWaasRefresh")
            .replace("Export", "Refresh"),
    );
    let pkg = "src/admin/node_modules/@dynamic-labs/sdk-api-core";
    write(
        &format!("{pkg}/package.json"),
        r#"{ "name": "@dynamic-labs/sdk-api-core", "version": "0.40.0", "types": "index.d.ts" }"#,
    );
    write(
        &format!("{pkg}/index.d.ts"),
        "export * from './src/models/TokenScope';\n",
    );
    write(
        &format!("{pkg}/src/models/TokenScope.d.ts"),
        "export declare enum TokenScope {\n    Walletexport = \"wallet:export\",\n    Walletrefresh = \"wallet:refresh\"\n}\n",
    );
    work
}

#[test]
fn typecheck_flag_rolls_back_files_the_rewrite_broke() {
    let Some(env) = env_dir() else { return };
    let work = project_with_a_stale_api_core(env);
    let p = work.path();
    let refresh_before = std::fs::read_to_string(p.join("src/admin/Refresh.tsx")).unwrap();
    tsc(env, p).expect("the legacy project compiles before the migration");
    let out = assert_cmd::Command::cargo_bin("stepup")
        .unwrap()
        .args(["migrate", "--write", "--allow-no-vcs", "--typecheck", "."])
        .current_dir(p)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("src/admin/Refresh.tsx: rolled back: the rewrite added type errors: line")
            && stderr.contains("TS2322"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(p.join("src/admin/Refresh.tsx")).unwrap(),
        refresh_before
    );
    assert!(
        std::fs::read_to_string(p.join("src/Export.tsx"))
            .unwrap()
            .contains("promptStepUpAuth")
    );
    tsc(env, p).expect("after the rollback the project compiles");
}

#[test]
fn typecheck_flag_keep_broken_keeps_and_lists_the_errors() {
    let Some(env) = env_dir() else { return };
    let work = project_with_a_stale_api_core(env);
    let p = work.path();
    let out = assert_cmd::Command::cargo_bin("stepup")
        .unwrap()
        .args([
            "migrate",
            "--write",
            "--allow-no-vcs",
            "--typecheck",
            "--keep-broken",
            ".",
        ])
        .current_dir(p)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("src/admin/Refresh.tsx: kept despite new type errors (--keep-broken)"),
        "{stderr}"
    );
    assert!(
        std::fs::read_to_string(p.join("src/admin/Refresh.tsx"))
            .unwrap()
            .contains("TokenScope.Walletrefresh")
    );
}

#[test]
fn typecheck_flag_without_a_compiler_explains_and_writes_nothing() {
    // Outside the harness env there is no node_modules/.bin/tsc.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tsconfig.json"), "{}").unwrap();
    std::fs::write(dir.path().join("Export.tsx"), EXPORT_TSX).unwrap();
    let out = assert_cmd::Command::cargo_bin("stepup")
        .unwrap()
        .args(["migrate", "--write", "--allow-no-vcs", "--typecheck", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("found no TypeScript compiler") && stderr.contains("Nothing was written"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Export.tsx")).unwrap(),
        EXPORT_TSX
    );
}

/// The Vite layout (`tsconfig.json` with `files: []` and `references`, the
/// `@/*` paths only in `tsconfig.app.json`) copied into the harness env, with
/// stubs for the type packages its configs name and, when `stale`, a
/// project-level sdk-api-core copy whose TokenScope the SDK does not accept
/// (TS2820).
fn vite_project(env: &Path, stale: bool) -> tempfile::TempDir {
    let work = work_dir(env);
    let p = work.path();
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/project-vite-solution-style/input"),
        p,
    );
    let write = |rel: &str, text: &str| {
        let f = p.join(rel);
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(f, text).unwrap();
    };
    // "types": ["vite/client"] and ["node"]: packages the harness does not install.
    write(
        "node_modules/vite/package.json",
        r#"{ "name": "vite", "version": "0.0.0" }"#,
    );
    write("node_modules/vite/client.d.ts", "declare module '*.css';\n");
    write(
        "node_modules/@types/node/package.json",
        r#"{ "name": "@types/node", "version": "0.0.0", "types": "index.d.ts" }"#,
    );
    write(
        "node_modules/@types/node/index.d.ts",
        "declare var __dirname: string;\n",
    );
    std::fs::copy(
        harness_dir().join("stub-modules.d.ts"),
        p.join("src/stub-modules.d.ts"),
    )
    .unwrap();
    // The project's own compiler, as `npm install` links it (the search for
    // one stops at the project's package.json).
    std::fs::create_dir_all(p.join("node_modules/.bin")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        env.join("node_modules/typescript/bin/tsc"),
        p.join("node_modules/.bin/tsc"),
    )
    .unwrap();
    if stale {
        let pkg = "node_modules/@dynamic-labs/sdk-api-core";
        write(
            &format!("{pkg}/package.json"),
            r#"{ "name": "@dynamic-labs/sdk-api-core", "version": "0.0.1", "types": "index.d.ts" }"#,
        );
        write(
            &format!("{pkg}/index.d.ts"),
            "export * from './src/models/TokenScope';\n",
        );
        write(
            &format!("{pkg}/src/models/TokenScope.d.ts"),
            // Another value: enums of one name are compatible only member for member.
            "export declare enum TokenScope {\n    Walletexport = \"wallet:export-v0\"\n}\n",
        );
    }
    work
}

fn migrate_typecheck(dir: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let out = assert_cmd::Command::cargo_bin("stepup")
        .unwrap()
        .args(["migrate", "--write", "--allow-no-vcs", "--typecheck"])
        .args(extra)
        .arg(".")
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// On Vite's solution-style layout `tsc -p tsconfig.json` checks no file;
/// the referenced projects are checked (`tsc -b --noEmit`), so a broken
/// rewrite is caught and rolled back.
#[test]
fn typecheck_flag_checks_the_referenced_projects_of_a_solution_style_tsconfig() {
    let Some(env) = env_dir() else { return };
    let work = vite_project(env, true);
    let p = work.path();
    let file = p.join("src/components/ExportKey.tsx");
    let before = std::fs::read_to_string(&file).unwrap();
    let (code, stderr) = migrate_typecheck(p, &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("(TypeScript 5.9.3) -b ") && stderr.contains("tsconfig.json --noEmit"),
        "the compiler and how it ran are named:\n{stderr}"
    );
    assert!(
        stderr.contains("src/components/ExportKey.tsx: rolled back: the rewrite added type errors")
            && stderr.contains("TS2820"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
}

#[test]
fn typecheck_flag_keeps_a_good_rewrite_of_a_solution_style_project() {
    let Some(env) = env_dir() else { return };
    let work = vite_project(env, false);
    let p = work.path();
    let (code, stderr) = migrate_typecheck(p, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains(" -b "), "{stderr}");
    assert!(
        std::fs::read_to_string(p.join("src/components/ExportKey.tsx"))
            .unwrap()
            .contains("verifyTotpMfa({ code, requestedScopes: [TokenScope.Walletexport] })")
    );
}

/// A tsconfig that includes no file (here `files: []` with no references)
/// would check nothing: refused, nothing written.
#[test]
fn typecheck_flag_refuses_a_tsconfig_that_includes_no_file() {
    let Some(env) = env_dir() else { return };
    let work = vite_project(env, false);
    let p = work.path();
    std::fs::write(p.join("tsconfig.empty.json"), r#"{ "files": [] }"#).unwrap();
    let before = std::fs::read_to_string(p.join("src/components/ExportKey.tsx")).unwrap();
    let (code, stderr) = migrate_typecheck(p, &["--tsconfig", "tsconfig.empty.json"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("the tsconfig includes no file") && stderr.contains("TS18002"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(p.join("src/components/ExportKey.tsx")).unwrap(),
        before
    );
}

/// A stand-in `tsc` (a shell script) that logs its arguments and says
/// which version it is; `out` is what a check prints.
#[cfg(unix)]
fn fake_tsc(dir: &Path, version: &str, out: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let bin = dir.join("node_modules/.bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = dir.join("tsc.log");
    let script = format!(
        "#!/bin/sh\necho \"$@\" >> '{}'\nif [ \"$1\" = --version ]; then echo 'Version {version}'; exit 0; fi\nprintf '%s' '{out}'\n[ -z '{out}' ]\n",
        log.display()
    );
    let tsc = bin.join("tsc");
    std::fs::write(&tsc, script).unwrap();
    std::fs::set_permissions(&tsc, std::fs::Permissions::from_mode(0o755)).unwrap();
    log
}

#[cfg(unix)]
fn solution_project(dir: &Path) {
    std::fs::write(
        dir.join("tsconfig.json"),
        r#"{ "files": [], "references": [{ "path": "./tsconfig.app.json" }, { "path": "./tsconfig.node.json" }] }"#,
    )
    .unwrap();
    std::fs::write(dir.join("tsconfig.app.json"), r#"{ "include": ["src"] }"#).unwrap();
    std::fs::write(
        dir.join("tsconfig.node.json"),
        r#"{ "include": ["vite.config.ts"] }"#,
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("src/Export.tsx"), EXPORT_TSX).unwrap();
}

/// `tsc -b` refuses `--noEmit` before TypeScript 5.6 (TS5094): each
/// referenced project is checked with `-p` instead, never the solution file.
#[cfg(unix)]
#[test]
fn typecheck_flag_checks_each_reference_with_an_older_typescript() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    solution_project(p);
    let log = fake_tsc(p, "5.5.4", "");
    let (code, stderr) = migrate_typecheck(p, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let log = std::fs::read_to_string(log).unwrap();
    assert!(
        log.contains("tsconfig.app.json --noEmit") && log.contains("tsconfig.node.json --noEmit"),
        "{log}"
    );
    assert!(
        !log.contains("-b") && !log.contains("/tsconfig.json"),
        "{log}"
    );
    assert!(
        stderr.contains("(TypeScript 5.5.4) --noEmit -p on each project"),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn typecheck_flag_builds_the_references_with_typescript_5_6_or_later() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    solution_project(p);
    let log = fake_tsc(p, "7.0.2", "");
    let (code, stderr) = migrate_typecheck(p, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let log = std::fs::read_to_string(log).unwrap();
    assert!(
        log.contains("-b ") && log.contains("tsconfig.json --noEmit"),
        "{log}"
    );
}

/// A compiler that rejects the configuration checks no file (TS 7 removed
/// `baseUrl`): refused, nothing written.
#[cfg(unix)]
#[test]
fn typecheck_flag_refuses_a_configuration_the_compiler_rejects() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    solution_project(p);
    fake_tsc(
        p,
        "7.0.2",
        "tsconfig.app.json(9,21): error TS5102: Option baseUrl has been removed.",
    );
    let (code, stderr) = migrate_typecheck(p, &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("rejects the configuration") && stderr.contains("TS5102"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(p.join("src/Export.tsx")).unwrap(),
        EXPORT_TSX
    );
}

/// A `node_modules/.bin/tsc` above the repository root (planted in a shared
/// parent folder) is never run.
#[cfg(unix)]
#[test]
fn typecheck_flag_never_runs_a_compiler_above_the_repository_root() {
    let outer = tempfile::tempdir().unwrap();
    let log = fake_tsc(outer.path(), "5.9.3", "");
    let repo = outer.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    let git = Command::new("git")
        .args(["init", "-q"])
        .current_dir(&repo)
        .status()
        .unwrap();
    assert!(git.success());
    std::fs::write(repo.join("tsconfig.json"), "{}").unwrap();
    std::fs::write(repo.join("Export.tsx"), EXPORT_TSX).unwrap();
    // Committed: the guard lets it be written, so the compiler is looked for.
    common::git(&repo, &["add", "-A"]);
    common::git(&repo, &["commit", "-qm", "init"]);
    let (code, stderr) = migrate_typecheck(&repo, &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("found no TypeScript compiler")
            && stderr.contains("up to the repository root"),
        "{stderr}"
    );
    assert!(!log.exists(), "the planted compiler ran");
    assert_eq!(
        std::fs::read_to_string(repo.join("Export.tsx")).unwrap(),
        EXPORT_TSX
    );
    // Without git, a package.json marks the project's root the same way.
    std::fs::remove_dir_all(repo.join(".git")).unwrap();
    std::fs::write(repo.join("package.json"), r#"{ "name": "app" }"#).unwrap();
    let (code, stderr) = migrate_typecheck(&repo, &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(!log.exists(), "the planted compiler ran");
}

/// A folder above the project that declares a workspace which does not list
/// it — a parent package.json whose `workspaces` match other folders, a bare
/// pnpm-workspace.yaml — is not the project's root: its `tsc` never runs.
/// One that does list it is the root, and its `tsc` is the project's.
#[cfg(unix)]
#[test]
fn typecheck_flag_runs_a_workspace_root_compiler_only_when_it_lists_the_package() {
    let cases = [
        ("package.json", r#"{ "workspaces": ["packages/*"] }"#, false),
        (
            "package.json",
            r#"{ "workspaces": { "packages": ["apps/*", "!apps/web"] } }"#,
            false,
        ),
        ("pnpm-workspace.yaml", "", false),
        ("pnpm-workspace.yaml", "packages:\n  - 'libs/**'\n", false),
        ("package.json", r#"{ "workspaces": ["apps/*"] }"#, true),
        ("pnpm-workspace.yaml", "packages:\n  - 'apps/**'\n", true),
    ];
    for (file, text, lists) in cases {
        let outer = tempfile::tempdir().unwrap();
        let log = fake_tsc(outer.path(), "5.9.3", "");
        std::fs::write(outer.path().join(file), text).unwrap();
        let app = outer.path().join("apps/web");
        std::fs::create_dir_all(&app).unwrap();
        std::fs::write(app.join("package.json"), r#"{ "name": "web" }"#).unwrap();
        std::fs::write(app.join("tsconfig.json"), "{}").unwrap();
        std::fs::write(app.join("Export.tsx"), EXPORT_TSX).unwrap();
        let (code, stderr) = migrate_typecheck(&app, &[]);
        if lists {
            assert_eq!(code, Some(0), "{file} {text}: {stderr}");
            assert!(
                log.exists(),
                "{file} {text}: the workspace root's compiler did not run"
            );
        } else {
            assert_eq!(code, Some(2), "{file} {text}: {stderr}");
            assert!(
                stderr.contains("found no TypeScript compiler"),
                "{file} {text}: {stderr}"
            );
            assert!(!log.exists(), "{file} {text}: the planted compiler ran");
            assert_eq!(
                std::fs::read_to_string(app.join("Export.tsx")).unwrap(),
                EXPORT_TSX
            );
        }
    }
}

/// A repository git refuses to trust ("dubious ownership"): the guard
/// writes nothing, and no compiler runs — not one above the repository
/// (a parent package.json with `workspaces`), not the repository's own.
#[cfg(unix)]
#[test]
fn typecheck_flag_runs_no_compiler_in_a_repository_git_refuses() {
    let outer = tempfile::tempdir().unwrap();
    let above = fake_tsc(outer.path(), "5.9.3", "");
    std::fs::write(
        outer.path().join("package.json"),
        r#"{ "workspaces": ["*"] }"#,
    )
    .unwrap();
    let repo = outer.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    let own = fake_tsc(&repo, "5.9.3", "");
    std::fs::write(repo.join("package.json"), r#"{ "name": "app" }"#).unwrap();
    std::fs::write(repo.join("tsconfig.json"), "{}").unwrap();
    std::fs::write(repo.join("Export.tsx"), EXPORT_TSX).unwrap();
    common::git(&repo, &["init", "-q"]);
    common::git(
        &repo,
        &["add", "Export.tsx", "package.json", "tsconfig.json"],
    );
    common::git(&repo, &["commit", "-qm", "init"]);
    let out = assert_cmd::Command::cargo_bin("stepup")
        .unwrap()
        .args(["migrate", "--write", "--typecheck", "."])
        .current_dir(&repo)
        // git's own switch for its ownership check.
        .env("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("dubious ownership"), "{stderr}");
    assert!(
        !above.exists(),
        "the compiler above the repository ran: {stderr}"
    );
    assert!(
        !own.exists(),
        "a compiler ran before the guard refused: {stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(repo.join("Export.tsx")).unwrap(),
        EXPORT_TSX
    );
}
