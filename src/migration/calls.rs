//! One decision for a call of a legacy function, whatever the family: the
//! record's rewrite kind applied to the call, as edits and findings. The
//! family decides only how the callee is renamed.

use super::FileCtx;
use super::token_call::{TokenOutcome, TokenScopeAccess, action_check_rewrite, token_call};
use crate::analysis::infer::ActionChecks;
use crate::analysis::{ObjectArg, call_args, text};
use crate::edit::Edit;
use crate::finding::Finding;
use crate::table::{CallRule, ReportRule};
use tree_sitter::Node;

/// The names a call is known by, for messages.
pub struct Legacy<'a> {
    /// The legacy function (`authenticateDevice`, `mfa.isRequiredForAction`).
    pub name: &'a str,
    /// What a user imported to get it (`usePromptMfaAuth`), for messages
    /// about a deprecated hook.
    pub source: &'a str,
}

pub enum CallDecision {
    /// Rename the callee to `target`; apply `edits` to the arguments.
    Rewrite {
        target: String,
        edits: Vec<Edit>,
        findings: Vec<Finding>,
        /// The rewrite writes `TokenScope.X`.
        uses_scope: bool,
    },
    /// Leave the call as it is, with what to tell the user.
    Keep(Option<Finding>),
}

/// Apply the record's rewrite kind to `call`. A call whose rule is
/// suppressed at its place (`stepup-ignore`) or turned off is kept as it is:
/// its finding, no longer fixable, is left for the engine to mark.
pub fn decide(
    call: Node,
    rule: &CallRule,
    legacy: &Legacy,
    ctx: &FileCtx,
    checks: &ActionChecks,
    ts: &TokenScopeAccess,
) -> CallDecision {
    let suppressed = rule_of(rule).filter(|id| ctx.suppressed(call.start_byte(), id.0));
    match decide_as_written(call, rule, legacy, ctx, checks, ts) {
        CallDecision::Rewrite { findings, .. } if suppressed.is_some() => {
            let id = suppressed.expect("checked");
            // The notes that accompany a fix (an inferred scope) go with it.
            let kept = findings.into_iter().find(|f| f.rule == id.0);
            CallDecision::Keep(kept.map(|f| Finding {
                fixable: false,
                ..f
            }))
        }
        CallDecision::Rewrite {
            target,
            edits,
            mut findings,
            uses_scope,
        } => {
            // Each finding speaks for the whole call: its fix is the edits there.
            for f in &mut findings {
                f.end = f.end.max(call.end_byte());
            }
            CallDecision::Rewrite {
                target,
                edits,
                findings,
                uses_scope,
            }
        }
        keep => keep,
    }
}

fn decide_as_written(
    call: Node,
    rule: &CallRule,
    legacy: &Legacy,
    ctx: &FileCtx,
    checks: &ActionChecks,
    ts: &TokenScopeAccess,
) -> CallDecision {
    match rule {
        CallRule::Keep { .. } => CallDecision::Keep(None),
        CallRule::Report(report) => CallDecision::Keep(report_call(call, report, legacy, ctx)),
        CallRule::ActionCheck { target, rule } => {
            match action_check_rewrite(call, legacy.name, target, rule.0, ctx, ts) {
                Ok((edits, finding)) => CallDecision::Rewrite {
                    target: target.clone(),
                    edits,
                    findings: vec![finding],
                    uses_scope: true,
                },
                Err(f) => CallDecision::Keep(Some(f)),
            }
        }
        CallRule::Token(spec) => match token_call(call, spec, legacy.name, ctx, checks, ts) {
            TokenOutcome::Rewrite { edits, findings } => CallDecision::Rewrite {
                target: spec.target.clone(),
                edits,
                findings,
                uses_scope: true,
            },
            TokenOutcome::Manual(f) => CallDecision::Keep(Some(f)),
            TokenOutcome::NoToken {
                has_requested_scopes,
            } => match &spec.without_token {
                // A deprecated function with replacements of its own.
                Some(without) => {
                    let (target, message) = if has_requested_scopes {
                        (
                            spec.target.clone(),
                            format!(
                                "{} is deprecated: {} takes the same requestedScopes",
                                legacy.source, spec.target
                            ),
                        )
                    } else {
                        (
                            without.clone(),
                            format!(
                                "{} is deprecated: {without}() of {} does the same",
                                legacy.source, ctx.table.step_up_hook
                            ),
                        )
                    };
                    CallDecision::Rewrite {
                        target,
                        edits: vec![],
                        findings: vec![Finding::fixable(call.start_byte(), spec.rule.0, message)],
                        uses_scope: false,
                    }
                }
                // Login-time MFA, or already migrated: not action-based MFA.
                None if !has_requested_scopes && spec.login_mfa => {
                    CallDecision::Keep(Some(login_mfa(call, legacy.name)))
                }
                None => CallDecision::Keep(None),
            },
        },
    }
}

/// A record that is reported, not rewritten (`when_option`: only calls that
/// pass that option).
fn report_call(call: Node, report: &ReportRule, legacy: &Legacy, ctx: &FileCtx) -> Option<Finding> {
    if let Some(option) = &report.when_option {
        let passes = call_args(call)
            .first()
            .and_then(|a| ObjectArg::from_node(*a, ctx.src))
            .is_some_and(|o| o.get(option).is_some());
        if !passes {
            return None;
        }
    }
    Some(Finding::new(
        call.start_byte(),
        report.rule.0,
        ctx.table.severity(report.rule),
        false,
        report.message_for(legacy.name, text(call, ctx.src)),
    ))
}

/// The report for a token-capable call that asks for no token: login-time
/// (or enrolment, or session) MFA, which step-up authentication does not replace.
pub fn login_mfa(call: Node, legacy: &str) -> Finding {
    Finding::info(
        call.start_byte(),
        "login-mfa",
        format!(
            "{legacy} without a token option is login-time MFA, not action-based MFA: left unchanged"
        ),
    )
}

/// A legacy function passed on as a value (a prop, an argument): whoever
/// calls it uses the legacy signature, so it is reported, not renamed.
pub fn escape_finding(node: Node, rule: &CallRule, legacy: &str, ctx: &FileCtx) -> Finding {
    let src = ctx.src;
    let whereto = match node.parent().map(|p| p.kind()) {
        Some("jsx_expression") => "to a JSX attribute".to_string(),
        Some("arguments") => node
            .parent()
            .and_then(|a| a.parent())
            .and_then(|c| crate::analysis::Field::field(&c, "function"))
            .map(|f| format!("to `{}`", text(f, src)))
            .unwrap_or_else(|| "as an argument".into()),
        Some("return_statement") => "as a return value".into(),
        Some("shorthand_property_identifier") | Some("object") | Some("pair") => {
            "in an object".into()
        }
        _ => "as a value".into(),
    };
    let name = text(node, src);
    let what = if name.ends_with(legacy) {
        format!("`{name}`")
    } else {
        format!("`{name}` ({legacy})")
    };
    let id = rule_of(rule).unwrap_or(crate::table::RuleId("legacy-hook-escapes"));
    Finding::new(
        node.start_byte(),
        id.0,
        ctx.table.severity(id),
        false,
        format!(
            "{what} is passed on {whereto}; whoever calls it uses the legacy signature: migrate it by hand"
        ),
    )
}

fn rule_of(rule: &CallRule) -> Option<crate::table::RuleId> {
    match rule {
        CallRule::ActionCheck { rule, .. } => Some(*rule),
        CallRule::Token(t) => Some(t.rule),
        CallRule::Report(r) => Some(r.rule),
        CallRule::Keep { .. } => None,
    }
}
