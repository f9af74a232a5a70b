//! `stepup migrate -i`: each changed file's diff, then a question, as
//! `git add -p` asks: y (apply), n (skip), a (apply this and the rest),
//! q (apply none of the rest), ? (help). A file is accepted whole: its edits
//! depend on each other (a renamed call needs its import), so a hunk alone
//! could leave the file broken.

use crate::decisions::Decide;
use crate::report::escape::{terminal, terminal_code, terminal_start};
use crate::report::{Located, Report, diff};
use crate::write::{GitState, WriteOptions, guard_refusal};
use anstyle::{AnsiColor, Style};
use std::io::{BufRead, Write};

const HELP: &str = "y - apply this change
n - do not apply this change
a - apply this change and every remaining one
q - quit: apply none of the remaining changes (the accepted ones are written)
? - print this help
";

const SCOPE_HELP: &str = "1, 2, … - give the call this scope
s - skip this call (it stays as it is, reported)
q - quit choosing scopes (the remaining calls stay as they are)
? - print this help
";

/// Ask, at each token call stepup cannot give a scope (the findings with
/// candidate scope fixes), which scope it needs: the choices, as `--decide`
/// takes them. An answer that is not a choice (not even UTF-8) shows the
/// help and is asked again; the end of input, `q`, or a terminal that fails
/// ends the questions with the choices made so far.
pub fn choose_scopes(report: &Report, input: &mut dyn BufRead, out: &mut dyn Write) -> Vec<Decide> {
    let undecided: Vec<&Located> = report
        .findings
        .iter()
        .filter(|f| f.is_active() && !f.scope_fixes.is_empty())
        .collect();
    let mut chosen = Vec::new();
    let _ = ask_scopes(&undecided, input, out, &mut chosen);
    chosen
}

fn ask_scopes(
    undecided: &[&Located],
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    chosen: &mut Vec<Decide>,
) -> std::io::Result<()> {
    let prompt = Style::new().fg_color(Some(AnsiColor::Blue.into())).bold();
    for (n, f) in undecided.iter().enumerate() {
        writeln!(
            out,
            "\n({}/{}) {}:{}: {}",
            n + 1,
            undecided.len(),
            terminal_start(&f.path),
            f.line,
            terminal(&f.message)
        )?;
        for (i, fix) in f.scope_fixes.iter().enumerate() {
            writeln!(out, "  {}) TokenScope.{}", i + 1, terminal(&fix.scope))?;
        }
        loop {
            write!(
                out,
                "{}Scope for this call [1-{},s,q,?]?{} ",
                prompt.render(),
                f.scope_fixes.len(),
                prompt.render_reset()
            )?;
            out.flush()?;
            let mut bytes = Vec::new();
            if input.read_until(b'\n', &mut bytes)? == 0 {
                writeln!(out)?;
                return Ok(());
            }
            let line = String::from_utf8(bytes).unwrap_or_default();
            let answer = line.trim();
            if let Some(fix) = answer
                .parse::<usize>()
                .ok()
                .and_then(|k| k.checked_sub(1))
                .and_then(|k| f.scope_fixes.get(k))
            {
                chosen.push(Decide {
                    raw: format!("{}:{}={}", f.path, f.line, fix.scope),
                    path: f.path.clone().into(),
                    line: f.line,
                    scope: fix.scope.clone(),
                });
                break;
            }
            match answer.chars().next().map(|c| c.to_ascii_lowercase()) {
                Some('s') => break,
                Some('q') => return Ok(()),
                _ => write!(out, "{SCOPE_HELP}")?,
            }
        }
    }
    Ok(())
}

enum Answer {
    Yes,
    No,
    All,
    Quit,
}

/// Ask about every changed file of `report` on `out`, reading answers from
/// `input` (its end counts as `q`). Returns the files to write: the
/// accepted ones, and those the dirty-tree guard refuses (not asked about;
/// the write reports them as `--write` does). A question that cannot be
/// asked or answered (the terminal went away) ends the questions; what was
/// accepted until then is still returned.
pub fn review(
    report: &Report,
    write: &WriteOptions,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Vec<usize> {
    let changed: Vec<usize> = (0..report.files.len())
        .filter(|&i| report.files[i].change.is_some())
        .collect();
    let mut git = GitState::default();
    let mut to_write = Vec::new();
    let mut accepted = 0;
    let mut all = false;
    for (n, &i) in changed.iter().enumerate() {
        let file = &report.files[i];
        if let Some(reason) = guard_refusal(&mut git, &file.path, write) {
            let _ = writeln!(
                out,
                "{}: not asked: {}",
                terminal_start(&file.display),
                terminal(&reason)
            );
            to_write.push(i);
            continue;
        }
        if !all {
            // A terminal that fails mid-review ends the questions, not the
            // run: what was accepted is still written (and reported).
            let answer = show(report, i, (n + 1, changed.len()), out)
                .and_then(|()| ask(&file.display, input, out));
            match answer {
                Ok(Answer::Yes) => {}
                Ok(Answer::No) => continue,
                Ok(Answer::All) => all = true,
                Ok(Answer::Quit) => break,
                Err(e) => {
                    let _ = writeln!(
                        out,
                        "\nstepup: cannot ask about {} ({e}): no more questions; the {accepted} \
                         accepted changes are written",
                        file.display
                    );
                    break;
                }
            }
        }
        to_write.push(i);
        accepted += 1;
    }
    // Best effort: the accepted files are written whether or not this shows.
    let _ = writeln!(out, "{accepted} of {} changes accepted", changed.len());
    to_write
}

/// The file's diff, coloured, and what in it still needs a human.
fn show(
    report: &Report,
    i: usize,
    (n, total): (usize, usize),
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let file = &report.files[i];
    let change = file.change.as_ref().expect("a changed file");
    let bold = Style::new().bold();
    writeln!(
        out,
        "\n{}({n}/{total}) {}{}",
        bold.render(),
        terminal(&file.display),
        bold.render_reset()
    )?;
    let original = String::from_utf8_lossy(&change.original);
    for line in diff::unified(
        file.display_raw
            .as_deref()
            .unwrap_or(file.display.as_bytes()),
        &original,
        &change.rewritten,
    )
    .lines()
    {
        let style = match line.as_bytes().first() {
            _ if line.starts_with("+++")
                || line.starts_with("---")
                || line.starts_with("diff ") =>
            {
                bold
            }
            Some(b'+') => Style::new().fg_color(Some(AnsiColor::Green.into())),
            Some(b'-') => Style::new().fg_color(Some(AnsiColor::Red.into())),
            Some(b'@') => Style::new().fg_color(Some(AnsiColor::Cyan.into())),
            _ => Style::new(),
        };
        // Shown, not applied: the source's control characters are escaped.
        writeln!(
            out,
            "{}{}{}",
            style.render(),
            terminal_code(line),
            style.render_reset()
        )?;
    }
    let review: Vec<&Located> = report
        .needs_review()
        .chain(report.to_confirm())
        .filter(|f| f.path == file.display)
        .collect();
    if !review.is_empty() {
        writeln!(out, "Left for you in this file:")?;
        for f in review {
            writeln!(out, "  {}", crate::report::human::finding_line(f))?;
        }
    }
    Ok(())
}

fn ask(path: &str, input: &mut dyn BufRead, out: &mut dyn Write) -> std::io::Result<Answer> {
    let prompt = Style::new().fg_color(Some(AnsiColor::Blue.into())).bold();
    loop {
        write!(
            out,
            "{}Apply this change to {} [y,n,a,q,?]?{} ",
            prompt.render(),
            terminal(path),
            prompt.render_reset()
        )?;
        out.flush()?;
        // Bytes, not a String: an answer that is not UTF-8 is an answer
        // stepup does not know (help, and the question again), not an error.
        let mut line = Vec::new();
        if input.read_until(b'\n', &mut line)? == 0 {
            writeln!(out)?;
            return Ok(Answer::Quit);
        }
        let line = String::from_utf8_lossy(&line);
        match line.trim().chars().next().map(|c| c.to_ascii_lowercase()) {
            Some('y') => return Ok(Answer::Yes),
            Some('n') => return Ok(Answer::No),
            Some('a') => return Ok(Answer::All),
            Some('q') => return Ok(Answer::Quit),
            _ => write!(out, "{HELP}")?,
        }
    }
}
