//! Test doubles of the legacy API (`test-mock`): `jest.mock`/`vi.mock`
//! factories for a Dynamic module, or for a module of the project that
//! re-exports one (`~/lib/dynamic`), that stub legacy hooks, `vi.mocked(useMfa)`
//! (and Storybook's `mocked`), `(useMfa as jest.Mock)`, and stub objects such
//! as `{ authenticateDevice: vi.fn() }`. The tests break after the rewrite
//! unless they are updated too.

use crate::analysis::Field;

use super::super::FileCtx;
use crate::analysis::{call_args, string_value, text};
use crate::finding::Finding;
use tree_sitter::Node;

pub fn report(ctx: &FileCtx, findings: &mut Vec<Finding>) {
    let mut factories: Vec<(usize, usize)> = Vec::new();
    // Calls first: a stub inside a reported mock factory is not reported again.
    for &call in &ctx.index.calls {
        if let Some(f) = mock_factory(call, ctx) {
            factories.push((call.start_byte(), call.end_byte()));
            findings.push(f);
        } else if let Some(f) = mocked_hook(call, ctx) {
            findings.push(f);
        }
    }
    findings.extend(
        ctx.index
            .as_expressions
            .iter()
            .filter_map(|n| cast_hook(*n, ctx)),
    );
    if let Some(module) = ctx.manual_mock_of {
        findings.extend(manual_mock_exports(ctx, module));
    }
    let stub_members = ctx.table.stub_members();
    for &pair in &ctx.index.pairs {
        let at = pair.start_byte();
        if !factories.iter().any(|(s, e)| at >= *s && at < *e) {
            findings.extend(stub_pair(pair, ctx, &stub_members));
        }
    }
}

/// The module a mock call names: `'m'`, or `import('m')` (Vitest's typed form).
fn mocked_module<'a>(arg: Node, src: &'a str) -> Option<&'a str> {
    if let Some(m) = string_value(arg, src) {
        return Some(m);
    }
    let callee = arg.field("function")?;
    (arg.kind() == "call_expression" && text(callee, src) == "import")
        .then(|| call_args(arg).first().and_then(|a| string_value(*a, src)))
        .flatten()
}

/// `vi.mock('@dynamic-labs/…', () => ({ useMfa: … }))` naming legacy hooks or members.
fn mock_factory(call: Node, ctx: &FileCtx) -> Option<Finding> {
    let src = ctx.src;
    let callee = text(call.field("function")?, src);
    if !matches!(
        callee,
        "jest.mock" | "vi.mock" | "jest.doMock" | "vi.doMock"
    ) {
        return None;
    }
    let args = call_args(call);
    let module = mocked_module(*args.first()?, src)?;
    let own = !ctx.table.is_dynamic_module(module);
    if own && !(ctx.reexports_dynamic)(module) {
        return None;
    }
    let factory = text(*args.get(1)?, src);
    let stubs: Vec<&str> = ctx
        .table
        .drop_when_unused()
        .into_iter()
        .chain(ctx.table.stub_members())
        .filter(|n| *n != ctx.table.action_enum && factory.contains(n))
        .collect();
    (!stubs.is_empty()).then(|| {
        Finding::warning(
            call.start_byte(),
            "test-mock",
            format!(
                "{callee}('{module}') stubs {}{}: update the mock for useStepUpAuthentication",
                stubs.join(", "),
                if own {
                    " (a module of the project that re-exports Dynamic's SDK)"
                } else {
                    ""
                }
            ),
        )
    })
}

/// `vi.mocked(useMfa)`, `jest.mocked(…)`, Storybook's `mocked(…)`.
fn mocked_hook(call: Node, ctx: &FileCtx) -> Option<Finding> {
    let src = ctx.src;
    let callee = text(call.field("function")?, src);
    if !matches!(callee, "vi.mocked" | "jest.mocked" | "mocked") {
        return None;
    }
    let arg = *call_args(call).first()?;
    let d = ctx.bindings.dynamic_name(arg, src, ctx.table)?;
    ctx.table.is_legacy_hook(&d.imported).then(|| {
        Finding::warning(
            call.start_byte(),
            "test-mock",
            format!(
                "{callee}({}) mocks a legacy hook: mock useStepUpAuthentication instead",
                text(arg, src)
            ),
        )
    })
}

/// `(useMfa as jest.Mock)` and the like.
fn cast_hook(node: Node, ctx: &FileCtx) -> Option<Finding> {
    let src = ctx.src;
    let inner = node.named_child(0)?;
    let d = ctx.bindings.dynamic_name(inner, src, ctx.table)?;
    (ctx.table.is_legacy_hook(&d.imported) && text(node, src).contains("Mock")).then(|| {
        Finding::warning(
            node.start_byte(),
            "test-mock",
            format!(
                "`{}` mocks a legacy hook: mock useStepUpAuthentication instead",
                text(node, src)
            ),
        )
    })
}

/// `{ authenticateDevice: vi.fn() }`: a stub of a legacy member.
fn stub_pair(pair: Node, ctx: &FileCtx, stub_members: &[&str]) -> Option<Finding> {
    let src = ctx.src;
    let (key, value) = (pair.field("key")?, pair.field("value")?);
    // `vi.fn()`, and chains on it such as `jest.fn().mockResolvedValue(…)`.
    let is_stub = value.kind() == "call_expression"
        && ["vi.fn(", "jest.fn("]
            .iter()
            .any(|p| text(value, src).starts_with(p));
    (is_stub && stub_members.contains(&text(key, src))).then(|| {
        Finding::warning(
            pair.start_byte(),
            "test-mock",
            format!(
                "stub `{}` of the legacy MFA API: stub the step-up member (verifyTotpMfa, verifyRecoveryCode …) instead",
                text(key, src)
            ),
        )
    })
}

/// A Jest manual mock of a Dynamic module (`__mocks__/@dynamic-labs/sdk-react-core.ts`)
/// that exports legacy hooks: every test that uses it stubs the legacy API.
fn manual_mock_exports(ctx: &FileCtx, module: &str) -> Vec<Finding> {
    let src = ctx.src;
    let mut names: Vec<Node> = Vec::new();
    let mut cursor = ctx.root.walk();
    for stmt in ctx.root.named_children(&mut cursor) {
        if stmt.kind() != "export_statement" {
            continue;
        }
        let mut c = stmt.walk();
        for part in stmt.named_children(&mut c) {
            match part.kind() {
                "lexical_declaration" | "variable_declaration" => {
                    let mut c2 = part.walk();
                    names.extend(
                        part.named_children(&mut c2)
                            .filter_map(|d| d.field("name"))
                            .filter(|n| n.kind() == "identifier"),
                    );
                }
                "function_declaration" => names.extend(part.field("name")),
                "export_clause" => {
                    let mut c2 = part.walk();
                    names.extend(
                        part.named_children(&mut c2)
                            .filter_map(|s| s.field("alias").or_else(|| s.field("name"))),
                    );
                }
                _ => {}
            }
        }
    }
    names
        .into_iter()
        .filter(|n| ctx.table.is_legacy_hook(text(*n, src)))
        .map(|n| {
            Finding::warning(
                n.start_byte(),
                "test-mock",
                format!(
                    "this manual mock of {module} exports the legacy `{}`: mock useStepUpAuthentication instead",
                    text(n, src)
                ),
            )
        })
        .collect()
}
