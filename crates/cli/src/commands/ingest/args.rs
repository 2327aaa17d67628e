//! `ingest`'s flags, and how they become the fetcher's settings. Every default comes from
//! [`newsdex_fetcher::Config::default`] (the help shows it), so the library and the command
//! line cannot disagree, and every number is checked against a range the error states.

use std::net::IpAddr;
use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::flags::{ByteSize, Seconds, count_in, seconds_in, size_in};

/// The fetcher's defaults, for the flags' `default_value_t`.
fn fetch_defaults() -> newsdex_fetcher::Config {
    newsdex_fetcher::Config::default()
}

/// Longest pause, timeout or backoff a flag may ask for: an hour is already absurd for one
/// request, and `Duration` arithmetic in the crawler stays far from overflow.
const MAX_SECONDS: f64 = 3600.0;

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
    pub inputs: Vec<String>,

    /// Read more URLs from FILE, one per line (`-` for stdin); blank lines and `#` comments skipped.
    #[arg(long, value_name = "FILE")]
    pub urls: Option<PathBuf>,

    /// Ingest the items of an RSS, Atom or JSON feed (repeatable).
    #[arg(long, value_name = "URL")]
    pub feed: Vec<String>,

    /// Find a site's feeds from its home page (`<link rel="alternate">`, then the usual
    /// paths) and ingest their items (repeatable).
    #[arg(long, value_name = "URL")]
    pub discover: Vec<String>,

    /// Ingest the pages of a sitemap or sitemap index (gzip and Google News sitemaps too); a
    /// site's root or robots.txt URL means the sitemaps robots.txt lists (repeatable).
    #[arg(long, value_name = "URL")]
    pub sitemap: Vec<String>,

    /// Import every HTML response record of a WARC file, gzip or plain, without fetching
    /// anything (repeatable).
    #[arg(long, value_name = "FILE")]
    pub warc: Vec<PathBuf>,

    /// Only feed and sitemap items published (or modified) on or after DATE
    /// (`2025-06-01` or RFC 3339); items without a date are kept.
    #[arg(long, value_name = "DATE", value_parser = parse_since)]
    pub since: Option<DateTime<Utc>>,

    /// At most N page URLs in this run (inputs and discovered items together).
    #[arg(long, value_name = "N", value_parser = count_in(1..=u64::from(u32::MAX)))]
    pub limit: Option<u64>,

    /// Only follow feed and sitemap items on the same site as the feed or sitemap.
    #[arg(long)]
    pub same_site: bool,

    /// Fetch stored URLs again, conditionally (ETag / Last-Modified): unchanged pages are
    /// not downloaded nor re-indexed. A URL that leads to an article stored from another URL
    /// (the same canonical URL) is not fetched again.
    #[arg(long)]
    pub refresh: bool,

    /// Do not fetch or obey robots.txt (and its Crawl-delay).
    #[arg(long)]
    pub ignore_robots: bool,

    /// Allow private, loopback and link-local addresses (a local test server, an intranet).
    #[arg(long)]
    pub allow_private: bool,

    /// Seconds between two requests to one site (a larger robots.txt Crawl-delay wins);
    /// 0 to 3600.
    #[arg(long, value_name = "SECONDS",
        default_value_t = Seconds(fetch_defaults().host_delay),
        value_parser = seconds_in(0.0..=MAX_SECONDS))]
    pub delay: Seconds,

    /// Requests in flight at once, across all sites; 1 to 1024.
    #[arg(long, value_name = "N",
        default_value_t = fetch_defaults().concurrency as u64,
        value_parser = count_in(1..=1024))]
    pub concurrency: u64,

    /// Seconds a whole request may take, body included; 0.1 to 3600.
    #[arg(long, value_name = "SECONDS",
        default_value_t = Seconds(fetch_defaults().timeout),
        value_parser = seconds_in(0.1..=MAX_SECONDS))]
    pub timeout: Seconds,

    /// Largest page body (suffixes k, M, G); larger pages, files and WARC records fail;
    /// 1k to 1G.
    #[arg(long, value_name = "SIZE",
        default_value_t = ByteSize(fetch_defaults().max_body_bytes),
        value_parser = size_in(1 << 10..=1 << 30))]
    pub max_body: ByteSize,

    /// Tries per request on connection errors, 429 and 5xx, the first one included; 1 to 100.
    #[arg(long, value_name = "N",
        default_value_t = u64::from(fetch_defaults().max_attempts),
        value_parser = count_in(1..=100))]
    pub tries: u64,

    /// Seconds before the first retry; it doubles with each further try (a Retry-After
    /// wins); 0 to 3600.
    #[arg(long, value_name = "SECONDS",
        default_value_t = Seconds(fetch_defaults().retry_base),
        value_parser = seconds_in(0.0..=MAX_SECONDS))]
    pub retry_delay: Seconds,

    /// The User-Agent header (default: newsdex/VERSION with the project URL).
    #[arg(long, value_name = "TEXT")]
    pub user_agent: Option<String>,

    /// Send requests for HOST to ADDR instead of resolving it, like curl's --resolve
    /// (repeatable).
    #[arg(long, value_name = "HOST=ADDR", value_parser = parse_resolve)]
    pub resolve: Vec<(String, IpAddr)>,

    /// Write one JSON line per URL with its outcome to FILE (written beside it and renamed
    /// into place at the end; never over the page store, the index or an input).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,

    /// Commit the index every N articles (a crash loses at most the uncommitted ones, and
    /// the next run re-indexes them from the page store); 1 to 1000000.
    #[arg(long, default_value_t = 200, value_name = "N", value_parser = count_in(1..=1_000_000))]
    pub commit_every: u64,

    /// After the ingest, report every saved search's matches among the articles it added
    /// (see `newsdex watch`; they are not marked seen).
    #[arg(long)]
    pub watch: bool,
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
    /// The fetcher's settings: the flags over [`newsdex_fetcher::Config::default`].
    pub fn fetch_config(&self) -> newsdex_fetcher::Config {
        let defaults = fetch_defaults();
        // The ranges above keep these conversions exact.
        let to_usize = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        newsdex_fetcher::Config {
            user_agent: self.user_agent.clone().unwrap_or(defaults.user_agent),
            timeout: self.timeout.0,
            max_body_bytes: self.max_body.0,
            host_delay: self.delay.0,
            concurrency: to_usize(self.concurrency),
            max_attempts: u32::try_from(self.tries).unwrap_or(u32::MAX),
            retry_base: self.retry_delay.0,
            obey_robots: !self.ignore_robots,
            allow_private: self.allow_private,
            resolve: self.resolve.clone(),
            since: self.since,
            limit: self.limit.map(to_usize),
            same_site: self.same_site,
            ..defaults
        }
    }

    /// Articles per index commit.
    pub fn commit_every(&self) -> usize {
        usize::try_from(self.commit_every).unwrap_or(usize::MAX)
    }
}
