//! One archive's index from shards built in parallel: each shard is an ordinary index (built by
//! `newsdex shard write` in a Spark task), and [`ArticleIndex::import_shards`] merges their
//! segments into a fresh generation with tantivy's segment merger (postings, columns and
//! stored documents are copied, not analysed again), then replaces only the documents the
//! archive-wide view decides differently: an article upserted in two shards, a page that became
//! another article's alias, a near-duplicate group that spans shards. The result is swapped in
//! atomically, like a rebuild.
//!
//! Nothing here knows the schema beyond the `url` and `dup` columns it reads: whatever fields
//! the writer adds, the merge carries them over.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use newsdex_persons::Person;
use newsdex_types::Article;
use serde::{Deserialize, Serialize};
use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexReader, ReloadPolicy, Term};

use super::{ANALYSIS_FILE, ANALYSIS_VERSION, ArticleIndex, ArticleWriter, Config, Vocabulary};
use crate::dedup::{DupIndex, Fingerprint, Shingles};
use crate::directory::IndexDirectory;
use crate::error::io_error;
use crate::generations::{self, WriterLock};
use crate::people;
use crate::schema::{self, Fields};
use crate::{Error, Result};

/// What near-duplicate grouping needs of an article: its body's fingerprint and its day of
/// publication. Computed where the article is indexed (a shard) so that the import can assign
/// groups in archive order without analysing the bodies again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DupKey {
    /// The body's shingle fingerprint (`None` when the body is too short to compare).
    pub fingerprint: Option<[u64; 2]>,
    /// The day of publication, in days since 1970-01-01 (UTC), if it has a date.
    pub day: Option<i64>,
}

impl DupKey {
    /// The key [`ArticleWriter::upsert`] would compute for this article.
    pub fn of(article: &Article) -> Self {
        let mut analyzer = schema::folded_analyzer();
        let mut shingles = Shingles::default();
        let mut stream = analyzer.token_stream(&article.text);
        while let Some(token) = stream.next() {
            shingles.push(&token.text);
        }
        Self {
            fingerprint: shingles.finish().map(|f| [f.lo, f.hi]),
            day: article
                .published
                .and_then(schema::indexed_date)
                .map(|published| published.into_timestamp_secs().div_euclid(86_400)),
        }
    }
}

/// Near-duplicate groups assigned one upsert after another, as the one writer of a local
/// ingest assigns them.
#[derive(Debug, Default)]
pub struct DupGroups(DupIndex);

impl DupGroups {
    /// No groups yet, for assigning in archive order.
    pub fn new() -> Self {
        Self::default()
    }

    /// The group of the article upserted next under `url`.
    pub fn assign(&mut self, key: DupKey, url: &str) -> u64 {
        let fingerprint = key.fingerprint.map(|[lo, hi]| Fingerprint { lo, hi });
        self.0.assign(fingerprint, key.day, url)
    }
}

/// A live document of a shard: its article's URL and near-duplicate group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardDocument {
    /// The URL the article is indexed under.
    pub url: String,
    /// Its near-duplicate group, as the shard assigned it.
    pub group: u64,
}

/// An article to put into the merged index in place of what the shards hold for its URL.
#[derive(Debug, Clone)]
pub struct Replacement {
    /// The article, its `url` the key it replaces.
    pub article: Article,
    /// The persons it names.
    pub persons: Vec<Person>,
    /// Its near-duplicate group in the merged index.
    pub group: u64,
}

/// What [`ArticleIndex::import_shards`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportStats {
    /// Documents copied from the shards' segments.
    pub merged: u64,
    /// URLs whose shard documents were dropped.
    pub dropped: u64,
    /// Articles written afresh.
    pub written: u64,
    /// Articles in the new generation.
    pub articles: u64,
}

/// The live generation of a shard (an index root), opened for reading.
fn open_shard(root: &Path) -> Result<Index> {
    let dir = generations::current(root)?.ok_or_else(|| Error::Missing {
        path: root.to_path_buf(),
    })?;
    let index = Index::open(IndexDirectory::open(&dir)?)?;
    if index.schema() != schema::build_schema() {
        return Err(Error::Outdated {
            path: root.to_path_buf(),
        });
    }
    Ok(index)
}

/// The live documents of the shard at `root` (an index root, as `newsdex shard write` makes).
pub fn shard_documents(root: &Path) -> Result<Vec<ShardDocument>> {
    let index = open_shard(root)?;
    let reader: IndexReader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let searcher = reader.searcher();
    let mut documents = Vec::new();
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let urls = fast.str("url")?;
        let groups = fast.u64("dup")?;
        for doc in segment.doc_ids_alive() {
            let mut url = String::new();
            if let Some(column) = &urls
                && let Some(ord) = column.term_ords(doc).next()
            {
                column.ord_to_str(ord, &mut url).map_err(io_error(root))?;
            }
            documents.push(ShardDocument {
                url,
                group: groups.first(doc).unwrap_or(0),
            });
        }
    }
    Ok(documents)
}

impl ArticleIndex {
    /// Builds a new generation under `root` from the shard indexes at `shards` (index roots):
    /// their segments merged as they are, then every document whose URL is in `replace` removed
    /// and each of `replacements` written (grouped as it says), and swaps it in as the live
    /// generation with `persons.json` beside it. Searches keep using the old generation until
    /// the swap; an error leaves it live and removes the partial one.
    pub fn import_shards(
        root: impl AsRef<Path>,
        config: &Config,
        shards: &[PathBuf],
        replace: &HashSet<String>,
        replacements: impl IntoIterator<Item = Replacement>,
    ) -> Result<ImportStats> {
        let root = root.as_ref().to_path_buf();
        let lock = WriterLock::acquire(&root)?;
        let dir = generations::create_next(&root)?;
        let built = build(&dir, config, shards, replace, replacements, lock);
        match built {
            Ok((stats, lock)) => {
                generations::publish(&root, &dir)?;
                generations::collect_garbage(&root, &dir)?;
                drop(lock);
                Ok(stats)
            }
            Err(err) => {
                // Best effort: a leftover directory is removed by the next rebuild anyway.
                let _ = std::fs::remove_dir_all(&dir);
                Err(err)
            }
        }
    }
}

fn build(
    dir: &Path,
    config: &Config,
    shards: &[PathBuf],
    replace: &HashSet<String>,
    replacements: impl IntoIterator<Item = Replacement>,
    lock: WriterLock,
) -> Result<(ImportStats, WriterLock)> {
    let indexes = shards
        .iter()
        .map(|shard| open_shard(shard))
        .collect::<Result<Vec<_>>>()?;
    let mut stats = ImportStats::default();
    let mut segments = 0;
    for index in &indexes {
        let segment_metas = index.searchable_segment_metas()?;
        segments += segment_metas.len();
        stats.merged += segment_metas
            .iter()
            .map(|meta| u64::from(meta.num_docs()))
            .sum::<u64>();
    }
    let index = if segments == 0 {
        // The settings (zstd document store) every generation is created with.
        super::create_index(dir)?
    } else {
        let with_segments: Vec<Index> = indexes
            .into_iter()
            .filter(|index| {
                index
                    .searchable_segment_metas()
                    .is_ok_and(|metas| !metas.is_empty())
            })
            .collect();
        {
            let output = MmapDirectory::open(dir).map_err(tantivy::TantivyError::from)?;
            tantivy::indexer::merge_indices(&with_segments, output)?
        }
    };
    let path = dir.join(ANALYSIS_FILE);
    std::fs::write(&path, format!("{ANALYSIS_VERSION}\n")).map_err(io_error(&path))?;
    schema::register_tokenizers(&index);
    let fields = Fields::resolve(&index.schema())?;
    let mut writer = ArticleWriter {
        writer: config.open_writer(&index)?,
        fields,
        reader: None,
        dir: dir.to_path_buf(),
        dups: DupIndex::new(),
        folded: schema::folded_analyzer(),
        stems: crate::stemmer::StemMemo::classifying(crate::pairs::is_common),
        vocabulary: Vocabulary::default(),
        names: people::NameCache::default(),
        last_arrival: crate::watch::latest_arrival(&index.reader()?.searcher())?,
        _lock: lock,
    };
    for url in replace {
        writer
            .writer
            .delete_term(Term::from_field_text(fields.url, url));
        stats.dropped += 1;
    }
    for replacement in replacements {
        let arrival = crate::next_arrival(writer.last_arrival);
        writer.upsert_grouped(
            &replacement.article,
            &replacement.persons,
            Some(replacement.group),
            arrival,
        )?;
        stats.written += 1;
    }
    let ArticleWriter {
        writer: mut index_writer,
        mut names,
        _lock: lock,
        ..
    } = writer;
    index_writer.commit()?;
    // One segment without the documents replaced: scores see the same document frequencies
    // as an index that never held them (a local ingest of the same pages).
    let segments = index.searchable_segment_ids()?;
    if segments.len() > 1 || stats.dropped > 0 {
        index_writer.merge(&segments).wait()?;
    }
    index_writer.wait_merging_threads()?;
    let reader: IndexReader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let searcher = reader.searcher();
    stats.articles = searcher.num_docs();
    people::write(dir, &searcher, &mut names)?;
    Ok((stats, lock))
}
