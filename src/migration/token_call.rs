//! What the three SDK families share: the action checks of a file, the
//! `createMfaToken` → `requestedScopes` rewrite, and how a file names `TokenScope`.

use crate::analysis::Field;

use super::FileCtx;
use super::syntax::remove_list_items;
use crate::analysis::callers::UndecidedSite;
use crate::analysis::infer::{
    ActionCheck, ActionChecks, CheckedAction, ScopeDecision, function_range, infer_scope,
    scope_for_action,
};
use crate::analysis::{ObjectArg, call_args, pattern_entries, text, unwrap_parens};
use crate::decisions::{DecisionUse, ScopeChoice};
use crate::edit::Edit;
use crate::finding::Finding;
use crate::table::{ClientChain, Table, TokenRule};
use std::collections::HashSet;
use tree_sitter::Node;

/// `MFAAction.X` bound to Dynamic's enum, or the expression that stands for it.
pub fn classify_action(value: Node, ctx: &FileCtx) -> CheckedAction {
    let value = unwrap_parens(value);
    if value.kind() == "member_expression"
        && let (Some(obj), Some(prop)) = (value.field("object"), value.field("property"))
        && ctx
            .bindings
            .dynamic_name(obj, ctx.src, ctx.table)
            .is_some_and(|d| d.imported == ctx.table.action_enum)
    {
        return CheckedAction::Known(text(prop, ctx.src).to_string());
    }
    CheckedAction::Opaque(text(value, ctx.src).to_string())
}

/// Is `call` an action check of any family: a Dynamic function whose record
/// checks an action (`isMfaRequiredForAction(…)` of the JS SDK), the result
/// of a hook that returns one, or a client chain that is one
/// (`<client>.mfa.isRequiredForAction(…)`)?
pub fn is_action_check(call: Node, ctx: &FileCtx, hook_results: &HashSet<String>) -> bool {
    let Some(callee) = call.field("function") else {
        return false;
    };
    if let Some(d) = ctx.bindings.dynamic_name(callee, ctx.src, ctx.table) {
        return ctx
            .table
            .family_of(&d.module)
            .and_then(|family| ctx.table.function(&d.imported, family))
            .is_some_and(|f| f.call.is_action_check());
    }
    match callee.kind() {
        "identifier" => hook_results.contains(text(callee, ctx.src)),
        "member_expression" => {
            let destructured = || {
                // `mfa.isRequiredForAction(…)` with `mfa` destructured from a client.
                let (root, rest) = chain_from_root(callee, ctx.src)?;
                let links: Vec<&str> = std::iter::once(text(root, ctx.src)).chain(rest).collect();
                ctx.table.client_chain(&links)
            };
            known_chain(callee, ctx.src, ctx.table)
                .map(|(c, _)| c)
                .or_else(destructured)
                .is_some_and(|c| c.call.is_action_check())
        }
        _ => false,
    }
}

/// The root identifier of a member chain and the links after it (at most three).
pub fn chain_from_root<'t>(callee: Node<'t>, src: &'t str) -> Option<(Node<'t>, Vec<&'t str>)> {
    let mut links = Vec::new();
    let mut node = callee;
    while node.kind() == "member_expression" && links.len() < 3 {
        links.push(text(node.field("property")?, src));
        node = node.field("object")?;
    }
    links.reverse();
    (node.kind() == "identifier" && !links.is_empty()).then_some((node, links))
}

/// The links of a member-chain callee after its receiver, longest table
/// match first: `client.ui.mfa.show` → (["ui", "mfa", "show"], the `ui` node).
/// The receiver is any expression; the links are property names.
pub fn client_chain<'t>(callee: Node<'t>, src: &'t str) -> Option<(Vec<&'t str>, Node<'t>)> {
    let mut links = Vec::new();
    let mut node = callee;
    while node.kind() == "member_expression" && links.len() < 3 {
        let prop = node.field("property")?;
        links.push((text(prop, src), prop));
        node = node.field("object")?;
    }
    // At least `X.a.b`: the receiver is not a link.
    if links.len() < 2 {
        return None;
    }
    links.reverse();
    Some((links.iter().map(|(l, _)| *l).collect(), links[0].1))
}

/// The shortest chain suffix of `callee` that the table knows, with the node
/// of its first link: `client.ui.mfa.show` → ("ui.mfa.show", `ui`).
pub fn known_chain<'t, 'a>(
    callee: Node<'t>,
    src: &'t str,
    table: &'a Table,
) -> Option<(&'a ClientChain, Node<'t>)> {
    let (links, _) = client_chain(callee, src)?;
    // Try two links, then three (the receiver may itself be a member chain).
    for n in 2..=links.len() {
        let tail = &links[links.len() - n..];
        if let Some(c) = table.client_chain(tail) {
            let mut node = callee;
            for _ in 1..n {
                node = node.field("object")?;
            }
            return Some((c, node.field("property")?));
        }
    }
    None
}

/// `isStepUpRequired({ scope: TokenScope.X })` of any family (the hook's
/// member, destructured or called on the whole result, a client's step-up
/// chain, the JS SDK's check function): the TokenScope member it checks.
fn step_up_check(call: Node, ctx: &FileCtx, hook: &StepUpLocals) -> Option<String> {
    let callee = call.field("function")?;
    let checks = &ctx.table.step_up_checks;
    let is_check = match ctx.bindings.dynamic_name(callee, ctx.src, ctx.table) {
        Some(d) => d.imported == checks.function,
        None => match callee.kind() {
            "identifier" => hook.members.iter().any(|m| m == text(callee, ctx.src)),
            "member_expression" => {
                let on_result = || {
                    let (object, property) = (callee.field("object")?, callee.field("property")?);
                    Some(
                        object.kind() == "identifier"
                            && hook.results.iter().any(|r| r == text(object, ctx.src))
                            && text(property, ctx.src) == checks.hook_member,
                    )
                };
                on_result() == Some(true)
                    || client_chain(callee, ctx.src).is_some_and(|(links, _)| {
                        let want: Vec<&str> = checks.client_chain.split('.').collect();
                        links.ends_with(&want)
                    })
            }
            _ => false,
        },
    };
    if !is_check {
        return None;
    }
    let value = call_args(call)
        .first()
        .and_then(|a| ObjectArg::from_node(*a, ctx.src))?
        .value("scope")?;
    let value = unwrap_parens(value);
    let (obj, prop) = (value.field("object")?, value.field("property")?);
    ctx.bindings
        .dynamic_name(obj, ctx.src, ctx.table)
        .filter(|d| d.imported == ctx.table.scope_enum)
        .map(|_| text(prop, ctx.src).to_string())
}

/// Names bound to the result of a hook whose record checks an action
/// (`const check = useIsMfaRequiredForAction()`), anywhere in the file.
fn action_hook_results(ctx: &FileCtx) -> HashSet<String> {
    ctx.index
        .declarators
        .iter()
        .filter_map(|d| {
            let name = d.field("name")?;
            let callee = d.field("value")?.field("function")?;
            let dynamic = ctx.bindings.dynamic_name(callee, ctx.src, ctx.table)?;
            let hook = ctx.table.hook(&dynamic.imported)?;
            (name.kind() == "identifier" && hook.call.as_ref().is_some_and(|c| c.is_action_check()))
                .then(|| text(name, ctx.src).to_string())
        })
        .collect()
}

/// How code already migrated reaches the step-up hook's check.
struct StepUpLocals {
    /// Locals bound to the check member of a `useStepUpAuthentication()`
    /// destructuring (`const { isStepUpRequired } = …`).
    members: Vec<String>,
    /// Names bound to the whole result (`const stepUp = …`): the check is
    /// `stepUp.isStepUpRequired(…)`.
    results: Vec<String>,
}

fn step_up_locals(ctx: &FileCtx) -> StepUpLocals {
    let results = ctx
        .index
        .declarators
        .iter()
        .filter_map(|d| {
            let name = d.field("name").filter(|n| n.kind() == "identifier")?;
            let callee = d.field("value")?.field("function")?;
            let hook = ctx.bindings.dynamic_name(callee, ctx.src, ctx.table)?;
            (hook.imported == ctx.table.step_up_hook).then(|| text(name, ctx.src).to_string())
        })
        .collect();
    StepUpLocals {
        members: step_up_check_members(ctx),
        results,
    }
}

fn step_up_check_members(ctx: &FileCtx) -> Vec<String> {
    let member = &ctx.table.step_up_checks.hook_member;
    ctx.index
        .pattern_props
        .iter()
        .filter_map(|p| {
            let pattern = p.parent()?;
            let declarator = pattern
                .parent()
                .filter(|d| d.kind() == "variable_declarator")?;
            let callee = declarator.field("value")?.field("function")?;
            let hook = ctx.bindings.dynamic_name(callee, ctx.src, ctx.table)?;
            if hook.imported != ctx.table.step_up_hook {
                return None;
            }
            pattern_entries(pattern, ctx.src)
                .into_iter()
                .find(|e| e.node.id() == p.id() && e.key == member)
                .and_then(|e| e.local.map(str::to_string))
        })
        .collect()
}

/// Every action check in the file, legacy or already migrated, for scope inference.
pub fn action_checks(ctx: &FileCtx) -> ActionChecks {
    let hook_results = action_hook_results(ctx);
    let step_up_members = step_up_locals(ctx);
    let step_up = ctx.index.calls.iter().filter_map(|call| {
        step_up_check(*call, ctx, &step_up_members).map(|scope| ActionCheck {
            function: function_range(*call),
            call: (call.start_byte(), call.end_byte()),
            action: CheckedAction::Scope(scope),
        })
    });
    let legacy = ctx
        .index
        .calls
        .iter()
        .filter(|n| is_action_check(**n, ctx, &hook_results))
        .filter_map(|call| {
            let value = call_args(*call)
                .first()
                .and_then(|a| ObjectArg::from_node(*a, ctx.src))?
                .value("mfaAction")?;
            Some(ActionCheck {
                function: function_range(*call),
                call: (call.start_byte(), call.end_byte()),
                action: classify_action(value, ctx),
            })
        });
    ActionChecks::new(legacy.chain(step_up))
}

pub fn no_scope_message(action: &str) -> String {
    format!(
        "MFAAction.{action} has no TokenScope in the @dynamic-labs/sdk-api-core this project has \
         (Walletrefresh/Walletreshare need sdk-api-core ≥ 0.40): migrate by hand"
    )
}

/// `{ mfaAction: MFAAction.X }` → `{ scope: TokenScope.Y }` for an action
/// check being renamed to `target`. Err is the finding when it cannot be done.
pub fn action_check_rewrite(
    call: Node,
    legacy: &str,
    target: &str,
    rule: &'static str,
    ctx: &FileCtx,
    ts: &TokenScopeAccess,
) -> Result<(Vec<Edit>, Finding), Finding> {
    let at = call.start_byte();
    let manual = |msg: String| Finding::manual(at, rule, msg);
    if call.has_error() {
        return Err(manual(format!(
            "this {legacy} call has a syntax error: fix it, then run stepup again"
        )));
    }
    let args = call_args(call);
    let obj = match args.as_slice() {
        [one] => ObjectArg::from_node(unwrap_parens(*one), ctx.src),
        _ => None,
    };
    let Some(obj) = obj.filter(|o| !o.opaque && o.props.len() == 1) else {
        return Err(manual(format!(
            "{legacy} is called with options stepup cannot read; use {target}({{ scope: TokenScope.… }}) by hand"
        )));
    };
    let (Some(pair), Some(value)) = (obj.get("mfaAction"), obj.value("mfaAction")) else {
        return Err(manual(format!("{legacy} is called without an mfaAction")));
    };
    match classify_action(value, ctx) {
        CheckedAction::Known(action) => {
            match scope_for_action(&action, ctx.table, ctx.scope_available) {
                Some(scope) => Ok((
                    vec![Edit::replace(
                        pair.start_byte(),
                        pair.end_byte(),
                        format!("scope: {}", ts.scope(&scope)),
                    )],
                    Finding::fixable(
                        at,
                        rule,
                        format!(
                            "{legacy}(MFAAction.{action}) → {target}({{ scope: TokenScope.{scope} }})"
                        ),
                    )
                    .with_scope(scope.as_str()),
                )),
                None => Err(manual(no_scope_message(&action))),
            }
        }
        CheckedAction::Opaque(expr)
            if let Some(scope) = ctx
                .paired_checks
                .borrow()
                .get(&(call.start_byte(), call.end_byte())) =>
        {
            Ok((
                vec![Edit::replace(
                    pair.start_byte(),
                    pair.end_byte(),
                    format!("scope: {}", ts.scope(scope)),
                )],
                Finding::fixable(
                    at,
                    rule,
                    format!(
                        "{legacy}(`{expr}`) → {target}({{ scope: TokenScope.{scope} }}), the scope \
                         decided for the token call it guards"
                    ),
                ),
            ))
        }
        CheckedAction::Opaque(expr) | CheckedAction::Scope(expr) => Err(manual(format!(
            "the action is held in `{expr}`, not a literal MFAAction: choose the TokenScope by hand"
        ))),
    }
}

pub enum TokenOutcome {
    /// No token option: login-time MFA or already migrated.
    NoToken {
        has_requested_scopes: bool,
    },
    Rewrite {
        edits: Vec<Edit>,
        findings: Vec<Finding>,
    },
    Manual(Finding),
}

/// The option rewrite shared by every family: `createMfaToken…` becomes
/// `requestedScopes: [TokenScope.X]` with the scope inferred from the code
/// around the call. The callee is the caller's business.
pub fn token_call(
    call: Node,
    spec: &TokenRule,
    legacy: &str,
    ctx: &FileCtx,
    checks: &ActionChecks,
    ts: &TokenScopeAccess,
) -> TokenOutcome {
    let at = call.start_byte();
    let manual = |msg: String| TokenOutcome::Manual(Finding::manual(at, spec.rule.0, msg));
    let (obj, token_prop) = match token_option(call, spec, legacy, ctx.src) {
        Ok(found) => found,
        Err(TokenOption::Absent {
            has_requested_scopes,
        }) => {
            return TokenOutcome::NoToken {
                has_requested_scopes,
            };
        }
        Err(TokenOption::Unreadable(msg)) => return manual(msg),
    };
    let mut edits = match shape_edits(call, &obj, spec, legacy, ctx.src) {
        Ok(edits) => edits,
        Err(msg) => return manual(msg),
    };
    let mut findings = Vec::new();
    let scope = match choose_scope(call, legacy, ctx, checks) {
        Ok((scope, inferred)) => {
            findings.extend(inferred);
            scope
        }
        Err(msg) => return manual(msg),
    };
    let token_value = obj.value(&spec.option).expect("present");
    if is_multi_use(token_value, ctx.src) {
        findings.push(Finding::info(
            at,
            "token-semantics",
            "createMfaToken asked for a multi-use token; elevated access tokens expire (multi-use after 10 minutes)",
        ));
    }
    edits.push(Edit::replace(
        token_prop.start_byte(),
        token_prop.end_byte(),
        format!("requestedScopes: [{}]", ts.scope(&scope)),
    ));
    findings.push(
        Finding::fixable(
            at,
            spec.rule.0,
            format!(
                "{legacy} with {} → {} with requestedScopes: [TokenScope.{scope}]",
                spec.option, spec.target
            ),
        )
        .with_scope(scope.as_str()),
    );
    TokenOutcome::Rewrite { edits, findings }
}

/// Why a call has no token option to rewrite.
enum TokenOption {
    /// No token asked for: login-time MFA, or already migrated.
    Absent { has_requested_scopes: bool },
    /// Options stepup cannot read with certainty: the message says why.
    Unreadable(String),
}

/// The call's options object and its token option, when both are plain.
fn token_option<'t>(
    call: Node<'t>,
    spec: &TokenRule,
    legacy: &str,
    src: &str,
) -> Result<(ObjectArg<'t>, Node<'t>), TokenOption> {
    let option_key = spec.option.as_str();
    let unreadable = |msg: String| Err(TokenOption::Unreadable(msg));
    if call.has_error() {
        return unreadable(format!(
            "this {legacy} call has a syntax error: fix it, then run stepup again"
        ));
    }
    let args = call_args(call);
    let obj = match args.as_slice() {
        [] => None,
        // The JS SDK takes the client as an optional second argument.
        [one] | [one, _] => match ObjectArg::from_node(unwrap_parens(*one), src) {
            Some(o) => Some(o),
            None => {
                return unreadable(format!(
                    "{legacy} is called with options stepup cannot read (`{}`): check for {option_key} by hand",
                    text(*one, src),
                ));
            }
        },
        _ => return unreadable(format!("{legacy} is called with unexpected arguments")),
    };
    let Some(obj) = obj else {
        return Err(TokenOption::Absent {
            has_requested_scopes: false,
        });
    };
    let Some(token_prop) = obj.get(option_key) else {
        if obj.opaque {
            return unreadable(format!(
                "{legacy} gets spread options: check them for {option_key} by hand"
            ));
        }
        return Err(TokenOption::Absent {
            has_requested_scopes: obj.get("requestedScopes").is_some(),
        });
    };
    if obj.opaque {
        return unreadable(format!(
            "{legacy} mixes {option_key} with spread options: migrate by hand"
        ));
    }
    if obj.get("requestedScopes").is_some() {
        return unreadable(format!(
            "{legacy} passes both {option_key} and requestedScopes: decide which token it should get"
        ));
    }
    let token_value = obj.value(option_key).expect("present");
    if matches!(text(token_value, src), "false" | "undefined" | "null") {
        return unreadable(format!(
            "{legacy} passes {option_key}: {}: no token was asked for; remove the option by hand",
            text(token_value, src)
        ));
    }
    Ok((obj, token_prop))
}

/// What the record's target cannot take: a device type other than TOTP
/// (dropped when it is TOTP), `relatedOriginRpId`, a token whose value is used.
fn shape_edits(
    call: Node,
    obj: &ObjectArg,
    spec: &TokenRule,
    legacy: &str,
    src: &str,
) -> Result<Vec<Edit>, String> {
    let mut edits = Vec::new();
    if spec.totp_device_type
        && let Some(type_value) = obj.value("type")
    {
        let t = text(type_value, src);
        let is_totp = matches!(t, "'totp'" | "\"totp\"") || t.ends_with(".Totp");
        if !is_totp {
            return Err(format!(
                "{legacy} uses device type `{t}`; {} handles TOTP only: migrate by hand",
                spec.target
            ));
        }
        edits.extend(remove_prop(obj, "type"));
    }
    if spec.passkey && obj.get("relatedOriginRpId").is_some() {
        return Err(format!(
            "{legacy} uses relatedOriginRpId, which {} does not support: migrate by hand",
            spec.target
        ));
    }
    if spec.returns_token
        && let Some(use_desc) = result_use(call, src)
    {
        return Err(format!(
            "the MFA token returned by {legacy} is used ({use_desc}); {} resolves to a verification \
             result, not a token: migrate by hand",
            spec.target
        ));
    }
    // A verification result may be used, but not for the token it no
    // longer carries (`result.mfaToken` passed on as `mfaAuthToken`).
    if !spec.returns_token
        && let Some(use_desc) = token_read_of_result(call, src)
    {
        return Err(format!(
            "the MFA token in the result of {legacy} is used ({use_desc}); with requestedScopes the \
             result carries none (the SDK attaches the elevated token itself): migrate by hand"
        ));
    }
    Ok(edits)
}

/// Where the call's result is read for its `mfaToken`: `(await f()).mfaToken`,
/// `const { mfaToken } = await f()`, or `const r = await f()` then
/// `r.mfaToken` / `r?.mfaToken` later in the file.
fn token_read_of_result(call: Node, src: &str) -> Option<String> {
    const TOKEN: &str = "mfaToken";
    let mut node = call;
    while let Some(parent) = node.parent() {
        match parent.kind() {
            "await_expression" | "parenthesized_expression" | "non_null_expression" => {
                node = parent
            }
            "member_expression" => {
                let prop = parent.field("property").map(|p| text(p, src));
                return (prop == Some(TOKEN)).then(|| format!("read as `{}`", text(parent, src)));
            }
            "variable_declarator" | "assignment_expression" => {
                let target = parent.field("name").or_else(|| parent.field("left"))?;
                if target.kind() == "object_pattern" {
                    let names = text(target, src);
                    return contains_word(names, TOKEN)
                        .then(|| format!("destructured as `{names}`"));
                }
                let name = text(target, src);
                let rest = &src[parent.end_byte().min(src.len())..];
                return [format!("{name}.{TOKEN}"), format!("{name}?.{TOKEN}")]
                    .into_iter()
                    .find(|read| contains_word(rest, read))
                    .map(|read| format!("read as `{read}`"));
            }
            _ => return None,
        }
    }
    None
}

/// `needle` in `hay` with no identifier character right before or after it.
fn contains_word(hay: &str, needle: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    hay.match_indices(needle).any(|(i, _)| {
        !hay[..i].chars().next_back().is_some_and(ident)
            && !hay[i + needle.len()..].chars().next().is_some_and(ident)
    })
}

/// The scope for the call, with an info finding when it was inferred from a
/// guarded call or its callers; Err is the message when no scope is certain.
/// A scope decided outside the file applies where none is certain here.
fn choose_scope(
    call: Node,
    legacy: &str,
    ctx: &FileCtx,
    checks: &ActionChecks,
) -> Result<(String, Option<Finding>), String> {
    match infer_scope(call, checks, ctx.src, ctx.table, ctx.scope_available) {
        ScopeDecision::Certain { scope, .. } => Ok((scope, None)),
        ScopeDecision::Inferred {
            scope,
            call: sensitive,
        } => {
            let note = Finding::info(
                call.start_byte(),
                "scope-inferred",
                format!(
                    "TokenScope.{scope} inferred from the guarded call `{sensitive}`; please confirm"
                ),
            );
            Ok((scope, Some(note)))
        }
        ScopeDecision::NoScope { action } => Err(no_scope_message(&action)),
        ScopeDecision::Uncertain {
            reason,
            candidates,
            no_evidence,
        } => {
            let uncertain = format!(
                "cannot tell which scope {legacy} needs: {reason}; candidates: {}",
                candidates
                    .iter()
                    .map(|c| format!("TokenScope.{c}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            match decided_scope(call, ctx) {
                Some(Ok((scope, evidence))) => Ok((
                    scope,
                    evidence.map(|e| Finding::info(call.start_byte(), "scope-inferred", e)),
                )),
                Some(Err(review)) => Err(review),
                None => {
                    let handles = if no_evidence {
                        crate::analysis::callers::handles(call, ctx.src)
                    } else {
                        vec![]
                    };
                    ctx.undecided.borrow_mut().push(UndecidedSite {
                        line: start_line(call),
                        legacy: legacy.to_string(),
                        handles,
                        candidates,
                    });
                    Err(uncertain)
                }
            }
        }
    }
}

/// The 1-based line a node starts on, as `--decide` names it.
pub fn start_line(node: Node) -> usize {
    node.start_position().row + 1
}

/// The scope decided outside the file for an undecided call on its line:
/// Ok with the evidence to report, Err with the message of a site that
/// needs review; None when nothing usable was decided (a scope the project
/// cannot use is recorded as refused).
fn decided_scope(call: Node, ctx: &FileCtx) -> Option<Result<(String, Option<String>), String>> {
    let decisions = ctx.decisions?;
    let line = start_line(call);
    match decisions.at(line)? {
        ScopeChoice::Scope { scope, evidence } => {
            if let Some(why) = unusable_scope(scope, ctx) {
                decisions.record(line, DecisionUse::Refused(why));
                return None;
            }
            decisions.record(line, DecisionUse::Applied);
            Some(Ok((scope.clone(), evidence.clone())))
        }
        ScopeChoice::Review(message) => {
            decisions.record(line, DecisionUse::Applied);
            Some(Err(message.clone()))
        }
    }
}

/// Why the project cannot use `TokenScope.{scope}`, if it cannot.
fn unusable_scope(scope: &str, ctx: &FileCtx) -> Option<String> {
    let known = ctx
        .table
        .actions
        .iter()
        .any(|a| a.token_scope.as_deref() == Some(scope));
    if !(ctx.scope_available)(scope) {
        Some(format!(
            "TokenScope.{scope} is not declared by the installed @dynamic-labs/sdk-api-core"
        ))
    } else if !known && !ctx.scopes_declared {
        Some(format!(
            "TokenScope.{scope} is not a scope stepup knows, and no installed \
             @dynamic-labs/sdk-api-core declares the scopes to check it against"
        ))
    } else {
        None
    }
}

/// Before the planners run: the checks of an action held in a variable that
/// guard a token call whose scope was decided outside the file get that
/// scope too (`if (await check({ mfaAction: action })) await prompt(…)`).
pub fn pair_decided_checks(ctx: &FileCtx, checks: &ActionChecks) {
    let Some(decisions) = ctx.decisions.filter(|d| !d.is_empty()) else {
        return;
    };
    let options = ctx.table.token_options();
    let mut paired = ctx.paired_checks.borrow_mut();
    for call in &ctx.index.calls {
        let Some(ScopeChoice::Scope { scope, .. }) = decisions.at(start_line(*call)) else {
            continue;
        };
        let asks_token = call_args(*call)
            .first()
            .and_then(|a| ObjectArg::from_node(unwrap_parens(*a), ctx.src))
            .is_some_and(|o| options.iter().any(|k| o.get(k).is_some()));
        if !asks_token
            || unusable_scope(scope, ctx).is_some()
            || !matches!(
                infer_scope(*call, checks, ctx.src, ctx.table, ctx.scope_available),
                ScopeDecision::Uncertain { .. }
            )
        {
            continue;
        }
        for check in checks.guarding(*call, ctx.src) {
            if matches!(check.action, CheckedAction::Opaque(_)) {
                paired.insert(check.call, scope.clone());
            }
        }
    }
}

fn is_multi_use(token_value: Node, src: &str) -> bool {
    let t: String = text(token_value, src)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    t.contains("singleUse:false")
}

fn remove_prop(obj: &ObjectArg, key: &str) -> Vec<Edit> {
    let items: Vec<(usize, usize)> = obj
        .props
        .iter()
        .map(|(_, n)| (n.start_byte(), n.end_byte()))
        .collect();
    let remove: Vec<bool> = obj.props.iter().map(|(k, _)| k == key).collect();
    remove_list_items(&items, &remove).unwrap_or_default()
}

/// Where the value of a call goes, if anywhere: None when it is discarded.
pub fn result_use(call: Node, src: &str) -> Option<String> {
    let mut node = call;
    loop {
        let parent = node.parent()?;
        match parent.kind() {
            "await_expression" | "parenthesized_expression" => node = parent,
            "expression_statement" => return None,
            "arrow_function" => {
                // `onClick={() => verify(...)}`: the handler's value is ignored.
                let in_jsx = parent
                    .parent()
                    .is_some_and(|p| p.kind() == "jsx_expression");
                return (!in_jsx).then(|| "returned from an arrow function".to_string());
            }
            "variable_declarator" => {
                let name = parent.field("name").map(|n| text(n, src)).unwrap_or("?");
                return Some(format!("assigned to `{name}`"));
            }
            "assignment_expression" => {
                let left = parent.field("left").map(|n| text(n, src)).unwrap_or("?");
                return Some(format!("assigned to `{left}`"));
            }
            "return_statement" => return Some("returned to the caller".into()),
            "arguments" => {
                let f = parent.parent().and_then(|c| c.field("function"));
                return Some(format!(
                    "passed to `{}`",
                    f.map(|f| text(f, src)).unwrap_or("?")
                ));
            }
            "member_expression" => return Some(format!("read as `{}`", text(parent, src))),
            // A branch of `c ? f() : g()` goes where the whole expression goes.
            "ternary_expression"
                if parent
                    .field("condition")
                    .is_none_or(|c| c.id() != node.id()) =>
            {
                node = parent
            }
            // `guard && f()`: the right operand goes where the whole expression goes.
            "binary_expression"
                if parent.field("right").is_some_and(|r| r.id() == node.id())
                    && parent
                        .field("operator")
                        .is_some_and(|o| matches!(text(o, src), "&&" | "||")) =>
            {
                node = parent
            }
            "if_statement" | "ternary_expression" | "binary_expression" | "unary_expression" => {
                return Some("tested as a condition".into());
            }
            _ => return Some("used as a value".into()),
        }
    }
}

/// How the file names `TokenScope`: decided once per file, before any rule
/// runs. Which module it is imported from is the planners' business: each
/// records the module its rewrites need (`Plan::scope_modules`).
pub struct TokenScopeAccess {
    expr: String,
    /// The file already imports it (no import needed).
    pub existing: bool,
}

impl TokenScopeAccess {
    pub fn new(ctx: &FileCtx) -> TokenScopeAccess {
        let scope_enum = &ctx.table.scope_enum;
        for module in [&ctx.table.api_core_module, &ctx.table.js_sdk_module] {
            if let Some(local) = ctx.bindings.local_access(module, scope_enum) {
                return TokenScopeAccess {
                    expr: local,
                    existing: true,
                };
            }
        }
        let mut local = scope_enum.clone();
        let mut n = 1;
        while crate::analysis::scope::name_in_use(ctx.root, &local, ctx.src) {
            local = if n == 1 {
                format!("Dynamic{scope_enum}")
            } else {
                format!("Dynamic{scope_enum}{n}")
            };
            n += 1;
        }
        TokenScopeAccess {
            expr: local,
            existing: false,
        }
    }

    /// The local name the rewrites write.
    pub fn local(&self) -> &str {
        &self.expr
    }

    pub fn scope(&self, member: &str) -> String {
        format!("{}.{member}", self.expr)
    }
}
