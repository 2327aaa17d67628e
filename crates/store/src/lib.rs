//! The page store: every raw response newsdex has fetched or imported, kept so that
//! nothing ever has to be fetched twice and `newsdex rebuild` can re-clean everything offline.
//!
//! Pages live in one SQLite database (bundled build, WAL mode), keyed by the normalised URL
//! ([`normalize_url`]), with bodies compressed by zstd. An article reached through several
//! URLs is stored once: [`PageStore::link`] files a page under its article's canonical URL
//! (see [`canonical_key`] for which canonical URLs are trusted) and the other URLs become
//! aliases that every lookup follows. The store knows nothing about HTML,
//! cleaning or search; it is the first stop of the one-way pipeline
//! `fetcher -> store -> cleaner -> index`.
//!
//! ```no_run
//! use newsdex_store::{PageStore, RawPage};
//! let store = PageStore::open("data/pages.db")?;
//! let page = RawPage::new("https://example.org/a", 200, b"<html>...</html>".to_vec());
//! store.put(&page)?;
//! assert!(store.get("https://example.org/a")?.is_some());
//! # Ok::<(), newsdex_store::Error>(())
//! ```

mod error;
mod page;
mod store;
mod urlnorm;
mod watches;

pub use error::{Error, Result};
pub use page::{RawPage, find_header, is_html_content_type};
pub use store::{Link, PageStore, PageSummary, Pages, PutOutcome};
pub use urlnorm::{
    canonical_key, is_tracking_param, normalize_url, redact_credentials, site_of, strip_credentials,
};
pub use watches::Watch;
