//! The conventions JavaScript teams expect of a command-line tool: paths
//! relative to the working directory whatever the arguments were, colour as
//! the environment says, `check` naming the command that fixes, a job
//! summary about findings, a path with nothing to check is a usage error.

mod common;

use assert_cmd::Command;
use common::{LEGACY, WARNING_ONLY, git, repo, write_files};
use std::path::Path;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn stepup_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::cargo_bin("stepup").unwrap();
    cmd.args(args)
        .current_dir(dir)
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn stepup(dir: &Path, args: &[&str]) -> Run {
    stepup_env(dir, args, &[])
}

#[test]
fn absolute_paths_come_out_relative_to_the_working_directory_in_every_format() {
    let dir = repo(&[("src/a.tsx", LEGACY), ("src/b.ts", WARNING_ONLY)]);
    let root = dir.path();
    let abs_dir = root.join("src");
    let abs_file = root.join("src/a.tsx");
    let (abs_dir, abs_file) = (abs_dir.to_str().unwrap(), abs_file.to_str().unwrap());
    for args in [vec![abs_dir], vec![abs_file], vec!["./src/../src"]] {
        let human = stepup(root, &[&["check"], &args[..]].concat());
        assert!(
            human.stdout.starts_with("src/a.tsx:8:15  error"),
            "{args:?}: {}",
            human.stdout
        );
        let json = stepup(root, &[&["check", "--format", "json"], &args[..]].concat());
        assert!(
            json.stdout.contains("\"path\": \"src/a.tsx\""),
            "{}",
            json.stdout
        );
        let sarif = stepup(root, &[&["check", "--format", "sarif"], &args[..]].concat());
        assert!(
            sarif.stdout.contains("\"uri\": \"src/a.tsx\""),
            "{}",
            sarif.stdout
        );
        let github = stepup(
            root,
            &[&["check", "--format", "github"], &args[..]].concat(),
        );
        assert!(
            github.stdout.contains("::error file=src/a.tsx,line=8"),
            "{}",
            github.stdout
        );
        let diff = stepup(root, &[&["migrate"], &args[..]].concat());
        assert!(
            diff.stdout
                .starts_with("diff --git a/src/a.tsx b/src/a.tsx\n"),
            "{}",
            diff.stdout
        );
        let text = format!("{}{}", human.stdout, human.stderr)
            + &json.stdout
            + &sarif.stdout
            + &diff.stdout;
        assert!(
            !text.contains(root.to_str().unwrap()),
            "no absolute path in {text}"
        );
    }
    // The patch of an absolute path applies from the working directory.
    let diff = stepup(root, &["migrate", abs_file]);
    std::fs::write(root.join("../change.patch"), &diff.stdout).unwrap();
    git(root, &["apply", "../change.patch"]);
    assert!(
        std::fs::read_to_string(root.join("src/a.tsx"))
            .unwrap()
            .contains("useStepUpAuthentication")
    );
    // From a subdirectory, a file of the parent is `../…`.
    let sub = stepup(
        &root.join("src"),
        &["check", "--format", "json", abs_dir, "../src/b.ts"],
    );
    assert!(sub.stdout.contains("\"path\": \"b.ts\""), "{}", sub.stdout);
}

/// A root beside the working directory keeps its `../` prefix; a root that
/// holds the working directory, even written through a symbolic link, shows
/// the files under the working directory from there.
#[cfg(unix)]
#[test]
fn roots_beside_and_around_the_working_directory() {
    let dir = repo(&[("app/src/a.tsx", LEGACY), ("tools/README.md", "tools\n")]);
    let root = dir.path();
    let beside = stepup(
        &root.join("tools"),
        &["check", "--format", "json", "../app"],
    );
    assert!(
        beside.stdout.contains("\"path\": \"../app/src/a.tsx\""),
        "{}",
        beside.stdout
    );
    let links = tempfile::tempdir().unwrap();
    let link = links.path().join("repo");
    std::os::unix::fs::symlink(root, &link).unwrap();
    let around = stepup(
        &root.join("app/src"),
        &["check", "--format", "json", link.to_str().unwrap()],
    );
    assert!(
        around.stdout.contains("\"path\": \"a.tsx\""),
        "{}",
        around.stdout
    );
}

#[test]
fn colour_follows_the_flag_and_the_environment() {
    let dir = repo(&[("a.tsx", LEGACY)]);
    let red = "\x1b[31merror\x1b[0m";
    let colored = |env: &[(&str, &str)], args: &[&str]| {
        let run = stepup_env(dir.path(), &[&["check"], args].concat(), env);
        run.stdout.contains(red)
    };
    assert!(!colored(&[], &[]), "piped: no colour");
    assert!(
        colored(&[("FORCE_COLOR", "1")], &[]),
        "FORCE_COLOR, as JS CI sets it"
    );
    assert!(colored(&[("FORCE_COLOR", "true")], &[]));
    assert!(colored(&[("CLICOLOR_FORCE", "1")], &[]));
    assert!(!colored(
        &[("FORCE_COLOR", "0"), ("CLICOLOR_FORCE", "1")],
        &[]
    ));
    assert!(
        colored(&[("FORCE_COLOR", "1"), ("NO_COLOR", "1")], &[]),
        "FORCE_COLOR wins, as in Node"
    );
    assert!(
        !colored(&[("FORCE_COLOR", "1")], &["--color", "never"]),
        "the flag wins"
    );
    assert!(colored(&[("NO_COLOR", "1")], &["--color", "always"]));
    // Machine formats are never coloured.
    let json = stepup_env(
        dir.path(),
        &["check", "--format", "json"],
        &[("FORCE_COLOR", "1")],
    );
    assert!(!json.stdout.contains('\x1b'));
}

#[test]
fn check_ends_with_the_command_that_fixes() {
    let dir = repo(&[("src/a.tsx", LEGACY), ("test/b.tsx", LEGACY)]);
    let run = stepup(dir.path(), &["check", "--exclude", "test dir/**", "src"]);
    let last = run.stderr.lines().last().unwrap();
    assert_eq!(
        last,
        "2 findings are fixable: run `stepup migrate --write --exclude 'test dir/**' src` to fix them \
         (`stepup migrate --exclude 'test dir/**' src` shows the diff first)"
    );
    // The command does fix them.
    stepup(
        dir.path(),
        &["migrate", "--write", "--exclude", "test dir/**", "src"],
    );
    assert_eq!(stepup(dir.path(), &["check", "src"]).code, Some(0));
    // Nothing fixable, no such line; --quiet drops it.
    let clean = stepup(dir.path(), &["check", "src"]);
    assert!(!clean.stderr.contains("fixable: run"), "{}", clean.stderr);
    assert!(
        stepup(dir.path(), &["check", "--quiet", "test"])
            .stderr
            .is_empty()
    );
}

#[test]
fn the_check_job_summary_speaks_of_findings() {
    let many: String = (0..12)
        .map(|i| format!("export const a{i} = MFAAction.WalletWaasSign;\n"))
        .collect();
    let many = format!("import {{ MFAAction }} from '@dynamic-labs/sdk-api-core';\n{many}");
    let dir = repo(&[("a.tsx", LEGACY), ("many.ts", &many)]);
    let summary = dir.path().join("summary.md");
    stepup_env(
        dir.path(),
        &["check", "--format", "github"],
        &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
    );
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        !text.contains("Changed files") && !text.contains("fixed") && !text.contains("edits"),
        "{text}"
    );
    assert!(
        text.contains("14 findings (2 errors, 12 warnings, 0 info): 2 fixable"),
        "{text}"
    );
    assert!(
        text.contains("| rule | severity | findings | fixable with `stepup migrate --write` |"),
        "{text}"
    );
    assert!(
        text.contains("GitHub shows at most 10 annotations of each severity per step")
            && text.contains("this step has 12 warnings"),
        "{text}"
    );
}

#[test]
fn a_path_with_nothing_to_check_is_a_usage_error() {
    let dir = repo(&[
        ("src/a.tsx", LEGACY),
        ("docs/README.md", "# docs\n"),
        ("types/x.d.ts", ""),
    ]);
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    write_files(
        dir.path(),
        &[("ignored/.gitignore", "*\n"), ("ignored/c.tsx", LEGACY)],
    );
    for (path, why) in [
        ("empty", "empty: no JavaScript or TypeScript file to check"),
        ("docs", "docs: no JavaScript or TypeScript file to check"),
        (
            "ignored",
            "ignored: no JavaScript or TypeScript file to check",
        ),
        (
            "docs/README.md",
            "docs/README.md: not a JavaScript or TypeScript file",
        ),
    ] {
        for cmd in ["check", "migrate"] {
            let run = stepup(dir.path(), &[cmd, "src", path]);
            assert_eq!(run.code, Some(2), "{cmd} {path}");
            assert!(run.stderr.contains(why), "{cmd} {path}: {}", run.stderr);
            assert!(run.stdout.is_empty(), "nothing is printed or changed");
        }
    }
    // A declaration file named on the command line (a git hook passes what
    // was staged) is skipped quietly, and so is a file the config excludes.
    assert_eq!(stepup(dir.path(), &["check", "types/x.d.ts"]).code, Some(0));
    std::fs::write(dir.path().join("stepup.toml"), "exclude = [\"src/**\"]\n").unwrap();
    assert_eq!(stepup(dir.path(), &["check", "src/a.tsx"]).code, Some(0));
}

/// The fix command `check` suggests, run by a POSIX shell, does what it says
/// for paths a shell would otherwise read differently: a folder named
/// `--allow-dirty` (an option, unquoted: it would turn the dirty-tree guard
/// off), spaces, `$(…)`, quotes, globs. Quoted by shlex; `--` before a path
/// that starts with `-`.
#[test]
#[cfg(unix)]
fn the_suggested_command_quotes_every_path() {
    let names = [
        "--allow-dirty",
        "a b",
        "$(touch pwned)",
        "it's",
        "*",
        "-x;y",
    ];
    for name in names {
        let dirty = format!("{name}/dirty.tsx");
        let clean = format!("{name}/clean.tsx");
        let dir = repo(&[(&dirty, LEGACY), (&clean, LEGACY)]);
        let root = dir.path();
        // An uncommitted change: the guard must refuse this file.
        std::fs::write(root.join(&dirty), format!("{LEGACY}// edited\n")).unwrap();
        let run = stepup(root, &["check", "--", name]);
        let hint = run
            .stderr
            .lines()
            .last()
            .and_then(|l| l.split_once("run `"))
            .and_then(|(_, rest)| rest.split_once('`'))
            .map(|(command, _)| command.to_string())
            .unwrap_or_else(|| panic!("{name}: no fix command in {}", run.stderr));
        // `stepup` on PATH is the binary under test.
        let bin = Path::new(env!("CARGO_BIN_EXE_stepup")).parent().unwrap();
        let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
        let out = std::process::Command::new("sh")
            .args(["-c", &hint])
            .current_dir(root)
            .env("PATH", path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: `{hint}`: {stderr}");
        assert!(
            stderr.contains("has uncommitted changes"),
            "{name}: `{hint}`: {stderr}"
        );
        let read = |rel: &str| std::fs::read_to_string(root.join(rel)).unwrap();
        assert!(read(&dirty).ends_with("// edited\n"), "{name}: `{hint}`");
        assert!(
            read(&clean).contains("useStepUpAuthentication"),
            "{name}: `{hint}` did not migrate {clean}: {stderr}"
        );
        assert!(!root.join("pwned").exists(), "{name}: `{hint}`");
    }
}
