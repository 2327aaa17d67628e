//! `newsdex search`: full-text search over the indexed articles.

#![allow(clippy::print_stdout)]

use std::io::Write;

use newsdex_index::{Facets, Filters, SearchHit, SearchRequest, SearchResults, Sort};

use crate::ExitStatus;
use crate::data_dir::DataDir;
use crate::flags::count_in;
use crate::json;
use crate::output::{self, printable};

/// Top values shown per facet.
const FACETS: usize = 10;

/// Most hits one page of results may hold (every hit is read, highlighted and printed).
const MAX_LIMIT: u64 = 10_000;

/// Deepest page: the top `offset + limit` hits are ranked in memory to cut a page out.
const MAX_OFFSET: u64 = 1_000_000;

/// Search the indexed articles.
///
/// Words are ANDed; `OR`, `-word` (or `NOT word`), `"exact phrase"` and parentheses work.
/// Operators: `title:`, `body:`, `author:`, `person:"Keir Starmer"`, `site:mirror.co.uk`,
/// `lang:en`, `after:2025-08-01`, `before:2025-09-01`, `published:2025-08` (a year, month or
/// day; `published:2025-06..2025-08` for a range). Case and accents never matter, and
/// "talks" finds "talk". A person is found by any name the archive resolves to them.
///
/// Hits are ranked by BM25 over title (boosted) and body; the same story carried by several
/// sites is one hit with its copies listed. A query that finds nothing is retried with
/// misspelt words corrected, and says so.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The query, e.g. `"Coalition of the Willing" person:Starmer -budget`; may be left out
    /// when a filter is given.
    #[arg(num_args = 0.., value_name = "QUERY")]
    query: Vec<String>,

    #[command(flatten)]
    filters: FilterArgs,

    /// Order: `relevance` (newest first when there are only filters) or `date` (newest first).
    #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
    sort: SortArg,

    /// Hits to show; 1 to 10000.
    #[arg(long, short = 'n', default_value_t = 10, value_name = "N",
        value_parser = count_in(1..=MAX_LIMIT))]
    limit: u64,

    /// Hits to skip (for paging); 0 to 1000000.
    #[arg(long, default_value_t = 0, value_name = "N", value_parser = count_in(0..=MAX_OFFSET))]
    offset: u64,

    /// Also show the top persons, sites and months among all matches.
    #[arg(long)]
    facets: bool,

    /// Do not retry a query that finds nothing with misspellings corrected.
    #[arg(long)]
    no_fuzzy: bool,

    /// Print one JSON document (facets included): `{"corrected", "facets", "hits": [...],
    /// "limit", "notes", "offset", "query", "total"}` (the README lists every field).
    #[arg(long)]
    json: bool,
}

/// Who, where and in what language: the filters a saved search (`watch add`) keeps, and part of
/// [`FilterArgs`].
#[derive(Debug, clap::Args)]
pub struct ScopeArgs {
    /// Only articles naming this person, by any name that resolves to them (repeat for all
    /// of several).
    #[arg(long, value_name = "NAME")]
    pub person: Vec<String>,

    /// Only articles from this site: a host like `mirror.co.uk` (its subdomains too) or the
    /// site's name (repeat for any of several).
    #[arg(long, value_name = "SITE")]
    pub site: Vec<String>,

    /// Only articles in this language, e.g. `en` (repeat for any of several).
    #[arg(long, value_name = "CODE")]
    pub lang: Vec<String>,
}

/// Filters shared by `search` and `persons`: the query operators as flags.
#[derive(Debug, clap::Args)]
pub struct FilterArgs {
    #[command(flatten)]
    scope: ScopeArgs,

    /// Only articles published on or after this date (2025, 2025-08 or 2025-08-14).
    #[arg(long, value_name = "DATE")]
    since: Option<String>,

    /// Only articles published up to the end of this date (`2025-08` includes all August).
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
}

impl FilterArgs {
    pub fn to_filters(&self) -> Filters {
        Filters {
            persons: self.scope.person.clone(),
            sites: self.scope.site.clone(),
            langs: self.scope.lang.clone(),
            since: self.since.clone(),
            until: self.until.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum SortArg {
    Relevance,
    Date,
}

pub fn run(data_dir: &DataDir, args: &Args) -> anyhow::Result<ExitStatus> {
    let index = data_dir.existing()?.index()?;
    let request = SearchRequest {
        query: args.query.join(" "),
        filters: args.filters.to_filters(),
        sort: match args.sort {
            SortArg::Relevance => Sort::Relevance,
            SortArg::Date => Sort::Date,
        },
        limit: usize::try_from(args.limit).unwrap_or(usize::MAX),
        offset: usize::try_from(args.offset).unwrap_or(usize::MAX),
        facets: if args.facets || args.json { FACETS } else { 0 },
        fuzzy: !args.no_fuzzy,
    };
    let results = index.search(&request)?;
    let mut stdout = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut stdout, &json::Search::new(&results, &request))?;
        writeln!(stdout)?;
    } else {
        print_results(
            &mut stdout,
            &results,
            request.offset,
            output::stdout_is_terminal(),
        )?;
    }
    Ok(ExitStatus::Success)
}

fn print_results(
    out: &mut impl Write,
    results: &SearchResults,
    offset: usize,
    terminal: bool,
) -> std::io::Result<()> {
    if let Some(corrected) = &results.corrected {
        writeln!(
            out,
            "no exact matches; showing results for `{}`",
            printable(corrected)
        )?;
        writeln!(out)?;
    }
    for note in &results.notes {
        writeln!(out, "note: {}", printable(note))?;
        writeln!(out)?;
    }
    if results.total == 0 {
        writeln!(out, "no articles match `{}`", printable(&results.query))?;
        return Ok(());
    }
    for (rank, hit) in results.hits.iter().enumerate() {
        print_hit(out, offset + rank + 1, hit, terminal)?;
    }
    if results.hits.is_empty() {
        writeln!(
            out,
            "no more hits past {offset}; {} articles match",
            results.total
        )?;
    } else {
        writeln!(
            out,
            "hits {}-{}; {} matching articles",
            offset + 1,
            offset + results.hits.len(),
            results.total
        )?;
    }
    if let Some(facets) = &results.facets {
        writeln!(out)?;
        print_facets(out, facets)?;
    }
    Ok(())
}

fn print_hit(
    out: &mut impl Write,
    rank: usize,
    hit: &SearchHit,
    terminal: bool,
) -> std::io::Result<()> {
    let date = hit
        .published
        .map(|date| date.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "undated".into());
    writeln!(
        out,
        "{rank}. {}",
        marked(&hit.title, &hit.title_highlights, terminal)
    )?;
    let mut line = format!("   {} | {date}", printable(&hit.site));
    if !hit.authors.is_empty() {
        line.push_str(&format!(" | by {}", printable(&hit.authors.join(", "))));
    }
    writeln!(out, "{line} | {}", printable(&hit.url))?;
    if !hit.persons.is_empty() {
        writeln!(out, "   persons: {}", printable(&hit.persons.join(", ")))?;
    }
    writeln!(
        out,
        "   {}",
        marked(&hit.snippet, &hit.highlights, terminal)
    )?;
    if !hit.copies.is_empty() {
        let sites: Vec<&str> = hit.copies.iter().map(|copy| copy.site.as_str()).collect();
        let noun = if sites.len() == 1 { "copy" } else { "copies" };
        writeln!(
            out,
            "   also on {} ({} {noun})",
            printable(&sites.join(", ")),
            sites.len()
        )?;
    }
    writeln!(out)
}

fn print_facets(out: &mut impl Write, facets: &Facets) -> std::io::Result<()> {
    for (label, values) in [
        ("persons", &facets.persons),
        ("sites", &facets.sites),
        ("months", &facets.months),
    ] {
        let listed: Vec<String> = values
            .iter()
            .map(|facet| format!("{} ({})", printable(&facet.value), facet.count))
            .collect();
        let listed = if listed.is_empty() {
            "-".to_owned()
        } else {
            listed.join(", ")
        };
        writeln!(out, "{label:<8} {listed}")?;
    }
    Ok(())
}

/// A text with its matches in bold on a terminal, or between `*` otherwise; one line, with
/// whatever a terminal would obey escaped. A highlight that is out of order or does not fall
/// on character boundaries is left unmarked rather than trusted.
fn marked(text: &str, highlights: &[(usize, usize)], terminal: bool) -> String {
    let (open, close) = if terminal {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("*", "*")
    };
    let mut out = String::with_capacity(text.len() + 16);
    let mut last = 0;
    for &(start, end) in highlights {
        let (Some(before), Some(word)) = (text.get(last..start), text.get(start..end)) else {
            continue;
        };
        out.push_str(&printable(before));
        out.push_str(open);
        out.push_str(&printable(word));
        out.push_str(close);
        last = end;
    }
    out.push_str(&printable(text.get(last..).unwrap_or_default()));
    out.replace('\n', " ")
}
