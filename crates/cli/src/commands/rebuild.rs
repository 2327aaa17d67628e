//! `newsdex rebuild`: re-clean every stored page into a fresh index, with no network. The
//! work is [`pipeline::rebuild`]; this is its arguments and its report.

#![allow(clippy::print_stdout)]

use std::time::Instant;

use anyhow::Context;
use newsdex_index::ArticleIndex;

use crate::ExitStatus;
use crate::data_dir::DataDir;
use crate::output;
use crate::pipeline::{self, Analyser, Rebuilt};

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
    let rebuild =
        ArticleIndex::begin_rebuild(data_dir.index_root(), &newsdex_index::Config::default())
            .context("cannot start the rebuild")?;
    let rebuilt = pipeline::rebuild(&store, &Analyser::new(), rebuild, |url, failure| {
        if !quiet {
            output::warning(&format!("{url}: {failure}"));
        }
    })?;
    let Rebuilt {
        pages,
        articles,
        skipped,
        failed,
        merged,
    } = rebuilt;
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
