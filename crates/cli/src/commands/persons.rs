//! `newsdex persons`: who the archive (or a query's articles) names most, who appears beside
//! someone, and `persons tag` to run the extractor over JSON lines.

#![allow(clippy::print_stdout)]

use std::io::{BufRead, Write};

use newsdex_index::PersonsRequest;
use newsdex_persons::Extractor;
use serde::Serialize;

use crate::ExitStatus;
use crate::commands::search::FilterArgs;
use crate::data_dir::DataDir;
use crate::output;

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

    /// How many persons to list.
    #[arg(long, default_value_t = 20, value_name = "N")]
    top: usize,

    /// Print `{"articles", "with", "persons": [{"name", "articles"}], "notes"}`.
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
        return tag(std::io::stdin().lock(), &mut std::io::stdout().lock());
    }
    let index = data_dir.index()?;
    let results = index.persons(&PersonsRequest {
        query: args.query.join(" "),
        filters: args.filters.to_filters(),
        with: args.with.clone(),
        top: args.top,
    })?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let persons: Vec<serde_json::Value> = results
            .persons
            .iter()
            .map(|p| serde_json::json!({ "name": p.value, "articles": p.count }))
            .collect();
        let value = serde_json::json!({
            "articles": results.articles,
            "with": results.with,
            "persons": persons,
            "notes": results.notes,
        });
        serde_json::to_writer_pretty(&mut out, &value)?;
        writeln!(out)?;
        return Ok(ExitStatus::Success);
    }
    for note in &results.notes {
        writeln!(out, "note: {note}")?;
    }
    let scope = match (&results.with, &args.with) {
        (Some(with), _) => format!("beside {with} ({} articles)", results.articles),
        (None, Some(asked)) => {
            writeln!(out, "no articles name `{asked}`")?;
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
        writeln!(out, "  {:>width$}  {}", person.count, person.value)?;
    }
    Ok(ExitStatus::Success)
}

#[derive(Serialize)]
struct Tagged<'a> {
    name: &'a str,
    start: usize,
    end: usize,
    text: &'a str,
}

/// `persons tag`: one output line per input line.
fn tag(input: impl BufRead, out: &mut impl Write) -> anyhow::Result<ExitStatus> {
    let extractor = Extractor::new();
    let mut failed = 0usize;
    for (number, line) in input.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let value: Result<serde_json::Value, String> =
            serde_json::from_str(&line).map_err(|err| format!("not JSON: {err}"));
        let id = value
            .as_ref()
            .ok()
            .and_then(|v| v.get("id").cloned())
            .unwrap_or(serde_json::Value::Null);
        let text = value.and_then(|v| match v.get("text") {
            Some(serde_json::Value::String(text)) => Ok(text.clone()),
            _ => Err("no `text` string".to_owned()),
        });
        let record = match text {
            Ok(text) => {
                let persons = extractor.extract(&text);
                let mut mentions: Vec<Tagged> = persons
                    .iter()
                    .flat_map(|person| {
                        person.mentions.iter().map(|mention| Tagged {
                            name: &person.name,
                            start: mention.start,
                            end: mention.end,
                            text: &mention.text,
                        })
                    })
                    .collect();
                mentions.sort_by_key(|m| (m.start, m.end));
                serde_json::json!({ "id": id, "persons": mentions })
            }
            Err(reason) => {
                failed += 1;
                output::warning(&format!("line {}: {reason}", number + 1));
                serde_json::json!({ "id": id, "error": reason })
            }
        };
        serde_json::to_writer(&mut *out, &record)?;
        writeln!(out)?;
    }
    Ok(if failed > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_writes_one_line_per_input_and_flags_bad_lines() {
        let input = "{\"id\": 1, \"text\": \"Nothing here.\"}\n\nnot json\n{\"id\": \"x\"}\n";
        let mut out = Vec::new();
        let status = tag(input.as_bytes(), &mut out).unwrap();
        assert_eq!(status, ExitStatus::Failure);
        let lines: Vec<serde_json::Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert_eq!(lines.len(), 3, "blank lines are skipped, bad ones answered");
        assert_eq!(lines[0]["id"], 1);
        assert!(lines[0]["persons"].is_array());
        assert!(lines[1]["error"].as_str().unwrap().starts_with("not JSON"));
        assert_eq!(lines[2]["id"], "x");
        assert_eq!(lines[2]["error"], "no `text` string");
    }
}
