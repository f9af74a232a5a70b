//! Property-based fuzzing of the whole per-file pipeline: every fixture input,
//! mutated (bytes cut, tokens inserted, lines duplicated, line endings — CRLF,
//! lone CRs, a whole file of CRs — and a BOM mixed in), must go through the
//! engine without a panic; a rewrite must re-parse with no more syntax errors
//! than its input, keep every line the edits do not touch, and change nothing
//! when run again. And the dry run's patch of such a file, under a random
//! file name (non-UTF-8 bytes, quotes, tabs, spaces), must be applied by
//! `git apply` to exactly the new text.
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
