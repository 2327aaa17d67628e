//! Splits the cleaner's time per page into parsing and the rest, over the HTML files given on
//! the command line (fastest of three rounds per page, so a busy machine disturbs it less):
//! `cargo run --release -p newsdex-cleaner --example timing -- [--rounds N] [--clean-only] FILES...`
//! With `--rounds 1 --clean-only` it is a steady workload for `valgrind --tool=callgrind`,
//! which counts instructions repeatably on a noisy machine.
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
    let mut rounds = 3;
    let mut clean_only = false;
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rounds" => rounds = args.next().and_then(|n| n.parse().ok()).unwrap_or(3),
            "--clean-only" => clean_only = true,
            _ => paths.push(arg),
        }
    }
    let rounds = rounds.max(1);
    let files: Vec<Vec<u8>> = paths.iter().filter_map(|p| std::fs::read(p).ok()).collect();
    let cleaner = newsdex_cleaner::Cleaner::default();
    let mut parse = Vec::with_capacity(files.len());
    let mut clean = Vec::with_capacity(files.len());
    for body in &files {
        if !clean_only {
            let text = String::from_utf8_lossy(body);
            parse.push(fastest(rounds, || {
                drop(scraper::Html::parse_document(&text));
            }));
        }
        clean.push(fastest(rounds, || {
            drop(cleaner.clean(body, "https://example.com/", None));
        }));
    }
    let report = |name: &str, mut times: Vec<Duration>| {
        if times.is_empty() {
            return;
        }
        let mean = times.iter().sum::<Duration>().as_secs_f64() * 1e3 / times.len() as f64;
        times.sort();
        let median = times
            .get(times.len() / 2)
            .map_or(0.0, |d| d.as_secs_f64() * 1e3);
        println!("{name:<14} mean {mean:.3} ms/page, median {median:.3} ms/page");
    };
    println!("{} pages, fastest of {rounds} rounds each", files.len());
    report("scraper parse", parse);
    report("full clean", clean);
}
