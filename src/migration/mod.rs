//! The migration: facts about a file → edits and findings. The families'
//! planners each apply the table's records of their kind; the report-only
//! rules then look at what the families did not decide on.

pub mod calls;
pub mod client_object;
pub mod imports;
pub mod js_sdk;
pub mod react;
pub mod reports;
pub mod syntax;
pub mod token_call;

use crate::analysis::NodeIndex;
use crate::analysis::bindings::Bindings;
use crate::analysis::suppressions::Suppressions;
use crate::decisions::Decisions;
use crate::edit::Edit;
use crate::finding::Finding;
use crate::table::Table;
use tree_sitter::Node;

/// Everything a rule may read about one file.
pub struct FileCtx<'t, 'a> {
    pub src: &'t str,
    pub root: Node<'t>,
    /// The file's nodes grouped by kind, collected once per file.
    pub index: &'a NodeIndex<'t>,
    pub bindings: &'a Bindings,
    pub table: &'a Table,
    /// Does the project's installed sdk-api-core declare this TokenScope member?
    pub scope_available: &'a dyn Fn(&str) -> bool,
    /// The file's dominant line ending, for lines stepup adds.
    pub newline: &'a str,
    /// The file's `stepup-ignore` directives.
    pub suppressions: &'a Suppressions,
    /// The Dynamic module the file is a manual mock of, if it is one.
    pub manual_mock_of: Option<&'a str>,
    /// Does this specifier name a module of the project (relative, a
    /// tsconfig alias, a workspace package) that re-exports Dynamic's SDK?
    pub reexports_dynamic: &'a dyn Fn(&str) -> bool,
    /// The project's sdk-api-core declarations are known (`scope_available`
    /// then says exactly what they declare).
    pub scopes_declared: bool,
    /// Scopes decided outside the file, by the line a token call starts on.
    pub decisions: Option<&'a Decisions>,
    /// Checks of an action held in a variable that guard a token call whose
    /// scope was decided: the call range and that scope (filled by `plan_file`).
    pub paired_checks: std::cell::RefCell<std::collections::HashMap<(usize, usize), String>>,
    /// Token calls whose scope nothing in the file tells, with the ways
    /// callers in other modules reach them (filled while planning).
    pub undecided: std::cell::RefCell<Vec<crate::analysis::callers::UndecidedSite>>,
}

impl FileCtx<'_, '_> {
    /// Is `rule` suppressed at `offset`, or turned off for the project? Its
    /// calls are then left as they are.
    pub fn suppressed(&self, offset: usize, rule: &str) -> bool {
        self.table.is_off(rule) || self.suppressions.matching(offset, rule).is_some()
    }
}

/// A name the edits rely on, which the import pass must make available.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportNeed {
    pub module: String,
    pub imported: String,
    pub local: String,
}

#[derive(Debug, Default)]
pub struct Plan {
    pub edits: Vec<Edit>,
    pub findings: Vec<Finding>,
    pub needs: Vec<ImportNeed>,
    /// Byte ranges of the calls a family has decided on (rewritten or reported).
    pub decided: Vec<(usize, usize)>,
    /// The module each rewrite that writes `TokenScope.X` would import it
    /// from, in the order the families planned them.
    pub scope_modules: Vec<String>,
}

impl Plan {
    pub fn need(&mut self, module: &str, imported: &str, local: &str) {
        let need = ImportNeed {
            module: module.to_string(),
            imported: imported.to_string(),
            local: local.to_string(),
        };
        if !self.needs.contains(&need) {
            self.needs.push(need);
        }
    }
}

/// Run every family's planner, then the report-only rules, over one file.
pub fn plan_file(ctx: &FileCtx) -> Plan {
    let mut plan = Plan::default();
    let checks = token_call::action_checks(ctx);
    token_call::pair_decided_checks(ctx, &checks);
    let ts = token_call::TokenScopeAccess::new(ctx);
    react::plan(ctx, &mut plan, &checks, &ts);
    js_sdk::plan(ctx, &mut plan, &checks, &ts);
    client_object::plan(ctx, &mut plan, &checks, &ts);
    client_object::plan_destructured(ctx, &mut plan, &checks, &ts);
    // One TokenScope import per file: from the module of the first rewrite that wrote it.
    if !ts.existing
        && let Some(module) = plan.scope_modules.first().cloned()
    {
        plan.need(&module, &ctx.table.scope_enum, ts.local());
    }
    let decided = std::mem::take(&mut plan.decided);
    reports::token_options::report(ctx, &decided, &mut plan.findings);
    reports::action_data::report(ctx, &decided, &mut plan.findings);
    reports::reexports::report(ctx, &mut plan.findings);
    reports::test_mocks::report(ctx, &mut plan.findings);
    plan
}
