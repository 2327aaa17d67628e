//! `newsdex persons`: who the archive (or a query's articles) names most, who appears beside
//! someone, and `persons tag` to run the extractor over JSON lines.

#![allow(clippy::print_stdout)]

use std::io::Write;

use newsdex_index::PersonsRequest;

use crate::ExitStatus;
use crate::commands::search::FilterArgs;
use crate::data_dir::DataDir;
use crate::flags::count_in;
use crate::json;
use crate::output::printable;

mod tag;

/// The persons named most often, by number of articles.
///
/// Over the whole archive, or over the articles matching QUERY (the `search` query language,
/// filters included). `--with NAME` lists who appears most often beside that person. Each
/// person is counted once per article under the archive's canonical name, whatever spelling
/// the article used.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Command>,

    /// Count only in the articles matching this query.
    #[arg(num_args = 0.., value_name = "QUERY")]
    query: Vec<String>,

    /// Count only in the articles naming this person, and leave them out of the list.
    #[arg(long, value_name = "NAME")]
    with: Option<String>,

    #[command(flatten)]
    filters: FilterArgs,

    /// How many persons to list; 1 to 10000.
    #[arg(long, default_value_t = 20, value_name = "N", value_parser = count_in(1..=10_000))]
    top: u64,

    /// Print `{"articles", "notes", "persons": [{"articles", "name"}], "with"}`.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    Tag(TagArgs),
}

/// Tag persons in texts: reads JSON lines `{"id": ..., "text": ...}` on stdin and writes one
/// line per input, `{"id": ..., "persons": [{"name", "start", "end", "text"}]}`, with the
/// character offsets of every mention and the canonical name it resolved to in that text.
///
/// A line that is not such an object gets `{"id": ..., "error": "..."}` (and exit code 1), so
/// output lines always match input lines.
#[derive(Debug, clap::Args)]
struct TagArgs {}

pub fn run(data_dir: &DataDir, args: &Args) -> anyhow::Result<ExitStatus> {
    if let Some(Command::Tag(_)) = args.command {
        return tag::run(std::io::stdin().lock(), &mut std::io::stdout().lock());
    }
    let index = data_dir.existing()?.index()?;
    let results = index.persons(&PersonsRequest {
        query: args.query.join(" "),
        filters: args.filters.to_filters(),
        with: args.with.clone(),
        top: usize::try_from(args.top).unwrap_or(usize::MAX),
    })?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &json::Persons::new(&results))?;
        writeln!(out)?;
        return Ok(ExitStatus::Success);
    }
    for note in &results.notes {
        writeln!(out, "note: {}", printable(note))?;
    }
    let scope = match (&results.with, &args.with) {
        (Some(with), _) => format!("beside {} ({} articles)", printable(with), results.articles),
        (None, Some(asked)) => {
            writeln!(out, "no articles name `{}`", printable(asked))?;
            return Ok(ExitStatus::Success);
        }
        (None, None) => format!("in {} articles", results.articles),
    };
    if results.persons.is_empty() {
        writeln!(out, "no persons named {scope}")?;
        return Ok(ExitStatus::Success);
    }
    writeln!(out, "persons named most often {scope}:")?;
    let width = results.persons[0].count.to_string().len();
    for person in &results.persons {
        writeln!(
            out,
            "  {:>width$}  {}",
            person.count,
            printable(&person.value)
        )?;
    }
    Ok(ExitStatus::Success)
}
