//! Hostile and degenerate pages, generated in code: each gives a result or a clear error, with
//! no panic and no stack overflow, in time and memory linear in its size.

use newsdex_cleaner::{Cleaner, Config, Error};
use newsdex_types::Article;
use proptest::prelude::*;

fn clean(body: &[u8]) -> Result<Article, Error> {
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

/// A million links after the story: the story is found, and reading stops at the node budget
/// (`Config::max_nodes`) instead of building a tree of millions of nodes.
#[test]
fn a_million_links() {
    let mut links = String::from("<nav>");
    for i in 0..1_000_000 {
        links.push_str(&format!("<a href=\"/p/{i}\">link {i}</a> "));
    }
    links.push_str("</nav>");
    let story = format!(
        "<article>{}</article>",
        format!("<p>{PARAGRAPH}</p>").repeat(5)
    );
    let page = format!("<html><body>{story}{links}</body></html>");
    let article = clean(page.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    assert!(article.text.starts_with(PARAGRAPH));
    assert!(!article.text.contains("link 1"));
    // With the links first, the story lies past the budget: no article, or not the links.
    let page = format!("<html><body>{links}{story}</body></html>");
    match clean(page.as_bytes()) {
        Ok(article) => assert!(!article.text.contains("link 1"), "{}", article.text),
        Err(e) => assert!(matches!(e, Error::NoArticle), "{e}"),
    }
}

/// A page of 20 MB of prose is read up to the text budget (`Config::max_text_bytes`): the
/// first paragraphs, in order, and no more text than the budget.
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
    let budget = Config::default().max_text_bytes;
    assert!(
        article.text.len() <= budget + budget / 4,
        "{}",
        article.text.len()
    );
    assert!(article.text.len() >= budget / 2, "{}", article.text.len());
    let whole = PARAGRAPH.repeat(10);
    let full_blocks = article.blocks.iter().filter(|b| b.text == whole).count();
    assert!(
        full_blocks + 1 >= article.blocks.len(),
        "only the last may be cut"
    );
}

/// Text with no markup, no spaces or one enormous text node: read up to the text budget.
#[test]
fn thirty_megabytes_of_text_without_markup() {
    let budget = Config::default().max_text_bytes;
    for page in [
        "a".repeat(30 << 20),
        "word ".repeat(6 << 20),
        format!("<p>{}</p>", "Ж".repeat(15 << 20)),
    ] {
        let article = clean(page.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        let read = article.text.bytes().filter(|b| *b != b' ').count();
        assert!((budget / 2..=budget).contains(&read), "{read}");
    }
}

/// Giant attribute values are not read (`class`, `href` of megabytes): the story still is.
#[test]
fn megabyte_attributes() {
    let page = format!(
        "<html><body><div class=\"{}\"><article><p>{PARAGRAPH} <a href=\"https://example.com/{}\">link</a></p>\
         <p title=\"{}\">{PARAGRAPH}</p></article></div></body></html>",
        "c ".repeat(4 << 20),
        "x".repeat(8 << 20),
        "t".repeat(8 << 20),
    );
    let article = clean(page.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    assert!(article.text.starts_with(PARAGRAPH), "{}", article.text);
    assert!(article.blocks.iter().all(|b| b.links.is_empty()));
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

/// Hostile pieces: scripting links in every disguise, raw and entity-encoded controls, bidi
/// overrides, NULs, implausible dates, metadata and JSON-LD carrying them, formatting soup.
fn hostile() -> impl Strategy<Value = String> {
    let href = prop_oneof![
        Just("javascript:alert(1)"),
        Just(" JaVaScRiPt:alert(1)"),
        Just("java&#x09;script:x"),
        Just("&#106;avascript:x"),
        Just("\u{1}javascript:x"),
        Just("data:text/html,<b>x</b>"),
        Just("vbscript:x"),
        Just("file:///etc/passwd"),
        Just("mailto:a@example.com"),
        Just("/relative?q=\u{1b}[31m"),
        Just("https://example.org/\u{202E}x"),
        Just("//evil.example/x"),
        Just(""),
    ];
    let control = prop::sample::select(vec![
        "\u{0}",
        "\u{1}",
        "\u{7}",
        "\u{8}",
        "\u{b}",
        "\u{c}",
        "\u{d}",
        "\u{1b}[31m",
        "\u{7f}",
        "\u{85}",
        "\u{9b}",
        "\u{202A}",
        "\u{202E}",
        "\u{2066}",
        "\u{2069}",
        "\u{2028}",
        "&#0;",
        "&#1;",
        "&#x1b;",
        "&#127;",
        "&#x85;",
        "&#x202e;",
        "&#13;",
        "\t",
        "\n",
    ]);
    let date = prop::sample::select(vec![
        "2999-01-01",
        "0001-01-01T00:00:00",
        "1500-02-03",
        "1970-01-01T00:00:00Z",
        "2025-08-19",
        "1851-09-18",
        "+275760-09-13",
        "99999-12-31T23:59:59Z",
        "9999999999999",
        "-1",
    ]);
    let piece = prop_oneof![
        href.prop_map(|h| format!("<a href=\"{h}\">link</a>")),
        control.clone().prop_map(str::to_owned),
        control.clone().prop_map(|c| format!("<title>T{c}itle</title>")),
        control.prop_map(|c| format!("<meta name=\"author\" content=\"Jo{c} Doe\">")),
        date.clone().prop_map(|d| format!("<meta property=\"article:published_time\" content=\"{d}\">")),
        date.clone().prop_map(|d| format!("<time datetime=\"{d}\">then</time>")),
        date.prop_map(|d| format!(
            "<script type=\"application/ld+json\">{{\"@type\":\"NewsArticle\",\"headline\":\"H\\u001b[2J\",\"datePublished\":\"{d}\",\"author\":\"A\\u0000B\"}}</script>"
        )),
        Just("<meta property=\"og:image\" content=\"javascript:x\">".to_owned()),
        Just("<link rel=canonical href=\"data:x\">".to_owned()),
        Just("<base href=\"javascript:/\">".to_owned()),
        Just("<b class=x><i class=y><font color=red>".to_owned()),
        Just("</p><p>".to_owned()),
        Just("<article><p>".to_owned()),
        Just("<pre>".to_owned()),
        Just("<table><tr><td>".to_owned()),
        Just(PARAGRAPH.to_owned()),
        Just("Правительство объявило, что 政府宣布 أعلنت الحكومة सरकार ने ".to_owned()),
        "[a-zA-Z ,.<>&;\"'=/]{0,30}",
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

/// What every article the cleaner gives must hold: no control characters or bidi overrides
/// in any field (newlines and tabs in the body aside), only http, https and mailto links, only
/// http(s) canonical and image URLs, the text equal to its blocks, links within their block.
fn check(article: &Article) -> Result<(), TestCaseError> {
    let bad = |s: &str, multiline: bool| {
        s.chars().any(|c| {
            (c.is_control() && !(multiline && matches!(c, '\n' | '\t')))
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        })
    };
    let single = [
        Some(&article.url),
        Some(&article.title),
        article.site_name.as_ref(),
        article.language.as_ref(),
        article.description.as_ref(),
        article.section.as_ref(),
        article.image.as_ref(),
        article.canonical_url.as_ref(),
    ];
    for field in single
        .into_iter()
        .flatten()
        .chain(&article.authors)
        .chain(&article.tags)
    {
        prop_assert!(!bad(field, false), "{:?}", field);
    }
    prop_assert!(!bad(&article.text, true), "{:?}", article.text);
    let markdown = article.to_markdown();
    prop_assert!(!bad(&markdown, true), "{:?}", markdown);
    for url in [&article.image, &article.canonical_url]
        .into_iter()
        .flatten()
    {
        let scheme = url::Url::parse(url).map(|u| u.scheme().to_owned());
        prop_assert!(matches!(scheme.as_deref(), Ok("http" | "https")), "{}", url);
    }
    let joined = article
        .blocks
        .iter()
        .map(|b| b.text.as_str())
        .collect::<Vec<_>>()
        .join("\n\n");
    prop_assert_eq!(&joined, &article.text);
    for block in &article.blocks {
        prop_assert!(!block.text.trim().is_empty());
        prop_assert!(!bad(&block.text, true), "{:?}", block.text);
        for link in &block.links {
            prop_assert!(link.start < link.end && link.end <= block.text.len());
            prop_assert!(
                block.text.is_char_boundary(link.start) && block.text.is_char_boundary(link.end)
            );
            prop_assert!(!bad(&link.href, false), "{:?}", link.href);
            let scheme = url::Url::parse(&link.href).map(|u| u.scheme().to_owned());
            prop_assert!(
                matches!(scheme.as_deref(), Ok("http" | "https" | "mailto")),
                "{}",
                link.href
            );
        }
    }
    for date in [article.published, article.modified].into_iter().flatten() {
        prop_assert!(
            date.timestamp() >= -5_364_662_400 && date.timestamp() != 0,
            "{}",
            date
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        if let Ok(article) = clean(&bytes) {
            check(&article)?;
        }
    }

    /// Arbitrary bytes after a page's start: the page is text, the rest anything.
    #[test]
    fn a_page_with_arbitrary_bytes_gives_a_clean_article(
        bytes in prop::collection::vec(any::<u8>(), 0..2048),
        utf16 in any::<bool>(),
    ) {
        let mut page = format!("<html><body><article><p>{PARAGRAPH}</p><p>").into_bytes();
        page.extend(&bytes);
        if utf16 {
            page = String::from_utf8_lossy(&page).encode_utf16().flat_map(u16::to_le_bytes).collect();
        }
        if let Ok(article) = clean(&page) {
            check(&article)?;
        }
    }

    #[test]
    fn tag_soup_gives_consistent_articles(page in soup()) {
        if let Ok(article) = clean(page.as_bytes()) {
            check(&article)?;
        }
    }

    #[test]
    fn hostile_pages_give_clean_articles(page in hostile()) {
        if let Ok(article) = clean(page.as_bytes()) {
            check(&article)?;
        }
    }
}
