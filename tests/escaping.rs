//! Every sink gets the repository's text escaped for itself: the terminal
//! and a CI log (no control character interpreted, no GitHub workflow
//! command made of user text), Markdown (nothing renders as a heading, HTML
//! or a broken code span); and the documents that carry bytes (the patch,
//! JSON, `--format github`'s file names) carry them exactly, whatever the
//! terminal. File names with a newline need a Unix file system.
#![cfg(unix)]

mod common;

use assert_cmd::Command;
use common::{LEGACY, copy_tree, git, write};
use serde_json::Value;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// A component whose findings quote hostile text: a comment spanning lines
/// inside a call stepup cannot read (the message quotes the argument), and a
/// `stepup-ignore` reason of several lines with a heading, HTML, a terminal
/// title sequence and workflow commands.
const HOSTILE: &str = "import { usePromptMfaAuth } from '@dynamic-labs/sdk-react-core';

export function X({ opts }) {
  const promptMfaAuth = usePromptMfaAuth();
	const go = async () => {
    await promptMfaAuth(opts /*
::error title=pwned::quoted source ````
  ::add-mask::indented\r::warning::after a lone CR
##[add-mask]mid-line
*/ .x);
  };
  const go2 = async () => {
    /* stepup-ignore prompt-mfa-auth: reviewed
::set-env name=STEPUP_PWNED::1
# Heading <img src=x onerror=alert(1)> \x1b]0;retitled\x07 ``` **bold**
| a | b | */
    await promptMfaAuth(opts);
  };
  return go && go2;
}
";

/// A file name with a newline, a workflow command, a terminal title
/// sequence and backticks.
const HOSTILE_NAME: &[u8] = b"a\n::add-mask::secret\x1b]0;title\x07`b``.tsx";
/// How the terminal shows it.
const HOSTILE_NAME_SHOWN: &str = r"a\n::add-mask::secret\x1b]0;title\x07`b``.tsx";

/// A file at the top whose name, shown first on a line, is a workflow command.
const ROOT_NAME: &str = "::warning title=x::root.tsx";

/// A file name with a workflow command whose content is not UTF-8 (a
/// problem, reported with its path) and names the legacy API.
const PROBLEM_NAME: &[u8] = b"c\n::warning::problem\x1b[2J.tsx";

fn hostile_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/x.tsx", HOSTILE.as_bytes());
    write_named(&dir.path().join("src"), HOSTILE_NAME, HOSTILE.as_bytes());
    let mut latin1 = b"// \xe9\n".to_vec();
    latin1.extend_from_slice(LEGACY.as_bytes());
    write_named(&dir.path().join("src"), PROBLEM_NAME, &latin1);
    // A name that is a workflow command when it starts a line.
    write_named(dir.path(), ROOT_NAME.as_bytes(), HOSTILE.as_bytes());
    dir
}

fn write_named(dir: &Path, name: &[u8], content: &[u8]) {
    std::fs::write(dir.join(OsStr::from_bytes(name)), content).unwrap();
}

fn stepup(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::cargo_bin("stepup")
        .unwrap()
        .args(args)
        .current_dir(dir)
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("FORCE_COLOR")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// No line of `text` (split where GitHub's runner splits: LF and CR) is a
/// workflow command (`::` after blanks; `##[` anywhere), and the only control
/// characters are line breaks and colour (SGR) sequences.
fn assert_inert(what: &str, text: &str) {
    for line in text.split(['\n', '\r']) {
        assert!(
            !line.trim_start().starts_with("::") && !line.contains("##["),
            "{what}: a line is a workflow command: {line:?}\n{text}"
        );
    }
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // Colour: ESC [ digits and semicolons, then m.
            assert_eq!(chars.next(), Some('['), "{what}: a bare ESC\n{text:?}");
            let mut params = String::new();
            while let Some(&p) = chars.peek() {
                if p.is_ascii_digit() || p == ';' {
                    params.push(p);
                    chars.next();
                } else {
                    break;
                }
            }
            assert_eq!(
                chars.next(),
                Some('m'),
                "{what}: not a colour: ESC[{params}"
            );
        } else {
            assert!(
                c == '\n' || !(c.is_control() || ('\u{2028}'..='\u{202e}').contains(&c)),
                "{what}: control character {c:?} in\n{text:?}"
            );
        }
    }
}

#[test]
fn human_output_shows_quoted_text_and_file_names_escaped() {
    let dir = hostile_dir();
    for color in ["never", "always"] {
        let (code, stdout, stderr) =
            stepup(dir.path(), &["check", "--verbose", "--color", color, "."]);
        assert_eq!(
            code,
            Some(2),
            "the non-UTF-8 legacy file is an error\n{stderr}"
        );
        assert_inert("check stdout", &stdout);
        assert_inert("check stderr", &stderr);
        // The text is there, shown: the name, the source the message quotes,
        // the reason.
        assert!(
            stdout.contains(&format!("src/{HOSTILE_NAME_SHOWN}:6:")),
            "{stdout}"
        );
        assert!(
            stdout.contains(r"\x3a:warning title=x::root.tsx:6:"),
            "{stdout}"
        );
        assert!(stdout.contains(r"(`opts /*\n::error title=pwned::quoted source ````\n  ::add-mask::indented\r::warning::after a lone CR\n##\x5badd-mask]mid-line\n*/ .x`)"), "{stdout}");
        assert!(stdout.contains(r"(suppressed: reviewed\n::set-env name=STEPUP_PWNED::1\n# Heading <img src=x onerror=alert(1)> \x1b]0;retitled\x07"), "{stdout}");
        assert!(
            stderr.contains(r"src/c\n::warning::problem\x1b[2J.tsx: skipped: not valid UTF-8"),
            "{stderr}"
        );
    }
    // migrate's report on stderr; the patch on stdout is the exact bytes.
    let (_, _, stderr) = stepup(
        dir.path(),
        &["migrate", "--verbose", "--color", "always", "."],
    );
    assert_inert("migrate stderr", &stderr);
    assert!(stderr.contains(HOSTILE_NAME_SHOWN), "{stderr}");
}

/// The code spans of one line of Markdown, as CommonMark reads them.
fn rendered(markdown: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_MATH
        | Options::ENABLE_GFM;
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(markdown, options));
    out
}

/// What Markdown made of repository text: no heading, HTML, emphasis or
/// table beyond the report's own; every file name whole in a code span; the
/// reason shown as text.
fn assert_markdown_inert(what: &str, markdown: &str) {
    let html = rendered(markdown);
    assert_eq!(html.matches("<h1>").count(), 1, "{what}: one title\n{html}");
    for tag in ["<img", "<strong>bold", "<em>", "<del>", "math"] {
        assert!(
            !html.contains(tag),
            "{what}: repository text rendered as {tag}\n{markdown}"
        );
    }
    assert!(
        html.matches("<table>").count() <= 1,
        "{what}: only the per-rule table\n{html}"
    );
    assert_eq!(
        html.matches("<h3>").count(),
        html.matches("<h3><code>").count(),
        "{what}: an item's heading starts with its place\n{html}"
    );
    // The hostile name is one code span, escaped as the terminal shows it
    // (pulldown-cmark writes `&lt;` and the like for what is text).
    let name = format!("<code>src/{}:", HOSTILE_NAME_SHOWN.replace('&', "&amp;"));
    assert!(
        html.contains(&name),
        "{what}: the name is not one code span\n{html}"
    );
    assert!(
        html.contains(
            "::set-env name=STEPUP_PWNED::1\\n# Heading &lt;img src=x onerror=alert(1)&gt;"
        ),
        "{what}: the reason is not shown as text\n{html}"
    );
    for line in markdown.lines() {
        assert!(!line.trim_start().starts_with("::"), "{what}: {line:?}");
    }
}

#[test]
fn markdown_report_and_job_summary_escape_repository_text() {
    let dir = hostile_dir();
    let (_, _, stderr) = stepup(dir.path(), &["migrate", "--report", "report.md", "src"]);
    let report = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(report.contains("## Suppressed"), "{stderr}\n{report}");
    assert_markdown_inert("--report", &report);
    let html = rendered(&report);
    assert!(
        html.contains("<td><code>prompt-mfa-auth</code></td>"),
        "{html}"
    );
    // An excerpt is a code block that no line of the source can close.
    assert!(
        html.contains("::error title=pwned::quoted source ````\n"),
        "{html}"
    );
    // Its tabs are indentation, kept as they are.
    assert!(report.contains("     5 | \tconst go = async"), "{report}");

    let summary = dir.path().join("summary.md");
    let out = Command::cargo_bin("stepup")
        .unwrap()
        .args(["check", "--format", "github", "src"])
        .current_dir(dir.path())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_markdown_inert("job summary", &std::fs::read_to_string(&summary).unwrap());
}

/// The bytes anstream strips when stdout is not a terminal.
const STRIPPED: &[(&str, u8)] = &[
    ("esc", 0x1b),
    ("bel", 0x07),
    ("bs", 0x08),
    ("nul", 0x00),
    ("so", 0x0e),
    ("can", 0x18),
    ("sub", 0x1a),
    ("del", 0x7f),
];

/// A repository with one file per byte of [`STRIPPED`], the byte in a
/// comment on a line the migration rewrites, and one file named with them.
fn control_byte_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    let line = "      await promptMfaAuth({ createMfaToken: true });";
    assert!(LEGACY.contains(line));
    for (name, byte) in STRIPPED {
        let comment = format!(" /* [{}] */", *byte as char);
        let text = LEGACY.replace(line, &format!("{line}{comment}"));
        write(dir.path(), &format!("src/{name}.tsx"), text.as_bytes());
    }
    let mut name = b"src/all".to_vec();
    name.extend(STRIPPED.iter().map(|(_, b)| *b).filter(|b| *b != 0));
    name.extend_from_slice(b".tsx");
    write(
        dir.path(),
        std::str::from_utf8(&name).unwrap(),
        LEGACY.as_bytes(),
    );
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "control bytes"]);
    dir
}

fn tree(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    common::files_under(dir, false)
        .into_iter()
        .filter(|p| !p.components().any(|c| c.as_os_str() == ".git"))
        .map(|p| {
            (
                p.strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

fn copy(dir: &Path) -> tempfile::TempDir {
    let to = tempfile::tempdir().unwrap();
    copy_tree(dir, to.path());
    to
}

/// A copy of `dir` after `migrate --write`.
fn written(dir: &Path) -> tempfile::TempDir {
    let written = copy(dir);
    let (code, _, stderr) = stepup(written.path(), &["migrate", "--write", "src"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_ne!(tree(written.path()), tree(dir), "--write changed the files");
    written
}

#[test]
fn the_patch_carries_control_bytes_exactly() {
    let dir = control_byte_repo();
    let expected = tree(written(dir.path()).path());

    // The dry run's patch, piped (not a terminal), applies to the same bytes.
    let patched = copy(dir.path());
    let out = Command::cargo_bin("stepup")
        .unwrap()
        .args(["migrate", "src"])
        .current_dir(patched.path())
        .env_remove("FORCE_COLOR")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    for (name, byte) in STRIPPED {
        let comment = [b"/* [".as_slice(), &[*byte], b"] */"].concat();
        assert!(
            out.stdout.windows(comment.len()).any(|w| w == comment),
            "the patch lost the {name} byte"
        );
    }
    let patch = patched.path().join("stepup.patch");
    std::fs::write(&patch, &out.stdout).unwrap();
    git(patched.path(), &["apply", "--check", "stepup.patch"]);
    git(patched.path(), &["apply", "stepup.patch"]);
    std::fs::remove_file(&patch).unwrap();
    assert!(
        tree(patched.path()) == expected,
        "git apply gave other bytes than --write"
    );
}

#[test]
fn json_edits_carry_control_bytes_exactly() {
    let dir = control_byte_repo();
    let written = written(dir.path());
    // Each file's edits, applied to the original, give --write's bytes.
    let (code, stdout, _) = stepup(dir.path(), &["migrate", "--format", "json", "src"]);
    assert_eq!(code, Some(0));
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let files = doc["files"].as_array().unwrap();
    assert_eq!(files.len(), STRIPPED.len() + 1);
    for f in files {
        let rel = f["path"].as_str().unwrap();
        let original = std::fs::read(dir.path().join(rel)).unwrap();
        let mut out = original.clone();
        let mut edits: Vec<&Value> = f["edits"].as_array().unwrap().iter().collect();
        edits.sort_by_key(|e| std::cmp::Reverse(e["start"]["byte"].as_u64().unwrap()));
        for e in edits {
            let (s, t) = (
                e["start"]["byte"].as_u64().unwrap() as usize,
                e["end"]["byte"].as_u64().unwrap() as usize,
            );
            out.splice(s..t, e["replacement"].as_str().unwrap().bytes());
        }
        assert!(
            out == std::fs::read(written.path().join(rel)).unwrap(),
            "{rel:?}: the JSON edits do not give what --write writes"
        );
    }
}

/// GitHub's runner unescapes these in a property.
fn unescape_property(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

#[test]
fn github_annotations_name_files_that_exist() {
    let dir = control_byte_repo();
    let (code, stdout, _) = stepup(dir.path(), &["check", "--format", "github", "src"]);
    assert_eq!(code, Some(1));
    let mut named = 0;
    for line in stdout.lines() {
        let file = line
            .split_once(" file=")
            .and_then(|(_, rest)| rest.split_once(','))
            .map(|(file, _)| unescape_property(file))
            .unwrap_or_else(|| panic!("no file= in {line:?}"));
        assert!(dir.path().join(&file).is_file(), "{file:?} does not exist");
        named += 1;
    }
    assert!(named > STRIPPED.len());
}

#[test]
fn error_messages_show_paths_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let odd = "x\n::error::forged\x1b]0;title\x07.txt";
    std::fs::write(dir.path().join(odd), "").unwrap();
    let cases = [
        // Through the run's streams: a path stepup cannot scan.
        vec!["check", odd],
        // Before the run: a config file that does not exist.
        vec!["check", "--config", "c\n  ::add-mask::y\x1b[2J.toml", "."],
    ];
    for args in cases {
        let (code, stdout, stderr) = stepup(dir.path(), &args);
        assert_eq!(code, Some(2), "{stderr}");
        assert_inert("stdout", &stdout);
        assert_inert("stderr", &stderr);
        assert!(stderr.starts_with("stepup: "), "{stderr}");
    }
    let (_, _, stderr) = stepup(dir.path(), &["check", odd]);
    assert!(
        stderr.contains(r"\x3a:error::forged\x1b]0;title\x07.txt"),
        "{stderr}"
    );
}

/// `migrate -i` shows each diff on the terminal: the source's control
/// characters and the file name are shown escaped, even with colour on.
#[test]
fn the_interactive_review_shows_control_characters_escaped() {
    use rexpect::session::spawn_command;
    let name = "t\x1b]0;title\x07.tsx";
    let line = "      await promptMfaAuth({ createMfaToken: true });";
    let text = LEGACY.replace(line, &format!("{line} // \x1b]0;retitled\x07 \x1b[2J"));
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), name, text.as_bytes());
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "init"]);
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_stepup"));
    cmd.args(["migrate", "-i", "--color", "always"])
        .current_dir(dir.path());
    let mut p = spawn_command(cmd, Some(30_000)).expect("a pseudo-terminal");
    let mut shown = p.exp_string(r"(1/1) t\x1b]0;title\x07.tsx").unwrap();
    shown += &p.exp_string(r"// \x1b]0;retitled\x07 \x1b[2J").unwrap();
    shown += &p
        .exp_string(r"Apply this change to t\x1b]0;title\x07.tsx [y,n,a,q,?]?")
        .unwrap();
    p.send_line("n").unwrap();
    shown += &p.exp_eof().unwrap();
    assert!(
        !shown.contains("\x1b]") && !shown.contains("\x1b[2J") && !shown.contains('\x07'),
        "{shown:?}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join(name)).unwrap(),
        text
    );
}

/// Every string of a JSON document, depth first.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
        Value::Object(o) => o.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

#[test]
fn sarif_fixes_carry_control_bytes_exactly() {
    let dir = control_byte_repo();
    let (code, stdout, _) = stepup(dir.path(), &["check", "--format", "sarif", "src"]);
    assert_eq!(code, Some(1));
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let mut all = Vec::new();
    strings(&doc, &mut all);
    for (name, byte) in STRIPPED {
        let comment = format!("/* [{}] */", *byte as char);
        assert!(
            all.iter().any(|s| s.contains(&comment)),
            "no fix holds the {name} byte"
        );
    }
}
