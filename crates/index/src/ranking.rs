//! A ranking that depends only on the live articles, never on how the index happens to be laid
//! out in segments.
//!
//! tantivy's BM25 counts deleted documents in its statistics (document count, document
//! frequencies, average length) until a merge drops them, and it orders equal scores by
//! document address. Both are history, not content: an archive ingested with upserts keeps
//! the replaced versions of its articles in its segments for a while, while the same archive
//! merged from shards (`newsdex import`) or rebuilt holds none and numbers its documents in
//! another order. So the same articles would rank differently in two archives that hold the
//! same thing, and the top ten of a query would depend on which copies of a syndicated story
//! (equal scores) happened to be numbered first.
//!
//! Here the statistics count live documents only ([`LiveStatistics`]), and ranked results are
//! in a total order: score, then article URL (unique in the archive), for relevance
//! ([`top_by_score`]); publication date, then URL, by date ([`top_by_date`]).

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use tantivy::collector::sort_key::{SortByStaticFastValue, SortByString};
use tantivy::collector::{Collector, SegmentCollector, TopDocs};
use tantivy::columnar::StrColumn;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::SegmentId;
use tantivy::query::{Bm25StatisticsProvider, Query, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{
    DocAddress, DocId, DocSet, Order, Score, Searcher, SegmentOrdinal, SegmentReader, TERMINATED,
    Term,
};

use crate::Result;

/// The column that breaks ties: the article's URL, the key it is upserted by.
const TIE_BREAK: &str = "url";

/// The `limit` best documents matching `query` by BM25 over the live documents, equal scores
/// in URL order.
pub(crate) fn top_by_score(
    searcher: &Searcher,
    query: &dyn Query,
    limit: usize,
) -> Result<Vec<(Score, DocAddress)>> {
    let statistics = LiveStatistics::new(searcher);
    Ok(searcher.search_with_statistics_provider(query, &ByScoreThenUrl { limit }, &statistics)?)
}

/// The `limit` newest documents matching `query` (undated ones last), documents published at
/// the same second in URL order.
pub(crate) fn top_by_date(
    searcher: &Searcher,
    query: &dyn Query,
    limit: usize,
) -> Result<Vec<(Option<tantivy::DateTime>, DocAddress)>> {
    let ranked = searcher.search(
        query,
        &TopDocs::with_limit(limit).order_by((
            (
                SortByStaticFastValue::<tantivy::DateTime>::for_field("published"),
                Order::Desc,
            ),
            (SortByString::for_field(TIE_BREAK), Order::Asc),
        )),
    )?;
    Ok(ranked
        .into_iter()
        .map(|((published, _), address)| (published, address))
        .collect())
}

/// Documents by score, best first.
pub(crate) type ByScore = Vec<(Score, DocAddress)>;
/// Documents by publication date, newest first (undated last).
pub(crate) type ByDate = Vec<(Option<tantivy::DateTime>, DocAddress)>;

/// [`top_by_score`] and what `other` collects, in one pass over the matches.
pub(crate) fn top_by_score_with<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    limit: usize,
    other: C,
) -> Result<(ByScore, C::Fruit)> {
    let statistics = LiveStatistics::new(searcher);
    let (ranked, fruit) = searcher.search_with_statistics_provider(
        query,
        &(ByScoreThenUrl { limit }, other),
        &statistics,
    )?;
    Ok((ranked, fruit))
}

/// [`top_by_date`] and what `other` collects, in one pass over the matches.
pub(crate) fn top_by_date_with<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    limit: usize,
    other: C,
) -> Result<(ByDate, C::Fruit)> {
    let (ranked, fruit) = searcher.search(
        query,
        &(
            TopDocs::with_limit(limit).order_by((
                (
                    SortByStaticFastValue::<tantivy::DateTime>::for_field("published"),
                    Order::Desc,
                ),
                (SortByString::for_field(TIE_BREAK), Order::Asc),
            )),
            other,
        ),
    )?;
    let ranked = ranked
        .into_iter()
        .map(|((published, _), address)| (published, address))
        .collect();
    Ok((ranked, fruit))
}

/// BM25 statistics over the live documents of a searcher: what an index holding only those
/// documents, in any number of segments, would report.
///
/// Document frequencies subtract the deleted documents that have the term (the term's
/// postings are sought to each deleted document, so the cost follows the number of deletions,
/// not of postings). The average length is taken from the length norms the scorer itself
/// uses (summed over live documents, once per segment state), since the exact token counts of
/// deleted documents are not kept.
pub(crate) struct LiveStatistics<'a> {
    searcher: &'a Searcher,
}

impl<'a> LiveStatistics<'a> {
    pub(crate) fn new(searcher: &'a Searcher) -> Self {
        Self { searcher }
    }
}

impl Bm25StatisticsProvider for LiveStatistics<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        let mut total = 0;
        for segment in self.searcher.segment_readers() {
            total += norm_total(segment, field)?;
        }
        Ok(total)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.searcher.num_docs())
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let mut total = 0;
        for segment in self.searcher.segment_readers() {
            let inverted = segment.inverted_index(term.field())?;
            let Some(info) = inverted.get_term_info(term)? else {
                continue;
            };
            let mut live = u64::from(info.doc_freq);
            if segment.has_deletes() {
                let deleted = deleted_docs(segment);
                let mut postings =
                    inverted.read_postings_from_terminfo(&info, IndexRecordOption::Basic)?;
                for &doc in deleted.iter() {
                    let mut at = postings.doc();
                    if at < doc {
                        at = postings.seek(doc);
                    }
                    if at == TERMINATED {
                        break;
                    }
                    if at == doc {
                        live = live.saturating_sub(1);
                    }
                }
            }
            total += live;
        }
        Ok(total)
    }
}

/// What a segment's live documents are known by: its id and how many of its documents are
/// deleted (deletions only grow, so the pair names one state of the segment).
type SegmentState = (SegmentId, u32);

/// Facts about segment states, computed once per process: a segment state never changes, and
/// the same ones are asked about by every search until the next commit or merge.
#[derive(Default)]
struct Memo {
    deleted: HashMap<SegmentState, Arc<[DocId]>>,
    norms: HashMap<(SegmentState, Field), u64>,
}

/// Entries kept before the memo starts afresh: far more than the segments of the indexes one
/// process has open, so clearing only forgets segments merged away long ago.
const MEMO_ENTRIES: usize = 4096;

static MEMO: LazyLock<Mutex<Memo>> = LazyLock::new(Mutex::default);

fn memo() -> std::sync::MutexGuard<'static, Memo> {
    // A memo of facts: a panic elsewhere cannot leave it wrong, only incomplete.
    let mut memo = MEMO.lock().unwrap_or_else(PoisonError::into_inner);
    if memo.deleted.len() + memo.norms.len() > MEMO_ENTRIES {
        *memo = Memo::default();
    }
    memo
}

fn state(segment: &SegmentReader) -> SegmentState {
    (segment.segment_id(), segment.num_deleted_docs())
}

/// The deleted documents of a segment, in order.
fn deleted_docs(segment: &SegmentReader) -> Arc<[DocId]> {
    let key = state(segment);
    if let Some(deleted) = memo().deleted.get(&key) {
        return Arc::clone(deleted);
    }
    let deleted: Arc<[DocId]> = match segment.alive_bitset() {
        Some(alive) => (0..segment.max_doc())
            .filter(|doc| alive.is_deleted(*doc))
            .collect(),
        None => Arc::from([]),
    };
    memo().deleted.insert(key, Arc::clone(&deleted));
    deleted
}

/// The sum of the length norms of `field` over a segment's live documents.
fn norm_total(segment: &SegmentReader, field: Field) -> tantivy::Result<u64> {
    let key = (state(segment), field);
    if let Some(total) = memo().norms.get(&key) {
        return Ok(*total);
    }
    let Some(norms) = segment.fieldnorms_readers().get_field(field)? else {
        // No norms: tantivy scores every document as one token long.
        return Ok(u64::from(segment.num_docs()));
    };
    // Counted per norm code, then summed: one byte read per document.
    let mut counts = [0u64; 256];
    match segment.alive_bitset() {
        Some(alive) => {
            for doc in 0..segment.max_doc() {
                if alive.is_alive(doc) {
                    counts[usize::from(norms.fieldnorm_id(doc))] += 1;
                }
            }
        }
        None => {
            for doc in 0..segment.max_doc() {
                counts[usize::from(norms.fieldnorm_id(doc))] += 1;
            }
        }
    }
    let total = (0..=u8::MAX)
        .map(|id| counts[usize::from(id)] * u64::from(FieldNormReader::id_to_fieldnorm(id)))
        .sum();
    memo().norms.insert(key, total);
    Ok(total)
}

/// Top documents by score, then URL: tantivy's top-by-score collection (block-max pruning
/// included), with ties at the cut kept so that the URL can decide between them.
struct ByScoreThenUrl {
    limit: usize,
}

/// A document kept by a segment: compared so that the worst is the greatest (the top of a
/// max-heap is the one to drop).
#[derive(Debug, Clone, Copy)]
struct Kept {
    score: Score,
    /// The URL's order in the segment's URL column (its dictionary is sorted, so this order is
    /// the URL's order); `u64::MAX` without one.
    url: u64,
    doc: DocId,
}

impl Kept {
    fn rank(&self, other: &Self) -> Ordering {
        other
            .score
            .total_cmp(&self.score)
            .then(self.url.cmp(&other.url))
            .then(self.doc.cmp(&other.doc))
    }
}

impl PartialEq for Kept {
    fn eq(&self, other: &Self) -> bool {
        self.rank(other) == Ordering::Equal
    }
}

impl Eq for Kept {}

impl PartialOrd for Kept {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Kept {
    fn cmp(&self, other: &Self) -> Ordering {
        self.rank(other)
    }
}

struct ByScoreThenUrlSegment {
    limit: usize,
    segment: SegmentOrdinal,
    urls: Option<StrColumn>,
    kept: BinaryHeap<Kept>,
}

impl ByScoreThenUrlSegment {
    /// Keeps the document if it ranks among the best, and returns the score a document must
    /// now exceed to be worth looking at: just below the worst kept one's, so that a document
    /// of equal score still reaches the URL comparison.
    fn push(&mut self, doc: DocId, score: Score) -> Score {
        let url = self
            .urls
            .as_ref()
            .and_then(|column| column.ords().first(doc))
            .unwrap_or(u64::MAX);
        let candidate = Kept { score, url, doc };
        if self.kept.len() < self.limit {
            self.kept.push(candidate);
        } else if let Some(worst) = self.kept.peek()
            && candidate < *worst
        {
            self.kept.pop();
            self.kept.push(candidate);
        }
        match self.kept.peek() {
            Some(worst) if self.kept.len() >= self.limit => worst.score.next_down(),
            _ => Score::MIN,
        }
    }
}

/// What a segment keeps: its best documents, best first, with their URL orders, and the URL
/// column to read the URLs of those whose score ties with another's.
pub(crate) struct SegmentBest {
    urls: Option<StrColumn>,
    segment: SegmentOrdinal,
    kept: Vec<Kept>,
}

impl SegmentCollector for ByScoreThenUrlSegment {
    type Fruit = SegmentBest;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.push(doc, score);
    }

    fn harvest(self) -> Self::Fruit {
        SegmentBest {
            urls: self.urls,
            segment: self.segment,
            kept: self.kept.into_sorted_vec(),
        }
    }
}

impl Collector for ByScoreThenUrl {
    type Fruit = Vec<(Score, DocAddress)>;
    type Child = ByScoreThenUrlSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        Ok(ByScoreThenUrlSegment {
            limit: self.limit,
            segment,
            urls: reader.fast_fields().str(TIE_BREAK)?,
            kept: BinaryHeap::with_capacity(self.limit.saturating_add(1).min(1 << 16)),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<<Self::Child as SegmentCollector>::Fruit> {
        let child = self.for_segment(segment, reader)?;
        if self.limit == 0 {
            return Ok(child.harvest());
        }
        let mut child = child;
        let alive = reader.alive_bitset();
        let mut threshold = Score::MIN;
        weight.for_each_pruning(Score::MIN, reader, &mut |doc, score| {
            if alive.is_some_and(|alive| alive.is_deleted(doc)) {
                return threshold;
            }
            threshold = child.push(doc, score);
            threshold
        })?;
        Ok(child.harvest())
    }

    /// Orders the segments' best by score, then by URL: a URL is read only for a document
    /// whose score another shares (reading each kept document's URL from the column's
    /// dictionary, a block decoded per URL, was most of a search's time at a million
    /// articles: some 13 ms, for ties that are rare).
    fn merge_fruits(&self, segments: Vec<SegmentBest>) -> tantivy::Result<Self::Fruit> {
        let mut all: Vec<(Score, &SegmentBest, Kept)> = segments
            .iter()
            .flat_map(|best| best.kept.iter().map(move |kept| (kept.score, best, *kept)))
            .collect();
        all.sort_by(|a, b| b.0.total_cmp(&a.0));
        let url = |best: &SegmentBest, kept: &Kept| {
            let mut url = String::new();
            if let Some(column) = &best.urls
                && kept.url != u64::MAX
            {
                // An unreadable URL sorts first among its ties: still one fixed order.
                let _ = column.ord_to_str(kept.url, &mut url);
            }
            url
        };
        let mut ranked = Vec::with_capacity(all.len().min(self.limit));
        let mut at = 0;
        while at < all.len() && ranked.len() < self.limit {
            let score = all[at].0;
            let tied = all[at..]
                .iter()
                .take_while(|entry| entry.0.total_cmp(&score) == Ordering::Equal)
                .count();
            let run = &all[at..at + tied];
            if tied == 1 {
                ranked.push((score, DocAddress::new(run[0].1.segment, run[0].2.doc)));
            } else {
                let mut run: Vec<(String, DocAddress)> = run
                    .iter()
                    .map(|(_, best, kept)| {
                        (url(best, kept), DocAddress::new(best.segment, kept.doc))
                    })
                    .collect();
                run.sort();
                ranked.extend(run.into_iter().map(|(_, address)| (score, address)));
            }
            at += tied;
        }
        ranked.truncate(self.limit);
        Ok(ranked)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use crate::index::tests::article;
    use crate::{ArticleIndex, Config, SearchRequest, Sort};

    /// Words that no two articles share, so that no two are near-duplicates.
    fn filler(number: usize, words: usize) -> String {
        (0..words)
            .map(|word| format!("w{number}x{word}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The articles of the archive: many equal for a query (same lengths, same matches), some
    /// of other lengths, in several scripts.
    fn articles() -> Vec<newsdex_types::Article> {
        let mut all = Vec::new();
        for number in 0..24 {
            let (title, lead) = match number % 4 {
                0 => ("Выборы в Думу", "выборы прошли"),
                1 => ("港口 扩建", "港口 扩建 计划"),
                2 => ("Εκλογές σήμερα", "εκλογές σήμερα"),
                _ => ("Élections régionales", "élections régionales"),
            };
            let words = if number < 16 { 30 } else { 30 + number * 7 };
            let mut item = article(
                &format!("https://site{}.example/{number:02}", number % 3),
                title,
                &format!("{lead} {} budget", filler(number, words)),
            );
            item.published = Some(Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap());
            all.push(item);
        }
        all
    }

    fn results(index: &ArticleIndex, query: &str, sort: Sort) -> Vec<(String, f32)> {
        let mut request = SearchRequest::new(query);
        request.limit = 5;
        request.sort = sort;
        index
            .search(&request)
            .unwrap()
            .hits
            .into_iter()
            .map(|hit| (hit.url, hit.score))
            .collect()
    }

    /// Regression (issue 15): an archive ingested with upserts (replaced versions still in
    /// its segments) ranked the same articles differently from the same archive merged from
    /// shards or rebuilt: BM25 counted the deleted versions, and equal scores came in document
    /// order, so the top results cut a run of ties in different places.
    #[test]
    fn ranking_does_not_depend_on_deleted_versions_or_document_order() {
        let final_versions = articles();

        // Ingested: every article, half of them in a first version (other lengths, other
        // words) replaced later, over three commits, so that segments hold deleted versions.
        let ingested_dir = tempfile::tempdir().unwrap();
        let ingested = ArticleIndex::open(ingested_dir.path(), &Config::default()).unwrap();
        let mut writer = ingested.writer().unwrap();
        for (number, item) in final_versions.iter().enumerate() {
            let mut first = item.clone();
            if number % 2 == 0 {
                first.text = format!("budget {} выборы 港口", filler(100 + number, 5 + number));
            }
            writer.upsert(&first, &[]).unwrap();
        }
        writer.commit().unwrap();
        for (number, item) in final_versions
            .iter()
            .enumerate()
            .filter(|(n, _)| n % 2 == 0)
        {
            writer.upsert(item, &[]).unwrap();
            if number == 10 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        drop(writer);
        let searcher = ingested.reader.searcher();
        assert!(
            searcher.segment_readers().iter().any(|s| s.has_deletes()),
            "the ingested index should hold deleted versions"
        );
        drop(searcher);

        // Merged: only the final versions, written in the reverse order, one segment.
        let merged_dir = tempfile::tempdir().unwrap();
        let merged = ArticleIndex::open(merged_dir.path(), &Config::default()).unwrap();
        let mut writer = merged.writer().unwrap();
        for item in final_versions.iter().rev() {
            writer.upsert(item, &[]).unwrap();
        }
        writer.commit().unwrap();
        drop(writer);

        for query in [
            "budget",
            "выборы",
            "港口",
            "εκλογές OR élections",
            "\"выборы прошли\"",
        ] {
            let expected = results(&merged, query, Sort::Relevance);
            assert_eq!(expected.len(), 5, "{query}: {expected:?}");
            assert_eq!(
                results(&ingested, query, Sort::Relevance),
                expected,
                "{query}"
            );
            // Ties are in URL order, not document order.
            for pair in expected.windows(2) {
                assert!(
                    pair[0].1 > pair[1].1 || pair[0].0 < pair[1].0,
                    "{query}: {pair:?}"
                );
            }
        }
        // By date: all published at the same second, so URL order decides.
        let by_date = results(&merged, "budget", Sort::Date);
        assert_eq!(results(&ingested, "budget", Sort::Date), by_date);
        let urls: Vec<&str> = by_date.iter().map(|(url, _)| url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://site0.example/00",
                "https://site0.example/03",
                "https://site0.example/06",
                "https://site0.example/09",
                "https://site0.example/12"
            ]
        );
    }
}
