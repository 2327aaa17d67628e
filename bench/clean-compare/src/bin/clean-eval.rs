//! `clean-eval`: the cleaner's evaluation (`newsdex eval clean`) as a stand-alone binary, so
//! that `just eval` can run it in release mode. Arguments as `newsdex eval clean --help`.

use clap::Parser;

#[derive(Parser)]
#[command(name = "clean-eval")]
struct Cli {
    #[command(flatten)]
    args: newsdex_eval::clean::CleanEvalArgs,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    newsdex_eval::clean::run(&cli.args)
}
