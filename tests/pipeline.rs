//! The whole pipeline through the `newsdex` binary: ingest sample pages from a local server,
//! search them, ingest again, rebuild, and the cleaner on the Mirror sample.

use std::collections::HashMap;

use crate::support::{Archive, Canned, TestServer, sample, sample_names, shared_dir};

const MIRROR: &str = "mirror-coalition-of-the-willing.html";

fn serve_samples() -> (TestServer, Vec<String>) {
    let mut routes: HashMap<String, Canned> = sample_names()
        .into_iter()
        .map(|name| (format!("/news/{name}"), Canned::html(sample(&name))))
        .collect();
    routes.insert(
        "/files/report.pdf".into(),
        Canned::new(200, "application/pdf", b"%PDF-1.7 not a page".to_vec()),
    );
    let server = TestServer::start(routes);
    let urls = sample_names()
        .iter()
        .map(|name| server.url(&format!("/news/{name}")))
        .collect();
    (server, urls)
}

fn hit_urls(results: &serde_json::Value) -> Vec<String> {
    results["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["url"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn ingest_search_reingest_and_rebuild() {
    let (server, urls) = serve_samples();
    assert!(urls.len() >= 5, "at least five samples");
    let archive = Archive::new();
    let missing = server.url("/news/gone-404.html");
    let pdf = server.url("/files/report.pdf");
    // The server is on 127.0.0.1: private addresses must be allowed, and one local server
    // needs no pause between requests.
    let mut args: Vec<&str> = vec!["ingest", "--allow-private", "--delay", "0"];
    args.extend(urls.iter().map(String::as_str));
    args.push(&missing);
    args.push(&pdf);

    // A 404 and a PDF in the batch: both reported, the rest indexed, exit code non-zero.
    let first = archive.run(&args);
    assert_eq!(
        first.code, 1,
        "a failed input makes the exit code non-zero\n{first:?}"
    );
    assert_eq!(
        first.stdout.lines().next().unwrap_or(""),
        format!("ingested {}, unchanged 0, skipped 1, failed 1", urls.len()),
        "{first:?}"
    );
    assert!(
        first
            .stderr
            .lines()
            .any(|line| line.contains(&missing) && line.contains("404")),
        "{}",
        first.stderr
    );
    assert!(
        first
            .stderr
            .lines()
            .any(|line| line.contains(&pdf) && line.contains("application/pdf")),
        "{}",
        first.stderr
    );

    let query = ["search", "Coalition of the Willing", "--json"];
    let results = archive.json(&query);
    assert!(results["total"].as_u64().unwrap() >= 1);
    let top = &results["hits"][0];
    assert!(
        top["url"].as_str().unwrap().contains("mirror"),
        "Mirror article first: {results:#}"
    );
    assert!(
        top["snippet"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("coalition")
    );
    for field in [
        "url",
        "title",
        "site",
        "published",
        "authors",
        "persons",
        "score",
        "snippet",
    ] {
        assert!(top.get(field).is_some(), "hit has `{field}`");
    }
    assert!(
        top["published"].is_string(),
        "the Mirror sample has a publication date"
    );
    let before = hit_urls(&results);

    // Ingesting the same URLs again fetches and adds nothing.
    let mut again: Vec<&str> = vec!["ingest", "--allow-private", "--delay", "0"];
    again.extend(urls.iter().map(String::as_str));
    let second = archive.run(&again);
    assert_eq!(second.code, 0, "{second:?}");
    assert_eq!(
        second.stdout.trim(),
        format!("ingested 0, unchanged {}, skipped 0, failed 0", urls.len())
    );
    let stats = archive.json(&["stats", "--json"]);
    assert_eq!(
        stats["articles"].as_u64().unwrap(),
        urls.len() as u64,
        "no duplicate documents: {stats}"
    );
    assert_eq!(
        stats["pages"].as_u64().unwrap(),
        urls.len() as u64 + 1,
        "the PDF is stored too: {stats}"
    );
    assert!(stats["index_bytes"].as_u64().unwrap() > 0);
    assert_eq!(archive.json(&query)["total"], results["total"]);

    // Rebuilding from the page store gives the same hits, without the server.
    drop(server);
    let rebuilt = archive.run(&["rebuild"]);
    assert_eq!(rebuilt.code, 0, "{rebuilt:?}");
    let after = archive.json(&query);
    assert_eq!(hit_urls(&after), before);
    assert_eq!(
        archive.json(&["stats", "--json"])["articles"],
        stats["articles"]
    );

    // `show` finds the article by the URL it was fetched from.
    let mirror_url = urls.iter().find(|url| url.contains("mirror")).unwrap();
    let shown = archive.run(&["show", mirror_url]);
    assert_eq!(shown.code, 0, "{shown:?}");
    assert!(shown.stdout.contains("Coalition of the Willing"));
}

#[test]
fn ingest_reads_files_directories_and_url_lists() {
    let archive = Archive::new();
    let samples = crate::support::repo_root().join("data/samples");
    let run = archive.run(&["ingest", samples.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout.trim(),
        format!(
            "ingested {}, unchanged 0, skipped 0, failed 0",
            sample_names().len()
        )
    );

    let list = archive.path().join("urls.txt");
    std::fs::write(&list, "# a comment\n\nnot-a-url-or-file\n").unwrap();
    let bad = archive.run(&["ingest", "--urls", list.to_str().unwrap()]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr
            .contains("`not-a-url-or-file`: not a URL, file or directory"),
        "{}",
        bad.stderr
    );
}

#[test]
fn clean_of_the_mirror_sample_is_the_expected_text() {
    let Some(shared) = shared_dir() else { return };
    let expected = std::fs::read_to_string(shared.join("seed/expected-clean.txt")).unwrap();
    let archive = Archive::new();
    let path = crate::support::repo_root()
        .join("data/samples")
        .join(MIRROR);
    let run = archive.run(&["clean", path.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run:?}");
    let paragraphs = |text: &str| -> Vec<String> {
        text.split("\n\n")
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|p| !p.is_empty())
            .collect()
    };
    assert_eq!(paragraphs(&run.stdout), paragraphs(&expected));
}

#[test]
fn malformed_query_and_missing_article_are_one_line_errors() {
    let archive = Archive::new();
    // Before anything is ingested there is no index to search, and the command says so.
    let run = archive.run(&["search", "anything"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("ingest something first"),
        "{}",
        run.stderr
    );
    let sample = crate::support::repo_root()
        .join("data/samples")
        .join(MIRROR);
    assert_eq!(archive.run(&["ingest", sample.to_str().unwrap()]).code, 0);
    let run = archive.run(&["search", "title:("]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr.trim().lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("invalid query"), "{}", run.stderr);
    let run = archive.run(&["show", "https://nowhere.example/a"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("no article stored for `https://nowhere.example/a`"),
        "{}",
        run.stderr
    );
}

#[test]
fn clean_jsonl_cleans_many_files_in_one_process_and_reports_each_failure() {
    let archive = Archive::new();
    let samples = crate::support::repo_root().join("data/samples");
    let mut args = vec!["clean".to_owned(), "--jsonl".to_owned()];
    for name in sample_names() {
        args.push(samples.join(name).display().to_string());
    }
    args.push(archive.path().join("missing.html").display().to_string());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = archive.run(&args);
    assert_eq!(run.code, 1, "one file failed: {run:?}");
    let lines: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), sample_names().len() + 1);
    for line in &lines[..lines.len() - 1] {
        assert!(
            line["article"]["title"]
                .as_str()
                .is_some_and(|t| !t.is_empty()),
            "{line}"
        );
        assert!(line["persons"].is_array(), "{line}");
    }
    let mirror = lines
        .iter()
        .find(|line| line["source"].as_str().unwrap().contains(MIRROR))
        .unwrap();
    let names: Vec<&str> = mirror["persons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Keir Starmer"), "{names:?}");
    let last = lines.last().unwrap();
    assert!(last["source"].as_str().unwrap().ends_with("missing.html"));
    assert!(
        last["error"].as_str().unwrap().contains("cannot read file"),
        "{last}"
    );
    // Several files without --jsonl is a usage error, not a guess.
    let run = archive.run(
        &args[..4]
            .iter()
            .filter(|a| **a != "--jsonl")
            .copied()
            .collect::<Vec<_>>(),
    );
    assert_eq!(run.code, 2, "{run:?}");
}
