//! The index: a tantivy full-text index over clean articles, with persons as first-class fields.
//!
//! One document per article, upserted by article URL. The index lives in a directory of
//! *generations* (`gen-000001/`, ...) with a `CURRENT` file naming the live one, so that a
//! rebuild can fill a fresh generation while searches keep using the old one, and swap it in
//! with one atomic rename only when it is complete.
//!
//! ```no_run
//! use newsdex_index::{ArticleIndex, Config, SearchRequest};
//! let index = ArticleIndex::open("data/index", &Config::default())?;
//! let results = index.search(&SearchRequest::new("coalition of the willing"))?;
//! for hit in results.hits {
//!     println!("{} {}", hit.title, hit.url);
//! }
//! # Ok::<(), newsdex_index::Error>(())
//! ```

mod error;
mod generations;
mod index;
mod schema;
mod search;

pub use error::{Error, Result};
pub use index::{ArticleIndex, ArticleWriter, Config, IndexStats, Rebuild, StoredArticle};
pub use search::{SearchHit, SearchRequest, SearchResults};
