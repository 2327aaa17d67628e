//! `newsdex watch`: saved searches that report what arrived since they last ran.
//!
//! Watches live in the page store's database (they survive `rebuild`), each with the latest
//! arrival it reported. `watch run` reports the matches among the articles that arrived
//! after it and moves the mark only once everything was written, so a run that is
//! interrupted (or whose reader went away) marks nothing seen.

#![allow(clippy::print_stdout)]

use std::io::Write;

use anyhow::{Context, bail};
use chrono::Utc;
use newsdex_index::{ArrivedHit, ArrivedMatches, ArticleIndex, Filters};
use newsdex_store::{PageStore, Watch};

use crate::ExitStatus;
use crate::atom;
use crate::data_dir::DataDir;
use crate::output::printable;

/// The longest watch name: it is typed on the command line and in feed URLs.
const MAX_NAME_CHARS: usize = 64;

/// Saved searches: what is new since they last ran, and Atom feeds of their matches.
///
/// `watch add NAME QUERY` saves a search; `watch run` then reports the articles that match
/// it and arrived (were first ingested) since the watch last ran, and marks them seen. Its
/// exit code is 0 when something matched, 1 when nothing did and 2 on an error, so that cron
/// jobs and scripts can act on it. `watch feed NAME` prints an Atom feed of a watch's latest
/// matches (`serve` has it at `/feeds/NAME.atom`), and `ingest --watch` reports what an
/// ingest added for every watch.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: WatchCommand,
}

#[derive(Debug, clap::Subcommand)]
enum WatchCommand {
    Add(AddArgs),
    List(ListArgs),
    Rm(RmArgs),
    Run(RunArgs),
    Feed(FeedArgs),
}

/// Save a search under a name. Only articles that arrive from now on are new to it.
#[derive(Debug, clap::Args)]
struct AddArgs {
    /// Letters, digits, `-`, `_` and `.` (any script), up to 64 characters.
    name: String,

    /// The query, as `newsdex search` takes it; may be left out when a filter is given.
    #[arg(num_args = 0.., value_name = "QUERY")]
    query: Vec<String>,

    #[command(flatten)]
    scope: super::search::ScopeArgs,
}

/// List the saved searches.
#[derive(Debug, clap::Args)]
struct ListArgs {
    /// Print a JSON array of `{"name", "query", "persons", "sites", "langs", "created",
    /// "last_run"}`.
    #[arg(long)]
    json: bool,
}

/// Delete a saved search.
#[derive(Debug, clap::Args)]
struct RmArgs {
    name: String,
}

/// Report each watch's matches that arrived since it last ran, and mark them seen.
///
/// Exit code 0 when any watch has new matches, 1 when none has, 2 on an error (nothing is
/// marked seen then).
#[derive(Debug, clap::Args)]
struct RunArgs {
    /// The watches to run (default: all).
    names: Vec<String>,

    /// Print one JSON document: `{"new": N, "watches": [{"name", "query", "new",
    /// "matches": [{"url", "title", "site", "published", "arrived", "authors", "persons",
    /// "snippet"}]}]}`.
    #[arg(long)]
    json: bool,

    /// Report the new matches without marking them seen.
    #[arg(long)]
    peek: bool,
}

/// Print an Atom 1.0 feed of a watch's latest matches (newest arrivals first).
#[derive(Debug, clap::Args)]
struct FeedArgs {
    name: String,
}

pub fn run(data_dir: &DataDir, args: &Args) -> anyhow::Result<ExitStatus> {
    match &args.command {
        WatchCommand::Add(add) => run_add(data_dir, add),
        WatchCommand::List(list) => run_list(data_dir, list),
        WatchCommand::Rm(rm) => {
            let store = data_dir.existing()?.store()?;
            if !store.remove_watch(&rm.name)? {
                bail!("no watch named `{}`", rm.name);
            }
            Ok(ExitStatus::Success)
        }
        WatchCommand::Run(run) => run_watches(data_dir, run),
        WatchCommand::Feed(feed) => {
            let store = data_dir.existing()?.store_read_only()?;
            let watch = find(&store, &feed.name)?;
            let index = data_dir.index()?;
            let mut out = std::io::stdout().lock();
            out.write_all(atom::watch_feed(&index, &watch, None)?.as_bytes())?;
            writeln!(out)?;
            out.flush()?;
            Ok(ExitStatus::Success)
        }
    }
}

/// The index's filters of a watch.
pub fn filters_of(watch: &Watch) -> Filters {
    Filters {
        persons: watch.persons.clone(),
        sites: watch.sites.clone(),
        langs: watch.langs.clone(),
        since: None,
        until: None,
    }
}

/// The watch called `name`, or an error listing what there is.
pub fn find(store: &PageStore, name: &str) -> anyhow::Result<Watch> {
    match store.watch(name)? {
        Some(watch) => Ok(watch),
        None => {
            let names: Vec<String> = store.watches()?.into_iter().map(|w| w.name).collect();
            if names.is_empty() {
                bail!(
                    "no watch named `{name}`\nhint: there are none yet; add one with `newsdex watch add NAME QUERY`"
                )
            }
            bail!(
                "no watch named `{name}`\nhint: the watches are: {}",
                names.join(", ")
            )
        }
    }
}

/// Why `name` cannot name a watch, if it cannot.
pub fn invalid_name(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("a watch needs a name".into());
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Some(format!("a name has at most {MAX_NAME_CHARS} characters"));
    }
    if name.starts_with('.') {
        return Some("a name cannot start with `.`".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Some(format!(
            "`{}` is not allowed in a name (letters, digits, `-`, `_` and `.` are)",
            c.escape_default()
        ));
    }
    None
}

fn run_add(data_dir: &DataDir, args: &AddArgs) -> anyhow::Result<ExitStatus> {
    if let Some(why) = invalid_name(&args.name) {
        bail!("invalid watch name `{}`: {why}", printable(&args.name));
    }
    let watch = Watch {
        name: args.name.clone(),
        query: args.query.join(" "),
        persons: args.scope.person.clone(),
        sites: args.scope.site.clone(),
        langs: args.scope.lang.clone(),
        seen: 0,
        created: Utc::now(),
        last_run: None,
    };
    newsdex_index::check_query(&watch.query, &filters_of(&watch))?;
    // What is already in the archive is not new: the watch starts from its latest arrival.
    let seen = match data_dir.index() {
        Ok(index) => index.latest_arrival()?,
        Err(err) if is_missing_index(&err) => 0,
        Err(err) => return Err(err),
    };
    let store = data_dir.store()?;
    if !store.add_watch(&Watch { seen, ..watch })? {
        bail!(
            "a watch named `{}` exists\nhint: `newsdex watch rm {}` first to replace it",
            args.name,
            args.name
        );
    }
    println!("watch `{}` added", printable(&args.name));
    Ok(ExitStatus::Success)
}

fn is_missing_index(err: &anyhow::Error) -> bool {
    matches!(
        err.downcast_ref::<newsdex_index::Error>(),
        Some(newsdex_index::Error::Missing { .. })
    )
}

fn run_list(data_dir: &DataDir, args: &ListArgs) -> anyhow::Result<ExitStatus> {
    let store = data_dir.existing()?.store_read_only()?;
    let watches = store.watches()?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let list: Vec<serde_json::Value> = watches
            .iter()
            .map(|watch| {
                serde_json::json!({
                    "name": watch.name,
                    "query": watch.query,
                    "persons": watch.persons,
                    "sites": watch.sites,
                    "langs": watch.langs,
                    "created": watch.created.to_rfc3339(),
                    "last_run": watch.last_run.map(|time| time.to_rfc3339()),
                })
            })
            .collect();
        // Serialised first: a reader that went away is then an I/O error (not an error of serde's).
        out.write_all(serde_json::to_string_pretty(&list)?.as_bytes())?;
        writeln!(out)?;
    } else if watches.is_empty() {
        writeln!(
            out,
            "no watches; add one with `newsdex watch add NAME QUERY`"
        )?;
    } else {
        for watch in &watches {
            let last = watch.last_run.map_or_else(
                || "never run".to_owned(),
                |time| format!("last run {}", time.format("%Y-%m-%d %H:%M")),
            );
            writeln!(
                out,
                "{}  {}  ({last})",
                printable(&watch.name),
                printable(&atom::describe(watch))
            )?;
        }
    }
    out.flush()?;
    Ok(ExitStatus::Success)
}

/// One watch's new matches.
struct Report {
    watch: Watch,
    matches: ArrivedMatches,
}

fn run_watches(data_dir: &DataDir, args: &RunArgs) -> anyhow::Result<ExitStatus> {
    let store = data_dir.existing()?.store()?;
    let watches = if args.names.is_empty() {
        store.watches()?
    } else {
        args.names
            .iter()
            .map(|name| find(&store, name))
            .collect::<anyhow::Result<Vec<_>>>()?
    };
    if watches.is_empty() {
        crate::output::warning("no watches; add one with `newsdex watch add NAME QUERY`");
        return Ok(ExitStatus::Failure);
    }
    let index = data_dir.index()?;
    let reports = new_matches(&index, watches, None)?;
    let upto = reports.upto;
    let mut out = std::io::stdout().lock();
    if args.json {
        // Serialised first: a reader that went away is then an I/O error (not an error of serde's).
        out.write_all(serde_json::to_string_pretty(&json(&reports.reports))?.as_bytes())?;
        writeln!(out)?;
    } else {
        write_reports(&mut out, &reports.reports, "since the last run")?;
    }
    // Everything is written: only now are the matches seen.
    out.flush()?;
    if !args.peek {
        let marks: Vec<(&str, u64)> = reports
            .reports
            .iter()
            .map(|report| (report.watch.name.as_str(), upto))
            .collect();
        store
            .mark_watches_seen(&marks, Utc::now())
            .context("cannot mark the watches' matches seen")?;
    }
    let any = reports
        .reports
        .iter()
        .any(|report| report.matches.total > 0);
    Ok(if any {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

struct Reports {
    reports: Vec<Report>,
    /// The latest arrival the run saw.
    upto: u64,
}

/// Each watch's matches among the articles that arrived after its mark (or after `after`,
/// when given: what one ingest added).
fn new_matches(
    index: &ArticleIndex,
    watches: Vec<Watch>,
    after: Option<u64>,
) -> anyhow::Result<Reports> {
    let point = after.unwrap_or_else(|| watches.iter().map(|w| w.seen).min().unwrap_or(0));
    let arrivals = index.arrivals(point)?;
    let mut reports = Vec::with_capacity(watches.len());
    for watch in watches {
        let from = after.unwrap_or(watch.seen).max(point);
        let matches = arrivals
            .matches(&watch.query, &filters_of(&watch), from, usize::MAX)
            .with_context(|| format!("watch `{}`", watch.name))?;
        reports.push(Report { watch, matches });
    }
    Ok(Reports {
        reports,
        upto: arrivals.upto(),
    })
}

/// `ingest --watch`: every watch's matches among the articles the ingest added (those that
/// arrived after `before`), without marking them seen (`watch run` still reports them).
pub fn report_ingested(
    data_dir: &DataDir,
    index: &ArticleIndex,
    before: u64,
) -> anyhow::Result<()> {
    let store = data_dir.store()?;
    let watches = store.watches()?;
    let mut out = std::io::stdout().lock();
    if watches.is_empty() {
        writeln!(
            out,
            "watches: none saved (add one with `newsdex watch add NAME QUERY`)"
        )?;
        return Ok(());
    }
    let reports = new_matches(index, watches, Some(before))?;
    write_reports(&mut out, &reports.reports, "in this ingest")?;
    out.flush()?;
    Ok(())
}

fn write_reports(out: &mut impl Write, reports: &[Report], when: &str) -> std::io::Result<()> {
    for report in reports {
        let noun = if report.matches.total == 1 {
            "match"
        } else {
            "matches"
        };
        writeln!(
            out,
            "watch `{}`: {} new {noun} {when}",
            printable(&report.watch.name),
            report.matches.total
        )?;
        for note in &report.matches.notes {
            writeln!(out, "  note: {}", printable(note))?;
        }
        for hit in &report.matches.hits {
            write_hit(out, hit)?;
        }
    }
    Ok(())
}

fn write_hit(out: &mut impl Write, hit: &ArrivedHit) -> std::io::Result<()> {
    let date = hit.hit.published.map_or_else(
        || "undated".to_owned(),
        |date| date.format("%Y-%m-%d").to_string(),
    );
    writeln!(out, "  {}", printable(&hit.hit.title).replace('\n', " "))?;
    writeln!(
        out,
        "    {} | {date} | {}",
        printable(&hit.hit.site),
        printable(&hit.hit.url)
    )
}

fn json(reports: &[Report]) -> serde_json::Value {
    let watches: Vec<serde_json::Value> = reports
        .iter()
        .map(|report| {
            let matches: Vec<serde_json::Value> = report
                .matches
                .hits
                .iter()
                .map(|hit| {
                    serde_json::json!({
                        "url": hit.hit.url,
                        "title": hit.hit.title,
                        "site": hit.hit.site,
                        "published": hit.hit.published.map(|date| date.to_rfc3339()),
                        "arrived": hit.arrived.to_rfc3339(),
                        "authors": hit.hit.authors,
                        "persons": hit.hit.persons,
                        "snippet": hit.hit.snippet,
                    })
                })
                .collect();
            serde_json::json!({
                "name": report.watch.name,
                "query": report.watch.query,
                "new": report.matches.total,
                "notes": report.matches.notes,
                "matches": matches,
            })
        })
        .collect();
    serde_json::json!({
        "new": reports.iter().map(|report| report.matches.total).sum::<usize>(),
        "watches": watches,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_words_in_any_script() {
        assert_eq!(invalid_name("brexit-2025"), None);
        assert_eq!(invalid_name("выборы"), None);
        assert_eq!(invalid_name("选举"), None);
        assert!(invalid_name("").is_some());
        assert!(invalid_name("a/b").is_some());
        assert!(invalid_name("two words").is_some());
        assert!(invalid_name(".hidden").is_some());
        assert!(invalid_name(&"x".repeat(65)).is_some());
    }
}
