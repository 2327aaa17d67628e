//! Splits the cleaner's time per page into parsing and the rest, over the HTML files given on
//! the command line (fastest of three rounds per page, so a busy machine disturbs it less):
//! `cargo run --release -p newsdex-cleaner --example timing -- FILES...`
#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

fn fastest(rounds: usize, mut f: impl FnMut()) -> Duration {
    (0..rounds)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let files: Vec<Vec<u8>> = std::env::args()
        .skip(1)
        .filter_map(|p| std::fs::read(p).ok())
        .collect();
    let cleaner = newsdex_cleaner::Cleaner::default();
    let mut parse = Vec::with_capacity(files.len());
    let mut clean = Vec::with_capacity(files.len());
    for body in &files {
        let text = String::from_utf8_lossy(body);
        parse.push(fastest(3, || drop(scraper::Html::parse_document(&text))));
        clean.push(fastest(3, || {
            drop(cleaner.clean(body, "https://example.com/", None));
        }));
    }
    let report = |name: &str, mut times: Vec<Duration>| {
        let mean = times.iter().sum::<Duration>().as_secs_f64() * 1e3 / times.len().max(1) as f64;
        times.sort();
        let median = times
            .get(times.len() / 2)
            .map_or(0.0, |d| d.as_secs_f64() * 1e3);
        println!("{name:<14} mean {mean:.3} ms/page, median {median:.3} ms/page");
    };
    println!("{} pages, fastest of 3 rounds each", files.len());
    report("scraper parse", parse);
    report("full clean", clean);
}
