//! Module specifier → file, the way TypeScript and bundlers do it for the
//! cases apps use: relative paths, `index` files, extensions, and the
//! `paths`/`baseUrl` of the nearest tsconfig.json or jsconfig.json.

use super::read::read_text;
use crate::lang::Lang;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Lexically normalised absolute path (no `.`/`..`), without touching the disk.
pub fn normalize(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|c| c.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

const EXTENSIONS: &[&str] = &["ts", "tsx", "js", "jsx", "mjs", "cjs", "mts", "cts"];

/// `compilerOptions.paths` / `baseUrl` of one tsconfig.json or jsconfig.json.
#[derive(Debug, Default)]
struct PathConfig {
    base: Option<PathBuf>,
    /// (pattern, targets), targets already made absolute.
    paths: Vec<(String, Vec<PathBuf>)>,
}

/// Module specifier → file, the way TypeScript and bundlers do it for the
/// cases apps use: relative paths, `index` files, extensions, tsconfig paths.
#[derive(Default)]
pub struct Resolver {
    configs: Mutex<HashMap<PathBuf, Option<Arc<PathConfig>>>>,
}

impl Resolver {
    pub fn resolve(&self, from_dir: &Path, spec: &str) -> Option<PathBuf> {
        if spec.starts_with("./") || spec.starts_with("../") || spec == "." || spec == ".." {
            return try_file(&normalize(&from_dir.join(spec)));
        }
        let config = self.config_for(from_dir)?;
        for (pattern, targets) in &config.paths {
            let captured = match pattern.split_once('*') {
                Some((pre, post)) => spec
                    .strip_prefix(pre)
                    .and_then(|rest| rest.strip_suffix(post))
                    .map(|s| s.to_string()),
                None => (pattern == spec).then(String::new),
            };
            let Some(captured) = captured else { continue };
            for t in targets {
                let candidate = PathBuf::from(t.to_string_lossy().replace('*', &captured));
                if let Some(found) = try_file(&normalize(&candidate)) {
                    return Some(found);
                }
            }
        }
        config
            .base
            .as_ref()
            .and_then(|b| try_file(&normalize(&b.join(spec))))
    }

    /// Could a bare specifier be a path alias or a baseUrl-relative module here?
    pub fn may_alias(&self, dir: &Path) -> bool {
        self.config_for(&normalize(dir))
            .is_some_and(|c| c.base.is_some() || !c.paths.is_empty())
    }

    /// The nearest tsconfig.json / jsconfig.json at or above `dir`.
    fn config_for(&self, dir: &Path) -> Option<Arc<PathConfig>> {
        let mut visited = Vec::new();
        let mut cur = Some(dir);
        let mut found = None;
        while let Some(d) = cur {
            if let Some(c) = self.configs.lock().expect("config cache").get(d) {
                found = c.clone();
                break;
            }
            visited.push(d.to_path_buf());
            let file = ["tsconfig.json", "jsconfig.json"]
                .iter()
                .map(|n| d.join(n))
                .find(|p| p.is_file());
            if let Some(file) = file {
                found = Some(Arc::new(load_config(&file, 0)));
                break;
            }
            cur = d.parent();
        }
        let mut cache = self.configs.lock().expect("config cache");
        for v in visited {
            cache.insert(v, found.clone());
        }
        found
    }
}

/// Read a tsconfig, following a relative `extends` chain.
fn load_config(file: &Path, depth: usize) -> PathConfig {
    let dir = file.parent().unwrap_or(Path::new("."));
    let Ok(text) = read_text(file) else {
        return PathConfig::default();
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&strip_jsonc(&text)) else {
        return PathConfig::default();
    };
    let mut config = match json.get("extends").and_then(|e| e.as_str()) {
        Some(parent) if depth < 8 && parent.starts_with('.') => {
            let mut p = dir.join(parent);
            if p.extension().is_none() {
                p.set_extension("json");
            }
            load_config(&p, depth + 1)
        }
        _ => PathConfig::default(),
    };
    let options = json.get("compilerOptions");
    if let Some(base) = options
        .and_then(|o| o.get("baseUrl"))
        .and_then(|b| b.as_str())
    {
        config.base = Some(dir.join(base));
    }
    if let Some(paths) = options
        .and_then(|o| o.get("paths"))
        .and_then(|p| p.as_object())
    {
        // Targets are relative to baseUrl when set, else to this config's folder.
        let root = config.base.clone().unwrap_or_else(|| dir.to_path_buf());
        config.paths = paths
            .iter()
            .map(|(pattern, targets)| {
                let targets = targets
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|t| t.as_str())
                            .map(|t| root.join(t))
                            .collect()
                    })
                    .unwrap_or_default();
                (pattern.clone(), targets)
            })
            .collect();
    }
    config
}

/// JSON with comments and trailing commas (tsconfig's dialect) → JSON.
fn strip_jsonc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            ('/', Some('*')) => {
                chars.next();
                let mut prev = ' ';
                for n in chars.by_ref() {
                    if prev == '*' && n == '/' {
                        break;
                    }
                    prev = n;
                }
            }
            _ => out.push(c),
        }
    }
    // Trailing commas before } or ].
    let mut cleaned = String::with_capacity(out.len());
    let bytes: Vec<char> = out.chars().collect();
    let mut in_string = false;
    for (i, &c) in bytes.iter().enumerate() {
        if c == '"' && (i == 0 || bytes[i - 1] != '\\') {
            in_string = !in_string;
        }
        if !in_string && c == ',' {
            let next = bytes[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}') | Some(']')) {
                continue;
            }
        }
        cleaned.push(c);
    }
    cleaned
}

fn try_file(p: &Path) -> Option<PathBuf> {
    if p.is_file() && Lang::from_path(p).is_some() {
        return Some(p.to_path_buf());
    }
    // `./x.js` written for ESM, the file being x.ts.
    if let Some(ext) = p.extension().and_then(|e| e.to_str())
        && matches!(ext, "js" | "jsx" | "mjs" | "cjs")
    {
        let stem = p.with_extension("");
        for e in ["ts", "tsx", "mts", "cts"] {
            let c = stem.with_extension(e);
            if c.is_file() {
                return Some(c);
            }
        }
    }
    let s = p.to_string_lossy();
    for ext in EXTENSIONS {
        let c = PathBuf::from(format!("{s}.{ext}"));
        if c.is_file() {
            return Some(c);
        }
    }
    for ext in EXTENSIONS {
        let c = p.join(format!("index.{ext}"));
        if c.is_file() {
            return Some(c);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonc_comments_and_trailing_commas() {
        let t = "{ // c\n \"a\": \"x//y\", /* b */ \"p\": [1,2,], }";
        let v: serde_json::Value = serde_json::from_str(&strip_jsonc(t)).unwrap();
        assert_eq!(v["a"], "x//y");
        assert_eq!(v["p"][1], 2);
    }
}
