//! The fetcher's one error type: why a URL, a feed, a sitemap or a WARC file gave nothing.

use std::path::PathBuf;

/// Why a URL could not be fetched or a source could not be read. Every variant names its URL
/// (or file), and [`Error::reason`] gives the short label the summary groups failures by.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The text is not an absolute http(s) URL.
    #[error("{url}: invalid URL: {reason}")]
    InvalidUrl { url: String, reason: String },
    /// The server answered with a status that is neither success nor a redirect.
    #[error("{url}: HTTP {status}")]
    Status { url: String, status: u16 },
    /// The server asked to come back later than newsdex is willing to wait.
    #[error("{url}: HTTP {status}, retry after {seconds} s is longer than the {limit} s limit")]
    RetryTooLate {
        url: String,
        status: u16,
        seconds: u64,
        limit: u64,
    },
    /// The body was larger than the configured cap.
    #[error("{url}: body larger than {limit} bytes")]
    TooLarge { url: String, limit: u64 },
    /// The request took longer than the configured timeout.
    #[error("{url}: timed out")]
    Timeout { url: String },
    /// Connecting, TLS or reading the body failed.
    #[error("{url}: {reason}")]
    Network { url: String, reason: String },
    /// The host is (or resolves only to) a private, loopback or link-local address, and
    /// private addresses are not allowed.
    #[error("{url}: refusing to fetch `{host}`: a private, loopback or link-local address")]
    PrivateAddress { url: String, host: String },
    /// A redirect chain came back to a URL it had already visited.
    #[error("{url}: redirect loop at `{at}`")]
    RedirectLoop { url: String, at: String },
    /// A redirect chain was longer than the configured limit.
    #[error("{url}: more than {limit} redirects")]
    TooManyRedirects { url: String, limit: usize },
    /// A redirect without a usable `Location` header.
    #[error("{url}: bad redirect: {reason}")]
    BadRedirect { url: String, reason: String },
    /// robots.txt could not be fetched (5xx or network failure), so RFC 9309 says the whole
    /// site is off limits for now.
    #[error("{url}: robots.txt unreachable ({reason}), so the site is treated as disallowed")]
    RobotsUnreachable { url: String, reason: String },
    /// A feed or sitemap could not be parsed.
    #[error("{url}: not a valid {what}: {reason}")]
    Parse {
        url: String,
        what: &'static str,
        reason: String,
    },
    /// Feed discovery found no feed on the page nor at the usual paths.
    #[error("{url}: no RSS, Atom or JSON feed found")]
    NoFeed { url: String },
    /// A WARC file could not be read or written.
    #[error("WARC `{path}`: {reason}")]
    Warc { path: PathBuf, reason: String },
    /// The HTTP client could not be built (bad TLS setup, bad User-Agent).
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
}

impl Error {
    /// The URL the error is about, if any.
    pub fn url(&self) -> Option<&str> {
        match self {
            Self::InvalidUrl { url, .. }
            | Self::Status { url, .. }
            | Self::RetryTooLate { url, .. }
            | Self::TooLarge { url, .. }
            | Self::Timeout { url }
            | Self::Network { url, .. }
            | Self::PrivateAddress { url, .. }
            | Self::RedirectLoop { url, .. }
            | Self::TooManyRedirects { url, .. }
            | Self::BadRedirect { url, .. }
            | Self::RobotsUnreachable { url, .. }
            | Self::Parse { url, .. }
            | Self::NoFeed { url } => Some(url),
            Self::Warc { .. } | Self::Client(_) => None,
        }
    }

    /// The message without the leading URL, for lines that already name it.
    pub fn detail(&self) -> String {
        let message = self.to_string();
        match self.url() {
            Some(url) => message
                .strip_prefix(url)
                .and_then(|rest| rest.strip_prefix(": "))
                .map_or_else(|| message.clone(), str::to_owned),
            None => message,
        }
    }

    /// A short, stable label to group failures by in a summary (`HTTP 404`, `timeout`, ...).
    pub fn reason(&self) -> String {
        match self {
            Self::InvalidUrl { .. } => "invalid URL".into(),
            Self::Status { status, .. } | Self::RetryTooLate { status, .. } => {
                format!("HTTP {status}")
            }
            Self::TooLarge { .. } => "body too large".into(),
            Self::Timeout { .. } => "timeout".into(),
            Self::Network { .. } => "network error".into(),
            Self::PrivateAddress { .. } => "private address".into(),
            Self::RedirectLoop { .. } => "redirect loop".into(),
            Self::TooManyRedirects { .. } => "too many redirects".into(),
            Self::BadRedirect { .. } => "bad redirect".into(),
            Self::RobotsUnreachable { .. } => "robots.txt unreachable".into(),
            Self::Parse { what, .. } => format!("invalid {what}"),
            Self::NoFeed { .. } => "no feed found".into(),
            Self::Warc { .. } => "bad WARC".into(),
            Self::Client(_) => "client setup".into(),
        }
    }

    /// Whether trying again later may succeed: connection failures (not timeouts of a whole
    /// request, which would only repeat a slow response, nor refusals on principle).
    pub(crate) fn is_transient(&self) -> bool {
        matches!(self, Self::Network { .. })
    }
}

/// `Result` with the fetcher's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
