//! Facets: who, where and when among *all* the articles a query matches (not only the page
//! shown), counted from fast columns in one pass that also counts the matches.
//!
//! Persons are counted by canonical person, once per article, so "Keir Starmer" in one
//! article and "Starmer" in another are two articles for one person. Languages have no fast
//! column (the schema predates the facet): the matches of a segment are kept, and each
//! language's postings are looked up at them (`seek`) when the segment is done. Mapping every
//! document of the segment to its language instead read all the `lang` postings on every
//! search, which made facets as slow over a million articles as the largest query.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Datelike;
use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::postings::TermInfo;
use tantivy::{DocId, InvertedIndexReader, Score, SegmentOrdinal, SegmentReader};

use crate::people::{PersonDirectory, UNKNOWN};

/// A segment's `lang` postings and its languages, with where the postings of each are.
type Langs = (Arc<InvertedIndexReader>, Vec<(String, TermInfo)>);

/// The most languages a segment's facet counts.
const MAX_LANGS: usize = 65_535;

/// One value of a facet and the number of matching articles that have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetValue {
    /// The value: a canonical name, a site, a language code or a month.
    pub value: String,
    /// Matching articles that have it.
    pub count: u64,
}

/// The most frequent persons, sites, languages and months among the matching articles.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facets {
    /// Canonical person names.
    pub persons: Vec<FacetValue>,
    /// Sites (registrable domains), the values `site:` filters on.
    pub sites: Vec<FacetValue>,
    /// ISO 639-1 codes, as the cleaner gives them.
    pub langs: Vec<FacetValue>,
    /// `YYYY-MM`.
    pub months: Vec<FacetValue>,
}

/// Counts matches and, per canonical person, host and month, the matches that have it.
pub struct FacetCollector {
    pub people: Arc<PersonDirectory>,
}

/// What a [`FacetCollector`] found, before picking the top values.
#[derive(Debug, Default)]
pub struct FacetCounts {
    pub total: usize,
    /// By person number.
    pub persons: Vec<u64>,
    pub sites: HashMap<String, u64>,
    pub langs: HashMap<String, u64>,
    /// By `year * 12 + month0`.
    pub months: HashMap<i32, u64>,
}

pub struct FacetSegment {
    persons: Option<(StrColumn, Arc<Vec<u32>>)>,
    hosts: Option<StrColumn>,
    published: Column<tantivy::DateTime>,
    /// The segment's languages and where their postings are.
    langs: Option<Langs>,
    /// The matching documents, in document order, for counting languages at the end.
    matched: Vec<DocId>,
    counts: FacetCounts,
    per_host: Vec<u64>,
    seen: Vec<u32>,
}

impl Collector for FacetCollector {
    type Fruit = FacetCounts;
    type Child = FacetSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<FacetSegment> {
        let fast = segment.fast_fields();
        let persons = match fast.str("person")? {
            Some(column) => {
                let map = self
                    .people
                    .segment_map(segment)
                    .map_err(|err| tantivy::TantivyError::InternalError(err.to_string()))?;
                Some((column, map))
            }
            None => None,
        };
        let hosts = fast.str("host")?;
        let per_host = vec![0; hosts.as_ref().map_or(0, |hosts| hosts.num_terms())];
        Ok(FacetSegment {
            persons,
            hosts,
            published: fast.date("published")?,
            langs: languages(segment)?,
            matched: Vec::new(),
            counts: FacetCounts {
                persons: vec![0; self.people.numbers()],
                ..FacetCounts::default()
            },
            per_host,
            seen: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetCounts>) -> tantivy::Result<FacetCounts> {
        let mut merged = FacetCounts {
            persons: vec![0; self.people.numbers()],
            ..FacetCounts::default()
        };
        for fruit in fruits {
            merged.total += fruit.total;
            for (total, count) in merged.persons.iter_mut().zip(fruit.persons) {
                *total += count;
            }
            for (site, count) in fruit.sites {
                *merged.sites.entry(site).or_default() += count;
            }
            for (lang, count) in fruit.langs {
                *merged.langs.entry(lang).or_default() += count;
            }
            for (month, count) in fruit.months {
                *merged.months.entry(month).or_default() += count;
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for FacetSegment {
    type Fruit = FacetCounts;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.counts.total += 1;
        if let Some((column, map)) = &self.persons {
            self.seen.clear();
            for ord in column.term_ords(doc) {
                let number = map.get(ord as usize).copied().unwrap_or(UNKNOWN);
                if number != UNKNOWN && !self.seen.contains(&number) {
                    self.seen.push(number);
                    self.counts.persons[number as usize] += 1;
                }
            }
        }
        if let Some(hosts) = &self.hosts
            && let Some(ord) = hosts.term_ords(doc).next()
        {
            self.per_host[ord as usize] += 1;
        }
        if self.langs.is_some() {
            self.matched.push(doc);
        }
        if let Some(date) = self.published.first(doc)
            && let Some(date) = chrono::DateTime::from_timestamp(date.into_timestamp_secs(), 0)
        {
            let month = date.year() * 12 + i32::try_from(date.month0()).unwrap_or(0);
            *self.counts.months.entry(month).or_default() += 1;
        }
    }

    fn harvest(mut self) -> FacetCounts {
        if let Some(hosts) = &self.hosts {
            let mut stream = hosts.dictionary().stream().ok();
            let mut ord = 0;
            while let Some(stream) = stream.as_mut()
                && stream.advance()
            {
                if self.per_host[ord] > 0
                    && let Ok(host) = std::str::from_utf8(stream.key())
                {
                    // The column holds hosts; the facet counts their sites, the value `site:`
                    // filters on, so that `news.` and `www.` of one publisher are one entry.
                    let site = newsdex_types::site_of_host(host);
                    *self.counts.sites.entry(site.to_owned()).or_default() += self.per_host[ord];
                }
                ord += 1;
            }
        }
        if let Some((inverted, langs)) = &self.langs {
            for (name, info) in langs {
                // The postings were found when the segment was opened; a read failing now
                // leaves that language uncounted rather than failing the search.
                let Ok(mut postings) = inverted
                    .read_postings_from_terminfo(info, tantivy::schema::IndexRecordOption::Basic)
                else {
                    continue;
                };
                let mut count = 0;
                let mut at = tantivy::DocSet::doc(&postings);
                for &doc in &self.matched {
                    if at < doc {
                        at = tantivy::DocSet::seek(&mut postings, doc);
                    }
                    if at == tantivy::TERMINATED {
                        break;
                    }
                    if at == doc {
                        count += 1;
                    }
                }
                if count > 0 {
                    *self.counts.langs.entry(name.clone()).or_default() += count;
                }
            }
        }
        self.counts
    }
}

/// The languages of `segment` and where their postings are, or `None` without a `lang` field.
fn languages(segment: &SegmentReader) -> tantivy::Result<Option<Langs>> {
    let Ok(field) = segment.schema().get_field("lang") else {
        return Ok(None);
    };
    let inverted = segment.inverted_index(field)?;
    let mut names = Vec::new();
    let mut terms = inverted.terms().stream()?;
    while terms.advance() {
        // More distinct values than this is no list of languages; the rest go uncounted.
        if names.len() == MAX_LANGS {
            break;
        }
        if let Ok(name) = std::str::from_utf8(terms.key()) {
            names.push((name.to_owned(), terms.value().clone()));
        }
    }
    Ok(Some((inverted, names)))
}

impl FacetCounts {
    /// The `top` most frequent values of each facet (ties: persons and sites by name, months
    /// newest first), leaving out the person numbers in `except`.
    pub fn top(&self, people: &PersonDirectory, top: usize, except: &[u32]) -> Facets {
        let mut persons: Vec<FacetValue> = self
            .persons
            .iter()
            .enumerate()
            .filter(|(number, count)| {
                **count > 0 && !except.contains(&u32::try_from(*number).unwrap_or(UNKNOWN))
            })
            .map(|(number, count)| FacetValue {
                value: people
                    .name(u32::try_from(number).unwrap_or(UNKNOWN))
                    .to_owned(),
                count: *count,
            })
            .collect();
        persons.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        persons.truncate(top);
        let mut sites: Vec<FacetValue> = self
            .sites
            .iter()
            .map(|(site, count)| FacetValue {
                value: site.clone(),
                count: *count,
            })
            .collect();
        sites.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        sites.truncate(top);
        let mut langs: Vec<FacetValue> = self
            .langs
            .iter()
            .map(|(lang, count)| FacetValue {
                value: lang.clone(),
                count: *count,
            })
            .collect();
        langs.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        langs.truncate(top);
        let mut months: Vec<(i32, u64)> = self.months.iter().map(|(m, c)| (*m, *c)).collect();
        months.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| b.0.cmp(&a.0)));
        months.truncate(top);
        Facets {
            persons,
            sites,
            langs,
            months: months
                .into_iter()
                .map(|(month, count)| FacetValue {
                    value: format!(
                        "{:04}-{:02}",
                        month.div_euclid(12),
                        month.rem_euclid(12) + 1
                    ),
                    count,
                })
                .collect(),
        }
    }
}
