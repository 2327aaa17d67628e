//! Article metadata: authors, dates, site, canonical URL, description, section, tags, image
//! and language, read from JSON-LD first, then Open Graph / `article:` / Dublin Core meta
//! tags, then the markup (`<time>`, bylines, `<html lang>`), then the URL. One function per
//! field ([`published`], [`authors`], ...) holds that field's order of sources; the title's
//! is in `title`, which reads the JSON-LD and meta tags parsed here.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde_json::Value;
use url::Url;

use crate::dom::Doc;
use crate::{byline, lang};

/// Schema.org types that describe an article.
const ARTICLE_TYPES: &[&str] = &[
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "backgroundnewsarticle",
    "askpublicnewsarticle",
    "blogposting",
    "liveblogposting",
    "socialmediaposting",
    "techarticle",
    "scholarlyarticle",
    "report",
    "webpage",
    "creativework",
];

/// JSON-LD values visited per script at most: a page's article object comes within the first
/// few dozen, and the bound keeps a script of a million nested values cheap.
const MAX_JSON_LD_VALUES: usize = 10_000;

/// The last this many of [`ARTICLE_TYPES`] describe any page, not an article: an object of
/// theirs is read only when no article type is there, so they rank ...
const GENERIC_TYPES: usize = 2;
/// ... from this rank on, after every article type.
const GENERIC_RANK: usize = 100;

/// What JSON-LD says about the article.
#[derive(Debug, Default)]
pub(crate) struct JsonLd {
    /// Whether the object read is an article type (not a bare `WebPage`).
    pub is_article: bool,
    pub title: Option<String>,
    /// A `name` that differs from the `headline`.
    pub alt_title: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<String>,
    pub modified: Option<String>,
    pub description: Option<String>,
    pub site_name: Option<String>,
    pub section: Option<String>,
    pub tags: Vec<String>,
    pub image: Option<String>,
    pub url: Option<String>,
    /// `articleBody`: the whole text, which single-page apps sometimes carry only here.
    pub body: Option<String>,
}

// The fallback order of each field but the title (which `title` reads): one function per
// field below, each trying its sources in order, the first usable value winning. JSON-LD is
// written for search engines and kept the most accurate, so it comes first; then the meta
// tags (Open Graph's first, then the older and vendor ones); then what the markup shows;
// then the URL.

/// Meta tags naming the site, in order.
const SITE_NAME_KEYS: &[&str] = &["og:site_name", "application-name", "al:android:app_name"];

/// Meta tags naming the publication date, in order, after JSON-LD's `datePublished`.
const PUBLISHED_KEYS: &[&str] = &[
    "article:published_time",
    "og:published_time",
    "datepublished",
    "parsely-pub-date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "article.published",
    "published_time",
    "sailthru.date",
    "dc.date.issued",
    "dc.date",
    "dcterms.date",
    "dcterms.created",
    "dc:date",
    "date",
    "og:article:published_time",
];

/// Meta tags naming the modification date, in order, after JSON-LD's `dateModified`.
const MODIFIED_KEYS: &[&str] = &[
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dcterms.modified",
    "last-modified",
    "article.updated",
];

/// Meta tags naming the authors, in order, after JSON-LD; `true` for the bibliographic ones
/// (Dublin Core, citations), which write names "Surname, Given".
const AUTHOR_KEYS: &[(&str, bool)] = &[
    ("dc:creator", true),
    ("dcterm:creator", true),
    ("dc.creator", true),
    ("dcterms.creator", true),
    ("author", false),
    ("parsely-author", false),
    ("sailthru.author", false),
    ("byl", false),
    ("citation_author", true),
];

/// Open Graph's author tags, read last: the protocol defines them as profile URLs, and a
/// name there is less often kept up to date than the page's own byline.
const PROFILE_AUTHOR_KEYS: &[&str] = &["article:author", "og:article:author"];

/// Meta tags holding the description, in order, after JSON-LD's `description`.
const DESCRIPTION_KEYS: &[&str] = &[
    "og:description",
    "description",
    "twitter:description",
    "dc.description",
    "dc:description",
    "dcterms.description",
];

/// Meta tags naming the section, in order, before JSON-LD's `articleSection`: the page's
/// own tags name the section as the site shows it.
const SECTION_KEYS: &[&str] = &[
    "article:section",
    "parsely-section",
    "section",
    "og:section",
];

/// Keyword lists (comma or semicolon separated), read when neither `article:tag` nor
/// JSON-LD's `keywords` give tags.
const KEYWORD_KEYS: &[&str] = &["news_keywords", "keywords", "parsely-tags"];

/// A tag longer than this (in characters) is a sentence pasted into the keywords, not a tag.
const MAX_TAG_CHARS: usize = 80;

/// Meta tags naming the lead image, in order, before JSON-LD's `image`.
const IMAGE_KEYS: &[&str] = &[
    "og:image",
    "og:image:url",
    "og:image:secure_url",
    "twitter:image",
    "twitter:image:src",
];

/// Meta tags naming the language, in order, after the `lang` attribute of `<html>`.
const LANGUAGE_KEYS: &[&str] = &[
    "content-language",
    "dc.language",
    "language",
    "og:locale",
    "inlanguage",
];

/// The site's name: JSON-LD's publisher, else [`SITE_NAME_KEYS`].
pub(crate) fn site_name(doc: &Doc, ld: &JsonLd) -> Option<String> {
    ld.site_name
        .clone()
        .or_else(|| meta(doc, SITE_NAME_KEYS).map(str::to_owned))
        .map(|s| clean_text(&s))
        .filter(|s| !s.is_empty())
}

/// The canonical URL: `<link rel=canonical>`, else `og:url`, else JSON-LD's `url`; the first
/// that is a web URL once resolved against `base` (one naming another scheme is as if
/// absent).
pub(crate) fn canonical_url(doc: &Doc, ld: &JsonLd, base: Option<&Url>) -> Option<String> {
    [
        doc.head.canonical.as_deref(),
        meta(doc, &["og:url"]),
        ld.url.as_deref(),
    ]
    .into_iter()
    .flatten()
    .find_map(|href| absolute(base, href))
}

/// The publication date: JSON-LD, then [`PUBLISHED_KEYS`], then the `<time>` elements, then
/// a date in the page's URL. A date that does not parse or that no article fetched at
/// `fetched` can have is as if absent, and the next source is tried.
pub(crate) fn published(
    doc: &Doc,
    ld: &JsonLd,
    page_url: Option<&Url>,
    fetched: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let plausible = |d: &DateTime<Utc>| plausible_date(d, fetched);
    ld.published
        .as_deref()
        .and_then(parse_date)
        .filter(plausible)
        .or_else(|| meta_date(doc, PUBLISHED_KEYS, fetched))
        .or_else(|| {
            doc.head
                .times
                .iter()
                .filter_map(|(_, t)| parse_date(t))
                .find(plausible)
        })
        .or_else(|| page_url.and_then(date_from_url).filter(plausible))
}

/// The modification date: JSON-LD, then [`MODIFIED_KEYS`] (plausible dates only, as for
/// [`published`]).
pub(crate) fn modified(doc: &Doc, ld: &JsonLd, fetched: DateTime<Utc>) -> Option<DateTime<Utc>> {
    ld.modified
        .as_deref()
        .and_then(parse_date)
        .filter(|d| plausible_date(d, fetched))
        .or_else(|| meta_date(doc, MODIFIED_KEYS, fetched))
}

/// The authors: JSON-LD, then the first of [`AUTHOR_KEYS`] naming anyone, then the byline
/// in the markup, then [`PROFILE_AUTHOR_KEYS`]; a value that is a URL names no one. Repeats
/// (by case) are dropped.
pub(crate) fn authors(doc: &Doc, ld: &JsonLd) -> Vec<String> {
    let mut authors = ld.authors.clone();
    if authors.is_empty() {
        for &(key, bibliographic) in AUTHOR_KEYS {
            for v in metas(doc, key) {
                if !v.starts_with("http") {
                    authors.extend(if bibliographic {
                        byline::bibliographic_people(v)
                    } else {
                        byline::declared_people(v)
                    });
                }
            }
            if !authors.is_empty() {
                break;
            }
        }
    }
    if authors.is_empty() {
        authors = byline::markup_authors(doc);
    }
    if authors.is_empty() {
        for key in PROFILE_AUTHOR_KEYS {
            for v in metas(doc, key) {
                if !v.starts_with("http") {
                    authors.extend(byline::declared_people(v));
                }
            }
        }
    }
    dedupe(&mut authors);
    authors
}

/// The description: JSON-LD, then [`DESCRIPTION_KEYS`].
pub(crate) fn description(doc: &Doc, ld: &JsonLd) -> Option<String> {
    ld.description
        .clone()
        .or_else(|| meta(doc, DESCRIPTION_KEYS).map(str::to_owned))
        .map(|d| clean_text(&d))
        .filter(|d| !d.is_empty())
}

/// The section: [`SECTION_KEYS`], then JSON-LD's `articleSection`.
pub(crate) fn section(doc: &Doc, ld: &JsonLd) -> Option<String> {
    meta(doc, SECTION_KEYS)
        .map(str::to_owned)
        .or_else(|| ld.section.clone())
        .map(|s| clean_text(&s))
        .filter(|s| !s.is_empty())
}

/// The tags: `article:tag` (comma-separated values too), then JSON-LD's `keywords`, then the
/// first of [`KEYWORD_KEYS`], then the page's tag links. Empty tags, tags longer than
/// [`MAX_TAG_CHARS`] and repeats (by case) are dropped.
pub(crate) fn tags(doc: &Doc, ld: &JsonLd) -> Vec<String> {
    let mut tags: Vec<String> = metas(doc, "article:tag")
        .flat_map(|t| t.split(','))
        .map(clean_text)
        .collect();
    if tags.is_empty() {
        tags = ld.tags.iter().map(|t| clean_text(t)).collect();
    }
    if tags.is_empty()
        && let Some(keywords) = meta(doc, KEYWORD_KEYS)
    {
        tags = keywords.split([',', ';']).map(clean_text).collect();
    }
    if tags.is_empty() {
        tags = doc.head.tag_links.iter().map(|t| clean_text(t)).collect();
    }
    tags.retain(|t| !t.is_empty() && t.chars().count() <= MAX_TAG_CHARS);
    dedupe(&mut tags);
    tags
}

/// The lead image: [`IMAGE_KEYS`] (every value of each, in order), then JSON-LD's `image`;
/// the first that is a web URL once resolved against `base`.
pub(crate) fn image(doc: &Doc, ld: &JsonLd, base: Option<&Url>) -> Option<String> {
    IMAGE_KEYS
        .iter()
        .flat_map(|name| metas(doc, name))
        .chain(ld.image.as_deref())
        .find_map(|href| absolute(base, href))
}

/// The language: `<html lang>`, then [`LANGUAGE_KEYS`], then (when `detect`) detected from
/// the article's `text`.
pub(crate) fn language(doc: &Doc, text: &str, detect: bool) -> Option<String> {
    doc.head
        .lang
        .as_deref()
        .and_then(lang::normalise_tag)
        .or_else(|| meta(doc, LANGUAGE_KEYS).and_then(lang::normalise_tag))
        .or_else(|| if detect { lang::detect(text) } else { None })
}

/// Drops repeats, compared without case, keeping the first of each.
fn dedupe(items: &mut Vec<String>) {
    let mut seen: Vec<String> = Vec::with_capacity(items.len());
    items.retain(|item| {
        let key = item.to_lowercase();
        if seen.contains(&key) {
            false
        } else {
            seen.push(key);
            true
        }
    });
}

/// Parses the page's JSON-LD scripts leniently and reads the first article-like object.
pub(crate) fn json_ld(scripts: &[String]) -> JsonLd {
    let mut out = JsonLd::default();
    let mut best_rank = usize::MAX;
    for script in scripts {
        let Some(value) = parse_lenient(script) else {
            continue;
        };
        let mut stack = vec![&value];
        let mut visited = 0;
        while let Some(v) = stack.pop() {
            visited += 1;
            if visited > MAX_JSON_LD_VALUES {
                break;
            }
            match v {
                Value::Array(items) => stack.extend(items.iter().rev()),
                Value::Object(map) => {
                    if let Some(graph) = map.get("@graph") {
                        stack.push(graph);
                    }
                    let rank = type_rank(map.get("@type"));
                    if let Some(rank) = rank
                        && rank < best_rank
                        && (map.contains_key("headline")
                            || map.contains_key("name")
                            || map.contains_key("articleBody"))
                    {
                        best_rank = rank;
                        out = read_article(map);
                        out.is_article = rank == 0;
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// Lower rank = more article-like; `None` = not an article type.
fn type_rank(t: Option<&Value>) -> Option<usize> {
    let mut names: Vec<String> = Vec::new();
    match t {
        Some(Value::String(s)) => names.push(s.to_ascii_lowercase()),
        Some(Value::Array(items)) => names.extend(
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_ascii_lowercase),
        ),
        _ => return None,
    }
    names
        .iter()
        .filter_map(|n| {
            let n = n.rsplit(['/', ':']).next().unwrap_or(n);
            ARTICLE_TYPES.iter().position(|t| *t == n)
        })
        .min()
        .map(|p| {
            if p >= ARTICLE_TYPES.len() - GENERIC_TYPES {
                GENERIC_RANK + p
            } else {
                0
            }
        })
}

fn parse_lenient(script: &str) -> Option<Value> {
    let trimmed = script.trim();
    if let Ok(v) = serde_json::from_str(trimmed) {
        return Some(v);
    }
    // Common breakage: HTML comment or CDATA wrappers, raw control characters in strings,
    // trailing commas.
    let mut cleaned = trimmed
        .trim_start_matches("<!--")
        .trim_end_matches("-->")
        .trim()
        .trim_start_matches("//<![CDATA[")
        .trim_start_matches("<![CDATA[")
        .trim_end_matches("//]]>")
        .trim_end_matches("]]>")
        .trim()
        .trim_end_matches(';')
        .replace(|c: char| c.is_control(), " ");
    if let Ok(v) = serde_json::from_str(&cleaned) {
        return Some(v);
    }
    cleaned = remove_trailing_commas(&cleaned);
    serde_json::from_str(&cleaned).ok()
}

fn remove_trailing_commas(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_string = false;
    let mut escaped = false;
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        if c == '"' {
            in_string = true;
        }
        if c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}' | ']')) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(decode_entities(s.trim())).filter(|s| !s.is_empty()),
        Value::Array(items) => items.iter().find_map(text_of),
        Value::Object(map) => map
            .get("name")
            .or_else(|| map.get("@value"))
            .and_then(text_of),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn url_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Value::Array(items) => items.iter().find_map(url_of),
        Value::Object(map) => map
            .get("url")
            .or_else(|| map.get("contentUrl"))
            .or_else(|| map.get("@id"))
            .and_then(url_of),
        _ => None,
    }
}

fn names_of(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.extend(byline::declared_people(&decode_entities(s))),
        Value::Array(items) => items.iter().for_each(|i| names_of(i, out)),
        Value::Object(map) => {
            if let Some(name) = map.get("name") {
                names_of(name, out);
            } else if let (Some(given), Some(family)) = (
                map.get("givenName").and_then(Value::as_str),
                map.get("familyName").and_then(Value::as_str),
            ) {
                out.push(format!("{} {}", given.trim(), family.trim()));
            }
        }
        _ => {}
    }
}

fn read_article(map: &serde_json::Map<String, Value>) -> JsonLd {
    let mut authors = Vec::new();
    if let Some(a) = map.get("author").or_else(|| map.get("creator")) {
        names_of(a, &mut authors);
    }
    let tags = match map.get("keywords") {
        Some(Value::String(s)) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        Some(Value::Array(items)) => items.iter().filter_map(text_of).collect(),
        _ => Vec::new(),
    };
    // Wikipedia-style objects have a `name` (the title) and a `headline` (a description): the
    // caller picks whichever is closer to the page's `<title>`.
    let headline = map.get("headline").and_then(text_of);
    let name = map.get("name").and_then(text_of);
    JsonLd {
        is_article: false,
        title: headline.clone().or_else(|| name.clone()),
        alt_title: if headline.is_some() && name.is_some() && headline != name {
            name
        } else {
            None
        },
        body: map.get("articleBody").and_then(text_of),
        authors,
        published: map
            .get("datePublished")
            .or_else(|| map.get("dateCreated"))
            .and_then(text_of),
        modified: map.get("dateModified").and_then(text_of),
        description: map.get("description").and_then(text_of),
        site_name: map
            .get("publisher")
            .and_then(text_of)
            .or_else(|| map.get("isPartOf").and_then(text_of)),
        section: map.get("articleSection").and_then(text_of),
        tags,
        image: map
            .get("image")
            .or_else(|| map.get("thumbnailUrl"))
            .and_then(url_of),
        url: map
            .get("url")
            .and_then(url_of)
            .or_else(|| map.get("mainEntityOfPage").and_then(url_of)),
    }
}

/// The `;` that ends a character reference lies at most this many bytes after its `&`: room
/// for the longest, `&#x10FFFF;` (9), and a leading zero; a longer run is no reference.
const MAX_ENTITY_END: usize = 10;

/// Decodes the HTML character references that CMSs leave inside JSON-LD strings
/// ("&#8211;", "&amp;"): numeric ones and the common named ones.
pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..]
            .find(';')
            .map(|e| e + 1)
            .filter(|&e| e <= MAX_ENTITY_END);
        let decoded = end.and_then(|end| {
            let name = &rest[1..end];
            let c = if let Some(num) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                u32::from_str_radix(num, 16).ok().and_then(char::from_u32)
            } else if let Some(num) = name.strip_prefix('#') {
                num.parse::<u32>().ok().and_then(char::from_u32)
            } else {
                match name {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    "nbsp" => Some(' '),
                    "ndash" => Some('–'),
                    "mdash" => Some('—'),
                    "lsquo" => Some('‘'),
                    "rsquo" => Some('’'),
                    "ldquo" => Some('“'),
                    "rdquo" => Some('”'),
                    "hellip" => Some('…'),
                    _ => None,
                }
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The first meta value among `names`, in the order given.
pub(crate) fn meta<'d>(doc: &'d Doc, names: &[&str]) -> Option<&'d str> {
    names.iter().find_map(|name| {
        doc.head
            .metas
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    })
}

pub(crate) fn metas<'d>(doc: &'d Doc, name: &str) -> impl Iterator<Item = &'d str> + 'd {
    let name = name.to_owned();
    doc.head
        .metas
        .iter()
        .filter(move |(k, _)| *k == name)
        .map(|(_, v)| v.as_str())
}

/// Collapses whitespace and drops controls (see `controls`); decodes nothing: scraper
/// already decoded entities.
pub(crate) fn clean_text(s: &str) -> String {
    let mut out = s.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::controls::line(&mut out);
    out
}

/// The first date among the meta values named `names` (in that order) that parses and is
/// plausible for a page fetched at `fetched`.
pub(crate) fn meta_date(
    doc: &Doc,
    names: &[&str],
    fetched: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    names.iter().find_map(|name| {
        metas(doc, name)
            .filter_map(parse_date)
            .find(|d| plausible_date(d, fetched))
    })
}

/// The earliest publication date believed: 1 January 1800. Digitised newspaper archives
/// reach back to the 18th century, but a date before 1800 on the web is far more often a
/// placeholder (.NET's `0001-01-01`, Windows' 1601 epoch, SQL Server's `1753-01-01`) or a
/// typo than an archive page; and the index stores dates only from 1677 on.
const EARLIEST: i64 = -5_364_662_400;

/// How far after the fetch a date may lie: two days, for time zones (up to 14 hours ahead
/// of UTC) and embargoed or scheduled stories whose date is set in advance.
const AHEAD: chrono::TimeDelta = chrono::TimeDelta::days(2);

/// Whether a news page fetched at `fetched` can carry `date`: not before 1800, not the Unix
/// epoch's zero (a timestamp left unset), and not more than [`AHEAD`] after the fetch (a date
/// a year ahead is wrong however long after the fetch the page is cleaned again).
pub(crate) fn plausible_date(date: &DateTime<Utc>, fetched: DateTime<Utc>) -> bool {
    let seconds = date.timestamp();
    seconds >= EARLIEST
        && seconds != 0
        && fetched
            .checked_add_signed(AHEAD)
            .is_none_or(|latest| *date <= latest)
}

/// A date longer than this (in bytes) is text that mentions a date, not a date.
const MAX_DATE_BYTES: usize = 64;

/// A number of this many digits may be a Unix timestamp: seconds (9 or 10 digits from 1973
/// to 2286) or milliseconds (up to 13) ...
const TIMESTAMP_DIGITS: std::ops::RangeInclusive<usize> = 9..=13;
/// ... in milliseconds when above this (3,000 years of seconds) ...
const TIMESTAMP_MILLIS_ABOVE: i64 = 100_000_000_000;
/// ... and a date only between 1990 and 2100 (in seconds): outside it, a number is more
/// likely an ID than a time.
const TIMESTAMP_SECONDS: std::ops::Range<i64> = 631_152_000..4_102_444_800;

/// Years a date in a URL path may have: news sites have put dates in their URLs since the
/// 1990s, and a number outside these is an ID.
const URL_YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// Parses the date formats that pages use in metadata and `<time>` elements.
pub(crate) fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() || s.len() > MAX_DATE_BYTES {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d.with_timezone(&Utc));
    }
    // Offsets without a colon, fractional seconds, space instead of T.
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S %z",
        "%a, %d %b %Y %H:%M:%S %z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(s, fmt) {
            return Some(d.with_timezone(&Utc));
        }
    }
    let without_zone = s
        .trim_end_matches('Z')
        .trim_end_matches(" UTC")
        .trim_end_matches(" GMT");
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
        "%d.%m.%Y %H:%M",
        "%B %d, %Y %H:%M",
        "%b %d, %Y %H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(without_zone, fmt) {
            return Some(Utc.from_utc_datetime(&d));
        }
    }
    let date_only = s.split(['T']).next().unwrap_or(s);
    for fmt in [
        "%Y-%m-%d",
        "%Y/%m/%d",
        "%Y%m%d",
        "%d.%m.%Y",
        "%d/%m/%Y",
        "%B %d, %Y",
        "%b %d, %Y",
        "%b. %d, %Y",
        "%d %B %Y",
        "%d %b %Y",
        "%A, %B %d, %Y",
        "%A %d %B %Y",
        "%a %d %b %Y",
    ] {
        if let Ok(d) = NaiveDate::parse_from_str(date_only.trim(), fmt) {
            return d.and_hms_opt(0, 0, 0).map(|dt| Utc.from_utc_datetime(&dt));
        }
    }
    // Unix timestamps (seconds or milliseconds) in plausible ranges.
    if TIMESTAMP_DIGITS.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = s.parse().ok()?;
        let secs = if n > TIMESTAMP_MILLIS_ABOVE {
            n / 1000
        } else {
            n
        };
        if TIMESTAMP_SECONDS.contains(&secs) {
            return DateTime::from_timestamp(secs, 0);
        }
    }
    None
}

/// A date in the URL path: `/2025/08/19/`, `/2025-08-19/`, `/20250819/`.
pub(crate) fn date_from_url(url: &Url) -> Option<DateTime<Utc>> {
    let segments: Vec<&str> = url.path_segments()?.collect();
    for window in segments.windows(3) {
        if let (Ok(y), Ok(m), Ok(d)) = (
            window[0].parse::<i32>(),
            window[1].parse::<u32>(),
            window[2].get(..2).unwrap_or("").parse::<u32>(),
        ) && window[0].len() == 4
            && window[1].len() <= 2
            && URL_YEARS.contains(&y)
            && let Some(date) = NaiveDate::from_ymd_opt(y, m, d)
        {
            return date
                .and_hms_opt(0, 0, 0)
                .map(|dt| Utc.from_utc_datetime(&dt));
        }
    }
    for segment in &segments {
        for part in segment.split(['_', '.']) {
            let candidate = if part.len() >= 10 { &part[..10] } else { part };
            if candidate.len() == 10
                && let Ok(date) = NaiveDate::parse_from_str(candidate, "%Y-%m-%d")
                && URL_YEARS.contains(&date.format("%Y").to_string().parse::<i32>().unwrap_or(0))
            {
                return date
                    .and_hms_opt(0, 0, 0)
                    .map(|dt| Utc.from_utc_datetime(&dt));
            }
        }
    }
    None
}

/// Resolves `href` against `base`, keeping only http(s) results: what a canonical URL or a
/// lead image may be.
pub(crate) fn absolute(base: Option<&Url>, href: &str) -> Option<String> {
    resolve(base, href, &["http", "https"])
}

/// Resolves a link's `href` against `base`, keeping only http(s) and mailto results. Anything
/// else (`javascript:`, `data:`, `vbscript:`, `file:`, or a relative link with no web page to
/// resolve against) is dropped: the link's text stays, its target goes.
pub(crate) fn link_target(base: Option<&Url>, href: &str) -> Option<String> {
    resolve(base, href, &["http", "https", "mailto"])
}

/// Resolves `href` as a browser would (the URL parser drops leading and trailing controls and
/// spaces, and tabs and newlines anywhere, and lower-cases the scheme, so `" Java\tScript:"`
/// reads as `javascript:`; entities were decoded by the HTML parser), and keeps it when its
/// scheme is one of `schemes`.
fn resolve(base: Option<&Url>, href: &str, schemes: &[&str]) -> Option<String> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    let mut resolved = match base {
        Some(base) => base.join(href).ok()?,
        None => Url::parse(href).ok()?,
    };
    // A user name or password in a page's URLs is a leak, not part of the address: newsdex
    // never stores or prints one (issue 10).
    if resolved.has_authority() {
        let _ = resolved.set_username("");
        let _ = resolved.set_password(None);
    }
    schemes
        .contains(&resolved.scheme())
        .then(|| resolved.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (issue 10): `clean --json` printed a canonical URL's password.
    #[test]
    fn credentials_are_dropped_from_resolved_urls() {
        let base = Url::parse("https://news.example/a/").ok();
        assert_eq!(
            absolute(base.as_ref(), "https://user:pass@news.example/story").as_deref(),
            Some("https://news.example/story")
        );
        assert_eq!(
            link_target(base.as_ref(), "//bob:hunter2@other.example/p").as_deref(),
            Some("https://other.example/p")
        );
        assert_eq!(
            link_target(base.as_ref(), "mailto:desk@news.example").as_deref(),
            Some("mailto:desk@news.example")
        );
    }

    #[test]
    fn dates_in_common_shapes() {
        let expect = |s: &str, iso: &str| {
            assert_eq!(
                parse_date(s).map(|d| d.to_rfc3339()),
                Some(iso.to_owned()),
                "{s}"
            );
        };
        expect("2025-08-19T17:27:00+01:00", "2025-08-19T16:27:00+00:00");
        expect("2025-08-19T17:27:00.000+0100", "2025-08-19T16:27:00+00:00");
        expect("2025-08-19T17:27:00Z", "2025-08-19T17:27:00+00:00");
        expect("2025-08-19 17:27:00", "2025-08-19T17:27:00+00:00");
        expect("2025-08-19", "2025-08-19T00:00:00+00:00");
        expect("Tue, 19 Aug 2025 17:27:00 GMT", "2025-08-19T17:27:00+00:00");
        expect("August 19, 2025", "2025-08-19T00:00:00+00:00");
        expect("19.08.2025", "2025-08-19T00:00:00+00:00");
        assert_eq!(parse_date("yesterday"), None);
    }

    #[test]
    fn the_earliest_date_is_1800() {
        let fetched = Utc::now();
        let at = |s: &str| parse_date(s).unwrap_or_else(|| panic!("{s}"));
        assert_eq!(
            DateTime::from_timestamp(EARLIEST, 0).map(|d| d.to_rfc3339()),
            Some("1800-01-01T00:00:00+00:00".to_owned())
        );
        assert!(plausible_date(&at("1800-01-01"), fetched));
        assert!(!plausible_date(&at("1799-12-31"), fetched));
        assert!(!plausible_date(&at("1970-01-01T00:00:00Z"), fetched));
        assert!(plausible_date(&at("1970-01-01T00:00:01Z"), fetched));
    }

    #[test]
    fn dates_in_urls() {
        let d = |u: &str| {
            date_from_url(&Url::parse(u).unwrap_or_else(|e| panic!("{u}: {e}")))
                .map(|d| d.date_naive().to_string())
        };
        assert_eq!(
            d("https://example.com/2025/08/19/some-story/").as_deref(),
            Some("2025-08-19")
        );
        assert_eq!(
            d("https://example.com/news/2025-08-19-some-story").as_deref(),
            Some("2025-08-19")
        );
        assert_eq!(d("https://example.com/news/story-123").as_deref(), None);
    }

    #[test]
    fn entities_in_json_ld_strings() {
        assert_eq!(
            decode_entities("A &#8211; B &amp; C &#x2019; &bogus; &"),
            "A – B & C ’ &bogus; &"
        );
    }

    #[test]
    fn json_ld_graphs_and_broken_json() {
        let scripts = vec![r#"{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Site"},{"@type":["NewsArticle"],"headline":"Hello","author":[{"@type":"Person","name":"A B"},"C D"],"datePublished":"2024-01-02",}]}"#.to_owned()];
        let ld = json_ld(&scripts);
        assert_eq!(ld.title.as_deref(), Some("Hello"));
        assert_eq!(ld.authors, vec!["A B", "C D"]);
        assert_eq!(ld.published.as_deref(), Some("2024-01-02"));
    }
}
