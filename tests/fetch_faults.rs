//! The fetcher against a server that misbehaves: rate limits with `Retry-After`, flaky and
//! broken servers, slow and oversized answers, PDFs, redirect loops, compressed bodies, an
//! unlabelled Windows-1252 page, tracking-parameter duplicates, and private addresses.

use std::time::Duration;

use crate::support::Archive;
use crate::support::fault::{FAST, FaultServer, Reply, article, gzip};

/// Latin-1 text encoded as Windows-1252 (every char here is below U+0100).
fn windows_1252(text: &str) -> Vec<u8> {
    text.chars()
        .map(|ch| u8::try_from(u32::from(ch)).expect("Latin-1 text"))
        .collect()
}

#[test]
fn faults_are_retried_reported_or_refused() {
    let server = FaultServer::start();
    server.route("/ok", Reply::html(article("Plain page", "quokka")));
    server.route(
        "/retry-after",
        Reply::Sequence(vec![
            Reply::status(429).header("Retry-After", "1"),
            Reply::html(article("Patient page", "wombat")),
        ]),
    );
    server.route(
        "/flaky",
        Reply::Sequence(vec![
            Reply::status(503),
            Reply::html(article("Flaky page", "numbat")),
        ]),
    );
    server.route("/down", Reply::status(503));
    server.route(
        "/slow",
        Reply::Slow(
            Duration::from_secs(3),
            Box::new(Reply::html(article("Slow page", "sloth"))),
        ),
    );
    server.route("/huge", Reply::html(vec![b'a'; 2 * 1024 * 1024]));
    let mut bomb = b"<html><body><p>".to_vec();
    bomb.extend(vec![b'z'; 4 * 1024 * 1024]);
    server.route(
        "/bomb",
        Reply::new(200, "text/html", gzip(&bomb)).header("Content-Encoding", "gzip"),
    );
    server.route(
        "/report.pdf",
        Reply::new(200, "application/pdf", b"%PDF-1.7 not a page".to_vec()),
    );
    server.route("/loop-a", Reply::redirect("/loop-b"));
    server.route("/loop-b", Reply::redirect("/loop-a"));
    server.route("/moved", Reply::redirect("/moved-here"));
    server.route("/moved-here", Reply::html(article("Moved page", "bilby")));
    server.route("/gone", Reply::status(404));
    for hop in 0..12 {
        server.route(
            &format!("/hop/{hop}"),
            Reply::redirect(&format!("/hop/{}", hop + 1)),
        );
    }
    server.route(
        "/gzip",
        Reply::gzip_html(article("Zipped page", "platypus").as_bytes()),
    );
    server.route(
        "/brotli",
        Reply::brotli_html(article("Brotli page", "echidna").as_bytes()),
    );
    let latin = article(
        "Grève à Zürich",
        "Zürichsee",
    )
    .replace("<meta charset=\"utf-8\">", "")
    .replace(
        "</article>",
        "<p>Les cafés de Zürich ont été fermés à cause de la grève; à Genève, la fête a continué \
         malgré la pluie. Die Bürger wünschen sich eine schnelle Lösung für das Müllproblem.</p></article>",
    );
    server.route("/latin", Reply::new(200, "text/html", windows_1252(&latin)));
    server.route(
        "/story?id=7",
        Reply::html(article("Tracked story", "dingo")),
    );

    let archive = Archive::new();
    let report = archive.path().join("report.jsonl");
    let paths = [
        "/ok",
        "/retry-after",
        "/flaky",
        "/down",
        "/slow",
        "/huge",
        "/bomb",
        "/report.pdf",
        "/loop-a",
        "/moved",
        "/gone",
        "/hop/0",
        "/gzip",
        "/brotli",
        "/latin",
        "/story?id=7&utm_source=newsletter",
        "/story?fbclid=abc123&id=7#comments",
    ];
    let urls: Vec<String> = paths.iter().map(|path| server.url(path)).collect();
    let mut args = vec!["ingest", "--timeout", "1", "--max-body", "1M", "--report"];
    args.push(report.to_str().unwrap());
    args.extend(FAST);
    args.extend(urls.iter().map(String::as_str));
    let run = archive.run(&args);

    assert_eq!(run.code, 1, "failures make the exit code 1\n{run:?}");
    assert_eq!(
        run.stdout.lines().next().unwrap(),
        "ingested 8, unchanged 0, skipped 2, failed 7",
        "{run:?}"
    );
    let error_for = |path: &str| -> String {
        let url = server.url(path);
        run.stderr
            .lines()
            .find(|line| line.starts_with("error: ") && line.contains(&url))
            .unwrap_or_else(|| panic!("no error line for {path}:\n{}", run.stderr))
            .to_owned()
    };
    assert!(error_for("/down").contains("HTTP 503"));
    assert!(error_for("/slow").contains("timed out"));
    assert!(error_for("/huge").contains("body larger than"));
    assert!(error_for("/bomb").contains("body larger than"));
    assert!(error_for("/loop-a").contains("redirect loop"));
    assert!(error_for("/gone").contains("HTTP 404"));
    assert!(error_for("/hop/0").contains("more than 10 redirects"));
    assert!(run.stderr.contains("application/pdf"), "{}", run.stderr);
    assert!(
        run.stdout.contains("skipped: 1 duplicate, 1 not HTML"),
        "{}",
        run.stdout
    );

    // What the server saw: retries where they help, none where they cannot.
    let retried = server.hits("/retry-after");
    assert_eq!(retried.len(), 2);
    assert!(
        retried[1].start.duration_since(retried[0].end) >= Duration::from_secs(1),
        "Retry-After: 1 was honoured"
    );
    assert_eq!(server.hits("/flaky").len(), 2, "503 then 200");
    assert_eq!(server.hits("/down").len(), 3, "three tries by default");
    assert_eq!(server.hits("/gone").len(), 1, "4xx is final");
    assert_eq!(
        server.hits("/slow").len(),
        1,
        "a slow answer is not asked again"
    );
    assert_eq!(
        server.hits("/story?id=7").len(),
        1,
        "one fetch for both spellings"
    );
    assert_eq!(server.hits("/loop-a").len(), 1);
    assert!(
        server.hits("/hop/11").is_empty(),
        "ten hops followed, no more"
    );
    assert_eq!(server.hits("/hop/10").len(), 1);
    assert!(server.log().iter().all(|hit| hit.path.starts_with('/')));

    // The report has one line per URL.
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&report)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), paths.len());
    let pdf = lines
        .iter()
        .find(|line| line["url"].as_str().unwrap().ends_with("/report.pdf"))
        .unwrap();
    assert_eq!(pdf["outcome"], "skipped");
    assert_eq!(pdf["reason"], "not HTML");
    let moved = lines
        .iter()
        .find(|line| line["url"].as_str().unwrap().ends_with("/moved"))
        .unwrap();
    assert_eq!(moved["outcome"], "ingested");
    assert!(
        moved["final_url"]
            .as_str()
            .unwrap()
            .ends_with("/moved-here")
    );

    // Compressed bodies were decoded, the unlabelled Windows-1252 page too.
    for word in ["wombat", "numbat", "platypus", "echidna", "bilby", "dingo"] {
        let found = archive.json(&["search", word, "--json"]);
        assert_eq!(found["total"], 1, "{word}: {found}");
    }
    let shown = archive.run(&["show", &server.url("/latin")]);
    assert_eq!(shown.code, 0, "{shown:?}");
    assert!(shown.stdout.contains("Zürich"), "{}", shown.stdout);
    assert!(shown.stdout.contains("Müllproblem"), "{}", shown.stdout);
}

#[test]
fn private_addresses_are_refused_unless_allowed() {
    let server = FaultServer::start();
    server.route("/ok", Reply::html(article("Private page", "kiwi")));
    let archive = Archive::new();
    let by_name = server.url_on("intranet.test", "/ok");
    let resolve = "intranet.test=127.0.0.1";
    let run = archive.run(&[
        "ingest",
        "--delay",
        "0",
        "--resolve",
        resolve,
        &server.url("/ok"),
        &by_name,
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.stdout.lines().next().unwrap(),
        "ingested 0, unchanged 0, skipped 0, failed 2"
    );
    assert_eq!(
        run.stderr
            .matches("private, loopback or link-local")
            .count(),
        2,
        "{}",
        run.stderr
    );
    assert!(server.log().is_empty(), "nothing reached the server");

    let allowed = archive.run(&[
        "ingest",
        "--delay",
        "0",
        "--allow-private",
        "--resolve",
        resolve,
        &by_name,
    ]);
    assert_eq!(allowed.code, 0, "{allowed:?}");
    assert!(allowed.stdout.starts_with("ingested 1,"), "{allowed:?}");
}

#[test]
fn only_http_urls_are_fetched() {
    let archive = Archive::new();
    let run = archive.run(&["ingest", "--allow-private", "ftp://files.example/a.html"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("only http"), "{}", run.stderr);
}
