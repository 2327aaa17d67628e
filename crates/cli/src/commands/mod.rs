//! One module per `newsdex` subcommand.

pub mod clean;
pub mod clean_warc;
pub mod eval;
pub mod export;
pub mod import;
pub mod ingest;
pub mod persons;
pub mod rebuild;
pub mod search;
pub mod serve;
pub mod shard;
pub mod show;
pub mod stats;
pub mod timeline;
pub mod watch;
