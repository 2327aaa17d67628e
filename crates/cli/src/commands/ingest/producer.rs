//! The producer thread: local files, then WARC records, then the crawl, each item sent to the
//! pipeline thread as soon as it is ready. The first Ctrl-C stops the crawl and lets the
//! pipeline commit what it has; a second one exits at once (nothing committed is lost).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::SyncSender;

use newsdex_fetcher::{Crawler, Outcome, Recall, Validators};
use newsdex_store::PageStore;

use super::inputs::Inputs;
use super::{Item, Origin};
use crate::{local_file, output};

/// What the producer needs besides its inputs.
pub struct Producer {
    pub crawler: Crawler,
    pub store: Arc<PageStore>,
    /// `--refresh`: ask servers again about stored pages.
    pub refresh: bool,
    /// `--max-body`, for files and WARC records as for responses.
    pub max_body: u64,
    /// Pages expected in all, for the progress bar (grows as feeds and WARC files are read).
    pub expected: Arc<AtomicUsize>,
    /// Set by Ctrl-C.
    pub interrupted: Arc<AtomicBool>,
}

impl Producer {
    pub fn run(self, inputs: Inputs, sender: &SyncSender<Item>) -> anyhow::Result<()> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        runtime.block_on(self.produce(inputs, sender))
    }

    async fn produce(self, inputs: Inputs, sender: &SyncSender<Item>) -> anyhow::Result<()> {
        let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(false);
        let flag = Arc::clone(&self.interrupted);
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                flag.store(true, Ordering::Relaxed);
                stop_tx.send_replace(true);
                if tokio::signal::ctrl_c().await.is_ok() {
                    std::process::exit(130);
                }
            }
        });
        let stopped = || self.interrupted.load(Ordering::Relaxed);

        for path in inputs.files {
            let item = Item::Local {
                label: path.display().to_string(),
                origin: Origin::File,
                page: local_file::read_page(&path, None, self.max_body)
                    .map_err(|err| output::one_line(&err)),
            };
            if stopped() || sender.send(item).is_err() {
                return Ok(());
            }
        }
        for path in inputs.warcs {
            if !self.send_warc(&path, sender, &stopped) {
                return Ok(());
            }
        }
        if inputs.seeds.is_empty() {
            return Ok(());
        }
        let recall_store = Arc::clone(&self.store);
        let refresh = self.refresh;
        let mut crawl = self
            .crawler
            .start(inputs.seeds, move |url| recall(&recall_store, url, refresh));
        let local = self.expected.load(Ordering::Relaxed);
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
                    self.expected
                        .store(local + crawl.admitted(), Ordering::Relaxed);
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
    }

    /// Sends every record of one WARC file; false when the pipeline is gone or Ctrl-C came.
    fn send_warc(
        &self,
        path: &std::path::Path,
        sender: &SyncSender<Item>,
        stopped: &impl Fn() -> bool,
    ) -> bool {
        let label = path.display().to_string();
        let mut pages = match newsdex_fetcher::read_warc(path, self.max_body) {
            Ok(pages) => pages,
            Err(error) => {
                let item = Item::Failed {
                    label,
                    origin: Origin::Warc,
                    error,
                };
                return sender.send(item).is_ok();
            }
        };
        for page in pages.by_ref() {
            if stopped() {
                return false;
            }
            self.expected.fetch_add(1, Ordering::Relaxed);
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
                return false;
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
        true
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
