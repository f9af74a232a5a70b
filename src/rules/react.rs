//! React SDK (`@dynamic-labs/sdk-react-core`): legacy MFA hooks →
//! `useStepUpAuthentication()` (MIGRATION.md section 1).

use crate::analysis::Field;

use super::common::{self, TokenCall, TokenOutcome, TokenScopeAccess};
use super::syntax::{indentation, remove_list_items, statement_removal};
use super::{FileCtx, Plan};
use crate::analysis::infer::ActionCheck;
use crate::analysis::scope::{declares, is_function, references};
use crate::analysis::{call_args, text};
use crate::edit::Edit;
use crate::finding::Finding;
use std::collections::{BTreeMap, BTreeSet};
use tree_sitter::Node;

/// A legacy function reached through a hook result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Api {
    IsMfaRequired,
    PromptMfaAuth,
    AuthenticateDevice,
    AuthenticateRecoveryCode,
    PasskeyMfa,
    /// `authDevice(code)` / `authRecoveryCode(code)`: deprecated positional forms.
    Positional,
}

impl Api {
    fn rule(self) -> &'static str {
        match self {
            Api::IsMfaRequired => "is-mfa-required-for-action",
            Api::PromptMfaAuth => "prompt-mfa-auth",
            Api::AuthenticateDevice => "mfa-authenticate-device",
            Api::AuthenticateRecoveryCode => "mfa-authenticate-recovery-code",
            Api::PasskeyMfa => "authenticate-passkey-mfa",
            Api::Positional => "legacy-positional-auth",
        }
    }
    fn legacy_name(self) -> &'static str {
        match self {
            Api::IsMfaRequired => "isMfaRequiredForAction",
            Api::PromptMfaAuth => "promptMfaAuth",
            Api::AuthenticateDevice => "authenticateDevice",
            Api::AuthenticateRecoveryCode => "authenticateRecoveryCode",
            Api::PasskeyMfa => "authenticatePasskeyMFA",
            Api::Positional => "authDevice",
        }
    }
    fn of_mfa_member(member: &str) -> Option<Api> {
        match member {
            "authenticateDevice" => Some(Api::AuthenticateDevice),
            "authenticateRecoveryCode" => Some(Api::AuthenticateRecoveryCode),
            "authDevice" | "authRecoveryCode" => Some(Api::Positional),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hook {
    IsMfaRequiredForAction,
    PromptMfaAuth,
    Mfa,
    AuthenticatePasskeyMfa,
}

impl Hook {
    fn from_export(name: &str) -> Option<Hook> {
        match name {
            "useIsMfaRequiredForAction" => Some(Hook::IsMfaRequiredForAction),
            "usePromptMfaAuth" => Some(Hook::PromptMfaAuth),
            "useMfa" => Some(Hook::Mfa),
            "useAuthenticatePasskeyMFA" => Some(Hook::AuthenticatePasskeyMfa),
            _ => None,
        }
    }
    /// For hooks that return one function: the API of that function.
    fn function_api(self) -> Option<Api> {
        match self {
            Hook::IsMfaRequiredForAction => Some(Api::IsMfaRequired),
            Hook::PromptMfaAuth => Some(Api::PromptMfaAuth),
            Hook::AuthenticatePasskeyMfa => Some(Api::PasskeyMfa),
            Hook::Mfa => None,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Hook::IsMfaRequiredForAction => "useIsMfaRequiredForAction",
            Hook::PromptMfaAuth => "usePromptMfaAuth",
            Hook::Mfa => "useMfa",
            Hook::AuthenticatePasskeyMfa => "useAuthenticatePasskeyMFA",
        }
    }
}

/// `const <pattern> = useX();` inside a component or hook body.
struct HookUse<'t> {
    hook: Hook,
    module: String,
    /// The callee as written (`useMfa`, `Dynamic.useMfa`): its namespace, if any.
    namespace: Option<String>,
    statement: Node<'t>,
    /// The statement block that holds the declaration.
    body: Node<'t>,
    pattern: Node<'t>,
}

/// One name bound by a hook use: the whole result, or one destructured member.
struct Slot<'t> {
    hook_use: usize,
    local: String,
    /// The node binding `local` (for destructured members, the property).
    binder: Node<'t>,
    /// Whole-result binding of `useMfa()`: references are `local.member`.
    whole_mfa: bool,
    /// For destructured members and single-function hooks.
    api: Option<Api>,
    rewritten: Vec<(usize, &'static str)>,
    kept_refs: Vec<(usize, usize)>,
    deps: Vec<Node<'t>>,
}

impl Slot<'_> {
    fn alive(&self) -> bool {
        self.rewritten.is_empty() || !self.kept_refs.is_empty()
    }
}

struct CallRewrite {
    callee: (usize, usize),
    member: &'static str,
    body: (usize, usize),
}

pub fn plan(ctx: &FileCtx, plan: &mut Plan, checks: &[ActionCheck], ts: &TokenScopeAccess) {
    let src = ctx.src;
    let mut hook_uses: Vec<HookUse> = Vec::new();

    for &call in &ctx.index.calls {
        let Some(callee) = call.field("function") else {
            continue;
        };
        let Some(name) = ctx.bindings.dynamic_name(callee, src, ctx.rules) else {
            continue;
        };
        if name.imported == "useGetMfaToken" {
            plan.findings.push(Finding::manual(
                call.start_byte(),
                "get-mfa-token",
                "useGetMfaToken has no step-up equivalent: the SDK now attaches elevated tokens to its own requests; \
                 use useGetElevatedAccessToken if the raw token is really needed",
            ));
            continue;
        }
        let Some(hook) = Hook::from_export(&name.imported) else {
            continue;
        };
        match bound_hook_use(call, hook, &name.module, callee, src) {
            Some(u) => hook_uses.push(u),
            None => {
                let finding = format!(
                    "{}() is not assigned to a const in a component or hook body; migrate this use by hand",
                    hook.name()
                );
                plan.findings.push(if hook == Hook::Mfa {
                    Finding::warning(call.start_byte(), "legacy-hook-unbound", finding)
                } else {
                    Finding::manual(call.start_byte(), "legacy-hook-unbound", finding)
                });
            }
        }
    }
    if hook_uses.is_empty() {
        return;
    }

    // Slots: every name a hook use binds.
    let mut slots: Vec<Slot> = Vec::new();
    for (i, u) in hook_uses.iter().enumerate() {
        match u.pattern.kind() {
            "identifier" => slots.push(Slot {
                hook_use: i,
                local: text(u.pattern, src).to_string(),
                binder: u.pattern,
                whole_mfa: u.hook == Hook::Mfa,
                api: u.hook.function_api(),
                rewritten: vec![],
                kept_refs: vec![],
                deps: vec![],
            }),
            "object_pattern" if u.hook == Hook::Mfa => {
                let mut cursor = u.pattern.walk();
                for prop in u.pattern.named_children(&mut cursor) {
                    let (key, local) = match prop.kind() {
                        "shorthand_property_identifier_pattern" => {
                            (text(prop, src), text(prop, src))
                        }
                        "pair_pattern" => {
                            let (Some(k), Some(v)) = (prop.field("key"), prop.field("value"))
                            else {
                                continue;
                            };
                            if v.kind() != "identifier" {
                                continue;
                            }
                            (text(k, src), text(v, src))
                        }
                        _ => continue,
                    };
                    let Some(api) = Api::of_mfa_member(key) else {
                        continue;
                    };
                    slots.push(Slot {
                        hook_use: i,
                        local: local.to_string(),
                        binder: prop,
                        whole_mfa: false,
                        api: Some(api),
                        rewritten: vec![],
                        kept_refs: vec![],
                        deps: vec![],
                    });
                }
            }
            _ => plan.findings.push(Finding::manual(
                u.statement.start_byte(),
                "legacy-hook-unbound",
                format!(
                    "the result of {}() is destructured in a shape stepup does not rewrite",
                    u.hook.name()
                ),
            )),
        }
    }

    // Classify every reference of every slot.
    struct Call<'t> {
        slot: usize,
        api: Api,
        call: Node<'t>,
        callee: Node<'t>,
    }
    let mut calls: Vec<Call> = Vec::new();
    for (si, slot) in slots.iter_mut().enumerate() {
        let u = &hook_uses[slot.hook_use];
        let exclude = (u.pattern.start_byte(), u.pattern.end_byte());
        for r in references(u.body, &slot.local, exclude, src) {
            let r_range = (r.start_byte(), r.end_byte());
            if is_dependency(r, src, ctx) {
                slot.deps.push(r);
                continue;
            }
            let parent = r.parent();
            if slot.whole_mfa {
                // `mfa.member(...)`
                let member = parent.filter(|p| {
                    p.kind() == "member_expression"
                        && p.field("object").map(|o| o.id()) == Some(r.id())
                });
                let Some(member) = member else {
                    slot.kept_refs.push(r_range);
                    plan.findings.push(Finding::warning(
                        r.start_byte(),
                        "legacy-hook-escapes",
                        format!(
                            "the useMfa() result `{}` is passed on as a value: check where it goes for \
                             authenticateDevice/authenticateRecoveryCode with createMfaToken",
                            slot.local
                        ),
                    ));
                    continue;
                };
                let prop = member.field("property").map(|p| text(p, src)).unwrap_or("");
                let api = Api::of_mfa_member(prop);
                match (api, callee_of(member)) {
                    (Some(api), Some(call)) => calls.push(Call {
                        slot: si,
                        api,
                        call,
                        callee: member,
                    }),
                    (Some(api), None) => {
                        slot.kept_refs.push(r_range);
                        plan.findings.push(escape_finding(member, api, src));
                    }
                    (None, _) => slot.kept_refs.push(r_range),
                }
                continue;
            }
            let api = slot.api.expect("non-whole slots have an API");
            match callee_of(r) {
                Some(call) => calls.push(Call {
                    slot: si,
                    api,
                    call,
                    callee: r,
                }),
                None => {
                    slot.kept_refs.push(r_range);
                    plan.findings.push(escape_finding(r, api, src));
                }
            }
        }
    }

    ts.set_family(&ctx.rules.api_core_module);
    let mut rewrites: Vec<CallRewrite> = Vec::new();
    for c in &calls {
        plan.handled.push((c.call.start_byte(), c.call.end_byte()));
        let slot = &mut slots[c.slot];
        let decision = decide_call(c.call, c.api, ctx, checks, ts);
        match decision {
            Decision::Rewrite {
                member,
                edits,
                findings,
            } => {
                plan.edits.extend(edits);
                plan.findings.extend(findings);
                slot.rewritten.push((c.call.start_byte(), member));
                let body = hook_uses[slot.hook_use].body;
                rewrites.push(CallRewrite {
                    callee: (c.callee.start_byte(), c.callee.end_byte()),
                    member,
                    body: (body.start_byte(), body.end_byte()),
                });
            }
            Decision::Keep(finding) => {
                slot.kept_refs
                    .push((c.callee.start_byte(), c.callee.end_byte()));
                plan.findings.extend(finding);
            }
        }
    }
    if rewrites.is_empty() {
        return;
    }

    // Per body: the step-up members needed and their local names.
    let mut bodies: BTreeMap<(usize, usize), BTreeSet<&'static str>> = BTreeMap::new();
    for r in &rewrites {
        bodies.entry(r.body).or_default().insert(r.member);
    }
    let mut names: BTreeMap<((usize, usize), &'static str), String> = BTreeMap::new();
    // Hook-use statements that the step-up declaration takes the place of.
    let mut replaced: Vec<usize> = Vec::new();
    for (&body_range, members) in &bodies {
        let body = hook_uses
            .iter()
            .find(|u| (u.body.start_byte(), u.body.end_byte()) == body_range)
            .expect("every rewrite body has a hook use")
            .body;
        let existing = existing_step_up(body, ctx);
        let mut added: Vec<(&'static str, String)> = Vec::new();
        for &m in members {
            let local = match existing
                .as_ref()
                .and_then(|e| e.members.iter().find(|(k, _)| k == m))
            {
                Some((_, local)) => local.clone(),
                None => {
                    let local = fresh_name(m, body, ctx);
                    added.push((m, local.clone()));
                    local
                }
            };
            names.insert((body_range, m), local);
        }
        added.sort_by_key(|(m, _)| ctx.rules.member_rank(m));
        let items: Vec<String> = added
            .iter()
            .map(|(m, l)| {
                if l == m {
                    m.to_string()
                } else {
                    format!("{m}: {l}")
                }
            })
            .collect();
        if items.is_empty() {
            continue;
        }
        let uses_here: Vec<usize> = (0..hook_uses.len())
            .filter(|&i| hook_uses[i].body.id() == body.id())
            .collect();
        if let Some(e) = existing {
            plan.edits.push(e.append(&items, src));
            continue;
        }
        let callee = step_up_callee(ctx, plan, &hook_uses, &uses_here);
        // Put it where the first legacy hook of this body was declared,
        // following that statement's semicolon habit.
        let first = uses_here
            .iter()
            .copied()
            .min_by_key(|&i| hook_uses[i].statement.start_byte())
            .expect("non-empty");
        let removed_whole = whole_statement_removed(first, &hook_uses, &slots);
        let stmt = hook_uses[first].statement;
        let semi = if text(stmt, src).ends_with(';') {
            ";"
        } else {
            ""
        };
        let decl = format!("const {{ {} }} = {}(){semi}", items.join(", "), callee);
        if removed_whole {
            plan.edits
                .push(Edit::replace(stmt.start_byte(), stmt.end_byte(), decl));
            replaced.push(first);
        } else {
            let indent = indentation(src, stmt.start_byte()).to_string();
            plan.edits.push(Edit::insert(
                stmt.start_byte(),
                format!("{decl}{}{indent}", ctx.newline),
            ));
        }
    }

    // Call sites: the callee becomes the step-up member.
    for r in &rewrites {
        let local = &names[&(r.body, r.member)];
        plan.edits
            .push(Edit::replace(r.callee.0, r.callee.1, local.clone()));
    }

    // Dependency arrays: the legacy name gives way to the names now called.
    for slot in &slots {
        let u = &hook_uses[slot.hook_use];
        let body_range = (u.body.start_byte(), u.body.end_byte());
        for dep in &slot.deps {
            let callback = dependency_callback(*dep);
            let within = |pos: usize| callback.is_some_and(|(s, e)| pos >= s && pos < e);
            let mut new_names: Vec<String> = Vec::new();
            for (pos, m) in &slot.rewritten {
                if within(*pos) || callback.is_none() {
                    let n = names[&(body_range, *m)].clone();
                    if !new_names.contains(&n) {
                        new_names.push(n);
                    }
                }
            }
            let kept_inside = slot.kept_refs.iter().any(|(p, _)| within(*p));
            let mut items: Vec<String> = Vec::new();
            if slot.alive() && (kept_inside || new_names.is_empty()) {
                items.push(slot.local.clone());
            }
            if items.is_empty() && new_names.is_empty() {
                // A stale dependency on a name that is going away.
                for (_, m) in &slot.rewritten {
                    let n = names[&(body_range, *m)].clone();
                    if !new_names.contains(&n) {
                        new_names.push(n);
                    }
                }
            }
            items.extend(new_names);
            if items.len() == 1 && items[0] == slot.local {
                continue;
            }
            plan.edits.push(Edit::replace(
                dep.start_byte(),
                dep.end_byte(),
                items.join(", "),
            ));
        }
    }

    // Hook declarations: drop what is no longer referenced.
    for (i, u) in hook_uses.iter().enumerate() {
        let mine: Vec<&Slot> = slots.iter().filter(|s| s.hook_use == i).collect();
        if mine.is_empty() || mine.iter().all(|s| s.rewritten.is_empty()) {
            continue;
        }
        if replaced.contains(&i) {
            continue;
        }
        if whole_statement_removed(i, &hook_uses, &slots) {
            let (s, e) = statement_removal(src, u.statement.start_byte(), u.statement.end_byte());
            plan.edits.push(Edit::delete(s, e));
        } else if u.pattern.kind() == "object_pattern" {
            let mut cursor = u.pattern.walk();
            let props: Vec<Node> = u
                .pattern
                .named_children(&mut cursor)
                .filter(|n| n.kind() != "comment")
                .collect();
            let items: Vec<(usize, usize)> = props
                .iter()
                .map(|p| (p.start_byte(), p.end_byte()))
                .collect();
            let remove: Vec<bool> = props
                .iter()
                .map(|p| mine.iter().any(|s| s.binder.id() == p.id() && !s.alive()))
                .collect();
            if let Some(edits) = remove_list_items(&items, &remove) {
                plan.edits.extend(edits);
            }
        }
    }
}

/// Will the whole `const … = useX();` statement go?
fn whole_statement_removed(i: usize, hook_uses: &[HookUse], slots: &[Slot]) -> bool {
    let u = &hook_uses[i];
    let mine: Vec<&Slot> = slots.iter().filter(|s| s.hook_use == i).collect();
    if mine.is_empty() || mine.iter().any(|s| s.alive()) {
        return false;
    }
    match u.pattern.kind() {
        "identifier" => true,
        "object_pattern" => {
            // Every property must be one of our removed slots.
            let mut cursor = u.pattern.walk();
            u.pattern
                .named_children(&mut cursor)
                .filter(|n| n.kind() != "comment")
                .all(|p| mine.iter().any(|s| s.binder.id() == p.id()))
        }
        _ => false,
    }
}

/// Recognise `const <pattern> = useX();` as the only declarator of a
/// statement directly inside a function body.
fn bound_hook_use<'t>(
    call: Node<'t>,
    hook: Hook,
    module: &str,
    callee: Node<'t>,
    src: &str,
) -> Option<HookUse<'t>> {
    let declarator = call
        .parent()
        .filter(|p| p.kind() == "variable_declarator")?;
    if declarator.field("value")?.id() != call.id() {
        return None;
    }
    let statement = declarator
        .parent()
        .filter(|p| matches!(p.kind(), "lexical_declaration" | "variable_declaration"))?;
    if statement.named_child_count() != 1 {
        return None;
    }
    let body = statement
        .parent()
        .filter(|p| p.kind() == "statement_block")?;
    if !body.parent().is_some_and(|f| is_function(f.kind())) {
        return None;
    }
    let pattern = declarator.field("name")?;
    let namespace = (callee.kind() == "member_expression")
        .then(|| callee.field("object").map(|o| text(o, src).to_string()))
        .flatten();
    Some(HookUse {
        hook,
        module: module.to_string(),
        namespace,
        statement,
        body,
        pattern,
    })
}

/// The call whose callee is exactly `node`.
fn callee_of(node: Node) -> Option<Node> {
    let parent = node.parent()?;
    (parent.kind() == "call_expression" && parent.field("function")?.id() == node.id())
        .then_some(parent)
}

fn escape_finding(node: Node, api: Api, src: &str) -> Finding {
    let whereto = match node.parent().map(|p| p.kind()) {
        Some("jsx_expression") => "to a JSX attribute".to_string(),
        Some("arguments") => node
            .parent()
            .and_then(|a| a.parent())
            .and_then(|c| c.field("function"))
            .map(|f| format!("to `{}`", text(f, src)))
            .unwrap_or_else(|| "as an argument".into()),
        Some("return_statement") => "as a return value".into(),
        Some("shorthand_property_identifier") | Some("object") | Some("pair") => {
            "in an object".into()
        }
        _ => "as a value".into(),
    };
    let name = text(node, src);
    let what = if name.ends_with(api.legacy_name()) {
        format!("`{name}`")
    } else {
        format!("`{name}` ({})", api.legacy_name())
    };
    let msg = format!(
        "{what} is passed on {whereto}; whoever calls it uses the legacy signature: migrate it by hand"
    );
    if api == Api::Positional {
        Finding::warning(node.start_byte(), api.rule(), msg)
    } else {
        Finding::manual(node.start_byte(), api.rule(), msg)
    }
}

/// Is this reference an element of a React dependency array (`useCallback(fn, [x])`)?
fn is_dependency(r: Node, src: &str, ctx: &FileCtx) -> bool {
    let Some(array) = r.parent().filter(|p| p.kind() == "array") else {
        return false;
    };
    let Some(args) = array.parent().filter(|p| p.kind() == "arguments") else {
        return false;
    };
    let Some(call) = args.parent() else {
        return false;
    };
    let Some(name) = crate::analysis::infer::called_name(call, src) else {
        return false;
    };
    if !ctx.rules.dependency_hooks.iter().any(|h| h == name) {
        return false;
    }
    call_args(call).get(1).is_some_and(|a| a.id() == array.id())
}

/// The callback a dependency array belongs to (byte range of argument 0).
fn dependency_callback(dep: Node) -> Option<(usize, usize)> {
    let call = dep.parent()?.parent()?.parent()?;
    call_args(call)
        .first()
        .map(|c| (c.start_byte(), c.end_byte()))
}

enum Decision {
    Rewrite {
        member: &'static str,
        edits: Vec<Edit>,
        findings: Vec<Finding>,
    },
    Keep(Option<Finding>),
}

fn decide_call(
    call: Node,
    api: Api,
    ctx: &FileCtx,
    checks: &[ActionCheck],
    ts: &TokenScopeAccess,
) -> Decision {
    let at = call.start_byte();
    let rule = api.rule();
    let keep = |f: Finding| Decision::Keep(Some(f));
    let target: &'static str = match api {
        Api::Positional => {
            return keep(Finding::warning(
                at,
                rule,
                "authDevice/authRecoveryCode are long deprecated and never created an MFA token; \
                 move to authenticateDevice (login) or verifyTotpMfa (step-up) by hand",
            ));
        }
        Api::IsMfaRequired => {
            return match common::action_check_rewrite(
                call,
                api.legacy_name(),
                "isStepUpRequired",
                rule,
                ctx,
                ts,
            ) {
                Ok((edits, finding)) => Decision::Rewrite {
                    member: "isStepUpRequired",
                    edits,
                    findings: vec![finding],
                },
                Err(f) => keep(f),
            };
        }
        Api::PromptMfaAuth => "promptStepUpAuth",
        Api::AuthenticateDevice => "verifyTotpMfa",
        Api::AuthenticateRecoveryCode => "verifyRecoveryCode",
        Api::PasskeyMfa => "verifyPasskeyMfa",
    };
    let spec = TokenCall {
        legacy: api.legacy_name(),
        target,
        rule,
        option_key: "createMfaToken",
        returns_token: true,
        totp_device_type: api == Api::AuthenticateDevice,
        passkey: api == Api::PasskeyMfa,
    };
    match common::token_call(call, &spec, ctx, checks, ts) {
        TokenOutcome::Rewrite { edits, findings } => Decision::Rewrite {
            member: target,
            edits,
            findings,
        },
        TokenOutcome::Manual(f) => keep(f),
        TokenOutcome::NoToken {
            has_requested_scopes,
        } if api == Api::PromptMfaAuth => {
            // The deprecated hook's own replacements.
            let (member, msg) = if has_requested_scopes {
                (
                    "promptStepUpAuth",
                    "usePromptMfaAuth is deprecated: promptStepUpAuth takes the same requestedScopes",
                )
            } else {
                (
                    "promptMfa",
                    "usePromptMfaAuth is deprecated: promptMfa() of useStepUpAuthentication does the same",
                )
            };
            Decision::Rewrite {
                member,
                edits: vec![],
                findings: vec![Finding::fixable(at, rule, msg)],
            }
        }
        // Login-time MFA or already migrated: not action-based MFA.
        TokenOutcome::NoToken {
            has_requested_scopes: false,
        } => Decision::Keep(Some(common::login_mfa(call, api.legacy_name()))),
        TokenOutcome::NoToken { .. } => Decision::Keep(None),
    }
}

/// An existing `const { … } = useStepUpAuthentication();` directly in `body`.
struct ExistingStepUp {
    members: Vec<(String, String)>,
    pattern: (usize, usize),
    last_item_end: Option<usize>,
    trailing_comma: bool,
}

impl ExistingStepUp {
    fn append(&self, items: &[String], src: &str) -> Edit {
        match self.last_item_end {
            Some(end) if self.trailing_comma => {
                // Insert after the trailing comma, keeping its layout.
                let comma = end + src[end..].find(',').expect("trailing comma") + 1;
                let pattern = &src[self.pattern.0..self.pattern.1];
                if pattern.contains('\n') {
                    let indent = indentation(
                        src,
                        src[..end]
                            .rfind(|c: char| !c.is_whitespace())
                            .unwrap_or(end),
                    );
                    let indent = indent.to_string();
                    let nl = if src.contains("\r\n") { "\r\n" } else { "\n" };
                    let text: String = items.iter().map(|i| format!("{nl}{indent}{i},")).collect();
                    Edit::insert(comma, text)
                } else {
                    Edit::insert(comma, format!(" {}", items.join(", ")))
                }
            }
            Some(end) => Edit::insert(end, format!(", {}", items.join(", "))),
            None => Edit::replace(
                self.pattern.0,
                self.pattern.1,
                format!("{{ {} }}", items.join(", ")),
            ),
        }
    }
}

fn existing_step_up(body: Node, ctx: &FileCtx) -> Option<ExistingStepUp> {
    let src = ctx.src;
    let mut cursor = body.walk();
    for stmt in body.named_children(&mut cursor) {
        if stmt.kind() != "lexical_declaration" || stmt.named_child_count() != 1 {
            continue;
        }
        let Some(decl) = stmt.named_child(0) else {
            continue;
        };
        let (Some(pattern), Some(value)) = (decl.field("name"), decl.field("value")) else {
            continue;
        };
        if pattern.kind() != "object_pattern" || value.kind() != "call_expression" {
            continue;
        }
        let Some(callee) = value.field("function") else {
            continue;
        };
        if ctx
            .bindings
            .dynamic_name(callee, src, ctx.rules)
            .is_none_or(|d| d.imported != ctx.rules.step_up_hook)
        {
            continue;
        }
        let mut members = Vec::new();
        let mut last_item_end = None;
        let mut c2 = pattern.walk();
        for p in pattern.named_children(&mut c2) {
            match p.kind() {
                "shorthand_property_identifier_pattern" => {
                    members.push((text(p, src).to_string(), text(p, src).to_string()));
                }
                "pair_pattern" => {
                    if let (Some(k), Some(v)) = (p.field("key"), p.field("value")) {
                        members.push((text(k, src).to_string(), text(v, src).to_string()));
                    }
                }
                "comment" => continue,
                _ => {}
            }
            last_item_end = Some(p.end_byte());
        }
        let trailing_comma =
            last_item_end.is_some_and(|e| src[e..pattern.end_byte()].contains(','));
        return Some(ExistingStepUp {
            members,
            pattern: (pattern.start_byte(), pattern.end_byte()),
            last_item_end,
            trailing_comma,
        });
    }
    None
}

/// A local name for a step-up member that clashes with nothing visible in `body`.
fn fresh_name(member: &str, body: Node, ctx: &FileCtx) -> String {
    let taken = |name: &str| {
        crate::analysis::scope::name_in_use(body, name, ctx.src) || {
            let mut cur = body.parent();
            let mut found = false;
            while let Some(n) = cur {
                if declares(n, name, ctx.src) {
                    found = true;
                    break;
                }
                cur = n.parent();
            }
            found
        }
    };
    if !taken(member) {
        return member.to_string();
    }
    let mut capital = member.to_string();
    capital[..1].make_ascii_uppercase();
    let base = format!("stepUp{capital}");
    let mut name = base.clone();
    let mut n = 2;
    while taken(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    name
}

/// How to call `useStepUpAuthentication` in this body: the existing import,
/// the namespace the legacy hook came through, or a new named import.
fn step_up_callee(
    ctx: &FileCtx,
    plan: &mut Plan,
    hook_uses: &[HookUse],
    uses_here: &[usize],
) -> String {
    let hook = &ctx.rules.step_up_hook;
    let first = &hook_uses[uses_here[0]];
    if let Some(ns) = uses_here
        .iter()
        .find_map(|&i| hook_uses[i].namespace.clone())
    {
        return format!("{ns}.{hook}");
    }
    for u in uses_here.iter().map(|&i| &hook_uses[i]) {
        if let Some(local) = ctx.bindings.local_access(&u.module, hook) {
            return local;
        }
    }
    if let Some(local) = ctx
        .bindings
        .local_access(&ctx.rules.react_core_module, hook)
    {
        return local;
    }
    plan.need(&first.module, hook, hook);
    hook.clone()
}
