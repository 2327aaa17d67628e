//! Cleans one HTML file and prints the article: `cargo run -p newsdex-cleaner --example clean -- FILE [URL] [text|markdown|json]`.
#![allow(clippy::print_stdout, clippy::print_stderr)]

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: clean FILE [URL] [text|markdown|json]");
        std::process::exit(2);
    };
    let url = args
        .next()
        .unwrap_or_else(|| "https://example.com/".to_owned());
    let format = args.next().unwrap_or_else(|| "json".to_owned());
    let body = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cannot read `{path}`: {e}");
            std::process::exit(1);
        }
    };
    let cleaner = newsdex_cleaner::Cleaner::default();
    match cleaner.clean(&body, &url, None) {
        Ok(article) => match format.as_str() {
            "text" => println!("{}", article.text),
            "markdown" => println!("{}", article.to_markdown()),
            _ => {
                let mut a = article;
                a.blocks.clear();
                println!("{}", serde_json::to_string_pretty(&a).unwrap_or_default());
            }
        },
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
