use std::path::PathBuf;

/// Everything that can go wrong in the page store.
///
/// A variant's message says what failed and where; its cause is its `source()`, printed once
/// by whoever walks the chain (`{err:#}` in the binary), never repeated in the message.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database could not be opened or created at this path.
    #[error("cannot open page store `{path}`")]
    Open {
        /// The database file.
        path: PathBuf,
        /// SQLite's reason.
        #[source]
        source: rusqlite::Error,
    },
    /// The directory for a new database could not be created.
    #[error("cannot create the directory of page store `{path}`")]
    CreateDir {
        /// The directory that could not be created.
        path: PathBuf,
        /// The file system's reason.
        #[source]
        source: std::io::Error,
    },
    /// The file system holding the store is full (SQLite's own error is often a generic
    /// I/O one; it is kept as the source).
    #[error("page store `{path}`: No space left on device ({free} bytes free)")]
    NoSpace {
        /// The database file.
        path: PathBuf,
        /// Bytes still free on its file system when the write failed.
        free: u64,
        /// SQLite's own error, often a generic "disk I/O error".
        #[source]
        source: rusqlite::Error,
    },
    /// A read-only opening found no database there.
    #[error("no page store at `{path}`")]
    Missing {
        /// The path that was to be opened read-only.
        path: PathBuf,
    },
    /// A query on an open store failed (disk full, corrupt file, locked too long).
    #[error("page store query failed")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored body could not be compressed or decompressed.
    #[error("page store: body of `{url}` could not be (de)compressed")]
    Compression {
        /// The page whose body it was.
        url: String,
        /// zstd's reason.
        #[source]
        source: std::io::Error,
    },
    /// [`crate::PageStore::link`] was asked about a URL that leads to no stored page.
    #[error("page store: no page stored for `{url}`")]
    NotStored {
        /// The URL given to `link`.
        url: String,
    },
}

/// `Result` with the store's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
