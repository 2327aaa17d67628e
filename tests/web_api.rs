//! The web app's API and pages over real HTTP (issue 13): `/api/article`, `/api/timeline`,
//! `/api/stats`, `/healthz`, and the article and person pages, against `newsdex serve` on
//! 127.0.0.1 port 0 with the committed samples ingested.

use crate::support::encode;
use crate::support::serve::Served;
use crate::support::{Archive, sample, sample_names};

fn archive() -> Archive {
    let archive = Archive::new();
    let dir = archive.path().join("pages");
    std::fs::create_dir_all(&dir).unwrap();
    for name in sample_names() {
        std::fs::write(dir.join(&name), sample(&name)).unwrap();
    }
    let run = archive.run(&["ingest", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run:?}");
    archive
}

/// The URL of the first hit for `query`.
fn first_hit(server: &Served, query: &str) -> String {
    let results = server
        .get(&format!("/api/search?q={}", encode(query)))
        .json();
    results["hits"][0]["url"]
        .as_str()
        .unwrap_or_else(|| panic!("no hit for {query}: {results}"))
        .to_owned()
}

#[test]
fn api_article_is_the_show_document_with_persons_and_copies() {
    let archive = archive();
    let server = Served::start(&archive, &[]);
    let url = first_hit(&server, "\"coalition of the willing\"");
    let reply = server.get(&format!("/api/article?url={}", encode(&url)));
    assert_eq!(reply.status, 200, "{reply:?}");
    let json = reply.json();
    let shown = archive.json(&["show", &url, "--json"]);
    assert_eq!(
        json["article"], shown["article"],
        "the same document as `show --json`"
    );
    assert_eq!(json["persons"], shown["persons"]);
    let persons: Vec<&str> = json["persons"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(persons.contains(&"Keir Starmer"), "{persons:?}");
    let mention = &json["persons"][0]["mentions"][0];
    assert!(
        mention["start"].is_u64() && mention["end"].is_u64(),
        "{mention}"
    );
    assert!(json["copies"].is_array(), "{json}");
}

#[test]
fn an_unknown_article_is_a_404_and_a_missing_url_a_400_in_the_api_and_the_page() {
    let archive = archive();
    let server = Served::start(&archive, &[]);
    for (target, status) in [
        ("/api/article?url=https%3A%2F%2Fnowhere.example%2Fx", 404),
        ("/api/article", 400),
        ("/api/article?url=", 400),
    ] {
        let reply = server.get(target);
        assert_eq!(reply.status, status, "{target}: {reply:?}");
        assert_eq!(reply.header("content-type"), Some("application/json"));
        assert!(reply.json()["error"].is_string(), "{reply:?}");
    }
    let page = server.get("/article?url=https%3A%2F%2Fnowhere.example%2Fx");
    assert_eq!(page.status, 404);
    assert!(
        page.body.contains("no article is indexed under"),
        "{page:?}"
    );
    assert_eq!(server.get("/article").status, 400);
    let person = server.get("/person?name=Nobody+Known+Atall");
    assert_eq!(person.status, 404);
    assert!(person.body.contains("knows no one person"), "{person:?}");
}

#[test]
fn api_timeline_counts_the_matches_per_bucket_asked_for() {
    let archive = archive();
    let server = Served::start(&archive, &[]);
    let total = server.get("/api/search?q=ukraine").json()["total"]
        .as_u64()
        .unwrap();
    assert!(total > 0);
    for by in ["day", "week", "month"] {
        let reply = server.get(&format!("/api/timeline?q=ukraine&by={by}"));
        assert_eq!(reply.status, 200, "{reply:?}");
        let json = reply.json();
        assert_eq!(json["by"], by);
        let counted: u64 = json["buckets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["matches"][0].as_u64().unwrap())
            .sum();
        let undated = json["series"][0]["undated"].as_u64().unwrap();
        assert_eq!(counted + undated, total, "{by}: {json}");
    }
    let chosen = server.get("/api/timeline?q=ukraine").json();
    assert!(["day", "week", "month"].contains(&chosen["by"].as_str().unwrap()));
    for (target, status) in [
        ("/api/timeline?q=ukraine&by=year", 400),
        ("/api/timeline?q=titel%3Ax", 400),
        ("/api/timeline", 400),
    ] {
        let reply = server.get(target);
        assert_eq!(reply.status, status, "{target}: {reply:?}");
        assert!(reply.json()["error"].is_string());
    }
}

#[test]
fn api_stats_is_the_stats_document_and_healthz_says_the_index_is_readable() {
    let archive = archive();
    let server = Served::start(&archive, &[]);
    let reply = server.get("/api/stats");
    assert_eq!(reply.status, 200, "{reply:?}");
    let stats = reply.json();
    let cli = archive.json(&["stats", "--json"]);
    for key in ["pages", "articles", "persons"] {
        assert_eq!(stats[key], cli[key], "{key}");
    }
    let health = server.get("/healthz");
    assert_eq!(health.status, 200, "{health:?}");
    assert_eq!(health.json()["status"], "ok");
    assert_eq!(health.json()["articles"], cli["articles"]);
}

/// An archive served without its page store (an index copied on its own) used to answer
/// `/api/stats` with a 500: it has no stored pages, and its articles still count.
#[test]
fn api_stats_counts_no_pages_for_an_index_without_its_page_store() {
    let archive = archive();
    let articles = archive.json(&["stats", "--json"])["articles"].clone();
    for file in ["pages.db", "pages.db-wal", "pages.db-shm"] {
        let _ = std::fs::remove_file(archive.path().join(file));
    }
    let server = Served::start(&archive, &[]);
    let reply = server.get("/api/stats");
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.json()["pages"], 0);
    assert_eq!(reply.json()["articles"], articles);
    let cli = archive.json(&["stats", "--json"]);
    assert_eq!(cli["pages"], 0);
    assert_eq!(cli["articles"], articles);
}

/// The pages without a browser: the person page lists the names and the company a person
/// keeps, the search page's chips and bars are plain links (so it works without scripts).
#[test]
fn the_person_page_and_the_search_links_work_without_scripts() {
    let archive = archive();
    let server = Served::start(&archive, &[]);
    let page = server.get("/person?name=Starmer");
    assert_eq!(page.status, 200, "{page:?}");
    assert!(
        page.body.contains(r#"<h1 id="person">Keir Starmer</h1>"#),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"id="names""#), "{}", page.body);
    let search = server.get("/?q=ukraine");
    assert_eq!(search.status, 200);
    assert!(
        search.body.contains(r#"id="facet-persons""#),
        "{}",
        search.body
    );
    assert!(
        search.body.contains("<a href=\"/?q=ukraine&amp;since="),
        "{}",
        search.body
    );
    assert!(!search.body.contains("onclick") && !search.body.contains("javascript:"));
}
