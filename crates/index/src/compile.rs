//! Turns a parsed query into a tantivy query, and gathers on the way what the highlighter
//! should look for and what the user should be told (an ambiguous surname).
//!
//! Words are analyzed exactly as the field they search was indexed: stemmed and folded for
//! title and body, folded for authors, whole and folded for persons and sites. Filters
//! (person, site, lang, dates) score nothing, so ranking is BM25 over the words alone.

use std::collections::HashSet;
use std::ops::Bound;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query,
    RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DateTime, Searcher, Term};

use crate::exclusion::Excluded;
use crate::highlight::Matchers;
use crate::pairs::PairPhraseQuery;
use crate::people::PersonDirectory;
use crate::query::{Node, Scope};
use crate::schema::{
    EARLIEST_PUBLISHED, Fields, LATEST_PUBLISHED, exact_key, folded_analyzer, news_analyzer, tokens,
};
use crate::stemmer::StemMemo;

/// Title matches count double: a word in the headline says more than one in the body.
pub const TITLE_BOOST: f32 = 2.0;

/// A compiled query and what goes with it.
pub struct Compiled {
    pub query: Box<dyn Query>,
    pub title: Matchers,
    pub body: Matchers,
    /// Index keys of the persons the query asks for, to highlight their mentions.
    pub person_keys: Vec<String>,
    pub notes: Vec<String>,
}

/// The fewest letters before a `*`: `c*` would stand for a good part of the dictionary.
pub const MIN_PREFIX_CHARS: usize = 2;
/// The most words a `word*` stands for: the most frequent of those it matches.
pub const MAX_PREFIX_WORDS: usize = 64;
/// Dictionary entries read per field and segment when expanding a prefix: the bound on the
/// work one `*` can ask for.
const MAX_PREFIX_SCAN: usize = 5_000;
/// Words ending in `*` expanded per query; later ones are searched as written.
pub const MAX_PREFIXES: usize = 8;

pub struct Compiler<'a> {
    fields: Fields,
    news: TextAnalyzer,
    folded: TextAnalyzer,
    people: Option<&'a PersonDirectory>,
    /// The index's dictionaries, for expanding `word*`; without it `*` is ignored.
    searcher: Option<&'a Searcher>,
    /// Prefixes expanded so far.
    prefixes: usize,
    title: Matchers,
    body: Matchers,
    person_keys: Vec<String>,
    notes: Vec<String>,
}

impl<'a> Compiler<'a> {
    /// `people` is needed only when the query has a person filter, `searcher` only when it
    /// has a `word*`.
    pub fn new(
        fields: Fields,
        people: Option<&'a PersonDirectory>,
        searcher: Option<&'a Searcher>,
    ) -> Self {
        Self {
            fields,
            news: news_analyzer(),
            folded: folded_analyzer(),
            people,
            searcher,
            prefixes: 0,
            title: Matchers::default(),
            body: Matchers::default(),
            person_keys: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// The tantivy query for `node`, or `None` when it has nothing to search for (only
    /// punctuation).
    pub fn compile(mut self, node: &Node) -> Option<Compiled> {
        let query = self.node(node, true)?;
        if only_excludes(node) {
            // tantivy matches nothing for exclusions alone; `with_positive` made it "every
            // article but", which deserves saying.
            self.note(format!(
                "`{node}` only excludes: showing every article without it"
            ));
        }
        Some(Compiled {
            query,
            title: self.title,
            body: self.body,
            person_keys: self.person_keys,
            notes: self.notes,
        })
    }

    fn node(&mut self, node: &Node, positive: bool) -> Option<Box<dyn Query>> {
        match node {
            Node::And(items) => {
                if positive {
                    self.implicit_phrases(items);
                }
                let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for item in items {
                    match item {
                        Node::Not(inner) => {
                            if let Some(query) = self.node(inner, !positive) {
                                clauses.push((Occur::MustNot, Box::new(Excluded(query))));
                            }
                        }
                        _ => {
                            if let Some(query) = self.node(item, positive) {
                                clauses.push((Occur::Must, query));
                            }
                        }
                    }
                }
                match clauses.len() {
                    0 => None,
                    1 if clauses[0].0 == Occur::Must => Some(clauses.remove(0).1),
                    _ => Some(Box::new(BooleanQuery::new(with_positive(clauses)))),
                }
            }
            Node::Or(items) => {
                let clauses: Vec<(Occur, Box<dyn Query>)> = items
                    .iter()
                    .filter_map(|item| self.node(item, positive))
                    .map(|query| (Occur::Should, query))
                    .collect();
                match clauses.len() {
                    0 => None,
                    _ => Some(Box::new(BooleanQuery::new(clauses))),
                }
            }
            Node::Not(inner) => {
                let query = self.node(inner, !positive)?;
                Some(Box::new(BooleanQuery::new(with_positive(vec![(
                    Occur::MustNot,
                    Box::new(Excluded(query)),
                )]))))
            }
            Node::Text {
                scope,
                text,
                phrase: _,
            } => self.text(*scope, text, positive),
            Node::Person(name) => Some(self.person(name, positive)),
            Node::Site(site) => Some(filter(Box::new(TermQuery::new(
                Term::from_field_text(self.fields.site, &exact_key(site)),
                IndexRecordOption::Basic,
            )))),
            Node::Lang(lang) => Some(filter(Box::new(TermQuery::new(
                Term::from_field_text(self.fields.lang, lang),
                IndexRecordOption::Basic,
            )))),
            Node::Date(date) => {
                // Every indexed date is within EARLIEST..LATEST (see `indexed_date`), so
                // clamping the period to it changes no answer, keeps both bounds set (tantivy
                // panics on a range without any) and keeps them where nanoseconds cannot wrap:
                // `after:2300` finds nothing instead of everything.
                let start = date
                    .start
                    .map_or(EARLIEST_PUBLISHED, |start| start.timestamp())
                    .clamp(EARLIEST_PUBLISHED, LATEST_PUBLISHED);
                let end = date
                    .end
                    .map_or(LATEST_PUBLISHED, |end| end.timestamp())
                    .clamp(EARLIEST_PUBLISHED, LATEST_PUBLISHED);
                if start >= end {
                    return Some(Box::new(EmptyQuery));
                }
                let term = |secs| {
                    Term::from_field_date(
                        self.fields.published,
                        DateTime::from_timestamp_secs(secs),
                    )
                };
                Some(filter(Box::new(RangeQuery::new(
                    Bound::Included(term(start)),
                    Bound::Excluded(term(end)),
                ))))
            }
        }
    }

    fn note(&mut self, note: String) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    fn text(&mut self, scope: Scope, text: &str, positive: bool) -> Option<Box<dyn Query>> {
        if scope == Scope::Author {
            let words = tokens(&mut self.folded, text);
            return words_query(self.fields.author, &words);
        }
        if text.contains(['*', '?'])
            && let Some(query) = self.wildcard(scope, text, positive)
        {
            return Some(query);
        }
        let words = tokens(&mut self.news, text);
        if words.is_empty() {
            return None;
        }
        self.words(scope, &words, positive)
    }

    /// A word ending in `*` stands for the words it begins (`cease*`: cease, ceased,
    /// ceasefire, ...), the most frequent [`MAX_PREFIX_WORDS`] of them. `None` to search the
    /// text as written, with a note saying why (`*` or `?` elsewhere, a prefix too short).
    fn wildcard(&mut self, scope: Scope, text: &str, positive: bool) -> Option<Box<dyn Query>> {
        let searcher = self.searcher?;
        let stem = text.trim_end_matches('*');
        if stem.contains(['*', '?']) || stem.len() == text.len() {
            self.note(format!(
                "`*` stands for the rest of a word only at its end, and `?` for nothing; `{text}` was searched as written"
            ));
            return None;
        }
        let prefix = tokens(&mut self.folded, stem);
        let [prefix] = prefix.as_slice() else {
            self.note(format!(
                "`*` stands for the rest of one word, as in `cease*`; `{text}` was searched as written"
            ));
            return None;
        };
        if self.prefixes == MAX_PREFIXES {
            self.note(format!(
                "only the first {MAX_PREFIXES} words ending in `*` stand for the words they begin; `{text}` was searched as written"
            ));
            return None;
        }
        self.prefixes += 1;
        if prefix.chars().count() < MIN_PREFIX_CHARS {
            self.note(format!(
                "`{text}`: a word ending in `*` needs at least {MIN_PREFIX_CHARS} letters before it; searched for `{stem}`"
            ));
            return None;
        }
        let (stems, more) = self.expand(searcher, prefix);
        if more {
            self.note(format!(
                "`{text}` begins more than {MAX_PREFIX_WORDS} words; searched for the {MAX_PREFIX_WORDS} most frequent"
            ));
        }
        let in_title = matches!(scope, Scope::All | Scope::Title);
        let in_body = matches!(scope, Scope::All | Scope::Body);
        let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for stem in stems {
            if positive {
                if in_title {
                    self.title.add(vec![stem.clone()]);
                }
                if in_body {
                    self.body.add(vec![stem.clone()]);
                }
            }
            if let Some(query) = self.words(scope, std::slice::from_ref(&stem), false) {
                alternatives.push((Occur::Should, query));
            }
        }
        Some(if alternatives.is_empty() {
            Box::new(EmptyQuery)
        } else {
            Box::new(BooleanQuery::new(alternatives))
        })
    }

    /// The stems (as title and body are indexed) of the words beginning with `prefix` (folded,
    /// unstemmed), most frequent first, and whether there were more than
    /// [`MAX_PREFIX_WORDS`]. Words come from the spelling vocabulary (whole words) and the
    /// title and body dictionaries (short words are their own stems there).
    fn expand(&self, searcher: &Searcher, prefix: &str) -> (Vec<String>, bool) {
        let mut memo = StemMemo::default();
        let mut stems: HashSet<String> = HashSet::new();
        for field in [self.fields.words, self.fields.title, self.fields.body] {
            for segment in searcher.segment_readers() {
                let Ok(inverted) = segment.inverted_index(field) else {
                    continue;
                };
                let Ok(mut stream) = inverted.terms().range().ge(prefix).into_stream() else {
                    continue;
                };
                let mut scanned = 0;
                while scanned < MAX_PREFIX_SCAN && stream.advance() {
                    scanned += 1;
                    let Ok(word) = std::str::from_utf8(stream.key()) else {
                        continue;
                    };
                    if !word.starts_with(prefix) {
                        break;
                    }
                    let stem = if field == self.fields.words {
                        memo.stem(word)
                    } else {
                        word
                    };
                    stems.insert(stem.to_owned());
                }
            }
        }
        let frequency = |stem: &str| -> u64 {
            [self.fields.title, self.fields.body]
                .iter()
                .map(|field| {
                    searcher
                        .doc_freq(&Term::from_field_text(*field, stem))
                        .unwrap_or(0)
                })
                .sum()
        };
        let mut ranked: Vec<(u64, String)> = stems
            .into_iter()
            .map(|stem| (frequency(&stem), stem))
            .filter(|(frequency, _)| *frequency > 0)
            .collect();
        ranked.sort_unstable_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let more = ranked.len() > MAX_PREFIX_WORDS;
        ranked.truncate(MAX_PREFIX_WORDS);
        (ranked.into_iter().map(|(_, stem)| stem).collect(), more)
    }

    /// Analyzed words (one: a term; several: a phrase) in the title (boosted when searched
    /// with the body) and the body.
    fn words(&mut self, scope: Scope, words: &[String], positive: bool) -> Option<Box<dyn Query>> {
        let in_title = matches!(scope, Scope::All | Scope::Title);
        let in_body = matches!(scope, Scope::All | Scope::Body);
        if positive {
            if in_title {
                self.title.add(words.to_vec());
            }
            if in_body {
                self.body.add(words.to_vec());
            }
        }
        let mut fields = Vec::new();
        if in_title {
            let title = words_query(self.fields.title, words)?;
            fields.push((
                Occur::Should,
                if scope == Scope::All {
                    Box::new(BoostQuery::new(title, TITLE_BOOST)) as Box<dyn Query>
                } else {
                    title
                },
            ));
        }
        if in_body {
            let body = self
                .fields
                .pairs
                .and_then(|pairs| PairPhraseQuery::new(self.fields.body, pairs, words))
                .map_or_else(
                    || words_query(self.fields.body, words),
                    |query| Some(Box::new(query) as Box<dyn Query>),
                )?;
            fields.push((Occur::Should, body));
        }
        Some(if fields.len() == 1 {
            fields.remove(0).1
        } else {
            Box::new(BooleanQuery::new(fields))
        })
    }

    /// Plain words typed next to each other (`coalition of the willing` without quotes) are
    /// highlighted as one range where they stand together in the text.
    fn implicit_phrases(&mut self, items: &[Node]) {
        let mut run: Vec<String> = Vec::new();
        let flush = |run: &mut Vec<String>, title: &mut Matchers, body: &mut Matchers| {
            if run.len() > 1 {
                title.add(run.clone());
                body.add(run.clone());
            }
            run.clear();
        };
        for item in items {
            match item {
                Node::Text {
                    scope: Scope::All,
                    text,
                    phrase: false,
                } => run.extend(tokens(&mut self.news, text)),
                _ => flush(&mut run, &mut self.title, &mut self.body),
            }
        }
        flush(&mut run, &mut self.title, &mut self.body);
    }

    fn person(&mut self, name: &str, positive: bool) -> Box<dyn Query> {
        let found = match self.people {
            Some(people) => people.resolve(name),
            None => crate::people::PersonMatch {
                keys: vec![exact_key(name)],
                canonical: None,
                note: None,
            },
        };
        if let Some(note) = found.note {
            self.note(note);
        }
        if positive {
            self.person_keys.extend(found.keys.iter().cloned());
        }
        let terms = found
            .keys
            .iter()
            .map(|key| Term::from_field_text(self.fields.person, key));
        filter(Box::new(TermSetQuery::new(terms)))
    }
}

/// One word as a term query, several (a phrase, or `covid-19`) as a phrase query.
fn words_query(field: Field, words: &[String]) -> Option<Box<dyn Query>> {
    match words {
        [] => None,
        [word] => Some(Box::new(TermQuery::new(
            Term::from_field_text(field, word),
            IndexRecordOption::WithFreqs,
        ))),
        _ => Some(Box::new(PhraseQuery::new(
            words
                .iter()
                .map(|word| Term::from_field_text(field, word))
                .collect(),
        ))),
    }
}

/// Whether a query has only exclusions (`NOT x`, `-a -b`): every article but those.
fn only_excludes(node: &Node) -> bool {
    match node {
        Node::Not(_) => true,
        Node::And(items) => items.iter().all(|item| matches!(item, Node::Not(_))),
        _ => false,
    }
}

/// A query that selects without scoring.
fn filter(query: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, 0.0))
}

/// A boolean query of only exclusions matches nothing in tantivy: exclude from everything.
fn with_positive(mut clauses: Vec<(Occur, Box<dyn Query>)>) -> Vec<(Occur, Box<dyn Query>)> {
    if clauses.iter().all(|(occur, _)| *occur == Occur::MustNot) {
        clauses.push((Occur::Must, filter(Box::new(AllQuery))));
    }
    clauses
}
