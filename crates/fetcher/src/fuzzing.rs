//! Entry points for `newsdex-fuzzing`: the fetcher's parsers of outside bytes, reachable
//! without a network. Not part of the curated API (hidden from the docs); the fuzz targets
//! and their regression replay are the only callers.

use url::Url;

fn base() -> Url {
    // A constant that parses; the fuzzer varies the body, not the base.
    Url::parse("https://fuzz.example/news/feed.xml").unwrap_or_else(|_| unreachable!())
}

/// A feed body (RSS, Atom, JSON Feed or anything else): items or an error, never a panic.
pub fn feed(body: &[u8]) -> usize {
    let base = base();
    let items = super::feed::parse(body, &base).map_or(0, |items| items.len());
    items + super::feed::discover(body, &base).len()
}

/// A sitemap body (XML, text or gzip): listings or an error, never a panic.
pub fn sitemap(body: &[u8]) -> usize {
    match super::sitemap::parse(body, &base(), 1 << 20, 1_000) {
        Ok(super::sitemap::Sitemap::Pages(pages) | super::sitemap::Sitemap::Index(pages)) => {
            pages.len()
        }
        Err(_) => 0,
    }
}
