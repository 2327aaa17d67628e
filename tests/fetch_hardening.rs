//! Issue 10, the fetcher's share: inputs chosen to break the import of WARC files, URLs
//! with passwords, proxies and feeds with odd links. Each test names the finding it pins.

use std::io::Write;

use crate::support::fault::{article, gzip};
use crate::support::{Archive, Run};

// ---- WARC --------------------------------------------------------------------------------

fn record_with_length(uri: &str, block: &[u8], length: &str) -> Vec<u8> {
    let mut out = format!(
        "WARC/1.1\r\nWARC-Type: response\r\nWARC-Date: 2025-06-03T10:00:00Z\r\n\
         WARC-Target-URI: {uri}\r\nContent-Type: application/http; msgtype=response\r\n\
         Content-Length: {length}\r\n\r\n"
    )
    .into_bytes();
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

fn http_page(body: &str) -> Vec<u8> {
    format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{body}").into_bytes()
}

/// A response record holding an article with `marker` in its text.
fn page_record(uri: &str, title: &str, marker: &str) -> Vec<u8> {
    let block = http_page(&article(title, marker));
    record_with_length(uri, &block, &block.len().to_string())
}

fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_owned()
}

fn first_line(run: &Run) -> &str {
    run.stdout.lines().next().unwrap_or("")
}

/// The `--report` lines of a run, parsed.
fn report(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// Issue 10: `Content-Length: 18446744073709551614` panicked the import (exit 101), and every
/// rerun panicked at the same record, so the pages before it were never indexed.
#[test]
fn an_absurd_content_length_is_one_failed_record_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = page_record(
        "https://news.example/before",
        "Before the bad record",
        "quokka",
    );
    let bad_at = bytes.len();
    bytes.extend(record_with_length(
        "https://news.example/bad",
        &http_page(&article("Bad", "quokka")),
        "18446744073709551614",
    ));
    bytes.extend(page_record(
        "https://news.example/after",
        "After the bad record",
        "quokka",
    ));
    let path = write(dir.path(), "absurd.warc", &bytes);
    let archive = Archive::new();
    for attempt in ["first", "rerun"] {
        let run = archive.run(&["ingest", "--warc", &path]);
        assert_eq!(run.code, 1, "{attempt}: {run:?}");
        assert!(
            !run.stderr.contains("panicked"),
            "{attempt}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains(&format!(
                "absurd.warc: record 2 at byte {bad_at}: content of 18446744073709551614 bytes"
            )),
            "{attempt}: {}",
            run.stderr
        );
    }
    assert_eq!(archive.json(&["search", "quokka", "--json"])["total"], 2);
}

/// Issue 10: a non-WARC file given to `--warc` reported "ingested 0, failed 0", exit 0.
#[test]
fn a_file_that_is_not_warc_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let html = write(
        dir.path(),
        "page.html",
        article("Not WARC", "wombat").as_bytes(),
    );
    let gz = write(
        dir.path(),
        "page.warc.gz",
        &gzip(b"<html>not a crawl</html>"),
    );
    let archive = Archive::new();
    let run = archive.run(&["ingest", "--warc", &html, "--warc", &gz]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        first_line(&run),
        "ingested 0, unchanged 0, skipped 0, failed 2"
    );
    for path in [&html, &gz] {
        assert!(
            run.stderr.contains(&format!(
                "{path}: not a WARC file (it does not start with a `WARC/1.x` version line)"
            )),
            "{}",
            run.stderr
        );
    }
    assert!(run.stdout.contains("2 not a WARC file"), "{}", run.stdout);
}

/// Issue 10: malformed records were dropped without a report line, and a record whose
/// Content-Length is shorter than its content ended the import.
#[test]
fn malformed_records_get_a_report_line_each_and_the_import_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = page_record("https://news.example/1", "One", "numbat");
    let garbage_at = bytes.len();
    bytes.extend_from_slice(b"<html>pasted garbage</html>\r\n");
    bytes.extend(page_record("https://news.example/2", "Two", "numbat"));
    let short = http_page(&article("Short", "numbat"));
    bytes.extend(record_with_length(
        "https://news.example/short",
        &short,
        &(short.len() / 2).to_string(),
    ));
    bytes.extend(page_record("https://news.example/3", "Three", "numbat"));
    bytes.extend_from_slice(b"WARC/1.0\r\nWARC-Type: response\r\n\r\n");
    bytes.extend(page_record("https://news.example/4", "Four", "numbat"));
    let path = write(dir.path(), "messy.warc", &bytes);
    let report_path = dir.path().join("report.jsonl");
    let archive = Archive::new();
    let run = archive.run(&["ingest", "--report", report_path.to_str().unwrap(), &path]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        first_line(&run),
        "ingested 4, unchanged 0, skipped 0, failed 3"
    );
    assert_eq!(archive.json(&["search", "numbat", "--json"])["total"], 4);
    let failed: Vec<serde_json::Value> = report(&report_path)
        .into_iter()
        .filter(|line| line["outcome"] == "failed")
        .collect();
    assert_eq!(failed.len(), 3, "{failed:?}");
    for line in &failed {
        assert_eq!(line["url"], path.as_str(), "{line}");
        assert_eq!(line["origin"], "warc", "{line}");
        assert_eq!(line["reason"], "bad WARC record", "{line}");
    }
    assert_eq!(
        failed[0]["detail"],
        format!(
            "record 2 at byte {garbage_at}: not a WARC record (no `WARC/1.x` version line here)"
        )
    );
    assert!(
        failed[1]["detail"]
            .as_str()
            .unwrap()
            .contains("the content does not end where its Content-Length"),
        "{failed:?}"
    );
    assert!(
        failed[2]["detail"]
            .as_str()
            .unwrap()
            .ends_with("no Content-Length"),
        "{failed:?}"
    );
}

/// Issue 10: a single-member `.warc.gz` cut mid-stream saved nothing of the records before
/// the cut.
#[test]
fn a_cut_single_member_warc_gz_keeps_every_record_before_the_cut() {
    let dir = tempfile::tempdir().unwrap();
    let mut plain = Vec::new();
    for n in 0u64..12 {
        // Different words in every page, so that each takes its share of the gzip stream.
        let words: String = (0..300u64)
            .map(|i| format!("w{:x} ", (n * 1000 + i) * 2_654_435_761 % 4_294_967_291))
            .collect();
        let page = article(&format!("Story {n}"), "bilby")
            .replace("</article>", &format!("<p>{words}</p></article>"));
        let block = http_page(&page);
        plain.extend(record_with_length(
            &format!("https://news.example/{n}"),
            &block,
            &block.len().to_string(),
        ));
    }
    let whole = gzip(&plain);
    let path = write(dir.path(), "cut.warc.gz", &whole[..whole.len() * 3 / 4]);
    let archive = Archive::new();
    let run = archive.run(&["ingest", &path]);
    assert_eq!(run.code, 1, "{run:?}");
    let ingested: usize = first_line(&run)
        .strip_prefix("ingested ")
        .and_then(|rest| rest.split(',').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(ingested >= 6, "{run:?}");
    assert!(first_line(&run).ends_with("failed 1"), "{run:?}");
    assert!(
        run.stderr.contains("cut.warc.gz: record "),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("1 truncated WARC"), "{}", run.stdout);
    assert_eq!(archive.json(&["stats", "--json"])["pages"], ingested);
}

/// Issue 10: a record could claim `file:///etc/passwd` (or any scheme) as its URL.
#[test]
fn records_with_other_than_http_targets_are_refused_with_a_report_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = page_record("file:///etc/passwd", "Passwords", "dingo");
    bytes.extend(page_record("gopher://old.example/1", "Gopher", "dingo"));
    bytes.extend(page_record("https://news.example/fine", "Fine", "dingo"));
    let path = write(dir.path(), "claims.warc", &bytes);
    let archive = Archive::new();
    let run = archive.run(&["ingest", "--warc", &path]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        first_line(&run),
        "ingested 1, unchanged 0, skipped 0, failed 2"
    );
    assert!(
        run.stderr.contains(
            "claims.warc: record 1 at byte 0: target URI `file:///etc/passwd` is not http or https"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("2 not http"), "{}", run.stdout);
    let found = archive.json(&["search", "dingo", "--json"]);
    assert_eq!(found["total"], 1, "{found}");
}

/// Issue 10: `--max-body` was not applied to uncompressed WARC records.
#[test]
fn max_body_applies_to_plain_warc_records() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = page_record("https://news.example/long", "Long", &"echidna ".repeat(200));
    let small = "<html><body><p>echidna</p></body></html>";
    let block = http_page(small);
    bytes.extend(record_with_length(
        "https://news.example/small",
        &block,
        &block.len().to_string(),
    ));
    let path = write(dir.path(), "sizes.warc", &bytes);
    let archive = Archive::new();
    let run = archive.run(&["ingest", "--max-body", "1k", "--warc", &path]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("sizes.warc: record 1 at byte 0: body larger than 1024 bytes"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("1 body too large"), "{}", run.stdout);
}

/// A `.warc.gz` with one gzip member per record, as the standard asks: still fine.
#[test]
fn per_record_gzip_members_still_import() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("members.warc.gz");
    let mut file = std::fs::File::create(&path).unwrap();
    for n in 0..3 {
        let record = page_record(&format!("https://news.example/m{n}"), "Member", "kiwi");
        file.write_all(&gzip(&record)).unwrap();
    }
    drop(file);
    let archive = Archive::new();
    let run = archive.run(&["ingest", path.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        first_line(&run),
        "ingested 3, unchanged 0, skipped 0, failed 0"
    );
}

// ---- proxies -------------------------------------------------------------------------------

/// Issue 10: with `http_proxy` set, host names that resolve to private addresses were fetched
/// (the proxy resolved them; only literal private IPs were refused).
#[test]
fn a_proxy_does_not_open_a_way_to_private_addresses() {
    use crate::support::fault::{FaultServer, Reply};
    // The fake proxy: a local server that answers the absolute-form requests a client sends
    // to an HTTP proxy, and logs them.
    let proxy = FaultServer::start();
    proxy.route(
        "/secret",
        Reply::html(article("Intranet secret", "platypus")),
    );
    proxy.route("/public", Reply::html(article("Public story", "platypus")));
    let archive = Archive::new();
    let output = archive
        .command()
        .env("http_proxy", format!("http://127.0.0.1:{}", proxy.port()))
        .env_remove("HTTP_PROXY")
        .env_remove("all_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("no_proxy")
        .env_remove("NO_PROXY")
        .args([
            "ingest",
            "--delay",
            "0",
            "--ignore-robots",
            "--resolve",
            "intranet.test=10.1.2.3",
            "--resolve",
            "news.test=93.184.216.34",
            "http://intranet.test/secret",
            "http://news.test/public",
        ])
        .output()
        .unwrap();
    let run = Run::from(output);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        first_line(&run),
        "ingested 1, unchanged 0, skipped 0, failed 1"
    );
    assert!(
        run.stderr.contains(
            "http://intranet.test/secret: refusing to fetch `intranet.test`: a private, loopback or link-local address"
        ),
        "{}",
        run.stderr
    );
    let paths: Vec<String> = proxy.log().into_iter().map(|hit| hit.path).collect();
    assert_eq!(paths, ["/public"], "only the public name reached the proxy");
}

// ---- credentials ---------------------------------------------------------------------------

/// Issue 10: passwords in URLs (`http://user:secret@host/...`) were stored and shown by
/// `search`, `show`, `export` and `serve`.
#[test]
fn passwords_in_urls_are_never_stored_or_printed() {
    use crate::support::fault::{FaultServer, Reply};
    let server = FaultServer::start();
    server.route(
        "/story",
        Reply::html(article("Guarded story", "kookaburra")),
    );
    let with_password = format!("http://editor:hunter2@127.0.0.1:{}/story", server.port());
    let dir = tempfile::tempdir().unwrap();
    let warc = write(
        dir.path(),
        "creds.warc",
        &page_record(
            "https://archivist:s3cr3t@news.example/archived",
            "Archived guarded story",
            "lyrebird",
        ),
    );
    let report_path = dir.path().join("report.jsonl");
    let archive = Archive::new();
    let run = archive.run(&[
        "ingest",
        "--allow-private",
        "--delay",
        "0",
        "--report",
        report_path.to_str().unwrap(),
        &with_password,
        &warc,
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        first_line(&run),
        "ingested 2, unchanged 0, skipped 0, failed 0"
    );
    let hits = server.hits("/story");
    assert_eq!(hits.len(), 1);

    let exported = dir.path().join("out.warc");
    let outputs = [
        run.stdout.clone(),
        run.stderr,
        std::fs::read_to_string(&report_path).unwrap(),
        archive.run(&["search", "kookaburra"]).stdout,
        archive.run(&["search", "lyrebird", "--json"]).stdout,
        archive
            .run(&["show", &format!("http://127.0.0.1:{}/story", server.port())])
            .stdout,
        archive
            .run(&["show", "https://news.example/archived", "--json"])
            .stdout,
        {
            let run = archive.run(&["export", "--warc", exported.to_str().unwrap()]);
            assert_eq!(run.code, 0, "{run:?}");
            String::from_utf8_lossy(&std::fs::read(&exported).unwrap()).into_owned()
        },
    ];
    assert!(outputs[3].contains("Guarded story"), "{}", outputs[3]);
    assert!(
        outputs[4].contains("news.example/archived"),
        "{}",
        outputs[4]
    );
    for output in &outputs {
        for secret in ["hunter2", "s3cr3t", "editor:", "archivist"] {
            assert!(!output.contains(secret), "`{secret}` printed:\n{output}");
        }
    }
}

/// A URL that does not even parse is named without its password in the failure line.
#[test]
fn a_bad_url_is_reported_without_its_password() {
    let archive = Archive::new();
    let run = archive.run(&["ingest", "http://user:hunter2@bad host/x"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("http://bad host/x: invalid URL"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
}

// ---- feeds and sitemaps ---------------------------------------------------------------------

/// Issue 10: feed items with non-http(s) schemes vanished without a report line.
#[test]
fn feed_and_sitemap_items_that_are_not_http_get_a_skip_line() {
    use crate::support::fault::{FAST, FaultServer, Reply};
    let server = FaultServer::start();
    server.route("/a/1", Reply::html(article("Feed story", "wallaby")));
    server.route("/a/2", Reply::html(article("Sitemap story", "quoll")));
    let data_url = format!("data:text/html,{}", "x".repeat(5000));
    let rss = format!(
        r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Новости</title><link>{0}</link>
        <item><title>Good</title><link>{0}/a/1</link></item>
        <item><title>Script</title><link>javascript:alert(document.cookie)</link></item>
        <item><title>Mail</title><link>mailto:desk@news.example</link></item>
        <item><title>Data</title><link>{data_url}</link></item>
        </channel></rss>"#,
        server.url("")
    );
    server.route("/rss.xml", Reply::new(200, "application/rss+xml", rss));
    let sitemap = format!(
        r#"<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <url><loc>{}</loc></url><url><loc>ftp://user:pw@files.example/a.html</loc></url></urlset>"#,
        server.url("/a/2")
    );
    server.route("/sitemap.xml", Reply::new(200, "application/xml", sitemap));
    let dir = tempfile::tempdir().unwrap();
    let report_path = dir.path().join("report.jsonl");
    let archive = Archive::new();
    let mut args = vec!["ingest"];
    args.extend(FAST);
    let (feed, map) = (server.url("/rss.xml"), server.url("/sitemap.xml"));
    args.extend([
        "--report",
        report_path.to_str().unwrap(),
        "--feed",
        &feed,
        "--sitemap",
        &map,
    ]);
    let run = archive.run(&args);
    assert_eq!(run.code, 0, "skips are not failures: {run:?}");
    assert_eq!(
        first_line(&run),
        "ingested 2, unchanged 0, skipped 4, failed 0"
    );
    assert!(run.stdout.contains("skipped: 4 not http"), "{}", run.stdout);
    let skipped: Vec<String> = report(&report_path)
        .into_iter()
        .filter(|line| line["outcome"] == "skipped")
        .map(|line| {
            assert_eq!(line["reason"], "not http", "{line}");
            line["url"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(skipped.len(), 4, "{skipped:?}");
    assert!(skipped.contains(&"javascript:alert(document.cookie)".to_owned()));
    assert!(skipped.contains(&"mailto:desk@news.example".to_owned()));
    assert!(
        skipped.contains(&"ftp://files.example/a.html".to_owned()),
        "{skipped:?}"
    );
    let data = skipped.iter().find(|url| url.starts_with("data:")).unwrap();
    assert!(
        data.chars().count() <= 301,
        "a long data: URL is cut: {data}"
    );
    assert!(
        run.stderr
            .contains("mailto:desk@news.example: skipped: not http"),
        "{}",
        run.stderr
    );
}
