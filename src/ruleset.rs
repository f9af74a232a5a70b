//! The migration data (`rules/*.toml`), loaded once per run.

use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::Path;

const BUILTIN: &str = include_str!("../rules/migration.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct ActionScope {
    pub mfa_action: String,
    pub token_scope: Option<String>,
    #[serde(default)]
    pub needs_declaration: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SensitiveCall {
    pub name: String,
    pub token_scope: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Ruleset {
    pub dynamic_module_prefixes: Vec<String>,
    pub react_core_module: String,
    pub api_core_module: String,
    pub js_sdk_module: String,
    pub step_up_hook: String,
    pub step_up_member_order: Vec<String>,
    pub dependency_hooks: Vec<String>,
    pub drop_when_unused: Vec<String>,
    pub prefilter_names: Vec<String>,
    pub actions: Vec<ActionScope>,
    pub sensitive_calls: Vec<SensitiveCall>,
}

/// A team's additions (`--rules FILE`): every field optional, lists appended.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Extra {
    #[serde(default)]
    dynamic_module_prefixes: Vec<String>,
    #[serde(default)]
    dependency_hooks: Vec<String>,
    #[serde(default)]
    actions: Vec<ActionScope>,
    #[serde(default)]
    sensitive_calls: Vec<SensitiveCall>,
}

impl Ruleset {
    pub fn builtin() -> Ruleset {
        toml::from_str(BUILTIN).expect("the embedded rules/migration.toml is valid")
    }

    pub fn with_extra_file(mut self, path: &Path) -> Result<Ruleset> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read rules file {}", path.display()))?;
        let extra: Extra = toml::from_str(&text)
            .with_context(|| format!("invalid rules file {}", path.display()))?;
        self.dynamic_module_prefixes
            .extend(extra.dynamic_module_prefixes);
        self.dependency_hooks.extend(extra.dependency_hooks);
        // A team's entry for an action or call replaces the shipped one.
        for a in extra.actions {
            self.actions.retain(|x| x.mfa_action != a.mfa_action);
            self.actions.push(a);
        }
        for s in extra.sensitive_calls {
            self.sensitive_calls.retain(|x| x.name != s.name);
            self.sensitive_calls.push(s);
        }
        Ok(self)
    }

    pub fn is_dynamic_module(&self, specifier: &str) -> bool {
        self.dynamic_module_prefixes
            .iter()
            .any(|p| specifier.starts_with(p.as_str()))
    }

    pub fn action(&self, mfa_action: &str) -> Option<&ActionScope> {
        self.actions.iter().find(|a| a.mfa_action == mfa_action)
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
}
