use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use newsdex_types::RawPage;

use crate::{Error, Result};

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
    indexed_hash INTEGER,
    requested    TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS aliases (
    alias TEXT PRIMARY KEY,
    url   TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS aliases_by_url ON aliases (url);
";

/// The key a URL is stored under: the page it is an alias of, else the URL itself.
/// Aliases always point straight at a stored page (never at another alias), so one lookup
/// is enough.
const KEY_OF_1: &str = "COALESCE((SELECT url FROM aliases WHERE alias = ?1), ?1)";

/// Below this much free space, an I/O failure of SQLite is taken for a full disk.
const NEARLY_FULL: u64 = 1024 * 1024;

/// SQLite reports a full disk as a generic "disk I/O error" as often as `SQLITE_FULL`
/// (growing the WAL index fails first), and keeps the OS error to itself: when the file
/// system holding the store is (nearly) full, say so instead.
fn explain_full_disk(path: &Path, err: Error) -> Error {
    let (Error::Open { source, .. } | Error::Sqlite(source)) = &err else {
        return err;
    };
    let storage_failure = matches!(
        source.sqlite_error_code(),
        Some(
            rusqlite::ErrorCode::DiskFull
                | rusqlite::ErrorCode::SystemIoFailure
                | rusqlite::ErrorCode::CannotOpen
        )
    );
    let dir = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let free = fs4::available_space(dir).ok();
    match (err, free) {
        (Error::Open { source, .. } | Error::Sqlite(source), Some(free))
            if storage_failure && free < NEARLY_FULL =>
        {
            Error::NoSpace {
                path: path.to_path_buf(),
                free,
                source,
            }
        }
        (err, _) => err,
    }
}

/// What [`PageStore::put`] did with a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutOutcome {
    /// The URL was not stored before.
    New,
    /// The URL was stored with a different body; the new response replaced it.
    Changed,
    /// The URL was stored with the same body; only the fetch metadata was refreshed.
    Unchanged,
    /// The URL is an alias of a page whose stored response came from another URL (see
    /// [`PageStore::link`]): that response is kept and this one is dropped, so that two
    /// routes to one article do not overwrite each other on every run.
    Alias,
}

/// What [`PageStore::link`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// The page was already stored under that URL.
    Same,
    /// The page now lives under the new URL; its old URL leads there.
    Moved,
    /// Another page was already stored under the new URL and is kept; this page was dropped
    /// and its URL leads to the other one.
    Merged,
}

/// A stored page without its body: what `stats`, conditional re-fetches and resumption need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageSummary {
    /// The key the page is stored under: its article's canonical URL once linked, else the
    /// URL it was requested by.
    pub url: String,
    /// The (normalised) URL the stored response was requested by.
    pub requested_url: String,
    /// Where redirects ended, for resolving the body's relative links.
    pub final_url: String,
    /// The HTTP status stored with the response.
    pub status: u16,
    /// When the stored response was received.
    pub fetched_at: DateTime<Utc>,
    /// The stored response headers (for `ETag` and `Last-Modified` on a conditional re-fetch).
    pub headers: Vec<(String, String)>,
    /// Length of the stored body before compression, in bytes.
    pub body_len: u64,
    /// The URL of the article indexed from this page, once it has been indexed.
    pub article_url: Option<String>,
    /// Whether the body stored now is the one that was indexed.
    pub indexed: bool,
}

impl PageSummary {
    /// The first header with this name, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        newsdex_types::find_header(&self.headers, name)
    }
}

/// The page store. Cheap to share between threads; each call takes the connection briefly.
///
/// SQLite runs in WAL mode, so a `search` or `stats` in another process reads while an
/// ingest writes. Durability, exactly: a `put` that returned survives the process being
/// killed (an ingest killed half-way keeps every page it stored); a power loss or an OS crash
/// can lose the writes since the last [`PageStore::mark_indexed_all`], which syncs everything
/// before it to disk (an ingest calls it at every index commit), and never corrupts the store.
/// Each `put` is not synced on its own: that would cost a disk flush per page, and what it
/// would save (pages fetched since the last commit) the next run fetches again.
///
/// A page is stored once, under one key; other URLs that lead to it are *aliases*
/// ([`PageStore::link`]), and every lookup by URL (`get`, `contains`, `summary`,
/// `resolve`, `mark_indexed`, `put`) follows them.
pub struct PageStore {
    pub(crate) conn: Mutex<Connection>,
    path: PathBuf,
}

impl PageStore {
    /// Opens the store at `path`, creating the file and its parent directory if needed.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        Self::open_writable(path).map_err(|err| explain_full_disk(path, err))
    }

    fn open_writable(path: &Path) -> Result<Self> {
        let path = path.to_path_buf();
        let open_err = |source| Error::Open {
            path: path.clone(),
            source,
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| Error::CreateDir {
                path: path.clone(),
                source,
            })?;
        }
        let mut conn = Connection::open(&path).map_err(open_err)?;
        conn.busy_timeout(Duration::from_secs(30))
            .map_err(open_err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_err)?;
        // NORMAL under WAL loses at most the last transactions on power loss, never on a crash
        // of the process, which is the failure an interrupted ingest meets.
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(open_err)?;
        migrate(&mut conn).map_err(open_err)?;
        Ok(Self {
            conn: Mutex::new(conn),
            path,
        })
    }

    /// Opens an existing store for reading only: nothing is created or migrated, and a
    /// store in a read-only directory (a mounted archive, another user's data) opens too.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        if !path.is_file() {
            return Err(Error::Missing { path });
        }
        let open_err = |source| Error::Open {
            path: path.clone(),
            source,
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI;
        let conn = match Connection::open_with_flags(&path, flags).and_then(|conn| {
            // Opening is lazy: the first read is what finds out whether WAL can be used.
            conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
            Ok(conn)
        }) {
            Ok(conn) => conn,
            // A WAL database in a directory we cannot write needs its `-shm` file; without
            // one SQLite can still read it as an immutable file (no writer can be at work in
            // a directory nobody may write to).
            Err(_) => {
                let uri = format!("file:{}?immutable=1", uri_path(&path));
                let conn = Connection::open_with_flags(uri, flags).map_err(open_err)?;
                conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
                    .map_err(open_err)?;
                conn
            }
        };
        conn.busy_timeout(Duration::from_secs(30))
            .map_err(open_err)?;
        Ok(Self {
            conn: Mutex::new(conn),
            path,
        })
    }

    /// Where the database lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent (it rolls back),
        // so a poisoned mutex is still safe to use.
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs a write on the connection, explaining a failure that is the file system being
    /// full ([`Error::NoSpace`]; see [`explain_full_disk`]). Every write goes through here, so
    /// each says a full disk the same way; reads need not, since a full disk cannot fail them.
    pub(crate) fn write<T>(&self, write: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let mut conn = self.conn();
        let outcome = write(&mut conn);
        drop(conn);
        outcome.map_err(|err| explain_full_disk(&self.path, err))
    }

    /// Stores a page under the key its URL leads to (`page.url` itself for a new URL),
    /// replacing an older response for it, unless that response came from another URL
    /// ([`PutOutcome::Alias`]).
    pub fn put(&self, page: &RawPage) -> Result<PutOutcome> {
        let hash = content_hash(&page.body);
        let compressed =
            zstd::bulk::compress(&page.body, ZSTD_LEVEL).map_err(|source| Error::Compression {
                url: page.url.clone(),
                source,
            })?;
        #[allow(clippy::expect_used)]
        let headers = serde_json::to_string(&page.headers)
            .expect("pairs of strings always serialise: no map keys, no fallible Serialize");
        self.write(|conn| {
        let tx = conn.transaction()?;
        let key = key_of(&tx, &page.url)?;
        let previous: Option<(i64, String)> = tx
            .query_row(
                "SELECT body_hash, COALESCE(requested, url) FROM pages WHERE url = ?1",
                [&key],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let outcome = match previous {
            Some((_, requested)) if requested != page.url => return Ok(PutOutcome::Alias),
            None => PutOutcome::New,
            Some((old, _)) if old == hash => PutOutcome::Unchanged,
            Some(_) => PutOutcome::Changed,
        };
        let requested = (key != page.url).then_some(page.url.as_str());
        tx.execute(
            "INSERT INTO pages (url, final_url, status, headers, fetched_at, body, body_len, body_hash, requested)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT(url) DO UPDATE SET
                final_url = excluded.final_url, status = excluded.status, headers = excluded.headers,
                fetched_at = excluded.fetched_at, body = excluded.body, body_len = excluded.body_len,
                body_hash = excluded.body_hash",
            params![
                key,
                page.final_url,
                page.status,
                headers,
                page.fetched_at.timestamp_millis(),
                compressed,
                page.body.len() as i64,
                hash,
                requested
            ],
        )?;
        tx.commit()?;
        Ok(outcome)
        })
    }

    /// Files the page that `url` leads to under `canonical` (a normalised URL), so that the
    /// same article reached through several URLs is stored once: the page moves there, or,
    /// when another page is already stored there, that one is kept and this one dropped.
    /// Either way `url`, the page's old key and every alias of it lead to `canonical` from
    /// now on. Fails with [`Error::NotStored`] when `url` leads to no page.
    pub fn link(&self, url: &str, canonical: &str) -> Result<Link> {
        self.write(|conn| {
            let tx = conn.transaction()?;
            let key = key_of(&tx, url)?;
            if !page_exists(&tx, &key)? {
                return Err(Error::NotStored {
                    url: url.to_owned(),
                });
            }
            let target = key_of(&tx, canonical)?;
            if target == key {
                return Ok(Link::Same);
            }
            let link = if page_exists(&tx, &target)? {
                tx.execute("DELETE FROM pages WHERE url = ?1", [&key])?;
                Link::Merged
            } else {
                // `requested` keeps where the stored response came from once the key changes.
                tx.execute(
                "UPDATE pages SET requested = COALESCE(requested, url), url = ?2 WHERE url = ?1",
                [&key, &target],
            )?;
                Link::Moved
            };
            tx.execute(
                "UPDATE aliases SET url = ?2 WHERE url = ?1",
                [&key, &target],
            )?;
            tx.execute(
                "INSERT OR REPLACE INTO aliases (alias, url) VALUES (?1, ?2)",
                [&key, &target],
            )?;
            tx.commit()?;
            Ok(link)
        })
    }

    /// The key the page `url` leads to is stored under (`url` itself or the page it is an
    /// alias of), or `None` when no page is stored for it.
    pub fn resolve(&self, url: &str) -> Result<Option<String>> {
        let conn = self.conn();
        let key = key_of(&conn, url)?;
        Ok(page_exists(&conn, &key)?.then_some(key))
    }

    /// The stored page a (normalised) URL leads to. Its `url` is the URL its response was
    /// requested by, which may be an alias of the key it is stored under.
    pub fn get(&self, url: &str) -> Result<Option<RawPage>> {
        let conn = self.conn();
        let row = conn
            .query_row(
                &format!("SELECT {PAGE_COLUMNS} FROM pages WHERE url = {KEY_OF_1}"),
                [url],
                raw_columns,
            )
            .optional()?;
        drop(conn);
        row.map(decode_page)
            .transpose()
            .map(|page| page.map(|(_, page)| page))
    }

    /// Whether a page is stored for this URL (under it or through an alias).
    pub fn contains(&self, url: &str) -> Result<bool> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT 1 FROM pages WHERE url = {KEY_OF_1}"),
                [url],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// The metadata of the page a URL leads to, without decompressing its body.
    pub fn summary(&self, url: &str) -> Result<Option<PageSummary>> {
        let conn = self.conn();
        let summary = conn
            .query_row(
                &format!(
                    "SELECT url, COALESCE(requested, url), final_url, status, fetched_at, headers,
                            body_len, article_url,
                            indexed_hash IS NOT NULL AND indexed_hash = body_hash
                     FROM pages WHERE url = {KEY_OF_1}"
                ),
                [url],
                |row| {
                    let headers: String = row.get(5)?;
                    Ok(PageSummary {
                        url: row.get(0)?,
                        requested_url: row.get(1)?,
                        final_url: row.get(2)?,
                        status: row.get(3)?,
                        fetched_at: millis_to_time(row.get(4)?),
                        headers: serde_json::from_str(&headers).unwrap_or_default(),
                        body_len: row.get::<_, i64>(6)?.try_into().unwrap_or(0),
                        article_url: row.get(7)?,
                        indexed: row.get(8)?,
                    })
                },
            )
            .optional()?;
        Ok(summary)
    }

    /// Records that the page `url` leads to was cleaned and indexed as `article_url`.
    ///
    /// Pass `None` when the page was processed but gave no article (not HTML, no text), so
    /// that a later ingest knows it has nothing to redo.
    pub fn mark_indexed(&self, url: &str, article_url: Option<&str>) -> Result<()> {
        self.write(|conn| {
            conn.execute(
                &format!(
                    "UPDATE pages SET article_url = ?2, indexed_hash = body_hash WHERE url = {KEY_OF_1}"
                ),
                params![url, article_url],
            )?;
            Ok(())
        })
    }

    /// Marks a batch of pages indexed (see [`PageStore::mark_indexed`]) in one transaction,
    /// and syncs it, with everything written before it, to disk: after the index commit that
    /// made these articles durable, the store's record of them is durable too.
    pub fn mark_indexed_all<'a>(
        &self,
        pages: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
    ) -> Result<()> {
        self.write(|conn| {
        // FULL for this one commit: in WAL mode its sync covers every earlier transaction.
        conn.pragma_update(None, "synchronous", "FULL")?;
        let marked = (|| {
            let tx = conn.transaction()?;
            {
                let mut update = tx.prepare_cached(&format!(
                    "UPDATE pages SET article_url = ?2, indexed_hash = body_hash WHERE url = {KEY_OF_1}"
                ))?;
                for (url, article_url) in pages {
                    update.execute(params![url, article_url])?;
                }
            }
            tx.commit()
        })();
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        Ok(marked?)
        })
    }

    /// Number of stored pages (aliases not counted).
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

    /// Every stored page once, in key order, read `batch` at a time so memory stays bounded
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

    fn page_batch(&self, after: Option<&str>, limit: usize) -> Result<Vec<(String, RawPage)>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {PAGE_COLUMNS} FROM pages WHERE ?1 IS NULL OR url > ?1 ORDER BY url LIMIT ?2"
        ))?;
        let rows = stmt
            .query_map(params![after, limit as i64], raw_columns)?
            .collect::<Result<Vec<_>, _>>()?;
        drop(stmt);
        drop(conn);
        rows.into_iter().map(decode_page).collect()
    }
}

/// `path` as the path part of an SQLite `file:` URI (absolute, `%`, `?` and `#` escaped).
fn uri_path(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = String::new();
    for c in absolute.to_string_lossy().chars() {
        match c {
            '%' | '?' | '#' => out.push_str(&format!("%{:02X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// Creates the tables, and brings a store written by an older newsdex up to date.
fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    // IMMEDIATE: two processes opening an old store at once must not both add the column.
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute_batch(SCHEMA)?;
    let has_requested = tx
        .prepare("SELECT 1 FROM pragma_table_info('pages') WHERE name = 'requested'")?
        .exists([])?;
    if !has_requested {
        tx.execute_batch("ALTER TABLE pages ADD COLUMN requested TEXT")?;
    }
    crate::watches::migrate(&tx)?;
    tx.commit()
}

pub(crate) fn key_of(conn: &Connection, url: &str) -> Result<String> {
    Ok(conn.query_row(&format!("SELECT {KEY_OF_1}"), [url], |row| row.get(0))?)
}

fn page_exists(conn: &Connection, key: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM pages WHERE url = ?1")?
        .exists([key])?)
}

/// Iterator over every stored page, see [`PageStore::pages`].
pub struct Pages<'a> {
    store: &'a PageStore,
    /// The key of the last page read.
    after: Option<String>,
    buffer: Vec<(String, RawPage)>,
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
                    self.after = pages.last().map(|(key, _)| key.clone());
                    pages.reverse();
                    self.buffer = pages;
                }
                Err(err) => {
                    self.done = true;
                    return Some(Err(err));
                }
            }
        }
        self.buffer.pop().map(|(_, page)| Ok(page))
    }
}

const PAGE_COLUMNS: &str =
    "url, COALESCE(requested, url), final_url, status, headers, fetched_at, body";

type RawColumns = (String, String, String, u16, String, i64, Vec<u8>);

fn raw_columns(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawColumns> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
    ))
}

/// The key and the page of a row.
fn decode_page(
    (key, url, final_url, status, headers, fetched_at, body): RawColumns,
) -> Result<(String, RawPage)> {
    let body = zstd::stream::decode_all(body.as_slice()).map_err(|source| Error::Compression {
        url: url.clone(),
        source,
    })?;
    let page = RawPage {
        url,
        final_url,
        status,
        headers: serde_json::from_str(&headers).unwrap_or_default(),
        fetched_at: millis_to_time(fetched_at),
        body,
    };
    Ok((key, page))
}

pub(crate) fn millis_to_time(millis: i64) -> DateTime<Utc> {
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
    fn a_linked_page_is_stored_once_and_found_by_every_url() {
        let (_dir, store) = store();
        let canonical = "https://a.example/story";
        let first = RawPage::new("https://a.example/story?id=1", 200, b"story".to_vec());
        store.put(&first).unwrap();
        assert_eq!(store.link(&first.url, canonical).unwrap(), Link::Moved);
        assert_eq!(store.link(&first.url, canonical).unwrap(), Link::Same);

        let amp = RawPage::new("https://amp.a.example/story", 200, b"amp story".to_vec());
        assert_eq!(store.put(&amp).unwrap(), PutOutcome::New);
        assert_eq!(store.count().unwrap(), 2);
        assert_eq!(store.link(&amp.url, canonical).unwrap(), Link::Merged);
        assert_eq!(store.count().unwrap(), 1, "the second copy is dropped");

        for url in [canonical, first.url.as_str(), amp.url.as_str()] {
            assert!(store.contains(url).unwrap(), "{url}");
            assert_eq!(store.resolve(url).unwrap().as_deref(), Some(canonical));
            let page = store.get(url).unwrap().unwrap();
            assert_eq!(page.body, b"story", "{url}: the first copy is kept");
            assert_eq!(page.url, first.url, "where the stored response came from");
            let summary = store.summary(url).unwrap().unwrap();
            assert_eq!(summary.url, canonical);
            assert_eq!(summary.requested_url, first.url);
        }
        store.mark_indexed(&amp.url, Some(canonical)).unwrap();
        assert!(store.summary(canonical).unwrap().unwrap().indexed);
        assert_eq!(store.resolve("https://a.example/other").unwrap(), None);
        let pages: Vec<RawPage> = store.pages(1).map(Result::unwrap).collect();
        assert_eq!(pages.len(), 1);
        assert_eq!(pages[0].url, first.url);
    }

    #[test]
    fn only_the_url_a_response_came_from_replaces_it() {
        let (_dir, store) = store();
        let canonical = "https://a.example/story";
        let first = RawPage::new("https://a.example/story?id=1", 200, b"v1".to_vec());
        store.put(&first).unwrap();
        store.link(&first.url, canonical).unwrap();
        let other = RawPage::new("https://a.example/amp/story", 200, b"amp".to_vec());
        store.put(&other).unwrap();
        store.link(&other.url, canonical).unwrap();

        // Another route to the article does not overwrite it, however often it is read.
        let mut again = other.clone();
        again.body = b"amp v2".to_vec();
        assert_eq!(store.put(&again).unwrap(), PutOutcome::Alias);
        let direct = RawPage::new(canonical, 200, b"direct".to_vec());
        assert_eq!(store.put(&direct).unwrap(), PutOutcome::Alias);
        assert_eq!(store.get(canonical).unwrap().unwrap().body, b"v1");

        // The URL it came from updates it, under the canonical key.
        let mut update = first;
        assert_eq!(store.put(&update).unwrap(), PutOutcome::Unchanged);
        update.body = b"v2".to_vec();
        assert_eq!(store.put(&update).unwrap(), PutOutcome::Changed);
        assert_eq!(store.get(&other.url).unwrap().unwrap().body, b"v2");
        assert_eq!(store.count().unwrap(), 1);
    }

    #[test]
    fn aliases_follow_a_page_that_moves_again() {
        let (_dir, store) = store();
        let page = RawPage::new("https://a.example/p?id=1", 200, b"x".to_vec());
        store.put(&page).unwrap();
        store.link(&page.url, "https://a.example/old-slug").unwrap();
        assert_eq!(
            store
                .link("https://a.example/old-slug", "https://a.example/new-slug")
                .unwrap(),
            Link::Moved
        );
        for url in [page.url.as_str(), "https://a.example/old-slug"] {
            assert_eq!(
                store.resolve(url).unwrap().as_deref(),
                Some("https://a.example/new-slug"),
                "{url}"
            );
        }
        // A URL pointing at an alias lands on the page itself.
        let copy = RawPage::new("https://a.example/print/p", 200, b"y".to_vec());
        store.put(&copy).unwrap();
        assert_eq!(
            store.link(&copy.url, "https://a.example/old-slug").unwrap(),
            Link::Merged
        );
        assert_eq!(store.count().unwrap(), 1);
        let err = store
            .link("https://a.example/never-stored", "https://a.example/x")
            .unwrap_err();
        assert!(matches!(err, Error::NotStored { .. }), "{err}");
    }

    #[test]
    fn a_store_written_before_aliases_opens_and_keeps_its_pages() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pages.db");
        let old = Connection::open(&path).unwrap();
        old.execute_batch(
            "CREATE TABLE pages (url TEXT PRIMARY KEY, final_url TEXT NOT NULL,
                status INTEGER NOT NULL, headers TEXT NOT NULL, fetched_at INTEGER NOT NULL,
                body BLOB NOT NULL, body_len INTEGER NOT NULL, body_hash INTEGER NOT NULL,
                article_url TEXT, indexed_hash INTEGER) WITHOUT ROWID;",
        )
        .unwrap();
        let body = zstd::bulk::compress(b"old", ZSTD_LEVEL).unwrap();
        old.execute(
            "INSERT INTO pages VALUES ('https://a.example/1', 'https://a.example/1', 200, '[]',
                0, ?1, 3, 0, NULL, NULL)",
            [body],
        )
        .unwrap();
        drop(old);
        let store = PageStore::open(&path).unwrap();
        let summary = store.summary("https://a.example/1").unwrap().unwrap();
        assert_eq!(summary.requested_url, "https://a.example/1");
        assert_eq!(
            store.get("https://a.example/1").unwrap().unwrap().body,
            b"old"
        );
        store
            .link("https://a.example/1", "https://a.example/one")
            .unwrap();
        drop(store);
        let reopened = PageStore::open(&path).unwrap();
        assert!(reopened.contains("https://a.example/1").unwrap());
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
    fn read_only_opening_creates_nothing_and_reads_what_is_there() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("typo/pages.db");
        // `search --data-dir typo` once created the directory and an empty store.
        assert!(matches!(
            PageStore::open_read_only(&missing),
            Err(Error::Missing { .. })
        ));
        assert!(!dir.path().join("typo").exists());

        let path = dir.path().join("data/pages.db");
        let store = PageStore::open(&path).unwrap();
        store
            .put(&RawPage::new("https://a.example/", 200, b"<p>x".to_vec()))
            .unwrap();
        drop(store);
        let data = dir.path().join("data");
        let mode = |bits| std::fs::Permissions::from_mode(bits);
        std::fs::set_permissions(&data, mode(0o555)).unwrap();
        // (Root ignores the mode; the `-shm` case below fails alike for everyone.)
        let reader = PageStore::open_read_only(&path).unwrap();
        assert!(reader.contains("https://a.example/").unwrap());
        drop(reader);
        std::fs::set_permissions(&data, mode(0o755)).unwrap();

        // The same failure whoever runs the test: a `-shm` file that cannot be opened, as in
        // a directory nobody may write to.
        let shm = dir.path().join("data/pages.db-shm");
        let _ = std::fs::remove_file(&shm);
        std::fs::create_dir(&shm).unwrap();
        let reader = PageStore::open_read_only(&path).unwrap();
        assert!(reader.contains("https://a.example/").unwrap());
    }

    #[test]
    fn a_batch_of_pages_is_marked_indexed_at_once() {
        let (_dir, store) = store();
        for n in 0..3 {
            let url = format!("https://a.example/{n}");
            store
                .put(&RawPage::new(&url, 200, b"<p>x".to_vec()))
                .unwrap();
        }
        store
            .mark_indexed_all([
                ("https://a.example/0", Some("https://a.example/0")),
                ("https://a.example/1", None),
            ])
            .unwrap();
        let indexed = |n: u8| {
            store
                .summary(&format!("https://a.example/{n}"))
                .unwrap()
                .unwrap()
        };
        assert!(indexed(0).indexed);
        assert_eq!(
            indexed(0).article_url.as_deref(),
            Some("https://a.example/0")
        );
        assert!(indexed(1).indexed);
        assert_eq!(indexed(1).article_url, None);
        assert!(!indexed(2).indexed);
        // The connection is back to its everyday setting afterwards.
        let mode: i64 = store
            .conn()
            .pragma_query_value(None, "synchronous", |row| row.get(0))
            .unwrap();
        assert_eq!(mode, 1, "NORMAL");
    }

    #[test]
    fn errors_say_their_cause_once() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, b"x").unwrap();
        let err = PageStore::open(file.join("pages.db")).err().unwrap();
        let mut chain = vec![err.to_string()];
        let mut source = std::error::Error::source(&err);
        while let Some(cause) = source {
            chain.push(cause.to_string());
            source = cause.source();
        }
        // Each message adds something the next does not already say.
        for pair in chain.windows(2) {
            assert!(!pair[0].contains(&pair[1]), "{chain:?}");
        }
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
