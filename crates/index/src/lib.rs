//! The index: a tantivy full-text index over clean articles, with persons as first-class
//! fields, and the search over it.
//!
//! One document per article, upserted by article URL. The index lives in a directory of
//! *generations* (`gen-000001/`, ...) with a `CURRENT` file naming the live one, so that a
//! rebuild can fill a fresh generation while searches keep using the old one, and swap it in
//! with one atomic rename only when it is complete. Each generation keeps beside it the
//! archive's persons (`persons.json`), from which the alias table is built.
//!
//! Searches use a query language of their own (words ANDed, `OR`, `-word`, `"phrases"`,
//! `prefix*`, parentheses, `title:` `body:` `author:` `person:` `site:` `lang:` `after:`
//! `before:` `published:`); see [`SearchRequest`]. Words are matched with case and accents
//! folded in every script (see the `fold` module), and publication dates are kept between
//! 1700 and 2200, where tantivy stores them exactly.
//!
//! ```no_run
//! use newsdex_index::{ArticleIndex, Config, SearchRequest};
//! let index = ArticleIndex::open("data/index", &Config::default())?;
//! let results = index.search(&SearchRequest::new("\"coalition of the willing\" person:Starmer"))?;
//! for hit in results.hits {
//!     println!("{} {}", hit.title, hit.url);
//! }
//! # Ok::<(), newsdex_index::Error>(())
//! ```

mod compile;
mod dedup;
mod directory;
mod error;
mod exclusion;
mod facets;
mod fold;
mod generations;
mod highlight;
mod index;
mod pairs;
mod people;
mod query;
mod ranking;
mod schema;
mod search;
mod stemmer;
mod timeline;
mod watch;

pub use error::{Error, Result};
pub use facets::{FacetValue, Facets};
pub use highlight::to_html as highlighted_html;
pub use index::{ArticleIndex, ArticleWriter, Config, IndexStats, Rebuild, StoredArticle};
pub use index::{DupGroups, DupKey, ImportStats, Replacement, ShardDocument, shard_documents};
pub use people::PersonNames;
pub use search::{
    Filters, NearDuplicate, PersonsRequest, PersonsResults, SearchHit, SearchRequest,
    SearchResults, Sort,
};
pub use timeline::{
    Bucket, MAX_BUCKETS, Timeline, TimelineBucket, TimelineRequest, TimelineSeries,
};
pub use watch::{Arrivals, ArrivedHit, ArrivedMatches, arrival_time, check_query, next_arrival};
