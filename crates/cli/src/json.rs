//! The JSON newsdex prints and serves, one `Serialize` type per document: `search --json` and
//! `GET /api/search` ([`Search`]), `persons --json` and `GET /api/persons` ([`Persons`]),
//! `show --json` and `GET /api/article` ([`ArticleDocument`]), `stats --json` and
//! `GET /api/stats` ([`Stats`]), `GET /healthz` ([`Health`]), the API's errors ([`ApiError`]),
//! `clean --format json` ([`Cleaned`]), the lines of `clean --jsonl` ([`CleanLine`]) and of
//! `persons tag` ([`Tagged`], [`TagFailure`]). The commands and the server both build these, so
//! the two cannot drift apart, and the README's "JSON output" tables are checked against them
//! (a test below), so the documentation cannot either.
//!
//! The fields of every document but [`Tagged`] (and of what they hold) are written in
//! alphabetical order: that is the order they have always been written in (the documents were
//! built as `serde_json::Value`s, whose maps are sorted), so a script comparing bytes sees no
//! change. Documents declared here list their fields in that order; those that hold the
//! library's own types (an [`Article`], a
//! [`Person`](newsdex_persons::Person)) write them through [`Sorted`]. [`Tagged`] was always a
//! struct, written in the order of its fields, and still is.

use chrono::{DateTime, Utc};
use newsdex_index::{
    FacetValue, Facets, IndexStats, NearDuplicate, PersonsResults, SearchHit, SearchRequest,
    SearchResults, StoredArticle,
};
use newsdex_persons::TaggedMention;
use newsdex_types::Article;
use serde::{Serialize, Serializer};
use serde_json::Value;

/// Writes a value of a library type with its keys (and its fields' keys) in alphabetical
/// order, as every document but [`Tagged`] is written: the libraries declare their fields in
/// the order that reads best in Rust, and the output contract should not move when they do.
#[derive(Debug)]
pub struct Sorted<T>(pub T);

impl<T: Serialize> Serialize for Sorted<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // `serde_json::Value` keeps objects in a sorted map (no `preserve_order`).
        serde_json::to_value(&self.0)
            .map_err(serde::ser::Error::custom)?
            .serialize(serializer)
    }
}

/// `show --json` and `GET /api/article`: one stored article, the persons it names with their
/// mentions, and its near-duplicates on other sites.
#[derive(Debug, Serialize)]
pub struct ArticleDocument<'a> {
    /// The clean article, every field of [`Article`].
    pub article: Sorted<&'a Article>,
    /// Near-duplicates (the same story at other URLs), folded into its search hit.
    pub copies: Sorted<&'a [NearDuplicate]>,
    /// Each person with their mentions' character offsets in `title + "\n\n" + text`.
    pub persons: Sorted<&'a [newsdex_persons::Person]>,
}

impl<'a> ArticleDocument<'a> {
    /// The document of `stored`, whose near-duplicates are `copies`.
    pub fn new(stored: &'a StoredArticle, copies: &'a [NearDuplicate]) -> Self {
        Self {
            article: Sorted(&stored.article),
            copies: Sorted(copies),
            persons: Sorted(&stored.persons),
        }
    }
}

/// `stats --json` and `GET /api/stats`: how much the archive holds.
#[derive(Debug, Serialize)]
pub struct Stats {
    /// Articles in the live index.
    pub articles: u64,
    /// Size of the live index generation on disk, in bytes.
    pub index_bytes: u64,
    /// Pages in the page store (articles and not-HTML pages, aliases not counted).
    pub pages: u64,
    /// Distinct canonical person names in the index.
    pub persons: u64,
    /// Size of the page store on disk (with its write-ahead log), in bytes.
    pub store_bytes: u64,
}

impl Stats {
    /// The document for an index's statistics and the page store's.
    pub fn new(index: &IndexStats, pages: u64, store_bytes: u64) -> Self {
        Self {
            articles: index.articles,
            index_bytes: index.bytes,
            pages,
            persons: index.persons,
            store_bytes,
        }
    }
}

/// `GET /healthz` when the index can be read.
#[derive(Debug, Serialize)]
pub struct Health {
    /// Articles in the live index.
    pub articles: u64,
    /// Always `ok` (a failure is an [`ApiError`] with status 503).
    pub status: &'static str,
}

/// A line of `clean --jsonl`: one input file, and its article or why it has none.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum CleanLine<'a> {
    /// The file was cleaned into an article.
    Article {
        /// The clean article, as in [`ArticleDocument`].
        article: Sorted<&'a Article>,
        /// The persons it names, as in [`ArticleDocument`].
        persons: Sorted<&'a [newsdex_persons::Person]>,
        /// The file as given on the command line.
        source: &'a str,
    },
    /// The file could not be read or cleaned (the exit code is then 1).
    Error {
        /// One line saying why.
        error: String,
        /// The file as given on the command line.
        source: &'a str,
    },
}

/// `clean --format json`: the article's fields, and the persons it names beside them.
#[derive(Debug, Serialize)]
pub struct Cleaned<'a> {
    #[serde(flatten)]
    article: &'a Article,
    persons: &'a [newsdex_persons::Person],
}

impl<'a> Cleaned<'a> {
    /// The document of one cleaned page, its keys sorted.
    pub fn new(article: &'a Article, persons: &'a [newsdex_persons::Person]) -> Sorted<Self> {
        Sorted(Self { article, persons })
    }
}

/// `search --json` and `GET /api/search`: one page of hits and what the search made of the query.
#[derive(Debug, Serialize)]
pub struct Search<'a> {
    /// The query actually run when the one given found nothing and had misspellings.
    pub corrected: Option<&'a str>,
    /// The top persons, sites and months among all matches.
    pub facets: Option<SearchFacets<'a>>,
    pub hits: Vec<Hit<'a>>,
    pub limit: usize,
    pub notes: &'a [String],
    pub offset: usize,
    pub query: &'a str,
    /// Matching articles, copies included.
    pub total: usize,
}

/// One hit of [`Search`].
#[derive(Debug, Serialize)]
pub struct Hit<'a> {
    pub authors: &'a [String],
    /// The archive's canonical name of each of `persons`, in the same order.
    pub canonical_persons: &'a [String],
    pub copies: Vec<HitCopy<'a>>,
    /// Byte ranges of `snippet` that matched.
    pub highlights: &'a [(usize, usize)],
    /// The persons the article names, as it spells them.
    pub persons: &'a [String],
    #[serde(serialize_with = "rfc3339")]
    pub published: Option<DateTime<Utc>>,
    /// BM25, written as the `f64` it always was.
    pub score: f64,
    pub site: &'a str,
    pub snippet: &'a str,
    /// `snippet` as escaped HTML, its matches in `<b>`.
    pub snippet_html: String,
    pub title: &'a str,
    pub title_highlights: &'a [(usize, usize)],
    pub url: &'a str,
}

/// A near-duplicate of a [`Hit`] on another site.
#[derive(Debug, Serialize)]
pub struct HitCopy<'a> {
    #[serde(serialize_with = "rfc3339")]
    pub published: Option<DateTime<Utc>>,
    pub site: &'a str,
    pub url: &'a str,
}

/// The facets of [`Search`].
#[derive(Debug, Serialize)]
pub struct SearchFacets<'a> {
    /// Language codes.
    pub langs: Vec<Count<'a>>,
    /// `YYYY-MM`.
    pub months: Vec<Count<'a>>,
    pub persons: Vec<Count<'a>>,
    pub sites: Vec<Count<'a>>,
}

/// A facet value and the number of matching articles that have it.
#[derive(Debug, Serialize)]
pub struct Count<'a> {
    pub count: u64,
    pub value: &'a str,
}

/// `persons --json` and `GET /api/persons`: the persons named in the most articles.
#[derive(Debug, Serialize)]
pub struct Persons<'a> {
    /// The articles counted.
    pub articles: usize,
    pub notes: &'a [String],
    pub persons: Vec<Person<'a>>,
    /// The canonical name `--with` resolved to.
    pub with: Option<&'a str>,
}

/// One person of [`Persons`].
#[derive(Debug, Serialize)]
pub struct Person<'a> {
    /// The number of articles naming them.
    pub articles: u64,
    pub name: &'a str,
}

/// An API error: `{"error": "..."}`, with the HTTP status saying whose fault it is.
#[derive(Debug, Serialize)]
pub struct ApiError<'a> {
    pub error: &'a str,
}

/// A line of `persons tag`'s output: the input's `id` and every person mention of its text.
#[derive(Debug, Serialize)]
pub struct Tagged<'a> {
    /// The input line's `id`, whatever its JSON type (`null` when it had none).
    pub id: &'a Value,
    /// In text order.
    pub persons: Vec<Mention<'a>>,
}

/// One mention of [`Tagged`]: offsets in characters (not bytes) of the name itself, titles
/// and possessives left out.
#[derive(Debug, Serialize)]
pub struct Mention<'a> {
    /// The canonical name it resolved to in that text.
    pub name: &'a str,
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
}

/// A line of `persons tag`'s output for an input line that could not be tagged.
#[derive(Debug, Serialize)]
pub struct TagFailure<'a> {
    pub error: &'a str,
    /// The input line's `id` when it has one, else `null`.
    pub id: &'a Value,
}

impl<'a> Tagged<'a> {
    pub fn new(id: &'a Value, mentions: &'a [TaggedMention]) -> Self {
        Self {
            id,
            persons: mentions
                .iter()
                .map(|mention| Mention {
                    name: &mention.name,
                    start: mention.start,
                    end: mention.end,
                    text: &mention.text,
                })
                .collect(),
        }
    }
}

impl<'a> Search<'a> {
    pub fn new(results: &'a SearchResults, request: &SearchRequest) -> Self {
        Self {
            corrected: results.corrected.as_deref(),
            facets: results.facets.as_ref().map(SearchFacets::new),
            hits: results.hits.iter().map(Hit::new).collect(),
            limit: request.limit,
            notes: &results.notes,
            offset: request.offset,
            query: &results.query,
            total: results.total,
        }
    }
}

impl<'a> Hit<'a> {
    fn new(hit: &'a SearchHit) -> Self {
        Self {
            authors: &hit.authors,
            canonical_persons: &hit.canonical_persons,
            copies: hit
                .copies
                .iter()
                .map(|copy| HitCopy {
                    published: copy.published,
                    site: &copy.site,
                    url: &copy.url,
                })
                .collect(),
            highlights: &hit.highlights,
            persons: &hit.persons,
            published: hit.published,
            score: f64::from(hit.score),
            site: &hit.site,
            snippet: &hit.snippet,
            snippet_html: newsdex_index::highlighted_html(&hit.snippet, &hit.highlights),
            title: &hit.title,
            title_highlights: &hit.title_highlights,
            url: &hit.url,
        }
    }
}

impl<'a> SearchFacets<'a> {
    fn new(facets: &'a Facets) -> Self {
        let counts = |values: &'a [FacetValue]| {
            values
                .iter()
                .map(|facet| Count {
                    count: facet.count,
                    value: &facet.value,
                })
                .collect()
        };
        Self {
            langs: counts(&facets.langs),
            months: counts(&facets.months),
            persons: counts(&facets.persons),
            sites: counts(&facets.sites),
        }
    }
}

impl<'a> Persons<'a> {
    pub fn new(results: &'a PersonsResults) -> Self {
        Self {
            articles: results.articles,
            notes: &results.notes,
            persons: results
                .persons
                .iter()
                .map(|person| Person {
                    articles: person.count,
                    name: &person.value,
                })
                .collect(),
            with: results.with.as_deref(),
        }
    }
}

/// A date as RFC 3339 with a `+00:00` offset (`2025-08-14T09:30:00+00:00`), as it has always
/// been written (chrono's own `Serialize` writes `Z`).
fn rfc3339<S: Serializer>(date: &Option<DateTime<Utc>>, serializer: S) -> Result<S::Ok, S::Error> {
    match date {
        Some(date) => serializer.serialize_str(&date.to_rfc3339()),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use chrono::TimeZone;
    use newsdex_index::NearDuplicate;
    use serde_json::{Value, json};

    use super::*;

    fn sample_search() -> (SearchResults, SearchRequest) {
        let date = Utc.with_ymd_and_hms(2025, 8, 14, 9, 30, 0).single();
        let hit = SearchHit {
            url: "https://example.org/ru/novosti".into(),
            title: "Зеленский встретился с Макроном".into(),
            title_highlights: vec![(0, 18)],
            site: "example.org".into(),
            published: date,
            authors: vec!["Ἀλέξανδρος Παπαδόπουλος".into()],
            persons: vec!["Володимир Зеленський".into(), "马克龙".into()],
            canonical_persons: vec!["Владимир Зеленский".into(), "马克龙".into()],
            score: 1.234_567_8,
            snippet: "Président <b> & «Macron» — नमस्ते".into(),
            highlights: vec![(0, 9)],
            copies: vec![NearDuplicate {
                url: "https://example.com/ar/أخبار".into(),
                site: "example.com".into(),
                published: None,
            }],
        };
        let undated = SearchHit {
            published: None,
            score: 0.0,
            copies: Vec::new(),
            ..hit.clone()
        };
        let value = |value: &str, count| FacetValue {
            value: value.into(),
            count,
        };
        let results = SearchResults {
            query: "zelensky macron".into(),
            corrected: Some("zelenskiy macron".into()),
            notes: vec!["`Zelensky` may be several persons".into()],
            total: 42,
            hits: vec![hit, undated],
            facets: Some(Facets {
                persons: vec![value("Владимир Зеленский", 3)],
                sites: vec![value("example.org", 2), value("example.com", 1)],
                months: vec![value("2025-08", 5)],
                langs: vec![value("uk", 2), value("en", 1)],
            }),
        };
        let request = SearchRequest {
            limit: 2,
            offset: 10,
            ..SearchRequest::new("zelensky macron")
        };
        (results, request)
    }

    /// An article with every field set, a quoted first block with a link, in several scripts.
    fn sample_article() -> (StoredArticle, Vec<NearDuplicate>) {
        use newsdex_types::{Block, BlockKind, Link};
        let date = Utc.with_ymd_and_hms(2025, 8, 14, 9, 30, 0).single();
        let article = Article {
            url: "https://example.org/ru/novosti".into(),
            title: "Зеленский встретился с Макроном".into(),
            authors: vec!["Ἀλέξανδρος Παπαδόπουλος".into()],
            published: date,
            modified: date,
            site_name: Some("Пример".into()),
            language: Some("ru".into()),
            description: Some("नमस्ते".into()),
            section: Some("Мир".into()),
            tags: vec!["外交".into()],
            image: Some("https://example.org/a.jpg".into()),
            text: "Président «Macron»\n\nمرحبا".into(),
            canonical_url: Some("https://example.org/ru/novosti".into()),
            blocks: vec![
                Block {
                    kind: BlockKind::Paragraph,
                    quote: true,
                    text: "Président «Macron»".into(),
                    links: vec![Link {
                        start: 0,
                        end: 10,
                        href: "https://example.fr/".into(),
                    }],
                },
                Block {
                    kind: BlockKind::Heading { level: 2 },
                    quote: false,
                    text: "مرحبا".into(),
                    links: Vec::new(),
                },
            ],
        };
        let persons = vec![newsdex_persons::Person {
            name: "Emmanuel Macron".into(),
            mentions: vec![newsdex_persons::Mention {
                start: 41,
                end: 47,
                text: "Macron".into(),
            }],
        }];
        let copies = vec![NearDuplicate {
            url: "https://example.com/ar/أخبار".into(),
            site: "example.com".into(),
            published: date,
        }];
        (StoredArticle { article, persons }, copies)
    }

    /// Issue 11: `GET /api/article`, `stats`, `healthz` and `clean --format json` are byte for
    /// byte what their ad hoc `json!` / `Value` versions were.
    #[test]
    fn article_stats_and_clean_json_are_byte_compatible_with_the_untyped_ones() {
        let (stored, copies) = sample_article();
        let mut old = serde_json::to_value(&stored).unwrap();
        old["copies"] = serde_json::to_value(&copies).unwrap();
        let typed = serde_json::to_value(ArticleDocument::new(&stored, &copies)).unwrap();
        assert_eq!(typed.to_string(), old.to_string());

        let mut old = serde_json::to_value(&stored.article).unwrap();
        old["persons"] = serde_json::to_value(&stored.persons).unwrap();
        let typed = Cleaned::new(&stored.article, &stored.persons);
        assert_eq!(
            serde_json::to_string_pretty(&typed).unwrap(),
            serde_json::to_string_pretty(&old).unwrap()
        );

        let index = IndexStats {
            articles: 3,
            persons: 5,
            bytes: 7,
        };
        let old = json!({
            "pages": 11,
            "articles": index.articles,
            "persons": index.persons,
            "index_bytes": index.bytes,
            "store_bytes": 13,
        });
        assert_eq!(
            serde_json::to_string(&Stats::new(&index, 11, 13)).unwrap(),
            old.to_string()
        );
        assert_eq!(
            serde_json::to_string(&Health {
                articles: 3,
                status: "ok"
            })
            .unwrap(),
            json!({ "status": "ok", "articles": 3 }).to_string()
        );
    }

    /// Issue 11: `show --json` wrote the article in its Rust field order while `/api/article`
    /// wrote the same document sorted; now both are one type, sorted at every level.
    #[test]
    fn article_documents_are_sorted_at_every_level() {
        let (stored, copies) = sample_article();
        let line = CleanLine::Article {
            article: Sorted(&stored.article),
            persons: Sorted(&stored.persons),
            source: "a.html",
        };
        for text in [
            serde_json::to_string_pretty(&ArticleDocument::new(&stored, &copies)).unwrap(),
            serde_json::to_string(&line).unwrap(),
            serde_json::to_string_pretty(&Cleaned::new(&stored.article, &stored.persons)).unwrap(),
        ] {
            // The order is read from the text: parsed again, the keys would come out sorted.
            let mut positions = Vec::new();
            for key in ["\"article\"", "\"copies\"", "\"persons\"", "\"source\""] {
                if let Some(at) = text.find(key) {
                    positions.push(at);
                }
            }
            assert!(positions.is_sorted(), "{text}");
            let (authors, url) = (
                text.find("\"authors\"").unwrap(),
                text.find("\"url\"").unwrap(),
            );
            assert!(authors < url, "{text}");
        }
    }

    fn sample_persons() -> PersonsResults {
        PersonsResults {
            articles: 7,
            with: Some("Keir Starmer".into()),
            persons: vec![FacetValue {
                value: "Ursula von der Leyen".into(),
                count: 4,
            }],
            notes: vec!["note".into()],
        }
    }

    /// What `search --json` was before it had a type (issue 11), built the way it was, with
    /// the one field added since (`canonical_persons`, issue 12) in the same way.
    fn search_as_it_was(results: &SearchResults, request: &SearchRequest) -> Value {
        let hits: Vec<Value> = results
            .hits
            .iter()
            .map(|hit| {
                json!({
                    "url": hit.url,
                    "title": hit.title,
                    "title_highlights": hit.title_highlights,
                    "site": hit.site,
                    "published": hit.published.map(|date| date.to_rfc3339()),
                    "authors": hit.authors,
                    "persons": hit.persons,
                    "canonical_persons": hit.canonical_persons,
                    "score": hit.score,
                    "snippet": hit.snippet,
                    "snippet_html": newsdex_index::highlighted_html(&hit.snippet, &hit.highlights),
                    "highlights": hit.highlights,
                    "copies": hit.copies.iter().map(|copy| json!({
                        "url": copy.url,
                        "site": copy.site,
                        "published": copy.published.map(|date| date.to_rfc3339()),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        json!({
            "query": results.query,
            "corrected": results.corrected,
            "notes": results.notes,
            "total": results.total,
            "offset": request.offset,
            "limit": request.limit,
            "hits": hits,
            "facets": results.facets,
        })
    }

    /// Issue 11: the typed documents are byte for byte what the ad hoc `json!` ones were,
    /// pretty (the CLI) and compact (the API).
    #[test]
    fn search_json_is_byte_compatible_with_the_untyped_one() {
        let (mut results, request) = sample_search();
        for _ in 0..2 {
            let typed = Search::new(&results, &request);
            let old = search_as_it_was(&results, &request);
            assert_eq!(
                serde_json::to_string_pretty(&typed).unwrap(),
                serde_json::to_string_pretty(&old).unwrap()
            );
            assert_eq!(
                serde_json::to_string(&typed).unwrap(),
                serde_json::to_string(&old).unwrap()
            );
            // And without facets nor a correction.
            results.facets = None;
            results.corrected = None;
        }
    }

    #[test]
    fn persons_json_is_byte_compatible_with_the_untyped_one() {
        let mut results = sample_persons();
        for _ in 0..2 {
            let persons: Vec<Value> = results
                .persons
                .iter()
                .map(|p| json!({ "name": p.value, "articles": p.count }))
                .collect();
            let old = json!({
                "articles": results.articles,
                "with": results.with,
                "persons": persons,
                "notes": results.notes,
            });
            let typed = Persons::new(&results);
            assert_eq!(
                serde_json::to_string_pretty(&typed).unwrap(),
                serde_json::to_string_pretty(&old).unwrap()
            );
            results.with = None;
        }
        assert_eq!(
            serde_json::to_string(&ApiError {
                error: "bad «query»"
            })
            .unwrap(),
            serde_json::to_string(&json!({ "error": "bad «query»" })).unwrap()
        );
    }

    /// Every field path of a JSON document: `a`, `a.b`, and `a[].b` inside arrays of objects
    /// (the first element standing for all).
    fn paths(value: &Value, prefix: &str, out: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                for (key, value) in map {
                    let path = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    out.insert(path.clone());
                    paths(value, &path, out);
                }
            }
            Value::Array(items) => {
                if let Some(first @ Value::Object(_)) = items.first() {
                    paths(first, &format!("{prefix}[]"), out);
                }
            }
            _ => {}
        }
    }

    /// The field paths in the first column of the table under the README heading that
    /// contains `heading`.
    fn documented(readme: &str, heading: &str) -> BTreeSet<String> {
        let section = readme
            .split("\n#")
            .find(|section| section.lines().next().is_some_and(|h| h.contains(heading)))
            .unwrap_or_else(|| panic!("no README heading with {heading}"));
        section
            .lines()
            .filter_map(|line| line.strip_prefix("| `"))
            .filter_map(|rest| rest.split_once('`'))
            .map(|(path, _)| path.to_owned())
            .collect()
    }

    /// Issue 11: the README's `search --json` paragraph had drifted from the output
    /// (`offset`, `limit` missing); its tables are now checked against the types.
    #[test]
    fn the_readme_documents_every_field_and_no_other() {
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
                .expect("README.md");
        let (results, request) = sample_search();
        let persons = sample_persons();
        let id = json!("a-1");
        let mentions = [TaggedMention {
            name: "Emmanuel Macron".into(),
            start: 0,
            end: 15,
            text: "Emmanuel Macron".into(),
        }];
        let documents = [
            (
                "`search --json`",
                serde_json::to_value(Search::new(&results, &request)),
            ),
            (
                "`persons --json`",
                serde_json::to_value(Persons::new(&persons)),
            ),
            ("API errors", serde_json::to_value(ApiError { error: "e" })),
            (
                "`persons tag`",
                serde_json::to_value(Tagged::new(&id, &mentions)),
            ),
            (
                "`persons tag` failures",
                serde_json::to_value(TagFailure {
                    error: "e",
                    id: &id,
                }),
            ),
        ];
        let (stored, copies) = sample_article();
        let index = IndexStats {
            articles: 1,
            persons: 1,
            bytes: 1,
        };
        let documents = documents.into_iter().chain([
            (
                "`show --json`",
                serde_json::to_value(ArticleDocument::new(&stored, &copies)),
            ),
            (
                "`stats --json`",
                serde_json::to_value(Stats::new(&index, 1, 1)),
            ),
            (
                "`GET /healthz`",
                serde_json::to_value(Health {
                    articles: 1,
                    status: "ok",
                }),
            ),
            (
                "`clean --format json`",
                serde_json::to_value(Cleaned::new(&stored.article, &stored.persons)),
            ),
        ]);
        for (heading, value) in documents {
            let mut actual = BTreeSet::new();
            paths(&value.unwrap(), "", &mut actual);
            assert_eq!(
                documented(&readme, heading),
                actual,
                "README section {heading}"
            );
        }
        // `clean --jsonl`'s table lists its top-level fields; what `article` and `persons`
        // hold is `show --json`'s, by type.
        let mut actual = BTreeSet::new();
        for line in [
            CleanLine::Article {
                article: Sorted(&stored.article),
                persons: Sorted(&stored.persons),
                source: "a.html",
            },
            CleanLine::Error {
                error: "e".into(),
                source: "b.html",
            },
        ] {
            paths(&serde_json::to_value(line).unwrap(), "", &mut actual);
        }
        actual.retain(|path| !path.contains(['.', '[']));
        assert_eq!(documented(&readme, "`clean --jsonl`"), actual);
    }
}
