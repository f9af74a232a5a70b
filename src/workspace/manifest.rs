//! Project checks (MIGRATION.md "Also report"): every package.json that
//! depends on a Dynamic package is checked for an sdk-react-core range that
//! allows versions without step-up authentication, a missing direct
//! sdk-api-core dependency while code needs `TokenScope` from it, and a
//! top-level sdk-api-core that differs from the version the installed SDK pins.

use super::read::read_text;
use crate::table::Table;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The first sdk-react-core release with useStepUpAuthentication.
const MIN_REACT_CORE: (u64, u64, u64) = (4, 76, 0);

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
pub struct Manifest {
    pub path: PathBuf,
    pub display: String,
}

/// `needs_api_core(dir)`: does a source file under `dir` import TokenScope
/// from sdk-api-core (after the rewrite)?
pub fn check(
    manifests: &[Manifest],
    rules: &Table,
    needs_api_core: &dyn Fn(&Path) -> bool,
) -> (Vec<ProjectFinding>, Vec<(String, String)>) {
    let mut findings = Vec::new();
    let mut problems = Vec::new();
    for m in manifests {
        match check_one(m, rules, needs_api_core) {
            Ok(found) => findings.extend(found),
            Err(message) => problems.push((m.display.clone(), message)),
        }
    }
    (findings, problems)
}

/// The checks of one package.json; Err when it cannot be read. (A little
/// over 80 lines: the three checks share the parsed manifest and the
/// position look-up, and read best top to bottom.)
fn check_one(
    m: &Manifest,
    rules: &Table,
    needs_api_core: &dyn Fn(&Path) -> bool,
) -> Result<Vec<ProjectFinding>, String> {
    let mut findings = Vec::new();
    {
        let text = read_text(&m.path).map_err(|e| format!("cannot read: {e}"))?;
        let json = serde_json::from_str::<Value>(text.trim_start_matches('\u{feff}'))
            .map_err(|_| "not valid JSON; skipped".to_string())?;
        let deps = dependencies(&json);
        if !deps.iter().any(|(name, _)| rules.is_dynamic_module(name)) {
            return Ok(findings);
        }
        let dir = m.path.parent().unwrap_or(Path::new("."));
        let at = |key: &str| -> (usize, usize) {
            let needle = format!("\"{key}\"");
            match text.find(&needle) {
                Some(off) => crate::analysis::line_col(&text, off),
                None => (1, 1),
            }
        };
        let mut push = |rule: &'static str, key: &str, message: String| {
            let (line, column) = at(key);
            findings.push(ProjectFinding {
                path: m.display.clone(),
                line,
                column,
                rule,
                message,
            });
        };
        let react_core = &rules.react_core_module;
        if let Some((_, range)) = deps.iter().find(|(n, _)| *n == react_core.as_str())
            && let Some(low) = lowest_version(range)
            && low < MIN_REACT_CORE
        {
            push(
                "dependency-range",
                react_core,
                format!(
                    "\"{react_core}\": \"{range}\" allows {}.{}.{}; useStepUpAuthentication needs 4.76.0 or later: use \"^4.76.0\" or newer",
                    low.0, low.1, low.2
                ),
            );
        }
        let api_core = &rules.api_core_module;
        let pinned = installed_dependency(dir, react_core, api_core);
        let listed = deps
            .iter()
            .find(|(n, _)| *n == api_core.as_str())
            .map(|(_, r)| *r);
        match listed {
            None if needs_api_core(dir) => {
                let pin = pinned
                    .as_deref()
                    .map(|v| {
                        format!(" at the version the installed SDK pins: \"{api_core}\": \"{v}\"")
                    })
                    .unwrap_or_default();
                push(
                    "api-core-dependency",
                    "dependencies",
                    format!(
                        "code here imports TokenScope from {api_core}, which is not a direct dependency (pnpm and Yarn PnP will not resolve it); add it{pin}"
                    ),
                );
            }
            Some(range) => {
                let installed = installed_version(dir, api_core);
                if let (Some(pinned), Some(installed)) = (pinned.as_deref(), installed.as_deref())
                    && pinned != installed
                {
                    push(
                        "api-core-version",
                        api_core,
                        format!(
                            "\"{api_core}\": \"{range}\" installs {installed}, but {react_core} pins {pinned}: TokenScope from a different copy fails to type-check (TS2322); pin \"{api_core}\": \"{pinned}\""
                        ),
                    );
                }
            }
            None => {}
        }
    }
    Ok(findings)
}

/// (name, range) of every dependency a package.json lists.
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
    let mut cur = Some(dir);
    while let Some(d) = cur {
        let p = d.join("node_modules").join(name).join("package.json");
        if let Ok(text) = read_text(&p) {
            return serde_json::from_str(&text).ok();
        }
        cur = d.parent();
    }
    None
}

fn installed_version(dir: &Path, name: &str) -> Option<String> {
    installed_manifest(dir, name)?
        .get("version")?
        .as_str()
        .map(str::to_string)
}

/// The version spec the installed `package` declares for its dependency `dep`.
fn installed_dependency(dir: &Path, package: &str, dep: &str) -> Option<String> {
    installed_manifest(dir, package)?
        .get("dependencies")?
        .get(dep)?
        .as_str()
        .map(str::to_string)
}

/// The lowest version an npm range admits (None for tags, git, file: …).
pub fn lowest_version(range: &str) -> Option<(u64, u64, u64)> {
    let range = range.trim();
    if range.is_empty() || range == "*" || range == "x" || range == "latest" {
        return Some((0, 0, 0));
    }
    if range.contains(':') || range.contains('/') {
        return None;
    }
    range
        .split("||")
        .filter_map(|alt| lowest_of_alternative(alt.trim()))
        .min()
}

fn lowest_of_alternative(alt: &str) -> Option<(u64, u64, u64)> {
    // A hyphen range or a set of comparators: the lower bound is the first
    // comparator that is not an upper bound.
    let mut lowest = None;
    for token in alt.split_whitespace() {
        if token == "-" {
            continue;
        }
        if token.starts_with('<') {
            lowest.get_or_insert((0, 0, 0));
            continue;
        }
        let v = token.trim_start_matches(['^', '~', '>', '=', 'v']);
        let mut parts = v.split('.').map(|p| {
            if p == "x" || p == "X" || p == "*" {
                Some(0)
            } else {
                p.split(['-', '+'])
                    .next()
                    .and_then(|n| n.parse::<u64>().ok())
            }
        });
        let major = parts.next().flatten()?;
        let minor = parts.next().flatten().unwrap_or(0);
        let patch = parts.next().flatten().unwrap_or(0);
        return Some((major, minor, patch));
    }
    lowest
}

#[cfg(test)]
mod tests {
    use super::lowest_version;

    #[test]
    fn lowest_versions_of_npm_ranges() {
        assert_eq!(lowest_version("^4.20.1"), Some((4, 20, 1)));
        assert_eq!(lowest_version("~4.76.0"), Some((4, 76, 0)));
        assert_eq!(lowest_version(">=4.0.0 <5"), Some((4, 0, 0)));
        assert_eq!(lowest_version("4.x"), Some((4, 0, 0)));
        assert_eq!(lowest_version("^3.0.0 || ^4.80.0"), Some((3, 0, 0)));
        assert_eq!(lowest_version("latest"), Some((0, 0, 0)));
        assert_eq!(lowest_version("<5"), Some((0, 0, 0)));
        assert_eq!(lowest_version("workspace:*"), None);
        assert_eq!(lowest_version("4.96.3"), Some((4, 96, 3)));
    }
}
