//! The fetcher: gets raw pages politely and hands them on as [`newsdex_types::RawPage`]s for
//! the page store.
//! It knows nothing of HTML cleaning or the index.
//!
//! Sources are page URLs, RSS/Atom/JSON feeds, sitemaps (indexes, gzip, Google News) and
//! home pages whose feeds are discovered ([`Seed`]), crawled by a [`Crawler`] that obeys
//! robots.txt, paces each site, retries with backoff and refuses private addresses; and WARC
//! archives, read without any network ([`read_warc`]) or written from stored pages
//! ([`WarcExport`]).
//!
//! ```no_run
//! # async fn run() -> Result<(), newsdex_fetcher::Error> {
//! use newsdex_fetcher::{Config, Crawler, Outcome, Recall, Seed};
//! let crawler = Crawler::new(Config::default())?;
//! let seeds = vec![Seed::Feed("https://example.org/feed.xml".into())];
//! let mut crawl = crawler.start(seeds, |_url| Recall::Missing);
//! while let Some(outcome) = crawl.next().await {
//!     if let Outcome::Page { page, .. } = outcome {
//!         println!("{} bytes from {}", page.body.len(), page.final_url);
//!     }
//! }
//! # Ok(()) }
//! ```

mod config;
mod crawl;
mod error;
mod feed;
#[doc(hidden)]
pub mod fuzzing;
mod http;
mod net;
mod robots;
mod sitemap;
mod warc;

pub use config::{Config, Proxy};
pub use crawl::{Crawl, Crawler, Listing, Outcome, Recall, Seed, Skip, SourceKind};
pub use error::{Error, ParseProblem, Result, RobotsProblem, UrlProblem, WarcProblem};
pub use http::Validators;
pub use sitemap::parse_w3c_datetime;
pub use warc::{WarcExport, WarcPages, WarcStats, read_warc};
