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
    let (mut pages, mut local) = (0usize, 0usize);
    // Small batches: bodies can be megabytes each.
    for page in store.pages(32) {
        let page = page.context("cannot read the page store")?;
        // A WARC record names the web URL it captured, and `ingest --warc` refuses any other
        // (a record could otherwise claim `file:///etc/passwd`): pages read from local files
        // have no such URL to give.
        if !is_web_url(&page.url) {
            local += 1;
            continue;
        }
        export.write(&page)?;
        pages += 1;
    }
    export.finish()?;
    output.commit()?;
    // `?` rather than `println!`: a closed stdout is an error `main` knows, not a panic.
    let mut out = std::io::stdout().lock();
    writeln!(out, "exported {pages} pages to `{}`", args.warc.display())?;
    if local > 0 {
        writeln!(
            out,
            "left out {local} pages read from local files: a WARC record names an http or https URL"
        )?;
    }
    Ok(ExitStatus::Success)
}

fn is_web_url(url: &str) -> bool {
    let scheme = url
        .split_once(':')
        .map(|(scheme, _)| scheme.to_ascii_lowercase());
    matches!(scheme.as_deref(), Some("http" | "https"))
}
