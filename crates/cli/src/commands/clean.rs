//! `newsdex clean`: the cleaner alone on HTML files; nothing is stored.
//!
//! One file prints one article (`--format text|markdown|json`); `--jsonl` cleans any number
//! of files in one process, one JSON line each, so that a batch (an evaluation, a Spark task)
//! pays the start-up cost once.

#![allow(clippy::print_stdout)]

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use newsdex_fetcher::Config;
use newsdex_types::RawPage;

use crate::ExitStatus;
use crate::flags::{ByteSize, help, size_in, size_range};
use crate::json::{self, CleanLine, Sorted};
use crate::local_file;
use crate::pipeline::{AnalysedArticle, Analyser, Analysis};

/// Clean HTML files and print the articles; nothing is stored or indexed.
///
/// This is what evaluations call: `--format text` prints only the body text, paragraphs
/// separated by a blank line; `--format markdown` keeps headings, lists, quotes and links;
/// `--format json` prints every field and the persons found. `--jsonl` takes many files and
/// prints one line per file: `{"article", "persons", "source"}`, or `{"error", "source"}`
/// for a file that could not be cleaned (the exit code is then 1). The README documents both.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The HTML files, or `-` for stdin.
    #[arg(value_name = "FILE|-", required = true)]
    files: Vec<PathBuf>,

    /// The URL the page came from (resolves relative links; default: the file's path). Only
    /// with one file.
    #[arg(long, value_name = "URL")]
    url: Option<String>,

    #[arg(long, value_enum, default_value_t = Format::Text, conflicts_with = "jsonl")]
    format: Format,

    /// One JSON line per file (any number of files).
    #[arg(long)]
    jsonl: bool,

    /// The files are WARC files (`-`: a WARC stream on stdin): one JSON line per HTML response
    /// record, with the raw response (see `newsdex shard write`).
    #[arg(long, requires = "jsonl", conflicts_with = "url")]
    warc: bool,

    // The fetcher's default and range, as `ingest --max-body`.
    #[arg(long, value_name = "SIZE", value_parser = size_in(Config::BODY_RANGE),
        help = help(
            "Largest input (suffixes k, M, G), as `ingest --max-body`",
            &size_range(&Config::BODY_RANGE),
            ByteSize(Config::default().max_body_bytes),
        ))]
    max_body: Option<ByteSize>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Markdown,
    Json,
}

impl Args {
    /// Largest input: `--max-body`, else the fetcher's default.
    fn max_body_bytes(&self) -> u64 {
        self.max_body
            .map_or(Config::default().max_body_bytes, |size| size.0)
    }
}

pub fn run(args: &Args) -> anyhow::Result<ExitStatus> {
    if args.files.len() > 1 && !args.jsonl {
        anyhow::bail!("several files need `--jsonl` (one JSON line per file)");
    }
    if args.files.len() > 1 && args.url.is_some() {
        anyhow::bail!("`--url` names one page: give one file with it");
    }
    let analyser = Analyser::new();
    if args.warc {
        return super::clean_warc::run(&analyser, &args.files, args.max_body_bytes());
    }
    if args.jsonl {
        return clean_lines(&analyser, args);
    }
    let file = &args.files[0];
    let label = file.display().to_string();
    let analysed =
        clean_one(&analyser, file, args).with_context(|| format!("cannot clean `{label}`"))?;
    let AnalysedArticle { article, persons } = analysed;
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Text => writeln!(out, "{}", article.text)?,
        Format::Markdown => writeln!(out, "{}", article.to_markdown())?,
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &json::Cleaned::new(&article, &persons))?;
            writeln!(out)?;
        }
    }
    Ok(ExitStatus::Success)
}

/// `--jsonl`: every file, one line each, whatever happens to the others.
fn clean_lines(analyser: &Analyser, args: &Args) -> anyhow::Result<ExitStatus> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failed = 0usize;
    for file in &args.files {
        let source = file.display().to_string();
        let outcome = clean_one(analyser, file, args);
        let line = match &outcome {
            Ok(analysed) => CleanLine::Article {
                article: Sorted(&analysed.article),
                persons: Sorted(&analysed.persons),
                source: &source,
            },
            Err(err) => {
                failed += 1;
                CleanLine::Error {
                    error: format!("{err:#}"),
                    source: &source,
                }
            }
        };
        serde_json::to_writer(&mut out, &line)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(if failed > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// Reads and cleans one file (`-`: stdin) as an HTML page.
fn clean_one(analyser: &Analyser, file: &Path, args: &Args) -> anyhow::Result<AnalysedArticle> {
    let mut page = if file.as_os_str() == "-" {
        let body = local_file::read_limited(std::io::stdin().lock(), args.max_body_bytes())
            .context("cannot read stdin")?;
        let url = args
            .url
            .clone()
            .unwrap_or_else(|| "file:///dev/stdin".to_owned());
        RawPage::new(url, 200, body)
    } else {
        local_file::read_page(file, args.url.as_deref(), args.max_body_bytes())?
    };
    // A file given to `clean` is cleaned as HTML whatever its name or first bytes.
    page.headers
        .retain(|(name, _)| !name.eq_ignore_ascii_case("content-type"));
    page.headers
        .push(("content-type".into(), "text/html".into()));
    match analyser.analyse(&page)? {
        Analysis::Article(analysed) => Ok(*analysed),
        Analysis::Skipped(reason) => anyhow::bail!("{reason}"),
    }
}
