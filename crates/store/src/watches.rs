//! What the archive must remember beyond the pages themselves, and keep through a rebuild:
//! when each article first arrived (its *arrival*), and the saved searches ("watches") with
//! the latest arrival each has reported.
//!
//! An arrival is a number in microseconds since 1970, unique and increasing in the order
//! pages were first indexed ([`PageStore::arrival`] gives one the first time a page is asked
//! about, and the same one ever after). The index copies it into every article, so that a
//! watch reports what arrived after its mark, and a rebuild, which re-reads every page from
//! here, gives each article the arrival it always had instead of making the whole archive new.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};

use crate::store::{key_of, millis_to_time};
use crate::{PageStore, Result};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS watches (
    name       TEXT PRIMARY KEY,
    query      TEXT NOT NULL,
    filters    TEXT NOT NULL,
    seen       INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    last_run   INTEGER
) WITHOUT ROWID;
";

/// Adds what this module keeps to a store of an older newsdex (inside `migrate`'s
/// transaction).
pub(crate) fn migrate(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(SCHEMA)?;
    let has_arrival = tx
        .prepare("SELECT 1 FROM pragma_table_info('pages') WHERE name = 'arrival'")?
        .exists([])?;
    if !has_arrival {
        tx.execute_batch(
            "ALTER TABLE pages ADD COLUMN arrival INTEGER;
             CREATE INDEX IF NOT EXISTS pages_by_arrival ON pages (arrival);",
        )?;
    }
    Ok(())
}

/// A saved search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watch {
    /// What it is called by (`watch run NAME`, `/feeds/NAME.atom`).
    pub name: String,
    /// The query, in the index's query language (may be empty when filters are given).
    pub query: String,
    /// Only articles naming all of these persons (canonical names).
    pub persons: Vec<String>,
    /// Only articles from these sites (any of them).
    pub sites: Vec<String>,
    /// Only articles in these languages (ISO 639-1 codes, any of them).
    pub langs: Vec<String>,
    /// The latest arrival reported: articles that arrived after it are new to this watch.
    pub seen: u64,
    /// When it was saved.
    pub created: DateTime<Utc>,
    /// When it last ran to the end (and marked what it reported as seen).
    pub last_run: Option<DateTime<Utc>>,
}

/// The filters of a watch as stored (JSON), so that more can be added without a migration.
#[derive(Serialize, Deserialize, Default)]
struct StoredFilters {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    persons: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    sites: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    langs: Vec<String>,
}

fn to_db(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn from_db(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

impl PageStore {
    /// The arrival of the page `url` leads to: the one it was given when first asked about,
    /// or, the first time, the next one (the current time in microseconds, or one more than
    /// the latest given when the clock is behind it). `None` when no page is stored for `url`.
    ///
    /// Ask when the page's article is indexed: only one process indexes at a time (the index's
    /// writer lock), so arrivals are given in indexing order.
    pub fn arrival(&self, url: &str) -> Result<Option<u64>> {
        self.write(|conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let key = key_of(&tx, url)?;
            let Some(current): Option<Option<i64>> = tx
                .query_row("SELECT arrival FROM pages WHERE url = ?1", [&key], |row| {
                    row.get(0)
                })
                .optional()?
            else {
                return Ok(None);
            };
            if let Some(arrival) = current {
                return Ok(Some(from_db(arrival)));
            }
            let latest: Option<i64> =
                tx.query_row("SELECT MAX(arrival) FROM pages", [], |row| row.get(0))?;
            let now = u64::try_from(Utc::now().timestamp_micros()).unwrap_or(0);
            let arrival = now.max(latest.map_or(0, from_db).saturating_add(1));
            tx.execute(
                "UPDATE pages SET arrival = ?2 WHERE url = ?1",
                params![key, to_db(arrival)],
            )?;
            tx.commit()?;
            Ok(Some(arrival))
        })
    }

    /// Gives pages the arrivals their articles already have in an index built without asking
    /// this store (`newsdex import` merges index shards whose articles arrived when their
    /// shard was written): `(url, arrival)` for each page (through its aliases). A page that
    /// has an arrival keeps it, so that what was reported once is never new again; a rebuild
    /// then gives each article the arrival the merged index holds.
    pub fn set_arrivals<'a>(&self, pages: impl IntoIterator<Item = (&'a str, u64)>) -> Result<()> {
        self.write(|conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            {
                let mut update = tx.prepare_cached(
                    "UPDATE pages SET arrival = ?2 WHERE url = ?1 AND arrival IS NULL",
                )?;
                for (url, arrival) in pages {
                    let key = key_of(&tx, url)?;
                    update.execute(params![key, to_db(arrival)])?;
                }
            }
            tx.commit()?;
            Ok(())
        })
    }

    /// Saves a watch; `false` (and nothing changed) when one of that name exists.
    pub fn add_watch(&self, watch: &Watch) -> Result<bool> {
        #[allow(clippy::expect_used)]
        let filters = serde_json::to_string(&StoredFilters {
            persons: watch.persons.clone(),
            sites: watch.sites.clone(),
            langs: watch.langs.clone(),
        })
        .expect("lists of strings always serialise: no map keys, no fallible Serialize");
        let added = self.write(|conn| {
            Ok(conn.execute(
                "INSERT OR IGNORE INTO watches (name, query, filters, seen, created_at, last_run)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    watch.name,
                    watch.query,
                    filters,
                    to_db(watch.seen),
                    watch.created.timestamp_millis(),
                    watch.last_run.map(|time| time.timestamp_millis()),
                ],
            )?)
        })?;
        Ok(added == 1)
    }

    /// Every watch, by name. A store of an older newsdex opened read-only has none.
    pub fn watches(&self) -> Result<Vec<Watch>> {
        let conn = self.conn();
        let exists = conn
            .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'watches'")?
            .exists([])?;
        if !exists {
            return Ok(Vec::new());
        }
        let mut stmt = conn.prepare(
            "SELECT name, query, filters, seen, created_at, last_run FROM watches ORDER BY name",
        )?;
        let rows = stmt.query_map([], |row| {
            let filters: String = row.get(2)?;
            let filters: StoredFilters = serde_json::from_str(&filters).unwrap_or_default();
            Ok(Watch {
                name: row.get(0)?,
                query: row.get(1)?,
                persons: filters.persons,
                sites: filters.sites,
                langs: filters.langs,
                seen: from_db(row.get(3)?),
                created: millis_to_time(row.get(4)?),
                last_run: row.get::<_, Option<i64>>(5)?.map(millis_to_time),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The watch called `name`.
    pub fn watch(&self, name: &str) -> Result<Option<Watch>> {
        Ok(self.watches()?.into_iter().find(|watch| watch.name == name))
    }

    /// Deletes a watch; `false` when there was none of that name.
    pub fn remove_watch(&self, name: &str) -> Result<bool> {
        let removed =
            self.write(|conn| Ok(conn.execute("DELETE FROM watches WHERE name = ?1", [name])?))?;
        Ok(removed == 1)
    }

    /// Records that each named watch has reported everything up to its arrival, at `at`, in
    /// one transaction: a run stopped before this marks nothing.
    pub fn mark_watches_seen(&self, seen: &[(&str, u64)], at: DateTime<Utc>) -> Result<()> {
        self.write(|conn| {
            let tx = conn.transaction()?;
            {
                // MAX: a slower run that started earlier never moves a mark back.
                let mut update = tx.prepare(
                    "UPDATE watches SET seen = MAX(seen, ?2), last_run = ?3 WHERE name = ?1",
                )?;
                for (name, arrival) in seen {
                    update.execute(params![name, to_db(*arrival), at.timestamp_millis()])?;
                }
            }
            Ok(tx.commit()?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use newsdex_types::RawPage;

    fn watch(name: &str, seen: u64) -> Watch {
        Watch {
            name: name.into(),
            query: "\"выборы\" OR 选举".into(),
            persons: vec!["Keir Starmer".into()],
            sites: vec![],
            langs: vec!["ru".into()],
            seen,
            created: millis_to_time(1_700_000_000_000),
            last_run: None,
        }
    }

    #[test]
    fn arrivals_are_given_once_in_order_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let store = PageStore::open(dir.path().join("pages.db")).unwrap();
        for n in 0..3 {
            store
                .put(&RawPage::new(
                    format!("https://a.example/{n}"),
                    200,
                    vec![n],
                ))
                .unwrap();
        }
        let first = store.arrival("https://a.example/2").unwrap().unwrap();
        let second = store.arrival("https://a.example/0").unwrap().unwrap();
        assert!(second > first);
        assert_eq!(store.arrival("https://a.example/2").unwrap(), Some(first));
        // A changed body keeps the arrival: the article did not arrive again.
        store
            .put(&RawPage::new(
                "https://a.example/2",
                200,
                b"changed".to_vec(),
            ))
            .unwrap();
        assert_eq!(store.arrival("https://a.example/2").unwrap(), Some(first));
        // Through an alias, and after the page moved to its canonical URL.
        store
            .link("https://a.example/0", "https://a.example/canonical")
            .unwrap();
        assert_eq!(
            store.arrival("https://a.example/canonical").unwrap(),
            Some(second)
        );
        assert_eq!(store.arrival("https://a.example/none").unwrap(), None);
    }

    /// Regression (issue 15): imported pages had no arrival in the store, so a rebuild gave
    /// every article a new one and saved searches reported the whole archive as new.
    #[test]
    fn arrivals_set_from_an_index_are_kept_and_later_ones_come_after() {
        let dir = tempfile::tempdir().unwrap();
        let store = PageStore::open(dir.path().join("pages.db")).unwrap();
        for n in 0..3 {
            store
                .put(&RawPage::new(
                    format!("https://α.example/{n}"),
                    200,
                    vec![n],
                ))
                .unwrap();
        }
        store
            .link("https://α.example/1", "https://α.example/канон")
            .unwrap();
        let given = store.arrival("https://α.example/2").unwrap().unwrap();
        store
            .set_arrivals([
                ("https://α.example/0", 1_000),
                ("https://α.example/канон", 3_000),
                ("https://α.example/2", 2_000),
                ("https://α.example/missing", 4_000),
            ])
            .unwrap();
        assert_eq!(store.arrival("https://α.example/0").unwrap(), Some(1_000));
        assert_eq!(store.arrival("https://α.example/1").unwrap(), Some(3_000));
        // One given before is kept: it may have been reported already.
        assert_eq!(store.arrival("https://α.example/2").unwrap(), Some(given));
        store
            .put(&RawPage::new("https://α.example/3", 200, vec![3]))
            .unwrap();
        let next = store.arrival("https://α.example/3").unwrap().unwrap();
        assert!(next > given.max(3_000));
    }

    #[test]
    fn watches_are_saved_listed_marked_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pages.db");
        let store = PageStore::open(&path).unwrap();
        assert!(store.add_watch(&watch("выборы", 10)).unwrap());
        assert!(store.add_watch(&watch("b", 5)).unwrap());
        assert!(
            !store.add_watch(&watch("b", 7)).unwrap(),
            "names are unique"
        );
        assert_eq!(store.watch("b").unwrap().unwrap().seen, 5);
        let names: Vec<String> = store
            .watches()
            .unwrap()
            .into_iter()
            .map(|w| w.name)
            .collect();
        assert_eq!(names, ["b", "выборы"]);
        assert_eq!(store.watch("выборы").unwrap().unwrap(), watch("выборы", 10));

        let at = millis_to_time(1_800_000_000_000);
        store
            .mark_watches_seen(&[("b", 9), ("выборы", 3)], at)
            .unwrap();
        let b = store.watch("b").unwrap().unwrap();
        assert_eq!((b.seen, b.last_run), (9, Some(at)));
        assert_eq!(
            store.watch("выборы").unwrap().unwrap().seen,
            10,
            "never moves back"
        );

        assert!(store.remove_watch("b").unwrap());
        assert!(!store.remove_watch("b").unwrap());
        drop(store);
        let read_only = PageStore::open_read_only(&path).unwrap();
        assert_eq!(read_only.watches().unwrap().len(), 1);
    }
}
