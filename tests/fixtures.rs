//! Runs every `fixtures/<case>/`: `input.<ext>` goes through the engine; the
//! result must equal `expected.<ext>` (or the input itself when there is no
//! expected file: a leave-alone case), and the findings must equal
//! `findings.txt`. The expected output, run again, must change nothing.
//!
//! `STEPUP_BLESS=1 cargo test --test fixtures` rewrites the expected files
//! from the current output, for review with `git diff`.

mod common;

use common::{copy_tree, files_under};
use std::path::{Path, PathBuf};
use stepup::engine::Engine;
use stepup::finding::Finding;
use stepup::lang::Lang;
use stepup::ruleset::Ruleset;

fn fixture_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
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

fn render_findings(src: &str, findings: &[Finding]) -> String {
    let body = src.strip_prefix('\u{feff}').unwrap_or(src);
    findings
        .iter()
        .map(|f| {
            let (line, col) = stepup::analysis::line_col(body, f.offset);
            let fix = if f.fixable { " (fixable)" } else { "" };
            format!(
                "{line}:{col}  {}  {}{fix}  {}\n",
                f.severity.as_str(),
                f.rule,
                f.message
            )
        })
        .collect()
}

#[test]
fn every_fixture_matches() {
    let engine = Engine::new(Ruleset::builtin());
    let bless = std::env::var_os("STEPUP_BLESS").is_some();
    let mut failures = Vec::new();
    let dirs = fixture_dirs();
    assert!(dirs.len() >= 10, "fixtures are missing");
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let input_path =
            find_named(&dir, "input").unwrap_or_else(|| panic!("{name}: no input file"));
        if input_path.is_dir() {
            continue; // a project fixture: see every_project_fixture_matches
        }
        let lang =
            Lang::from_path(&input_path).unwrap_or_else(|| panic!("{name}: unknown extension"));
        let ext = input_path.extension().unwrap().to_str().unwrap();
        let input = std::fs::read_to_string(&input_path).unwrap();
        let outcome = engine.process_source(&input, lang, &dir);
        let actual = outcome.rewritten.clone().unwrap_or_else(|| input.clone());
        let expected_path = dir.join(format!("expected.{ext}"));
        let findings_path = dir.join("findings.txt");
        let actual_findings = render_findings(&input, &outcome.findings);
        if bless {
            if actual != input {
                std::fs::write(&expected_path, &actual).unwrap();
            } else if expected_path.exists() {
                std::fs::remove_file(&expected_path).unwrap();
            }
            std::fs::write(&findings_path, &actual_findings).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_else(|_| input.clone());
        if actual != expected {
            failures.push(format!(
                "{name}: output differs\n--- expected\n{expected}\n--- actual\n{actual}"
            ));
        }
        let expected_findings = std::fs::read_to_string(&findings_path).unwrap_or_default();
        if actual_findings != expected_findings {
            failures.push(format!(
                "{name}: findings differ\n--- expected\n{expected_findings}--- actual\n{actual_findings}"
            ));
        }
        // Idempotence: the migrated file needs nothing more.
        let again = engine.process_source(&actual, lang, &dir);
        if let Some(second) = again.rewritten {
            failures.push(format!(
                "{name}: a second run changes the output again:\n{second}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// `fixtures/<case>/input/` is a whole project (barrels, tsconfig paths …):
/// `stepup migrate --write` runs on a copy; every file must then equal
/// `expected/<same path>` (or stay as it was when there is none), and the
/// `stepup check` report of the input must equal `findings.txt`.
#[test]
fn every_project_fixture_matches() {
    let bless = std::env::var_os("STEPUP_BLESS").is_some();
    let mut failures = Vec::new();
    let mut projects = 0;
    for dir in fixture_dirs() {
        let input = dir.join("input");
        if !input.is_dir() {
            continue;
        }
        projects += 1;
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let work = tempfile::tempdir().unwrap();
        copy_tree(&input, work.path());
        let check = assert_cmd::Command::cargo_bin("stepup")
            .unwrap()
            .args(["check", "--quiet", "."])
            .current_dir(work.path())
            .output()
            .unwrap();
        let findings = String::from_utf8(check.stdout).unwrap();
        let out = assert_cmd::Command::cargo_bin("stepup")
            .unwrap()
            .args(["migrate", "--write", "--allow-no-vcs", "."])
            .current_dir(work.path())
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let expected_dir = dir.join("expected");
        if bless {
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
            continue;
        }
        for f in files_under(work.path(), false) {
            let rel = f.strip_prefix(work.path()).unwrap();
            let want = std::fs::read(expected_dir.join(rel))
                .unwrap_or_else(|_| std::fs::read(input.join(rel)).unwrap());
            if std::fs::read(&f).unwrap() != want {
                failures.push(format!(
                    "{name}/{}: differs\n--- expected\n{}\n--- actual\n{}",
                    rel.display(),
                    String::from_utf8_lossy(&want),
                    String::from_utf8_lossy(&std::fs::read(&f).unwrap())
                ));
            }
        }
        let want_findings = std::fs::read_to_string(dir.join("findings.txt")).unwrap_or_default();
        if findings != want_findings {
            failures.push(format!(
                "{name}: findings differ\n--- expected\n{want_findings}--- actual\n{findings}"
            ));
        }
        // Idempotence over the whole project.
        let again = assert_cmd::Command::cargo_bin("stepup")
            .unwrap()
            .args(["migrate", "."])
            .current_dir(work.path())
            .output()
            .unwrap();
        if !again.stdout.is_empty() {
            failures.push(format!(
                "{name}: a second run changes more:\n{}",
                String::from_utf8_lossy(&again.stdout)
            ));
        }
    }
    assert!(projects >= 1, "no project fixtures");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
