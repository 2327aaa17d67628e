//! `newsdex eval`: score pipeline stages on gold sets (see each subcommand's `--help`).

use crate::ExitStatus;

/// Score newsdex on gold sets read from `../shared` (or `--shared DIR`).
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    target: Target,
}

#[derive(Debug, clap::Subcommand)]
enum Target {
    /// Score the cleaner's extraction and metadata.
    Clean(newsdex_eval::clean::CleanEvalArgs),
    /// Score the person extractor on CoNLL-2003 validation (eng.testa), or with `--modern` on
    /// the modern web-news dev set (person-set P/R/F1 and alias resolution).
    Persons(newsdex_eval::persons::PersonsEvalArgs),
}

pub fn run(args: &Args) -> anyhow::Result<ExitStatus> {
    match &args.target {
        Target::Clean(args) => newsdex_eval::clean::run(args)?,
        Target::Persons(args) => newsdex_eval::persons::run(args)?,
    }
    Ok(ExitStatus::Success)
}
