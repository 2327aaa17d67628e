use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use crate::{Error, RawPage, Result};

/// zstd level 3: about 5x on HTML at a few hundred MB/s, so compression never limits ingest.
const ZSTD_LEVEL: i32 = 3;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS pages (
    url          TEXT PRIMARY KEY,
    final_url    TEXT NOT NULL,
    status       INTEGER NOT NULL,
    headers      TEXT NOT NULL,
    fetched_at   INTEGER NOT NULL,
    body         BLOB NOT NULL,
    body_len     INTEGER NOT NULL,
    body_hash    INTEGER NOT NULL,
    article_url  TEXT,
    indexed_hash INTEGER
) WITHOUT ROWID;
";

/// What [`PageStore::put`] did with a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutOutcome {
    /// The URL was not stored before.
    New,
    /// The URL was stored with a different body; the new response replaced it.
    Changed,
    /// The URL was stored with the same body; only the fetch metadata was refreshed.
    Unchanged,
}

/// A stored page without its body: what `stats`, conditional re-fetches and resumption need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageSummary {
    pub url: String,
    pub final_url: String,
    pub status: u16,
    pub fetched_at: DateTime<Utc>,
    pub headers: Vec<(String, String)>,
    pub body_len: u64,
    /// The URL of the article indexed from this page, once it has been indexed.
    pub article_url: Option<String>,
    /// Whether the body stored now is the one that was indexed.
    pub indexed: bool,
}

impl PageSummary {
    /// The first header with this name, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        crate::find_header(&self.headers, name)
    }
}

/// The page store. Cheap to share between threads; each call takes the connection briefly.
///
/// SQLite runs in WAL mode, so a `search` or `stats` in another process reads while an
/// ingest writes, and every `put` is durable once it returns: an ingest killed half-way
/// keeps every page it stored.
pub struct PageStore {
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl PageStore {
    /// Opens the store at `path`, creating the file and its parent directory if needed.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let open_err = |source| Error::Open {
            path: path.clone(),
            source,
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|err| open_err(rusqlite::Error::ToSqlConversionFailure(Box::new(err))))?;
        }
        let conn = Connection::open(&path).map_err(open_err)?;
        conn.busy_timeout(Duration::from_secs(30))
            .map_err(open_err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_err)?;
        // NORMAL under WAL loses at most the last transactions on power loss, never on a crash
        // of the process, which is the failure an interrupted ingest meets.
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(open_err)?;
        conn.execute_batch(SCHEMA).map_err(open_err)?;
        Ok(Self {
            conn: Mutex::new(conn),
            path,
        })
    }

    /// Where the database lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent (it rolls back),
        // so a poisoned mutex is still safe to use.
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Stores a page under `page.url`, replacing an older response for the same URL.
    pub fn put(&self, page: &RawPage) -> Result<PutOutcome> {
        let hash = content_hash(&page.body);
        let compressed =
            zstd::bulk::compress(&page.body, ZSTD_LEVEL).map_err(|source| Error::Compression {
                url: page.url.clone(),
                source,
            })?;
        let headers = serde_json::to_string(&page.headers).expect("headers serialise");
        let conn = self.conn();
        let previous: Option<i64> = conn
            .query_row(
                "SELECT body_hash FROM pages WHERE url = ?1",
                [&page.url],
                |row| row.get(0),
            )
            .optional()?;
        let outcome = match previous {
            None => PutOutcome::New,
            Some(old) if old == hash => PutOutcome::Unchanged,
            Some(_) => PutOutcome::Changed,
        };
        conn.execute(
            "INSERT INTO pages (url, final_url, status, headers, fetched_at, body, body_len, body_hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT(url) DO UPDATE SET
                final_url = excluded.final_url, status = excluded.status, headers = excluded.headers,
                fetched_at = excluded.fetched_at, body = excluded.body, body_len = excluded.body_len,
                body_hash = excluded.body_hash",
            params![
                page.url,
                page.final_url,
                page.status,
                headers,
                page.fetched_at.timestamp_millis(),
                compressed,
                page.body.len() as i64,
                hash
            ],
        )?;
        Ok(outcome)
    }

    /// The stored page for a (normalised) URL.
    pub fn get(&self, url: &str) -> Result<Option<RawPage>> {
        let conn = self.conn();
        let row = conn
            .query_row(
                "SELECT url, final_url, status, headers, fetched_at, body FROM pages WHERE url = ?1",
                [url],
                raw_columns,
            )
            .optional()?;
        drop(conn);
        row.map(decode_page).transpose()
    }

    /// Whether a page is stored under this URL.
    pub fn contains(&self, url: &str) -> Result<bool> {
        Ok(self
            .conn()
            .query_row("SELECT 1 FROM pages WHERE url = ?1", [url], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// The stored page's metadata, without decompressing its body.
    pub fn summary(&self, url: &str) -> Result<Option<PageSummary>> {
        let conn = self.conn();
        let summary = conn
            .query_row(
                "SELECT url, final_url, status, fetched_at, headers, body_len, article_url,
                        indexed_hash IS NOT NULL AND indexed_hash = body_hash
                 FROM pages WHERE url = ?1",
                [url],
                |row| {
                    let headers: String = row.get(4)?;
                    Ok(PageSummary {
                        url: row.get(0)?,
                        final_url: row.get(1)?,
                        status: row.get(2)?,
                        fetched_at: millis_to_time(row.get(3)?),
                        headers: serde_json::from_str(&headers).unwrap_or_default(),
                        body_len: row.get::<_, i64>(5)?.try_into().unwrap_or(0),
                        article_url: row.get(6)?,
                        indexed: row.get(7)?,
                    })
                },
            )
            .optional()?;
        Ok(summary)
    }

    /// Records that the page stored under `url` was cleaned and indexed as `article_url`.
    ///
    /// Pass `None` when the page was processed but gave no article (not HTML, no text), so
    /// that a later ingest knows it has nothing to redo.
    pub fn mark_indexed(&self, url: &str, article_url: Option<&str>) -> Result<()> {
        self.conn().execute(
            "UPDATE pages SET article_url = ?2, indexed_hash = body_hash WHERE url = ?1",
            params![url, article_url],
        )?;
        Ok(())
    }

    /// Number of stored pages.
    pub fn count(&self) -> Result<u64> {
        let count: i64 = self
            .conn()
            .query_row("SELECT COUNT(*) FROM pages", [], |row| row.get(0))?;
        Ok(count.try_into().unwrap_or(0))
    }

    /// Total size of the database files on disk, in bytes.
    pub fn disk_bytes(&self) -> u64 {
        ["", "-wal", "-shm"]
            .iter()
            .filter_map(|suffix| {
                let mut name = self.path.clone().into_os_string();
                name.push(suffix);
                std::fs::metadata(name).ok()
            })
            .map(|meta| meta.len())
            .sum()
    }

    /// Every stored page in URL order, read `batch` at a time so memory stays bounded
    /// however large the store is.
    pub fn pages(&self, batch: usize) -> Pages<'_> {
        Pages {
            store: self,
            after: None,
            buffer: Vec::new(),
            batch: batch.max(1),
            done: false,
        }
    }

    fn page_batch(&self, after: Option<&str>, limit: usize) -> Result<Vec<RawPage>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT url, final_url, status, headers, fetched_at, body FROM pages
             WHERE ?1 IS NULL OR url > ?1 ORDER BY url LIMIT ?2",
        )?;
        let rows = stmt
            .query_map(params![after, limit as i64], raw_columns)?
            .collect::<Result<Vec<_>, _>>()?;
        drop(stmt);
        drop(conn);
        rows.into_iter().map(decode_page).collect()
    }
}

/// Iterator over every stored page, see [`PageStore::pages`].
pub struct Pages<'a> {
    store: &'a PageStore,
    after: Option<String>,
    buffer: Vec<RawPage>,
    batch: usize,
    done: bool,
}

impl Iterator for Pages<'_> {
    type Item = Result<RawPage>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.buffer.is_empty() && !self.done {
            match self.store.page_batch(self.after.as_deref(), self.batch) {
                Ok(mut pages) => {
                    self.done = pages.len() < self.batch;
                    self.after = pages.last().map(|page| page.url.clone());
                    pages.reverse();
                    self.buffer = pages;
                }
                Err(err) => {
                    self.done = true;
                    return Some(Err(err));
                }
            }
        }
        self.buffer.pop().map(Ok)
    }
}

type RawColumns = (String, String, u16, String, i64, Vec<u8>);

fn raw_columns(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawColumns> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
    ))
}

fn decode_page((url, final_url, status, headers, fetched_at, body): RawColumns) -> Result<RawPage> {
    let body = zstd::stream::decode_all(body.as_slice()).map_err(|source| Error::Compression {
        url: url.clone(),
        source,
    })?;
    Ok(RawPage {
        url,
        final_url,
        status,
        headers: serde_json::from_str(&headers).unwrap_or_default(),
        fetched_at: millis_to_time(fetched_at),
        body,
    })
}

fn millis_to_time(millis: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(millis).unwrap_or_default()
}

/// FNV-1a over the body: stable across Rust versions and platforms (unlike `DefaultHasher`),
/// which matters because the value is persisted. Collisions only cost a skipped re-index.
fn content_hash(bytes: &[u8]) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    i64::from_ne_bytes(hash.to_ne_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, PageStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = PageStore::open(dir.path().join("sub/pages.db")).unwrap();
        (dir, store)
    }

    #[test]
    fn put_get_round_trips_and_reports_changes() {
        let (_dir, store) = store();
        let mut page = RawPage::new("https://a.example/1", 200, b"<p>one</p>".repeat(100));
        page.headers.push(("ETag".into(), "\"v1\"".into()));
        assert_eq!(store.put(&page).unwrap(), PutOutcome::New);
        assert_eq!(store.put(&page).unwrap(), PutOutcome::Unchanged);
        let stored = store.get(&page.url).unwrap().unwrap();
        assert_eq!(stored.body, page.body);
        assert_eq!(stored.header("etag"), Some("\"v1\""));
        assert_eq!(
            stored.fetched_at.timestamp_millis(),
            page.fetched_at.timestamp_millis()
        );

        page.body = b"<p>two</p>".to_vec();
        assert_eq!(store.put(&page).unwrap(), PutOutcome::Changed);
        assert_eq!(store.get(&page.url).unwrap().unwrap().body, b"<p>two</p>");
        assert_eq!(store.count().unwrap(), 1);
        assert!(store.get("https://a.example/missing").unwrap().is_none());
    }

    #[test]
    fn indexed_mark_is_cleared_by_a_changed_body() {
        let (_dir, store) = store();
        let mut page = RawPage::new("https://a.example/1", 200, b"v1".to_vec());
        store.put(&page).unwrap();
        assert!(!store.summary(&page.url).unwrap().unwrap().indexed);
        store
            .mark_indexed(&page.url, Some("https://a.example/canonical"))
            .unwrap();
        let summary = store.summary(&page.url).unwrap().unwrap();
        assert!(summary.indexed);
        assert_eq!(
            summary.article_url.as_deref(),
            Some("https://a.example/canonical")
        );

        store.put(&page).unwrap();
        assert!(
            store.summary(&page.url).unwrap().unwrap().indexed,
            "same body stays indexed"
        );
        page.body = b"v2".to_vec();
        store.put(&page).unwrap();
        assert!(
            !store.summary(&page.url).unwrap().unwrap().indexed,
            "new body must be re-indexed"
        );
    }

    #[test]
    fn pages_iterates_everything_in_batches() {
        let (_dir, store) = store();
        for i in 0..25 {
            store
                .put(&RawPage::new(
                    format!("https://a.example/{i:02}"),
                    200,
                    vec![b'x'; i],
                ))
                .unwrap();
        }
        let urls: Vec<String> = store.pages(7).map(|page| page.unwrap().url).collect();
        assert_eq!(urls.len(), 25);
        assert!(urls.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pages.db");
        PageStore::open(&path)
            .unwrap()
            .put(&RawPage::new("https://a.example/", 200, b"x".to_vec()))
            .unwrap();
        let reopened = PageStore::open(&path).unwrap();
        assert!(reopened.contains("https://a.example/").unwrap());
        assert!(reopened.disk_bytes() > 0);
    }

    #[test]
    fn unopenable_path_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, b"x").unwrap();
        let err = PageStore::open(file.join("pages.db"))
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("not-a-dir"), "{err}");
    }
}
