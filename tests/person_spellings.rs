//! One person, several spellings (issue 12): each result shows a person as its article spells
//! them ("Volodymyr Zelensky" in one piece, "Volodymyr Zelenskyy" in the others; "Recep Tayyip
//! Erdoğan" and "Erdogan"), while `person:`, the persons list, the facets and the web app's
//! person links all go by the archive's one identity for them. (The tagger reads English only,
//! so a Russian article names nobody; Cyrillic spellings are pinned in the index's own tests.)

use crate::support::Archive;
use crate::support::serve::Served;

const MIRROR: &str = "https://www.mirror.example/news/zelensky-school-kharkiv";
const GRAIN: &str = "https://www.fieldnews.example/2025/grain-exports";
const BUDGET: &str = "https://kyiv.example/politics/energy-budget";
const BRIDGE: &str = "https://www.bosphorus.example/news/bridge";
const TALKS: &str = "https://ankara.example/2025/10/shipping-talks";

/// (url, site, language, title, paragraphs): two spellings of each of two persons, the one
/// written "Zelenskyy" in two articles out of three, so that it is the archive's name.
const ARTICLES: [(&str, &str, &str, &str, &[&str]); 5] = [
    (
        MIRROR,
        "Mirror",
        "en",
        "Volodymyr Zelensky thanks volunteers who rebuilt a school in Kharkiv",
        &[
            "Ukraine's president Volodymyr Zelensky visited the rebuilt school on Monday and thanked the volunteers who repaired its roof before winter.",
            "Zelensky told pupils that their classrooms would stay open whatever happened. The headteacher, Olena Marchenko, said the building now had its own generator.",
        ],
    ),
    (
        GRAIN,
        "Field News",
        "en",
        "Zelenskyy meets farmers about grain exports",
        &[
            "President Volodymyr Zelenskyy met grain farmers in Odesa on Tuesday to discuss exports through the Black Sea corridor.",
            "Zelenskyy said shipping insurance remained the main problem. Farmer Andriy Kovalenko asked for cheaper loans for new silos.",
        ],
    ),
    (
        BUDGET,
        "Kyiv Daily",
        "en",
        "Parliament debates energy budget",
        &[
            "Lawmakers in Kyiv debated the energy budget on Wednesday.",
            "Volodymyr Zelenskyy urged them to fund repairs to power stations damaged over the summer, and speaker Ruslan Stefanchuk promised a vote within a week.",
        ],
    ),
    (
        BRIDGE,
        "Bosphorus Times",
        "en",
        "Erdoğan opens new bridge over the Bosphorus",
        &[
            "Turkish President Recep Tayyip Erdoğan opened a suspension bridge in Istanbul on Saturday.",
            "Erdoğan said the bridge would cut commuting times by half. Engineer Ayşe Demir led the construction team.",
        ],
    ),
    (
        TALKS,
        "Ankara Post",
        "en",
        "Turkey hosts talks on shipping",
        &[
            "Delegates met in Ankara on Sunday for talks on shipping in the Black Sea.",
            "Recep Tayyip Erdogan welcomed them and said Turkey wanted the corridor kept open, while foreign minister Hakan Fidan chaired the sessions.",
        ],
    ),
];

/// A plain news page of `site` in `lang`, published on one date.
fn page(url: &str, site: &str, lang: &str, title: &str, paragraphs: &[&str]) -> String {
    crate::support::news_page(url, site, "2025-10-06T09:00:00Z", lang, title, paragraphs)
}

fn archive() -> Archive {
    let archive = Archive::new();
    let dir = archive.path().join("pages");
    std::fs::create_dir_all(&dir).unwrap();
    for (i, (url, site, lang, title, paragraphs)) in ARTICLES.iter().enumerate() {
        std::fs::write(
            dir.join(format!("{i}.html")),
            page(url, site, lang, title, paragraphs),
        )
        .unwrap();
    }
    let run = archive.run(&["ingest", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run:?}");
    archive
}

/// `search --json ARGS`, every hit on one page, facets included.
fn search(archive: &Archive, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["search", "--json", "--limit", "20"];
    all.extend_from_slice(args);
    archive.json(&all)
}

/// Per hit: its URL, the persons it shows and their canonical names (pairs in order).
fn shown(results: &serde_json::Value) -> Vec<(String, Vec<(String, String)>)> {
    let strings = |value: &serde_json::Value| -> Vec<String> {
        value
            .as_array()
            .unwrap()
            .iter()
            .map(|name| name.as_str().unwrap().to_owned())
            .collect()
    };
    results["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| {
            let persons = strings(&hit["persons"]);
            let canonical = strings(&hit["canonical_persons"]);
            assert_eq!(persons.len(), canonical.len(), "{hit}");
            let url = hit["url"].as_str().unwrap().to_owned();
            (url, persons.into_iter().zip(canonical).collect())
        })
        .collect()
}

/// The name a hit shows for the person whose canonical name is `canonical`.
fn spelling<'a>(hit: &'a [(String, String)], canonical: &str) -> Option<&'a str> {
    hit.iter()
        .find(|(_, c)| c == canonical)
        .map(|(shown, _)| shown.as_str())
}

#[test]
fn each_hit_shows_the_spelling_its_article_uses() {
    let archive = archive();
    let results = search(&archive, &["person:Zelensky"]);
    let hits = shown(&results);
    assert_eq!(hits.len(), 3, "{results:#}");
    for (url, persons) in &hits {
        let expected = if url == MIRROR {
            "Volodymyr Zelensky"
        } else {
            "Volodymyr Zelenskyy"
        };
        assert_eq!(
            spelling(persons, "Volodymyr Zelenskyy"),
            Some(expected),
            "{url}: {persons:?}"
        );
    }
    let text = archive.run(&["search", "person:Zelensky", "--limit", "20"]);
    assert_eq!(text.code, 0, "{text:?}");
    let lines: Vec<&str> = text.stdout.lines().map(str::trim).collect();
    let mirror = lines
        .iter()
        .position(|line| line.ends_with(MIRROR))
        .expect("the Mirror hit");
    assert!(
        lines[mirror + 1].starts_with("persons: Volodymyr Zelensky")
            && !lines[mirror + 1].contains("Zelenskyy"),
        "{}",
        text.stdout
    );
}

#[test]
fn each_hit_shows_the_spelling_its_article_uses_accents_and_all() {
    let archive = archive();
    let hits = shown(&search(&archive, &["person:Erdogan"]));
    assert_eq!(hits.len(), 2, "{hits:?}");
    let canonical = &hits[0]
        .1
        .iter()
        .find(|(_, c)| c.contains("Erdo"))
        .unwrap()
        .1;
    for (url, persons) in &hits {
        let expected = if url == BRIDGE {
            "Recep Tayyip Erdoğan"
        } else {
            "Recep Tayyip Erdogan"
        };
        assert_eq!(spelling(persons, canonical), Some(expected), "{url}");
    }
}

#[test]
fn a_person_search_by_any_spelling_finds_every_article() {
    let archive = archive();
    for name in [
        "Volodymyr Zelensky",
        "Volodymyr Zelenskyy",
        "Zelenskiy",
        "zelensky",
    ] {
        let results = search(&archive, &["--person", name]);
        assert_eq!(results["total"], 3, "{name}: {results:#}");
    }
    for name in ["Recep Tayyip Erdoğan", "Recep Tayyip Erdogan", "ERDOĞAN"] {
        let results = search(&archive, &[&format!("person:\"{name}\"")]);
        assert_eq!(results["total"], 2, "{name}: {results:#}");
    }
}

#[test]
fn facets_and_the_persons_list_count_one_person_under_the_archive_name() {
    let archive = archive();
    let results = search(&archive, &["lang:en"]);
    assert_eq!(results["total"], 5, "{results:#}");
    let facets: Vec<(&str, u64)> = results["facets"]["persons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["value"].as_str().unwrap(), f["count"].as_u64().unwrap()))
        .collect();
    let zelensky: Vec<_> = facets.iter().filter(|f| f.0.contains("Zelensk")).collect();
    assert_eq!(zelensky, [&("Volodymyr Zelenskyy", 3)], "{facets:?}");
    let erdogan: Vec<_> = facets.iter().filter(|f| f.0.contains("Erdo")).collect();
    assert_eq!(erdogan.len(), 1, "{facets:?}");
    assert_eq!(erdogan[0].1, 2, "{facets:?}");

    let listed = archive.json(&["persons", "--json"]);
    let names: Vec<(&str, u64)> = listed["persons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), p["articles"].as_u64().unwrap()))
        .collect();
    assert!(names.contains(&("Volodymyr Zelenskyy", 3)), "{names:?}");
    assert!(
        !names.iter().any(|n| n.0 == "Volodymyr Zelensky"),
        "{names:?}"
    );
}

#[test]
fn show_prints_the_articles_own_spelling() {
    let archive = archive();
    let text = archive.run(&["show", MIRROR]);
    assert_eq!(text.code, 0, "{text:?}");
    let persons = text
        .stdout
        .lines()
        .find(|line| line.starts_with("persons:"))
        .expect("a persons line");
    assert!(
        persons.contains("Volodymyr Zelensky (") && !persons.contains("Zelenskyy"),
        "{persons}"
    );
    let json = archive.json(&["show", BRIDGE, "--json"]);
    let names: Vec<&str> = json["persons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Recep Tayyip Erdoğan"), "{names:?}");
}

/// `application/x-www-form-urlencoded`, as the pages write their links.
fn form(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b' ' => "+".to_owned(),
            b if b.is_ascii_alphanumeric() => char::from(b).to_string(),
            b => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn the_web_pages_show_the_articles_spelling_and_link_the_archive_person() {
    let archive = archive();
    let server = Served::start(&archive, &[]);
    // The result list: the article's spelling, linked to the person the archive knows.
    let results = server.get("/?q=kharkiv");
    assert_eq!(results.status, 200, "{results:?}");
    assert!(
        results.body.contains(&format!(
            r#"href="/person?name={}" title="Volodymyr Zelenskyy">Volodymyr Zelensky</a>"#,
            form("Volodymyr Zelenskyy")
        )),
        "{}",
        results.body
    );
    // The article page: the article's spelling, and its link finds all three articles.
    let article = server.get(&format!("/article?url={}", form(MIRROR)));
    assert_eq!(article.status, 200, "{article:?}");
    let link = format!("/person?name={}", form("Volodymyr Zelensky"));
    assert!(
        article
            .body
            .contains(&format!(r#"href="{link}">Volodymyr Zelensky</a>"#)),
        "{}",
        article.body
    );
    let person = server.get(&link);
    assert_eq!(person.status, 200, "{person:?}");
    assert!(
        person.body.contains("<strong>3</strong> articles"),
        "{}",
        person.body
    );
    for title in [
        "thanks volunteers who rebuilt a school",
        "meets farmers about grain exports",
        "Parliament debates energy budget",
    ] {
        assert!(person.body.contains(title), "{title}: {}", person.body);
    }
}
