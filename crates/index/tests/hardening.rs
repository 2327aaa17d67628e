//! The index against the inputs of issue 10 (hardening): articles in many scripts, dates at
//! and beyond the ends of what tantivy stores, degenerate and contradictory periods, Unicode
//! case and accent oddities, purely negative and wildcard queries. Each test names the bug it
//! pins.

// A test's unwrap is its assertion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, TimeZone, Utc};
use newsdex_index::{
    ArticleIndex, Config, Error, Filters, PersonsRequest, SearchRequest, SearchResults, Sort,
};
use newsdex_persons::{Mention, Person};
use newsdex_types::Article;

/// (url, title, body, language, published (year, month, day), persons named in the body)
type Doc = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<(i32, u32, u32)>,
    &'static [&'static str],
);

fn day((y, m, d): (i32, u32, u32)) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 8, 0, 0).unwrap()
}

/// A few paragraphs each, long enough that a snippet is a window inside the body.
const DOCS: &[Doc] = &[
    (
        "https://ru.example/news/talks",
        "Переговоры в Стамбуле продолжаются",
        "Владимир Зеленский заявил, что переговоры в Стамбуле продолжатся на следующей неделе. \
         Делегации обсудили обмен пленными и вопросы безопасности в регионе.\n\n\
         По словам министра, стороны договорились о прекращении огня на ограниченный срок. \
         Эксперты считают, что соглашение может открыть путь к более широкому миру, \
         но переговоры будут трудными.\n\n\
         Журналисты ожидали заявлений весь день, но официальные лица отказались от \
         комментариев до окончания переговоров.",
        "ru",
        Some((2025, 8, 14)),
        &["Владимир Зеленский"],
    ),
    (
        "https://tr.example/haber/istanbul",
        "İSTANBUL'DA GÖRÜŞMELER SÜRÜYOR",
        "İstanbul'da yapılan görüşmelerde taraflar esir takası konusunda uzlaştı. \
         Dışişleri Bakanı İbrahim Kalın, görüşmelerin önümüzdeki hafta süreceğini söyledi.",
        "tr",
        Some((2025, 8, 15)),
        &["İbrahim Kalın"],
    ),
    (
        "https://el.example/eidiseis/athina",
        "ΣΥΝΟΜΙΛΙΕΣ ΣΤΗΝ ΑΘΗΝΑ ΓΙΑ ΤΟΝ ΟΔΟΣ",
        "Ο πρωθυπουργός δήλωσε ότι οι διαπραγματεύσεις στην Αθήνα θα συνεχιστούν την επόμενη \
         εβδομάδα, ενώ οι αντιπροσωπείες συζήτησαν την ανταλλαγή αιχμαλώτων στην οδός.",
        "el",
        Some((2025, 7, 2)),
        &[],
    ),
    (
        "https://de.example/politik/strasse",
        "STRASSENBAU IN DER HAUPTSTADT",
        "Die Straße vor dem Rathaus wird erneuert; der Bürgermeister sprach von einer \
         ﬁnanziellen Belastung für die Stadt.",
        "de",
        Some((2025, 6, 20)),
        &[],
    ),
    (
        "https://hi.example/samachar/delhi",
        "दिल्ली में बातचीत जारी",
        "प्रधानमंत्री ने कहा कि दिल्ली में बातचीत अगले सप्ताह जारी रहेगी। प्रतिनिधिमंडलों ने कैदियों की \
         अदला-बदली पर चर्चा की और बातचीत सकारात्मक रही।",
        "hi",
        Some((2025, 8, 1)),
        &[],
    ),
    (
        "https://ar.example/akhbar/cairo",
        "مُحادثات في القاهرة",
        "قال وزير الخارجية إن المحادثات في القاهرة ستستمر الأسبوع المقبل، وناقشت الوفود تبادل الأسرى.",
        "ar",
        Some((2025, 8, 2)),
        &[],
    ),
    (
        "https://zh.example/xinwen/beijing",
        "北京举行新闻发布会",
        "外交部发言人在北京举行的新闻发布会上表示，双方将继续就贸易问题进行磋商。",
        "zh",
        Some((2025, 8, 3)),
        &[],
    ),
    (
        "https://fr.example/monde/cessez-le-feu",
        "Un cessez-le-feu et une ceasefire",
        "Le ceasefire annoncé à Genève a été accueilli avec prudence; les négociateurs ont \
         promis un cessez-le-feu durable. Café, naïveté et Œuvre: les accents ne comptent pas.",
        "fr",
        Some((2025, 9, 1)),
        &[],
    ),
    (
        "https://en.example/world/undated",
        "Ceasefire holds as talks resume",
        "The ceasefire held overnight, officials said, and talks resumed in the morning.",
        "en",
        None,
        &[],
    ),
];

/// Mentions of each name, as character offsets into `title + "\n\n" + text`.
fn persons(title: &str, text: &str, names: &[&str]) -> Vec<Person> {
    let full = format!("{title}\n\n{text}");
    names
        .iter()
        .map(|name| {
            let mentions = full
                .match_indices(name)
                .map(|(at, _)| {
                    let start = full[..at].chars().count();
                    Mention {
                        start,
                        end: start + name.chars().count(),
                        text: (*name).to_owned(),
                    }
                })
                .collect();
            Person {
                name: (*name).to_owned(),
                mentions,
            }
        })
        .collect()
}

fn article(doc: &Doc) -> Article {
    let (url, title, text, lang, published, _) = *doc;
    Article {
        url: url.into(),
        title: title.into(),
        text: text.into(),
        language: Some(lang.into()),
        published: published.map(day),
        ..Article::default()
    }
}

fn index_of(docs: &[Doc]) -> (tempfile::TempDir, ArticleIndex) {
    let dir = tempfile::tempdir().unwrap();
    let index = ArticleIndex::open(dir.path(), &Config::default()).unwrap();
    let mut writer = index.writer().unwrap();
    for doc in docs {
        writer
            .upsert(&article(doc), &persons(doc.1, doc.2, doc.5))
            .unwrap();
    }
    writer.commit().unwrap();
    drop(writer);
    (dir, index)
}

fn index() -> (tempfile::TempDir, ArticleIndex) {
    index_of(DOCS)
}

fn request(query: &str, f: impl FnOnce(&mut SearchRequest)) -> SearchRequest {
    let mut request = SearchRequest::new(query);
    request.limit = 50;
    request.fuzzy = false;
    f(&mut request);
    request
}

fn search(index: &ArticleIndex, query: &str) -> SearchResults {
    index
        .search(&request(query, |_| {}))
        .unwrap_or_else(|err| panic!("{query}: {err}"))
}

fn hosts(results: &SearchResults) -> Vec<&str> {
    let mut hosts: Vec<&str> = results
        .hits
        .iter()
        .map(|hit| hit.url.split('/').nth(2).unwrap())
        .collect();
    hosts.sort_unstable();
    hosts
}

/// Regression (issue 10, item 1): `search` panicked ("byte index is not a char boundary")
/// cutting the snippet of an ordinary Russian article; every word of every article, in every
/// script, is searched and highlighted here.
#[test]
fn every_word_of_every_script_is_searched_and_highlighted() {
    let (_dir, index) = index();
    for (_, title, text, ..) in DOCS {
        let words = format!("{title} {text}");
        for word in words.split(|c: char| {
            c.is_whitespace() || c.is_ascii_punctuation() || "，。।،«»".contains(c)
        }) {
            if word.is_empty() {
                continue;
            }
            let results = search(&index, word);
            assert!(results.total > 0, "{word}");
            for hit in &results.hits {
                for &(start, end) in &hit.highlights {
                    assert!(hit.snippet.get(start..end).is_some(), "{word}: {hit:?}");
                }
                newsdex_index::highlighted_html(&hit.snippet, &hit.highlights);
            }
        }
    }
}

/// Regression (issue 10, item 4): `published:..` panicked inside tantivy ("at least one bound
/// must be set"), in `search` and in `persons`.
#[test]
fn a_period_without_dates_is_an_error_not_a_panic() {
    let (_dir, index) = index();
    for query in ["published:..", "date:\"..\"", "переговоры on:.."] {
        let err = index.search(&request(query, |_| {})).unwrap_err();
        assert!(matches!(err, Error::Query { .. }), "{err}");
        assert!(
            err.to_string()
                .contains("needs a date on at least one side of `..`"),
            "{err}"
        );
        let err = index
            .persons(&PersonsRequest {
                query: query.into(),
                filters: Filters::default(),
                with: None,
                top: 5,
            })
            .unwrap_err();
        assert!(matches!(err, Error::Query { .. }), "{err}");
    }
    // Open-ended periods still work, in search and persons alike.
    assert_eq!(search(&index, "published:2025-09..").total, 1);
    assert_eq!(search(&index, "published:..2025-06").total, 1);
    let persons = index
        .persons(&PersonsRequest {
            query: "published:2025-08..".into(),
            filters: Filters::default(),
            with: None,
            top: 5,
        })
        .unwrap();
    assert_eq!(persons.articles, 6);
}

/// Regression (issue 10, dates): dates beyond tantivy's nanosecond range (1677-2262) wrapped:
/// `after:2300` found everything and an article dated 2999 was counted in 2084-09. Query
/// bounds are now exact at any distance, and an implausible article date is dropped instead
/// of being stored wrapped.
#[test]
fn dates_beyond_what_tantivy_stores_never_wrap() {
    let mut docs = DOCS.to_vec();
    docs.push((
        "https://far.example/future",
        "Ceasefire from the far future",
        "A misread date: this ceasefire story claims the year 2999.",
        "en",
        Some((2999, 9, 1)),
        &[],
    ));
    docs.push((
        "https://far.example/past",
        "Ceasefire from the distant past",
        "A misread date: this ceasefire story claims the year 1500.",
        "en",
        Some((1500, 1, 1)),
        &[],
    ));
    let (_dir, index) = index_of(&docs);
    let dated = DOCS.iter().filter(|doc| doc.4.is_some()).count();
    for (query, expected) in [
        ("after:2300", 0),
        ("after:2262-04-12", 0),
        ("after:9999-12-31", 0),
        ("before:1600", 0),
        ("before:0001", 0),
        ("before:2300", dated),
        ("after:1000", dated),
        ("published:1000..3000", dated),
        ("published:2999", 0),
        ("published:1500", 0),
        ("after:2025-09-01", 1),
        ("after:\"2999-01-01T00:00:00+14:00\"", 0),
    ] {
        assert_eq!(search(&index, query).total, expected, "{query}");
    }
    let future = index.get("https://far.example/future").unwrap().unwrap();
    assert_eq!(
        future.article.published, None,
        "the stored article agrees with the index"
    );
    let results = index
        .search(&request("ceasefire", |r| {
            r.facets = 10;
            r.sort = Sort::Date;
        }))
        .unwrap();
    let months: Vec<&str> = results
        .facets
        .as_ref()
        .unwrap()
        .months
        .iter()
        .map(|m| m.value.as_str())
        .collect();
    assert_eq!(months, ["2025-09"], "no wrapped month such as 2084-09");
    assert_eq!(
        results.hits[0].url, "https://fr.example/monde/cessez-le-feu",
        "the dated article sorts first; the misdated ones are undated"
    );
    for date in ["2300", "1500-01-01", "9999-12-31"] {
        let flags = index
            .search(&request("", |r| r.filters.since = Some(date.into())))
            .unwrap();
        assert_eq!(
            flags.total,
            if date == "1500-01-01" { dated } else { 0 },
            "--since {date}"
        );
        index
            .search(&request("", |r| r.filters.until = Some(date.into())))
            .unwrap();
    }
}

/// Regression (issue 10): `--since` after `--until` (or `after:` later than `before:`) was
/// silently empty; it is an error naming both dates.
#[test]
fn contradictory_periods_are_errors_naming_both_dates() {
    let (_dir, index) = index();
    let flags = |since: &str, until: &str, query: &str| {
        index
            .search(&request(query, |r| {
                r.filters.since = Some(since.into());
                r.filters.until = Some(until.into());
            }))
            .map(|results| results.total)
            .map_err(|err| err.to_string())
    };
    assert_eq!(
        flags("2025-09", "2025-08", ""),
        Err("invalid since date `2025-09`: it is later than the until date `2025-08`, so no article can match".into())
    );
    assert_eq!(
        flags("2025-09-01", "2025-08-31", "переговоры"),
        Err("invalid since date `2025-09-01`: it is later than the until date `2025-08-31`, so no article can match".into())
    );
    assert_eq!(flags("2025-08", "2025-08", ""), Ok(5), "one month is fine");
    assert_eq!(flags("2025-08-14", "2025-08-14", ""), Ok(1), "one day too");
    let err = index
        .search(&request("after:2025-09 before:2025-08", |_| {}))
        .unwrap_err();
    assert!(matches!(err, Error::Query { .. }));
    assert_eq!(
        err.to_string(),
        "invalid query `after:2025-09 before:2025-08`: `after:2025-09` is later than `before:2025-08`, so no article can match"
    );
    let err = index
        .search(&request("published:2025-07 published:2025-09", |_| {}))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("`published:2025-09` is later than `published:2025-07`"),
        "{err}"
    );
    let err = index
        .search(&request("ceasefire after:2025-09", |r| {
            r.filters.until = Some("2025-08".into());
        }))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid until date `2025-08`: it is earlier than `after:2025-09` in the query, so no article can match"
    );
    let err = index
        .search(&request("before:2025-08", |r| {
            r.filters.since = Some("2025-08".into());
        }))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid since date `2025-08`: it is later than `before:2025-08` in the query, so no article can match"
    );
    // Alternatives are not a contradiction: either may hold.
    assert_eq!(search(&index, "after:2025-09 OR before:2025-07").total, 2);
}

/// Regression (issue 10): `istanbul` did not find `İstanbul` (its lower case is `i` and a
/// combining dot). Case and accents never matter, in any script, in words, phrases, persons
/// and highlights; Chinese and Hindi words are found whole.
#[test]
fn case_and_accents_never_matter_in_any_script() {
    let (_dir, index) = index();
    for (query, host) in [
        ("istanbul", "tr.example"),
        ("İSTANBUL", "tr.example"),
        ("Istanbul'da", "tr.example"),
        ("title:istanbul", "tr.example"),
        ("gorusmeler", "tr.example"),
        ("person:\"ibrahim kalin\"", "tr.example"),
        ("person:\"İBRAHİM KALIN\"", "tr.example"),
        ("strasse", "de.example"),
        ("STRAẞE", "de.example"),
        ("finanziellen", "de.example"),
        ("οδος", "el.example"),
        ("ΟΔΌΣ", "el.example"),
        ("αθηνα", "el.example"),
        ("\"στην Αθηνα\"", "el.example"),
        ("переговоры", "ru.example"),
        ("ПЕРЕГОВОРЫ", "ru.example"),
        ("محادثات", "ar.example"),
        ("مُحَادَثَات", "ar.example"),
        ("北京", "zh.example"),
        ("新闻发布会", "zh.example"),
        ("दिल्ली", "hi.example"),
        ("प्रतिनिधिमंडलों", "hi.example"),
        ("cafe naivete oeuvre", "fr.example"),
        ("CAFÉ", "fr.example"),
        ("Cafe\u{301}", "fr.example"),
    ] {
        let results = search(&index, query);
        assert_eq!(hosts(&results), [host], "{query}");
    }
    // A Chinese query is a phrase of its characters, not any of them anywhere.
    assert_eq!(search(&index, "京北").total, 0);
    // Highlights land on the text as written.
    let results = search(&index, "istanbul");
    let hit = &results.hits[0];
    let lit: Vec<&str> = hit
        .highlights
        .iter()
        .map(|&(start, end)| &hit.snippet[start..end])
        .collect();
    assert_eq!(lit, ["İstanbul"], "{hit:?}");
    let lit: Vec<&str> = hit
        .title_highlights
        .iter()
        .map(|&(start, end)| &hit.title[start..end])
        .collect();
    assert_eq!(lit, ["İSTANBUL"]);
    let results = search(&index, "北京");
    let hit = &results.hits[0];
    assert!(
        hit.highlights
            .iter()
            .any(|&(start, end)| &hit.snippet[start..end] == "北京"),
        "{hit:?}"
    );
    assert!(results.notes.is_empty(), "{:?}", results.notes);
}

/// An index built before the analysis changed says so with every search, until rebuilt.
#[test]
fn an_index_built_with_an_older_analysis_asks_for_a_rebuild() {
    let (dir, index) = index();
    assert!(search(&index, "istanbul").notes.is_empty());
    drop(index);
    let generation = std::fs::read_to_string(dir.path().join("CURRENT")).unwrap();
    std::fs::remove_file(dir.path().join(generation.trim()).join("analysis")).unwrap();
    let index = ArticleIndex::open(dir.path(), &Config::default()).unwrap();
    let notes = search(&index, "istanbul").notes;
    assert!(notes[0].contains("run `newsdex rebuild`"), "{notes:?}");
}

/// An index of analysis version 2 (before the body's word pairs) still finds phrases (here two common Greek words), and
/// says that a rebuild makes phrases of common words quick.
#[test]
fn an_index_without_word_pairs_asks_for_a_rebuild() {
    let (dir, index) = index();
    let before = search(&index, "\"ότι οι\"");
    assert!(before.total > 0 && before.notes.is_empty(), "{before:?}");
    drop(index);
    let generation = std::fs::read_to_string(dir.path().join("CURRENT")).unwrap();
    std::fs::write(dir.path().join(generation.trim()).join("analysis"), "2\n").unwrap();
    let index = ArticleIndex::open(dir.path(), &Config::default()).unwrap();
    let results = search(&index, "\"ότι οι\"");
    assert_eq!(results.total, before.total);
    assert!(
        results.notes[0].contains("word pairs") && results.notes[0].contains("newsdex rebuild"),
        "{:?}",
        results.notes
    );
}

/// Regression (issue 10): `cease*` silently matched nothing (the `*` was dropped and
/// "cease" is not "ceasefire"). A word ending in `*` now stands for the words it begins;
/// other uses of `*` and `?` are searched as written and the notes say so.
#[test]
fn a_word_ending_in_a_star_is_a_prefix() {
    let (_dir, index) = index();
    for query in [
        "cease*",
        "Cease*",
        "CEASEF*",
        "ceasefire*",
        "title:cease*",
        "cessez* feu",
    ] {
        let results = search(&index, query);
        assert!(results.total > 0, "{query}");
        assert!(results.notes.is_empty(), "{query}: {:?}", results.notes);
    }
    let results = search(&index, "cease*");
    assert_eq!(
        hosts(&results),
        ["en.example", "fr.example"],
        "ceasefire in both"
    );
    for hit in &results.hits {
        let lit: Vec<&str> = hit
            .highlights
            .iter()
            .map(|&(start, end)| &hit.snippet[start..end])
            .collect();
        assert!(lit.iter().all(|w| w.starts_with("cease")), "{lit:?}");
        assert!(!lit.is_empty());
    }
    assert_eq!(search(&index, "переговор*").total, 1);
    assert_eq!(search(&index, "istan*").total, 1, "folded like any word");
    assert_eq!(search(&index, "ceasefire -cease*").total, 0);
    assert_eq!(search(&index, "zzzz*").total, 0);
    let persons = index
        .persons(&PersonsRequest {
            query: "перегов*".into(),
            filters: Filters::default(),
            with: None,
            top: 5,
        })
        .unwrap();
    assert_eq!(persons.articles, 1);

    // What `*` cannot do is said, and the text searched as written.
    for (query, note) in [
        ("c*", "needs at least 2 letters"),
        ("cea*fire", "only at its end"),
        ("ceasefire?", "only at its end"),
        ("cessez-le-feu*", "the rest of one word"),
    ] {
        let results = search(&index, query);
        assert!(
            results.notes.iter().any(|n| n.contains(note)),
            "{query}: {:?}",
            results.notes
        );
    }
}

#[test]
fn a_prefix_stands_for_a_bounded_number_of_words() {
    let words: String = (0..100).map(|n| format!("quorum{n} ")).collect();
    let text: &'static str = Box::leak(words.into_boxed_str());
    let (_dir, index) = index_of(&[("https://q.example/1", "Quorums", text, "en", None, &[])]);
    let results = search(&index, "quorum*");
    assert_eq!(results.total, 1);
    assert!(
        results.notes[0].contains("more than 64 words"),
        "{:?}",
        results.notes
    );
    let many = ["quo*"; 20].join(" OR ");
    let results = search(&index, &many);
    assert_eq!(results.total, 1);
    assert!(
        results
            .notes
            .iter()
            .any(|note| note.contains("only the first 8 words ending in `*`")),
        "{:?}",
        results.notes
    );
}

/// Regression (issue 10): `NOT x` alone matched every article without `x`, without saying
/// that this is what a query of only exclusions means; the notes now say it.
#[test]
fn a_query_of_only_exclusions_is_everything_but_and_says_so() {
    let (_dir, index) = index();
    let results = search(&index, "NOT ceasefire");
    assert_eq!(results.total, DOCS.len() - 2);
    assert_eq!(
        results.notes,
        ["`-ceasefire` only excludes: showing every article without it"]
    );
    let results = search(&index, "-ceasefire -переговоры");
    assert_eq!(results.total, DOCS.len() - 3);
    assert_eq!(results.notes.len(), 1, "{:?}", results.notes);
    // With something to find, the exclusion is ordinary.
    assert!(search(&index, "talks -ceasefire").notes.is_empty());
}

/// Regression (issue 10): a deleted `index/CURRENT` made the archive look empty, and the next
/// write orphaned the real generation. The newest complete generation is used (and named in
/// `CURRENT` again); an unfinished rebuild beside it is not taken for it.
#[test]
fn a_lost_current_file_is_recovered_not_an_empty_archive() {
    let (dir, index) = index();
    drop(index);
    std::fs::create_dir(dir.path().join("gen-000099")).unwrap();
    std::fs::write(dir.path().join("gen-000099/meta.json"), "{}").unwrap();
    let current = dir.path().join("CURRENT");
    let live = std::fs::read_to_string(&current).unwrap();
    std::fs::remove_file(&current).unwrap();

    let index = ArticleIndex::open(dir.path(), &Config::default()).unwrap();
    assert_eq!(search(&index, "istanbul").total, 1);
    assert_eq!(std::fs::read_to_string(&current).unwrap(), live);
    // Writing goes on in the recovered generation.
    let mut writer = index.writer().unwrap();
    writer.upsert(&article(&DOCS[0]), &[]).unwrap();
    writer.commit().unwrap();
    drop(writer);
    assert_eq!(index.stats().unwrap().articles, DOCS.len() as u64);
}

/// A tmpfs mounted on a temporary directory, unmounted on drop; `None` (with a notice) where
/// this process may not mount (not root, or no mount privilege in the container).
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str, why: &str) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().to_str().unwrap().to_owned();
        let options = format!("size={size}");
        if !run_mount(&["-t", "tmpfs", "-o", &options, "tmpfs", &target]) {
            #[allow(clippy::print_stderr)]
            {
                eprintln!("notice: cannot mount a tmpfs here, so {why}; skipping");
            }
            return None;
        }
        Some(Self { dir })
    }

    fn path(&self) -> &std::path::Path {
        self.dir.path()
    }

    fn remount_read_only(&self) {
        let target = self.path().to_str().unwrap();
        assert!(
            run_mount(&["-o", "remount,ro", target]),
            "remounting {target}"
        );
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.dir.path())
            .status();
    }
}

fn run_mount(args: &[&str]) -> bool {
    std::process::Command::new("mount")
        .args(args)
        .output()
        .is_ok_and(|out| out.status.success())
}

/// A copy of `source` (a directory of files and directories) that this process cannot
/// write to: made read-only by permissions, or, for a user permissions do not stop (root),
/// on a read-only tmpfs. `None` (with a notice) when neither can be had here.
enum ReadOnly {
    Permissions(tempfile::TempDir),
    Mount(Tmpfs),
}

impl ReadOnly {
    fn new(source: &std::path::Path) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(source, dir.path());
        set_mode_tree(dir.path(), 0o555, 0o444);
        if std::fs::write(dir.path().join("probe"), "x").is_err() {
            return Some(Self::Permissions(dir));
        }
        // Permissions do not bind this user: a read-only mount does.
        let tmpfs = Tmpfs::mount("64m", "permissions do not stop this user from writing")?;
        copy_tree(source, tmpfs.path());
        tmpfs.remount_read_only();
        assert!(std::fs::write(tmpfs.path().join("probe"), "x").is_err());
        set_mode_tree(dir.path(), 0o755, 0o644);
        Some(Self::Mount(tmpfs))
    }

    fn path(&self) -> &std::path::Path {
        match self {
            Self::Permissions(dir) => dir.path(),
            Self::Mount(tmpfs) => tmpfs.path(),
        }
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        if let Self::Permissions(dir) = self {
            // So that the temporary directory can be removed.
            set_mode_tree(dir.path(), 0o755, 0o644);
        }
    }
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Directories get `dirs` (children first, so that the walk can go on), files `files`.
fn set_mode_tree(dir: &std::path::Path, dirs: u32, files: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            set_mode_tree(&entry.path(), dirs, files);
        } else {
            std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(files)).unwrap();
        }
    }
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(dirs)).unwrap();
}

/// Regression (issue 10): a read-only data directory could not be searched (opening the
/// index for reading took tantivy's lock files, which need write access).
#[test]
fn a_read_only_index_can_be_searched() {
    let (dir, index) = index();
    drop(index);
    let Some(read_only) = ReadOnly::new(dir.path()) else {
        return;
    };
    let index = ArticleIndex::open(read_only.path(), &Config::default())
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(search(&index, "istanbul").total, 1);
    let results = index
        .search(&request("переговоры", |r| r.facets = 5))
        .unwrap();
    assert_eq!(results.total, 1);
    assert!(
        index
            .get("https://ru.example/news/talks")
            .unwrap()
            .is_some()
    );
    let persons = index
        .persons(&PersonsRequest {
            query: String::new(),
            filters: Filters::default(),
            with: None,
            top: 5,
        })
        .unwrap();
    assert_eq!(persons.articles, DOCS.len());
    index.stats().unwrap();
    // Writing is refused with an error, not a panic.
    let err = index.writer().err().unwrap();
    assert!(matches!(err, Error::Io { .. }), "{err}");
}

/// `err` and its causes as the cli shows them (`{err:#}`).
fn chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        out = format!("{out}: {cause}");
        source = cause.source();
    }
    out
}

/// Regression (issue 10): a disk that filled up during `rebuild` never said "No space left
/// on device" (tantivy keeps the I/O error out of the error chain, and an indexing thread
/// that failed only says it was killed), and messages repeated their causes. The chain of a
/// failed rebuild on a full disk names the cause, once.
#[test]
fn a_full_disk_says_so_once() {
    let Some(tmpfs) = Tmpfs::mount("1m", "a full disk cannot be made") else {
        return;
    };
    let root = tmpfs.path().join("index");
    let mut word = 0x9e37_79b9_u64;
    let mut words = |n: usize| -> String {
        (0..n)
            .map(|_| {
                word ^= word << 13;
                word ^= word >> 7;
                word ^= word << 17;
                format!("w{:x}", word % 1_000_000)
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let failure = (|| -> Result<(), Error> {
        let mut rebuild = ArticleIndex::begin_rebuild(&root, &Config::default())?;
        for n in 0..4000 {
            let article = Article {
                url: format!("https://full.example/{n}"),
                title: words(8),
                text: words(150),
                ..Article::default()
            };
            rebuild.writer().upsert(&article, &[])?;
        }
        rebuild.finish()
    })();
    let err = failure.expect_err("4000 articles do not fit in 1 MB");
    let shown = chain(&err);
    assert_eq!(
        shown.matches("No space left on device").count(),
        1,
        "{shown}"
    );
    let io = std::iter::successors(Some(&err as &dyn std::error::Error), |e| e.source())
        .find_map(|e| e.downcast_ref::<std::io::Error>())
        .unwrap_or_else(|| panic!("no io::Error in {shown} ({err:?})"));
    assert_eq!(io.kind(), std::io::ErrorKind::StorageFull);
    // The live index, if any, is untouched, and the partial generation is gone.
    drop(tmpfs);
}

/// Regression (issue 10): error messages repeated their cause ("index `x`: denied: denied").
#[test]
fn an_error_shows_each_cause_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-directory");
    std::fs::write(&file, "x").unwrap();
    let err = ArticleIndex::open(&file, &Config::default()).err().unwrap();
    let shown = chain(&err);
    let parts: Vec<&str> = shown.split(": ").collect();
    for (i, part) in parts.iter().enumerate() {
        assert!(
            !parts[i + 1..]
                .iter()
                .any(|later| later.contains(part) || part.contains(later)),
            "{shown}"
        );
    }
    assert!(std::error::Error::source(&err).is_some(), "{shown}");
}

static SHARED: std::sync::LazyLock<(tempfile::TempDir, ArticleIndex)> =
    std::sync::LazyLock::new(index);

/// Pieces random queries are built of: the query language's operators and the articles'
/// own words (in their scripts), so that random queries find things, not only fail.
fn piece() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let words: Vec<String> = DOCS
        .iter()
        .flat_map(|doc| {
            format!("{} {}", doc.1, doc.2)
                .split_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    prop_oneof![
        8 => proptest::sample::select(words),
        3 => proptest::sample::select(vec![
            "NOT ", "-", "(", ")", "\"", " OR ", " AND ", " ", "*", "?", ":", "..", "title:",
            "body:", "author:", "person:", "site:", "lang:", "after:", "before:", "published:",
            "2025", "2025-08", "2300", "1500-01-01", "ru", "example", "İ", "ß", "ς",
        ]).prop_map(str::to_owned),
        1 => any::<String>(),
    ]
}

fn query() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    proptest::collection::vec(piece(), 0..6).prop_map(|pieces| pieces.join(" "))
}

fn filter_value() -> impl proptest::strategy::Strategy<Value = Option<String>> {
    use proptest::prelude::*;
    proptest::option::weighted(
        0.2,
        prop_oneof![
            4 => proptest::sample::select(vec![
                "2025", "2025-08", "2025-08-14", "2300", "0000", "9999-12-31", "", "..", "x",
                "İbrahim Kalın", "ru.example", "ru", "el",
            ])
            .prop_map(str::to_owned),
            1 => any::<String>(),
        ],
    )
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 400,
        ..proptest::prelude::ProptestConfig::default()
    })]

    /// Any query with any filters, over articles in eight scripts: results whose highlights
    /// slice their texts, or a query or filter error; never a panic.
    #[test]
    fn search_never_panics_on_a_multilingual_index(
        query in query(),
        since in filter_value(),
        until in filter_value(),
        person in filter_value(),
        site in filter_value(),
        lang in filter_value(),
        by_date in proptest::bool::ANY,
        fuzzy in proptest::bool::ANY,
        offset in 0usize..4,
        limit in 0usize..6,
    ) {
        let index = &SHARED.1;
        let filters = Filters {
            persons: person.into_iter().collect(),
            sites: site.into_iter().collect(),
            langs: lang.into_iter().collect(),
            since,
            until,
        };
        let request = SearchRequest {
            query: query.clone(),
            filters: filters.clone(),
            sort: if by_date { Sort::Date } else { Sort::Relevance },
            limit,
            offset,
            facets: 5,
            fuzzy,
        };
        match index.search(&request) {
            Ok(results) => {
                proptest::prop_assert!(results.hits.len() <= limit);
                for hit in &results.hits {
                    for &(start, end) in &hit.highlights {
                        proptest::prop_assert!(hit.snippet.get(start..end).is_some());
                    }
                    for &(start, end) in &hit.title_highlights {
                        proptest::prop_assert!(hit.title.get(start..end).is_some());
                    }
                }
            }
            Err(Error::Query { .. } | Error::Filter { .. }) => {}
            Err(other) => proptest::prop_assert!(false, "{query:?}: {other}"),
        }
        let persons = index.persons(&PersonsRequest {
            query: query.clone(),
            filters,
            with: None,
            top: 5,
        });
        proptest::prop_assert!(
            matches!(persons, Ok(_) | Err(Error::Query { .. } | Error::Filter { .. })),
            "{query:?}: {persons:?}"
        );
    }
}

/// Regression (found by the `query` fuzz target): excluding a phrase that one field alone
/// can match (`-body:"…"`, or a phrase whose words are missing from titles) panicked in debug
/// builds, on an assertion in tantivy's phrase scorer; see `exclusion.rs`.
#[test]
fn an_excluded_phrase_is_excluded_not_a_panic() {
    let (_dir, index) = index();
    let all = DOCS.len();
    for (query, expected) in [
        ("-body:\"ceasefire held\"", all - 1),
        ("-title:\"ceasefire holds\"", all - 1),
        ("-\"talks resumed\"", all - 1),
        ("-\"переговоры в Стамбуле\"", all - 1),
        ("-\"held overnight officials\"", all - 1),
        ("-\"no such phrase\"", all),
        ("ceasefire -body:\"ceasefire held\"", 1),
        (
            "ceasefire -(\"ceasefire held\" OR \"ceasefire annoncé\")",
            0,
        ),
    ] {
        for facets in [0, 5] {
            let results = index
                .search(&request(query, |r| {
                    r.facets = facets;
                    r.sort = Sort::Date;
                }))
                .unwrap_or_else(|err| panic!("{query}: {err}"));
            assert_eq!(results.total, expected, "{query}");
        }
    }
}
