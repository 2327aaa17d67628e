//! Crawl settings: every limit, politeness default and source filter in one plain struct.

use std::fmt;
use std::net::IpAddr;
use std::ops::RangeInclusive;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::{Error, Result};

/// Fetch and crawl settings. `Default` follows the conventions of well-mannered news crawlers
/// (Scrapy's template, trafilatura, Common Crawl's news crawler, Heritrix): robots.txt obeyed,
/// one request at a time per site with a 1 s pause, 16 requests in flight across sites.
///
/// Politeness is keyed by *site*: the registrable domain of a host (`www.` and `amp.`
/// subdomains share one budget), or the bare host for IP addresses and single-label names.
/// Ports are not part of the key, so two servers on one host share its budget.
#[derive(Debug, Clone)]
pub struct Config {
    /// Sent with every request; names newsdex, its version and where to read about it.
    pub user_agent: String,
    /// The product token matched against robots.txt `User-agent` groups (falling back to `*`).
    pub robots_agent: String,
    /// Whole request, body included.
    pub timeout: Duration,
    /// Connecting, TLS handshake included: a dead host fails fast, well before `timeout`.
    pub connect_timeout: Duration,
    /// Largest decoded page or feed body accepted; bigger responses are abandoned mid-stream.
    pub max_body_bytes: u64,
    /// Redirect hops followed per URL (each hop is a request to its own site).
    pub max_redirects: usize,
    /// Pause between two requests to one site, from the end of one to the start of the next.
    pub host_delay: Duration,
    /// Each pause is stretched by a random factor in `[1, 1 + delay_jitter]`, so that a
    /// crawl never settles into a fixed beat; pauses are never shortened.
    pub delay_jitter: f64,
    /// A robots.txt `Crawl-delay` larger than `host_delay` wins, up to this cap.
    pub max_crawl_delay: Duration,
    /// Requests in flight at once, across all sites.
    pub concurrency: usize,
    /// Tries per request, the first included, on connection errors, 429 and 5xx.
    pub max_attempts: u32,
    /// First backoff before a retry; it doubles with every further try (plus jitter).
    pub retry_base: Duration,
    /// Longest wait before a retry; a `Retry-After` asking for more fails the URL at once.
    pub max_retry_wait: Duration,
    /// Obey robots.txt (RFC 9309). Turning it off also drops `Crawl-delay`.
    pub obey_robots: bool,
    /// How long a site's robots.txt is trusted before it is fetched again (RFC 9309: ≤ 24 h).
    pub robots_ttl: Duration,
    /// robots.txt beyond this size is ignored (RFC 9309 asks for at least 500 KiB).
    pub max_robots_bytes: u64,
    /// Fetch private, loopback and link-local addresses (off: feeds and sitemaps can point
    /// anywhere, and a crawler must not become a way into the local network).
    pub allow_private: bool,
    /// Host names answered without DNS, like curl's `--resolve` (tests and staging hosts).
    /// The private-address rule still applies to the addresses given here.
    pub resolve: Vec<(String, IpAddr)>,
    /// Which proxy requests go through. A proxy resolves host names itself, so when one is
    /// used the fetcher resolves the name first and refuses it if any of its addresses is
    /// private (unless `allow_private`); without a proxy the rule is enforced on the
    /// addresses connected to.
    pub proxy: Proxy,
    /// Largest uncompressed sitemap file (the sitemaps protocol allows 50 MB).
    pub max_sitemap_bytes: u64,
    /// URLs read from one sitemap file (the protocol allows 50,000).
    pub max_sitemap_urls: usize,
    /// How deep sitemap indexes may nest below the sitemap given.
    pub max_sitemap_depth: usize,
    /// Feed and sitemap items published (or last modified) before this are left out; items
    /// without a date are kept.
    pub since: Option<DateTime<Utc>>,
    /// At most this many page URLs in a run (inputs and discovered items together).
    pub limit: Option<usize>,
    /// Only follow feed and sitemap items on the site of the feed or sitemap they came from.
    pub same_site: bool,
}

/// Where requests go: directly, or through a proxy. The default is [`Proxy::Direct`]: a
/// library does not read the environment unless its caller asks it to (the command line
/// does, with [`Proxy::Environment`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Proxy {
    /// The proxies the environment names, read the way curl reads them (`http_proxy`,
    /// `https_proxy`, `all_proxy`, and `no_proxy` for hosts reached directly), as reqwest
    /// does when left to itself.
    Environment,
    /// Always connect directly, whatever the environment says.
    #[default]
    Direct,
    /// Every request through this proxy (`http://host:port`, `socks5://host:port`).
    All(String),
}

impl Default for Config {
    fn default() -> Self {
        Self {
            user_agent: concat!(
                "newsdex/",
                env!("CARGO_PKG_VERSION"),
                " (+https://github.com/newsdex/newsdex)"
            )
            .to_owned(),
            robots_agent: "newsdex".to_owned(),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_body_bytes: 20 * 1024 * 1024,
            max_redirects: 10,
            host_delay: Duration::from_secs(1),
            delay_jitter: 0.5,
            max_crawl_delay: Duration::from_secs(120),
            concurrency: 16,
            max_attempts: 3,
            retry_base: Duration::from_secs(1),
            max_retry_wait: Duration::from_secs(120),
            obey_robots: true,
            robots_ttl: Duration::from_secs(24 * 60 * 60),
            max_robots_bytes: 500 * 1024,
            allow_private: false,
            resolve: Vec::new(),
            proxy: Proxy::default(),
            max_sitemap_bytes: 50 * 1024 * 1024,
            max_sitemap_urls: 50_000,
            max_sitemap_depth: 3,
            since: None,
            limit: None,
            same_site: false,
        }
    }
}

impl Config {
    /// The range of [`Config::host_delay`] and [`Config::retry_base`]: an hour is already
    /// absurd between two requests, and `Duration` arithmetic in the crawler stays far from
    /// overflow.
    pub const PAUSE_RANGE: RangeInclusive<Duration> = Duration::ZERO..=Duration::from_secs(3600);
    /// The range of [`Config::timeout`] and [`Config::connect_timeout`]: less than 0.1 s fails
    /// every real request.
    pub const TIMEOUT_RANGE: RangeInclusive<Duration> =
        Duration::from_millis(100)..=Duration::from_secs(3600);
    /// The range of [`Config::concurrency`]: at least one request must be able to run.
    pub const CONCURRENCY_RANGE: RangeInclusive<usize> = 1..=1024;
    /// The range of [`Config::max_attempts`]: the first try counts.
    pub const ATTEMPTS_RANGE: RangeInclusive<u32> = 1..=100;
    /// The range of [`Config::max_body_bytes`]: 1 KiB to 1 GiB.
    pub const BODY_RANGE: RangeInclusive<u64> = 1 << 10..=1 << 30;

    /// Checks the settings that have a range; the error names the first one outside it and
    /// the range. [`crate::Crawler::new`] calls it, so nothing is silently clamped.
    ///
    /// # Errors
    /// [`Error::Setting`] for a value outside its range.
    pub fn validate(&self) -> Result<()> {
        check("timeout", self.timeout, &Self::TIMEOUT_RANGE, Seconds)?;
        check(
            "connect_timeout",
            self.connect_timeout,
            &Self::TIMEOUT_RANGE,
            Seconds,
        )?;
        check("host_delay", self.host_delay, &Self::PAUSE_RANGE, Seconds)?;
        check("retry_base", self.retry_base, &Self::PAUSE_RANGE, Seconds)?;
        check(
            "concurrency",
            self.concurrency,
            &Self::CONCURRENCY_RANGE,
            |n| n,
        )?;
        check(
            "max_attempts",
            self.max_attempts,
            &Self::ATTEMPTS_RANGE,
            |n| n,
        )?;
        check(
            "max_body_bytes",
            self.max_body_bytes,
            &Self::BODY_RANGE,
            |n| n,
        )
    }
}

/// `value` if it lies in `range`, else [`Error::Setting`] with both shown through `show`.
fn check<T: PartialOrd + Copy, S: fmt::Display>(
    field: &'static str,
    value: T,
    range: &RangeInclusive<T>,
    show: impl Fn(T) -> S,
) -> Result<()> {
    if range.contains(&value) {
        return Ok(());
    }
    Err(Error::Setting {
        field,
        value: show(value).to_string(),
        range: format!("{} to {}", show(*range.start()), show(*range.end())),
    })
}

/// A `Duration` shown in seconds, as the settings are written (`0.1 s`, `3600 s`).
struct Seconds(Duration);

impl fmt::Display for Seconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} s", self.0.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_within_their_ranges() {
        Config::default().validate().unwrap();
    }

    /// Issue 11: `concurrency: 0` and `max_attempts: 0` were silently taken as 1.
    #[test]
    fn settings_outside_their_range_are_errors_that_name_the_field_and_the_range() {
        let cases: [(Config, &str); 4] = [
            (
                Config {
                    concurrency: 0,
                    ..Config::default()
                },
                "`concurrency` is 0, outside its range 1 to 1024",
            ),
            (
                Config {
                    max_attempts: 0,
                    ..Config::default()
                },
                "`max_attempts` is 0, outside its range 1 to 100",
            ),
            (
                Config {
                    timeout: Duration::from_millis(10),
                    ..Config::default()
                },
                "`timeout` is 0.01 s, outside its range 0.1 s to 3600 s",
            ),
            (
                Config {
                    max_body_bytes: 2 << 30,
                    ..Config::default()
                },
                "`max_body_bytes` is 2147483648, outside its range 1024 to 1073741824",
            ),
        ];
        for (config, expected) in cases {
            // The crawler checks before anything else.
            assert!(matches!(
                crate::Crawler::new(config.clone()),
                Err(Error::Setting { .. })
            ));
            let err = config.validate().unwrap_err();
            assert!(matches!(err, Error::Setting { .. }), "{err:?}");
            assert!(err.to_string().contains(expected), "{err}");
        }
    }
}
