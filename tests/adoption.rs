//! What a company checks before it adopts stepup: the licence, the GitHub
//! Action (pinned nested actions, one scan for annotations and SARIF, a fork
//! pull request that cannot upload SARIF), and README recipes that name the
//! Action's owner and keep exit code 2 visible.

use std::path::Path;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn the_licence_is_mit_or_apache_with_both_texts() {
    let cargo: toml::Table = toml::from_str(&read("Cargo.toml")).unwrap();
    assert_eq!(
        cargo["package"]["license"].as_str(),
        Some("MIT OR Apache-2.0")
    );
    let repository = cargo["package"]["repository"].as_str().unwrap();
    assert!(
        repository.starts_with("https://github.com/"),
        "{repository}"
    );
    assert!(read("LICENSE-MIT").contains("Copyright (c) 2026 the stepup authors"));
    assert!(read("LICENSE-APACHE").contains("Apache License\n                        Version 2.0"));
    let mut manifests = vec![repo().join("npm/stepup/package.json")];
    for e in std::fs::read_dir(repo().join("npm/platforms")).unwrap() {
        manifests.push(e.unwrap().path().join("package.json"));
    }
    for m in manifests {
        let pkg: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&m).unwrap()).unwrap();
        assert_eq!(pkg["license"], "MIT OR Apache-2.0", "{}", m.display());
        assert_eq!(
            pkg["repository"]["url"],
            format!("git+{repository}.git"),
            "{}",
            m.display()
        );
    }
}

/// The `uses:` values of action.yml's steps, with the comment after each.
fn nested_actions(action: &str) -> Vec<(String, String)> {
    action
        .lines()
        .filter_map(|l| l.trim().trim_start_matches("- ").strip_prefix("uses: "))
        .map(|rest| {
            let (uses, comment) = rest.split_once(" # ").unwrap_or((rest, ""));
            (uses.trim().to_string(), comment.trim().to_string())
        })
        .collect()
}

#[test]
fn the_action_pins_nested_actions_by_commit_with_the_version_as_a_comment() {
    let action = read("action.yml");
    let uses = nested_actions(&action);
    assert!(uses.len() >= 2, "{uses:?}");
    for (spec, comment) in uses {
        let (_, sha) = spec.split_once('@').unwrap();
        assert!(
            sha.len() == 40 && sha.chars().all(|c| c.is_ascii_hexdigit()),
            "{spec}: not pinned by a full commit SHA"
        );
        let version = comment.strip_prefix('v').unwrap_or("");
        assert!(
            version.split('.').count() == 3 && version.split('.').all(|n| n.parse::<u32>().is_ok()),
            "{spec}: the comment must be the version (`# vX.Y.Z`), is `{comment}`"
        );
    }
}

#[test]
fn the_action_documents_its_permissions_and_forgives_a_fork_upload() {
    let action = read("action.yml");
    let doc: yaml_serde::Value = yaml_serde::from_str(&action).unwrap();
    let steps = doc["runs"]["steps"].as_sequence().unwrap();
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))
        })
        .expect("an upload-sarif step");
    let forgiven = upload["continue-on-error"].as_str().unwrap_or("");
    assert!(
        forgiven.contains("github.event.pull_request.head.repo.full_name")
            && forgiven.contains("github.repository"),
        "continue-on-error must hold for a pull request from a fork: {forgiven:?}"
    );
    let sarif = doc["inputs"]["sarif"]["description"].as_str().unwrap();
    assert!(
        sarif.contains("security-events: write") && sarif.contains("actions: read"),
        "{sarif}"
    );
    let readme = read("README.md");
    assert!(
        readme.contains("security-events: write") && readme.contains("actions: read"),
        "the README's Action section documents the permissions"
    );
}

/// The Action's `check` step, run by bash with an `npx` that runs this
/// build: one stepup run gives the annotations and the SARIF file.
#[cfg(unix)]
#[test]
fn the_action_scans_once_for_annotations_and_sarif() {
    use std::os::unix::fs::PermissionsExt;
    let action = read("action.yml");
    let doc: yaml_serde::Value = yaml_serde::from_str(&action).unwrap();
    let steps = doc["runs"]["steps"].as_sequence().unwrap();
    let check = steps
        .iter()
        .find(|s| s["id"].as_str() == Some("check"))
        .unwrap();
    let script = check["run"].as_str().unwrap();
    assert_eq!(
        steps
            .iter()
            .filter_map(|s| s["run"].as_str())
            .map(|r| r.matches(" check ").count())
            .sum::<usize>(),
        1,
        "stepup check runs in one place"
    );
    let tmp = tempfile::tempdir().unwrap();
    let bin = tmp.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    // npx, whatever its options: drop everything before `check`, count the runs.
    let npx = bin.join("npx");
    std::fs::write(
        &npx,
        format!(
            "#!/bin/sh\necho run >> \"$NPX_LOG\"\nwhile [ \"$1\" != check ]; do shift; done\nexec {} \"$@\"\n",
            env!("CARGO_BIN_EXE_stepup")
        ),
    )
    .unwrap();
    std::fs::set_permissions(&npx, std::fs::Permissions::from_mode(0o755)).unwrap();
    let app = tmp.path().join("app");
    std::fs::create_dir_all(app.join("src")).unwrap();
    std::fs::write(
        app.join("src/a.ts"),
        "import { MFAAction } from '@dynamic-labs/sdk-api-core';\nexport const a = [MFAAction.WalletWaasSign];\n",
    )
    .unwrap();
    let (output, log, summary) = (
        tmp.path().join("output"),
        tmp.path().join("npx.log"),
        tmp.path().join("summary.md"),
    );
    let run = std::process::Command::new("bash")
        .args(["-e", "-c", script])
        .current_dir(&app)
        .env(
            "PATH",
            format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
        )
        .env("STEPUP", "stepup@0.0.0")
        .env("CHECK_PATH", ".")
        .env("ARGS", "--max-warnings 0")
        .env("SARIF", "true")
        .env("RUNNER_TEMP", tmp.path())
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("NPX_LOG", &log)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "run\n", "one scan");
    assert!(stdout.contains("::warning file=src/a.ts"), "{stdout}");
    let outputs = std::fs::read_to_string(&output).unwrap();
    let sarif_file = tmp.path().join("stepup.sarif");
    assert!(outputs.contains("exit-code=1\n"), "{outputs}");
    assert!(
        outputs.contains(&format!("sarif-file={}\n", sarif_file.display())),
        "{outputs}"
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif_file).unwrap()).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "src/a.ts"
    );
    // A run that cannot check (exit 2) leaves no SARIF to upload.
    std::fs::remove_file(&output).unwrap();
    let broken = std::process::Command::new("bash")
        .args(["-e", "-c", script])
        .current_dir(&app)
        .env(
            "PATH",
            format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
        )
        .env("STEPUP", "stepup@0.0.0")
        .env("CHECK_PATH", "missing")
        .env("ARGS", "")
        .env("SARIF", "true")
        .env("RUNNER_TEMP", tmp.path())
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("NPX_LOG", &log)
        .output()
        .unwrap();
    assert!(broken.status.success());
    let outputs = std::fs::read_to_string(&output).unwrap();
    assert_eq!(outputs, "exit-code=2\n");
}

#[test]
fn readme_recipes_name_the_owner_and_keep_exit_2_visible() {
    let cargo: toml::Table = toml::from_str(&read("Cargo.toml")).unwrap();
    let repository = cargo["package"]["repository"].as_str().unwrap();
    let owner_repo = repository.trim_start_matches("https://github.com/");
    for file in ["README.md", "npm/README.md", "npm/stepup/README.md"] {
        let text = read(file);
        assert!(!text.contains("<owner>"), "{file} has an unnamed owner");
        let mut in_code = false;
        for line in text.lines() {
            if line.trim_start().starts_with("```") {
                in_code = !in_code;
                continue;
            }
            if !in_code {
                continue;
            }
            assert!(
                !line.contains("|| true"),
                "{file}: `|| true` hides exit code 2: {line}"
            );
            let trimmed = line.trim().trim_start_matches("- ");
            if let Some(uses) = trimmed.strip_prefix("uses: ")
                && uses.contains("/stepup@")
            {
                assert!(
                    uses.starts_with(&format!("{owner_repo}@")),
                    "{file}: {line}"
                );
            }
            if line.contains("repo: https://github.com/") && line.contains("/stepup") {
                assert!(line.contains(repository), "{file}: {line}");
            }
        }
    }
    let readme = read("README.md");
    assert!(readme.contains(&format!("uses: {owner_repo}@")));
}

/// `--sarif-file` writes the same document as `--format sarif`.
#[test]
fn sarif_file_is_the_sarif_format_from_the_same_run() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("a.ts"),
        "import { MFAAction } from '@dynamic-labs/sdk-api-core';\nexport const a = [MFAAction.WalletWaasSign];\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        assert_cmd::Command::cargo_bin("stepup")
            .unwrap()
            .args(args)
            .current_dir(tmp.path())
            .env_remove("GITHUB_STEP_SUMMARY")
            .output()
            .unwrap()
    };
    let sarif = run(&["check", "--format", "sarif"]);
    let human = run(&["check", "--sarif-file", "out.sarif"]);
    assert_eq!(human.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&human.stdout).contains("a.ts:2:"));
    let written = std::fs::read_to_string(tmp.path().join("out.sarif")).unwrap();
    assert_eq!(written, String::from_utf8(sarif.stdout).unwrap());
    let bad = run(&["check", "--sarif-file", "no/such/dir/out.sarif"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr)
            .contains("cannot write the SARIF file no/such/dir/out.sarif")
    );
}

/// The release archives carry the man page and the shell completions: the
/// workflow's archive step, run here with the test build as the binary,
/// makes a tarball that holds `stepup.1` and a completion script per shell.
#[cfg(unix)]
#[test]
fn release_archives_carry_the_man_page_and_completions() {
    let workflow: yaml_serde::Value =
        yaml_serde::from_str(&read(".github/workflows/release.yml")).unwrap();
    let steps = workflow["jobs"]["build"]["steps"].as_sequence().unwrap();
    let script = steps
        .iter()
        .find(|s| s["name"].as_str() == Some("Archive the binary"))
        .and_then(|s| s["run"].as_str())
        .expect("release.yml archives the binary")
        .to_string();
    let work = tempfile::tempdir().unwrap();
    for f in ["README.md", "LICENSE-MIT", "LICENSE-APACHE"] {
        std::fs::copy(repo().join(f), work.path().join(f)).unwrap();
    }
    let temp = tempfile::tempdir().unwrap();
    let out = std::process::Command::new("bash")
        .args(["-e", "-c", &script])
        .current_dir(work.path())
        .env("BINARY", assert_cmd::cargo::cargo_bin("stepup"))
        .env("RUNS", "true")
        .env("VERSION", "0.0.0")
        .env("TARGET", "x86_64-unknown-linux-gnu")
        .env("PLATFORM", "linux-x64-gnu")
        .env("RUNNER_TEMP", temp.path())
        .env("GITHUB_WORKSPACE", work.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listing = std::process::Command::new("tar")
        .args([
            "-tzf",
            "dist/bin/stepup-0.0.0-x86_64-unknown-linux-gnu.tar.gz",
        ])
        .current_dir(work.path())
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&listing.stdout);
    let dir = "stepup-0.0.0-x86_64-unknown-linux-gnu";
    for f in [
        "stepup.1",
        "complete/stepup.bash",
        "complete/stepup.zsh",
        "complete/stepup.fish",
        "complete/stepup.powershell",
        "complete/stepup.elvish",
    ] {
        assert!(
            listing.contains(&format!("{dir}/{f}")),
            "{f} missing:\n{listing}"
        );
    }
    let page = std::fs::read_to_string(temp.path().join(dir).join("stepup.1")).unwrap();
    assert!(page.starts_with(".ie") || page.contains(".TH"), "{page}");
}
