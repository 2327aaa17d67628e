//! `newsdex ingest`: fetch or read pages, store them, clean them, index them.
//!
//! Two threads: a producer ([`producer`]) that runs the crawler on a tokio runtime and reads
//! local files and WARC archives, and this thread ([`consumer`]), which owns the page store
//! writes and the index writer and does the CPU work (cleaning, persons, indexing) away from
//! the async workers. A bounded channel between them makes a slow index slow the crawl down
//! instead of filling memory. [`inputs`] sorts the arguments into what the producer reads,
//! [`report`] tells the user what happened, [`args`] holds the flags.

mod args;
mod consumer;
mod inputs;
mod producer;
mod report;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::sync_channel;

use newsdex_fetcher::{Crawler, Outcome};
use newsdex_store::RawPage;
use serde::Serialize;

pub use self::args::Args;
use self::consumer::Consumer;
use self::producer::Producer;
use self::report::Tally;
use crate::ExitStatus;
use crate::data_dir::DataDir;
use crate::outfile::Protected;
use crate::output;
use crate::pipeline::{Analyser, IndexSink};

/// Memory the index writer buffers at most between flushes during an ingest (tantivy needs 15
/// MB per indexing thread). A commit every `--commit-every` articles usually flushes first.
const INGEST_WRITER_MEMORY: usize = 24 * 1024 * 1024;

/// Pages in flight between the producer and the pipeline thread.
const CHANNEL_PAGES: usize = 64;

/// What the producer hands to the pipeline thread.
enum Item {
    Crawl(Outcome),
    /// A page read from disk (an HTML file or a WARC record), or why it could not be.
    Local {
        label: String,
        origin: Origin,
        page: Result<RawPage, String>,
    },
    /// A WARC file or one of its records that failed, with the fetcher's error (its reason
    /// label and its message without the file name).
    Failed {
        label: String,
        origin: Origin,
        error: newsdex_fetcher::Error,
    },
}

/// Where a page came from, for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Origin {
    Http,
    File,
    Warc,
    Store,
}

pub fn run(data_dir: &DataDir, args: &Args, quiet: bool) -> anyhow::Result<ExitStatus> {
    let mut protected = Protected::data_dir(data_dir);
    for input in args.inputs.iter().filter(|input| !input.contains("://")) {
        protected.input(std::path::Path::new(input));
    }
    for input in args.urls.iter().chain(&args.warc) {
        protected.input(input);
    }
    let mut tally = Tally::new(args.report.as_deref(), &protected, quiet)?;
    let inputs = inputs::collect(args, &mut tally)?;
    if inputs.is_empty() && tally.failed_total() == 0 && tally.skipped_total() == 0 {
        anyhow::bail!(
            "nothing to ingest: give URLs, files or directories, `--urls FILE`, `--feed`, `--sitemap`, `--discover` or `--warc`"
        );
    }
    let store = Arc::new(data_dir.store()?);
    let index = data_dir.index_with(&writer_config())?;
    // Taken before anything is fetched: a second ingest stops here with a clear message.
    let writer = index.writer()?;
    // What arrives after this is what the ingest added (for `--watch`).
    let before = index.latest_arrival()?;
    let crawler = Crawler::new(args.fetch_config())?;
    let mut sink = IndexSink::new(&store, writer, args.commit_every());
    let analyser = Analyser::new();

    let (sender, receiver) = sync_channel::<Item>(CHANNEL_PAGES);
    let expected = Arc::new(AtomicUsize::new(inputs.files.len()));
    let interrupted = Arc::new(AtomicBool::new(false));
    let producer = Producer {
        crawler,
        store: Arc::clone(&store),
        refresh: args.refresh,
        max_body: args.max_body.0,
        expected: Arc::clone(&expected),
        interrupted: Arc::clone(&interrupted),
    };
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let producer = scope.spawn(move || producer.run(inputs, &sender));
        let mut consumer = Consumer {
            store: &store,
            index: &index,
            analyser: &analyser,
            sink: &mut sink,
        };
        let consumed = consumer.run(&receiver, &mut tally, &expected);
        // Let the producer finish even if the pipeline failed, so its error is not lost.
        drop(receiver);
        let produced = producer
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the page reader stopped unexpectedly")));
        consumed.and(produced)
    })?;
    sink.commit()?;
    let failed = tally.failed_total();
    tally.finish()?;
    if args.watch {
        crate::commands::watch::report_ingested(data_dir, &index, before)?;
    }
    if interrupted.load(Ordering::Relaxed) {
        output::warning(
            "interrupted: everything fetched so far is kept; run the same command again to resume",
        );
        return Ok(ExitStatus::Failure);
    }
    Ok(if failed > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// The index writer's settings for an ingest. Articles arrive one at a time from one
/// pipeline thread and are committed every `--commit-every`, so a second indexing thread only
/// doubles the segments to merge and the per-thread buffers (a fixed 9 MiB term table each,
/// reallocated after every commit, which fragmented the allocator so that resident memory
/// crept up with the page count although the live heap did not); with one thread and
/// [`INGEST_WRITER_MEMORY`] it stays flat, and the ingest is faster, not slower.
fn writer_config() -> newsdex_index::Config {
    newsdex_index::Config {
        writer_memory_bytes: INGEST_WRITER_MEMORY,
        writer_threads: 1,
        ..newsdex_index::Config::default()
    }
}
