//! Test doubles of the legacy API (`test-mock`).

use crate::analysis::Field;

use super::super::FileCtx;
use crate::analysis::text;
use crate::finding::Finding;

/// Test doubles of the legacy API: `jest.mock`/`vi.mock` factories for a
/// Dynamic module that stub legacy hooks, `vi.mocked(useMfa)`, and stub
/// objects such as `{ authenticateDevice: vi.fn() }`. The tests break after
/// the rewrite unless they are updated too.
pub fn report(ctx: &FileCtx, findings: &mut Vec<Finding>) {
    let stub_members = ctx.table.stub_members();
    let drop_when_unused = ctx.table.drop_when_unused();
    let src = ctx.src;
    let legacy_hook = |name: &str| ctx.table.is_legacy_hook(name);
    let mut factories: Vec<(usize, usize)> = Vec::new();
    // Calls first: a stub inside a reported mock factory is not reported again.
    let index = ctx.index;
    for &node in index
        .calls
        .iter()
        .chain(&index.as_expressions)
        .chain(&index.pairs)
    {
        match node.kind() {
            "call_expression" => {
                let Some(callee) = node.field("function") else {
                    continue;
                };
                let callee_text = text(callee, src);
                let args = crate::analysis::call_args(node);
                match callee_text {
                    "jest.mock" | "vi.mock" | "jest.doMock" | "vi.doMock" => {
                        let module = args
                            .first()
                            .and_then(|a| crate::analysis::string_value(*a, src));
                        let Some(factory) = args.get(1) else { continue };
                        let stubs: Vec<&str> = drop_when_unused
                            .iter()
                            .chain(&stub_members)
                            .copied()
                            .filter(|n| {
                                *n != ctx.table.action_enum && text(*factory, src).contains(n)
                            })
                            .collect();
                        if module.is_some_and(|m| ctx.table.is_dynamic_module(m))
                            && !stubs.is_empty()
                        {
                            factories.push((node.start_byte(), node.end_byte()));
                            findings.push(Finding::warning(
                                node.start_byte(),
                                "test-mock",
                                format!(
                                    "{callee_text}('{}') stubs {}: update the mock for useStepUpAuthentication",
                                    module.unwrap_or_default(),
                                    stubs.join(", ")
                                ),
                            ));
                        }
                    }
                    "vi.mocked" | "jest.mocked" => {
                        if let Some(arg) = args.first()
                            && let Some(d) = ctx.bindings.dynamic_name(*arg, src, ctx.table)
                            && legacy_hook(&d.imported)
                        {
                            findings.push(Finding::warning(
                                node.start_byte(),
                                "test-mock",
                                format!("{callee_text}({}) mocks a legacy hook: mock useStepUpAuthentication instead", text(*arg, src)),
                            ));
                        }
                    }
                    _ => {}
                }
            }
            "as_expression" => {
                if let Some(inner) = node.named_child(0)
                    && let Some(d) = ctx.bindings.dynamic_name(inner, src, ctx.table)
                    && legacy_hook(&d.imported)
                    && text(node, src).contains("Mock")
                {
                    findings.push(Finding::warning(
                        node.start_byte(),
                        "test-mock",
                        format!(
                            "`{}` mocks a legacy hook: mock useStepUpAuthentication instead",
                            text(node, src)
                        ),
                    ));
                }
            }
            "pair" => {
                let at = node.start_byte();
                if factories.iter().any(|(s, e)| at >= *s && at < *e) {
                    continue;
                }
                let (Some(key), Some(value)) = (node.field("key"), node.field("value")) else {
                    continue;
                };
                let is_stub = value.kind() == "call_expression"
                    && value
                        .field("function")
                        .is_some_and(|f| matches!(text(f, src), "vi.fn" | "jest.fn"));
                if is_stub && stub_members.contains(&text(key, src)) {
                    findings.push(Finding::warning(
                        at,
                        "test-mock",
                        format!(
                            "stub `{}` of the legacy MFA API: stub the step-up member (verifyTotpMfa, verifyRecoveryCode …) instead",
                            text(key, src)
                        ),
                    ));
                }
            }
            _ => {}
        }
    }
}
