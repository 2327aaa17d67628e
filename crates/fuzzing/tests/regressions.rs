//! Every input the fuzzers kept (`fuzz/corpus/<target>/`) or that once crashed a target
//! (`fuzz/regressions/<target>/`, named for the bug), replayed through the same bodies in the
//! normal test run: what was fixed stays fixed, on machines without a fuzzing toolchain.

use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

fn inputs(target: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for kind in ["corpus", "regressions"] {
        let dir = fuzz_dir().join(kind).join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        files.extend(entries.filter_map(Result::ok).map(|e| e.path()));
    }
    files.sort();
    files
}

#[test]
fn every_committed_fuzz_input_runs_clean() {
    let mut replayed = 0;
    for (target, body) in newsdex_fuzzing::TARGETS {
        for path in inputs(target) {
            let data = std::fs::read(&path).expect("read fuzz input");
            body(&data);
            replayed += 1;
        }
    }
    // The corpora are committed with the targets; an empty replay means they went missing.
    assert!(
        replayed > 0,
        "no fuzz inputs found under {}",
        fuzz_dir().display()
    );
}
