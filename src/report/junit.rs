//! `--format junit`: JUnit XML for the CI systems that show test results
//! (Jenkins, Azure DevOps, CircleCI, GitLab's test report): one test suite,
//! one test case per file, a `<failure>` per error finding; warnings and
//! info are in the test case's `<system-out>`; a file stepup could not
//! process as asked is an `<error>`. Written with `quick-xml`, which
//! escapes text and attributes.

use super::{Located, Printer, Report};
use crate::finding::Severity;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use std::collections::BTreeMap;

pub struct Junit;

/// What one file contributes.
#[derive(Default)]
struct Case<'r> {
    failures: Vec<&'r Located>,
    others: Vec<&'r Located>,
    errors: Vec<String>,
}

/// XML 1.0 cannot hold most control characters, even escaped: they become
/// U+FFFD. (Text from the user's files passes through here.)
fn xml_text(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => '\u{fffd}',
            c => c,
        })
        .collect()
}

fn place(f: &Located) -> String {
    format!(
        "{}:{}:{}  {}  {}  {}",
        f.path,
        f.line,
        f.column,
        f.severity.as_str(),
        f.rule,
        f.message
    )
}

impl Printer for Junit {
    fn print(&self, report: &Report) -> String {
        let mut cases: BTreeMap<&str, Case> = BTreeMap::new();
        for f in &report.files {
            cases.entry(f.display.as_str()).or_default();
        }
        for f in report.active() {
            let case = cases.entry(f.path.as_str()).or_default();
            if f.severity == Severity::Error {
                case.failures.push(f);
            } else {
                case.others.push(f);
            }
        }
        for p in report.problems.iter().filter(|p| p.is_error()) {
            cases
                .entry(p.path.as_str())
                .or_default()
                .errors
                .push(p.message());
        }
        let failed = cases.values().filter(|c| !c.failures.is_empty()).count();
        let errored = cases.values().filter(|c| !c.errors.is_empty()).count();
        let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
        let time = format!("{:.3}", report.summary.elapsed_ms as f64 / 1000.0);
        let written: std::io::Result<()> = (|| {
            w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
            w.create_element("testsuites")
                .with_attribute(("name", "stepup"))
                .with_attribute(("tests", cases.len().to_string().as_str()))
                .with_attribute(("failures", failed.to_string().as_str()))
                .with_attribute(("errors", errored.to_string().as_str()))
                .with_attribute(("time", time.as_str()))
                .write_inner_content(|w| {
                    w.create_element("testsuite")
                        .with_attribute(("name", "stepup check"))
                        .with_attribute(("tests", cases.len().to_string().as_str()))
                        .with_attribute(("failures", failed.to_string().as_str()))
                        .with_attribute(("errors", errored.to_string().as_str()))
                        .with_attribute(("skipped", "0"))
                        .with_attribute(("time", time.as_str()))
                        .write_inner_content(|w| {
                            for (path, case) in &cases {
                                write_case(w, path, case)?;
                            }
                            Ok(())
                        })?;
                    Ok(())
                })?;
            Ok(())
        })();
        written.expect("writing XML to memory");
        let mut s = String::from_utf8(w.into_inner()).expect("XML from UTF-8 text");
        s.push('\n');
        s
    }
}

fn write_case(w: &mut Writer<Vec<u8>>, path: &str, case: &Case) -> std::io::Result<()> {
    let path = xml_text(path);
    let element = w
        .create_element("testcase")
        .with_attribute(("name", path.as_str()))
        .with_attribute(("classname", "stepup"));
    if case.failures.is_empty() && case.others.is_empty() && case.errors.is_empty() {
        element.write_empty()?;
        return Ok(());
    }
    element.write_inner_content(|w| {
        for f in &case.failures {
            let message = xml_text(&format!("{}:{} {}", f.line, f.column, f.message));
            w.create_element("failure")
                .with_attribute(("type", f.rule))
                .with_attribute(("message", message.as_str()))
                .write_text_content(BytesText::new(&xml_text(&place(f))))?;
        }
        for e in &case.errors {
            let e = xml_text(e);
            w.create_element("error")
                .with_attribute(("type", "problem"))
                .with_attribute(("message", e.as_str()))
                .write_text_content(BytesText::new(&e))?;
        }
        if !case.others.is_empty() {
            let lines: Vec<String> = case.others.iter().map(|f| place(f)).collect();
            w.create_element("system-out")
                .write_text_content(BytesText::new(&xml_text(&lines.join("\n"))))?;
        }
        Ok(())
    })?;
    Ok(())
}
