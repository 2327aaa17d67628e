//! `newsdex persons`: who the archive (or a query's articles) names most, who appears beside
//! someone, and `persons tag` to run the extractor over JSON lines.

#![allow(clippy::print_stdout)]

use std::io::{BufRead, Read, Write};

use newsdex_index::PersonsRequest;
use newsdex_persons::{Extractor, tag_json_line};

use crate::ExitStatus;
use crate::commands::search::FilterArgs;
use crate::data_dir::DataDir;
use crate::flags::count_in;
use crate::json;
use crate::output::{self, printable};

/// Longest input line `persons tag` takes: a long article is a few hundred KB of text; a
/// line beyond this is not one text but a file given by mistake, and must not exhaust memory.
const MAX_TAG_LINE: usize = 16 * 1024 * 1024;

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
        return tag(std::io::stdin().lock(), &mut std::io::stdout().lock());
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

/// `persons tag`: one output line per input line.
fn tag(input: impl BufRead, out: &mut impl Write) -> anyhow::Result<ExitStatus> {
    let extractor = Extractor::new();
    let mut failed = 0usize;
    let mut input = input;
    let mut bytes = Vec::new();
    for number in 1.. {
        bytes.clear();
        let limit = u64::try_from(MAX_TAG_LINE).unwrap_or(u64::MAX);
        if (&mut input).take(limit).read_until(b'\n', &mut bytes)? == 0 {
            break;
        }
        let complete = bytes.last() == Some(&b'\n') || bytes.len() < MAX_TAG_LINE;
        if !complete {
            // Skip the rest of an over-long line; it gets an error line like any bad one.
            let mut rest = Vec::new();
            while (&mut input).take(limit).read_until(b'\n', &mut rest)? > 0
                && rest.last() != Some(&b'\n')
            {
                rest.clear();
            }
        }
        let line = match std::str::from_utf8(&bytes) {
            Ok(line) if complete => Ok(line.trim_end_matches(['\n', '\r'])),
            Ok(_) => Err(format!("line is longer than {MAX_TAG_LINE} bytes")),
            Err(_) => Err("line is not UTF-8 text".to_owned()),
        };
        let line = match line {
            Ok(line) if line.trim().is_empty() => continue,
            Ok(line) => line,
            Err(reason) => {
                failed += 1;
                output::warning(&format!("line {number}: {reason}"));
                serde_json::to_writer(
                    &mut *out,
                    &serde_json::json!({ "id": null, "error": reason }),
                )?;
                writeln!(out)?;
                continue;
            }
        };
        match tag_json_line(&extractor, line) {
            Ok(tagged) => writeln!(out, "{tagged}")?,
            Err(err) => {
                failed += 1;
                let reason = err.to_string();
                output::warning(&format!("line {number}: {reason}"));
                // Keep output lines in step with input lines, with the id when there is one.
                let id = serde_json::from_str::<serde_json::Value>(line)
                    .ok()
                    .and_then(|value| value.get("id").cloned())
                    .unwrap_or(serde_json::Value::Null);
                serde_json::to_writer(
                    &mut *out,
                    &serde_json::json!({ "id": id, "error": reason }),
                )?;
                writeln!(out)?;
            }
        }
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
    fn tag_answers_a_line_that_is_not_utf8_and_goes_on() {
        // Once `lines()` failed on such a line and the whole run stopped with an error.
        let input: &[u8] = b"{\"id\": 1, \"text\": \"A \xff\"}\n{\"id\": 2, \"text\": \"Ok.\"}\n";
        let mut out = Vec::new();
        assert_eq!(tag(input, &mut out).unwrap(), ExitStatus::Failure);
        let lines: Vec<serde_json::Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0]["error"].as_str().unwrap().contains("UTF-8"));
        assert_eq!(lines[1]["id"], 2);
    }

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
        assert!(lines[1]["id"].is_null());
        assert!(!lines[1]["error"].as_str().unwrap().is_empty());
        assert_eq!(lines[2]["id"], "x");
        assert!(!lines[2]["error"].as_str().unwrap().is_empty());
    }
}
