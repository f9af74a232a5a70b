//! The dirty-tree guard: git's view of the files stepup may write. It fails
//! closed: when git cannot answer, the file is not written. Paths are
//! compared as bytes, physically (symbolic links resolved).

use std::collections::HashMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where a file stands with git.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileState {
    /// Not inside a git work tree.
    NoVcs,
    /// `git` is not on PATH: nothing can be checked.
    NoGit,
    /// Tracked, with no uncommitted change: git holds its original bytes.
    Clean,
    /// Modified or staged.
    Dirty,
    /// Not in git's index (untracked or ignored): git holds no copy.
    Untracked,
    /// Marked assume-unchanged or skip-worktree: `git status` cannot see changes.
    Unknowable,
    /// git failed; its own message.
    GitFailed(String),
    /// Reached through a symbolic link that leads out of another repository,
    /// or its path cannot be resolved: the reason.
    Refused(String),
}

/// A file to write: where it physically is, and its state.
pub struct Placed {
    pub physical: PathBuf,
    pub state: FileState,
}

/// Why git could not say which repository a directory is in.
#[derive(Debug, Clone)]
enum TopError {
    NotInstalled,
    Failed(String),
}

/// What `git status` and `git ls-files` say of one work tree, by path
/// relative to its top level, as bytes.
struct Repo {
    /// Two-letter status of every path with a change (`??` untracked).
    changed: HashMap<PathBuf, [u8; 2]>,
    /// Every path in the index, with its `ls-files -v` tag.
    tracked: HashMap<PathBuf, u8>,
}

/// git's view of the files stepup may write: the work tree of each
/// directory, and `git status`/`git ls-files` run once per work tree.
#[derive(Default)]
pub struct GitState {
    toplevels: HashMap<PathBuf, Result<Option<PathBuf>, TopError>>,
    repos: HashMap<PathBuf, Result<Repo, String>>,
    crossings: HashMap<PathBuf, Option<String>>,
}

impl GitState {
    pub fn place(&mut self, file: &Path) -> Placed {
        if std::fs::symlink_metadata(file).is_ok_and(|m| m.file_type().is_symlink()) {
            return Placed {
                physical: file.to_path_buf(),
                state: FileState::Refused(
                    "is a symbolic link; stepup does not write through links".into(),
                ),
            };
        }
        let physical = match file.canonicalize() {
            Ok(p) => p,
            Err(e) => {
                return Placed {
                    physical: file.to_path_buf(),
                    state: FileState::Refused(format!("cannot resolve its path: {e}")),
                };
            }
        };
        let state = self.state_of(file, &physical);
        Placed { physical, state }
    }

    fn state_of(&mut self, file: &Path, physical: &Path) -> FileState {
        let dir = physical.parent().unwrap_or(Path::new("/"));
        let top = match self.toplevel(dir) {
            Ok(top) => top,
            Err(TopError::NotInstalled) => return FileState::NoGit,
            Err(TopError::Failed(m)) => return FileState::GitFailed(m),
        };
        if let Some(reason) = self.crossing(file, top.as_deref()) {
            return FileState::Refused(reason);
        }
        let Some(top) = top else {
            return FileState::NoVcs;
        };
        let repo = match self
            .repos
            .entry(top.clone())
            .or_insert_with(|| read_repo(&top))
        {
            Ok(r) => r,
            Err(m) => return FileState::GitFailed(m.clone()),
        };
        let Ok(rel) = physical.strip_prefix(&top) else {
            return FileState::GitFailed(format!(
                "it is not under the work tree {} git names",
                top.display()
            ));
        };
        if let Some(code) = repo.changed.get(rel) {
            return if code == b"??" {
                FileState::Untracked
            } else {
                FileState::Dirty
            };
        }
        match repo.tracked.get(rel) {
            None => FileState::Untracked,
            Some(tag) if tag.is_ascii_lowercase() || *tag == b'S' => FileState::Unknowable,
            Some(_) => FileState::Clean,
        }
    }

    /// The work tree `dir` (a physical path) is in, if any.
    fn toplevel(&mut self, dir: &Path) -> Result<Option<PathBuf>, TopError> {
        self.toplevels
            .entry(dir.to_path_buf())
            .or_insert_with(|| toplevel(dir))
            .clone()
    }

    /// A symbolic link on the way to `file` (as given) that leads out of a
    /// repository other than `top`, the one the file physically is in.
    /// Links above a work tree (`/tmp` → `/private/tmp`), links inside one
    /// and links from outside any repository are fine.
    fn crossing(&mut self, file: &Path, top: Option<&Path>) -> Option<String> {
        let absolute = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
        let dir = absolute.parent()?.to_path_buf();
        if let Some(hit) = self.crossings.get(&dir) {
            return hit.clone();
        }
        let mut found = None;
        for link in dir.ancestors() {
            let is_link = std::fs::symlink_metadata(link).is_ok_and(|m| m.file_type().is_symlink());
            let Some(parent) = link.parent().filter(|_| is_link) else {
                continue;
            };
            let Ok(parent) = parent.canonicalize() else {
                continue;
            };
            if let Ok(Some(from)) = self.toplevel(&parent)
                && Some(from.as_path()) != top
            {
                found = Some(format!(
                    "is reached through the symbolic link {}, which leads out of the git \
                     repository {}; stepup writes only inside the repository a path is given in \
                     (run it on {} itself)",
                    link.display(),
                    from.display(),
                    link.canonicalize()
                        .unwrap_or_else(|_| link.to_path_buf())
                        .display()
                ));
                break;
            }
        }
        self.crossings.insert(dir, found.clone());
        found
    }
}

/// git in `dir`, with the settings that would run a program the repository
/// chose turned off, as git's own advice for tools reading untrusted
/// repositories goes: no `core.fsmonitor` hook, no system config, no lazy
/// fetch of missing objects, no optional index write. (Clean filters, which
/// `git status` runs on files whose stat data changed, are turned off by
/// `read_repo`, which knows their names.)
pub(crate) fn command(dir: &Path) -> Command {
    let mut c = Command::new("git");
    // Messages in English whatever the locale: "not a git repository" is matched.
    c.env("LC_ALL", "C")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_NO_LAZY_FETCH", "1")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env_remove("GIT_EXTERNAL_DIFF")
        .arg("-C")
        .arg(dir)
        .args(["-c", "core.fsmonitor=false"]);
    c
}

fn git(dir: &Path) -> Command {
    command(dir)
}

/// The `-c` arguments that turn off every filter driver git's configuration
/// defines (`filter.<name>.clean`, `.smudge`, `.process`): `git status` runs
/// a clean filter on a file whose stat data changed, and `.gitattributes`
/// chooses which, so a checkout could otherwise make stepup run a program.
/// `required` is turned off too, so the empty driver is not an error.
fn filters_off(top: &Path) -> Result<Vec<String>, String> {
    let out = git(top)
        .args(["config", "-z", "--name-only", "--get-regexp", r"^filter\."])
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    // Exit 1: no such variable.
    if !out.status.success() && out.status.code() != Some(1) {
        return Err(failure("config --get-regexp", &out));
    }
    let mut names: Vec<&[u8]> = out
        .stdout
        .split(|b| *b == 0)
        .filter_map(|key| {
            let rest = key.strip_prefix(b"filter.")?;
            let dot = rest.iter().rposition(|b| *b == b'.')?;
            Some(&rest[..dot])
        })
        .collect();
    names.sort();
    names.dedup();
    let mut args = Vec::new();
    for name in names {
        let name = std::str::from_utf8(name)
            .ok()
            .filter(|n| !n.contains(['=', '\n']))
            .ok_or_else(|| {
                format!(
                    "the repository defines a filter driver ({:?}) stepup cannot turn off, so it \
                     does not run `git status` there",
                    String::from_utf8_lossy(name)
                )
            })?;
        for key in ["clean", "smudge", "process"] {
            args.extend(["-c".to_string(), format!("filter.{name}.{key}=")]);
        }
        args.extend(["-c".to_string(), format!("filter.{name}.required=false")]);
    }
    Ok(args)
}

/// git's own message for a failed command.
fn failure(what: &str, out: &std::process::Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let message = stderr.trim();
    if message.is_empty() {
        format!("`git {what}` failed with {}", out.status)
    } else {
        format!("`git {what}` failed: {message}")
    }
}

fn toplevel(dir: &Path) -> Result<Option<PathBuf>, TopError> {
    let out = match git(dir).args(["rev-parse", "--show-toplevel"]).output() {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(TopError::NotInstalled),
        Err(e) => return Err(TopError::Failed(format!("cannot run git: {e}"))),
    };
    if !out.status.success() {
        if String::from_utf8_lossy(&out.stderr).contains("not a git repository") {
            return Ok(None);
        }
        return Err(TopError::Failed(failure("rev-parse --show-toplevel", &out)));
    }
    // Exactly one newline ends the path; anything else (a `\r`) is part of it.
    let raw = out.stdout.strip_suffix(b"\n").unwrap_or(&out.stdout);
    let top = path_from_bytes(raw);
    Ok(Some(top.canonicalize().unwrap_or(top)))
}

/// `git status` and `git ls-files` of the work tree at `top`.
fn read_repo(top: &Path) -> Result<Repo, String> {
    let status_args = [
        "status",
        "--porcelain=v1",
        "-z",
        "--untracked-files=all",
        "--no-renames",
        // A submodule's own git would run with its own filters; stepup
        // never writes a submodule's entry, and files inside one are
        // asked about in the submodule's own work tree.
        "--ignore-submodules=all",
    ];
    let filters = filters_off(top)?;
    let status = run_with(top, &filters, &status_args)?;
    let mut changed = HashMap::new();
    for entry in status.split(|b| *b == 0) {
        if entry.len() > 3 {
            changed.insert(path_from_bytes(&entry[3..]), [entry[0], entry[1]]);
        }
    }
    let listed = run(top, &["ls-files", "-z", "-v"])?;
    let mut tracked = HashMap::new();
    for entry in listed.split(|b| *b == 0) {
        if entry.len() > 2 {
            tracked.insert(path_from_bytes(&entry[2..]), entry[0]);
        }
    }
    Ok(Repo { changed, tracked })
}

/// Run git in `top`; its stdout, or its own error message.
fn run(top: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    run_with(top, &[], args)
}

/// Run git in `top` with `config` (`-c` arguments) before the command.
fn run_with(top: &Path, config: &[String], args: &[&str]) -> Result<Vec<u8>, String> {
    let out = git(top)
        .args(config)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(failure(&args[..2.min(args.len())].join(" "), &out));
    }
    Ok(out.stdout)
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(OsStr::from_bytes(bytes))
}

/// git writes paths as UTF-8 where paths are not bytes.
#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(OsStr::new(&*String::from_utf8_lossy(bytes)))
}
