//! Local files as pages: the one way `ingest` and `clean` read an HTML file from disk.
//!
//! The same limits as for the web apply: only regular files (a FIFO named `x.html` once hung
//! `ingest`), at most `--max-body` bytes, and gzip-compressed files (`page.html.gz`, or a
//! saved response that was never decompressed) are inflated within that limit. A file named
//! `.html` is taken as HTML whatever its first bytes look like, so UTF-16 pages are cleaned
//! rather than skipped by sniffing.

use std::io::Read;
use std::path::Path;

use newsdex_types::{RawPage, normalize_url};

use crate::outfile::open_regular;

/// Why a local file could not be read as a page (one line, without the path).
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("cannot read file")]
    Io(#[from] std::io::Error),
    #[error("file is over the {limit}-byte limit (--max-body)")]
    TooLarge { limit: u64 },
    #[error("gzip data is over the {limit}-byte limit (--max-body) when inflated")]
    InflatedTooLarge { limit: u64 },
    #[error("bad gzip data")]
    BadGzip(#[source] std::io::Error),
    #[error("path cannot be written as a file:// URL")]
    NoUrl,
}

/// File names that are HTML pages (after an optional `.gz`).
pub fn is_html_name(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    [".html", ".htm", ".xhtml", ".shtml"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// Reads `path` as a page fetched from its `file://` URL (or `url` when given), at most
/// `max_body` bytes after decompression.
pub fn read_page(path: &Path, url: Option<&str>, max_body: u64) -> Result<RawPage, FileError> {
    let url = match url {
        Some(url) => url.to_owned(),
        None => std::path::absolute(path)
            .ok()
            .and_then(|absolute| url_for_file(&absolute))
            .ok_or(FileError::NoUrl)?,
    };
    let file = open_regular(path)?;
    let modified = file.metadata().and_then(|meta| meta.modified()).ok();
    let body = read_limited(file, max_body)?;
    let mut page = RawPage::new(url, 200, body);
    if is_html_name(path) {
        page.headers
            .push(("content-type".into(), "text/html".into()));
    }
    if let Some(modified) = modified {
        page.fetched_at = modified.into();
    }
    Ok(page)
}

/// Reads at most `limit` bytes, inflating gzip data (also within `limit`).
pub fn read_limited(reader: impl Read, limit: u64) -> Result<Vec<u8>, FileError> {
    let mut body = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut body)?;
    if body.len() as u64 > limit {
        return Err(FileError::TooLarge { limit });
    }
    if !body.starts_with(&[0x1f, 0x8b]) {
        return Ok(body);
    }
    let mut inflated = Vec::new();
    flate2::read::MultiGzDecoder::new(body.as_slice())
        .take(limit.saturating_add(1))
        .read_to_end(&mut inflated)
        .map_err(FileError::BadGzip)?;
    if inflated.len() as u64 > limit {
        return Err(FileError::InflatedTooLarge { limit });
    }
    Ok(inflated)
}

/// `file://` URL of an absolute path, percent-encoding everything but the safest bytes.
pub fn url_for_file(absolute: &Path) -> Option<String> {
    let text = absolute.to_str()?;
    let mut url = String::from("file://");
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            url.push(char::from(byte));
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    normalize_url(&url).ok()
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn a_file_over_the_limit_is_refused_before_it_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.html");
        std::fs::write(&path, vec![b'a'; 5000]).unwrap();
        assert!(matches!(
            read_page(&path, None, 4096),
            Err(FileError::TooLarge { limit: 4096 })
        ));
        assert_eq!(read_page(&path, None, 5000).unwrap().body.len(), 5000);
    }

    #[test]
    fn gzip_files_are_inflated_within_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("page.html.gz");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"<html><p>bonjour</p></html>").unwrap();
        std::fs::write(&path, gz.finish().unwrap()).unwrap();
        let page = read_page(&path, None, 1024).unwrap();
        assert_eq!(page.body, b"<html><p>bonjour</p></html>");
        assert_eq!(page.content_type(), Some("text/html"));

        // A bomb: small on disk, huge inflated.
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&vec![b' '; 1 << 20]).unwrap();
        std::fs::write(&path, gz.finish().unwrap()).unwrap();
        assert!(matches!(
            read_page(&path, None, 64 << 10),
            Err(FileError::InflatedTooLarge { .. })
        ));
        std::fs::write(&path, [0x1f, 0x8b, 8, 0, 1, 2, 3]).unwrap();
        assert!(matches!(
            read_page(&path, None, 1024),
            Err(FileError::BadGzip(_))
        ));
    }

    #[test]
    fn a_directory_or_fifo_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let err = crate::output::one_line(&read_page(dir.path(), None, 1024).unwrap_err());
        assert!(err.contains("directory"), "{err}");
        let fifo = dir.path().join("pipe.html");
        // mkfifo is in coreutils; without it there is nothing to test.
        if std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success())
        {
            // Once this blocked for ever waiting for a writer.
            let err = crate::output::one_line(&read_page(&fifo, None, 1024).unwrap_err());
            assert!(err.contains("not a regular file"), "{err}");
        }
    }

    #[test]
    fn html_names() {
        for name in ["a.html", "B.HTM", "c.xhtml", "d.html.gz", "e.shtml"] {
            assert!(is_html_name(Path::new(name)), "{name}");
        }
        for name in ["a.txt", "b.warc.gz", "html", "c.gz"] {
            assert!(!is_html_name(Path::new(name)), "{name}");
        }
    }
}
