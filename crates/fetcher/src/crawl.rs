//! The crawl scheduler: turns seeds (page URLs, feeds, sitemaps, home pages) into outcomes,
//! politely and concurrently.
//!
//! - Work is queued per *site* (see [`Config`]); one worker task per site with work drains
//!   its queue, so a list spanning many sites runs in parallel while no site sees more than one
//!   request at a time.
//! - Every HTTP request, whoever makes it (a page, a redirect hop to another site, a retry,
//!   robots.txt, a feed probe), goes through the site's *slot*: an async mutex holding the
//!   instant the next request may start. The pause is measured from the end of one response to
//!   the start of the next request, and backoffs and `Retry-After` push that instant further.
//! - A global semaphore caps requests in flight across sites; it is held only while a request
//!   runs, never while a site waits out its pause.
//! - Outcomes are delivered on a bounded channel as they complete; a slow consumer slows the
//!   crawl down instead of filling memory.
//! - Seed pages are queued only [`MAX_QUEUED_SEEDS`] ahead of the crawl, so a list of millions
//!   of URLs does not become millions of queued tasks; what grows with the list is only the
//!   set of URLs seen, a few dozen bytes each.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use newsdex_types::{RawPage, normalize_url, redact_credentials, strip_credentials};
use tokio::sync::{OnceCell, OwnedSemaphorePermit, Semaphore, mpsc, watch};
use tokio::time::Instant;
use url::Url;

use crate::http::{Client, Limit, Response, Validators};
use crate::net::site_of;
use crate::robots::{Robots, Verdict};
use crate::sitemap::Sitemap;
use crate::{Config, Error, ParseProblem, Result, RobotsProblem, UrlProblem, feed, sitemap};

/// Statuses worth another try: rate limits and server errors (incl. Cloudflare's 522/524).
/// Every other 4xx is final.
const RETRY_STATUSES: &[u16] = &[429, 500, 502, 503, 504, 522, 524];

/// Redirect hops followed for robots.txt (RFC 9309 asks for at least five).
const ROBOTS_REDIRECTS: usize = 5;

/// Seed pages waiting in site queues at most (a queued task is a few hundred bytes). Enough to
/// keep every site of a long, mixed list busy; the rest of the list waits its turn.
const MAX_QUEUED_SEEDS: usize = 4096;

/// Where a crawl starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seed {
    /// A page to fetch.
    Page(String),
    /// An RSS, Atom or JSON feed whose items are fetched.
    Feed(String),
    /// A sitemap or sitemap index; a site's root or its `/robots.txt` means the sitemaps
    /// that robots.txt lists (or `/sitemap.xml` when it lists none).
    Sitemap(String),
    /// A home page whose announced feeds (or feeds at the usual paths) are read.
    Discover(String),
}

/// What the caller already holds for a page URL, asked once per URL before it is queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recall {
    /// Not held: fetch it.
    Missing,
    /// Held and good: do not fetch (the outcome is [`Outcome::Known`]).
    Stored,
    /// Held, but ask the server whether it changed.
    Revalidate(Validators),
}

/// A page URL found in a feed or sitemap, with what the source said about it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    /// The page URL as the source gave it.
    pub url: String,
    /// The title the source gave it, if any.
    pub title: Option<String>,
    /// Publication date (news sitemaps, feeds) or last modification (plain sitemaps).
    pub published: Option<DateTime<Utc>>,
}

/// What kind of source a [`Outcome::Source`] read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// An RSS, Atom or JSON feed.
    Feed,
    /// A sitemap listing pages (`urlset`).
    Sitemap,
    /// A sitemap index: `found` counts the sitemaps it lists.
    SitemapIndex,
    /// robots.txt read for its `Sitemap:` lines.
    Robots,
    /// A home page read for its feeds.
    HomePage,
}

impl SourceKind {
    /// A short name for messages and reports (`feed`, `sitemap index`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Self::Feed => "feed",
            Self::Sitemap => "sitemap",
            Self::SitemapIndex => "sitemap index",
            Self::Robots => "robots.txt",
            Self::HomePage => "home page",
        }
    }
}

/// Why a page was deliberately not fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// robots.txt disallows it for our agent.
    Robots,
    /// The same URL (after normalisation) was already given in this run.
    Duplicate,
    /// A feed or sitemap listed it, but it is not an http(s) URL (`mailto:`,
    /// `javascript:`, `ftp://`, ...): only http and https are fetched.
    NotHttp,
}

impl Skip {
    /// A short, stable label for reports and summaries (`robots.txt`, `not http`, ...).
    pub fn reason(self) -> &'static str {
        match self {
            Self::Robots => "robots.txt",
            Self::Duplicate => "duplicate",
            Self::NotHttp => "not http",
        }
    }
}

/// Longest URL text an outcome names for a listed link that is not fetched (a `data:` URL
/// may be megabytes long).
const MAX_SHOWN_URL: usize = 300;

/// A listed link as outcomes name it: without credentials, with control characters escaped,
/// and cut to [`MAX_SHOWN_URL`] characters.
fn shown_url(text: &str) -> String {
    let text = redact_credentials(text.trim());
    let mut shown: String = text
        .chars()
        .take(MAX_SHOWN_URL)
        .flat_map(char::escape_default)
        .collect();
    if text.chars().count() > MAX_SHOWN_URL {
        shown.push('…');
    }
    shown
}

/// Whether a listed link is an absolute http(s) URL.
fn is_http(text: &str) -> bool {
    Url::parse(text.trim()).is_ok_and(|url| matches!(url.scheme(), "http" | "https"))
}

/// The result of one seed or discovered URL, delivered as soon as it is known.
#[derive(Debug)]
pub enum Outcome {
    /// A 2xx answer. `page.url` is the normalised URL asked for, `page.final_url` where the
    /// redirects ended. Bodies of non-HTML answers (by content type) are not downloaded.
    Page {
        /// The response (boxed: it is far larger than the other outcomes).
        page: Box<RawPage>,
        /// What the feed or sitemap that led to it said about it, if one did.
        listing: Option<Listing>,
    },
    /// A conditional request answered `304 Not Modified`.
    NotModified {
        /// The page URL asked for (normalised).
        url: String,
    },
    /// [`Recall::Stored`]: the caller already has it, nothing was fetched.
    Known {
        /// The page URL asked for (normalised).
        url: String,
    },
    /// Deliberately not fetched.
    Skipped {
        /// The URL not asked for (a page, or a source).
        url: String,
        /// Why it was not fetched.
        reason: Skip,
    },
    /// Could not be fetched (or, for a source, read).
    Failed {
        /// The URL asked for (a page, or a source).
        url: String,
        /// What went wrong.
        error: Error,
    },
    /// A feed, sitemap, robots.txt or home page was read: it listed `found` URLs, of which
    /// `queued` were new and passed the filters.
    Source {
        /// The source's URL.
        url: String,
        /// What kind of source it was.
        kind: SourceKind,
        /// URLs it listed.
        found: usize,
        /// Of those, the ones new to this crawl and passing the filters.
        queued: usize,
    },
}

impl Outcome {
    /// The URL this outcome is about (normalised for pages).
    pub fn url(&self) -> &str {
        match self {
            Self::Page { page, .. } => &page.url,
            Self::NotModified { url }
            | Self::Known { url }
            | Self::Skipped { url, .. }
            | Self::Failed { url, .. }
            | Self::Source { url, .. } => url,
        }
    }
}

/// A polite crawler. Build it once with a [`Config`], then [`Crawler::start`] a crawl.
pub struct Crawler {
    config: Config,
    client: Client,
}

impl Crawler {
    /// A crawler with `config`, which must be valid ([`Config::validate`]).
    ///
    /// # Errors
    /// [`crate::Error::Setting`] for a setting outside its range, [`crate::Error::Client`]
    /// when the HTTP client cannot be built.
    pub fn new(config: Config) -> Result<Self> {
        config.validate()?;
        let client = Client::new(&config)?;
        Ok(Self { config, client })
    }

    /// Starts crawling `seeds` on the current tokio runtime and returns the stream of outcomes.
    /// `recall` is asked about each page URL (normalised) before it is queued.
    ///
    /// # Panics
    /// When called outside a tokio runtime.
    pub fn start<F>(self, seeds: Vec<Seed>, recall: F) -> Crawl
    where
        F: Fn(&str) -> Recall + Send + Sync + 'static,
    {
        let concurrency = self.config.concurrency;
        let (sender, receiver) = mpsc::channel(concurrency);
        let (stop, _) = watch::channel(false);
        let shared = Arc::new(Shared {
            permits: Semaphore::new(concurrency),
            // Bounds the pages held in memory between fetch and delivery (see `process`).
            pipeline: Semaphore::new(concurrency * 4),
            config: self.config,
            client: self.client,
            recall: Box::new(recall),
            sites: Mutex::default(),
            slots: Mutex::default(),
            robots: Mutex::default(),
            frontier: Mutex::default(),
            stop,
            admitted: AtomicUsize::new(0),
            queued_seeds: Arc::new(Semaphore::new(MAX_QUEUED_SEEDS)),
        });
        let seeder = Arc::clone(&shared);
        tokio::spawn(async move {
            for seed in seeds {
                if seeder.stopped() {
                    break;
                }
                let Ok(slot) = Arc::clone(&seeder.queued_seeds).acquire_owned().await else {
                    break;
                };
                seeder.admit_seed(seed, slot, &sender).await;
            }
        });
        Crawl { receiver, shared }
    }
}

/// A running crawl: outcomes arrive as they complete; the stream ends when every seed and
/// everything found from them is done (or after [`Crawl::stop`]).
pub struct Crawl {
    receiver: mpsc::Receiver<Outcome>,
    shared: Arc<Shared>,
}

impl Crawl {
    /// The next outcome, or `None` when the crawl is over.
    pub async fn next(&mut self) -> Option<Outcome> {
        self.receiver.recv().await
    }

    /// Stops the crawl: queued work is dropped and requests in flight are abandoned. Outcomes
    /// already delivered stay valid; the stream ends shortly after.
    pub fn stop(&self) {
        self.shared.stop.send_replace(true);
        lock(&self.shared.sites).clear();
    }

    /// Page URLs accepted so far (seeds and discovered, after deduplication and filters):
    /// the denominator of a progress bar, which grows as sources are read.
    pub fn admitted(&self) -> usize {
        self.shared.admitted.load(Ordering::Relaxed)
    }
}

/// One unit of work, queued on the site of its URL. It holds a sender of the outcome channel,
/// so the channel closes exactly when no work is left.
struct Task {
    url: Url,
    job: Job,
    out: mpsc::Sender<Outcome>,
    /// A seed page's place among the [`MAX_QUEUED_SEEDS`], freed when the task is done.
    _slot: Option<OwnedSemaphorePermit>,
}

enum Job {
    Page {
        validators: Option<Validators>,
        listing: Option<Listing>,
    },
    /// `scope` is the site that `same_site` keeps items to.
    Feed {
        scope: String,
    },
    Sitemap {
        scope: String,
        depth: usize,
    },
    RobotsSitemaps {
        scope: String,
    },
    Discover {
        scope: String,
    },
}

/// The per-site politeness state.
#[derive(Default)]
struct Slot {
    next_allowed: Option<Instant>,
    /// The largest `Crawl-delay` of the site's origins.
    crawl_delay: Option<Duration>,
}

/// URLs seen in this run, for deduplication and the limit.
#[derive(Default)]
struct Frontier {
    pages: HashSet<String>,
    sources: HashSet<String>,
}

/// Why a request sequence ended without a usable answer.
enum Stop {
    Robots,
    Failed(Error),
}

impl From<Error> for Stop {
    fn from(error: Error) -> Self {
        Self::Failed(error)
    }
}

type RobotsCell = Arc<OnceCell<Arc<Robots>>>;

struct Shared {
    config: Config,
    client: Client,
    recall: Box<dyn Fn(&str) -> Recall + Send + Sync>,
    permits: Semaphore,
    pipeline: Semaphore,
    /// Sites with queued work; a site is present exactly while its worker runs.
    sites: Mutex<HashMap<String, VecDeque<Task>>>,
    slots: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Slot>>>>,
    /// robots.txt per origin (`scheme://host:port`).
    robots: Mutex<HashMap<String, RobotsCell>>,
    frontier: Mutex<Frontier>,
    /// Set once by [`Crawl::stop`]; workers also wait on it to abandon requests in flight.
    stop: watch::Sender<bool>,
    admitted: AtomicUsize,
    queued_seeds: Arc<Semaphore>,
}

/// Locks a std mutex; the data behind these locks stays consistent even if a holder panicked.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Shared {
    fn stopped(&self) -> bool {
        *self.stop.borrow()
    }

    // ---- admission -------------------------------------------------------------------------

    async fn admit_seed(
        self: &Arc<Self>,
        seed: Seed,
        slot: OwnedSemaphorePermit,
        out: &mpsc::Sender<Outcome>,
    ) {
        let text = match &seed {
            Seed::Page(text) => {
                self.admit_page(text, None, Some(slot), out).await;
                return;
            }
            Seed::Feed(text) | Seed::Sitemap(text) | Seed::Discover(text) => text.clone(),
        };
        let url = match parse_http_url(&text) {
            Ok(url) => url,
            Err(error) => {
                let _ = out.send(Outcome::Failed { url: text, error }).await;
                return;
            }
        };
        let scope = site_of(&url);
        let job = match seed {
            Seed::Feed(_) => Job::Feed { scope },
            Seed::Sitemap(_) if matches!(url.path(), "/" | "/robots.txt") => {
                Job::RobotsSitemaps { scope }
            }
            Seed::Sitemap(_) => Job::Sitemap { scope, depth: 0 },
            Seed::Discover(_) | Seed::Page(_) => Job::Discover { scope },
        };
        self.admit_source(url, job, out);
    }

    /// Queues a source unless it was already read in this run.
    fn admit_source(self: &Arc<Self>, url: Url, job: Job, out: &mpsc::Sender<Outcome>) -> bool {
        if !lock(&self.frontier).sources.insert(url.to_string()) {
            return false;
        }
        self.enqueue(Task {
            url,
            job,
            out: out.clone(),
            _slot: None,
        });
        true
    }

    /// Admits one page URL: normalise, deduplicate, apply the limit, ask `recall`, queue.
    /// A seed (`slot` set, it holds its place in the queue) is explicit: its problems are
    /// reported; discovered URLs are dropped quietly. Returns whether the URL was queued for
    /// fetching.
    async fn admit_page(
        self: &Arc<Self>,
        text: &str,
        listing: Option<Listing>,
        slot: Option<OwnedSemaphorePermit>,
        out: &mpsc::Sender<Outcome>,
    ) -> bool {
        let explicit = slot.is_some();
        let parsed = parse_http_url(text).and_then(|url| {
            let key = normalize_url(url.as_str()).map_err(|source| Error::InvalidUrl {
                url: url.to_string(),
                problem: UrlProblem::Normalise(source),
            })?;
            Ok((key.clone(), parse_http_url(&key)?))
        });
        let (key, url) = match parsed {
            Ok(parsed) => parsed,
            Err(error) => {
                if explicit {
                    let url = redact_credentials(text.trim()).into_owned();
                    let _ = out.send(Outcome::Failed { url, error }).await;
                }
                return false;
            }
        };
        let (duplicate, full) = {
            let mut frontier = lock(&self.frontier);
            let duplicate = frontier.pages.contains(&key);
            let full = !duplicate && self.limit_reached();
            if !duplicate && !full {
                frontier.pages.insert(key.clone());
                self.admitted.fetch_add(1, Ordering::Relaxed);
            }
            (duplicate, full)
        };
        if duplicate {
            if explicit {
                let reason = Skip::Duplicate;
                let _ = out.send(Outcome::Skipped { url: key, reason }).await;
            }
            return false;
        }
        if full {
            return false;
        }
        let validators = match (self.recall)(&key) {
            Recall::Stored => {
                let _ = out.send(Outcome::Known { url: key }).await;
                return false;
            }
            Recall::Missing => None,
            Recall::Revalidate(validators) => Some(validators),
        };
        self.enqueue(Task {
            url,
            job: Job::Page {
                validators,
                listing,
            },
            out: out.clone(),
            _slot: slot,
        });
        true
    }

    fn limit_reached(&self) -> bool {
        self.config
            .limit
            .is_some_and(|limit| self.admitted.load(Ordering::Relaxed) >= limit)
    }

    /// Admits the items of a feed or sitemap through the `since` and `same_site` filters.
    async fn admit_listings(
        self: &Arc<Self>,
        items: Vec<Listing>,
        scope: &str,
        out: &mpsc::Sender<Outcome>,
    ) -> usize {
        let mut queued = 0;
        for item in items {
            if self.stopped() || self.limit_reached() {
                break;
            }
            if !is_http(&item.url) {
                let skipped = Outcome::Skipped {
                    url: shown_url(&item.url),
                    reason: Skip::NotHttp,
                };
                let _ = out.send(skipped).await;
                continue;
            }
            if !self.passes_filters(&item, scope) {
                continue;
            }
            let text = item.url.clone();
            if self.admit_page(&text, Some(item), None, out).await {
                queued += 1;
            }
        }
        queued
    }

    fn passes_filters(&self, item: &Listing, scope: &str) -> bool {
        if let (Some(since), Some(published)) = (self.config.since, item.published)
            && published < since
        {
            return false;
        }
        if self.config.same_site {
            return Url::parse(&item.url).is_ok_and(|url| site_of(&url) == scope);
        }
        true
    }

    // ---- scheduling ------------------------------------------------------------------------

    fn enqueue(self: &Arc<Self>, task: Task) {
        if self.stopped() {
            return;
        }
        let site = site_of(&task.url);
        let start_worker = {
            let mut sites = lock(&self.sites);
            let idle = !sites.contains_key(&site);
            sites.entry(site.clone()).or_default().push_back(task);
            idle
        };
        if start_worker {
            let shared = Arc::clone(self);
            tokio::spawn(async move { shared.work(site).await });
        }
    }

    /// The worker of one site: runs its tasks one after another until the queue is empty.
    async fn work(self: Arc<Self>, site: String) {
        let mut stop = self.stop.subscribe();
        loop {
            let task = {
                let mut sites = lock(&self.sites);
                let Some(queue) = sites.get_mut(&site) else {
                    return;
                };
                match queue.pop_front() {
                    Some(task) => task,
                    None => {
                        sites.remove(&site);
                        return;
                    }
                }
            };
            tokio::select! {
                () = self.process(task) => {}
                _ = stop.wait_for(|stopped| *stopped) => return,
            }
        }
    }

    async fn process(self: &Arc<Self>, task: Task) {
        // Held from before the fetch until the outcome is handed over, so that at most this
        // many fetched pages wait in memory for a slow consumer.
        let Ok(_pipeline) = self.pipeline.acquire().await else {
            return;
        };
        let Task {
            url,
            job,
            out,
            _slot,
        } = task;
        let outcome = match job {
            Job::Page {
                validators,
                listing,
            } => self.fetch_page(&url, validators.as_ref(), listing).await,
            Job::Feed { scope } => self.read_feed(&url, &scope, &out).await,
            Job::Sitemap { scope, depth } => self.read_sitemap(&url, &scope, depth, &out).await,
            Job::RobotsSitemaps { scope } => self.read_robots_sitemaps(&url, scope, &out).await,
            Job::Discover { scope } => self.discover(&url, &scope, &out).await,
        };
        if let Some(outcome) = outcome {
            let _ = out.send(outcome).await;
        }
    }

    // ---- jobs ------------------------------------------------------------------------------

    async fn fetch_page(
        &self,
        url: &Url,
        validators: Option<&Validators>,
        listing: Option<Listing>,
    ) -> Option<Outcome> {
        let key = url.to_string();
        let limit = Limit::Fail(self.config.max_body_bytes);
        Some(match self.fetch(url, validators, limit, true).await {
            Ok((_, response)) if response.status == 304 => Outcome::NotModified { url: key },
            Ok((final_url, response)) => Outcome::Page {
                page: Box::new(RawPage {
                    url: key,
                    final_url: final_url.into(),
                    status: response.status,
                    headers: response.headers,
                    fetched_at: Utc::now(),
                    body: response.body,
                }),
                listing,
            },
            Err(Stop::Robots) => Outcome::Skipped {
                url: key,
                reason: Skip::Robots,
            },
            Err(Stop::Failed(error)) => Outcome::Failed { url: key, error },
        })
    }

    async fn read_feed(
        self: &Arc<Self>,
        url: &Url,
        scope: &str,
        out: &mpsc::Sender<Outcome>,
    ) -> Option<Outcome> {
        if self.limit_reached() {
            return None;
        }
        let (final_url, body) = match self.fetch_source(url).await {
            Ok(fetched) => fetched,
            Err(outcome) => return Some(*outcome),
        };
        let parsed = blocking(move || feed::parse(&body, &final_url)).await;
        Some(match parsed {
            Ok(items) => self.listed(url, SourceKind::Feed, items, scope, out).await,
            Err(problem) => failed_parse(url, "feed", problem),
        })
    }

    async fn read_sitemap(
        self: &Arc<Self>,
        url: &Url,
        scope: &str,
        depth: usize,
        out: &mpsc::Sender<Outcome>,
    ) -> Option<Outcome> {
        if self.limit_reached() {
            return None;
        }
        let (final_url, body) = match self.fetch_source(url).await {
            Ok(fetched) => fetched,
            Err(outcome) => return Some(*outcome),
        };
        let (max_bytes, max_urls) = (self.config.max_sitemap_bytes, self.config.max_sitemap_urls);
        let parsed = blocking(move || sitemap::parse(&body, &final_url, max_bytes, max_urls)).await;
        Some(match parsed {
            Ok(Sitemap::Pages(items)) => {
                self.listed(url, SourceKind::Sitemap, items, scope, out)
                    .await
            }
            Ok(Sitemap::Index(children)) => {
                let found = children.len();
                let mut queued = 0;
                if depth < self.config.max_sitemap_depth {
                    for child in children {
                        if !is_http(&child.url) {
                            let skipped = Outcome::Skipped {
                                url: shown_url(&child.url),
                                reason: Skip::NotHttp,
                            };
                            let _ = out.send(skipped).await;
                            continue;
                        }
                        if !self.passes_filters(&child, scope) {
                            continue;
                        }
                        let Ok(child_url) = parse_http_url(&child.url) else {
                            continue;
                        };
                        let job = Job::Sitemap {
                            scope: scope.to_owned(),
                            depth: depth + 1,
                        };
                        if self.admit_source(child_url, job, out) {
                            queued += 1;
                        }
                    }
                }
                Outcome::Source {
                    url: url.to_string(),
                    kind: SourceKind::SitemapIndex,
                    found,
                    queued,
                }
            }
            Err(problem) => failed_parse(url, "sitemap", problem),
        })
    }

    async fn read_robots_sitemaps(
        self: &Arc<Self>,
        url: &Url,
        scope: String,
        out: &mpsc::Sender<Outcome>,
    ) -> Option<Outcome> {
        let robots = self.robots(url).await;
        let mut sitemaps: Vec<Url> = robots
            .sitemaps()
            .iter()
            .filter_map(|text| url.join(text.trim()).ok())
            .collect();
        if sitemaps.is_empty() {
            sitemaps.extend(url.join("/sitemap.xml").ok());
        }
        let found = sitemaps.len();
        let mut queued = 0;
        for sitemap in sitemaps {
            let job = Job::Sitemap {
                scope: scope.clone(),
                depth: 0,
            };
            if self.admit_source(sitemap, job, out) {
                queued += 1;
            }
        }
        Some(Outcome::Source {
            url: url
                .join("/robots.txt")
                .map_or_else(|_| url.to_string(), String::from),
            kind: SourceKind::Robots,
            found,
            queued,
        })
    }

    async fn discover(
        self: &Arc<Self>,
        url: &Url,
        scope: &str,
        out: &mpsc::Sender<Outcome>,
    ) -> Option<Outcome> {
        let (final_url, body) = match self.fetch_source(url).await {
            Ok(fetched) => fetched,
            Err(outcome) => return Some(*outcome),
        };
        let base = final_url.clone();
        let feeds = blocking(move || feed::discover(&body, &base)).await;
        if !feeds.is_empty() {
            let found = feeds.len();
            let mut queued = 0;
            for feed in feeds {
                let job = Job::Feed {
                    scope: scope.to_owned(),
                };
                if self.admit_source(feed, job, out) {
                    queued += 1;
                }
            }
            return Some(Outcome::Source {
                url: url.to_string(),
                kind: SourceKind::HomePage,
                found,
                queued,
            });
        }
        // Nothing announced: try where feeds usually live, and read the first that parses.
        for path in feed::USUAL_PATHS {
            let Ok(probe) = final_url.join(path) else {
                continue;
            };
            if !lock(&self.frontier).sources.insert(probe.to_string()) {
                continue;
            }
            let Ok((probe_final, body)) = self.fetch_source(&probe).await else {
                continue;
            };
            let parsed = blocking(move || feed::parse(&body, &probe_final)).await;
            if let Ok(items) = parsed {
                return Some(
                    self.listed(&probe, SourceKind::Feed, items, scope, out)
                        .await,
                );
            }
        }
        Some(Outcome::Failed {
            url: url.to_string(),
            error: Error::NoFeed {
                url: url.to_string(),
            },
        })
    }

    async fn listed(
        self: &Arc<Self>,
        url: &Url,
        kind: SourceKind,
        items: Vec<Listing>,
        scope: &str,
        out: &mpsc::Sender<Outcome>,
    ) -> Outcome {
        let found = items.len();
        let queued = self.admit_listings(items, scope, out).await;
        Outcome::Source {
            url: url.to_string(),
            kind,
            found,
            queued,
        }
    }

    /// Fetches a feed, sitemap or home page: its final URL and body, or the outcome to report.
    async fn fetch_source(&self, url: &Url) -> Result<(Url, Vec<u8>), Box<Outcome>> {
        let limit = Limit::Fail(
            self.config
                .max_body_bytes
                .max(self.config.max_sitemap_bytes),
        );
        let key = url.to_string();
        match self.fetch(url, None, limit, false).await {
            Ok((final_url, response)) => Ok((final_url, response.body)),
            Err(Stop::Robots) => Err(Box::new(Outcome::Skipped {
                url: key,
                reason: Skip::Robots,
            })),
            Err(Stop::Failed(error)) => Err(Box::new(Outcome::Failed { url: key, error })),
        }
    }

    // ---- requests --------------------------------------------------------------------------

    /// Fetches a URL, following redirects hop by hop (each hop checked against its own
    /// robots.txt and paced by its own site). Ends on a 2xx or 304 answer.
    async fn fetch(
        &self,
        start: &Url,
        validators: Option<&Validators>,
        limit: Limit,
        skip_non_html: bool,
    ) -> Result<(Url, Response), Stop> {
        let mut url = start.clone();
        let mut visited: Vec<String> = vec![url.to_string()];
        loop {
            self.check_robots(&url).await?;
            let conditional = if url == *start { validators } else { None };
            let response = self
                .request(&url, conditional, limit, skip_non_html)
                .await?;
            match response.status {
                200..=299 | 304 => return Ok((url, response)),
                301 | 302 | 303 | 307 | 308 => {
                    let next = redirect_target(&url, &response)?;
                    if visited.len() > self.config.max_redirects {
                        return Err(Stop::Failed(Error::TooManyRedirects {
                            url: start.to_string(),
                            limit: self.config.max_redirects,
                        }));
                    }
                    if visited.contains(&next.to_string()) {
                        return Err(Stop::Failed(Error::RedirectLoop {
                            url: start.to_string(),
                            at: next.to_string(),
                        }));
                    }
                    visited.push(next.to_string());
                    url = next;
                }
                status => {
                    return Err(Stop::Failed(Error::Status {
                        url: url.to_string(),
                        status,
                    }));
                }
            }
        }
    }

    /// One request through its site's slot, retried on connection errors, 429 and 5xx
    /// with exponential backoff (or the server's `Retry-After`), which delays the whole site.
    async fn request(
        &self,
        url: &Url,
        validators: Option<&Validators>,
        limit: Limit,
        skip_non_html: bool,
    ) -> Result<Response> {
        let slot = self.slot(url);
        let mut attempt: u32 = 1;
        loop {
            let result = {
                let mut guard = slot.lock().await;
                if let Some(at) = guard.next_allowed {
                    tokio::time::sleep_until(at).await;
                }
                let permit = self.permits.acquire().await;
                let result = self.client.get(url, validators, limit, skip_non_html).await;
                drop(permit);
                guard.next_allowed = Some(Instant::now() + self.pause(&guard));
                result
            };
            let wait = match &result {
                Ok(response) if RETRY_STATUSES.contains(&response.status) => Some(
                    response
                        .retry_after()
                        .unwrap_or_else(|| self.backoff(attempt)),
                ),
                Err(error) if error.is_transient() => Some(self.backoff(attempt)),
                _ => None,
            };
            let Some(wait) = wait else {
                return result;
            };
            if attempt >= self.config.max_attempts {
                return result;
            }
            if wait > self.config.max_retry_wait {
                return match result {
                    Ok(response) => Err(Error::RetryTooLate {
                        url: url.to_string(),
                        status: response.status,
                        seconds: wait.as_secs(),
                        limit: self.config.max_retry_wait.as_secs(),
                    }),
                    Err(error) => Err(error),
                };
            }
            tracing::debug!(%url, attempt, ?wait, "retrying");
            let mut guard = slot.lock().await;
            let at = Instant::now() + wait;
            guard.next_allowed = Some(guard.next_allowed.map_or(at, |next| next.max(at)));
            drop(guard);
            attempt += 1;
        }
    }

    fn slot(&self, url: &Url) -> Arc<tokio::sync::Mutex<Slot>> {
        Arc::clone(lock(&self.slots).entry(site_of(url)).or_default())
    }

    /// The pause after a request to a site: the configured delay or the site's (capped)
    /// `Crawl-delay`, whichever is larger, stretched by jitter.
    fn pause(&self, slot: &Slot) -> Duration {
        let crawl_delay = slot.crawl_delay.map_or(Duration::ZERO, |delay| {
            delay.min(self.config.max_crawl_delay)
        });
        jittered(
            self.config.host_delay.max(crawl_delay),
            self.config.delay_jitter,
        )
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        // Capped before the jitter: `Duration::mul_f64` panics past `Duration::MAX`, which a
        // saturated base (many tries, a long --retry-delay) would reach.
        let base = self
            .config
            .retry_base
            .saturating_mul(factor)
            .min(self.config.max_retry_wait);
        jittered(base, self.config.delay_jitter).min(self.config.max_retry_wait)
    }

    // ---- robots.txt ------------------------------------------------------------------------

    async fn check_robots(&self, url: &Url) -> Result<(), Stop> {
        if !self.config.obey_robots {
            return Ok(());
        }
        match self.robots(url).await.verdict(url.as_str()) {
            Verdict::Allowed => Ok(()),
            Verdict::Disallowed => Err(Stop::Robots),
            Verdict::Unreachable(problem) => Err(Stop::Failed(Error::RobotsUnreachable {
                url: url.to_string(),
                problem,
            })),
            Verdict::Blocked(host) => Err(Stop::Failed(Error::PrivateAddress {
                url: url.to_string(),
                host,
            })),
        }
    }

    /// The robots.txt of a URL's origin, fetched once per origin (and again after the TTL).
    async fn robots(&self, url: &Url) -> Arc<Robots> {
        let origin = url.origin().ascii_serialization();
        let cell = {
            let mut robots = lock(&self.robots);
            let cell = robots.entry(origin).or_default();
            if cell
                .get()
                .is_some_and(|rules| rules.read_at.elapsed() > self.config.robots_ttl)
            {
                *cell = RobotsCell::default();
            }
            Arc::clone(cell)
        };
        Arc::clone(cell.get_or_init(|| self.load_robots(url)).await)
    }

    async fn load_robots(&self, url: &Url) -> Arc<Robots> {
        let agent = &self.config.robots_agent;
        let limit = Limit::Truncate(self.config.max_robots_bytes);
        let mut current = match url.join("/robots.txt") {
            Ok(robots_url) => robots_url,
            Err(err) => return Arc::new(Robots::unreachable(RobotsProblem::Locate(err))),
        };
        let mut hops = 0;
        let robots = loop {
            match self.request(&current, None, limit, false).await {
                Ok(response)
                    if (300..400).contains(&response.status) && hops < ROBOTS_REDIRECTS =>
                {
                    match redirect_target(&current, &response) {
                        Ok(next) => {
                            current = next;
                            hops += 1;
                        }
                        Err(_) => break Robots::from_answer(agent, 404, b""),
                    }
                }
                Ok(response) => break Robots::from_answer(agent, response.status, &response.body),
                Err(Error::PrivateAddress { host, .. }) => break Robots::blocked(host),
                Err(error) => break Robots::unreachable(RobotsProblem::Fetch(Box::new(error))),
            }
        };
        if let Some(delay) = robots.crawl_delay() {
            let slot = self.slot(url);
            let mut slot = slot.lock().await;
            slot.crawl_delay = Some(slot.crawl_delay.map_or(delay, |old| old.max(delay)));
            // The robots.txt request itself is followed by the site's own pause.
            let at = Instant::now() + self.pause(&slot);
            slot.next_allowed = Some(slot.next_allowed.map_or(at, |next| next.max(at)));
        }
        Arc::new(robots)
    }
}

/// Parses an absolute http(s) URL, without the credentials it may hold (they are neither
/// sent nor stored nor printed).
fn parse_http_url(text: &str) -> Result<Url> {
    let invalid = |problem: UrlProblem| Error::InvalidUrl {
        url: redact_credentials(text.trim()).into_owned(),
        problem,
    };
    let mut url = Url::parse(text.trim()).map_err(|err| invalid(err.into()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(UrlProblem::Scheme {
            scheme: url.scheme().to_owned(),
        }));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid(UrlProblem::NoHost));
    }
    strip_credentials(&mut url);
    Ok(url)
}

fn redirect_target(url: &Url, response: &Response) -> Result<Url> {
    let bad = |reason: String| Error::BadRedirect {
        url: url.to_string(),
        reason,
        source: None,
    };
    let location = response.header("location").ok_or_else(|| {
        bad(format!(
            "HTTP {} without a Location header",
            response.status
        ))
    })?;
    let mut next = url
        .join(location.trim())
        .map_err(|source| Error::BadRedirect {
            url: url.to_string(),
            reason: format!("Location `{}`", redact_credentials(location)),
            source: Some(source),
        })?;
    next.set_fragment(None);
    if !matches!(next.scheme(), "http" | "https") {
        return Err(bad(format!(
            "Location `{}` is not http(s)",
            redact_credentials(location)
        )));
    }
    strip_credentials(&mut next);
    Ok(next)
}

fn failed_parse(url: &Url, what: &'static str, problem: ParseProblem) -> Outcome {
    Outcome::Failed {
        url: url.to_string(),
        error: Error::Parse {
            url: url.to_string(),
            what,
            problem,
        },
    }
}

/// `base` stretched by a random factor in `[1, 1 + jitter]`.
fn jittered(base: Duration, jitter: f64) -> Duration {
    if base.is_zero() || jitter <= 0.0 {
        return base;
    }
    // `mul_f64` panics on overflow; a pause that cannot be stretched is kept as it is.
    Duration::try_from_secs_f64(base.as_secs_f64() * (1.0 + fastrand::f64() * jitter))
        .unwrap_or(base)
}

/// Runs CPU work (parsing a large feed or sitemap) off the async workers.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    match tokio::task::spawn_blocking(work).await {
        Ok(value) => value,
        Err(err) => std::panic::resume_unwind(err.into_panic()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server on 127.0.0.1 answering every path with a small page, counting requests.
    async fn server(hits: Arc<AtomicUsize>) -> std::net::SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = axum::Router::new().fallback(move || {
            let hits = Arc::clone(&hits);
            async move {
                hits.fetch_add(1, Ordering::SeqCst);
                axum::response::Html("<html><body><p>hello</p></body></html>")
            }
        });
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        addr
    }

    #[tokio::test]
    async fn pages_are_deduplicated_limited_and_recalled() {
        let hits = Arc::new(AtomicUsize::new(0));
        let addr = server(Arc::clone(&hits)).await;
        let url = |path: &str| format!("http://{addr}{path}");
        let seeds = ["/a?utm_source=x", "/a#top", "/stored", "/b", "/c"]
            .iter()
            .map(|path| Seed::Page(url(path)))
            .chain([Seed::Page("mailto:someone@example.org".into())])
            .collect();
        let config = Config {
            host_delay: Duration::ZERO,
            allow_private: true,
            obey_robots: false,
            limit: Some(3),
            ..Config::default()
        };
        let stored = url("/stored");
        let recall = move |key: &str| {
            if key == stored {
                Recall::Stored
            } else {
                Recall::Missing
            }
        };
        let mut crawl = Crawler::new(config).unwrap().start(seeds, recall);
        let mut outcomes = Vec::new();
        while let Some(outcome) = crawl.next().await {
            outcomes.push(outcome);
        }
        let summary: Vec<String> = outcomes
            .iter()
            .map(|outcome| match outcome {
                Outcome::Page { page, .. } => format!("page {}", page.url),
                Outcome::Skipped { url, reason } => format!("skip {url} {reason:?}"),
                Outcome::Known { url } => format!("known {url}"),
                Outcome::Failed { url, .. } => format!("failed {url}"),
                other => format!("{other:?}"),
            })
            .collect();
        let mut summary = summary;
        summary.sort();
        let mut expected = vec![
            format!("page {}", url("/a")),
            format!("skip {} Duplicate", url("/a")),
            format!("known {}", url("/stored")),
            format!("page {}", url("/b")),
            "failed mailto:someone@example.org".to_owned(),
        ];
        expected.sort();
        assert_eq!(summary, expected, "/c is over the limit of 3");
        assert_eq!(hits.load(Ordering::SeqCst), 2);
        assert_eq!(crawl.admitted(), 3);
    }

    #[test]
    fn jitter_stretches_pauses_but_never_shortens_them() {
        for _ in 0..100 {
            let pause = jittered(Duration::from_millis(100), 0.5);
            assert!(pause >= Duration::from_millis(100) && pause <= Duration::from_millis(150));
        }
        assert_eq!(jittered(Duration::ZERO, 0.5), Duration::ZERO);
    }
}
