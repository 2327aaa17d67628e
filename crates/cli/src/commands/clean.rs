//! `newsdex clean`: the cleaner alone on one HTML file; nothing is stored.

#![allow(clippy::print_stdout)]

use std::io::{Read, Write};
use std::path::PathBuf;

use anyhow::Context;

use crate::ExitStatus;
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
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Markdown,
    Json,
}

pub fn run(args: &Args) -> anyhow::Result<ExitStatus> {
    let label = args.file.display().to_string();
    let body = if label == "-" {
        let mut body = Vec::new();
        std::io::stdin()
            .read_to_end(&mut body)
            .context("cannot read stdin")?;
        body
    } else {
        std::fs::read(&args.file).with_context(|| format!("cannot read `{label}`"))?
    };
    let url = match &args.url {
        Some(url) => url.clone(),
        None => format!(
            "file://{}",
            std::path::absolute(&args.file)
                .unwrap_or_else(|_| args.file.clone())
                .display()
        ),
    };
    let mut page = newsdex_store::RawPage::new(url, 200, body);
    // A file is cleaned as HTML whatever its first bytes look like.
    page.headers
        .push(("content-type".into(), "text/html".into()));
    let analysis = Analyser::new()
        .analyse(&page)
        .map_err(|reason| anyhow::anyhow!("{label}: {reason}"))?;
    let Analysis::Article(boxed) = analysis else {
        anyhow::bail!("{label}: not HTML")
    };
    let (article, persons) = *boxed;
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
