//! Crawl settings: every limit, politeness default and source filter in one plain struct.

use std::net::IpAddr;
use std::time::Duration;

use chrono::{DateTime, Utc};

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

/// Where requests go: directly, or through a proxy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Proxy {
    /// The proxies the environment names, read the way curl reads them (`http_proxy`,
    /// `https_proxy`, `all_proxy`, and `no_proxy` for hosts reached directly), as reqwest
    /// does by default.
    #[default]
    Environment,
    /// Always connect directly, whatever the environment says.
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
