//! `newsdex export`: write the page store back out as a WARC file.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use newsdex_fetcher::WarcExport;

use crate::ExitStatus;
use crate::data_dir::DataDir;
use crate::outfile::{OutputFile, Protected};

/// Write every stored page out as a WARC 1.1 file.
///
/// Each page becomes a `response` record for the URL its bytes came from, with its status,
/// headers and (decoded) body, so that other archive tools can read the collection and
/// `newsdex ingest --warc FILE` can import it into another data directory.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The WARC file to write; a name ending in `.gz` gets one gzip member per record, as the
    /// WARC standard asks. It is written beside FILE and renamed over it when complete, and
    /// never over the page store or the index.
    #[arg(long, value_name = "FILE")]
    warc: PathBuf,
}

pub fn run(data_dir: &DataDir, args: &Args) -> anyhow::Result<ExitStatus> {
    let store = data_dir.existing()?.store_read_only()?;
    let output = OutputFile::create(
        &args.warc,
        "WARC export",
        &Protected::data_dir(data_dir),
        false,
    )?;
    let software = concat!("newsdex/", env!("CARGO_PKG_VERSION"));
    let temp = output
        .temp_path()
        .context("the export file is gone")?
        .to_path_buf();
    let mut export = WarcExport::create(&temp, software)?;
    let mut pages = 0usize;
    // Small batches: bodies can be megabytes each.
    for page in store.pages(32) {
        let page = page.context("cannot read the page store")?;
        export.write(&page)?;
        pages += 1;
    }
    export.finish()?;
    output.commit()?;
    // `?` rather than `println!`: a closed stdout is an error `main` knows, not a panic.
    writeln!(
        std::io::stdout().lock(),
        "exported {pages} pages to `{}`",
        args.warc.display()
    )?;
    Ok(ExitStatus::Success)
}
