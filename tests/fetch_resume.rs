//! Interruption and re-runs: an ingest killed with SIGKILL half-way loses nothing it stored
//! and the next run fetches only what is missing; a second ingest at the same time is refused
//! with a clear message while `search` keeps working; `--refresh` revalidates with ETags.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use newsdex_e2e::Archive;
use newsdex_e2e::fault::{FAST, FaultServer, Reply, article};

const PAGES: usize = 12;
const SERVED_BEFORE_STALL: usize = 5;

fn page_paths(hits: &[newsdex_e2e::fault::Hit], answered: bool) -> BTreeSet<String> {
    hits.iter()
        .filter(|hit| hit.path.starts_with("/p/") && (!answered || hit.status == 200))
        .map(|hit| hit.path.clone())
        .collect()
}

#[test]
fn an_ingest_killed_half_way_resumes_with_only_the_missing_pages() {
    let server = FaultServer::start();
    let urls: Vec<String> = (0..PAGES)
        .map(|n| {
            let path = format!("/p/{n:02}");
            server.route(
                &path,
                Reply::html(article(&format!("Resumable story {n}"), "resumeword")),
            );
            server.url(&path)
        })
        .collect();
    server.stall_after("/p/", SERVED_BEFORE_STALL);

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

    // Wait until the pages served before the stall are stored (the report is written after
    // each page is stored), then look around while the ingest hangs on the next one.
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::fs::read_to_string(&report).map_or(0, |text| text.lines().count())
        < SERVED_BEFORE_STALL
    {
        assert!(
            Instant::now() < deadline,
            "the first ingest made no progress"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the first ingest ended early"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
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
    let server = FaultServer::start();
    let urls: Vec<String> = (0..PAGES)
        .map(|n| {
            let path = format!("/p/{n:02}");
            server.route(
                &path,
                Reply::html(article(&format!("Interrupted story {n}"), "sigintword")),
            );
            server.url(&path)
        })
        .collect();
    server.stall_after("/p/", SERVED_BEFORE_STALL);
    let archive = Archive::new();
    let report = archive.path().join("report.jsonl");
    let mut args: Vec<&str> = vec!["ingest", "--report", report.to_str().unwrap()];
    args.extend(FAST);
    args.extend(urls.iter().map(String::as_str));
    let child = archive
        .command()
        .args(&args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("newsdex starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::fs::read_to_string(&report).map_or(0, |text| text.lines().count())
        < SERVED_BEFORE_STALL
    {
        assert!(Instant::now() < deadline, "the ingest made no progress");
        std::thread::sleep(Duration::from_millis(50));
    }
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
    // Committed before exiting, although --commit-every was never reached.
    assert_eq!(
        archive.json(&["stats", "--json"])["articles"],
        SERVED_BEFORE_STALL
    );
}
