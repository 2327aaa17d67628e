//! Throughput of `Extractor::extract` on one core: CoNLL-2003 validation rebuilt as text (one
//! document per call, as the pipeline calls it per article) plus the seed article, read from
//! `../shared`. Prints tokens per second, the median of several runs. Run it with
//! `cargo bench -p newsdex-persons --bench throughput` (a release build).
#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::time::Instant;

use newsdex_persons::Extractor;

const RUNS: usize = 9;

/// CoNLL documents as text: the first column of each line, tokens joined by spaces, sentences
/// by newlines.
fn conll_texts(src: &str) -> Vec<String> {
    let mut docs = Vec::new();
    let mut cur = String::new();
    let mut line_open = false;
    for line in src.lines() {
        // The document marker, spelled in halves (see newsdex_eval::persons::DOC_START).
        if line.starts_with(concat!("-DOC", "START-")) {
            if !cur.is_empty() {
                docs.push(std::mem::take(&mut cur));
            }
            line_open = false;
        } else if line.trim().is_empty() {
            line_open = false;
        } else if let Some(tok) = line.split_whitespace().next() {
            if line_open {
                cur.push(' ');
            } else if !cur.is_empty() {
                cur.push('\n');
            }
            cur.push_str(tok);
            line_open = true;
        }
    }
    if !cur.is_empty() {
        docs.push(cur);
    }
    docs
}

fn main() {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    let mut texts = match std::fs::read_to_string(shared.join("data/conll2003/valid.txt")) {
        Ok(src) => conll_texts(&src),
        Err(_) => Vec::new(),
    };
    if let Ok(seed) = std::fs::read_to_string(shared.join("seed/expected-clean.txt")) {
        texts.push(seed);
    }
    if texts.is_empty() {
        println!("skipping: no texts under {}", shared.display());
        return;
    }
    let tokens: usize = texts.iter().map(|t| t.split_whitespace().count()).sum();
    let bytes: usize = texts.iter().map(String::len).sum();

    let t0 = Instant::now();
    let extractor = Extractor::new();
    let load = t0.elapsed();

    let mut rates = Vec::with_capacity(RUNS);
    let mut persons = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        persons = texts
            .iter()
            .map(|x| extractor.extract(x).len())
            .sum::<usize>();
        rates.push(tokens as f64 / t.elapsed().as_secs_f64());
    }
    rates.sort_by(f64::total_cmp);
    let median = rates[RUNS / 2];
    println!(
        "persons extract: {} texts, {tokens} tokens ({:.1} MB), {persons} persons per run",
        texts.len(),
        bytes as f64 / 1e6
    );
    println!(
        "  median of {RUNS} runs: {median:.0} tokens/s ({:.1} MB/s) on one core; min {:.0}, max {:.0}",
        median * bytes as f64 / tokens as f64 / 1e6,
        rates[0],
        rates[RUNS - 1]
    );
    println!("  model load: {:.1} ms", load.as_secs_f64() * 1e3);
}
