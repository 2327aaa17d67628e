//! Prints the persons named in the text on standard input, one per line with their mentions:
//! `cargo run --release -p newsdex-persons --example extract [--lines] [MODEL [PERSON_BIAS]] < article.txt`
//! (MODEL: a model file to use instead of the compiled-in one). With `--lines` every input line
//! is a text of its own, and each output line is the input line, a tab, and the names found,
//! `|`-separated.
#![allow(clippy::print_stdout)]

use std::io::Read;

fn main() -> std::io::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let lines = args.first().is_some_and(|a| a == "--lines");
    if lines {
        args.remove(0);
    }
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    let extractor = match args.first() {
        Some(path) => {
            let bytes = std::fs::read(path)?;
            let bias = args
                .get(1)
                .and_then(|b| b.parse().ok())
                .unwrap_or(newsdex_persons::Config::default().person_bias);
            let config = newsdex_persons::Config {
                person_bias: bias,
                ..Default::default()
            };
            newsdex_persons::Extractor::from_model_bytes(&bytes, config)
                .map_err(std::io::Error::other)?
        }
        None => newsdex_persons::Extractor::new(),
    };
    if lines {
        for line in text.lines() {
            let names: Vec<String> = extractor
                .extract(line)
                .into_iter()
                .map(|p| p.name)
                .collect();
            println!("{line}\t{}", names.join("|"));
        }
        return Ok(());
    }
    for p in extractor.extract(&text) {
        let forms: Vec<String> = p
            .mentions
            .iter()
            .map(|m| format!("{}@{}", m.text, m.start))
            .collect();
        println!("{} ({}): {}", p.name, p.count(), forms.join(", "));
    }
    Ok(())
}
