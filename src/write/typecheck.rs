//! `migrate --write --typecheck`: run the project's own TypeScript compiler
//! before and after the write, and find the diagnostics the rewrite added.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// How to run the project's compiler.
pub struct Compiler {
    program: Vec<String>,
    tsconfig: PathBuf,
}

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

impl Compiler {
    /// The compiler for the project at `root`: `command` if given (e.g.
    /// "npx tsc"), else `node_modules/.bin/tsc` in `root` or a parent; the
    /// tsconfig given, else the nearest `tsconfig.json` at or above `root`.
    pub fn find(
        root: &Path,
        command: Option<&str>,
        tsconfig: Option<&Path>,
    ) -> Result<Compiler, String> {
        let root = crate::workspace::resolve::normalize(root);
        let start = if root.is_file() {
            root.parent().unwrap_or(&root).to_path_buf()
        } else {
            root.clone()
        };
        let tsconfig = match tsconfig {
            Some(t) => crate::workspace::resolve::normalize(t),
            None => start
                .ancestors()
                .map(|d| d.join("tsconfig.json"))
                .find(|p| p.is_file())
                .ok_or_else(|| {
                    format!(
                        "--typecheck needs a tsconfig.json: none in {} or its parents (pass --tsconfig FILE)",
                        start.display()
                    )
                })?,
        };
        if !tsconfig.is_file() {
            return Err(format!("--tsconfig {}: no such file", tsconfig.display()));
        }
        let program = match command {
            Some(c) => c.split_whitespace().map(str::to_string).collect(),
            None => {
                let tsc = start
                    .ancestors()
                    .map(|d| d.join("node_modules/.bin/tsc"))
                    .find(|p| p.is_file())
                    .ok_or_else(|| {
                        format!(
                            "--typecheck found no TypeScript compiler: no node_modules/.bin/tsc in {} or its parents. \
                             Install typescript in the project (npm install --save-dev typescript), or name a \
                             command with --tsc (e.g. --tsc \"npx tsc\"). Nothing was written.",
                            start.display()
                        )
                    })?;
                vec![tsc.to_string_lossy().to_string()]
            }
        };
        Ok(Compiler { program, tsconfig })
    }

    pub fn describe(&self) -> String {
        format!(
            "{} --noEmit -p {}",
            self.program.join(" "),
            self.tsconfig.display()
        )
    }

    /// Run the compiler; its diagnostics, with absolute file paths.
    pub fn run(&self) -> Result<Vec<Diagnostic>, String> {
        let dir = self.tsconfig.parent().unwrap_or(Path::new("."));
        let out = Command::new(&self.program[0])
            .args(&self.program[1..])
            .args(["--noEmit", "--pretty", "false", "-p"])
            .arg(&self.tsconfig)
            .current_dir(dir)
            .output()
            .map_err(|e| format!("cannot run {}: {e}", self.describe()))?;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let diags = parse(&text, dir);
        if !out.status.success() && diags.is_empty() {
            return Err(format!(
                "{} failed without diagnostics:\n{text}",
                self.describe()
            ));
        }
        Ok(diags)
    }
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
                file: crate::workspace::resolve::normalize(&dir.join(file)),
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
    let files: HashSet<PathBuf> = files
        .iter()
        .map(|f| crate::workspace::resolve::normalize(f))
        .collect();
    after
        .iter()
        .filter(|d| files.contains(&d.file) && !seen.contains(&d.key()))
        .cloned()
        .collect()
}
