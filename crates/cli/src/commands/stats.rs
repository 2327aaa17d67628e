//! `newsdex stats`: how much the archive holds.

#![allow(clippy::print_stdout)]

use crate::ExitStatus;
use crate::data_dir::DataDir;
use crate::json;

/// Pages stored, articles indexed, persons known, index size on disk.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print `{"articles", "index_bytes", "pages", "persons", "store_bytes"}` (see the README).
    #[arg(long)]
    json: bool,
}

pub fn run(data_dir: &DataDir, args: &Args) -> anyhow::Result<ExitStatus> {
    let (pages, store_bytes) = data_dir.existing()?.stored_pages()?;
    let index = data_dir.index()?;
    let stats = index.stats()?;
    if args.json {
        let document = json::Stats::new(&stats, pages, store_bytes);
        println!("{}", serde_json::to_string(&document)?);
    } else {
        println!("data dir:    {}", data_dir.root().display());
        println!("pages:       {pages}");
        println!("articles:    {}", stats.articles);
        println!("persons:     {}", stats.persons);
        println!("index size:  {}", human_bytes(stats.bytes));
        println!("store size:  {}", human_bytes(store_bytes));
    }
    Ok(ExitStatus::Success)
}

fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    #[allow(clippy::cast_precision_loss)]
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
