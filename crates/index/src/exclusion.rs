//! A wrapper for what a query excludes (`-"paris agreement"`, `NOT body:x`), working around a
//! tantivy 0.27 assertion.
//!
//! tantivy's `Exclude` asks its exclusion "is document `d` in you?" through `seek_danger(d)`,
//! also for a `d` before the document the exclusion stands on (the first call, made from
//! `Exclude::new`, asks about the first candidate whatever the exclusion's position).
//! `PhraseScorer::seek_danger` asserts `d >= doc()` in debug builds, so a debug build (the
//! tests, the fuzzer) panicked on `climate -body:"paris agreement"`; release builds answer
//! correctly, since the term postings below the phrase report a document before their own
//! as not found. (Found by the `query` fuzz target; input kept in
//! `fuzz/regressions/query/tantivy-phrase-scorer-seek-under-exclusion`.)
//!
//! The wrapper's scorer answers `seek_danger` with `DocSet`'s default, which seeks only
//! forward and reports a document behind its position as not found: the same answer, with
//! no assertion to trip.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

/// What `inner` matches, for use as a `MustNot` clause.
#[derive(Debug)]
pub struct Excluded(pub Box<dyn Query>);

impl Clone for Excluded {
    fn clone(&self) -> Self {
        Self(self.0.box_clone())
    }
}

impl Query for Excluded {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(ExcludedWeight(self.0.weight(enable_scoring)?)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor);
    }
}

struct ExcludedWeight(Box<dyn Weight>);

impl Weight for ExcludedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(ExcludedScorer(self.0.scorer(reader, boost)?)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

struct ExcludedScorer(Box<dyn Scorer>);

impl DocSet for ExcludedScorer {
    fn advance(&mut self) -> DocId {
        self.0.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.0.seek(target)
    }

    // `seek_danger` is left to the default, which is the point of this type.

    fn doc(&self) -> DocId {
        self.0.doc()
    }

    fn size_hint(&self) -> u32 {
        self.0.size_hint()
    }

    fn cost(&self) -> u64 {
        self.0.cost()
    }
}

impl Scorer for ExcludedScorer {
    fn score(&mut self) -> Score {
        self.0.score()
    }
}
