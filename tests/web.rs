//! The web app in a real browser (issue 13): headless Chromium, driven through chromedriver
//! with fantoccini, against `newsdex serve` on 127.0.0.1 port 0. A person's path through the
//! app: search, narrow by a person chip, page forward, read an article with its persons
//! marked, and open a hostile article whose payloads must stay text. Screenshots of each step
//! go to `target/web-screenshots/` for a person to look at.
//!
//! Skipped, with a notice, where `chromium` or `chromedriver` is not installed (`.ci/run`
//! installs both).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::{Client, ClientBuilder, Locator};

use crate::support::serve::{PATIENCE, Served};
use crate::support::{Archive, repo_root};

/// The first of `names` found on PATH.
fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// chromedriver and the browser, or `None` with a notice.
fn browser() -> Option<(PathBuf, PathBuf)> {
    let driver = on_path(&["chromedriver"]);
    let chromium = on_path(&["chromium", "chromium-browser", "google-chrome"]);
    match (driver, chromium) {
        (Some(driver), Some(chromium)) => Some((driver, chromium)),
        _ => {
            eprintln!(
                "notice: chromium or chromedriver is not installed; skipping the browser test \
                 (apt-get install chromium chromium-driver)"
            );
            None
        }
    }
}

/// A running chromedriver on a free loopback port; killed when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start(binary: &Path) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(binary)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < PATIENCE, "chromedriver never listened");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A news page for the archive.
fn page(url: &str, title: &str, day: u32, paragraphs: &[String]) -> String {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | Harbour Herald</title>
<link rel="canonical" href="{url}">
<meta property="og:site_name" content="Harbour Herald">
<meta property="article:published_time" content="2025-08-{day:02}T08:00:00Z">
</head><body><article><h1>{title}</h1>
{body}</article></body></html>"#
    )
}

const WORDS: [&str; 48] = [
    "timetable",
    "weather",
    "captain",
    "engine",
    "pier",
    "tide",
    "passengers",
    "council",
    "island",
    "tickets",
    "repairs",
    "storm",
    "season",
    "crew",
    "cargo",
    "bridge",
    "harbour",
    "fishermen",
    "tourists",
    "schedule",
    "delay",
    "winter",
    "summer",
    "budget",
    "vote",
    "mayor",
    "school",
    "market",
    "festival",
    "lighthouse",
    "coast",
    "boats",
    "fuel",
    "price",
    "union",
    "strike",
    "route",
    "village",
    "hospital",
    "doctors",
    "road",
    "bus",
    "train",
    "museum",
    "library",
    "church",
    "farm",
    "shop",
];

/// Fourteen distinct ferry stories (different words, so no two are near-duplicates), five of
/// which name Maria Lindqvist; one a day from the 1st of August.
fn ferry_pages() -> Vec<(String, String)> {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        WORDS[(seed >> 33) as usize % WORDS.len()]
    };
    (1..=14u32)
        .map(|n| {
            let url = format!("https://harbourherald.example/news/ferry-{n}");
            let mut paragraphs: Vec<String> = (0..3)
                .map(|_| {
                    let words: Vec<&str> = (0..40).map(|_| next()).collect();
                    format!(
                        "The ferry report number {n} covered the {}.",
                        words.join(" ")
                    )
                })
                .collect();
            let person = if n % 3 == 0 || n == 1 || n == 14 {
                "The harbour master Maria Lindqvist said the ferry would sail again on Monday."
            } else {
                "The operator said the ferry would sail again on Monday."
            };
            paragraphs.insert(1, person.to_owned());
            let title = format!("Ferry service news, part {n}");
            (
                format!("ferry-{n}.html"),
                page(&url, &title, n, &paragraphs),
            )
        })
        .collect()
}

/// A page whose title and body carry script payloads (as text, escaped in the HTML), with a
/// `javascript:` canonical URL. Any payload that ran would set `window.__pwned` or open a
/// dialog.
const HOSTILE: &str = r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>&lt;script&gt;window.__pwned=1;alert(1)&lt;/script&gt; Budget vote &lt;img src=x onerror="window.__pwned=2;alert(2)"&gt;</title>
<link rel="canonical" href="javascript:window.__pwned=3;alert(3)">
<meta property="og:site_name" content="&quot;&gt;&lt;script&gt;window.__pwned=4&lt;/script&gt;">
<meta property="article:published_time" content="2025-08-20T08:00:00Z">
</head><body><article><h1>&lt;script&gt;window.__pwned=1;alert(1)&lt;/script&gt; Budget vote &lt;img src=x onerror="window.__pwned=2;alert(2)"&gt;</h1>
<p>The budget vote was delayed on Tuesday after &lt;script&gt;window.__pwned=5;alert(5)&lt;/script&gt; appeared in the draft, Treasurer Jonas Ekberg said at the council meeting in the harbour town.</p>
<p>Committee members said the &lt;img src=x onerror="window.__pwned=6;alert(6)"&gt; markup had been pasted from a website and that the budget text itself was unchanged, according to Jonas Ekberg.</p>
<p>A new vote on the budget is expected next week, once the clerks have checked every amendment for stray code and the ferry timetable has been agreed.</p>
</article></body></html>"#;

fn archive() -> Archive {
    let archive = Archive::new();
    let dir = archive.path().join("pages");
    std::fs::create_dir_all(&dir).unwrap();
    for name in crate::support::sample_names() {
        std::fs::write(dir.join(&name), crate::support::sample(&name)).unwrap();
    }
    for (name, html) in ferry_pages() {
        std::fs::write(dir.join(name), html).unwrap();
    }
    std::fs::write(dir.join("hostile.html"), HOSTILE).unwrap();
    let run = archive.run(&["ingest", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run:?}");
    archive
}

fn screenshot_dir() -> PathBuf {
    let dir = repo_root().join("target/web-screenshots");
    std::fs::create_dir_all(&dir).expect("target/web-screenshots");
    dir
}

async fn screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.expect("a screenshot");
    std::fs::write(screenshot_dir().join(format!("{name}.png")), png).expect("saved");
}

/// Waits until the page's URL satisfies `done` (a click's navigation has finished).
async fn wait_for_url(client: &Client, what: &str, done: impl Fn(&str) -> bool) -> String {
    let started = Instant::now();
    loop {
        let url = client.current_url().await.expect("a URL").to_string();
        if done(&url) {
            return url;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "never reached {what}: at {url}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn text(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|err| panic!("no `{css}`: {err}"))
        .text()
        .await
        .expect("its text")
}

/// The number of matching articles the page says.
async fn total(client: &Client) -> String {
    client
        .find(Locator::Css("#total"))
        .await
        .expect("a total")
        .attr("data-total")
        .await
        .expect("its value")
        .unwrap_or_default()
}

async fn count(client: &Client, css: &str) -> usize {
    client
        .find_all(Locator::Css(css))
        .await
        .expect("find_all")
        .len()
}

/// No dialog is open and no payload ran.
async fn assert_nothing_ran(client: &Client, step: &str) {
    let dialog = client.get_alert_text().await;
    assert!(dialog.is_err(), "{step}: a dialog opened: {dialog:?}");
    let pwned = client
        .execute("return window.__pwned === undefined;", Vec::new())
        .await
        .expect("a script of the test runs");
    assert_eq!(pwned, serde_json::json!(true), "{step}: a payload ran");
    let links = client
        .execute(
            "return document.querySelectorAll('a[href^=\"javascript\" i], a[href^=\"data\" i]').length;",
            Vec::new(),
        )
        .await
        .expect("a script of the test runs");
    assert_eq!(links, serde_json::json!(0), "{step}: a script link");
}

async fn journey(client: &Client, base: &str) {
    // Search from the home page, with `/` to reach the box.
    client.goto(base).await.expect("the home page");
    client
        .find(Locator::Css("h1"))
        .await
        .expect("a heading")
        .click()
        .await
        .expect("focus away from the box");
    let slash = KeyActions::new("keyboard".to_owned())
        .then(KeyAction::Down { value: '/' })
        .then(KeyAction::Up { value: '/' });
    client.perform_actions(slash).await.expect("typed /");
    let focused = client.active_element().await.expect("a focused element");
    assert_eq!(
        focused.attr("name").await.expect("its name").as_deref(),
        Some("q"),
        "`/` focuses the search box"
    );
    focused.send_keys("ferry").await.expect("typed the query");
    client
        .find(Locator::Css("header button"))
        .await
        .expect("the button")
        .click()
        .await
        .expect("submitted");
    wait_for_url(client, "the results", |url| url.contains("q=ferry")).await;
    assert_eq!(total(client).await, "15", "14 ferry stories and the budget");
    assert_eq!(count(client, "#hits li.hit").await, 10, "the first page");
    assert!(count(client, "#histogram a").await >= 20, "a bar per day");
    screenshot(client, "1-search").await;
    assert_nothing_ran(client, "search").await;

    // Narrow by clicking a person chip, then remove the filter again.
    client
        .find(Locator::Css(
            "#facet-persons a.chip[data-value=\"Maria Lindqvist\"]",
        ))
        .await
        .expect("a chip for Maria Lindqvist")
        .click()
        .await
        .expect("clicked the chip");
    wait_for_url(client, "the narrowed search", |url| {
        url.contains("person=Maria+Lindqvist")
    })
    .await;
    assert_eq!(total(client).await, "6");
    assert_eq!(count(client, "#hits li.hit").await, 6);
    assert!(
        text(client, "#filters")
            .await
            .contains("person: Maria Lindqvist")
    );
    screenshot(client, "2-person-chip").await;
    client
        .find(Locator::Css("#filters a.chip"))
        .await
        .expect("the active filter")
        .click()
        .await
        .expect("removed it");
    wait_for_url(client, "the filter removed", |url| !url.contains("person=")).await;
    assert_eq!(total(client).await, "15");

    // Page forward, and back with the browser.
    client
        .find(Locator::Css("#next"))
        .await
        .expect("a next link")
        .click()
        .await
        .expect("paged");
    wait_for_url(client, "page 2", |url| url.contains("offset=10")).await;
    assert_eq!(count(client, "#hits li.hit").await, 5);
    assert_eq!(
        client
            .find(Locator::Css("#hits"))
            .await
            .unwrap()
            .attr("start")
            .await
            .unwrap()
            .as_deref(),
        Some("11")
    );
    screenshot(client, "3-page-2").await;
    client.back().await.expect("back");
    wait_for_url(client, "page 1 again", |url| !url.contains("offset=")).await;
    assert_eq!(count(client, "#hits li.hit").await, 10);

    // Read the first article that names Maria Lindqvist.
    client
        .goto(&format!("{base}/?person=Maria+Lindqvist&sort=date"))
        .await
        .expect("her articles");
    client
        .find(Locator::Css("#hits li.hit a.title"))
        .await
        .expect("a title link")
        .click()
        .await
        .expect("opened it");
    wait_for_url(client, "the article", |url| url.contains("/article?url=")).await;
    let marked: Vec<String> = {
        let mut texts = Vec::new();
        for mark in client
            .find_all(Locator::Css("#article mark.person"))
            .await
            .unwrap()
        {
            texts.push(mark.text().await.unwrap());
        }
        texts
    };
    assert!(
        marked.iter().any(|m| m == "Maria Lindqvist"),
        "persons marked: {marked:?}"
    );
    screenshot(client, "4-article").await;

    // Follow the person.
    client
        .find(Locator::Css("#article mark.person a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_url(client, "the person", |url| url.contains("/person?name=")).await;
    assert_eq!(text(client, "#person").await, "Maria Lindqvist");
    screenshot(client, "5-person").await;

    // The hostile article: every payload is text, nothing runs, no script link.
    client
        .goto(&format!("{base}/?q=budget+vote+delayed"))
        .await
        .unwrap();
    let title = text(client, "#hits li.hit a.title").await;
    assert!(
        title.contains("<script>window.__pwned=1;alert(1)</script>"),
        "{title}"
    );
    assert_nothing_ran(client, "hostile results").await;
    client
        .find(Locator::Css("#hits li.hit a.title"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_url(client, "the hostile article", |url| {
        url.contains("/article?url=")
    })
    .await;
    let heading = text(client, "#article h1").await;
    assert!(
        heading.contains("onerror=\"window.__pwned=2;alert(2)\""),
        "{heading}"
    );
    let body = text(client, "#article .text").await;
    assert!(
        body.contains("<script>window.__pwned=5;alert(5)</script>"),
        "{body}"
    );
    screenshot(client, "6-hostile-article").await;
    assert_nothing_ran(client, "hostile article").await;

    // On a phone's width the results fit: nothing wider than the screen.
    client
        .set_window_size(420, 900)
        .await
        .expect("a narrow window");
    client.goto(&format!("{base}/?q=ferry")).await.unwrap();
    let fits = client
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth;",
            Vec::new(),
        )
        .await
        .expect("a script of the test runs");
    assert_eq!(
        fits,
        serde_json::json!(true),
        "the page is wider than a phone"
    );
    screenshot(client, "7-phone").await;
}

#[test]
fn a_person_searches_narrows_pages_and_reads_in_a_real_browser() {
    let Some((driver_binary, chromium)) = browser() else {
        return;
    };
    let archive = archive();
    let server = Served::start(&archive, &[]);
    let base = format!("http://{}", server.addr);
    let driver = Driver::start(&driver_binary);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            serde_json::json!({
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--window-size=1100,1000"],
            }),
        );
        // A dialog a payload opened stays open, so the test can see it.
        capabilities.insert(
            "unhandledPromptBehavior".to_owned(),
            serde_json::json!("ignore"),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url)
            .await
            .expect("a browser session");
        journey(&client, &base).await;
        client.close().await.expect("the session ends");
    });
    drop(driver);
}
