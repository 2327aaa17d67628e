//! `ingest`'s flags, and how they become the fetcher's settings. The fetcher's flags are
//! `Option`s over [`Config::default`]: an absent flag leaves the library's default in place
//! (the help reads it from there), and every number is checked against the fetcher's own
//! range ([`Config::PAUSE_RANGE`] ...), which the error states, so the library and the command
//! line cannot disagree.

use std::net::IpAddr;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use newsdex_fetcher::{Config, Proxy};

use crate::flags::{
    ByteSize, Seconds, count_in, count_range, help, seconds_in, seconds_range, size_in, size_range,
    widened,
};

/// The fetcher's defaults, for the help.
fn defaults() -> Config {
    Config::default()
}

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

    // The flags below have the fetcher's defaults and ranges, read from it for the help.
    #[arg(long, value_name = "SECONDS", value_parser = seconds_in(Config::PAUSE_RANGE),
        help = help(
            "Seconds between two requests to one site (a larger robots.txt Crawl-delay wins)",
            &seconds_range(&Config::PAUSE_RANGE),
            Seconds(defaults().host_delay),
        ))]
    pub delay: Option<Seconds>,

    #[arg(long, value_name = "N", value_parser = count_in(widened(&Config::CONCURRENCY_RANGE)),
        help = help(
            "Requests in flight at once, across all sites",
            &count_range(&Config::CONCURRENCY_RANGE),
            defaults().concurrency,
        ))]
    pub concurrency: Option<u64>,

    #[arg(long, value_name = "SECONDS", value_parser = seconds_in(Config::TIMEOUT_RANGE),
        help = help(
            "Seconds a whole request may take, body included",
            &seconds_range(&Config::TIMEOUT_RANGE),
            Seconds(defaults().timeout),
        ))]
    pub timeout: Option<Seconds>,

    #[arg(long, value_name = "SIZE", value_parser = size_in(Config::BODY_RANGE),
        help = help(
            "Largest page body (suffixes k, M, G); larger pages, files and WARC records fail",
            &size_range(&Config::BODY_RANGE),
            ByteSize(defaults().max_body_bytes),
        ))]
    pub max_body: Option<ByteSize>,

    #[arg(long, value_name = "N", value_parser = count_in(widened(&Config::ATTEMPTS_RANGE)),
        help = help(
            "Tries per request on connection errors, 429 and 5xx, the first one included",
            &count_range(&Config::ATTEMPTS_RANGE),
            defaults().max_attempts,
        ))]
    pub tries: Option<u64>,

    #[arg(long, value_name = "SECONDS", value_parser = seconds_in(Config::PAUSE_RANGE),
        help = help(
            "Seconds before the first retry; it doubles with each further try (a Retry-After wins)",
            &seconds_range(&Config::PAUSE_RANGE),
            Seconds(defaults().retry_base),
        ))]
    pub retry_delay: Option<Seconds>,

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
    /// The fetcher's settings: the flags given over [`Config::default`]. Proxies are read
    /// from the environment (`http_proxy`, `https_proxy`, `no_proxy`, ...), as curl does:
    /// the command line's choice, not the library's.
    pub fn fetch_config(&self) -> Config {
        let defaults = defaults();
        // The flags' ranges are the fetcher's, so these conversions are exact.
        let to_usize = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        Config {
            user_agent: self.user_agent.clone().unwrap_or(defaults.user_agent),
            timeout: self.timeout.map_or(defaults.timeout, |s| s.0),
            max_body_bytes: self.max_body_bytes(),
            host_delay: self.delay.map_or(defaults.host_delay, |s| s.0),
            concurrency: self.concurrency.map_or(defaults.concurrency, to_usize),
            max_attempts: self.tries.map_or(defaults.max_attempts, |n| {
                u32::try_from(n).unwrap_or(u32::MAX)
            }),
            retry_base: self.retry_delay.map_or(defaults.retry_base, |s| s.0),
            obey_robots: !self.ignore_robots,
            allow_private: self.allow_private,
            resolve: self.resolve.clone(),
            proxy: Proxy::Environment,
            since: self.since,
            limit: self.limit.map(to_usize),
            same_site: self.same_site,
            ..defaults
        }
    }

    /// Largest page body, from a file, a WARC record or the network.
    pub fn max_body_bytes(&self) -> u64 {
        self.max_body
            .map_or(defaults().max_body_bytes, |size| size.0)
    }

    /// Articles per index commit.
    pub fn commit_every(&self) -> usize {
        usize::try_from(self.commit_every).unwrap_or(usize::MAX)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use clap::{CommandFactory, Parser};

    use super::*;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    fn parse(flags: &[&str]) -> Result<Args, clap::Error> {
        Cli::try_parse_from(std::iter::once("ingest").chain(flags.iter().copied()))
            .map(|cli| cli.args)
    }

    /// Issue 11: the defaults were written twice, in clap and in the fetcher.
    #[test]
    fn without_flags_the_fetcher_gets_its_own_defaults_and_the_environments_proxies() {
        let config = parse(&[]).unwrap().fetch_config();
        let expected = Config {
            proxy: Proxy::Environment,
            ..Config::default()
        };
        assert_eq!(format!("{config:?}"), format!("{expected:?}"));
    }

    #[test]
    fn flags_override_only_their_own_setting() {
        let config = parse(&["--delay", "0.25", "--tries", "7", "--max-body", "2M"])
            .unwrap()
            .fetch_config();
        assert_eq!(config.host_delay, Duration::from_millis(250));
        assert_eq!(config.max_attempts, 7);
        assert_eq!(config.max_body_bytes, 2 << 20);
        assert_eq!(config.timeout, Config::default().timeout);
        assert_eq!(config.concurrency, Config::default().concurrency);
    }

    #[test]
    fn the_help_shows_the_fetchers_defaults_and_ranges() {
        // Wrapped to the terminal's width: compared with the line breaks taken out.
        let help = Cli::command().render_long_help().to_string();
        let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
        let defaults = Config::default();
        for expected in [
            format!("1 to 1024 [default: {}]", defaults.concurrency),
            format!("1 to 100 [default: {}]", defaults.max_attempts),
            format!("[default: {}]", ByteSize(defaults.max_body_bytes)),
        ] {
            assert!(help.contains(&expected), "{expected} in {help}");
        }
    }

    /// The flags' ranges are the fetcher's: the edges pass both, one step beyond fails both,
    /// the command line's error saying the range.
    #[test]
    fn the_flags_ranges_are_the_fetchers() {
        let edges = [
            ("--concurrency", "1", "0"),
            ("--concurrency", "1024", "1025"),
            ("--tries", "100", "101"),
            ("--timeout", "0.1", "0.09"),
            ("--delay", "3600", "3601"),
            ("--retry-delay", "0", "3600.5"),
            ("--max-body", "1k", "1023"),
            ("--max-body", "1G", "1025M"),
        ];
        for (flag, inside, outside) in edges {
            let config = parse(&[flag, inside]).unwrap().fetch_config();
            config.validate().unwrap();
            let err = parse(&[flag, outside]).unwrap_err().to_string();
            assert!(err.contains("out of range"), "{flag} {outside}: {err}");
        }
    }
}
