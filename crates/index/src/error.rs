use std::path::PathBuf;

/// Everything that can go wrong in the index.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Another process (an ingest or a rebuild) is writing to this index.
    #[error(
        "the index at `{path}` is being written by another newsdex process (ingest or rebuild); wait for it to finish"
    )]
    Locked { path: PathBuf },
    /// There is no index here yet (nothing was ingested).
    #[error("no index at `{path}` yet; ingest something first")]
    Missing { path: PathBuf },
    /// The index was rebuilt since this handle opened it; open it again.
    #[error("the index at `{path}` was rebuilt while newsdex was running; run the command again")]
    Stale { path: PathBuf },
    /// The index was built by an older newsdex, with different fields.
    #[error(
        "the index at `{path}` was built by an older newsdex; run `newsdex rebuild` to rebuild it from the page store"
    )]
    Outdated { path: PathBuf },
    /// The query could not be understood; `message` says where and what was expected.
    #[error("invalid query `{query}`: {message}")]
    Query { query: String, message: String },
    /// A filter given beside the query (a person, site, date or language) is not valid.
    #[error("invalid {filter} `{value}`: {message}")]
    Filter {
        filter: &'static str,
        value: String,
        message: String,
    },
    /// A filesystem operation on the index directory failed.
    #[error("index `{path}`: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// tantivy failed (corrupt files, out of disk, ...).
    #[error("index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

/// `Result` with the index's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

pub(crate) fn io_error(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.into();
    move |source| Error::Io { path, source }
}
