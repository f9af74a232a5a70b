//! Baseline for the benchmark: walk the same files stepup walks (ignore
//! crate, same skips), read and tree-sitter-parse every one, in parallel.
//! Nothing else. `cargo run --release --example bare_parse -- DIR`

use rayon::prelude::*;
use std::path::PathBuf;
use stepup::lang::Lang;
use stepup::session::walk::{WalkOptions, discover};

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).expect("usage: bare_parse DIR"));
    let found = discover(&dir, "", &WalkOptions::default()).expect("walk");
    let nodes: usize = found
        .targets
        .par_iter()
        .map(|t| {
            let lang = Lang::from_path(&t.path).expect("source file");
            let text = std::fs::read_to_string(&t.path).unwrap_or_default();
            lang.parse(&text).root_node().descendant_count()
        })
        .sum();
    println!("parsed {} files, {nodes} nodes", found.targets.len());
}
