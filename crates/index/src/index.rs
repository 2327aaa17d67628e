//! Opening the index, writing articles into it, rebuilding it, and reading articles back.

use rustc_hash::FxBuildHasher;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};
use newsdex_persons::Person;
use newsdex_types::Article;
use newsdex_types::Block;
use serde::{Deserialize, Serialize};
use tantivy::collector::Count;
use tantivy::indexer::{IndexWriterOptions, LogMergePolicy};
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term,
    doc,
};

use crate::dedup::{self, DupIndex, Fingerprint, Shingles};
use crate::directory::IndexDirectory;
use crate::error::io_error;
use crate::generations::{self, Live, WriterLock};
use crate::highlight::Highlighter;
use crate::pairs::PairWriter;
use crate::people::{self, PersonDirectory};
use crate::schema::{self, Fields};
use crate::stemmer::{StemMemo, Stemmed};
use crate::{Error, Result};

mod shards;
pub use shards::{DupGroups, DupKey, ImportStats, Replacement, ShardDocument, shard_documents};

/// Index settings. `Default` suits a laptop or a 2-core server.
#[derive(Debug, Clone)]
pub struct Config {
    /// Memory the writer may buffer before flushing a segment, split across its threads.
    pub writer_memory_bytes: usize,
    /// Indexing threads; tantivy needs at least 15 MB of `writer_memory_bytes` each. Two is
    /// the default: the caller's thread analyzes the body (see `ArticleWriter::words`) and
    /// one indexing thread could not keep up with it, so one core stood idle part of the
    /// time; with two, a rebuild of 100,000 articles took 27% less time for the same CPU
    /// time (on 2 cores shared with other work), for some 100 MB more heap (each thread
    /// its own buffer).
    pub writer_threads: usize,
    /// Threads merging segments in the background. tantivy's default of four only competes
    /// with indexing for the cores (and memory) of a small machine.
    pub merge_threads: usize,
    /// Segments with more live articles than this are not merged again: small segments are
    /// merged eight at a time (tantivy's log merge policy) into segments of up to about eight
    /// times this, and those stay. Merging them on into ever larger segments rewrote every
    /// article once more per level (a million articles indexed 21% slower per CPU-second than
    /// a hundred thousand) and mapped gigabytes of index files while the largest merges ran,
    /// for queries that are no faster over a few large segments than over some dozens.
    pub merge_max_docs: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            // 96 MB per thread: each flushes segments of some 4,000 articles, which merge
            // eight at a time into segments past `merge_max_docs` in one level (with 48 MB
            // each, segments of 2,000 would take two levels, every article merged twice).
            writer_memory_bytes: 2 * 96 * 1024 * 1024,
            writer_threads: 2,
            merge_threads: 1,
            merge_max_docs: 20_000,
        }
    }
}

impl Config {
    fn open_writer(&self, index: &Index) -> Result<IndexWriter> {
        let threads = self.writer_threads.max(1);
        let options = IndexWriterOptions::builder()
            .num_worker_threads(threads)
            .memory_budget_per_thread(self.writer_memory_bytes / threads)
            .num_merge_threads(self.merge_threads.max(1))
            .build();
        let writer: IndexWriter = index.writer_with_options(options)?;
        let mut policy = LogMergePolicy::default();
        policy.set_max_docs_before_merge(self.merge_max_docs.max(1));
        writer.set_merge_policy(Box::new(policy));
        Ok(writer)
    }
}

/// An article as the index stores it: the cleaner's output and the persons found in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredArticle {
    /// The article as the cleaner gave it (its `url` the key it is indexed under).
    pub article: Article,
    /// The persons it names, with their mentions.
    pub persons: Vec<Person>,
}

/// What `newsdex stats` reports about the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct IndexStats {
    /// Live documents: one per article URL.
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
    /// The persons of the last searcher generation asked about.
    ///
    /// This and the other mutexes of the crate guard caches, which a panic cannot leave in a
    /// state worse than incomplete: they are locked through a poison, so that one failed
    /// search in a server never fails the searches after it.
    people: Mutex<Option<(u64, Arc<PersonDirectory>)>>,
    /// The title and body analyzer for highlighting, kept for the stems it remembers.
    pub(crate) highlighter: Mutex<Highlighter>,
    /// Said with every search when the generation was built with an older analysis.
    pub(crate) outdated: Option<String>,
}

impl ArticleIndex {
    /// Opens the live generation under `root`, creating an empty index if there is none.
    pub fn open(root: impl AsRef<Path>, config: &Config) -> Result<Self> {
        let root = root.as_ref().to_path_buf();
        let dir = match generations::live(&root)? {
            Live::Named(dir) => dir,
            Live::Recovered { dir, why } => {
                recover(&root, &dir, &why);
                dir
            }
            Live::None { why } => {
                if let Some(why) = why {
                    tracing::warn!(
                        "index `{}`: {why}; starting an empty index (`newsdex rebuild` rebuilds it from the page store)",
                        root.display()
                    );
                }
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
        Self::open_generation(root, dir, config)
    }

    /// Opens the live generation under `root` for a command that only reads: nothing is
    /// created (a reader that created the first generation would take the writer lock from
    /// an ingest starting at the same moment), and no index is [`Error::Missing`].
    pub fn open_existing(root: impl AsRef<Path>, config: &Config) -> Result<Self> {
        let root = root.as_ref().to_path_buf();
        match generations::live(&root)? {
            Live::Named(dir) => Self::open_generation(root, dir, config),
            Live::Recovered { dir, why } => {
                recover(&root, &dir, &why);
                Self::open_generation(root, dir, config)
            }
            Live::None { why } => {
                if let Some(why) = why {
                    tracing::warn!("index `{}`: {why}", root.display());
                }
                Err(Error::Missing { path: root })
            }
        }
    }

    fn open_generation(root: PathBuf, dir: PathBuf, config: &Config) -> Result<Self> {
        // Readable without write access (see `directory`): searching a read-only archive.
        let index = Index::open(IndexDirectory::open(&dir)?)?;
        schema::register_tokenizers(&index);
        let fields =
            Fields::resolve(&index.schema()).map_err(|_| Error::Outdated { path: root.clone() })?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let outdated = match analysis_version(&dir) {
            Some(version) if version >= ANALYSIS_VERSION => None,
            Some(2) => Some(
                "this index was built by an older newsdex, without the word pairs that make phrases of common words quick; run `newsdex rebuild` to rebuild it from the page store".to_owned(),
            ),
            _ => Some(
                "this index was built by an older newsdex, which matched accents, Turkish `İ`, Chinese and Hindi words less well; run `newsdex rebuild` to rebuild it from the page store".to_owned(),
            ),
        };
        Ok(Self {
            root,
            dir,
            index,
            reader,
            fields,
            config: config.clone(),
            people: Mutex::default(),
            highlighter: Mutex::default(),
            outdated,
        })
    }

    /// Takes the index's writer lock (failing with [`Error::Locked`] if another process holds
    /// it) and returns a writer for the live generation.
    pub fn writer(&self) -> Result<ArticleWriter<'_>> {
        let lock = WriterLock::acquire(&self.root)?;
        if !self.is_current()? {
            // A rebuild swapped generations after this handle was opened: writing here would
            // go into an index nobody reads.
            return Err(Error::Stale {
                path: self.root.clone(),
            });
        }
        let writer = self.config.open_writer(&self.index)?;
        Ok(ArticleWriter {
            writer,
            fields: self.fields,
            reader: Some(&self.reader),
            dir: self.dir.clone(),
            dups: load_dups(&self.reader.searcher())?,
            folded: schema::folded_analyzer(),
            stems: StemMemo::classifying(crate::pairs::is_common),
            vocabulary: Vocabulary::default(),
            names: people::NameCache::default(),
            last_arrival: crate::watch::latest_arrival(&self.reader.searcher())?,
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
        let writer = config.open_writer(&index)?;
        Ok(Rebuild {
            root,
            writer: Some(ArticleWriter {
                writer,
                fields,
                reader: None,
                dir: dir.clone(),
                dups: DupIndex::empty_generation(),
                folded: schema::folded_analyzer(),
                stems: StemMemo::classifying(crate::pairs::is_common),
                vocabulary: Vocabulary::default(),
                names: people::NameCache::default(),
                last_arrival: 0,
                _lock: lock,
            }),
            dir,
        })
    }

    /// Sees the writes committed since the index was opened (by this or another process).
    ///
    /// Only when something was committed: every reload makes a new searcher generation, and
    /// what is cached per generation (the persons table, read from `persons.json`) would be
    /// loaded again for every request of a server, which reloads before each one.
    pub fn reload(&self) -> Result<()> {
        let committed = self.index.searchable_segment_metas()?;
        let searcher = self.reader.searcher();
        let readers = searcher.segment_readers();
        let unchanged = committed.len() == readers.len()
            && committed.iter().all(|meta| {
                readers.iter().any(|reader| {
                    reader.segment_id() == meta.id()
                        && reader.delete_opstamp() == meta.delete_opstamp()
                })
            });
        if !unchanged {
            self.reader.reload()?;
        }
        Ok(())
    }

    /// Whether this handle still reads the live generation. After a rebuild swapped in a new
    /// one, a long-running reader (a server) should open the index again.
    pub fn is_current(&self) -> Result<bool> {
        Ok(generations::current(&self.root)?.as_deref() == Some(self.dir.as_path()))
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
        StoredArticle::from_json(json)
    }

    /// The persons of `searcher`'s documents and the alias table over them.
    pub(crate) fn people(&self, searcher: &Searcher) -> Result<Arc<PersonDirectory>> {
        let generation = searcher.generation().generation_id();
        let mut cached = self.people.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((cached_generation, people)) = cached.as_ref()
            && *cached_generation == generation
        {
            return Ok(Arc::clone(people));
        }
        let people = Arc::new(people::load(&self.dir, searcher)?);
        *cached = Some((generation, Arc::clone(&people)));
        Ok(people)
    }

    /// Article count, distinct persons and size on disk of the live generation.
    pub fn stats(&self) -> Result<IndexStats> {
        let searcher = self.reader.searcher();
        Ok(IndexStats {
            articles: searcher.num_docs(),
            persons: self.people(&searcher)?.len() as u64,
            bytes: dir_size(&self.dir),
        })
    }
}

/// Makes a recovered generation the live one again (see [`generations::live`]) and says so:
/// this is a repair the user should know of, not an error, since nothing was lost. In a
/// data directory this process may not write to, the generation is used as it is.
fn recover(root: &Path, dir: &Path, why: &str) {
    let name = dir
        .file_name()
        .map(|name| name.to_string_lossy().into_owned());
    let name = name.as_deref().unwrap_or_default();
    let restored = WriterLock::acquire(root).and_then(|_lock| {
        // Another process may have repaired it meanwhile.
        match generations::live(root)? {
            Live::Recovered { dir: again, .. } if again == dir => generations::publish(root, dir),
            _ => Ok(()),
        }
    });
    match restored {
        Ok(()) => tracing::warn!(
            "index `{}`: {why}; using `{name}`, the newest complete generation, and naming it in CURRENT again",
            root.display()
        ),
        Err(err) => tracing::warn!(
            "index `{}`: {why}; using `{name}`, the newest complete generation (CURRENT could not be restored: {})",
            root.display(),
            crate::error::chain(&err)
        ),
    }
}

/// The stored form: the body text is left out when the blocks spell it exactly (it is
/// rebuilt from them on reading), which halves the document store.
#[derive(Deserialize)]
struct StoredDocument {
    article: Article,
    persons: Vec<Person>,
    #[serde(default)]
    text_from_blocks: bool,
}

/// [`StoredDocument`] as written, borrowed from the article being indexed: one is written per
/// document, and copying the article (its text twice over, as `text` and as `blocks`) to
/// change two fields would cost as much as serialising it.
#[derive(Serialize)]
struct StoredDocumentRef<'a> {
    article: ArticleRef<'a>,
    persons: &'a [Person],
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    text_from_blocks: bool,
}

/// An [`Article`] serialised from borrows: the same fields under the same names in the same
/// order, so that it reads back as an `Article`; `text` and `published` are the stored ones.
#[derive(Serialize)]
struct ArticleRef<'a> {
    url: &'a String,
    title: &'a String,
    authors: &'a [String],
    published: Option<DateTime<Utc>>,
    modified: Option<DateTime<Utc>>,
    site_name: Option<&'a String>,
    language: Option<&'a String>,
    description: Option<&'a String>,
    section: Option<&'a String>,
    tags: &'a [String],
    image: Option<&'a String>,
    text: &'a str,
    canonical_url: Option<&'a String>,
    blocks: &'a [Block],
}

impl<'a> ArticleRef<'a> {
    fn new(article: &'a Article, text: &'a str, published: Option<DateTime<Utc>>) -> Self {
        // Every field by name, without `..`: a field added to `Article` stops the build here
        // instead of going missing from the store.
        let Article {
            url,
            title,
            authors,
            published: _,
            modified,
            site_name,
            language,
            description,
            section,
            tags,
            image,
            text: _,
            canonical_url,
            blocks,
        } = article;
        ArticleRef {
            url,
            title,
            authors,
            published,
            modified: *modified,
            site_name: site_name.as_ref(),
            language: language.as_ref(),
            description: description.as_ref(),
            section: section.as_ref(),
            tags,
            image: image.as_ref(),
            text,
            canonical_url: canonical_url.as_ref(),
            blocks,
        }
    }
}

impl StoredArticle {
    /// The stored JSON of `article` with `published` as its publication date.
    #[allow(clippy::expect_used)]
    fn to_json(article: &Article, published: Option<DateTime<Utc>>, persons: &[Person]) -> String {
        let text_from_blocks = !article.blocks.is_empty() && text_is_blocks(article);
        let text = if text_from_blocks { "" } else { &article.text };
        serde_json::to_string(&StoredDocumentRef {
            article: ArticleRef::new(article, text, published),
            persons,
            text_from_blocks,
        })
        .expect("structs of strings, numbers and dates always serialise: no map keys")
    }

    fn from_json(json: &str) -> Option<Self> {
        let stored: StoredDocument = serde_json::from_str(json).ok()?;
        let mut article = stored.article;
        if stored.text_from_blocks {
            article.text = article
                .blocks
                .iter()
                .map(|block| block.text.as_str())
                .collect::<Vec<_>>()
                .join("\n\n");
        }
        Some(Self {
            article,
            persons: stored.persons,
        })
    }
}

/// Whether the article's text is exactly its blocks joined by blank lines, checked without
/// building the joined string (this runs for every article indexed).
fn text_is_blocks(article: &Article) -> bool {
    let mut rest = article.text.as_str();
    for (n, block) in article.blocks.iter().enumerate() {
        if n > 0 {
            let Some(after) = rest.strip_prefix("\n\n") else {
                return false;
            };
            rest = after;
        }
        let Some(after) = rest.strip_prefix(block.text.as_str()) else {
            return false;
        };
        rest = after;
    }
    rest.is_empty()
}

/// The fingerprints and groups of every live article, for grouping new ones with them.
fn load_dups(searcher: &Searcher) -> Result<DupIndex> {
    let mut dups = DupIndex::new();
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let (lo, hi, group) = (fast.u64("sim_lo")?, fast.u64("sim_hi")?, fast.u64("dup")?);
        let published = fast.date("published")?;
        for doc in 0..segment.max_doc() {
            if segment.is_deleted(doc) {
                continue;
            }
            if let (Some(lo), Some(hi), Some(group)) =
                (lo.first(doc), hi.first(doc), group.first(doc))
            {
                let day = published
                    .first(doc)
                    .map(|date| date.into_timestamp_secs().div_euclid(86_400));
                dups.insert(Fingerprint { lo, hi }, day, group);
            }
        }
    }
    Ok(dups)
}

/// Adds articles to an index. Nothing is visible to searches before [`ArticleWriter::commit`].
pub struct ArticleWriter<'a> {
    writer: IndexWriter,
    fields: Fields,
    reader: Option<&'a IndexReader>,
    /// The generation written, where `persons.json` goes.
    dir: PathBuf,
    dups: DupIndex,
    folded: TextAnalyzer,
    /// Stems of the folded words, for the body's word pairs; it also marks the words this
    /// writer has given to the spelling vocabulary.
    stems: StemMemo,
    /// The words given to the spelling vocabulary by this writer that `stems` does not keep.
    vocabulary: Vocabulary,
    /// Names counted per segment, for `persons.json` at each commit.
    names: people::NameCache,
    /// The latest arrival given to an article through this writer or found in the index.
    last_arrival: u64,
    _lock: WriterLock,
}

/// Words a writer remembers having put in the vocabulary (about 32 MB at most).
const MAX_VOCABULARY: usize = 2_000_000;

/// Slots of [`Vocabulary::recent`] (128 KB: it stays in the core's cache).
const RECENT_WORDS: usize = 1 << 14;

/// Hashes of the words a writer has given to the spelling vocabulary that its stem memo
/// does not keep (the memo marks the others, see [`StemMemo::stem_and_mark`]): a 64-bit
/// hash stands for the word (two words colliding would only leave one of them out of the
/// vocabulary), without keeping or comparing the words themselves.
struct Vocabulary {
    seen: HashSet<u64, FxBuildHasher>,
    /// The hash last met in each slot, a subset of `seen`, answered without touching it.
    /// It was added when `seen` was asked about every word of every article and outgrew the
    /// caches at a million articles; since the stem memo marks the words it keeps, `seen`
    /// hears only of the others (long words, and new words once the memo is full).
    recent: Box<[u64]>,
}

impl Default for Vocabulary {
    fn default() -> Self {
        Vocabulary {
            seen: HashSet::default(),
            recent: vec![0; RECENT_WORDS].into_boxed_slice(),
        }
    }
}

impl Vocabulary {
    /// Whether the word of `hash` is new to the vocabulary; it is not any more afterwards.
    fn is_new(&mut self, hash: u64) -> bool {
        let slot = &mut self.recent[(hash as usize) & (RECENT_WORDS - 1)];
        // An empty slot holds 0: a word whose hash is 0 is always asked of `seen`.
        if *slot == hash && hash != 0 {
            return false;
        }
        *slot = hash;
        self.seen.insert(hash)
    }

    /// Forgets every word once there are too many (some words are then indexed again).
    fn forget_if_full(&mut self) {
        if self.seen.len() > MAX_VOCABULARY {
            self.seen.clear();
            self.recent.fill(0);
        }
    }
}

impl ArticleWriter<'_> {
    /// Adds an article, replacing any article already indexed under the same URL.
    ///
    /// A publication date outside the range the index holds exactly (before 1700 or from 2200
    /// on: a misread date) is dropped, from the stored article too, so that what a hit shows
    /// and what date filters and sorting see agree; the page store keeps the page as fetched.
    ///
    /// The article is given the next arrival (see [`crate::next_arrival`]); callers that keep
    /// arrivals elsewhere (the page store) use [`ArticleWriter::upsert_arrived`].
    pub fn upsert(&mut self, article: &Article, persons: &[Person]) -> Result<()> {
        let arrival = crate::next_arrival(self.last_arrival);
        self.upsert_arrived(article, persons, arrival)
    }

    /// [`ArticleWriter::upsert`] with the arrival the article first had: a rebuild or a
    /// re-indexed article keeps it, so saved searches do not take it for new.
    pub fn upsert_arrived(
        &mut self,
        article: &Article,
        persons: &[Person],
        arrival: u64,
    ) -> Result<()> {
        self.upsert_grouped(article, persons, None, arrival)
    }

    /// [`ArticleWriter::upsert_arrived`], in the near-duplicate `group` given (when an import
    /// assigned it in archive order) or else the one this writer finds.
    fn upsert_grouped(
        &mut self,
        article: &Article,
        persons: &[Person],
        group: Option<u64>,
        arrival: u64,
    ) -> Result<()> {
        self.last_arrival = self.last_arrival.max(arrival);
        let fields = self.fields;
        let published = article.published.and_then(schema::indexed_date);
        if self.dups.may_hold(&article.url) {
            self.writer
                .delete_term(Term::from_field_text(fields.url, &article.url));
        }
        let Analyzed {
            words,
            body,
            pairs,
            fingerprint,
        } = self.words(article);
        let day = published.map(|published| published.into_timestamp_secs().div_euclid(86_400));
        let group = match group {
            Some(group) => group,
            None => self.dups.assign(fingerprint, day, &article.url),
        };
        let mut document = doc!(
            fields.url => article.url.as_str(),
            fields.title => article.title.as_str(),
            fields.body => body.as_deref().unwrap_or(&article.text),
            fields.dup => group,
            fields.arrival => arrival,
            fields.stored => StoredArticle::to_json(article, published.and(article.published), persons),
        );
        document.add_text(fields.words, words);
        if let Some(field) = fields.pairs {
            document.add_text(field, pairs);
        }
        if let Some(fingerprint) = fingerprint {
            document.add_u64(fields.sim_lo, fingerprint.lo);
            document.add_u64(fields.sim_hi, fingerprint.hi);
        }
        for author in &article.authors {
            document.add_text(fields.author, author);
        }
        for person in persons {
            let name = schema::exact_value(&person.name);
            if !name.is_empty() {
                document.add_text(fields.person, name);
            }
        }
        if let Some(host) = host_of(&article.url) {
            // `site:bbc.co.uk` also finds `news.bbc.co.uk`.
            let labels: Vec<&str> = host.split('.').collect();
            for first in 0..labels.len().saturating_sub(1) {
                document.add_text(fields.site, labels[first..].join("."));
            }
            document.add_text(fields.host, &host);
        }
        if let Some(name) = &article.site_name {
            document.add_text(fields.site, schema::exact_value(name));
        }
        if let Some(lang) = &article.language {
            document.add_text(fields.lang, lang.to_ascii_lowercase());
        }
        if let Some(published) = published {
            document.add_date(fields.published, published);
        }
        if let Err(err) = self.writer.add_document(document) {
            // An indexing thread that failed (a full disk while flushing a segment) only
            // says "killed" here; joining it, as a commit does, gives its error.
            if matches!(err, tantivy::TantivyError::ErrorInThread(_))
                && let Err(cause) = self.writer.prepare_commit()
            {
                return Err(cause.into());
            }
            return Err(err.into());
        }
        Ok(())
    }

    /// One pass of the folded analyzer over title and body gives the words this writer has
    /// not put in the spelling vocabulary yet (space-separated, for the `words` field's
    /// whitespace tokenizer) and the body's near-duplicate fingerprint.
    ///
    /// The vocabulary needs each word once, not once per article: indexing it in every
    /// article cost a third of all postings. Words under four letters are left out: they are
    /// their own stems, so the title and body dictionaries hold them, and they are too short
    /// to correct.
    fn words(&mut self, article: &Article) -> Analyzed {
        let mut words = String::new();
        let mut shingles = Shingles::default();
        let mut pairs = PairWriter::default();
        let with_pairs = self.fields.pairs.is_some();
        let analyzed = self.fields.body_analyzed;
        let mut body = String::new();
        // Lines written to `body`: the next word's position, unless words were skipped.
        let mut lines = 0;
        self.vocabulary.forget_if_full();
        for (text, is_body) in [
            (article.title.as_str(), false),
            (article.text.as_str(), true),
        ] {
            let mut stream = self.folded.token_stream(text);
            while let Some(token) = stream.next() {
                let hash = dedup::word_hash(&token.text);
                let for_vocabulary = token.text.len() >= 4;
                // The memo has the stem, whether it is a common word, and whether the word
                // went into the vocabulary.
                let Stemmed {
                    stem,
                    in_class: common,
                    first_mark,
                } = if is_body || for_vocabulary {
                    self.stems.stem_and_mark(&token.text)
                } else {
                    Stemmed {
                        stem: &token.text,
                        in_class: false,
                        first_mark: None,
                    }
                };
                if is_body {
                    shingles.push_hash(hash);
                    // The body's own words: the folded word stemmed as the body analyzer
                    // stems it, at the same position.
                    if analyzed {
                        for _ in lines..token.position {
                            body.push('\n');
                        }
                        body.push_str(stem);
                        body.push('\n');
                        lines = token.position + 1;
                    }
                    if with_pairs {
                        pairs.push(stem, common, token.position);
                    }
                }
                if for_vocabulary
                    && first_mark.unwrap_or_else(|| self.vocabulary.is_new(dedup::mix(hash)))
                {
                    words.push_str(&token.text);
                    words.push(' ');
                }
            }
        }
        Analyzed {
            words,
            body: analyzed.then_some(body),
            pairs: pairs.finish(),
            fingerprint: shingles.finish(),
        }
    }

    /// Makes every article added so far durable and visible to new searches.
    pub fn commit(&mut self) -> Result<()> {
        self.writer.commit()?;
        if let Some(reader) = self.reader {
            reader.reload()?;
            people::write(&self.dir, &reader.searcher(), &mut self.names)?;
        }
        Ok(())
    }
}

/// What [`ArticleWriter::words`] makes of an article in its one pass over the words.
struct Analyzed {
    /// Words new to the spelling vocabulary, space-separated.
    words: String,
    /// The body as [`schema::ANALYZED_TOKENIZER`] reads it, when the index takes it so.
    body: Option<String>,
    /// The body's word pairs (see the `pairs` module), one a line.
    pairs: String,
    fingerprint: Option<Fingerprint>,
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
    #[allow(clippy::expect_used)]
    pub fn writer(&mut self) -> &mut ArticleWriter<'static> {
        // `None` only once `finish` (which takes `self`) or `drop` ran: never seen here.
        self.writer.as_mut().expect("writer present until finish")
    }

    /// Commits the new generation, merges it and makes it the live index.
    #[allow(clippy::expect_used)]
    pub fn finish(mut self) -> Result<()> {
        let ArticleWriter {
            mut writer,
            mut names,
            _lock: lock,
            ..
        } = self
            .writer
            .take()
            .expect("finish takes `self`, so it runs once, before drop");
        writer.commit()?;
        let index = writer.index().clone();
        writer.wait_merging_threads()?;
        let reader: IndexReader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        people::write(&self.dir, &reader.searcher(), &mut names)?;
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

/// The version of the analysis (words, folding, stemming) a generation was built with, in
/// the file [`ANALYSIS_FILE`] beside it. Queries are analyzed by the running newsdex, so an
/// index built with an older analysis misses some words until it is rebuilt. Version 2 made
/// case and accents fold the same in every script (Turkish `İ`, Greek, Cyrillic, decomposed
/// accents) and cut Chinese and Hindi into words. Version 3 added the body's word pairs
/// (the `pairs` field), without which phrases of common words are slow, not wrong.
const ANALYSIS_VERSION: u32 = 3;
const ANALYSIS_FILE: &str = "analysis";

/// The document store of a new generation: zstd instead of tantivy's default lz4. The stored
/// JSON is most of an index (two thirds with lz4), and zstd makes it about half as large for a
/// little more CPU while indexing, which shortens merges and the files they map. Reading a
/// hit decompresses one 16 KB block either way. A generation keeps the settings it was
/// created with (each store says how it was compressed), so older indexes read as before.
fn index_settings() -> IndexSettings {
    IndexSettings {
        docstore_compression: Compressor::Zstd(ZstdCompressor {
            compression_level: Some(DOCSTORE_ZSTD_LEVEL),
        }),
        ..IndexSettings::default()
    }
}

/// zstd's own default level: levels above it cost more CPU for a few percent less space.
const DOCSTORE_ZSTD_LEVEL: i32 = 1;

fn create_index(dir: &Path) -> Result<Index> {
    let index = Index::builder()
        .schema(schema::build_schema())
        .settings(index_settings())
        .create_in_dir(dir)?;
    let path = dir.join(ANALYSIS_FILE);
    std::fs::write(&path, format!("{ANALYSIS_VERSION}\n")).map_err(io_error(&path))?;
    Ok(index)
}

/// The analysis version the generation `dir` was built with (`None`: before versions were
/// written, or unreadable).
fn analysis_version(dir: &Path) -> Option<u32> {
    std::fs::read_to_string(dir.join(ANALYSIS_FILE))
        .ok()
        .and_then(|version| version.trim().parse::<u32>().ok())
}

/// The host an article's URL names, without `www.`: it and each parent domain are what
/// `site:` filters on, so that `site:news.bbc.co.uk` narrows `site:bbc.co.uk`. Its site
/// ([`newsdex_types::site_of_host`]) is what search hits and the sites facet show.
pub(crate) fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?.rsplit('@').next()?;
    let host = host.split(':').next()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    (!host.is_empty()).then(|| host.to_owned())
}

/// The site of an article's URL ([`newsdex_types::site_of_host`] of [`host_of`]): what a
/// search hit shows when the page names no site.
pub(crate) fn site_of_url(url: &str) -> Option<String> {
    host_of(url).map(|host| newsdex_types::site_of_host(&host).to_owned())
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

    /// The cache of recent words never answers for `seen`: a word is new exactly once,
    /// whether its slot still holds it, another word took the slot, or its hash is 0.
    #[test]
    fn vocabulary_words_are_new_once_whatever_the_recent_slots_hold() {
        let mut vocabulary = Vocabulary::default();
        let slots = RECENT_WORDS as u64;
        // 7 and 7 + slots share a slot; 0 is the empty slot's value.
        let hashes = [
            7,
            7 + slots,
            0,
            dedup::mix(dedup::word_hash("Zelensky")),
            dedup::mix(dedup::word_hash("Зеленский")),
        ];
        for hash in hashes {
            assert!(vocabulary.is_new(hash), "{hash}");
        }
        for _ in 0..3 {
            for hash in hashes {
                assert!(!vocabulary.is_new(hash), "{hash}");
            }
        }
        vocabulary
            .seen
            .extend(1_000..=1_000 + MAX_VOCABULARY as u64);
        vocabulary.forget_if_full();
        for hash in hashes {
            assert!(vocabulary.is_new(hash), "after forgetting: {hash}");
        }
    }

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

    /// Regression (issue 10, item 2): a search that panicked while holding the highlighter
    /// poisoned its lock, and every later search in `serve` failed until a restart.
    #[test]
    fn a_panic_holding_a_cache_lock_does_not_break_later_searches() {
        let dir = tempfile::tempdir().unwrap();
        let index = ArticleIndex::open(dir.path(), &Config::default()).unwrap();
        let mut writer = index.writer().unwrap();
        writer
            .upsert(
                &article(
                    "https://a.example/1",
                    "Переговоры",
                    "Переговоры продолжатся.",
                ),
                &[person("Keir Starmer")],
            )
            .unwrap();
        writer.commit().unwrap();
        drop(writer);
        std::thread::scope(|scope| {
            let highlighting = scope.spawn(|| {
                let _guard = index.highlighter.lock();
                panic!("a search failed while highlighting");
            });
            let persons = scope.spawn(|| {
                let _guard = index.people.lock();
                panic!("a search failed while loading persons");
            });
            assert!(highlighting.join().is_err() && persons.join().is_err());
        });
        assert!(index.highlighter.is_poisoned() && index.people.is_poisoned());
        let results = index
            .search(&crate::SearchRequest::new("переговоры person:Starmer"))
            .unwrap();
        assert_eq!(results.total, 1);
    }

    /// Issue 11, finding 8: `upsert` copied the whole article to store it without its text
    /// (or its misread date). The borrowed form it writes now must be byte for byte what
    /// serde writes for the article with those two fields changed, which indexes already
    /// built hold, and read back as that article.
    #[test]
    fn the_stored_form_is_the_article_with_its_text_and_date_as_stored() {
        use newsdex_types::{BlockKind, Link};

        #[derive(Serialize)]
        struct Owned {
            article: Article,
            persons: Vec<Person>,
            #[serde(skip_serializing_if = "std::ops::Not::not")]
            text_from_blocks: bool,
        }
        let paragraph = |text: &str| Block {
            kind: BlockKind::Paragraph,
            quote: false,
            text: text.into(),
            links: Vec::new(),
        };
        let blocks = vec![
            Block {
                kind: BlockKind::Heading { level: 2 },
                ..paragraph("Переговоры в Стамбуле")
            },
            Block {
                quote: true,
                links: vec![Link {
                    start: 0,
                    end: 6,
                    href: "https://example.org/北京".into(),
                }],
                ..paragraph("北京表示欢迎 « la paix » — مفاوضات السلام")
            },
            paragraph("Η συμφωνία, भारत ने कहा."),
        ];
        let joined = blocks
            .iter()
            .map(|block| block.text.as_str())
            .collect::<Vec<_>>()
            .join("\n\n");
        let date = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let full = Article {
            url: "https://example.org/a".into(),
            title: "Переговоры".into(),
            authors: vec!["Zoë Ab".into(), "محمد".into()],
            published: Some(date("2025-08-19T17:27:00Z")),
            modified: Some(date("2025-08-20T08:00:00Z")),
            site_name: Some("Ελλάδα Σήμερα".into()),
            language: Some("ru".into()),
            description: Some("Résumé".into()),
            section: Some("Мир".into()),
            tags: vec!["外交".into()],
            image: Some("https://example.org/i.jpg".into()),
            text: joined.clone(),
            canonical_url: Some("https://example.org/a".into()),
            blocks,
        };
        let persons = vec![person("Keir Starmer")];
        let misdated = Article {
            published: Some(date("2999-01-01T00:00:00Z")),
            ..full.clone()
        };
        let edited = Article {
            text: format!("{joined} (edited)"),
            ..full.clone()
        };
        for (article, published, text_from_blocks) in [
            (&full, full.published, true),
            (&misdated, None, true),
            (&edited, edited.published, false),
            (&Article::default(), None, false),
        ] {
            let stored = Article {
                published,
                text: if text_from_blocks {
                    String::new()
                } else {
                    article.text.clone()
                },
                ..article.clone()
            };
            let expected = serde_json::to_string(&Owned {
                article: stored,
                persons: persons.clone(),
                text_from_blocks,
            })
            .unwrap();
            let json = StoredArticle::to_json(article, published, &persons);
            assert_eq!(json, expected);
            let back = StoredArticle::from_json(&json).unwrap();
            assert_eq!(
                back.article,
                Article {
                    published,
                    ..article.clone()
                }
            );
            assert_eq!(back.persons, persons);
        }
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
        assert!(index.is_current().unwrap());
        rebuild.finish().unwrap();
        assert!(
            !index.is_current().unwrap(),
            "the swap is visible to open handles"
        );
        let swapped = ArticleIndex::open(dir.path(), &Config::default()).unwrap();
        assert!(swapped.contains("https://a.example/new").unwrap());
        assert!(!swapped.contains("https://a.example/old").unwrap());
        assert_eq!(swapped.stats().unwrap().articles, 1);
    }

    /// A rebuild deletes by URL only what it indexed itself (issue 15: a delete per article
    /// cost a million queued operations at a million articles); a page given twice must
    /// still leave one article, the later one.
    #[test]
    fn a_rebuild_given_a_url_twice_keeps_only_the_later_article() {
        let dir = tempfile::tempdir().unwrap();
        let mut rebuild = ArticleIndex::begin_rebuild(dir.path(), &Config::default()).unwrap();
        let writer = rebuild.writer();
        writer
            .upsert(
                &article("https://a.example/1", "Ранняя", "первая версия"),
                &[],
            )
            .unwrap();
        writer
            .upsert(&article("https://a.example/2", "Other", "other text"), &[])
            .unwrap();
        writer
            .upsert(
                &article("https://a.example/1", "Поздняя", "вторая версия"),
                &[],
            )
            .unwrap();
        rebuild.finish().unwrap();
        let index = ArticleIndex::open(dir.path(), &Config::default()).unwrap();
        assert_eq!(index.stats().unwrap().articles, 2);
        let stored = index.get("https://a.example/1").unwrap().unwrap();
        assert_eq!(stored.article.title, "Поздняя");
    }

    /// The body the writer analyzes for the index must be word for word, position for
    /// position, what the news analyzer makes of the text (which queries are analyzed with):
    /// accents, Turkish `İ`, Greek, Russian, Chinese, Hindi, Arabic, a ligature that folds
    /// into several words, and words too long to index (their positions stay empty).
    #[test]
    fn the_analyzed_body_is_the_news_analyzers_words() {
        use tantivy::tokenizer::{TokenStream, Tokenizer};
        let long = "x".repeat(200);
        let texts = [
            String::new(),
            format!("{long} starts with a word too long; {long} {long} twice"),
            "Talks in İstanbul: Zelenskyý said the ceasefire talks continue.".into(),
            "Η συμφωνία για την ειρήνη υπογράφηκε στην Αθήνα.".into(),
            "Переговоры в Стамбуле продолжатся в среду.".into(),
            "北京表示欢迎和平协议的签署。".into(),
            "प्रधानमंत्री ने कहा कि बातचीत जारी रहेगी।".into(),
            "قال وزير الخارجية ﷺ إن المحادثات ستستمر".into(),
            format!("ends with a long word {long}"),
        ];
        let dir = tempfile::tempdir().unwrap();
        let index = ArticleIndex::open(dir.path(), &Config::default()).unwrap();
        let mut writer = index.writer().unwrap();
        assert!(writer.fields.body_analyzed);
        let mut news = schema::news_analyzer();
        let mut lines = crate::pairs::LineTokenizer::default();
        for text in &texts {
            let analyzed = writer.words(&article("https://a.example/1", "Title", text));
            let body = analyzed.body.unwrap();
            let mut expected = Vec::new();
            let mut stream = news.token_stream(text);
            while let Some(token) = stream.next() {
                expected.push((token.text.clone(), token.position));
            }
            let mut found = Vec::new();
            let mut stream = lines.token_stream(&body);
            while let Some(token) = stream.next() {
                found.push((token.text.clone(), token.position));
            }
            assert_eq!(found, expected, "{text}");
        }
    }

    /// Each word of four bytes or more goes into the spelling vocabulary once per writer,
    /// from a title or a body, whether the stem memo keeps it (and marks it) or not (a word
    /// too long for it, or any word once it is full).
    #[test]
    fn vocabulary_words_are_given_once_whether_or_not_the_memo_keeps_them() {
        // Longer than the memo keeps, short enough to be a word.
        let long = "y".repeat(36);
        let texts = [
            format!("Talks in İstanbul: talks continue {long} and Зеленский talks."),
            format!("Talks, {long}, ceasefire: the ceasefire talks and Зеленский again."),
        ];
        let dir = tempfile::tempdir().unwrap();
        let index = ArticleIndex::open(dir.path(), &Config::default()).unwrap();
        let mut writer = index.writer().unwrap();
        let vocabulary = |writer: &mut ArticleWriter<'_>| {
            let mut given: Vec<String> = Vec::new();
            for (n, text) in texts.iter().enumerate() {
                let analyzed = writer.words(&article("https://a.example/1", "Peace talks", text));
                given.extend(
                    analyzed
                        .words
                        .split_whitespace()
                        .map(|w| format!("{n}:{w}")),
                );
            }
            given
        };
        let expected = [
            "0:peace",
            "0:talks",
            "0:istanbul",
            "0:continue",
            &format!("0:{long}"),
            "0:зеленскии",
            "1:ceasefire",
            "1:again",
        ];
        assert_eq!(vocabulary(&mut writer), expected);
        assert!(
            vocabulary(&mut writer).is_empty(),
            "every word was given already"
        );

        // With a memo that keeps no word, the writer's own set answers for all of them.
        drop(writer);
        let mut writer = index.writer().unwrap();
        writer.stems = StemMemo::keeping_no_words();
        assert_eq!(vocabulary(&mut writer), expected);
        assert!(
            vocabulary(&mut writer).is_empty(),
            "every word was given already"
        );
    }

    #[test]
    fn host_is_the_host_without_www() {
        assert_eq!(
            host_of("https://www.mirror.co.uk/news/x").as_deref(),
            Some("mirror.co.uk")
        );
        assert_eq!(
            host_of("http://user@Example.org:8080/a").as_deref(),
            Some("example.org")
        );
        assert_eq!(host_of("file:///tmp/a.html"), None);
        assert_eq!(
            site_of_url("https://news.bbc.co.uk/a").as_deref(),
            Some("bbc.co.uk")
        );
    }
}
