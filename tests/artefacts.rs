//! What a reviewer reads: the Markdown report (`migrate --report`) and the
//! GitHub job summary — links to each line when GitHub's variables are set,
//! `- [ ]` review items, each rewritten call with its scope, excerpts
//! fenced by language, identical findings grouped, the rule catalog last
//! and folded — and their size limits on a generated tree of thousands of
//! files.

mod common;

use assert_cmd::Command;
use std::path::Path;

const GITHUB_VARS: [&str; 5] = [
    "GITHUB_SERVER_URL",
    "GITHUB_REPOSITORY",
    "GITHUB_SHA",
    "GITHUB_WORKSPACE",
    "GITHUB_STEP_SUMMARY",
];

fn stepup(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut cmd = Command::cargo_bin("stepup").unwrap();
    cmd.args(args).current_dir(dir);
    for v in GITHUB_VARS {
        cmd.env_remove(v);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const EXPORT: &str = r#"import { usePromptMfaAuth, useIsMfaRequiredForAction } from '@dynamic-labs/sdk-react-core';
import { MFAAction } from '@dynamic-labs/sdk-api-core';

export function Export() {
  const isMfaRequiredForAction = useIsMfaRequiredForAction();
  const promptMfaAuth = usePromptMfaAuth();
  return async () => {
    if (await isMfaRequiredForAction({ mfaAction: MFAAction.WalletWaasExport })) {
      await promptMfaAuth({ createMfaToken: true });
    }
  };
}
"#;

/// A call stepup cannot migrate (no scope to infer): one review item.
const GUARD: &str = r#"import { usePromptMfaAuth } from '@dynamic-labs/sdk-react-core';

export function Guard() {
  const promptMfaAuth = usePromptMfaAuth();
  return async () => {
    await promptMfaAuth({ createMfaToken: true });
  };
}
"#;

fn report(dir: &Path, env: &[(&str, &str)], extra: &[&str]) -> String {
    let mut args = vec!["migrate", "--report", "report.md"];
    args.extend(extra);
    let (code, stderr) = stepup(dir, &args, env);
    assert_eq!(code, Some(0), "{stderr}");
    std::fs::read_to_string(dir.join("report.md")).unwrap()
}

#[test]
fn the_report_links_each_place_and_lists_review_items_as_tasks() {
    let repo = tempfile::tempdir().unwrap();
    // stepup runs in a package of the repository; one folder's name needs
    // percent-encoding in a URL.
    let app = repo.path().join("apps/web app");
    common::write_files(
        &app,
        &[
            ("src/Export.tsx", EXPORT),
            ("src/Guard.tsx", GUARD),
            ("src/guard.jsx", GUARD),
            ("src/guard.js", GUARD),
            ("src/guard.ts", &GUARD.replace("<", "")),
            ("src/#hash.ts", &GUARD.replace("<", "")),
        ],
    );
    let workspace = repo.path().to_str().unwrap();
    let env = [
        ("GITHUB_SERVER_URL", "https://github.example.com"),
        ("GITHUB_REPOSITORY", "acme/wallet"),
        ("GITHUB_SHA", "0123abcd"),
        ("GITHUB_WORKSPACE", workspace),
    ];
    let text = report(&app, &env, &[]);
    let base = "https://github.example.com/acme/wallet/blob/0123abcd/apps/web%20app";
    // Each rewritten call with the scope it chose, linked.
    assert!(
        text.contains(&format!(
            "- [`src/Export.tsx:9`]({base}/src/Export.tsx#L9) `prompt-mfa-auth` → `TokenScope.Walletexport`"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "- [`src/Export.tsx:8`]({base}/src/Export.tsx#L8) `is-mfa-required-for-action` → `TokenScope.Walletexport`"
        )),
        "{text}"
    );
    // Review items are tasks; the path is percent-encoded in the URL.
    assert!(
        text.contains(&format!(
            "- [ ] [`src/#hash.ts:6`]({base}/src/%23hash.ts#L6), [`src/Guard.tsx:6`]"
        )),
        "{text}"
    );
    // Excerpts are fenced by language: one of each, in the grouped items'
    // first place (the five review items share a message: one task).
    let review = text
        .split("## Needs manual review")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .unwrap_or_default();
    let tasks = review.matches("- [ ] ").count();
    assert_eq!(tasks, 1, "identical findings are grouped:\n{text}");
    for (file, _) in [
        ("src/Guard.tsx", "tsx"),
        ("src/guard.js", "js"),
        ("src/guard.jsx", "jsx"),
        ("src/guard.ts", "ts"),
    ] {
        assert!(
            text.contains(&format!("[`{file}:6`]({base}/{file}#L6)")),
            "{file}:\n{text}"
        );
    }
    assert!(text.contains("  ```ts\n"), "{text}");
    // The rule catalog comes last, folded; nothing opens with a table.
    let details = text.find("<details>").expect("a folded catalog");
    assert!(!text[..details].contains("| rule |"), "{text}");
    assert!(text.ends_with("</details>\n"), "{text}");
    assert!(
        text[details..].contains("| `prompt-mfa-auth` | error | 6 | 1 |"),
        "{text}"
    );

    // Without GitHub's variables: the same report without links.
    let plain = report(&app, &[], &[]);
    assert!(!plain.contains("](http"), "{plain}");
    assert!(
        plain.contains("- [ ] `src/#hash.ts:6`, `src/Guard.tsx:6`, `src/guard.js:6`"),
        "{plain}"
    );
    assert!(
        plain.contains("`src/guard.ts:6` — `prompt-mfa-auth` (error): cannot tell"),
        "{plain}"
    );
}

#[test]
fn excerpts_are_fenced_by_the_files_language() {
    let dir = tempfile::tempdir().unwrap();
    // Distinct messages (one action variable per file): no grouping.
    for (name, lang) in [
        ("a.tsx", "tsx"),
        ("b.jsx", "jsx"),
        ("c.js", "js"),
        ("d.ts", "ts"),
    ] {
        let source = format!(
            "import {{ useIsMfaRequiredForAction }} from '@dynamic-labs/sdk-react-core';\n\
             export function use{lang}(action{lang}) {{\n  const check = useIsMfaRequiredForAction();\n  \
             return () => check({{ mfaAction: action{lang} }});\n}}\n"
        );
        common::write_files(dir.path(), &[(&format!("src/{name}"), &source)]);
    }
    let text = report(dir.path(), &[], &[]);
    for (name, lang) in [
        ("a.tsx", "tsx"),
        ("b.jsx", "jsx"),
        ("c.js", "js"),
        ("d.ts", "ts"),
    ] {
        let item = text
            .find(&format!("`src/{name}:4`"))
            .unwrap_or_else(|| panic!("{name}:\n{text}"));
        let fence = text[item..].find("```").unwrap();
        assert!(
            text[item + fence..].starts_with(&format!("```{lang}\n")),
            "{name}:\n{text}"
        );
    }
}

/// `n` files with two review items each, every message distinct (the
/// action is held in a variable named after the file).
fn big_tree(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    for i in 0..n {
        std::fs::write(
            src.join(format!("f{i}.tsx")),
            format!(
                "import {{ useIsMfaRequiredForAction }} from '@dynamic-labs/sdk-react-core';\n\n\
                 export function C{i}({{ a{i}, b{i} }}) {{\n  \
                 const isMfaRequiredForAction = useIsMfaRequiredForAction();\n  \
                 return async () => {{\n    \
                 await isMfaRequiredForAction({{ mfaAction: a{i} }});\n    \
                 await isMfaRequiredForAction({{ mfaAction: b{i} }});\n  }};\n}}\n"
            ),
        )
        .unwrap();
    }
    dir
}

#[test]
fn reports_and_job_summaries_stay_within_githubs_limits_on_thousands_of_files() {
    let dir = big_tree(3000);
    let root = dir.path();
    let env = [
        ("GITHUB_SERVER_URL", "https://github.com"),
        ("GITHUB_REPOSITORY", "acme/wallet"),
        ("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567"),
    ];

    // --report: at most 65,536 characters by default, cut after an item.
    let text = report(root, &env, &[]);
    assert!(text.chars().count() <= 65_536, "{}", text.len());
    assert!(text.len() > 60_000, "the limit is used, not wasted");
    let cut = text
        .find("**Cut to stay within 65536 characters:** left out ")
        .expect("a line says the report was cut");
    let shown = text[..cut].matches("- [ ] ").count();
    assert!(
        text[cut..].contains(&format!(
            "left out {} items under “Needs manual review”",
            6000 - shown
        )),
        "{}",
        &text[cut..]
    );
    assert!(text[cut..].contains("`stepup migrate --format json`"));
    assert!(
        text.ends_with("</details>\n"),
        "the catalog still closes it"
    );
    // The cut falls between items: every fence opened is closed.
    assert_eq!(text[..cut].matches("```").count() % 2, 0);

    // Without a limit it would be far longer; with another, it keeps to it.
    let whole = report(root, &env, &["--report-limit", "0"]);
    assert!(whole.len() > 1_000_000, "{}", whole.len());
    assert!(!whole.contains("Cut to stay within"));
    assert_eq!(whole.matches("- [ ] ").count(), 6000);
    let small = report(root, &env, &["--report-limit", "20000"]);
    assert!(small.chars().count() <= 20_000 && small.contains("Cut to stay within 20000"));

    // The job summary: at most 1 MiB in all, with what the step wrote before.
    let summary = root.join("summary.md");
    let earlier = "x".repeat(100_000) + "\n";
    std::fs::write(&summary, &earlier).unwrap();
    let mut with_summary = env.to_vec();
    with_summary.push(("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()));
    let (code, _) = stepup(root, &["check", "--format", "github"], &with_summary);
    assert_eq!(code, Some(1));
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(written.starts_with(&earlier));
    assert!(written.len() <= 1024 * 1024, "{}", written.len());
    assert!(written.len() > 1024 * 1024 - 100_000, "{}", written.len());
    assert!(written.contains("left out "), "cut with a line saying so");
    assert!(written.contains("`stepup check --format json`"));
}

#[test]
fn a_report_limit_too_small_to_hold_an_item_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    common::write_files(dir.path(), &[("src/Guard.tsx", GUARD)]);
    let (code, stderr) = stepup(
        dir.path(),
        &["migrate", "--report", "r.md", "--report-limit", "100"],
        &[],
    );
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("must be 0 (no limit) or at least 4096"),
        "{stderr}"
    );
    assert!(!dir.path().join("r.md").exists(), "nothing written");
}

#[test]
fn a_cut_report_keeps_what_needs_a_human_first() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    // Each file: one call stepup rewrites, one it cannot (its own action variable).
    for i in 0..300 {
        std::fs::write(
            src.join(format!("f{i}.tsx")),
            format!(
                "import {{ useIsMfaRequiredForAction }} from '@dynamic-labs/sdk-react-core';\n\
                 import {{ MFAAction }} from '@dynamic-labs/sdk-api-core';\n\n\
                 export function C{i}({{ a{i} }}) {{\n  \
                 const isMfaRequiredForAction = useIsMfaRequiredForAction();\n  \
                 return async () => {{\n    \
                 await isMfaRequiredForAction({{ mfaAction: MFAAction.WalletWaasExport }});\n    \
                 await isMfaRequiredForAction({{ mfaAction: a{i} }});\n  }};\n}}\n"
            ),
        )
        .unwrap();
    }
    let text = report(dir.path(), &[], &["--report-limit", "20000"]);
    assert!(text.len() <= 20_000);
    assert!(text.contains("## Needs manual review\n\n- [ ] "), "{text}");
    assert!(!text.contains("## Changed files"), "{text}");
    assert!(!text.contains("## Calls the diff rewrites"), "{text}");
    let shown = text.matches("- [ ] ").count();
    assert!(shown > 10, "{shown}");
    assert!(
        text.contains(&format!(
            "left out 300 items under “Changed files”, 300 items under “Calls the diff rewrites”, {} items under “Needs manual review”",
            300 - shown
        )),
        "{text}"
    );
}

/// A test plan longer than the report's room is cut at an item, says how
/// many it left out, and the report stays within its limit; the rule
/// catalog gives way first.
#[test]
fn a_long_test_plan_is_cut_at_an_item_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    for i in 0..300 {
        std::fs::write(
            src.join(format!("m{i}.tsx")),
            format!(
                "import {{ useStepUpAuthentication }} from '@dynamic-labs/sdk-react-core';\n\
                 import {{ TokenScope }} from '@dynamic-labs/sdk-api-core';\n\n\
                 export function M{i}({{ code }}: {{ code: string }}) {{\n  \
                 const {{ verifyTotpMfa }} = useStepUpAuthentication();\n  \
                 return () => verifyTotpMfa({{ code, requestedScopes: [TokenScope.Walletexport] }});\n}}\n"
            ),
        )
        .unwrap();
    }
    let text = report(dir.path(), &[], &["--report-limit", "8192"]);
    assert!(text.len() <= 8192, "{} bytes", text.len());
    assert!(text.contains("## Test plan"), "{text}");
    let listed = text.matches("- [ ] `TokenScope.Walletexport`").count();
    assert!(listed > 10 && listed < 300, "{listed} items:\n{text}");
    assert!(
        text.contains(&format!(
            "- … {} more, left out to keep the report within its size limit",
            300 - listed
        )),
        "{text}"
    );
    // Without a limit, every one of them.
    let whole = report(dir.path(), &[], &["--report-limit", "0"]);
    assert_eq!(
        whole.matches("- [ ] `TokenScope.Walletexport`").count(),
        300
    );
}
