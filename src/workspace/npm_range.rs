//! npm dependency specs: what a `package.json` version field says, with npm's
//! semantics. Ranges are parsed by `nodejs-semver` (npm's `semver` ported to
//! Rust; the `semver` crate speaks Cargo's syntax), with the cases where it
//! disagrees with npm handled first (tested against a table npm's own
//! `semver` generated: `tests/data/npm-ranges.json`):
//!
//! - a spec with a word that is not part of a version (`4.76.0 || latest`,
//!   `^4 foo`) is not a range for npm; the crate skips the word;
//! - a comparator set whose intersection is empty (`>=4.76.0 <4.75.0`)
//!   matches nothing for npm; the crate turns it into a union;
//! - a reversed hyphen range (`4.80.0 - 4.76.0`) is a valid empty range for
//!   npm; the crate fails to parse it.

use nodejs_semver::{Range, Version};

/// What a dependency's version field is.
#[derive(Debug, PartialEq, Eq)]
pub enum Spec<'a> {
    /// A semver range (`^4.76.0`, `>= 4.0.0`, `4.x`, `*`, ``).
    Range(&'a str),
    /// `npm:name@range`: the package `name` installed under another name.
    Alias { name: &'a str, range: &'a str },
    /// `workspace:…` (pnpm, Yarn): a package of this workspace; the part
    /// after the colon is a range, or `*`/`^`/`~` for its own version.
    Workspace(&'a str),
    /// `catalog:` / `catalog:name` (pnpm): the range is in pnpm-workspace.yaml.
    Catalog(&'a str),
    /// A dist-tag (`latest`, `next`, `beta`): whatever the registry tags.
    Tag(&'a str),
    /// Anything else: `file:`, `link:`, git and tarball URLs, `github:`, `user/repo`.
    Other(&'a str),
}

/// Classify a dependency's version field the way npm reads it.
pub fn classify(spec: &str) -> Spec<'_> {
    let spec = spec.trim();
    if let Some(rest) = spec.strip_prefix("npm:") {
        // `npm:@scope/name@range` or `npm:name@range` (no range: latest).
        let (name, range) = match rest.rfind('@').filter(|&i| i > 0) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, ""),
        };
        return Spec::Alias { name, range };
    }
    if let Some(rest) = spec.strip_prefix("workspace:") {
        return Spec::Workspace(rest);
    }
    if let Some(rest) = spec.strip_prefix("catalog:") {
        return Spec::Catalog(rest);
    }
    if spec.contains(':') || spec.contains('/') {
        return Spec::Other(spec);
    }
    if is_tag(spec) {
        return Spec::Tag(spec);
    }
    Spec::Range(spec)
}

/// A dist-tag: one word npm would not read as a version or a range.
fn is_tag(spec: &str) -> bool {
    let Some(first) = spec.chars().next() else {
        return false;
    };
    if !first.is_ascii_alphabetic() || spec.contains(char::is_whitespace) {
        return false;
    }
    let rest = &spec[1..];
    match first {
        // `x`, `x.1`: ranges; `xyz`: a tag.
        'x' | 'X' => !rest.is_empty() && !rest.starts_with('.'),
        // `v4.76.0`: a version.
        'v' | 'V' => !rest.starts_with(|c: char| c.is_ascii_digit()),
        _ => true,
    }
}

/// An npm semver range, with npm's meaning.
#[derive(Debug)]
pub struct NpmRange {
    /// The `||` alternatives that can match something.
    sets: Vec<Range>,
}

/// Why a spec is not an npm range.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a valid npm version range")]
pub struct InvalidRange(pub String);

impl NpmRange {
    pub fn parse(range: &str) -> Result<NpmRange, InvalidRange> {
        let invalid = || InvalidRange(range.to_string());
        if !range.split_whitespace().all(is_range_token) {
            return Err(invalid());
        }
        let mut sets = Vec::new();
        for part in range.split("||") {
            let part = part.trim();
            match Range::parse(part) {
                // One comparator set that came back as several: the crate's
                // lenient parser made a union of an empty intersection.
                Ok(r) if !part.is_empty() && r.to_string().contains("||") => {}
                Ok(r) => sets.push(r),
                // A hyphen range the crate rejects is reversed: empty for npm.
                Err(_) if is_hyphen_range(part) => {}
                Err(_) => return Err(invalid()),
            }
        }
        Ok(NpmRange { sets })
    }

    /// The lowest version the range admits (npm's `semver.minVersion`);
    /// None when it admits none.
    pub fn min_version(&self) -> Option<Version> {
        self.sets.iter().filter_map(Range::min_version).min()
    }

    /// npm's `semver.satisfies(version, range)` with default options.
    pub fn satisfies(&self, version: &Version) -> bool {
        self.sets.iter().any(|r| r.satisfies(version))
    }
}

/// `A - B` with two versions.
fn is_hyphen_range(part: &str) -> bool {
    let words: Vec<&str> = part.split_whitespace().collect();
    words.len() == 3 && words[1] == "-" && is_range_token(words[0]) && is_range_token(words[2])
}

/// One whitespace-separated word of a range: `||`, `-` (hyphen ranges), an
/// operator alone (`>= 4.0.0`), or an optional operator and a (partial)
/// version with optional prerelease and build parts.
fn is_range_token(token: &str) -> bool {
    if matches!(token, "||" | "-") {
        return true;
    }
    let rest = token.trim_start_matches(['<', '>', '=', '^', '~']);
    if rest.is_empty() {
        return true;
    }
    let rest = rest
        .strip_prefix('v')
        .or_else(|| rest.strip_prefix('V'))
        .unwrap_or(rest);
    // `1.2.3-beta.1+build`: the core, then identifiers.
    let (core, tail) = match rest.find(['-', '+']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let core_ok = !core.is_empty()
        && core.split('.').count() <= 3
        && core.split('.').all(|p| {
            matches!(p, "x" | "X" | "*") || (!p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        });
    let tail_ok = tail
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '.'));
    core_ok && tail_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_that_are_not_ranges() {
        assert_eq!(classify("latest"), Spec::Tag("latest"));
        assert_eq!(classify("next"), Spec::Tag("next"));
        assert_eq!(classify("workspace:*"), Spec::Workspace("*"));
        assert_eq!(classify("catalog:"), Spec::Catalog(""));
        assert_eq!(classify("catalog:react19"), Spec::Catalog("react19"));
        assert_eq!(
            classify("npm:@dynamic-labs/sdk-react-core@^4.80.0"),
            Spec::Alias {
                name: "@dynamic-labs/sdk-react-core",
                range: "^4.80.0"
            }
        );
        assert_eq!(classify("file:../x"), Spec::Other("file:../x"));
        assert_eq!(classify("acme/sdk#v4"), Spec::Other("acme/sdk#v4"));
        assert_eq!(classify("v4.76.0"), Spec::Range("v4.76.0"));
        assert_eq!(classify("x"), Spec::Range("x"));
        assert_eq!(classify(" ^4.80.0 "), Spec::Range("^4.80.0"));
    }

    /// Every range of the table npm's own `semver` made
    /// (`tests/data/npm-ranges.gen.js`): validity, minVersion, satisfies.
    #[test]
    fn agrees_with_npm_semver() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/npm-ranges.json");
        let table: Vec<serde_json::Value> =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut failures = Vec::new();
        for row in &table {
            let spec = row["range"].as_str().unwrap();
            // What stepup reads as a range at all (a tag, `workspace:` … is not).
            let parsed = match classify(spec) {
                Spec::Range(r) => NpmRange::parse(r).ok(),
                _ => None,
            };
            if let Some(version) = row["version"].as_str() {
                let want = row["satisfies"].as_bool().unwrap();
                let got = parsed
                    .as_ref()
                    .is_some_and(|r| r.satisfies(&Version::parse(version).unwrap()));
                if got != want {
                    failures.push(format!(
                        "satisfies({version}, {spec:?}): npm {want}, stepup {got}"
                    ));
                }
                continue;
            }
            let valid = row["valid"].as_bool().unwrap();
            let min = row["minVersion"].as_str().map(str::to_string);
            let got_min = parsed
                .as_ref()
                .and_then(NpmRange::min_version)
                .map(|v| v.to_string());
            if parsed.is_some() != valid || got_min != min {
                failures.push(format!(
                    "{spec:?}: npm valid={valid} min={min:?}, stepup valid={} min={got_min:?}",
                    parsed.is_some()
                ));
            }
        }
        assert!(table.len() > 400, "the table is incomplete");
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn garbage_words_make_a_range_invalid() {
        assert!(NpmRange::parse("4.76.0 || latest").is_err());
        assert!(NpmRange::parse("^4.76.0 foo").is_err());
        assert!(NpmRange::parse("^4.76.0 || workspace:*").is_err());
        assert!(NpmRange::parse("latest || ^4").is_err());
        assert!(NpmRange::parse("4.x latest").is_err());
    }
}
