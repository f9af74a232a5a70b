//! Property-based fuzzing of the whole per-file pipeline: every fixture input,
//! mutated (bytes cut, tokens inserted, lines duplicated, line endings and a
//! BOM mixed in), must go through the engine without a panic; a rewrite must
//! re-parse with no more syntax errors than its input, keep every line the
//! edits do not touch, and change nothing when run again.
//!
//! CI runs a fixed-seed sample (`STEPUP_FUZZ_CASES`, default 300). For a long
//! run: `STEPUP_FUZZ_CASES=20000 STEPUP_FUZZ_SEED=$RANDOM cargo test --release --test fuzz`.

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
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1usize..24).prop_map(|(a, n)| Mutation::Cut(a, n)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(a, t)| Mutation::Insert(a, t)),
        any::<usize>().prop_map(Mutation::DuplicateLine),
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

#[test]
fn mutated_fixtures_never_break_the_pipeline() {
    let cases: u32 = std::env::var("STEPUP_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let seed: u64 = std::env::var("STEPUP_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5EED);
    let engine = Engine::new(Table::builtin());
    let workspace = stepup::workspace::FsWorkspace::new();
    let corpus = inputs();
    assert!(corpus.len() > 40);
    let config = Config {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let strategy = (0..corpus.len(), proptest::collection::vec(mutation(), 0..6));
    let result = runner.run(&strategy, |(i, ms)| {
        let (path, original) = &corpus[i];
        let lang = Lang::from_path(path).unwrap();
        let input = mutate(original.clone(), &ms);
        let env = stepup::engine::FileEnv {
            dir: path.parent().unwrap(),
            workspace: &workspace,
            manual_mock_of: None,
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
