//! `newsdex timeline` end to end (issue 14): the counts of every bucket equal the totals of
//! `newsdex search` with that bucket's date filters, for the matches and for all articles;
//! empty buckets are present; undated articles are counted apart; CSV and the terminal chart.

use crate::support::Archive;
use crate::watch::{Story, write_batch};

/// Articles over seven weeks of mid-2025 (with an empty week), in four languages, and one
/// undated.
fn stories() -> Vec<Story> {
    let story = |slug, lang, title, body, date| Story {
        host: "news.example",
        slug,
        lang,
        title,
        body,
        date,
    };
    vec![
        story(
            "w23-a",
            "en",
            "Grain exports rise",
            "Grain exports rose again this week as ships left port.",
            "2025-06-02T10:00:00Z",
        ),
        story(
            "w23-b",
            "en",
            "Rain returns",
            "Rain returned to the south after a dry month, forecasters said.",
            "2025-06-08T23:30:00Z",
        ),
        story(
            "w24-a",
            "en",
            "Grain prices fall",
            "Grain prices fell on the exchange as the harvest began early.",
            "2025-06-09T00:10:00Z",
        ),
        story(
            "w24-b",
            "ru",
            "Цены на зерно",
            "Цены на зерно снизились, сообщили трейдеры в понедельник.",
            "2025-06-11T12:00:00Z",
        ),
        story(
            "w24-c",
            "fr",
            "Les céréales",
            "Les exportations de grain ont augmenté selon les négociants.",
            "2025-06-13T12:00:00Z",
        ),
        // Week 25 has no article at all.
        story(
            "w26-a",
            "en",
            "Harbour works",
            "The harbour council voted to rebuild the northern pier.",
            "2025-06-25T12:00:00Z",
        ),
        story(
            "w27-a",
            "en",
            "Grain corridor",
            "The grain corridor stayed open despite the storms.",
            "2025-07-01T12:00:00Z",
        ),
        story(
            "w27-b",
            "zh",
            "粮食出口",
            "粮食出口继续增加，贸易商表示价格下降。",
            "2025-07-03T12:00:00Z",
        ),
        story(
            "w29-a",
            "en",
            "Grain harvest",
            "The grain harvest was the largest in a decade, ministers said.",
            "2025-07-14T12:00:00Z",
        ),
        story(
            "undated",
            "en",
            "Grain notes",
            "Notes on the grain trade, without a date.",
            "",
        ),
    ]
}

fn ingested() -> (Archive, tempfile::TempDir) {
    let archive = Archive::new();
    let pages = tempfile::tempdir().unwrap();
    let dir = write_batch(pages.path(), "batch", &stories());
    let run = archive.run(&["ingest", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("ingested 10"), "{run:?}");
    (archive, pages)
}

/// `search [QUERY] --since START --until END --json`'s total.
fn search_total(archive: &Archive, query: Option<&str>, start: &str, end: &str) -> u64 {
    let mut args = vec!["search"];
    args.extend(query);
    args.extend(["--since", start, "--until", end, "--limit", "1", "--json"]);
    archive.json(&args)["total"].as_u64().unwrap()
}

#[test]
fn timeline_counts_equal_search_totals_with_each_buckets_dates() {
    let (archive, _pages) = ingested();
    for by in ["week", "month"] {
        let timeline = archive.json(&["timeline", "grain", "--by", by, "--json"]);
        let buckets = timeline["buckets"].as_array().unwrap();
        assert!(!buckets.is_empty());
        let (mut matched, mut all) = (0, 0);
        for bucket in buckets {
            let (start, end) = (
                bucket["start"].as_str().unwrap(),
                bucket["end"].as_str().unwrap(),
            );
            let matches = bucket["matches"][0].as_u64().unwrap();
            assert_eq!(
                matches,
                search_total(&archive, Some("grain"), start, end),
                "by {by}, bucket {bucket}"
            );
            assert_eq!(
                bucket["all"].as_u64().unwrap(),
                search_total(&archive, None, start, end),
                "by {by}, bucket {bucket}"
            );
            matched += matches;
            all += bucket["all"].as_u64().unwrap();
        }
        // "grain" in English and French (stemmed: "grain"), every dated one counted once.
        assert_eq!(matched, 5, "by {by}");
        assert_eq!(timeline["series"][0]["total"], 5);
        assert_eq!(timeline["series"][0]["undated"], 1);
        assert_eq!(timeline["undated_all"], 1);
        // The buckets span the matches (2025-06-02 to 2025-07-14), the others' articles too.
        assert_eq!(all, 9, "by {by}");
    }
}

#[test]
fn weeks_are_iso_weeks_with_empty_ones_present_and_series_sharing_them() {
    let (archive, _pages) = ingested();
    let timeline = archive.json(&["timeline", "grain", "зерно OR 粮食", "--json"]);
    let rows: Vec<(String, u64, u64, u64)> = timeline["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|bucket| {
            (
                bucket["label"].as_str().unwrap().to_owned(),
                bucket["all"].as_u64().unwrap(),
                bucket["matches"][0].as_u64().unwrap(),
                bucket["matches"][1].as_u64().unwrap(),
            )
        })
        .collect();
    let row = |label: &str, all, a, b| (label.to_owned(), all, a, b);
    assert_eq!(
        rows,
        [
            // 2025-06-08 23:30 UTC is a Sunday: still week 23.
            row("2025-W23", 2, 1, 0),
            row("2025-W24", 3, 2, 1),
            row("2025-W25", 0, 0, 0),
            row("2025-W26", 1, 0, 0),
            row("2025-W27", 2, 1, 1),
            row("2025-W28", 0, 0, 0),
            row("2025-W29", 1, 1, 0),
        ]
    );
    assert_eq!(timeline["buckets"][0]["start"], "2025-06-02");
    assert_eq!(timeline["buckets"][0]["end"], "2025-06-08");
    assert_eq!(timeline["buckets"][1]["shares"][0], 2.0 / 3.0);
    assert!(
        timeline["buckets"][2]["shares"][0].is_null(),
        "no articles: no share"
    );
}

#[test]
fn csv_and_the_terminal_chart_show_every_bucket() {
    let (archive, _pages) = ingested();
    let run = archive.run(&[
        "timeline", "grain", "--since", "2025-06", "--until", "2025-07", "--by", "month", "--csv",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "bucket,start,end,all,matches: grain,share");
    assert_eq!(lines[1], "2025-06,2025-06-01,2025-06-30,6,3,0.500000");
    assert_eq!(lines[2], "2025-07,2025-07-01,2025-07-31,3,2,0.666667");
    assert_eq!(lines.len(), 3);

    let run = archive.run(&["timeline", "grain", "person:nobody", "--by", "week"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("7 weeks from 2025-06-02 to 2025-07-20"),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("2025-W25"),
        "empty weeks are shown: {run:?}"
    );
    assert!(run.stdout.contains("█"), "bars: {run:?}");
}

#[test]
fn a_timeline_query_error_is_exit_2_with_its_column() {
    let (archive, _pages) = ingested();
    let run = archive.run(&["timeline", "grain", "talks (budget"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("(column 7)"), "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
}
