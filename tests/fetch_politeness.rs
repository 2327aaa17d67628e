//! Politeness, asserted from the server's own request log: one request at a time per site
//! with the configured pause between them, sites crawled in parallel, robots.txt rules and
//! `Crawl-delay` obeyed, an honest User-Agent.

use std::time::Duration;

use crate::support::Archive;
use crate::support::fault::{FaultServer, Hit, Reply, article};

/// Asserts that every request of `hits` started at least `pause` after the previous one was
/// answered (which also means they never overlapped).
fn assert_paced(hits: &[Hit], pause: Duration) {
    for pair in hits.windows(2) {
        let gap = pair[1].start.saturating_duration_since(pair[0].end);
        assert!(
            pair[1].start >= pair[0].end && gap >= pause,
            "{} then {} on {}: only {gap:?} apart",
            pair[0].path,
            pair[1].path,
            pair[0].host
        );
    }
}

#[test]
fn each_site_is_paced_and_sites_run_in_parallel() {
    let server = FaultServer::start();
    let hosts = ["alpha.test", "bravo.test", "charlie.test"];
    let mut args: Vec<String> = ["ingest", "--allow-private", "--delay", "0.3"]
        .map(String::from)
        .to_vec();
    for host in hosts {
        args.push("--resolve".into());
        args.push(format!("{host}=127.0.0.1"));
    }
    // Grouped by site, so that a crawler working through its list in order would finish
    // one site before starting the next.
    for host in hosts {
        for n in 0..3 {
            let path = format!("/news/{n}");
            server.route_on(
                host,
                &path,
                Reply::html(article(&format!("{host} {n}"), host)),
            );
            args.push(server.url_on(host, &path));
        }
    }
    let archive = Archive::new();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = archive.run(&args);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.starts_with("ingested 9,"), "{run:?}");

    let log = server.log();
    for host in hosts {
        let hits: Vec<Hit> = log.iter().filter(|hit| hit.host == host).cloned().collect();
        assert_eq!(hits.len(), 4, "robots.txt and three pages on {host}");
        assert_eq!(hits[0].path, "/robots.txt", "robots.txt comes first");
        assert_paced(&hits, Duration::from_millis(300));
    }
    // Every site started before any other site was finished: they ran side by side.
    for first in hosts {
        for other in hosts {
            let started = log.iter().find(|hit| hit.host == first).unwrap().start;
            let last_of_other = log
                .iter()
                .rev()
                .find(|hit| hit.host == other)
                .unwrap()
                .start;
            assert!(
                started < last_of_other,
                "{first} waited for {other} to finish"
            );
        }
    }
    for hit in &log {
        assert!(
            hit.user_agent.starts_with("newsdex/") && hit.user_agent.contains("(+https://"),
            "User-Agent `{}`",
            hit.user_agent
        );
    }
}

#[test]
fn robots_txt_rules_and_crawl_delay_are_obeyed() {
    let server = FaultServer::start();
    server.route(
        "/robots.txt",
        Reply::new(
            200,
            "text/plain",
            "User-agent: *\nDisallow: /private/\nCrawl-delay: 0.4\n",
        ),
    );
    for path in ["/news/1", "/news/2", "/private/secret"] {
        server.route(path, Reply::html(article(path, "kakapo")));
    }
    let urls: Vec<String> = ["/news/1", "/news/2", "/private/secret"]
        .iter()
        .map(|path| server.url(path))
        .collect();

    let archive = Archive::new();
    let mut args = vec!["ingest", "--allow-private", "--delay", "0"];
    args.extend(urls.iter().map(String::as_str));
    let run = archive.run(&args);
    assert_eq!(run.code, 0, "a robots.txt skip is not a failure\n{run:?}");
    assert_eq!(
        run.stdout.lines().next().unwrap(),
        "ingested 2, unchanged 0, skipped 1, failed 0"
    );
    assert!(
        run.stdout.contains("skipped: 1 robots.txt"),
        "{}",
        run.stdout
    );
    assert!(server.hits("/private/secret").is_empty());
    assert_eq!(server.hits("/robots.txt").len(), 1, "cached for the run");
    // Crawl-delay 0.4 s beats --delay 0, and follows robots.txt itself too.
    assert_paced(&server.log(), Duration::from_millis(400));

    server.clear_log();
    let ignoring = Archive::new();
    let mut args = vec![
        "ingest",
        "--allow-private",
        "--delay",
        "0",
        "--ignore-robots",
    ];
    args.extend(urls.iter().map(String::as_str));
    let run = ignoring.run(&args);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.starts_with("ingested 3,"), "{run:?}");
    assert!(server.hits("/robots.txt").is_empty());
    assert_eq!(server.hits("/private/secret").len(), 1);
}

#[test]
fn an_unreachable_robots_txt_keeps_the_site_off_limits() {
    let server = FaultServer::start();
    server.route("/robots.txt", Reply::status(503));
    server.route("/news/1", Reply::html(article("Unreachable", "takahe")));
    let archive = Archive::new();
    let run = archive.run(&[
        "ingest",
        "--allow-private",
        "--delay",
        "0",
        "--retry-delay",
        "0.05",
        &server.url("/news/1"),
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("robots.txt unreachable"),
        "{}",
        run.stderr
    );
    assert_eq!(
        server.hits("/robots.txt").len(),
        3,
        "retried like any request"
    );
    assert!(server.hits("/news/1").is_empty());
}
