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
        },
    );
    assert!(with.rewritten.unwrap().contains("TokenScope.Walletrefresh"));
}
