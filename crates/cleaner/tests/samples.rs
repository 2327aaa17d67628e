//! The sample pages in `data/samples/`: each keeps its body and loses its boilerplate, and the
//! Mirror page reproduces the seed's expected clean text paragraph for paragraph.
#![allow(clippy::print_stderr)]

use std::path::PathBuf;

use newsdex_cleaner::{Cleaner, Config};
use newsdex_types::Article;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn clean_sample(name: &str, url: &str) -> Article {
    let path = repo_root().join("data/samples").join(name);
    let body =
        std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    Cleaner::new(Config::default())
        .clean(&body, url, Some("text/html; charset=utf-8"))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn normalise(paragraph: &str) -> String {
    paragraph.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(normalise)
        .filter(|p| !p.is_empty())
        .collect()
}

fn assert_has(article: &Article, needles: &[&str]) {
    for needle in needles {
        assert!(
            article.text.contains(needle),
            "body lost {needle:?}:\n{}",
            article.text
        );
    }
}

fn assert_lacks(article: &Article, needles: &[&str]) {
    for needle in needles {
        assert!(
            !article.text.contains(needle),
            "boilerplate {needle:?} survived:\n{}",
            article.text
        );
    }
}

#[test]
fn mirror_page_matches_the_seed_paragraph_for_paragraph() {
    let article = clean_sample(
        "mirror-coalition-of-the-willing.html",
        "https://www.mirror.co.uk/news/politics/x",
    );
    let shared = repo_root().join("../shared/seed/expected-clean.txt");
    let Ok(expected) = std::fs::read_to_string(&shared) else {
        eprintln!(
            "skipping the seed comparison: {} is absent",
            shared.display()
        );
        return;
    };
    let got = paragraphs(&article.text);
    let want = paragraphs(&expected);
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g, w, "paragraph {i} differs");
    }
    assert_eq!(
        got.len(),
        want.len(),
        "paragraph count differs:\n{}",
        article.text
    );
}

#[test]
fn mirror_page_metadata_and_boilerplate() {
    let article = clean_sample(
        "mirror-coalition-of-the-willing.html",
        "https://www.mirror.co.uk/news/politics/x?utm_source=x",
    );
    assert_eq!(
        article.title,
        "Keir Starmer says 'robust' plans being drawn up to defend Ukraine - what happens next"
    );
    assert_eq!(
        article.url,
        "https://www.mirror.co.uk/news/politics/keir-starmer-coalition-willing-ukraine-35758231"
    );
    assert_eq!(article.authors, vec!["Sophie Huskisson", "Kieran Kelly"]);
    assert_eq!(
        article.published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2025-08-19T16:27:00+00:00")
    );
    assert_eq!(article.site_name.as_deref(), Some("Mirror"));
    assert_eq!(article.language.as_deref(), Some("en"));
    assert_eq!(article.section.as_deref(), Some("Politics"));
    assert!(article.tags.contains(&"Keir Starmer".to_owned()));
    assert_lacks(
        &article,
        &[
            "Aaron Schwartz",
            "(Image:",
            "READ MORE",
            "WhatsApp",
            "Share.",
            "Exit mobile version",
            "Getty Images",
            "Advertisement",
            "Most Read",
            "cookies",
            "Heatwave",
        ],
    );
    assert!(article.to_markdown().contains("## What happens next?"));
}

#[test]
fn bbc_style_page() {
    let article = clean_sample(
        "bbc-style-nhs-waiting-lists.html",
        "https://www.bbc.co.uk/news/articles/c0nhs7wait1o",
    );
    assert_eq!(
        article.title,
        "NHS waiting list falls for third month in a row"
    );
    assert_eq!(article.authors, vec!["Nick Triggle"]);
    assert_eq!(article.site_name.as_deref(), Some("BBC News"));
    assert_has(
        &article,
        &[
            "The number of people waiting for routine hospital treatment in England has fallen",
            "Sir Keir Starmer has made cutting waiting times",
            "Pressures in A&E",
            "Starmer's critics say the improvement is too slow.",
            "a figure it described as \"unacceptable\".",
        ],
    );
    assert_lacks(
        &article,
        &[
            "Image source",
            "Getty Images",
            "Image caption",
            "Hospitals have been told",
            "agree to cookies",
            "How long is the wait",
            "Related topics",
            "More on this story",
            "Top stories",
            "Most read",
            "Terms of Use",
            "Share",
        ],
    );
}

#[test]
fn guardian_style_page() {
    let article = clean_sample(
        "guardian-style-climate-finance-talks.html",
        "https://www.theguardian.com/environment/2025/jun/27/x",
    );
    assert_eq!(
        article.title,
        "Rich nations agree new climate finance goal after all-night talks"
    );
    assert_eq!(article.authors, vec!["Fiona Harvey"]);
    assert_eq!(
        article.tags.first().map(String::as_str),
        Some("Climate crisis")
    );
    assert_has(
        &article,
        &[
            "Deal on funding for developing countries reached in Bonn",
            "Rich countries have agreed to provide at least $300bn a year",
            "Volodymyr Zelenskyy, addressed the conference",
            "War and debt",
            "make it easier to hold countries to account.",
        ],
    );
    assert_lacks(
        &article,
        &[
            "Photograph:",
            "Ina Fassbender",
            "Related:",
            "Sign up to Down to Earth",
            "Privacy Notice",
            "GreenReader77",
            "Comments (412)",
            "small favour",
            "Most viewed",
            "Share on",
            "Reuse this content",
            "Environment editor",
        ],
    );
}

#[test]
fn wire_style_page() {
    let article = clean_sample(
        "wire-style-black-sea-grain-shipments.html",
        "https://www.reuters.com/world/europe/x",
    );
    assert_eq!(
        article.title,
        "Ukraine grain shipments via Black Sea corridor hit record in August"
    );
    assert_eq!(article.authors, vec!["Reuters"]);
    assert_eq!(
        article.published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2025-09-01T10:42:00+00:00")
    );
    assert_has(
        &article,
        &[
            "KYIV, Sept 1 (Reuters) - Ukraine exported a record 6.2 million metric tons",
            "President Volodymyr Zelenskiy said the figures",
            "Zelenskiy's government has been pressing",
            "U.S. President Donald Trump, who has pushed for a ceasefire",
        ],
    );
    assert_lacks(
        &article,
        &[
            "Sign up here",
            "Accept All Cookies",
            "REUTERS/Nina Liashonok",
            "Purchase Licensing Rights",
            "Read Next",
            "Trust Principles",
            "More from Reuters",
            "Wheat prices slip",
            "quotes delayed",
            // Wire credits close the story; the people in them are not in it.
            "Reporting by",
            "Pavel Polityuk",
            "Editing by",
        ],
    );
}

#[test]
fn local_wordpress_page() {
    let article = clean_sample(
        "local-wordpress-library-reopens.html",
        "https://millbrookgazette.co.uk/?p=4821",
    );
    assert_eq!(
        article.title,
        "Millbrook library reopens after £1.2m refurbishment"
    );
    assert_eq!(article.authors, vec!["Priya Shah"]);
    assert_eq!(article.tags, vec!["library", "council", "heritage"]);
    assert_eq!(
        article.image.as_deref(),
        Some("https://millbrookgazette.co.uk/wp-content/uploads/2025/10/library-reading-room.jpg")
    );
    assert_has(
        &article,
        &[
            "Millbrook’s Victorian library on Station Road reopened",
            "Councillor Margaret Doyle",
            "A home for the town’s archive",
            "Opening hours: Monday to Saturday",
            "step-free access from the car park.",
        ],
    );
    assert_lacks(
        &article,
        &[
            "Photo: Tom Ellery",
            "The queue stretched",
            "Share this",
            "Like this",
            "Loading",
            "Related",
            "Council sets out budget",
            "Tagged",
            "About Priya Shah",
            "Janet W",
            "Leave a Reply",
            "Recent Posts",
            "Newsletter",
            "Posted on",
            "Previous:",
            "Proudly powered",
        ],
    );
}

#[test]
fn captions_can_be_kept_without_their_credits() {
    let path = repo_root().join("data/samples/mirror-coalition-of-the-willing.html");
    let body =
        std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let cleaner = Cleaner::new(Config {
        keep_captions: true,
        ..Config::default()
    });
    let article = cleaner
        .clean(&body, "https://www.mirror.co.uk/news/politics/x", None)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_has(
        &article,
        &["Donald Trump hosted European leaders and Zelensky at the White House on Monday"],
    );
    assert_lacks(&article, &["Aaron Schwartz", "(Image:"]);
}
