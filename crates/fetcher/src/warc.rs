//! WARC files (ISO 28500) in and out: import the HTML response records of a crawl archive
//! (a Common Crawl CC-NEWS segment, a `wget --warc-file` crawl) as pages without fetching
//! anything, and export pages as response records.
//!
//! The reader is our own, over any [`Read`]: WARC framing is a version line, header lines,
//! `Content-Length` bytes of content and a blank line, and an archive from the web must not
//! be trusted to get any of it right. So no length read from the input sizes an allocation
//! or a read beyond the configured body limit, every malformed record is reported with its
//! number and offset and the reader resynchronises on the next `WARC/1.x` version line, a
//! file cut short (also inside one gzip member) still yields every record before the cut,
//! and only `http`/`https` target URIs become pages. (The `warc` crate trusted
//! `Content-Length`, panicked on an overflowing one, and could not resynchronise.)
//!
//! Export writes one gzip member per record for `.warc.gz`, as the standard asks, so that
//! offsets can seek to a record.

use std::fs::File;
use std::io::{self, BufWriter, Cursor, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use newsdex_types::{RawPage, normalize_url, redact_credentials, strip_credentials};
use url::Url;

use crate::{Error, Result};

/// HTTP headers that describe the wire encoding of a body, not the body itself; they are
/// dropped once the body is decoded (reqwest does the same for fetched pages).
const WIRE_HEADERS: &[&str] = &["content-encoding", "transfer-encoding", "content-length"];

/// The start of every version line this reader accepts (WARC 1.0 and 1.1).
const VERSION_PREFIX: &[u8] = b"WARC/1.";

/// Longest version line (`WARC/1.1` plus room for odd minor versions and spaces).
const MAX_VERSION_LINE: usize = 32;

/// Largest header block of one record. Real headers are a few hundred bytes; long target
/// URIs reach a few KiB.
const MAX_HEADER_BYTES: usize = 256 * 1024;

/// How much of an oversized response record is looked at to tell whether it is an HTML page
/// (which is reported) or something else (a video, a 404), which is left out quietly.
const PEEK_HTTP_HEAD: usize = 64 * 1024;

/// The unit the reader reads its source in.
const CHUNK: usize = 64 * 1024;

/// Counts of what a WARC file held, for the ingest summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WarcStats {
    /// Records read, of every type, malformed ones included.
    pub records: usize,
    /// HTML response records returned as pages.
    pub pages: usize,
    /// Response records left out on purpose: not HTML, or not a 2xx answer.
    pub ignored: usize,
    /// Records reported as errors: malformed framing, an HTTP message that cannot be read or
    /// decoded, a body over the limit, a target URI that is not http(s).
    pub malformed: usize,
}

/// Why one record of a WARC file was not imported. The reader goes on with the next record.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WarcProblem {
    /// Bytes where a record should start do not start with a `WARC/1.x` version line (the
    /// reader skips them up to the next version line).
    #[error("not a WARC record (no `WARC/1.x` version line here)")]
    NoVersion,
    /// The header block did not end within `limit` bytes (the reader's header budget).
    #[error("header block larger than {limit} bytes")]
    HeaderTooLarge {
        /// The header budget, in bytes.
        limit: usize,
    },
    /// A header line is neither `Name: value` nor a continuation.
    #[error("malformed header line")]
    BadHeaderLine,
    /// The record has no `Content-Length`, so where it ends is unknown.
    #[error("no Content-Length")]
    NoLength,
    /// `Content-Length` is not a number of bytes (or does not fit in 64 bits).
    #[error("Content-Length `{value}` is not a number of bytes")]
    BadLength {
        /// The header's value as written.
        value: String,
    },
    /// `Content-Length` is larger than a record may be under the configured body limit.
    #[error("content of {length} bytes is larger than the {limit} byte limit")]
    TooLarge {
        /// The record's `Content-Length`.
        length: u64,
        /// The largest record content read, in bytes (set from the body limit).
        limit: u64,
    },
    /// The content does not end where `Content-Length` says (the length is wrong).
    #[error("the content does not end where its Content-Length ({length}) says")]
    LengthMismatch {
        /// The record's `Content-Length`.
        length: u64,
    },
    /// The input ends inside the record.
    #[error("the file ends inside the record (cut short)")]
    Truncated,
    /// Reading failed (a gzip stream cut short or corrupt, a disk error).
    #[error("cannot read the record")]
    Read(#[source] io::Error),
    /// The record has no `WARC-Target-URI`, or it is not an absolute URL.
    #[error("target URI `{uri}` is not a URL")]
    BadTarget {
        /// The record's `WARC-Target-URI` (empty when it has none).
        uri: String,
        /// The URL parser's error, when there was a URI to parse.
        #[source]
        source: Option<url::ParseError>,
    },
    /// Only http and https pages are imported (a record may claim `file:///etc/passwd`).
    #[error("target URI `{uri}` is not http or https")]
    NotHttp {
        /// The record's `WARC-Target-URI`.
        uri: String,
    },
    /// The HTTP response in the record cannot be parsed.
    #[error("the HTTP response head cannot be parsed")]
    BadHttpHead(#[source] Option<httparse::Error>),
    /// `Transfer-Encoding: chunked`, but the chunks are broken.
    #[error("the chunked transfer encoding is broken")]
    BadChunks,
    /// A `Content-Encoding` newsdex cannot undo.
    #[error("content encoding `{encoding}` is not supported")]
    UnknownEncoding {
        /// The `Content-Encoding` as written.
        encoding: String,
    },
    /// The body could not be decompressed.
    #[error("the {encoding} body cannot be decoded")]
    Decode {
        /// The `Content-Encoding` (gzip, deflate, br, zstd).
        encoding: String,
        /// The decompressor's error.
        #[source]
        source: io::Error,
    },
    /// The decoded body is larger than the configured limit (`--max-body`).
    #[error("body larger than {limit} bytes")]
    BodyTooLarge {
        /// The body limit, in bytes.
        limit: u64,
    },
}

impl WarcProblem {
    /// A short, stable label to group failures by in a summary.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::NotHttp { .. } => "not http",
            Self::TooLarge { .. } | Self::BodyTooLarge { .. } => "body too large",
            Self::Truncated | Self::Read(_) => "truncated WARC",
            _ => "bad WARC record",
        }
    }
}

// ---- reading ---------------------------------------------------------------------------------

/// A buffered source that can give bytes back (to rescan a record whose length was wrong)
/// and that remembers a read error instead of failing the call that met it, so that what was
/// read before the error is still used, and the error reported once, where it happened.
struct Input<R> {
    inner: R,
    buf: Vec<u8>,
    start: usize,
    /// Offset in the (decompressed) stream of `buf[start]`.
    offset: u64,
    eof: bool,
    error: Option<io::Error>,
}

impl<R: Read> Input<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            buf: Vec::new(),
            start: 0,
            offset: 0,
            eof: false,
            error: None,
        }
    }

    /// At least `n` buffered bytes, fewer only at the end of the input (or after an error).
    fn fill(&mut self, n: usize) -> &[u8] {
        while self.buf.len() - self.start < n && !self.eof {
            if self.start > 0 {
                self.buf.drain(..self.start);
                self.start = 0;
            }
            let len = self.buf.len();
            self.buf.resize(len + CHUNK, 0);
            let read = self.inner.read(&mut self.buf[len..]);
            match read {
                Ok(0) => {
                    self.buf.truncate(len);
                    self.eof = true;
                }
                Ok(k) => self.buf.truncate(len + k),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => self.buf.truncate(len),
                Err(err) => {
                    self.buf.truncate(len);
                    self.eof = true;
                    self.error = Some(err);
                }
            }
        }
        &self.buf[self.start..]
    }

    fn consume(&mut self, n: usize) {
        let n = n.min(self.buf.len() - self.start);
        self.start += n;
        self.offset += n as u64;
        if self.start == self.buf.len() {
            self.buf.clear();
            self.start = 0;
        }
    }

    /// Puts bytes just read back in front of the input.
    fn unread(&mut self, bytes: &[u8]) {
        let rest = self.buf.split_off(self.start);
        self.buf.clear();
        self.buf.extend_from_slice(bytes);
        self.buf.extend_from_slice(&rest);
        self.start = 0;
        self.offset -= bytes.len() as u64;
    }

    /// Up to `n` bytes, fewer only at the end of the input; never more memory than that.
    fn take(&mut self, n: usize) -> Vec<u8> {
        let buffered = (self.buf.len() - self.start).min(n);
        let mut out = Vec::with_capacity(buffered.max(n.min(CHUNK)));
        out.extend_from_slice(&self.buf[self.start..self.start + buffered]);
        self.consume(buffered);
        if out.len() < n && !self.eof {
            let want = (n - out.len()) as u64;
            let before = out.len();
            // Large contents go straight from the source into the record.
            let read = (&mut self.inner).take(want).read_to_end(&mut out);
            self.offset += (out.len() - before) as u64;
            if let Err(err) = read {
                self.eof = true;
                self.error = Some(err);
            } else if out.len() < n {
                self.eof = true;
            }
        }
        out
    }

    /// One line, its newline included, if it ends within `limit` bytes; `Err(true)` if it
    /// does not, `Err(false)` at the end of the input. Nothing is consumed on `Err`.
    fn line(&mut self, limit: usize) -> Result<Vec<u8>, bool> {
        let mut searched = 0;
        loop {
            let want = (searched + CHUNK).min(limit);
            let available = self.fill(want);
            let end = available.len().min(limit);
            if let Some(at) = memchr::memchr(b'\n', &available[searched..end]) {
                let line = available[..searched + at + 1].to_vec();
                self.consume(line.len());
                return Ok(line);
            }
            if end >= limit {
                return Err(true);
            }
            if available.len() < want {
                return Err(false);
            }
            searched = end;
        }
    }
}

/// The length of the version line at the start of `head` (`WARC/1.0` and its newline), if
/// it starts with one.
fn version_line_len(head: &[u8]) -> Option<usize> {
    let rest = head.strip_prefix(VERSION_PREFIX)?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let rest = &rest[digits..];
    let blanks = rest
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    let rest = &rest[blanks..];
    let newline = if rest.starts_with(b"\r\n") {
        2
    } else if rest.starts_with(b"\n") {
        1
    } else {
        return None;
    };
    Some(VERSION_PREFIX.len() + digits + blanks + newline)
}

/// A record's content, or as much of it as the limit allows looking at.
enum Block {
    Full(Vec<u8>),
    /// Larger than the limit: not read; `head` is its first bytes.
    TooLarge {
        length: u64,
        head: Vec<u8>,
    },
}

struct Record {
    /// Counted from 1, malformed stretches included.
    number: u64,
    /// Where its version line starts in the decompressed stream.
    offset: u64,
    headers: Vec<(String, String)>,
    block: Block,
}

impl Record {
    fn header(&self, name: &str) -> Option<&str> {
        newsdex_types::find_header(&self.headers, name).map(str::trim)
    }
}

/// A record's number (from 1, malformed stretches included) and offset in the decompressed
/// stream, with what was wrong with it.
struct RecordError {
    number: u64,
    offset: u64,
    problem: WarcProblem,
}

/// The records of a WARC stream, in order; malformed ones come out as errors and the reader
/// resynchronises on the next version line. Every call consumes input or ends the stream,
/// so the iteration always ends.
struct Records<R> {
    input: Input<R>,
    max_block: u64,
    number: u64,
    resync: bool,
    done: bool,
}

impl<R: Read> Records<R> {
    /// Skips to the next `WARC/1.x` version line; false at the end of the input.
    fn seek_version_line(&mut self) -> bool {
        loop {
            let available = self.input.fill(CHUNK);
            if available.len() < VERSION_PREFIX.len() {
                let rest = available.len();
                self.input.consume(rest);
                return false;
            }
            match memchr::memmem::find(available, VERSION_PREFIX) {
                Some(at) => {
                    self.input.consume(at);
                    if version_line_len(self.input.fill(MAX_VERSION_LINE)).is_some() {
                        return true;
                    }
                    self.input.consume(1);
                }
                None => {
                    // Keep a tail that may be the start of a version line cut by the buffer.
                    let skip = available.len() - (VERSION_PREFIX.len() - 1);
                    self.input.consume(skip);
                }
            }
        }
    }

    /// Skips the blank lines between records; false at the end of the input.
    fn skip_blank_lines(&mut self) -> bool {
        loop {
            let available = self.input.fill(1);
            if available.is_empty() {
                return false;
            }
            let blank = available
                .iter()
                .take_while(|&&b| b == b'\r' || b == b'\n')
                .count();
            if blank == 0 {
                return true;
            }
            self.input.consume(blank);
        }
    }

    /// Why the input ended early, if it did: a read error or a cut.
    fn cut(&mut self) -> WarcProblem {
        self.input
            .error
            .take()
            .map_or(WarcProblem::Truncated, WarcProblem::Read)
    }

    fn read_record(&mut self) -> Result<Record, WarcProblem> {
        let (number, offset) = (self.number, self.input.offset);
        let Some(version) = version_line_len(self.input.fill(MAX_VERSION_LINE)) else {
            // Garbage: the resynchronisation skips it (it cannot match here).
            return Err(WarcProblem::NoVersion);
        };
        self.input.consume(version);
        let headers = self.read_headers()?;
        let value = newsdex_types::find_header(&headers, "content-length")
            .ok_or(WarcProblem::NoLength)?
            .trim();
        let length = value
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| value.parse::<u64>().ok())
            .flatten()
            .ok_or_else(|| WarcProblem::BadLength {
                value: printable(value, 40),
            })?;
        if length > self.max_block {
            // Not read: the reader resynchronises from the start of the content.
            self.resync = true;
            let head = self.input.fill(PEEK_HTTP_HEAD);
            let head = head[..head.len().min(PEEK_HTTP_HEAD)].to_vec();
            return Ok(Record {
                number,
                offset,
                headers,
                block: Block::TooLarge { length, head },
            });
        }
        // `length` is at most `max_block`, which the caller chose to fit in memory.
        let want = usize::try_from(length).unwrap_or(usize::MAX);
        let block = self.input.take(want);
        if block.len() < want {
            // The length may be what is wrong: look for a record inside what was read.
            let problem = self.cut();
            self.input.unread(&block);
            return Err(problem);
        }
        if !self.trailer_ok() {
            self.input.unread(&block);
            return Err(WarcProblem::LengthMismatch { length });
        }
        Ok(Record {
            number,
            offset,
            headers,
            block: Block::Full(block),
        })
    }

    /// Reads header lines up to the blank line that ends them.
    fn read_headers(&mut self) -> Result<Vec<(String, String)>, WarcProblem> {
        let mut headers: Vec<(String, String)> = Vec::new();
        let mut budget = MAX_HEADER_BYTES;
        loop {
            let line = match self.input.line(budget) {
                Ok(line) => line,
                Err(true) => {
                    return Err(WarcProblem::HeaderTooLarge {
                        limit: MAX_HEADER_BYTES,
                    });
                }
                Err(false) => return Err(self.cut()),
            };
            budget -= line.len();
            let line = line
                .strip_suffix(b"\n")
                .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
                .unwrap_or(&line);
            if line.is_empty() {
                return Ok(headers);
            }
            if line[0] == b' ' || line[0] == b'\t' {
                // A folded continuation of the previous value.
                let (_, value) = headers.last_mut().ok_or(WarcProblem::BadHeaderLine)?;
                value.push(' ');
                value.push_str(String::from_utf8_lossy(line).trim());
                continue;
            }
            let colon = memchr::memchr(b':', line).ok_or(WarcProblem::BadHeaderLine)?;
            let name = &line[..colon];
            let is_token = |b: &u8| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(b);
            if name.is_empty() || !name.iter().all(is_token) {
                return Err(WarcProblem::BadHeaderLine);
            }
            headers.push((
                String::from_utf8_lossy(name).into_owned(),
                String::from_utf8_lossy(&line[colon + 1..])
                    .trim()
                    .to_owned(),
            ));
        }
    }

    /// Whether the content is followed by the blank line that ends a record (tolerating a
    /// bare-LF writer and a file that ends right after the content) and so its length was
    /// right. The ending is consumed.
    fn trailer_ok(&mut self) -> bool {
        let head = self.input.fill(4 + VERSION_PREFIX.len());
        if head.starts_with(b"\r\n\r\n") {
            self.input.consume(4);
            return true;
        }
        if head.starts_with(b"\n\n") {
            self.input.consume(2);
            return true;
        }
        let newlines = head
            .iter()
            .take(4)
            .take_while(|&&b| b == b'\r' || b == b'\n')
            .count();
        let rest = &head[newlines..];
        let ends = rest.is_empty() || rest.starts_with(VERSION_PREFIX);
        if ends {
            self.input.consume(newlines);
        }
        ends
    }
}

impl<R: Read> Iterator for Records<R> {
    type Item = Result<Record, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        if std::mem::take(&mut self.resync) && !self.seek_version_line() {
            self.done = true;
        }
        if self.done || !self.skip_blank_lines() {
            self.done = true;
            // A read error that ended the input between records is reported once.
            let error = self.input.error.take()?;
            return Some(Err(RecordError {
                number: self.number + 1,
                offset: self.input.offset,
                problem: WarcProblem::Read(error),
            }));
        }
        self.number += 1;
        let offset = self.input.offset;
        Some(self.read_record().map_err(|problem| {
            self.resync = true;
            RecordError {
                number: self.number,
                offset,
                problem,
            }
        }))
    }
}

/// The decompressed bytes of a WARC source.
enum Decoded<R: Read> {
    Plain(R),
    Gzip(Box<flate2::read::MultiGzDecoder<R>>),
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Self::Plain(reader) => reader.read(buf),
            Self::Gzip(reader) => reader.read(buf),
        }
    }
}

type Source<R> = Decoded<io::Chain<Cursor<Vec<u8>>, R>>;

/// The HTML pages of a WARC file or stream, in order, each `Ok` or the error of one record
/// (a report line each); see [`read_warc`] and [`WarcPages::from_reader`].
pub struct WarcPages<R: Read = File> {
    records: Records<Source<R>>,
    path: PathBuf,
    max_body_bytes: u64,
    stats: WarcStats,
}

/// Opens a WARC file, gzip-compressed (one member per record, or one for the whole file) or
/// plain. Bodies are decoded (chunked transfer, gzip, deflate, brotli) up to
/// `max_body_bytes`; larger ones are reported as errors, compressed or not.
///
/// # Errors
/// When the file cannot be opened or read, or is not a WARC file.
pub fn read_warc(path: impl AsRef<Path>, max_body_bytes: u64) -> Result<WarcPages> {
    let path = path.as_ref();
    let file = File::open(path).map_err(|source| Error::WarcRead {
        path: path.to_path_buf(),
        source,
    })?;
    WarcPages::from_reader(file, path, max_body_bytes)
}

impl<R: Read> WarcPages<R> {
    /// Reads a WARC stream (plain or gzip, told apart by its first bytes) from any reader:
    /// a file, stdin, bytes in memory. `name` names the source in errors (`-` for stdin).
    ///
    /// # Errors
    /// When the source cannot be read, or does not start with a WARC record.
    pub fn from_reader(
        mut reader: R,
        name: impl Into<PathBuf>,
        max_body_bytes: u64,
    ) -> Result<Self> {
        let path = name.into();
        let mut magic = Vec::with_capacity(2);
        while magic.len() < 2 {
            let mut byte = [0u8; 1];
            match reader.read(&mut byte) {
                Ok(0) => break,
                Ok(_) => magic.push(byte[0]),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(source) => return Err(Error::WarcRead { path, source }),
            }
        }
        let gzip = magic == [0x1f, 0x8b];
        let chained = Cursor::new(magic).chain(reader);
        let source = if gzip {
            Decoded::Gzip(Box::new(flate2::read::MultiGzDecoder::new(chained)))
        } else {
            Decoded::Plain(chained)
        };
        // Room for the HTTP head and transfer framing around a body of the largest size.
        let max_block = max_body_bytes
            .saturating_add(max_body_bytes / 8)
            .saturating_add(64 * 1024);
        let mut records = Records {
            input: Input::new(source),
            max_block,
            number: 0,
            resync: false,
            done: false,
        };
        let starts_like_warc =
            records.skip_blank_lines() && records.input.fill(5).starts_with(b"WARC/");
        if let Some(source) = records.input.error.take() {
            return Err(Error::WarcRead { path, source });
        }
        if !starts_like_warc {
            let why = if records.input.offset == 0 && records.input.fill(1).is_empty() {
                "it is empty"
            } else {
                "it does not start with a `WARC/1.x` version line"
            };
            return Err(Error::NotWarc { path, why });
        }
        Ok(Self {
            records,
            path,
            max_body_bytes,
            stats: WarcStats::default(),
        })
    }

    /// What has been read so far.
    pub fn stats(&self) -> WarcStats {
        self.stats
    }

    fn error(&mut self, number: u64, offset: u64, problem: WarcProblem) -> Error {
        self.stats.malformed += 1;
        Error::WarcRecord {
            path: self.path.clone(),
            record: number,
            offset,
            problem,
        }
    }

    /// The page of one record: `Ok(None)` for records that are not pages to import.
    fn page(&mut self, record: Record) -> Result<Option<RawPage>, WarcProblem> {
        let is_response = record
            .header("warc-type")
            .is_some_and(|kind| kind.eq_ignore_ascii_case("response"))
            && record
                .header("content-type")
                .is_none_or(|kind| kind.to_ascii_lowercase().starts_with("application/http"));
        if !is_response {
            return Ok(None);
        }
        // WARC 1.0 drafts wrote the URI in angle brackets.
        let target = record
            .header("warc-target-uri")
            .unwrap_or_default()
            .trim_start_matches('<')
            .trim_end_matches('>');
        let mut final_url = Url::parse(target).map_err(|source| WarcProblem::BadTarget {
            uri: printable(&redact_credentials(target), 200),
            source: Some(source),
        })?;
        if !matches!(final_url.scheme(), "http" | "https") {
            return Err(WarcProblem::NotHttp {
                uri: printable(&redact_credentials(target), 200),
            });
        }
        strip_credentials(&mut final_url);
        let url = normalize_url(final_url.as_str()).map_err(|_| WarcProblem::BadTarget {
            uri: printable(final_url.as_str(), 200),
            source: None,
        })?;
        let fetched_at = record
            .header("warc-date")
            .and_then(|date| DateTime::parse_from_rfc3339(date).ok())
            .map_or_else(Utc::now, |date| date.with_timezone(&Utc));
        let block = match record.block {
            Block::Full(block) => block,
            Block::TooLarge { length, head } => {
                // Quietly left out if it is no page anyway (a video, a 404), else reported.
                return match http_head(&head) {
                    Ok(Some(head)) if !head.wanted() => Ok(None),
                    _ => Err(WarcProblem::TooLarge {
                        length,
                        limit: self.records.max_block,
                    }),
                };
            }
        };
        let head = http_head(&block)?.ok_or(WarcProblem::BadHttpHead(None))?;
        if !head.wanted() {
            return Ok(None);
        }
        let body = head.body(&block, self.max_body_bytes)?;
        let page = RawPage {
            url,
            final_url: final_url.into(),
            status: head.status,
            headers: head.headers,
            fetched_at,
            body,
        };
        Ok(page.is_html().then_some(page))
    }
}

impl<R: Read> Iterator for WarcPages<R> {
    type Item = Result<RawPage>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let record = match self.records.next()? {
                Ok(record) => record,
                Err(RecordError {
                    number,
                    offset,
                    problem,
                }) => {
                    self.stats.records += 1;
                    return Some(Err(self.error(number, offset, problem)));
                }
            };
            self.stats.records += 1;
            let (number, offset) = (record.number, record.offset);
            let is_response = record
                .header("warc-type")
                .is_some_and(|kind| kind.eq_ignore_ascii_case("response"));
            match self.page(record) {
                Ok(Some(page)) => {
                    self.stats.pages += 1;
                    return Some(Ok(page));
                }
                Ok(None) => {
                    if is_response {
                        self.stats.ignored += 1;
                    }
                }
                Err(problem) => return Some(Err(self.error(number, offset, problem))),
            }
        }
    }
}

/// Control characters of the input escaped, and long values cut, for messages.
fn printable(text: &str, max_chars: usize) -> String {
    let mut out: String = text
        .chars()
        .take(max_chars)
        .flat_map(char::escape_default)
        .collect();
    if text.chars().count() > max_chars {
        out.push('…');
    }
    out
}

/// The head of an archived HTTP response.
struct HttpHead {
    status: u16,
    /// Without the wire headers.
    headers: Vec<(String, String)>,
    chunked: bool,
    encoding: String,
    /// Where the body starts in the block.
    body_start: usize,
}

/// Parses an HTTP response head: `Ok(None)` when the bytes end before it does.
fn http_head(block: &[u8]) -> Result<Option<HttpHead>, WarcProblem> {
    let mut slots = [httparse::EMPTY_HEADER; 256];
    let mut response = httparse::Response::new(&mut slots);
    let httparse::Status::Complete(body_start) = response
        .parse(block)
        .map_err(|err| WarcProblem::BadHttpHead(Some(err)))?
    else {
        return Ok(None);
    };
    let status = response.code.ok_or(WarcProblem::BadHttpHead(None))?;
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
    Ok(Some(HttpHead {
        status,
        headers,
        chunked,
        encoding,
        body_start,
    }))
}

impl HttpHead {
    /// A 2xx answer that is (or may be, lacking a content type) an HTML page.
    fn wanted(&self) -> bool {
        (200..300).contains(&self.status)
            && newsdex_types::find_header(&self.headers, "content-type")
                .is_none_or(newsdex_types::is_html_content_type)
    }

    /// The decoded body, at most `max_body_bytes` long.
    fn body(&self, block: &[u8], max_body_bytes: u64) -> Result<Vec<u8>, WarcProblem> {
        let payload = &block[self.body_start.min(block.len())..];
        let dechunked;
        let payload = if self.chunked {
            dechunked = dechunk(payload).ok_or(WarcProblem::BadChunks)?;
            &dechunked[..]
        } else {
            payload
        };
        decode(payload, &self.encoding, max_body_bytes)
    }
}

/// Undoes `Transfer-Encoding: chunked`, as archived by crawlers that keep the raw stream.
/// The result is never longer than the input.
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

/// Undoes `Content-Encoding`, refusing bodies that are (or inflate to) more than the cap.
fn decode(payload: &[u8], encoding: &str, max_body_bytes: u64) -> Result<Vec<u8>, WarcProblem> {
    let too_large = WarcProblem::BodyTooLarge {
        limit: max_body_bytes,
    };
    // Some archivers store the decoded body but keep the header; gzip says so by its magic.
    let gzip_magic = payload.starts_with(&[0x1f, 0x8b]);
    let reader: Box<dyn Read + '_> = match encoding {
        "gzip" | "x-gzip" if gzip_magic => Box::new(flate2::read::MultiGzDecoder::new(payload)),
        "" | "identity" | "gzip" | "x-gzip" => {
            return if payload.len() as u64 > max_body_bytes {
                Err(too_large)
            } else {
                Ok(payload.to_vec())
            };
        }
        "deflate" => Box::new(flate2::read::ZlibDecoder::new(payload)),
        "br" => Box::new(brotli::Decompressor::new(payload, 64 * 1024)),
        // An encoding we cannot undo: keep the record out rather than store gibberish.
        other => {
            return Err(WarcProblem::UnknownEncoding {
                encoding: printable(other, 40),
            });
        }
    };
    let mut body = Vec::new();
    reader
        .take(max_body_bytes.saturating_add(1))
        .read_to_end(&mut body)
        .map_err(|source| WarcProblem::Decode {
            encoding: encoding.to_owned(),
            source,
        })?;
    if body.len() as u64 > max_body_bytes {
        return Err(too_large);
    }
    Ok(body)
}

// ---- writing ---------------------------------------------------------------------------------

/// Writes pages as a WARC 1.1 file: a `warcinfo` record, then one `response` record per page.
/// A path ending in `.gz` gets one gzip member per record.
pub struct WarcExport {
    out: BufWriter<File>,
    path: PathBuf,
    gzip: bool,
}

impl WarcExport {
    /// Creates (or truncates) the file and writes its `warcinfo` record.
    ///
    /// # Errors
    /// When the file cannot be created or written.
    pub fn create(path: impl AsRef<Path>, software: &str) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let file = File::create(&path).map_err(|source| Error::WarcWrite {
            path: path.clone(),
            source,
        })?;
        let gzip = path
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("gz"));
        let mut export = Self {
            out: BufWriter::new(file),
            path,
            gzip,
        };
        let info = format!(
            "software: {}\r\nformat: WARC File Format 1.1\r\n",
            one_line(software)
        );
        export.append(
            "warcinfo",
            Utc::now(),
            &[("Content-Type", "application/warc-fields")],
            info.as_bytes(),
        )?;
        Ok(export)
    }

    /// Appends one page as a `response` record targeting the URL its bytes came from.
    ///
    /// # Errors
    /// When the file cannot be written.
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
                block.extend_from_slice(
                    format!("{}: {}\r\n", one_line(name), one_line(value)).as_bytes(),
                );
            }
        }
        block.extend_from_slice(format!("Content-Length: {}\r\n\r\n", page.body.len()).as_bytes());
        block.extend_from_slice(&page.body);
        let target = one_line(&page.final_url);
        self.append(
            "response",
            page.fetched_at,
            &[
                ("WARC-Target-URI", &target),
                ("Content-Type", "application/http; msgtype=response"),
            ],
            &block,
        )
    }

    /// Flushes the file to disk.
    ///
    /// # Errors
    /// When the file cannot be written or synced.
    pub fn finish(mut self) -> Result<()> {
        let path = self.path.clone();
        self.out
            .flush()
            .and_then(|()| self.out.get_ref().sync_all())
            .map_err(|source| Error::WarcWrite { path, source })
    }

    fn append(
        &mut self,
        kind: &str,
        date: DateTime<Utc>,
        headers: &[(&str, &str)],
        block: &[u8],
    ) -> Result<()> {
        let mut record = format!(
            "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{}>\r\nWARC-Date: {}\r\n",
            uuid_v4(),
            date.format("%Y-%m-%dT%H:%M:%SZ")
        )
        .into_bytes();
        for (name, value) in headers {
            record.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        record.extend_from_slice(format!("Content-Length: {}\r\n\r\n", block.len()).as_bytes());
        record.extend_from_slice(block);
        record.extend_from_slice(b"\r\n\r\n");
        let written = if self.gzip {
            let mut member =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            member
                .write_all(&record)
                .and_then(|()| member.finish())
                .and_then(|compressed| self.out.write_all(&compressed))
        } else {
            self.out.write_all(&record)
        };
        written.map_err(|source| Error::WarcWrite {
            path: self.path.clone(),
            source,
        })
    }
}

/// A header value on one line: stored values come from parsers that forbid line breaks, but
/// a record must not be forgeable through one.
fn one_line(value: &str) -> String {
    value.replace(['\r', '\n'], " ")
}

/// A random (version 4) UUID for `WARC-Record-ID`.
fn uuid_v4() -> String {
    let mut bytes: [u8; 16] = fastrand::u128(..).to_be_bytes();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests;
