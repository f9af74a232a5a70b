//! Facts for deciding a token call's scope from its callers, in other
//! files: how a wrapper is reached (`handles`: the exported function that
//! holds the call, the hook that returns it, the component whose prop
//! callbacks run after it), and, in a caller's file, what sensitive call
//! follows each use of a wrapper (`caller_uses`). Pure: trees in, facts out;
//! other modules are reached only through the `Workspace`.

use super::Field;
use super::barrels::Workspace;
use super::bindings::Bindings;
use super::exports::module_exports;
use super::infer::called_name;
use super::scope::{enclosing_function, is_function};
use super::{descendants, descendants_pruned, pattern_entries, text};
use crate::table::Table;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use tree_sitter::Node;

/// Re-export chains from a caller's import to the wrapper's module longer
/// than this are not followed.
const MAX_REEXPORTS: usize = 4;

/// How callers in other modules reach a token call, by the name its module
/// exports (`default` for a default export).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Handle {
    /// An exported function that holds the call: callers call `name(…)`.
    Function(String),
    /// An exported hook that returns the function holding the call, as a
    /// member of an object (`return { ensureMfa }`) or itself (`return confirm`).
    HookResult {
        hook: String,
        member: Option<String>,
    },
    /// An exported component that calls these prop callbacks after the call
    /// (a shared TOTP dialog's `onSuccess`): its users' callbacks do the work.
    PropCallbacks {
        component: String,
        props: Vec<String>,
    },
}

impl Handle {
    /// The name the module exports.
    pub fn export(&self) -> &str {
        match self {
            Handle::Function(name) => name,
            Handle::HookResult { hook, .. } => hook,
            Handle::PropCallbacks { component, .. } => component,
        }
    }

    /// What a caller uses, for messages.
    pub fn describe(&self) -> String {
        let call = |name: &str| {
            if name == "default" {
                "the module's default export".to_string()
            } else {
                format!("`{name}()`")
            }
        };
        match self {
            Handle::Function(name) => call(name),
            Handle::HookResult {
                hook,
                member: Some(m),
            } => format!("`{m}` of {}", call(hook)),
            Handle::HookResult { hook, member: None } => {
                format!("the function {} returns", call(hook))
            }
            Handle::PropCallbacks { component, props } => {
                let name = if component == "default" {
                    "the module's default export"
                } else {
                    component
                };
                format!("`<{name} {}={{…}}>`", props.join("/"))
            }
        }
    }
}

/// A token call whose scope its own file cannot tell, with the ways callers reach it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndecidedSite {
    /// The 1-based line the call starts on.
    pub line: usize,
    /// The legacy function called, for messages.
    pub legacy: String,
    /// How callers in other modules reach it (empty when something in its
    /// own file speaks against following them: several checks, a variable action).
    pub handles: Vec<Handle>,
    /// The scopes it could need.
    pub candidates: Vec<String>,
}

/// How other modules can reach the token call at `call`.
pub fn handles(call: Node, src: &str) -> Vec<Handle> {
    let Some(f) = enclosing_function(call) else {
        return vec![];
    };
    let root = root_of(call);
    let exports = Exports::of(root, src);
    let mut out = Vec::new();
    let name = binding_name(f, src);
    if let Some(e) = exports.name_of(f, name, src) {
        out.push(Handle::Function(e));
    } else if let Some((g, member)) = returned_from(f, name, src)
        && let Some(hook) = exports.name_of(g, binding_name(g, src), src)
    {
        out.push(Handle::HookResult { hook, member });
    }
    if let Some(h) = prop_callbacks(call, f, &exports, src) {
        out.push(h);
    }
    out
}

fn root_of(node: Node) -> Node {
    let mut n = node;
    while let Some(p) = n.parent() {
        n = p;
    }
    n
}

/// The name a function is bound to: its declaration's, the variable's it
/// initializes, also through `useCallback(…)`/`useMemo(…)`.
fn binding_name<'s>(f: Node, src: &'s str) -> Option<&'s str> {
    if let Some(name) = f.field("name")
        && matches!(
            f.kind(),
            "function_declaration" | "generator_function_declaration"
        )
    {
        return Some(text(name, src));
    }
    let mut holder = f.parent()?;
    if holder.kind() == "arguments" {
        // `const x = useCallback(async () => …, [])`
        holder = holder
            .parent()
            .filter(|c| c.kind() == "call_expression")?
            .parent()?;
    }
    (holder.kind() == "variable_declarator")
        .then(|| holder.field("name"))
        .flatten()
        .filter(|n| n.kind() == "identifier")
        .map(|n| text(n, src))
}

/// The module's exports of its own functions: exported name by local name.
struct Exports<'s> {
    /// `export { local as exported }`, `export default local`.
    locals: Vec<(String, String)>,
    _src: std::marker::PhantomData<&'s str>,
}

impl<'s> Exports<'s> {
    fn of(root: Node, src: &'s str) -> Exports<'s> {
        let m = module_exports(root, src);
        let mut locals: Vec<(String, String)> = m
            .locals
            .iter()
            .map(|(exported, local)| (local.clone(), exported.clone()))
            .collect();
        let mut cursor = root.walk();
        for stmt in root.named_children(&mut cursor) {
            if stmt.kind() == "export_statement"
                && stmt.field("declaration").is_none()
                && let Some(value) = stmt.field("value")
                && value.kind() == "identifier"
            {
                locals.push((text(value, src).to_string(), "default".into()));
            }
        }
        Exports {
            locals,
            _src: std::marker::PhantomData,
        }
    }

    /// The name under which the module exports the function `f`, bound to `name`.
    fn name_of(&self, f: Node, name: Option<&str>, src: &str) -> Option<String> {
        // `export function f`, `export default function`, `export const f = …`.
        let mut stmt = f.parent();
        if let Some(p) = stmt
            && p.kind() == "variable_declarator"
        {
            stmt = p.parent().and_then(|d| d.parent());
        } else if let Some(p) = stmt
            && p.kind() == "arguments"
        {
            stmt = p
                .parent()
                .and_then(|c| c.parent())
                .and_then(|d| d.parent())
                .and_then(|l| l.parent());
        }
        if let Some(s) = stmt.filter(|s| s.kind() == "export_statement") {
            let is_default = text(s, src).trim_start()["export".len()..]
                .trim_start()
                .starts_with("default");
            return if is_default {
                Some("default".into())
            } else {
                name.map(str::to_string)
            };
        }
        let name = name?;
        self.locals
            .iter()
            .find(|(local, _)| local == name)
            .map(|(_, exported)| exported.clone())
    }
}

/// The function that returns `f`, and under which member: `return f` /
/// `return async () => …` (None), `return { f }`, `return { key: f }`,
/// `return { key: async () => … }`.
fn returned_from<'t>(
    f: Node<'t>,
    name: Option<&str>,
    src: &str,
) -> Option<(Node<'t>, Option<String>)> {
    let g = enclosing_function(f)?;
    let parent = f.parent()?;
    if parent.kind() == "return_statement" {
        return Some((g, None));
    }
    if parent.kind() == "pair"
        && let Some(obj) = parent.parent()
        && obj.parent().is_some_and(|r| r.kind() == "return_statement")
    {
        return Some((g, parent.field("key").map(|k| text(k, src).to_string())));
    }
    let name = name?;
    let own = descendants_pruned(g, |n| n.id() == g.id() || !is_function(n.kind()));
    for ret in own.iter().filter(|n| n.kind() == "return_statement") {
        let Some(value) = ret.named_child(0) else {
            continue;
        };
        match value.kind() {
            "identifier" if text(value, src) == name => return Some((g, None)),
            "object" => {
                let mut cursor = value.walk();
                for entry in value.named_children(&mut cursor) {
                    match entry.kind() {
                        "shorthand_property_identifier" if text(entry, src) == name => {
                            return Some((g, Some(name.to_string())));
                        }
                        "pair"
                            if entry.field("value").is_some_and(|v| {
                                v.kind() == "identifier" && text(v, src) == name
                            }) =>
                        {
                            return Some((g, entry.field("key").map(|k| text(k, src).to_string())));
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// The exported component around `call` and the prop callbacks called in
/// `f` after it (`props.onSuccess()`, or `onSuccess()` destructured from the props).
fn prop_callbacks(call: Node, f: Node, exports: &Exports, src: &str) -> Option<Handle> {
    let mut component = None;
    let mut cur = Some(f);
    while let Some(g) = cur {
        let name = binding_name(g, src);
        if name.is_some_and(|n| n.starts_with(|c: char| c.is_ascii_uppercase()))
            && let Some(e) = exports.name_of(g, name, src)
        {
            component = Some((g, e));
        }
        cur = enclosing_function(g);
    }
    let (c, exported) = component?;
    let param = c
        .field("parameters")
        .and_then(|p| p.named_child(0))
        .or_else(|| c.field("parameter"))?;
    let param = match param.kind() {
        "required_parameter" | "optional_parameter" => param.field("pattern")?,
        _ => param,
    };
    let (whole, destructured): (Option<&str>, Vec<(String, String)>) = match param.kind() {
        "identifier" => (Some(text(param, src)), vec![]),
        "object_pattern" => (
            None,
            pattern_entries(param, src)
                .into_iter()
                .filter_map(|e| Some((e.key.to_string(), e.local?.to_string())))
                .collect(),
        ),
        _ => return None,
    };
    let mut props: Vec<String> = Vec::new();
    for n in descendants(f) {
        if n.kind() != "call_expression" || n.start_byte() < call.end_byte() {
            continue;
        }
        let Some(callee) = n.field("function") else {
            continue;
        };
        let prop = match callee.kind() {
            "member_expression" => callee
                .field("object")
                .filter(|o| Some(text(*o, src)) == whole)
                .and_then(|_| callee.field("property"))
                .map(|p| text(p, src).to_string()),
            "identifier" => destructured
                .iter()
                .find(|(_, local)| local == text(callee, src))
                .map(|(key, _)| key.clone()),
            _ => None,
        };
        if let Some(p) = prop
            && !props.contains(&p)
        {
            props.push(p);
        }
    }
    (!props.is_empty()).then_some(Handle::PropCallbacks {
        component: exported,
        props,
    })
}

/// A wrapper some caller may use: the module that exports it and how.
#[derive(Debug, Clone)]
pub struct Wrapper {
    /// The module's path (as the resolver gives it, made real where it can).
    pub path: PathBuf,
    pub handle: Handle,
}

/// What one use of a wrapper in a caller's file tells.
#[derive(Debug, Clone)]
pub struct CallerUse {
    /// Which wrapper (its index in the list given).
    pub wrapper: usize,
    /// The 1-based line of the use.
    pub line: usize,
    /// The sensitive calls that follow it: (TokenScope member, call name).
    pub scopes: BTreeSet<(String, String)>,
    /// When none follows: how this caller is itself reached from elsewhere.
    pub next: Vec<Handle>,
}

/// Each use, in the file `root`, of the wrappers its imports resolve to.
pub fn caller_uses(
    root: Node,
    src: &str,
    dir: &Path,
    ws: &dyn Workspace,
    rules: &Table,
    wrappers: &[Wrapper],
) -> Vec<CallerUse> {
    let bindings = Bindings::from_tree(root, src);
    let mut out = Vec::new();
    for decl in &bindings.imports {
        let names = decl
            .named
            .iter()
            .filter(|s| !s.is_type && !decl.type_only)
            .map(|s| (s.imported.as_str(), s.local.as_str()))
            .chain(decl.default.as_deref().map(|d| ("default", d)));
        for (imported, local) in names {
            let Some((path, exported)) = origin(ws, dir, &decl.module, imported, 0) else {
                continue;
            };
            for (i, w) in wrappers.iter().enumerate() {
                if w.handle.export() == exported && same_file(&w.path, &path) {
                    uses_of(root, src, rules, local, i, &w.handle, &mut out);
                }
            }
        }
    }
    out
}

/// A module path as the walk and the resolver both see it.
pub fn real_path(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b || real_path(a) == real_path(b)
}

/// The module that defines what `spec` exports as `name`, through barrels
/// (`export * from`, `export { a as b } from`), and its name there.
fn origin(
    ws: &dyn Workspace,
    dir: &Path,
    spec: &str,
    name: &str,
    depth: usize,
) -> Option<(PathBuf, String)> {
    if depth > MAX_REEXPORTS || rules_module(spec) {
        return None;
    }
    let path = ws.resolve(dir, spec)?;
    let Some(m) = ws.module_exports(&path) else {
        return Some((path, name.to_string()));
    };
    let here = path.parent().unwrap_or(Path::new("/"));
    if let Some((from, imported)) = m.from.get(name) {
        return origin(ws, here, from, imported, depth + 1);
    }
    if m.own.contains(name) || m.locals.contains_key(name) {
        return Some((path, name.to_string()));
    }
    for star in &m.stars {
        if let Some(found) = origin(ws, here, star, name, depth + 1) {
            return Some(found);
        }
    }
    Some((path, name.to_string()))
}

/// Packages are never wrappers of the project's own.
fn rules_module(spec: &str) -> bool {
    spec.starts_with("@dynamic-labs")
}

/// The uses of the wrapper bound to `local` in this file.
fn uses_of(
    root: Node,
    src: &str,
    rules: &Table,
    local: &str,
    wrapper: usize,
    handle: &Handle,
    out: &mut Vec<CallerUse>,
) {
    let all = descendants(root);
    let calls = match handle {
        Handle::Function(_) => calls_of(&all, local, src),
        Handle::HookResult { member, .. } => hook_result_calls(&all, local, member.as_deref(), src),
        Handle::PropCallbacks { props, .. } => {
            out.extend(prop_callback_uses(
                root, &all, local, props, wrapper, src, rules,
            ));
            vec![]
        }
    };
    for call in calls {
        let scopes = following_scopes(call, root, src, rules);
        let next = if scopes.is_empty() {
            handles(call, src)
        } else {
            vec![]
        };
        out.push(CallerUse {
            wrapper,
            line: call.start_position().row + 1,
            scopes,
            next,
        });
    }
}

/// The calls whose callee is written `callee` (`f`, `guard.ensureMfa`).
fn calls_of<'t>(all: &[Node<'t>], callee: &str, src: &str) -> Vec<Node<'t>> {
    all.iter()
        .filter(|n| n.kind() == "call_expression")
        .filter(|n| n.field("function").is_some_and(|c| text(c, src) == callee))
        .copied()
        .collect()
}

/// The calls of what the hook bound to `hook` returns: `const f = hook(); f()`,
/// `const g = hook(); g.member()`, `const { member: f } = hook(); f()`.
fn hook_result_calls<'t>(
    all: &[Node<'t>],
    hook: &str,
    member: Option<&str>,
    src: &str,
) -> Vec<Node<'t>> {
    let mut calls = Vec::new();
    for d in all.iter().filter(|n| n.kind() == "variable_declarator") {
        let (Some(name), Some(value)) = (d.field("name"), d.field("value")) else {
            continue;
        };
        let hook_call = value.kind() == "call_expression"
            && value
                .field("function")
                .is_some_and(|c| text(c, src) == hook);
        if !hook_call {
            continue;
        }
        match (name.kind(), member) {
            ("identifier", None) => calls.extend(calls_of(all, text(name, src), src)),
            ("identifier", Some(m)) => {
                calls.extend(calls_of(all, &format!("{}.{m}", text(name, src)), src))
            }
            ("object_pattern", Some(m)) => {
                for e in pattern_entries(name, src) {
                    if e.key == m
                        && let Some(l) = e.local
                    {
                        calls.extend(calls_of(all, l, src));
                    }
                }
            }
            _ => {}
        }
    }
    calls
}

/// `<Component prop={callback} />` for each of the props: what its callback does.
fn prop_callback_uses(
    root: Node,
    all: &[Node],
    component: &str,
    props: &[String],
    wrapper: usize,
    src: &str,
    rules: &Table,
) -> Vec<CallerUse> {
    let mut out = Vec::new();
    let elements = all.iter().filter(|n| {
        matches!(n.kind(), "jsx_self_closing_element" | "jsx_opening_element")
            && n.field("name").is_some_and(|t| text(t, src) == component)
    });
    for el in elements {
        let mut cursor = el.walk();
        for attr in el.named_children(&mut cursor) {
            let Some(key) = attr
                .named_child(0)
                .filter(|_| attr.kind() == "jsx_attribute")
            else {
                continue;
            };
            if !props.iter().any(|p| p == text(key, src)) {
                continue;
            }
            let callback = attr
                .named_child(1)
                .filter(|v| v.kind() == "jsx_expression")
                .and_then(|v| v.named_child(0));
            out.push(CallerUse {
                wrapper,
                line: attr.start_position().row + 1,
                scopes: callback
                    .map(|cb| callback_scopes(root, all, cb, src, rules))
                    .unwrap_or_default(),
                next: vec![],
            });
        }
    }
    out
}

/// The sensitive calls after `call` in the function that makes it.
fn following_scopes(
    call: Node,
    root: Node,
    src: &str,
    rules: &Table,
) -> BTreeSet<(String, String)> {
    let scope_node = enclosing_function(call).unwrap_or(root);
    let own = descendants_pruned(scope_node, |n| {
        n.id() == scope_node.id() || !is_function(n.kind())
    });
    sensitive(
        own.into_iter()
            .filter(|n| n.start_byte() >= call.end_byte()),
        src,
        rules,
    )
}

/// The sensitive calls a callback makes: an inline function's, or the
/// function of that name in the file.
fn callback_scopes(
    _root: Node,
    all: &[Node],
    callback: Node,
    src: &str,
    rules: &Table,
) -> BTreeSet<(String, String)> {
    let body = if callback.kind() == "identifier" {
        let name = text(callback, src);
        all.iter().copied().find(|n| {
            (matches!(n.kind(), "function_declaration")
                && n.field("name").is_some_and(|x| text(x, src) == name))
                || (n.kind() == "variable_declarator"
                    && n.field("name").is_some_and(|x| text(x, src) == name))
        })
    } else {
        Some(callback)
    };
    body.map(|b| sensitive(descendants(b).into_iter(), src, rules))
        .unwrap_or_default()
}

fn sensitive<'t>(
    nodes: impl Iterator<Item = Node<'t>>,
    src: &str,
    rules: &Table,
) -> BTreeSet<(String, String)> {
    nodes
        .filter(|n| n.kind() == "call_expression")
        .filter_map(|n| {
            let name = called_name(n, src)?;
            let scope = rules.sensitive_scope(name)?;
            Some((scope.to_string(), name.to_string()))
        })
        .collect()
}
