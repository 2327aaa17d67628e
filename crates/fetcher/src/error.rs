//! The fetcher's one error type: why a URL, a feed, a sitemap or a WARC file gave nothing.

use std::path::PathBuf;
use std::sync::Arc;

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
        /// The URL asked for.
        url: String,
        /// What is wrong with it.
        #[source]
        problem: UrlProblem,
    },
    /// The server answered with a status that is neither success nor a redirect.
    #[error("{url}: HTTP {status}")]
    Status {
        /// The URL asked for.
        url: String,
        /// The HTTP status the server answered with.
        status: u16,
    },
    /// The server asked to come back later than newsdex is willing to wait.
    #[error("{url}: HTTP {status}, retry after {seconds} s is longer than the {limit} s limit")]
    RetryTooLate {
        /// The URL asked for.
        url: String,
        /// The HTTP status the server answered with.
        status: u16,
        /// How long the server asked to wait (`Retry-After`).
        seconds: u64,
        /// The longest wait the fetcher accepts (`Config::max_retry_wait`).
        limit: u64,
    },
    /// The body was larger than the configured cap.
    #[error("{url}: body larger than {limit} bytes")]
    TooLarge {
        /// The URL asked for.
        url: String,
        /// The cap, in bytes (`Config::max_body_bytes`).
        limit: u64,
    },
    /// The request took longer than the configured timeout.
    #[error("{url}: timed out")]
    Timeout {
        /// The URL asked for.
        url: String,
    },
    /// Connecting, TLS or reading the body failed.
    #[error("{url}: network error")]
    Network {
        /// The URL asked for.
        url: String,
        /// reqwest's error (the connection, TLS or body failure beneath it).
        #[source]
        source: reqwest::Error,
    },
    /// The host is (or resolves only to) a private, loopback or link-local address, and
    /// private addresses are not allowed. Through a proxy, which resolves names itself, one
    /// such address is enough.
    #[error("{url}: refusing to fetch `{host}`: a private, loopback or link-local address")]
    PrivateAddress {
        /// The URL asked for.
        url: String,
        /// The host name or address of the URL.
        host: String,
    },
    /// A request would go through a proxy, and the host's addresses could not be looked up to
    /// check them first.
    #[error("{url}: cannot resolve `{host}` to check its addresses before using the proxy")]
    Unresolved {
        /// The URL asked for.
        url: String,
        /// The host name or address of the URL.
        host: String,
        /// The resolver's error.
        #[source]
        source: std::io::Error,
    },
    /// A redirect chain came back to a URL it had already visited.
    #[error("{url}: redirect loop at `{at}`")]
    RedirectLoop {
        /// The URL asked for.
        url: String,
        /// The URL the chain came back to.
        at: String,
    },
    /// A redirect chain was longer than the configured limit.
    #[error("{url}: more than {limit} redirects")]
    TooManyRedirects {
        /// The URL asked for.
        url: String,
        /// The most redirects followed (`Config::max_redirects`).
        limit: usize,
    },
    /// A redirect without a usable `Location` header (`source`: why it is not a URL).
    #[error("{url}: bad redirect: {reason}")]
    BadRedirect {
        /// The URL asked for.
        url: String,
        /// What is wrong with the `Location` header.
        reason: String,
        /// The URL parser's error, when the header was there but not a URL.
        #[source]
        source: Option<url::ParseError>,
    },
    /// robots.txt could not be fetched (5xx or network failure), so RFC 9309 says the whole
    /// site is off limits for now.
    /// The problem is shared by every URL of the site while the rules are cached.
    #[error("{url}: robots.txt unreachable, so the site is treated as disallowed")]
    RobotsUnreachable {
        /// The URL asked for.
        url: String,
        /// Why robots.txt could not be read, shared by every URL of the site.
        #[source]
        problem: Arc<RobotsProblem>,
    },
    /// A feed or sitemap could not be parsed.
    #[error("{url}: not a valid {what}")]
    Parse {
        /// The URL asked for.
        url: String,
        /// What it should have been (`feed`, `sitemap`).
        what: &'static str,
        /// What the parser found wrong.
        #[source]
        problem: ParseProblem,
    },
    /// Feed discovery found no feed on the page nor at the usual paths.
    #[error("{url}: no RSS, Atom or JSON feed found")]
    NoFeed {
        /// The URL asked for.
        url: String,
    },
    /// A WARC file (or stream) could not be opened or read at all.
    #[error("{}: cannot read WARC file", path.display())]
    WarcRead {
        /// The file (`-` for standard input).
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// What was given as a WARC file is not one.
    #[error("{}: not a WARC file ({why})", path.display())]
    NotWarc {
        /// The file (`-` for standard input).
        path: PathBuf,
        /// What the start of the file is instead.
        why: &'static str,
    },
    /// One record of a WARC file was not imported; the records after it still are.
    /// `record` counts from 1 (malformed stretches included) and `offset` is in bytes from
    /// the start of the (decompressed) stream.
    #[error("{}: record {record} at byte {offset}", path.display())]
    WarcRecord {
        /// The file (`-` for standard input).
        path: PathBuf,
        /// The record's number, from 1.
        record: u64,
        /// Where the record starts, in bytes of the decompressed stream.
        offset: u64,
        /// What is wrong with the record.
        #[source]
        problem: WarcProblem,
    },
    /// A WARC file could not be written.
    #[error("{}: cannot write WARC file", path.display())]
    WarcWrite {
        /// The file (`-` for standard input).
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The HTTP client could not be built (bad TLS setup, bad User-Agent, bad proxy).
    #[error("cannot build the HTTP client")]
    Client(#[source] reqwest::Error),
    /// A [`crate::Config`] setting is outside the range the fetcher accepts.
    #[error("fetcher setting `{field}` is {value}, outside its range {range}")]
    Setting {
        /// The setting's name in `Config`.
        field: &'static str,
        /// The value it was given.
        value: String,
        /// The values it accepts.
        range: String,
    },
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
    Scheme {
        /// The URL's scheme.
        scheme: String,
    },
    /// `http://` without a host.
    #[error("no host")]
    NoHost,
    /// URL normalisation ([`newsdex_types::normalize_url`]) refused it.
    #[error(transparent)]
    Normalise(newsdex_types::InvalidUrl),
}

/// Why a feed or a sitemap could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ParseProblem {
    /// The feed parser refused it.
    #[error(transparent)]
    Feed(#[from] feed_rs::parser::ParseFeedError),
    /// A gzip-compressed sitemap did not inflate.
    #[error("bad gzip data")]
    Gzip(#[source] std::io::Error),
    /// The sitemap is larger than the configured cap once inflated.
    #[error("larger than {limit} bytes uncompressed")]
    TooLarge {
        /// The cap, in bytes.
        limit: u64,
    },
    /// Nothing but white space.
    #[error("empty")]
    Empty,
    /// The XML is malformed at this byte offset.
    #[error("bad XML at byte {position}")]
    Xml {
        /// Where the parser stopped, in bytes.
        position: u64,
        /// quick-xml's error.
        #[source]
        source: quick_xml::Error,
    },
    /// The document is XML, but neither a `urlset` nor a `sitemapindex`.
    #[error("root element is `{root}`, not urlset or sitemapindex")]
    Root {
        /// The root element's name.
        root: String,
    },
    /// The document holds no element at all.
    #[error("no urlset or sitemapindex element")]
    NoRoot,
}

/// Why a site's robots.txt could not be read, which RFC 9309 treats as "disallow all".
#[derive(Debug)]
#[non_exhaustive]
pub enum RobotsProblem {
    /// The server answered with an error (5xx, or 429 "slow down").
    Status(u16),
    /// No robots.txt URL could be made from the page's URL.
    Locate(url::ParseError),
    /// Fetching it failed. Shown as that error's message without its URL (the robots.txt's);
    /// its causes are this problem's causes.
    Fetch(Box<Error>),
}

impl std::fmt::Display for RobotsProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Status(status) => write!(f, "HTTP {status}"),
            Self::Locate(_) => f.write_str("no robots.txt URL for this address"),
            Self::Fetch(error) => f.write_str(&error.headline()),
        }
    }
}

impl std::error::Error for RobotsProblem {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Status(_) => None,
            Self::Locate(error) => Some(error),
            // The fetch error's own message is this one's; its causes follow.
            Self::Fetch(error) => std::error::Error::source(error.as_ref()),
        }
    }
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
            | Self::Client(_)
            | Self::Setting { .. } => None,
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
        let mut detail = self.headline();
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

    /// The message without the leading URL or file name, and without its causes.
    fn headline(&self) -> String {
        let message = self.to_string();
        let subject = self
            .url()
            .map(str::to_owned)
            .or_else(|| self.path().map(|path| path.display().to_string()));
        subject
            .and_then(|subject| {
                message
                    .strip_prefix(&subject)
                    .and_then(|rest| rest.strip_prefix(": "))
                    .map(str::to_owned)
            })
            .unwrap_or(message)
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
            Self::Setting { .. } => "invalid setting".into(),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 11 (finding 5): feed, sitemap and robots.txt failures were flattened to strings.
    /// Their causes are sources now, for callers to walk, and the one-line detail still names
    /// each once.
    #[test]
    fn parse_and_robots_errors_keep_their_causes() {
        let base = url::Url::parse("https://news.example/sitemap.xml").unwrap();
        let bad_xml = crate::sitemap::parse(b"<urlset><url></wrong>", &base, 1 << 20, 10);
        let Err(problem) = bad_xml else {
            panic!("a mismatched end tag is refused");
        };
        let error = Error::Parse {
            url: base.to_string(),
            what: "sitemap",
            problem,
        };
        let problem = std::error::Error::source(&error).expect("the parse problem");
        assert!(
            problem.to_string().starts_with("bad XML at byte"),
            "{problem}"
        );
        assert!(problem.source().is_some(), "the XML parser's own error");
        assert!(
            error
                .detail()
                .starts_with("not a valid sitemap: bad XML at byte"),
            "{}",
            error.detail()
        );

        let gzip = crate::sitemap::parse(b"\x1f\x8b\x08 not gzip", &base, 1 << 20, 10);
        assert!(matches!(gzip, Err(ParseProblem::Gzip(_))));

        for (problem, detail) in [
            (RobotsProblem::Status(503), "HTTP 503"),
            (
                RobotsProblem::Fetch(Box::new(Error::Timeout {
                    url: "https://news.example/robots.txt".into(),
                })),
                "timed out",
            ),
        ] {
            let error = Error::RobotsUnreachable {
                url: "https://news.example/a".into(),
                problem: Arc::new(problem),
            };
            assert_eq!(
                error.detail(),
                format!("robots.txt unreachable, so the site is treated as disallowed: {detail}")
            );
            assert_eq!(error.reason(), "robots.txt unreachable");
        }
    }
}
