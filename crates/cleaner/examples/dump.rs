//! Cleans every HTML file given and prints one line per file, `path<TAB>article as JSON` (or
//! `path<TAB>ERR message`), so that two builds can be compared page for page with `cmp`:
//! `cargo run --release -p newsdex-cleaner --example dump -- FILES... > before.tsv`
#![allow(clippy::print_stdout)]

fn main() {
    let cleaner = newsdex_cleaner::Cleaner::default();
    for path in std::env::args().skip(1) {
        let line = match std::fs::read(&path) {
            Err(e) => format!("ERR cannot read: {e}"),
            Ok(body) => match cleaner.clean(&body, "https://example.com/a/b", None) {
                Ok(article) => serde_json::to_string(&article)
                    .unwrap_or_else(|e| format!("ERR cannot serialise: {e}")),
                Err(e) => format!("ERR {e}"),
            },
        };
        println!("{path}\t{line}");
    }
}
