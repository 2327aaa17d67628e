use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One raw response as it came off the wire (or out of a file or WARC record).
///
/// `url` is the normalised URL the page was requested by and is the store's key;
/// `final_url` is where redirects ended. Headers keep their original order and case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawPage {
    /// The normalised URL the page was requested by: its key in the page store.
    pub url: String,
    /// Where redirects ended; relative links in the body resolve against it.
    pub final_url: String,
    /// The HTTP status (200 for a local file).
    pub status: u16,
    /// Response headers in their original order and case (a name may repeat).
    pub headers: Vec<(String, String)>,
    /// When the response was received (a file's modification time, a WARC record's date).
    pub fetched_at: DateTime<Utc>,
    /// The body as received, in its own charset: the fetcher undoes the HTTP content encoding
    /// (gzip, brotli, ...), a file or WARC record is kept as it was read.
    pub body: Vec<u8>,
}

impl RawPage {
    /// A page fetched now with no headers and no redirect.
    pub fn new(url: impl Into<String>, status: u16, body: Vec<u8>) -> Self {
        let url = url.into();
        Self {
            final_url: url.clone(),
            url,
            status,
            headers: Vec::new(),
            fetched_at: Utc::now(),
            body,
        }
    }

    /// The first header with this name, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The `Content-Type` header, if the response had one.
    pub fn content_type(&self) -> Option<&str> {
        self.header("content-type")
    }

    /// Whether the body should go to the HTML cleaner: a `text/html` or XHTML content type,
    /// or no content type at all (local files, some WARC records) and a body that looks like markup.
    pub fn is_html(&self) -> bool {
        match self.content_type() {
            Some(content_type) => is_html_content_type(content_type),
            None => looks_like_html(&self.body),
        }
    }
}

/// The first header with this name in a list of `(name, value)` pairs, compared
/// case-insensitively.
pub fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// Whether a `Content-Type` value names an HTML document (`text/html` or XHTML), whatever
/// its parameters. The fetcher uses it to leave other bodies undownloaded.
pub fn is_html_content_type(content_type: &str) -> bool {
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    mime == "text/html" || mime == "application/xhtml+xml"
}

/// Sniffs the start of a body for markup, skipping a BOM and whitespace.
fn looks_like_html(body: &[u8]) -> bool {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let head: Vec<u8> = body[start..]
        .iter()
        .take(512)
        .map(u8::to_ascii_lowercase)
        .collect();
    head.starts_with(b"<!doctype html")
        || head.starts_with(b"<html")
        || head.starts_with(b"<!--")
        || head.windows(5).any(|w| w == b"<body" || w == b"<head")
        || head.windows(4).any(|w| w == b"<div" || w == b"<p>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_detection_uses_content_type_then_sniffs() {
        let mut page = RawPage::new("https://a.example/", 200, b"%PDF-1.7".to_vec());
        assert!(!page.is_html());
        page.headers
            .push(("Content-Type".into(), "text/html; charset=utf-8".into()));
        assert!(page.is_html());
        page.headers[0].1 = "application/pdf".into();
        assert!(!page.is_html());

        let sniffed = RawPage::new(
            "file:///x.html",
            200,
            b"\xEF\xBB\xBF\n <!DOCTYPE html><p>hi".to_vec(),
        );
        assert!(sniffed.is_html());
    }
}
