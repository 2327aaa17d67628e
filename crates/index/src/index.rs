//! Opening the index, writing articles into it, rebuilding it, and reading articles back.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use newsdex_cleaner::Article;
use newsdex_persons::Person;
use serde::{Deserialize, Serialize};
use tantivy::collector::Count;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{
    DateTime, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term, doc,
};

use crate::generations::{self, WriterLock};
use crate::schema::{self, Fields};
use crate::{Error, Result};

/// Index settings. `Default` suits a laptop or a 2-core server.
#[derive(Debug, Clone)]
pub struct Config {
    /// Memory the writer may buffer before flushing a segment, split across its threads.
    pub writer_memory_bytes: usize,
    /// Indexing threads; tantivy needs at least 15 MB of `writer_memory_bytes` each.
    pub writer_threads: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            writer_memory_bytes: 96 * 1024 * 1024,
            writer_threads: 2,
        }
    }
}

/// An article as the index stores it: the cleaner's output and the persons found in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredArticle {
    pub article: Article,
    pub persons: Vec<Person>,
}

/// What `newsdex stats` reports about the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct IndexStats {
    pub articles: u64,
    /// Distinct canonical person names.
    pub persons: u64,
    /// Size of the live generation on disk.
    pub bytes: u64,
}

/// The archive's search index, opened for reading; [`ArticleIndex::writer`] adds to it.
pub struct ArticleIndex {
    root: PathBuf,
    /// The generation this handle reads (and writes).
    dir: PathBuf,
    pub(crate) index: Index,
    pub(crate) reader: IndexReader,
    pub(crate) fields: Fields,
    config: Config,
}

impl ArticleIndex {
    /// Opens the live generation under `root`, creating an empty index if there is none.
    pub fn open(root: impl AsRef<Path>, config: &Config) -> Result<Self> {
        let root = root.as_ref().to_path_buf();
        let dir = match generations::current(&root)? {
            Some(dir) => dir,
            None => {
                // Creating the first generation is a write: hold the lock so that two
                // processes starting at once cannot both create one.
                let _lock = WriterLock::acquire(&root)?;
                match generations::current(&root)? {
                    Some(dir) => dir,
                    None => {
                        let dir = generations::create_next(&root)?;
                        create_index(&dir)?;
                        generations::publish(&root, &dir)?;
                        dir
                    }
                }
            }
        };
        let index = Index::open_in_dir(&dir)?;
        schema::register_tokenizers(&index);
        let fields = Fields::resolve(&index.schema())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            root,
            dir,
            index,
            reader,
            fields,
            config: config.clone(),
        })
    }

    /// Takes the index's writer lock (failing with [`Error::Locked`] if another process holds
    /// it) and returns a writer for the live generation.
    pub fn writer(&self) -> Result<ArticleWriter<'_>> {
        let lock = WriterLock::acquire(&self.root)?;
        if generations::current(&self.root)?.as_deref() != Some(self.dir.as_path()) {
            // A rebuild swapped generations after this handle was opened: writing here would
            // go into an index nobody reads.
            return Err(Error::Stale {
                path: self.root.clone(),
            });
        }
        let writer = self
            .index
            .writer_with_num_threads(self.config.writer_threads, self.config.writer_memory_bytes)?;
        Ok(ArticleWriter {
            writer,
            fields: self.fields,
            reader: Some(&self.reader),
            _lock: lock,
        })
    }

    /// Starts building a fresh generation beside the live one. Searches keep using the live
    /// generation until [`Rebuild::finish`] swaps the new one in.
    pub fn begin_rebuild(root: impl AsRef<Path>, config: &Config) -> Result<Rebuild> {
        let root = root.as_ref().to_path_buf();
        let lock = WriterLock::acquire(&root)?;
        let dir = generations::create_next(&root)?;
        let index = create_index(&dir)?;
        schema::register_tokenizers(&index);
        let fields = Fields::resolve(&index.schema())?;
        let writer =
            index.writer_with_num_threads(config.writer_threads, config.writer_memory_bytes)?;
        Ok(Rebuild {
            root,
            dir,
            writer: Some(ArticleWriter {
                writer,
                fields,
                reader: None,
                _lock: lock,
            }),
        })
    }

    /// Sees the writes committed since the index was opened (by this or another process).
    pub fn reload(&self) -> Result<()> {
        self.reader.reload()?;
        Ok(())
    }

    /// The stored article with this URL.
    pub fn get(&self, url: &str) -> Result<Option<StoredArticle>> {
        let searcher = self.reader.searcher();
        let query = TermQuery::new(
            Term::from_field_text(self.fields.url, url),
            IndexRecordOption::Basic,
        );
        let top = searcher.search(
            &query,
            &tantivy::collector::TopDocs::with_limit(1).order_by_score(),
        )?;
        match top.first() {
            Some((_, address)) => {
                let document: TantivyDocument = searcher.doc(*address)?;
                Ok(self.decode(&document))
            }
            None => Ok(None),
        }
    }

    /// Whether an article with this URL is indexed.
    pub fn contains(&self, url: &str) -> Result<bool> {
        let query = TermQuery::new(
            Term::from_field_text(self.fields.url, url),
            IndexRecordOption::Basic,
        );
        Ok(self.reader.searcher().search(&query, &Count)? > 0)
    }

    pub(crate) fn decode(&self, document: &TantivyDocument) -> Option<StoredArticle> {
        let json = document.get_first(self.fields.stored)?.as_str()?;
        serde_json::from_str(json).ok()
    }

    /// Article count, distinct persons and size on disk of the live generation.
    pub fn stats(&self) -> Result<IndexStats> {
        let searcher = self.reader.searcher();
        let mut persons = HashSet::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(self.fields.person)?;
            let mut terms = inverted
                .terms()
                .stream()
                .map_err(crate::error::io_error(&self.dir))?;
            while terms.advance() {
                persons.insert(terms.key().to_vec());
            }
        }
        Ok(IndexStats {
            articles: searcher.num_docs(),
            persons: persons.len() as u64,
            bytes: dir_size(&self.dir),
        })
    }
}

/// Adds articles to an index. Nothing is visible to searches before [`ArticleWriter::commit`].
pub struct ArticleWriter<'a> {
    writer: IndexWriter,
    fields: Fields,
    reader: Option<&'a IndexReader>,
    _lock: WriterLock,
}

impl ArticleWriter<'_> {
    /// Adds an article, replacing any article already indexed under the same URL.
    pub fn upsert(&mut self, article: &Article, persons: &[Person]) -> Result<()> {
        let fields = self.fields;
        self.writer
            .delete_term(Term::from_field_text(fields.url, &article.url));
        let stored = StoredArticle {
            article: article.clone(),
            persons: persons.to_vec(),
        };
        let mut document = doc!(
            fields.url => article.url.as_str(),
            fields.title => article.title.as_str(),
            fields.body => article.text.as_str(),
            fields.stored => serde_json::to_string(&stored).expect("article serialises"),
        );
        for author in &article.authors {
            document.add_text(fields.author, author);
        }
        for person in persons {
            document.add_text(fields.person, schema::exact_value(&person.name));
        }
        if let Some(site) = site_of(&article.url) {
            document.add_text(fields.site, site);
        }
        if let Some(lang) = &article.language {
            document.add_text(fields.lang, lang.to_ascii_lowercase());
        }
        if let Some(published) = article.published {
            document.add_date(
                fields.published,
                DateTime::from_timestamp_secs(published.timestamp()),
            );
        }
        self.writer.add_document(document)?;
        Ok(())
    }

    /// Makes every article added so far durable and visible to new searches.
    pub fn commit(&mut self) -> Result<()> {
        self.writer.commit()?;
        if let Some(reader) = self.reader {
            reader.reload()?;
        }
        Ok(())
    }
}

/// A fresh generation being built by `newsdex rebuild`; see [`ArticleIndex::begin_rebuild`].
///
/// Dropping it without [`Rebuild::finish`] leaves the live index untouched and removes the
/// partial generation.
pub struct Rebuild {
    root: PathBuf,
    dir: PathBuf,
    writer: Option<ArticleWriter<'static>>,
}

impl Rebuild {
    /// The writer filling the new generation.
    pub fn writer(&mut self) -> &mut ArticleWriter<'static> {
        self.writer.as_mut().expect("writer present until finish")
    }

    /// Commits the new generation, merges it and makes it the live index.
    pub fn finish(mut self) -> Result<()> {
        let ArticleWriter {
            mut writer,
            _lock: lock,
            ..
        } = self.writer.take().expect("finish runs once");
        writer.commit()?;
        writer.wait_merging_threads()?;
        generations::publish(&self.root, &self.dir)?;
        generations::collect_garbage(&self.root, &self.dir)?;
        drop(lock);
        Ok(())
    }
}

impl Drop for Rebuild {
    fn drop(&mut self) {
        if let Some(writer) = self.writer.take() {
            drop(writer);
            // Best effort: a leftover directory is removed by the next rebuild anyway.
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn create_index(dir: &Path) -> Result<Index> {
    Ok(Index::create_in_dir(dir, schema::build_schema())?)
}

/// The host an article's URL names, without `www.`: what `site:` filters on.
pub(crate) fn site_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?.rsplit('@').next()?;
    let host = host.split(':').next()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    (!host.is_empty()).then(|| host.to_owned())
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(std::result::Result::ok)
                .filter_map(|entry| entry.metadata().ok())
                .filter(std::fs::Metadata::is_file)
                .map(|meta| meta.len())
                .sum()
        })
        .unwrap_or(0)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use newsdex_persons::Mention;

    pub fn article(url: &str, title: &str, text: &str) -> Article {
        Article {
            url: url.into(),
            title: title.into(),
            text: text.into(),
            ..Article::default()
        }
    }

    pub fn person(name: &str) -> Person {
        Person {
            name: name.into(),
            mentions: vec![Mention {
                start: 0,
                end: name.chars().count(),
                text: name.into(),
            }],
        }
    }

    #[test]
    fn upsert_replaces_by_url_and_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let index = ArticleIndex::open(dir.path(), &Config::default()).unwrap();
        let mut writer = index.writer().unwrap();
        writer
            .upsert(
                &article("https://a.example/1", "First", "old text"),
                &[person("Keir Starmer")],
            )
            .unwrap();
        writer.commit().unwrap();
        writer
            .upsert(
                &article("https://a.example/1", "First", "new text"),
                &[person("Keir Starmer")],
            )
            .unwrap();
        writer
            .upsert(
                &article("https://a.example/2", "Second", "other"),
                &[person("Emmanuel Macron")],
            )
            .unwrap();
        writer.commit().unwrap();
        drop(writer);

        let stats = index.stats().unwrap();
        assert_eq!((stats.articles, stats.persons), (2, 2));
        assert!(stats.bytes > 0);
        let reopened = ArticleIndex::open(dir.path(), &Config::default()).unwrap();
        let stored = reopened.get("https://a.example/1").unwrap().unwrap();
        assert_eq!(stored.article.text, "new text");
        assert_eq!(stored.persons[0].name, "Keir Starmer");
        assert!(reopened.contains("https://a.example/2").unwrap());
        assert!(!reopened.contains("https://a.example/3").unwrap());
    }

    #[test]
    fn second_writer_is_refused_with_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let index = ArticleIndex::open(dir.path(), &Config::default()).unwrap();
        let _writer = index.writer().unwrap();
        let other = ArticleIndex::open(dir.path(), &Config::default()).unwrap();
        let err = other.writer().err().unwrap();
        assert!(
            err.to_string()
                .contains("being written by another newsdex process"),
            "{err}"
        );
    }

    #[test]
    fn rebuild_swaps_only_when_finished() {
        let dir = tempfile::tempdir().unwrap();
        let index = ArticleIndex::open(dir.path(), &Config::default()).unwrap();
        let mut writer = index.writer().unwrap();
        writer
            .upsert(&article("https://a.example/old", "Old", "old body"), &[])
            .unwrap();
        writer.commit().unwrap();
        drop(writer);

        // An abandoned rebuild changes nothing.
        let mut abandoned = ArticleIndex::begin_rebuild(dir.path(), &Config::default()).unwrap();
        abandoned
            .writer()
            .upsert(&article("https://a.example/new", "New", "new body"), &[])
            .unwrap();
        drop(abandoned);
        let reopened = ArticleIndex::open(dir.path(), &Config::default()).unwrap();
        assert!(reopened.contains("https://a.example/old").unwrap());
        assert!(!reopened.contains("https://a.example/new").unwrap());

        let mut rebuild = ArticleIndex::begin_rebuild(dir.path(), &Config::default()).unwrap();
        rebuild
            .writer()
            .upsert(&article("https://a.example/new", "New", "new body"), &[])
            .unwrap();
        // The live index still answers while the rebuild runs.
        assert!(index.contains("https://a.example/old").unwrap());
        rebuild.finish().unwrap();
        let swapped = ArticleIndex::open(dir.path(), &Config::default()).unwrap();
        assert!(swapped.contains("https://a.example/new").unwrap());
        assert!(!swapped.contains("https://a.example/old").unwrap());
        assert_eq!(swapped.stats().unwrap().articles, 1);
    }

    #[test]
    fn site_is_the_host_without_www() {
        assert_eq!(
            site_of("https://www.mirror.co.uk/news/x").as_deref(),
            Some("mirror.co.uk")
        );
        assert_eq!(
            site_of("http://user@Example.org:8080/a").as_deref(),
            Some("example.org")
        );
        assert_eq!(site_of("file:///tmp/a.html"), None);
    }
}
