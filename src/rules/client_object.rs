//! React Native / client object (`@dynamic-labs/client`): `X.mfa.*`,
//! `X.passkeys.authenticateMFA`, `X.ui.mfa.show` → `X.stepUpAuth.*`
//! (MIGRATION.md section 3). `X` is any expression; the file must import
//! from a Dynamic package, which the engine checks before any rule runs.

use crate::analysis::Field;

use super::common::{
    self, TokenCall, TokenOutcome, TokenScopeAccess, action_check_rewrite, client_chain, token_call,
};
use super::{FileCtx, Plan};
use crate::analysis::infer::ActionCheck;
use crate::analysis::text;
use crate::edit::Edit;
use crate::finding::Finding;

pub fn plan(ctx: &FileCtx, plan: &mut Plan, checks: &[ActionCheck], ts: &TokenScopeAccess) {
    ts.set_family(&ctx.rules.api_core_module);
    let src = ctx.src;
    for &call in &ctx.index.calls {
        let Some(callee) = call.field("function") else {
            continue;
        };
        if callee.kind() != "member_expression" {
            continue;
        }
        let Some(chain) = client_chain(callee, src) else {
            continue;
        };
        let object = callee.field("object").expect("chain has an object");
        // The first link that changes: `mfa` of `X.mfa.f`, or `ui` of `X.ui.mfa.show`.
        let link = match chain.as_str() {
            "mfa.show" => match object.field("object") {
                Some(ui)
                    if ui.kind() == "member_expression"
                        && ui.field("property").is_some_and(|p| text(p, src) == "ui") =>
                {
                    ui.field("property").expect("checked")
                }
                _ => continue,
            },
            _ => object.field("property").expect("chain has a property"),
        };
        let rename = |target: &str| {
            Edit::replace(
                link.start_byte(),
                callee.end_byte(),
                format!("stepUpAuth.{target}"),
            )
        };
        let at = call.start_byte();
        let range = (call.start_byte(), call.end_byte());
        let (legacy, target, rule, totp, passkey) = match chain.as_str() {
            "mfa.isRequiredForAction" => {
                plan.handled.push(range);
                match action_check_rewrite(
                    call,
                    "mfa.isRequiredForAction",
                    "stepUpAuth.isStepUpRequired",
                    "client-mfa-is-required-for-action",
                    ctx,
                    ts,
                ) {
                    Ok((edits, finding)) => {
                        plan.edits.extend(edits);
                        plan.edits.push(rename("isStepUpRequired"));
                        plan.findings.push(finding);
                    }
                    Err(f) => plan.findings.push(f),
                }
                continue;
            }
            "mfa.getMfaToken" => {
                plan.handled.push(range);
                plan.findings.push(Finding::manual(
                    at,
                    "client-get-mfa-token",
                    "mfa.getMfaToken() has no step-up equivalent: the SDK attaches elevated access tokens itself",
                ));
                continue;
            }
            "mfa.authenticateDevice" => (
                "mfa.authenticateDevice",
                "verifyTotpMfa",
                "client-mfa-authenticate-device",
                true,
                false,
            ),
            "mfa.authenticateRecoveryCode" => (
                "mfa.authenticateRecoveryCode",
                "verifyRecoveryCode",
                "client-mfa-authenticate-recovery-code",
                false,
                false,
            ),
            "passkeys.authenticateMFA" => (
                "passkeys.authenticateMFA",
                "verifyPasskeyMfa",
                "client-passkeys-authenticate-mfa",
                false,
                true,
            ),
            "mfa.show" => (
                "ui.mfa.show",
                "promptStepUpAuth",
                "client-ui-mfa-show",
                false,
                false,
            ),
            _ => continue,
        };
        plan.handled.push(range);
        let target_label = format!("stepUpAuth.{target}");
        let spec = TokenCall {
            legacy,
            target: &target_label,
            rule,
            option_key: "createMfaToken",
            returns_token: true,
            totp_device_type: totp,
            passkey,
        };
        match token_call(call, &spec, ctx, checks, ts) {
            TokenOutcome::Rewrite { edits, findings } => {
                plan.edits.extend(edits);
                plan.edits.push(rename(target));
                plan.findings.extend(findings);
            }
            TokenOutcome::Manual(f) => plan.findings.push(f),
            TokenOutcome::NoToken {
                has_requested_scopes: false,
            } if chain != "mfa.show" => plan.findings.push(common::login_mfa(call, legacy)),
            TokenOutcome::NoToken { .. } => {}
        }
    }
}
