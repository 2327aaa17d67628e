//! newsdex's shared vocabulary: the types and URL policy that more than one step of the
//! pipeline `fetcher -> store -> cleaner -> index` speaks, kept apart from any of the steps
//! so that each crate depends only on what it uses (the fetcher needs no SQLite to build a
//! [`RawPage`], the index no HTML parser to read an [`Article`]).
//!
//! - [`RawPage`]: one response as it came off the wire, with its header helpers.
//! - [`Article`] and its [`Block`]s: what the cleaner makes of a page.
//! - URL policy: [`normalize_url`] (the store's key), [`canonical_key`] (which canonical URLs
//!   are trusted), [`redact_credentials`], and [`site_of`], the one answer to "which site is
//!   this": the registrable domain from the public suffix list.
//!
//! ```
//! use newsdex_types::{RawPage, normalize_url, site_of_host};
//! let url = normalize_url("HTTPS://www.BBC.co.uk/news/a?utm_source=x#top")?;
//! assert_eq!(url, "https://www.bbc.co.uk/news/a");
//! assert_eq!(site_of_host("news.bbc.co.uk"), "bbc.co.uk");
//! let page = RawPage::new(url, 200, b"<html>...</html>".to_vec());
//! assert!(page.is_html());
//! # Ok::<(), newsdex_types::InvalidUrl>(())
//! ```

mod article;
pub mod controls;
mod page;
mod urlnorm;

pub use article::{Article, Block, BlockKind, Link};
pub use page::{RawPage, find_header, is_html_content_type};
pub use urlnorm::{
    InvalidUrl, canonical_key, is_tracking_param, normalize_url, redact_credentials, site_of,
    site_of_host, strip_credentials,
};
