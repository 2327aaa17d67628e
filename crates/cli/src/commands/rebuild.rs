//! `newsdex rebuild`: re-clean every stored page into a fresh index, with no network.

#![allow(clippy::print_stdout)]

use std::collections::HashSet;
use std::time::Instant;

use anyhow::Context;
use newsdex_index::ArticleIndex;

use crate::ExitStatus;
use crate::data_dir::DataDir;
use crate::output;
use crate::pipeline::{self, Analyser, Filed};

/// Re-clean every page in the page store and build a fresh index from it.
///
/// The new index is built beside the live one and swapped in only when complete: searches
/// keep working during a rebuild, and a rebuild that is interrupted leaves the old index as
/// it was. Run this after upgrading newsdex to apply the improved cleaner to everything
/// already collected.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(data_dir: &DataDir, _args: &Args, quiet: bool) -> anyhow::Result<ExitStatus> {
    let started = Instant::now();
    let store = data_dir.existing()?.store()?;
    let mut rebuild =
        ArticleIndex::begin_rebuild(data_dir.index_root(), &newsdex_index::Config::default())
            .context("cannot start the rebuild")?;
    let analyser = Analyser::new();
    let (mut pages, mut articles, mut skipped, mut failed, mut merged) = (0usize, 0, 0, 0, 0);
    let mut processed = Vec::new();
    // Keys pages were moved to during this rebuild: the scan meets them again further on.
    let mut moved = HashSet::new();
    for page in store.pages(256) {
        let page = page?;
        let Some(key) = store.resolve(&page.url)? else {
            continue;
        };
        if moved.contains(&key) {
            continue;
        }
        pages += 1;
        match analyser.file(&store, &page, &key)? {
            Ok(Filed::Own { analysed, moved_to }) => {
                if let Some(target) = moved_to {
                    moved.insert(target);
                }
                pipeline::upsert(&store, rebuild.writer(), &analysed.article.url, &analysed)?;
                let url = analysed.article.url.clone();
                processed.push((url.clone(), Some(url)));
                articles += 1;
            }
            // The page kept under `target` is indexed when the scan reaches it (or was).
            Ok(Filed::SameAs { .. }) => merged += 1,
            Ok(Filed::Skipped(_)) => {
                processed.push((key, None));
                skipped += 1;
            }
            Err(failure) => {
                if !quiet {
                    output::warning(&format!("{}: {failure}", page.url));
                }
                failed += 1;
            }
        }
    }
    rebuild.finish().context("cannot finish the rebuild")?;
    store.mark_indexed_all(
        processed
            .iter()
            .map(|(key, article)| (key.as_str(), article.as_deref())),
    )?;
    let merged = if merged > 0 {
        format!(", {merged} merged into the same article's page")
    } else {
        String::new()
    };
    println!(
        "rebuilt the index from {pages} pages: {articles} articles, skipped {skipped}, failed {failed}{merged} ({:.1}s)",
        started.elapsed().as_secs_f64()
    );
    Ok(ExitStatus::Success)
}
