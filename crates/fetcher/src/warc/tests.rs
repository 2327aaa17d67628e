use std::io::Write;

use proptest::prelude::*;

use super::*;

fn page(url: &str, body: &str) -> RawPage {
    let mut page = RawPage::new(url, 200, body.as_bytes().to_vec());
    page.headers
        .push(("Content-Type".into(), "text/html; charset=utf-8".into()));
    page.headers
        .push(("Content-Encoding".into(), "gzip".into()));
    page
}

/// One WARC record as a crawler writes it, with `length` as its Content-Length.
fn record_with_length(kind: &str, uri: &str, block: &[u8], length: &str) -> Vec<u8> {
    let mut out = format!(
        "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000000>\r\n\
         WARC-Date: 2025-06-03T10:00:00Z\r\nWARC-Target-URI: {uri}\r\n\
         Content-Type: application/http; msgtype=response\r\nContent-Length: {length}\r\n\r\n"
    )
    .into_bytes();
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

fn http(body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A response record for an HTML page.
fn response(uri: &str, body: &str) -> Vec<u8> {
    let block = http(body);
    record_with_length("response", uri, &block, &block.len().to_string())
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

/// Reads bytes as a WARC stream: the pages' URLs and the errors' details, in order.
fn read(bytes: &[u8], max_body: u64) -> (Vec<String>, Vec<String>) {
    let pages = WarcPages::from_reader(bytes, "test.warc", max_body).unwrap();
    let mut urls = Vec::new();
    let mut errors = Vec::new();
    for item in pages {
        match item {
            Ok(page) => urls.push(page.url),
            Err(err) => {
                assert_eq!(err.path(), Some(Path::new("test.warc")), "{err}");
                errors.push(err.detail());
            }
        }
    }
    (urls, errors)
}

#[test]
fn export_then_import_round_trips_pages() {
    for name in ["out.warc", "out.warc.gz"] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        let mut export = WarcExport::create(&path, "newsdex-test").unwrap();
        let first = page(
            "https://a.example/1",
            "<html><p>one\r\n\r\nWARC/1.0\r\n</p></html>",
        );
        let second = page(
            "https://b.example/2",
            "<!doctype html><p>два 二 اثنان दो δύο deux</p>",
        );
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
    let gz = gzip(b"<html>hello</html>");
    let mut message = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    let (left, right) = gz.split_at(10);
    for part in [left, right] {
        message.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
        message.extend_from_slice(part);
        message.extend_from_slice(b"\r\n");
    }
    message.extend_from_slice(b"0\r\n\r\n");
    let head = http_head(&message).unwrap().unwrap();
    assert_eq!(head.status, 200);
    assert_eq!(head.body(&message, 1 << 20).unwrap(), b"<html>hello</html>");
    assert_eq!(
        head.headers,
        [("Content-Type".to_owned(), "text/html".to_owned())]
    );
    assert!(matches!(
        head.body(&message, 5),
        Err(WarcProblem::BodyTooLarge { limit: 5 })
    ));
    assert!(http_head(b"not http").is_err());
    assert!(
        http_head(b"HTTP/1.1 200 OK\r\nContent-Type: te")
            .unwrap()
            .is_none()
    );
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.warc");
    let err = read_warc(&missing, 100).err().unwrap();
    assert!(err.to_string().starts_with(&missing.display().to_string()));
    assert!(
        err.detail().contains("cannot read WARC file: "),
        "{}",
        err.detail()
    );
}

/// Issue 10: a non-WARC file given to `--warc` reported "ingested 0, failed 0".
#[test]
fn what_is_not_a_warc_file_is_refused_by_name() {
    for (bytes, why) in [
        (b"<!doctype html><p>hi</p>".to_vec(), "does not start"),
        (Vec::new(), "empty"),
        (gzip(b"<html>gzip, but not WARC</html>"), "does not start"),
        (b"\r\n\r\nWARX/1.0\r\n".to_vec(), "does not start"),
    ] {
        let err = WarcPages::from_reader(&bytes[..], "page.html", 1 << 20)
            .err()
            .unwrap();
        assert!(matches!(err, Error::NotWarc { .. }), "{err}");
        assert_eq!(err.reason(), "not a WARC file");
        let message = err.to_string();
        assert!(
            message.starts_with("page.html: not a WARC file"),
            "{message}"
        );
        assert!(message.contains(why), "{message}");
    }
    let err = WarcPages::from_reader(&[0x1f, 0x8b, 0, 0, 0][..], "bad.warc.gz", 1 << 20)
        .err()
        .unwrap();
    assert!(matches!(err, Error::WarcRead { .. }), "{err}");
}

/// Issue 10: `Content-Length: 18446744073709551614` panicked the import (an overflow in the
/// `warc` crate), and every rerun panicked at the same record.
#[test]
fn an_absurd_content_length_is_a_record_error_and_the_next_record_is_read() {
    let mut bytes = response("https://news.example/1", "<html><p>one</p></html>");
    bytes.extend(record_with_length(
        "response",
        "https://news.example/huge",
        &http("<html><p>huge</p></html>"),
        "18446744073709551614",
    ));
    bytes.extend(record_with_length(
        "response",
        "https://news.example/overflow",
        &http("<html><p>overflow</p></html>"),
        "18446744073709551616",
    ));
    bytes.extend(response(
        "https://news.example/2",
        "<html><p>two</p></html>",
    ));
    let (urls, errors) = read(&bytes, 1 << 20);
    assert_eq!(urls, ["https://news.example/1", "https://news.example/2"]);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].starts_with("record 2 at byte ")
            && errors[0].contains("content of 18446744073709551614 bytes is larger than the"),
        "{errors:?}"
    );
    assert!(
        errors[1].starts_with("record 3 at byte ")
            && errors[1].contains("Content-Length `18446744073709551616` is not a number"),
        "{errors:?}"
    );
}

#[test]
fn errors_name_the_record_number_and_its_offset() {
    let first = response("https://news.example/1", "<html><p>one</p></html>");
    let mut bytes = first.clone();
    bytes.extend_from_slice(b"WARC/1.1\r\nWARC-Type: response\r\n\r\n");
    let (_, errors) = read(&bytes, 1 << 20);
    assert_eq!(
        errors,
        [format!(
            "record 2 at byte {}: no Content-Length",
            first.len()
        )]
    );
}

#[test]
fn garbage_between_records_is_reported_once_and_skipped() {
    let mut bytes = response("https://news.example/1", "<html><p>one</p></html>");
    let garbage_at = bytes.len();
    bytes.extend_from_slice(b"some junk\r\nmore junk with WARC/1.0 in the middle\r\nand WARC/1.");
    bytes.extend(response(
        "https://news.example/2",
        "<html><p>two</p></html>",
    ));
    bytes.extend_from_slice(b"\x00\x01\x02 binary tail");
    let (urls, errors) = read(&bytes, 1 << 20);
    assert_eq!(urls, ["https://news.example/1", "https://news.example/2"]);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].starts_with(&format!("record 2 at byte {garbage_at}: not a WARC record")),
        "{errors:?}"
    );
    assert!(errors[1].starts_with("record 4 at byte "), "{errors:?}");
}

#[test]
fn malformed_headers_are_reported_and_the_reader_goes_on() {
    let mut bytes = response("https://news.example/1", "<html><p>one</p></html>");
    bytes.extend_from_slice(
        b"WARC/1.0\r\nthis line has no colon\r\nContent-Length: 5\r\n\r\nabcde\r\n\r\n",
    );
    bytes.extend_from_slice(b"WARC/1.0\r\nContent-Length: -5\r\n\r\nabcde\r\n\r\n");
    bytes.extend(response(
        "https://news.example/2",
        "<html><p>two</p></html>",
    ));
    let (urls, errors) = read(&bytes, 1 << 20);
    assert_eq!(urls, ["https://news.example/1", "https://news.example/2"]);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].contains("malformed header line"), "{errors:?}");
    assert!(errors[1].contains("Content-Length `-5`"), "{errors:?}");
}

/// Issue 10: a record whose Content-Length is shorter than its content ended the import.
#[test]
fn a_wrong_content_length_is_reported_and_the_reader_resynchronises() {
    let good = http("<html><p>short</p></html>");
    let mut bytes = response("https://news.example/1", "<html><p>one</p></html>");
    // Too short: the content goes on after the length says it ends.
    bytes.extend(record_with_length(
        "response",
        "https://news.example/short",
        &good,
        &(good.len() - 10).to_string(),
    ));
    bytes.extend(response(
        "https://news.example/2",
        "<html><p>two</p></html>",
    ));
    // Too long: the length swallows the start of the next record.
    bytes.extend(record_with_length(
        "response",
        "https://news.example/long",
        &good,
        &(good.len() + 60).to_string(),
    ));
    bytes.extend(response(
        "https://news.example/3",
        "<html><p>three</p></html>",
    ));
    let (urls, errors) = read(&bytes, 1 << 20);
    assert_eq!(
        urls,
        [
            "https://news.example/1",
            "https://news.example/2",
            "https://news.example/3"
        ]
    );
    assert_eq!(errors.len(), 2, "{errors:?}");
    for error in &errors {
        assert!(
            error.contains("the content does not end where its Content-Length"),
            "{errors:?}"
        );
    }
}

/// Issue 10: a cut single-member `.warc.gz` saved nothing of the records before the cut.
#[test]
fn a_cut_gzip_stream_yields_every_record_before_the_cut() {
    let mut plain = Vec::new();
    let mut expected = Vec::new();
    for n in 0u64..20 {
        let url = format!("https://news.example/{n}");
        // Incompressible-ish bodies, so that the cut lands in the middle of the stream.
        let words: String = (0..200)
            .map(|i| format!("{:x} ", (n * 7919 + i) * 104_729 % 1_000_003))
            .collect();
        plain.extend(response(&url, &format!("<html><p>{words}</p></html>")));
        expected.push(url);
    }
    let whole = gzip(&plain);
    let cut = &whole[..whole.len() * 2 / 3];
    let pages = WarcPages::from_reader(cut, "cut.warc.gz", 1 << 20).unwrap();
    let mut urls = Vec::new();
    let mut errors = Vec::new();
    for item in pages {
        match item {
            Ok(page) => urls.push(page.url),
            Err(err) => errors.push(err),
        }
    }
    assert!(urls.len() >= 10, "{} records before the cut", urls.len());
    assert_eq!(urls, expected[..urls.len()]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        errors[0].reason(),
        "truncated WARC",
        "{}",
        errors[0].detail()
    );
}

#[test]
fn a_cut_plain_file_reports_the_record_it_ends_in() {
    let mut bytes = response("https://news.example/1", "<html><p>one</p></html>");
    let second = response("https://news.example/2", "<html><p>two</p></html>");
    bytes.extend_from_slice(&second[..second.len() - 30]);
    let (urls, errors) = read(&bytes, 1 << 20);
    assert_eq!(urls, ["https://news.example/1"]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("cut short"), "{errors:?}");
}

/// Issue 10: a record could claim `file:///etc/passwd` as its URL.
#[test]
fn only_http_and_https_targets_are_imported() {
    let mut bytes = response("file:///etc/passwd", "<html><p>root:x:0:0</p></html>");
    bytes.extend(response(
        "ftp://files.example/a.html",
        "<html><p>ftp</p></html>",
    ));
    bytes.extend(response("not a url", "<html><p>bad</p></html>"));
    bytes.extend(response(
        "https://user:secret@news.example/a?utm_source=x",
        "<html><p>a</p></html>",
    ));
    let pages = WarcPages::from_reader(&bytes[..], "test.warc", 1 << 20).unwrap();
    let items: Vec<_> = pages.collect();
    assert_eq!(items.len(), 4);
    let refused: Vec<String> = items[..3]
        .iter()
        .map(|item| item.as_ref().err().unwrap().detail())
        .collect();
    assert!(
        refused[0].contains("target URI `file:///etc/passwd` is not http or https"),
        "{refused:?}"
    );
    assert!(refused[1].contains("is not http or https"), "{refused:?}");
    assert!(
        refused[2].contains("target URI `not a url` is not a URL"),
        "{refused:?}"
    );
    assert_eq!(items[0].as_ref().err().unwrap().reason(), "not http");
    let page = items[3].as_ref().unwrap();
    assert_eq!(page.url, "https://news.example/a");
    assert_eq!(page.final_url, "https://news.example/a?utm_source=x");
}

/// Issue 10: `--max-body` was applied only to compressed WARC bodies.
#[test]
fn the_body_limit_applies_to_plain_and_compressed_bodies() {
    let body = format!("<html><p>{}</p></html>", "слово ".repeat(200));
    let small = "<html><p>small</p></html>";
    let mut bytes = response("https://news.example/big", &body);
    bytes.extend(response("https://news.example/small", small));
    let (urls, errors) = read(&bytes, 1000);
    assert_eq!(urls, ["https://news.example/small"]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("body larger than 1000 bytes"),
        "{errors:?}"
    );

    // Far over the limit (more than the room left for the HTTP head): not even read, and
    // the next record is found.
    let huge = format!("<html><p>{}</p></html>", "слово ".repeat(20_000));
    let mut bytes = response("https://news.example/huge", &huge);
    bytes.extend(response("https://news.example/small", small));
    let (urls, errors) = read(&bytes, 1000);
    assert_eq!(urls, ["https://news.example/small"]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("content of 220103 bytes is larger than the 66661 byte limit"),
        "{errors:?}"
    );
}

#[test]
fn oversized_records_that_are_no_pages_are_left_out_quietly() {
    let mut video = b"HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\n\r\n".to_vec();
    video.extend(std::iter::repeat_n(0u8, 100_000));
    let mut bytes = record_with_length(
        "response",
        "https://news.example/v.mp4",
        &video,
        &video.len().to_string(),
    );
    bytes.extend(record_with_length(
        "resource",
        "https://news.example/big.bin",
        &video,
        &video.len().to_string(),
    ));
    bytes.extend(response(
        "https://news.example/1",
        "<html><p>one</p></html>",
    ));
    let mut pages = WarcPages::from_reader(&bytes[..], "test.warc", 1000).unwrap();
    let urls: Vec<String> = pages.by_ref().map(|page| page.unwrap().url).collect();
    assert_eq!(urls, ["https://news.example/1"]);
    assert_eq!(pages.stats().ignored, 1);
}

#[test]
fn a_read_error_is_reported_once_after_the_records_before_it() {
    struct Failing<'a>(&'a [u8]);
    impl Read for Failing<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() {
                return Err(io::Error::other("disk on fire"));
            }
            let n = buf.len().min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    let bytes = response("https://news.example/1", "<html><p>one</p></html>");
    let pages = WarcPages::from_reader(Failing(&bytes), "-", 1 << 20).unwrap();
    let items: Vec<_> = pages.collect();
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
    let detail = items[1].as_ref().err().unwrap().detail();
    assert!(
        detail.ends_with("cannot read the record: disk on fire"),
        "{detail}"
    );
}

#[test]
fn error_chains_print_each_cause_once() {
    let bytes = response("file:///etc/passwd", "<p>x</p>");
    let err = WarcPages::from_reader(&bytes[..], "a.warc", 1 << 20)
        .unwrap()
        .next()
        .unwrap()
        .unwrap_err();
    assert_eq!(err.to_string(), "a.warc: record 1 at byte 0");
    assert_eq!(
        err.detail(),
        "record 1 at byte 0: target URI `file:///etc/passwd` is not http or https"
    );
}

fn arbitrary_record() -> impl Strategy<Value = (String, String)> {
    (
        "[a-z]{1,8}",
        prop_oneof![
            Just("Пожар в порту".to_owned()),
            Just("港口火灾".to_owned()),
            Just("حريق في الميناء".to_owned()),
            Just("बंदरगाह में आग".to_owned()),
            Just("Φωτιά στο λιμάνι".to_owned()),
            Just("Incendie au port\r\n\r\nWARC/1.0\r\n".to_owned()),
            "[ -~]{0,200}",
        ],
    )
        .prop_map(|(path, text)| {
            (
                format!("https://news.example/{path}"),
                format!("<html><body><p>{text}</p></body></html>"),
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Any bytes, plain or gzip: an error or a reader that ends, never a panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000), prefix in any::<bool>()) {
        let mut input = if prefix { b"WARC/1.1\r\n".to_vec() } else { Vec::new() };
        input.extend_from_slice(&bytes);
        for data in [input.clone(), gzip(&input)] {
            if let Ok(pages) = WarcPages::from_reader(&data[..], "fuzz.warc", 4096) {
                let mut items = 0usize;
                for item in pages {
                    items += 1;
                    prop_assert!(items <= input.len() + 1, "the reader does not end");
                    if let Ok(page) = item {
                        prop_assert!(page.body.len() <= 4096);
                        prop_assert!(page.url.starts_with("http"));
                    }
                }
            }
        }
    }

    /// A valid file with garbage (anything but a version line) between its records still
    /// yields every valid record, in order, with at most one error per garbage stretch.
    #[test]
    fn garbage_between_records_never_hides_a_valid_record(
        records in proptest::collection::vec(arbitrary_record(), 1..6),
        garbage in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..80), 6),
        compress in any::<bool>(),
    ) {
        let mut bytes = Vec::new();
        let mut expected = Vec::new();
        for (n, (url, body)) in records.iter().enumerate() {
            bytes.extend(response(url, body));
            // No `W`, so the garbage cannot hold a version line.
            bytes.extend(garbage[n].iter().map(|&b| if b == b'W' { b'w' } else { b }));
            expected.push((normalize_url(url).unwrap(), body.as_bytes().to_vec()));
        }
        let data = if compress { gzip(&bytes) } else { bytes };
        let mut got = Vec::new();
        let mut errors = 0;
        for item in WarcPages::from_reader(&data[..], "g.warc", 1 << 20).unwrap() {
            match item {
                Ok(page) => got.push((page.url, page.body)),
                Err(_) => errors += 1,
            }
        }
        prop_assert_eq!(got, expected);
        prop_assert!(errors <= records.len());
    }
}

#[test]
fn bare_lf_framing_bracketed_uris_and_folded_headers_are_read() {
    let block = http("<html><p>λ</p></html>");
    let mut bytes = format!(
        "WARC/1.0\nWARC-Type: response\nWARC-Target-URI: <https://news.example/lf>\n\
         Content-Type: application/http;\n msgtype=response\nContent-Length: {}\n\n",
        block.len()
    )
    .into_bytes();
    bytes.extend_from_slice(&block);
    bytes.extend_from_slice(b"\n\n");
    bytes.extend(response(
        "https://news.example/crlf",
        "<html><p>μ</p></html>",
    ));
    let (urls, errors) = read(&bytes, 1 << 20);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        urls,
        ["https://news.example/lf", "https://news.example/crlf"]
    );
}
