//! `MFAAction` values used as data (`mfa-action-as-data`).

use crate::analysis::Field;

use super::super::FileCtx;
use crate::analysis::text;
use crate::finding::Finding;

/// `MFAAction.X` used outside the calls stepup handles: data, not a check.
pub fn report(ctx: &FileCtx, decided: &[(usize, usize)], findings: &mut Vec<Finding>) {
    for &node in &ctx.index.members {
        let Some(obj) = node.field("object") else {
            continue;
        };
        if ctx
            .bindings
            .dynamic_name(obj, ctx.src, ctx.table)
            .is_none_or(|d| d.imported != ctx.table.action_enum)
        {
            continue;
        }
        let at = node.start_byte();
        if decided.iter().any(|(s, e)| at >= *s && at < *e) {
            continue;
        }
        findings.push(Finding::warning(
            at,
            "mfa-action-as-data",
            format!(
                "`{}` is used as data; step-up authentication works with TokenScope: review this use",
                text(node, ctx.src)
            ),
        ));
    }
}
