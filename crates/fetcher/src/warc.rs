//! WARC files (ISO 28500) in and out: import the HTML response records of a crawl archive
//! (a Common Crawl CC-NEWS segment, a `wget --warc-file` crawl) as pages without fetching
//! anything, and export pages as response records.
//!
//! Reading and record formatting use the `warc` crate; compression is done here with flate2
//! so that a `.warc.gz` gets one gzip member per record, as the standard asks (the crate's
//! own gzip writer wraps the whole file in one member).

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use newsdex_store::{RawPage, normalize_url};
use warc::{RecordBuilder, RecordType, WarcHeader, WarcReader, WarcWriter};

use crate::{Error, Result};

/// HTTP headers that describe the wire encoding of a body, not the body itself; they are
/// dropped once the body is decoded (reqwest does the same for fetched pages).
const WIRE_HEADERS: &[&str] = &["content-encoding", "transfer-encoding", "content-length"];

/// Counts of what a WARC file held, for the ingest summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WarcStats {
    /// Records read, of every type.
    pub records: usize,
    /// HTML response records returned as pages.
    pub pages: usize,
    /// Response records left out: not HTML, not a 2xx answer, or not an http(s) target.
    pub ignored: usize,
    /// Response records whose HTTP message could not be parsed or decoded.
    pub malformed: usize,
}

/// The HTML pages of a WARC file, in file order; see [`read_warc`].
pub struct WarcPages {
    records: warc::RawRecordIter<Box<dyn BufRead + Send>>,
    path: PathBuf,
    max_body_bytes: u64,
    stats: WarcStats,
    done: bool,
}

/// Opens a WARC file, gzip-compressed (one member per record, or one for the whole file) or
/// plain. Bodies are decoded (chunked transfer, gzip, deflate, brotli) up to `max_body_bytes`.
pub fn read_warc(path: impl AsRef<Path>, max_body_bytes: u64) -> Result<WarcPages> {
    let path = path.as_ref().to_path_buf();
    let warc_error = |reason: String| Error::Warc {
        path: path.clone(),
        reason,
    };
    let mut file = BufReader::new(File::open(&path).map_err(|err| warc_error(err.to_string()))?);
    let gzip = file
        .fill_buf()
        .map_err(|err| warc_error(err.to_string()))?
        .starts_with(&[0x1f, 0x8b]);
    let reader: Box<dyn BufRead + Send> = if gzip {
        Box::new(BufReader::new(flate2::bufread::MultiGzDecoder::new(file)))
    } else {
        Box::new(file)
    };
    Ok(WarcPages {
        records: WarcReader::new(reader).iter_raw_records(),
        path,
        max_body_bytes,
        stats: WarcStats::default(),
        done: false,
    })
}

impl WarcPages {
    /// What has been read so far.
    pub fn stats(&self) -> WarcStats {
        self.stats
    }
}

impl Iterator for WarcPages {
    type Item = Result<RawPage>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            let (header, block) = match self.records.next()? {
                Ok(record) => record,
                Err(err) => {
                    // The reader cannot resynchronise after a broken record.
                    self.done = true;
                    return Some(Err(Error::Warc {
                        path: self.path.clone(),
                        reason: format!("record {}: {err}", self.stats.records + 1),
                    }));
                }
            };
            self.stats.records += 1;
            let field = |name: WarcHeader| {
                header
                    .headers
                    .get(&name)
                    .map(|value| String::from_utf8_lossy(value).trim().to_owned())
            };
            let is_response = field(WarcHeader::WarcType)
                .is_some_and(|kind| kind.eq_ignore_ascii_case("response"))
                && field(WarcHeader::ContentType)
                    .is_none_or(|kind| kind.to_ascii_lowercase().starts_with("application/http"));
            if !is_response {
                continue;
            }
            let target = field(WarcHeader::TargetURI).unwrap_or_default();
            // WARC 1.0 drafts wrote the URI in angle brackets.
            let target = target.trim_start_matches('<').trim_end_matches('>');
            let Ok(url) = normalize_url(target) else {
                self.stats.ignored += 1;
                continue;
            };
            let fetched_at = field(WarcHeader::Date)
                .and_then(|date| DateTime::parse_from_rfc3339(&date).ok())
                .map_or_else(Utc::now, |date| date.with_timezone(&Utc));
            let Some((status, headers, body)) = parse_http(&block, self.max_body_bytes) else {
                self.stats.malformed += 1;
                continue;
            };
            let page = RawPage {
                url,
                final_url: target.to_owned(),
                status,
                headers,
                fetched_at,
                body,
            };
            if !(200..300).contains(&status) || !page.is_html() {
                self.stats.ignored += 1;
                continue;
            }
            self.stats.pages += 1;
            return Some(Ok(page));
        }
        None
    }
}

type HttpMessage = (u16, Vec<(String, String)>, Vec<u8>);

/// Splits an HTTP response message into status, headers and decoded body.
fn parse_http(block: &[u8], max_body_bytes: u64) -> Option<HttpMessage> {
    let mut slots = [httparse::EMPTY_HEADER; 256];
    let mut response = httparse::Response::new(&mut slots);
    let httparse::Status::Complete(offset) = response.parse(block).ok()? else {
        return None;
    };
    let status = response.code?;
    let mut headers = Vec::with_capacity(response.headers.len());
    let mut chunked = false;
    let mut encoding = String::new();
    for header in response.headers.iter() {
        let value = String::from_utf8_lossy(header.value).trim().to_owned();
        let name = header.name.to_ascii_lowercase();
        if name == "transfer-encoding" && value.to_ascii_lowercase().contains("chunked") {
            chunked = true;
        }
        if name == "content-encoding" {
            encoding = value.to_ascii_lowercase();
        }
        if !WIRE_HEADERS.contains(&name.as_str()) {
            headers.push((header.name.to_owned(), value));
        }
    }
    let payload = &block[offset..];
    let payload = if chunked {
        dechunk(payload)?
    } else {
        payload.to_vec()
    };
    let body = decode(&payload, &encoding, max_body_bytes)?;
    Some((status, headers, body))
}

/// Undoes `Transfer-Encoding: chunked`, as archived by crawlers that keep the raw stream.
fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::with_capacity(data.len());
    loop {
        let httparse::Status::Complete((start, size)) = httparse::parse_chunk_size(data).ok()?
        else {
            return None;
        };
        if size == 0 {
            return Some(body);
        }
        let end = start.checked_add(usize::try_from(size).ok()?)?;
        body.extend_from_slice(data.get(start..end)?);
        data = data.get(end..)?;
        data = data.strip_prefix(b"\r\n").unwrap_or(data);
    }
}

/// Undoes `Content-Encoding`, refusing bodies that inflate past the cap.
fn decode(payload: &[u8], encoding: &str, max_body_bytes: u64) -> Option<Vec<u8>> {
    let reader: Box<dyn Read + '_> = match encoding {
        "" | "identity" => return Some(payload.to_vec()),
        "gzip" | "x-gzip" => Box::new(flate2::read::MultiGzDecoder::new(payload)),
        "deflate" => Box::new(flate2::read::ZlibDecoder::new(payload)),
        "br" => Box::new(brotli::Decompressor::new(payload, 64 * 1024)),
        // An encoding we cannot undo: keep the record out rather than store gibberish.
        _ => return None,
    };
    let mut body = Vec::new();
    reader
        .take(max_body_bytes.saturating_add(1))
        .read_to_end(&mut body)
        .ok()?;
    (body.len() as u64 <= max_body_bytes).then_some(body)
}

/// Writes pages as a WARC 1.1 file: a `warcinfo` record, then one `response` record per page.
/// A path ending in `.gz` gets one gzip member per record.
pub struct WarcExport {
    out: BufWriter<File>,
    path: PathBuf,
    gzip: bool,
}

impl WarcExport {
    /// Creates (or truncates) the file and writes its `warcinfo` record.
    pub fn create(path: impl AsRef<Path>, software: &str) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let file = File::create(&path).map_err(|err| Error::Warc {
            path: path.clone(),
            reason: err.to_string(),
        })?;
        let gzip = path
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("gz"));
        let mut export = Self {
            out: BufWriter::new(file),
            path,
            gzip,
        };
        let info = format!("software: {software}\r\nformat: WARC File Format 1.1\r\n");
        let record = RecordBuilder::default()
            .version("1.1".to_owned())
            .warc_type(RecordType::WarcInfo)
            .header(WarcHeader::ContentType, "application/warc-fields")
            .body(info.into_bytes());
        export.append(record)?;
        Ok(export)
    }

    /// Appends one page as a `response` record targeting the URL its bytes came from.
    pub fn write(&mut self, page: &RawPage) -> Result<()> {
        let mut block = format!(
            "HTTP/1.1 {} {}\r\n",
            page.status,
            reqwest::StatusCode::from_u16(page.status)
                .ok()
                .and_then(|status| status.canonical_reason())
                .unwrap_or("")
        )
        .into_bytes();
        for (name, value) in &page.headers {
            if !WIRE_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
                block.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
            }
        }
        block.extend_from_slice(format!("Content-Length: {}\r\n\r\n", page.body.len()).as_bytes());
        block.extend_from_slice(&page.body);
        let record = RecordBuilder::default()
            .version("1.1".to_owned())
            .warc_type(RecordType::Response)
            .date(page.fetched_at)
            .header(WarcHeader::TargetURI, page.final_url.as_str())
            .header(
                WarcHeader::ContentType,
                "application/http; msgtype=response",
            )
            .body(block);
        self.append(record)
    }

    /// Flushes the file to disk.
    pub fn finish(mut self) -> Result<()> {
        let path = self.path.clone();
        self.out
            .flush()
            .and_then(|()| self.out.get_ref().sync_all())
            .map_err(|err| Error::Warc {
                path,
                reason: err.to_string(),
            })
    }

    fn append(&mut self, record: RecordBuilder) -> Result<()> {
        let warc_error = |reason: String| Error::Warc {
            path: self.path.clone(),
            reason,
        };
        let record = record.build().map_err(|err| warc_error(err.to_string()))?;
        let mut bytes = Vec::new();
        WarcWriter::new(&mut bytes)
            .write(&record)
            .map_err(|err| warc_error(err.to_string()))?;
        let written = if self.gzip {
            let mut member =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            member
                .write_all(&bytes)
                .and_then(|()| member.finish())
                .and_then(|compressed| self.out.write_all(&compressed))
        } else {
            self.out.write_all(&bytes)
        };
        written.map_err(|err| warc_error(err.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(url: &str, body: &str) -> RawPage {
        let mut page = RawPage::new(url, 200, body.as_bytes().to_vec());
        page.headers
            .push(("Content-Type".into(), "text/html; charset=utf-8".into()));
        page.headers
            .push(("Content-Encoding".into(), "gzip".into()));
        page
    }

    #[test]
    fn export_then_import_round_trips_pages() {
        for name in ["out.warc", "out.warc.gz"] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join(name);
            let mut export = WarcExport::create(&path, "newsdex-test").unwrap();
            let first = page(
                "https://a.example/1",
                "<html><p>one\r\n\r\nWARC/1.0</p></html>",
            );
            let second = page("https://b.example/2", "<!doctype html><p>two</p>");
            export.write(&first).unwrap();
            export.write(&second).unwrap();
            let mut pdf = RawPage::new("https://a.example/f.pdf", 200, b"%PDF".to_vec());
            pdf.headers
                .push(("Content-Type".into(), "application/pdf".into()));
            export.write(&pdf).unwrap();
            export.finish().unwrap();

            let mut pages = read_warc(&path, 1 << 20).unwrap();
            let read: Vec<RawPage> = pages.by_ref().map(Result::unwrap).collect();
            assert_eq!(read.len(), 2, "{name}");
            assert_eq!(read[0].url, first.url);
            assert_eq!(read[0].body, first.body);
            assert_eq!(read[0].header("content-type"), first.header("content-type"));
            assert_eq!(read[0].header("content-encoding"), None);
            assert_eq!(read[0].fetched_at.timestamp(), first.fetched_at.timestamp());
            assert_eq!(read[1].body, second.body);
            let stats = pages.stats();
            assert_eq!((stats.records, stats.pages, stats.ignored), (4, 2, 1));
        }
    }

    #[test]
    fn decodes_chunked_and_compressed_archived_bodies() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"<html>hello</html>").unwrap();
        let gz = gz.finish().unwrap();
        let mut message = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        let (left, right) = gz.split_at(10);
        for part in [left, right] {
            message.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
            message.extend_from_slice(part);
            message.extend_from_slice(b"\r\n");
        }
        message.extend_from_slice(b"0\r\n\r\n");
        let (status, headers, body) = parse_http(&message, 1 << 20).unwrap();
        assert_eq!(status, 200);
        assert_eq!(body, b"<html>hello</html>");
        assert_eq!(
            headers,
            [("Content-Type".to_owned(), "text/html".to_owned())]
        );
        assert!(parse_http(&message, 5).is_none(), "over the cap");
        assert!(parse_http(b"not http", 100).is_none());
    }

    #[test]
    fn a_missing_or_broken_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read_warc(dir.path().join("missing.warc"), 100).is_err());
        let path = dir.path().join("broken.warc");
        std::fs::write(&path, b"WARC/1.1\r\nContent-Length: 999\r\n\r\nshort").unwrap();
        let results: Vec<_> = read_warc(&path, 100).unwrap().collect();
        assert_eq!(results.len(), 1);
        assert!(results[0].is_err());
    }
}
