/// Why a URL could not be fetched. Every variant names the URL.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The text is not an http(s) URL.
    #[error("{url}: invalid URL: {reason}")]
    InvalidUrl { url: String, reason: String },
    /// The server answered with a status that is not success.
    #[error("{url}: HTTP {status}")]
    Status { url: String, status: u16 },
    /// The body was larger than the configured cap.
    #[error("{url}: body larger than {limit} bytes")]
    TooLarge { url: String, limit: u64 },
    /// The request took longer than the configured timeout.
    #[error("{url}: timed out")]
    Timeout { url: String },
    /// Connecting, TLS, redirects or reading the body failed.
    #[error("{url}: {reason}")]
    Network { url: String, reason: String },
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
            | Self::TooLarge { url, .. }
            | Self::Timeout { url }
            | Self::Network { url, .. } => Some(url),
            Self::Client(_) => None,
        }
    }
}

/// `Result` with the fetcher's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
