//! The npm distribution, black-box: `npm/pack.sh` packs the test binary into the
//! main package and the host's platform package, npm installs the two tarballs
//! into an empty project offline (the other platforms' optional dependencies
//! cannot be fetched and are skipped), and `npx stepup` must behave exactly like
//! the binary.
//!
//! These tests need bash, node and npm. Without npm they fail: a missing tool
//! must not look like a pass. `STEPUP_SKIP_NPM_TESTS=1` skips them on purpose.
#![cfg(unix)]

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;

const VERSION: &str = env!("CARGO_PKG_VERSION");
const BINARY: &str = env!("CARGO_BIN_EXE_stepup");

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// False when the tests are skipped on purpose; panics when npm is missing.
fn npm_or_skip() -> bool {
    if std::env::var("STEPUP_SKIP_NPM_TESTS").is_ok_and(|v| v == "1") {
        eprintln!("STEPUP_SKIP_NPM_TESTS=1: npm distribution tests skipped");
        return false;
    }
    for tool in ["bash", "node", "npm"] {
        let found = Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(
            found,
            "`{tool} --version` failed: the npm distribution tests need bash, node and npm \
             (set STEPUP_SKIP_NPM_TESTS=1 to skip them)"
        );
    }
    true
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn describe(what: &str, out: &Output) -> String {
    format!(
        "{what}: {}\n--- stdout\n{}--- stderr\n{}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    )
}

/// npm and npx, offline, with their own cache: nothing is fetched, nothing of
/// the user's cache or settings leaks in.
fn npm_command(program: &str, cwd: &Path, cache: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(cwd)
        .env("npm_config_offline", "true")
        .env("npm_config_cache", cache)
        .env("npm_config_audit", "false")
        .env("npm_config_fund", "false")
        .env("npm_config_update_notifier", "false")
        .env_remove("STEPUP_BINARY")
        .env_remove("STEPUP_PLATFORM");
    cmd
}

/// `npm/pack.sh OUTDIR` with the test binary: the (main, platform) tarballs.
/// Packing the unoptimised binary takes seconds, so the tests share one run,
/// written under the target directory (and replaced by the next test run).
fn packed() -> &'static (PathBuf, PathBuf) {
    static PACKED: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    PACKED.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("npm-pack");
        if out.exists() {
            std::fs::remove_dir_all(&out).unwrap();
        }
        pack(&out)
    })
}

fn pack(out: &Path) -> (PathBuf, PathBuf) {
    let run = Command::new("bash")
        .arg(repo().join("npm/pack.sh"))
        .arg(out)
        .env("STEPUP_BINARY", BINARY)
        .env_remove("STEPUP_PLATFORM")
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", describe("npm/pack.sh", &run));
    let printed: Vec<PathBuf> = text(&run.stdout).lines().map(PathBuf::from).collect();
    assert_eq!(
        printed.len(),
        2,
        "{}",
        describe("npm/pack.sh prints two paths", &run)
    );
    for p in &printed {
        assert!(p.is_file(), "{} does not exist", p.display());
        assert_eq!(p.parent(), Some(out), "{} is not in OUTDIR", p.display());
    }
    assert_eq!(printed[0], out.join(format!("stepup-{VERSION}.tgz")));
    (printed[0].clone(), printed[1].clone())
}

/// `stepup-linux-x64-gnu` for `…/stepup-linux-x64-gnu-<version>.tgz`.
fn package_name(tarball: &Path) -> String {
    let file = tarball.file_name().unwrap().to_str().unwrap();
    file.strip_suffix(&format!("-{VERSION}.tgz"))
        .unwrap_or_else(|| panic!("{file} is not <package>-{VERSION}.tgz"))
        .to_owned()
}

/// An empty npm project with `tarballs` installed into it.
fn project(dir: &Path, cache: &Path, tarballs: &[&Path]) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("package.json"),
        r#"{ "name": "npm-install-test", "version": "1.0.0", "private": true }"#,
    )
    .unwrap();
    let run = npm_command("npm", dir, cache)
        .args(["install", "--no-audit", "--no-fund", "--offline"])
        .args(tarballs)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", describe("npm install", &run));
}

fn npx(dir: &Path, cache: &Path, args: &[&str]) -> Output {
    npm_command("npx", dir, cache)
        .args(["--no-install", "stepup"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn packed_tarballs_install_offline_and_run_the_binary() {
    if !npm_or_skip() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("npm-cache");
    let (main, platform) = packed();
    let platform_package = package_name(platform);
    assert!(
        platform_package.starts_with("stepup-"),
        "{platform_package}"
    );

    let app = tmp.path().join("app");
    project(&app, &cache, &[main, platform]);
    let installed = app
        .join("node_modules")
        .join(&platform_package)
        .join("stepup");
    let mode = std::fs::metadata(&installed).unwrap().permissions().mode();
    assert!(
        mode & 0o111 != 0,
        "{} is not executable",
        installed.display()
    );

    let version = npx(&app, &cache, &["--version"]);
    assert!(
        version.status.success(),
        "{}",
        describe("npx stepup --version", &version)
    );
    assert_eq!(text(&version.stdout), format!("stepup {VERSION}\n"));

    // The launcher is transparent: the binary's stdout and exit code, 1 while
    // the example app has legacy code, 2 for a path that does not exist.
    let example = repo().join("examples/wallet-app");
    let missing = tmp.path().join("does-not-exist");
    for (args, code) in [
        (vec!["check", example.to_str().unwrap()], 1),
        (vec!["check", missing.to_str().unwrap()], 2),
    ] {
        let via_npx = npx(&app, &cache, &args);
        // From the same directory: paths are printed relative to it.
        let direct = Command::new(BINARY)
            .args(&args)
            .current_dir(&app)
            .output()
            .unwrap();
        assert_eq!(
            via_npx.status.code(),
            Some(code),
            "{}",
            describe("npx stepup", &via_npx)
        );
        assert_eq!(
            direct.status.code(),
            Some(code),
            "{}",
            describe("stepup", &direct)
        );
        assert_eq!(text(&via_npx.stdout), text(&direct.stdout), "{args:?}");
        if code == 1 {
            // The hint names the runner the launcher was started by.
            let hint = text(&via_npx.stderr);
            assert!(
                hint.contains("run `npx stepup migrate --write "),
                "the hint under npx: {hint}"
            );
            let findings = text(&via_npx.stdout);
            assert!(
                findings.lines().any(|l| l.contains("  error  ")),
                "no error findings for the example app:\n{findings}"
            );
        }
    }

    // STEPUP_BINARY replaces the platform package's binary; its exit code passes through.
    let fake = tmp.path().join("fake-stepup");
    std::fs::write(&fake, "#!/bin/sh\necho \"fake $*\"\nexit 3\n").unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let overridden = npm_command("npx", &app, &cache)
        .args(["--no-install", "stepup", "a", "b c"])
        .env("STEPUP_BINARY", &fake)
        .output()
        .unwrap();
    assert_eq!(
        overridden.status.code(),
        Some(3),
        "{}",
        describe("STEPUP_BINARY", &overridden)
    );
    assert_eq!(text(&overridden.stdout), "fake a b c\n");
}

#[test]
fn without_the_platform_package_the_launcher_names_it() {
    if !npm_or_skip() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("npm-cache");
    let (main, platform) = packed();
    let expected = package_name(platform);

    let app = tmp.path().join("app");
    project(&app, &cache, &[main]);
    let run = npx(&app, &cache, &["--version"]);
    assert_eq!(
        run.status.code(),
        Some(2),
        "{}",
        describe("npx stepup", &run)
    );
    let stderr = text(&run.stderr);
    assert!(
        stderr.contains(&format!("{expected}@{VERSION} is not installed")),
        "the error does not name {expected}:\n{stderr}"
    );
    // It says to reinstall, never to add the platform package (which would
    // pin this platform for every teammate: npm's EBADPLATFORM elsewhere).
    assert!(
        stderr.contains("Reinstall without --omit=optional") && stderr.contains("os/cpu/libc"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("npm install --save-dev stepup-"),
        "{stderr}"
    );
}

/// A file of a packed tarball, as npm packed it.
fn tar_file(tarball: &Path, file: &str) -> String {
    let out = Command::new("tar")
        .arg("-xOzf")
        .arg(tarball)
        .arg(format!("package/{file}"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", describe("tar", &out));
    text(&out.stdout)
}

#[test]
fn packed_packages_carry_the_licence() {
    if !npm_or_skip() {
        return;
    }
    let (main, platform) = packed();
    let cargo: toml::Table =
        toml::from_str(&std::fs::read_to_string(repo().join("Cargo.toml")).unwrap()).unwrap();
    assert_eq!(
        cargo["package"]["license"].as_str(),
        Some("MIT OR Apache-2.0")
    );
    let repository = cargo["package"]["repository"].as_str().unwrap();
    for tarball in [main, platform] {
        let pkg: Value = serde_json::from_str(&tar_file(tarball, "package.json")).unwrap();
        assert_eq!(pkg["license"], "MIT OR Apache-2.0", "{}", tarball.display());
        let url = pkg["repository"]["url"].as_str().unwrap();
        assert_eq!(
            url,
            format!("git+{repository}.git"),
            "{}",
            tarball.display()
        );
        assert!(tar_file(tarball, "LICENSE-MIT").contains("the stepup authors"));
        assert!(tar_file(tarball, "LICENSE-APACHE").contains("Apache License"));
    }
}

/// npm/README.md's recipe for local tarballs: the main package saved, the
/// platform package installed for this machine only, not saved.
#[test]
fn the_local_tarball_recipe_pins_no_platform() {
    if !npm_or_skip() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("npm-cache");
    let (main, platform) = packed();
    let app = tmp.path().join("app");
    project(&app, &cache, &[]);
    for (save, tarball) in [("--save-dev", main), ("--no-save", platform)] {
        let run = npm_command("npm", &app, &cache)
            .args(["install", "--no-audit", "--no-fund", "--offline", save])
            .arg(tarball)
            .output()
            .unwrap();
        assert!(run.status.success(), "{}", describe("npm install", &run));
    }
    let pkg = read_json(&app.join("package.json"));
    let deps: Vec<&String> = pkg["devDependencies"].as_object().unwrap().keys().collect();
    assert_eq!(deps, ["stepup"], "{pkg}");
    assert!(pkg.get("dependencies").is_none(), "{pkg}");
    let version = npx(&app, &cache, &["--version"]);
    assert!(
        version.status.success(),
        "{}",
        describe("npx stepup", &version)
    );
}

#[test]
fn pack_refuses_an_unknown_platform() {
    if !npm_or_skip() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    // A host `uname` that names neither a known OS nor a known architecture.
    let bin = tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::fs::write(
        bin.join("uname"),
        "#!/bin/sh\ncase \"$1\" in -m) echo riscv64 ;; *) echo Plan9 ;; esac\n",
    )
    .unwrap();
    std::fs::set_permissions(bin.join("uname"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());

    for (platform, message) in [
        (None, "unknown host OS 'Plan9'"),
        (Some("plan9-mips"), "no platform package 'plan9-mips'"),
    ] {
        let out = tmp.path().join("out");
        let mut cmd = Command::new("bash");
        cmd.arg(repo().join("npm/pack.sh"))
            .arg(&out)
            .env("PATH", &path)
            .env("STEPUP_BINARY", BINARY)
            .env_remove("STEPUP_PLATFORM");
        if let Some(p) = platform {
            cmd.env("STEPUP_PLATFORM", p);
        }
        let run = cmd.output().unwrap();
        assert_eq!(
            run.status.code(),
            Some(1),
            "{}",
            describe("npm/pack.sh", &run)
        );
        assert!(
            text(&run.stderr).contains(message),
            "{}",
            describe("npm/pack.sh", &run)
        );
        assert!(text(&run.stdout).is_empty());
        assert!(
            !out.exists(),
            "pack.sh wrote {} before failing",
            out.display()
        );
    }
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The templates agree with each other: one platform package per directory,
/// named after it, with the `os`/`cpu`/`libc` its name says, each one an
/// optional dependency of the main package. Versions are 0.0.0 placeholders.
#[test]
fn package_templates_agree() {
    let npm = repo().join("npm");
    let main = read_json(&npm.join("stepup/package.json"));
    assert_eq!(main["name"], "stepup");
    assert_eq!(main["version"], "0.0.0");
    assert_eq!(main["bin"]["stepup"], "bin/stepup.js");
    assert!(npm.join("stepup/bin/stepup.js").is_file());
    let optional = main["optionalDependencies"].as_object().unwrap();
    assert!(optional.values().all(|v| v == "0.0.0"), "{optional:?}");

    let mut platforms = BTreeSet::new();
    for entry in std::fs::read_dir(npm.join("platforms")).unwrap() {
        let dir = entry.unwrap().path();
        let platform = dir.file_name().unwrap().to_str().unwrap().to_owned();
        let pkg = read_json(&dir.join("package.json"));
        assert_eq!(pkg["name"], format!("stepup-{platform}"));
        assert_eq!(pkg["version"], "0.0.0");
        assert!(
            pkg.get("bin").is_none(),
            "{platform}: only the main package has a bin"
        );

        let mut parts = platform.split('-');
        let (os, cpu, libc) = (parts.next().unwrap(), parts.next().unwrap(), parts.next());
        assert_eq!(pkg["os"], serde_json::json!([os]), "{platform}");
        assert_eq!(pkg["cpu"], serde_json::json!([cpu]), "{platform}");
        let libc = libc.map(|l| if l == "gnu" { "glibc" } else { l });
        assert_eq!(
            pkg.get("libc"),
            libc.map(|l| serde_json::json!([l])).as_ref(),
            "{platform}"
        );
        let exe = if os == "win32" {
            "stepup.exe"
        } else {
            "stepup"
        };
        assert_eq!(
            pkg["files"],
            serde_json::json!([exe, "LICENSE-MIT", "LICENSE-APACHE"]),
            "{platform}"
        );
        platforms.insert(format!("stepup-{platform}"));
    }
    let listed: BTreeSet<String> = optional.keys().cloned().collect();
    assert_eq!(listed, platforms);
    for required in [
        "linux-x64-gnu",
        "linux-x64-musl",
        "linux-arm64-gnu",
        "linux-arm64-musl",
        "darwin-x64",
        "darwin-arm64",
        "win32-x64",
    ] {
        assert!(
            platforms.contains(&format!("stepup-{required}")),
            "{required}"
        );
    }
}

fn launcher() -> PathBuf {
    repo().join("npm/stepup/bin/stepup.js")
}

/// Ctrl-C in a terminal (here SIGINT to the launcher alone, as a CI runner's
/// `kill -INT` sends it): the launcher passes it on, waits for the binary to
/// finish what it is doing, and exits with the binary's code. The stand-in
/// binary takes its time after the signal, as stepup finishing a file does.
#[test]
fn the_launcher_passes_ctrl_c_on_and_exits_with_the_binarys_code() {
    use std::io::BufRead;
    if !npm_or_skip() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let finished = tmp.path().join("finished");
    let fake = tmp.path().join("fake-stepup");
    std::fs::write(
        &fake,
        format!(
            "#!/usr/bin/env bash\ntrap 'sleep 1; echo complete > \"{}\"; exit 130' INT\n\
             echo ready\nwhile :; do sleep 0.05; done\n",
            finished.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut child = Command::new("node")
        .arg(launcher())
        .args(["migrate", "--write"])
        .env("STEPUP_BINARY", &fake)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert_eq!(line, "ready\n");
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "the launcher ended with {status}");
    assert_eq!(
        std::fs::read_to_string(&finished).unwrap_or_default(),
        "complete\n",
        "the launcher exited before the binary had finished"
    );
}

/// On Windows, child.kill() is TerminateProcess: a hard stop in the middle of
/// a write. Ctrl-C reaches the binary from the console itself, so the launcher
/// must pass no signal on there (and does elsewhere).
#[test]
fn the_launcher_never_hard_stops_the_binary_on_windows() {
    if !npm_or_skip() {
        return;
    }
    let script = "const l = require(process.argv[1]);\
        console.log(JSON.stringify(['win32', 'linux', 'darwin'].map(l.signalsToForward)));";
    let out = Command::new("node")
        .args(["-e", script])
        .arg(launcher())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", describe("node", &out));
    let got: Vec<Vec<String>> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got[0], Vec::<String>::new(), "win32 forwards {:?}", got[0]);
    for (platform, signals) in ["linux", "darwin"].iter().zip(&got[1..]) {
        assert!(
            signals.iter().any(|s| s == "SIGINT") && signals.iter().any(|s| s == "SIGTERM"),
            "{platform} forwards {signals:?}"
        );
    }
}
