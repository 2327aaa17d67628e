//! Search behaviour on a small fixed corpus: every operator and filter, folding, stemming,
//! the typo fallback, facets, paging, near-duplicates, highlights, persons and errors.

// A test's unwrap is its assertion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, TimeZone, Utc};
use newsdex_index::{
    ArticleIndex, Config, Error, Filters, PersonsRequest, SearchRequest, SearchResults, Sort,
};
use newsdex_persons::{Mention, Person};
use newsdex_types::{Article, Block, BlockKind};

const AGENCY: &str = "Ukraine and Russia agreed on Tuesday to resume grain shipments across the \
    Black Sea after talks in Istanbul, officials said, easing fears of a new food crisis. The deal, \
    brokered by Turkey and the United Nations, allows ships to sail through a protected corridor \
    from three Ukrainian ports. Insurers said premiums would fall once the first convoy arrived \
    safely. Wheat futures dropped four percent in Chicago on the news, their biggest fall in a \
    month. Farmers in the south of the country said silos were full and the harvest had been \
    waiting for weeks.";

struct Doc {
    url: &'static str,
    title: &'static str,
    text: String,
    persons: &'static [&'static str],
    authors: &'static [&'static str],
    published: Option<DateTime<Utc>>,
    lang: &'static str,
    site_name: Option<&'static str>,
}

fn day(y: i32, m: u32, d: u32) -> Option<DateTime<Utc>> {
    Some(Utc.with_ymd_and_hms(y, m, d, 9, 30, 0).unwrap())
}

fn doc(url: &'static str, title: &'static str, text: &str) -> Doc {
    Doc {
        url,
        title,
        text: text.to_owned(),
        persons: &[],
        authors: &[],
        published: None,
        lang: "en",
        site_name: None,
    }
}

/// Persons with every mention of their name (or of its last word) in `title + "\n\n" + text`.
fn persons_of(doc: &Doc) -> Vec<Person> {
    let full = format!("{}\n\n{}", doc.title, doc.text);
    doc.persons
        .iter()
        .map(|name| {
            let surname = name.rsplit(' ').next().unwrap();
            let mut mentions = Vec::new();
            let mut from = 0;
            while let Some(found) = full[from..].find(surname) {
                let start_byte = from + found;
                let start = full[..start_byte].chars().count();
                let (start, text) =
                    match full[..start_byte].strip_suffix(&name[..name.len() - surname.len()]) {
                        Some(before) if name.len() > surname.len() => {
                            (before.chars().count(), name.to_string())
                        }
                        _ => (start, surname.to_string()),
                    };
                mentions.push(Mention {
                    start,
                    end: start + text.chars().count(),
                    text,
                });
                from = start_byte + surname.len();
            }
            Person {
                name: (*name).to_string(),
                mentions,
            }
        })
        .collect()
}

fn corpus() -> Vec<Doc> {
    let with = |mut d: Doc, persons, published, f: &dyn Fn(&mut Doc)| {
        d.persons = persons;
        d.published = published;
        f(&mut d);
        d
    };
    vec![
        with(
            doc(
                "https://www.mirror.co.uk/news/politics/coalition",
                "Starmer chairs Coalition of the Willing call",
                "Keir Starmer and Emmanuel Macron chaired a meeting of the Coalition of the Willing on Tuesday. \
                 The leaders of the coalition said talks would continue.",
            ),
            &["Keir Starmer", "Emmanuel Macron"],
            day(2025, 8, 14),
            &|d| {
                d.authors = &["Jane Smith"];
                d.site_name = Some("The Mirror");
            },
        ),
        with(
            doc(
                "https://news.example/budget",
                "Budget talks stall",
                "The chancellor said the willing partners would talk again next week about the coalition budget.",
            ),
            &[],
            day(2025, 7, 2),
            &|d| d.authors = &["John Roe"],
        ),
        with(
            doc(
                "https://news.bbc.co.uk/world/zelenskyy",
                "Zelenskyy meets European leaders",
                "Volodymyr Zelenskyy met European leaders in Paris to discuss security guarantees.",
            ),
            &["Volodymyr Zelenskyy"],
            day(2025, 8, 20),
            &|_| {},
        ),
        with(
            doc(
                "https://kyivindependent.com/zelensky-speaks",
                "ZELENSKY SPEAKS TO PARLIAMENT",
                "Zelensky told parliament that the country would not give up territory.",
            ),
            &["Zelensky"],
            day(2025, 9, 3),
            &|_| {},
        ),
        with(
            doc(
                "https://www.theguardian.com/world/zelenskiy-visit",
                "Zelenskiy visits the front",
                "Volodymyr Zelenskiy visited troops near the front line on Sunday.",
            ),
            &["Volodymyr Zelenskiy"],
            day(2025, 9, 10),
            &|_| {},
        ),
        with(
            doc(
                "https://www.theguardian.com/world/zelenskyy-washington",
                "Zelenskyy arrives in Washington",
                "Volodymyr Zelenskyy arrived in Washington for talks at the White House.",
            ),
            &["Volodymyr Zelenskyy"],
            day(2025, 9, 12),
            &|_| {},
        ),
        with(
            doc(
                "https://localpaper.example/traffic",
                "Roadworks close Starmer Road",
                "Starmer Road will be closed for resurfacing until Friday, the council said.",
            ),
            &[],
            day(2025, 8, 15),
            &|_| {},
        ),
        with(
            doc(
                "https://www.spiegel.de/wirtschaft/mueller",
                "Zoë Müller über die Wirtschaft",
                "Zoë Müller sprach über die Lage der Wirtschaft und die Zinsen.",
            ),
            &["Zoë Müller"],
            day(2025, 8, 1),
            &|d| d.lang = "de",
        ),
        with(
            doc(
                "https://www.reuters.com/world/grain",
                "Black Sea grain deal agreed",
                AGENCY,
            ),
            &[],
            day(2025, 8, 5),
            &|d| d.authors = &["Reuters"],
        ),
        with(
            doc(
                "https://apnews.example/grain-deal",
                "Grain shipments to resume",
                &format!("{AGENCY} Reporting by Jane Doe."),
            ),
            &[],
            day(2025, 8, 5),
            &|_| {},
        ),
        with(
            doc(
                "https://news.yahoo.example/grain",
                "Ukraine, Russia agree grain corridor",
                &AGENCY.replace("officials said", "officials told reporters"),
            ),
            &[],
            day(2025, 8, 6),
            &|_| {},
        ),
        with(
            doc(
                "https://www.thetimes.example/starmer-pmqs",
                "Starmer faces questions",
                "Starmer faced questions in parliament about the budget on Wednesday.",
            ),
            &["Starmer"],
            day(2025, 10, 1),
            &|_| {},
        ),
        with(
            doc(
                "https://politics.example/boris",
                "Boris Johnson returns",
                "Boris Johnson spoke at a dinner in London.",
            ),
            &["Boris Johnson"],
            day(2025, 6, 1),
            &|_| {},
        ),
        with(
            doc(
                "https://politics.example/mike",
                "Mike Johnson holds the House",
                "Mike Johnson kept control of the House vote.",
            ),
            &["Mike Johnson"],
            day(2025, 6, 2),
            &|_| {},
        ),
        with(
            doc(
                "https://politics.example/johnson",
                "Johnson under pressure",
                "Johnson faced a rebellion over the spending bill.",
            ),
            &["Johnson"],
            day(2025, 6, 3),
            &|_| {},
        ),
        doc(
            "https://undated.example/essay",
            "An undated essay on coalition politics",
            "Coalition politics is the art of the possible, and talks are its daily bread.",
        ),
    ]
}

fn article(d: &Doc) -> Article {
    let blocks = d
        .text
        .split("\n\n")
        .map(|text| Block {
            kind: BlockKind::Paragraph,
            quote: false,
            text: text.to_owned(),
            links: Vec::new(),
        })
        .collect();
    Article {
        url: d.url.into(),
        title: d.title.into(),
        authors: d.authors.iter().map(|a| (*a).to_string()).collect(),
        published: d.published,
        site_name: d.site_name.map(str::to_owned),
        language: Some(d.lang.into()),
        text: d.text.clone(),
        blocks,
        ..Article::default()
    }
}

fn index() -> (tempfile::TempDir, ArticleIndex) {
    let dir = tempfile::tempdir().unwrap();
    let index = ArticleIndex::open(dir.path(), &Config::default()).unwrap();
    let mut writer = index.writer().unwrap();
    for d in corpus() {
        writer.upsert(&article(&d), &persons_of(&d)).unwrap();
    }
    writer.commit().unwrap();
    drop(writer);
    (dir, index)
}

fn search(index: &ArticleIndex, query: &str) -> SearchResults {
    index
        .search(&SearchRequest::new(query))
        .unwrap_or_else(|err| panic!("{query}: {err}"))
}

fn request(query: &str, f: impl FnOnce(&mut SearchRequest)) -> SearchRequest {
    let mut request = SearchRequest::new(query);
    request.limit = 50;
    f(&mut request);
    request
}

/// Matching URLs, each hit's copies included, sorted.
fn urls(results: &SearchResults) -> Vec<String> {
    let mut urls: Vec<String> = results
        .hits
        .iter()
        .flat_map(|hit| {
            std::iter::once(hit.url.clone()).chain(hit.copies.iter().map(|c| c.url.clone()))
        })
        .collect();
    urls.sort();
    urls
}

fn hosts(results: &SearchResults) -> Vec<String> {
    urls(results)
        .iter()
        .map(|url| {
            url.split('/')
                .nth(2)
                .unwrap()
                .trim_start_matches("www.")
                .to_owned()
        })
        .collect()
}

fn error(index: &ArticleIndex, query: &str) -> String {
    match index.search(&SearchRequest::new(query)) {
        Err(err @ Error::Query { .. }) => err.to_string(),
        other => panic!("{query}: expected a query error, got {other:?}"),
    }
}

fn marked(text: &str, highlights: &[(usize, usize)]) -> String {
    let mut out = text.to_owned();
    for &(start, end) in highlights.iter().rev() {
        out.insert(end, ']');
        out.insert(start, '[');
    }
    out
}

#[test]
fn words_are_anded_and_or_widens() {
    let (_dir, index) = index();
    assert_eq!(hosts(&search(&index, "coalition budget")), ["news.example"]);
    let either = search(&index, "zoë OR budget");
    assert_eq!(either.total, 3, "{:?}", urls(&either));
    assert_eq!(search(&index, "coalition zebra").total, 0);
}

#[test]
fn minus_and_not_exclude() {
    let (_dir, index) = index();
    let all = search(&index, "coalition").total;
    assert_eq!(all, 3);
    assert_eq!(hosts(&search(&index, "coalition -budget")).len(), 2);
    assert_eq!(search(&index, "coalition NOT budget").total, 2);
    assert_eq!(
        search(&index, "coalition -(budget OR undated)").total,
        1,
        "a group can be excluded"
    );
    let only_negative = search(&index, "-coalition");
    assert_eq!(
        only_negative.total,
        16 - 3,
        "exclusion alone means all but those"
    );
}

#[test]
fn phrases_need_adjacent_words_and_parentheses_group() {
    let (_dir, index) = index();
    assert_eq!(
        hosts(&search(&index, "\"coalition of the willing\"")),
        ["mirror.co.uk"]
    );
    assert_eq!(search(&index, "\"willing coalition\"").total, 0);
    assert_eq!(
        search(&index, "(zelensky OR zelenskyy) parliament").total,
        1,
        "{:?}",
        urls(&search(&index, "(zelensky OR zelenskyy) parliament"))
    );
}

#[test]
fn title_body_and_author_operators() {
    let (_dir, index) = index();
    assert_eq!(hosts(&search(&index, "title:budget")), ["news.example"]);
    assert_eq!(
        search(&index, "budget").total,
        2,
        "the Times body mentions the budget too"
    );
    assert_eq!(
        hosts(&search(&index, "body:resurfacing")),
        ["localpaper.example"]
    );
    assert_eq!(search(&index, "title:resurfacing").total, 0);
    assert_eq!(hosts(&search(&index, "title:(stall OR speaks)")).len(), 2);
    assert_eq!(
        hosts(&search(&index, "author:\"jane smith\"")),
        ["mirror.co.uk"]
    );
    assert_eq!(hosts(&search(&index, "author:ROE")), ["news.example"]);
}

#[test]
fn stemming_finds_other_forms_in_title_and_body() {
    let (_dir, index) = index();
    let talking = search(&index, "talking");
    assert!(talking.total >= 4, "talks/talk: {:?}", urls(&talking));
    assert!(
        hosts(&talking).contains(&"news.example".to_owned()),
        "title `talks`"
    );
    assert_eq!(
        search(&index, "visits").total,
        search(&index, "visited").total
    );
}

#[test]
fn case_and_accents_fold_everywhere() {
    let (_dir, index) = index();
    let plain = urls(&search(&index, "zelenskyy"));
    assert_eq!(plain.len(), 2);
    assert_eq!(urls(&search(&index, "ZELENSKYY")), plain);
    assert_eq!(urls(&search(&index, "Zelenskyý")), plain);
    assert_eq!(hosts(&search(&index, "muller")), ["spiegel.de"]);
    assert_eq!(hosts(&search(&index, "MÜLLER zoe")), ["spiegel.de"]);
    assert_eq!(
        hosts(&search(&index, "person:\"zoe muller\"")),
        ["spiegel.de"]
    );
}

#[test]
fn person_matches_every_resolved_spelling_and_not_a_street() {
    let (_dir, index) = index();
    let expected = ["mirror.co.uk", "thetimes.example"];
    assert_eq!(hosts(&search(&index, "person:\"Keir Starmer\"")), expected);
    assert_eq!(hosts(&search(&index, "person:starmer")), expected);
    let by_flag = index
        .search(&request("", |r| r.filters.persons = vec!["Starmer".into()]))
        .unwrap();
    assert_eq!(hosts(&by_flag), expected, "the flag is the operator");
    assert!(
        !hosts(&search(&index, "person:starmer")).contains(&"localpaper.example".to_owned()),
        "Starmer Road is not a person"
    );
    // Transliterations are one person.
    let zelensky = hosts(&search(&index, "person:Zelensky"));
    assert_eq!(zelensky.len(), 4, "{zelensky:?}");
    assert_eq!(
        hosts(&search(&index, "person:\"Volodymyr Zelenskiy\"")),
        zelensky
    );
}

#[test]
fn an_ambiguous_surname_is_not_guessed() {
    let (_dir, index) = index();
    let results = search(&index, "person:Johnson");
    assert_eq!(hosts(&results), ["politics.example"]);
    assert_eq!(results.hits[0].url, "https://politics.example/johnson");
    assert!(
        results.notes[0].contains("Boris Johnson, Mike Johnson"),
        "{:?}",
        results.notes
    );
    assert_eq!(search(&index, "person:\"Boris Johnson\"").total, 1);
}

#[test]
fn site_and_lang_filters() {
    let (_dir, index) = index();
    assert_eq!(search(&index, "site:mirror.co.uk").total, 1);
    assert_eq!(search(&index, "site:www.mirror.co.uk").total, 1);
    assert_eq!(
        search(&index, "site:\"the mirror\"").total,
        1,
        "by the site's name"
    );
    assert_eq!(
        hosts(&search(&index, "site:bbc.co.uk")),
        ["news.bbc.co.uk"],
        "a parent domain finds its subdomains"
    );
    assert_eq!(search(&index, "site:theguardian.com zelenskiy").total, 1);
    let two_sites = index
        .search(&request("", |r| {
            r.filters.sites = vec!["theguardian.com".into(), "bbc.co.uk".into()];
        }))
        .unwrap();
    assert_eq!(two_sites.total, 3, "several sites: any of them");
    assert_eq!(hosts(&search(&index, "lang:de")), ["spiegel.de"]);
    assert_eq!(search(&index, "zelenskyy lang:DE").total, 0);
}

#[test]
fn dates_after_before_months_and_flags() {
    let (_dir, index) = index();
    let august = search(&index, "after:2025-08-01 before:2025-09-01");
    // mirror, bbc, localpaper, spiegel, and the three agency copies
    assert_eq!(august.total, 7, "{:?}", urls(&august));
    assert_eq!(search(&index, "published:2025-08").total, 7);
    assert_eq!(search(&index, "published:2025-08-05").total, 2);
    assert_eq!(search(&index, "published:2025-06..2025-07").total, 4);
    assert_eq!(search(&index, "person:zelensky after:2025-09").total, 3);
    assert_eq!(
        search(&index, "person:zelensky -published:2025-09").total,
        1
    );
    let flags = index
        .search(&request("", |r| {
            r.filters.since = Some("2025-08-01".into());
            r.filters.until = Some("2025-08".into());
        }))
        .unwrap();
    assert_eq!(flags.total, 7, "--until includes the whole month");
    let err = index
        .search(&request("", |r| r.filters.since = Some("2025-13".into())))
        .unwrap_err();
    assert!(
        err.to_string().starts_with("invalid since date `2025-13`"),
        "{err}"
    );
}

#[test]
fn a_misspelt_query_is_retried_and_says_so() {
    let (_dir, index) = index();
    let results = search(&index, "coaliton willing");
    assert_eq!(results.corrected.as_deref(), Some("coalition willing"));
    assert!(results.total >= 2);
    let hit = &results.hits[0];
    assert!(
        marked(&hit.snippet, &hit.highlights).contains("[coalition]"),
        "corrected words are highlighted: {}",
        hit.snippet
    );
    let phrase = search(&index, "\"coalition of the wiling\"");
    assert_eq!(
        phrase.corrected.as_deref(),
        Some("\"coalition of the willing\"")
    );
    assert_eq!(phrase.total, 1);
    let person = search(&index, "person:\"Keir Stramer\"");
    assert_eq!(person.corrected.as_deref(), Some("person:\"Keir Starmer\""));
    assert_eq!(person.total, 2);
    // Exact results are never second-guessed, and the fallback can be turned off.
    assert_eq!(search(&index, "coalition").corrected, None);
    let off = index
        .search(&request("coaliton", |r| r.fuzzy = false))
        .unwrap();
    assert_eq!((off.total, off.corrected), (0, None));
    assert_eq!(
        search(&index, "xqzvwk").total,
        0,
        "nothing close: nothing found"
    );
}

#[test]
fn facets_count_all_matches_not_only_the_page() {
    let (_dir, index) = index();
    let results = index
        .search(&request("person:zelensky OR grain", |r| {
            r.facets = 5;
            r.limit = 1;
        }))
        .unwrap();
    assert_eq!(results.total, 7);
    let facets = results.facets.unwrap();
    assert_eq!(facets.persons.len(), 1);
    assert_eq!(facets.persons[0].value, "Volodymyr Zelenskyy");
    assert_eq!(
        facets.persons[0].count, 4,
        "one person under three spellings"
    );
    let sites: Vec<(&str, u64)> = facets
        .sites
        .iter()
        .map(|f| (f.value.as_str(), f.count))
        .collect();
    assert_eq!(sites[0], ("theguardian.com", 2));
    assert_eq!(sites.len(), 5);
    let months: Vec<(&str, u64)> = facets
        .months
        .iter()
        .map(|f| (f.value.as_str(), f.count))
        .collect();
    assert_eq!(months, [("2025-08", 4), ("2025-09", 3)]);
    assert!(search(&index, "grain").facets.is_none(), "only when asked");
}

#[test]
fn paging_walks_every_story_once() {
    let (_dir, index) = index();
    let all = index
        .search(&request("-zzz", |r| r.sort = Sort::Date))
        .unwrap();
    assert_eq!(all.total, 16);
    assert_eq!(all.hits.len(), 14, "three agency copies are one story");
    let mut paged = Vec::new();
    for offset in (0..16).step_by(4) {
        let page = index
            .search(&request("-zzz", |r| {
                r.sort = Sort::Date;
                r.limit = 4;
                r.offset = offset;
            }))
            .unwrap();
        assert_eq!(page.total, 16, "the total does not depend on the page");
        assert!(page.hits.len() <= 4);
        paged.extend(page.hits.into_iter().map(|hit| hit.url));
    }
    let whole: Vec<String> = all.hits.iter().map(|hit| hit.url.clone()).collect();
    assert_eq!(
        paged, whole,
        "pages join up to the whole list, no gaps or repeats"
    );
    let beyond = index.search(&request("-zzz", |r| r.offset = 100)).unwrap();
    assert_eq!((beyond.total, beyond.hits.len()), (16, 0));
}

#[test]
fn sort_by_date_is_newest_first_and_undated_last() {
    let (_dir, index) = index();
    let results = index
        .search(&request("coalition OR zelensky", |r| r.sort = Sort::Date))
        .unwrap();
    let dates: Vec<_> = results.hits.iter().map(|hit| hit.published).collect();
    assert_eq!(dates.last().unwrap(), &None, "undated last");
    let dated: Vec<_> = dates.iter().flatten().collect();
    assert!(dated.windows(2).all(|w| w[0] >= w[1]), "{dated:?}");
    // Filters alone have no relevance: newest first too.
    let filtered = index
        .search(&request("", |r| {
            r.filters.persons = vec!["zelensky".into()];
        }))
        .unwrap();
    assert_eq!(
        filtered.hits[0].url,
        "https://www.theguardian.com/world/zelenskyy-washington"
    );
}

#[test]
fn relevance_puts_title_matches_first() {
    let (_dir, index) = index();
    let results = search(&index, "coalition");
    assert_eq!(
        results.hits[2].url, "https://news.example/budget",
        "a body-only match ranks below title matches"
    );
    assert!(results.hits[0].score >= results.hits[1].score);
}

#[test]
fn near_duplicates_are_one_hit_with_their_copies() {
    let (_dir, index) = index();
    let results = search(&index, "grain shipments");
    assert_eq!(results.total, 3, "every copy matches");
    assert_eq!(results.hits.len(), 1, "but they are one story");
    let hit = &results.hits[0];
    assert_eq!(hit.copies.len(), 2);
    let mut copy_sites: Vec<&str> = hit.copies.iter().map(|c| c.site.as_str()).collect();
    copy_sites.sort_unstable();
    assert!(!copy_sites.contains(&hit.url.split('/').nth(2).unwrap()));
    assert!(hit.copies.iter().all(|c| c.published.is_some()));
    assert_eq!(search(&index, "istanbul wheat").hits.len(), 1);
}

#[test]
fn highlights_cover_stems_folds_phrases_and_persons() {
    let (_dir, index) = index();
    let stemmed = search(&index, "talk chancellor");
    let hit = &stemmed.hits[0];
    assert_eq!(
        marked(&hit.snippet, &hit.highlights),
        "The [chancellor] said the willing partners would [talk] again next week about the coalition budget."
    );
    assert_eq!(
        marked(&hit.title, &hit.title_highlights),
        "Budget [talks] stall"
    );

    let phrase = search(&index, "\"coalition of the willing\"");
    let hit = &phrase.hits[0];
    let snippet = marked(&hit.snippet, &hit.highlights);
    assert!(snippet.contains("[Coalition of the Willing]"), "{snippet}");
    assert!(
        snippet.contains("leaders of the coalition said"),
        "words of the phrase are not highlighted alone: {snippet}"
    );
    assert_eq!(
        marked(&hit.title, &hit.title_highlights),
        "Starmer chairs [Coalition of the Willing] call"
    );

    let folded = search(&index, "muller");
    assert!(marked(&folded.hits[0].snippet, &folded.hits[0].highlights).contains("[Müller]"));

    let person = search(&index, "person:starmer budget");
    let hit = &person.hits[0];
    assert_eq!(
        marked(&hit.snippet, &hit.highlights),
        "[Starmer] faced questions in parliament about the [budget] on Wednesday."
    );
    assert_eq!(
        hit.persons,
        ["Keir Starmer"],
        "a surname alone is shown by the archive's full name"
    );
}

#[test]
fn malformed_queries_are_one_line_errors_pointing_at_the_problem() {
    let (_dir, index) = index();
    for (query, expected) in [
        (
            "title:(unclosed",
            "`(` is never closed; add a `)` (column 7)",
        ),
        ("\"open phrase", "quote here is never closed"),
        ("a b)", "`)` closes nothing"),
        ("OR budget", "`OR` needs something to search for before it"),
        (
            "budget AND",
            "`AND` needs something to search for on each side",
        ),
        ("person:", "`person:` needs a value"),
        ("titel:budget", "unknown field `titel:`"),
        ("after:2025-02-30", "not a day of the calendar"),
        ("lang:english", "not a language code"),
        ("!!! ???", "there are no words in it to search for"),
        ("", "the query is empty"),
    ] {
        let message = error(&index, query);
        assert!(
            message.starts_with(&format!("invalid query `{query}`: ")),
            "{message}"
        );
        assert!(message.contains(expected), "{query}: {message}");
        assert_eq!(message.lines().count(), 1);
    }
}

#[test]
fn persons_ranks_who_is_named_overall_in_a_query_and_beside_someone() {
    let (_dir, index) = index();
    let all = index
        .persons(&PersonsRequest {
            query: String::new(),
            filters: Filters::default(),
            with: None,
            top: 3,
        })
        .unwrap();
    assert_eq!(all.articles, 16);
    assert_eq!(all.persons[0].value, "Volodymyr Zelenskyy");
    assert_eq!(all.persons[0].count, 4);
    assert_eq!(all.persons[1].value, "Keir Starmer");
    assert_eq!(all.persons[1].count, 2);

    let beside = index
        .persons(&PersonsRequest {
            query: String::new(),
            filters: Filters::default(),
            with: Some("Starmer".into()),
            top: 10,
        })
        .unwrap();
    assert_eq!(beside.with.as_deref(), Some("Keir Starmer"));
    assert_eq!(beside.articles, 2);
    let names: Vec<&str> = beside.persons.iter().map(|p| p.value.as_str()).collect();
    assert_eq!(names, ["Emmanuel Macron"], "not himself");

    let in_query = index
        .persons(&PersonsRequest {
            query: "after:2025-09".into(),
            filters: Filters::default(),
            with: None,
            top: 10,
        })
        .unwrap();
    let names: Vec<(&str, u64)> = in_query
        .persons
        .iter()
        .map(|p| (p.value.as_str(), p.count))
        .collect();
    assert_eq!(names, [("Volodymyr Zelenskyy", 3), ("Keir Starmer", 1)]);

    let stats = index.stats().unwrap();
    // Zelenskyy, Starmer, Macron, Müller, Boris and Mike Johnson; "Johnson" alone is no one.
    assert_eq!(stats.persons, 6);
}

#[test]
fn the_persons_table_is_stored_with_the_generation_and_rebuilt() {
    let (dir, index) = index();
    let live = std::fs::read_to_string(dir.path().join("CURRENT")).unwrap();
    assert!(dir.path().join(live.trim()).join("persons.json").is_file());
    // A rebuild with fewer articles regenerates it.
    let mut rebuild = ArticleIndex::begin_rebuild(dir.path(), &Config::default()).unwrap();
    for d in corpus().iter().filter(|d| !d.persons.contains(&"Starmer")) {
        rebuild
            .writer()
            .upsert(&article(d), &persons_of(d))
            .unwrap();
    }
    rebuild.finish().unwrap();
    drop(index);
    let rebuilt = ArticleIndex::open(dir.path(), &Config::default()).unwrap();
    let live = std::fs::read_to_string(dir.path().join("CURRENT")).unwrap();
    assert!(dir.path().join(live.trim()).join("persons.json").is_file());
    assert_eq!(
        hosts(&search(&rebuilt, "person:starmer")),
        ["mirror.co.uk"],
        "the surname still resolves, to the one article left"
    );
    // Upserting keeps one document per URL and the table follows.
    let mut writer = rebuilt.writer().unwrap();
    let mut d = corpus().remove(0);
    d.persons = &["Emmanuel Macron"];
    writer.upsert(&article(&d), &persons_of(&d)).unwrap();
    writer.commit().unwrap();
    drop(writer);
    assert_eq!(search(&rebuilt, "person:starmer").total, 0);
    assert_eq!(rebuilt.stats().unwrap().articles, 15);
}

#[test]
fn words_typed_together_light_up_together_and_stopwords_not_alone() {
    let (_dir, index) = index();
    let results = search(&index, "coalition of the willing");
    let hit = &results.hits[0];
    assert_eq!(
        marked(&hit.snippet, &hit.highlights),
        "Keir Starmer and Emmanuel Macron chaired a meeting of the [Coalition of the Willing] on Tuesday. \
         The leaders of the [coalition] said talks would continue."
    );
    let only_stopwords = search(&index, "the");
    assert!(
        !only_stopwords.hits[0].highlights.is_empty(),
        "unless nothing else is asked"
    );
}

/// Issue 11: the index had a "site" of its own (the host without `www.`), so hits and the
/// sites facet named `news.harbour.co.uk` where the rest of newsdex says `harbour.co.uk`.
/// Both name the registrable domain now; `site:` still takes the site or one of its hosts.
#[test]
fn hits_and_the_sites_facet_name_the_registrable_domain() {
    let dir = tempfile::tempdir().unwrap();
    let index = ArticleIndex::open(dir.path(), &Config::default()).unwrap();
    let mut writer = index.writer().unwrap();
    for (url, title, text) in [
        (
            "https://news.harbour.co.uk/bridge",
            "Harbour bridge reopens",
            "The harbour bridge reopened on Monday after engineers finished the repairs.",
        ),
        (
            "https://www.harbour.co.uk/ferry",
            "Harbour ferry timetable",
            "Ferries across the harbour will run every twenty minutes from April.",
        ),
        (
            "https://port.example/festival",
            "Harbour festival",
            "Record crowds came to the harbour festival, organisers said on Sunday.",
        ),
    ] {
        writer
            .upsert(&article(&doc(url, title, text)), &[])
            .unwrap();
    }
    writer.commit().unwrap();
    drop(writer);

    let results = index.search(&request("harbour", |r| r.facets = 5)).unwrap();
    let mut sites: Vec<&str> = results.hits.iter().map(|hit| hit.site.as_str()).collect();
    sites.sort_unstable();
    assert_eq!(sites, ["harbour.co.uk", "harbour.co.uk", "port.example"]);
    let facets = results.facets.unwrap();
    let counts: Vec<(&str, u64)> = facets
        .sites
        .iter()
        .map(|f| (f.value.as_str(), f.count))
        .collect();
    assert_eq!(counts, [("harbour.co.uk", 2), ("port.example", 1)]);
    assert_eq!(search(&index, "site:harbour.co.uk").total, 2);
    assert_eq!(search(&index, "site:news.harbour.co.uk").total, 1);
}

/// The language facet (issue 13): counted over all matches like the others, by the code the
/// cleaner gave.
#[test]
fn facets_count_languages_over_all_matches() {
    let (_dir, index) = index();
    let results = index
        .search(&request("person:zelensky OR muller", |r| {
            r.facets = 5;
            r.limit = 1;
        }))
        .unwrap();
    let langs: Vec<(&str, u64)> = results
        .facets
        .as_ref()
        .unwrap()
        .langs
        .iter()
        .map(|f| (f.value.as_str(), f.count))
        .collect();
    assert_eq!(langs, [("en", 4), ("de", 1)]);
    let total: u64 = langs.iter().map(|(_, count)| count).sum();
    assert_eq!(total, results.total as u64);
}

/// The person page (issue 13): any name finds the person, with every name that resolves to
/// them; an ambiguous surname or an unknown name finds nobody.
#[test]
fn a_person_is_found_by_any_name_with_every_name_that_resolves_to_them() {
    let (_dir, index) = index();
    for asked in ["Zelensky", "volodymyr zelenskiy", "Volodymyr Zelenskyy"] {
        let person = index.person(asked).unwrap().expect(asked);
        assert_eq!(person.name, "Volodymyr Zelenskyy", "{asked}");
        let names: Vec<&str> = person.names.iter().map(|n| n.value.as_str()).collect();
        for name in ["Volodymyr Zelenskyy", "Zelensky", "Volodymyr Zelenskiy"] {
            assert!(names.contains(&name), "{asked}: {names:?}");
        }
        assert!(person.names.iter().all(|n| n.count >= 1), "{person:?}");
    }
    assert_eq!(index.person("Johnson").unwrap(), None, "two persons");
    assert_eq!(index.person("Nobody Known").unwrap(), None);
}

/// The article page (issue 13) lists the other copies of a story: every near-duplicate but
/// the article itself, from any of them; an article without copies or an unknown URL has none.
#[test]
fn the_copies_of_an_article_are_its_near_duplicates_elsewhere() {
    let (_dir, index) = index();
    let hit = &search(&index, "grain shipments").hits[0];
    let mut story: Vec<String> = hit.copies.iter().map(|c| c.url.clone()).collect();
    story.push(hit.url.clone());
    for url in &story {
        let copies: Vec<String> = index
            .copies_of(url)
            .unwrap()
            .into_iter()
            .map(|c| c.url)
            .collect();
        assert_eq!(copies.len(), 2, "{url}: {copies:?}");
        assert!(!copies.contains(url), "{url}");
        assert!(copies.iter().all(|c| story.contains(c)), "{copies:?}");
    }
    let lone = &search(&index, "\"coalition of the willing\"").hits[0].url;
    assert!(index.copies_of(lone).unwrap().is_empty());
    assert!(
        index
            .copies_of("https://nowhere.example/")
            .unwrap()
            .is_empty()
    );
}

/// Issue 12: a hit showed each person under the archive's canonical spelling, not the one its
/// article uses. Now it shows the article's own, beside the canonical name that `person:` and
/// the facets group by, in any script.
#[test]
fn hits_show_the_articles_spelling_and_facets_group_by_the_archive_person() {
    let dir = tempfile::tempdir().unwrap();
    let index = ArticleIndex::open(dir.path(), &Config::default()).unwrap();
    let mut writer = index.writer().unwrap();
    let docs: [(&str, &[&str]); 6] = [
        ("https://ru.example/1", &["Пётр Толстой"]),
        ("https://ru.example/2", &["Пётр Толстой"]),
        ("https://ru.example/3", &["Петр Толстой"]),
        // Two names the article's resolver left apart that the archive knows as one person.
        ("https://ru.example/4", &["Петр Толстой", "Толстой"]),
        ("https://gr.example/1", &["Κυριάκος Μητσοτάκης"]),
        ("https://gr.example/2", &["ΚΥΡΙΑΚΟΣ ΜΗΤΣΟΤΑΚΗΣ"]),
    ];
    for (url, names) in docs {
        let mut d = doc(url, "Новости · Ειδήσεις", &names.join(". "));
        d.persons = names;
        writer.upsert(&article(&d), &persons_of(&d)).unwrap();
    }
    writer.commit().unwrap();
    drop(writer);

    // The canonical spelling is the archive's most frequent one (of two as frequent, the first
    // in code point order); hits keep their own.
    let found = index
        .search(&request("person:\"Петр Толстой\"", |r| {
            r.facets = 5;
        }))
        .unwrap();
    assert_eq!(found.total, 4);
    let mut shown: Vec<(&str, &[String], &[String])> = found
        .hits
        .iter()
        .map(|h| (h.url.as_str(), &h.persons[..], &h.canonical_persons[..]))
        .collect();
    shown.sort();
    let canonical = ["Петр Толстой".to_owned()];
    let (yo, ye) = (["Пётр Толстой".to_owned()], ["Петр Толстой".to_owned()]);
    assert_eq!(
        shown,
        [
            ("https://ru.example/1", &yo[..], &canonical[..]),
            ("https://ru.example/2", &yo[..], &canonical[..]),
            ("https://ru.example/3", &ye[..], &canonical[..]),
            ("https://ru.example/4", &ye[..], &canonical[..]),
        ]
    );
    let facets = found.facets.unwrap().persons;
    assert_eq!(facets.len(), 1, "{facets:?}");
    assert_eq!(
        (facets[0].value.as_str(), facets[0].count),
        ("Петр Толстой", 4)
    );

    // Greek: the accented and the capitalised spelling are one person (final sigma and all).
    let greek = index
        .search(&request("person:Μητσοτάκης", |r| r.facets = 5))
        .unwrap();
    assert_eq!(greek.total, 2);
    for hit in &greek.hits {
        let expected = if hit.url.ends_with("/1") {
            "Κυριάκος Μητσοτάκης"
        } else {
            "ΚΥΡΙΑΚΟΣ ΜΗΤΣΟΤΑΚΗΣ"
        };
        assert_eq!(hit.persons, [expected], "{}", hit.url);
        assert_eq!(hit.canonical_persons, greek.hits[0].canonical_persons);
    }
    let facets = greek.facets.unwrap().persons;
    assert_eq!(facets.len(), 1, "{facets:?}");
    assert_eq!(facets[0].count, 2, "{facets:?}");
}
