//! The migration table (`rules/migration.toml`) as data, loaded once per run,
//! and everything derived from it: the rule catalog, the prefilter's names,
//! the imports dropped once unused, the names a test double may stub.

use crate::finding::Severity;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::{Mutex, OnceLock};

const BUILTIN: &str = include_str!("../rules/migration.toml");

/// A rule id. Ids come from the table (a team's `--rules` may add some) and
/// live as long as the process: each distinct id is interned once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleId(pub &'static str);

impl RuleId {
    pub fn intern(id: &str) -> RuleId {
        static IDS: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
        let mut ids = IDS
            .get_or_init(Default::default)
            .lock()
            .expect("rule id set");
        if let Some(known) = ids.get(id) {
            return RuleId(known);
        }
        let leaked: &'static str = Box::leak(id.to_string().into_boxed_str());
        ids.insert(leaked);
        RuleId(leaked)
    }
}

impl<'de> Deserialize<'de> for RuleId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<RuleId, D::Error> {
        let s = String::deserialize(d)?;
        Ok(RuleId::intern(&s))
    }
}

/// Which SDK a module belongs to: its functions follow that family's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// `@dynamic-labs/*`: the React SDK hooks and the client object.
    React,
    /// `@dynamic-labs-sdk/*`: the JS SDK functions and its React hooks.
    Js,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Module {
    pub prefix: String,
    pub family: Family,
}

/// How a call of a legacy function is migrated: one of the rewrite kinds.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum CallRule {
    /// `f({ mfaAction: MFAAction.X })` → `target({ scope: TokenScope.Y })`.
    ActionCheck { target: String, rule: RuleId },
    /// The token option becomes `requestedScopes: [TokenScope.Y]`.
    Token(TokenRule),
    /// Never rewritten: reported with `message`.
    Report(ReportRule),
    /// Known and left as it is; `action_check`: an `{ mfaAction }` check
    /// whose action counts for scope inference.
    Keep {
        #[serde(default)]
        action_check: bool,
    },
}

impl CallRule {
    /// Does a call of this function check an `MFAAction` (`{ mfaAction }`)?
    pub fn is_action_check(&self) -> bool {
        matches!(
            self,
            CallRule::ActionCheck { .. } | CallRule::Keep { action_check: true }
        )
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenRule {
    pub target: String,
    pub rule: RuleId,
    /// The option that asks for a legacy token.
    #[serde(default = "default_option")]
    pub option: String,
    /// The legacy function resolves to the token while the target does not:
    /// a call whose value is used cannot be rewritten.
    #[serde(default = "yes")]
    pub returns_token: bool,
    /// `type` must be TOTP and is dropped.
    #[serde(default)]
    pub totp_device_type: bool,
    /// `relatedOriginRpId` has no equivalent.
    #[serde(default)]
    pub passkey: bool,
    /// The target of a call that asks for no token; without one such a call
    /// is login-time MFA and stays.
    #[serde(default)]
    pub without_token: Option<String>,
    /// Report a call without a token option as login-time MFA (info).
    #[serde(default = "yes")]
    pub login_mfa: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportRule {
    pub rule: RuleId,
    /// `{name}`: the legacy name; `{expr}`: the code at the place.
    pub message: String,
    /// Report only calls that pass this option.
    #[serde(default)]
    pub when_option: Option<String>,
}

impl ReportRule {
    pub fn message_for(&self, name: &str, expr: &str) -> String {
        self.message.replace("{name}", name).replace("{expr}", expr)
    }
}

fn default_option() -> String {
    "createMfaToken".into()
}
fn yes() -> bool {
    true
}

/// A React SDK hook: it returns one legacy function (`call`) or an object of
/// them (`members`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hook {
    pub name: String,
    /// The conventional name of the function the hook returns, for messages.
    #[serde(default)]
    pub legacy: Option<String>,
    #[serde(default)]
    pub call: Option<CallRule>,
    #[serde(default)]
    pub members: Vec<Member>,
}

impl Hook {
    /// The name messages use for the function the hook returns.
    pub fn legacy_name(&self) -> &str {
        self.legacy.as_deref().unwrap_or(&self.name)
    }
    /// A hook whose calls are reported, never rewritten.
    pub fn report(&self) -> Option<&ReportRule> {
        match &self.call {
            Some(CallRule::Report(r)) => Some(r),
            _ => None,
        }
    }
    pub fn member(&self, name: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.name == name)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Member {
    pub name: String,
    #[serde(flatten)]
    pub call: CallRule,
}

/// A function imported from a module of `family`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Function {
    pub name: String,
    pub family: Family,
    /// The SDK's React hooks whose `mutate`/`mutateAsync` take the same options.
    #[serde(default)]
    pub hooks: Vec<String>,
    pub call: CallRule,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PropertyRead {
    pub name: String,
    pub family: Family,
    pub rule: RuleId,
    pub message: String,
}

/// `X.<chain>(…)` on a client object.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientChain {
    pub chain: String,
    pub call: CallRule,
}

impl ClientChain {
    pub fn links(&self) -> Vec<&str> {
        self.chain.split('.').collect()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionScope {
    pub mfa_action: String,
    pub token_scope: Option<String>,
    #[serde(default)]
    pub needs_declaration: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SensitiveCall {
    pub name: String,
    pub token_scope: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepUpChecks {
    pub hook_member: String,
    pub function: String,
    pub client_chain: String,
}

/// A rule's catalog entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleInfo {
    pub id: String,
    pub severity: Severity,
    pub summary: String,
    pub help: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    pub react_core_module: String,
    pub api_core_module: String,
    pub js_sdk_module: String,
    pub step_up_hook: String,
    pub action_enum: String,
    pub scope_enum: String,
    pub step_up_member_order: Vec<String>,
    pub step_up_checks: StepUpChecks,
    pub dependency_hooks: Vec<String>,
    pub modules: Vec<Module>,
    pub hooks: Vec<Hook>,
    pub functions: Vec<Function>,
    pub property_reads: Vec<PropertyRead>,
    pub client_chains: Vec<ClientChain>,
    pub actions: Vec<ActionScope>,
    pub sensitive_calls: Vec<SensitiveCall>,
    /// The catalog: every rule stepup can report, in the order printers list them.
    pub rules: Vec<RuleInfo>,
    /// Rules a project's configuration turns off.
    #[serde(skip)]
    off: BTreeSet<String>,
    /// Severities a project's configuration sets.
    #[serde(skip)]
    configured: BTreeMap<String, Severity>,
}

/// What a project's configuration makes of a rule (`[severity]` in stepup.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Not reported, and its calls are not rewritten.
    Off,
    Info,
    Warning,
    Error,
}

/// A team's additions (`--rules FILE`): every field optional; a record with
/// the name of a shipped one replaces it, others are appended.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Extra {
    /// Older spelling of `[[modules]]`: prefixes of the React family.
    #[serde(default)]
    dynamic_module_prefixes: Vec<String>,
    #[serde(default)]
    modules: Vec<Module>,
    #[serde(default)]
    dependency_hooks: Vec<String>,
    #[serde(default)]
    hooks: Vec<Hook>,
    #[serde(default)]
    functions: Vec<Function>,
    #[serde(default)]
    property_reads: Vec<PropertyRead>,
    #[serde(default)]
    client_chains: Vec<ClientChain>,
    #[serde(default)]
    actions: Vec<ActionScope>,
    #[serde(default)]
    sensitive_calls: Vec<SensitiveCall>,
    #[serde(default)]
    rules: Vec<RuleInfo>,
}

/// Why a rules file was refused.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error(transparent)]
    Syntax(#[from] toml::de::Error),
    #[error("`{field}` = {value:?} is not {what}")]
    Invalid {
        field: &'static str,
        value: String,
        what: &'static str,
    },
    #[error(
        "rule `{0}` is used but has no [[rules]] entry with id = \"{0}\" (severity, summary, help)"
    )]
    UnknownRule(String),
    #[error("`{0}` is not a stepup rule")]
    NoSuchRule(String),
}

/// A JavaScript identifier, as stepup may splice it into source.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || c == '$' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c == '$' || c.is_ascii_alphanumeric())
}

/// `value` must be a JavaScript identifier.
fn ident(field: &'static str, value: &str) -> Result<(), TableError> {
    if is_identifier(value) {
        Ok(())
    } else {
        Err(TableError::Invalid {
            field,
            value: value.to_string(),
            what: "a JavaScript identifier",
        })
    }
}

/// `value` must be a member chain of identifiers (`a.b.c`).
fn chain(field: &'static str, value: &str) -> Result<(), TableError> {
    if value.split('.').all(is_identifier) {
        Ok(())
    } else {
        Err(TableError::Invalid {
            field,
            value: value.to_string(),
            what: "a member chain of identifiers (a.b.c)",
        })
    }
}

fn replace_by<T>(list: &mut Vec<T>, new: Vec<T>, key: impl Fn(&T) -> String) {
    for item in new {
        let k = key(&item);
        list.retain(|x| key(x) != k);
        list.push(item);
    }
}

impl Table {
    pub fn builtin() -> Table {
        let table: Table =
            toml::from_str(BUILTIN).expect("the embedded rules/migration.toml is valid");
        table
            .validate()
            .expect("the embedded rules/migration.toml is valid");
        table
    }

    /// The table with a team's records added (see `Extra`).
    pub fn with_extra(self, text: &str) -> Result<Table, TableError> {
        let extra: Extra = toml::from_str(text)?;
        self.with_records(extra)
    }

    /// The table with records already read (a config file's) added.
    pub fn with_records(mut self, extra: Extra) -> Result<Table, TableError> {
        self.modules.extend(extra.modules);
        self.modules.extend(
            extra
                .dynamic_module_prefixes
                .into_iter()
                .map(|prefix| Module {
                    prefix,
                    family: Family::React,
                }),
        );
        self.dependency_hooks.extend(extra.dependency_hooks);
        replace_by(&mut self.hooks, extra.hooks, |h| h.name.clone());
        replace_by(&mut self.functions, extra.functions, |f| f.name.clone());
        replace_by(&mut self.property_reads, extra.property_reads, |p| {
            p.name.clone()
        });
        replace_by(&mut self.client_chains, extra.client_chains, |c| {
            c.chain.clone()
        });
        replace_by(&mut self.actions, extra.actions, |a| a.mfa_action.clone());
        replace_by(&mut self.sensitive_calls, extra.sensitive_calls, |s| {
            s.name.clone()
        });
        replace_by(&mut self.rules, extra.rules, |r| r.id.clone());
        self.validate()?;
        Ok(self)
    }

    /// Every value stepup writes into source must be what it claims to be
    /// (an identifier, a member chain), and every rule used must be in the
    /// catalog: a value is spliced into users' files as it is.
    fn validate(&self) -> Result<(), TableError> {
        for a in &self.actions {
            ident("actions.mfa_action", &a.mfa_action)?;
            if let Some(s) = &a.token_scope {
                ident("actions.token_scope", s)?;
            }
        }
        for s in &self.sensitive_calls {
            ident("sensitive_calls.name", &s.name)?;
            ident("sensitive_calls.token_scope", &s.token_scope)?;
        }
        for m in &self.modules {
            if m.prefix.is_empty() || m.prefix.contains(['\'', '"', '`', '\\', '\n']) {
                return Err(TableError::Invalid {
                    field: "modules.prefix",
                    value: m.prefix.clone(),
                    what: "a module specifier prefix",
                });
            }
        }
        for h in &self.hooks {
            ident("hooks.name", &h.name)?;
            for m in &h.members {
                ident("hooks.members.name", &m.name)?;
            }
        }
        for f in &self.functions {
            ident("functions.name", &f.name)?;
            for h in &f.hooks {
                ident("functions.hooks", h)?;
            }
        }
        for c in &self.client_chains {
            chain("client_chains.chain", &c.chain)?;
        }
        self.validate_calls()
    }

    /// The call rules: what they splice in, the JS SDK family's targets,
    /// and their rules' catalog entries.
    fn validate_calls(&self) -> Result<(), TableError> {
        for call in self.calls() {
            match call {
                CallRule::ActionCheck { target, .. } => chain("call.target", target)?,
                CallRule::Token(t) => {
                    chain("call.target", &t.target)?;
                    ident("call.option", &t.option)?;
                    if let Some(w) = &t.without_token {
                        ident("call.without_token", w)?;
                    }
                }
                CallRule::Report(_) | CallRule::Keep { .. } => {}
            }
        }
        // The JS SDK family rewrites a call's options and keeps its callee.
        for f in self.functions.iter().filter(|f| f.family == Family::Js) {
            let target = match &f.call {
                CallRule::Token(t) => Some(&t.target),
                CallRule::ActionCheck { target, .. } => Some(target),
                _ => None,
            };
            if let Some(target) = target.filter(|t| **t != f.name) {
                return Err(TableError::Invalid {
                    field: "functions.call.target",
                    value: target.clone(),
                    what: "the function's own name (a JS SDK function keeps its name; only its options are rewritten)",
                });
            }
        }
        for id in self.used_rules() {
            if self.rule_info(id.0).is_none() {
                return Err(TableError::UnknownRule(id.0.to_string()));
            }
        }
        Ok(())
    }

    /// Every call rule of every record.
    fn calls(&self) -> impl Iterator<Item = &CallRule> {
        self.hooks
            .iter()
            .flat_map(|h| h.call.iter().chain(h.members.iter().map(|m| &m.call)))
            .chain(self.functions.iter().map(|f| &f.call))
            .chain(self.client_chains.iter().map(|c| &c.call))
    }

    /// The rule ids the records use.
    pub fn used_rules(&self) -> Vec<RuleId> {
        let mut ids: Vec<RuleId> = self
            .calls()
            .filter_map(|c| match c {
                CallRule::ActionCheck { rule, .. } => Some(*rule),
                CallRule::Token(t) => Some(t.rule),
                CallRule::Report(r) => Some(r.rule),
                CallRule::Keep { .. } => None,
            })
            .chain(self.property_reads.iter().map(|p| p.rule))
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    pub fn rule_info(&self, id: &str) -> Option<&RuleInfo> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The catalog's severity of a rule (error for an id it lacks).
    pub fn severity(&self, id: RuleId) -> Severity {
        self.rule_info(id.0).map_or(Severity::Error, |r| r.severity)
    }

    /// Set a rule's severity, or turn it off, for this run (the catalog
    /// follows, so that SARIF's rule list says the same).
    pub fn set_level(&mut self, id: &str, level: Level) -> Result<(), TableError> {
        let Some(info) = self.rules.iter_mut().find(|r| r.id == id) else {
            return Err(TableError::NoSuchRule(id.to_string()));
        };
        self.off.remove(id);
        self.configured.remove(id);
        let severity = match level {
            Level::Off => {
                self.off.insert(id.to_string());
                return Ok(());
            }
            Level::Info => Severity::Info,
            Level::Warning => Severity::Warning,
            Level::Error => Severity::Error,
        };
        info.severity = severity;
        self.configured.insert(id.to_string(), severity);
        Ok(())
    }

    /// Is the rule turned off for this run?
    pub fn is_off(&self, id: &str) -> bool {
        !self.off.is_empty() && self.off.contains(id)
    }

    /// The severity this run's configuration gives the rule, if it sets one.
    pub fn configured_severity(&self, id: &str) -> Option<Severity> {
        self.configured.get(id).copied()
    }

    pub fn module_prefixes(&self) -> impl Iterator<Item = &str> {
        self.modules.iter().map(|m| m.prefix.as_str())
    }

    pub fn is_dynamic_module(&self, specifier: &str) -> bool {
        self.family_of(specifier).is_some()
    }

    /// The family of the longest matching prefix.
    pub fn family_of(&self, specifier: &str) -> Option<Family> {
        self.modules
            .iter()
            .filter(|m| specifier.starts_with(m.prefix.as_str()))
            .max_by_key(|m| m.prefix.len())
            .map(|m| m.family)
    }

    pub fn hook(&self, name: &str) -> Option<&Hook> {
        self.hooks.iter().find(|h| h.name == name)
    }

    pub fn function(&self, name: &str, family: Family) -> Option<&Function> {
        self.functions
            .iter()
            .find(|f| f.family == family && f.name == name)
    }

    /// The function whose React hook this is (`useAuthenticateTotpMfaDevice`).
    pub fn function_of_hook(&self, hook: &str, family: Family) -> Option<&Function> {
        self.functions
            .iter()
            .find(|f| f.family == family && f.hooks.iter().any(|h| h == hook))
    }

    pub fn client_chain(&self, links: &[&str]) -> Option<&ClientChain> {
        self.client_chains.iter().find(|c| c.links() == links)
    }

    pub fn action(&self, mfa_action: &str) -> Option<&ActionScope> {
        self.actions.iter().find(|a| a.mfa_action == mfa_action)
    }

    /// Is `scope` one that only newer sdk-api-core versions declare?
    pub fn scope_needs_declaration(&self, scope: &str) -> bool {
        self.actions
            .iter()
            .any(|a| a.needs_declaration && a.token_scope.as_deref() == Some(scope))
    }

    pub fn sensitive_scope(&self, name: &str) -> Option<&str> {
        self.sensitive_calls
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.token_scope.as_str())
    }

    pub fn member_rank(&self, member: &str) -> usize {
        self.step_up_member_order
            .iter()
            .position(|m| m == member)
            .unwrap_or(usize::MAX)
    }

    /// Dynamic imports that the rewrite removes once nothing references them:
    /// every hook stepup rewrites, and the action enum.
    pub fn drop_when_unused(&self) -> Vec<&str> {
        self.hooks
            .iter()
            .filter(|h| h.report().is_none())
            .map(|h| h.name.as_str())
            .chain([self.action_enum.as_str()])
            .collect()
    }

    /// A legacy hook of the React SDK (test doubles and re-exports of it are reported).
    pub fn is_legacy_hook(&self, name: &str) -> bool {
        self.hook(name).is_some()
    }

    /// Members of the legacy API a test double may stub: the hooks' members
    /// and the last link of two-link client chains (`mfa.authenticateDevice`)
    /// that stepup rewrites.
    pub fn stub_members(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .hooks
            .iter()
            .flat_map(|h| h.members.iter().map(|m| m.name.as_str()))
            .collect();
        for c in &self.client_chains {
            let links = c.links();
            if links.len() == 2 && !matches!(c.call, CallRule::Report(_) | CallRule::Keep { .. }) {
                out.push(links[1]);
            }
        }
        let mut seen = HashSet::new();
        out.retain(|n| seen.insert(*n));
        out
    }

    /// Names a file must contain to be a candidate when it does not name a
    /// Dynamic module: what can be imported from one (hooks, functions, the
    /// SDK's React hooks, the action enum). A call site that imports them
    /// through an app's own module still names them.
    pub fn importable_names(&self) -> Vec<&str> {
        let names = self
            .hooks
            .iter()
            .map(|h| h.name.as_str())
            .chain(self.functions.iter().flat_map(|f| {
                std::iter::once(f.name.as_str()).chain(f.hooks.iter().map(String::as_str))
            }))
            .chain([self.action_enum.as_str()]);
        minimal_patterns(names)
    }

    /// Names without which a file that imports the SDK has nothing to
    /// migrate: every legacy name of the table, including members, client
    /// chain links, token options and property reads.
    pub fn legacy_names(&self) -> Vec<&str> {
        let mut all: Vec<&str> = self.importable_names();
        for h in &self.hooks {
            all.extend(h.members.iter().map(|m| m.name.as_str()));
        }
        for c in &self.client_chains {
            // Two-letter links (`ui`) are in every file; the others suffice.
            all.extend(c.links().into_iter().filter(|l| l.len() > 2));
        }
        for call in self.calls() {
            match call {
                CallRule::Token(t) => all.push(&t.option),
                CallRule::Report(r) => all.extend(r.when_option.as_deref()),
                _ => {}
            }
        }
        all.extend(self.property_reads.iter().map(|p| p.name.as_str()));
        minimal_patterns(all)
    }

    /// The options that ask for a legacy token (`createMfaToken` …).
    pub fn token_options(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .calls()
            .filter_map(|c| match c {
                CallRule::Token(t) => Some(t.option.as_str()),
                _ => None,
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Names of already-migrated code that count as evidence for a scope.
    pub fn step_up_names(&self) -> Vec<&str> {
        let c = &self.step_up_checks;
        let mut out = vec![c.hook_member.as_str(), c.function.as_str()];
        out.extend(c.client_chain.split('.'));
        out
    }
}

/// The patterns of a substring search that finds every name: a name that
/// contains another one adds nothing.
fn minimal_patterns<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let set: BTreeSet<&str> = names.into_iter().collect();
    set.iter()
        .copied()
        .filter(|n| !set.iter().any(|m| m != n && n.contains(m)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_table_is_complete() {
        let t = Table::builtin();
        assert!(t.importable_names().contains(&"useMfa"));
        assert!(!t.importable_names().contains(&"useMfaX"));
        // useMfa covers useMfa* names: only the shorter one is searched.
        assert!(!t.legacy_names().contains(&"useMfaToken"));
        assert!(t.legacy_names().contains(&"isRequiredForAction"));
        assert_eq!(
            t.drop_when_unused(),
            [
                "useIsMfaRequiredForAction",
                "usePromptMfaAuth",
                "useMfa",
                "useAuthenticatePasskeyMFA",
                "MFAAction"
            ]
        );
        assert_eq!(t.family_of("@dynamic-labs-sdk/client"), Some(Family::Js));
        assert_eq!(t.family_of("@dynamic-labs/client"), Some(Family::React));
        assert_eq!(t.family_of("react"), None);
    }

    #[test]
    fn spliced_values_are_validated() {
        let bad = "[[actions]]\nmfa_action = \"X\"\ntoken_scope = \"Walletexport || fetch('x')\"\n";
        let err = Table::builtin().with_extra(bad).unwrap_err().to_string();
        assert!(err.contains("not a JavaScript identifier"), "{err}");
        let unknown = "[[hooks]]\nname = \"useX\"\ncall = { kind = \"token\", target = \"verifyTotpMfa\", rule = \"nope\" }\n";
        let err = Table::builtin()
            .with_extra(unknown)
            .unwrap_err()
            .to_string();
        assert!(err.contains("no [[rules]] entry"), "{err}");
    }

    #[test]
    fn a_js_sdk_function_keeps_its_name() {
        let renamed = "[[functions]]\nname = \"authenticateTotpMfaDevice\"\nfamily = \"js\"\ncall = { kind = \"token\", target = \"verifyTotp\", option = \"createMfaTokenOptions\", rule = \"js-authenticate-totp-mfa-device\" }\n";
        let err = Table::builtin()
            .with_extra(renamed)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`functions.call.target` = \"verifyTotp\"")
                && err.contains("keeps its name"),
            "{err}"
        );
        let same = renamed.replace("verifyTotp", "authenticateTotpMfaDevice");
        assert!(Table::builtin().with_extra(&same).is_ok());
    }
}
