//! The fetcher: gets raw pages from the web politely and hands them on as [`RawPage`]s for the
//! page store. It knows nothing of HTML cleaning or the index.
//!
//! ```no_run
//! # async fn run() -> Result<(), newsdex_fetcher::Error> {
//! use newsdex_fetcher::{Config, Fetcher};
//! let fetcher = Fetcher::new(Config::default())?;
//! let page = fetcher.fetch("https://example.org/news/story").await?;
//! println!("{} bytes from {}", page.body.len(), page.final_url);
//! # Ok(()) }
//! ```

mod error;
mod fetch;

pub use error::{Error, Result};
pub use fetch::{Config, Fetcher};
pub use newsdex_store::RawPage;
