//! Any other call into Dynamic code that still passes a token option (`create-mfa-token-option`).

use crate::analysis::Field;

use super::super::FileCtx;
use crate::analysis::text;
use crate::finding::Finding;

/// Any other call into Dynamic code that still asks for a legacy MFA token
/// (`registerPasskey({ createMfaToken })`, a hook result stepup has no rule
/// for): reported, so that no token option goes unseen.
pub fn report(ctx: &FileCtx, decided: &[(usize, usize)], findings: &mut Vec<Finding>) {
    let src = ctx.src;
    let options = ctx.table.token_options();
    // Names bound to the result of a Dynamic hook: `const x = useX()`, `const { a } = useX()`.
    let mut hook_results: Vec<&str> = Vec::new();
    for d in &ctx.index.declarators {
        let (Some(name), Some(value)) = (d.field("name"), d.field("value")) else {
            continue;
        };
        let from_dynamic = value
            .field("function")
            .and_then(|c| ctx.bindings.dynamic_name(c, src, ctx.table))
            .is_some();
        if from_dynamic {
            hook_results.extend(
                crate::analysis::descendants(name)
                    .into_iter()
                    .filter(|n| {
                        matches!(
                            n.kind(),
                            "identifier" | "shorthand_property_identifier_pattern"
                        )
                    })
                    .map(|n| text(n, src)),
            );
        }
    }
    let decided: std::collections::HashSet<(usize, usize)> = decided.iter().copied().collect();
    for call in &ctx.index.calls {
        let at = call.start_byte();
        if decided.contains(&(at, call.end_byte())) {
            continue;
        }
        let Some(option) = crate::analysis::call_args(*call)
            .first()
            .and_then(|a| crate::analysis::ObjectArg::from_node(*a, src))
            .and_then(|o| options.iter().copied().find(|k| o.get(k).is_some()))
        else {
            continue;
        };
        let Some(callee) = call.field("function") else {
            continue;
        };
        let mut root = callee;
        while root.kind() == "member_expression" {
            match root.field("object") {
                Some(o) => root = o,
                None => break,
            }
        }
        let root_name = text(root, src);
        let dynamic = root.kind() == "identifier"
            && (ctx.bindings.resolve(root_name, ctx.table).is_some()
                || ctx
                    .bindings
                    .namespace_module(root_name, ctx.table)
                    .is_some()
                || hook_results.contains(&root_name));
        if dynamic {
            findings.push(Finding::manual(
                at,
                "create-mfa-token-option",
                format!(
                    "`{}` is passed {option}, which creates a legacy MFA token; stepup has no rewrite for this call: \
                     review it by hand",
                    text(callee, src)
                ),
            ));
        }
    }
}
