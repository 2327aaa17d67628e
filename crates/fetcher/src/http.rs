//! One HTTP request with the limits every request gets: only http(s), the private-address
//! rule, timeouts, a body cap enforced while streaming and an honest User-Agent. Redirects are
//! not followed here: the crawler follows them hop by hop, so each hop is a polite request to
//! its own site.

use std::sync::Arc;
use std::time::Duration;

use hyper_util::client::proxy::matcher::Matcher;
use reqwest::header::{HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH};
use reqwest::redirect::Policy;
use url::{Host, Url};

use crate::net::{self, Blocked, Resolver};
use crate::{Config, Error, Proxy, Result};

/// What the caller already holds for a URL, sent as conditional request headers so that an
/// unchanged page costs a `304 Not Modified` instead of a download.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// The stored response's `ETag`, sent as `If-None-Match`.
    pub etag: Option<String>,
    /// The stored response's `Last-Modified`, sent as `If-Modified-Since`.
    pub last_modified: Option<String>,
}

/// How much of a body to read.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Limit {
    /// Read at most this many bytes; a longer body is an error.
    Fail(u64),
    /// Read at most this many bytes and ignore the rest (robots.txt).
    Truncate(u64),
}

/// A response as the crawler needs it. The body is read only for 2xx answers.
#[derive(Debug)]
pub(crate) struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        newsdex_types::find_header(&self.headers, name)
    }

    /// `Retry-After` in seconds or as an HTTP date, as a wait from now.
    pub fn retry_after(&self) -> Option<Duration> {
        let value = self.header("retry-after")?.trim();
        if let Ok(seconds) = value.parse::<u64>() {
            return Some(Duration::from_secs(seconds));
        }
        let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
        let wait = when.signed_duration_since(chrono::Utc::now());
        Some(wait.to_std().unwrap_or(Duration::ZERO))
    }
}

/// An HTTP client with newsdex's limits. Cheap to clone and share.
#[derive(Debug, Clone)]
pub(crate) struct Client {
    inner: reqwest::Client,
    allow_private: bool,
    resolver: Arc<Resolver>,
    /// The proxy rules the client applies, to know which requests a proxy will resolve.
    proxies: Option<Arc<Matcher>>,
}

impl Client {
    pub fn new(config: &Config) -> Result<Self> {
        // reqwest is built without a bundled crypto provider; ring is installed once per process.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let resolver = Arc::new(Resolver::new(&config.resolve, config.allow_private));
        let mut builder = reqwest::Client::builder()
            .user_agent(&config.user_agent)
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .redirect(Policy::none())
            .dns_resolver(Arc::clone(&resolver));
        let proxies = match &config.proxy {
            // What reqwest builds for itself when given no proxy (`Matcher::from_system`),
            // built again here to ask it which URLs it sends to a proxy.
            Proxy::Environment => Some(Matcher::from_system()),
            Proxy::Direct => {
                builder = builder.no_proxy();
                None
            }
            Proxy::All(proxy) => {
                builder = builder.proxy(reqwest::Proxy::all(proxy).map_err(Error::Client)?);
                Some(Matcher::builder().all(proxy.clone()).build())
            }
        };
        let inner = builder.build().map_err(Error::Client)?;
        Ok(Self {
            inner,
            allow_private: config.allow_private,
            resolver,
            proxies: proxies.map(Arc::new),
        })
    }

    /// Whether a request for `url` goes through a proxy.
    fn proxied(&self, url: &Url) -> bool {
        let Some(proxies) = &self.proxies else {
            return false;
        };
        match url.as_str().parse::<http::Uri>() {
            Ok(uri) => proxies.intercept(&uri).is_some(),
            // Not something the proxy rules can read: check it as if it were proxied.
            Err(_) => true,
        }
    }

    /// A proxy resolves the name itself and would connect to whatever it finds, where the
    /// resolver's filter cannot see: so the name is resolved here first, and refused when
    /// any of its addresses is private. (A DNS server that answers differently to the proxy
    /// a moment later is beyond what a client can check; such setups need a proxy that
    /// refuses private addresses itself.)
    async fn check_before_proxy(&self, url: &Url) -> Result<()> {
        let Some(Host::Domain(host)) = url.host() else {
            // IP literals were checked by `check_target`.
            return Ok(());
        };
        let addresses = self
            .resolver
            .lookup(host)
            .await
            .map_err(|source| Error::Unresolved {
                url: url.to_string(),
                host: host.to_owned(),
                source,
            })?;
        if addresses.is_empty() {
            return Err(Error::Unresolved {
                url: url.to_string(),
                host: host.to_owned(),
                source: std::io::Error::other("no addresses"),
            });
        }
        if addresses.iter().any(|ip| !net::is_public(*ip)) {
            return Err(Error::PrivateAddress {
                url: url.to_string(),
                host: host.to_owned(),
            });
        }
        Ok(())
    }

    /// Sends one GET. `skip_non_html` leaves the body unread when the content type says it is
    /// not a page (a PDF, an image): such responses are recorded, not downloaded.
    pub async fn get(
        &self,
        url: &Url,
        validators: Option<&Validators>,
        limit: Limit,
        skip_non_html: bool,
    ) -> Result<Response> {
        check_target(url, self.allow_private)?;
        if !self.allow_private && self.proxied(url) {
            self.check_before_proxy(url).await?;
        }
        let mut headers = HeaderMap::new();
        if let Some(validators) = validators {
            if let Some(value) = validators.etag.as_deref().and_then(|v| v.parse().ok()) {
                headers.insert(IF_NONE_MATCH, value);
            }
            if let Some(value) = validators
                .last_modified
                .as_deref()
                .and_then(|v| v.parse().ok())
            {
                headers.insert(IF_MODIFIED_SINCE, value);
            }
        }
        let network = |err: reqwest::Error| classify(url, err);
        let mut response = self
            .inner
            .get(url.clone())
            .headers(headers)
            .send()
            .await
            .map_err(network)?;
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut result = Response {
            status,
            headers,
            body: Vec::new(),
        };
        if !(200..300).contains(&status) {
            return Ok(result);
        }
        let labelled_not_html = result
            .header("content-type")
            .is_some_and(|content_type| !newsdex_types::is_html_content_type(content_type));
        if skip_non_html && labelled_not_html {
            return Ok(result);
        }
        let (cap, truncate) = match limit {
            Limit::Fail(cap) => (cap, false),
            Limit::Truncate(cap) => (cap, true),
        };
        let too_large = || Error::TooLarge {
            url: url.to_string(),
            limit: cap,
        };
        if !truncate && response.content_length().is_some_and(|len| len > cap) {
            return Err(too_large());
        }
        // Counted on decoded bytes, which also stops decompression bombs.
        while let Some(chunk) = response.chunk().await.map_err(network)? {
            let room = usize::try_from(cap)
                .unwrap_or(usize::MAX)
                .saturating_sub(result.body.len());
            if chunk.len() > room {
                if truncate {
                    result.body.extend_from_slice(&chunk[..room]);
                    break;
                }
                return Err(too_large());
            }
            result.body.extend_from_slice(&chunk);
        }
        Ok(result)
    }
}

/// Refuses what the resolver cannot see: other schemes and literal private IPs in the URL.
fn check_target(url: &Url, allow_private: bool) -> Result<()> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::InvalidUrl {
            url: url.to_string(),
            problem: crate::UrlProblem::Scheme {
                scheme: url.scheme().to_owned(),
            },
        });
    }
    if let Some(ip) = net::literal_ip(url)
        && !allow_private
        && !net::is_public(ip)
    {
        return Err(Error::PrivateAddress {
            url: url.to_string(),
            host: ip.to_string(),
        });
    }
    Ok(())
}

fn classify(url: &Url, err: reqwest::Error) -> Error {
    let url_text = url.to_string();
    if err.is_timeout() {
        return Error::Timeout { url: url_text };
    }
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        if let Some(blocked) = cause.downcast_ref::<Blocked>() {
            return Error::PrivateAddress {
                url: url_text,
                host: blocked.host.clone(),
            };
        }
        source = cause.source();
    }
    // reqwest's own message repeats the URL ("error sending request for url (...)"), which
    // the error names already.
    Error::Network {
        url: url_text,
        source: err.without_url(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(config: &Config) -> Client {
        Client::new(config).unwrap()
    }

    /// Issue 10: network errors were flattened to strings, and messages repeated their
    /// cause. The cause is now a source, printed once.
    #[tokio::test]
    async fn a_network_error_keeps_its_cause_and_prints_it_once() {
        // A port nothing listens on: bind one, then free it.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let url = Url::parse(&format!("http://{addr}/page")).unwrap();
        let client = client(&Config {
            allow_private: true,
            ..Config::default()
        });
        let err = client
            .get(&url, None, Limit::Fail(1000), false)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Network { .. }), "{err:?}");
        assert_eq!(err.to_string(), format!("{url}: network error"));
        let source = std::error::Error::source(&err).unwrap();
        assert!(source.downcast_ref::<reqwest::Error>().is_some());
        let detail = err.detail();
        assert!(
            detail.starts_with("network error: error sending request: "),
            "{detail}"
        );
        assert!(detail.contains("Connection refused"), "{detail}");
        assert!(
            !detail.contains("http://"),
            "the URL is named once, by the line: {detail}"
        );
        // The whole chain, as anyhow's `{err:#}` prints it: every layer once.
        let mut chain = vec![err.to_string()];
        let mut cause = std::error::Error::source(&err);
        while let Some(error) = cause {
            chain.push(error.to_string());
            cause = error.source();
        }
        for (n, text) in chain.iter().enumerate() {
            for later in &chain[n + 1..] {
                assert!(!later.contains(text.as_str()), "{chain:?}");
            }
        }
        assert_eq!(
            chain.join(": ").matches(&url.to_string()).count(),
            1,
            "{chain:?}"
        );
    }

    /// A plain HTTP proxy on 127.0.0.1 that answers every request itself with a small
    /// page, and logs each request line it receives.
    async fn fake_proxy() -> (String, Arc<std::sync::Mutex<Vec<String>>>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = Arc::clone(&log);
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let seen = Arc::clone(&seen);
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        if socket.read(&mut byte).await.unwrap_or(0) == 0 {
                            return;
                        }
                        head.push(byte[0]);
                    }
                    let head = String::from_utf8_lossy(&head).into_owned();
                    seen.lock()
                        .unwrap()
                        .push(head.lines().next().unwrap_or("").to_owned());
                    let body = "<html><body>via the proxy</body></html>";
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = socket.write_all(answer.as_bytes()).await;
                });
            }
        });
        (format!("http://{addr}"), log)
    }

    fn proxied_client(proxy: &str, allow_private: bool) -> Client {
        let ip = |text: &str| text.parse::<std::net::IpAddr>().unwrap();
        client(&Config {
            proxy: Proxy::All(proxy.to_owned()),
            allow_private,
            resolve: vec![
                ("intranet.test".into(), ip("10.1.2.3")),
                ("news.test".into(), ip("93.184.216.34")),
                ("mixed.test".into(), ip("93.184.216.34")),
                ("mixed.test".into(), ip("127.0.0.1")),
            ],
            ..Config::default()
        })
    }

    /// Issue 10: with `http_proxy` set, host names that resolve to private addresses were
    /// fetched (the proxy resolved them, out of sight of the resolver's filter).
    #[tokio::test]
    async fn names_of_private_addresses_are_refused_before_a_proxy_sees_them() {
        let (proxy, log) = fake_proxy().await;
        let client = proxied_client(&proxy, false);
        let get = |url: &str| {
            let client = client.clone();
            let url = Url::parse(url).unwrap();
            async move { client.get(&url, None, Limit::Fail(1 << 20), false).await }
        };
        for refused in [
            "http://intranet.test/secret",
            "https://intranet.test/secret",
            "http://mixed.test/",
            "http://10.1.2.3/",
        ] {
            let err = get(refused).await.unwrap_err();
            assert!(
                matches!(err, Error::PrivateAddress { .. }),
                "{refused}: {err:?}"
            );
        }
        assert!(log.lock().unwrap().is_empty(), "{:?}", log.lock().unwrap());

        // Public names still go through the proxy.
        let response = get("http://news.test/page").await.unwrap();
        assert_eq!(response.status, 200);
        assert_eq!(response.body, b"<html><body>via the proxy</body></html>");
        assert_eq!(*log.lock().unwrap(), ["GET http://news.test/page HTTP/1.1"]);
    }

    #[tokio::test]
    async fn allow_private_lets_private_names_through_the_proxy() {
        let (proxy, log) = fake_proxy().await;
        let client = proxied_client(&proxy, true);
        let url = Url::parse("http://intranet.test/wiki").unwrap();
        let response = client
            .get(&url, None, Limit::Fail(1 << 20), false)
            .await
            .unwrap();
        assert_eq!(response.status, 200);
        assert_eq!(
            *log.lock().unwrap(),
            ["GET http://intranet.test/wiki HTTP/1.1"]
        );
    }
}
