//! One HTTP fetch with the limits every request gets: timeouts, a body cap enforced while
//! streaming, a bounded redirect chain and an honest User-Agent.

use std::time::Duration;

use chrono::Utc;
use reqwest::redirect::Policy;

use crate::{Error, RawPage, Result};

/// Fetch settings. `Default` follows the conventions of news crawlers (trafilatura, CC-News).
#[derive(Debug, Clone)]
pub struct Config {
    pub user_agent: String,
    /// Whole request, body included.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Largest decoded body accepted; bigger responses are abandoned mid-stream.
    pub max_body_bytes: u64,
    pub max_redirects: usize,
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
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_body_bytes: 20 * 1024 * 1024,
            max_redirects: 10,
        }
    }
}

/// An HTTP client with newsdex's limits. Cheap to clone and share.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    config: Config,
}

impl Fetcher {
    pub fn new(config: Config) -> Result<Self> {
        // reqwest is built without a bundled crypto provider; ring is installed once per process.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .user_agent(&config.user_agent)
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .redirect(Policy::limited(config.max_redirects))
            .build()
            .map_err(|err| Error::Client(err.to_string()))?;
        Ok(Self { client, config })
    }

    /// Fetches one URL. Any status but 2xx is an error; the body is read up to the cap.
    pub async fn fetch(&self, url: &str) -> Result<RawPage> {
        let parsed = reqwest::Url::parse(url).map_err(|err| Error::InvalidUrl {
            url: url.to_owned(),
            reason: err.to_string(),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::InvalidUrl {
                url: url.to_owned(),
                reason: "only http and https are fetched".into(),
            });
        }
        let network = |err: reqwest::Error| classify(url, &err);
        let mut response = self.client.get(parsed).send().await.map_err(network)?;
        let status = response.status();
        if !status.is_success() {
            return Err(Error::Status {
                url: url.to_owned(),
                status: status.as_u16(),
            });
        }
        let limit = self.config.max_body_bytes;
        if response
            .content_length()
            .is_some_and(|length| length > limit)
        {
            return Err(Error::TooLarge {
                url: url.to_owned(),
                limit,
            });
        }
        let final_url = response.url().to_string();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(network)? {
            if body.len() as u64 + chunk.len() as u64 > limit {
                return Err(Error::TooLarge {
                    url: url.to_owned(),
                    limit,
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(RawPage {
            url: url.to_owned(),
            final_url,
            status: status.as_u16(),
            headers,
            fetched_at: Utc::now(),
            body,
        })
    }
}

fn classify(url: &str, err: &reqwest::Error) -> Error {
    if err.is_timeout() {
        return Error::Timeout {
            url: url.to_owned(),
        };
    }
    // reqwest's own message repeats the URL ("error sending request for url (...)"); the
    // innermost cause says what actually went wrong ("Connection refused (os error 111)").
    let mut reason = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        reason = cause.to_string();
        source = cause.source();
    }
    Error::Network {
        url: url.to_owned(),
        reason,
    }
}
