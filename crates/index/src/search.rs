//! Searching the index: the request (query, filters, sort, page, facets), the run (count,
//! near-duplicates folded into one hit, typo fallback), and the hits with their snippets.

use std::collections::HashSet;
use std::sync::PoisonError;

use chrono::{DateTime, Utc};
use serde::Serialize;
use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::columnar::Column;
use tantivy::query::{AllQuery, FuzzyTermQuery, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::compile::{Compiled, Compiler};
use crate::facets::{FacetCollector, FacetCounts, FacetValue, Facets};
use crate::highlight::{self, Highlighter, Hit, Matchers};
use crate::index::{StoredArticle, site_of_url};
use crate::people::{PersonDirectory, levenshtein};
use crate::query::{self, Node, Scope};
use crate::ranking;
use crate::schema::{exact_key, folded_analyzer};
use crate::stemmer::StemMemo;
use crate::{ArticleIndex, Error, Result};

/// Characters of body text shown around the best match.
const SNIPPET_CHARS: usize = 220;
/// Copies listed under a hit; more are counted, not listed.
const MAX_COPIES: usize = 20;
/// Unknown words looked up for a correction per search: each costs a fuzzy walk over the
/// dictionaries, and a pasted paragraph of hundreds of unknown words must stay cheap.
const MAX_CORRECTED_WORDS: usize = 16;

/// A search: the query, the filters given beside it, and which page of results to return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRequest {
    /// In the query language (see the crate docs); may be empty when filters are given.
    pub query: String,
    /// Filters given beside the query (flags, URL parameters), ANDed with it.
    pub filters: Filters,
    /// Result order.
    pub sort: Sort,
    /// The most hits to return.
    pub limit: usize,
    /// Hits to skip; a hit is a story, with its near-duplicate copies folded into it.
    pub offset: usize,
    /// How many top values of each facet to count among all matches; 0 for none.
    pub facets: usize,
    /// When nothing matches, retry with misspelt words corrected (and say so).
    pub fuzzy: bool,
}

impl SearchRequest {
    /// The first ten hits of `query` by relevance, with no filters, facets or correction.
    pub fn new(query: impl Into<String>) -> Self {
        Self {
            query: query.into(),
            filters: Filters::default(),
            sort: Sort::Relevance,
            limit: 10,
            offset: 0,
            facets: 0,
            fuzzy: true,
        }
    }
}

/// Filters given beside the query, as typed; the same as the query's operators.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// Every one of these persons (`person:`), by any name that resolves to them.
    pub persons: Vec<String>,
    /// Any of these sites (`site:`).
    pub sites: Vec<String>,
    /// Any of these languages (`lang:`).
    pub langs: Vec<String>,
    /// Published on or after the start of this date (`after:`).
    pub since: Option<String>,
    /// Published up to the end of this date: `2025-08` includes all of August.
    pub until: Option<String>,
}

/// Result order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// BM25, title boosted; newest first when the query has no words (only filters).
    #[default]
    Relevance,
    /// Newest first; undated articles last.
    Date,
}

/// One page of results and the exact number of matching articles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults {
    /// The query as given.
    pub query: String,
    /// The query actually run when the one given found nothing and had misspellings.
    pub corrected: Option<String>,
    /// Things worth telling the user (an ambiguous surname).
    pub notes: Vec<String>,
    /// Matching articles, copies included.
    pub total: usize,
    /// The page of hits asked for (`offset`, `limit`), best first.
    pub hits: Vec<SearchHit>,
    /// Present when facets were asked for.
    pub facets: Option<Facets>,
}

/// One matching story.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    /// The URL the article is indexed under (its trusted canonical URL, else its page's).
    pub url: String,
    /// The headline.
    pub title: String,
    /// Byte ranges of `title` that matched.
    pub title_highlights: Vec<(usize, usize)>,
    /// The site's name when the page gives one, else its site (registrable domain,
    /// [`newsdex_types::site_of_host`]).
    pub site: String,
    /// When it was published, if known.
    pub published: Option<DateTime<Utc>>,
    /// Who it is credited to.
    pub authors: Vec<String>,
    /// The persons it names, each as this article spells it (its fullest form there:
    /// "Volodymyr Zelensky" even where the archive mostly writes "Zelenskyy"), one per person
    /// of the archive; an article naming someone by surname alone shows the archive's full
    /// name for them.
    pub persons: Vec<String>,
    /// The archive's canonical name of each of `persons`, in the same order: the identity that
    /// facets, `person:` and `newsdex persons` count under.
    pub canonical_persons: Vec<String>,
    /// BM25 score (0 when sorted by date).
    pub score: f32,
    /// Body text around the best matching passage.
    pub snippet: String,
    /// Byte ranges of `snippet` that matched the query.
    pub highlights: Vec<(usize, usize)>,
    /// Near-duplicates of this article elsewhere (the same agency story on other sites).
    pub copies: Vec<NearDuplicate>,
}

/// Another article of a hit's near-duplicate group: the same story (an agency copy, a
/// syndicated or republished version) at another URL, shown under the hit rather than as a
/// hit of its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NearDuplicate {
    /// The copy's URL.
    pub url: String,
    /// The copy's site (its registrable domain).
    pub site: String,
    /// When the copy was published, if known.
    pub published: Option<DateTime<Utc>>,
}

/// `newsdex persons`: who is named most, overall or in the articles matching a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonsRequest {
    /// Only articles matching this query (empty for the whole archive).
    pub query: String,
    /// Filters given beside the query, ANDed with it.
    pub filters: Filters,
    /// Only articles naming this person; the person is left out of the list.
    pub with: Option<String>,
    /// The most persons to list.
    pub top: usize,
}

/// Persons by the number of articles naming them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonsResults {
    /// The articles counted.
    pub articles: usize,
    /// The canonical name `with` resolved to.
    pub with: Option<String>,
    /// The persons named in the most articles, most first (canonical names).
    pub persons: Vec<FacetValue>,
    /// Things worth telling the user (an ambiguous surname).
    pub notes: Vec<String>,
}

/// The query and the filters as one tree, each kept apart for showing a correction.
pub(crate) struct Parsed {
    pub(crate) query: Option<Node>,
    pub(crate) filters: Vec<Node>,
}

impl Parsed {
    pub(crate) fn new(query: &str, filters: &Filters, with: Option<&str>) -> Result<Self> {
        let parsed = query::parse(query).map_err(|err| Error::Query {
            query: query.to_owned(),
            message: err.message,
        })?;
        let invalid = |filter: &'static str, value: &str, message: String| Error::Filter {
            filter,
            value: value.to_owned(),
            message,
        };
        let mut nodes = Vec::new();
        for person in filters.persons.iter().map(String::as_str).chain(with) {
            if person.trim().is_empty() {
                return Err(invalid("person", person, "a name is needed".into()));
            }
            nodes.push(Node::Person(person.trim().to_owned()));
        }
        let mut any_of = |values: &[String],
                          filter: &'static str,
                          parse: fn(&str) -> Option<String>,
                          node: fn(String) -> Node|
         -> Result<()> {
            let mut alternatives = Vec::new();
            for value in values {
                let parsed = parse(value)
                    .ok_or_else(|| invalid(filter, value, format!("not a {filter}")))?;
                alternatives.push(node(parsed));
            }
            match alternatives.len() {
                0 => {}
                1 => nodes.push(alternatives.remove(0)),
                _ => nodes.push(Node::Or(alternatives)),
            }
            Ok(())
        };
        any_of(&filters.sites, "site", query::site_value, Node::Site)?;
        any_of(&filters.langs, "language", query::lang_value, Node::Lang)?;
        let mut periods: Vec<(Period, &query::DateFilter)> = Vec::new();
        let since = filters
            .since
            .as_ref()
            .map(|since| {
                query::since_filter(since).map_err(|message| invalid("since date", since, message))
            })
            .transpose()?;
        let until = filters
            .until
            .as_ref()
            .map(|until| {
                query::until_filter(until).map_err(|message| invalid("until date", until, message))
            })
            .transpose()?;
        let top: &[Node] = match &parsed {
            Some(Node::And(items)) => items,
            Some(node) => std::slice::from_ref(node),
            None => &[],
        };
        for node in top {
            if let Node::Date(date) = node {
                periods.push((Period::Query, date));
            }
        }
        if let (Some(value), Some(date)) = (&filters.since, &since) {
            periods.push((Period::Since(value), date));
        }
        if let (Some(value), Some(date)) = (&filters.until, &until) {
            periods.push((Period::Until(value), date));
        }
        disjoint_periods(query, &periods)?;
        nodes.extend(since.into_iter().chain(until).map(Node::Date));
        Ok(Self {
            query: parsed,
            filters: nodes,
        })
    }

    /// Everything that must match, or `None` for "every article".
    pub(crate) fn node(&self) -> Option<Node> {
        let mut all: Vec<Node> = self.query.iter().cloned().collect();
        all.extend(self.filters.iter().cloned());
        match all.len() {
            0 => None,
            1 => all.pop(),
            _ => Some(Node::And(all)),
        }
    }

    /// The request as one query string, for "showing results for ...".
    fn display(&self) -> String {
        self.node().map(|node| node.to_string()).unwrap_or_default()
    }
}

/// Where a date filter of a request came from, for naming it in an error.
#[derive(Clone, Copy)]
enum Period<'a> {
    /// An operator in the query (`after:`, `before:`, `published:`).
    Query,
    Since(&'a str),
    Until(&'a str),
}

/// Fails when the date filters that must all hold (the query's top-level operators and the
/// `since` and `until` filters) leave no date between them, naming the two that conflict:
/// `--since 2025-09 --until 2025-08` is a mistake to point out, not a search to run.
fn disjoint_periods(query: &str, periods: &[(Period, &query::DateFilter)]) -> Result<()> {
    let latest_start = periods
        .iter()
        .filter_map(|(from, date)| Some((date.start?, *from, *date)))
        .max_by_key(|(start, _, _)| *start);
    let earliest_end = periods
        .iter()
        .filter_map(|(from, date)| Some((date.end?, *from, *date)))
        .min_by_key(|(end, _, _)| *end);
    let (Some((start, starts, first)), Some((end, ends, last))) = (latest_start, earliest_end)
    else {
        return Ok(());
    };
    if start < end {
        return Ok(());
    }
    let invalid = |filter: &'static str, value: &str, message: String| Error::Filter {
        filter,
        value: value.to_owned(),
        message,
    };
    Err(match (starts, ends) {
        (Period::Since(since), Period::Until(until)) => invalid(
            "since date",
            since,
            format!("it is later than the until date `{until}`, so no article can match"),
        ),
        (Period::Since(since), _) => invalid(
            "since date",
            since,
            format!(
                "it is later than `{}` in the query, so no article can match",
                last.written
            ),
        ),
        (_, Period::Until(until)) => invalid(
            "until date",
            until,
            format!(
                "it is earlier than `{}` in the query, so no article can match",
                first.written
            ),
        ),
        _ => Error::Query {
            query: query.to_owned(),
            message: format!(
                "`{}` is later than `{}`, so no article can match",
                first.written, last.written
            ),
        },
    })
}

/// The best article of one near-duplicate group.
pub(crate) struct Group {
    pub(crate) address: DocAddress,
    pub(crate) score: f32,
    pub(crate) dup: u64,
}

/// A compiled request, run: the total, the page of groups, and the facet counts.
struct Run {
    compiled: Compiled,
    total: usize,
    groups: Vec<Group>,
    facets: Option<FacetCounts>,
}

impl ArticleIndex {
    /// Runs a search: the query and filters, one page of stories (near-duplicates folded
    /// into the best-ranked copy), the exact number of matching articles, and facets if
    /// asked for. A query that finds nothing is retried with misspellings corrected.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        let parsed = Parsed::new(&request.query, &request.filters, None)?;
        if parsed.query.is_none() && parsed.filters.is_empty() {
            return Err(Error::Query {
                query: request.query.clone(),
                message: "the query is empty; give words to search for or a filter".into(),
            });
        }
        let searcher = self.reader.searcher();
        let people = self.people(&searcher)?;
        let mut run = self.run(&searcher, &parsed, &people, request)?;
        let mut corrected = None;
        if run.total == 0
            && request.fuzzy
            && let Some(fixed) = self.correct(&searcher, &parsed, &people)?
        {
            let again = self.run(&searcher, &fixed, &people, request)?;
            if again.total > 0 {
                run = again;
                corrected = Some(fixed.display());
            }
        }
        let compiled = run.compiled;
        let mut hits = Vec::with_capacity(run.groups.len());
        let mut columns = Columns::new(&searcher);
        let mut news = self
            .highlighter
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for group in &run.groups {
            if let Some(hit) = self.hit(
                &searcher,
                &mut columns,
                &mut news,
                group,
                &compiled,
                &people,
            )? {
                hits.push(hit);
            }
        }
        drop(news);
        Ok(SearchResults {
            query: request.query.clone(),
            corrected,
            notes: self
                .outdated
                .iter()
                .cloned()
                .chain(compiled.notes)
                .collect(),
            total: run.total,
            hits,
            facets: run
                .facets
                .map(|counts| counts.top(&people, request.facets, &[])),
        })
    }

    /// The persons named most often in the articles matching a request, or in the whole
    /// archive when it has no query, filters or `with`.
    pub fn persons(&self, request: &PersonsRequest) -> Result<PersonsResults> {
        let parsed = Parsed::new(&request.query, &request.filters, request.with.as_deref())?;
        let searcher = self.reader.searcher();
        let people = self.people(&searcher)?;
        let (query, notes): (Box<dyn Query>, Vec<String>) = match parsed.node() {
            Some(node) => {
                let compiled = Compiler::new(self.fields, Some(&people), Some(&searcher))
                    .compile(&node)
                    .ok_or_else(|| nothing_to_search(&request.query))?;
                (compiled.query, compiled.notes)
            }
            None => (Box::new(AllQuery), Vec::new()),
        };
        let counts = searcher.search(
            &*query,
            &FacetCollector {
                people: std::sync::Arc::clone(&people),
            },
        )?;
        let with = request
            .with
            .as_deref()
            .and_then(|name| people.number_of(name));
        let facets = counts.top(&people, request.top, &with.into_iter().collect::<Vec<_>>());
        Ok(PersonsResults {
            articles: counts.total,
            with: with.map(|number| people.name(number).to_owned()),
            persons: facets.persons,
            notes: self.outdated.iter().cloned().chain(notes).collect(),
        })
    }

    fn run(
        &self,
        searcher: &Searcher,
        parsed: &Parsed,
        people: &std::sync::Arc<PersonDirectory>,
        request: &SearchRequest,
    ) -> Result<Run> {
        // `search()` refuses an empty request, and the correction keeps what it corrects.
        let Some(node) = parsed.node() else {
            return Err(nothing_to_search(&request.query));
        };
        let Some(compiled) =
            Compiler::new(self.fields, Some(people), Some(searcher)).compile(&node)
        else {
            return Err(nothing_to_search(&request.query));
        };
        let by_date = request.sort == Sort::Date || !node.has_words();
        let query = &*compiled.query;
        let wanted = request.offset.saturating_add(request.limit);
        // The first page of ranked documents is collected in the same pass as the total (and
        // the facets): running the query once for counting and again for ranking read every
        // posting (and, for a phrase, every position) of its words twice.
        // No more than the index holds: the total is not known before this pass, and a far
        // page (`offset` from a URL) must not size the collector.
        let fetch = wanted
            .saturating_mul(2)
            .max(20)
            .min(usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX))
            .max(1);
        let (ranked, total, facets) = if request.facets > 0 {
            let collector = FacetCollector {
                people: std::sync::Arc::clone(people),
            };
            let (ranked, counts) = if request.limit == 0 {
                (Vec::new(), searcher.search(query, &collector)?)
            } else {
                ranked_with(searcher, query, by_date, fetch, collector)?
            };
            (ranked, counts.total, Some(counts))
        } else if request.limit == 0 {
            (Vec::new(), searcher.search(query, &Count)?, None)
        } else {
            let (ranked, total) = ranked_with(searcher, query, by_date, fetch, Count)?;
            (ranked, total, None)
        };
        let groups = if total == 0 || request.limit == 0 {
            Vec::new()
        } else {
            let mut columns = Columns::new(searcher);
            let mut ranked = ranked;
            let mut fetch = fetch;
            loop {
                let groups = distinct_groups(&mut columns, &ranked);
                if groups.len() >= wanted || fetch >= total {
                    break groups
                        .into_iter()
                        .skip(request.offset)
                        .take(request.limit)
                        .collect();
                }
                // Too many copies of the same stories among the first documents: fetch more.
                fetch = fetch.saturating_mul(4).min(total);
                ranked = ranked_only(searcher, query, by_date, fetch)?;
            }
        };
        Ok(Run {
            compiled,
            total,
            groups,
            facets,
        })
    }

    pub(crate) fn hit(
        &self,
        searcher: &Searcher,
        columns: &mut Columns,
        news: &mut Highlighter,
        group: &Group,
        compiled: &Compiled,
        people: &PersonDirectory,
    ) -> Result<Option<SearchHit>> {
        let document: TantivyDocument = searcher.doc(group.address)?;
        let Some(StoredArticle { article, persons }) = self.decode(&document) else {
            return Ok(None);
        };
        // Mentions are character offsets into `title + "\n\n" + text`.
        let title_chars = article.title.chars().count() + 2;
        let mut title_mentions = Vec::new();
        let mut body_mentions = Vec::new();
        for (number, person) in persons.iter().enumerate() {
            if !compiled.person_keys.contains(&exact_key(&person.name)) {
                continue;
            }
            for mention in &person.mentions {
                let key = usize::MAX - number;
                if mention.end <= title_chars - 2 {
                    title_mentions.push((mention.start, mention.end, key));
                } else if mention.start >= title_chars {
                    // Stored mentions are data: one ending before it starts is dropped by
                    // `highlights`, never subtracted into an overflow.
                    body_mentions.push((
                        mention.start - title_chars,
                        mention.end.saturating_sub(title_chars),
                        key,
                    ));
                }
            }
        }
        let title_highlights = highlights(news, &compiled.title, &article.title, &title_mentions)
            .into_iter()
            .map(|hit| (hit.start, hit.end))
            .collect();
        let body_hits = highlights(news, &compiled.body, &article.text, &body_mentions);
        let snippet = highlight::snippet(&article.text, &body_hits, SNIPPET_CHARS);
        // Two names in one article that the archive knows as one person are listed once,
        // under the first (the most mentioned).
        let mut names: Vec<String> = Vec::with_capacity(persons.len());
        let mut canonicals: Vec<String> = Vec::with_capacity(persons.len());
        for person in &persons {
            let canonical = people.canonical(&person.name);
            if !canonicals.iter().any(|known| known == canonical) {
                canonicals.push(canonical.to_owned());
                names.push(shown_name(&person.name, canonical).to_owned());
            }
        }
        Ok(Some(SearchHit {
            site: article
                .site_name
                .clone()
                .or_else(|| site_of_url(&article.url))
                .unwrap_or_default(),
            copies: self.copies(searcher, columns, group)?,
            url: article.url,
            title: article.title,
            title_highlights,
            published: article.published,
            authors: article.authors,
            persons: names,
            canonical_persons: canonicals,
            score: group.score,
            snippet: snippet.text,
            highlights: snippet.highlights,
        }))
    }

    /// The other copies of the article at `url` (near-duplicates elsewhere), newest first;
    /// empty for an unknown URL.
    pub fn copies_of(&self, url: &str) -> Result<Vec<NearDuplicate>> {
        let searcher = self.reader.searcher();
        let query = TermQuery::new(
            Term::from_field_text(self.fields.url, url),
            IndexRecordOption::Basic,
        );
        let found = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
        let Some((_, address)) = found.first() else {
            return Ok(Vec::new());
        };
        let mut columns = Columns::new(&searcher);
        let group = Group {
            address: *address,
            score: 0.0,
            dup: columns.dup(*address),
        };
        self.copies(&searcher, &mut columns, &group)
    }

    /// The other articles of a hit's near-duplicate group, newest first.
    fn copies(
        &self,
        searcher: &Searcher,
        columns: &mut Columns,
        group: &Group,
    ) -> Result<Vec<NearDuplicate>> {
        let query = TermQuery::new(
            Term::from_field_u64(self.fields.dup, group.dup),
            IndexRecordOption::Basic,
        );
        let members = ranking::top_by_date(searcher, &query, MAX_COPIES + 1)?;
        Ok(members
            .into_iter()
            .filter(|(_, address)| *address != group.address)
            .take(MAX_COPIES)
            .map(|(published, address)| {
                let url = columns.url(address);
                NearDuplicate {
                    site: site_of_url(&url).unwrap_or_default(),
                    url,
                    published: published
                        .and_then(|date| DateTime::from_timestamp(date.into_timestamp_secs(), 0)),
                }
            })
            .collect())
    }

    /// The request with misspelt words (and person names) replaced by the closest known
    /// ones, or `None` when there is nothing to correct.
    fn correct(
        &self,
        searcher: &Searcher,
        parsed: &Parsed,
        people: &PersonDirectory,
    ) -> Result<Option<Parsed>> {
        let mut changed = false;
        let mut folded = folded_analyzer();
        let mut budget = MAX_CORRECTED_WORDS;
        let mut fix = |leaf: &Node| -> Option<Node> {
            match leaf {
                Node::Text {
                    scope,
                    text,
                    phrase,
                } if *scope != Scope::Author => {
                    let fixed = self.correct_words(searcher, &mut folded, text, &mut budget)?;
                    changed = true;
                    Some(Node::Text {
                        scope: *scope,
                        text: fixed,
                        phrase: *phrase,
                    })
                }
                Node::Person(name) => {
                    let known = people.resolve(name).keys.iter().any(|key| {
                        searcher
                            .doc_freq(&Term::from_field_text(self.fields.person, key))
                            .is_ok_and(|n| n > 0)
                    });
                    if known {
                        return None;
                    }
                    let suggestion = people.suggest(name)?.to_owned();
                    changed = true;
                    Some(Node::Person(suggestion))
                }
                _ => None,
            }
        };
        let fixed = Parsed {
            query: parsed
                .query
                .as_ref()
                .map(|node| node.rewrite_positive(&mut fix)),
            filters: parsed
                .filters
                .iter()
                .map(|node| node.rewrite_positive(&mut fix))
                .collect(),
        };
        Ok(changed.then_some(fixed))
    }

    /// `text` with each word the archive does not contain replaced by the nearest known
    /// word within one or two edits (the most frequent among equally near ones), or `None`
    /// when no word needed it.
    fn correct_words(
        &self,
        searcher: &Searcher,
        folded: &mut tantivy::tokenizer::TextAnalyzer,
        text: &str,
        budget: &mut usize,
    ) -> Option<String> {
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        let mut changed = false;
        let mut stems = StemMemo::default();
        let mut stream = folded.token_stream(text);
        while let Some(token) = stream.next() {
            let word = token.text.as_str();
            let distance = match word.chars().count() {
                0..=2 => continue,
                3..=5 => 1,
                _ => 2,
            };
            let term = Term::from_field_text(self.fields.words, word);
            if *budget == 0 || self.known_word(searcher, &term, word) {
                continue;
            }
            *budget -= 1;
            let Some(best) = self.closest_word(searcher, &mut stems, distance, word) else {
                continue;
            };
            out.push_str(&text[last..token.offset_from]);
            out.push_str(&best);
            last = token.offset_to;
            changed = true;
        }
        out.push_str(&text[last..]);
        changed.then_some(out)
    }

    /// The known word within `distance` edits of `word` that is nearest, then most frequent.
    /// Candidates are the unstemmed vocabulary and, for short words (not in it), the title
    /// and body dictionaries, where short words are their own stems. A word's frequency is
    /// the number of articles whose body has its stem: the vocabulary holds each word in one
    /// article only.
    fn closest_word(
        &self,
        searcher: &Searcher,
        stems: &mut StemMemo,
        distance: u8,
        word: &str,
    ) -> Option<String> {
        let mut fields = vec![self.fields.words];
        if word.len() < 5 {
            fields.extend([self.fields.title, self.fields.body]);
        }
        let mut candidates: HashSet<String> = HashSet::new();
        for field in fields {
            let term = Term::from_field_text(field, word);
            let automaton = FuzzyTermQuery::new(term, distance, true).automaton().ok()?;
            for segment in searcher.segment_readers() {
                let inverted = segment.inverted_index(field).ok()?;
                let mut stream = inverted.terms().search(&automaton).into_stream().ok()?;
                while stream.advance() {
                    if let Ok(candidate) = std::str::from_utf8(stream.key()) {
                        candidates.insert(candidate.to_owned());
                    }
                }
            }
        }
        candidates
            .into_iter()
            .map(|candidate| {
                let stem = Term::from_field_text(self.fields.body, stems.stem(&candidate));
                let title = Term::from_field_text(self.fields.title, stems.stem(&candidate));
                let frequency =
                    searcher.doc_freq(&stem).unwrap_or(0) + searcher.doc_freq(&title).unwrap_or(0);
                let rank = (levenshtein(word, &candidate), std::cmp::Reverse(frequency));
                (rank, candidate)
            })
            .min()
            .map(|(_, candidate)| candidate)
    }
}

impl ArticleIndex {
    /// Whether the archive has this (folded, unstemmed) word: in the spelling vocabulary, or,
    /// for words it leaves out (short ones), as its own stem in a title or body.
    fn known_word(&self, searcher: &Searcher, term: &Term, word: &str) -> bool {
        let present = |term: &Term| searcher.doc_freq(term).is_ok_and(|n| n > 0);
        present(term)
            || [self.fields.title, self.fields.body]
                .iter()
                .any(|field| present(&Term::from_field_text(*field, word)))
    }
}

/// How a hit shows a person: as its article spells the name ("Volodymyr Zelensky" where the
/// archive mostly writes "Zelenskyy"), unless the article gives a single word the archive
/// resolved to a fuller name ("Starmer" alone, shown as "Keir Starmer"): that is a shorter
/// reference, not another spelling, and the full name says more.
fn shown_name<'a>(written: &'a str, canonical: &'a str) -> &'a str {
    let words = |name: &str| name.split_whitespace().count();
    if words(written) < 2 && words(canonical) > words(written) {
        canonical
    } else {
        written
    }
}

/// Highlights of a text: the query's words and phrases, and the mentions (character ranges)
/// of the persons it asked for.
fn highlights(
    news: &mut Highlighter,
    matchers: &Matchers,
    text: &str,
    mentions: &[(usize, usize, usize)],
) -> Vec<Hit> {
    let mut hits = highlight::find(news, matchers, text);
    if !mentions.is_empty() {
        let bytes: Vec<usize> = text
            .char_indices()
            .map(|(at, _)| at)
            .chain(std::iter::once(text.len()))
            .collect();
        for &(start, end, key) in mentions {
            if let (Some(&start), Some(&end)) = (bytes.get(start), bytes.get(end))
                && start < end
            {
                hits.push(Hit {
                    start,
                    end,
                    key,
                    weight: 1,
                });
            }
        }
        hits = highlight::merge(hits);
    }
    hits
}

/// Documents in rank order, with their scores (0 when ranked by date).
type Ranked = Vec<(f32, DocAddress)>;

/// The `fetch` best documents for `query` (by score, or newest first with `by_date`, then
/// scored 0) and what `other` collects, in one pass over the matches, in the order only the
/// live articles decide (see [`ranking`]): the same page of results from an archive
/// ingested, merged from shards or rebuilt.
fn ranked_with<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    by_date: bool,
    fetch: usize,
    other: C,
) -> Result<(Ranked, C::Fruit)> {
    Ok(if by_date {
        let (ranked, fruit) = ranking::top_by_date_with(searcher, query, fetch, other)?;
        (
            ranked
                .into_iter()
                .map(|(_, address)| (0.0, address))
                .collect(),
            fruit,
        )
    } else {
        ranking::top_by_score_with(searcher, query, fetch, other)?
    })
}

/// [`ranked_with`] alone.
fn ranked_only(
    searcher: &Searcher,
    query: &dyn Query,
    by_date: bool,
    fetch: usize,
) -> Result<Ranked> {
    Ok(if by_date {
        ranking::top_by_date(searcher, query, fetch)?
            .into_iter()
            .map(|(_, address)| (0.0, address))
            .collect()
    } else {
        ranking::top_by_score(searcher, query, fetch)?
    })
}

/// The best-ranked document of each near-duplicate group among `ranked`, in rank order.
fn distinct_groups(columns: &mut Columns, ranked: &[(f32, DocAddress)]) -> Vec<Group> {
    let mut seen = HashSet::new();
    let mut groups = Vec::new();
    for (score, address) in ranked {
        let dup = columns.dup(*address);
        if seen.insert(dup) {
            groups.push(Group {
                address: *address,
                score: *score,
                dup,
            });
        }
    }
    groups
}

pub(crate) fn nothing_to_search(query: &str) -> Error {
    Error::Query {
        query: query.to_owned(),
        message: "there are no words in it to search for".into(),
    }
}

/// Fast columns opened once per segment for the duration of a search.
pub(crate) struct Columns<'a> {
    searcher: &'a Searcher,
    dups: Vec<Option<Column<u64>>>,
    urls: Vec<Option<Option<tantivy::columnar::StrColumn>>>,
}

impl<'a> Columns<'a> {
    pub(crate) fn new(searcher: &'a Searcher) -> Self {
        let segments = searcher.segment_readers().len();
        Self {
            searcher,
            dups: vec![None; segments],
            urls: vec![None; segments],
        }
    }

    /// The article's near-duplicate group (its own when the column cannot be read).
    pub(crate) fn dup(&mut self, address: DocAddress) -> u64 {
        let segment = address.segment_ord as usize;
        if self.dups[segment].is_none() {
            self.dups[segment] = self
                .searcher
                .segment_reader(address.segment_ord)
                .fast_fields()
                .u64("dup")
                .ok();
        }
        self.dups[segment]
            .as_ref()
            .and_then(|column| column.first(address.doc_id))
            .unwrap_or_else(|| u64::MAX - u64::from(address.doc_id))
    }

    fn url(&mut self, address: DocAddress) -> String {
        let segment = address.segment_ord as usize;
        if self.urls[segment].is_none() {
            self.urls[segment] = Some(
                self.searcher
                    .segment_reader(address.segment_ord)
                    .fast_fields()
                    .str("url")
                    .ok()
                    .flatten(),
            );
        }
        let mut url = String::new();
        if let Some(Some(column)) = &self.urls[segment]
            && let Some(ord) = column.term_ords(address.doc_id).next()
        {
            let _ = column.ord_to_str(ord, &mut url);
        }
        url
    }
}
