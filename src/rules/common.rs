//! What the three SDK families share: the action checks of a file, the
//! `createMfaToken` → `requestedScopes` rewrite, and how a file names `TokenScope`.

use crate::analysis::Field;

use super::syntax::remove_list_items;
use super::{FileCtx, Plan};
use crate::analysis::infer::{
    ActionCheck, CheckedAction, ScopeDecision, function_range, infer_scope, scope_for_action,
};
use crate::analysis::{ObjectArg, call_args, text, unwrap_parens};
use crate::edit::Edit;
use crate::finding::Finding;
use std::cell::RefCell;
use tree_sitter::Node;

/// `MFAAction.X` bound to Dynamic's enum, or the expression that stands for it.
pub fn classify_action(value: Node, ctx: &FileCtx) -> CheckedAction {
    let value = unwrap_parens(value);
    if value.kind() == "member_expression"
        && let (Some(obj), Some(prop)) = (value.field("object"), value.field("property"))
        && ctx
            .bindings
            .dynamic_name(obj, ctx.src, ctx.rules)
            .is_some_and(|d| d.imported == "MFAAction")
    {
        return CheckedAction::Known(text(prop, ctx.src).to_string());
    }
    CheckedAction::Opaque(text(value, ctx.src).to_string())
}

/// Is `call` an action check of any family: `isMfaRequiredForAction(…)` of
/// the JS SDK, a `useIsMfaRequiredForAction()` result, or
/// `<client>.mfa.isRequiredForAction(…)`?
pub fn is_action_check(call: Node, ctx: &FileCtx, hook_results: &[String]) -> bool {
    let Some(callee) = call.field("function") else {
        return false;
    };
    if let Some(d) = ctx.bindings.dynamic_name(callee, ctx.src, ctx.rules) {
        return d.imported == "isMfaRequiredForAction";
    }
    match callee.kind() {
        "identifier" => hook_results.iter().any(|h| h == text(callee, ctx.src)),
        "member_expression" => {
            client_chain(callee, ctx.src).as_deref() == Some("mfa.isRequiredForAction")
        }
        _ => false,
    }
}

/// The last two links of a member chain: `client.mfa.isRequiredForAction` → "mfa.isRequiredForAction".
pub fn client_chain(callee: Node, src: &str) -> Option<String> {
    let prop = callee.field("property")?;
    let object = callee.field("object")?;
    if object.kind() != "member_expression" {
        return None;
    }
    let inner = object.field("property")?;
    Some(format!("{}.{}", text(inner, src), text(prop, src)))
}

/// `isStepUpRequired({ scope: TokenScope.X })` of any family (the hook's
/// member, `client.stepUpAuth.isStepUpRequired`, the JS SDK's
/// `checkStepUpAuth`): the TokenScope member it checks.
fn step_up_check(call: Node, ctx: &FileCtx, hook_members: &[String]) -> Option<String> {
    let callee = call.field("function")?;
    let is_check = match ctx.bindings.dynamic_name(callee, ctx.src, ctx.rules) {
        Some(d) => d.imported == "checkStepUpAuth",
        None => match callee.kind() {
            "identifier" => hook_members.iter().any(|m| m == text(callee, ctx.src)),
            "member_expression" => {
                client_chain(callee, ctx.src).as_deref() == Some("stepUpAuth.isStepUpRequired")
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
        .dynamic_name(obj, ctx.src, ctx.rules)
        .filter(|d| d.imported == "TokenScope")
        .map(|_| text(prop, ctx.src).to_string())
}

/// Every action check in the file, for scope inference.
pub fn action_checks(ctx: &FileCtx) -> Vec<ActionCheck> {
    // Names bound to `useIsMfaRequiredForAction()` results anywhere in the file.
    let index = ctx.index;
    let hook_results: Vec<String> = index
        .declarators
        .iter()
        .filter_map(|d| {
            let name = d.field("name")?;
            let value = d.field("value")?;
            let callee = value.field("function")?;
            let dynamic = ctx.bindings.dynamic_name(callee, ctx.src, ctx.rules)?;
            (name.kind() == "identifier" && dynamic.imported == "useIsMfaRequiredForAction")
                .then(|| text(name, ctx.src).to_string())
        })
        .collect();
    // Locals bound to `isStepUpRequired` of a `useStepUpAuthentication()` destructuring.
    let step_up_members: Vec<String> = index
        .pattern_props
        .iter()
        .filter_map(|p| {
            let declarator = p
                .parent()?
                .parent()
                .filter(|d| d.kind() == "variable_declarator")?;
            let callee = declarator.field("value")?.field("function")?;
            let hook = ctx.bindings.dynamic_name(callee, ctx.src, ctx.rules)?;
            if hook.imported != ctx.rules.step_up_hook {
                return None;
            }
            match p.kind() {
                "pair_pattern" => {
                    let key = p.field("key")?;
                    let value = p.field("value")?;
                    (text(key, ctx.src) == "isStepUpRequired")
                        .then(|| text(value, ctx.src).to_string())
                }
                _ => {
                    (text(*p, ctx.src) == "isStepUpRequired").then(|| text(*p, ctx.src).to_string())
                }
            }
        })
        .collect();
    let step_up = index.calls.iter().filter_map(|call| {
        step_up_check(*call, ctx, &step_up_members).map(|scope| ActionCheck {
            function: function_range(*call),
            action: CheckedAction::Scope(scope),
        })
    });
    index
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
                action: classify_action(value, ctx),
            })
        })
        .chain(step_up)
        .collect()
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
            match scope_for_action(&action, ctx.rules, ctx.scope_available) {
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
                    ),
                )),
                None => Err(manual(no_scope_message(&action))),
            }
        }
        CheckedAction::Opaque(expr) | CheckedAction::Scope(expr) => Err(manual(format!(
            "the action is held in `{expr}`, not a literal MFAAction: choose the TokenScope by hand"
        ))),
    }
}

/// How one legacy token-creating function is migrated.
pub struct TokenCall<'a> {
    pub legacy: &'a str,
    pub target: &'a str,
    pub rule: &'static str,
    /// `createMfaToken`, or `createMfaTokenOptions` in the JS SDK.
    pub option_key: &'a str,
    /// The legacy function resolves to the token string while the target
    /// does not: a call whose value is used cannot be rewritten.
    pub returns_token: bool,
    /// `type` must be TOTP and is dropped (React/RN authenticateDevice).
    pub totp_device_type: bool,
    /// `relatedOriginRpId` has no equivalent.
    pub passkey: bool,
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
    spec: &TokenCall,
    ctx: &FileCtx,
    checks: &[ActionCheck],
    ts: &TokenScopeAccess,
) -> TokenOutcome {
    let src = ctx.src;
    let at = call.start_byte();
    let legacy = spec.legacy;
    let manual = |msg: String| TokenOutcome::Manual(Finding::manual(at, spec.rule, msg));
    if call.has_error() {
        return manual(format!(
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
                return manual(format!(
                    "{legacy} is called with options stepup cannot read (`{}`): check for {} by hand",
                    text(*one, src),
                    spec.option_key
                ));
            }
        },
        _ => return manual(format!("{legacy} is called with unexpected arguments")),
    };
    let Some(token_prop) = obj.as_ref().and_then(|o| o.get(spec.option_key)) else {
        if obj.as_ref().is_some_and(|o| o.opaque) {
            return manual(format!(
                "{legacy} gets spread options: check them for {} by hand",
                spec.option_key
            ));
        }
        return TokenOutcome::NoToken {
            has_requested_scopes: obj
                .as_ref()
                .is_some_and(|o| o.get("requestedScopes").is_some()),
        };
    };
    let obj = obj.expect("a token option implies an object");
    if obj.opaque {
        return manual(format!(
            "{legacy} mixes {} with spread options: migrate by hand",
            spec.option_key
        ));
    }
    if obj.get("requestedScopes").is_some() {
        return manual(format!(
            "{legacy} passes both {} and requestedScopes: decide which token it should get",
            spec.option_key
        ));
    }
    let token_value = obj.value(spec.option_key).expect("present");
    if matches!(text(token_value, src), "false" | "undefined" | "null") {
        return manual(format!(
            "{legacy} passes {}: {}: no token was asked for; remove the option by hand",
            spec.option_key,
            text(token_value, src)
        ));
    }
    let mut edits = Vec::new();
    let mut findings = Vec::new();
    if spec.totp_device_type
        && let Some(type_value) = obj.value("type")
    {
        let t = text(type_value, src);
        let is_totp = matches!(t, "'totp'" | "\"totp\"") || t.ends_with(".Totp");
        if !is_totp {
            return manual(format!(
                "{legacy} uses device type `{t}`; {} handles TOTP only: migrate by hand",
                spec.target
            ));
        }
        edits.extend(remove_prop(&obj, "type"));
    }
    if spec.passkey && obj.get("relatedOriginRpId").is_some() {
        return manual(format!(
            "{legacy} uses relatedOriginRpId, which {} does not support: migrate by hand",
            spec.target
        ));
    }
    if spec.returns_token
        && let Some(use_desc) = result_use(call, src)
    {
        return manual(format!(
            "the MFA token returned by {legacy} is used ({use_desc}); {} resolves to a verification \
             result, not a token: migrate by hand",
            spec.target
        ));
    }
    let scope = match infer_scope(call, checks, src, ctx.rules, ctx.scope_available) {
        ScopeDecision::Certain { scope, .. } => scope,
        ScopeDecision::Inferred {
            scope,
            call: sensitive,
        } => {
            findings.push(Finding::info(
                at,
                "scope-inferred",
                format!("TokenScope.{scope} inferred from the guarded call `{sensitive}`; please confirm"),
            ));
            scope
        }
        ScopeDecision::NoScope { action } => return manual(no_scope_message(&action)),
        ScopeDecision::Uncertain { reason, candidates } => {
            return manual(format!(
                "cannot tell which scope {legacy} needs: {reason}; candidates: {}",
                candidates
                    .iter()
                    .map(|c| format!("TokenScope.{c}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    };
    if is_multi_use(token_value, src) {
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
    findings.push(Finding::fixable(
        at,
        spec.rule,
        format!(
            "{legacy} with {} → {} with requestedScopes: [TokenScope.{scope}]",
            spec.option_key, spec.target
        ),
    ));
    TokenOutcome::Rewrite { edits, findings }
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
            "if_statement" | "ternary_expression" | "binary_expression" | "unary_expression" => {
                return Some("tested as a condition".into());
            }
            _ => return Some("used as a value".into()),
        }
    }
}

/// How the file names `TokenScope`: decided once per file, imported only if
/// a rewrite uses it, from the module of the first family that does.
pub struct TokenScopeAccess {
    expr: String,
    /// Set when the file already imports it (no import needed).
    existing: bool,
    /// The module of the family whose rewrites are being planned.
    family: RefCell<String>,
    /// The module of the first rewrite that used it.
    chosen: RefCell<Option<String>>,
}

impl TokenScopeAccess {
    pub fn new(ctx: &FileCtx) -> TokenScopeAccess {
        for module in [&ctx.rules.api_core_module, &ctx.rules.js_sdk_module] {
            if let Some(local) = ctx.bindings.local_access(module, "TokenScope") {
                return TokenScopeAccess {
                    expr: local,
                    existing: true,
                    family: RefCell::new(module.clone()),
                    chosen: RefCell::new(Some(module.clone())),
                };
            }
        }
        let mut local = "TokenScope".to_string();
        let mut n = 1;
        while crate::analysis::scope::name_in_use(ctx.root, &local, ctx.src) {
            local = if n == 1 {
                "DynamicTokenScope".to_string()
            } else {
                format!("DynamicTokenScope{n}")
            };
            n += 1;
        }
        TokenScopeAccess {
            expr: local,
            existing: false,
            family: RefCell::new(ctx.rules.api_core_module.clone()),
            chosen: RefCell::new(None),
        }
    }

    /// The module the current family imports `TokenScope` from.
    pub fn set_family(&self, module: &str) {
        *self.family.borrow_mut() = module.to_string();
    }

    pub fn scope(&self, member: &str) -> String {
        let mut chosen = self.chosen.borrow_mut();
        if chosen.is_none() {
            *chosen = Some(self.family.borrow().clone());
        }
        format!("{}.{member}", self.expr)
    }

    /// Record the import the rewrites need, if any rewrite used TokenScope.
    pub fn register(&self, plan: &mut Plan) {
        if self.existing {
            return;
        }
        if let Some(module) = self.chosen.borrow().as_ref() {
            plan.need(module, "TokenScope", &self.expr);
        }
    }
}
