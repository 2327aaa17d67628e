//! `newsdex show`: one stored article, as the cleaner left it.

#![allow(clippy::print_stdout)]

use std::io::Write;

use anyhow::Context;
use newsdex_types::normalize_url;

use crate::ExitStatus;
use crate::data_dir::DataDir;
use crate::json;
use crate::output::printable;

/// Show the clean article stored for a URL (the page's URL or the article's canonical URL).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The URL as it was ingested (tracking parameters and fragment do not matter) or the
    /// article's canonical URL.
    #[arg(value_name = "URL")]
    url: String,

    /// Print the article, its persons and its near-duplicates as JSON (`GET /api/article`'s
    /// document; see the README).
    #[arg(long)]
    json: bool,
}

pub fn run(data_dir: &DataDir, args: &Args) -> anyhow::Result<ExitStatus> {
    let index = data_dir.existing()?.index()?;
    let key = normalize_url(&args.url).with_context(|| format!("cannot show `{}`", args.url))?;
    let mut stored = index.get(&key)?;
    if stored.is_none() {
        // Perhaps the page's own URL, indexed under the article's canonical URL.
        let store = data_dir.store_read_only()?;
        if let Some(article_url) = store.summary(&key)?.and_then(|summary| summary.article_url) {
            stored = index.get(&article_url)?;
        }
    }
    let mut stored = stored.with_context(|| format!("no article stored for `{}`", args.url))?;
    // An index written by an older newsdex may hold what today's cleaner removes (controls,
    // bidi overrides): never let it reach the terminal or a JSON consumer.
    stored.article.sanitise();
    let mut out = std::io::stdout().lock();
    if args.json {
        let copies = index.copies_of(&stored.article.url)?;
        serde_json::to_writer_pretty(&mut out, &json::ArticleDocument::new(&stored, &copies))?;
        writeln!(out)?;
        return Ok(ExitStatus::Success);
    }
    let article = &stored.article;
    writeln!(out, "{}", printable(&article.title))?;
    writeln!(out, "url:       {}", printable(&article.url))?;
    if let Some(site) = &article.site_name {
        writeln!(out, "site:      {}", printable(site))?;
    }
    if let Some(published) = article.published {
        writeln!(out, "published: {}", published.to_rfc3339())?;
    }
    if !article.authors.is_empty() {
        writeln!(out, "authors:   {}", printable(&article.authors.join(", ")))?;
    }
    if let Some(language) = &article.language {
        writeln!(out, "language:  {}", printable(language))?;
    }
    if !stored.persons.is_empty() {
        let persons: Vec<String> = stored
            .persons
            .iter()
            .map(|person| format!("{} ({})", person.name, person.count()))
            .collect();
        writeln!(out, "persons:   {}", printable(&persons.join(", ")))?;
    }
    writeln!(out)?;
    writeln!(out, "{}", printable(&article.text))?;
    Ok(ExitStatus::Success)
}
