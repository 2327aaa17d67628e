//! Hostile and degenerate pages, generated in code: each gives a result or a clear error, with
//! no panic and no stack overflow, in time and memory linear in its size.

use newsdex_cleaner::{Cleaner, Config, Error};
use proptest::prelude::*;

fn clean(body: &[u8]) -> Result<newsdex_cleaner::Article, Error> {
    Cleaner::new(Config::default()).clean(body, "https://example.com/a/page", None)
}

/// Deterministic pseudo-random bytes (xorshift), so the test needs no RNG crate.
fn garbage(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

const PARAGRAPH: &str = "The council met on Tuesday to discuss the budget, and members agreed to raise spending on libraries and parks.";

#[test]
fn empty_page_is_a_clear_error() {
    let err = clean(b"").err().map(|e| e.to_string());
    assert_eq!(err.as_deref(), Some("no article text found"));
}

#[test]
fn binary_garbage_is_refused_as_not_text() {
    for seed in [1, 2, 3] {
        let err = clean(&garbage(1 << 20, seed)).err();
        assert!(matches!(err, Some(Error::NotText)), "{err:?}");
    }
    // Binary formats with text-like headers too: a PNG and a gzip stream.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend(garbage(4096, 9));
    assert!(matches!(clean(&png), Err(Error::NotText)));
}

#[test]
fn a_text_page_with_a_few_stray_control_bytes_is_still_cleaned() {
    let page = format!(
        "<html><body><article><h1>Budget</h1><p>{PARAGRAPH}\u{1}</p><p>{PARAGRAPH}\u{2}</p>\
         <p>{PARAGRAPH}</p></article></body></html>"
    );
    let article = clean(page.as_bytes()).expect("a text page");
    assert!(
        article.text.contains("libraries and parks"),
        "{}",
        article.text
    );
}

#[test]
fn hundred_thousand_nested_divs() {
    let depth = 100_000;
    let page = format!(
        "<html><body>{}<p>{PARAGRAPH}</p>{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    let article = clean(page.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(article.text, PARAGRAPH);
}

#[test]
fn deeply_nested_inline_and_unclosed_tags() {
    let page = format!(
        "<body><article><p>{PARAGRAPH}{}</article>",
        "<span><b><i>".repeat(30_000)
    );
    let article = clean(page.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    assert!(article.text.starts_with(PARAGRAPH));
}

#[test]
fn a_million_links() {
    let mut page = String::from("<html><body><nav>");
    for i in 0..1_000_000 {
        page.push_str(&format!("<a href=\"/p/{i}\">link {i}</a> "));
    }
    page.push_str("</nav><article>");
    for _ in 0..5 {
        page.push_str(&format!("<p>{PARAGRAPH}</p>"));
    }
    page.push_str("</article></body></html>");
    let article = clean(page.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    assert!(article.text.starts_with(PARAGRAPH));
    assert!(!article.text.contains("link 1"));
}

#[test]
fn a_twenty_megabyte_page() {
    let paragraph = format!("<p>{}</p>\n", PARAGRAPH.repeat(10));
    let count = 20 * 1024 * 1024 / paragraph.len() + 1;
    let page = format!(
        "<html><head><title>Big</title></head><body><article>{}</article></body></html>",
        paragraph.repeat(count)
    );
    assert!(page.len() > 20 * 1024 * 1024);
    let article = clean(page.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(article.blocks.len(), count);
}

#[test]
fn over_the_size_limit_is_refused() {
    let cleaner = Cleaner::new(Config {
        max_bytes: 1000,
        ..Config::default()
    });
    let err = cleaner
        .clean(&[b'a'; 2000], "https://example.com/", None)
        .err();
    assert!(matches!(
        err,
        Some(Error::TooLarge {
            size: 2000,
            limit: 1000
        })
    ));
}

#[test]
fn a_page_without_an_article() {
    let page = "<html><head><title>Home - Example</title></head><body><header><nav><a href=/>Home</a> <a href=/news>News</a> <a href=/sport>Sport</a></nav></header><footer><p>© Example Ltd. All rights reserved.</p><a href=/privacy>Privacy</a></footer></body></html>";
    match clean(page.as_bytes()) {
        Ok(article) => {
            assert!(!article.text.contains("Sport"), "{}", article.text);
            assert!(!article.text.contains("Privacy"), "{}", article.text);
        }
        Err(e) => assert!(matches!(e, Error::NoArticle)),
    }
}

#[test]
fn unterminated_markup_and_stray_brackets() {
    for page in [
        "<",
        "<<<<>>>>",
        "<div",
        "<p>unterminated <b>bold",
        "<!--",
        "<script>",
        "</p></div></body>",
        "<a href='",
        "<html><body><p>x</p><!--",
    ] {
        let _ = clean(page.as_bytes());
    }
    let article = clean(format!("<p>{PARAGRAPH} <b>and an unclosed bold").as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(article.text.contains("and an unclosed bold"));
}

/// Tag soup from a small alphabet of real tags, attributes and text.
fn soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<div>".to_owned()),
        Just("</div>".to_owned()),
        Just("<p>".to_owned()),
        Just("</p>".to_owned()),
        Just("<article class=\"post\">".to_owned()),
        Just("<nav>".to_owned()),
        Just("<a href=\"/x\">".to_owned()),
        Just("</a>".to_owned()),
        Just("<br>".to_owned()),
        Just("<figure><figcaption>Photo: X</figcaption></figure>".to_owned()),
        Just("<script>var a = '<div>';</script>".to_owned()),
        Just("<time datetime=\"2024-01-02\">2 Jan</time>".to_owned()),
        Just("<h2>".to_owned()),
        Just("<li>".to_owned()),
        Just("<pre>".to_owned()),
        Just("<table><tr><td>".to_owned()),
        Just("READ MORE: ".to_owned()),
        Just(PARAGRAPH.to_owned()),
        "[a-zA-Z ,.ąü€<>&;\"'=/]{0,40}",
    ];
    prop::collection::vec(piece, 0..80).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let _ = clean(&bytes);
    }

    #[test]
    fn tag_soup_gives_consistent_articles(page in soup()) {
        if let Ok(article) = clean(page.as_bytes()) {
            let joined = article.blocks.iter().map(|b| b.text.as_str()).collect::<Vec<_>>().join("\n\n");
            prop_assert_eq!(&joined, &article.text);
            for block in &article.blocks {
                prop_assert!(!block.text.trim().is_empty());
                for link in &block.links {
                    prop_assert!(link.start < link.end && link.end <= block.text.len());
                    prop_assert!(block.text.is_char_boundary(link.start) && block.text.is_char_boundary(link.end));
                }
            }
            let _ = article.to_markdown();
        }
    }
}
