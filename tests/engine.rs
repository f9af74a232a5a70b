//! The engine is a pure function of (text, language, workspace answers): it
//! runs on a string with an in-memory project, and what it knows of other
//! files comes only from the workspace it is given.

use std::path::Path;
use stepup::analysis::barrels::NoWorkspace;
use stepup::engine::{Engine, FileEnv};
use stepup::lang::Lang;
use stepup::table::Table;
use stepup::workspace::memory::MemoryWorkspace;

const CALL_SITE: &str =
    "import { useMfa, MFAAction, useIsMfaRequiredForAction } from '../lib/dynamic';

export function Export({ code }: { code: string }) {
  const { authenticateDevice } = useMfa();
  const isMfaRequiredForAction = useIsMfaRequiredForAction();
  const onClick = async () => {
    if (await isMfaRequiredForAction({ mfaAction: MFAAction.WalletWaasExport })) {
      await authenticateDevice({ code, createMfaToken: true });
    }
  };
  return <button onClick={onClick}>Export</button>;
}
";

#[test]
fn the_engine_runs_on_a_string_with_an_in_memory_workspace() {
    let engine = Engine::new(Table::builtin());
    let workspace = MemoryWorkspace::new().with_file(
        "/app/src/lib/dynamic.ts",
        "export * from '@dynamic-labs/sdk-react-core';\n",
    );
    let env = FileEnv {
        dir: Path::new("/app/src/components"),
        workspace: &workspace,
        manual_mock_of: None,
        decisions: None,
    };
    let out = engine.process(CALL_SITE, Lang::Tsx, &env);
    let rewritten = out
        .rewritten
        .expect("the barrel makes the call site Dynamic's");
    assert!(
        rewritten
            .contains("const { isStepUpRequired, verifyTotpMfa } = useStepUpAuthentication();")
    );
    assert!(rewritten.contains("requestedScopes: [TokenScope.Walletexport]"));
    // The new hook joins the barrel import, which re-exports the package.
    assert!(rewritten.starts_with("import { useStepUpAuthentication } from '../lib/dynamic';"));
    assert_eq!(out.findings.iter().filter(|f| f.fixable).count(), 2);
}

#[test]
fn without_a_workspace_a_barrel_import_is_not_dynamic() {
    let engine = Engine::new(Table::builtin());
    let env = FileEnv {
        dir: Path::new("/app/src/components"),
        workspace: &NoWorkspace,
        manual_mock_of: None,
        decisions: None,
    };
    let out = engine.process(CALL_SITE, Lang::Tsx, &env);
    assert!(out.rewritten.is_none());
    assert!(!out.has_dynamic_import);
    assert!(out.findings.is_empty());
}

#[test]
fn installed_scopes_come_from_the_workspace() {
    let src = "import { useIsMfaRequiredForAction, MFAAction } from '@dynamic-labs/sdk-react-core';
export function R() {
  const check = useIsMfaRequiredForAction();
  const go = async () => check({ mfaAction: MFAAction.WalletWaasRefresh });
  return go;
}
";
    let engine = Engine::new(Table::builtin());
    let dir = Path::new("/app");
    let without = engine.process(
        src,
        Lang::Tsx,
        &FileEnv {
            dir,
            workspace: &NoWorkspace,
            manual_mock_of: None,
            decisions: None,
        },
    );
    assert!(without.rewritten.is_none(), "Walletrefresh is not declared");
    let ws = MemoryWorkspace::new().with_token_scopes(&["Walletexport", "Walletrefresh"]);
    let with = engine.process(
        src,
        Lang::Tsx,
        &FileEnv {
            dir,
            workspace: &ws,
            manual_mock_of: None,
            decisions: None,
        },
    );
    assert!(with.rewritten.unwrap().contains("TokenScope.Walletrefresh"));
}

/// A reader that hands out a few bytes at a time.
struct Trickle<'a>(&'a [u8], usize);

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.1.min(buf.len()).min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

/// A file too large to hold is tested in chunks: a name cut in two by a
/// chunk boundary is still found, and the answer is the same as on the
/// whole bytes, whatever the chunk sizes.
#[test]
fn a_streamed_file_is_tested_like_a_whole_one() {
    let engine = Engine::new(Table::builtin());
    for (text, names) in [
        (CALL_SITE.to_string(), true),
        ("x".repeat(70_000) + CALL_SITE, true),
        (
            "x".repeat(65_530) + "import { useMfa } from '@dynamic-labs/sdk-react-core';",
            true,
        ),
        (
            "x".repeat(70_000)
                + "import { useStepUpAuthentication } from '@dynamic-labs/sdk-react-core';",
            false,
        ),
        ("export const padding = 1;\n".repeat(3000), false),
    ] {
        assert_eq!(
            engine.names_legacy_api(text.as_bytes()),
            names,
            "{}",
            &text[text.len() - 80..]
        );
        for step in [1, 7, 4096, 1 << 20] {
            let streamed = engine
                .reader_names_legacy_api(Trickle(text.as_bytes(), step))
                .unwrap();
            assert_eq!(streamed, names, "chunks of {step}");
        }
    }
}
