//! `migrate --write --typecheck`: run the project's own TypeScript compiler
//! before and after the write, and find the diagnostics the rewrite added.
//!
//! A solution-style tsconfig (`files: []` and `references`, Vite's layout)
//! includes no file itself: `tsc -p` on it checks nothing and succeeds. Its
//! referenced projects are checked instead: `tsc -b --noEmit` from
//! TypeScript 5.6 on (before, `-b` refuses `--noEmit`: TS5094), else each
//! referenced project with `-p`. A configuration the compiler rejects, or
//! one that includes no file, is refused: the check would prove nothing.

use crate::workspace::manifest::workspace_root;
use crate::workspace::resolve::{normalize, project_references, resolve_dots};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// How to run the project's compiler.
pub struct Compiler {
    program: Vec<String>,
    tsconfig: PathBuf,
    mode: Mode,
    /// `tsc --version`, when it says.
    version: Option<String>,
}

/// What one check runs.
enum Mode {
    /// `tsc --noEmit -p tsconfig`.
    Project,
    /// `tsc -b tsconfig --noEmit`: the referenced projects, in build order.
    Build,
    /// `tsc --noEmit -p` on each referenced project (TypeScript < 5.6).
    Each(Vec<PathBuf>),
}

/// The first TypeScript whose `tsc -b` accepts `--noEmit`.
const BUILD_NO_EMIT: (u64, u64) = (5, 6);

/// One `tsc --pretty false` diagnostic; the line is kept for the report but
/// not compared (a rewrite moves lines).
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub line: usize,
    pub code: String,
    pub message: String,
}

impl Diagnostic {
    fn key(&self) -> (PathBuf, String, String) {
        (self.file.clone(), self.code.clone(), self.message.clone())
    }
}

/// Where the search for a compiler and a tsconfig stops: the repository's
/// top (the nearest folder holding `.git`, found on disk: git is not asked,
/// so a repository git refuses to trust still bounds the search), else the
/// root of the package-manager workspace that lists the package, else the
/// package's folder, else `start`. A `node_modules/.bin/tsc` above it (in a
/// shared parent folder) is never run.
pub fn search_root(start: &Path) -> PathBuf {
    start
        .ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
        .or_else(|| workspace_root(start))
        .unwrap_or_else(|| start.to_path_buf())
}

/// The folders from `start` up to `root` (both included; only `start` when
/// `root` is not above it).
fn up_to<'a>(start: &'a Path, root: &'a Path) -> impl Iterator<Item = &'a Path> {
    let inside = start.starts_with(root);
    let mut done = false;
    start.ancestors().take_while(move |d| {
        let take = !done;
        done = !inside || *d == root;
        take
    })
}

impl Compiler {
    /// The compiler for the project at `root`: `command` if given (e.g.
    /// "npx tsc"), else `node_modules/.bin/tsc` in `root` or a parent up to
    /// the repository root; the tsconfig given, else the nearest
    /// `tsconfig.json` up to the same root.
    pub fn find(
        root: &Path,
        command: Option<&str>,
        tsconfig: Option<&Path>,
    ) -> Result<Compiler, String> {
        let root = resolve_dots(root);
        let start = if root.is_file() {
            root.parent().unwrap_or(&root).to_path_buf()
        } else {
            root.clone()
        };
        // Physical paths, as git gives its top.
        let start = start.canonicalize().unwrap_or(start);
        let top = search_root(&start);
        let tsconfig = match tsconfig {
            Some(t) => resolve_dots(t),
            None => up_to(&start, &top)
                .map(|d| d.join("tsconfig.json"))
                .find(|p| p.is_file())
                .ok_or_else(|| {
                    format!(
                        "--typecheck needs a tsconfig.json: none in {} or its parents up to the repository root {} (pass --tsconfig FILE)",
                        start.display(),
                        top.display()
                    )
                })?,
        };
        if !tsconfig.is_file() {
            return Err(format!("--tsconfig {}: no such file", tsconfig.display()));
        }
        let program = match command {
            Some(c) => c.split_whitespace().map(str::to_string).collect(),
            None => {
                let tsc = up_to(&start, &top)
                    .map(|d| d.join("node_modules/.bin/tsc"))
                    .find(|p| p.is_file())
                    .ok_or_else(|| {
                        format!(
                            "--typecheck found no TypeScript compiler: no node_modules/.bin/tsc in {} or its parents up to the repository root {}. \
                             Install typescript in the project (npm install --save-dev typescript), or name a \
                             command with --tsc (e.g. --tsc \"npx tsc\"). Nothing was written.",
                            start.display(),
                            top.display()
                        )
                    })?;
                vec![tsc.to_string_lossy().to_string()]
            }
        };
        let references =
            project_references(&tsconfig).map_err(|e| format!("{}: {e}", tsconfig.display()))?;
        let mut compiler = Compiler {
            program,
            tsconfig,
            mode: Mode::Project,
            version: None,
        };
        compiler.version = compiler.ask_version();
        if !references.is_empty() {
            let build = compiler
                .version
                .as_deref()
                .and_then(major_minor)
                .is_some_and(|v| v >= BUILD_NO_EMIT);
            compiler.mode = if build {
                Mode::Build
            } else {
                Mode::Each(references)
            };
        }
        Ok(compiler)
    }

    fn ask_version(&self) -> Option<String> {
        let out = Command::new(&self.program[0])
            .args(&self.program[1..])
            .arg("--version")
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let v = text.trim().strip_prefix("Version ")?;
        Some(v.to_string())
    }

    /// What runs, for the report: the compiler, its version, the command.
    pub fn describe(&self) -> String {
        let program = self.program.join(" ");
        let version = self
            .version
            .as_deref()
            .map(|v| format!(" (TypeScript {v})"))
            .unwrap_or_default();
        let tsconfig = self.tsconfig.display();
        let how = match &self.mode {
            Mode::Project => format!("--noEmit -p {tsconfig}"),
            Mode::Build => format!("-b {tsconfig} --noEmit"),
            Mode::Each(refs) => format!(
                "--noEmit -p on each project {tsconfig} references: {}",
                refs.iter()
                    .map(|r| r.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        format!("{program}{version} {how}")
    }

    /// Run the compiler; its diagnostics, with absolute file paths. Err when
    /// it fails without diagnostics, rejects the configuration, or the
    /// configuration includes no file.
    pub fn run(&self) -> Result<Vec<Diagnostic>, String> {
        let dir = self.tsconfig.parent().unwrap_or(Path::new("."));
        let runs: Vec<Vec<std::ffi::OsString>> = match &self.mode {
            Mode::Project => vec![vec!["-p".into(), self.tsconfig.clone().into()]],
            Mode::Build => vec![vec!["-b".into(), self.tsconfig.clone().into()]],
            Mode::Each(refs) => refs
                .iter()
                .map(|r| vec!["-p".into(), r.clone().into()])
                .collect(),
        };
        let mut diags = Vec::new();
        for args in runs {
            let out = Command::new(&self.program[0])
                .args(&self.program[1..])
                .args(&args)
                .args(["--noEmit", "--pretty", "false"])
                .current_dir(dir)
                .output()
                .map_err(|e| format!("cannot run {}: {e}", self.describe()))?;
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            refuse_useless(&text, &self.describe())?;
            let found = parse(&text, dir);
            if !out.status.success() && found.is_empty() {
                return Err(format!(
                    "{} failed without diagnostics:\n{text}",
                    self.describe()
                ));
            }
            diags.extend(found);
        }
        Ok(diags)
    }
}

/// "5.9.3" → (5, 9).
fn major_minor(version: &str) -> Option<(u64, u64)> {
    let mut parts = version.split(['.', '-']);
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// Err when the compiler's output shows it checked nothing: the
/// configuration includes no file (TS18002, TS18003), or it has errors of
/// its own (tsc then checks no source file at all).
fn refuse_useless(text: &str, what: &str) -> Result<(), String> {
    let errors = text.lines().filter(|l| l.contains("error TS"));
    for line in errors {
        if line.contains("error TS18002:") || line.contains("error TS18003:") {
            return Err(format!(
                "--typecheck refused: the tsconfig includes no file, so {what} would check nothing ({}). \
                 Pass --tsconfig with the project that includes your sources. Nothing was written.",
                line.trim()
            ));
        }
        let in_config = line
            .split_once("): error ")
            .and_then(|(loc, _)| loc.rsplit_once('('))
            .is_some_and(|(file, _)| file.ends_with(".json"));
        if in_config || line.starts_with("error TS5") || line.starts_with("error TS6") {
            return Err(format!(
                "--typecheck refused: the compiler rejects the configuration and type-checks no file while it does ({}); \
                 fix it (or pass --tsconfig with another project) and run again. Nothing was written.",
                line.trim()
            ));
        }
    }
    Ok(())
}

/// `src/a.tsx(12,5): error TS2322: Type …` lines.
fn parse(text: &str, dir: &Path) -> Vec<Diagnostic> {
    text.lines()
        .filter_map(|l| {
            let (loc, rest) = l.split_once("): error ")?;
            let (file, pos) = loc.rsplit_once('(')?;
            let line = pos.split(',').next()?.parse().ok()?;
            let (code, message) = rest.split_once(": ")?;
            Some(Diagnostic {
                file: normalize(&dir.join(file)),
                line,
                code: code.to_string(),
                message: message.to_string(),
            })
        })
        .collect()
}

/// Diagnostics of `after` that `before` did not have, in the given files.
pub fn new_in(before: &[Diagnostic], after: &[Diagnostic], files: &[PathBuf]) -> Vec<Diagnostic> {
    let seen: HashSet<_> = before.iter().map(Diagnostic::key).collect();
    let files: HashSet<PathBuf> = files.iter().map(|f| normalize(f)).collect();
    after
        .iter()
        .filter(|d| files.contains(&d.file) && !seen.contains(&d.key()))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_stops_at_the_root() {
        let dirs: Vec<&Path> = up_to(Path::new("/a/b/c"), Path::new("/a")).collect();
        assert_eq!(
            dirs,
            [Path::new("/a/b/c"), Path::new("/a/b"), Path::new("/a")]
        );
        let dirs: Vec<&Path> = up_to(Path::new("/a/b"), Path::new("/x")).collect();
        assert_eq!(dirs, [Path::new("/a/b")]);
    }

    #[test]
    fn a_configuration_that_checks_nothing_is_refused() {
        assert!(refuse_useless("src/a.ts(1,1): error TS2322: x", "tsc").is_ok());
        let no_files = "tsconfig.json(1,11): error TS18002: The 'files' list in config file '/p/tsconfig.json' is empty.";
        assert!(
            refuse_useless(no_files, "tsc")
                .unwrap_err()
                .contains("includes no file")
        );
        let no_inputs = "error TS18003: No inputs were found in config file '/p/tsconfig.json'.";
        assert!(refuse_useless(no_inputs, "tsc").is_err());
        let removed = "tsconfig.app.json(9,21): error TS5102: Option 'baseUrl' has been removed.";
        assert!(
            refuse_useless(removed, "tsc")
                .unwrap_err()
                .contains("rejects the configuration")
        );
        assert!(
            refuse_useless(
                "error TS5094: Compiler option '--noEmit' may not be used with '--build'.",
                "tsc"
            )
            .is_err()
        );
    }

    #[test]
    fn versions() {
        assert_eq!(major_minor("5.9.3"), Some((5, 9)));
        assert_eq!(major_minor("7.0.2"), Some((7, 0)));
        assert_eq!(major_minor("5.6.0-beta"), Some((5, 6)));
    }
}
