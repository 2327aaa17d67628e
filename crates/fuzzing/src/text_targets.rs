//! The cleaner on arbitrary bytes, and `persons tag` on arbitrary lines.

use std::sync::LazyLock;

use newsdex_cleaner::Cleaner;
use newsdex_persons::{Extractor, tag_json_line};

static CLEANER: LazyLock<Cleaner> = LazyLock::new(Cleaner::default);
static EXTRACTOR: LazyLock<Extractor> = LazyLock::new(Extractor::new);

/// Any bytes, as a page served from a URL: the cleaner either gives an article or says why not.
pub fn clean(data: &[u8]) {
    let _ = CLEANER.clean(data, "https://fuzz.example/news/story.html", None);
    let _ = CLEANER.clean(
        data,
        "https://fuzz.example/news/story.html",
        Some("text/html; charset=windows-1252"),
    );
}

/// Any bytes, as one line of `persons tag` input: tagged, or an error for that line.
pub fn persons_tag(data: &[u8]) {
    let line = String::from_utf8_lossy(data);
    let _ = tag_json_line(&EXTRACTOR, &line);
    // The text alone, as the tagger sees an article body.
    let _ = EXTRACTOR.extract(&line);
}
