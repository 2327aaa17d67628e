//! `newsdex ingest`: fetch or read pages, store them, clean them, index them.
//!
//! Two threads: a producer that runs the crawler on a tokio runtime and reads local files and
//! WARC archives, and this thread, which owns the page store writes and the index writer and
//! does the CPU work (cleaning, persons, indexing) away from the async workers. A bounded
//! channel between them makes a slow index slow the crawl down instead of filling memory.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, Utc};
use newsdex_fetcher::{Crawler, Listing, Outcome, Recall, Seed, Validators};
use newsdex_store::{PageStore, PutOutcome, RawPage, normalize_url};
use serde::Serialize;

use crate::ExitStatus;
use crate::data_dir::DataDir;
use crate::output;
use crate::pipeline::{Analyser, Analysis, IndexSink, Placement};
use crate::progress::Progress;

/// Memory the index writer buffers at most between flushes during an ingest (tantivy needs 15
/// MB per indexing thread). A commit every `--commit-every` articles usually flushes first.
const INGEST_WRITER_MEMORY: usize = 24 * 1024 * 1024;

/// Fetch, store, clean and index pages.
///
/// Inputs are URLs, HTML files, directories of HTML files (read recursively), WARC files
/// (`.warc`, `.warc.gz`), `--urls` lists, feeds, sitemaps and home pages whose feeds are
/// discovered. The crawl is polite by default: robots.txt is obeyed, each site gets one
/// request at a time with a pause of `--delay` seconds (or the site's larger Crawl-delay),
/// and private or loopback addresses are refused unless `--allow-private` is given.
///
/// Pages already in the page store are not fetched again unless `--refresh` is given (which
/// asks the server with ETag / Last-Modified), and pages already indexed count as unchanged,
/// so running the same command again after an interruption fetches only what is missing.
/// An article reached through several URLs (tracking parameters, AMP, print versions) is
/// stored once, under its canonical URL; the other URLs lead to it and count as unchanged.
/// A failing input never stops the batch: it is reported on its own line, and the exit code
/// is 1 when anything failed (0 when everything was ingested or deliberately skipped).
#[derive(Debug, clap::Args)]
#[allow(clippy::struct_excessive_bools)]
pub struct Args {
    /// URLs, HTML files, directories of HTML files or WARC files.
    #[arg(value_name = "URL|FILE|DIR")]
    inputs: Vec<String>,

    /// Read more URLs from FILE, one per line (`-` for stdin); blank lines and `#` comments skipped.
    #[arg(long, value_name = "FILE")]
    urls: Option<PathBuf>,

    /// Ingest the items of an RSS, Atom or JSON feed (repeatable).
    #[arg(long, value_name = "URL")]
    feed: Vec<String>,

    /// Find a site's feeds from its home page (`<link rel="alternate">`, then the usual
    /// paths) and ingest their items (repeatable).
    #[arg(long, value_name = "URL")]
    discover: Vec<String>,

    /// Ingest the pages of a sitemap or sitemap index (gzip and Google News sitemaps too); a
    /// site's root or robots.txt URL means the sitemaps robots.txt lists (repeatable).
    #[arg(long, value_name = "URL")]
    sitemap: Vec<String>,

    /// Import every HTML response record of a WARC file, gzip or plain, without fetching
    /// anything (repeatable).
    #[arg(long, value_name = "FILE")]
    warc: Vec<PathBuf>,

    /// Only feed and sitemap items published (or modified) on or after DATE
    /// (`2025-06-01` or RFC 3339); items without a date are kept.
    #[arg(long, value_name = "DATE", value_parser = parse_since)]
    since: Option<DateTime<Utc>>,

    /// At most N page URLs in this run (inputs and discovered items together).
    #[arg(long, value_name = "N")]
    limit: Option<usize>,

    /// Only follow feed and sitemap items on the same site as the feed or sitemap.
    #[arg(long)]
    same_site: bool,

    /// Fetch stored URLs again, conditionally (ETag / Last-Modified): unchanged pages are
    /// not downloaded nor re-indexed. A URL that leads to an article stored from another URL
    /// (the same canonical URL) is not fetched again.
    #[arg(long)]
    refresh: bool,

    /// Do not fetch or obey robots.txt (and its Crawl-delay).
    #[arg(long)]
    ignore_robots: bool,

    /// Allow private, loopback and link-local addresses (a local test server, an intranet).
    #[arg(long)]
    allow_private: bool,

    /// Seconds between two requests to one site (a larger robots.txt Crawl-delay wins).
    #[arg(long, default_value_t = 1.0, value_name = "SECONDS", value_parser = parse_seconds)]
    delay: f64,

    /// Requests in flight at once, across all sites.
    #[arg(long, default_value_t = 16, value_name = "N")]
    concurrency: usize,

    /// Seconds a whole request may take, body included.
    #[arg(long, default_value_t = 30.0, value_name = "SECONDS", value_parser = parse_seconds)]
    timeout: f64,

    /// Largest page body, in bytes (suffixes k, M, G allowed); larger pages fail.
    #[arg(long, default_value = "20M", value_name = "SIZE", value_parser = parse_size)]
    max_body: u64,

    /// Tries per request on connection errors, 429 and 5xx, the first one included.
    #[arg(long, default_value_t = 3, value_name = "N")]
    tries: u32,

    /// Seconds before the first retry; it doubles with each further try (a Retry-After wins).
    #[arg(long, default_value_t = 1.0, value_name = "SECONDS", value_parser = parse_seconds)]
    retry_delay: f64,

    /// The User-Agent header (default: newsdex/VERSION with the project URL).
    #[arg(long, value_name = "TEXT")]
    user_agent: Option<String>,

    /// Send requests for HOST to ADDR instead of resolving it, like curl's --resolve
    /// (repeatable).
    #[arg(long, value_name = "HOST=ADDR", value_parser = parse_resolve)]
    resolve: Vec<(String, IpAddr)>,

    /// Write one JSON line per URL with its outcome to FILE.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,

    /// Commit the index every N articles (a crash loses at most the uncommitted ones, and
    /// the next run re-indexes them from the page store).
    #[arg(long, default_value_t = 200, value_name = "N")]
    commit_every: usize,
}

fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(seconds) if seconds.is_finite() && seconds >= 0.0 => Ok(seconds),
        _ => Err(format!("`{text}` is not a number of seconds")),
    }
}

fn parse_size(text: &str) -> Result<u64, String> {
    let lower = text.trim().to_ascii_lowercase();
    let (digits, unit) = match lower.trim_end_matches('b').char_indices().last() {
        Some((at, 'k')) => (&lower[..at], 1024),
        Some((at, 'm')) => (&lower[..at], 1024 * 1024),
        Some((at, 'g')) => (&lower[..at], 1024 * 1024 * 1024),
        _ => (lower.trim_end_matches('b'), 1),
    };
    digits
        .trim()
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(unit))
        .ok_or_else(|| format!("`{text}` is not a size (like 500k or 20M)"))
}

fn parse_since(text: &str) -> Result<DateTime<Utc>, String> {
    newsdex_fetcher::parse_w3c_datetime(text)
        .ok_or_else(|| format!("`{text}` is not a date (like 2025-06-01 or 2025-06-01T12:00:00Z)"))
}

fn parse_resolve(text: &str) -> Result<(String, IpAddr), String> {
    let (host, addr) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not HOST=ADDR"))?;
    let addr = addr
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .map_err(|_| format!("`{addr}` is not an IP address"))?;
    Ok((host.trim().to_ascii_lowercase(), addr))
}

impl Args {
    fn fetch_config(&self) -> newsdex_fetcher::Config {
        let defaults = newsdex_fetcher::Config::default();
        newsdex_fetcher::Config {
            user_agent: self.user_agent.clone().unwrap_or(defaults.user_agent),
            timeout: Duration::from_secs_f64(self.timeout),
            max_body_bytes: self.max_body,
            host_delay: Duration::from_secs_f64(self.delay),
            concurrency: self.concurrency.max(1),
            max_attempts: self.tries.max(1),
            retry_base: Duration::from_secs_f64(self.retry_delay),
            obey_robots: !self.ignore_robots,
            allow_private: self.allow_private,
            resolve: self.resolve.clone(),
            since: self.since,
            limit: self.limit,
            same_site: self.same_site,
            ..defaults
        }
    }
}

/// Everything the producer thread works through.
struct Inputs {
    files: Vec<PathBuf>,
    warcs: Vec<PathBuf>,
    seeds: Vec<Seed>,
}

/// What the producer hands to the pipeline thread.
enum Item {
    Crawl(Outcome),
    /// A page read from disk (an HTML file or a WARC record), or why it could not be.
    Local {
        label: String,
        origin: Origin,
        page: Result<RawPage, String>,
    },
    /// A local input (a WARC file or one of its records) that failed, with the fetcher's
    /// reason label and its message without the file name.
    Failed {
        label: String,
        origin: Origin,
        error: newsdex_fetcher::Error,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Origin {
    Http,
    File,
    Warc,
    Store,
}

pub fn run(data_dir: &DataDir, args: &Args, quiet: bool) -> anyhow::Result<ExitStatus> {
    let mut tally = Tally::new(args.report.as_deref(), quiet)?;
    let inputs = collect_inputs(args, &mut tally)?;
    if inputs.files.is_empty()
        && inputs.warcs.is_empty()
        && inputs.seeds.is_empty()
        && tally.failed_total() == 0
    {
        anyhow::bail!(
            "nothing to ingest: give URLs, files or directories, `--urls FILE`, `--feed`, `--sitemap`, `--discover` or `--warc`"
        );
    }
    let store = Arc::new(data_dir.store()?);
    let index = data_dir.index_with(&writer_config())?;
    // Taken before anything is fetched: a second ingest stops here with a clear message.
    let writer = index.writer()?;
    let crawler = Crawler::new(args.fetch_config())?;
    let mut sink = IndexSink::new(&store, writer, args.commit_every);
    let analyser = Analyser::new();

    let (sender, receiver) = sync_channel::<Item>(64);
    let expected = Arc::new(AtomicUsize::new(inputs.files.len()));
    let interrupted = Arc::new(AtomicBool::new(false));
    let producer_store = Arc::clone(&store);
    let (producer_expected, producer_interrupted) =
        (Arc::clone(&expected), Arc::clone(&interrupted));
    let refresh = args.refresh;
    let max_body = args.max_body;
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let producer = scope.spawn(move || {
            produce(
                inputs,
                crawler,
                &producer_store,
                refresh,
                max_body,
                &sender,
                &producer_expected,
                &producer_interrupted,
            )
        });
        let consumed = consume(
            &receiver, &store, &index, &analyser, &mut sink, &mut tally, &expected,
        );
        // Let the producer finish even if the pipeline failed, so its error is not lost.
        drop(receiver);
        let produced = producer.join().expect("producer thread does not panic");
        consumed.and(produced)
    })?;
    sink.commit()?;
    let failed = tally.failed_total();
    tally.finish()?;
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

/// Sorts arguments and list lines into seeds, files and WARC files; unusable paths count as
/// failures.
fn collect_inputs(args: &Args, tally: &mut Tally) -> anyhow::Result<Inputs> {
    let mut raw: Vec<String> = args.inputs.clone();
    if let Some(list) = &args.urls {
        raw.extend(read_url_list(list)?);
    }
    let mut inputs = Inputs {
        files: Vec::new(),
        warcs: args.warc.clone(),
        seeds: Vec::new(),
    };
    for item in raw {
        let path = Path::new(&item);
        if item.contains("://") {
            inputs.seeds.push(Seed::Page(item));
        } else if path.is_dir() {
            let mut files = Vec::new();
            html_files(path, &mut files)
                .with_context(|| format!("cannot read directory `{item}`"))?;
            files.sort();
            inputs.files.extend(files);
        } else if path.is_file() && is_warc(path) {
            inputs.warcs.push(path.to_path_buf());
        } else if path.is_file() {
            inputs.files.push(path.to_path_buf());
        } else {
            tally.fail(
                &format!("`{item}`"),
                "not found",
                "not a URL, file or directory",
                None,
            );
        }
    }
    inputs
        .seeds
        .extend(args.feed.iter().cloned().map(Seed::Feed));
    inputs
        .seeds
        .extend(args.sitemap.iter().cloned().map(Seed::Sitemap));
    inputs
        .seeds
        .extend(args.discover.iter().cloned().map(Seed::Discover));
    Ok(inputs)
}

fn is_warc(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    name.ends_with(".warc") || name.ends_with(".warc.gz")
}

fn read_url_list(list: &Path) -> anyhow::Result<Vec<String>> {
    let reader: Box<dyn BufRead> = if list.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let file = std::fs::File::open(list)
            .with_context(|| format!("cannot read URL list `{}`", list.display()))?;
        Box::new(std::io::BufReader::new(file))
    };
    let mut urls = Vec::new();
    for line in reader.lines() {
        let line = line.with_context(|| format!("cannot read URL list `{}`", list.display()))?;
        let line = line.trim();
        if !line.is_empty() && !line.starts_with('#') {
            urls.push(line.to_owned());
        }
    }
    Ok(urls)
}

fn html_files(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            html_files(&path, files)?;
        } else if path
            .extension()
            .and_then(|ext| ext.to_str())
            .is_some_and(|ext| {
                matches!(ext.to_ascii_lowercase().as_str(), "html" | "htm" | "xhtml")
            })
        {
            files.push(path);
        }
    }
    Ok(())
}

/// The producer thread: local files, then WARC records, then the crawl, each item sent to
/// the pipeline thread as soon as it is ready. The first Ctrl-C stops the crawl and lets the
/// pipeline commit what it has; a second one exits at once (nothing committed is lost).
#[allow(clippy::too_many_arguments)]
fn produce(
    inputs: Inputs,
    crawler: Crawler,
    store: &Arc<PageStore>,
    refresh: bool,
    max_body: u64,
    sender: &SyncSender<Item>,
    expected: &AtomicUsize,
    interrupted: &Arc<AtomicBool>,
) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(false);
        let flag = Arc::clone(interrupted);
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                flag.store(true, Ordering::Relaxed);
                stop_tx.send_replace(true);
                if tokio::signal::ctrl_c().await.is_ok() {
                    std::process::exit(130);
                }
            }
        });
        let stopped = || interrupted.load(Ordering::Relaxed);

        for path in inputs.files {
            if stopped() || sender.send(read_file(&path)).is_err() {
                return Ok(());
            }
        }
        for path in inputs.warcs {
            let label = path.display().to_string();
            let pages = match newsdex_fetcher::read_warc(&path, max_body) {
                Ok(pages) => pages,
                Err(error) => {
                    let item = Item::Failed {
                        label,
                        origin: Origin::Warc,
                        error,
                    };
                    if sender.send(item).is_err() {
                        return Ok(());
                    }
                    continue;
                }
            };
            let mut pages = pages;
            for page in pages.by_ref() {
                if stopped() {
                    return Ok(());
                }
                expected.fetch_add(1, Ordering::Relaxed);
                let item = match page {
                    Ok(page) => Item::Local {
                        label: page.url.clone(),
                        origin: Origin::Warc,
                        page: Ok(page),
                    },
                    Err(error) => Item::Failed {
                        label: label.clone(),
                        origin: Origin::Warc,
                        error,
                    },
                };
                if sender.send(item).is_err() {
                    return Ok(());
                }
            }
            let stats = pages.stats();
            tracing::info!(
                "{label}: {} records, {} HTML pages, {} other responses ignored, {} malformed",
                stats.records,
                stats.pages,
                stats.ignored,
                stats.malformed
            );
        }
        if inputs.seeds.is_empty() {
            return Ok(());
        }
        let recall_store = Arc::clone(store);
        let mut crawl = crawler.start(inputs.seeds, move |url| recall(&recall_store, url, refresh));
        let local = expected.load(Ordering::Relaxed);
        enum Next {
            Outcome(Option<Outcome>),
            Interrupted,
            /// The Ctrl-C watcher is gone (no signal handler could be installed).
            Unwatched,
        }
        let mut watching = true;
        loop {
            let next = tokio::select! {
                outcome = crawl.next() => Next::Outcome(outcome),
                changed = stop_rx.changed(), if watching => {
                    watching = false;
                    if changed.is_ok() { Next::Interrupted } else { Next::Unwatched }
                }
            };
            match next {
                // Ctrl-C: stop fetching, but keep draining what is already on its way.
                Next::Interrupted => crawl.stop(),
                Next::Unwatched => {}
                Next::Outcome(None) => break,
                Next::Outcome(Some(outcome)) => {
                    expected.store(local + crawl.admitted(), Ordering::Relaxed);
                    // Blocking here is fine: this is the runtime's own thread, not a worker,
                    // and a full channel is exactly when the crawl should wait.
                    if sender.send(Item::Crawl(outcome)).is_err() {
                        crawl.stop();
                        break;
                    }
                }
            }
        }
        Ok(())
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

/// What the page store holds for a URL, as the crawler asks before queueing it.
fn recall(store: &PageStore, url: &str, refresh: bool) -> Recall {
    match store.summary(url) {
        // Only the URL the stored response came from is asked again: the validators are that
        // response's, and another route to the same article would only fetch it twice.
        Ok(Some(summary)) if refresh && summary.requested_url == url => {
            Recall::Revalidate(Validators {
                etag: summary.header("etag").map(str::to_owned),
                last_modified: summary.header("last-modified").map(str::to_owned),
            })
        }
        Ok(Some(_)) => Recall::Stored,
        // A store error here is reported by the pipeline when it stores the page.
        Ok(None) | Err(_) => Recall::Missing,
    }
}

fn read_file(path: &Path) -> Item {
    let label = path.display().to_string();
    let page = std::path::absolute(path)
        .map_err(|err| err.to_string())
        .and_then(|absolute| {
            url_for_file(&absolute).ok_or_else(|| "path cannot be written as a file:// URL".into())
        })
        .and_then(|url| {
            let body = std::fs::read(path).map_err(|err| format!("cannot read file: {err}"))?;
            let mut page = RawPage::new(url, 200, body);
            if let Ok(modified) = std::fs::metadata(path).and_then(|meta| meta.modified()) {
                page.fetched_at = modified.into();
            }
            Ok(page)
        });
    Item::Local {
        label,
        origin: Origin::File,
        page,
    }
}

fn url_for_file(absolute: &Path) -> Option<String> {
    let text = absolute.to_str()?;
    let mut url = String::from("file://");
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            url.push(char::from(byte));
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    normalize_url(&url).ok()
}

/// The pipeline thread: stores each page, skips what is already indexed, indexes the rest.
fn consume(
    receiver: &Receiver<Item>,
    store: &PageStore,
    index: &newsdex_index::ArticleIndex,
    analyser: &Analyser,
    sink: &mut IndexSink<'_>,
    tally: &mut Tally,
    expected: &AtomicUsize,
) -> anyhow::Result<()> {
    let mut pipeline = Pipeline {
        store,
        index,
        analyser,
        sink,
    };
    for item in receiver {
        match item {
            Item::Local {
                label,
                origin,
                page: Ok(page),
            } => pipeline.ingest(&label, &page, origin, None, tally)?,
            Item::Local {
                label,
                page: Err(reason),
                ..
            } => tally.fail(&label, "unreadable input", &reason, None),
            Item::Failed {
                label,
                origin,
                error,
            } => tally.fail(&label, &error.reason(), &error.detail(), Some(origin)),
            Item::Crawl(outcome) => match outcome {
                Outcome::Page { page, listing } => {
                    tally.fetched += 1;
                    let label = page.url.clone();
                    pipeline.ingest(&label, &page, Origin::Http, listing.as_ref(), tally)?;
                }
                Outcome::NotModified { url } => {
                    tally.not_modified += 1;
                    pipeline.resume(&url, &url, Origin::Store, tally)?;
                }
                Outcome::Known { url } => pipeline.resume(&url, &url, Origin::Store, tally)?,
                Outcome::Skipped { url, reason } => {
                    tally.skip(&url, reason.reason(), reason.reason(), Origin::Http);
                }
                Outcome::Failed { url, error } => {
                    tally.fail(&url, &error.reason(), &error.detail(), Some(Origin::Http));
                }
                Outcome::Source {
                    url,
                    kind,
                    found,
                    queued,
                } => tally.source(&url, kind.name(), found, queued),
            },
        }
        tally.progress(expected.load(Ordering::Relaxed));
    }
    Ok(())
}

/// The store, the analyser and the index sink, as the pipeline thread uses them.
struct Pipeline<'a, 's> {
    store: &'a PageStore,
    index: &'a newsdex_index::ArticleIndex,
    analyser: &'a Analyser,
    sink: &'a mut IndexSink<'s>,
}

impl Pipeline<'_, '_> {
    /// Stores a page just fetched or read, then indexes it unless the same body is indexed.
    fn ingest(
        &mut self,
        label: &str,
        page: &RawPage,
        origin: Origin,
        listing: Option<&Listing>,
        tally: &mut Tally,
    ) -> anyhow::Result<()> {
        let stored = self
            .store
            .put(page)
            .with_context(|| format!("cannot store `{label}`"))?;
        if stored == PutOutcome::Alias {
            // The URL leads to an article stored from another URL, which stays its copy.
            return self.resume(label, &page.url, origin, tally);
        }
        if already_indexed(self.store, self.index, &page.url)? {
            tally.unchanged(label, origin);
            return Ok(());
        }
        self.analyse(label, page, origin, listing, tally)
    }

    /// A page the store already holds (not fetched again, or answered 304): nothing to do if
    /// it is indexed, else it is indexed now (an earlier run stopped before its commit).
    fn resume(
        &mut self,
        label: &str,
        url: &str,
        origin: Origin,
        tally: &mut Tally,
    ) -> anyhow::Result<()> {
        let pending = self
            .store
            .resolve(url)?
            .is_some_and(|key| self.sink.is_pending(&key));
        if pending || already_indexed(self.store, self.index, url)? {
            tally.unchanged(label, origin);
            return Ok(());
        }
        match self.store.get(url)? {
            Some(page) => self.analyse(label, &page, origin, None, tally),
            None => {
                tally.fail(
                    label,
                    "missing from the page store",
                    "missing from the page store",
                    None,
                );
                Ok(())
            }
        }
    }

    /// Cleans a stored page, files it under its article's URL and indexes the article, unless
    /// another stored page is already that article (then this page becomes an alias of it).
    fn analyse(
        &mut self,
        label: &str,
        page: &RawPage,
        origin: Origin,
        listing: Option<&Listing>,
        tally: &mut Tally,
    ) -> anyhow::Result<()> {
        let analysis = match self.analyser.analyse(page) {
            Ok(analysis) => analysis,
            Err(reason) => {
                tally.fail(label, "cannot clean", &reason, Some(origin));
                return Ok(());
            }
        };
        let key = self
            .store
            .resolve(&page.url)?
            .unwrap_or_else(|| page.url.clone());
        let Analysis::Article(mut boxed) = analysis else {
            if let Analysis::Skipped(reason) = &analysis {
                tally.skip(label, "not HTML", reason, origin);
            }
            return self.sink.put(&key, &analysis);
        };
        match self.analyser.place(self.store, page, &key, &mut boxed.0)? {
            Placement::Own { move_to } => {
                if let Some(target) = &move_to {
                    self.store.link(&key, target)?;
                }
                let article_url = boxed.0.url.clone();
                tally.ingested(label, page, &article_url, origin, listing);
                self.sink.put(&article_url, &Analysis::Article(boxed))
            }
            Placement::Duplicate {
                key: target,
                article,
            } => {
                self.store.link(&key, &target)?;
                if self.sink.is_pending(&target)
                    || already_indexed(self.store, self.index, &target)?
                {
                    tally.same_article(label, &target, origin);
                    Ok(())
                } else {
                    // The page kept for the article was never indexed (a run stopped early).
                    tally.ingested(label, page, &target, origin, listing);
                    self.sink.put(&target, &Analysis::Article(article))
                }
            }
        }
    }
}

/// Whether the stored body of this page has already gone through the pipeline into the index.
fn already_indexed(
    store: &PageStore,
    index: &newsdex_index::ArticleIndex,
    page_url: &str,
) -> anyhow::Result<bool> {
    let Some(summary) = store.summary(page_url)? else {
        return Ok(false);
    };
    if !summary.indexed {
        return Ok(false);
    }
    Ok(match summary.article_url {
        Some(article_url) => index.contains(&article_url)?,
        // Processed before and deliberately skipped (not HTML): nothing to redo.
        None => true,
    })
}

/// One line of `--report`.
#[derive(Serialize)]
struct ReportLine<'a> {
    url: &'a str,
    outcome: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    origin: Option<Origin>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    final_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    article_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    listed_title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    listed_published: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    found: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    queued: Option<usize>,
}

impl<'a> ReportLine<'a> {
    fn new(url: &'a str, outcome: &'a str) -> Self {
        Self {
            url,
            outcome,
            origin: None,
            reason: None,
            detail: None,
            status: None,
            final_url: None,
            article_url: None,
            listed_title: None,
            listed_published: None,
            kind: None,
            found: None,
            queued: None,
        }
    }
}

/// Counts outcomes, prints per-URL messages, writes the report and the final summary.
struct Tally {
    ingested: usize,
    unchanged: usize,
    skipped: BTreeMap<String, usize>,
    failed: BTreeMap<String, usize>,
    fetched: usize,
    not_modified: usize,
    from_files: usize,
    from_warc: usize,
    done: usize,
    report: Option<std::io::BufWriter<std::fs::File>>,
    report_error: Option<std::io::Error>,
    progress: Progress,
    quiet: bool,
    started: Instant,
}

impl Tally {
    fn new(report: Option<&Path>, quiet: bool) -> anyhow::Result<Self> {
        let report = report
            .map(|path| {
                std::fs::File::create(path)
                    .map(std::io::BufWriter::new)
                    .with_context(|| format!("cannot write report `{}`", path.display()))
            })
            .transpose()?;
        Ok(Self {
            ingested: 0,
            unchanged: 0,
            skipped: BTreeMap::new(),
            failed: BTreeMap::new(),
            fetched: 0,
            not_modified: 0,
            from_files: 0,
            from_warc: 0,
            done: 0,
            report,
            report_error: None,
            progress: Progress::new(quiet),
            quiet,
            started: Instant::now(),
        })
    }

    fn failed_total(&self) -> usize {
        self.failed.values().sum()
    }

    fn count_origin(&mut self, origin: Origin) {
        match origin {
            Origin::File => self.from_files += 1,
            Origin::Warc => self.from_warc += 1,
            Origin::Http | Origin::Store => {}
        }
    }

    fn ingested(
        &mut self,
        label: &str,
        page: &RawPage,
        article_url: &str,
        origin: Origin,
        listing: Option<&Listing>,
    ) {
        self.ingested += 1;
        self.done += 1;
        self.count_origin(origin);
        tracing::info!("{label}: ingested as {article_url}");
        let mut line = ReportLine::new(label, "ingested");
        line.origin = Some(origin);
        line.status = Some(page.status);
        line.final_url = Some(&page.final_url);
        line.article_url = Some(article_url);
        line.listed_title = listing.and_then(|l| l.title.as_deref());
        line.listed_published = listing.and_then(|l| l.published);
        self.write(&line);
    }

    /// A page that turned out to be another URL of an article already stored.
    fn same_article(&mut self, label: &str, article_url: &str, origin: Origin) {
        self.unchanged += 1;
        self.done += 1;
        self.count_origin(origin);
        tracing::info!("{label}: the same article as {article_url}, already stored");
        let mut line = ReportLine::new(label, "unchanged");
        line.origin = Some(origin);
        line.reason = Some("same article");
        line.article_url = Some(article_url);
        self.write(&line);
    }

    fn unchanged(&mut self, label: &str, origin: Origin) {
        self.unchanged += 1;
        self.done += 1;
        self.count_origin(origin);
        tracing::info!("{label}: unchanged");
        let mut line = ReportLine::new(label, "unchanged");
        line.origin = Some(origin);
        self.write(&line);
    }

    fn skip(&mut self, label: &str, reason: &str, detail: &str, origin: Origin) {
        *self.skipped.entry(reason.to_owned()).or_default() += 1;
        self.done += 1;
        self.count_origin(origin);
        if !self.quiet {
            self.progress
                .suspend(|| output::warning(&format!("{label}: skipped: {detail}")));
        }
        let mut line = ReportLine::new(label, "skipped");
        line.origin = Some(origin);
        line.reason = Some(reason);
        line.detail = Some(detail);
        self.write(&line);
    }

    fn fail(&mut self, label: &str, reason: &str, detail: &str, origin: Option<Origin>) {
        *self.failed.entry(reason.to_owned()).or_default() += 1;
        self.done += 1;
        self.progress
            .suspend(|| output::error(&format!("{label}: {detail}")));
        let mut line = ReportLine::new(label, "failed");
        line.origin = origin;
        line.reason = Some(reason);
        line.detail = Some(detail);
        self.write(&line);
    }

    fn source(&mut self, url: &str, kind: &str, found: usize, queued: usize) {
        tracing::info!("{url}: {kind} lists {found} URLs, {queued} queued");
        let mut line = ReportLine::new(url, "read");
        line.kind = Some(kind);
        line.found = Some(found);
        line.queued = Some(queued);
        self.write(&line);
    }

    fn progress(&mut self, expected: usize) {
        let failed = self.failed_total();
        self.progress.update(self.done, failed, expected);
    }

    fn write(&mut self, line: &ReportLine<'_>) {
        let Some(report) = self.report.as_mut() else {
            return;
        };
        // Flushed per line so that the report of an interrupted run is complete up to the stop.
        let written = serde_json::to_writer(&mut *report, line)
            .map_err(std::io::Error::from)
            .and_then(|()| report.write_all(b"\n"))
            .and_then(|()| report.flush());
        if let Err(err) = written {
            self.report_error.get_or_insert(err);
            self.report = None;
        }
    }

    /// Prints the summary: the first line is stable for scripts; the lines after it say
    /// where pages came from and why some were skipped or failed. A reader that went away
    /// (`| head -1`) is not an error: the exit code still says whether anything failed.
    fn finish(self) -> anyhow::Result<()> {
        self.progress.finish();
        if let Some(err) = self.report_error {
            return Err(anyhow::Error::from(err).context("cannot write the report"));
        }
        match self.write_summary(&mut std::io::stdout().lock()) {
            Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => Err(err.into()),
            _ => Ok(()),
        }
    }

    fn write_summary(&self, out: &mut impl Write) -> std::io::Result<()> {
        writeln!(
            out,
            "ingested {}, unchanged {}, skipped {}, failed {}",
            self.ingested,
            self.unchanged,
            self.skipped.values().sum::<usize>(),
            self.failed_total()
        )?;
        if self.fetched + self.not_modified + self.from_warc > 0 {
            writeln!(
                out,
                "  fetched {} over HTTP ({} not modified), {} from files, {} from WARC, in {:.1}s",
                self.fetched + self.not_modified,
                self.not_modified,
                self.from_files,
                self.from_warc,
                self.started.elapsed().as_secs_f64()
            )?;
        }
        for (title, counts) in [("skipped", &self.skipped), ("failed", &self.failed)] {
            if !counts.is_empty() {
                let parts: Vec<String> = counts
                    .iter()
                    .map(|(reason, count)| format!("{count} {reason}"))
                    .collect();
                writeln!(out, "  {title}: {}", parts.join(", "))?;
            }
        }
        out.flush()
    }
}
