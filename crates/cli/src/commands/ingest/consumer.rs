//! The pipeline thread: stores each page the producer sends, skips what is already indexed,
//! and files and indexes the rest through [`Analyser::file`], the same step `rebuild` takes.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::Receiver;

use anyhow::Context;
use newsdex_fetcher::{Listing, Outcome};
use newsdex_index::ArticleIndex;
use newsdex_store::{PageStore, PutOutcome};
use newsdex_types::RawPage;

use super::report::Tally;
use super::{Item, Origin};
use crate::output;
use crate::pipeline::{Analyser, Filed, IndexSink};

/// The store, the analyser and the index sink, as the pipeline thread uses them.
pub struct Consumer<'a, 's> {
    pub store: &'a PageStore,
    pub index: &'a ArticleIndex,
    pub analyser: &'a Analyser,
    pub sink: &'a mut IndexSink<'s>,
}

impl Consumer<'_, '_> {
    /// Takes items until the producer is done; a store or index error stops the run (what
    /// was committed stays), a bad page is only counted.
    pub fn run(
        &mut self,
        receiver: &Receiver<Item>,
        tally: &mut Tally,
        expected: &AtomicUsize,
    ) -> anyhow::Result<()> {
        for item in receiver {
            self.take(item, tally)?;
            tally.progress(expected.load(Ordering::Relaxed));
        }
        Ok(())
    }

    fn take(&mut self, item: Item, tally: &mut Tally) -> anyhow::Result<()> {
        match item {
            Item::Local {
                label,
                origin,
                page: Ok(page),
            } => self.ingest(&label, &page, origin, None, tally),
            Item::Local {
                label,
                origin,
                page: Err(reason),
            } => {
                tally.fail(&label, "unreadable input", &reason, Some(origin));
                Ok(())
            }
            Item::Failed {
                label,
                origin,
                error,
            } => {
                tally.fail(&label, &error.reason(), &error.detail(), Some(origin));
                Ok(())
            }
            Item::Crawl(outcome) => self.take_outcome(outcome, tally),
        }
    }

    fn take_outcome(&mut self, outcome: Outcome, tally: &mut Tally) -> anyhow::Result<()> {
        match outcome {
            Outcome::Page { page, listing } => {
                tally.fetched += 1;
                let label = page.url.clone();
                self.ingest(&label, &page, Origin::Http, listing.as_ref(), tally)?;
            }
            Outcome::NotModified { url } => {
                tally.not_modified += 1;
                self.resume(&url, &url, Origin::Store, tally)?;
            }
            Outcome::Known { url } => self.resume(&url, &url, Origin::Store, tally)?,
            Outcome::Skipped { url, reason } => {
                let reason = reason.reason();
                tally.skip(&url, reason, reason, Origin::Http);
            }
            Outcome::Failed { url, error } => {
                tally.fail(&url, &error.reason(), &error.detail(), Some(Origin::Http));
            }
            Outcome::Source {
                url,
                kind,
                found,
                queued,
            } => tally.source(&url, kind.name(), found, queued),
        }
        Ok(())
    }

    /// Stores a page just fetched or read, then indexes it unless the same body is indexed.
    fn ingest(
        &mut self,
        label: &str,
        page: &RawPage,
        origin: Origin,
        listing: Option<&Listing>,
        tally: &mut Tally,
    ) -> anyhow::Result<()> {
        let stored = self
            .store
            .put(page)
            .with_context(|| format!("cannot store `{label}`"))?;
        if stored == PutOutcome::Alias {
            // The URL leads to an article stored from another URL, which stays its copy.
            return self.resume(label, &page.url, origin, tally);
        }
        if self.already_indexed(&page.url)? {
            tally.unchanged(label, origin);
            return Ok(());
        }
        self.file(label, page, origin, listing, tally)
    }

    /// A page the store already holds (not fetched again, or answered 304): nothing to do if
    /// it is indexed, else it is indexed now (an earlier run stopped before its commit).
    fn resume(
        &mut self,
        label: &str,
        url: &str,
        origin: Origin,
        tally: &mut Tally,
    ) -> anyhow::Result<()> {
        let pending = self
            .store
            .resolve(url)?
            .is_some_and(|key| self.sink.is_pending(&key));
        if pending || self.already_indexed(url)? {
            tally.unchanged(label, origin);
            return Ok(());
        }
        match self.store.get(url)? {
            Some(page) => self.file(label, &page, origin, None, tally),
            None => {
                tally.fail(
                    label,
                    "missing from the page store",
                    "missing from the page store",
                    None,
                );
                Ok(())
            }
        }
    }

    /// Files a stored page under its article's URL and indexes the article, unless another
    /// stored page is already that article (then this page became an alias of it).
    fn file(
        &mut self,
        label: &str,
        page: &RawPage,
        origin: Origin,
        listing: Option<&Listing>,
        tally: &mut Tally,
    ) -> anyhow::Result<()> {
        let key = crate::pipeline::page_key(self.store, &page.url)?;
        match self.analyser.file(self.store, page, &key)? {
            Err(failure) => {
                tally.fail(
                    label,
                    "cannot clean",
                    &output::one_line(&failure),
                    Some(origin),
                );
                Ok(())
            }
            Ok(Filed::Skipped(reason)) => {
                tally.skip(label, "not HTML", &reason, origin);
                self.sink.put_skipped(&key)
            }
            Ok(Filed::Own { analysed, .. }) => {
                let article_url = &analysed.article.url;
                tally.ingested(label, page, article_url, origin, listing);
                self.sink.put_article(article_url, &analysed)
            }
            Ok(Filed::SameAs { target, stored }) => {
                if self.sink.is_pending(&target) || self.already_indexed(&target)? {
                    tally.same_article(label, &target, origin);
                    Ok(())
                } else {
                    // The page kept for the article was never indexed (a run stopped early).
                    tally.ingested(label, page, &target, origin, listing);
                    self.sink.put_article(&target, &stored)
                }
            }
        }
    }

    /// Whether the stored body of this page has already gone through the pipeline into the
    /// index.
    fn already_indexed(&self, page_url: &str) -> anyhow::Result<bool> {
        let Some(summary) = self.store.summary(page_url)? else {
            return Ok(false);
        };
        if !summary.indexed {
            return Ok(false);
        }
        Ok(match summary.article_url {
            Some(article_url) => self.index.contains(&article_url)?,
            // Processed before and deliberately skipped (not HTML): nothing to redo.
            None => true,
        })
    }
}
