//! Pure functions from a syntax tree to facts. No I/O, no printing: facts
//! from other files come through the `barrels::Workspace` trait.

pub mod barrels;
pub mod bindings;
pub mod callers;
pub mod exports;
pub mod imports;
pub mod infer;
pub mod protected;
pub mod scope;
pub mod suppressions;

use tree_sitter::Node;

/// `child_by_field_name` with the field id looked up once per grammar:
/// tree-sitter finds a field id by comparing the name with every field name.
pub trait Field<'t> {
    fn field(&self, name: &'static str) -> Option<Node<'t>>;
}

impl<'t> Field<'t> for Node<'t> {
    fn field(&self, name: &'static str) -> Option<Node<'t>> {
        use std::cell::RefCell;
        use std::collections::HashMap;
        thread_local! {
            static IDS: RefCell<HashMap<(usize, usize), Option<u16>>> = RefCell::new(HashMap::new());
        }
        let language = self.language();
        // The two grammars differ in their number of node kinds.
        let key = (language.node_kind_count(), name.as_ptr() as usize);
        let id = IDS.with(|ids| {
            *ids.borrow_mut()
                .entry(key)
                .or_insert_with(|| language.field_id_for_name(name).map(|id| id.get()))
        })?;
        self.child_by_field_id(id)
    }
}

pub fn text<'a>(node: Node, src: &'a str) -> &'a str {
    &src[node.byte_range()]
}

/// Every node of the subtree, parents before children, in source order.
pub fn descendants(root: Node) -> Vec<Node> {
    descendants_pruned(root, |_| true)
}

/// As `descendants`, without the subtrees below the nodes `enter` refuses
/// (those nodes themselves are kept).
pub fn descendants_pruned<'t>(root: Node<'t>, enter: impl Fn(Node<'t>) -> bool) -> Vec<Node<'t>> {
    let mut out = Vec::with_capacity(root.descendant_count());
    let mut cursor = root.walk();
    'walk: loop {
        let node = cursor.node();
        out.push(node);
        if enter(node) && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                continue 'walk;
            }
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    out
}

/// The nodes whose byte range holds one of `marks` (sorted offsets), with
/// their ancestors, in source order (subtrees without a mark are skipped),
/// each handed to `visit` as it is reached: on a large file most of the
/// tree touches a mark, and a list of it would cost a good part of the
/// tree's memory again.
pub fn visit_touching<'t>(root: Node<'t>, marks: &[usize], mut visit: impl FnMut(Node<'t>)) {
    let touches = |n: Node| {
        let i = marks.partition_point(|&m| m < n.start_byte());
        i < marks.len() && marks[i] < n.end_byte()
    };
    if !touches(root) {
        return;
    }
    let mut cursor = root.walk();
    'walk: loop {
        visit(cursor.node());
        if cursor.goto_first_child() {
            loop {
                if touches(cursor.node()) {
                    continue 'walk;
                }
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
            cursor.goto_parent();
        }
        loop {
            while cursor.goto_next_sibling() {
                if touches(cursor.node()) {
                    continue 'walk;
                }
            }
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
}

/// The nodes of one file grouped by the kinds the rules look for, found in
/// one pass by numeric kind id (comparing kind names costs a C-string
/// conversion per node).
#[derive(Default)]
pub struct NodeIndex<'t> {
    pub calls: Vec<Node<'t>>,
    pub declarators: Vec<Node<'t>>,
    pub members: Vec<Node<'t>>,
    pub pairs: Vec<Node<'t>>,
    /// `pair_pattern` and `shorthand_property_identifier_pattern`.
    pub pattern_props: Vec<Node<'t>>,
    pub as_expressions: Vec<Node<'t>>,
}

impl<'t> NodeIndex<'t> {
    pub fn build(nodes: &[Node<'t>], language: &tree_sitter::Language) -> NodeIndex<'t> {
        let mut index = Indexer::new(language);
        for &n in nodes {
            index.add(n);
        }
        index.index
    }

    /// The index of the nodes `visit_touching` reaches, built in the walk.
    pub fn touching(root: Node<'t>, marks: &[usize]) -> NodeIndex<'t> {
        let mut index = Indexer::new(&root.language());
        visit_touching(root, marks, |n| index.add(n));
        index.index
    }
}

/// Sorts nodes into a `NodeIndex` by numeric kind id.
struct Indexer<'t> {
    ids: [u16; 7],
    index: NodeIndex<'t>,
}

impl<'t> Indexer<'t> {
    fn new(language: &tree_sitter::Language) -> Indexer<'t> {
        let id = |kind: &str| language.id_for_node_kind(kind, true);
        Indexer {
            ids: [
                id("call_expression"),
                id("variable_declarator"),
                id("member_expression"),
                id("pair"),
                id("pair_pattern"),
                id("shorthand_property_identifier_pattern"),
                id("as_expression"),
            ],
            index: NodeIndex::default(),
        }
    }

    fn add(&mut self, n: Node<'t>) {
        let [
            call,
            declarator,
            member,
            pair,
            pair_pattern,
            shorthand_pattern,
            as_expression,
        ] = self.ids;
        let index = &mut self.index;
        let k = n.kind_id();
        if k == call {
            index.calls.push(n);
        } else if k == declarator {
            index.declarators.push(n);
        } else if k == member {
            index.members.push(n);
        } else if k == pair {
            index.pairs.push(n);
        } else if k == pair_pattern || k == shorthand_pattern {
            index.pattern_props.push(n);
        } else if k == as_expression {
            index.as_expressions.push(n);
        }
    }
}

/// Skip `( … )` wrappers and TypeScript `x as T` / `x!` around an expression.
pub fn unwrap_parens(mut node: Node) -> Node {
    while matches!(
        node.kind(),
        "parenthesized_expression" | "non_null_expression"
    ) {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// The string value of a string literal node (`'x'`, `"x"`), without quotes.
pub fn string_value<'a>(node: Node, src: &'a str) -> Option<&'a str> {
    if node.kind() != "string" {
        return None;
    }
    let t = text(node, src);
    if t.len() >= 2 {
        Some(&t[1..t.len() - 1])
    } else {
        None
    }
}

/// The pairs of an object literal, by key name, plus whether it has a spread
/// or computed/other members that stepup cannot reason about.
pub struct ObjectArg<'t> {
    pub node: Node<'t>,
    pub props: Vec<(String, Node<'t>)>,
    pub opaque: bool,
}

impl<'t> ObjectArg<'t> {
    pub fn from_node(node: Node<'t>, src: &str) -> Option<ObjectArg<'t>> {
        if node.kind() != "object" {
            return None;
        }
        let mut props = Vec::new();
        let mut opaque = false;
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "pair" => {
                    let key = child.field("key")?;
                    let name = match key.kind() {
                        "property_identifier" => text(key, src).to_string(),
                        "string" => string_value(key, src)?.to_string(),
                        _ => {
                            opaque = true;
                            continue;
                        }
                    };
                    props.push((name, child));
                }
                "shorthand_property_identifier" => {
                    props.push((text(child, src).to_string(), child))
                }
                "comment" => {}
                _ => opaque = true,
            }
        }
        Some(ObjectArg {
            node,
            props,
            opaque,
        })
    }

    pub fn get(&self, key: &str) -> Option<Node<'t>> {
        self.props.iter().find(|(k, _)| k == key).map(|(_, n)| *n)
    }

    /// The value of a `key: value` pair, or the identifier of a shorthand `key`.
    pub fn value(&self, key: &str) -> Option<Node<'t>> {
        let n = self.get(key)?;
        if n.kind() == "pair" {
            n.field("value")
        } else {
            Some(n)
        }
    }
}

/// First argument of a call, when the call has exactly the arguments node.
pub fn call_args(call: Node) -> Vec<Node> {
    let mut out = Vec::new();
    if let Some(args) = call.field("arguments") {
        let mut cursor = args.walk();
        for a in args.named_children(&mut cursor) {
            if a.kind() != "comment" {
                out.push(a);
            }
        }
    }
    out
}

/// Line starts of a text, for many `line_col` look-ups in one pass.
pub struct LineIndex<'a> {
    src: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Lines end where `line_col` says they do: at LF, or at CR in a file
    /// with no LF at all.
    pub fn new(src: &'a str) -> LineIndex<'a> {
        let cr_only = memchr::memchr(b'\n', src.as_bytes()).is_none();
        let end = if cr_only { b'\r' } else { b'\n' };
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(end, src.as_bytes()).map(|i| i + 1));
        LineIndex { src, starts }
    }

    /// As `line_col`, in O(log lines + line length).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.src.len());
        let row = self.starts.partition_point(|&s| s <= offset) - 1;
        let col = self.src[self.starts[row]..offset].chars().count() + 1;
        (row + 1, col)
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let before = &src[..offset.min(src.len())];
    // Lines end at LF (a CRLF counts once), as git and GitHub count them; in
    // a file with CRs and no LF at all (old Mac line endings), at CR.
    let cr_only = memchr::memchr(b'\n', src.as_bytes()).is_none();
    let end = if cr_only { b'\r' } else { b'\n' };
    let line = memchr::memchr_iter(end, before.as_bytes()).count() + 1;
    let line_start = memchr::memrchr(end, before.as_bytes()).map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// One property of an object destructuring pattern: `{ key }` or `{ key: local }`.
pub struct PatternEntry<'t> {
    pub key: &'t str,
    /// The identifier bound; None for a nested pattern or a default value.
    pub local: Option<&'t str>,
    pub node: Node<'t>,
}

/// The properties of an object pattern, in order; comments are skipped and
/// rest elements (`...rest`) come back with no key.
pub fn pattern_entries<'t>(pattern: Node<'t>, src: &'t str) -> Vec<PatternEntry<'t>> {
    let mut out = Vec::new();
    let mut cursor = pattern.walk();
    for p in pattern.named_children(&mut cursor) {
        match p.kind() {
            "shorthand_property_identifier_pattern" => out.push(PatternEntry {
                key: text(p, src),
                local: Some(text(p, src)),
                node: p,
            }),
            "pair_pattern" => {
                let (Some(k), Some(v)) = (p.field("key"), p.field("value")) else {
                    continue;
                };
                out.push(PatternEntry {
                    key: text(k, src),
                    local: (v.kind() == "identifier").then(|| text(v, src)),
                    node: p,
                });
            }
            "comment" => {}
            _ => out.push(PatternEntry {
                key: "",
                local: None,
                node: p,
            }),
        }
    }
    out
}
