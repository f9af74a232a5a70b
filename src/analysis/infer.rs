//! Which `TokenScope` a token-creating call gets (MIGRATION.md, "Which scope a
//! token call gets"): the action checked in the innermost enclosing function
//! that checks one, else the sensitive call it guards, else nothing certain.

use crate::analysis::Field;

use super::scope::enclosing_function;
use super::text;
use crate::table::Table;
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use tree_sitter::Node;

/// What an `isMfaRequiredForAction`-style check passes as its action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckedAction {
    /// `MFAAction.X` bound to Dynamic's enum.
    Known(String),
    /// A step-up check of `TokenScope.X`: code already migrated counts too.
    Scope(String),
    /// A variable, parameter or other expression: not knowable here.
    Opaque(String),
}

#[derive(Debug, Clone)]
pub struct ActionCheck {
    /// Innermost function around the check (its byte range), None at top level.
    pub function: Option<(usize, usize)>,
    /// The check call itself (its byte range): a guard holds it.
    pub call: (usize, usize),
    pub action: CheckedAction,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeDecision {
    /// From an action check: certain.
    Certain { scope: String, action: String },
    /// From a guarded sensitive call: to be confirmed by a human.
    Inferred { scope: String, call: String },
    /// The checked action exists but has no TokenScope the project can use.
    NoScope { action: String },
    /// Not decidable: the reason, and the candidate scopes.
    Uncertain {
        reason: String,
        candidates: Vec<String>,
        /// Nothing around the call says anything: its callers may.
        no_evidence: bool,
    },
}

type Range = (usize, usize);

fn range(n: Node) -> Range {
    (n.start_byte(), n.end_byte())
}

pub fn function_range(node: Node) -> Option<(usize, usize)> {
    enclosing_function(node).map(range)
}

/// Every action check of a file, grouped by the function around it, and the
/// decisions already made: a decision depends only on the innermost function
/// around a token call, and a file may hold thousands of token calls.
pub struct ActionChecks {
    by_function: HashMap<Option<Range>, Vec<ActionCheck>>,
    /// The checks with a literal action, by the start of their call.
    literal: Vec<ActionCheck>,
    /// Every check, by the start of its call.
    all: Vec<ActionCheck>,
    decided: RefCell<HashMap<Option<Range>, ScopeDecision>>,
}

impl ActionChecks {
    pub fn new(checks: impl IntoIterator<Item = ActionCheck>) -> ActionChecks {
        let mut by_function: HashMap<Option<Range>, Vec<ActionCheck>> = HashMap::new();
        let mut literal = Vec::new();
        let mut all = Vec::new();
        for c in checks {
            if !matches!(c.action, CheckedAction::Opaque(_)) {
                literal.push(c.clone());
            }
            all.push(c.clone());
            by_function.entry(c.function).or_default().push(c);
        }
        literal.sort_by_key(|c| c.call);
        all.sort_by_key(|c| c.call);
        ActionChecks {
            by_function,
            literal,
            all,
            decided: RefCell::new(HashMap::new()),
        }
    }

    /// The checks whose innermost function is `function` (None: top level).
    pub fn in_function(&self, function: Option<Range>) -> &[ActionCheck] {
        self.by_function.get(&function).map_or(&[], Vec::as_slice)
    }

    /// The checks with a literal action whose call lies within `region`.
    fn literal_within(&self, region: Range) -> Vec<ActionCheck> {
        within(&self.literal, region)
    }

    /// Every check of the nearest guard around `call` that holds one.
    pub fn guarding(&self, call: Node, src: &str) -> Vec<ActionCheck> {
        let mut node = call;
        while let Some(parent) = node.parent() {
            for guard in guards(parent, node, src) {
                let found: Vec<ActionCheck> = guard
                    .into_iter()
                    .flat_map(|region| within(&self.all, region))
                    .collect();
                if !found.is_empty() {
                    return found;
                }
            }
            node = parent;
        }
        vec![]
    }
}

/// The checks (sorted by start) whose call lies within `region`.
fn within(sorted: &[ActionCheck], region: Range) -> Vec<ActionCheck> {
    let from = sorted.partition_point(|c| c.call.0 < region.0);
    sorted[from..]
        .iter()
        .take_while(|c| c.call.0 < region.1)
        .filter(|c| c.call.1 <= region.1)
        .cloned()
        .collect()
}

/// The scope of the nearest guard around `call` that checks a literal
/// action: an `if`, a ternary or a `&&` whose condition checks it (directly,
/// or through a variable declared just before from the check), or an early
/// `if (…) return` before the call in an enclosing block. Another check in
/// the function, with a variable action, does not veto it. None when no
/// guard checks a literal action, or the nearest one checks several.
fn guard_decision(
    call: Node,
    checks: &ActionChecks,
    src: &str,
    rules: &Table,
    scope_available: &dyn Fn(&str) -> bool,
) -> Option<ScopeDecision> {
    if checks.literal.is_empty() {
        return None;
    }
    let mut node = call;
    while let Some(parent) = node.parent() {
        for guard in guards(parent, node, src) {
            let found: Vec<ActionCheck> = guard
                .into_iter()
                .flat_map(|region| checks.literal_within(region))
                .collect();
            if !found.is_empty() {
                return match decide_from_checks(&found, rules, scope_available) {
                    d @ (ScopeDecision::Certain { .. } | ScopeDecision::NoScope { .. }) => Some(d),
                    _ => None,
                };
            }
        }
        node = parent;
    }
    None
}

/// The guards of `child` where it stands in `parent`, innermost first: each
/// the byte ranges of its condition and of the variables the condition reads.
fn guards(parent: Node, child: Node, src: &str) -> Vec<Vec<Range>> {
    let is = |field: &'static str| parent.field(field).is_some_and(|n| n.id() == child.id());
    match parent.kind() {
        "if_statement" if is("consequence") || is("alternative") => {
            let Some(cond) = parent.field("condition") else {
                return vec![];
            };
            let mut guard = vec![range(cond)];
            guard.extend(declared_checks(parent, cond, src));
            vec![guard]
        }
        "else_clause" => vec![],
        "ternary_expression" if is("consequence") || is("alternative") => parent
            .field("condition")
            .map(|c| vec![range(c)])
            .into_iter()
            .collect(),
        "binary_expression"
            if is("right")
                && parent
                    .field("operator")
                    .is_some_and(|o| matches!(text(o, src), "&&" | "||")) =>
        {
            parent
                .field("left")
                .map(|l| vec![range(l)])
                .into_iter()
                .collect()
        }
        "statement_block" | "program" | "switch_case" => {
            // Early returns before the call: `if (!(await check(…))) return;`.
            let mut out = Vec::new();
            let mut prev = child.prev_named_sibling();
            while let Some(s) = prev {
                if s.kind() == "if_statement"
                    && let Some(cond) = s.field("condition")
                    && s.field("consequence").is_some_and(leaves)
                {
                    let mut guard = vec![range(cond)];
                    guard.extend(declared_checks(s, cond, src));
                    out.push(guard);
                }
                prev = s.prev_named_sibling();
            }
            out
        }
        _ => vec![],
    }
}

/// Does this branch always leave the block (`return`, `throw`)?
fn leaves(branch: Node) -> bool {
    let last = if branch.kind() == "statement_block" {
        let mut cursor = branch.walk();
        branch.named_children(&mut cursor).last()
    } else {
        Some(branch)
    };
    last.is_some_and(|s| matches!(s.kind(), "return_statement" | "throw_statement"))
}

/// `const required = await check(…); if (required) …`: the initializers of
/// the variables declared before `stmt` in its block that its condition names.
fn declared_checks(stmt: Node, cond: Node, src: &str) -> Vec<Range> {
    let names: Vec<&str> = super::descendants_pruned(cond, |_| true)
        .into_iter()
        .filter(|n| n.kind() == "identifier")
        .map(|n| text(n, src))
        .collect();
    if names.is_empty() {
        return vec![];
    }
    let mut out = Vec::new();
    let mut prev = stmt.prev_named_sibling();
    while let Some(s) = prev {
        if matches!(s.kind(), "lexical_declaration" | "variable_declaration") {
            let mut cursor = s.walk();
            for d in s.named_children(&mut cursor) {
                if let (Some(name), Some(value)) = (d.field("name"), d.field("value"))
                    && names.contains(&text(name, src))
                {
                    out.push(range(value));
                }
            }
        }
        prev = s.prev_named_sibling();
    }
    out
}

/// Decide the scope for the token call at `call`, given every action check in the file.
pub fn infer_scope(
    call: Node,
    checks: &ActionChecks,
    src: &str,
    rules: &Table,
    scope_available: &dyn Fn(&str) -> bool,
) -> ScopeDecision {
    if let Some(d) = guard_decision(call, checks, src, rules, scope_available) {
        return d;
    }
    let innermost = enclosing_function(call);
    let key = innermost.map(range);
    if let Some(d) = checks.decided.borrow().get(&key) {
        return d.clone();
    }
    let decision = decide_for_function(innermost, checks, src, rules, scope_available);
    checks.decided.borrow_mut().insert(key, decision.clone());
    decision
}

fn decide_for_function(
    innermost: Option<Node>,
    checks: &ActionChecks,
    src: &str,
    rules: &Table,
    scope_available: &dyn Fn(&str) -> bool,
) -> ScopeDecision {
    let mut func = innermost;
    // 1. the action checked in the same function, or the nearest enclosing one that checks.
    loop {
        let at_level = checks.in_function(func.map(range));
        if !at_level.is_empty() {
            return decide_from_checks(at_level, rules, scope_available);
        }
        match func {
            Some(f) => func = enclosing_function(f),
            None => break,
        }
    }
    // 2. the sensitive call guarded in the same function.
    let mut hints: BTreeSet<(String, String)> = BTreeSet::new();
    if let Some(f) = innermost {
        for node in own_nodes(f) {
            if node.kind() != "call_expression" {
                continue;
            }
            if let Some(name) = called_name(node, src)
                && let Some(scope) = rules.sensitive_scope(name)
            {
                hints.insert((scope.to_string(), name.to_string()));
            }
        }
    }
    let scopes: BTreeSet<&String> = hints.iter().map(|(s, _)| s).collect();
    match scopes.len() {
        1 => {
            let (scope, call) = hints.into_iter().next().expect("one hint");
            if !scope_available(&scope) {
                return ScopeDecision::Uncertain {
                    reason: format!(
                        "the guarded call `{call}` maps to TokenScope.{scope}, which the installed \
                         @dynamic-labs/sdk-api-core does not declare"
                    ),
                    candidates: all_scopes(rules, scope_available),
                    no_evidence: false,
                };
            }
            ScopeDecision::Inferred { scope, call }
        }
        0 => ScopeDecision::Uncertain {
            reason: "no MFAAction check and no sensitive call (export, sign) near the call".into(),
            candidates: all_scopes(rules, scope_available),
            no_evidence: true,
        },
        _ => ScopeDecision::Uncertain {
            reason: format!(
                "it guards several kinds of sensitive call ({})",
                hints
                    .iter()
                    .map(|(_, c)| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            candidates: scopes.into_iter().cloned().collect(),
            no_evidence: false,
        },
    }
}

fn decide_from_checks(
    checks: &[ActionCheck],
    rules: &Table,
    scope_available: &dyn Fn(&str) -> bool,
) -> ScopeDecision {
    // What each check protects, as "the scope" or "an action without scope".
    let mut targets: BTreeSet<(Option<String>, String)> = BTreeSet::new();
    for c in checks {
        match &c.action {
            CheckedAction::Known(a) => {
                targets.insert((
                    scope_for_action(a, rules, scope_available),
                    format!("MFAAction.{a}"),
                ));
            }
            CheckedAction::Scope(s) => {
                targets.insert((Some(s.clone()), format!("TokenScope.{s}")));
            }
            CheckedAction::Opaque(expr) => {
                return ScopeDecision::Uncertain {
                    reason: format!(
                        "the checked action is held in `{expr}`, not a literal MFAAction"
                    ),
                    candidates: all_scopes(rules, scope_available),
                    no_evidence: false,
                };
            }
        }
    }
    let distinct: BTreeSet<&Option<String>> = targets.iter().map(|(s, _)| s).collect();
    if distinct.len() > 1 || targets.iter().filter(|(s, _)| s.is_none()).count() > 1 {
        return ScopeDecision::Uncertain {
            reason: format!(
                "the function checks several actions ({})",
                targets
                    .iter()
                    .map(|(_, label)| label.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            candidates: targets
                .iter()
                .filter_map(|(s, _)| s.clone())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
            no_evidence: false,
        };
    }
    let (scope, label) = targets.into_iter().next().expect("at least one check");
    let action = label
        .trim_start_matches("MFAAction.")
        .trim_start_matches("TokenScope.")
        .to_string();
    match scope {
        Some(scope) => ScopeDecision::Certain { scope, action },
        None => ScopeDecision::NoScope { action },
    }
}

/// The nodes of a function whose innermost function it is: its subtree
/// without the subtrees of the functions nested in it. (One walk, without
/// asking each node for its enclosing function: tree-sitter finds a parent
/// by searching down from the root.)
fn own_nodes(f: Node) -> Vec<Node> {
    super::descendants_pruned(f, |n| {
        n.id() == f.id() || !super::scope::is_function(n.kind())
    })
}

/// The TokenScope member for an MFAAction member, if the project can use one.
pub fn scope_for_action(
    action: &str,
    rules: &Table,
    scope_available: &dyn Fn(&str) -> bool,
) -> Option<String> {
    let scope = rules.action(action)?.token_scope.as_ref()?;
    scope_available(scope).then(|| scope.clone())
}

fn all_scopes(rules: &Table, scope_available: &dyn Fn(&str) -> bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in &rules.actions {
        if let Some(s) = &a.token_scope
            && scope_available(s)
            && !out.contains(s)
        {
            out.push(s.clone());
        }
    }
    out
}

/// `f(...)` → "f", `a.b.f(...)` → "f".
pub fn called_name<'a>(call: Node, src: &'a str) -> Option<&'a str> {
    let callee = call.field("function")?;
    match callee.kind() {
        "identifier" => Some(text(callee, src)),
        "member_expression" => callee.field("property").map(|p| text(p, src)),
        _ => None,
    }
}
