//! React SDK hooks (`@dynamic-labs/sdk-react-core`): every legacy hook of the
//! table → one `useStepUpAuthentication()` per component or hook body
//! (MIGRATION.md section 1). The stages run in order, each taking what the
//! previous one returned: hook uses → the names they bind → the calls of
//! those names → a decision per call → the step-up declaration per body →
//! renamed call sites and dependency arrays → legacy declarations dropped.

use crate::analysis::Field;

use super::calls::{CallDecision, Legacy, decide, escape_finding};
use super::syntax::{indentation, remove_list_items, statement_removal};
use super::token_call::TokenScopeAccess;
use super::{FileCtx, Plan};
use crate::analysis::infer::ActionChecks;
use crate::analysis::scope::{declared_names, is_function, references_of};
use crate::analysis::{call_args, pattern_entries, text};
use crate::edit::Edit;
use crate::finding::Finding;
use crate::table::{CallRule, Family, Hook};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use tree_sitter::Node;

/// `const <pattern> = useX();` inside a component or hook body.
struct HookUse<'t, 'a> {
    hook: &'a Hook,
    module: String,
    /// The callee as written (`useMfa`, `Dynamic.useMfa`): its namespace, if any.
    namespace: Option<String>,
    statement: Node<'t>,
    /// The statement block that holds the declaration.
    body: Node<'t>,
    pattern: Node<'t>,
}

type Range = (usize, usize);

fn range(n: Node) -> Range {
    (n.start_byte(), n.end_byte())
}

/// One name bound by a hook use: the whole result, or one destructured member.
struct Slot<'t, 'a> {
    hook_use: usize,
    local: String,
    /// The node binding `local` (for destructured members, the property).
    binder: Node<'t>,
    /// For a member destructured again from a whole result
    /// (`const { authenticateDevice } = mfa`): that pattern.
    owner: Option<Node<'t>>,
    /// Whole-result binding of a hook with members: references are `local.member`.
    whole: bool,
    /// For destructured members and single-function hooks: the record and
    /// the legacy name.
    api: Option<(&'a CallRule, &'a str)>,
    /// Calls rewritten: (offset, step-up member).
    rewritten: Vec<(usize, String)>,
    kept_refs: Vec<Range>,
    deps: Vec<Node<'t>>,
}

impl Slot<'_, '_> {
    fn alive(&self) -> bool {
        self.rewritten.is_empty() || !self.kept_refs.is_empty()
    }
}

/// A call of a slot's function (or of `slot.member`).
struct SlotCall<'t, 'a> {
    slot: usize,
    rule: &'a CallRule,
    legacy: &'a str,
    call: Node<'t>,
    callee: Node<'t>,
}

struct CallRewrite {
    callee: Range,
    member: String,
    body: Range,
}

/// The local name of each step-up member, per body.
type StepUpNames = BTreeMap<(Range, String), String>;

/// The slots of each hook use and the hook uses of each body, grouped once
/// so that no stage scans every slot for every use.
struct Groups {
    slots_of_use: Vec<Vec<usize>>,
    uses_of_body: BTreeMap<Range, Vec<usize>>,
}

impl Groups {
    fn new(uses: &[HookUse], slots: &[Slot]) -> Groups {
        let mut slots_of_use = vec![Vec::new(); uses.len()];
        for (i, s) in slots.iter().enumerate() {
            slots_of_use[s.hook_use].push(i);
        }
        let mut uses_of_body: BTreeMap<Range, Vec<usize>> = BTreeMap::new();
        for (i, u) in uses.iter().enumerate() {
            uses_of_body.entry(range(u.body)).or_default().push(i);
        }
        Groups {
            slots_of_use,
            uses_of_body,
        }
    }

    fn slots<'s, 't, 'a>(
        &'s self,
        hook_use: usize,
        slots: &'s [Slot<'t, 'a>],
    ) -> impl Iterator<Item = &'s Slot<'t, 'a>> {
        self.slots_of_use[hook_use].iter().map(move |&i| &slots[i])
    }
}

pub fn plan(ctx: &FileCtx, plan: &mut Plan, checks: &ActionChecks, ts: &TokenScopeAccess) {
    let uses = find_hook_uses(ctx, plan, checks, ts);
    if uses.is_empty() {
        return;
    }
    let mut slots = bind_slots(ctx, &uses, plan);
    let groups = Groups::new(&uses, &slots);
    let calls = classify_references(ctx, &uses, &groups, &mut slots, plan);
    let rewrites = decide_calls(ctx, &uses, &mut slots, &calls, plan, checks, ts);
    if rewrites.is_empty() {
        return;
    }
    let (names, replaced) = declare_step_up(ctx, &uses, &groups, &slots, &rewrites, plan);
    for r in &rewrites {
        let local = &names[&(r.body, r.member.clone())];
        plan.edits
            .push(Edit::replace(r.callee.0, r.callee.1, local.clone()));
    }
    rename_dependencies(&uses, &slots, &names, plan);
    drop_hook_declarations(ctx, &uses, &groups, &slots, &replaced, plan);
}

/// Calls of the table's hooks, bound as `const x = useX()` in a body; the
/// others are reported (a hook whose record is a report, an unbound call).
fn find_hook_uses<'t, 'a>(
    ctx: &FileCtx<'t, 'a>,
    plan: &mut Plan,
    checks: &ActionChecks,
    ts: &TokenScopeAccess,
) -> Vec<HookUse<'t, 'a>> {
    let src = ctx.src;
    let mut uses = Vec::new();
    for &call in &ctx.index.calls {
        let Some(callee) = call.field("function") else {
            continue;
        };
        let Some(name) = ctx.bindings.dynamic_name(callee, src, ctx.table) else {
            continue;
        };
        if ctx.table.family_of(&name.module) != Some(Family::React) {
            continue;
        }
        let Some(hook) = ctx.table.hook(&name.imported) else {
            continue;
        };
        if let Some(CallRule::Report(_)) = &hook.call {
            let legacy = Legacy {
                name: hook.legacy_name(),
                source: &hook.name,
            };
            let rule = hook.call.as_ref().expect("a report record");
            if let CallDecision::Keep(Some(f)) = decide(call, rule, &legacy, ctx, checks, ts) {
                plan.findings.push(f);
            }
            continue;
        }
        match bound_hook_use(call, hook, &name.module, callee, src) {
            Some(u) => uses.push(u),
            None => {
                let message = format!(
                    "{}() is not assigned to a const in a component or hook body; migrate this use by hand",
                    hook.name
                );
                // A hook of members may be used for its other members only.
                plan.findings.push(if hook.members.is_empty() {
                    Finding::manual(call.start_byte(), "legacy-hook-unbound", message)
                } else {
                    Finding::warning(call.start_byte(), "legacy-hook-unbound", message)
                });
            }
        }
    }
    uses
}

/// Every name a hook use binds that stands for a legacy function.
fn bind_slots<'t, 'a>(
    ctx: &FileCtx<'t, 'a>,
    uses: &[HookUse<'t, 'a>],
    plan: &mut Plan,
) -> Vec<Slot<'t, 'a>> {
    let src = ctx.src;
    let mut slots = Vec::new();
    let slot = |hook_use, local: &str, binder, whole, api| Slot {
        hook_use,
        local: local.to_string(),
        binder,
        owner: None,
        whole,
        api,
        rewritten: vec![],
        kept_refs: vec![],
        deps: vec![],
    };
    for (i, u) in uses.iter().enumerate() {
        match (u.pattern.kind(), &u.hook.call) {
            ("identifier", call) => {
                slots.push(slot(
                    i,
                    text(u.pattern, src),
                    u.pattern,
                    call.is_none(),
                    call.as_ref().map(|c| (c, u.hook.legacy_name())),
                ));
                if call.is_none() {
                    for (pattern, entry, member) in redestructured(u, src) {
                        let mut s = slot(
                            i,
                            entry.1,
                            entry.0,
                            false,
                            Some((&member.call, member.name.as_str())),
                        );
                        s.owner = Some(pattern);
                        slots.push(s);
                    }
                }
            }
            ("object_pattern", None) => {
                for entry in pattern_entries(u.pattern, src) {
                    let (Some(local), Some(member)) = (entry.local, u.hook.member(entry.key))
                    else {
                        continue;
                    };
                    let api = Some((&member.call, member.name.as_str()));
                    slots.push(slot(i, local, entry.node, false, api));
                }
            }
            _ => plan.findings.push(Finding::manual(
                u.statement.start_byte(),
                "legacy-hook-unbound",
                format!(
                    "the result of {}() is destructured in a shape stepup does not rewrite",
                    u.hook.name
                ),
            )),
        }
    }
    slots
}

/// Sort every reference of every slot: a call to decide on, a dependency
/// array entry, or a use stepup cannot follow (kept, and reported when it
/// passes a legacy function on).
fn classify_references<'t, 'a>(
    ctx: &FileCtx<'t, 'a>,
    uses: &[HookUse<'t, 'a>],
    groups: &Groups,
    slots: &mut [Slot<'t, 'a>],
    plan: &mut Plan,
) -> Vec<SlotCall<'t, 'a>> {
    let src = ctx.src;
    let by_body = references_by_body(uses, groups, slots, src);
    let mut calls = Vec::new();
    for (si, slot) in slots.iter_mut().enumerate() {
        let u = &uses[slot.hook_use];
        let refs = by_body[&range(u.body)]
            .get(&slot.local)
            .cloned()
            .unwrap_or_default();
        for r in refs {
            if is_dependency(r, src, ctx) {
                slot.deps.push(r);
                continue;
            }
            let (callee, rule, legacy) = if slot.whole {
                // `result.member(...)`
                let member = r.parent().filter(|p| {
                    p.kind() == "member_expression"
                        && p.field("object").map(|o| o.id()) == Some(r.id())
                });
                let Some(member) = member else {
                    slot.kept_refs.push(range(r));
                    if is_redestructured(r) {
                        // `const { a } = result`: its members are slots of their own.
                        continue;
                    }
                    plan.findings.push(Finding::warning(
                        r.start_byte(),
                        "legacy-hook-escapes",
                        format!(
                            "the {}() result `{}` is passed on as a value: check where it goes for \
                             calls that create a legacy MFA token",
                            u.hook.name, slot.local
                        ),
                    ));
                    continue;
                };
                let prop = member.field("property").map(|p| text(p, src)).unwrap_or("");
                match u.hook.member(prop) {
                    Some(m) => (member, &m.call, m.name.as_str()),
                    None => {
                        slot.kept_refs.push(range(r));
                        continue;
                    }
                }
            } else {
                let (rule, legacy) = slot.api.expect("a slot that is not whole has a record");
                (r, rule, legacy)
            };
            match callee_of(callee) {
                Some(call) => calls.push(SlotCall {
                    slot: si,
                    rule,
                    legacy,
                    call,
                    callee,
                }),
                None => {
                    slot.kept_refs.push(range(r));
                    plan.findings
                        .push(escape_finding(callee, rule, legacy, ctx));
                }
            }
        }
    }
    calls
}

/// The references of every slot, found in one walk per body.
fn references_by_body<'t>(
    uses: &[HookUse<'t, '_>],
    groups: &Groups,
    slots: &[Slot<'t, '_>],
    src: &str,
) -> BTreeMap<Range, HashMap<String, Vec<Node<'t>>>> {
    let mut by_body = BTreeMap::new();
    for (&body, uses_here) in &groups.uses_of_body {
        let names: Vec<(&str, Range)> = uses_here
            .iter()
            .flat_map(|&i| groups.slots(i, slots))
            .map(|s| {
                let pattern = s.owner.unwrap_or(uses[s.hook_use].pattern);
                (s.local.as_str(), range(pattern))
            })
            .collect();
        let node = uses[uses_here[0]].body;
        by_body.insert(body, references_of(node, &names, src));
    }
    by_body
}

/// Decide each call; the rewritten ones come back with the member they need.
fn decide_calls<'t, 'a>(
    ctx: &FileCtx<'t, 'a>,
    uses: &[HookUse<'t, 'a>],
    slots: &mut [Slot<'t, 'a>],
    calls: &[SlotCall<'t, 'a>],
    plan: &mut Plan,
    checks: &ActionChecks,
    ts: &TokenScopeAccess,
) -> Vec<CallRewrite> {
    let mut rewrites = Vec::new();
    for c in calls {
        plan.decided.push(range(c.call));
        let slot = &mut slots[c.slot];
        let legacy = Legacy {
            name: c.legacy,
            source: &uses[slot.hook_use].hook.name,
        };
        match decide(c.call, c.rule, &legacy, ctx, checks, ts) {
            CallDecision::Rewrite {
                target,
                edits,
                findings,
                uses_scope,
            } => {
                plan.edits.extend(edits);
                plan.findings.extend(findings);
                if uses_scope {
                    plan.scope_modules.push(ctx.table.api_core_module.clone());
                }
                slot.rewritten.push((c.call.start_byte(), target.clone()));
                rewrites.push(CallRewrite {
                    callee: range(c.callee),
                    member: target,
                    body: range(uses[slot.hook_use].body),
                });
            }
            CallDecision::Keep(finding) => {
                slot.kept_refs.push(range(c.callee));
                plan.findings.extend(finding);
            }
        }
    }
    rewrites
}

/// Per body: the step-up members it needs and their local names, declared
/// in one `const { … } = useStepUpAuthentication()` where the first legacy
/// hook was (or merged into the body's existing one). Returns the names and
/// the hook uses whose statement the declaration took the place of.
fn declare_step_up(
    ctx: &FileCtx,
    uses: &[HookUse],
    groups: &Groups,
    slots: &[Slot],
    rewrites: &[CallRewrite],
    plan: &mut Plan,
) -> (StepUpNames, Vec<usize>) {
    let mut bodies: BTreeMap<Range, BTreeSet<String>> = BTreeMap::new();
    for r in rewrites {
        bodies.entry(r.body).or_default().insert(r.member.clone());
    }
    let mut names = StepUpNames::new();
    let mut replaced = Vec::new();
    let mut outer = OuterNames::default();
    for (&body_range, members) in &bodies {
        let uses_here = &groups.uses_of_body[&body_range];
        let body = uses[uses_here[0]].body;
        let existing = existing_step_up(body, ctx);
        // The body holds the hook's whole result already: use its members.
        if let Some(object) = existing.as_ref().and_then(|e| e.object.as_ref()) {
            for m in members {
                names.insert((body_range, m.clone()), format!("{object}.{m}"));
            }
            continue;
        }
        let mut added: Vec<(String, String)> = Vec::new();
        for m in members {
            let known = existing
                .as_ref()
                .and_then(|e| e.members.iter().find(|(k, _)| k == m));
            let local = match known {
                Some((_, local)) => local.clone(),
                None => {
                    let local = fresh_name(m, body, ctx, &mut outer);
                    added.push((m.clone(), local.clone()));
                    local
                }
            };
            names.insert((body_range, m.clone()), local);
        }
        if added.is_empty() {
            continue;
        }
        added.sort_by_key(|(m, _)| ctx.table.member_rank(m));
        let items: Vec<String> = added
            .iter()
            .map(|(m, l)| {
                if l == m {
                    m.clone()
                } else {
                    format!("{m}: {l}")
                }
            })
            .collect();
        match existing {
            Some(e) => plan.edits.push(e.append(&items, ctx.src)),
            None => {
                let callee = step_up_callee(ctx, plan, uses, uses_here);
                replaced.extend(insert_declaration(
                    ctx, uses, groups, slots, uses_here, &items, &callee, plan,
                ));
            }
        }
    }
    (names, replaced)
}

/// Write `const { items } = callee()` where the first legacy hook of the body
/// was declared, following that statement's semicolon habit: in its place
/// when that statement goes entirely, else before it.
#[allow(clippy::too_many_arguments)]
fn insert_declaration(
    ctx: &FileCtx,
    uses: &[HookUse],
    groups: &Groups,
    slots: &[Slot],
    uses_here: &[usize],
    items: &[String],
    callee: &str,
    plan: &mut Plan,
) -> Option<usize> {
    let src = ctx.src;
    let first = uses_here
        .iter()
        .copied()
        .min_by_key(|&i| uses[i].statement.start_byte())
        .expect("a body has a hook use");
    let stmt = uses[first].statement;
    let semi = if text(stmt, src).ends_with(';') {
        ";"
    } else {
        ""
    };
    let decl = format!("const {{ {} }} = {callee}(){semi}", items.join(", "));
    if whole_statement_removed(&uses[first], groups.slots(first, slots)) {
        plan.edits
            .push(Edit::replace(stmt.start_byte(), stmt.end_byte(), decl));
        Some(first)
    } else {
        let indent = indentation(src, stmt.start_byte()).to_string();
        plan.edits.push(Edit::insert(
            stmt.start_byte(),
            format!("{decl}{}{indent}", ctx.newline),
        ));
        None
    }
}

/// Dependency arrays: the legacy name gives way to the names now called.
fn rename_dependencies(uses: &[HookUse], slots: &[Slot], names: &StepUpNames, plan: &mut Plan) {
    for slot in slots {
        let body_range = range(uses[slot.hook_use].body);
        let name_of = |m: &String| names[&(body_range, m.clone())].clone();
        for dep in &slot.deps {
            let callback = dependency_callback(*dep);
            let within = |pos: usize| callback.is_some_and(|(s, e)| pos >= s && pos < e);
            let mut new_names: Vec<String> = Vec::new();
            for (pos, m) in &slot.rewritten {
                let n = name_of(m);
                if (within(*pos) || callback.is_none()) && !new_names.contains(&n) {
                    new_names.push(n);
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
                    let n = name_of(m);
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
}

/// Hook declarations: drop what is no longer referenced.
fn drop_hook_declarations(
    ctx: &FileCtx,
    uses: &[HookUse],
    groups: &Groups,
    slots: &[Slot],
    replaced: &[usize],
    plan: &mut Plan,
) {
    let src = ctx.src;
    drop_redestructured(src, slots, plan);
    let replaced: BTreeSet<usize> = replaced.iter().copied().collect();
    for (i, u) in uses.iter().enumerate() {
        let mine: Vec<&Slot> = groups
            .slots(i, slots)
            .filter(|s| s.owner.is_none())
            .collect();
        if mine.iter().all(|s| s.rewritten.is_empty()) || replaced.contains(&i) {
            continue;
        }
        if whole_statement_removed(u, groups.slots(i, slots)) {
            let (s, e) = statement_removal(src, u.statement.start_byte(), u.statement.end_byte());
            plan.edits.push(Edit::delete(s, e));
        } else if u.pattern.kind() == "object_pattern" {
            let entries = pattern_entries(u.pattern, src);
            let items: Vec<Range> = entries.iter().map(|e| range(e.node)).collect();
            let dead: HashSet<usize> = mine
                .iter()
                .filter(|s| !s.alive())
                .map(|s| s.binder.id())
                .collect();
            let remove: Vec<bool> = entries
                .iter()
                .map(|e| dead.contains(&e.node.id()))
                .collect();
            if let Some(edits) = remove_list_items(&items, &remove) {
                plan.edits.extend(edits);
            }
        }
    }
}

/// `const { authenticateDevice } = mfa;` in the body, for a whole result `mfa`
/// of a hook with members: (the pattern, (entry node, local), the member).
fn redestructured<'t, 'a>(
    u: &HookUse<'t, 'a>,
    src: &'t str,
) -> Vec<(Node<'t>, (Node<'t>, &'t str), &'a crate::table::Member)> {
    let name = text(u.pattern, src);
    let mut out = Vec::new();
    let mut cursor = u.body.walk();
    for stmt in u.body.named_children(&mut cursor) {
        if !matches!(stmt.kind(), "lexical_declaration" | "variable_declaration")
            || stmt.named_child_count() != 1
        {
            continue;
        }
        let Some(d) = stmt.named_child(0) else {
            continue;
        };
        let (Some(pattern), Some(value)) = (d.field("name"), d.field("value")) else {
            continue;
        };
        if pattern.kind() != "object_pattern"
            || value.kind() != "identifier"
            || text(value, src) != name
        {
            continue;
        }
        for e in pattern_entries(pattern, src) {
            if let (Some(local), Some(member)) = (e.local, u.hook.member(e.key)) {
                out.push((pattern, (e.node, local), member));
            }
        }
    }
    out
}

/// Is this reference the value of `const { … } = ref`?
fn is_redestructured(r: Node) -> bool {
    r.parent().is_some_and(|d| {
        d.kind() == "variable_declarator"
            && d.field("value").is_some_and(|v| v.id() == r.id())
            && d.field("name")
                .is_some_and(|n| n.kind() == "object_pattern")
    })
}

/// Entries of re-destructuring patterns that nothing references any more
/// go; a pattern left empty takes its statement with it.
fn drop_redestructured(src: &str, slots: &[Slot], plan: &mut Plan) {
    let mut owners: Vec<Node> = slots.iter().filter_map(|s| s.owner).collect();
    owners.sort_by_key(|n| n.start_byte());
    owners.dedup_by_key(|n| n.id());
    let dead: HashSet<(usize, usize)> = slots
        .iter()
        .filter(|s| !s.rewritten.is_empty() && !s.alive())
        .filter_map(|s| Some((s.owner?.id(), s.binder.id())))
        .collect();
    for pattern in owners {
        let entries = pattern_entries(pattern, src);
        let remove: Vec<bool> = entries
            .iter()
            .map(|e| dead.contains(&(pattern.id(), e.node.id())))
            .collect();
        if !remove.contains(&true) {
            continue;
        }
        let items: Vec<Range> = entries.iter().map(|e| range(e.node)).collect();
        match remove_list_items(&items, &remove) {
            Some(edits) => plan.edits.extend(edits),
            None => {
                let stmt = pattern
                    .parent()
                    .and_then(|d| d.parent())
                    .expect("a declaration");
                let (s, e) = statement_removal(src, stmt.start_byte(), stmt.end_byte());
                plan.edits.push(Edit::delete(s, e));
            }
        }
    }
}

/// Will the whole `const … = useX();` statement go?
fn whole_statement_removed<'s, 't: 's, 'a: 's>(
    u: &HookUse,
    mine: impl Iterator<Item = &'s Slot<'t, 'a>>,
) -> bool {
    let mut binders = HashSet::new();
    for s in mine {
        if s.alive() {
            return false;
        }
        binders.insert(s.binder.id());
    }
    if binders.is_empty() {
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
                .all(|p| binders.contains(&p.id()))
        }
        _ => false,
    }
}

/// Recognise `const <pattern> = useX();` as the only declarator of a
/// statement directly inside a function body.
fn bound_hook_use<'t, 'a>(
    call: Node<'t>,
    hook: &'a Hook,
    module: &str,
    callee: Node<'t>,
    src: &str,
) -> Option<HookUse<'t, 'a>> {
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
    if !ctx.table.dependency_hooks.iter().any(|h| h == name) {
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

/// The call whose callee is exactly `node`.
fn callee_of(node: Node) -> Option<Node> {
    let parent = node.parent()?;
    (parent.kind() == "call_expression" && parent.field("function")?.id() == node.id())
        .then_some(parent)
}

/// An existing `const { … } = useStepUpAuthentication();` directly in `body`.
struct ExistingStepUp {
    /// `const stepUp = useStepUpAuthentication()`: members are reached as `stepUp.member`.
    object: Option<String>,
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
        if !matches!(pattern.kind(), "object_pattern" | "identifier")
            || value.kind() != "call_expression"
        {
            continue;
        }
        let Some(callee) = value.field("function") else {
            continue;
        };
        if ctx
            .bindings
            .dynamic_name(callee, src, ctx.table)
            .is_none_or(|d| d.imported != ctx.table.step_up_hook)
        {
            continue;
        }
        if pattern.kind() == "identifier" {
            return Some(ExistingStepUp {
                object: Some(text(pattern, src).to_string()),
                members: vec![],
                pattern: (pattern.start_byte(), pattern.end_byte()),
                last_item_end: None,
                trailing_comma: false,
            });
        }
        let entries = pattern_entries(pattern, src);
        let members = entries
            .iter()
            .filter(|e| !e.key.is_empty())
            .map(|e| {
                let local = match e.node.kind() {
                    "pair_pattern" => e.node.field("value").map_or("", |v| text(v, src)),
                    _ => e.key,
                };
                (e.key.to_string(), local.to_string())
            })
            .collect();
        let last_item_end = entries.last().map(|e| e.node.end_byte());
        let trailing_comma =
            last_item_end.is_some_and(|e| src[e..pattern.end_byte()].contains(','));
        return Some(ExistingStepUp {
            object: None,
            members,
            pattern: (pattern.start_byte(), pattern.end_byte()),
            last_item_end,
            trailing_comma,
        });
    }
    None
}

/// The names each enclosing scope declares, looked up once per scope: the
/// bodies of a file share their outer scopes (the program, a module's
/// functions), and a file may hold thousands of bodies.
#[derive(Default)]
struct OuterNames<'s> {
    by_scope: HashMap<usize, HashSet<&'s str>>,
}

impl<'s> OuterNames<'s> {
    /// Does a scope around `body` (not `body` itself) declare `name`?
    fn declared_around(&mut self, body: Node, name: &str, src: &'s str) -> bool {
        let mut cur = body.parent();
        while let Some(n) = cur {
            let names = self
                .by_scope
                .entry(n.id())
                .or_insert_with(|| declared_names(n, src).into_iter().collect());
            if names.contains(name) {
                return true;
            }
            cur = n.parent();
        }
        false
    }
}

/// A local name for a step-up member that clashes with nothing visible in `body`.
fn fresh_name<'s>(
    member: &str,
    body: Node,
    ctx: &FileCtx<'s, '_>,
    outer: &mut OuterNames<'s>,
) -> String {
    let mut taken = |name: &str| {
        crate::analysis::scope::name_in_use(body, name, ctx.src)
            || outer.declared_around(body, name, ctx.src)
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
    let hook = &ctx.table.step_up_hook;
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
        .local_access(&ctx.table.react_core_module, hook)
    {
        return local;
    }
    plan.need(&first.module, hook, hook);
    hook.clone()
}
