//! The web app's pages, rendered on the server with maud (every value escaped unless a
//! template says otherwise, which none does): the search page with its facets, active filters,
//! histogram and pager; an article with its persons marked; a person with their names, their
//! articles over time and who appears beside them.
//!
//! Every state of a page is its URL (`/?q=...&person=...&offset=...`), so each is a link that
//! can be shared, bookmarked and reached with back and forward. Everything works without
//! scripts; `app.js` only adds keyboard shortcuts.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};
use maud::{DOCTYPE, Markup, html};
use newsdex_index::{
    ArticleIndex, FacetValue, Filters, NearDuplicate, PersonNames, PersonsRequest, SearchHit,
    SearchRequest, SearchResults, Sort, StoredArticle, Timeline,
};
use url::form_urlencoded;

use super::histogram;
use super::{AppState, FACETS, Failure, Params, QueryString, blocking};

/// The stylesheet and the script, compiled into the binary: nothing is fetched from
/// elsewhere, and the Content-Security-Policy allows only these.
pub const STYLE: &str = include_str!("assets/style.css");
pub const SCRIPT: &str = include_str!("assets/app.js");

/// The home page's title.
const HOME_TITLE: &str = "newsdex";
/// Hits per page.
const PAGE: usize = 10;
/// Persons shown beside a person, and latest articles on their page.
const BESIDE: usize = 15;
const LATEST: usize = 10;

pub async fn stylesheet() -> Response {
    asset("text/css; charset=utf-8", STYLE)
}

pub async fn script() -> Response {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// The state of the search page, read from and written to its URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct View {
    pub q: String,
    pub persons: Vec<String>,
    pub sites: Vec<String>,
    pub langs: Vec<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub by_date: bool,
    pub offset: usize,
}

impl View {
    pub fn from_params(params: &Params) -> Result<Self, Failure> {
        let non_empty = |key| params.one(key).filter(|v| !v.is_empty()).map(str::to_owned);
        Ok(Self {
            q: params.one("q").unwrap_or_default().to_owned(),
            persons: params.all("person"),
            sites: params.all("site"),
            langs: params.all("lang"),
            since: non_empty("since"),
            until: non_empty("until"),
            by_date: params.one("sort") == Some("date"),
            offset: params.number("offset", 0)?,
        })
    }

    /// Whether there is anything to search for.
    fn is_search(&self) -> bool {
        !self.q.trim().is_empty()
            || !self.persons.is_empty()
            || !self.sites.is_empty()
            || !self.langs.is_empty()
            || self.since.is_some()
            || self.until.is_some()
    }

    fn filters(&self) -> Filters {
        Filters {
            persons: self.persons.clone(),
            sites: self.sites.clone(),
            langs: self.langs.clone(),
            since: self.since.clone(),
            until: self.until.clone(),
        }
    }

    fn request(&self) -> SearchRequest {
        SearchRequest {
            query: self.q.clone(),
            filters: self.filters(),
            sort: if self.by_date {
                Sort::Date
            } else {
                Sort::Relevance
            },
            limit: PAGE,
            offset: self.offset,
            facets: FACETS,
            fuzzy: true,
        }
    }

    /// This view's URL.
    pub fn href(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        if !self.q.is_empty() {
            query.append_pair("q", &self.q);
        }
        for (key, values) in [
            ("person", &self.persons),
            ("site", &self.sites),
            ("lang", &self.langs),
        ] {
            for value in values {
                query.append_pair(key, value);
            }
        }
        if let Some(since) = &self.since {
            query.append_pair("since", since);
        }
        if let Some(until) = &self.until {
            query.append_pair("until", until);
        }
        if self.by_date {
            query.append_pair("sort", "date");
        }
        if self.offset > 0 {
            query.append_pair("offset", &self.offset.to_string());
        }
        let query = query.finish();
        if query.is_empty() {
            "/".to_owned()
        } else {
            format!("/?{query}")
        }
    }

    /// The URL of this view changed by `change`, from its first page.
    fn with(&self, change: impl FnOnce(&mut Self)) -> String {
        let mut view = self.clone();
        view.offset = 0;
        change(&mut view);
        view.href()
    }
}

/// `/?name=value` style links to the other pages.
fn link(path: &str, key: &str, value: &str) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair(key, value)
        .finish();
    format!("{path}?{query}")
}

fn article_href(url: &str) -> String {
    link("/article", "url", url)
}

fn person_href(name: &str) -> String {
    link("/person", "name", name)
}

/// Whether `url` may become a link to another site: only http and https, so an archived
/// `javascript:` or `data:` URL is never one.
pub fn is_web_url(url: &str) -> bool {
    url::Url::parse(url.trim()).is_ok_and(|parsed| matches!(parsed.scheme(), "http" | "https"))
}

/// `text` as a link to the article's original when that is a web URL, as plain text otherwise.
fn original(url: &str, text: &str) -> Markup {
    html! {
        @if is_web_url(url) {
            // No referrer leaves anyway: every response says `Referrer-Policy: no-referrer`.
            a href=(url) { (text) }
        } @else {
            span.url title="not a web address, so not a link" { (text) }
        }
    }
}

/// `text` with the byte ranges in `ranges` in bold, as the API's `snippet_html` has them;
/// ranges that do not slice it are skipped.
fn marked(text: &str, ranges: &[(usize, usize)]) -> Markup {
    let mut parts: Vec<(&str, bool)> = Vec::new();
    let mut last = 0;
    for &(start, end) in ranges {
        if start < last
            || start >= end
            || end > text.len()
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
        {
            continue;
        }
        parts.push((&text[last..start], false));
        parts.push((&text[start..end], true));
        last = end;
    }
    parts.push((&text[last..], false));
    html! {
        @for (part, hit) in parts {
            @if hit { b { (part) } } @else { (part) }
        }
    }
}

fn date(published: Option<DateTime<Utc>>) -> String {
    published.map_or_else(
        || "undated".to_owned(),
        |d| d.format("%Y-%m-%d").to_string(),
    )
}

/// The frame of every page: the search box (with `q`), the content, the script. Only the
/// empty home page puts the focus in the box: elsewhere the keyboard scrolls and follows links
/// (and `/` reaches the box).
fn layout(title: &str, q: &str, content: &Markup) -> Markup {
    let home = title == HOME_TITLE;
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                link rel="stylesheet" href="/style.css";
                script src="/app.js" defer {}
            }
            body {
                header {
                    form action="/" method="get" role="search" {
                        a.home href="/" { "newsdex" }
                        input type="search" name="q" value=(q) aria-label="Search the archive"
                            placeholder="person:\"Keir Starmer\" budget after:2025-08" autofocus[home];
                        button type="submit" { "Search" }
                        span.hint { kbd { "/" } }
                    }
                }
                main { (content) }
            }
        }
    }
}

fn page_response(status: StatusCode, title: &str, q: &str, content: &Markup) -> Response {
    (status, Html(layout(title, q, content).into_string())).into_response()
}

fn failure_page(failure: &Failure, q: &str) -> Response {
    page_response(
        failure.status,
        "newsdex: error",
        q,
        &html! { p.error { (failure.message) } },
    )
}

/// `GET /`: the search page. A bad query is a 400 and an internal failure a 500, each with
/// the page and its message.
pub async fn search_page(State(state): State<Arc<AppState>>, query: QueryString) -> Response {
    let params = match Params::parse(query) {
        Ok(params) => params,
        Err(failure) => return failure_page(&failure, ""),
    };
    let view = match View::from_params(&params) {
        Ok(view) => view,
        Err(failure) => return failure_page(&failure, params.one("q").unwrap_or_default()),
    };
    if !view.is_search() {
        return page_response(StatusCode::OK, HOME_TITLE, "", &welcome());
    }
    let request = view.request();
    let outcome = blocking(state, move |index| {
        let results = index.search(&request)?;
        // A misspelt query was run corrected: its timeline is of the corrected one.
        let query = results.corrected.as_deref().unwrap_or(&request.query);
        let timeline = histogram::timeline(index, query, &request.filters, None)?;
        Ok((results, timeline))
    })
    .await;
    match outcome {
        Ok((results, timeline)) => page_response(
            StatusCode::OK,
            &format!("newsdex: {}", title_of(&view)),
            &view.q,
            &results_page(&view, &results, &timeline),
        ),
        Err(failure) => failure_page(&failure, &view.q),
    }
}

fn title_of(view: &View) -> String {
    let mut parts = vec![view.q.trim().to_owned()];
    parts.extend(view.persons.iter().cloned());
    parts.extend(view.sites.iter().cloned());
    parts.retain(|part| !part.is_empty());
    parts.join(" · ")
}

fn welcome() -> Markup {
    html! {
        h1 { "Search the archive" }
        p { "Words are all required; " code { "OR" } " widens, " code { "-word" } " excludes, "
            code { "\"a phrase\"" } " matches words in order." }
        p { "Narrow with " code { "person:" } ", " code { "site:" } ", " code { "lang:" } ", "
            code { "after:2025-08" } ", " code { "before:2025-09-01" } "; or click the facets beside the results." }
        p { "Press " kbd { "/" } " anywhere to jump to the search box." }
    }
}

fn results_page(view: &View, results: &SearchResults, timeline: &Timeline) -> Markup {
    let first = view.offset + 1;
    let last = view.offset + results.hits.len();
    html! {
        @if let Some(corrected) = &results.corrected {
            p.note { "no exact matches; showing results for "
                a href=(View { q: corrected.clone(), ..view.clone() }.with(|_| ())) { (corrected) } }
        }
        @for note in &results.notes { p.note { (note) } }
        (active_filters(view))
        @if results.total == 0 {
            p #summary { "no articles match " code { (results.query) } }
        } @else {
            div.summary #summary {
                span #total data-total=(results.total) { (results.total) " matching articles"
                    @if !results.hits.is_empty() { "; hits " (first) "–" (last) } }
                span {
                    @if view.by_date {
                        "newest first · " a #sort href=(view.with(|v| v.by_date = false)) { "sort by relevance" }
                    } @else {
                        "most relevant first · " a #sort href=(view.with(|v| v.by_date = true)) { "sort by date" }
                    }
                }
            }
            (histogram::render(timeline, |since, until| {
                view.with(|v| {
                    v.since = Some(since.to_owned());
                    v.until = Some(until.to_owned());
                })
            }))
            div.layout {
                div {
                    ol.hits #hits start=(first) role="list" {
                        @for hit in &results.hits { (hit_markup(hit)) }
                    }
                    (pager(view, results.total, results.hits.len()))
                }
                aside { (facets(view, results)) }
            }
        }
    }
}

fn hit_markup(hit: &SearchHit) -> Markup {
    html! {
        li.hit {
            h2 { a.title href=(article_href(&hit.url)) { (marked(&hit.title, &hit.title_highlights)) } }
            div.meta {
                (hit.site) " · " time { (date(hit.published)) }
                @if !hit.authors.is_empty() { " · by " (hit.authors.join(", ")) }
                " · " (original(&hit.url, "original"))
            }
            p.snippet { (marked(&hit.snippet, &hit.highlights)) }
            @if !hit.persons.is_empty() {
                div.persons { "persons: "
                    @for (i, (person, canonical)) in hit.persons.iter().zip(&hit.canonical_persons).enumerate() {
                        @if i > 0 { ", " }
                        // Shown as the article spells the name, linked to the archive's person.
                        @if person == canonical {
                            a.person href=(person_href(canonical)) { (person) }
                        } @else {
                            a.person href=(person_href(canonical)) title=(canonical) { (person) }
                        }
                    }
                }
            }
            @if !hit.copies.is_empty() { (copies(&hit.copies)) }
        }
    }
}

fn copies(copies: &[NearDuplicate]) -> Markup {
    html! {
        div.copies { "also on "
            @for (i, copy) in copies.iter().enumerate() {
                @if i > 0 { ", " }
                a href=(article_href(&copy.url)) { (copy.site) }
                " (" (date(copy.published)) ")"
            }
        }
    }
}

fn pager(view: &View, total: usize, shown: usize) -> Markup {
    let previous = view.offset.checked_sub(PAGE).map(|offset| View {
        offset,
        ..view.clone()
    });
    // `total` counts copies, which fold into their story: a short page is the last one.
    let next = (shown == PAGE && view.offset + PAGE < total).then(|| View {
        offset: view.offset + PAGE,
        ..view.clone()
    });
    html! {
        nav.pager aria-label="pages" {
            @if let Some(previous) = previous {
                a #previous rel="prev" href=(previous.href()) { "← previous" }
            } @else { span.disabled { "← previous" } }
            @if let Some(next) = next {
                a #next rel="next" href=(next.href()) { "next →" }
            } @else { span.disabled { "next →" } }
        }
    }
}

/// The filters in force, each removable.
fn active_filters(view: &View) -> Markup {
    let mut chips: Vec<(String, String)> = Vec::new();
    for (i, person) in view.persons.iter().enumerate() {
        chips.push((
            format!("person: {person}"),
            view.with(|v| {
                v.persons.remove(i);
            }),
        ));
    }
    for (i, site) in view.sites.iter().enumerate() {
        chips.push((
            format!("site: {site}"),
            view.with(|v| {
                v.sites.remove(i);
            }),
        ));
    }
    for (i, lang) in view.langs.iter().enumerate() {
        chips.push((
            format!("language: {lang}"),
            view.with(|v| {
                v.langs.remove(i);
            }),
        ));
    }
    match (&view.since, &view.until) {
        (Some(since), Some(until)) if since == until => {
            chips.push((
                format!("date: {since}"),
                view.with(|v| {
                    v.since = None;
                    v.until = None;
                }),
            ));
        }
        (since, until) => {
            if let Some(since) = since {
                chips.push((format!("since {since}"), view.with(|v| v.since = None)));
            }
            if let Some(until) = until {
                chips.push((format!("until {until}"), view.with(|v| v.until = None)));
            }
        }
    }
    html! {
        @if !chips.is_empty() {
            div.active-filters #filters { "filters: "
                @for (label, remove) in &chips {
                    a.chip.active href=(remove) title="remove this filter" {
                        (label) span.remove aria-label="remove" { "×" }
                    }
                }
            }
        }
    }
}

/// The facet chips: a click adds the value as a filter, or removes it when it is in force.
fn facets(view: &View, results: &SearchResults) -> Markup {
    let Some(facets) = &results.facets else {
        return html! {};
    };
    let mut months = facets.months.clone();
    months.sort_by(|a, b| b.value.cmp(&a.value));
    let toggle = |list: fn(&mut View) -> &mut Vec<String>, value: &str| -> (bool, String) {
        let mut probe = view.clone();
        let active = list(&mut probe)
            .iter()
            .any(|v| v.eq_ignore_ascii_case(value));
        let href = view.with(|v| {
            let values = list(v);
            if active {
                values.retain(|v| !v.eq_ignore_ascii_case(value));
            } else {
                values.push(value.to_owned());
            }
        });
        (active, href)
    };
    let person_chips: Vec<(String, u64, bool, String)> = facets
        .persons
        .iter()
        .map(|f| {
            let (active, href) = toggle(|v| &mut v.persons, &f.value);
            (f.value.clone(), f.count, active, href)
        })
        .collect();
    let site_chips = chips_of(&facets.sites, |value| toggle(|v| &mut v.sites, value));
    let lang_chips = chips_of(&facets.langs, |value| toggle(|v| &mut v.langs, value));
    let month_chips = chips_of(&months, |value| {
        let active = view.since.as_deref() == Some(value) && view.until.as_deref() == Some(value);
        let href = view.with(|v| {
            let bound = (!active).then(|| value.to_owned());
            v.since.clone_from(&bound);
            v.until = bound;
        });
        (active, href)
    });
    html! {
        @for (heading, id, chips) in [
            ("persons", "facet-persons", &person_chips),
            ("sites", "facet-sites", &site_chips),
            ("languages", "facet-langs", &lang_chips),
            ("months", "facet-months", &month_chips),
        ] {
            @if !chips.is_empty() {
                h3 { (heading) }
                ul.chips id=(id) {
                    @for (value, count, active, href) in chips {
                        li { a.chip.active[*active] href=(href) aria-pressed=(active.to_string()) data-value=(value) {
                            (value) span.count { (count) }
                        } }
                    }
                }
            }
        }
    }
}

fn chips_of(
    values: &[FacetValue],
    toggle: impl Fn(&str) -> (bool, String),
) -> Vec<(String, u64, bool, String)> {
    values
        .iter()
        .map(|f| {
            let (active, href) = toggle(&f.value);
            (f.value.clone(), f.count, active, href)
        })
        .collect()
}

/// The article at `url`: by the URL it was indexed under, else by the same URL normalised as
/// the store keys it (what a user pastes from the address bar).
pub fn find_article(
    index: &ArticleIndex,
    url: &str,
) -> Result<Option<StoredArticle>, newsdex_index::Error> {
    let mut stored = index.get(url)?;
    if stored.is_none() {
        stored = match newsdex_types::normalize_url(url) {
            Ok(key) if key != url => index.get(&key)?,
            _ => None,
        };
    }
    // An index written by an older newsdex may hold what today's cleaner removes (controls,
    // bidi overrides).
    if let Some(stored) = &mut stored {
        stored.article.sanitise();
    }
    Ok(stored)
}

/// `GET /article?url=`: the clean article, its persons marked and linked, its other copies.
pub async fn article_page(State(state): State<Arc<AppState>>, query: QueryString) -> Response {
    let params = match Params::parse(query) {
        Ok(params) => params,
        Err(failure) => return failure_page(&failure, ""),
    };
    let Some(url) = params
        .one("url")
        .filter(|u| !u.is_empty())
        .map(str::to_owned)
    else {
        return failure_page(
            &Failure::bad_request("`url` is missing: `/article?url=https://...`".to_owned()),
            "",
        );
    };
    let asked = url.clone();
    let outcome = blocking(state, move |index| {
        let Some(stored) = find_article(index, &url)? else {
            return Ok(None);
        };
        let copies = index.copies_of(&stored.article.url)?;
        Ok(Some((stored, copies)))
    })
    .await;
    match outcome {
        Ok(Some((stored, copies))) => page_response(
            StatusCode::OK,
            &format!("{} · newsdex", stored.article.title),
            "",
            &article_markup(&stored, &copies),
        ),
        Ok(None) => failure_page(
            &Failure::new(
                StatusCode::NOT_FOUND,
                format!("no article is indexed under `{asked}`"),
            ),
            "",
        ),
        Err(failure) => failure_page(&failure, ""),
    }
}

/// A person's mention, as byte ranges of `title + "\n\n" + text` and the person's name.
struct Mark<'a> {
    start: usize,
    end: usize,
    person: &'a str,
}

/// Every mention's byte range in `combined`, in order, overlaps dropped. Mentions are
/// character offsets (the extractor's), which are turned into byte offsets once.
fn marks<'a>(stored: &'a StoredArticle, combined: &str) -> Vec<Mark<'a>> {
    let mut bytes: Vec<usize> = combined.char_indices().map(|(at, _)| at).collect();
    bytes.push(combined.len());
    let mut marks: Vec<Mark> = stored
        .persons
        .iter()
        .flat_map(|person| {
            person.mentions.iter().filter_map(|mention| {
                Some(Mark {
                    start: *bytes.get(mention.start)?,
                    end: *bytes.get(mention.end)?,
                    person: person.name.as_str(),
                })
            })
        })
        .filter(|mark| mark.start < mark.end)
        .collect();
    marks.sort_by_key(|mark| (mark.start, std::cmp::Reverse(mark.end)));
    let mut kept: Vec<Mark> = Vec::with_capacity(marks.len());
    for mark in marks {
        if kept.last().is_none_or(|last| mark.start >= last.end) {
            kept.push(mark);
        }
    }
    kept
}

/// `combined[range]` with the marks inside it as links to their person.
fn with_marks(combined: &str, from: usize, to: usize, marks: &[Mark]) -> Markup {
    let mut parts: Vec<(&str, Option<&str>)> = Vec::new();
    let mut at = from;
    for mark in marks.iter().filter(|m| m.start >= from && m.end <= to) {
        parts.push((&combined[at..mark.start], None));
        parts.push((&combined[mark.start..mark.end], Some(mark.person)));
        at = mark.end;
    }
    parts.push((&combined[at..to], None));
    html! {
        @for (text, person) in parts {
            @if let Some(person) = person {
                mark.person title=(person) { a href=(person_href(person)) { (text) } }
            } @else { (text) }
        }
    }
}

fn article_markup(stored: &StoredArticle, copies_found: &[NearDuplicate]) -> Markup {
    let article = &stored.article;
    let combined = format!("{}\n\n{}", article.title, article.text);
    let marks = marks(stored, &combined);
    let body_start = article.title.len() + 2;
    let mut paragraphs = Vec::new();
    let mut at = body_start;
    for paragraph in article.text.split("\n\n") {
        let end = at + paragraph.len();
        if !paragraph.trim().is_empty() {
            paragraphs.push((at, end));
        }
        at = end + 2;
    }
    let mut persons: Vec<(&str, usize)> = stored
        .persons
        .iter()
        .map(|p| (p.name.as_str(), p.mentions.len()))
        .collect();
    persons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let site = article
        .site_name
        .clone()
        .or_else(|| {
            url::Url::parse(&article.url)
                .ok()?
                .host_str()
                .map(str::to_owned)
        })
        .unwrap_or_default();
    html! {
        article.read #article {
            h1 { (with_marks(&combined, 0, article.title.len(), &marks)) }
            div.meta {
                @if !site.is_empty() { a href=(View { sites: vec![site.clone()], ..View::default() }.href()) { (site) } " · " }
                time { (date(article.published)) }
                @if !article.authors.is_empty() { " · by " (article.authors.join(", ")) }
                @if let Some(lang) = &article.language { " · " (lang) }
            }
            p.meta { "original: " (original(&article.url, &article.url)) }
            @if !persons.is_empty() {
                div.persons #persons { "persons: "
                    @for (i, (name, mentions)) in persons.iter().enumerate() {
                        @if i > 0 { ", " }
                        a.person href=(person_href(name)) { (name) } " (" (mentions) ")"
                    }
                }
            }
            div.text {
                @for (from, to) in &paragraphs { p { (with_marks(&combined, *from, *to, &marks)) } }
            }
            @if !copies_found.is_empty() {
                h2 { "Other copies of this story" }
                ul #copies {
                    @for copy in copies_found {
                        li { a href=(article_href(&copy.url)) { (copy.site) } " · " (date(copy.published)) " · "
                            span.url { (copy.url) } }
                    }
                }
            }
        }
    }
}

/// `GET /person?name=`: the names resolved to the person, their articles over time, who
/// appears beside them most, and their latest articles.
pub async fn person_page(State(state): State<Arc<AppState>>, query: QueryString) -> Response {
    let params = match Params::parse(query) {
        Ok(params) => params,
        Err(failure) => return failure_page(&failure, ""),
    };
    let Some(name) = params
        .one("name")
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
    else {
        return failure_page(
            &Failure::bad_request("`name` is missing: `/person?name=...`".to_owned()),
            "",
        );
    };
    let asked = name.clone();
    let outcome = blocking(state, move |index| {
        let Some(person) = index.person(&name)? else {
            return Ok(None);
        };
        let latest = SearchRequest {
            query: String::new(),
            filters: Filters {
                persons: vec![person.name.clone()],
                ..Filters::default()
            },
            sort: Sort::Date,
            limit: LATEST,
            offset: 0,
            facets: 0,
            fuzzy: false,
        };
        let timeline = histogram::timeline(index, "", &latest.filters, None)?;
        let articles = index.search(&latest)?;
        let beside = index.persons(&PersonsRequest {
            query: String::new(),
            filters: Filters::default(),
            with: Some(person.name.clone()),
            top: BESIDE,
        })?;
        Ok(Some((person, timeline, articles, beside.persons)))
    })
    .await;
    match outcome {
        Ok(Some((person, timeline, articles, beside))) => page_response(
            StatusCode::OK,
            &format!("{} · newsdex", person.name),
            "",
            &person_markup(&person, &timeline, &articles, &beside),
        ),
        Ok(None) => failure_page(
            &Failure::new(
                StatusCode::NOT_FOUND,
                format!(
                    "the archive knows no one person as `{asked}` (nobody, or several people share the name)"
                ),
            ),
            "",
        ),
        Err(failure) => failure_page(&failure, ""),
    }
}

fn person_markup(
    person: &PersonNames,
    timeline: &Timeline,
    articles: &SearchResults,
    beside: &[FacetValue],
) -> Markup {
    let theirs = View {
        persons: vec![person.name.clone()],
        ..View::default()
    };
    html! {
        h1 #person { (person.name) }
        p.summary { a href=(theirs.href()) { strong { (articles.total) } " articles" } " name them" }
        (histogram::render(timeline, |since, until| {
            theirs.with(|v| {
                v.since = Some(since.to_owned());
                v.until = Some(until.to_owned());
            })
        }))
        div.layout {
            div {
                h2 { "Latest articles" }
                ol.hits role="list" { @for hit in &articles.hits { (hit_markup(hit)) } }
            }
            aside {
                h3 { "Known as" }
                table.names #names { @for name in &person.names {
                    tr { td { (name.value) } td.n { (name.count) } }
                } }
                @if !beside.is_empty() {
                    h3 { "Appears beside" }
                    ul.chips #beside { @for other in beside {
                        li { a.chip href=(person_href(&other.value)) { (other.value) }
                             a.chip href=(theirs.with(|v| v.persons.push(other.value.clone())))
                                title="articles naming both" { span.count { (other.count) } } }
                    } }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use newsdex_index::SearchHit;

    use super::*;

    fn hit(url: &str, title: &str, snippet: &str, copies: &[&str]) -> SearchHit {
        SearchHit {
            url: url.to_owned(),
            title: title.to_owned(),
            title_highlights: Vec::new(),
            site: "<b>site</b>".to_owned(),
            published: None,
            authors: vec!["<svg onload=alert(8)>".to_owned()],
            persons: vec!["<img src=x onerror=alert(1)>".to_owned()],
            // Shown in the link's title when it differs from the article's spelling.
            canonical_persons: vec!["\"><img src=x onerror=alert(12)>".to_owned()],
            score: 1.0,
            snippet: snippet.to_owned(),
            highlights: Vec::new(),
            copies: copies
                .iter()
                .map(|url| NearDuplicate {
                    url: (*url).to_owned(),
                    site: "\"><script>alert(2)</script>".to_owned(),
                    published: None,
                })
                .collect(),
        }
    }

    /// Regression (issue 10, item 4): an archived `javascript:` URL became a link on the page.
    #[test]
    fn only_http_urls_become_links_and_every_value_is_escaped() {
        let results = SearchResults {
            query: "x".to_owned(),
            corrected: Some("<script>alert(9)</script>".to_owned()),
            notes: vec!["<script>alert(3)</script>".to_owned()],
            total: 2,
            hits: vec![
                hit(
                    "javascript:alert(document.cookie)",
                    "<script>alert(4)</script>",
                    "<img src=x onerror=alert(5)>",
                    &[
                        " JaVaScRiPt:alert(6)",
                        "data:text/html,<script>alert(7)</script>",
                    ],
                ),
                hit(
                    "https://news.example/a?b=1&c=\"2\"",
                    "fine",
                    "text",
                    &["HTTP://copy.example/x"],
                ),
            ],
            facets: None,
        };
        let view = View {
            q: "\"><script>alert(10)</script>".to_owned(),
            persons: vec!["<img src=x onerror=alert(11)>".to_owned()],
            ..View::default()
        };
        let timeline = Timeline {
            by: newsdex_index::Bucket::Month,
            series: Vec::new(),
            buckets: Vec::new(),
            undated_all: 0,
            notes: Vec::new(),
        };
        let html = layout("t", &view.q, &results_page(&view, &results, &timeline)).into_string();
        let lower = html.to_ascii_lowercase();
        assert!(!lower.contains("href=\"javascript") && !lower.contains("href=\" javascript"));
        assert!(!lower.contains("href=\"data:"), "{html}");
        assert!(
            !lower.contains("<img") && !lower.contains("<svg "),
            "{html}"
        );
        assert_eq!(
            lower.matches("<script").count(),
            1,
            "only the app's own: {html}"
        );
        assert!(html.contains(r#"<script src="/app.js" defer></script>"#));
        assert!(
            html.contains("&lt;script&gt;alert(4)&lt;/script&gt;"),
            "{html}"
        );
        assert!(
            html.contains(
                r#"<a href="https://news.example/a?b=1&amp;c=&quot;2&quot;">original</a>"#
            ),
            "{html}"
        );
        // Copies are read here; the article page says whether their URL is a web address.
        assert!(
            html.contains(r#"href="/article?url=HTTP%3A%2F%2Fcopy.example%2Fx""#),
            "{html}"
        );
        assert!(
            html.contains(r#"href="/article?url=javascript%3Aalert%28document.cookie%29""#),
            "{html}"
        );
    }

    #[test]
    fn web_urls_are_http_and_https_only() {
        for web in [
            "https://a.example/x",
            "HTTP://a.example",
            " http://a.example/ ",
        ] {
            assert!(is_web_url(web), "{web}");
        }
        for other in [
            "javascript:alert(1)",
            " JaVaScRiPt:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,x",
            "vbscript:x",
            "//evil.example",
            "file:///etc/passwd",
            "",
        ] {
            assert!(!is_web_url(other), "{other}");
        }
    }

    #[test]
    fn a_view_round_trips_through_its_url_in_any_script() {
        let view = View {
            q: "выборы \"coalition of the willing\" & 选举".to_owned(),
            persons: vec!["Владимир Зеленский".to_owned(), "Ελευθέριος".to_owned()],
            sites: vec!["lemonde.fr".to_owned()],
            langs: vec!["hi".to_owned()],
            since: Some("2025-08".to_owned()),
            until: Some("2025-08-31".to_owned()),
            by_date: true,
            offset: 20,
        };
        let href = view.href();
        let query = href.strip_prefix("/?").unwrap();
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let back = View::from_params(&Params(pairs)).unwrap();
        assert_eq!(back, view);
        assert_eq!(View::default().href(), "/");
    }

    #[test]
    fn facet_chips_add_a_filter_or_remove_it_and_go_back_to_the_first_page() {
        let view = View {
            q: "grain".to_owned(),
            persons: vec!["Keir Starmer".to_owned()],
            offset: 30,
            ..View::default()
        };
        let results = SearchResults {
            query: "grain".to_owned(),
            corrected: None,
            notes: Vec::new(),
            total: 3,
            hits: Vec::new(),
            facets: Some(newsdex_index::Facets {
                persons: vec![
                    FacetValue {
                        value: "Keir Starmer".to_owned(),
                        count: 3,
                    },
                    FacetValue {
                        value: "Emmanuel Macron".to_owned(),
                        count: 1,
                    },
                ],
                sites: Vec::new(),
                langs: vec![FacetValue {
                    value: "fr".to_owned(),
                    count: 1,
                }],
                months: vec![FacetValue {
                    value: "2025-08".to_owned(),
                    count: 2,
                }],
            }),
        };
        let html = facets(&view, &results).into_string();
        assert!(
            html.contains(r#"href="/?q=grain" aria-pressed="true" data-value="Keir Starmer""#),
            "{html}"
        );
        assert!(
            html.contains(r#"href="/?q=grain&amp;person=Keir+Starmer&amp;person=Emmanuel+Macron" aria-pressed="false""#),
            "{html}"
        );
        assert!(
            html.contains(r#"href="/?q=grain&amp;person=Keir+Starmer&amp;lang=fr""#),
            "{html}"
        );
        assert!(
            html.contains(
                r#"href="/?q=grain&amp;person=Keir+Starmer&amp;since=2025-08&amp;until=2025-08""#
            ),
            "{html}"
        );
        let active = active_filters(&view).into_string();
        assert!(active.contains(r#"href="/?q=grain""#), "{active}");
        assert!(active.contains("person: Keir Starmer"), "{active}");
    }

    #[test]
    fn persons_are_marked_where_the_extractor_found_them_in_any_script() {
        let article = newsdex_types::Article {
            url: "javascript:alert(1)".to_owned(),
            title: "Зеленский в Киеве".to_owned(),
            text: "Президент Владимир Зеленский сказал.\n\n<script>x</script> Зеленский."
                .to_owned(),
            ..Default::default()
        };
        let combined = format!("{}\n\n{}", article.title, article.text);
        let chars: Vec<char> = combined.chars().collect();
        let find = |from: usize, word: &str| {
            let word: Vec<char> = word.chars().collect();
            (from..chars.len())
                .find(|&i| chars[i..].starts_with(&word))
                .unwrap()
        };
        let mention = |start: usize, len: usize| newsdex_persons::Mention {
            start,
            end: start + len,
            text: chars[start..start + len].iter().collect(),
        };
        let first = find(0, "Зеленский");
        let full = find(first + 1, "Владимир");
        let last = find(full + 20, "Зеленский");
        let stored = StoredArticle {
            article,
            persons: vec![newsdex_persons::Person {
                name: "Владимир Зеленский".to_owned(),
                mentions: vec![mention(first, 9), mention(full, 18), mention(last, 9)],
            }],
        };
        let html = article_markup(&stored, &[]).into_string();
        assert_eq!(html.matches("<mark class=\"person\"").count(), 3, "{html}");
        assert!(
            html.contains(">Зеленский</a></mark> в Киеве</h1>"),
            "{html}"
        );
        assert!(
            html.contains(">Владимир Зеленский</a></mark> сказал."),
            "{html}"
        );
        assert!(
            html.contains("&lt;script&gt;x&lt;/script&gt; <mark"),
            "{html}"
        );
        assert!(!html.contains("href=\"javascript"), "{html}");
        assert!(
            html.contains("javascript:alert(1)"),
            "shown as text: {html}"
        );
    }
}
