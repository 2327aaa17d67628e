//! The fetcher's parsers of outside bytes: WARC files, URLs, feeds and sitemaps.

/// The body limit the WARC target reads with: small, so that the limit is often hit.
const WARC_MAX_BODY: u64 = 64 * 1024;

/// Any bytes as a WARC stream (plain or gzip), read from memory: every record becomes a page
/// or an error naming the stream, never a panic, and the reader always reaches the end.
pub fn warc(data: &[u8]) {
    let Ok(pages) = newsdex_fetcher::WarcPages::from_reader(data, "fuzz.warc", WARC_MAX_BODY)
    else {
        return;
    };
    // Every item consumes input, and deflate inflates at most 1032:1, so a reader that keeps
    // yielding past this bound would never end.
    let bound = data.len().saturating_mul(1032).saturating_add(2);
    for (n, item) in pages.enumerate() {
        assert!(n <= bound, "WARC reader did not reach the end");
        match item {
            Ok(page) => {
                assert!(
                    page.body.len() as u64 <= WARC_MAX_BODY,
                    "body over the limit"
                );
                assert!(
                    page.url.starts_with("http://") || page.url.starts_with("https://"),
                    "not an http(s) page: {}",
                    page.url
                );
                // An assertion, like the others: the fuzzer reports the panic.
                let Ok(url) = url::Url::parse(&page.final_url) else {
                    panic!("final URL does not parse: {}", page.final_url);
                };
                assert!(url.password().is_none() && url.username().is_empty());
            }
            Err(err) => assert!(
                err.to_string().starts_with("fuzz.warc: "),
                "error does not name the stream: {err}"
            ),
        }
    }
}

/// Any string as a URL: normalised or refused; a normalised URL parses, holds no
/// credentials, and normalising it again changes nothing.
pub fn url(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(once) = newsdex_types::normalize_url(&text) {
        let twice = newsdex_types::normalize_url(&once);
        assert_eq!(twice.as_deref().ok(), Some(once.as_str()), "not idempotent");
        let Ok(parsed) = url::Url::parse(&once) else {
            panic!("a normalised URL does not parse: {once}");
        };
        assert!(parsed.username().is_empty() && parsed.password().is_none());
    }
    if let Some(key) = newsdex_types::canonical_key("https://fuzz.example/news/1", &text) {
        assert_eq!(newsdex_types::normalize_url(&key).ok(), Some(key));
    }
    let _ = newsdex_types::redact_credentials(&text);
}

/// Any bytes as a feed (and as a home page searched for feed links).
pub fn feed(data: &[u8]) {
    let _ = newsdex_fetcher::fuzzing::feed(data);
}

/// Any bytes as a sitemap.
pub fn sitemap(data: &[u8]) {
    let _ = newsdex_fetcher::fuzzing::sitemap(data);
}
