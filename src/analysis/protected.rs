//! The protected actions of a file as it is after the migration: every
//! step-up request (`requestedScopes: [TokenScope.X, …]`) with the sensitive
//! call it guards, for the test plan a reviewer ticks off (the guide's step
//! 5: test each protected action end to end).

use super::infer::called_name;
use super::scope::{enclosing_function, is_function};
use super::{Field, descendants, descendants_pruned, text};
use crate::table::Table;
use tree_sitter::Node;

/// One step-up request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtectedAction {
    /// Byte offset of the `requestedScopes` key.
    pub offset: usize,
    /// The requested scopes as written (`TokenScope.Walletexport`).
    pub scopes: Vec<String>,
    /// The sensitive call it guards in the same function (`exportWaasPrivateKey`),
    /// the one whose scope matches when there are several; None when the
    /// function holds none (a wrapper: its callers hold the call).
    pub guarded: Option<String>,
    /// When it guards no known sensitive call: the first call the function
    /// makes after the request (`exportKey`, the app's own), a hint of the
    /// flow to test.
    pub next_call: Option<String>,
}

/// Calls of the step-up API itself: never the flow a request protects.
const STEP_UP_API: &[&str] = &[
    "isStepUpRequired",
    "promptStepUpAuth",
    "promptMfa",
    "verifyTotpMfa",
    "verifyPasskeyMfa",
    "verifyRecoveryCode",
    "useStepUpAuthentication",
];

/// Every `requestedScopes: [...]` in the tree, in source order.
pub fn protected_actions(root: Node, src: &str, table: &Table) -> Vec<ProtectedAction> {
    descendants(root)
        .into_iter()
        .filter(|n| n.kind() == "pair")
        .filter_map(|pair| {
            let key = pair.field("key")?;
            let key_text = text(key, src).trim_matches(|c| c == '"' || c == '\'');
            if key_text != "requestedScopes" {
                return None;
            }
            let value = pair.field("value")?;
            let scopes: Vec<String> = if value.kind() == "array" {
                let mut cursor = value.walk();
                value
                    .named_children(&mut cursor)
                    .filter(|n| n.kind() != "comment")
                    .map(|n| text(n, src).to_string())
                    .collect()
            } else {
                vec![text(value, src).to_string()]
            };
            let guarded = guarded_call(pair, &scopes, src, table);
            let next_call = guarded.is_none().then(|| next_call(pair, src)).flatten();
            Some(ProtectedAction {
                offset: key.start_byte(),
                guarded,
                next_call,
                scopes,
            })
        })
        .collect()
}

/// The sensitive call in the function around `at`: the first one whose
/// scope is requested, else the first one.
fn guarded_call(at: Node, scopes: &[String], src: &str, table: &Table) -> Option<String> {
    let function = enclosing_function(at)?;
    let calls: Vec<(&str, &str)> = descendants_pruned(function, |n| {
        n.id() == function.id() || !is_function(n.kind())
    })
    .into_iter()
    .filter(|n| n.kind() == "call_expression")
    .filter_map(|call| {
        let name = called_name(call, src)?;
        Some((name, table.sensitive_scope(name)?))
    })
    .collect();
    let requested = |scope: &str| scopes.iter().any(|s| s.rsplit('.').next() == Some(scope));
    calls
        .iter()
        .find(|(_, scope)| requested(scope))
        .or(calls.first())
        .map(|(name, _)| name.to_string())
}

/// The first call the function around `at` makes after the request that
/// holds `at` (not a call of the step-up API, not inside the request).
fn next_call(at: Node, src: &str) -> Option<String> {
    let function = enclosing_function(at)?;
    let mut request = at;
    while let Some(p) = request.parent() {
        if p.kind() == "call_expression" {
            request = p;
            break;
        }
        request = p;
    }
    descendants_pruned(function, |n| {
        n.id() == function.id() || !is_function(n.kind())
    })
    .into_iter()
    .filter(|n| n.kind() == "call_expression" && n.start_byte() >= request.end_byte())
    .filter_map(|call| called_name(call, src))
    .find(|name| !STEP_UP_API.contains(name))
    .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    #[test]
    fn each_request_with_the_call_it_guards() {
        let src = "async function a(w) {\n  await promptStepUpAuth({ requestedScopes: [TokenScope.Walletsign] });\n  await w.signMessage('x');\n}\nasync function b() {\n  await verifyTotpMfa({ code, requestedScopes: [TokenScope.Walletexport] });\n}\n";
        let tree = Lang::TypeScript.parse(src);
        let found = protected_actions(tree.root_node(), src, &Table::builtin());
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].scopes, ["TokenScope.Walletsign"]);
        assert_eq!(found[0].guarded.as_deref(), Some("signMessage"));
        assert_eq!(found[1].scopes, ["TokenScope.Walletexport"]);
        assert_eq!(found[1].guarded, None);
        assert_eq!(found[1].next_call, None);
    }

    #[test]
    fn a_request_before_an_apps_own_call_names_that_call() {
        let src = "async function a(addr) {\n  if (await isStepUpRequired({ scope: TokenScope.Walletexport })) {\n    await promptStepUpAuth({ requestedScopes: [TokenScope.Walletexport] });\n  }\n  await exportKey(addr);\n}\n";
        let tree = Lang::TypeScript.parse(src);
        let found = protected_actions(tree.root_node(), src, &Table::builtin());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].guarded, None);
        assert_eq!(found[0].next_call.as_deref(), Some("exportKey"));
    }
}
