//! `MFAAction` values used as data (`mfa-action-as-data`).

use crate::analysis::Field;

use super::super::FileCtx;
use crate::analysis::text;
use crate::finding::Finding;

/// `MFAAction.X` used outside the calls stepup handles: data, not a check.
pub fn report(ctx: &FileCtx, decided: &[(usize, usize)], findings: &mut Vec<Finding>) {
    let inside_decided = Containment::new(decided);
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
        if inside_decided.contains(at) {
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

/// Is an offset inside any of a set of ranges? Sorted by start, with the
/// furthest end reached so far: one binary search per question.
struct Containment {
    starts: Vec<usize>,
    max_end: Vec<usize>,
}

impl Containment {
    fn new(ranges: &[(usize, usize)]) -> Containment {
        let mut sorted = ranges.to_vec();
        sorted.sort_unstable();
        let mut furthest = 0;
        let max_end = sorted
            .iter()
            .map(|(_, e)| {
                furthest = furthest.max(*e);
                furthest
            })
            .collect();
        Containment {
            starts: sorted.into_iter().map(|(s, _)| s).collect(),
            max_end,
        }
    }

    fn contains(&self, at: usize) -> bool {
        let n = self.starts.partition_point(|&s| s <= at);
        n > 0 && self.max_end[n - 1] > at
    }
}
