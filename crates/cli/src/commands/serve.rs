//! `newsdex serve`: the archive's search over HTTP, a JSON API and a minimal HTML page, on
//! the same query language, filters and results as `newsdex search`.

#![allow(clippy::print_stdout)]

use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};

use anyhow::Context;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use newsdex_index::{
    ArticleIndex, Filters, PersonsRequest, SearchRequest, SearchResults, Sort, highlighted_html,
};

use crate::ExitStatus;
use crate::commands::search;
use crate::data_dir::DataDir;

/// Top values per facet in API answers and on the page.
const FACETS: usize = 10;
/// The most hits one request may ask for.
const MAX_LIMIT: usize = 100;

/// Serve the search over HTTP: `GET /api/search`, `GET /api/persons` and a search page at `/`.
///
/// `/api/search` takes `q` (the query language of `newsdex search`), `person`, `site`, `lang`
/// (each repeatable), `since`, `until`, `sort=date`, `limit`, `offset` and `fuzzy=false`, and
/// answers with the JSON of `newsdex search --json`; `/api/persons` takes `q`, `with` and
/// `top`. A malformed query is a 400 with `{"error": "..."}`. The server follows ingests and
/// rebuilds made by other processes.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to listen. The default keeps the archive to this machine; port 0 picks a free
    /// port (the address is printed).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    addr: SocketAddr,
}

struct AppState {
    data_dir: DataDir,
    index: RwLock<Arc<ArticleIndex>>,
}

impl AppState {
    /// The index as it is now: new commits reloaded, a rebuilt generation reopened.
    fn index(&self) -> anyhow::Result<Arc<ArticleIndex>> {
        let index = Arc::clone(&self.index.read().expect("not poisoned"));
        if index.is_current()? {
            index.reload()?;
            return Ok(index);
        }
        let fresh = Arc::new(self.data_dir.index()?);
        *self.index.write().expect("not poisoned") = Arc::clone(&fresh);
        Ok(fresh)
    }
}

pub fn run(data_dir: &DataDir, args: &Args) -> anyhow::Result<ExitStatus> {
    let data_dir = DataDir::new(data_dir.root().to_path_buf());
    let index = Arc::new(data_dir.index()?);
    let state = Arc::new(AppState {
        data_dir,
        index: RwLock::new(index),
    });
    let app = Router::new()
        .route("/", get(page))
        .route("/api/search", get(api_search))
        .route("/api/persons", get(api_persons))
        .with_state(state);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
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
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .context("the server failed")
    })?;
    Ok(ExitStatus::Success)
}

/// Query-string parameters, repeated keys kept (`person=a&person=b`).
struct Params(Vec<(String, String)>);

impl Params {
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

    fn number(&self, key: &str, default: usize) -> Result<usize, String> {
        match self.one(key).filter(|v| !v.is_empty()) {
            None => Ok(default),
            Some(value) => value
                .parse()
                .map_err(|_| format!("`{key}` must be a number, not `{value}`")),
        }
    }

    fn search_request(&self) -> Result<SearchRequest, String> {
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

/// A failed request: the status and a one-line message.
type Failure = (StatusCode, String);

fn error((status, message): Failure) -> Response {
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

/// Runs blocking index work off the async workers. A bad query or filter is the caller's
/// fault (400); anything else is the server's (500).
async fn blocking<T: Send + 'static>(
    state: Arc<AppState>,
    work: impl FnOnce(&ArticleIndex) -> Result<T, newsdex_index::Error> + Send + 'static,
) -> Result<T, Failure> {
    let outcome = tokio::task::spawn_blocking(move || {
        let index = state
            .index()
            .map_err(|err| (StatusCode::INTERNAL_SERVER_ERROR, format!("{err:#}")))?;
        work(&index).map_err(|err| {
            let status = match err {
                newsdex_index::Error::Query { .. } | newsdex_index::Error::Filter { .. } => {
                    StatusCode::BAD_REQUEST
                }
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            (status, err.to_string())
        })
    })
    .await;
    outcome.unwrap_or_else(|err| Err((StatusCode::INTERNAL_SERVER_ERROR, err.to_string())))
}

async fn api_search(
    State(state): State<Arc<AppState>>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let request = match Params(params).search_request() {
        Ok(request) => request,
        Err(message) => return error((StatusCode::BAD_REQUEST, message)),
    };
    let asked = request.clone();
    match blocking(state, move |index| index.search(&request)).await {
        Ok(results) => Json(search::json(&results, &asked)).into_response(),
        Err(failure) => error(failure),
    }
}

async fn api_persons(
    State(state): State<Arc<AppState>>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let params = Params(params);
    let top = match params.number("top", 20) {
        Ok(top) => top.min(1_000),
        Err(message) => return error((StatusCode::BAD_REQUEST, message)),
    };
    let request = PersonsRequest {
        query: params.one("q").unwrap_or_default().to_owned(),
        filters: Filters::default(),
        with: params
            .one("with")
            .filter(|v| !v.is_empty())
            .map(str::to_owned),
        top,
    };
    match blocking(state, move |index| index.persons(&request)).await {
        Ok(results) => {
            let persons: Vec<serde_json::Value> = results
                .persons
                .iter()
                .map(|p| serde_json::json!({ "name": p.value, "articles": p.count }))
                .collect();
            Json(serde_json::json!({
                "articles": results.articles,
                "with": results.with,
                "persons": persons,
                "notes": results.notes,
            }))
            .into_response()
        }
        Err(failure) => error(failure),
    }
}

/// The search page: a form, and the results of `q` rendered on the server (no scripts).
async fn page(
    State(state): State<Arc<AppState>>,
    Query(params): Query<Vec<(String, String)>>,
) -> Html<String> {
    let params = Params(params);
    let query = params.one("q").unwrap_or_default().to_owned();
    let mut body = String::new();
    let searched = !query.is_empty()
        || ["person", "site", "lang", "since", "until"]
            .iter()
            .any(|key| !params.all(key).is_empty());
    if searched {
        let outcome = match params.search_request() {
            Err(message) => Err(message),
            Ok(request) => {
                let offset = request.offset;
                blocking(state, move |index| index.search(&request))
                    .await
                    .map(|results| render_results(&results, offset))
                    .map_err(|(_, message)| message)
            }
        };
        match outcome {
            Ok(html) => body.push_str(&html),
            Err(message) => body.push_str(&format!("<p class=error>{}</p>", escape(&message))),
        }
    }
    Html(format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>newsdex{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font: 16px/1.45 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #222; }}
form {{ display: flex; gap: .5rem; }} input[name=q] {{ flex: 1; font-size: 1.05rem; padding: .4rem; }}
.hit {{ margin: 1.4rem 0; }} .meta, .copies, .facets {{ color: #666; font-size: .9rem; }}
.hit h2 {{ font-size: 1.1rem; margin: 0; }} b {{ background: #fff3a8; }} .error {{ color: #b00; }}
.note {{ color: #555; font-style: italic; }}
</style></head><body>
<form action="/"><input name="q" value="{value}" placeholder="person:&quot;Keir Starmer&quot; budget after:2025-08" autofocus>
<button>Search</button></form>
{body}
</body></html>"#,
        title = if query.is_empty() {
            String::new()
        } else {
            format!(": {}", escape(&query))
        },
        value = escape(&query),
    ))
}

fn render_results(results: &SearchResults, offset: usize) -> String {
    let mut out = String::new();
    if let Some(corrected) = &results.corrected {
        out.push_str(&format!(
            "<p class=note>no exact matches; showing results for <a href=\"/?q={}\">{}</a></p>",
            url_encode(corrected),
            escape(corrected)
        ));
    }
    for note in &results.notes {
        out.push_str(&format!("<p class=note>{}</p>", escape(note)));
    }
    if results.total == 0 {
        out.push_str(&format!(
            "<p>no articles match <code>{}</code></p>",
            escape(&results.query)
        ));
        return out;
    }
    out.push_str(&format!(
        "<p class=meta>{} matching articles; hits {}-{}</p>",
        results.total,
        offset + 1,
        offset + results.hits.len()
    ));
    for hit in &results.hits {
        let date = hit
            .published
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| "undated".into());
        out.push_str(&format!(
            "<div class=hit><h2><a href=\"{}\">{}</a></h2><div class=meta>{} · {}{}</div><p>{}</p>",
            escape(&hit.url),
            highlighted_html(&hit.title, &hit.title_highlights),
            escape(&hit.site),
            date,
            if hit.persons.is_empty() {
                String::new()
            } else {
                format!(" · {}", escape(&hit.persons.join(", ")))
            },
            highlighted_html(&hit.snippet, &hit.highlights),
        ));
        if !hit.copies.is_empty() {
            let links: Vec<String> = hit
                .copies
                .iter()
                .map(|c| format!("<a href=\"{}\">{}</a>", escape(&c.url), escape(&c.site)))
                .collect();
            out.push_str(&format!(
                "<div class=copies>also on {}</div>",
                links.join(", ")
            ));
        }
        out.push_str("</div>");
    }
    if let Some(facets) = &results.facets {
        for (label, values, key) in [
            ("persons", &facets.persons, "person"),
            ("sites", &facets.sites, "site"),
            ("months", &facets.months, "published"),
        ] {
            if values.is_empty() {
                continue;
            }
            let links: Vec<String> = values
                .iter()
                .map(|facet| {
                    let narrowed = format!("{} {key}:\"{}\"", results.query, facet.value);
                    format!(
                        "<a href=\"/?q={}\">{}</a> ({})",
                        url_encode(narrowed.trim()),
                        escape(&facet.value),
                        facet.count
                    )
                })
                .collect();
            out.push_str(&format!(
                "<p class=facets>{label}: {}</p>",
                links.join(", ")
            ));
        }
    }
    out
}

fn escape(text: &str) -> String {
    highlighted_html(text, &[])
}

fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
