//! What is new for a saved search: every article carries its *arrival* (a fast column: when it
//! first entered the archive, in microseconds, unique and increasing in indexing order), and
//! a saved search remembers the latest arrival it has seen.
//!
//! [`ArticleIndex::arrivals`] takes the articles that arrived after a point once (one read of
//! the arrival column, skipping segments with nothing newer), and [`Arrivals::matches`] runs a
//! query over those documents only: the query's matches are looked up at each new document
//! (`seek`), never enumerated over the archive, so a thousand saved searches cost a thousand
//! small lookups per new article batch.
//!
//! Arrivals are given in indexing order and every commit makes all articles indexed before it
//! visible, so the articles visible at any moment are exactly those up to some arrival: the
//! latest arrival a run saw is a mark after which nothing it has not seen can appear.

use std::sync::{Arc, PoisonError};

use chrono::{DateTime, Utc};
use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{EnableScoring, Query};
use tantivy::{DocAddress, DocId, DocSet, Order, Searcher, TERMINATED};

use crate::compile::{Compiled, Compiler};
use crate::people::PersonDirectory;
use crate::search::{Columns, Group, Parsed, nothing_to_search};
use crate::{ArticleIndex, Error, Filters, Result, SearchHit};

/// The arrival to give the next article, after `last`: the current time in microseconds, or
/// one more than `last` when the clock is behind it (two articles in one microsecond, a clock
/// set back), so that arrivals stay unique and increasing.
pub fn next_arrival(last: u64) -> u64 {
    let now = u64::try_from(Utc::now().timestamp_micros()).unwrap_or(0);
    now.max(last.saturating_add(1))
}

/// The time an arrival stands for.
pub fn arrival_time(arrival: u64) -> DateTime<Utc> {
    i64::try_from(arrival)
        .ok()
        .and_then(DateTime::from_timestamp_micros)
        .unwrap_or_default()
}

/// The latest arrival among `searcher`'s documents (0 for none).
pub(crate) fn latest_arrival(searcher: &Searcher) -> Result<u64> {
    let mut latest = 0;
    for segment in searcher.segment_readers() {
        if segment.num_docs() == 0 {
            continue;
        }
        latest = latest.max(segment.fast_fields().u64("arrival")?.max_value());
    }
    Ok(latest)
}

/// Whether `query` (with `filters`) is a query that can be saved: it parses and asks for
/// something. The error names the column of a mistake.
pub fn check_query(query: &str, filters: &Filters) -> Result<()> {
    let parsed = Parsed::new(query, filters, None)?;
    if parsed.node().is_none() {
        return Err(empty_query(query));
    }
    Ok(())
}

fn empty_query(query: &str) -> Error {
    Error::Query {
        query: query.to_owned(),
        message: "the query is empty; give words to search for or a filter".into(),
    }
}

/// A match of a saved search, with when it arrived.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArrivedHit {
    /// The hit, as a search shows it (its fields flattened into this one's).
    #[serde(flatten)]
    pub hit: SearchHit,
    /// When the article first entered the archive.
    pub arrived: DateTime<Utc>,
    /// The arrival itself, for comparing with a saved search's mark.
    pub arrival: u64,
}

/// The matches of one saved search among the new articles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArrivedMatches {
    /// Every match (more than `hits` when a limit cut them).
    pub total: usize,
    /// In arrival order.
    pub hits: Vec<ArrivedHit>,
    /// Things worth telling the user about the query.
    pub notes: Vec<String>,
}

/// The articles that arrived after a point, as one searcher saw them; see the module docs.
pub struct Arrivals<'a> {
    index: &'a ArticleIndex,
    searcher: Searcher,
    people: Arc<PersonDirectory>,
    upto: u64,
    /// Per segment: the new documents (alive), in document order, with their arrival.
    segments: Vec<Vec<(DocId, u64)>>,
}

impl ArticleIndex {
    /// The latest arrival in the index (0 when it is empty): the mark a new saved search
    /// starts from.
    pub fn latest_arrival(&self) -> Result<u64> {
        latest_arrival(&self.reader.searcher())
    }

    /// Every article's arrival, by URL: what a page store must give the pages of an index it
    /// did not build itself (`newsdex import`), so that a rebuild keeps them.
    pub fn arrivals_by_url(&self) -> Result<Vec<(String, u64)>> {
        let searcher = self.reader.searcher();
        let mut found = Vec::with_capacity(usize::try_from(searcher.num_docs()).unwrap_or(0));
        for segment in searcher.segment_readers() {
            if segment.num_docs() == 0 {
                continue;
            }
            let fast = segment.fast_fields();
            let arrivals = fast.u64("arrival")?;
            let Some(urls) = fast.str("url")? else {
                continue;
            };
            for doc in segment.doc_ids_alive() {
                let mut url = String::new();
                if let Some(ord) = urls.term_ords(doc).next() {
                    urls.ord_to_str(ord, &mut url)
                        .map_err(tantivy::TantivyError::from)?;
                }
                if let Some(arrival) = arrivals.first(doc)
                    && !url.is_empty()
                {
                    found.push((url, arrival));
                }
            }
        }
        Ok(found)
    }

    /// The articles that arrived after `after`, for running saved searches over.
    pub fn arrivals(&self, after: u64) -> Result<Arrivals<'_>> {
        let searcher = self.reader.searcher();
        let people = self.people(&searcher)?;
        let mut segments = Vec::with_capacity(searcher.segment_readers().len());
        let mut upto = 0;
        for segment in searcher.segment_readers() {
            let mut docs = Vec::new();
            if segment.num_docs() > 0 {
                let column = segment.fast_fields().u64("arrival")?;
                upto = upto.max(column.max_value());
                if column.max_value() > after {
                    let mut found = Vec::new();
                    column.get_docids_for_value_range(
                        after.saturating_add(1)..=u64::MAX,
                        0..segment.max_doc(),
                        &mut found,
                    );
                    for doc in found {
                        if !segment.is_deleted(doc)
                            && let Some(arrival) = column.first(doc)
                        {
                            docs.push((doc, arrival));
                        }
                    }
                    docs.sort_unstable();
                }
            }
            segments.push(docs);
        }
        Ok(Arrivals {
            index: self,
            searcher,
            people,
            upto,
            segments,
        })
    }

    /// The `limit` latest arrived articles matching `query` (with `filters`), newest first:
    /// what a saved search's feed lists.
    pub fn latest_matches(
        &self,
        query: &str,
        filters: &Filters,
        limit: usize,
    ) -> Result<Vec<ArrivedHit>> {
        let searcher = self.reader.searcher();
        let people = self.people(&searcher)?;
        let compiled = compile(self, &searcher, &people, query, filters)?;
        let top = searcher.search(
            &*compiled.query,
            &TopDocs::with_limit(limit).order_by_fast_field::<u64>("arrival", Order::Desc),
        )?;
        let found: Vec<(DocAddress, u64)> = top
            .into_iter()
            .map(|(arrival, address)| (address, arrival.unwrap_or(0)))
            .collect();
        hits(self, &searcher, &people, &compiled, &found)
    }
}

impl Arrivals<'_> {
    /// The latest arrival the searcher saw: the mark to save once these are reported.
    pub fn upto(&self) -> u64 {
        self.upto
    }

    /// How many articles arrived after the point asked for.
    pub fn len(&self) -> usize {
        self.segments.iter().map(Vec::len).sum()
    }

    /// Whether no article arrived after the point asked for.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The articles arrived after `after` (at or after the point these were taken from) that
    /// match `query` with `filters`: their number, and the first `limit` as hits in arrival
    /// order.
    pub fn matches(
        &self,
        query: &str,
        filters: &Filters,
        after: u64,
        limit: usize,
    ) -> Result<ArrivedMatches> {
        let compiled = compile(self.index, &self.searcher, &self.people, query, filters)?;
        let found = self.matching(&*compiled.query, after)?;
        let cut: Vec<(DocAddress, u64)> = found.iter().take(limit).copied().collect();
        Ok(ArrivedMatches {
            total: found.len(),
            hits: hits(self.index, &self.searcher, &self.people, &compiled, &cut)?,
            notes: compiled.notes,
        })
    }

    /// The new documents after `after` that `query` matches, in arrival order.
    fn matching(&self, query: &dyn Query, after: u64) -> Result<Vec<(DocAddress, u64)>> {
        let mut found = Vec::new();
        if self.segments.iter().all(Vec::is_empty) {
            return Ok(found);
        }
        let weight = query.weight(EnableScoring::disabled_from_searcher(&self.searcher))?;
        for (ord, docs) in self.segments.iter().enumerate() {
            if !docs.iter().any(|(_, arrival)| *arrival > after) {
                continue;
            }
            let segment = self
                .searcher
                .segment_reader(u32::try_from(ord).unwrap_or(u32::MAX));
            let mut scorer = weight.scorer(segment, 1.0)?;
            let mut current = scorer.doc();
            for &(doc, arrival) in docs {
                if arrival <= after {
                    continue;
                }
                if current < doc {
                    current = scorer.seek(doc);
                }
                if current == TERMINATED {
                    break;
                }
                if current == doc {
                    found.push((
                        DocAddress::new(u32::try_from(ord).unwrap_or(u32::MAX), doc),
                        arrival,
                    ));
                }
            }
        }
        found.sort_unstable_by_key(|(_, arrival)| *arrival);
        Ok(found)
    }
}

fn compile(
    index: &ArticleIndex,
    searcher: &Searcher,
    people: &PersonDirectory,
    query: &str,
    filters: &Filters,
) -> Result<Compiled> {
    let parsed = Parsed::new(query, filters, None)?;
    let node = parsed.node().ok_or_else(|| empty_query(query))?;
    Compiler::new(index.fields, Some(people), Some(searcher))
        .compile(&node)
        .ok_or_else(|| nothing_to_search(query))
}

/// The hits of `found` (snippets and highlights as a search shows them).
fn hits(
    index: &ArticleIndex,
    searcher: &Searcher,
    people: &PersonDirectory,
    compiled: &Compiled,
    found: &[(DocAddress, u64)],
) -> Result<Vec<ArrivedHit>> {
    let mut columns = Columns::new(searcher);
    let mut news = index
        .highlighter
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    let mut out = Vec::with_capacity(found.len());
    for &(address, arrival) in found {
        let group = Group {
            address,
            score: 0.0,
            dup: columns.dup(address),
        };
        if let Some(hit) = index.hit(searcher, &mut columns, &mut news, &group, compiled, people)? {
            out.push(ArrivedHit {
                hit,
                arrived: arrival_time(arrival),
                arrival,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;
    use crate::index::tests::{article, person};

    #[test]
    fn new_articles_are_matched_after_a_mark_and_kept_arrivals_are_not_new() {
        let dir = tempfile::tempdir().unwrap();
        let index = ArticleIndex::open(dir.path(), &Config::default()).unwrap();
        let mut writer = index.writer().unwrap();
        writer
            .upsert(
                &article(
                    "https://a.example/1",
                    "Выборы",
                    "Выборы в Думу прошли спокойно.",
                ),
                &[person("Keir Starmer")],
            )
            .unwrap();
        writer.commit().unwrap();
        drop(writer);
        let mark = index.latest_arrival().unwrap();
        assert!(mark > 0);

        let mut writer = index.writer().unwrap();
        // Re-indexed with the arrival it had: not new.
        writer
            .upsert_arrived(
                &article("https://a.example/1", "Выборы", "Выборы: итоги подведены."),
                &[person("Keir Starmer")],
                mark,
            )
            .unwrap();
        writer
            .upsert(
                &article("https://a.example/2", "选举", "选举结果 公布 Starmer"),
                &[person("Keir Starmer")],
            )
            .unwrap();
        writer
            .upsert(&article("https://b.example/3", "Άλλο", "Καιρός."), &[])
            .unwrap();
        writer.commit().unwrap();
        drop(writer);

        let arrivals = index.arrivals(mark).unwrap();
        assert_eq!(arrivals.len(), 2);
        assert!(arrivals.upto() > mark);
        let person = arrivals
            .matches("person:\"Keir Starmer\"", &Filters::default(), mark, 10)
            .unwrap();
        assert_eq!(person.total, 1);
        assert_eq!(person.hits[0].hit.url, "https://a.example/2");
        let greek = arrivals
            .matches("καιρος", &Filters::default(), mark, 10)
            .unwrap();
        assert_eq!(greek.total, 1);
        let russian = arrivals
            .matches("выборы", &Filters::default(), mark, 10)
            .unwrap();
        assert_eq!(russian.total, 0, "a re-indexed article is not new");
        // A later mark (a saved search added after the first new article) sees less.
        let later = arrivals
            .matches(
                "",
                &Filters {
                    sites: vec!["b.example".into()],
                    ..Filters::default()
                },
                person.hits[0].arrival,
                10,
            )
            .unwrap();
        assert_eq!(later.total, 1);
        let none_after_upto = index.arrivals(arrivals.upto()).unwrap();
        assert!(none_after_upto.is_empty());

        let latest = index
            .latest_matches("person:Starmer", &Filters::default(), 10)
            .unwrap();
        let urls: Vec<&str> = latest.iter().map(|hit| hit.hit.url.as_str()).collect();
        assert_eq!(urls, ["https://a.example/2", "https://a.example/1"]);

        let err = check_query("talks (budget", &Filters::default()).unwrap_err();
        assert!(err.to_string().contains("column 7"), "{err}");
        assert!(check_query("", &Filters::default()).is_err());
    }
}
