//! JS SDK (`@dynamic-labs-sdk/client`, family "js"): the table's functions,
//! called directly or through the SDK's React hooks (`mutate`/`mutateAsync`);
//! the guide keeps the function names and swaps the token option
//! (MIGRATION.md section 2).

use crate::analysis::Field;

use super::calls::{CallDecision, Legacy, decide};
use super::token_call::TokenScopeAccess;
use super::{FileCtx, Plan};
use crate::analysis::bindings::{ImportDecl, ImportForm};
use crate::analysis::infer::ActionChecks;
use crate::analysis::{pattern_entries, text};
use crate::edit::Edit;
use crate::finding::Finding;
use crate::table::{CallRule, Family, Function};
use tree_sitter::Node;

/// What a React Query mutation hook's result calls its functions.
const MUTATE: &[&str] = &["mutate", "mutateAsync"];

pub fn plan(ctx: &FileCtx, plan: &mut Plan, checks: &ActionChecks, ts: &TokenScopeAccess) {
    let src = ctx.src;
    let mutations = hook_mutations(ctx);
    for &call in &ctx.index.calls {
        let Some(callee) = call.field("function") else {
            continue;
        };
        let function = match ctx.bindings.dynamic_name(callee, src, ctx.table) {
            Some(d) if ctx.table.family_of(&d.module) == Some(Family::Js) => {
                ctx.table.function(&d.imported, Family::Js)
            }
            _ => mutation_call(callee, src, &mutations),
        };
        let Some(function) = function else { continue };
        let legacy = Legacy {
            name: &function.name,
            source: &function.name,
        };
        match decide(call, &function.call, &legacy, ctx, checks, ts) {
            CallDecision::Rewrite {
                mut edits,
                findings,
                uses_scope,
                ..
            } => {
                plan.decided.push((call.start_byte(), call.end_byte()));
                let dynamic_import = ctx
                    .bindings
                    .declaration_of(callee, src)
                    .filter(|d| d.form == ImportForm::Dynamic);
                match dynamic_import {
                    // TokenScope comes from the same `await import(…)`, which is in scope here.
                    Some(decl) if uses_scope => {
                        let added = scope_from_dynamic_import(decl, callee, &mut edits, ts, ctx);
                        edits.extend(added);
                    }
                    _ if uses_scope => plan.scope_modules.push(ctx.table.js_sdk_module.clone()),
                    _ => {}
                }
                plan.edits.extend(edits);
                plan.findings.extend(findings);
            }
            CallDecision::Keep(finding) => {
                // A report limited to calls with an option says nothing of the others.
                let conditional =
                    matches!(&function.call, CallRule::Report(r) if r.when_option.is_some());
                if finding.is_some() || !conditional {
                    plan.decided.push((call.start_byte(), call.end_byte()));
                }
                plan.findings.extend(finding);
            }
        }
    }
    report_property_reads(ctx, plan);
}

/// A call bound by a dynamic import takes `TokenScope` from that import:
/// `ns.TokenScope.X` for a module object, or `TokenScope` added to the
/// destructuring. Returns the edit that adds it, if one is needed.
fn scope_from_dynamic_import(
    decl: &ImportDecl,
    callee: Node,
    edits: &mut [Edit],
    ts: &TokenScopeAccess,
    ctx: &FileCtx,
) -> Option<Edit> {
    let scope_enum = &ctx.table.scope_enum;
    if callee.kind() == "member_expression" {
        let ns = decl.namespace.as_deref()?;
        let from = format!("{}.", ts.local());
        let to = format!("{ns}.{scope_enum}.");
        for e in edits.iter_mut() {
            e.text = e.text.replace(&from, &to);
        }
        return None;
    }
    let local = match decl.named.iter().find(|s| &s.imported == scope_enum) {
        Some(s) => s.local.clone(),
        None => ts.local().to_string(),
    };
    if local != ts.local() {
        let (from, to) = (format!("{}.", ts.local()), format!("{local}."));
        for e in edits.iter_mut() {
            e.text = e.text.replace(&from, &to);
        }
    }
    if decl.named.iter().any(|s| &s.imported == scope_enum) {
        return None;
    }
    let (_, end) = decl.braces?;
    let inner = ctx.src[..end - 1].trim_end();
    let item = if local == *scope_enum {
        local
    } else {
        format!("{scope_enum}: {local}")
    };
    Some(Edit::insert(inner.len(), format!(", {item}")))
}

/// Reads of the SDK's token state (`dynamicClient.mfaToken`), in files that
/// import from the family.
fn report_property_reads(ctx: &FileCtx, plan: &mut Plan) {
    let src = ctx.src;
    let imports_family = |family| {
        ctx.bindings
            .dynamic_imports(ctx.table)
            .any(|d| ctx.table.family_of(&d.module) == Some(family))
    };
    for read in &ctx.table.property_reads {
        if !imports_family(read.family) {
            continue;
        }
        for node in &ctx.index.members {
            if node
                .field("property")
                .is_some_and(|p| text(p, src) == read.name)
            {
                plan.findings.push(Finding::new(
                    node.start_byte(),
                    read.rule.0,
                    ctx.table.severity(read.rule),
                    false,
                    read.message
                        .replace("{name}", &read.name)
                        .replace("{expr}", text(*node, src)),
                ));
            }
        }
    }
}

/// Local names bound to a token hook's mutation: `m` of `const m = useX()`
/// (called as `m.mutate`) and `mutate`/`mutateAsync` (or their aliases) of
/// `const { mutate } = useX()`, each with the function it stands for.
struct MutationBinding<'a> {
    local: String,
    whole: bool,
    function: &'a Function,
}

fn hook_mutations<'a>(ctx: &FileCtx<'_, 'a>) -> Vec<MutationBinding<'a>> {
    let src = ctx.src;
    let mut out = Vec::new();
    for d in &ctx.index.declarators {
        let (Some(name), Some(value)) = (d.field("name"), d.field("value")) else {
            continue;
        };
        let Some(hook) = value
            .field("function")
            .and_then(|callee| ctx.bindings.dynamic_name(callee, src, ctx.table))
        else {
            continue;
        };
        if ctx.table.family_of(&hook.module) != Some(Family::Js) {
            continue;
        }
        let Some(function) = ctx.table.function_of_hook(&hook.imported, Family::Js) else {
            continue;
        };
        match name.kind() {
            "identifier" => out.push(MutationBinding {
                local: text(name, src).to_string(),
                whole: true,
                function,
            }),
            "object_pattern" => {
                for e in pattern_entries(name, src) {
                    if let Some(local) = e.local.filter(|_| MUTATE.contains(&e.key)) {
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

fn mutation_call<'a>(
    callee: Node,
    src: &str,
    bindings: &[MutationBinding<'a>],
) -> Option<&'a Function> {
    match callee.kind() {
        "identifier" => bindings
            .iter()
            .find(|b| !b.whole && b.local == text(callee, src))
            .map(|b| b.function),
        "member_expression" => {
            let object = callee.field("object")?;
            let prop = text(callee.field("property")?, src);
            if object.kind() != "identifier" || !MUTATE.contains(&prop) {
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
