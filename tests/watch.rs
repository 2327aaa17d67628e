//! Saved searches end to end (issue 14): a first batch is ingested, watches of each kind are
//! added (keyword, phrase, person, site, Russian and Chinese words), a second batch is
//! ingested, and `watch run` must report exactly the second batch's matches, then nothing
//! (exit 1), also after a rebuild; `ingest --watch` reports what an ingest added; the Atom
//! feed parses (feed-rs) and lists the matches, from `watch feed` and from `serve`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::support::Archive;
use crate::support::serve::Served;

/// One generated article page.
pub struct Story {
    pub host: &'static str,
    pub slug: &'static str,
    pub lang: &'static str,
    pub title: &'static str,
    pub body: &'static str,
    /// RFC 3339, or empty for an undated article.
    pub date: &'static str,
}

impl Story {
    pub fn url(&self) -> String {
        format!("https://{}/news/{}", self.host, self.slug)
    }

    fn html(&self) -> String {
        let date = if self.date.is_empty() {
            String::new()
        } else {
            format!(
                r#"<meta property="article:published_time" content="{}">"#,
                self.date
            )
        };
        let paragraphs: String = self
            .body
            .split("\n\n")
            .map(|p| format!("<p>{p}</p>\n"))
            .collect();
        format!(
            r#"<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<title>{title}</title>
<link rel="canonical" href="{url}">
<meta property="og:title" content="{title}">
{date}
</head><body>
<nav><a href="/">Home</a></nav>
<article><h1>{title}</h1>
{paragraphs}</article>
<footer>Contact us</footer>
</body></html>"#,
            lang = self.lang,
            title = self.title,
            url = self.url(),
        )
    }
}

/// Writes `stories` as HTML files into a new directory `name` under `root`.
pub fn write_batch(root: &Path, name: &str, stories: &[Story]) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    for story in stories {
        std::fs::write(dir.join(format!("{}.html", story.slug)), story.html()).unwrap();
    }
    dir
}

const STARMER: &str = "Prime Minister Keir Starmer said on Tuesday that the government would \
    publish its plans before the end of the month, after a meeting with ministers in London. \
    Starmer told reporters that the talks had been constructive and that more work was needed.";

fn first_batch() -> Vec<Story> {
    vec![
        Story {
            host: "alpha.example",
            slug: "grain-corridor-reopens",
            lang: "en",
            title: "Grain corridor reopens after months of talks",
            body: "Ships carrying grain left the port of Odesa on Monday, the first in months, \
                as insurers agreed new terms for the Black Sea route.\n\nTraders said prices \
                for wheat and maize fell on the news, and farmers welcomed the decision.",
            date: "2025-06-02T08:00:00Z",
        },
        Story {
            host: "alpha.example",
            slug: "coalition-meets-in-paris",
            lang: "en",
            title: "Coalition of the willing meets in Paris",
            body: "Leaders of the coalition of the willing met in Paris to discuss security \
                guarantees for Ukraine.\n\nThe meeting lasted four hours and ended with a joint \
                statement on air defence and training.",
            date: "2025-06-03T08:00:00Z",
        },
        Story {
            host: "alpha.example",
            slug: "starmer-plans",
            lang: "en",
            title: "Government to publish housing plans",
            body: STARMER,
            date: "2025-06-04T08:00:00Z",
        },
        Story {
            host: "beta.example",
            slug: "river-levels",
            lang: "en",
            title: "River levels fall after dry spring",
            body: "Water companies warned of hosepipe bans as river levels fell to their lowest \
                in a decade.\n\nThe agency said rainfall had been half the usual amount.",
            date: "2025-06-05T08:00:00Z",
        },
        Story {
            host: "alpha.example",
            slug: "zerno-eksport",
            lang: "ru",
            title: "Экспорт зерна вырос",
            body: "Экспорт зерна из черноморских портов вырос в мае, сообщили трейдеры.\n\n\
                Цены на пшеницу снизились после открытия коридора.",
            date: "2025-06-06T08:00:00Z",
        },
        Story {
            host: "alpha.example",
            slug: "liangshi-chukou",
            lang: "zh",
            title: "粮食出口增加",
            body: "五月份粮食出口增加，贸易商表示价格有所下降。\n\n港口恢复运营后，船只陆续离港。",
            date: "2025-06-07T08:00:00Z",
        },
    ]
}

fn second_batch() -> Vec<Story> {
    vec![
        Story {
            host: "gamma.example",
            slug: "grain-prices-fall",
            lang: "en",
            title: "Grain prices fall as exports rise",
            body: "Grain exports rose for a third week, and prices on the Paris exchange fell \
                to their lowest since the spring.\n\nAnalysts expect the trend to continue \
                through the harvest.",
            date: "2025-06-09T08:00:00Z",
        },
        Story {
            host: "gamma.example",
            slug: "starmer-coalition",
            lang: "en",
            title: "Leaders of the coalition of the willing meet again",
            body: "Prime Minister Keir Starmer hosted the coalition of the willing in London on \
                Wednesday, a week after the Paris meeting.\n\nStarmer said the group would set \
                out its plans for a reassurance force before the summer.",
            date: "2025-06-10T08:00:00Z",
        },
        Story {
            host: "gamma.example",
            slug: "willing-volunteers",
            lang: "en",
            title: "Volunteers willing to help at the coalition food bank",
            body: "A coalition of local charities said volunteers were willing to give their \
                weekends to keep the food bank open.\n\nThe food bank serves four hundred \
                families a week.",
            date: "2025-06-10T09:00:00Z",
        },
        Story {
            host: "beta.example",
            slug: "heatwave-warning",
            lang: "en",
            title: "Heatwave warning issued for the weekend",
            body: "Forecasters issued an amber warning as temperatures were expected to pass \
                thirty degrees.\n\nHospitals were asked to prepare for more patients.",
            date: "2025-06-11T08:00:00Z",
        },
        Story {
            host: "gamma.example",
            slug: "zerno-tseny",
            lang: "ru",
            title: "Цены на зерно снизились",
            body: "Экспорт зерна продолжает расти, а цены на пшеницу снижаются третью неделю \
                подряд.\n\nАналитики ожидают, что тенденция сохранится.",
            date: "2025-06-12T08:00:00Z",
        },
        Story {
            host: "gamma.example",
            slug: "liangshi-jiage",
            lang: "zh",
            title: "粮食价格下降",
            body: "粮食价格连续第三周下降，分析人士预计这一趋势将持续。\n\n出口量继续增加。",
            date: "2025-06-13T08:00:00Z",
        },
    ]
}

/// The watches added between the batches, and the URLs of the second batch each must report.
fn watches() -> Vec<(&'static str, Vec<&'static str>, Vec<&'static str>)> {
    vec![
        ("keyword", vec!["grain"], vec!["grain-prices-fall"]),
        (
            "phrase",
            vec!["\"coalition of the willing\""],
            vec!["starmer-coalition"],
        ),
        (
            "person",
            vec!["--person", "Keir Starmer"],
            vec!["starmer-coalition"],
        ),
        (
            "site",
            vec!["--site", "beta.example"],
            vec!["heatwave-warning"],
        ),
        ("russian", vec!["зерна"], vec!["zerno-tseny"]),
        ("chinese", vec!["粮食"], vec!["liangshi-jiage"]),
    ]
}

/// An archive with the first batch, the watches, then the second batch ingested.
fn followed() -> (Archive, tempfile::TempDir) {
    let archive = Archive::new();
    let pages = tempfile::tempdir().unwrap();
    let first = write_batch(pages.path(), "first", &first_batch());
    let run = archive.run(&["ingest", first.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run:?}");
    for (name, query, _) in watches() {
        let mut args = vec!["watch", "add", name];
        args.extend(query);
        let run = archive.run(&args);
        assert_eq!(run.code, 0, "{args:?}: {run:?}");
    }
    let second = write_batch(pages.path(), "second", &second_batch());
    let run = archive.run(&["ingest", second.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run:?}");
    (archive, pages)
}

/// `watch run --json`: the exit code and each watch's reported slugs.
fn run_watches(archive: &Archive) -> (i32, BTreeMap<String, BTreeSet<String>>) {
    let run = archive.run(&["watch", "run", "--json"]);
    assert!(run.code == 0 || run.code == 1, "{run:?}");
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let mut reported = BTreeMap::new();
    for watch in json["watches"].as_array().unwrap() {
        let slugs: BTreeSet<String> = watch["matches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|hit| slug(hit["url"].as_str().unwrap()))
            .collect();
        assert_eq!(watch["new"].as_u64().unwrap() as usize, slugs.len());
        reported.insert(watch["name"].as_str().unwrap().to_owned(), slugs);
    }
    (run.code, reported)
}

fn slug(url: &str) -> String {
    url.rsplit('/').next().unwrap().to_owned()
}

fn expected() -> BTreeMap<String, BTreeSet<String>> {
    watches()
        .into_iter()
        .map(|(name, _, slugs)| {
            (
                name.to_owned(),
                slugs.into_iter().map(str::to_owned).collect(),
            )
        })
        .collect()
}

fn nothing() -> BTreeMap<String, BTreeSet<String>> {
    watches()
        .into_iter()
        .map(|(name, _, _)| (name.to_owned(), BTreeSet::new()))
        .collect()
}

#[test]
fn watch_run_reports_exactly_the_second_batchs_matches_then_nothing_with_exit_1() {
    let (archive, _pages) = followed();
    let (code, reported) = run_watches(&archive);
    assert_eq!(reported, expected());
    assert_eq!(code, 0);
    let (code, reported) = run_watches(&archive);
    assert_eq!(reported, nothing());
    assert_eq!(code, 1, "nothing new: exit 1 for cron jobs and scripts");
    // Only the watches named run.
    let run = archive.run(&["watch", "run", "keyword"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("watch `keyword`: 0 new"), "{run:?}");
    assert!(!run.stdout.contains("`site`"), "{run:?}");
}

#[test]
fn a_rebuild_does_not_make_old_articles_new() {
    let (archive, _pages) = followed();
    let run = archive.run(&["rebuild"]);
    assert_eq!(run.code, 0, "{run:?}");
    // The rebuilt articles kept their arrivals: still exactly the second batch is new.
    let (code, reported) = run_watches(&archive);
    assert_eq!((code, reported), (0, expected()));
    let run = archive.run(&["rebuild"]);
    assert_eq!(run.code, 0, "{run:?}");
    let (code, reported) = run_watches(&archive);
    assert_eq!((code, reported), (1, nothing()));
}

#[test]
fn ingest_watch_reports_what_the_ingest_added_without_marking_it_seen() {
    let archive = Archive::new();
    let pages = tempfile::tempdir().unwrap();
    let first = write_batch(pages.path(), "first", &first_batch());
    assert_eq!(archive.run(&["ingest", first.to_str().unwrap()]).code, 0);
    for (name, query, _) in watches() {
        let mut args = vec!["watch", "add", name];
        args.extend(query);
        assert_eq!(archive.run(&args).code, 0);
    }
    let second = write_batch(pages.path(), "second", &second_batch());
    let run = archive.run(&["ingest", "--watch", second.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains("watch `keyword`: 1 new match in this ingest"),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains("watch `chinese`: 1 new match in this ingest"),
        "{run:?}"
    );
    assert!(run.stdout.contains("粮食价格下降"), "{run:?}");
    assert!(
        run.stdout
            .contains("https://beta.example/news/heatwave-warning"),
        "{run:?}"
    );
    // The first batch, ingested again, adds nothing new.
    let again = archive.run(&["ingest", "--watch", first.to_str().unwrap()]);
    assert!(
        again
            .stdout
            .contains("watch `keyword`: 0 new matches in this ingest"),
        "{again:?}"
    );
    // `watch run` still has them.
    assert_eq!(run_watches(&archive), (0, expected()));
}

#[test]
fn a_run_that_cannot_finish_marks_nothing_seen() {
    let (archive, _pages) = followed();
    // stdout on a full device: the report cannot be written, so nothing is marked.
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("notice: no /dev/full; skipping the interrupted-run check");
        return;
    };
    let output = archive
        .command()
        .args(["watch", "run"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert_eq!(run_watches(&archive), (0, expected()));
}

#[test]
fn the_atom_feed_parses_and_lists_the_matches() {
    let (archive, _pages) = followed();
    let run = archive.run(&["watch", "feed", "keyword"]);
    assert_eq!(run.code, 0, "{run:?}");
    let feed = feed_rs::parser::parse(run.stdout.as_bytes()).expect("a valid Atom feed");
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    let links: Vec<String> = feed
        .entries
        .iter()
        .map(|entry| entry.links[0].href.clone())
        .collect();
    // Newest arrival first: the second batch's match, then the first's.
    assert_eq!(
        links,
        [
            "https://gamma.example/news/grain-prices-fall",
            "https://alpha.example/news/grain-corridor-reopens"
        ]
    );
    let first = &feed.entries[0];
    assert_eq!(first.id, links[0]);
    assert_eq!(
        first.title.as_ref().unwrap().content,
        "Grain prices fall as exports rise"
    );
    assert!(
        first
            .summary
            .as_ref()
            .unwrap()
            .content
            .contains("Grain exports rose")
    );
    assert!(first.updated.is_some() && first.published.is_some());
    assert!(!first.authors.is_empty());

    // Served for feed readers, in Chinese too.
    let served = Served::start(&archive, &[]);
    let reply = served.get("/feeds/chinese.atom");
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(
        reply
            .header("content-type")
            .is_some_and(|value| value.starts_with("application/atom+xml")),
        "{:?}",
        reply.headers
    );
    let feed = feed_rs::parser::parse(reply.body.as_bytes()).expect("a valid Atom feed");
    let titles: Vec<String> = feed
        .entries
        .iter()
        .map(|entry| entry.title.as_ref().unwrap().content.clone())
        .collect();
    assert_eq!(titles, ["粮食价格下降", "粮食出口增加"]);
    assert_eq!(served.get("/feeds/unknown.atom").status, 404);
    assert_eq!(served.get("/feeds/keyword.rss").status, 404);
}

#[test]
fn watches_are_listed_removed_and_kept_apart_by_name() {
    let archive = Archive::new();
    let run = archive.run(&["watch", "add", "выборы", "выборы", "--lang", "ru"]);
    assert_eq!(
        run.code, 0,
        "a watch may be added before anything is ingested: {run:?}"
    );
    let run = archive.run(&["watch", "add", "выборы", "other"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("a watch named `выборы` exists"),
        "{run:?}"
    );
    let run = archive.run(&["watch", "add", "two words", "x"]);
    assert_eq!(run.code, 2, "{run:?}");
    let list = archive.json(&["watch", "list", "--json"]);
    assert_eq!(list[0]["name"], "выборы");
    assert_eq!(list[0]["langs"][0], "ru");
    let run = archive.run(&["watch", "run", "missing"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("no watch named `missing`"), "{run:?}");
    assert_eq!(archive.run(&["watch", "rm", "выборы"]).code, 0);
    assert_eq!(archive.run(&["watch", "rm", "выборы"]).code, 2);
}

#[test]
fn a_query_error_is_exit_2_with_its_column() {
    let archive = Archive::new();
    let run = archive.run(&["watch", "add", "bad", "talks (budget"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("(column 7)"), "{run:?}");
    let run = archive.run(&["watch", "list"]);
    assert!(
        !run.stdout.contains("bad"),
        "a bad query is not saved: {run:?}"
    );
}
