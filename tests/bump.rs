//! The guide's step 1 in the change: `migrate` raises the SDK ranges in
//! package.json files and catalogs (`fixtures/project-dependency-bump`),
//! in the dry run's diff as in `--write`, names the install command the
//! lockfile shows, and leaves manifests alone with `--no-bump`.

mod common;

use assert_cmd::Command;
use common::{LEGACY, copy_tree, files_under, git, repo};
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/project-dependency-bump")
}

/// A git repository holding the fixture's input, committed.
fn fixture_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture().join("input"), dir.path());
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A", "-f"]);
    git(dir.path(), &["commit", "-qm", "init"]);
    dir
}

fn stepup(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("stepup")
        .unwrap()
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// Every file of `dir` (outside .git), with its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    files_under(dir, false)
        .into_iter()
        .filter(|f| !f.strip_prefix(dir).unwrap().starts_with(".git"))
        .map(|f| {
            (
                f.strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(&f).unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_dry_run_diff_raises_the_ranges_and_git_apply_gives_the_write() {
    let dir = fixture_repo();
    let out = stepup(dir.path(), &["migrate", "."]);
    assert_eq!(out.status.code(), Some(0));
    let patch = String::from_utf8(out.stdout).unwrap();
    for file in [
        "pnpm-workspace.yaml",
        "apps/lockstep/package.json",
        "apps/adds-api-core/package.json",
    ] {
        assert!(
            patch.contains(&format!("diff --git a/{file} b/{file}")),
            "{file}:\n{patch}"
        );
    }
    assert!(
        !patch.contains("a/apps/workspace-spec/package.json"),
        "{patch}"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(
            "Next: the change raises SDK version ranges: once it is applied, run `pnpm install` to update pnpm-lock.yaml (`npm ci` fails on a stale lockfile)"
        ),
        "{stderr}"
    );
    // What the bump fixes is fixable; what it leaves alone says so.
    assert!(
        stderr.contains("apps/workspace-spec/package.json:6:5  warning  dependency-range  \"@dynamic-labs/sdk-react-core\": \"workspace:*\" is left alone by the bump (a `workspace:` spec)"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("apps/lockstep/package.json:5:3"),
        "{stderr}"
    );
    let verbose = stepup(dir.path(), &["migrate", "--verbose", "."]);
    let verbose = String::from_utf8(verbose.stderr).unwrap();
    assert!(
        verbose.contains("apps/lockstep/package.json:5:3  warning  dependency-range (fixable)")
            && verbose.contains("the change raises it to \"~4.76.0\""),
        "{verbose}"
    );
    // git apply of the diff gives what --write gives: the fixture's expected files.
    let applied = fixture_repo();
    let mut apply = std::process::Command::new("git")
        .args(["apply", "-"])
        .current_dir(applied.path())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    apply
        .stdin
        .take()
        .unwrap()
        .write_all(patch.as_bytes())
        .unwrap();
    assert!(apply.wait().unwrap().success());
    let written = stepup(dir.path(), &["migrate", "--write", "."]);
    assert_eq!(
        written.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&written.stderr)
    );
    assert_eq!(snapshot(applied.path()), snapshot(dir.path()));
    for (rel, bytes) in snapshot(dir.path()) {
        let want = std::fs::read(fixture().join("expected").join(&rel))
            .unwrap_or_else(|_| std::fs::read(fixture().join("input").join(&rel)).unwrap());
        assert_eq!(bytes, want, "{}", rel.display());
    }
    // Nothing more to raise.
    let again = stepup(dir.path(), &["migrate", "."]);
    assert!(
        again.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
}

#[test]
fn no_bump_leaves_package_json_and_catalogs_alone() {
    let dir = fixture_repo();
    let out = stepup(dir.path(), &["migrate", "--no-bump", "."]);
    assert_eq!(out.status.code(), Some(0));
    let patch = String::from_utf8(out.stdout).unwrap();
    assert!(patch.contains("diff --git a/apps/lockstep/src/Export.tsx"));
    assert!(
        !patch.contains("package.json") && !patch.contains("pnpm-workspace.yaml"),
        "{patch}"
    );
    assert!(!String::from_utf8(out.stderr).unwrap().contains("Next:"));
    let before = snapshot(dir.path());
    let out = stepup(dir.path(), &["migrate", "--no-bump", "--write", "."]);
    assert_eq!(out.status.code(), Some(0));
    for (rel, bytes) in snapshot(dir.path()) {
        if !rel.to_string_lossy().ends_with(".tsx") {
            let old = &before.iter().find(|(r, _)| *r == rel).unwrap().1;
            assert_eq!(&bytes, old, "{}", rel.display());
        }
    }
}

#[test]
fn the_install_command_is_the_lockfiles_package_manager() {
    let manifest = r#"{
  "name": "app",
  "dependencies": {
    "@dynamic-labs/sdk-api-core": "0.0.964",
    "@dynamic-labs/sdk-react-core": "^4.51.2"
  }
}
"#;
    for (lockfile, command) in [
        ("package-lock.json", "npm install"),
        ("yarn.lock", "yarn install"),
        ("bun.lock", "bun install"),
        ("pnpm-lock.yaml", "pnpm install"),
    ] {
        let dir = repo(&[
            ("package.json", manifest),
            (lockfile, "{}\n"),
            ("src/Export.tsx", LEGACY),
        ]);
        let out = stepup(dir.path(), &["migrate", "--report", "report.md", "."]);
        assert_eq!(out.status.code(), Some(0));
        let note = format!("run `{command}` to update {lockfile}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains(&note), "{lockfile}: {stderr}");
        let report = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
        assert!(
            report.contains(&format!(
                "**Next:** the change raises SDK version ranges: once it is applied, {note}"
            )),
            "{report}"
        );
        assert!(
            String::from_utf8(out.stdout)
                .unwrap()
                .contains("+    \"@dynamic-labs/sdk-react-core\": \"^4.76.0\"")
        );
    }
}

#[test]
fn a_catalog_the_bump_cannot_edit_is_named_with_the_reason_and_the_rest_goes_on() {
    let dir = repo(&[
        (
            "pnpm-workspace.yaml",
            "packages: [\"apps/*\"]\ncatalog: { '@dynamic-labs/sdk-react-core': ^4.51.2 }\n",
        ),
        (
            "apps/a/package.json",
            "{\n  \"dependencies\": {\n    \"@dynamic-labs/sdk-api-core\": \"0.0.964\",\n    \"@dynamic-labs/sdk-react-core\": \"catalog:\"\n  }\n}\n",
        ),
        ("apps/a/src/Export.tsx", LEGACY),
        (
            "apps/b/package.json",
            "{\n  \"dependencies\": {\n    \"@dynamic-labs/sdk-api-core\": \"0.0.964\",\n    \"@dynamic-labs/sdk-react-core\": \"^4.51.2\"\n  }\n}\n",
        ),
        ("apps/b/src/Export.tsx", LEGACY),
    ]);
    let out = stepup(dir.path(), &["migrate", "."]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("pnpm-workspace.yaml:1:1  warning  dependency-range  the bump leaves pnpm-workspace.yaml unchanged: the catalog entry for @dynamic-labs/sdk-react-core is not a plain `key: value` line stepup can edit"),
        "{stderr}"
    );
    let patch = String::from_utf8(out.stdout).unwrap();
    assert!(!patch.contains("a/pnpm-workspace.yaml"));
    assert!(
        patch.contains("diff --git a/apps/b/package.json"),
        "{patch}"
    );
    assert!(
        patch.contains("diff --git a/apps/a/src/Export.tsx"),
        "{patch}"
    );
}

#[test]
fn a_yarn_named_catalog_is_raised_in_yarnrc() {
    let yarnrc = "nodeLinker: node-modules\r\ncatalogs:\r\n  dynamic:\r\n    \"@dynamic-labs/sdk-react-core\": 4.60.1 # pinned by ops\r\n";
    let dir = repo(&[
        (
            "package.json",
            "{ \"private\": true, \"workspaces\": [\"apps/*\"] }\n",
        ),
        ("yarn.lock", "# yarn lockfile v1\n"),
        (".yarnrc.yml", yarnrc),
        (
            "apps/a/package.json",
            "{\n  \"dependencies\": {\n    \"@dynamic-labs/sdk-api-core\": \"0.0.964\",\n    \"@dynamic-labs/sdk-react-core\": \"catalog:dynamic\"\n  }\n}\n",
        ),
        ("apps/a/src/Export.tsx", LEGACY),
    ]);
    let out = stepup(dir.path(), &["migrate", "--write", "."]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".yarnrc.yml")).unwrap(),
        yarnrc.replace("4.60.1", "4.76.0")
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(
            "Next: the SDK version ranges changed, run `yarn install` to update yarn.lock"
        ),
        "{stderr}"
    );
}

/// A catalog entry two packages share goes to the highest version either
/// needs: here the second package's lock-step partner is already at 4.90.
#[test]
fn a_shared_catalog_entry_goes_to_the_highest_version_needed() {
    let manifest = |extra: &str| {
        format!(
            "{{\n  \"dependencies\": {{\n{extra}    \"@dynamic-labs/sdk-api-core\": \"0.0.964\",\n    \"@dynamic-labs/sdk-react-core\": \"catalog:\"\n  }}\n}}\n"
        )
    };
    let (a, b) = (
        manifest(""),
        manifest("    \"@dynamic-labs/ethereum\": \"^4.90.0\",\n"),
    );
    let dir = repo(&[
        (
            "pnpm-workspace.yaml",
            "packages:\n  - apps/*\ncatalog:\n  '@dynamic-labs/sdk-react-core': ^4.51.2\n",
        ),
        ("apps/a/package.json", &a),
        ("apps/a/src/Export.tsx", LEGACY),
        ("apps/b/package.json", &b),
        ("apps/b/src/Export.tsx", LEGACY),
    ]);
    let out = stepup(dir.path(), &["migrate", "--write", "--allow-dirty", "."]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("pnpm-workspace.yaml")).unwrap(),
        "packages:\n  - apps/*\ncatalog:\n  '@dynamic-labs/sdk-react-core': ^4.90.0\n"
    );
}
