//! Prints the persons named in the text on standard input, one per line with their mentions:
//! `cargo run --release -p newsdex-persons --example extract [MODEL [PERSON_BIAS]] < article.txt`
//! (MODEL: a model file to use instead of the compiled-in one).
#![allow(clippy::print_stdout)]

use std::io::Read;

fn main() -> std::io::Result<()> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    let extractor = match std::env::args_os().nth(1) {
        Some(path) => {
            let bytes = std::fs::read(path)?;
            let bias = std::env::args()
                .nth(2)
                .and_then(|b| b.parse().ok())
                .unwrap_or_default();
            let config = newsdex_persons::Config {
                person_bias: bias,
                ..Default::default()
            };
            newsdex_persons::Extractor::from_model_bytes(&bytes, config)
                .map_err(std::io::Error::other)?
        }
        None => newsdex_persons::Extractor::new(),
    };
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
