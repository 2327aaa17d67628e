//! Sources: RSS, Atom and JSON feeds, feed discovery, sitemap indexes with gzip children,
//! Google News sitemaps with `--since`, robots.txt `Sitemap:` lines, `--limit` and
//! `--same-site`.

use crate::support::Archive;
use crate::support::fault::{FAST, FaultServer, Reply, article, gzip};

fn report_lines(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn ingest(archive: &Archive, extra: &[&str]) -> crate::support::Run {
    let mut args = vec!["ingest"];
    args.extend(FAST);
    args.extend(extra);
    archive.run(&args)
}

#[test]
fn feeds_of_every_kind_are_ingested() {
    let server = FaultServer::start();
    for n in 1..=4 {
        let path = format!("/a/{n}");
        server.route(
            &path,
            Reply::html(article(&format!("Feed story {n}"), "feedword")),
        );
    }
    let rss = format!(
        r#"<?xml version="1.0"?><rss version="2.0"><channel><title>News</title><link>{0}</link>
        <item><title>One</title><link>{0}/a/1?utm_source=rss</link><pubDate>Tue, 03 Jun 2025 09:00:00 GMT</pubDate></item>
        <item><title>Two</title><link>{0}/a/2</link></item></channel></rss>"#,
        server.url("")
    );
    let atom = r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>News</title>
        <id>urn:x</id><updated>2025-06-03T09:00:00Z</updated>
        <entry><title>Three</title><id>urn:3</id><link rel="alternate" href="/a/3"/><updated>2025-06-03T09:00:00Z</updated></entry>
        </feed>"#;
    let json = format!(
        r#"{{"version":"https://jsonfeed.org/version/1.1","title":"News",
        "items":[{{"id":"4","url":"{}","title":"Four"}}]}}"#,
        server.url("/a/4")
    );
    server.route("/rss.xml", Reply::new(200, "application/rss+xml", rss));
    server.route("/atom.xml", Reply::new(200, "application/atom+xml", atom));
    server.route("/feed.json", Reply::new(200, "application/feed+json", json));

    let archive = Archive::new();
    let report = archive.path().join("report.jsonl");
    let run = ingest(
        &archive,
        &[
            "--report",
            report.to_str().unwrap(),
            "--feed",
            &server.url("/rss.xml"),
            "--feed",
            &server.url("/atom.xml"),
            "--feed",
            &server.url("/feed.json"),
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .starts_with("ingested 4, unchanged 0, skipped 0, failed 0"),
        "{run:?}"
    );
    assert_eq!(archive.json(&["search", "feedword", "--json"])["total"], 4);
    assert_eq!(server.hits("/a/1").len(), 1, "tracking parameters dropped");

    let lines = report_lines(&report);
    let reads: Vec<&serde_json::Value> = lines.iter().filter(|l| l["outcome"] == "read").collect();
    assert_eq!(reads.len(), 3, "{lines:?}");
    assert!(reads.iter().all(|line| line["kind"] == "feed"));
    let first = lines
        .iter()
        .find(|line| line["url"].as_str().unwrap().ends_with("/a/1"))
        .unwrap();
    assert_eq!(first["listed_title"], "One");
    assert_eq!(first["listed_published"], "2025-06-03T09:00:00Z");

    // A broken feed is a failure of its own, not of the run.
    server.route(
        "/broken.xml",
        Reply::new(200, "application/rss+xml", "<html>no</html>"),
    );
    let broken = ingest(&archive, &["--feed", &server.url("/broken.xml")]);
    assert_eq!(broken.code, 1, "{broken:?}");
    assert!(
        broken.stderr.contains("not a valid feed"),
        "{}",
        broken.stderr
    );
}

#[test]
fn feeds_are_discovered_from_home_pages() {
    let server = FaultServer::start();
    let (alpha, bravo) = ("alpha.test", "bravo.test");
    server.route_on(
        alpha,
        "/",
        Reply::html(
            "<html><head><link rel=\"alternate\" type=\"application/rss+xml\" href=\"/news.rss\">\
             </head><body>home</body></html>",
        ),
    );
    let rss = format!(
        "<rss version=\"2.0\"><channel><title>A</title><item><link>{}</link></item></channel></rss>",
        server.url_on(alpha, "/a/1")
    );
    server.route_on(
        alpha,
        "/news.rss",
        Reply::new(200, "application/rss+xml", rss),
    );
    server.route_on(
        alpha,
        "/a/1",
        Reply::html(article("Alpha story", "discoverword")),
    );
    // No announced feed: found at one of the usual paths.
    server.route_on(bravo, "/", Reply::html("<html><body>home</body></html>"));
    let atom = format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>B</title><id>b</id>\
         <updated>2025-01-01T00:00:00Z</updated><entry><id>b1</id><title>B1</title>\
         <updated>2025-01-01T00:00:00Z</updated><link href=\"{}\"/></entry></feed>",
        server.url_on(bravo, "/b/1")
    );
    server.route_on(
        bravo,
        "/feed",
        Reply::new(200, "application/atom+xml", atom),
    );
    server.route_on(
        bravo,
        "/b/1",
        Reply::html(article("Bravo story", "discoverword")),
    );

    let archive = Archive::new();
    let run = ingest(
        &archive,
        &[
            "--resolve",
            "alpha.test=127.0.0.1",
            "--resolve",
            "bravo.test=127.0.0.1",
            "--discover",
            &server.url_on(alpha, "/"),
            "--discover",
            &server.url_on(bravo, "/"),
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.starts_with("ingested 2,"), "{run:?}");
    assert_eq!(
        archive.json(&["search", "discoverword", "--json"])["total"],
        2
    );

    server.route_on(
        "charlie.test",
        "/",
        Reply::html("<html><body>no feeds</body></html>"),
    );
    let none = ingest(
        &archive,
        &[
            "--resolve",
            "charlie.test=127.0.0.1",
            "--discover",
            &server.url_on("charlie.test", "/"),
        ],
    );
    assert_eq!(none.code, 1, "{none:?}");
    assert!(
        none.stderr.contains("no RSS, Atom or JSON feed found"),
        "{}",
        none.stderr
    );
}

#[test]
fn sitemap_indexes_gzip_children_and_news_sitemaps() {
    let server = FaultServer::start();
    let index = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
        <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
          <sitemap><loc>{}</loc></sitemap>
          <sitemap><loc>{}</loc><lastmod>2025-06-03</lastmod></sitemap>
          <sitemap><loc>{}</loc><lastmod>2019-01-01</lastmod></sitemap>
        </sitemapindex>"#,
        server.url("/sitemaps/pages.xml.gz"),
        server.url("/sitemaps/news.xml"),
        server.url("/sitemaps/archive.xml"),
    );
    let pages = format!(
        r#"<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
          <url><loc>{}</loc></url><url><loc>{}</loc></url></urlset>"#,
        server.url("/s/1"),
        server.url("/s/2")
    );
    let news = format!(
        r#"<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
                xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
          <url><loc>{}</loc><news:news><news:publication><news:name>Example</news:name>
            <news:language>en</news:language></news:publication>
            <news:publication_date>2025-06-03T08:00:00+00:00</news:publication_date>
            <news:title>Fresh news</news:title></news:news></url>
          <url><loc>{}</loc><news:news><news:publication_date>2025-06-02</news:publication_date>
            <news:title>Yesterday</news:title></news:news></url>
          <url><loc>{}</loc><news:news><news:publication_date>2020-01-01</news:publication_date>
            <news:title>Old news</news:title></news:news></url>
        </urlset>"#,
        server.url("/n/1"),
        server.url("/n/2"),
        server.url("/n/3")
    );
    server.route(
        "/sitemap_index.xml",
        Reply::new(200, "application/xml", index),
    );
    server.route(
        "/sitemaps/pages.xml.gz",
        Reply::new(200, "application/x-gzip", gzip(pages.as_bytes())),
    );
    server.route(
        "/sitemaps/news.xml",
        Reply::new(200, "application/xml", news),
    );
    for path in ["/s/1", "/s/2", "/n/1", "/n/2", "/n/3"] {
        server.route(
            path,
            Reply::html(article(&format!("Sitemap story {path}"), "mapword")),
        );
    }

    let archive = Archive::new();
    let report = archive.path().join("report.jsonl");
    let run = ingest(
        &archive,
        &[
            "--since",
            "2025-06-01",
            "--report",
            report.to_str().unwrap(),
            "--sitemap",
            &server.url("/sitemap_index.xml"),
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.starts_with("ingested 4,"),
        "undated and recent items\n{run:?}"
    );
    assert!(server.hits("/n/3").is_empty(), "published before --since");
    assert!(
        server.hits("/sitemaps/archive.xml").is_empty(),
        "modified before --since"
    );
    let lines = report_lines(&report);
    let fresh = lines
        .iter()
        .find(|line| line["url"].as_str().unwrap().ends_with("/n/1"))
        .unwrap();
    assert_eq!(fresh["listed_title"], "Fresh news");
    assert_eq!(fresh["listed_published"], "2025-06-03T08:00:00Z");
}

#[test]
fn robots_sitemap_lines_with_limit_and_same_site() {
    let server = FaultServer::start();
    let alpha = "alpha.test";
    server.route_on(
        alpha,
        "/robots.txt",
        Reply::new(
            200,
            "text/plain",
            format!(
                "User-agent: *\nAllow: /\n\nSitemap: {}\n",
                server.url_on(alpha, "/sm.xml")
            ),
        ),
    );
    let urls: Vec<String> = (1..=3)
        .map(|n| server.url_on(alpha, &format!("/x/{n}")))
        .chain([server.url_on("bravo.test", "/y/1")])
        .collect();
    let urlset = format!(
        "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">{}</urlset>",
        urls.iter()
            .rev()
            .map(|url| format!("<url><loc>{url}</loc></url>"))
            .collect::<String>()
    );
    server.route_on(alpha, "/sm.xml", Reply::new(200, "application/xml", urlset));
    for n in 1..=3 {
        server.route_on(
            alpha,
            &format!("/x/{n}"),
            Reply::html(article("Alpha", "limitword")),
        );
    }
    server.route_on(
        "bravo.test",
        "/y/1",
        Reply::html(article("Bravo", "limitword")),
    );

    let archive = Archive::new();
    let run = ingest(
        &archive,
        &[
            "--resolve",
            "alpha.test=127.0.0.1",
            "--resolve",
            "bravo.test=127.0.0.1",
            "--same-site",
            "--limit",
            "2",
            "--sitemap",
            &server.url_on(alpha, "/"),
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.starts_with("ingested 2,"), "{run:?}");
    let log = server.log();
    assert!(
        log.iter().all(|hit| hit.host == alpha),
        "--same-site kept to alpha.test"
    );
    let pages: Vec<&str> = log
        .iter()
        .filter(|hit| hit.path.starts_with("/x/"))
        .map(|hit| hit.path.as_str())
        .collect();
    assert_eq!(pages, ["/x/3", "/x/2"], "--limit 2, in sitemap order");
}
