//! `GET /feeds/NAME.atom`: a saved search's latest matches as an Atom 1.0 feed, so that any
//! feed reader can subscribe to a watch (`newsdex watch add`).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{AppState, Failure, blocking};
use crate::atom;
use crate::commands::watch::filters_of;

pub(super) async fn feed(
    State(state): State<Arc<AppState>>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let Some(name) = file.strip_suffix(".atom").map(str::to_owned) else {
        return Err(Failure::new(
            StatusCode::NOT_FOUND,
            format!("there is no `/feeds/{file}`; a watch's feed is at `/feeds/NAME.atom`"),
        ));
    };
    let lookup = Arc::clone(&state);
    let watch = tokio::task::spawn_blocking(move || {
        let store = lookup.data_dir.store_read_only()?;
        anyhow::Ok(store.watch(&name)?.ok_or(name))
    })
    .await
    .map_err(Failure::internal)?
    .map_err(Failure::internal)?
    .map_err(|name| {
        Failure::new(
            StatusCode::NOT_FOUND,
            format!("no watch named `{name}`; `newsdex watch add` saves one"),
        )
    })?;
    // The link a reader subscribed by, as the feed's `rel="self"` (the host was checked by
    // the guard before this runs).
    let self_url = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .map(|host| format!("http://{host}/feeds/{file}"));
    let (query, filters) = (watch.query.clone(), filters_of(&watch));
    let hits = blocking(state, move |index| {
        index.latest_matches(&query, &filters, atom::FEED_ENTRIES)
    })
    .await?;
    let xml = atom::render(&watch, &hits, self_url.as_deref());
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        xml,
    )
        .into_response())
}
