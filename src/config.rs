//! `stepup.toml`: a project's settings. Every file is governed by the
//! nearest one from its folder upwards to the repository root, which extends
//! the one above it unless it says `root = true`. Command-line flags
//! override them.
//!
//! ```toml
//! root = true                        # do not extend the configs above
//! include = ["src/**"]               # globs relative to this file's directory
//! exclude = ["src/legacy/**"]
//! max_warnings = 10                  # as --max-warnings; -1: warnings never fail
//!
//! [severity]                         # per rule: off | info | warning | error
//! test-mock = "off"
//!
//! [[sensitive_calls]]                # the records of a --rules file
//! name = "revealSeedPhrase"
//! token_scope = "Walletexport"
//! ```

use crate::table::{Extra, Level, Table};
use crate::workspace::resolve::resolve_dots;
use ignore::overrides::{Override, OverrideBuilder};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

pub const FILE_NAME: &str = "stepup.toml";

/// The settings of the file itself; the records go to the table.
const SETTINGS: &[&str] = &["root", "include", "exclude", "max_warnings", "severity"];
/// The top-level keys of a `--rules` file (`table::Extra`).
const RECORDS: &[&str] = &[
    "dynamic_module_prefixes",
    "modules",
    "dependency_hooks",
    "hooks",
    "functions",
    "property_reads",
    "client_chains",
    "actions",
    "sensitive_calls",
    "rules",
];

/// A config file that cannot be used: which file, which key, why.
#[derive(Debug, thiserror::Error)]
#[error("invalid config {file}: {message}")]
pub struct ConfigError {
    pub file: String,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Config {
    /// The file, absolute.
    pub path: PathBuf,
    /// The file as messages name it.
    pub display: String,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub max_warnings: Option<i64>,
    /// `root = true`: this file does not extend the configs above it.
    pub root: bool,
    /// In the file's order.
    pub severity: Vec<(String, Level)>,
    records: Option<Extra>,
}

impl Config {
    /// Read and check `path` (`display`: how messages name it).
    pub fn load(path: &Path, display: &str) -> Result<Config, ConfigError> {
        let err = |message: String| ConfigError {
            file: display.to_string(),
            message,
        };
        let text = read_file(path).map_err(err)?;
        let mut config = Config::parse(&text).map_err(err)?;
        config.path = resolve_dots(path);
        config.display = display.to_string();
        Ok(config)
    }

    /// The settings and records of a config file's text.
    pub fn parse(text: &str) -> Result<Config, String> {
        let mut doc: toml::Table = toml::from_str(text).map_err(|e| toml_message(&e, text))?;
        if let Some(key) = doc
            .keys()
            .find(|k| !SETTINGS.contains(&k.as_str()) && !RECORDS.contains(&k.as_str()))
        {
            return Err(format!(
                "`{key}`: unknown key (stepup.toml takes {}, and the records of a --rules file: {})",
                SETTINGS.join(", "),
                RECORDS.join(", ")
            ));
        }
        let mut config = Config {
            include: take(&mut doc, "include", "a list of globs")?.unwrap_or_default(),
            exclude: take(&mut doc, "exclude", "a list of globs")?.unwrap_or_default(),
            max_warnings: take(&mut doc, "max_warnings", "an integer")?,
            root: take(&mut doc, "root", "true or false")?.unwrap_or(false),
            ..Config::default()
        };
        if let Some(n) = config.max_warnings.filter(|n| *n < -1) {
            return Err(format!(
                "`max_warnings` = {n}: must be -1 (warnings never fail) or more"
            ));
        }
        let severity: Option<toml::Table> = take(&mut doc, "severity", "a table")?;
        for (rule, value) in severity.unwrap_or_default() {
            let level = value
                .as_str()
                .and_then(|v| toml::Value::String(v.into()).try_into::<Level>().ok())
                .ok_or_else(|| {
                    format!(
                        "[severity] `{rule}`: must be \"off\", \"info\", \"warning\" or \"error\""
                    )
                })?;
            config.severity.push((rule, level));
        }
        if !doc.is_empty() {
            let records = toml::Value::Table(doc)
                .try_into::<Extra>()
                .map_err(|e| format!("records: {}", toml_message(&e, text)))?;
            config.records = Some(records);
        }
        Ok(config)
    }

    /// `table` with the file's records added and its severities set.
    pub fn apply_records(&self, table: Table) -> Result<Table, ConfigError> {
        match &self.records {
            Some(records) => table
                .with_records(records.clone())
                .map_err(|e| self.error(e)),
            None => Ok(table),
        }
    }

    /// Set the configured severities on the (final) table.
    pub fn apply_severity(&self, table: &mut Table) -> Result<(), ConfigError> {
        for (rule, level) in &self.severity {
            table
                .set_level(rule, *level)
                .map_err(|e| self.error(format!("[severity] {e}")))?;
        }
        Ok(())
    }

    fn error(&self, e: impl ToString) -> ConfigError {
        ConfigError {
            file: self.display.clone(),
            message: e.to_string(),
        }
    }
}

/// Remove `key` from the document as a `T`; `what` names the type for the message.
fn take<T: DeserializeOwned>(
    doc: &mut toml::Table,
    key: &str,
    what: &str,
) -> Result<Option<T>, String> {
    match doc.remove(key) {
        None => Ok(None),
        Some(value) => {
            let found = value.type_str();
            value
                .try_into::<T>()
                .map(Some)
                .map_err(|_| format!("`{key}`: must be {what} (not {})", article(found)))
        }
    }
}

/// "a string", "an integer".
fn article(kind: &str) -> String {
    let an = kind.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {kind}", if an { "an" } else { "a" })
}

/// The text of a config or `--rules` file. It is read only as a regular
/// file (see `read_text`), and a symbolic link is followed only to a file
/// inside the repository the link is in: a link a pull request adds
/// (`stepup.toml -> /proc/self/environ`) cannot make stepup read, and then
/// print, a file from elsewhere. The messages name the reason, never the
/// content.
pub fn read_file(path: &Path) -> Result<String, String> {
    use crate::workspace::read::{open_regular, read_text};
    let is_link = std::fs::symlink_metadata(path)
        .map_err(|e| e.to_string())?
        .file_type()
        .is_symlink();
    if is_link {
        // A link to a FIFO or a device is refused as such, without a look at where it leads.
        if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
            return Err(crate::workspace::read::ReadError::NotRegular.to_string());
        }
        let target = path
            .canonicalize()
            .map_err(|e| format!("a symbolic link that cannot be followed: {e}"))?;
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .canonicalize()
            .map_err(|e| e.to_string())?;
        let repository = dir.ancestors().find(|d| d.join(".git").exists());
        match repository {
            Some(top) if target.starts_with(top) => {}
            Some(top) => {
                return Err(format!(
                    "a symbolic link to {}, outside the repository {}; stepup reads a config \
                     file through a link only inside its repository",
                    target.display(),
                    top.display()
                ));
            }
            None => {
                return Err(format!(
                    "a symbolic link to {}, outside any repository; stepup reads a config file \
                     through a link only inside its repository",
                    target.display()
                ));
            }
        }
        // The file opened is the one checked, not a link swapped in since.
        let opened = open_regular(path).map_err(|e| e.to_string())?;
        if !same_file(&opened, &target) {
            return Err("it changed while it was read".into());
        }
    }
    read_text(path).map_err(|e| e.to_string())
}

#[cfg(unix)]
fn same_file(file: &std::fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::File, _: &Path) -> bool {
    true
}

/// A TOML error that quotes none of the file's content: where (line and
/// column), what the parser expected, and the key at fault; for a value of
/// the wrong type, its type, not the value. (toml's own message shows the
/// offending line, which for a file that is not TOML at all — a link to
/// `/proc/self/environ` — is the whole file.)
pub fn toml_message(e: &toml::de::Error, text: &str) -> String {
    let mut bare = e.clone();
    bare.set_input(None);
    let shown = bare.to_string();
    let mut lines = shown.lines();
    let message = without_values(lines.next().unwrap_or_default());
    let key = lines
        .find_map(|l| l.strip_prefix("in "))
        .map(|k| format!(" (in {k})"))
        .unwrap_or_default();
    let at = e
        .span()
        .map(|span| {
            let before = &text.as_bytes()[..span.start.min(text.len())];
            let line = before.iter().filter(|b| **b == b'\n').count() + 1;
            let start = before
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
            format!("line {line}, column {column}: ")
        })
        .unwrap_or_default();
    format!("{at}{message}{key}")
}

/// serde's messages, with the value they quote left out: "invalid type:
/// string \"…\", expected …" keeps the type, "unknown variant `…`,
/// expected …" drops the variant.
fn without_values(message: &str) -> String {
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            let (found, expected) = rest.rsplit_once(", expected ").unwrap_or((rest, ""));
            let kind = found.split([' ', '`', '"']).next().unwrap_or_default();
            return format!("{prefix}{kind}, expected {expected}");
        }
    }
    if message.starts_with("unknown variant ") {
        let expected = message
            .rsplit_once(", expected ")
            .map_or(String::new(), |(_, e)| format!(", expected {e}"));
        return format!("unknown variant{expected}");
    }
    message.to_string()
}

/// A loaded config file and where it sits in the chain of configs above it.
#[derive(Debug)]
pub struct Loaded {
    pub config: Config,
    /// The config it extends: the nearest one above its folder, unless it
    /// says `root = true` (or was named with `--config`).
    pub parent: Option<usize>,
    /// Its `include`/`exclude`, matched from its folder (none when the
    /// command line gives its own lists).
    globs: Option<Override>,
}

/// How a run finds its config files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Each file: the nearest `stepup.toml` above it.
    Nearest,
    /// One file (`--config`) governs every file; index 0.
    Fixed,
    /// `--no-config`.
    Off,
}

/// The config files of one run, found as the walk reaches folders: every
/// file is governed by the nearest `stepup.toml` from its folder upwards,
/// up to the repository root (the folder with `.git`; outside a
/// repository, up to the file system's root). Shared by the walker's threads.
#[derive(Debug)]
pub struct ConfigSet {
    mode: Mode,
    /// How messages name a config file (relative to the working directory).
    display: fn(&Path) -> String,
    /// `--include`/`--exclude` given: the files' own lists are not used.
    flags_include: bool,
    flags_exclude: bool,
    /// Read by every walker thread for every entry; written once per folder.
    state: RwLock<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Folder (absolute, normalised) → the config governing its files.
    /// Keyed by the path's bytes with a fast hash: `Path`'s own hash splits
    /// the path into components, and this is looked up for every entry of
    /// the walk (a third of a clean run's instructions on a large tree).
    dirs: HashMap<OsString, Option<usize>, rustc_hash::FxBuildHasher>,
    loaded: Vec<Loaded>,
    errors: Vec<String>,
}

/// `dir/name` by concatenation (`Path::join` splits the path to place the
/// separator, and this runs twice for every folder of the walk).
fn in_dir(dir: &Path, name: &str) -> PathBuf {
    let dir = dir.as_os_str();
    let mut path = OsString::with_capacity(dir.len() + 1 + name.len());
    path.push(dir);
    // Any separator of the platform ends a folder (Windows takes `/` too).
    if !dir
        .as_encoded_bytes()
        .last()
        .is_some_and(|&b| std::path::is_separator(b as char))
    {
        path.push(std::path::MAIN_SEPARATOR_STR);
    }
    path.push(name);
    PathBuf::from(path)
}

impl ConfigSet {
    /// Find the nearest `stepup.toml` of each file. `flags_include` /
    /// `flags_exclude`: the command line gives its own glob lists, which
    /// replace the files' lists.
    pub fn nearest(
        display: fn(&Path) -> String,
        flags_include: bool,
        flags_exclude: bool,
    ) -> ConfigSet {
        ConfigSet::new(Mode::Nearest, display, flags_include, flags_exclude)
    }

    /// `--no-config`.
    pub fn off() -> ConfigSet {
        ConfigSet::new(Mode::Off, |p| p.display().to_string(), false, false)
    }

    /// `--config FILE`: one file governs every file of the run.
    pub fn fixed(
        path: &Path,
        display: &str,
        flags_include: bool,
        flags_exclude: bool,
    ) -> Result<ConfigSet, ConfigError> {
        let set = ConfigSet::new(
            Mode::Fixed,
            |p| p.display().to_string(),
            flags_include,
            flags_exclude,
        );
        let loaded = set.loaded(Config::load(path, display)?, None)?;
        set.lock().loaded.push(loaded);
        Ok(set)
    }

    fn new(
        mode: Mode,
        display: fn(&Path) -> String,
        flags_include: bool,
        flags_exclude: bool,
    ) -> ConfigSet {
        ConfigSet {
            mode,
            display,
            flags_include,
            flags_exclude,
            state: RwLock::new(State::default()),
        }
    }

    fn lock(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|e| e.into_inner())
    }

    fn read(&self) -> RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    /// The config governing `path` (absolute, normalised): a folder's own
    /// `stepup.toml` governs it; a file is governed by its folder's.
    pub fn governing(&self, path: &Path, is_dir: bool) -> Option<usize> {
        match self.mode {
            Mode::Off => None,
            Mode::Fixed => Some(0),
            Mode::Nearest => {
                let dir = if is_dir { path } else { path.parent()? };
                self.for_dir(dir)
            }
        }
    }

    /// Is `path` left out by the `include`/`exclude` of the config governing it?
    pub fn excluded(&self, path: &Path, is_dir: bool) -> bool {
        let Some(index) = self.governing(path, is_dir) else {
            return false;
        };
        let state = self.read();
        state.loaded[index]
            .globs
            .as_ref()
            .is_some_and(|g| g.matched(path, is_dir).is_ignore())
    }

    fn for_dir(&self, dir: &Path) -> Option<usize> {
        if let Some(found) = self.read().dirs.get(dir.as_os_str()) {
            return *found;
        }
        let candidate = in_dir(dir, FILE_NAME);
        let found = if candidate.is_file() {
            self.load_at(dir, &candidate)
        } else if in_dir(dir, ".git").exists() {
            None
        } else {
            dir.parent().and_then(|up| self.for_dir(up))
        };
        // Two threads may reach a folder at once: the first answer stays.
        *self
            .lock()
            .dirs
            .entry(dir.as_os_str().to_owned())
            .or_insert(found)
    }

    /// Load the config file of `dir`; a bad one is remembered (the run ends
    /// with exit 2) and governs nothing.
    fn load_at(&self, dir: &Path, file: &Path) -> Option<usize> {
        let display = (self.display)(file);
        let result = Config::load(file, &display).and_then(|config| {
            let parent = match config.root || dir.join(".git").exists() {
                true => None,
                false => dir.parent().and_then(|up| self.for_dir(up)),
            };
            self.loaded(config, parent)
        });
        let mut state = self.lock();
        if let Some(known) = state.dirs.get(dir.as_os_str()) {
            return *known;
        }
        match result {
            Ok(loaded) => {
                state.loaded.push(loaded);
                let index = state.loaded.len() - 1;
                state.dirs.insert(dir.as_os_str().to_owned(), Some(index));
                Some(index)
            }
            Err(e) => {
                state.errors.push(e.to_string());
                state.dirs.insert(dir.as_os_str().to_owned(), None);
                None
            }
        }
    }

    fn loaded(&self, config: Config, parent: Option<usize>) -> Result<Loaded, ConfigError> {
        let globs = config.globs(
            (!self.flags_include).then_some(&config.include[..]),
            (!self.flags_exclude).then_some(&config.exclude[..]),
        )?;
        Ok(Loaded {
            config,
            parent,
            globs,
        })
    }

    /// The configs loaded, in the order they were found (`governing`
    /// indexes into it), or every config that could not be used.
    pub fn finish(&self) -> Result<Vec<Loaded>, Vec<String>> {
        let mut state = self.lock();
        if !state.errors.is_empty() {
            let mut errors = std::mem::take(&mut state.errors);
            errors.sort();
            errors.dedup();
            return Err(errors);
        }
        Ok(std::mem::take(&mut state.loaded))
    }
}

/// The chain of configs that `index` extends, outermost first, ending with it.
pub fn chain(loaded: &[Loaded], index: usize) -> Vec<&Config> {
    let mut out = vec![];
    let mut at = Some(index);
    while let Some(i) = at {
        out.push(&loaded[i].config);
        at = loaded[i].parent;
    }
    out.reverse();
    out
}

impl Config {
    /// `include`/`exclude` (those given) as a matcher from the file's folder.
    fn globs(
        &self,
        include: Option<&[String]>,
        exclude: Option<&[String]>,
    ) -> Result<Option<Override>, ConfigError> {
        let (include, exclude) = (include.unwrap_or(&[]), exclude.unwrap_or(&[]));
        if include.is_empty() && exclude.is_empty() {
            return Ok(None);
        }
        let dir = self.path.parent().unwrap_or(Path::new("/"));
        let mut ob = OverrideBuilder::new(dir);
        let bad = |key: &str, g: &str, e: ignore::Error| {
            self.error(format!("`{key}`: bad glob {g}: {e}"))
        };
        for g in include {
            ob.add(g).map_err(|e| bad("include", g, e))?;
        }
        for g in exclude {
            ob.add(&format!("!{g}")).map_err(|e| bad("exclude", g, e))?;
        }
        ob.build().map(Some).map_err(|e| self.error(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_dir_is_join() {
        for dir in [
            "/",
            "/repo",
            "/repo/apps/web",
            "/repo/dir.with.dots",
            "rel/dir",
            "/trailing/",
        ] {
            let dir = Path::new(dir);
            assert_eq!(in_dir(dir, FILE_NAME), dir.join(FILE_NAME), "{dir:?}");
            assert_eq!(
                in_dir(dir, FILE_NAME).as_os_str(),
                dir.join(FILE_NAME).as_os_str(),
                "{dir:?}"
            );
        }
    }

    #[test]
    fn settings_and_records() {
        let c = Config::parse(
            "include = [\"src/**\"]\nmax_warnings = -1\n[severity]\ntest-mock = \"off\"\n\
             [[sensitive_calls]]\nname = \"reveal\"\ntoken_scope = \"Walletexport\"\n",
        )
        .unwrap();
        assert_eq!(c.include, ["src/**"]);
        assert_eq!(c.max_warnings, Some(-1));
        assert_eq!(c.severity, [("test-mock".to_string(), Level::Off)]);
        assert!(c.records.is_some());
    }

    #[test]
    fn errors_name_the_key() {
        let err = |text: &str| Config::parse(text).unwrap_err();
        assert!(err("max_warning = 1").contains("`max_warning`: unknown key"));
        assert!(
            err("max_warnings = \"ten\"")
                .contains("`max_warnings`: must be an integer (not a string)")
        );
        assert!(err("max_warnings = -2").contains("must be -1"));
        assert!(
            err("[severity]\ntest-mock = \"loud\"").contains("[severity] `test-mock`: must be")
        );
        assert!(
            err("include = \"src\"").contains("`include`: must be a list of globs (not a string)")
        );
        assert!(err("[[sensitive_calls]]\nname = 1\n").contains("records:"));
        assert!(err("max_warnings = ").contains("line 1, column 16"));
    }

    /// Whatever the file holds, an error shows none of it but the key.
    #[test]
    fn errors_quote_no_content() {
        let secret = "hunter2";
        for text in [
            "AWS_KEY=hunter2\0PATH=/bin\0",
            "x = \"hunter2\" hunter2",
            "max_warnings = \"hunter2\"",
            "[severity]\ntest-mock = \"hunter2\"",
            "include = [\"a\", 1, \"hunter2\"]",
            "[[sensitive_calls]]\nname = \"a\"\ntoken_scope = \"hunter2\"\nextra = 1\n",
            "[[sensitive_calls]]\nname = [\"hunter2\"]\ntoken_scope = \"hunter2\"\n",
            "[[modules]]\nprefix = \"x\"\nfamily = \"hunter2\"\n",
        ] {
            let e = Config::parse(text).unwrap_err();
            assert!(!e.contains(secret), "{text:?}: {e}");
        }
        assert!(
            without_values("invalid type: string \"a, expected b\", expected u32")
                .ends_with("invalid type: string, expected u32")
        );
    }
}
