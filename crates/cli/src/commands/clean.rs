//! `newsdex clean`: the cleaner alone on one HTML file; nothing is stored.

#![allow(clippy::print_stdout)]

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

use crate::ExitStatus;
use crate::flags::{ByteSize, size_in};
use crate::local_file;
use crate::pipeline::{Analyser, Analysis};

/// Clean one HTML file and print the article; nothing is stored or indexed.
///
/// This is what evaluations call: `--format text` prints only the body text, paragraphs
/// separated by a blank line; `--format markdown` keeps headings, lists, quotes and links;
/// `--format json` prints every field and the persons found.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The HTML file, or `-` for stdin.
    #[arg(value_name = "FILE|-")]
    file: PathBuf,

    /// The URL the page came from (resolves relative links; default: the file's path).
    #[arg(long, value_name = "URL")]
    url: Option<String>,

    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// Largest input (suffixes k, M, G), as `ingest --max-body`; 1k to 1G.
    #[arg(long, value_name = "SIZE",
        default_value_t = ByteSize(newsdex_fetcher::Config::default().max_body_bytes),
        value_parser = size_in(1 << 10..=1 << 30))]
    max_body: ByteSize,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Markdown,
    Json,
}

pub fn run(args: &Args) -> anyhow::Result<ExitStatus> {
    let label = args.file.display().to_string();
    let mut page = if label == "-" {
        let body = local_file::read_limited(std::io::stdin().lock(), args.max_body.0)
            .context("cannot read stdin")?;
        let url = args
            .url
            .clone()
            .unwrap_or_else(|| "file:///dev/stdin".to_owned());
        newsdex_store::RawPage::new(url, 200, body)
    } else {
        local_file::read_page(&args.file, args.url.as_deref(), args.max_body.0)
            .with_context(|| format!("cannot clean `{label}`"))?
    };
    // A file given to `clean` is cleaned as HTML whatever its name or first bytes.
    page.headers
        .retain(|(name, _)| !name.eq_ignore_ascii_case("content-type"));
    page.headers
        .push(("content-type".into(), "text/html".into()));
    let analysis = Analyser::new()
        .analyse(&page)
        .with_context(|| format!("cannot clean `{label}`"))?;
    let boxed = match analysis {
        Analysis::Article(boxed) => boxed,
        Analysis::Skipped(reason) => anyhow::bail!("cannot clean `{label}`: {reason}"),
    };
    let crate::pipeline::AnalysedArticle { article, persons } = *boxed;
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Text => writeln!(out, "{}", article.text)?,
        Format::Markdown => writeln!(out, "{}", article.to_markdown())?,
        Format::Json => {
            let mut value = serde_json::to_value(&article)?;
            value["persons"] = serde_json::to_value(&persons)?;
            serde_json::to_writer_pretty(&mut out, &value)?;
            writeln!(out)?;
        }
    }
    Ok(ExitStatus::Success)
}
