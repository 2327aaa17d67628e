//! The pipeline: a raw page in, an indexed article out. This is where the store, the cleaner,
//! the person extractor and the index meet. Every command that files a stored page calls
//! [`Analyser::file`] (ingest, [`rebuild`] and `import`), so a page is processed the same way
//! whether it was just fetched, re-read from the page store or analysed by a Spark task; and
//! the two that write the archive's index article by article, ingest ([`IndexSink`]) and
//! [`rebuild`], index it with [`upsert`] and mark pages indexed only once the index holding
//! them is durable ([`Processed`]). `import` files records with the same step but builds its
//! index by merging the shards' (see `commands/import.rs`); `clean` calls
//! [`Analyser::analyse`], the same cleaning without the store.
//!
//! It also decides which URL an article is known by, in the store and in the index alike: the
//! canonical URL the page declares when that can be trusted ([`canonical_key`]), else the URL
//! the page came from; and whether another stored page is already the same article, in which
//! case this one only becomes an alias of it ([`Filed::SameAs`]).

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};

use anyhow::Context;
use newsdex_cleaner::Cleaner;
use newsdex_index::{ArticleWriter, Rebuild};
use newsdex_persons::{Extractor, Person};
use newsdex_store::PageStore;
use newsdex_types::{Article, RawPage, canonical_key, normalize_url};

/// Words of each text compared by [`same_story`]: enough to recognise a story, few enough that
/// a long article costs no more than a short one.
const COMPARED_WORDS: usize = 400;

/// Word 3-grams are specific enough that two different stories share few of them, and loose
/// enough that an AMP or print version with a different teaser still shares most.
const SHINGLE_WORDS: usize = 3;

/// Below this many 3-grams a text says too little; the titles decide instead.
const MIN_SHINGLES: usize = 20;

/// Share of the shorter text's 3-grams that must be in the other text for the two to be one
/// story: a truncated (paywalled, AMP) copy still passes, a different story does not.
const SAME_STORY_SHARE: f64 = 0.5;

/// Cleaner and person extractor, built once and shared by every page.
pub struct Analyser {
    cleaner: Cleaner,
    extractor: Extractor,
    /// Analyses made elsewhere (the Spark tasks of an import), by page: used instead of
    /// cleaning the page again when it comes by.
    known: Option<std::sync::Mutex<crate::known::KnownAnalyses>>,
}

/// An article and the persons it names: what the index stores for one page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AnalysedArticle {
    /// Its `url` is the key the article is known by.
    pub article: Article,
    pub persons: Vec<Person>,
}

/// What cleaning made of one page.
#[derive(Debug, Clone)]
pub enum Analysis {
    Article(Box<AnalysedArticle>),
    /// Deliberately not indexed (not an HTML page); the reason says why, for people.
    Skipped(String),
}

/// Why a page that should be an article could not be cleaned into one.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct CleanFailure(#[from] newsdex_cleaner::Error);

/// Where [`Analyser::file`] put a page, and what the index should hold for it.
#[derive(Debug)]
pub enum Filed {
    /// The page is its article's stored copy, now under `analysed.article.url`; when it had
    /// to move there from the key it was stored under, `moved_to` says so.
    Own {
        analysed: Box<AnalysedArticle>,
        moved_to: Option<String>,
    },
    /// The page stored under `target` is already this article: the page was made an alias
    /// of it. `stored` is that page's analysis, for indexing it if it is not indexed yet.
    SameAs {
        target: String,
        stored: Box<AnalysedArticle>,
    },
    /// Not an article (not HTML): nothing to index.
    Skipped(String),
}

impl Analyser {
    pub fn new() -> Self {
        Self {
            cleaner: Cleaner::new(newsdex_cleaner::Config::default()),
            extractor: Extractor::new(),
            known: None,
        }
    }

    /// An analyser that first looks pages up in `known` (see [`crate::known`]).
    pub fn with_known(known: crate::known::KnownAnalyses) -> Self {
        Self {
            known: Some(std::sync::Mutex::new(known)),
            ..Self::new()
        }
    }

    /// Remembers the analysis of `page` made elsewhere (a no-op without [`Self::with_known`]).
    pub fn remember(&self, page: &RawPage, analysis: &Analysis) {
        if let Some(known) = &self.known {
            known
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(page, analysis);
        }
    }

    /// Cleans a page and finds its persons; the article's `url` is its key by the page alone
    /// (a trusted canonical URL, else where the page came from).
    pub fn analyse(&self, page: &RawPage) -> Result<Analysis, CleanFailure> {
        if let Some(known) = &self.known
            && let Some(analysis) = known
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .get(page)
        {
            return Ok(analysis);
        }
        if !page.is_html() {
            let content_type = page
                .content_type()
                .unwrap_or("unknown")
                .split(';')
                .next()
                .unwrap_or("")
                .trim();
            return Ok(Analysis::Skipped(format!("not HTML (`{content_type}`)")));
        }
        let mut article = match self.cleaner.clean_at(
            &page.body,
            &page.final_url,
            page.content_type(),
            page.fetched_at,
        ) {
            Ok(article) => article,
            // Bytes that are not text at all are not a page that failed: they were never one.
            Err(newsdex_cleaner::Error::NotText) => {
                return Ok(Analysis::Skipped(
                    "not HTML (binary data under an HTML name or type)".to_owned(),
                ));
            }
            // A body still compressed (a WARC record or a file saved without decoding it) is
            // not a page this pipeline can read: say what it is instead of failing the batch.
            Err(newsdex_cleaner::Error::Compressed { format }) => {
                return Ok(Analysis::Skipped(format!(
                    "not HTML ({format}-compressed body that was never decoded)"
                )));
            }
            Err(err) => return Err(err.into()),
        };
        // One key per article however it was reached: the same normalisation as the store's.
        let own = own_url(page);
        article.url = article
            .canonical_url
            .as_deref()
            .and_then(|canonical| canonical_key(&own, canonical))
            .unwrap_or(own);
        let persons = self.extractor.extract_in(
            &format!("{}\n\n{}", article.title, article.text),
            article.language.as_deref(),
        );
        Ok(Analysis::Article(Box::new(AnalysedArticle {
            article,
            persons,
        })))
    }

    /// Cleans the page stored under `key` and files it in the store under its article's URL:
    /// its canonical URL, else the URL it came from, else `key` itself. A URL already holding
    /// another page is taken only when that page is the same story ([`Filed::SameAs`], and
    /// the page becomes its alias); different stories that claim one canonical URL (a CMS that
    /// gives every article of a section the same one) stay apart.
    ///
    /// The outer error is the store failing (stop the batch); the inner one is this page
    /// failing to clean (report it and go on).
    pub fn file(
        &self,
        store: &PageStore,
        page: &RawPage,
        key: &str,
    ) -> anyhow::Result<Result<Filed, CleanFailure>> {
        let mut analysed = match self.analyse(page) {
            Ok(Analysis::Article(analysed)) => analysed,
            Ok(Analysis::Skipped(reason)) => return Ok(Ok(Filed::Skipped(reason))),
            Err(failure) => return Ok(Err(failure)),
        };
        let own = own_url(page);
        let mut candidates = vec![analysed.article.url.clone()];
        if own != analysed.article.url {
            candidates.push(own);
        }
        for candidate in candidates {
            match store.resolve(&candidate)? {
                Some(found) if found == key => {
                    analysed.article.url = found;
                    return Ok(Ok(Filed::Own {
                        analysed,
                        moved_to: None,
                    }));
                }
                None => {
                    store.link(key, &candidate)?;
                    analysed.article.url.clone_from(&candidate);
                    return Ok(Ok(Filed::Own {
                        analysed,
                        moved_to: Some(candidate),
                    }));
                }
                Some(found) => {
                    if let Some(mut stored) = self.stored_article(store, &found)?
                        && same_story(&analysed.article, &stored.article)
                    {
                        store.link(key, &found)?;
                        stored.article.url.clone_from(&found);
                        return Ok(Ok(Filed::SameAs {
                            target: found,
                            stored,
                        }));
                    }
                }
            }
        }
        key.clone_into(&mut analysed.article.url);
        Ok(Ok(Filed::Own {
            analysed,
            moved_to: None,
        }))
    }

    /// The analysis of the page stored under `key`, if it is an article.
    fn stored_article(
        &self,
        store: &PageStore,
        key: &str,
    ) -> anyhow::Result<Option<Box<AnalysedArticle>>> {
        Ok(match store.get(key)?.map(|page| self.analyse(&page)) {
            Some(Ok(Analysis::Article(analysed))) => Some(analysed),
            _ => None,
        })
    }
}

/// The normalised URL a page's bytes came from (after redirects).
fn own_url(page: &RawPage) -> String {
    normalize_url(&page.final_url).unwrap_or_else(|_| page.url.clone())
}

/// Whether two articles are one story: most of the shorter text's word 3-grams (from its
/// first words) are in the other; for texts too short to say, the same title.
fn same_story(a: &Article, b: &Article) -> bool {
    let (left, right) = (shingles(&a.text), shingles(&b.text));
    let fewer = left.len().min(right.len());
    if fewer >= MIN_SHINGLES {
        let shared = left.intersection(&right).count();
        #[allow(clippy::cast_precision_loss)]
        return shared as f64 >= SAME_STORY_SHARE * fewer as f64;
    }
    let title = |article: &Article| words(&article.title).collect::<Vec<_>>();
    let title_a = title(a);
    !title_a.is_empty() && title_a == title(b)
}

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
}

fn shingles(text: &str) -> HashSet<u64> {
    let words: Vec<String> = words(text).take(COMPARED_WORDS).collect();
    words
        .windows(SHINGLE_WORDS)
        .map(|window| {
            let mut hasher = DefaultHasher::new();
            window.hash(&mut hasher);
            hasher.finish()
        })
        .collect()
}

/// The key the page store keeps `url` under: the stored page it leads to (through aliases),
/// or the URL itself for a page not stored yet.
pub fn page_key(store: &PageStore, url: &str) -> anyhow::Result<String> {
    Ok(store.resolve(url)?.unwrap_or_else(|| url.to_owned()))
}

/// Indexes the article of the page stored under `page_key` with the arrival the store keeps
/// for that page (given now if it is the page's first time): re-indexed and rebuilt articles
/// keep theirs, so saved searches never take them for new.
pub fn upsert(
    store: &PageStore,
    writer: &mut ArticleWriter<'_>,
    page_key: &str,
    analysed: &AnalysedArticle,
) -> anyhow::Result<()> {
    match store.arrival(page_key)? {
        Some(arrival) => writer.upsert_arrived(&analysed.article, &analysed.persons, arrival)?,
        // Not a stored page (nothing in the pipeline indexes one): the writer's own arrival.
        None => writer.upsert(&analysed.article, &analysed.persons)?,
    }
    Ok(())
}

/// Pages processed since the index holding them last became durable, each with the article
/// it became (none: skipped, nothing to index). They are marked indexed in the store only once
/// that index is durable, so an interrupted run never leaves the store claiming an article
/// the index lost.
#[derive(Debug, Default)]
pub struct Processed(Vec<(String, Option<String>)>);

impl Processed {
    /// Records the page stored under `page_key`, and the article it became, if any.
    pub fn push(&mut self, page_key: &str, article_url: Option<String>) {
        self.0.push((page_key.to_owned(), article_url));
    }

    /// How many pages wait for the index to become durable.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the page stored under `page_key` waits for the index to become durable.
    pub fn contains(&self, page_key: &str) -> bool {
        self.0.iter().any(|(key, _)| key == page_key)
    }

    /// Marks every recorded page indexed in one transaction (synced to disk: see
    /// [`PageStore::mark_indexed_all`]) and forgets them. Call it only after the index commit
    /// (or the rebuild's swap) that made their articles durable.
    pub fn mark_indexed(&mut self, store: &PageStore) -> anyhow::Result<()> {
        store.mark_indexed_all(
            self.0
                .iter()
                .map(|(key, article)| (key.as_str(), article.as_deref())),
        )?;
        self.0.clear();
        Ok(())
    }
}

/// Writes analysed pages into the index and records them in the store, committing in batches.
///
/// A page is marked indexed in the store only after the commit that made it durable, so an
/// interrupted run never leaves the store claiming an article the index lost.
pub struct IndexSink<'a> {
    store: &'a PageStore,
    writer: ArticleWriter<'a>,
    /// Page keys put since the last commit.
    pending: Processed,
    commit_every: usize,
}

impl<'a> IndexSink<'a> {
    /// `commit_every` is at least 1 (the flag's range says so).
    pub fn new(store: &'a PageStore, writer: ArticleWriter<'a>, commit_every: usize) -> Self {
        Self {
            store,
            writer,
            pending: Processed::default(),
            commit_every,
        }
    }

    /// Indexes the article of the page stored under `page_key`.
    pub fn put_article(
        &mut self,
        page_key: &str,
        analysed: &AnalysedArticle,
    ) -> anyhow::Result<()> {
        upsert(self.store, &mut self.writer, page_key, analysed)?;
        self.record(page_key, Some(analysed.article.url.clone()))
    }

    /// Records the page stored under `page_key` as processed with nothing to index.
    pub fn put_skipped(&mut self, page_key: &str) -> anyhow::Result<()> {
        self.record(page_key, None)
    }

    fn record(&mut self, page_key: &str, article_url: Option<String>) -> anyhow::Result<()> {
        self.pending.push(page_key, article_url);
        if self.pending.len() >= self.commit_every {
            self.commit()?;
        }
        Ok(())
    }

    /// Whether the page stored under `page_key` was put since the last commit.
    pub fn is_pending(&self, page_key: &str) -> bool {
        self.pending.contains(page_key)
    }

    /// Commits the index, then marks the pages put since the last commit indexed.
    pub fn commit(&mut self) -> anyhow::Result<()> {
        self.writer.commit()?;
        self.pending.mark_indexed(self.store)
    }
}

/// What [`rebuild`] made of the page store.
#[derive(Debug, Default)]
pub struct Rebuilt {
    /// Stored pages read (aliases and pages moved during the rebuild counted once).
    pub pages: usize,
    /// Pages indexed as their article's stored copy.
    pub articles: usize,
    /// Pages that are not articles (not HTML).
    pub skipped: usize,
    /// Pages that failed to clean.
    pub failed: usize,
    /// Pages found to be the same story as another stored page, which became their alias.
    pub merged: usize,
}

/// Files every stored page again with [`Analyser::file`] and indexes its article into
/// `rebuild` (a new index generation), swaps that generation in, and only then marks the
/// pages indexed. `on_failure` hears of each page that fails to clean (the URL and why); the
/// rebuild goes on without it. A store or index error stops the rebuild and leaves the live
/// index as it was.
pub fn rebuild(
    store: &PageStore,
    analyser: &Analyser,
    mut rebuild: Rebuild,
    mut on_failure: impl FnMut(&str, &CleanFailure),
) -> anyhow::Result<Rebuilt> {
    let mut tally = Rebuilt::default();
    let mut processed = Processed::default();
    // Keys pages were moved to during this rebuild: the scan meets them again further on.
    let mut moved = HashSet::new();
    for page in store.pages(256) {
        let page = page?;
        let Some(key) = store.resolve(&page.url)? else {
            continue;
        };
        if moved.contains(&key) {
            continue;
        }
        tally.pages += 1;
        match analyser.file(store, &page, &key)? {
            Ok(Filed::Own { analysed, moved_to }) => {
                if let Some(target) = moved_to {
                    moved.insert(target);
                }
                let url = &analysed.article.url;
                upsert(store, rebuild.writer(), url, &analysed)?;
                processed.push(url, Some(url.clone()));
                tally.articles += 1;
            }
            // The page kept under `target` is indexed when the scan reaches it (or was).
            Ok(Filed::SameAs { .. }) => tally.merged += 1,
            Ok(Filed::Skipped(_)) => {
                processed.push(&key, None);
                tally.skipped += 1;
            }
            Err(failure) => {
                on_failure(&page.url, &failure);
                tally.failed += 1;
            }
        }
    }
    rebuild.finish().context("cannot finish the rebuild")?;
    processed.mark_indexed(store)?;
    Ok(tally)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(title: &str, text: &str) -> Article {
        Article {
            title: title.to_owned(),
            text: text.to_owned(),
            ..Article::default()
        }
    }

    const STORY: &str = "The harbour council voted on Tuesday to rebuild the northern pier \
        after the winter storms damaged its foundations, a project expected to cost twelve \
        million euros and to take three years. Fishermen who use the pier said they would move \
        their boats to the southern basin while the work goes on, and asked the council to \
        lower the mooring fees there for the duration.";

    #[test]
    fn copies_of_one_story_are_the_same_story() {
        let full = article("Council votes to rebuild pier", STORY);
        let teaser = format!("Read the full story below. {}", &STORY[..200]);
        let amp = article("Council votes to rebuild pier | AMP", &teaser);
        assert!(same_story(&full, &amp));
        assert!(same_story(&amp, &full));
    }

    #[test]
    fn different_stories_are_not_the_same_story_even_with_one_title() {
        let other = "The regional airport reported record passenger numbers for the summer, \
            with new routes to three capitals and a second terminal opening in spring. Airlines \
            said demand had recovered faster than expected, and the airport board approved a \
            plan to extend the runway by four hundred metres.";
        let a = article("Live updates", STORY);
        let b = article("Live updates", other);
        assert!(!same_story(&a, &b));
        // Too little text to compare: the titles decide.
        assert!(same_story(
            &article("Storm warning", "Short."),
            &article("Storm Warning", "")
        ));
        assert!(!same_story(
            &article("Storm warning", "Short."),
            &article("Heat wave", "")
        ));
        assert!(!same_story(&article("", ""), &article("", "")));
    }
}
