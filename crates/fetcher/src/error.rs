//! The fetcher's one error type: why a URL, a feed, a sitemap or a WARC file gave nothing.

use std::path::PathBuf;

pub use crate::warc::WarcProblem;

/// Why a URL could not be fetched or a source could not be read. Every variant names its URL
/// (or file) first; [`Error::reason`] gives the short label the summary groups failures by,
/// and [`Error::detail`] the message without that name, its causes included once each.
///
/// Causes are kept as sources, not in the message, so that `{err:#}` (anyhow's chain) prints
/// each cause once.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The text is not an absolute http(s) URL.
    #[error("{url}: invalid URL")]
    InvalidUrl {
        url: String,
        #[source]
        problem: UrlProblem,
    },
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
    #[error("{url}: network error")]
    Network {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    /// The host is (or resolves only to) a private, loopback or link-local address, and
    /// private addresses are not allowed. Through a proxy, which resolves names itself, one
    /// such address is enough.
    #[error("{url}: refusing to fetch `{host}`: a private, loopback or link-local address")]
    PrivateAddress { url: String, host: String },
    /// A request would go through a proxy, and the host's addresses could not be looked up to
    /// check them first.
    #[error("{url}: cannot resolve `{host}` to check its addresses before using the proxy")]
    Unresolved {
        url: String,
        host: String,
        #[source]
        source: std::io::Error,
    },
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
    /// A WARC file (or stream) could not be opened or read at all.
    #[error("{}: cannot read WARC file", path.display())]
    WarcRead {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// What was given as a WARC file is not one.
    #[error("{}: not a WARC file ({why})", path.display())]
    NotWarc { path: PathBuf, why: &'static str },
    /// One record of a WARC file was not imported; the records after it still are.
    /// `record` counts from 1 (malformed stretches included) and `offset` is in bytes from
    /// the start of the (decompressed) stream.
    #[error("{}: record {record} at byte {offset}", path.display())]
    WarcRecord {
        path: PathBuf,
        record: u64,
        offset: u64,
        #[source]
        problem: WarcProblem,
    },
    /// A WARC file could not be written.
    #[error("{}: cannot write WARC file", path.display())]
    WarcWrite {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The HTTP client could not be built (bad TLS setup, bad User-Agent, bad proxy).
    #[error("cannot build the HTTP client")]
    Client(#[source] reqwest::Error),
}

/// Why a text is not a URL the fetcher can fetch.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UrlProblem {
    /// Not an absolute URL at all.
    #[error(transparent)]
    Syntax(#[from] url::ParseError),
    /// Another scheme than http and https.
    #[error("scheme `{scheme}` is not fetched (only http and https)")]
    Scheme { scheme: String },
    /// `http://` without a host.
    #[error("no host")]
    NoHost,
    /// URL normalisation ([`newsdex_types::normalize_url`]) refused it.
    #[error(transparent)]
    Normalise(newsdex_types::InvalidUrl),
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
            | Self::Unresolved { url, .. }
            | Self::RedirectLoop { url, .. }
            | Self::TooManyRedirects { url, .. }
            | Self::BadRedirect { url, .. }
            | Self::RobotsUnreachable { url, .. }
            | Self::Parse { url, .. }
            | Self::NoFeed { url } => Some(url),
            Self::WarcRead { .. }
            | Self::NotWarc { .. }
            | Self::WarcRecord { .. }
            | Self::WarcWrite { .. }
            | Self::Client(_) => None,
        }
    }

    /// The file (or stream) the error is about, if any.
    pub fn path(&self) -> Option<&std::path::Path> {
        match self {
            Self::WarcRead { path, .. }
            | Self::NotWarc { path, .. }
            | Self::WarcRecord { path, .. }
            | Self::WarcWrite { path, .. } => Some(path),
            _ => None,
        }
    }

    /// The message without the leading URL or file name, for lines that already name it,
    /// followed by its first cause and its root cause (the layers between, such as hyper's
    /// "client error (Connect)", add words but no news). Each is printed once: a cause whose
    /// text the message already holds adds nothing. `{err:#}` prints the whole chain.
    pub fn detail(&self) -> String {
        let message = self.to_string();
        let subject = self
            .url()
            .map(str::to_owned)
            .or_else(|| self.path().map(|path| path.display().to_string()));
        let mut detail = subject
            .and_then(|subject| {
                message
                    .strip_prefix(&subject)
                    .and_then(|rest| rest.strip_prefix(": "))
                    .map(str::to_owned)
            })
            .unwrap_or(message);
        let mut causes = Vec::new();
        let mut cause = std::error::Error::source(self);
        while let Some(error) = cause {
            causes.push(error.to_string());
            cause = error.source();
        }
        let shown = match causes.as_slice() {
            [] => Vec::new(),
            [only] => vec![only],
            [first, .., root] => vec![first, root],
        };
        for text in shown {
            if !text.is_empty() && !detail.contains(text.as_str()) {
                detail.push_str(": ");
                detail.push_str(text);
            }
        }
        detail
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
            Self::Unresolved { .. } => "DNS failure".into(),
            Self::RedirectLoop { .. } => "redirect loop".into(),
            Self::TooManyRedirects { .. } => "too many redirects".into(),
            Self::BadRedirect { .. } => "bad redirect".into(),
            Self::RobotsUnreachable { .. } => "robots.txt unreachable".into(),
            Self::Parse { what, .. } => format!("invalid {what}"),
            Self::NoFeed { .. } => "no feed found".into(),
            Self::WarcRead { .. } => "unreadable WARC".into(),
            Self::NotWarc { .. } => "not a WARC file".into(),
            Self::WarcRecord { problem, .. } => problem.reason().into(),
            Self::WarcWrite { .. } => "cannot write WARC".into(),
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
