//! Runs every `fixtures/<case>/` as a test of its own
//! (`cargo test --test fixtures <case>` runs one).
//!
//! A file fixture: `input.<ext>` goes through the engine (with an in-memory
//! workspace: the fixture's own `node_modules` sdk-api-core declarations, if
//! any, and nothing from outside the fixture); the result must equal
//! `expected.<ext>` (or the input itself when there is none: a leave-alone
//! case), the findings must equal `findings.txt` (a suppressed one is tagged
//! `(suppressed: <reason>)`), and the expected output,
//! run again, must change nothing. A `rules.toml` beside them is added to
//! the table first, as `--rules` does.
//!
//! A project fixture (`input/` is a directory): `stepup migrate --write`
//! runs on a copy; every file must then equal `expected/<same path>` (or stay
//! as it was), and `stepup check` of the input must print `findings.txt`.
//! Its stderr (the problems: project files that could not be used) must be
//! `problems.txt` (nothing when absent), and it must exit 1 when
//! `findings.txt` has an error or a warning, else 0.
//! A `symlinks.txt` beside `input/` lists links to create in the copy first
//! (`LINK -> TARGET`, one a line: a package manager's `node_modules` links
//! to workspace packages, which git does not keep in a fixture).
//!
//! A `decide.txt` beside a file fixture's input holds scope decisions, one
//! `LINE=SCOPE` a line, applied as `migrate --decide input.<ext>:LINE=SCOPE` does.
//!
//! `STEPUP_BLESS=1 cargo test --test fixtures` rewrites the expected files
//! from the current output, for review with `git diff`.

mod common;

use common::{copy_tree, files_under, make_symlinks};
use libtest_mimic::{Arguments, Failed, Trial};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use stepup::decisions::{Decide, Decisions, ScopeChoice};
use stepup::engine::{Engine, FileEnv};
use stepup::finding::Finding;
use stepup::lang::Lang;
use stepup::table::Table;
use stepup::workspace::memory::MemoryWorkspace;
use stepup::workspace::token_scope_members;

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn fixture_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures_root())
        .expect("fixtures/ exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn find_named(dir: &Path, stem: &str) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_stem().and_then(|s| s.to_str()) == Some(stem))
}

fn bless() -> bool {
    std::env::var_os("STEPUP_BLESS").is_some()
}

fn render_findings(src: &str, findings: &[Finding]) -> String {
    let body = src.strip_prefix('\u{feff}').unwrap_or(src);
    findings
        .iter()
        .map(|f| {
            let (line, col) = stepup::analysis::line_col(body, f.offset);
            let fix = if f.fixable { " (fixable)" } else { "" };
            let suppressed = match &f.suppressed {
                Some(reason) => format!(" (suppressed: {reason})"),
                None => String::new(),
            };
            format!(
                "{line}:{col}  {}  {}{fix}{suppressed}  {}\n",
                f.severity.as_str(),
                f.rule,
                f.message
            )
        })
        .collect()
}

/// The table a fixture runs with: the shipped one plus its `rules.toml`.
fn table_for(dir: &Path) -> Table {
    match std::fs::read_to_string(dir.join("rules.toml")) {
        Ok(extra) => Table::builtin()
            .with_extra(&extra)
            .expect("the fixture's rules.toml"),
        Err(_) => Table::builtin(),
    }
}

/// The fixture's project, in memory: only what the fixture itself installs.
fn workspace_for(dir: &Path) -> MemoryWorkspace {
    let declared = dir.join("node_modules/@dynamic-labs/sdk-api-core/src/models/TokenScope.d.ts");
    match std::fs::read_to_string(declared) {
        Ok(text) => {
            let members = token_scope_members(&text);
            let members: Vec<&str> = members.iter().map(String::as_str).collect();
            MemoryWorkspace::new().with_token_scopes(&members)
        }
        Err(_) => MemoryWorkspace::new(),
    }
}

/// The fixture's `decide.txt`, as the engine takes it.
fn decisions_for(dir: &Path) -> Option<Decisions> {
    let text = std::fs::read_to_string(dir.join("decide.txt")).ok()?;
    let by_line = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let d = Decide::parse(&format!("input:{l}")).expect("decide.txt: LINE=SCOPE");
            let choice = ScopeChoice::Scope {
                scope: d.scope,
                evidence: None,
            };
            (d.line, choice)
        })
        .collect();
    Some(Decisions::new(by_line))
}

fn run_file_fixture(dir: &Path) -> Result<(), Failed> {
    let input_path = find_named(dir, "input").ok_or("no input file")?;
    let lang = Lang::from_path(&input_path).ok_or("unknown extension")?;
    let ext = input_path.extension().unwrap().to_str().unwrap();
    let input = std::fs::read_to_string(&input_path).unwrap();
    let engine = Engine::new(table_for(dir));
    let workspace = workspace_for(dir);
    let decisions = decisions_for(dir);
    let env = FileEnv {
        dir,
        workspace: &workspace,
        manual_mock_of: None,
        decisions: decisions.as_ref(),
    };
    let outcome = engine.process(&input, lang, &env);
    let actual = outcome.rewritten.clone().unwrap_or_else(|| input.clone());
    let expected_path = dir.join(format!("expected.{ext}"));
    let findings_path = dir.join("findings.txt");
    let actual_findings = render_findings(&input, &outcome.findings);
    if bless() {
        if actual != input {
            std::fs::write(&expected_path, &actual).unwrap();
        } else if expected_path.exists() {
            std::fs::remove_file(&expected_path).unwrap();
        }
        std::fs::write(&findings_path, &actual_findings).unwrap();
        return Ok(());
    }
    let mut failures = Vec::new();
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_else(|_| input.clone());
    if actual != expected {
        failures.push(format!(
            "output differs\n--- expected\n{expected}\n--- actual\n{actual}"
        ));
    }
    let expected_findings = std::fs::read_to_string(&findings_path).unwrap_or_default();
    if actual_findings != expected_findings {
        failures.push(format!(
            "findings differ\n--- expected\n{expected_findings}--- actual\n{actual_findings}"
        ));
    }
    // Idempotence: the migrated file needs nothing more.
    if let Some(second) = engine.process(&actual, lang, &env).rewritten {
        failures.push(format!("a second run changes the output again:\n{second}"));
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n\n").into())
    }
}

fn stepup(args: &[&str], dir: &Path) -> std::process::Output {
    assert_cmd::Command::cargo_bin("stepup")
        .unwrap()
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn run_project_fixture(dir: &Path) -> Result<(), Failed> {
    let input = dir.join("input");
    let work = tempfile::tempdir().unwrap();
    copy_tree(&input, work.path());
    if let Ok(spec) = std::fs::read_to_string(dir.join("symlinks.txt")) {
        if cfg!(not(unix)) {
            eprintln!(
                "{}: skipped, its symlinks are made on Unix only",
                dir.display()
            );
            return Ok(());
        }
        make_symlinks(&spec, work.path())?;
    }
    let check = stepup(&["check", "--quiet", "."], work.path());
    let findings = String::from_utf8(check.stdout).unwrap();
    let problems = String::from_utf8(check.stderr).unwrap();
    let out = stepup(&["migrate", "--write", "--allow-no-vcs", "."], work.path());
    if out.status.code() != Some(0) {
        return Err(format!("migrate failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    let expected_dir = dir.join("expected");
    if bless() {
        let _ = std::fs::remove_dir_all(&expected_dir);
        for f in files_under(work.path(), false) {
            let rel = f.strip_prefix(work.path()).unwrap();
            let after = std::fs::read(&f).unwrap();
            if std::fs::read(input.join(rel)).unwrap() != after {
                let dest = expected_dir.join(rel);
                std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
                std::fs::write(dest, after).unwrap();
            }
        }
        std::fs::write(dir.join("findings.txt"), &findings).unwrap();
        if problems.is_empty() {
            let _ = std::fs::remove_file(dir.join("problems.txt"));
        } else {
            std::fs::write(dir.join("problems.txt"), &problems).unwrap();
        }
        return Ok(());
    }
    let mut failures = Vec::new();
    for f in files_under(work.path(), false) {
        let rel = f.strip_prefix(work.path()).unwrap();
        let want = std::fs::read(expected_dir.join(rel))
            .unwrap_or_else(|_| std::fs::read(input.join(rel)).unwrap());
        if std::fs::read(&f).unwrap() != want {
            failures.push(format!(
                "{}: differs\n--- expected\n{}\n--- actual\n{}",
                rel.display(),
                String::from_utf8_lossy(&want),
                String::from_utf8_lossy(&std::fs::read(&f).unwrap())
            ));
        }
    }
    let want_findings = std::fs::read_to_string(dir.join("findings.txt")).unwrap_or_default();
    if findings != want_findings {
        failures.push(format!(
            "findings differ\n--- expected\n{want_findings}--- actual\n{findings}"
        ));
    }
    let want_problems = std::fs::read_to_string(dir.join("problems.txt")).unwrap_or_default();
    if problems != want_problems {
        failures.push(format!(
            "problems (check's stderr) differ\n--- expected\n{want_problems}--- actual\n{problems}"
        ));
    }
    // Legacy usage fails the check: errors, or warnings (--max-warnings 0).
    let failing = want_findings
        .lines()
        .any(|l| l.contains("  error  ") || l.contains("  warning  "));
    let want_code = if failing { 1 } else { 0 };
    if check.status.code() != Some(want_code) {
        failures.push(format!(
            "check exited {:?}, expected {want_code}",
            check.status.code()
        ));
    }
    // Idempotence over the whole project.
    let again = stepup(&["migrate", "."], work.path());
    if !again.stdout.is_empty() {
        failures.push(format!(
            "a second run changes more:\n{}",
            String::from_utf8_lossy(&again.stdout)
        ));
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n\n").into())
    }
}

/// The rule id of each line of a findings.txt (`l:c  severity  rule (tags)  …`).
fn rules_in(findings: &str) -> BTreeSet<String> {
    findings
        .lines()
        .filter_map(|l| l.split("  ").nth(2))
        .filter_map(|r| r.split(' ').next())
        .map(str::to_string)
        .collect()
}

/// Every rule of the catalog has a fixture that reports it, and every rule a
/// fixture reports is in the catalog.
fn every_rule_has_a_fixture() -> Result<(), Failed> {
    let mut seen = BTreeSet::new();
    for dir in fixture_dirs() {
        if let Ok(text) = std::fs::read_to_string(dir.join("findings.txt")) {
            seen.extend(rules_in(&text));
        }
    }
    let catalog: BTreeSet<String> = Table::builtin()
        .rules
        .iter()
        .map(|r| r.id.clone())
        .collect();
    let missing: Vec<_> = catalog.difference(&seen).collect();
    let unknown: Vec<_> = seen.difference(&catalog).collect();
    if missing.is_empty() && unknown.is_empty() {
        Ok(())
    } else {
        Err(
            format!("rules without a fixture: {missing:?}; rules not in the table: {unknown:?}")
                .into(),
        )
    }
}

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    for dir in fixture_dirs() {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let project = dir.join("input").is_dir();
        trials.push(Trial::test(name, move || {
            if project {
                run_project_fixture(&dir)
            } else {
                run_file_fixture(&dir)
            }
        }));
    }
    trials.push(Trial::test(
        "every-rule-has-a-fixture",
        every_rule_has_a_fixture,
    ));
    libtest_mimic::run(&args, trials).exit();
}
