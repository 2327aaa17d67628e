//! The web app's JSON beside `/api/search` and `/api/persons`: one article, the archive's
//! statistics, a timeline, and a health check. Errors are `{"error": ...}` with their status,
//! like the rest of the API.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use newsdex_index::Filters;

use super::histogram;
use super::pages::find_article;
use super::{AppState, Failure, Params, QueryString, blocking};
use crate::json;

fn answer(outcome: Result<serde_json::Value, Failure>) -> Response {
    match outcome {
        Ok(json) => Json(json).into_response(),
        Err(failure) => failure.into_response(),
    }
}

/// `GET /api/article?url=`: the article as `newsdex show --json` prints it (the clean
/// article, and its persons with their mentions' character offsets in `title + "\n\n" +
/// text`), and its other copies.
pub async fn article(State(state): State<Arc<AppState>>, query: QueryString) -> Response {
    let outcome = async {
        let params = Params::parse(query)?;
        let url = params
            .one("url")
            .filter(|u| !u.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| {
                Failure::bad_request("`url` is missing: `/api/article?url=https://...`".into())
            })?;
        let asked = url.clone();
        let found = blocking(state, move |index| {
            let Some(stored) = find_article(index, &url)? else {
                return Ok(None);
            };
            let copies = index.copies_of(&stored.article.url)?;
            Ok(Some((stored, copies)))
        })
        .await?;
        let (stored, copies) = found.ok_or_else(|| {
            Failure::new(
                StatusCode::NOT_FOUND,
                format!("no article is indexed under `{asked}`"),
            )
        })?;
        serde_json::to_value(json::ArticleDocument::new(&stored, &copies))
            .map_err(Failure::internal)
    };
    answer(outcome.await)
}

/// `GET /api/stats`: what `newsdex stats --json` prints.
pub async fn stats(State(state): State<Arc<AppState>>) -> Response {
    let worker = Arc::clone(&state);
    let outcome = blocking(state, move |index| {
        let stats = index.stats()?;
        Ok((stats, worker.data_dir.root().to_path_buf()))
    })
    .await
    .and_then(|(stats, root)| {
        // The store is opened per request: read-only, and it follows other processes' writes.
        // An archive served without its page store counts no pages rather than failing.
        let (pages, store_bytes) = crate::data_dir::DataDir::new(root)
            .stored_pages()
            .map_err(Failure::internal)?;
        serde_json::to_value(json::Stats::new(&stats, pages, store_bytes))
            .map_err(Failure::internal)
    });
    answer(outcome)
}

/// `GET /api/timeline?q=&by=day|week|month`: matches per bucket (and all articles in each),
/// with the same filters as `/api/search`; without `by`, the width that suits the span.
pub async fn timeline(State(state): State<Arc<AppState>>, query: QueryString) -> Response {
    let outcome = async {
        let params = Params::parse(query)?;
        let by = match params.one("by").filter(|v| !v.is_empty()) {
            None => None,
            Some(text) => Some(histogram::parse_bucket(text).ok_or_else(|| {
                Failure::bad_request(format!(
                    "`by` must be `day`, `week` or `month`, not `{text}`"
                ))
            })?),
        };
        let request = params.search_request()?;
        let q = request.query.clone();
        let filters: Filters = request.filters;
        let timeline = blocking(state, move |index| {
            histogram::timeline(index, &q, &filters, by)
        })
        .await?;
        serde_json::to_value(&timeline).map_err(Failure::internal)
    };
    answer(outcome.await)
}

/// `GET /healthz`: 200 with the article count when the index can be read, else 503.
pub async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    match blocking(state, |index| index.stats()).await {
        Ok(stats) => Json(json::Health {
            articles: stats.articles,
            status: "ok",
        })
        .into_response(),
        Err(failure) => Failure::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("the index cannot be read: {}", failure.message),
        )
        .into_response(),
    }
}
