//! Project checks on the `package.json` files under the scanned paths, for
//! the packages whose code needs them:
//!
//! - `dependency-range`: the range of an SDK package allows a version older
//!   than the first one with what the migrated code calls — sdk-react-core
//!   4.76.0 (`useStepUpAuthentication`, the version Dynamic's guide names),
//!   `@dynamic-labs-sdk/client` 1.18.0 (`TokenScope` as a value export, which
//!   the rewrite imports; `requestedScopes` is there from 0.14.0),
//!   `@dynamic-labs/client` 4.80.0 (`stepUpAuth`, its first published version);
//! - `api-core-dependency`: code imports `TokenScope` from sdk-api-core
//!   (after the rewrite) but that package is not a direct dependency;
//! - `api-core-version`: the top-level sdk-api-core differs from the version
//!   the installed sdk-react-core pins.
//!
//! A package.json is checked for a package only when source files it owns
//! use that package's legacy API or its step-up API: the nearest
//! package.json above a file that lists the package owns the file for it.

use super::npm_range::{NpmRange, Spec, classify};
use super::read::read_text;
use crate::finding::Severity;
use crate::table::{CallRule, Family, Table};
use nodejs_semver::Version;
use serde_json::Value;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// `@dynamic-labs/client`, the client object of React Native and headless apps.
pub const CLIENT_MODULE: &str = "@dynamic-labs/client";

/// A warning about one package.json (its rule is in the catalog).
#[derive(Debug, Clone)]
pub struct ProjectFinding {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub rule: &'static str,
    pub message: String,
}

/// A package.json found by the walk.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub path: PathBuf,
    pub display: String,
}

/// Which SDK packages a source file needs a step-up version of: it calls
/// their legacy API (findings, a rewrite) or already their step-up API.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SdkUse {
    pub react_core: bool,
    pub js_sdk: bool,
    pub client: bool,
}

/// What the project checks need of one analysed source file.
pub struct SourceUse {
    /// Normalised absolute path.
    pub path: PathBuf,
    pub sdk: SdkUse,
    /// The file (as rewritten) imports TokenScope from sdk-api-core.
    pub needs_api_core: bool,
}

/// Tells which SDK packages a file uses, from its findings' rules and text.
pub struct UseDetector {
    react_rules: HashSet<String>,
    js_rules: HashSet<String>,
    client_rules: HashSet<String>,
    react_core: String,
    js_sdk: String,
    step_up_hook: String,
}

fn rule_of(call: &CallRule) -> Option<&str> {
    match call {
        CallRule::ActionCheck { rule, .. } => Some(rule.0),
        CallRule::Token(t) => Some(t.rule.0),
        CallRule::Report(r) => Some(r.rule.0),
        CallRule::Keep { .. } => None,
    }
}

impl UseDetector {
    pub fn new(table: &Table) -> UseDetector {
        let mut react_rules = HashSet::new();
        let mut js_rules = HashSet::new();
        let mut client_rules = HashSet::new();
        for hook in &table.hooks {
            let calls = hook.call.iter().chain(hook.members.iter().map(|m| &m.call));
            react_rules.extend(calls.filter_map(rule_of).map(str::to_string));
        }
        for f in &table.functions {
            let set = match f.family {
                Family::React => &mut react_rules,
                Family::Js => &mut js_rules,
            };
            set.extend(rule_of(&f.call).map(str::to_string));
        }
        for p in &table.property_reads {
            if p.family == Family::Js {
                js_rules.insert(p.rule.0.to_string());
            }
        }
        for c in &table.client_chains {
            client_rules.extend(rule_of(&c.call).map(str::to_string));
        }
        UseDetector {
            react_rules,
            js_rules,
            client_rules,
            react_core: table.react_core_module.clone(),
            js_sdk: table.js_sdk_module.clone(),
            step_up_hook: table.step_up_hook.clone(),
        }
    }

    /// `rules`: the file's findings (rule, severity); `text`: its text, and
    /// `rewritten` the text after the rewrite, if any; `dynamic`: it imports
    /// a Dynamic module (directly or through a barrel).
    pub fn detect(
        &self,
        rules: &[(&str, Severity)],
        text: &str,
        rewritten: Option<&str>,
        dynamic: bool,
    ) -> SdkUse {
        // Info findings are decisions to confirm, not legacy usage.
        let legacy: Vec<&str> = rules
            .iter()
            .filter(|(_, s)| *s != Severity::Info)
            .map(|(r, _)| *r)
            .collect();
        let active = !legacy.is_empty() || rewritten.is_some();
        let after = rewritten.unwrap_or(text);
        let names = |s: &str| text.contains(s) || after.contains(s);
        let by_rule = |set: &HashSet<String>| legacy.iter().any(|r| set.contains(*r));
        SdkUse {
            react_core: by_rule(&self.react_rules)
                || (active && names(&self.react_core))
                || (dynamic && after.contains(&self.step_up_hook)),
            js_sdk: by_rule(&self.js_rules)
                || (active && names(&self.js_sdk))
                || (dynamic && after.contains(&self.js_sdk) && after.contains("requestedScopes")),
            client: by_rule(&self.client_rules)
                || (active && names(CLIENT_MODULE))
                || (dynamic && after.contains(".stepUpAuth.")),
        }
    }
}

/// The first version of an SDK package with what the migrated code calls.
pub(super) struct Requirement {
    pub(super) package: &'static str,
    pub(super) min: &'static str,
    /// Why, given the lowest version the spec allows.
    why: fn(&Version) -> String,
    pub(super) uses: fn(&SdkUse) -> bool,
}

pub(super) const REQUIREMENTS: &[Requirement] = &[
    Requirement {
        package: "@dynamic-labs/sdk-react-core",
        min: "4.76.0",
        why: |_| "useStepUpAuthentication needs 4.76.0 or later".to_string(),
        uses: |u| u.react_core,
    },
    Requirement {
        package: "@dynamic-labs-sdk/client",
        min: "1.18.0",
        why: |low| {
            let value = "the rewrite imports TokenScope from @dynamic-labs-sdk/client as a value, exported as one from 1.18.0 on";
            if *low < Version::parse("0.14.0").expect("a version") {
                format!(
                    "its MFA functions take no requestedScopes (TS2353) and it exports no TokenScope (TS2305) before 0.14.0; {value}"
                )
            } else {
                format!("{value} (before, `export type`: TS1362)")
            }
        },
        uses: |u| u.js_sdk,
    },
    Requirement {
        package: CLIENT_MODULE,
        min: "4.80.0",
        why: |_| "client.stepUpAuth is first published in 4.80.0".to_string(),
        uses: |u| u.client,
    },
];

/// A package.json, read and parsed.
pub(super) struct Parsed<'m> {
    pub(super) m: &'m Manifest,
    pub(super) dir: PathBuf,
    pub(super) text: String,
    pub(super) json: Value,
}

impl Parsed<'_> {
    /// The spec of `package`, and the key it is listed under (an `npm:`
    /// alias lists it under another name).
    pub(super) fn spec_of(&self, package: &str) -> Option<(&str, &str)> {
        dependencies(&self.json)
            .into_iter()
            .find(|(key, spec)| match classify(spec) {
                Spec::Alias { name, .. } => name == package,
                _ => *key == package,
            })
    }

    /// A file near this package.json, shown the way the package.json is:
    /// relative to the working directory.
    pub(super) fn shown(&self, file: &Path) -> String {
        let rel = pathdiff::diff_paths(file, &self.dir).unwrap_or_else(|| file.to_path_buf());
        let mut out: Vec<std::path::Component> = Vec::new();
        let base = Path::new(&self.m.display).parent().unwrap_or(Path::new(""));
        for c in base.components().chain(rel.components()) {
            match (c, out.last()) {
                (std::path::Component::ParentDir, Some(std::path::Component::Normal(_))) => {
                    out.pop();
                }
                (std::path::Component::CurDir, _) => {}
                _ => out.push(c),
            }
        }
        let joined: PathBuf = out.iter().collect();
        joined.to_string_lossy().replace('\\', "/")
    }

    fn lists(&self, package: &str) -> bool {
        self.spec_of(package).is_some()
    }

    fn finding(&self, rule: &'static str, key: &str, message: String) -> ProjectFinding {
        let (line, column) = match self.text.find(&format!("\"{key}\"")) {
            Some(off) => crate::analysis::line_col(&self.text, off),
            None => (1, 1),
        };
        ProjectFinding {
            path: self.m.display.clone(),
            line,
            column,
            rule,
            message,
        }
    }
}

/// The checks of every package.json; problems are (path, message) of files
/// that cannot be read and versions that cannot be checked.
pub fn check(
    manifests: &[Manifest],
    rules: &Table,
    sources: &[SourceUse],
) -> (Vec<ProjectFinding>, Vec<(String, String)>) {
    let mut problems = Vec::new();
    let mut parsed = Vec::new();
    for m in manifests {
        match parse(m) {
            Ok(p) => parsed.push(p),
            Err(message) => problems.push((m.display.clone(), message)),
        }
    }
    // Deepest first: the first ancestor found is the nearest.
    let mut order: Vec<usize> = (0..parsed.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(parsed[i].dir.components().count()));
    let owner = |file: &Path, pick: &dyn Fn(&Parsed) -> bool| {
        order
            .iter()
            .copied()
            .find(|&i| file.starts_with(&parsed[i].dir) && pick(&parsed[i]))
    };
    let mut findings = Vec::new();
    for req in REQUIREMENTS {
        let owners: HashSet<usize> = sources
            .iter()
            .filter(|s| (req.uses)(&s.sdk))
            .filter_map(|s| owner(&s.path, &|p| p.lists(req.package)))
            .collect();
        for i in sorted(owners) {
            match check_version(&parsed[i], req) {
                Ok(found) => findings.extend(found),
                Err(message) => problems.push((parsed[i].m.display.clone(), message)),
            }
        }
    }
    let api_core_owners: HashSet<usize> = sources
        .iter()
        .filter(|s| s.needs_api_core)
        .filter_map(|s| owner(&s.path, &|_| true))
        .collect();
    for i in sorted(api_core_owners) {
        findings.extend(check_api_core(&parsed[i], rules));
    }
    (findings, problems)
}

fn sorted(set: HashSet<usize>) -> Vec<usize> {
    let mut v: Vec<usize> = set.into_iter().collect();
    v.sort();
    v
}

pub(super) fn parse(m: &Manifest) -> Result<Parsed<'_>, String> {
    let text = read_text(&m.path).map_err(|e| format!("cannot read: {e}"))?;
    let text = text.trim_start_matches('\u{feff}').to_string();
    let json = serde_json::from_str::<Value>(&text)
        .map_err(|e| format!("not valid JSON ({e}); skipped"))?;
    Ok(Parsed {
        m,
        dir: super::resolve::normalize(m.path.parent().unwrap_or(Path::new("."))),
        text,
        json,
    })
}

/// `dependency-range` for one package: Ok(None) when the spec is recent
/// enough, Err when it cannot be checked.
fn check_version(p: &Parsed, req: &Requirement) -> Result<Option<ProjectFinding>, String> {
    let Some((key, spec)) = p.spec_of(req.package) else {
        return Ok(None);
    };
    let min = Version::parse(req.min).expect("a valid minimum");
    let cannot = |why: String| {
        format!(
            "cannot check \"{key}\": \"{spec}\": {why}; {} needs {} or later",
            req.package, req.min
        )
    };
    let installed = || installed_version(&p.dir, req.package);
    let lowest = |r: &str| -> Result<Version, String> {
        let range = NpmRange::parse(r).map_err(|e| cannot(e.to_string()))?;
        range
            .min_version()
            .ok_or_else(|| cannot(format!("`{r}` admits no version")))
    };
    // (what the spec lets in, the lowest version, where to change it)
    let mut place = String::new();
    let low: Option<(String, Version)> = match classify(spec) {
        Spec::Range(r) | Spec::Alias { range: r, .. }
            if !r.is_empty() || spec.trim().is_empty() =>
        {
            Some(("allows".to_string(), lowest(r)?))
        }
        Spec::Workspace(r) if !matches!(r, "" | "*" | "^" | "~") => {
            let range = NpmRange::parse(r).map_err(|e| cannot(e.to_string()))?;
            range.min_version().map(|v| ("allows".to_string(), v))
        }
        // pnpm's catalog holds the range; without one, what is installed.
        Spec::Catalog(name) => match catalog_range(p, name, req.package) {
            Ok((range, yaml)) => {
                place = format!(" in {yaml}");
                Some((
                    format!("(\"{range}\" in the catalog) allows"),
                    lowest(&range)?,
                ))
            }
            Err(why) => match installed() {
                Some(v) => Some(("installs".to_string(), v)),
                None => {
                    return Err(cannot(format!(
                        "{why}, and the package is not installed here to tell which version it is"
                    )));
                }
            },
        },
        // Not a range: what is installed is what compiles.
        other => match installed() {
            Some(v) => Some(("installs".to_string(), v)),
            // The newest release is at or above every minimum.
            None if matches!(other, Spec::Tag("latest") | Spec::Alias { .. }) => None,
            None => {
                return Err(cannot(
                    "not a version range, and the package is not installed here to tell which version it is".to_string(),
                ));
            }
        },
    };
    Ok(low.filter(|(_, low)| *low < min).map(|(verb, low)| {
        p.finding(
            "dependency-range",
            key,
            format!(
                "\"{key}\": \"{spec}\" {verb} {low}; {}: use \"^{}\" or newer{place}",
                (req.why)(&low),
                req.min
            ),
        )
    }))
}

/// The range `catalog:{name}` stands for in the workspace `p` is in
/// (`catalog:` and `catalog:default` are the default catalog: the `catalog`
/// map, or `catalogs.default`), with the path of the file that holds it as
/// the user sees it. Err says why there is none.
fn catalog_range(p: &Parsed, name: &str, package: &str) -> Result<(String, String), String> {
    let (shown, catalogs) = catalog_file(p)?;
    let name = name.trim();
    let catalog = match name {
        "" | "default" => catalogs
            .get("catalog")
            .or_else(|| catalogs.get("catalogs").and_then(|c| c.get("default"))),
        _ => catalogs.get("catalogs").and_then(|c| c.get(name)),
    };
    let which = if name.is_empty() { "default" } else { name };
    let entry = catalog
        .ok_or_else(|| format!("{shown} has no `{which}` catalog"))?
        .get(package)
        .ok_or_else(|| format!("the `{which}` catalog of {shown} has no entry for {package}"))?;
    match entry {
        yaml_serde::Value::String(s) => Ok((s.clone(), shown)),
        yaml_serde::Value::Number(n) => Ok((n.to_string(), shown)),
        _ => Err(format!(
            "the `{which}` catalog of {shown} gives {package} a value that is not a version range"
        )),
    }
}

/// The nearest file above `p` that defines the workspace's catalogs, shown
/// as the user sees it, and the part of it with the `catalog` and
/// `catalogs` keys: pnpm's pnpm-workspace.yaml (the workspace root, catalogs
/// or not), Yarn's .yarnrc.yml, or Bun's root package.json (under
/// `workspaces`, or at its top level).
fn catalog_file(p: &Parsed) -> Result<(String, yaml_serde::Value), String> {
    let yaml = |file: &Path| -> Result<(String, yaml_serde::Value), String> {
        let shown = p.shown(file);
        let text = read_text(file).map_err(|e| format!("{shown}: cannot read: {e}"))?;
        let doc =
            yaml_serde::from_str(&text).map_err(|e| format!("{shown}: not valid YAML ({e})"))?;
        Ok((shown, doc))
    };
    let has_catalogs = |v: &Value| v.get("catalog").is_some() || v.get("catalogs").is_some();
    for dir in p.dir.ancestors() {
        let pnpm = dir.join("pnpm-workspace.yaml");
        if pnpm.is_file() {
            return yaml(&pnpm);
        }
        let yarnrc = dir.join(".yarnrc.yml");
        if read_text(&yarnrc).is_ok_and(|t| t.contains("catalog")) {
            return yaml(&yarnrc);
        }
        let manifest = dir.join("package.json");
        let Ok(text) = read_text(&manifest) else {
            continue;
        };
        let Ok(json) = serde_json::from_str::<Value>(text.trim_start_matches('\u{feff}')) else {
            continue;
        };
        let part = match json.get("workspaces") {
            Some(w) if has_catalogs(w) => w,
            _ if has_catalogs(&json) => &json,
            _ => continue,
        };
        let doc = yaml_serde::to_value(part).map_err(|e| format!("{}: {e}", p.shown(&manifest)))?;
        return Ok((p.shown(&manifest), doc));
    }
    Err(
        "no pnpm-workspace.yaml, .yarnrc.yml or package.json above it defines a catalog"
            .to_string(),
    )
}

/// `api-core-dependency` and `api-core-version` for a package.json whose
/// code imports TokenScope from sdk-api-core.
fn check_api_core(p: &Parsed, rules: &Table) -> Vec<ProjectFinding> {
    let react_core = &rules.react_core_module;
    let api_core = &rules.api_core_module;
    let pinned = installed_dependency(&p.dir, react_core, api_core);
    match p.spec_of(api_core) {
        None => {
            let pin = pinned
                .as_deref()
                .map(|v| format!(" at the version the installed SDK pins: \"{api_core}\": \"{v}\""))
                .unwrap_or_default();
            vec![p.finding(
                "api-core-dependency",
                "dependencies",
                format!(
                    "code here imports TokenScope from {api_core}, which is not a direct dependency (pnpm and Yarn PnP will not resolve it); add it{pin}"
                ),
            )]
        }
        Some((key, range)) => {
            let installed = installed_version(&p.dir, api_core).map(|v| v.to_string());
            match (pinned.as_deref(), installed.as_deref()) {
                (Some(pinned), Some(installed)) if pinned != installed => vec![p.finding(
                    "api-core-version",
                    key,
                    format!(
                        "\"{api_core}\": \"{range}\" installs {installed}, but {react_core} pins {pinned}: TokenScope from a different copy fails to type-check (TS2322); pin \"{api_core}\": \"{pinned}\""
                    ),
                )],
                _ => vec![],
            }
        }
    }
}

/// The root of the package-manager workspace `start` is in: the outermost
/// folder above the package of `start` (the nearest folder with a
/// package.json) whose package.json `workspaces` (a list, or an object with
/// `packages`) or pnpm-workspace.yaml `packages` really lists it — a glob
/// that matches the package's folder and no `!` glob that excludes it. A
/// folder that declares a workspace without listing the package (a shared
/// parent, a bare pnpm-workspace.yaml) is not its root: then the package's
/// own folder is. None without any package.json.
pub fn workspace_root(start: &Path) -> Option<PathBuf> {
    let package = start
        .ancestors()
        .find(|d| d.join("package.json").is_file())?;
    let mut root = package.to_path_buf();
    for dir in package.ancestors().skip(1) {
        if lists_package(dir, package) {
            root = dir.to_path_buf();
        }
    }
    Some(root)
}

/// Does the workspace declared in `dir` list the package at `package`?
fn lists_package(dir: &Path, package: &Path) -> bool {
    let Some(rel) = package.strip_prefix(dir).ok().and_then(|r| r.to_str()) else {
        return false;
    };
    let rel = rel.replace('\\', "/");
    let mut globs: Vec<String> = Vec::new();
    if let Ok(text) = read_text(&dir.join("package.json"))
        && let Ok(json) = serde_json::from_str::<Value>(text.trim_start_matches('\u{feff}'))
    {
        let list = match json.get("workspaces") {
            Some(Value::Array(a)) => Some(a),
            Some(w) => w.get("packages").and_then(Value::as_array),
            None => None,
        };
        globs.extend(
            list.into_iter()
                .flatten()
                .filter_map(|g| g.as_str().map(str::to_string)),
        );
    }
    if let Ok(text) = read_text(&dir.join("pnpm-workspace.yaml"))
        && let Ok(doc) = yaml_serde::from_str::<yaml_serde::Value>(&text)
        && let Some(list) = doc.get("packages").and_then(|p| p.as_sequence())
    {
        globs.extend(list.iter().filter_map(|g| g.as_str().map(str::to_string)));
    }
    let matches = |pattern: &str| {
        let pattern = pattern.trim_start_matches("./").trim_end_matches('/');
        globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .is_ok_and(|g| g.compile_matcher().is_match(&rel))
    };
    let (excluded, included): (Vec<&String>, Vec<&String>) =
        globs.iter().partition(|g| g.starts_with('!'));
    included.iter().any(|g| matches(g)) && !excluded.iter().any(|g| matches(&g[1..]))
}

/// (name, spec) of every dependency a package.json lists.
fn dependencies(json: &Value) -> Vec<(&str, &str)> {
    ["dependencies", "devDependencies", "peerDependencies"]
        .iter()
        .filter_map(|k| json.get(k).and_then(|d| d.as_object()))
        .flat_map(|o| {
            o.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.as_str(), v)))
        })
        .collect()
}

/// The installed package.json of `name`, looked up like Node does from `dir`.
fn installed_manifest(dir: &Path, name: &str) -> Option<Value> {
    dir.ancestors().find_map(|d| {
        let text = read_text(&d.join("node_modules").join(name).join("package.json")).ok()?;
        serde_json::from_str(text.trim_start_matches('\u{feff}')).ok()
    })
}

pub(super) fn installed_version(dir: &Path, name: &str) -> Option<Version> {
    let v = installed_manifest(dir, name)?;
    Version::parse(v.get("version")?.as_str()?).ok()
}

/// The version spec the installed `package` declares for its dependency `dep`.
pub(super) fn installed_dependency(dir: &Path, package: &str, dep: &str) -> Option<String> {
    installed_manifest(dir, package)?
        .get("dependencies")?
        .get(dep)?
        .as_str()
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A package.json at `apps/web/` under a workspace whose pnpm-workspace.yaml is `yaml`.
    fn with_workspace(yaml: &str, check: impl FnOnce(&Parsed)) {
        with_root_file("pnpm-workspace.yaml", yaml, check)
    }

    /// The same, with `text` in the workspace root's `file`.
    fn with_root_file(file: &str, text: &str, check: impl FnOnce(&Parsed)) {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("apps/web");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(root.path().join(file), text).unwrap();
        let m = Manifest {
            path: dir.join("package.json"),
            display: "apps/web/package.json".into(),
        };
        let parsed = Parsed {
            m: &m,
            dir,
            text: String::new(),
            json: Value::Null,
        };
        check(&parsed);
    }

    #[test]
    fn the_default_catalog_is_the_catalog_map_or_catalogs_default() {
        with_workspace("catalog:\n  react: ^18.2.0\n", |p| {
            let (range, shown) = catalog_range(p, "", "react").unwrap();
            assert_eq!(
                (range.as_str(), shown.as_str()),
                ("^18.2.0", "pnpm-workspace.yaml")
            );
            assert_eq!(catalog_range(p, "default", "react").unwrap().0, "^18.2.0");
        });
        with_workspace(
            "catalogs:\n  default:\n    react: 18\n  next:\n    react: '>=19'\n",
            |p| {
                // A bare number is a version too.
                assert_eq!(catalog_range(p, "", "react").unwrap().0, "18");
                assert_eq!(catalog_range(p, "next", "react").unwrap().0, ">=19");
            },
        );
    }

    #[test]
    fn yarn_and_bun_catalogs_are_read_too() {
        with_root_file(
            ".yarnrc.yml",
            "nodeLinker: node-modules\ncatalogs:\n  next:\n    react: ^19.1.0\n",
            |p| {
                assert_eq!(
                    catalog_range(p, "next", "react").unwrap(),
                    ("^19.1.0".to_string(), ".yarnrc.yml".to_string())
                );
            },
        );
        let bun =
            r#"{ "workspaces": { "packages": ["apps/*"], "catalog": { "react": "^19.0.0" } } }"#;
        with_root_file("package.json", bun, |p| {
            assert_eq!(
                catalog_range(p, "", "react").unwrap(),
                ("^19.0.0".to_string(), "package.json".to_string())
            );
        });
        let top_level =
            r#"{ "workspaces": ["apps/*"], "catalogs": { "old": { "react": "18.3.1" } } }"#;
        with_root_file("package.json", top_level, |p| {
            assert_eq!(catalog_range(p, "old", "react").unwrap().0, "18.3.1");
        });
        with_root_file("package.json", r#"{ "workspaces": ["apps/*"] }"#, |p| {
            let err = catalog_range(p, "", "react").unwrap_err();
            assert!(
                err.starts_with("no pnpm-workspace.yaml, .yarnrc.yml or package.json"),
                "{err}"
            );
        });
    }

    #[test]
    fn a_catalog_that_cannot_be_used_says_why_and_where() {
        with_workspace("catalog:\n  react: [18\n", |p| {
            let err = catalog_range(p, "", "react").unwrap_err();
            assert!(
                err.starts_with("pnpm-workspace.yaml: not valid YAML"),
                "{err}"
            );
        });
        with_workspace("catalog:\n  react: ^18.2.0\n", |p| {
            let err = catalog_range(p, "", "vue").unwrap_err();
            assert_eq!(
                err,
                "the `default` catalog of pnpm-workspace.yaml has no entry for vue"
            );
            let err = catalog_range(p, "old", "react").unwrap_err();
            assert_eq!(err, "pnpm-workspace.yaml has no `old` catalog");
        });
        // Aliases that expand a billion-fold are refused, not expanded.
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
        {
            bomb.push_str(&format!(
                "{name}: &{name} [{}]\n",
                vec![format!("*{prev}"); 9].join(", ")
            ));
        }
        bomb.push_str("catalog:\n  react: ^18.2.0\n");
        with_workspace(&bomb, |p| {
            let err = catalog_range(p, "", "react").unwrap_err();
            assert!(
                err.starts_with("pnpm-workspace.yaml: not valid YAML"),
                "{err}"
            );
        });
        with_workspace("catalog:\n  react:\n    version: 18\n", |p| {
            let err = catalog_range(p, "", "react").unwrap_err();
            assert!(err.contains("not a version range"), "{err}");
        });
    }
}
