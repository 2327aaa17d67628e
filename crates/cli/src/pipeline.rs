//! The pipeline: a raw page in, an indexed article out. This is the one place where the
//! store, the cleaner, the person extractor and the index meet; `ingest` and `rebuild` both
//! drive it, so a page is processed the same way whether it was just fetched or re-read from
//! the page store.

use newsdex_cleaner::{Article, Cleaner};
use newsdex_index::ArticleWriter;
use newsdex_persons::{Extractor, Person};
use newsdex_store::{PageStore, RawPage, normalize_url};

/// Cleaner and person extractor, built once and shared by every page.
pub struct Analyser {
    cleaner: Cleaner,
    extractor: Extractor,
}

/// What the pipeline made of one page.
pub enum Analysis {
    Article(Box<(Article, Vec<Person>)>),
    /// Deliberately not indexed (not HTML); the reason says why.
    Skipped(String),
}

impl Analyser {
    pub fn new() -> Self {
        Self {
            cleaner: Cleaner::new(newsdex_cleaner::Config::default()),
            extractor: Extractor::new(),
        }
    }

    /// Cleans a page and finds its persons. Errors are one-line reasons, without the URL.
    pub fn analyse(&self, page: &RawPage) -> Result<Analysis, String> {
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
        let mut article = self
            .cleaner
            .clean(&page.body, &page.final_url, page.content_type())
            .map_err(|err| err.to_string())?;
        // One key per article however it was reached: the same normalisation as the store's.
        if let Ok(url) = normalize_url(&article.url) {
            article.url = url;
        }
        let persons = self
            .extractor
            .extract(&format!("{}\n\n{}", article.title, article.text));
        Ok(Analysis::Article(Box::new((article, persons))))
    }
}

/// Writes analysed pages into the index and records them in the store, committing in batches.
///
/// A page is marked indexed in the store only after the commit that made it durable, so an
/// interrupted run never leaves the store claiming an article the index lost.
pub struct IndexSink<'a> {
    store: &'a PageStore,
    writer: ArticleWriter<'a>,
    pending: Vec<(String, Option<String>)>,
    commit_every: usize,
}

impl<'a> IndexSink<'a> {
    pub fn new(store: &'a PageStore, writer: ArticleWriter<'a>, commit_every: usize) -> Self {
        Self {
            store,
            writer,
            pending: Vec::new(),
            commit_every: commit_every.max(1),
        }
    }

    /// Indexes (or records as skipped) the analysis of the page stored under `page_url`.
    pub fn put(&mut self, page_url: &str, analysis: &Analysis) -> anyhow::Result<()> {
        let article_url = match analysis {
            Analysis::Article(boxed) => {
                let (article, persons) = boxed.as_ref();
                self.writer.upsert(article, persons)?;
                Some(article.url.clone())
            }
            Analysis::Skipped(_) => None,
        };
        self.pending.push((page_url.to_owned(), article_url));
        if self.pending.len() >= self.commit_every {
            self.commit()?;
        }
        Ok(())
    }

    pub fn commit(&mut self) -> anyhow::Result<()> {
        self.writer.commit()?;
        for (page_url, article_url) in self.pending.drain(..) {
            self.store.mark_indexed(&page_url, article_url.as_deref())?;
        }
        Ok(())
    }
}
