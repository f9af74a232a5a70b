//! What stepup does on a terminal, driven through a pseudo-terminal: the
//! interactive review (`migrate -i`) and the progress bar.
#![cfg(unix)]

mod common;

use common::{LEGACY, repo};
use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};
use std::path::Path;

fn spawn(dir: &Path, args: &[&str]) -> PtySession {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_stepup"));
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR_FORCE");
    spawn_command(cmd, Some(30_000)).expect("a pseudo-terminal")
}

fn exit_code(p: &PtySession) -> i32 {
    match p.process().wait().unwrap() {
        WaitStatus::Exited(_, code) => code,
        other => panic!("stepup did not exit: {other:?}"),
    }
}

fn migrated(dir: &Path, rel: &str) -> bool {
    std::fs::read_to_string(dir.join(rel))
        .unwrap()
        .contains("useStepUpAuthentication")
}

#[test]
fn interactive_review_writes_what_was_accepted() {
    let files = [
        ("src/a.tsx", LEGACY),
        ("src/b.tsx", LEGACY),
        ("src/c.tsx", LEGACY),
        ("src/d.tsx", LEGACY),
    ];
    let dir = repo(&files);
    let mut p = spawn(dir.path(), &["migrate", "-i"]);
    p.exp_string("(1/4) src/a.tsx").unwrap();
    p.exp_string("+      await promptStepUpAuth({ requestedScopes: [TokenScope.Walletexport] });")
        .unwrap();
    p.exp_string("Apply this change to src/a.tsx [y,n,a,q,?]?")
        .unwrap();
    p.send_line("y").unwrap();
    p.exp_string("Apply this change to src/b.tsx [y,n,a,q,?]?")
        .unwrap();
    // An answer stepup does not know prints the help and asks again.
    p.send_line("what").unwrap();
    p.exp_string("a - apply this change and every remaining one")
        .unwrap();
    p.exp_string("Apply this change to src/b.tsx [y,n,a,q,?]?")
        .unwrap();
    p.send_line("n").unwrap();
    p.exp_string("Apply this change to src/c.tsx [y,n,a,q,?]?")
        .unwrap();
    p.send_line("q").unwrap();
    p.exp_string("1 of 4 changes accepted").unwrap();
    p.exp_string("1 file changed").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
    assert!(migrated(dir.path(), "src/a.tsx"));
    for rel in ["src/b.tsx", "src/c.tsx", "src/d.tsx"] {
        assert_eq!(
            std::fs::read_to_string(dir.path().join(rel)).unwrap(),
            LEGACY,
            "{rel} was not accepted"
        );
    }
}

#[test]
fn interactive_all_and_the_dirty_tree_guard() {
    let dir = repo(&[("a.tsx", LEGACY), ("b.tsx", LEGACY), ("c.tsx", LEGACY)]);
    // b.tsx has uncommitted changes: not asked about, refused as --write refuses it.
    let dirty = format!("// wip\n{LEGACY}");
    std::fs::write(dir.path().join("b.tsx"), &dirty).unwrap();
    let mut p = spawn(dir.path(), &["migrate", "--interactive"]);
    p.exp_string("Apply this change to a.tsx [y,n,a,q,?]?")
        .unwrap();
    p.send_line("a").unwrap();
    p.exp_string("b.tsx: not asked: has uncommitted changes")
        .unwrap();
    p.exp_string("2 of 3 changes accepted").unwrap();
    p.exp_string("b.tsx: not written: has uncommitted changes")
        .unwrap();
    p.exp_eof().unwrap();
    assert_eq!(
        exit_code(&p),
        2,
        "a refused file fails the run, as with --write"
    );
    assert!(migrated(dir.path(), "a.tsx") && migrated(dir.path(), "c.tsx"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("b.tsx")).unwrap(),
        dirty
    );
}

/// An answer that is not UTF-8 is an answer stepup does not know: the help,
/// and the question again; the run goes on and writes what was accepted.
#[test]
fn interactive_a_non_utf8_answer_is_asked_again() {
    use std::io::Write;
    let dir = repo(&[("a.tsx", LEGACY), ("b.tsx", LEGACY), ("c.tsx", LEGACY)]);
    let mut p = spawn(dir.path(), &["migrate", "-i"]);
    p.exp_string("Apply this change to a.tsx [y,n,a,q,?]?")
        .unwrap();
    p.send_line("y").unwrap();
    p.exp_string("Apply this change to b.tsx [y,n,a,q,?]?")
        .unwrap();
    let mut tty = p.process().get_file_handle().unwrap();
    tty.write_all(b"\xff\xfe\xc3(\n").unwrap();
    tty.flush().unwrap();
    p.exp_string("a - apply this change and every remaining one")
        .unwrap();
    p.exp_string("Apply this change to b.tsx [y,n,a,q,?]?")
        .unwrap();
    p.send_line("n").unwrap();
    p.exp_string("Apply this change to c.tsx [y,n,a,q,?]?")
        .unwrap();
    p.send_line("y").unwrap();
    p.exp_string("2 of 3 changes accepted").unwrap();
    p.exp_string("2 files changed").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
    assert!(migrated(dir.path(), "a.tsx") && migrated(dir.path(), "c.tsx"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("b.tsx")).unwrap(),
        LEGACY
    );
}

#[test]
fn interactive_needs_a_terminal() {
    let dir = repo(&[("a.tsx", LEGACY)]);
    let out = assert_cmd::Command::cargo_bin("stepup")
        .unwrap()
        .args(["migrate", "-i"])
        .current_dir(dir.path())
        .write_stdin("y\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not one; use --write"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.tsx")).unwrap(),
        LEGACY
    );
}

#[test]
fn the_progress_bar_is_drawn_on_a_terminal_only() {
    let files: Vec<(String, &str)> = (0..40).map(|i| (format!("src/f{i}.tsx"), LEGACY)).collect();
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), *t)).collect();
    let dir = repo(&files);
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_stepup"));
    cmd.arg("check")
        .current_dir(dir.path())
        .env("STEPUP_PROGRESS_DELAY_MS", "0");
    let mut p = spawn_command(cmd, Some(30_000)).unwrap();
    let shown = p.exp_eof().unwrap();
    assert!(
        shown.contains(" files ") && (shown.contains("reading") || shown.contains("analysing")),
        "{shown}"
    );
    assert!(shown.contains("/s"), "a rate: {shown}");
    // Piped, nothing but the findings.
    let out = assert_cmd::Command::cargo_bin("stepup")
        .unwrap()
        .arg("check")
        .current_dir(dir.path())
        .env("STEPUP_PROGRESS_DELAY_MS", "0")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("reading") && !stderr.contains('\r'),
        "{stderr}"
    );
}

/// The dependency bump is offered like a source file's change; declined,
/// the package.json stays as it was and no install is suggested.
#[test]
fn interactive_review_offers_the_package_json_bump() {
    let manifest = "{\n  \"dependencies\": {\n    \"@dynamic-labs/sdk-api-core\": \"0.0.964\",\n    \"@dynamic-labs/sdk-react-core\": \"^4.51.2\"\n  }\n}\n";
    for (answer, raised) in [("y", true), ("n", false)] {
        let dir = repo(&[
            ("package.json", manifest),
            ("package-lock.json", "{}\n"),
            ("src/a.tsx", LEGACY),
        ]);
        let mut p = spawn(dir.path(), &["migrate", "-i"]);
        p.exp_string("Apply this change to src/a.tsx [y,n,a,q,?]?")
            .unwrap();
        p.send_line("y").unwrap();
        p.exp_string("+    \"@dynamic-labs/sdk-react-core\": \"^4.76.0\"")
            .unwrap();
        p.exp_string("Apply this change to package.json [y,n,a,q,?]?")
            .unwrap();
        p.send_line(answer).unwrap();
        if raised {
            p.exp_string("run `npm install` to update package-lock.json")
                .unwrap();
        }
        p.exp_eof().unwrap();
        assert_eq!(exit_code(&p), 0);
        let now = std::fs::read_to_string(dir.path().join("package.json")).unwrap();
        let want = if raised {
            manifest.replace("^4.51.2", "^4.76.0")
        } else {
            manifest.to_string()
        };
        assert_eq!(now, want, "answer {answer}");
    }
}

/// `-i` asks at each token call whose scope stepup cannot tell, with the
/// candidates numbered, and applies the choice as `--decide` does.
#[test]
fn interactive_asks_for_the_scope_of_each_undecided_call() {
    const GUARD: &str = "import { usePromptMfaAuth } from '@dynamic-labs/sdk-react-core';\n\n\
export function Guard() {\n  const promptMfaAuth = usePromptMfaAuth();\n  \
const ensure = async () => {\n    await promptMfaAuth({ createMfaToken: true });\n  };\n  \
const again = async () => {\n    await promptMfaAuth({ createMfaToken: true });\n  };\n  \
return <button onClick={() => ensure().then(again)}>Go</button>;\n}\n";
    let dir = repo(&[("src/Guard.tsx", GUARD)]);
    let mut p = spawn(dir.path(), &["migrate", "-i"]);
    p.exp_string("(1/2) src/Guard.tsx:6: cannot tell which scope promptMfaAuth needs")
        .unwrap();
    p.exp_string("2) TokenScope.Walletsign").unwrap();
    p.exp_string("Scope for this call [1-3,s,q,?]?").unwrap();
    // An answer stepup does not know prints the help and asks again.
    p.send_line("9").unwrap();
    p.exp_string("s - skip this call").unwrap();
    p.exp_string("Scope for this call [1-3,s,q,?]?").unwrap();
    p.send_line("2").unwrap();
    p.exp_string("(2/2) src/Guard.tsx:9:").unwrap();
    p.exp_string("Scope for this call [1-3,s,q,?]?").unwrap();
    p.send_line("s").unwrap();
    p.exp_string("+    await promptStepUpAuth({ requestedScopes: [TokenScope.Walletsign] });")
        .unwrap();
    p.exp_string("Apply this change to src/Guard.tsx [y,n,a,q,?]?")
        .unwrap();
    p.send_line("y").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
    let after = std::fs::read_to_string(dir.path().join("src/Guard.tsx")).unwrap();
    assert!(
        after.contains("await promptStepUpAuth({ requestedScopes: [TokenScope.Walletsign] });")
    );
    assert!(
        after.contains("await promptMfaAuth({ createMfaToken: true });"),
        "the skipped call stays: {after}"
    );
}
