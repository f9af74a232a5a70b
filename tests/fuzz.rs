//! Property-based fuzzing of the whole per-file pipeline: every fixture input,
//! mutated (bytes cut, tokens inserted, lines duplicated, line endings — CRLF,
//! lone CRs, a whole file of CRs — and a BOM mixed in), must go through the
//! engine without a panic; a rewrite must re-parse with no more syntax errors
//! than its input, keep every line the edits do not touch, and change nothing
//! when run again. And the dry run's patch of such a file, under a random
//! file name (non-UTF-8 bytes, quotes, tabs, spaces), must be applied by
//! `git apply` to exactly the new text. The same inputs encoded as UTF-16
//! (LE and BE, with a BOM, sometimes damaged) decode to exactly their text
//! or are refused, never a panic.
//!
//! CI runs a fixed-seed sample (`STEPUP_FUZZ_CASES`, default 300, for each
//! property). For a long run:
//! `STEPUP_FUZZ_CASES=20000 STEPUP_FUZZ_SEED=$RANDOM cargo test --release --test fuzz`.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use std::path::{Path, PathBuf};
use stepup::engine::Engine;
use stepup::lang::{Lang, syntax_error_count};
use stepup::table::Table;

const TOKENS: &[&str] = &[
    "(",
    ")",
    "{",
    "}",
    ",",
    ";",
    "\n",
    "\r\n",
    "\r",
    "/* \r */",
    "`\r`",
    "createMfaToken: true",
    "createMfaToken",
    "await ",
    "MFAAction.WalletWaasSign",
    "useMfa()",
    "const { authenticateDevice } = useMfa();",
    "isMfaRequiredForAction",
    "\u{feff}",
    "é",
    "'",
    "`",
    "/*",
    "*/",
    "//",
    "=>",
    "requestedScopes: []",
    "import { useMfa } from '@dynamic-labs/sdk-react-core';\n",
    "...opts",
    "mfa.authenticateDevice",
];

fn inputs() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    for dir in std::fs::read_dir(root).unwrap().map(|e| e.unwrap().path()) {
        for f in std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()) {
            let stem = f.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            if f.is_file()
                && (stem == "input" || stem == "expected")
                && Lang::from_path(&f).is_some()
            {
                out.push((f.clone(), std::fs::read_to_string(&f).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[derive(Debug, Clone)]
enum Mutation {
    Cut(usize, usize),
    Insert(usize, usize),
    DuplicateLine(usize),
    /// Every line break becomes a lone CR (old Mac line endings).
    CrOnly,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        8 => (any::<usize>(), 1usize..24).prop_map(|(a, n)| Mutation::Cut(a, n)),
        8 => (any::<usize>(), 0..TOKENS.len()).prop_map(|(a, t)| Mutation::Insert(a, t)),
        4 => any::<usize>().prop_map(Mutation::DuplicateLine),
        1 => Just(Mutation::CrOnly),
    ]
}

fn boundary(s: &str, at: usize) -> usize {
    let mut at = at % (s.len() + 1);
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn mutate(mut s: String, ms: &[Mutation]) -> String {
    for m in ms {
        match *m {
            Mutation::Cut(a, n) => {
                let start = boundary(&s, a);
                let end = boundary(&s, start + n.min(s.len() - start));
                s.replace_range(start..end.max(start), "");
            }
            Mutation::Insert(a, t) => {
                let at = boundary(&s, a);
                s.insert_str(at, TOKENS[t]);
            }
            Mutation::CrOnly => s = s.replace("\r\n", "\r").replace('\n', "\r"),
            Mutation::DuplicateLine(a) => {
                let lines: Vec<&str> = s.split_inclusive('\n').collect();
                if !lines.is_empty() {
                    let i = a % lines.len();
                    let mut out: Vec<&str> = lines.clone();
                    out.insert(i, lines[i]);
                    s = out.concat();
                }
            }
        }
    }
    s
}

/// Every input line that no touched range reaches must still be in the
/// output, in order.
fn untouched_lines_kept(
    input: &str,
    output: &str,
    touched: &[(usize, usize)],
) -> Result<(), String> {
    let mut out_lines = output.split_inclusive('\n');
    let mut pos = 0;
    for line in input.split_inclusive('\n') {
        let (start, end) = (pos, pos + line.len());
        pos = end;
        if touched
            .iter()
            .any(|(s, e)| *s < end && start < *e.max(&(s + 1)))
        {
            continue;
        }
        if !out_lines.any(|l| l == line) {
            return Err(format!(
                "line {line:?} (bytes {start}..{end}) was changed or lost"
            ));
        }
    }
    Ok(())
}

fn config() -> Config {
    let cases: u32 = std::env::var("STEPUP_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let seed: u64 = std::env::var("STEPUP_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5EED);
    Config {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        ..Config::default()
    }
}

#[test]
fn mutated_fixtures_never_break_the_pipeline() {
    let engine = Engine::new(Table::builtin());
    let workspace = stepup::workspace::FsWorkspace::new();
    let corpus = inputs();
    assert!(corpus.len() > 40);
    let mut runner = TestRunner::new(config());
    let strategy = (0..corpus.len(), proptest::collection::vec(mutation(), 0..6));
    let result = runner.run(&strategy, |(i, ms)| {
        let (path, original) = &corpus[i];
        let lang = Lang::from_path(path).unwrap();
        let input = mutate(original.clone(), &ms);
        let env = stepup::engine::FileEnv {
            dir: path.parent().unwrap(),
            workspace: &workspace,
            manual_mock_of: None,
            decisions: None,
        };
        let out = engine.process(&input, lang, &env);
        if let Some(rewritten) = &out.rewritten {
            let before = syntax_error_count(&lang.parse(input.trim_start_matches('\u{feff}')));
            let after = syntax_error_count(&lang.parse(rewritten.trim_start_matches('\u{feff}')));
            prop_assert!(
                after <= before,
                "syntax errors grew {before} → {after}:\n{rewritten}"
            );
            prop_assert!(
                untouched_lines_kept(&input, rewritten, &out.touched).is_ok(),
                "{:?}",
                untouched_lines_kept(&input, rewritten, &out.touched)
            );
            let again = engine.process(rewritten, lang, &env);
            prop_assert!(
                again.rewritten.is_none(),
                "second pass changed:\n{}\n--- to ---\n{}",
                rewritten,
                again.rewritten.unwrap_or_default()
            );
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// The same mutated fixtures, encoded as UTF-16 with a BOM (little- or
/// big-endian), sometimes damaged (a byte cut, a lone surrogate spliced in):
/// decoding never panics, gives back exactly the text (and encoding it back
/// exactly the bytes) when they are whole and refuses them when they are
/// not; the decoded text goes through the engine like any other (the
/// prefilter sees the names too), and its rewrite encodes back with the BOM.
#[test]
fn utf16_encodings_of_mutated_fixtures_decode_or_are_refused() {
    use stepup::encoding::{Utf16, decode_utf16, scannable};
    let engine = Engine::new(Table::builtin());
    let workspace = stepup::workspace::FsWorkspace::new();
    let corpus = inputs();
    let mut runner = TestRunner::new(config());
    let strategy = (
        0..corpus.len(),
        proptest::collection::vec(mutation(), 0..6),
        any::<bool>(),
        0u8..4,
        any::<usize>(),
    );
    let result = runner.run(&strategy, |(i, ms, big_endian, damage, at)| {
        let (path, original) = &corpus[i];
        let lang = Lang::from_path(path).unwrap();
        let text = format!(
            "\u{feff}{}",
            mutate(original.clone(), &ms).trim_start_matches('\u{feff}')
        );
        let order = if big_endian { Utf16::Be } else { Utf16::Le };
        let mut bytes: Vec<u8> = text
            .encode_utf16()
            .flat_map(|u| {
                if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect();
        prop_assert_eq!(Utf16::of(&bytes), Some(order));
        let units = bytes.len() / 2;
        let damaged = match damage {
            0 => {
                bytes.pop();
                true
            }
            1 => {
                let unit = 1 + at % units;
                let lone: [u8; 2] = if big_endian {
                    [0xDC, 0x00]
                } else {
                    [0x00, 0xDC]
                };
                bytes.splice(2 * unit..2 * unit, lone);
                true
            }
            _ => false,
        };
        let decoded = decode_utf16(&bytes, order);
        let _ = scannable(&bytes);
        if damaged {
            prop_assert!(decoded.is_err(), "damaged bytes decoded");
            return Ok(());
        }
        let decoded = decoded.unwrap();
        prop_assert_eq!(&decoded, &text);
        prop_assert!(
            order.encode(&decoded) == bytes,
            "encoding back changed bytes"
        );
        prop_assert_eq!(
            engine.is_candidate(&scannable(&bytes)),
            engine.is_candidate(text.as_bytes())
        );
        let env = stepup::engine::FileEnv::new(path.parent().unwrap(), &workspace);
        let out = engine.process(&decoded, lang, &env);
        if let Some(rewritten) = &out.rewritten {
            // What --write writes: the rewrite, encoded back with its BOM.
            prop_assert!(rewritten.starts_with('\u{feff}'), "the BOM is kept");
            let written = order.encode(rewritten);
            prop_assert_eq!(Utf16::of(&written), Some(order));
            let back = decode_utf16(&written, order);
            prop_assert!(back.as_deref() == Ok(rewritten.as_str()), "{back:?}");
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// File names with the bytes git quotes: controls, quotes, backslashes,
/// spaces, DEL and bytes that are not UTF-8, among plain letters.
#[cfg(unix)]
fn file_name() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        6 => proptest::sample::select(b"abcXYZ019_-.".to_vec()),
        1 => proptest::sample::select(b" \t\r\n\"\\\x07\x1b\x7f".to_vec()),
        2 => 0x80u8..=0xff,
    ];
    proptest::collection::vec(byte, 1..12)
        .prop_filter("a file name", |n| n != b"." && n != b"..")
        .prop_map(|mut n| {
            n.extend_from_slice(b".tsx");
            n
        })
}

/// The dry run's patch of a mutated fixture (its rewrite, or a second
/// mutation when the engine changes nothing), under a random name, applies
/// with `git apply` to exactly the new text.
#[cfg(unix)]
#[test]
fn patches_of_mutated_fixtures_apply_with_git() {
    use std::os::unix::ffi::OsStrExt;
    let engine = Engine::new(Table::builtin());
    let workspace = stepup::workspace::FsWorkspace::new();
    let corpus = inputs();
    let dir = tempfile::tempdir().unwrap();
    let mut runner = TestRunner::new(config());
    let strategy = (
        0..corpus.len(),
        proptest::collection::vec(mutation(), 0..6),
        proptest::collection::vec(mutation(), 1..4),
        file_name(),
    );
    let result = runner.run(&strategy, |(i, ms, more, name)| {
        let (path, original) = &corpus[i];
        let lang = Lang::from_path(path).unwrap();
        let old = mutate(original.clone(), &ms);
        let env = stepup::engine::FileEnv::new(path.parent().unwrap(), &workspace);
        let new = engine
            .process(&old, lang, &env)
            .rewritten
            .unwrap_or_else(|| mutate(old.clone(), &more));
        if new == old {
            return Ok(());
        }
        let file = dir.path().join(std::ffi::OsStr::from_bytes(&name));
        std::fs::write(&file, &old).unwrap();
        let patch = stepup::report::diff::unified(&name, &old, &new);
        let applied = git_apply(dir.path(), patch.as_bytes());
        let now = std::fs::read(&file).unwrap();
        std::fs::remove_file(&file).unwrap();
        prop_assert!(applied.is_ok(), "{:?}\n{patch}", applied);
        prop_assert!(
            now == new.as_bytes(),
            "git apply gave other bytes:\n{patch}"
        );
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[cfg(unix)]
fn git_apply(dir: &Path, patch: &[u8]) -> Result<(), String> {
    use std::io::Write;
    let mut child = std::process::Command::new("git")
        .args(["-c", "core.autocrlf=false", "-c", "core.safecrlf=false"])
        .args(["apply", "--whitespace=nowarn", "-"])
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(patch).unwrap();
    let out = child.wait_with_output().unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).to_string())
    }
}

/// Control bytes, invisible formatting characters and text that would be a
/// GitHub workflow command at the start of a line, or anywhere (`##[`).
#[cfg(unix)]
const CONTROL_TOKENS: &[&str] = &[
    "\x1b",
    "\x07",
    "\x08",
    "\0",
    "\x0e",
    "\x18",
    "\x1a",
    "\x7f",
    "\x1b]0;title\x07",
    "\x1b[2J",
    "\n::error::forged\n",
    "\r::add-mask::x",
    "##[add-mask]y",
    "\u{202e}",
    "\u{9b}",
    "\u{2028}",
    "\t",
];

/// Control tokens inserted at random places (comments, strings, the lines a
/// rewrite touches).
#[cfg(unix)]
fn with_controls(mut s: String, inserts: &[(usize, usize)]) -> String {
    for &(at, t) in inserts {
        let at = boundary(&s, at);
        s.insert_str(at, CONTROL_TOKENS[t]);
    }
    s
}

/// File names a shell or a log mistakes: a newline, ESC, BEL, backticks,
/// tabs, spaces, a leading `-`, a workflow command.
#[cfg(unix)]
fn odd_name() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        6 => proptest::sample::select(b"abcXYZ019_-. ".to_vec()),
        2 => proptest::sample::select(b"\n\x1b\x07`\t\r\x7f:".to_vec()),
    ];
    let lead = proptest::sample::select(vec![&b""[..], b"-", b"--", b"::error::", b"`", b" "]);
    (lead, proptest::collection::vec(byte, 1..10))
        .prop_map(|(lead, body)| [lead, &body, b".tsx"].concat())
}

/// Human text has no control character but line breaks and its own colour
/// (SGR) sequences, and no line (split as GitHub's runner splits) is a
/// workflow command.
#[cfg(unix)]
fn human_text_is_inert(text: &str) -> Result<(), String> {
    for line in text.split(['\n', '\r']) {
        if line.trim_start().starts_with("::") || line.contains("##[") {
            return Err(format!("a workflow command: {line:?}"));
        }
    }
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            if chars.next() != Some('[') {
                return Err("a bare ESC".into());
            }
            while chars
                .peek()
                .is_some_and(|p| p.is_ascii_digit() || *p == ';')
            {
                chars.next();
            }
            if chars.next() != Some('m') {
                return Err("an escape sequence that is not a colour".into());
            }
        } else if c != '\n' && (c.is_control() || ('\u{2028}'..='\u{202e}').contains(&c)) {
            return Err(format!("control character {c:?}"));
        }
    }
    Ok(())
}

/// What Markdown makes of a report: one title, each item's heading starting
/// with its place as one code span, no image or inline HTML.
#[cfg(unix)]
fn markdown_is_inert(markdown: &str) -> Result<(), String> {
    use pulldown_cmark::{Options, Parser, html};
    let mut out = String::new();
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_GFM;
    html::push_html(&mut out, Parser::new_ext(markdown, options));
    if out.matches("<h1>").count() != 1
        || out.matches("<h3>").count() != out.matches("<h3><code>").count()
        || out.contains("<img")
    {
        return Err(format!("the Markdown renders as\n{out}"));
    }
    match markdown.lines().find(|l| l.trim_start().starts_with("::")) {
        Some(l) => Err(format!("a workflow command: {l:?}")),
        None => Ok(()),
    }
}

/// A mutated fixture with control bytes, under an odd name, through the whole
/// session and every printer: human text and Markdown stay inert, each
/// annotation names the file exactly, the JSON edits and the patch give the
/// rewrite byte for byte.
#[cfg(unix)]
#[test]
fn control_bytes_and_odd_names_reach_each_sink_as_it_needs() {
    use proptest::test_runner::TestCaseError;
    use std::os::unix::ffi::OsStrExt;
    let corpus = inputs();
    let dir = tempfile::tempdir().unwrap();
    let mut runner = TestRunner::new(config());
    let strategy = (
        0..corpus.len(),
        proptest::collection::vec(mutation(), 0..3),
        proptest::collection::vec((any::<usize>(), 0..CONTROL_TOKENS.len()), 1..5),
        odd_name(),
    );
    let result = runner.run(&strategy, |(i, ms, controls, name)| {
        let (_, original) = &corpus[i];
        let text = with_controls(mutate(original.clone(), &ms), &controls);
        let case = tempfile::tempdir_in(dir.path()).unwrap();
        let file = case.path().join(std::ffi::OsStr::from_bytes(&name));
        std::fs::write(&file, &text).unwrap();
        let opts = stepup::session::SessionOptions {
            stdin: None,
            roots: vec![file.clone()],
            walk: Default::default(),
            progress: false,
            bump: false,
            decide: Vec::new(),
            scope_fixes: false,
        };
        let report = stepup::session::run(&|_| Ok(Engine::new(Table::builtin())), &opts).unwrap();
        text_sinks_are_inert(&report).map_err(TestCaseError::fail)?;
        byte_sinks_are_exact(&report, &name, &text, &file).map_err(TestCaseError::fail)?;
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// The human reports and the Markdown report are inert; each annotation's
/// `file=` names the report's one file exactly.
#[cfg(unix)]
fn text_sinks_are_inert(report: &stepup::report::Report) -> Result<(), String> {
    use stepup::report::markdown::{Markdown, Mode};
    use stepup::report::{Printer, github, human};
    let human = human::CheckReport { verbose: true }.print(report)
        + &human::MigrateReport {
            write: false,
            verbose: true,
            quiet: false,
        }
        .print(report);
    human_text_is_inert(&human).map_err(|e| format!("human report: {e}\n{human}"))?;
    let markdown = Markdown {
        mode: Mode::Migrate { write: false },
        excerpts: true,
        links: None,
        limit: None,
    }
    .print(report);
    markdown_is_inert(&markdown).map_err(|e| format!("Markdown report: {e}"))?;
    // A mutation may leave nothing of Dynamic's: then no file is reported.
    let Some(first) = report.files.first() else {
        return Ok(());
    };
    let display = &first.display;
    for line in github::Github.print(report).lines() {
        let file = line
            .split_once(" file=")
            .and_then(|(_, rest)| rest.split([',', ':']).next())
            .map(|f| {
                f.replace("%0D", "\r")
                    .replace("%0A", "\n")
                    .replace("%3A", ":")
                    .replace("%2C", ",")
                    .replace("%25", "%")
            });
        if file.as_ref() != Some(display) {
            return Err(format!("{line:?} does not name {display:?}"));
        }
    }
    Ok(())
}

/// The JSON edits of the report's one file, and its patch under `name`
/// applied with `git apply` to `file` (holding `text`), give the rewrite.
#[cfg(unix)]
fn byte_sinks_are_exact(
    report: &stepup::report::Report,
    name: &[u8],
    text: &str,
    file: &Path,
) -> Result<(), String> {
    use stepup::report::{Printer, json};
    let Some(change) = report.files.first().and_then(|f| f.change.as_ref()) else {
        return Ok(());
    };
    let doc: serde_json::Value = serde_json::from_str(&json::Json.print(report)).unwrap();
    let mut out = change.original.clone();
    let mut edits: Vec<&serde_json::Value> = doc["files"][0]["edits"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e["start"]["byte"].as_u64().unwrap()));
    for e in edits {
        let (s, t) = (
            e["start"]["byte"].as_u64().unwrap() as usize,
            e["end"]["byte"].as_u64().unwrap() as usize,
        );
        out.splice(s..t, e["replacement"].as_str().unwrap().bytes());
    }
    if out != change.rewritten.as_bytes() {
        return Err(format!(
            "JSON edits differ:\n{:?}\n{:?}\n{}",
            String::from_utf8_lossy(&change.original),
            change.rewritten,
            doc["files"][0]["edits"]
        ));
    }
    let patch = stepup::report::diff::unified(name, text, &change.rewritten);
    git_apply(file.parent().unwrap(), patch.as_bytes()).map_err(|e| format!("{e}\n{patch}"))?;
    if std::fs::read(file).unwrap() != change.rewritten.as_bytes() {
        return Err(format!("git apply gave other bytes:\n{patch}"));
    }
    Ok(())
}
