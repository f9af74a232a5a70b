//! Scope decisions made outside a file's own code: by a person
//! (`migrate --decide PATH:LINE=SCOPE`) or by the project stage from the
//! callers of a wrapper. The engine applies them to the token calls whose
//! scope it cannot tell, exactly as if it had inferred the scope.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

/// What is decided for the undecided token calls that start on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeChoice {
    /// Rewrite with this `TokenScope` member. `evidence`, when there is
    /// some, is reported as an info finding for a person to confirm.
    Scope {
        scope: String,
        evidence: Option<String>,
    },
    /// Leave the call and report it with this message (callers disagree).
    Review(String),
}

/// What became of one decision in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecisionUse {
    /// A token call whose scope stepup could not tell took it.
    Applied,
    /// The scope is not one the project's SDK declares: the reason.
    Refused(String),
}

/// The decisions for one file, by the 1-based line a token call starts on,
/// and what became of each (filled in while the engine plans the file).
#[derive(Debug, Default)]
pub struct Decisions {
    by_line: BTreeMap<usize, ScopeChoice>,
    used: Mutex<BTreeMap<usize, DecisionUse>>,
}

impl Decisions {
    pub fn new(by_line: BTreeMap<usize, ScopeChoice>) -> Decisions {
        Decisions {
            by_line,
            used: Mutex::default(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.by_line.is_empty()
    }

    pub fn at(&self, line: usize) -> Option<&ScopeChoice> {
        self.by_line.get(&line)
    }

    pub fn lines(&self) -> impl Iterator<Item = usize> + '_ {
        self.by_line.keys().copied()
    }

    /// Record what became of the decision for `line` (a refusal is not
    /// overwritten by a later call on the same line).
    pub fn record(&self, line: usize, what: DecisionUse) {
        let mut used = self.used.lock().expect("not poisoned");
        let entry = used.entry(line).or_insert(what.clone());
        if what == DecisionUse::Applied && !matches!(entry, DecisionUse::Refused(_)) {
            *entry = what;
        }
    }

    /// What became of each decision; a line missing matched no undecided call.
    pub fn uses(&self) -> BTreeMap<usize, DecisionUse> {
        self.used.lock().expect("not poisoned").clone()
    }
}

/// One `--decide PATH:LINE=SCOPE` from the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decide {
    /// As the user wrote it, for messages.
    pub raw: String,
    pub path: PathBuf,
    pub line: usize,
    /// The `TokenScope` member (`Walletsign`), from a wire value or a member name.
    pub scope: String,
}

impl Decide {
    /// Parse `PATH:LINE=SCOPE`; SCOPE is a wire value (`wallet:sign`) or a
    /// member name (`Walletsign`, `TokenScope.Walletsign`).
    pub fn parse(raw: &str) -> Result<Decide, String> {
        let bad = |why: &str| format!("--decide {raw}: {why} (expected PATH:LINE=SCOPE)");
        let (site, scope) = raw.rsplit_once('=').ok_or_else(|| bad("no `=SCOPE`"))?;
        let (path, line) = site.rsplit_once(':').ok_or_else(|| bad("no `:LINE`"))?;
        let line: usize = line
            .parse()
            .ok()
            .filter(|l| *l > 0)
            .ok_or_else(|| bad("the line is not a positive number"))?;
        if path.is_empty() {
            return Err(bad("no path"));
        }
        let scope = scope_member(scope.trim()).ok_or_else(|| bad("no scope"))?;
        Ok(Decide {
            raw: raw.to_string(),
            path: PathBuf::from(path),
            line,
            scope,
        })
    }
}

/// The `TokenScope` member a scope is written as: a member name as it is
/// (`Walletsign`, or `TokenScope.Walletsign`), a wire value converted as the
/// SDK's generated enum names them (`wallet:sign` → `Walletsign`,
/// `business_account:link_wallet` → `BusinessAccountlinkWallet`).
pub fn scope_member(scope: &str) -> Option<String> {
    let scope = scope.strip_prefix("TokenScope.").unwrap_or(scope);
    if scope.is_empty() {
        return None;
    }
    if !scope.contains(':') {
        return Some(scope.to_string());
    }
    let mut out = String::new();
    for (i, part) in scope.split(':').enumerate() {
        for (j, word) in part.split('_').enumerate() {
            let mut chars = word.chars();
            let Some(first) = chars.next() else { continue };
            if i == 0 || j > 0 {
                out.extend(first.to_uppercase());
            } else {
                out.push(first);
            }
            out.push_str(chars.as_str());
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_values_become_the_sdk_member_names() {
        assert_eq!(scope_member("wallet:sign").unwrap(), "Walletsign");
        assert_eq!(scope_member("user:update").unwrap(), "Userupdate");
        assert_eq!(
            scope_member("business_account:link_wallet").unwrap(),
            "BusinessAccountlinkWallet"
        );
        assert_eq!(
            scope_member("console:admin_action:review").unwrap(),
            "ConsoleadminActionreview"
        );
        assert_eq!(scope_member("Walletsign").unwrap(), "Walletsign");
        assert_eq!(
            scope_member("TokenScope.Walletexport").unwrap(),
            "Walletexport"
        );
        assert_eq!(scope_member(""), None);
    }

    #[test]
    fn decide_parses_path_line_and_scope() {
        let d = Decide::parse("src/a b.tsx:12=wallet:sign").unwrap();
        assert_eq!(d.path, PathBuf::from("src/a b.tsx"));
        assert_eq!((d.line, d.scope.as_str()), (12, "Walletsign"));
        for bad in [
            "a.tsx=wallet:sign",
            "a.tsx:0=Walletsign",
            "a.tsx:x=W",
            "a.tsx:3=",
            ":3=W",
        ] {
            assert!(Decide::parse(bad).is_err(), "{bad}");
        }
    }
}
