//! `just bench-ingest`: end-to-end ingest speed of the release `newsdex` binary (fetch, store,
//! clean, index) against a local server with generated article pages spread over 20 fake
//! hosts (names resolved to 127.0.0.1 with `--resolve`, no per-site pause), and its peak
//! memory, at growing page counts so that a leak or unbounded buffer would show.
//!
//! Prints one line per page count: the median of three runs, in pages per second, the
//! largest peak RSS seen, and the largest anonymous (heap) RSS sampled, which leaves out the
//! index files the process maps. `NEWSDEX_BENCH_PAGES=500,2000` changes the counts.

// A benchmark's setup failing is a broken bench, not bad input: unwrapping says where.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::print_stdout)]

// The end-to-end tests' helpers: a local server for the fake hosts.
#[allow(dead_code)]
#[path = "../../../tests/support/mod.rs"]
mod support;

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};

const HOSTS: usize = 20;
const RUNS: usize = 3;

const WORDS: &[&str] = &[
    "council",
    "harbour",
    "budget",
    "minister",
    "election",
    "village",
    "river",
    "energy",
    "teachers",
    "hospital",
    "railway",
    "festival",
    "court",
    "climate",
    "market",
    "housing",
    "police",
    "museum",
    "farmers",
    "bridge",
    "report",
    "workers",
    "tourism",
    "schools",
    "storm",
    "airport",
    "library",
    "factory",
    "league",
    "opposition",
    "coalition",
    "ferry",
];
const NAMES: &[&str] = &[
    "Maria Keller",
    "John Okafor",
    "Ana Lima",
    "Peter Novak",
    "Sofia Rossi",
    "David Chen",
    "Laura Schmidt",
    "Omar Haddad",
    "Emma Dubois",
    "Lucas Silva",
];

/// A deterministic article page of about 5 KB: title, byline, six paragraphs, boilerplate.
fn page(n: usize) -> String {
    let mut seed = (n as u64)
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1);
    let mut next = |bound: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize % bound
    };
    let title = format!(
        "The {} {} debate in article {n}",
        WORDS[next(WORDS.len())],
        WORDS[next(WORDS.len())]
    );
    let mut body = String::new();
    for _ in 0..6 {
        body.push_str("<p>");
        let speaker = NAMES[next(NAMES.len())];
        let _ = write!(body, "{speaker} said on Monday that ");
        for i in 0..70 {
            body.push_str(WORDS[next(WORDS.len())]);
            body.push(if i % 12 == 11 { '.' } else { ' ' });
            if i % 12 == 11 {
                body.push(' ');
            }
        }
        body.push_str("</p>");
    }
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <meta property=\"article:published_time\" content=\"2025-06-03T09:00:00Z\"></head><body>\
         <nav><a href=\"/\">Home</a> <a href=\"/world\">World</a> <a href=\"/sport\">Sport</a></nav>\
         <article><h1>{title}</h1><p class=\"byline\">By {}</p>{body}</article>\
         <aside><h2>Most read</h2><ul><li><a href=\"/x\">Other story</a></li></ul></aside>\
         <footer>Copyright Bench News. All rights reserved.</footer></body></html>",
        NAMES[n % NAMES.len()]
    )
}

/// The bench's article server: `/a/N` is generated page N, on whatever host name it is asked for.
fn serve() -> support::Background {
    let app = axum::Router::new().fallback(|uri: Uri| async move {
        let number = uri.path().strip_prefix("/a/").and_then(|n| n.parse().ok());
        match number {
            Some(n) => Response::builder()
                .header("content-type", "text/html; charset=utf-8")
                .body(axum::body::Body::from(page(n)))
                .expect("response"),
            None => StatusCode::NOT_FOUND.into_response(),
        }
    });
    support::Background::serve(app, 0)
}

/// A `/proc/PID/status` field of a running process (Linux), in KiB.
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Memory seen during one run, in KiB.
#[derive(Default, Clone, Copy)]
struct Memory {
    /// Peak resident set (`VmHWM`), file-backed pages (the mmapped index) included.
    peak: u64,
    /// Largest anonymous resident memory sampled (`RssAnon`): the process's own buffers.
    anon: u64,
}

/// One ingest of `pages` pages into a fresh data dir: (seconds, memory).
fn run(port: u16, pages: usize) -> (f64, Memory) {
    let dir = tempfile::tempdir().expect("temp dir");
    let list = dir.path().join("urls.txt");
    let mut file = std::fs::File::create(&list).expect("url list");
    for n in 0..pages {
        writeln!(file, "http://h{:02}.bench.test:{port}/a/{n}", n % HOSTS).expect("write");
    }
    drop(file);
    let mut command = Command::new(env!("CARGO_BIN_EXE_newsdex"));
    command
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .args(["-q", "ingest", "--allow-private", "--delay", "0", "--urls"])
        .arg(&list)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for host in 0..HOSTS {
        command
            .arg("--resolve")
            .arg(format!("h{host:02}.bench.test=127.0.0.1"));
    }
    let started = Instant::now();
    let mut child = command.spawn().expect("newsdex runs");
    let mut memory = Memory::default();
    while child.try_wait().expect("wait").is_none() {
        memory.peak = memory
            .peak
            .max(status_kib(child.id(), "VmHWM:").unwrap_or(0));
        memory.anon = memory
            .anon
            .max(status_kib(child.id(), "RssAnon:").unwrap_or(0));
        std::thread::sleep(Duration::from_millis(20));
    }
    let seconds = started.elapsed().as_secs_f64();
    let output = child.wait_with_output().expect("output");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.starts_with(&format!("ingested {pages},")),
        "ingest failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (seconds, memory)
}

fn main() {
    let counts: Vec<usize> = std::env::var("NEWSDEX_BENCH_PAGES")
        .ok()
        .map(|text| {
            text.split(',')
                .filter_map(|n| n.trim().parse().ok())
                .collect()
        })
        .unwrap_or_else(|| vec![1000, 2000, 4000, 8000]);
    let server = serve();
    let port = server.addr.port();
    println!("ingest benchmark: {HOSTS} hosts, --delay 0, median of {RUNS} runs (release build)");
    for pages in counts {
        let mut rates = Vec::new();
        let mut memory = Memory::default();
        for _ in 0..RUNS {
            let (seconds, seen) = run(port, pages);
            rates.push(pages as f64 / seconds);
            memory.peak = memory.peak.max(seen.peak);
            memory.anon = memory.anon.max(seen.anon);
        }
        rates.sort_by(f64::total_cmp);
        let runs: Vec<String> = rates.iter().map(|rate| format!("{rate:.0}")).collect();
        println!(
            "{pages:>6} pages: {:>7.1} pages/s (runs {}), peak RSS {:.1} MiB, anonymous {:.1} MiB",
            rates[RUNS / 2],
            runs.join("/"),
            memory.peak as f64 / 1024.0,
            memory.anon as f64 / 1024.0
        );
    }
}
