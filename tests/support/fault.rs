//! A fault-injecting HTTP server for the fetcher's end-to-end tests: routes per host and path,
//! replies that fail, stall, redirect, compress or change from one request to the next, and a
//! log of every request with its host and server-side timestamps, so that politeness is
//! asserted from what the server saw rather than from the client's clock.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;

/// What a route answers.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A fixed response.
    Canned {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// The n-th request gets the n-th reply; the last one repeats.
    Sequence(Vec<Reply>),
    /// Waits before answering.
    Slow(Duration, Box<Reply>),
}

impl Reply {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Self::Canned {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }

    pub fn html(body: impl Into<Vec<u8>>) -> Self {
        Self::new(200, "text/html; charset=utf-8", body)
    }

    pub fn status(status: u16) -> Self {
        Self::new(status, "text/plain", format!("status {status}"))
    }

    pub fn redirect(location: &str) -> Self {
        Self::status(302).header("Location", location)
    }

    /// The same reply with one more header.
    pub fn header(self, name: &str, value: &str) -> Self {
        match self {
            Self::Canned {
                status,
                mut headers,
                body,
            } => {
                headers.push((name.into(), value.into()));
                Self::Canned {
                    status,
                    headers,
                    body,
                }
            }
            other => other,
        }
    }

    /// An HTML page sent with `Content-Encoding: gzip`.
    pub fn gzip_html(body: &[u8]) -> Self {
        Self::new(200, "text/html; charset=utf-8", gzip(body)).header("Content-Encoding", "gzip")
    }

    /// An HTML page sent with `Content-Encoding: br`.
    pub fn brotli_html(body: &[u8]) -> Self {
        let mut out = Vec::new();
        {
            let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
            writer.write_all(body).expect("brotli in memory");
        }
        Self::new(200, "text/html; charset=utf-8", out).header("Content-Encoding", "br")
    }
}

/// gzip-compresses bytes (for gzip sitemaps and bodies).
pub fn gzip(body: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(body).expect("gzip in memory");
    encoder.finish().expect("gzip in memory")
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Hit {
    /// The `Host` header without its port.
    pub host: String,
    /// Path and query.
    pub path: String,
    pub user_agent: String,
    pub if_none_match: Option<String>,
    /// 0 while the request has not been answered.
    pub status: u16,
    /// When the request arrived and when its response was handed back.
    pub start: Instant,
    pub end: Instant,
}

#[derive(Default)]
struct State {
    /// Keyed by `host/path` or by `path` alone (any host); the first match wins.
    routes: Mutex<HashMap<String, Reply>>,
    served: Mutex<HashMap<String, usize>>,
    log: Mutex<Vec<Hit>>,
    /// Requests whose path starts with this prefix beyond the first `n` stall until the
    /// server is dropped.
    stall: Mutex<Option<(String, usize)>>,
    stall_seen: AtomicUsize,
    release: tokio::sync::Notify,
}

/// The server; it listens on `127.0.0.1:0` and stops when dropped.
pub struct FaultServer {
    state: Arc<State>,
    /// Dropped after `unstall` in `Drop`, which stops it.
    server: super::Background,
}

impl Default for FaultServer {
    fn default() -> Self {
        Self::start()
    }
}

impl FaultServer {
    pub fn start() -> Self {
        let state = Arc::new(State::default());
        let app_state = Arc::clone(&state);
        let app = axum::Router::new().fallback(move |headers: HeaderMap, uri: Uri| {
            let state = Arc::clone(&app_state);
            async move { handle(&state, &headers, &uri).await }
        });
        // Two runtime threads: a stalled reply must not hold up the others.
        let server = super::Background::serve(app, 2);
        Self { state, server }
    }

    /// Adds a route for `path` on any host.
    pub fn route(&self, path: &str, reply: Reply) -> &Self {
        lock(&self.state.routes).insert(path.to_owned(), reply);
        self
    }

    /// Adds a route for `path` on one host only.
    pub fn route_on(&self, host: &str, path: &str, reply: Reply) -> &Self {
        lock(&self.state.routes).insert(format!("{host}{path}"), reply);
        self
    }

    /// After `n` requests whose path starts with `prefix`, further ones hang (until drop).
    pub fn stall_after(&self, prefix: &str, n: usize) {
        *lock(&self.state.stall) = Some((prefix.to_owned(), n));
        self.state.stall_seen.store(0, Ordering::SeqCst);
    }

    /// Ends stalling: hanging requests are answered normally, later ones too.
    pub fn unstall(&self) {
        *lock(&self.state.stall) = None;
        self.state.release.notify_waiters();
    }

    pub fn port(&self) -> u16 {
        self.server.addr.port()
    }

    /// `http://127.0.0.1:PORT/path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.server.addr, path)
    }

    /// `http://HOST:PORT/path`, for a name the client resolves to 127.0.0.1 (`--resolve`).
    pub fn url_on(&self, host: &str, path: &str) -> String {
        format!("http://{host}:{}{path}", self.server.addr.port())
    }

    /// Every request so far, in arrival order.
    pub fn log(&self) -> Vec<Hit> {
        let mut log = lock(&self.state.log).clone();
        log.sort_by_key(|hit| hit.start);
        log
    }

    /// Requests for exactly this path (and query).
    pub fn hits(&self, path: &str) -> Vec<Hit> {
        self.log()
            .into_iter()
            .filter(|hit| hit.path == path)
            .collect()
    }

    /// Forgets the log (not the routes or their sequence positions).
    pub fn clear_log(&self) {
        lock(&self.state.log).clear();
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        // Hanging replies are released first, or the server's graceful shutdown would wait
        // for them.
        self.unstall();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

async fn handle(state: &State, headers: &HeaderMap, uri: &Uri) -> Response {
    let start = Instant::now();
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    let host = header("host")
        .unwrap_or_default()
        .rsplit_once(':')
        .map_or_else(
            || header("host").unwrap_or_default(),
            |(host, _)| host.to_owned(),
        );
    let path = uri
        .path_and_query()
        .map_or_else(|| uri.path().to_owned(), |pq| pq.as_str().to_owned());

    let if_none_match = header("if-none-match");
    // Logged on arrival, so that a request that never gets its answer is still seen.
    lock(&state.log).push(Hit {
        host: host.clone(),
        path: path.clone(),
        user_agent: header("user-agent").unwrap_or_default(),
        if_none_match: if_none_match.clone(),
        status: 0,
        start,
        end: start,
    });

    let stall = lock(&state.stall)
        .as_ref()
        .filter(|(prefix, _)| path.starts_with(prefix.as_str()))
        .map(|(_, n)| *n);
    if let Some(n) = stall
        && state.stall_seen.fetch_add(1, Ordering::SeqCst) >= n
    {
        tokio::select! {
            () = state.release.notified() => {}
            () = tokio::time::sleep(Duration::from_secs(60)) => {}
        }
    }

    let reply = {
        let routes = lock(&state.routes);
        routes
            .get(&format!("{host}{path}"))
            .or_else(|| routes.get(&path))
            .or_else(|| routes.get(uri.path()))
            .cloned()
    };
    let key = format!("{host}{path}");
    let nth = {
        let mut served = lock(&state.served);
        let count = served.entry(key).or_default();
        *count += 1;
        *count - 1
    };
    let mut reply = reply.unwrap_or_else(|| Reply::status(404));
    loop {
        match reply {
            Reply::Sequence(replies) => {
                reply = replies
                    .get(nth)
                    .or(replies.last())
                    .cloned()
                    .unwrap_or_else(|| Reply::status(404));
            }
            Reply::Slow(wait, inner) => {
                tokio::time::sleep(wait).await;
                reply = *inner;
            }
            Reply::Canned { .. } => break,
        }
    }
    let Reply::Canned {
        mut status,
        headers: reply_headers,
        mut body,
    } = reply
    else {
        unreachable!("the loop above ends on a canned reply")
    };
    let etag = reply_headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("etag"))
        .map(|(_, value)| value.clone());
    if etag.is_some() && etag == if_none_match {
        status = 304;
        body = Vec::new();
    }
    let mut response = Response::builder().status(StatusCode::from_u16(status).expect("status"));
    for (name, value) in &reply_headers {
        response = response.header(name, value);
    }
    if let Some(hit) = lock(&state.log)
        .iter_mut()
        .find(|hit| hit.start == start && hit.path == path && hit.host == host)
    {
        hit.status = status;
        hit.end = Instant::now();
    }
    response.body(Body::from(body)).expect("valid response")
}

/// A small but realistic news article page whose text contains `marker` (a word to search
/// for) in every paragraph.
pub fn article(title: &str, marker: &str) -> String {
    let paragraph = format!(
        "<p>The city council met on Tuesday to discuss the {marker} proposal, which would change \
         how the harbour district is financed over the next decade. Residents who attended the \
         meeting asked detailed questions about costs, timing and the effect on local traffic, \
         and several councillors said they needed more time before any vote.</p>"
    );
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <meta property=\"og:title\" content=\"{title}\"></head><body>\
         <nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav>\
         <article><h1>{title}</h1><p class=\"byline\">By Jane Reporter</p>{paragraph}{paragraph}{paragraph}</article>\
         <footer>Copyright Example News</footer></body></html>"
    )
}

/// [`article`] declaring `canonical` as its canonical URL (`<link rel="canonical">`).
pub fn article_at(title: &str, marker: &str, canonical: &str) -> String {
    article(title, marker).replace(
        "</head>",
        &format!("<link rel=\"canonical\" href=\"{canonical}\"></head>"),
    )
}

/// Flags that make an ingest against a local server fast and deterministic: loopback
/// allowed, no per-site pause, short retry backoff.
pub const FAST: &[&str] = &["--allow-private", "--delay", "0", "--retry-delay", "0.05"];
