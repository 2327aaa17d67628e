use std::path::PathBuf;

/// Everything that can go wrong in the index.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Another process (an ingest or a rebuild) is writing to this index.
    #[error(
        "the index at `{path}` is being written by another newsdex process (ingest or rebuild); wait for it to finish"
    )]
    Locked {
        /// The index's root directory.
        path: PathBuf,
    },
    /// There is no index here yet (nothing was ingested).
    #[error("no index at `{path}` yet; ingest something first")]
    Missing {
        /// The index's root directory.
        path: PathBuf,
    },
    /// The index was rebuilt since this handle opened it; open it again.
    #[error("the index at `{path}` was rebuilt while newsdex was running; run the command again")]
    Stale {
        /// The index's root directory.
        path: PathBuf,
    },
    /// The index was built by an older newsdex, with different fields.
    #[error(
        "the index at `{path}` was built by an older newsdex; run `newsdex rebuild` to rebuild it from the page store"
    )]
    Outdated {
        /// The index's root directory.
        path: PathBuf,
    },
    /// The query could not be understood; `message` says where and what was expected.
    #[error("invalid query `{}`: {}", Shown(query), Shown(message))]
    Query {
        /// The query as given.
        query: String,
        /// Where it went wrong (a column) and what was expected.
        message: String,
    },
    /// A filter given beside the query (a person, site, date or language) is not valid.
    #[error("invalid {filter} `{}`: {}", Shown(value), Shown(message))]
    Filter {
        /// Which filter (`person`, `site`, `since date`, ...).
        filter: &'static str,
        /// The value as given.
        value: String,
        /// What is wrong with it.
        message: String,
    },
    /// A filesystem operation on the index directory failed.
    ///
    /// This variant and the next two show what failed and leave the why to their source, so
    /// that a message with its causes (`{err:#}` in the cli) says "No space left on device"
    /// once.
    #[error("index `{path}`")]
    Io {
        /// The index's root directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// tantivy could not read or write a file of the index (out of disk, permissions, ...).
    #[error("the search index could not read or write {}", file(path.as_deref()))]
    Storage {
        /// The file, when tantivy says which.
        path: Option<PathBuf>,
        /// The I/O error tantivy met.
        #[source]
        source: std::io::Error,
    },
    /// tantivy failed otherwise (corrupt files, ...).
    #[error("the search index failed")]
    Tantivy(#[source] tantivy::TantivyError),
}

impl From<tantivy::TantivyError> for Error {
    /// An I/O failure inside tantivy becomes [`Error::Storage`] with the `io::Error` as its
    /// source (tantivy keeps it behind an `Arc` and only shows it in its own message), so
    /// that callers can find it in the chain and show it once.
    fn from(err: tantivy::TantivyError) -> Self {
        use tantivy::TantivyError as T;
        use tantivy::directory::error::{
            LockError, OpenDirectoryError, OpenReadError, OpenWriteError,
        };
        let (path, io) = match &err {
            T::IoError(io) | T::LockFailure(LockError::IoError(io), _) => (None, io),
            T::OpenWriteError(OpenWriteError::IoError { io_error, filepath })
            | T::OpenReadError(OpenReadError::IoError { io_error, filepath }) => {
                (Some(filepath), io_error)
            }
            T::OpenDirectoryError(OpenDirectoryError::IoError {
                io_error,
                directory_path,
            }) => (Some(directory_path), io_error),
            // Parts of tantivy (the document store's writer) keep only the I/O error's text;
            // std writes an OS error as "<what> (os error N)", from which it is rebuilt.
            T::InternalError(message) | T::ErrorInThread(message) | T::SystemError(message) => {
                return match os_error(message) {
                    Some(code) => Self::Storage {
                        path: None,
                        source: std::io::Error::from_raw_os_error(code),
                    },
                    None => Self::Tantivy(err),
                };
            }
            _ => return Self::Tantivy(err),
        };
        Self::Storage {
            path: path.cloned(),
            source: unshare(io),
        }
    }
}

fn file(path: Option<&std::path::Path>) -> String {
    path.map_or_else(
        || "its files".to_owned(),
        |path| format!("`{}`", path.display()),
    )
}

/// The OS error code of a message that ends with std's "(os error N)".
fn os_error(message: &str) -> Option<i32> {
    let (_, code) = message
        .trim_end_matches(['\'', '.'])
        .rsplit_once("(os error ")?;
    code.strip_suffix(')')?.parse().ok()
}

/// The `io::Error` behind tantivy's `Arc`: the same kind, OS error code and message.
fn unshare(io: &std::sync::Arc<std::io::Error>) -> std::io::Error {
    match io.raw_os_error() {
        Some(code) => std::io::Error::from_raw_os_error(code),
        None => std::io::Error::new(io.kind(), io.to_string()),
    }
}

/// `err` and its causes, `: `-separated (what `anyhow` shows for `{err:#}`), for messages
/// the crate logs itself.
pub(crate) fn chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}

/// `Result` with the index's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

pub(crate) fn io_error(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.into();
    move |source| Error::Io { path, source }
}

/// Text from outside (a query, a value) as an error message shows it: on one line, with
/// control characters escaped (a newline or an escape sequence in a query must not reach the
/// terminal as such), and cut short when very long.
pub(crate) struct Shown<'a>(pub &'a str);

/// Characters of outside text an error message shows.
const SHOWN_CHARS: usize = 200;

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write;
        for (n, c) in self.0.chars().enumerate() {
            if n == SHOWN_CHARS {
                return f.write_char('…');
            }
            // Line and paragraph separators and bidirectional controls are not `is_control`
            // but move or reorder what a terminal shows just the same.
            if c.is_control()
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}')
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
            {
                write!(f, "{}", c.escape_unicode())?;
            } else {
                f.write_char(c)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use tantivy::TantivyError as T;
    use tantivy::directory::error::OpenWriteError;

    fn enospc() -> std::io::Error {
        std::io::Error::from_raw_os_error(28)
    }

    /// Regression (issue 10): a full disk never said "No space left on device" (tantivy's
    /// errors keep the I/O error out of the chain, or only as text), and every message of
    /// the enum repeated its source.
    #[test]
    fn tantivys_io_errors_are_sources_shown_once() {
        for err in [
            T::IoError(Arc::new(enospc())),
            T::OpenWriteError(OpenWriteError::IoError {
                io_error: Arc::new(enospc()),
                filepath: "seg.store".into(),
            }),
            T::InternalError(enospc().to_string()),
            T::ErrorInThread(format!("worker: '{}'.", enospc())),
        ] {
            let err = Error::from(err);
            let shown = chain(&err);
            assert_eq!(shown.matches("No space left").count(), 1, "{shown}");
            let source = std::error::Error::source(&err)
                .and_then(|source| source.downcast_ref::<std::io::Error>())
                .unwrap_or_else(|| panic!("{shown}"));
            assert_eq!(source.kind(), std::io::ErrorKind::StorageFull);
        }
        let io = Error::Io {
            path: "index/CURRENT".into(),
            source: enospc(),
        };
        assert_eq!(
            chain(&io),
            "index `index/CURRENT`: No space left on device (os error 28)"
        );
        let other = Error::from(T::InternalError("segment 3 is odd".into()));
        assert_eq!(
            chain(&other),
            "the search index failed: Internal error: 'segment 3 is odd'"
        );
    }
}
