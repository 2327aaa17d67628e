//! `newsdex`: turn news URLs into a clean, searchable archive.
//!
//! The binary is thin: it parses arguments, opens the data directory and hands over to one
//! module per command. [`pipeline`] is the only place that knows fetcher, cleaner, persons
//! and index together.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod atom;
mod commands;
mod data_dir;
mod flags;
mod json;
mod known;
mod local_file;
mod outfile;
mod output;
mod pipeline;
mod progress;
mod records;

use data_dir::DataDir;

/// Turn news URLs into a clean, searchable archive.
///
/// Pages are fetched politely, kept raw in a page store, cleaned down to the article (text,
/// metadata, persons) and indexed for full-text search. Everything lives in one data directory;
/// no server is needed.
#[derive(Debug, Parser)]
#[command(
    name = "newsdex",
    version,
    propagate_version = true,
    max_term_width = 100
)]
struct Cli {
    /// Where the page store and the index live.
    #[arg(
        long,
        global = true,
        env = "NEWSDEX_DATA_DIR",
        default_value = "data",
        value_name = "DIR"
    )]
    data_dir: PathBuf,

    /// Print more detail (repeat for debug logs).
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    verbose: u8,

    /// Print only errors and results.
    #[arg(short, long, global = true)]
    quiet: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Ingest(commands::ingest::Args),
    Search(commands::search::Args),
    Persons(commands::persons::Args),
    Serve(commands::serve::Args),
    Show(commands::show::Args),
    Clean(commands::clean::Args),
    Rebuild(commands::rebuild::Args),
    Stats(commands::stats::Args),
    Eval(commands::eval::Args),
    Export(commands::export::Args),
    Timeline(commands::timeline::Args),
    Watch(commands::watch::Args),
    Shard(commands::shard::Args),
    Import(commands::import::Args),
}

/// How a run ended, as an exit code: 0 all good, 1 some inputs failed, 2 the command failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Everything was done (exit code 0); inputs deliberately skipped count as done.
    Success,
    /// Some inputs failed and the rest were processed (exit code 1).
    Failure,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose, cli.quiet);
    let data_dir = DataDir::new(cli.data_dir);
    let result = match cli.command {
        Command::Ingest(args) => commands::ingest::run(&data_dir, &args, cli.quiet),
        Command::Search(args) => commands::search::run(&data_dir, &args),
        Command::Persons(args) => commands::persons::run(&data_dir, &args),
        Command::Serve(args) => commands::serve::run(&data_dir, &args),
        Command::Show(args) => commands::show::run(&data_dir, &args),
        Command::Clean(args) => commands::clean::run(&args),
        Command::Rebuild(args) => commands::rebuild::run(&data_dir, &args, cli.quiet),
        Command::Stats(args) => commands::stats::run(&data_dir, &args),
        Command::Eval(args) => commands::eval::run(&args),
        Command::Export(args) => commands::export::run(&data_dir, &args),
        Command::Timeline(args) => commands::timeline::run(&data_dir, &args),
        Command::Watch(args) => commands::watch::run(&data_dir, &args),
        Command::Shard(args) => commands::shard::run(&args),
        Command::Import(args) => commands::import::run(&data_dir, &args, cli.quiet),
    };
    match result {
        Ok(ExitStatus::Success) => ExitCode::SUCCESS,
        Ok(ExitStatus::Failure) => ExitCode::from(1),
        Err(err) => {
            if output::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            output::error(&output::one_line(err.as_ref()));
            ExitCode::from(2)
        }
    }
}

fn init_logging(verbose: u8, quiet: bool) {
    // Dependencies speak up only on errors unless asked: html5ever warns about every page
    // with a misplaced table tag ("foster parenting not implemented"), which is no news to
    // someone ingesting the web.
    let default = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "error,newsdex=warn",
        (false, 1) => "warn,newsdex=info,html5ever=error",
        (false, _) => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("NEWSDEX_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}
