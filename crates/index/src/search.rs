//! Searching the index: query parsing, ranking, snippets.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::QueryParser;
use tantivy::snippet::SnippetGenerator;
use tantivy::{Searcher, TantivyDocument};

use crate::index::site_of;
use crate::{ArticleIndex, Error, Result};

/// Characters of body text shown around the best match.
const SNIPPET_CHARS: usize = 220;
/// Title matches count double: a word in the headline says more than one in the body.
const TITLE_BOOST: f32 = 2.0;

/// A search: the query text and which page of results to return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRequest {
    pub query: String,
    pub limit: usize,
    pub offset: usize,
}

impl SearchRequest {
    pub fn new(query: impl Into<String>) -> Self {
        Self {
            query: query.into(),
            limit: 10,
            offset: 0,
        }
    }
}

/// One page of results, best first, and the exact number of matching articles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults {
    pub query: String,
    pub total: usize,
    pub hits: Vec<SearchHit>,
}

/// One matching article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub url: String,
    pub title: String,
    /// The site's name when the page gives one, else its host.
    pub site: String,
    pub published: Option<DateTime<Utc>>,
    pub authors: Vec<String>,
    pub persons: Vec<String>,
    pub score: f32,
    /// Body text around the best matching passage.
    pub snippet: String,
    /// Byte ranges of `snippet` that matched the query.
    pub highlights: Vec<(usize, usize)>,
}

impl ArticleIndex {
    /// Runs a query: words are ANDed, ranked by BM25 over title (boosted) and body.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        let searcher = self.reader.searcher();
        let mut parser =
            QueryParser::for_index(&self.index, vec![self.fields.title, self.fields.body]);
        parser.set_conjunction_by_default();
        parser.set_field_boost(self.fields.title, TITLE_BOOST);
        let query = parser
            .parse_query(&request.query)
            .map_err(|err| Error::Query {
                query: request.query.clone(),
                reason: err.to_string(),
            })?;
        let top = TopDocs::with_limit(request.limit.max(1))
            .and_offset(request.offset)
            .order_by_score();
        let (top, total) = searcher.search(&query, &(top, Count))?;
        let snippets = SnippetGenerator::create(&searcher, &*query, self.fields.body).map(
            |mut generator| {
                generator.set_max_num_chars(SNIPPET_CHARS);
                generator
            },
        )?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top.into_iter().take(request.limit) {
            if let Some(hit) = self.hit(&searcher, address, score, &snippets)? {
                hits.push(hit);
            }
        }
        Ok(SearchResults {
            query: request.query.clone(),
            total,
            hits,
        })
    }

    fn hit(
        &self,
        searcher: &Searcher,
        address: tantivy::DocAddress,
        score: f32,
        snippets: &SnippetGenerator,
    ) -> Result<Option<SearchHit>> {
        let document: TantivyDocument = searcher.doc(address)?;
        let Some(stored) = self.decode(&document) else {
            return Ok(None);
        };
        let article = stored.article;
        let snippet = snippets.snippet(&article.text);
        let (snippet, highlights) = if snippet.fragment().is_empty() {
            (lead(&article.text, SNIPPET_CHARS), Vec::new())
        } else {
            let ranges = snippet
                .highlighted()
                .iter()
                .map(|range| (range.start, range.end))
                .collect();
            (snippet.fragment().to_owned(), ranges)
        };
        Ok(Some(SearchHit {
            site: article
                .site_name
                .clone()
                .or_else(|| site_of(&article.url))
                .unwrap_or_default(),
            url: article.url,
            title: article.title,
            published: article.published,
            authors: article.authors,
            persons: stored
                .persons
                .into_iter()
                .map(|person| person.name)
                .collect(),
            score,
            snippet,
            highlights,
        }))
    }
}

/// The first `max_chars` characters of a text, cut at a word boundary.
fn lead(text: &str, max_chars: usize) -> String {
    let Some((cut, _)) = text.char_indices().nth(max_chars) else {
        return text.to_owned();
    };
    let head = &text[..cut];
    let head = head
        .rfind(char::is_whitespace)
        .map_or(head, |space| &head[..space]);
    format!("{}…", head.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;
    use crate::index::tests::{article, person};

    fn sample_index() -> (tempfile::TempDir, ArticleIndex) {
        let dir = tempfile::tempdir().unwrap();
        let index = ArticleIndex::open(dir.path(), &Config::default()).unwrap();
        let mut writer = index.writer().unwrap();
        writer
            .upsert(
                &article(
                    "https://www.mirror.co.uk/news/coalition",
                    "Starmer chairs Coalition of the Willing call",
                    "Keir Starmer and Emmanuel Macron chaired a meeting of the Coalition of the Willing on Tuesday.",
                ),
                &[person("Keir Starmer"), person("Emmanuel Macron")],
            )
            .unwrap();
        writer
            .upsert(
                &article(
                    "https://news.example/budget",
                    "Budget talks stall",
                    "The chancellor said the willing partners would talk again next week about the coalition budget.",
                ),
                &[],
            )
            .unwrap();
        writer.commit().unwrap();
        drop(writer);
        (dir, index)
    }

    #[test]
    fn phrase_finds_the_article_that_contains_it_first() {
        let (_dir, index) = sample_index();
        let results = index
            .search(&SearchRequest::new("\"Coalition of the Willing\""))
            .unwrap();
        assert_eq!(results.total, 1);
        let hit = &results.hits[0];
        assert_eq!(hit.url, "https://www.mirror.co.uk/news/coalition");
        assert_eq!(hit.site, "mirror.co.uk");
        assert_eq!(hit.persons, ["Keir Starmer", "Emmanuel Macron"]);
        assert!(
            hit.snippet.contains("Coalition of the Willing"),
            "{}",
            hit.snippet
        );
        assert!(!hit.highlights.is_empty());
        for (start, end) in &hit.highlights {
            let word = hit.snippet[*start..*end].to_lowercase();
            assert!(
                ["coalition", "of", "the", "willing"].contains(&word.as_str()),
                "{word}"
            );
        }
    }

    #[test]
    fn words_are_anded_stemmed_and_title_ranks_first() {
        let (_dir, index) = sample_index();
        let results = index
            .search(&SearchRequest::new("coalition willing"))
            .unwrap();
        assert_eq!(results.total, 2);
        assert_eq!(
            results.hits[0].url, "https://www.mirror.co.uk/news/coalition",
            "title match ranks first"
        );
        let stemmed = index.search(&SearchRequest::new("talking")).unwrap();
        assert_eq!(stemmed.total, 1, "talking finds talk/talks");
        assert_eq!(
            index
                .search(&SearchRequest::new("coalition zebra"))
                .unwrap()
                .total,
            0
        );
    }

    #[test]
    fn paging_and_a_malformed_query() {
        let (_dir, index) = sample_index();
        let mut request = SearchRequest::new("coalition");
        request.limit = 1;
        let first = index.search(&request).unwrap();
        request.offset = 1;
        let second = index.search(&request).unwrap();
        assert_eq!((first.total, second.total), (2, 2));
        assert_ne!(first.hits[0].url, second.hits[0].url);
        let err = index
            .search(&SearchRequest::new("title:(unclosed"))
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("invalid query `title:(unclosed`"),
            "{err}"
        );
    }

    #[test]
    fn lead_cuts_at_a_word() {
        assert_eq!(lead("short", 10), "short");
        assert_eq!(lead("one two three four", 9), "one two…");
    }
}
