//! Rules turn facts about a file into edits and findings.

use crate::analysis::Field;

pub mod catalog;
pub mod client_object;
pub mod common;
pub mod imports;
pub mod js_sdk;
pub mod react;
pub mod syntax;

use crate::analysis::bindings::Bindings;
use crate::analysis::{descendants, text};
use crate::edit::Edit;
use crate::finding::Finding;
use crate::ruleset::Ruleset;
use tree_sitter::Node;

/// Everything a rule may read about one file.
pub struct FileCtx<'a> {
    pub src: &'a str,
    pub root: Node<'a>,
    /// The file's nodes grouped by kind, collected once per file.
    pub index: &'a crate::analysis::NodeIndex<'a>,
    pub bindings: &'a Bindings,
    pub rules: &'a Ruleset,
    /// Does the project's installed sdk-api-core declare this TokenScope member?
    pub scope_available: &'a dyn Fn(&str) -> bool,
    /// The file's dominant line ending, for lines stepup adds.
    pub newline: &'a str,
}

/// A name the edits rely on, which the import pass must make available.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportNeed {
    pub module: String,
    pub imported: String,
    pub local: String,
}

#[derive(Debug, Default)]
pub struct Plan {
    pub edits: Vec<Edit>,
    pub findings: Vec<Finding>,
    pub needs: Vec<ImportNeed>,
    /// Byte ranges of the calls a rule has decided on (rewritten or reported).
    pub handled: Vec<(usize, usize)>,
}

/// Run every family's rules over one file.
pub fn plan_file(ctx: &FileCtx) -> Plan {
    let mut plan = Plan::default();
    let checks = common::action_checks(ctx);
    let ts = common::TokenScopeAccess::new(ctx);
    react::plan(ctx, &mut plan, &checks, &ts);
    js_sdk::plan(ctx, &mut plan, &checks, &ts);
    client_object::plan(ctx, &mut plan, &checks, &ts);
    ts.register(&mut plan);
    report_token_options(ctx, &mut plan);
    report_action_data(ctx, &mut plan);
    report_legacy_reexports(ctx, &mut plan);
    report_test_mocks(ctx, &mut plan);
    plan
}

/// Test doubles of the legacy API: `jest.mock`/`vi.mock` factories for a
/// Dynamic module that stub legacy hooks, `vi.mocked(useMfa)`, and stub
/// objects such as `{ authenticateDevice: vi.fn() }`. The tests break after
/// the rewrite unless they are updated too.
fn report_test_mocks(ctx: &FileCtx, plan: &mut Plan) {
    const LEGACY_MEMBERS: &[&str] = &[
        "authenticateDevice",
        "authenticateRecoveryCode",
        "authDevice",
        "authRecoveryCode",
        "isRequiredForAction",
    ];
    let src = ctx.src;
    let legacy_hook = |name: &str| {
        name.starts_with("use")
            && (ctx.rules.drop_when_unused.iter().any(|n| n == name) || name == "useGetMfaToken")
    };
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
                        let stubs: Vec<&str> = ctx
                            .rules
                            .drop_when_unused
                            .iter()
                            .map(String::as_str)
                            .chain(LEGACY_MEMBERS.iter().copied())
                            .filter(|n| *n != "MFAAction" && text(*factory, src).contains(n))
                            .collect();
                        if module.is_some_and(|m| ctx.rules.is_dynamic_module(m))
                            && !stubs.is_empty()
                        {
                            factories.push((node.start_byte(), node.end_byte()));
                            plan.findings.push(Finding::warning(
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
                            && let Some(d) = ctx.bindings.dynamic_name(*arg, src, ctx.rules)
                            && legacy_hook(&d.imported)
                        {
                            plan.findings.push(Finding::warning(
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
                    && let Some(d) = ctx.bindings.dynamic_name(inner, src, ctx.rules)
                    && legacy_hook(&d.imported)
                    && text(node, src).contains("Mock")
                {
                    plan.findings.push(Finding::warning(
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
                if is_stub && LEGACY_MEMBERS.contains(&text(key, src)) {
                    plan.findings.push(Finding::warning(
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

/// A module of the app that re-exports a legacy name (`export { useMfa } from
/// '@dynamic-labs/…'`, `export const useMfa = sdkUseMfa`): dead after the
/// migration. Reported, not rewritten: other code may still import it.
fn report_legacy_reexports(ctx: &FileCtx, plan: &mut Plan) {
    let src = ctx.src;
    let legacy = |name: &str| {
        ctx.rules.drop_when_unused.iter().any(|n| n == name) || name == "useGetMfaToken"
    };
    let mut cursor = ctx.root.walk();
    for stmt in ctx
        .root
        .named_children(&mut cursor)
        .filter(|n| n.kind() == "export_statement")
    {
        let source = stmt
            .field("source")
            .and_then(|s| crate::analysis::string_value(s, src));
        // The export clause's specifiers and `export const` declarators; never
        // the body of an exported function.
        let mut c2 = stmt.walk();
        let parts: Vec<Node> = stmt
            .named_children(&mut c2)
            .flat_map(|child| {
                let mut c3 = child.walk();
                let inner: Vec<Node> = match child.kind() {
                    "export_clause" | "lexical_declaration" | "variable_declaration" => {
                        child.named_children(&mut c3).collect()
                    }
                    _ => vec![],
                };
                inner
            })
            .collect();
        for node in parts {
            let (name, origin) = match node.kind() {
                "export_specifier" => {
                    let Some(n) = node.field("name") else {
                        continue;
                    };
                    let name = text(n, src);
                    let origin = match source {
                        Some(m) if ctx.rules.is_dynamic_module(m) => Some(name.to_string()),
                        Some(_) => None,
                        None => ctx.bindings.resolve(name, ctx.rules).map(|d| d.imported),
                    };
                    (node, origin)
                }
                "variable_declarator" => {
                    let Some(v) = node.field("value").filter(|v| v.kind() == "identifier") else {
                        continue;
                    };
                    (
                        node,
                        ctx.bindings
                            .resolve(text(v, src), ctx.rules)
                            .map(|d| d.imported),
                    )
                }
                _ => continue,
            };
            if let Some(origin) = origin.filter(|o| legacy(o)) {
                plan.findings.push(Finding::warning(
                    name.start_byte(),
                    "legacy-reexport",
                    format!(
                        "this module re-exports the legacy `{origin}`; once its importers are migrated, remove it"
                    ),
                ));
            }
        }
    }
}

/// Any other call into Dynamic code that still asks for a legacy MFA token
/// (`registerPasskey({ createMfaToken })`, a hook result stepup has no rule
/// for): reported, so that no token option goes unseen.
fn report_token_options(ctx: &FileCtx, plan: &mut Plan) {
    let src = ctx.src;
    // Names bound to the result of a Dynamic hook: `const x = useX()`, `const { a } = useX()`.
    let mut hook_results: Vec<&str> = Vec::new();
    for d in &ctx.index.declarators {
        let (Some(name), Some(value)) = (d.field("name"), d.field("value")) else {
            continue;
        };
        let from_dynamic = value
            .field("function")
            .and_then(|c| ctx.bindings.dynamic_name(c, src, ctx.rules))
            .is_some();
        if from_dynamic {
            hook_results.extend(
                descendants(name)
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
    for call in &ctx.index.calls {
        let at = call.start_byte();
        if plan
            .handled
            .iter()
            .any(|(s, e)| *s == at && *e == call.end_byte())
        {
            continue;
        }
        let Some(option) = crate::analysis::call_args(*call)
            .first()
            .and_then(|a| crate::analysis::ObjectArg::from_node(*a, src))
            .and_then(|o| {
                ["createMfaToken", "createMfaTokenOptions"]
                    .into_iter()
                    .find(|k| o.get(k).is_some())
            })
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
            && (ctx.bindings.resolve(root_name, ctx.rules).is_some()
                || ctx
                    .bindings
                    .namespace_module(root_name, ctx.rules)
                    .is_some()
                || hook_results.contains(&root_name));
        if dynamic {
            plan.handled.push((at, call.end_byte()));
            plan.findings.push(Finding::manual(
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

impl Plan {
    pub fn need(&mut self, module: &str, imported: &str, local: &str) {
        let need = ImportNeed {
            module: module.to_string(),
            imported: imported.to_string(),
            local: local.to_string(),
        };
        if !self.needs.contains(&need) {
            self.needs.push(need);
        }
    }
}

/// `MFAAction.X` used outside the calls stepup handles: data, not a check.
fn report_action_data(ctx: &FileCtx, plan: &mut Plan) {
    for &node in &ctx.index.members {
        let Some(obj) = node.field("object") else {
            continue;
        };
        if ctx
            .bindings
            .dynamic_name(obj, ctx.src, ctx.rules)
            .is_none_or(|d| d.imported != "MFAAction")
        {
            continue;
        }
        let at = node.start_byte();
        if plan.handled.iter().any(|(s, e)| at >= *s && at < *e) {
            continue;
        }
        plan.findings.push(Finding::warning(
            at,
            "mfa-action-as-data",
            format!(
                "`{}` is used as data; step-up authentication works with TokenScope: review this use",
                text(node, ctx.src)
            ),
        ));
    }
}
