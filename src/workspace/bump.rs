//! The guide's step 1 in the change: `migrate` raises the SDK ranges the
//! migrated code needs (the `dependency-range` check's packages and
//! minimums), moves the Dynamic packages released in lock-step with them to
//! the same version, and adds sdk-api-core where the rewrite imports
//! `TokenScope` from it. Only the bytes of the changed values change: the
//! files are edited by span (JSON with `jsonc-parser`'s syntax tree, YAML
//! catalogs by their block lines), and every edit is checked by parsing the
//! result again, which must differ from the original in those values only.

use super::manifest::{
    Manifest, Parsed, REQUIREMENTS, SourceUse, installed_dependency, installed_version, parse,
    workspace_root,
};
use super::npm_range::{NpmRange, Spec, classify};
use super::read::read_text;
use super::resolve::normalize;
use crate::table::Table;
use nodejs_semver::Version;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// One file the bump changes.
#[derive(Debug)]
pub struct FileBump {
    pub path: PathBuf,
    /// As the user sees it: relative to the working directory.
    pub display: String,
    pub original: String,
    pub rewritten: String,
    pub edit_count: usize,
}

/// A dependency the bump raised (the `dependency-range` finding on it is fixed).
#[derive(Debug, Clone)]
pub struct Raised {
    /// The package.json, as shown.
    pub manifest: String,
    pub key: String,
    pub to: String,
    /// The file that holds the range (a catalog), when not the package.json.
    pub via: Option<String>,
}

/// A dependency the bump leaves alone, and why.
#[derive(Debug, Clone)]
pub struct LeftAlone {
    pub manifest: String,
    pub key: String,
    /// Where its key is in the package.json (1-based).
    pub line: usize,
    pub column: usize,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Bump {
    pub files: Vec<FileBump>,
    pub raised: Vec<Raised>,
    pub left_alone: Vec<LeftAlone>,
    /// For each of `files`: the install command of the package manager the
    /// lockfile of its workspace shows, and the lockfile (None: none found).
    pub install: Vec<Option<(&'static str, &'static str)>>,
}

/// Where a dependency's range is written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    /// `path` of string keys in a JSON file (a package.json section, a Bun catalog).
    Json(Vec<String>),
    /// A YAML catalog: `catalog` (None: the default) and the package.
    Yaml {
        catalog: Option<String>,
        package: String,
    },
}

/// One edit to make: the value at `place` becomes `to`.
#[derive(Debug, Clone)]
struct ValueEdit {
    place: Place,
    to: String,
}

/// A dependency of a package.json as the bump sees it.
struct Dep {
    key: String,
    /// The range and where it is written (the package.json or a catalog).
    range: Option<(String, PathBuf, Place)>,
    /// Why it cannot be raised (a `workspace:`, `file:`, git or URL spec).
    not_a_range: Option<String>,
}

const LOCKSTEP_SCOPE: &str = "@dynamic-labs/";
const JS_SDK_SCOPE: &str = "@dynamic-labs-sdk/";

/// Plan the bump of every package.json that owns code needing it.
pub fn plan(manifests: &[Manifest], table: &Table, sources: &[SourceUse]) -> Bump {
    if sources.is_empty() {
        // No code of the SDK's: no package.json is read again.
        return Bump::default();
    }
    let parsed: Vec<Parsed> = manifests.iter().filter_map(|m| parse(m).ok()).collect();
    let mut order: Vec<usize> = (0..parsed.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(parsed[i].dir.components().count()));
    let owner = |file: &Path, pick: &dyn Fn(&Parsed) -> bool| {
        order
            .iter()
            .copied()
            .find(|&i| file.starts_with(&parsed[i].dir) && pick(&parsed[i]))
    };
    // Per package.json: the minimum each package needs.
    let mut needs: BTreeMap<usize, Vec<(&str, Version)>> = BTreeMap::new();
    for req in REQUIREMENTS {
        let owners: HashSet<usize> = sources
            .iter()
            .filter(|s| (req.uses)(&s.sdk))
            .filter_map(|s| owner(&s.path, &|p| p.spec_of(req.package).is_some()))
            .collect();
        for i in owners {
            let min = Version::parse(req.min).expect("a valid minimum");
            needs.entry(i).or_default().push((req.package, min));
        }
    }
    let api_core: HashSet<usize> = sources
        .iter()
        .filter(|s| s.needs_api_core)
        .filter_map(|s| owner(&s.path, &|_| true))
        .collect();
    let mut bump = Bump::default();
    // file → (shown, edits)
    let mut edits: BTreeMap<PathBuf, (String, Vec<ValueEdit>)> = BTreeMap::new();
    let mut targets: BTreeMap<usize, Version> = BTreeMap::new();
    for (&i, wanted) in &needs {
        let p = &parsed[i];
        let deps = deps_of(p);
        for family in [LOCKSTEP_SCOPE, JS_SDK_SCOPE] {
            let members: Vec<&Dep> = deps
                .iter()
                .filter(|d| d.key.starts_with(family) && d.key != table.api_core_module)
                .collect();
            let wanted: Vec<&(&str, Version)> = wanted
                .iter()
                .filter(|(pkg, _)| pkg.starts_with(family))
                .collect();
            if let Some(target) = raise_family(p, &members, &wanted, &mut bump, &mut edits)
                && family == LOCKSTEP_SCOPE
            {
                targets.insert(i, target);
            }
        }
    }
    for i in sorted(api_core) {
        add_api_core(&parsed[i], table, targets.get(&i), &mut bump, &mut edits);
    }
    apply_all(edits, &mut bump);
    bump
}

/// Make the planned edits, file by file: each edited file becomes a change;
/// one that cannot be edited is named with the reason.
fn apply_all(edits: BTreeMap<PathBuf, (String, Vec<ValueEdit>)>, bump: &mut Bump) {
    for (path, (display, list)) in edits {
        match apply(&path, &list) {
            Ok(Some((original, rewritten))) => {
                bump.install.push(install_command(&path));
                bump.files.push(FileBump {
                    path,
                    display,
                    original,
                    rewritten,
                    edit_count: list.len(),
                });
            }
            Ok(None) => {}
            Err(why) => bump.left_alone.push(LeftAlone {
                manifest: display.clone(),
                key: String::new(),
                line: 1,
                column: 1,
                message: format!("the bump leaves {display} unchanged: {why}"),
            }),
        }
    }
}

/// A dependency left alone, placed at its key in the package.json.
fn left_alone(p: &Parsed, key: &str, message: String) -> LeftAlone {
    let (line, column) = match p.text.find(&format!("\"{key}\"")) {
        Some(off) => crate::analysis::line_col(&p.text, off),
        None => (1, 1),
    };
    LeftAlone {
        manifest: p.m.display.clone(),
        key: key.to_string(),
        line,
        column,
        message,
    }
}

fn sorted(set: HashSet<usize>) -> Vec<usize> {
    let mut v: Vec<usize> = set.into_iter().collect();
    v.sort();
    v
}

/// Every dependency of a package.json, with where its range is written.
fn deps_of(p: &Parsed) -> Vec<Dep> {
    let mut out = Vec::new();
    for section in ["dependencies", "devDependencies", "peerDependencies"] {
        let Some(obj) = p.json.get(section).and_then(|d| d.as_object()) else {
            continue;
        };
        for (key, spec) in obj.iter().filter_map(|(k, v)| Some((k, v.as_str()?))) {
            let here = |range: &str| {
                Some((
                    range.to_string(),
                    normalize(&p.m.path),
                    Place::Json(vec![section.to_string(), key.clone()]),
                ))
            };
            let (range, not_a_range) = match classify(spec) {
                Spec::Range(r) if !r.trim().is_empty() => (here(spec), None),
                Spec::Catalog(name) => match catalog_entry(p, name, key) {
                    Some(found) => (Some(found), None),
                    None => (None, None),
                },
                Spec::Workspace(_) => (None, Some("a `workspace:` spec")),
                Spec::Other(_) => (
                    None,
                    Some("not a version range (`file:`, `link:`, git or URL)"),
                ),
                Spec::Alias { .. } => (None, Some("an `npm:` alias")),
                _ => (None, None),
            };
            out.push(Dep {
                key: key.clone(),
                range,
                not_a_range: not_a_range
                    .map(|why| format!("\"{key}\": \"{spec}\" is left alone by the bump ({why})")),
            });
        }
    }
    out
}

/// The lowest version a dependency's range admits, when it is a range.
fn lowest(d: &Dep) -> Option<Version> {
    let (range, _, _) = d.range.as_ref()?;
    NpmRange::parse(range).ok()?.min_version()
}

/// The version a lock-step family of a package.json moves to, when a
/// package of it the code needs allows a version without the step-up API:
/// the highest of the minimums and of the members' own lowest versions
/// within the SDK's major version. A needed package whose spec is not a
/// range is reported as left alone.
fn family_target(
    p: &Parsed,
    members: &[&Dep],
    wanted: &[&(&str, Version)],
    bump: &mut Bump,
) -> Option<Version> {
    let mut needed = false;
    let mut target: Option<Version> = None;
    for (pkg, min) in wanted {
        let Some(dep) = members.iter().find(|d| d.key == *pkg) else {
            continue;
        };
        if let Some(why) = &dep.not_a_range {
            bump.left_alone.push(left_alone(
                p,
                &dep.key,
                format!("{why}: make sure it provides {pkg} {min} or later"),
            ));
        }
        needed |= lowest(dep).is_some_and(|low| low < *min);
        if target.as_ref().is_none_or(|t| min > t) {
            target = Some(min.clone());
        }
    }
    let mut target = target.filter(|_| needed)?;
    for low in members.iter().filter_map(|d| lowest(d)) {
        if low.major() == target.major() && low > target {
            target = low;
        }
    }
    Some(target)
}

/// Raise the members of one lock-step family of a package.json to the
/// version `family_target` gives, each in its own form. Returns that version.
fn raise_family(
    p: &Parsed,
    members: &[&Dep],
    wanted: &[&(&str, Version)],
    bump: &mut Bump,
    edits: &mut BTreeMap<PathBuf, (String, Vec<ValueEdit>)>,
) -> Option<Version> {
    let target = family_target(p, members, wanted, bump)?;
    let shown_target = target.to_string();
    for d in members {
        let Some((range, file, place)) = &d.range else {
            if let Some(why) = &d.not_a_range
                && !wanted.iter().any(|(pkg, _)| *pkg == d.key)
            {
                bump.left_alone.push(left_alone(
                    p,
                    &d.key,
                    format!(
                        "{why}: it is released in lock-step with the SDK, so make sure it is {shown_target} or later too"
                    ),
                ));
            }
            continue;
        };
        let Some(low) = lowest(d) else { continue };
        // A package the code needs goes to its minimum whatever its major
        // version; a partner only within the SDK's major version.
        let required = wanted.iter().any(|(pkg, _)| *pkg == d.key);
        if (!required && low.major() != target.major()) || low >= target {
            continue;
        }
        let Some(to) = raise(range, &target) else {
            bump.left_alone.push(left_alone(
                p,
                &d.key,
                format!(
                    "\"{}\": \"{range}\" is left alone by the bump: stepup cannot raise this form of range keeping it; make it allow {shown_target} or later only",
                    d.key
                ),
            ));
            continue;
        };
        let shown = p.shown(file);
        let entry = edits
            .entry(file.clone())
            .or_insert_with(|| (shown.clone(), Vec::new()));
        // A catalog entry several packages share goes to the highest version any needs.
        match entry.1.iter_mut().find(|e| e.place == *place) {
            Some(e) if starts_at(&e.to) < starts_at(&to) => e.to = to.clone(),
            Some(_) => {}
            None => entry.1.push(ValueEdit {
                place: place.clone(),
                to: to.clone(),
            }),
        }
        bump.raised.push(Raised {
            manifest: p.m.display.clone(),
            key: d.key.clone(),
            to,
            via: (*file != normalize(&p.m.path)).then_some(shown),
        });
    }
    Some(target)
}

/// The range `range` raised to start at `to`, in the same form: `^`, `~`,
/// `>=`, `=` or an exact version keep their operator and take the whole
/// version; an operator-less partial (`4`, `4.x`, `4.51`) becomes `^` or
/// `~`. None for forms it cannot keep (`||`, hyphen ranges), or when the
/// result would not start at `to`.
pub fn raise(range: &str, to: &Version) -> Option<String> {
    if range.contains("||") || range.contains(" - ") {
        return None;
    }
    let start = range.find(|c: char| c.is_ascii_digit())?;
    let op = range[..start].trim();
    let rest = &range[start..];
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '<' || c == '>')
        .unwrap_or(rest.len());
    let token = &rest[..end];
    let partial = token.split('.').count() < 3 || token.contains(['x', 'X', '*']);
    let lead = &range[..range.len() - range.trim_start().len()];
    let candidate = match (op, partial) {
        ("" | "=" | "v", true) => {
            let parts = token
                .split('.')
                .filter(|p| !matches!(*p, "x" | "X" | "*"))
                .count();
            let prefix = if parts >= 2 { "~" } else { "^" };
            format!("{lead}{prefix}{to}{}", &rest[end..])
        }
        ("^" | "~" | ">=" | "=" | "v" | "", _) => {
            format!("{}{to}{}", &range[..start], &rest[end..])
        }
        _ => return None,
    };
    finish(candidate, to)
}

/// The lowest version a range admits (None sorts first).
fn starts_at(range: &str) -> Option<Version> {
    NpmRange::parse(range).ok()?.min_version()
}

fn finish(candidate: String, to: &Version) -> Option<String> {
    let min = NpmRange::parse(&candidate).ok()?.min_version()?;
    (min == *to).then_some(candidate)
}

/// The range `catalog:{name}` gives `package`, with the file and place of
/// its entry: pnpm-workspace.yaml or .yarnrc.yml (a YAML map), or Bun's root
/// package.json (`workspaces.catalog(s)` or top-level `catalog(s)`).
fn catalog_entry(p: &Parsed, name: &str, package: &str) -> Option<(String, PathBuf, Place)> {
    let name = name.trim();
    let named = match name {
        "" | "default" => None,
        other => Some(other.to_string()),
    };
    for dir in p.dir.ancestors() {
        for file in ["pnpm-workspace.yaml", ".yarnrc.yml"] {
            let path = dir.join(file);
            let Ok(text) = read_text(&path) else { continue };
            if file == ".yarnrc.yml" && !text.contains("catalog") {
                continue;
            }
            let doc: yaml_serde::Value = yaml_serde::from_str(&text).ok()?;
            let catalog = match &named {
                None => doc.get("catalog").map(|c| (c, None)).or_else(|| {
                    doc.get("catalogs")
                        .and_then(|c| c.get("default"))
                        .map(|c| (c, Some("default".to_string())))
                }),
                Some(n) => doc
                    .get("catalogs")
                    .and_then(|c| c.get(n.as_str()))
                    .map(|c| (c, Some(n.clone()))),
            };
            let (catalog, key) = catalog?;
            let range = catalog.get(package)?.as_str()?.to_string();
            return Some((
                range,
                path,
                Place::Yaml {
                    catalog: key,
                    package: package.to_string(),
                },
            ));
        }
        let path = dir.join("package.json");
        let Ok(text) = read_text(&path) else { continue };
        let Ok(json) =
            serde_json::from_str::<serde_json::Value>(text.trim_start_matches('\u{feff}'))
        else {
            continue;
        };
        let has = |v: &serde_json::Value| v.get("catalog").is_some() || v.get("catalogs").is_some();
        let (base, prefix): (&serde_json::Value, Vec<String>) = match json.get("workspaces") {
            Some(w) if has(w) => (w, vec!["workspaces".into()]),
            _ if has(&json) => (&json, vec![]),
            _ => continue,
        };
        let mut keys = prefix;
        let catalog = match &named {
            None => match base.get("catalog") {
                Some(c) => {
                    keys.push("catalog".into());
                    c
                }
                None => {
                    keys.extend(["catalogs".into(), "default".into()]);
                    base.get("catalogs")?.get("default")?
                }
            },
            Some(n) => {
                keys.extend(["catalogs".into(), n.clone()]);
                base.get("catalogs")?.get(n.as_str())?
            }
        };
        let range = catalog.get(package)?.as_str()?.to_string();
        keys.push(package.to_string());
        return Some((range, path, Place::Json(keys)));
    }
    None
}

/// Add sdk-api-core to `dependencies` of a package.json whose code imports
/// TokenScope from it and that does not list it: at the version the
/// installed SDK pins, when the installed SDK is the one the code needs, else
/// as `catalog:` when the workspace's default catalog has it.
fn add_api_core(
    p: &Parsed,
    table: &Table,
    target: Option<&Version>,
    bump: &mut Bump,
    edits: &mut BTreeMap<PathBuf, (String, Vec<ValueEdit>)>,
) {
    let api_core = &table.api_core_module;
    let react_core = &table.react_core_module;
    if p.spec_of(api_core).is_some() || p.json.get("dependencies").is_none() {
        return;
    }
    let min = target.cloned().unwrap_or_else(|| {
        let req = REQUIREMENTS
            .iter()
            .find(|r| r.package == react_core.as_str());
        Version::parse(req.map_or("4.76.0", |r| r.min)).expect("a version")
    });
    // The version the SDK installed here pins, if that SDK is recent
    // enough; else the workspace's default catalog entry for it, if it has
    // one; else the `api-core-dependency` finding stays and says to add it.
    let pin = [react_core.as_str(), super::manifest::CLIENT_MODULE]
        .into_iter()
        .filter(|sdk| installed_version(&p.dir, sdk).is_some_and(|v| v >= min))
        .find_map(|sdk| installed_dependency(&p.dir, sdk, api_core))
        .or_else(|| catalog_entry(p, "", api_core).map(|_| "catalog:".to_string()));
    let Some(pin) = pin else {
        return;
    };
    let entry = edits
        .entry(normalize(&p.m.path))
        .or_insert_with(|| (p.m.display.clone(), Vec::new()));
    entry.1.push(ValueEdit {
        place: Place::Json(vec!["dependencies".into(), api_core.clone()]),
        to: pin.clone(),
    });
    bump.raised.push(Raised {
        manifest: p.m.display.clone(),
        key: api_core.clone(),
        to: pin,
        via: None,
    });
}

/// Apply the edits to one file, by span; None when nothing changes.
fn apply(path: &Path, list: &[ValueEdit]) -> Result<Option<(String, String)>, String> {
    let original = read_text(path).map_err(|e| format!("cannot read: {e}"))?;
    let (bom, body) = match original.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", original.as_str()),
    };
    let yaml = path.extension().is_none_or(|e| e != "json");
    let mut spans: Vec<(usize, usize, String)> = Vec::new();
    for e in list {
        let span = if yaml {
            let Place::Yaml { catalog, package } = &e.place else {
                return Err("internal: a JSON place in a YAML file".into());
            };
            let (s, t) = yaml_value_span(body, catalog.as_deref(), package)
                .ok_or_else(|| format!("the catalog entry for {package} is not a plain `key: value` line stepup can edit"))?;
            (s, t, e.to.clone())
        } else {
            let Place::Json(keys) = &e.place else {
                return Err("internal: a YAML place in a JSON file".into());
            };
            json_edit(body, keys, &e.to)?
        };
        spans.push(span);
    }
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = body.to_string();
    for (s, t, text) in &spans {
        out.replace_range(*s..*t, text);
    }
    verify(body, &out, yaml, list)?;
    let rewritten = format!("{bom}{out}");
    Ok((rewritten != original).then_some((original, rewritten)))
}

/// The edit that sets the string at `keys` to `to`: the value's text
/// between its quotes, or, for a key the object lacks, a new property in
/// key order with the indentation of its neighbours.
fn json_edit(body: &str, keys: &[String], to: &str) -> Result<(usize, usize, String), String> {
    use jsonc_parser::ast::Value as J;
    let ast = jsonc_parser::parse_to_ast(body, &Default::default(), &Default::default())
        .map_err(|e| format!("not valid JSON ({e})"))?;
    let mut obj = match ast.value {
        Some(J::Object(o)) => o,
        _ => return Err("not a JSON object".into()),
    };
    let (last, path) = keys.split_last().ok_or("internal: an empty path")?;
    for k in path {
        obj = match obj.properties.into_iter().find(|p| p.name.as_str() == k) {
            Some(p) => match p.value {
                J::Object(o) => o,
                _ => return Err(format!("`{k}` is not an object")),
            },
            None => return Err(format!("no `{k}`")),
        };
    }
    if let Some(prop) = obj.properties.iter().find(|p| p.name.as_str() == last) {
        let J::StringLit(s) = &prop.value else {
            return Err(format!("`{last}` is not a string"));
        };
        let (start, end) = (s.range.start + 1, s.range.end - 1);
        if body[start..end].contains('\\') {
            return Err(format!("the value of `{last}` has escapes"));
        }
        return Ok((start, end, to.to_string()));
    }
    // A new property: before the first key that sorts after it, else last.
    let props = &obj.properties;
    let first = props.first().ok_or("an empty object")?;
    let line_start = body[..first.range.start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &body[line_start..first.range.start];
    if !indent.chars().all(|c| c == ' ' || c == '\t') {
        return Err("its dependencies are not one a line".into());
    }
    let newline = if body.contains("\r\n") { "\r\n" } else { "\n" };
    let entry = format!("{}: {}", quote(last), quote(to));
    match props.iter().find(|p| p.name.as_str() > last.as_str()) {
        Some(next) => Ok((
            next.range.start,
            next.range.start,
            format!("{entry},{newline}{indent}"),
        )),
        None => {
            let end = props.last().expect("not empty").range.end;
            Ok((end, end, format!(",{newline}{indent}{entry}")))
        }
    }
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).expect("a string")
}

/// The span of the value of `package` in a YAML catalog written as block
/// lines: `catalog:` (None) or `catalogs:` → `<name>:`, then
/// `package: value` (the key plain or quoted, the value plain or quoted,
/// a comment after it kept).
fn yaml_value_span(text: &str, catalog: Option<&str>, package: &str) -> Option<(usize, usize)> {
    let lines: Vec<(usize, &str)> = {
        let mut at = 0;
        text.split_inclusive('\n')
            .map(|l| {
                let start = at;
                at += l.len();
                (start, l.trim_end_matches(['\n', '\r']))
            })
            .collect()
    };
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let significant = |l: &str| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#')
    };
    // The block under the line `i`: the lines indented more than it.
    let block = |i: usize| -> Vec<usize> {
        let base = indent(lines[i].1);
        let mut out = Vec::new();
        for (j, (_, l)) in lines.iter().enumerate().skip(i + 1) {
            if !significant(l) {
                continue;
            }
            if indent(l) <= base {
                break;
            }
            out.push(j);
        }
        out
    };
    let child = |within: &[usize], name: &str| -> Option<usize> {
        let level = within.iter().map(|&j| indent(lines[j].1)).min()?;
        within
            .iter()
            .copied()
            .filter(|&j| indent(lines[j].1) == level)
            .find(|&j| yaml_key(lines[j].1).as_deref() == Some(name))
    };
    let top: Vec<usize> = (0..lines.len())
        .filter(|&j| significant(lines[j].1) && indent(lines[j].1) == 0)
        .collect();
    let section = match catalog {
        None => child(&top, "catalog")?,
        Some(name) => child(&block(child(&top, "catalogs")?), name)?,
    };
    let entry = child(&block(section), package)?;
    let (start, line) = lines[entry];
    let (s, e) = yaml_value_in_line(line)?;
    Some((start + s, start + e))
}

/// The span, within a `key: value` line, of its value: between its quotes,
/// or up to a comment.
fn yaml_value_in_line(line: &str) -> Option<(usize, usize)> {
    let t = line.trim_start();
    let key_len = if t.starts_with(['\'', '"']) {
        let q = t.chars().next()?;
        t[1..].find(q)? + 2
    } else {
        t.find(':')?
    };
    let colon = line.len() - t.len() + key_len + t[key_len..].find(':')?;
    let after = &line[colon + 1..];
    let value_at = colon + 1 + after.len() - after.trim_start().len();
    let value = &line[value_at..];
    let (s, e) = if let Some(q) = value.chars().next().filter(|c| *c == '\'' || *c == '"') {
        let close = value[1..].find(q)?;
        (value_at + 1, value_at + 1 + close)
    } else {
        let end = value.find(" #").unwrap_or(value.len());
        (value_at, value_at + value[..end].trim_end().len())
    };
    (s < e).then_some((s, e))
}

/// The key of a `key: value` (or `key:`) line, unquoted.
fn yaml_key(line: &str) -> Option<String> {
    let t = line.trim_start();
    if let Some(q) = t.strip_prefix(['\'', '"']) {
        let quote = t.chars().next()?;
        let close = q.find(quote)?;
        let after = &q[close + 1..];
        return after
            .trim_start()
            .starts_with(':')
            .then(|| q[..close].to_string());
    }
    Some(t.split_once(':')?.0.trim().to_string())
}

/// The edited text must parse, and differ from the original only in the
/// edited values.
fn verify(before: &str, after: &str, yaml: bool, list: &[ValueEdit]) -> Result<(), String> {
    if yaml {
        let mut want: yaml_serde::Value =
            yaml_serde::from_str(before).map_err(|e| format!("not valid YAML ({e})"))?;
        let got: yaml_serde::Value = yaml_serde::from_str(after)
            .map_err(|e| format!("the edit would not parse ({e}); nothing changed"))?;
        for e in list {
            if let Place::Yaml { catalog, package } = &e.place {
                let root = match catalog {
                    None => want.get_mut("catalog"),
                    Some(n) => want.get_mut("catalogs").and_then(|c| c.get_mut(n.as_str())),
                };
                if let Some(slot) = root.and_then(|c| c.get_mut(package.as_str())) {
                    *slot = yaml_serde::Value::String(e.to.clone());
                }
            }
        }
        return (want == got)
            .then_some(())
            .ok_or_else(|| "the edit would change more than the ranges; nothing changed".into());
    }
    let mut want: serde_json::Value =
        serde_json::from_str(before).map_err(|e| format!("not valid JSON ({e})"))?;
    let got: serde_json::Value = serde_json::from_str(after)
        .map_err(|e| format!("the edit would not parse ({e}); nothing changed"))?;
    for e in list {
        if let Place::Json(keys) = &e.place {
            let (last, path) = keys.split_last().expect("a path");
            let mut v = &mut want;
            for k in path {
                v = &mut v[k.as_str()];
            }
            v[last.as_str()] = serde_json::Value::String(e.to.clone());
        }
    }
    (want == got)
        .then_some(())
        .ok_or_else(|| "the edit would change more than the ranges; nothing changed".into())
}

/// The command that brings the lockfile of the workspace `file` is in up to
/// date with its package.json files: the package manager the lockfile shows.
fn install_command(file: &Path) -> Option<(&'static str, &'static str)> {
    let start = file.parent()?;
    let root = workspace_root(start).unwrap_or_else(|| start.to_path_buf());
    const LOCKFILES: &[(&str, &str)] = &[
        ("pnpm-lock.yaml", "pnpm install"),
        ("yarn.lock", "yarn install"),
        ("bun.lock", "bun install"),
        ("bun.lockb", "bun install"),
        ("package-lock.json", "npm install"),
        ("npm-shrinkwrap.json", "npm install"),
    ];
    for dir in start.ancestors() {
        if let Some((lock, cmd)) = LOCKFILES.iter().find(|(l, _)| dir.join(l).is_file()) {
            return Some((cmd, lock));
        }
        if dir == root {
            break;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn a_range_is_raised_in_its_own_form() {
        let to = v("4.76.0");
        for (from, want) in [
            ("^4.51.2", Some("^4.76.0")),
            ("~4.51.2", Some("~4.76.0")),
            ("4.51.2", Some("4.76.0")),
            (">=4.51.2", Some(">=4.76.0")),
            (">= 4.51.2", Some(">= 4.76.0")),
            (">=4.51.2 <5", Some(">=4.76.0 <5")),
            ("^4.51", Some("^4.76.0")),
            ("4", Some("^4.76.0")),
            ("4.x", Some("^4.76.0")),
            ("4.51", Some("~4.76.0")),
            ("^4.0.0 || ^5.0.0", None),
            ("4.0.0 - 4.60.0", None),
            (">=4.0.0 <4.60.0", None),
        ] {
            assert_eq!(raise(from, &to).as_deref(), want, "{from}");
        }
    }

    #[test]
    fn a_yaml_catalog_value_is_found_by_its_block() {
        let text = "packages:\n  - apps/*\ncatalog:\n  react: ^18.2.0\n  '@dynamic-labs/sdk-react-core': \"^4.51.2\" # pinned\ncatalogs:\n  legacy:\n    \"@dynamic-labs/client\": 4.66.0\n";
        let (s, e) = yaml_value_span(text, None, "@dynamic-labs/sdk-react-core").unwrap();
        assert_eq!(&text[s..e], "^4.51.2");
        let (s, e) = yaml_value_span(text, Some("legacy"), "@dynamic-labs/client").unwrap();
        assert_eq!(&text[s..e], "4.66.0");
        assert_eq!(yaml_value_span(text, None, "@dynamic-labs/client"), None);
    }

    #[test]
    fn a_json_value_is_edited_in_place_and_a_new_key_goes_in_order() {
        let body = "{\r\n\t\"dependencies\": {\r\n\t\t\"@dynamic-labs/sdk-react-core\": \"^4.51.2\",\r\n\t\t\"react\": \"^18\"\r\n\t}\r\n}";
        let keys = |k: &str| vec!["dependencies".to_string(), k.to_string()];
        let (s, e, t) = json_edit(body, &keys("@dynamic-labs/sdk-react-core"), "^4.76.0").unwrap();
        assert_eq!((&body[s..e], t.as_str()), ("^4.51.2", "^4.76.0"));
        // Offsets are bytes: text before the value that is not ASCII.
        let wide = "{ \"description\": \"Café ☕ 😀\", \"dependencies\": { \"a\": \"^1.0.0\" } }";
        let (s, e, _) = json_edit(wide, &keys("a"), "^2.0.0").unwrap();
        assert_eq!(&wide[s..e], "^1.0.0");
        let (s, e, t) = json_edit(body, &keys("@dynamic-labs/sdk-api-core"), "0.0.964").unwrap();
        let mut out = body.to_string();
        out.replace_range(s..e, &t);
        assert!(out.contains(
            "\t\t\"@dynamic-labs/sdk-api-core\": \"0.0.964\",\r\n\t\t\"@dynamic-labs/sdk-react-core\""
        ), "{out}");
    }
}
