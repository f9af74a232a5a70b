//! Byte-range edits and the splice that applies them: every byte outside an
//! edit is copied through untouched.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

impl Edit {
    pub fn replace(start: usize, end: usize, text: impl Into<String>) -> Edit {
        Edit {
            start,
            end,
            text: text.into(),
        }
    }
    pub fn insert(at: usize, text: impl Into<String>) -> Edit {
        Edit::replace(at, at, text)
    }
    pub fn delete(start: usize, end: usize) -> Edit {
        Edit::replace(start, end, "")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overlap {
    pub first: (usize, usize),
    pub second: (usize, usize),
}

/// Apply edits to `src`. Overlapping edits are a planning bug: they are
/// returned as an error, never half-applied. Identical duplicate edits are
/// merged (two rules may both decide the same rename).
pub fn apply(src: &str, edits: &[Edit]) -> Result<String, Overlap> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.start, e.end));
    sorted.dedup_by(|a, b| a == b);
    for pair in sorted.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        // Two insertions at one point are ambiguous too.
        if b.start < a.end || (a.start == b.start && a.start == a.end && b.start == b.end) {
            return Err(Overlap {
                first: (a.start, a.end),
                second: (b.start, b.end),
            });
        }
    }
    let mut out = String::with_capacity(src.len() + 64);
    let mut pos = 0;
    for e in sorted {
        out.push_str(&src[pos..e.start]);
        out.push_str(&e.text);
        pos = e.end;
    }
    out.push_str(&src[pos..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splices_and_keeps_other_bytes() {
        let src = "a\r\nbb\r\nccc";
        let out = apply(
            src,
            &[Edit::replace(3, 5, "XY"), Edit::insert(0, "// h\r\n")],
        )
        .unwrap();
        assert_eq!(out, "// h\r\na\r\nXY\r\nccc");
    }

    #[test]
    fn rejects_overlap() {
        let err = apply(
            "abcdef",
            &[Edit::replace(0, 3, "x"), Edit::replace(2, 4, "y")],
        );
        assert!(err.is_err());
    }

    #[test]
    fn merges_identical_edits() {
        let out = apply("abc", &[Edit::replace(0, 1, "z"), Edit::replace(0, 1, "z")]).unwrap();
        assert_eq!(out, "zbc");
    }
}
