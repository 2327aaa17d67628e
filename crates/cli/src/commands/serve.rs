//! `newsdex serve`: the archive over HTTP, a JSON API and a web app (search with facets and
//! a histogram, articles, persons; see [`pages`]), on the same query language, filters and
//! results as `newsdex search`.
//!
//! The server is meant to survive whatever reaches it: [`listen`] bounds connections and cuts
//! off slow clients, [`guard`] checks the Host header, limits requests and turns a panic into
//! a 500 for that request alone, and index work runs on a few large-stacked threads and is
//! reopened after a panic inside it, so no request can break the ones after it.

#![allow(clippy::print_stdout)]

mod api;
mod feeds;
mod guard;
mod histogram;
mod listen;
mod pages;

use std::fmt::Display;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use anyhow::Context;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use newsdex_index::{ArticleIndex, Filters, PersonsRequest, SearchRequest, Sort};
use tokio::sync::Semaphore;

use crate::ExitStatus;
use crate::data_dir::DataDir;
use crate::{json, output};

/// Top values per facet in API answers and on the page.
const FACETS: usize = 10;
/// The most hits one request may ask for.
const MAX_LIMIT: usize = 100;
/// The longest query (`q`, `with`) or filter value taken, in bytes of UTF-8: room for a long
/// boolean query in any script, and a bound on the work one request can ask for.
const MAX_QUERY_BYTES: usize = 2048;
/// Searches run at once; more wait their turn. Each holds a blocking thread.
const WORK_SLOTS: usize = 4;
/// The stack of the server's threads. Queries are parsed and compiled recursively; with the
/// default 2 MiB a query within `MAX_QUERY_BYTES` could exhaust it and abort the process.
/// Untouched stack pages cost no memory.
const STACK_BYTES: usize = 32 * 1024 * 1024;
/// What a client learns of an internal failure; the details go to the server's log.
const INTERNAL: &str = "internal server error; the server's log has the details";

/// Serve the archive over HTTP: a web app at `/` (search, `/article?url=`, `/person?name=`)
/// and a JSON API (`/api/search`, `/api/persons`, `/api/article?url=`, `/api/timeline`,
/// `/api/stats`, `/healthz`).
///
/// `/api/search` takes `q` (the query language of `newsdex search`), `person`, `site`, `lang`
/// (each repeatable), `since`, `until`, `sort=date`, `limit`, `offset` and `fuzzy=false`, and
/// answers with the JSON of `newsdex search --json`; `/api/persons` takes `q`, `with` and
/// `top`. Errors are `{"error": "..."}` with status 400 (a bad query, or one over 2048 bytes),
/// 403 (a Host the server does not answer to), 404 (an unknown page) or 500 (an internal
/// failure, detailed only on stderr). The server follows ingests and rebuilds made by other
/// processes.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to listen. The default keeps the archive to this machine; port 0 picks a free
    /// port (the address is printed). Any other address warns: the archive has no access
    /// control.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    addr: SocketAddr,

    /// Also answer requests addressed to this host name, e.g. the machine's name on the
    /// network (repeat for several; `*` for any). By default only the bound address, loopback
    /// addresses and `localhost` are answered, which keeps web pages from reaching the
    /// archive by DNS rebinding.
    #[arg(long = "allow-host", value_name = "NAME")]
    allow_hosts: Vec<String>,

    /// Seconds a client may take to send a request's headers, leave a connection idle, or
    /// leave a response unread before the connection is closed.
    #[arg(
        long,
        default_value_t = 15,
        value_name = "SECS",
        value_parser = clap::value_parser!(u64).range(1..=3600),
    )]
    client_timeout: u64,
}

pub fn run(data_dir: &DataDir, args: &Args) -> anyhow::Result<ExitStatus> {
    // Checked before anything opens: the bound address is filled in once listening.
    guard::Hosts::new(args.addr.ip(), &args.allow_hosts).map_err(anyhow::Error::msg)?;
    let data_dir = DataDir::new(data_dir.existing()?.root().to_path_buf());
    let index = Arc::new(data_dir.index()?);
    let state = Arc::new(AppState::new(data_dir, index));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(WORK_SLOTS)
        .thread_stack_size(STACK_BYTES)
        .enable_all()
        .build()
        .context("cannot start the server runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("cannot listen on `{}`", args.addr))?;
        let addr = listener.local_addr()?;
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "listening on http://{addr}")?;
        stdout.flush()?;
        drop(stdout);
        if let Some(warning) = exposure_warning(addr) {
            output::warning(&warning);
        }
        let hosts = guard::Hosts::new(addr.ip(), &args.allow_hosts).map_err(anyhow::Error::msg)?;
        let app = app(routes(), state, hosts);
        let stop = async {
            // Without a Ctrl-C handler the server runs until killed.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        listen::serve(
            listener,
            app,
            Duration::from_secs(args.client_timeout),
            stop,
        )
        .await;
        anyhow::Ok(())
    })?;
    Ok(ExitStatus::Success)
}

/// The warning for an address other machines can reach, if `addr` is one.
fn exposure_warning(addr: SocketAddr) -> Option<String> {
    (!addr.ip().is_loopback()).then(|| {
        format!(
            "`{addr}` can be reached from other machines, and the server has no access \
             control: anyone who reaches it can search the archive (`--addr 127.0.0.1:{}` \
             keeps it to this machine)",
            addr.port()
        )
    })
}

/// The server's pages.
fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(pages::search_page))
        .route("/article", get(pages::article_page))
        .route("/person", get(pages::person_page))
        .route("/style.css", get(pages::stylesheet))
        .route("/app.js", get(pages::script))
        .route("/api/search", get(api_search))
        .route("/api/persons", get(api_persons))
        .route("/feeds/{file}", get(feeds::feed))
        .route("/api/article", get(api::article))
        .route("/api/stats", get(api::stats))
        .route("/api/timeline", get(api::timeline))
        .route("/healthz", get(api::healthz))
}

/// `routes` made into the whole application: JSON answers for unknown pages and methods,
/// and the defences of [`guard`] around every route.
fn app(routes: Router<Arc<AppState>>, state: Arc<AppState>, hosts: guard::Hosts) -> Router {
    let router = routes
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state);
    guard::harden(router, hosts)
}

struct AppState {
    data_dir: DataDir,
    /// The open index; `None` after a panic inside it, until the next request reopens it.
    index: RwLock<Option<Arc<ArticleIndex>>>,
    /// Permits for index work, one per running search.
    work: Arc<Semaphore>,
}

impl AppState {
    fn new(data_dir: DataDir, index: Arc<ArticleIndex>) -> Self {
        Self {
            data_dir,
            index: RwLock::new(Some(index)),
            work: Arc::new(Semaphore::new(WORK_SLOTS)),
        }
    }

    /// The index as it is now: new commits reloaded, a rebuilt generation reopened.
    fn index(&self) -> anyhow::Result<Arc<ArticleIndex>> {
        // Nothing panics while holding this lock, but a poisoned lock must not stop the
        // server either: the value behind it is a whole `Arc` or `None`, never half-written.
        let cached = self
            .index
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let Some(index) = cached
            && index.is_current()?
        {
            index.reload()?;
            return Ok(index);
        }
        let fresh = Arc::new(self.data_dir.index()?);
        *self.index.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::clone(&fresh));
        Ok(fresh)
    }

    /// Drops the open index after a panic inside it, with whatever state the panic left
    /// half-updated (a poisoned lock, a cache): the next request opens it afresh.
    fn forget_index(&self) {
        *self.index.write().unwrap_or_else(PoisonError::into_inner) = None;
    }
}

/// A failed request: the status and a one-line message for the client.
#[derive(Debug)]
struct Failure {
    status: StatusCode,
    message: String,
}

impl Failure {
    fn new(status: StatusCode, message: String) -> Self {
        Self { status, message }
    }

    fn bad_request(message: String) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// The server's own failure: `detail` goes to the log (it may name files or carry a
    /// panic's text), the client gets [`INTERNAL`].
    fn internal(detail: impl Display) -> Self {
        tracing::error!("{detail:#}");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, INTERNAL.to_owned())
    }

    /// A bad query or filter is the caller's fault (400); anything else is the server's.
    fn from_index(err: newsdex_index::Error) -> Self {
        match err {
            newsdex_index::Error::Query { .. } | newsdex_index::Error::Filter { .. } => {
                Self::bad_request(err.to_string())
            }
            _ => Self::internal(err),
        }
    }
}

/// A failure as the API answers it: `{"error": "..."}` with its status.
impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let body = Json(json::ApiError {
            error: &self.message,
        });
        (self.status, body).into_response()
    }
}

async fn not_found(uri: Uri) -> Failure {
    Failure::new(
        StatusCode::NOT_FOUND,
        format!(
            "there is no `{}` here; try `/`, `/api/search`, `/api/persons`, `/api/article`, \
             `/api/timeline` or `/api/stats`",
            uri.path()
        ),
    )
}

async fn method_not_allowed() -> Failure {
    Failure::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "only GET requests are answered".to_owned(),
    )
}

/// Runs index work on a blocking thread, one of at most [`WORK_SLOTS`].
///
/// A panic in `work` is a 500 for this request, and the index it ran on is dropped so that
/// nothing it broke reaches the next request.
async fn blocking<T: Send + 'static>(
    state: Arc<AppState>,
    work: impl FnOnce(&ArticleIndex) -> Result<T, newsdex_index::Error> + Send + 'static,
) -> Result<T, Failure> {
    let permit = Arc::clone(&state.work)
        .acquire_owned()
        .await
        .map_err(Failure::internal)?;
    let worker = Arc::clone(&state);
    let outcome = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let index = worker.index().map_err(Failure::internal)?;
        work(&index).map_err(Failure::from_index)
    })
    .await;
    outcome.unwrap_or_else(|err| {
        if err.is_panic() {
            state.forget_index();
        }
        Err(Failure::internal(format!("a search failed: {err}")))
    })
}

/// Query-string parameters, repeated keys kept (`person=a&person=b`).
struct Params(Vec<(String, String)>);

type QueryString = Result<Query<Vec<(String, String)>>, QueryRejection>;

impl Params {
    /// The parameters of a request, each value at most [`MAX_QUERY_BYTES`] long.
    fn parse(query: QueryString) -> Result<Self, Failure> {
        let Query(pairs) =
            query.map_err(|rejection| Failure::bad_request(rejection.body_text()))?;
        if let Some((key, value)) = pairs.iter().find(|(_, v)| v.len() > MAX_QUERY_BYTES) {
            return Err(Failure::bad_request(format!(
                "`{key}` is too long: {} bytes, the limit is {MAX_QUERY_BYTES}",
                value.len()
            )));
        }
        Ok(Self(pairs))
    }

    fn one(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == key && !v.is_empty())
            .map(|(_, v)| v.clone())
            .collect()
    }

    fn number(&self, key: &str, default: usize) -> Result<usize, Failure> {
        match self.one(key).filter(|v| !v.is_empty()) {
            None => Ok(default),
            Some(value) => value.parse().map_err(|_| {
                Failure::bad_request(format!("`{key}` must be a number, not `{value}`"))
            }),
        }
    }

    fn search_request(&self) -> Result<SearchRequest, Failure> {
        let non_empty = |key| self.one(key).filter(|v| !v.is_empty()).map(str::to_owned);
        Ok(SearchRequest {
            query: self.one("q").unwrap_or_default().to_owned(),
            filters: Filters {
                persons: self.all("person"),
                sites: self.all("site"),
                langs: self.all("lang"),
                since: non_empty("since"),
                until: non_empty("until"),
            },
            sort: if self.one("sort") == Some("date") {
                Sort::Date
            } else {
                Sort::Relevance
            },
            limit: self.number("limit", 10)?.min(MAX_LIMIT),
            offset: self.number("offset", 0)?,
            facets: FACETS,
            fuzzy: self.one("fuzzy") != Some("false"),
        })
    }
}

async fn api_search(State(state): State<Arc<AppState>>, query: QueryString) -> Response {
    let answer = async {
        let request = Params::parse(query)?.search_request()?;
        let asked = request.clone();
        let results = blocking(state, move |index| index.search(&request)).await?;
        Ok::<_, Failure>((results, asked))
    };
    match answer.await {
        Ok((results, asked)) => Json(json::Search::new(&results, &asked)).into_response(),
        Err(failure) => failure.into_response(),
    }
}

async fn api_persons(State(state): State<Arc<AppState>>, query: QueryString) -> Response {
    let answer = async {
        let params = Params::parse(query)?;
        let request = PersonsRequest {
            query: params.one("q").unwrap_or_default().to_owned(),
            filters: Filters::default(),
            with: params
                .one("with")
                .filter(|v| !v.is_empty())
                .map(str::to_owned),
            top: params.number("top", 20)?.min(1_000),
        };
        blocking(state, move |index| index.persons(&request)).await
    };
    match answer.await {
        Ok(results) => Json(json::Persons::new(&results)).into_response(),
        Err(failure) => failure.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{HeaderMap, Request, header};
    use tower::ServiceExt;

    use super::*;

    fn state() -> (tempfile::TempDir, Arc<AppState>) {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = DataDir::new(dir.path().to_path_buf());
        // An empty index, as the first ingest would leave it.
        drop(
            data_dir
                .index_with(&newsdex_index::Config::default())
                .unwrap(),
        );
        let index = Arc::new(data_dir.index().unwrap());
        (dir, Arc::new(AppState::new(data_dir, index)))
    }

    fn app_with(routes: Router<Arc<AppState>>, state: &Arc<AppState>) -> Router {
        app(
            routes,
            Arc::clone(state),
            guard::Hosts::new(std::net::Ipv4Addr::LOCALHOST.into(), &[]).unwrap(),
        )
    }

    async fn fetch(app: &Router, target: &str) -> (StatusCode, HeaderMap, String) {
        let request = Request::get(target)
            .header(header::HOST, "127.0.0.1:8080")
            .body(Body::empty())
            .unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, headers, String::from_utf8(body.to_vec()).unwrap())
    }

    fn assert_generic_500(status: StatusCode, headers: &HeaderMap, body: &str) {
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(json, serde_json::json!({ "error": INTERNAL }));
        assert_eq!(headers[header::CONTENT_TYPE], "application/json");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }

    /// Regression (issue 10, item 2): a panic in a handler answered without headers or
    /// with its text, and nothing guaranteed the next request was served.
    #[tokio::test(flavor = "multi_thread")]
    async fn a_panicking_handler_is_a_generic_500_and_the_next_request_is_answered() {
        let (_dir, state) = state();
        let boom = || async {
            panic!("secret text from /home/someone/data/index");
            #[allow(unreachable_code)]
            ""
        };
        let app = app_with(routes().route("/boom", get(boom)), &state);
        let (status, headers, body) = fetch(&app, "/boom").await;
        assert_generic_500(status, &headers, &body);
        assert!(
            !body.contains("secret") && !body.contains("/home"),
            "{body}"
        );
        let (status, _, body) = fetch(&app, "/api/search?q=otters").await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    /// Regression (issue 10, item 2): a panic inside the index poisoned its highlighter lock
    /// and every later search answered 500 until restart. Whatever the index leaves broken,
    /// the server drops it and the next request reopens it.
    #[tokio::test(flavor = "multi_thread")]
    async fn a_panic_inside_the_index_drops_it_and_the_next_search_reopens_it() {
        let (_dir, state) = state();
        let index_panics = |State(state): State<Arc<AppState>>| async move {
            let outcome: Result<(), Failure> = blocking(state, |_index| {
                panic!("byte index 7 is not a char boundary in /home/someone/article")
            })
            .await;
            outcome.expect_err("the work panicked").into_response()
        };
        let app = app_with(routes().route("/boom", get(index_panics)), &state);
        let cached = || state.index.read().unwrap().clone();
        let before = cached().expect("opened at start");
        let (status, headers, body) = fetch(&app, "/boom").await;
        assert_generic_500(status, &headers, &body);
        assert!(cached().is_none(), "the index that panicked is dropped");
        for _ in 0..2 {
            let (status, _, body) = fetch(&app, "/api/search?q=otters").await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        let after = cached().expect("reopened");
        assert!(!Arc::ptr_eq(&before, &after));
    }

    /// Regression (issue 10, item 3): internal errors carried their cause to the client,
    /// local paths included ("cannot open the index in `/home/...`").
    #[tokio::test(flavor = "multi_thread")]
    async fn an_unreadable_index_is_a_500_that_names_no_path() {
        let (dir, state) = state();
        state.forget_index();
        let index_root = dir.path().join("index");
        std::fs::remove_dir_all(&index_root).unwrap();
        std::fs::write(&index_root, "not a directory").unwrap();
        let app = app_with(routes(), &state);
        let (status, headers, body) = fetch(&app, "/api/search?q=otters").await;
        assert_generic_500(status, &headers, &body);
        assert!(!body.contains(dir.path().to_str().unwrap()), "{body}");
        let (status, _, page) = fetch(&app, "/?q=otters").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(page.contains(INTERNAL), "{page}");
        assert!(!page.contains(dir.path().to_str().unwrap()), "{page}");
    }

    /// Regression (issue 10, item 3): a 2 KB chain of `NOT`s killed serve; longer queries
    /// are refused before any parsing, with a 400 that says the limit.
    #[tokio::test(flavor = "multi_thread")]
    async fn an_overlong_query_is_a_400_that_names_the_limit() {
        let (_dir, state) = state();
        let app = app_with(routes(), &state);
        let long = "NOT+".repeat(MAX_QUERY_BYTES / 4 + 1);
        for target in [
            format!("/api/search?q={long}x"),
            format!("/api/persons?q={long}x"),
            format!("/api/persons?with={long}x"),
            format!("/api/search?q=x&person={long}"),
        ] {
            let (status, _, body) = fetch(&app, &target).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
            let json: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert!(
                json["error"]
                    .as_str()
                    .unwrap()
                    .contains("the limit is 2048"),
                "{body}"
            );
        }
        let (status, _, page) = fetch(&app, &format!("/?q={long}x")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(page.contains("the limit is 2048"), "{page}");
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn errors_are_json_with_their_status_and_every_response_carries_security_headers() {
        let (_dir, state) = state();
        let app = app_with(routes(), &state);
        for (target, expected) in [
            ("/nowhere", StatusCode::NOT_FOUND),
            ("/api/search?q=titel%3Ax", StatusCode::BAD_REQUEST),
            ("/api/search?q=x&limit=many", StatusCode::BAD_REQUEST),
            ("/api/persons?top=-1", StatusCode::BAD_REQUEST),
        ] {
            let (status, headers, body) = fetch(&app, target).await;
            assert_eq!(status, expected, "{target}: {body}");
            assert_eq!(
                headers[header::CONTENT_TYPE],
                "application/json",
                "{target}"
            );
            let json: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert!(json["error"].is_string(), "{target}: {body}");
        }
        let post = Request::post("/api/search?q=x")
            .header(header::HOST, "localhost")
            .body(Body::empty())
            .unwrap();
        let response = app.clone().oneshot(post).await.unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        for target in [
            "/",
            "/?q=otters",
            "/style.css",
            "/app.js",
            "/article?url=x",
            "/person?name=x",
            "/api/timeline?q=x",
            "/healthz",
            "/api/search?q=x",
            "/nowhere",
        ] {
            let (_, headers, _) = fetch(&app, target).await;
            assert_eq!(
                headers[header::X_CONTENT_TYPE_OPTIONS],
                "nosniff",
                "{target}"
            );
            assert_eq!(headers[header::REFERRER_POLICY], "no-referrer", "{target}");
            assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY", "{target}");
            let policy = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
            assert!(policy.contains("default-src 'none'"), "{policy}");
            assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        }
        let (_, headers, css) = fetch(&app, "/style.css").await;
        assert_eq!(headers[header::CONTENT_TYPE], "text/css; charset=utf-8");
        assert!(css.contains("font:"));
        let (_, headers, js) = fetch(&app, "/app.js").await;
        assert_eq!(
            headers[header::CONTENT_TYPE],
            "text/javascript; charset=utf-8"
        );
        assert!(js.contains("addEventListener"));
        let policy = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(policy.contains("script-src 'self'"), "{policy}");
        assert!(!policy.contains("unsafe-inline"), "{policy}");
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn foreign_hosts_bodies_and_huge_targets_are_refused() {
        let (_dir, state) = state();
        let app = app_with(routes(), &state);
        let send = |request: Request<Body>| {
            let app = app.clone();
            async move {
                let response = app.oneshot(request).await.unwrap();
                let status = response.status();
                let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                    .await
                    .unwrap();
                let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
                (status, json["error"].as_str().unwrap().to_owned())
            }
        };
        let with_host = |host: &str| {
            Request::get("/api/search?q=x")
                .header(header::HOST, host)
                .body(Body::empty())
                .unwrap()
        };
        let (status, message) = send(with_host("rebound.evil.example:8080")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(message.contains("`rebound.evil.example:8080`"), "{message}");
        assert!(message.contains("--allow-host"), "{message}");
        let absolute = Request::get("http://evil.example/api/search?q=x")
            .header(header::HOST, "localhost")
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(absolute).await.0, StatusCode::FORBIDDEN);
        let no_host = Request::get("/api/search?q=x").body(Body::empty()).unwrap();
        assert_eq!(send(no_host).await.0, StatusCode::BAD_REQUEST);
        let with_body = Request::get("/api/search?q=x")
            .header(header::HOST, "localhost")
            .header(header::CONTENT_LENGTH, "5")
            .body(Body::from("hello"))
            .unwrap();
        assert_eq!(send(with_body).await.0, StatusCode::PAYLOAD_TOO_LARGE);
        let huge = format!("/api/search?q=x&site={}", "a".repeat(guard::MAX_URI_BYTES));
        let huge = Request::get(huge)
            .header(header::HOST, "localhost")
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(huge).await.0, StatusCode::URI_TOO_LONG);
    }

    #[test]
    fn only_loopback_addresses_go_without_a_warning() {
        for quiet in ["127.0.0.1:8080", "[::1]:0", "127.0.0.9:80"] {
            assert_eq!(exposure_warning(quiet.parse().unwrap()), None, "{quiet}");
        }
        for loud in ["0.0.0.0:8080", "[::]:8080", "192.168.1.5:80"] {
            let warning = exposure_warning(loud.parse().unwrap()).expect(loud);
            assert!(warning.contains("other machines"), "{warning}");
        }
    }
}
