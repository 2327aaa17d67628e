//! The fetcher's parsers of outside bytes: WARC files, URLs, feeds and sitemaps.

use std::io::Write;

/// Any bytes as a WARC file (plain or gzip): every record read, stored or reported, never a
/// panic, and the reader always reaches the end.
pub fn warc(data: &[u8]) {
    let Ok(mut file) = tempfile::NamedTempFile::new() else {
        return;
    };
    if file.write_all(data).is_err() || file.flush().is_err() {
        return;
    }
    let Ok(pages) = newsdex_fetcher::read_warc(file.path(), 1 << 20) else {
        return;
    };
    // A reader that yields errors for ever would hang an import: bound the walk by what the
    // input could possibly hold (one record needs at least a dozen bytes).
    for (n, _page) in pages.enumerate() {
        assert!(n <= data.len(), "WARC reader did not reach the end");
    }
}

/// Any string as a URL: normalised or refused; normalising is idempotent.
pub fn url(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(once) = newsdex_store::normalize_url(&text) {
        let twice = newsdex_store::normalize_url(&once);
        assert_eq!(twice.as_deref().ok(), Some(once.as_str()), "not idempotent");
    }
    let _ = newsdex_store::canonical_key("https://fuzz.example/news/1", &text);
}

/// Any bytes as a feed (and as a home page searched for feed links).
pub fn feed(data: &[u8]) {
    let _ = newsdex_fetcher::fuzzing::feed(data);
}

/// Any bytes as a sitemap.
pub fn sitemap(data: &[u8]) {
    let _ = newsdex_fetcher::fuzzing::sitemap(data);
}
