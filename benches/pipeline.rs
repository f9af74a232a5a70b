//! Micro-benchmarks of the per-file pipeline on a typical component file
//! (Dynamic's guide example, a legacy TOTP export): prefilter, parse,
//! analyse + plan, and the whole per-file run. `cargo bench --bench pipeline`

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use stepup::analysis::bindings::Bindings;
use stepup::analysis::suppressions::Suppressions;
use stepup::analysis::{NodeIndex, descendants};
use stepup::engine::Engine;
use stepup::lang::Lang;
use stepup::migration::{FileCtx, plan_file, syntax::dominant_newline};
use stepup::table::Table;

fn pipeline(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src =
        std::fs::read_to_string(root.join("examples/wallet-app/src/components/TotpSignForm.tsx"))
            .unwrap();
    let rules = Table::builtin();
    let engine = Engine::new(rules.clone());
    let workspace = stepup::workspace::FsWorkspace::new();
    let dir = root.join("examples/wallet-app/src/components");

    c.bench_function("prefilter", |b| {
        b.iter(|| engine.is_candidate(black_box(src.as_bytes())))
    });
    c.bench_function("parse", |b| b.iter(|| Lang::Tsx.parse(black_box(&src))));
    let tree = Lang::Tsx.parse(&src);
    c.bench_function("analyse + plan", |b| {
        b.iter(|| {
            let root = tree.root_node();
            let bindings = Bindings::from_tree(root, &src);
            let nodes = descendants(root);
            let index = NodeIndex::build(&nodes, &tree.language());
            let no_scopes = |_: &str| false;
            let ctx = FileCtx {
                src: &src,
                root,
                index: &index,
                bindings: &bindings,
                table: &rules,
                scope_available: &no_scopes,
                newline: dominant_newline(&src),
                suppressions: &Suppressions::default(),
                manual_mock_of: None,
                reexports_dynamic: &|_| false,
                scopes_declared: false,
                decisions: None,
                paired_checks: Default::default(),
                undecided: Default::default(),
            };
            black_box(plan_file(&ctx))
        })
    });
    c.bench_function("whole file (parse, plan, apply, verify)", |b| {
        let env = stepup::engine::FileEnv {
            dir: &dir,
            workspace: &workspace,
            manual_mock_of: None,
            decisions: None,
        };
        b.iter(|| engine.process(black_box(&src), Lang::Tsx, &env))
    });
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
