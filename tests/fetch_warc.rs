//! WARC archives: a file written here by hand (as wget or Common Crawl would) is imported
//! without any network, gzip per record or plain; `newsdex export --warc` writes the store
//! back out, and that file imports into a fresh archive.

use std::io::Write;

use crate::support::Archive;
use crate::support::fault::{article, gzip};

fn record(kind: &str, uri: &str, content_type: &str, block: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{:08x}-0000-4000-8000-000000000000>\r\n\
         WARC-Date: 2025-06-03T10:00:00Z\r\nWARC-Target-URI: {uri}\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\n\r\n",
        block.len() ^ uri.len(),
        block.len()
    )
    .into_bytes();
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

fn response(uri: &str, status: &str, headers: &str, body: &[u8]) -> Vec<u8> {
    let mut block = format!("HTTP/1.1 {status}\r\n{headers}\r\n").into_bytes();
    block.extend_from_slice(body);
    record(
        "response",
        uri,
        "application/http; msgtype=response",
        &block,
    )
}

/// The records of a small crawl: a warcinfo, a request, two HTML pages (one chunked and
/// gzip-encoded on the wire, as wget keeps it), a PDF and a 404.
fn crawl_records() -> Vec<Vec<u8>> {
    let first = gzip(article("Archived harbour story", "warcword").as_bytes());
    let mut chunked = Vec::new();
    for part in first.chunks(100) {
        chunked.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
        chunked.extend_from_slice(part);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    vec![
        record(
            "warcinfo",
            "",
            "application/warc-fields",
            b"software: wget/1.21\r\n",
        ),
        record(
            "request",
            "https://news.example/a",
            "application/http; msgtype=request",
            b"GET /a HTTP/1.1\r\nHost: news.example\r\n\r\n",
        ),
        response(
            "https://news.example/a",
            "200 OK",
            "Content-Type: text/html; charset=utf-8\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n",
            &chunked,
        ),
        response(
            "https://news.example/b?utm_source=feed",
            "200 OK",
            "Content-Type: text/html\r\n",
            article("Archived council story", "warcword").as_bytes(),
        ),
        response(
            "https://news.example/report.pdf",
            "200 OK",
            "Content-Type: application/pdf\r\n",
            b"%PDF-1.7",
        ),
        response(
            "https://news.example/missing",
            "404 Not Found",
            "Content-Type: text/html\r\n",
            b"<html><body>not found</body></html>",
        ),
    ]
}

#[test]
fn warc_files_are_imported_without_network_and_exported_back() {
    let dir = tempfile::tempdir().unwrap();
    let gz_path = dir.path().join("crawl.warc.gz");
    let plain_path = dir.path().join("crawl.warc");
    let mut gz_file = std::fs::File::create(&gz_path).unwrap();
    let mut plain_file = std::fs::File::create(&plain_path).unwrap();
    for record in crawl_records() {
        // One gzip member per record, as the WARC standard asks of .warc.gz.
        gz_file.write_all(&gzip(&record)).unwrap();
        plain_file.write_all(&record).unwrap();
    }
    drop((gz_file, plain_file));

    for (path, flag) in [(&gz_path, true), (&plain_path, false)] {
        let archive = Archive::new();
        let path = path.to_str().unwrap();
        let args: Vec<&str> = if flag {
            vec!["ingest", "--warc", path]
        } else {
            vec!["ingest", path]
        };
        let run = archive.run(&args);
        assert_eq!(run.code, 0, "{path}: {run:?}");
        assert_eq!(
            run.stdout.lines().next().unwrap(),
            "ingested 2, unchanged 0, skipped 0, failed 0",
            "{path}: {run:?}"
        );
        assert!(run.stdout.contains("2 from WARC"), "{}", run.stdout);
        assert_eq!(archive.json(&["search", "warcword", "--json"])["total"], 2);
        let shown = archive.run(&["show", "https://news.example/b"]);
        assert_eq!(
            shown.code, 0,
            "tracking parameters dropped from the key: {shown:?}"
        );

        // Importing again changes nothing.
        let again = archive.run(&args);
        assert_eq!(
            again.stdout.lines().next().unwrap(),
            "ingested 0, unchanged 2, skipped 0, failed 0"
        );
    }

    // Export the store and import the export into a fresh archive.
    let source = Archive::new();
    assert_eq!(
        source
            .run(&["ingest", "--warc", gz_path.to_str().unwrap()])
            .code,
        0
    );
    let exported = dir.path().join("export.warc.gz");
    let run = source.run(&["export", "--warc", exported.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout.trim(),
        format!("exported 2 pages to `{}`", exported.display())
    );
    let copy = Archive::new();
    let run = copy.run(&["ingest", exported.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.starts_with("ingested 2,"), "{run:?}");
    assert_eq!(
        copy.json(&["search", "warcword", "--json"])["total"],
        source.json(&["search", "warcword", "--json"])["total"]
    );
}

#[test]
fn a_truncated_warc_is_reported_and_the_rest_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.warc");
    let mut bytes: Vec<u8> = crawl_records().concat();
    bytes.truncate(bytes.len() - 40);
    std::fs::write(&path, &bytes).unwrap();
    let archive = Archive::new();
    let run = archive.run(&["ingest", "--warc", path.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.starts_with("ingested 2,"), "{run:?}");
    assert!(run.stderr.contains("cut.warc"), "{}", run.stderr);
}

/// Runs `newsdex ARGS` with its stdout closed before it writes (`newsdex ingest ... | true`):
/// (exit code, stderr).
fn run_with_closed_stdout(archive: &Archive, args: &[&str]) -> (Option<i32>, String) {
    let mut child = archive
        .command()
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("newsdex runs");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("newsdex ends");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn ingest_and_export_into_a_closed_pipe_do_not_panic() {
    let archive = Archive::new();
    let sample =
        crate::support::repo_root().join("data/samples/local-wordpress-library-reopens.html");
    let (code, stderr) = run_with_closed_stdout(&archive, &["ingest", sample.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(archive.json(&["stats", "--json"])["pages"], 1);

    let warc = archive.path().join("out.warc");
    let (code, stderr) =
        run_with_closed_stdout(&archive, &["export", "--warc", warc.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(warc.exists());
}
