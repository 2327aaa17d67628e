//! `newsdex search`: full-text search over the indexed articles.

#![allow(clippy::print_stdout)]

use std::io::Write;

use newsdex_index::{SearchHit, SearchRequest, SearchResults};

use crate::ExitStatus;
use crate::data_dir::DataDir;
use crate::output;

/// Search the indexed articles.
///
/// Words are ANDed; `"exact phrase"`, `OR`, `-word` and parentheses work. Hits are ranked by
/// BM25 over title (boosted) and body, best first, each with a snippet of the matching text.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The query, e.g. `"Coalition of the Willing" Starmer`.
    #[arg(required = true, num_args = 1.., value_name = "QUERY")]
    query: Vec<String>,

    /// Hits to show.
    #[arg(long, short = 'n', default_value_t = 10, value_name = "N")]
    limit: usize,

    /// Hits to skip (for paging).
    #[arg(long, default_value_t = 0, value_name = "N")]
    offset: usize,

    /// Print one JSON document: `{"query", "total", "hits": [...]}`.
    #[arg(long)]
    json: bool,
}

pub fn run(data_dir: &DataDir, args: &Args) -> anyhow::Result<ExitStatus> {
    let index = data_dir.index()?;
    let mut request = SearchRequest::new(args.query.join(" "));
    request.limit = args.limit;
    request.offset = args.offset;
    let results = index.search(&request)?;
    let mut stdout = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut stdout, &json(&results))?;
        writeln!(stdout)?;
    } else {
        print_hits(
            &mut stdout,
            &results,
            args.offset,
            output::stdout_is_terminal(),
        )?;
    }
    Ok(ExitStatus::Success)
}

fn json(results: &SearchResults) -> serde_json::Value {
    let hits: Vec<serde_json::Value> = results
        .hits
        .iter()
        .map(|hit| {
            serde_json::json!({
                "url": hit.url,
                "title": hit.title,
                "site": hit.site,
                "published": hit.published.map(|date| date.to_rfc3339()),
                "authors": hit.authors,
                "persons": hit.persons,
                "score": hit.score,
                "snippet": hit.snippet,
                "highlights": hit.highlights,
            })
        })
        .collect();
    serde_json::json!({ "query": results.query, "total": results.total, "hits": hits })
}

fn print_hits(
    out: &mut impl Write,
    results: &SearchResults,
    offset: usize,
    bold: bool,
) -> std::io::Result<()> {
    if results.hits.is_empty() {
        writeln!(out, "no articles match `{}`", results.query)?;
        return Ok(());
    }
    for (rank, hit) in results.hits.iter().enumerate() {
        let date = hit
            .published
            .map(|date| date.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| "undated".into());
        writeln!(out, "{}. {}", offset + rank + 1, hit.title)?;
        writeln!(out, "   {} | {} | {}", hit.site, date, hit.url)?;
        writeln!(out, "   {}", highlight(hit, bold))?;
        writeln!(out)?;
    }
    let shown_to = offset + results.hits.len();
    writeln!(
        out,
        "{}-{} of {} articles",
        offset + 1,
        shown_to,
        results.total
    )
}

/// The snippet with its matches in bold on a terminal, or between `*` otherwise.
fn highlight(hit: &SearchHit, terminal: bool) -> String {
    let (open, close) = if terminal {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("*", "*")
    };
    let mut text = String::with_capacity(hit.snippet.len() + 16);
    let mut last = 0;
    for &(start, end) in &hit.highlights {
        if start < last || end > hit.snippet.len() {
            continue;
        }
        text.push_str(&hit.snippet[last..start]);
        text.push_str(open);
        text.push_str(&hit.snippet[start..end]);
        text.push_str(close);
        last = end;
    }
    text.push_str(&hit.snippet[last..]);
    text.replace('\n', " ")
}
