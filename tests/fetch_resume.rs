//! Interruption and re-runs: an ingest killed with SIGKILL half-way loses nothing it stored
//! and the next run fetches only what is missing; a second ingest at the same time is refused
//! with a clear message while `search` keeps working; `--refresh` revalidates with ETags; an
//! article reached through several URLs is stored once and none of them is fetched twice.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use crate::support::Archive;
use crate::support::fault::{FAST, FaultServer, Reply, article, article_at};

const PAGES: usize = 12;
const SERVED_BEFORE_STALL: usize = 5;

fn page_paths(hits: &[crate::support::fault::Hit], answered: bool) -> BTreeSet<String> {
    hits.iter()
        .filter(|hit| hit.path.starts_with("/p/") && (!answered || hit.status == 200))
        .map(|hit| hit.path.clone())
        .collect()
}

/// A server with [`PAGES`] articles under `/p/NN` (titled `title N`, each holding `word`) that
/// answers the first [`SERVED_BEFORE_STALL`] of them and then hangs, and their URLs.
fn stalling_server(title: &str, word: &str) -> (FaultServer, Vec<String>) {
    let server = FaultServer::start();
    let urls = (0..PAGES)
        .map(|n| {
            let path = format!("/p/{n:02}");
            server.route(&path, Reply::html(article(&format!("{title} {n}"), word)));
            server.url(&path)
        })
        .collect();
    server.stall_after("/p/", SERVED_BEFORE_STALL);
    (server, urls)
}

#[test]
fn an_ingest_killed_half_way_resumes_with_only_the_missing_pages() {
    let (server, urls) = stalling_server("Resumable story", "resumeword");

    let archive = Archive::new();
    let report = archive.path().join("first.jsonl");
    let mut args: Vec<&str> = vec!["ingest", "--commit-every", "2"];
    args.extend(FAST);
    args.extend(urls.iter().map(String::as_str));
    let mut first_args = args.clone();
    first_args.extend(["--report", report.to_str().unwrap()]);
    let mut child = archive
        .command()
        .args(&first_args)
        .spawn()
        .expect("newsdex starts");

    // Wait until the pages served before the stall are stored, then look around while the
    // ingest hangs on the next one.
    wait_for_stored_pages(&archive, SERVED_BEFORE_STALL, &mut child);
    let search = archive.run(&["search", "resumeword", "--json"]);
    assert_eq!(search.code, 0, "search works during an ingest: {search:?}");
    let second = archive.run(&["ingest", "--allow-private", &urls[0]]);
    assert_eq!(second.code, 2, "{second:?}");
    assert!(
        second
            .stderr
            .contains("being written by another newsdex process"),
        "{}",
        second.stderr
    );

    child.kill().expect("SIGKILL");
    child.wait().unwrap();
    let served_first = page_paths(&server.log(), true);
    assert_eq!(served_first.len(), SERVED_BEFORE_STALL);

    server.clear_log();
    server.unstall();
    let run = archive.run(&args);
    assert_eq!(run.code, 0, "{run:?}");
    let first_line = run.stdout.lines().next().unwrap().to_owned();
    let counts: Vec<usize> = first_line
        .split(", ")
        .map(|part| part.rsplit(' ').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(
        counts[0] + counts[1],
        PAGES,
        "ingested + unchanged: {first_line}"
    );
    assert_eq!(&counts[2..], [0, 0], "{first_line}");

    let fetched_again = page_paths(&server.log(), false);
    assert!(
        fetched_again.is_disjoint(&served_first),
        "stored pages were fetched again: {:?}",
        fetched_again
            .intersection(&served_first)
            .collect::<Vec<_>>()
    );
    assert_eq!(
        fetched_again.len() + served_first.len(),
        PAGES,
        "every missing page fetched"
    );
    let stats = archive.json(&["stats", "--json"]);
    assert_eq!(stats["articles"], PAGES, "{stats}");
    assert_eq!(
        archive.json(&["search", "resumeword", "--json"])["total"],
        PAGES
    );
}

#[test]
fn refresh_revalidates_and_keeps_unchanged_pages() {
    let server = FaultServer::start();
    server.route(
        "/etag",
        Reply::html(article("Tagged story", "etagword")).header("ETag", "\"v1\""),
    );
    server.route("/plain", Reply::html(article("Plain story", "etagword")));
    let archive = Archive::new();
    let urls = [server.url("/etag"), server.url("/plain")];
    let ingest = |extra: &[&str]| {
        let mut args = vec!["ingest"];
        args.extend(FAST);
        args.extend(extra);
        args.extend(urls.iter().map(String::as_str));
        archive.run(&args)
    };

    let first = ingest(&[]);
    assert!(first.stdout.starts_with("ingested 2,"), "{first:?}");

    server.clear_log();
    let again = ingest(&[]);
    assert_eq!(again.code, 0, "{again:?}");
    assert_eq!(
        again.stdout.trim(),
        "ingested 0, unchanged 2, skipped 0, failed 0"
    );
    assert!(
        server.log().is_empty(),
        "stored pages are not fetched again"
    );

    let refreshed = ingest(&["--refresh"]);
    assert_eq!(refreshed.code, 0, "{refreshed:?}");
    assert!(
        refreshed
            .stdout
            .starts_with("ingested 0, unchanged 2, skipped 0, failed 0"),
        "{refreshed:?}"
    );
    assert!(
        refreshed.stdout.contains("(1 not modified)"),
        "{}",
        refreshed.stdout
    );
    let tagged = server.hits("/etag");
    assert_eq!(tagged.len(), 1);
    assert_eq!(tagged[0].if_none_match.as_deref(), Some("\"v1\""));
    assert_eq!(tagged[0].status, 304);
    assert_eq!(archive.json(&["stats", "--json"])["articles"], 2);
}

#[test]
fn ctrl_c_stops_fetching_and_commits_what_was_ingested() {
    // Kept alive (it stops when dropped) until the end of the test.
    let (_server, urls) = stalling_server("Interrupted story", "sigintword");
    let archive = Archive::new();
    let report = archive.path().join("report.jsonl");
    let mut args: Vec<&str> = vec!["ingest", "--report", report.to_str().unwrap()];
    args.extend(FAST);
    args.extend(urls.iter().map(String::as_str));
    let mut child = archive
        .command()
        .args(&args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("newsdex starts");
    wait_for_stored_pages(&archive, SERVED_BEFORE_STALL, &mut child);
    let interrupt = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(interrupt.success());
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.starts_with(&format!(
            "ingested {SERVED_BEFORE_STALL}, unchanged 0, skipped 0, failed 0"
        )),
        "{stdout}"
    );
    assert!(stderr.contains("interrupted"), "{stderr}");
    // The report of an interrupted run is complete up to the stop, and in place.
    let report = std::fs::read_to_string(&report).expect("the report is written");
    assert_eq!(report.lines().count(), SERVED_BEFORE_STALL, "{report}");
    // Committed before exiting, although --commit-every was never reached.
    assert_eq!(
        archive.json(&["stats", "--json"])["articles"],
        SERVED_BEFORE_STALL
    );
}

/// Polls `stats` (which reads the page store while the ingest writes it) until `pages` are
/// stored, failing if the ingest ends first or makes no progress for a minute.
fn wait_for_stored_pages(archive: &Archive, pages: usize, child: &mut std::process::Child) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let stats = archive.run(&["stats", "--json"]);
        let stored = serde_json::from_str::<serde_json::Value>(&stats.stdout)
            .ok()
            .and_then(|value| value["pages"].as_u64())
            .unwrap_or(0);
        if stored >= pages as u64 {
            return;
        }
        assert!(Instant::now() < deadline, "the ingest made no progress");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the ingest ended early"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The first line of an ingest's output.
fn summary(run: &crate::support::Run) -> &str {
    run.stdout.lines().next().unwrap_or("")
}

#[test]
fn an_article_reached_through_several_urls_is_stored_once() {
    let server = FaultServer::start();
    let canonical = server.url_on("www.news.test", "/story");
    let by_id = server.url_on("www.news.test", "/story?id=1");
    let amp = server.url_on("amp.news.test", "/amp/story");
    let print = server.url_on("www.news.test", "/print/story");
    server.route_on(
        "www.news.test",
        "/story?id=1",
        Reply::html(article_at("Harbour vote", "pierword", &canonical)).header("ETag", "\"v1\""),
    );
    // The AMP copy: its own markup and teaser, the same story.
    let amp_page = article_at("Harbour vote", "pierword", &canonical)
        .replace("<article>", "<article><p>Tap to read the full story.</p>");
    server.route_on("amp.news.test", "/amp/story", Reply::html(amp_page));
    server.route_on(
        "www.news.test",
        "/print/story",
        Reply::html(article_at("Harbour vote", "pierword", &canonical)),
    );
    let archive = Archive::new();
    let ingest = |extra: &[&str], urls: &[&str]| {
        let mut args = vec!["ingest"];
        args.extend(FAST);
        args.extend([
            "--resolve",
            "www.news.test=127.0.0.1",
            "--resolve",
            "amp.news.test=127.0.0.1",
        ]);
        args.extend(extra);
        args.extend(urls);
        archive.run(&args)
    };
    let hits = |path: &str| server.hits(path).len();
    // Page requests, without robots.txt (asked once per origin by each run that fetches).
    let fetched = || -> Vec<crate::support::fault::Hit> {
        server
            .log()
            .into_iter()
            .filter(|hit| hit.path != "/robots.txt")
            .collect()
    };

    let first = ingest(&[], &[&by_id, &amp]);
    assert_eq!(first.code, 0, "{first:?}");
    assert_eq!(
        summary(&first),
        "ingested 1, unchanged 1, skipped 0, failed 0",
        "{first:?}"
    );
    assert_eq!(
        (hits("/story?id=1"), hits("/amp/story")),
        (1, 1),
        "each fetched once"
    );
    assert_eq!(hits("/story"), 0, "the canonical URL itself is not fetched");
    let stats = archive.json(&["stats", "--json"]);
    assert_eq!(
        (stats["pages"].as_u64(), stats["articles"].as_u64()),
        (Some(1), Some(1)),
        "{stats}"
    );
    let found = archive.json(&["search", "pierword", "--json"]);
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(
        found["hits"][0]["url"],
        canonical.as_str(),
        "keyed by the canonical URL"
    );
    for url in [&by_id, &amp, &canonical] {
        let shown = archive.run(&["show", url]);
        assert_eq!(shown.code, 0, "show {url}: {shown:?}");
        assert!(
            shown.stdout.starts_with("Harbour vote"),
            "{url}: {}",
            shown.stdout
        );
    }

    // Known URLs are not fetched again; a new route to the article is fetched once, then
    // known too, and never stored a second time.
    server.clear_log();
    let second = ingest(&[], &[&by_id, &amp, &print]);
    assert_eq!(
        summary(&second),
        "ingested 0, unchanged 3, skipped 0, failed 0",
        "{second:?}"
    );
    assert_eq!(hits("/print/story"), 1);
    assert_eq!(fetched().len(), 1, "only the new URL: {:?}", fetched());
    server.clear_log();
    let third = ingest(&[], &[&amp, &print]);
    assert_eq!(
        summary(&third),
        "ingested 0, unchanged 2, skipped 0, failed 0"
    );
    assert!(server.log().is_empty(), "{:?}", server.log());
    assert_eq!(archive.json(&["stats", "--json"])["pages"], 1);

    // --refresh asks again only for the URL the stored copy came from, with its ETag.
    let refreshed = ingest(&["--refresh"], &[&by_id, &amp, &print]);
    assert_eq!(
        summary(&refreshed),
        "ingested 0, unchanged 3, skipped 0, failed 0",
        "{refreshed:?}"
    );
    let log = fetched();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0].path, "/story?id=1");
    assert_eq!(log[0].if_none_match.as_deref(), Some("\"v1\""));
    assert_eq!(log[0].status, 304);

    // Rebuild and export see the one page.
    let rebuilt = archive.run(&["rebuild"]);
    assert_eq!(rebuilt.code, 0, "{rebuilt:?}");
    assert!(
        rebuilt.stdout.contains("from 1 pages: 1 articles"),
        "{}",
        rebuilt.stdout
    );
    assert_eq!(archive.json(&["search", "pierword", "--json"])["total"], 1);
    let warc = archive.path().join("export.warc");
    let exported = archive.run(&["export", "--warc", warc.to_str().unwrap()]);
    assert!(
        exported.stdout.starts_with("exported 1 pages"),
        "{exported:?}"
    );
}

/// A page with a text of its own: `article` pages differ only in their marker word.
fn distinct_page(n: u64, marker: &str, canonical: &str) -> String {
    const WORDS: &[&str] = &[
        "council", "harbour", "budget", "minister", "village", "river", "energy", "teachers",
        "hospital", "railway", "festival", "court", "climate", "market", "housing", "police",
        "museum", "farmers", "bridge", "workers", "tourism", "schools", "storm", "airport",
    ];
    let mut state = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut text = String::new();
    for i in 0..80 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        text.push_str(WORDS[(state % WORDS.len() as u64) as usize]);
        text.push_str(if i % 10 == 9 { ". " } else { " " });
    }
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Story {n}</title>\
         <link rel=\"canonical\" href=\"{canonical}\"></head><body><article><h1>Story {n}</h1>\
         <p>{marker} {text}</p><p>{text}</p></article></body></html>"
    )
}

#[test]
fn canonical_urls_that_would_merge_different_articles_are_not_trusted() {
    let server = FaultServer::start();
    let claims = [
        // The site's home page, as a CMS default.
        ("/a", server.url("/")),
        ("/b", server.url("/index.html")),
        // Another site (a staging host, a syndication source).
        ("/c", "https://elsewhere.example/story".to_owned()),
        ("/d", "https://elsewhere.example/story".to_owned()),
        // One section page for every article of the section.
        ("/e", server.url("/news/")),
        ("/f", server.url("/news/")),
    ];
    for (n, (path, canonical)) in claims.iter().enumerate() {
        let marker = format!("marker{}", &path[1..]);
        server.route(
            path,
            Reply::html(distinct_page(n as u64 + 1, &marker, canonical)),
        );
    }
    let archive = Archive::new();
    let urls: Vec<String> = claims.iter().map(|(path, _)| server.url(path)).collect();
    let mut args = vec!["ingest"];
    args.extend(FAST);
    args.extend(urls.iter().map(String::as_str));
    let run = archive.run(&args);
    assert_eq!(
        summary(&run),
        "ingested 6, unchanged 0, skipped 0, failed 0",
        "{run:?}"
    );
    let stats = archive.json(&["stats", "--json"]);
    assert_eq!(
        (stats["pages"].as_u64(), stats["articles"].as_u64()),
        (Some(6), Some(6)),
        "{stats}"
    );
    let url_of = |marker: &str| {
        let found = archive.json(&["search", marker, "--json"]);
        assert_eq!(found["total"], 1, "{marker}: {found}");
        found["hits"][0]["url"].as_str().unwrap().to_owned()
    };
    for (path, marker) in [
        ("/a", "markera"),
        ("/b", "markerb"),
        ("/c", "markerc"),
        ("/d", "markerd"),
    ] {
        assert_eq!(url_of(marker), server.url(path), "{marker}");
    }
    // The first article keeps the section URL it claims; the second, a different story, is
    // not merged into it.
    assert_eq!(url_of("markere"), server.url("/news/"));
    assert_eq!(url_of("markerf"), server.url("/f"));
}
