//! Analyses made elsewhere, looked up by page: `newsdex import` files the pages of Spark shards
//! with the same [`Analyser::file`](crate::pipeline::Analyser::file) a local ingest uses, and
//! that step analyses a page (and sometimes the page already stored under its canonical URL)
//! again. With the Spark tasks' analyses remembered here, it does not clean them twice.
//!
//! The cache is bounded: a page that fell out of it is simply cleaned again (the same cleaner
//! gives the same analysis), so memory stays flat however large the import.

use std::collections::{HashMap, VecDeque};
use std::hash::{DefaultHasher, Hash, Hasher};

use newsdex_types::RawPage;

use crate::pipeline::Analysis;

/// Page identity: what the cleaner reads of a page (its bytes, where it came from, its type
/// and fetch time), hashed with its length.
type PageId = (u64, usize);

fn page_id(page: &RawPage) -> PageId {
    let mut hasher = DefaultHasher::new();
    page.final_url.hash(&mut hasher);
    page.content_type().hash(&mut hasher);
    page.fetched_at.timestamp_micros().hash(&mut hasher);
    page.body.hash(&mut hasher);
    (hasher.finish(), page.body.len())
}

/// Remembered analyses, the oldest forgotten first past `capacity`.
pub struct KnownAnalyses {
    analyses: HashMap<PageId, Analysis>,
    order: VecDeque<PageId>,
    capacity: usize,
}

impl KnownAnalyses {
    pub fn new(capacity: usize) -> Self {
        Self {
            analyses: HashMap::new(),
            order: VecDeque::new(),
            capacity: capacity.max(1),
        }
    }

    pub fn insert(&mut self, page: &RawPage, analysis: &Analysis) {
        let id = page_id(page);
        if self.analyses.insert(id, analysis.clone()).is_none() {
            self.order.push_back(id);
        }
        while self.order.len() > self.capacity {
            if let Some(oldest) = self.order.pop_front() {
                self.analyses.remove(&oldest);
            }
        }
    }

    pub fn get(&self, page: &RawPage) -> Option<Analysis> {
        self.analyses.get(&page_id(page)).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_analysis_is_forgotten_past_the_capacity() {
        let mut known = KnownAnalyses::new(2);
        let pages: Vec<RawPage> = (0..3)
            .map(|n| RawPage::new(format!("https://example.gr/άρθρο/{n}"), 200, vec![n]))
            .collect();
        for page in &pages {
            known.insert(page, &Analysis::Skipped(page.url.clone()));
        }
        assert!(known.get(&pages[0]).is_none());
        assert!(
            matches!(known.get(&pages[2]), Some(Analysis::Skipped(url)) if url == pages[2].url)
        );
        // Another body at the same URL is another page.
        let mut changed = pages[2].clone();
        changed.body.push(1);
        assert!(known.get(&changed).is_none());
    }
}
