//! JS SDK (`@dynamic-labs-sdk/client`): the guide keeps `isMfaRequiredForAction`
//! and swaps the token option for `requestedScopes` (MIGRATION.md section 2).

use crate::analysis::Field;

use super::common::{TokenCall, TokenOutcome, TokenScopeAccess, token_call};
use super::{FileCtx, Plan};
use crate::analysis::infer::ActionCheck;
use crate::analysis::{ObjectArg, call_args, text};
use crate::finding::Finding;
use tree_sitter::Node;

/// A token-creating function of the JS SDK: (export, option key, rule, passkey).
const TOKEN_FUNCTIONS: &[(&str, &str, &str, bool)] = &[
    (
        "authenticateTotpMfaDevice",
        "createMfaTokenOptions",
        "js-authenticate-totp-mfa-device",
        false,
    ),
    (
        "authenticateMfaRecoveryCode",
        "createMfaTokenOptions",
        "js-authenticate-mfa-recovery-code",
        false,
    ),
    (
        "authenticatePasskeyMFA",
        "createMfaToken",
        "js-authenticate-passkey-mfa",
        true,
    ),
];

/// React hooks of this SDK whose `mutate`/`mutateAsync` take the same options.
const TOKEN_HOOKS: &[(&str, &str)] = &[
    ("useAuthenticateTotpMfaDevice", "authenticateTotpMfaDevice"),
    (
        "useAuthenticateMfaRecoveryCode",
        "authenticateMfaRecoveryCode",
    ),
    ("useAuthenticatePasskeyMFA", "authenticatePasskeyMFA"),
];

fn is_js_sdk(module: &str) -> bool {
    module.starts_with("@dynamic-labs-sdk/")
}

pub fn plan(ctx: &FileCtx, plan: &mut Plan, checks: &[ActionCheck], ts: &TokenScopeAccess) {
    ts.set_family(&ctx.rules.js_sdk_module);
    let src = ctx.src;
    let mutation_bindings = hook_mutations(&ctx.index.declarators, ctx);
    for &call in &ctx.index.calls {
        let Some(callee) = call.field("function") else {
            continue;
        };
        let function = match ctx.bindings.dynamic_name(callee, src, ctx.rules) {
            Some(d) if is_js_sdk(&d.module) => d.imported,
            _ => match mutation_call(callee, src, &mutation_bindings) {
                Some(f) => f.to_string(),
                None => continue,
            },
        };
        let at = call.start_byte();
        let range = (call.start_byte(), call.end_byte());
        if let Some(&(name, key, rule, passkey)) = TOKEN_FUNCTIONS.iter().find(|t| t.0 == function)
        {
            plan.handled.push(range);
            let spec = TokenCall {
                legacy: name,
                target: name,
                rule,
                option_key: key,
                // Both forms resolve to a VerifyResponse: a used result is fine.
                returns_token: false,
                totp_device_type: false,
                passkey,
            };
            match token_call(call, &spec, ctx, checks, ts) {
                TokenOutcome::Rewrite { edits, findings } => {
                    plan.edits.extend(edits);
                    plan.findings.extend(findings);
                }
                TokenOutcome::Manual(f) => plan.findings.push(f),
                TokenOutcome::NoToken {
                    has_requested_scopes: false,
                } => plan.findings.push(super::common::login_mfa(call, name)),
                TokenOutcome::NoToken { .. } => {}
            }
            continue;
        }
        match function.as_str() {
            "isMfaRequiredForAction" => plan.handled.push(range),
            "consumeMfaToken" | "consumeMfaTokenIfRequiredForAction" => {
                plan.handled.push(range);
                plan.findings.push(Finding::manual(
                    at,
                    "consume-mfa-token",
                    format!(
                        "{function} reads the legacy MFA token; with step-up authentication the SDK attaches \
                         elevated access tokens itself: remove or replace it by hand"
                    ),
                ));
            }
            "deleteMfaDevice" if has_option(call, "mfaAuthToken", src) => {
                plan.handled.push(range);
                plan.findings.push(Finding::manual(
                    at,
                    "delete-mfa-device-token",
                    "deleteMfaDevice passes an mfaAuthToken from the legacy MFA flow: check where that token now comes from",
                ));
            }
            _ => {}
        }
    }
    // Reads of the SDK's token state (`dynamicClient.mfaToken`).
    if ctx
        .bindings
        .dynamic_imports(ctx.rules)
        .any(|d| is_js_sdk(&d.module))
    {
        for node in &ctx.index.members {
            let Some(prop) = node.field("property") else {
                continue;
            };
            if text(prop, src) == "mfaToken" {
                plan.findings.push(Finding::manual(
                    node.start_byte(),
                    "mfa-token-state",
                    format!(
                        "`{}` reads the legacy MFA token; elevated access tokens are attached by the SDK: review this use",
                        text(*node, src)
                    ),
                ));
            }
        }
    }
}

fn has_option(call: Node, key: &str, src: &str) -> bool {
    call_args(call)
        .first()
        .and_then(|a| ObjectArg::from_node(*a, src))
        .is_some_and(|o| o.get(key).is_some())
}

/// Local names bound to a token hook's mutation: `m` of `const m = useX()`
/// (called as `m.mutate`) and `mutate`/`mutateAsync` (or their aliases) of
/// `const { mutate } = useX()`, each with the function it stands for.
struct MutationBinding {
    local: String,
    whole: bool,
    function: &'static str,
}

fn hook_mutations(declarators: &[Node], ctx: &FileCtx) -> Vec<MutationBinding> {
    let src = ctx.src;
    let mut out = Vec::new();
    for d in declarators {
        let (Some(name), Some(value)) = (d.field("name"), d.field("value")) else {
            continue;
        };
        let Some(callee) = value.field("function") else {
            continue;
        };
        let Some(hook) = ctx.bindings.dynamic_name(callee, src, ctx.rules) else {
            continue;
        };
        if !is_js_sdk(&hook.module) {
            continue;
        }
        let Some(&(_, function)) = TOKEN_HOOKS.iter().find(|h| h.0 == hook.imported) else {
            continue;
        };
        match name.kind() {
            "identifier" => out.push(MutationBinding {
                local: text(name, src).to_string(),
                whole: true,
                function,
            }),
            "object_pattern" => {
                let mut cursor = name.walk();
                for p in name.named_children(&mut cursor) {
                    let (key, local) = match p.kind() {
                        "shorthand_property_identifier_pattern" => (text(p, src), text(p, src)),
                        "pair_pattern" => match (p.field("key"), p.field("value")) {
                            (Some(k), Some(v)) => (text(k, src), text(v, src)),
                            _ => continue,
                        },
                        _ => continue,
                    };
                    if matches!(key, "mutate" | "mutateAsync") {
                        out.push(MutationBinding {
                            local: local.to_string(),
                            whole: false,
                            function,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn mutation_call<'b>(callee: Node, src: &str, bindings: &'b [MutationBinding]) -> Option<&'b str> {
    match callee.kind() {
        "identifier" => bindings
            .iter()
            .find(|b| !b.whole && b.local == text(callee, src))
            .map(|b| b.function),
        "member_expression" => {
            let object = callee.field("object")?;
            let prop = text(callee.field("property")?, src);
            if object.kind() != "identifier" || !matches!(prop, "mutate" | "mutateAsync") {
                return None;
            }
            bindings
                .iter()
                .find(|b| b.whole && b.local == text(object, src))
                .map(|b| b.function)
        }
        _ => None,
    }
}
