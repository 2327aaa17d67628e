//! `newsdex shard write OUT_DIR`: one index shard from the JSON lines of
//! `newsdex clean --jsonl --warc` on stdin, as a Spark task builds it for its partition.
//!
//! A shard is a directory: `index/` (an ordinary index, every article upserted by its URL in
//! the order of the lines), `records.jsonl.gz` (every line, with the raw response and the
//! article's near-duplicate key: what `newsdex import` files into the page store, and what
//! `rebuild` re-cleans later) and `shard.json` (counts; written last, so a directory without
//! it is not a shard). It is built beside `OUT_DIR` and renamed into place when complete, so
//! a task that died leaves no half shard, and a task run again replaces the shard whole.

#![allow(clippy::print_stdout)]

use std::fs::File;
use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use flate2::Compression;
use flate2::write::GzEncoder;
use newsdex_index::{ArticleIndex, DupKey};
use serde::{Deserialize, Serialize};

use crate::ExitStatus;
use crate::records::RecordLine;

/// Work with index shards (built in parallel, merged by `newsdex import`).
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: ShardCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ShardCommand {
    Write(WriteArgs),
}

/// Build an index shard from the JSON lines of `newsdex clean --jsonl --warc` on stdin.
///
/// Lines must come in archive order (by `warc` number, then `record`); a Spark job that
/// gives each task whole WARC files in their order has them so.
#[derive(Debug, clap::Args)]
struct WriteArgs {
    /// The shard directory to create (replaced if it exists).
    #[arg(value_name = "OUT_DIR")]
    out: PathBuf,
}

/// The file inside a shard that marks it complete.
pub const SHARD_FILE: &str = "shard.json";
/// Every record of the shard, one JSON line each, gzip-compressed.
pub const RECORDS_FILE: &str = "records.jsonl.gz";
/// The shard's index root.
pub const INDEX_DIR: &str = "index";

/// What `shard.json` says.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ShardInfo {
    pub format: u32,
    pub records: u64,
    pub articles: u64,
    pub skipped: u64,
    pub errors: u64,
    /// The first and last record's `(warc, record)`.
    pub first: Option<(u64, u64)>,
    pub last: Option<(u64, u64)>,
}

pub fn run(args: &Args) -> anyhow::Result<ExitStatus> {
    let ShardCommand::Write(args) = &args.command;
    let stdin = std::io::stdin().lock();
    let info = write(&args.out, stdin)?;
    println!(
        "wrote shard `{}`: {} records, {} articles, {} skipped, {} errors",
        args.out.display(),
        info.records,
        info.articles,
        info.skipped,
        info.errors
    );
    Ok(ExitStatus::Success)
}

/// Builds the shard at `out` from the lines of `input`.
pub fn write(out: &Path, input: impl BufRead) -> anyhow::Result<ShardInfo> {
    let name = out
        .file_name()
        .with_context(|| format!("`{}` names no directory", out.display()))?
        .to_string_lossy()
        .into_owned();
    let partial = out.with_file_name(format!(".{name}.partial-{}", std::process::id()));
    if partial.exists() {
        std::fs::remove_dir_all(&partial)
            .with_context(|| format!("cannot remove `{}`", partial.display()))?;
    }
    std::fs::create_dir_all(&partial)
        .with_context(|| format!("cannot create `{}`", partial.display()))?;
    let built = build(&partial, input);
    let info = match built {
        Ok(info) => info,
        Err(err) => {
            let _ = std::fs::remove_dir_all(&partial);
            return Err(err);
        }
    };
    if out.exists() {
        std::fs::remove_dir_all(out)
            .with_context(|| format!("cannot replace `{}`", out.display()))?;
    }
    std::fs::rename(&partial, out)
        .with_context(|| format!("cannot move the shard to `{}`", out.display()))?;
    Ok(info)
}

fn build(dir: &Path, input: impl BufRead) -> anyhow::Result<ShardInfo> {
    let mut rebuild =
        ArticleIndex::begin_rebuild(dir.join(INDEX_DIR), &newsdex_index::Config::default())
            .context("cannot start the shard's index")?;
    let records_path = dir.join(RECORDS_FILE);
    let file = File::create(&records_path)
        .with_context(|| format!("cannot create `{}`", records_path.display()))?;
    let mut records = BufWriter::new(GzEncoder::new(file, Compression::fast()));
    let mut info = ShardInfo {
        format: 1,
        ..ShardInfo::default()
    };
    for (number, line) in input.lines().enumerate() {
        let line = match line {
            Ok(line) => line,
            Err(err) if err.kind() == std::io::ErrorKind::InvalidData => {
                anyhow::bail!("line {} of stdin is not UTF-8", number + 1)
            }
            Err(err) => {
                return Err(err)
                    .with_context(|| format!("cannot read line {} of stdin", number + 1));
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let mut record: RecordLine = serde_json::from_str(&line)
            .with_context(|| format!("line {} of stdin is not a record line", number + 1))?;
        let order = record.order();
        if info.last.is_some_and(|last| last >= order) {
            anyhow::bail!(
                "line {}: record {order:?} comes after {:?}; lines must be in archive order",
                number + 1,
                info.last.unwrap_or_default()
            );
        }
        info.first.get_or_insert(order);
        info.last = Some(order);
        info.records += 1;
        if let Some((article, persons)) = record.analysed() {
            rebuild.writer().upsert(article, persons)?;
            record.dup_key = Some(DupKey::of(article));
            info.articles += 1;
        } else if record.skipped.is_some() {
            info.skipped += 1;
        } else {
            info.errors += 1;
        }
        serde_json::to_writer(&mut records, &record)?;
        records.write_all(b"\n")?;
    }
    rebuild
        .finish()
        .context("cannot finish the shard's index")?;
    records
        .into_inner()
        .map_err(|err| err.into_error())?
        .finish()?
        .sync_all()?;
    let info_path = dir.join(SHARD_FILE);
    std::fs::write(&info_path, serde_json::to_vec_pretty(&info)?)
        .with_context(|| format!("cannot write `{}`", info_path.display()))?;
    Ok(info)
}
