//! The client object (React Native, `@dynamic-labs/client`): `X.<chain>(…)`
//! for every client chain of the table (`X.mfa.authenticateDevice`,
//! `X.ui.mfa.show` …) → `X.stepUpAuth.*` (MIGRATION.md section 3). `X` is
//! any expression; the file must import from a Dynamic package, which the
//! engine checks before any rule runs.

use crate::analysis::Field;

use super::calls::{CallDecision, Legacy, decide};
use super::syntax::remove_list_items;
use super::token_call::{TokenScopeAccess, chain_from_root, known_chain};
use super::{FileCtx, Plan};
use crate::analysis::infer::ActionChecks;
use crate::analysis::scope::references_of;
use crate::analysis::{pattern_entries, text};
use crate::edit::Edit;
use crate::table::ClientChain;
use tree_sitter::Node;

pub fn plan(ctx: &FileCtx, plan: &mut Plan, checks: &ActionChecks, ts: &TokenScopeAccess) {
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
        if let Some(target) = decide_chain(call, chain, ctx, plan, checks, ts) {
            // The chain from its first link is replaced: `X.mfa.f` → `X.stepUpAuth.g`.
            plan.edits.push(Edit::replace(
                first_link.start_byte(),
                callee.end_byte(),
                target,
            ));
        }
    }
}

/// Decide a call of a client chain and record it in the plan; the target
/// the callee becomes, when the call is rewritten.
fn decide_chain(
    call: Node,
    chain: &ClientChain,
    ctx: &FileCtx,
    plan: &mut Plan,
    checks: &ActionChecks,
    ts: &TokenScopeAccess,
) -> Option<String> {
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
            plan.findings.extend(findings);
            if uses_scope {
                plan.scope_modules.push(ctx.table.api_core_module.clone());
            }
            Some(target)
        }
        CallDecision::Keep(finding) => {
            plan.findings.extend(finding);
            None
        }
    }
}

/// A client module bound by destructuring: `const { mfa, ui } = useReactiveClient(client)`.
struct ModuleBinding<'t> {
    local: String,
    key: String,
    entry: Node<'t>,
    pattern: Node<'t>,
}

fn destructured_modules<'t>(ctx: &FileCtx<'t, '_>) -> Vec<ModuleBinding<'t>> {
    let first_links: Vec<&str> = ctx
        .table
        .client_chains
        .iter()
        .filter_map(|c| c.links().first().copied())
        .collect();
    let mut out = Vec::new();
    for d in &ctx.index.declarators {
        let (Some(pattern), Some(value)) = (d.field("name"), d.field("value")) else {
            continue;
        };
        // Imports are bindings of modules, not of a client.
        let imported = ctx
            .bindings
            .imports
            .iter()
            .any(|i| i.start <= d.start_byte() && d.end_byte() <= i.end);
        if pattern.kind() != "object_pattern" || imported || value.kind() == "object" {
            continue;
        }
        for e in pattern_entries(pattern, ctx.src) {
            if let Some(local) = e.local.filter(|_| first_links.contains(&e.key)) {
                out.push(ModuleBinding {
                    local: local.to_string(),
                    key: e.key.to_string(),
                    entry: e.node,
                    pattern,
                });
            }
        }
    }
    out
}

/// Calls through destructured client modules (`mfa.authenticateDevice(…)`,
/// `ui.mfa.show(…)`): the same records as `X.<chain>(…)`. A rewritten call
/// goes through `stepUpAuth`, destructured from the same client: it takes
/// the place of a module entry no longer used, or joins the pattern.
pub fn plan_destructured(
    ctx: &FileCtx,
    plan: &mut Plan,
    checks: &ActionChecks,
    ts: &TokenScopeAccess,
) {
    let modules = destructured_modules(ctx);
    if modules.is_empty() {
        return;
    }
    let src = ctx.src;
    // Per binding: how many calls were rewritten.
    let mut rewritten = vec![0usize; modules.len()];
    let mut targets: Vec<(usize, usize, usize, String)> = Vec::new();
    for &call in &ctx.index.calls {
        let Some(callee) = call.field("function") else {
            continue;
        };
        let Some((root, rest)) = chain_from_root(callee, src) else {
            continue;
        };
        let Some(bi) = modules.iter().position(|m| m.local == text(root, src)) else {
            continue;
        };
        let links: Vec<&str> = std::iter::once(modules[bi].key.as_str())
            .chain(rest)
            .collect();
        let Some(chain) = ctx.table.client_chain(&links) else {
            continue;
        };
        if let Some(target) = decide_chain(call, chain, ctx, plan, checks, ts) {
            rewritten[bi] += 1;
            targets.push((bi, root.start_byte(), callee.end_byte(), target));
        }
    }
    bind_step_up_module(ctx, plan, &modules, &rewritten, &targets);
}

/// Rename the rewritten calls to go through the pattern's `stepUpAuth`, and
/// bind it: in place of a module entry whose every use was rewritten, or
/// added to the pattern.
fn bind_step_up_module(
    ctx: &FileCtx,
    plan: &mut Plan,
    modules: &[ModuleBinding],
    rewritten: &[usize],
    targets: &[(usize, usize, usize, String)],
) {
    let src = ctx.src;
    let mut done: Vec<usize> = Vec::new();
    for &(bi, start, end, ref target) in targets {
        let (module, member) = target.split_once('.').unwrap_or(("", target));
        let pattern = modules[bi].pattern;
        let existing = pattern_entries(pattern, src)
            .into_iter()
            .find(|e| e.key == module)
            .and_then(|e| e.local.map(str::to_string));
        let local = existing.clone().unwrap_or_else(|| module.to_string());
        plan.edits
            .push(Edit::replace(start, end, format!("{local}.{member}")));
        if existing.is_some() || done.contains(&pattern.id()) {
            continue;
        }
        done.push(pattern.id());
        // Entries of this pattern all of whose uses were rewritten go.
        let unused: Vec<usize> = (0..modules.len())
            .filter(|&i| modules[i].pattern.id() == pattern.id())
            .filter(|&i| rewritten[i] > 0 && uses_of(ctx, &modules[i]) == rewritten[i])
            .collect();
        match unused.split_first() {
            Some((&first, rest)) => {
                let entry = modules[first].entry;
                plan.edits.push(Edit::replace(
                    entry.start_byte(),
                    entry.end_byte(),
                    module.to_string(),
                ));
                let entries = pattern_entries(pattern, src);
                let items: Vec<(usize, usize)> = entries
                    .iter()
                    .map(|e| (e.node.start_byte(), e.node.end_byte()))
                    .collect();
                let remove: Vec<bool> = entries
                    .iter()
                    .map(|e| rest.iter().any(|&i| modules[i].entry.id() == e.node.id()))
                    .collect();
                if let Some(edits) = remove_list_items(&items, &remove) {
                    plan.edits.extend(edits);
                }
            }
            None => {
                let last = pattern_entries(pattern, src)
                    .last()
                    .map(|e| e.node.end_byte());
                if let Some(at) = last {
                    plan.edits.push(Edit::insert(at, format!(", {module}")));
                }
            }
        }
    }
}

/// How often a destructured module's local name is used in the block that declares it.
fn uses_of(ctx: &FileCtx, m: &ModuleBinding) -> usize {
    let Some(scope) = m
        .pattern
        .parent()
        .and_then(|d| d.parent())
        .and_then(|stmt| stmt.parent())
    else {
        return usize::MAX;
    };
    let exclude = (m.pattern.start_byte(), m.pattern.end_byte());
    references_of(scope, &[(m.local.as_str(), exclude)], ctx.src)
        .get(&m.local)
        .map_or(0, Vec::len)
}
