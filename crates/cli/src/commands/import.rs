//! `newsdex import SHARDS_DIR`: an archive from index shards built in parallel (the Spark job
//! in `scale/spark/`, one shard per partition, each made by `newsdex shard write`).
//!
//! The import reads every shard's records in archive order (WARC file, then record) and files
//! them into the page store exactly as `ingest --warc` would, with the same
//! [`Analyser::file`] step, but with the shards' analyses instead of cleaning the pages again
//! (see [`crate::known`]). That decides the archive-wide facts a shard cannot know alone:
//! which URL each article is known by when the same story came in several shards, which pages
//! are aliases, and the near-duplicate groups (assigned in archive order, as one writer
//! assigns them). The index is then the shards' segments merged by tantivy, with only the
//! documents the archive-wide view decides differently written again, swapped in atomically
//! like `rebuild`. Pages are marked indexed only after the swap.

#![allow(clippy::print_stdout)]

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use flate2::read::MultiGzDecoder;
use newsdex_index::{ArticleIndex, DupGroups, DupKey, Replacement};
use newsdex_store::{PageStore, PutOutcome};
use newsdex_types::RawPage;

use super::shard::{INDEX_DIR, RECORDS_FILE, SHARD_FILE, ShardInfo};
use crate::ExitStatus;
use crate::data_dir::DataDir;
use crate::known::KnownAnalyses;
use crate::output;
use crate::pipeline::{AnalysedArticle, Analyser, Analysis, Filed};
use crate::records::RecordLine;

/// Analyses kept for pages met again while filing (an alias, the page already stored under a
/// canonical URL): enough for the copies of a story that arrive near each other; an older
/// page is cleaned again when it comes by.
const KNOWN_ANALYSES: usize = 50_000;

/// Merge index shards into this data directory's archive.
///
/// SHARDS_DIR holds one directory per shard (`shard.json`, `index/`, `records.jsonl.gz`), as
/// the Spark job writes them. The pages are filed into the page store, and the shards'
/// indexes merged into a new index generation, which replaces the live one when complete.
/// The data directory must hold no pages yet.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The directory of shards.
    #[arg(value_name = "SHARDS_DIR")]
    shards: PathBuf,
}

/// Where an article indexed by the import comes from.
#[derive(Debug, Clone)]
enum Source {
    /// The analysis in the record at this `(warc, record)`.
    Record((u64, u64)),
    /// An analysis of a page stored before (its record's analysis, found again by page).
    Analysis(Box<AnalysedArticle>),
}

/// One upsert into the archive's index, in order.
struct Upsert {
    url: String,
    source: Source,
    key: DupKey,
}

/// Counts for the summary line.
#[derive(Default)]
struct Tally {
    records: u64,
    articles: u64,
    skipped: u64,
    failed: u64,
    merged: u64,
    unchanged: u64,
}

pub fn run(data_dir: &DataDir, args: &Args, quiet: bool) -> anyhow::Result<ExitStatus> {
    let started = Instant::now();
    let shards = list_shards(&args.shards)?;
    std::fs::create_dir_all(data_dir.root())
        .with_context(|| format!("cannot create `{}`", data_dir.root().display()))?;
    let store = data_dir.store()?;
    let stored = store.count()?;
    if stored > 0 {
        anyhow::bail!(
            "data directory `{}` already holds {stored} pages; import builds a new archive\nhint: give an empty --data-dir",
            data_dir.root().display()
        );
    }
    let mut filing = Filing {
        store: &store,
        analyser: Analyser::with_known(KnownAnalyses::new(KNOWN_ANALYSES)),
        indexed: HashMap::new(),
        upserted: HashSet::new(),
        upserts: Vec::new(),
        articles: Vec::new(),
        shard_last: vec![HashMap::new(); shards.len()],
        tally: Tally::default(),
        quiet,
    };
    for item in ShardRecords::open(&shards)? {
        let (shard, record) = item?;
        filing.take(shard, &record)?;
    }
    let Filing {
        indexed,
        upserts,
        articles,
        shard_last,
        tally,
        ..
    } = filing;

    let (replace, from_records, mut replacements) = plan(&shards, upserts, &shard_last)?;
    replacements.extend(replacements_from_records(&shards, &from_records)?);
    let shard_indexes: Vec<PathBuf> = shards.iter().map(|shard| shard.join(INDEX_DIR)).collect();
    let stats = ArticleIndex::import_shards(
        data_dir.index_root(),
        &newsdex_index::Config::default(),
        &shard_indexes,
        &replace,
        replacements,
    )
    .context("cannot build the merged index")?;
    give_arrivals(data_dir, &store, &articles)?;
    store.mark_indexed_all(
        indexed
            .iter()
            .map(|(key, article)| (key.as_str(), article.as_deref())),
    )?;
    let merged = if tally.merged > 0 {
        format!(", {} merged into the same article's page", tally.merged)
    } else {
        String::new()
    };
    println!(
        "imported {} records from {} shards: {} articles, skipped {}, failed {}{merged}; index: {} documents merged from the shards, {} URLs replaced, {} articles written afresh, {} in all ({:.1}s)",
        tally.records,
        shards.len(),
        tally.articles,
        tally.skipped,
        tally.failed,
        stats.merged,
        stats.dropped,
        stats.written,
        stats.articles,
        started.elapsed().as_secs_f64()
    );
    if tally.unchanged > 0 && !quiet {
        output::warning(&format!(
            "{} records were the same page as an earlier one",
            tally.unchanged
        ));
    }
    Ok(if tally.failed > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// Gives each page filed as an article the arrival its article has in the merged index (the
/// shards' own, or the import's for an article written afresh): a page store's arrivals are
/// what a rebuild indexes articles with, and a page without one would be given a new one
/// then, making the article new again to every saved search.
fn give_arrivals(
    data_dir: &DataDir,
    store: &PageStore,
    articles: &[(String, String)],
) -> anyhow::Result<()> {
    let index = ArticleIndex::open(data_dir.index_root(), &newsdex_index::Config::default())
        .context("cannot open the merged index")?;
    let arrivals: HashMap<String, u64> = index
        .arrivals_by_url()
        .context("cannot read the merged index's arrivals")?
        .into_iter()
        .collect();
    store.set_arrivals(
        articles
            .iter()
            .filter_map(|(page, article)| Some((page.as_str(), *arrivals.get(article)?))),
    )?;
    Ok(())
}

/// The shard directories under `dir` (those with a `shard.json`), by name. Hidden ones are
/// left out: `shard write` builds a shard as `.NAME.partial-PID` before renaming it, and a
/// task killed between the two leaves one that is complete but a copy of a shard retried.
fn list_shards(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read `{}`", dir.display()))?;
    let mut shards = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read `{}`", dir.display()))?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if path.join(SHARD_FILE).is_file() {
            let info: ShardInfo = serde_json::from_slice(
                &std::fs::read(path.join(SHARD_FILE))
                    .with_context(|| format!("cannot read `{}`", path.display()))?,
            )
            .with_context(|| format!("`{}` is not a shard description", path.display()))?;
            if info.format != 1 {
                anyhow::bail!(
                    "shard `{}` has format {}, this newsdex reads format 1",
                    path.display(),
                    info.format
                );
            }
            shards.push(path);
        }
    }
    if shards.is_empty() {
        anyhow::bail!(
            "`{}` holds no shards (directories with a `{SHARD_FILE}`)\nhint: run the Spark job (`just spark-ingest`) or `newsdex shard write` first",
            dir.display()
        );
    }
    shards.sort();
    Ok(shards)
}

/// The import's view of the archive while it files records.
struct Filing<'a> {
    store: &'a PageStore,
    analyser: Analyser,
    /// Page keys processed, with the article each became (none: skipped), to be marked
    /// indexed once the index is live.
    indexed: HashMap<String, Option<String>>,
    /// Article URLs put in the index.
    upserted: HashSet<String>,
    upserts: Vec<Upsert>,
    /// Every page filed as an article, with that article's URL.
    articles: Vec<(String, String)>,
    /// Per shard, which record's article its index holds for each URL (the last upserted).
    shard_last: Vec<HashMap<String, (u64, u64)>>,
    tally: Tally,
    quiet: bool,
}

impl Filing<'_> {
    /// One record, as the ingest's pipeline thread takes one WARC record.
    fn take(&mut self, shard: usize, record: &RecordLine) -> anyhow::Result<()> {
        self.tally.records += 1;
        let order = record.order();
        if let Some((article, _)) = record.analysed() {
            self.shard_last[shard].insert(article.url.clone(), order);
        }
        let Some(raw) = &record.raw else {
            // A record that could not be read: ingest reports it and stores nothing.
            self.fail(&record.source, record.error.as_deref().unwrap_or("no page"));
            return Ok(());
        };
        let page = raw.to_page()?;
        let analysis = match (&record.article, &record.skipped) {
            (Some(article), _) => Some(Analysis::Article(Box::new(AnalysedArticle {
                article: article.clone(),
                persons: record.persons.clone().unwrap_or_default(),
            }))),
            (None, Some(reason)) => Some(Analysis::Skipped(reason.clone())),
            (None, None) => None,
        };
        if let Some(analysis) = &analysis {
            self.analyser.remember(&page, analysis);
        }
        let stored = self
            .store
            .put(&page)
            .with_context(|| format!("cannot store `{}`", page.url))?;
        match stored {
            PutOutcome::Alias => return self.resume(&page.url),
            PutOutcome::Changed => {
                if let Some(key) = self.store.resolve(&page.url)? {
                    self.indexed.remove(&key);
                }
            }
            PutOutcome::New | PutOutcome::Unchanged => {}
        }
        if self.already_indexed(&page.url)? {
            self.tally.unchanged += 1;
            return Ok(());
        }
        if analysis.is_none() {
            // The task could not clean it: neither can this cleaner (the same one).
            self.fail(&page.url, record.error.as_deref().unwrap_or("cannot clean"));
            return Ok(());
        }
        self.file(&page, Some((order, record.dup_key)))
    }

    /// A URL that leads to a page stored from another record: indexed unless it already is.
    fn resume(&mut self, url: &str) -> anyhow::Result<()> {
        if self.already_indexed(url)? {
            self.tally.unchanged += 1;
            return Ok(());
        }
        match self.store.get(url)? {
            Some(page) => self.file(&page, None),
            None => {
                self.fail(url, "missing from the page store");
                Ok(())
            }
        }
    }

    /// [`Analyser::file`], and the upsert it calls for. `record` is the record the page came
    /// from, when it is the page just read.
    fn file(
        &mut self,
        page: &RawPage,
        record: Option<((u64, u64), Option<DupKey>)>,
    ) -> anyhow::Result<()> {
        let key = crate::pipeline::page_key(self.store, &page.url)?;
        match self.analyser.file(self.store, page, &key)? {
            Err(failure) => self.fail(&page.url, &output::one_line(&failure)),
            Ok(Filed::Skipped(_)) => {
                self.tally.skipped += 1;
                self.indexed.insert(key, None);
            }
            Ok(Filed::Own { analysed, .. }) => {
                self.tally.articles += 1;
                self.articles.push((key, analysed.article.url.clone()));
                let source = match record {
                    Some((order, _)) => Source::Record(order),
                    None => Source::Analysis(analysed.clone()),
                };
                let dup_key = record
                    .and_then(|(_, key)| key)
                    .unwrap_or_else(|| DupKey::of(&analysed.article));
                self.upsert(analysed.article.url.clone(), source, dup_key);
            }
            Ok(Filed::SameAs { target, stored }) => {
                self.articles.push((key, target.clone()));
                if self.already_indexed(&target)? {
                    self.tally.merged += 1;
                } else {
                    self.tally.articles += 1;
                    let dup_key = DupKey::of(&stored.article);
                    self.upsert(target, Source::Analysis(stored), dup_key);
                }
            }
        }
        Ok(())
    }

    fn upsert(&mut self, url: String, source: Source, key: DupKey) {
        self.indexed.insert(url.clone(), Some(url.clone()));
        self.upserted.insert(url.clone());
        self.upserts.push(Upsert { url, source, key });
    }

    /// Whether the page `url` leads to went into the index already (or was skipped), with
    /// the body it has now.
    fn already_indexed(&self, url: &str) -> anyhow::Result<bool> {
        let Some(key) = self.store.resolve(url)? else {
            return Ok(false);
        };
        Ok(match self.indexed.get(&key) {
            None => false,
            Some(None) => true,
            Some(Some(article)) => self.upserted.contains(article),
        })
    }

    fn fail(&mut self, label: &str, why: &str) {
        self.tally.failed += 1;
        if !self.quiet {
            output::warning(&format!("{label}: {why}"));
        }
    }
}

/// URLs whose shard documents must go, the records whose articles replace them (by record,
/// with URL and group), and the replacements known already.
type Plan = (
    HashSet<String>,
    HashMap<(u64, u64), (String, u64)>,
    Vec<Replacement>,
);

/// Decides, from the upserts in archive order, which shard documents stand as they are: a
/// URL held by one shard only, whose document there is the archive's last upsert of that URL,
/// in the group the archive assigns it. Every other URL is written afresh.
fn plan(
    shards: &[PathBuf],
    upserts: Vec<Upsert>,
    shard_last: &[HashMap<String, (u64, u64)>],
) -> anyhow::Result<Plan> {
    let mut groups = DupGroups::new();
    let mut last: HashMap<String, (Source, u64)> = HashMap::new();
    for upsert in upserts {
        let group = groups.assign(upsert.key, &upsert.url);
        last.insert(upsert.url, (upsert.source, group));
    }
    let mut held: HashMap<String, Vec<(usize, u64)>> = HashMap::new();
    for (number, shard) in shards.iter().enumerate() {
        let documents = newsdex_index::shard_documents(&shard.join(INDEX_DIR))
            .with_context(|| format!("cannot read the index of shard `{}`", shard.display()))?;
        for document in documents {
            held.entry(document.url)
                .or_default()
                .push((number, document.group));
        }
    }
    let mut replace = HashSet::new();
    let mut kept = HashSet::new();
    for (url, documents) in held {
        let stands = match (documents.as_slice(), last.get(&url)) {
            ([(shard, group)], Some((Source::Record(order), final_group))) => {
                group == final_group && shard_last[*shard].get(&url) == Some(order)
            }
            _ => false,
        };
        if stands {
            kept.insert(url);
        } else {
            replace.insert(url);
        }
    }
    let mut from_records = HashMap::new();
    let mut replacements = Vec::new();
    for (url, (source, group)) in last {
        if kept.contains(&url) {
            continue;
        }
        match source {
            Source::Record(order) => {
                from_records.insert(order, (url, group));
            }
            Source::Analysis(analysed) => {
                let AnalysedArticle {
                    mut article,
                    persons,
                } = *analysed;
                article.url = url;
                replacements.push(Replacement {
                    article,
                    persons,
                    group,
                });
            }
        }
    }
    Ok((replace, from_records, replacements))
}

/// The articles of the records in `wanted`, under the URL and in the group given there.
fn replacements_from_records(
    shards: &[PathBuf],
    wanted: &HashMap<(u64, u64), (String, u64)>,
) -> anyhow::Result<Vec<Replacement>> {
    let mut replacements = Vec::with_capacity(wanted.len());
    if wanted.is_empty() {
        return Ok(replacements);
    }
    for shard in shards {
        for record in read_records(shard)? {
            let record = record?;
            let Some((url, group)) = wanted.get(&record.order()) else {
                continue;
            };
            let (Some(mut article), persons) = (record.article, record.persons) else {
                continue;
            };
            article.url.clone_from(url);
            replacements.push(Replacement {
                article,
                persons: persons.unwrap_or_default(),
                group: *group,
            });
        }
    }
    Ok(replacements)
}

/// The record lines of one shard, in its order.
fn read_records(
    shard: &Path,
) -> anyhow::Result<impl Iterator<Item = anyhow::Result<RecordLine>> + use<>> {
    let path = shard.join(RECORDS_FILE);
    let file = File::open(&path).with_context(|| format!("cannot open `{}`", path.display()))?;
    let lines = BufReader::new(MultiGzDecoder::new(file)).lines();
    Ok(lines.enumerate().map(move |(number, line)| {
        let line = line.with_context(|| format!("cannot read `{}`", path.display()))?;
        serde_json::from_str(&line)
            .with_context(|| format!("`{}` line {}: not a record", path.display(), number + 1))
    }))
}

/// Every shard's records merged into archive order, each with its shard's number.
struct ShardRecords {
    readers: Vec<Box<dyn Iterator<Item = anyhow::Result<RecordLine>>>>,
    heads: Vec<Option<RecordLine>>,
    heap: BinaryHeap<Reverse<((u64, u64), usize)>>,
    last: Option<(u64, u64)>,
}

impl ShardRecords {
    fn open(shards: &[PathBuf]) -> anyhow::Result<Self> {
        let mut merged = Self {
            readers: Vec::new(),
            heads: Vec::new(),
            heap: BinaryHeap::new(),
            last: None,
        };
        for (number, shard) in shards.iter().enumerate() {
            merged.readers.push(Box::new(read_records(shard)?));
            merged.heads.push(None);
            merged.advance(number)?;
        }
        Ok(merged)
    }

    fn advance(&mut self, shard: usize) -> anyhow::Result<()> {
        if let Some(record) = self.readers[shard].next().transpose()? {
            self.heap.push(Reverse((record.order(), shard)));
            self.heads[shard] = Some(record);
        }
        Ok(())
    }

    fn next_record(&mut self) -> anyhow::Result<Option<(usize, RecordLine)>> {
        let Some(Reverse((order, shard))) = self.heap.pop() else {
            return Ok(None);
        };
        if self.last.is_some_and(|last| last >= order) {
            anyhow::bail!(
                "record {order:?} is in two shards (or out of order); shards must hold disjoint WARC files"
            );
        }
        self.last = Some(order);
        let record = self.heads[shard].take().context("a shard's next record")?;
        self.advance(shard)?;
        Ok(Some((shard, record)))
    }
}

impl Iterator for ShardRecords {
    type Item = anyhow::Result<(usize, RecordLine)>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_record().transpose()
    }
}
