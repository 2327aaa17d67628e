use std::path::PathBuf;

/// Everything that can go wrong in the index.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Another process (an ingest or a rebuild) is writing to this index.
    #[error(
        "the index at `{path}` is being written by another newsdex process (ingest or rebuild); wait for it to finish"
    )]
    Locked { path: PathBuf },
    /// The index was rebuilt since this handle opened it; open it again.
    #[error("the index at `{path}` was rebuilt while newsdex was running; run the command again")]
    Stale { path: PathBuf },
    /// The index was built by an older newsdex, with different fields.
    #[error(
        "the index at `{path}` was built by an older newsdex; run `newsdex rebuild` to rebuild it from the page store"
    )]
    Outdated { path: PathBuf },
    /// The query could not be understood; `message` says where and what was expected.
    #[error("invalid query `{}`: {}", Shown(query), Shown(message))]
    Query { query: String, message: String },
    /// A filter given beside the query (a person, site, date or language) is not valid.
    #[error("invalid {filter} `{}`: {}", Shown(value), Shown(message))]
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
