//! The client object (React Native, `@dynamic-labs/client`): `X.<chain>(…)`
//! for every client chain of the table (`X.mfa.authenticateDevice`,
//! `X.ui.mfa.show` …) → `X.stepUpAuth.*` (MIGRATION.md section 3). `X` is
//! any expression; the file must import from a Dynamic package, which the
//! engine checks before any rule runs.

use crate::analysis::Field;

use super::calls::{CallDecision, Legacy, decide};
use super::token_call::{TokenScopeAccess, known_chain};
use super::{FileCtx, Plan};
use crate::analysis::infer::ActionCheck;
use crate::edit::Edit;

pub fn plan(ctx: &FileCtx, plan: &mut Plan, checks: &[ActionCheck], ts: &TokenScopeAccess) {
    for &call in &ctx.index.calls {
        let Some(callee) = call.field("function") else {
            continue;
        };
        if callee.kind() != "member_expression" {
            continue;
        }
        let Some((chain, first_link)) = known_chain(callee, ctx.src, ctx.table) else {
            continue;
        };
        plan.decided.push((call.start_byte(), call.end_byte()));
        let legacy = Legacy {
            name: &chain.chain,
            source: &chain.chain,
        };
        match decide(call, &chain.call, &legacy, ctx, checks, ts) {
            CallDecision::Rewrite {
                target,
                edits,
                findings,
                uses_scope,
            } => {
                plan.edits.extend(edits);
                // The chain from its first link is replaced: `X.mfa.f` → `X.stepUpAuth.g`.
                plan.edits.push(Edit::replace(
                    first_link.start_byte(),
                    callee.end_byte(),
                    target,
                ));
                plan.findings.extend(findings);
                if uses_scope {
                    plan.scope_modules.push(ctx.table.api_core_module.clone());
                }
            }
            CallDecision::Keep(finding) => plan.findings.extend(finding),
        }
    }
}
