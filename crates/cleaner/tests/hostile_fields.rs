//! Issue 10's findings on what a hostile page can put into an article: links with scripting
//! schemes, control characters and bidi overrides that reach a terminal, dates a news article
//! cannot have. Each test names the bug it pins.

// A test's unwrap is its assertion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use newsdex_cleaner::{Cleaner, Config};
use newsdex_types::Article;

const PARAGRAPH: &str = "The council met on Tuesday to discuss the budget, and members agreed to raise spending on libraries and parks.";

fn clean(page: &str) -> Article {
    Cleaner::new(Config::default())
        .clean(page.as_bytes(), "https://example.com/news/story", None)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn all_hrefs(article: &Article) -> Vec<String> {
    article
        .blocks
        .iter()
        .flat_map(|b| b.links.iter().map(|l| l.href.clone()))
        .collect()
}

/// Markdown link targets: `](target)`.
fn markdown_targets(markdown: &str) -> Vec<String> {
    markdown
        .split("](")
        .skip(1)
        .map(|rest| rest.split(')').next().unwrap_or("").to_owned())
        .collect()
}

/// Bug: `clean --format markdown` kept `javascript:`, `data:` and `vbscript:` links (any case,
/// leading spaces or control characters, entity-encoded), because a link the cleaner could not
/// resolve to http(s) was kept as written.
#[test]
fn scripting_links_never_survive_in_any_output() {
    let hostile = [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "  javascript:alert(1)",
        "\u{1}\u{1f}javascript:alert(1)",
        "java&#x09;script:alert(1)",
        "java\nscript:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;&#x61;&#x76;&#x61;script:alert(1)",
        "jav&Tab;ascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "DATA:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        " VBScript:msgbox(1)",
        "file:///etc/passwd",
        "ftp://example.com/file",
        "about:blank",
    ];
    let mut links = String::new();
    for (i, href) in hostile.iter().enumerate() {
        links.push_str(&format!(
            "<p>{PARAGRAPH} See <a href=\"{href}\">hostile link {i}</a> for more.</p>"
        ));
    }
    let page = format!(
        "<html><head><title>Budget</title>\
         <link rel=canonical href=\"javascript:alert(1)\">\
         <meta property=\"og:image\" content=\"data:image/png;base64,AAAA\">\
         </head><body><article><h1>Budget</h1>{links}\
         <p>{PARAGRAPH} Contact <a href=\"mailto:desk@example.com\">the desk</a>, read \
         <a href=\"/news/other\">the other story</a> or \
         <a href=\"HTTPS://Example.org/x\">this one</a>.</p></article></body></html>"
    );
    let article = clean(&page);
    for i in 0..hostile.len() {
        assert!(
            article.text.contains(&format!("hostile link {i}")),
            "the link text stays: {}",
            article.text
        );
    }
    let hrefs = all_hrefs(&article);
    assert_eq!(
        hrefs,
        vec![
            "mailto:desk@example.com",
            "https://example.com/news/other",
            "https://example.org/x"
        ]
    );
    let markdown = article.to_markdown();
    assert_eq!(markdown_targets(&markdown), hrefs, "{markdown}");
    let lower = markdown.to_lowercase();
    for scheme in ["javascript", "vbscript", "data:", "file:", "ftp:", "about:"] {
        assert!(!lower.contains(scheme), "{scheme} in {markdown}");
    }
    let json = serde_json::to_string(&article)
        .expect("json")
        .to_lowercase();
    for scheme in ["javascript", "vbscript", "data:", "file:"] {
        assert!(!json.contains(scheme), "{scheme} in {json}");
    }
    assert_eq!(article.canonical_url, None);
    assert_eq!(article.url, "https://example.com/news/story");
    assert_eq!(article.image, None);
}

/// An article deserialised from elsewhere (a store written by an older version) is rendered
/// without its scripting links too.
#[test]
fn markdown_of_a_stored_article_drops_scripting_links() {
    let article: Article = serde_json::from_str(
        r#"{"url":"https://example.com/","title":"t","authors":[],"published":null,
            "modified":null,"site_name":null,"language":null,"description":null,
            "section":null,"tags":[],"image":null,"text":"click here",
            "blocks":[{"kind":"paragraph","text":"click here",
                       "links":[{"start":0,"end":5,"href":"javascript:alert(1)"},
                                {"start":6,"end":10,"href":"https://example.com/ok"}]}]}"#,
    )
    .expect("article json");
    assert_eq!(
        article.to_markdown(),
        "click [here](https://example.com/ok)"
    );
}

/// Whether `s` holds a character that must not reach a terminal: a C0 or C1 control other
/// than newline and tab, DEL, or a bidi embedding, override or isolate.
fn has_control(s: &str, newlines: bool) -> bool {
    s.chars().any(|c| {
        (c.is_control() && !(newlines && matches!(c, '\n' | '\t')))
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    })
}

/// Every text field of an article, multi-line ones flagged.
fn fields(article: &Article) -> Vec<(&'static str, String, bool)> {
    let mut out = vec![
        ("url", article.url.clone(), false),
        ("title", article.title.clone(), false),
        ("text", article.text.clone(), true),
        ("authors", article.authors.join("|"), false),
        (
            "site_name",
            article.site_name.clone().unwrap_or_default(),
            false,
        ),
        (
            "language",
            article.language.clone().unwrap_or_default(),
            false,
        ),
        (
            "description",
            article.description.clone().unwrap_or_default(),
            false,
        ),
        (
            "section",
            article.section.clone().unwrap_or_default(),
            false,
        ),
        ("tags", article.tags.join("|"), false),
        ("image", article.image.clone().unwrap_or_default(), false),
        (
            "canonical_url",
            article.canonical_url.clone().unwrap_or_default(),
            false,
        ),
        ("markdown", article.to_markdown(), true),
    ];
    for block in &article.blocks {
        out.push(("block", block.text.clone(), true));
        for link in &block.links {
            out.push(("href", link.href.clone(), false));
        }
    }
    out
}

/// Bug: control characters (escape sequences, C1 controls, NUL) and bidi overrides from a page
/// reached the terminal through `clean` and `show`, in any field.
#[test]
fn control_characters_and_bidi_overrides_reach_no_field() {
    let esc = "\u{1b}[31m";
    let page = format!(
        "<html lang=\"en\u{1b}\"><head><title>Budget{esc} talks\u{202E}cod.exe&#x1B;[0m&#x9B;2J</title>\
         <meta name=\"author\" content=\"Jane{esc} Smith\u{0}\">\
         <meta property=\"og:site_name\" content=\"Example\u{85} News\u{7f}\">\
         <meta name=\"description\" content=\"A{esc} summary\u{2066} with &#7; bell\">\
         <meta property=\"article:section\" content=\"Politics&#x1b;]0;pwned&#7;\">\
         <meta property=\"article:tag\" content=\"budget&#x1B;[1m, coun\u{202D}cil\">\
         <meta property=\"og:image\" content=\"https://example.com/a\u{1b}.jpg\">\
         <link rel=\"canonical\" href=\"https://example.com/news/\u{1b}[2Jstory\">\
         </head><body><article><h1>Budget talks</h1>\
         <p>{PARAGRAPH} Raw{esc}escape and\u{9b}CSI and NUL\u{0}here and &#0; and &#x1b;[5m.</p>\
         <p>{PARAGRAPH} <a href=\"/x\u{1b}[1m\">link\u{202E}txt.exe</a> and tabs\tand\u{2067}isolates\u{2069}.</p>\
         <pre>code\u{1b}[0m line\n\tindented\u{0}\r\nnext</pre>\
         <p>{PARAGRAPH}</p></article></body></html>"
    );
    let article = Cleaner::new(Config::default())
        .clean(
            page.as_bytes(),
            "https://example.com/news/\u{1b}story",
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    for (name, value, newlines) in fields(&article) {
        assert!(!has_control(&value, newlines), "{name}: {value:?}");
    }
    assert!(article.title.contains("Budget"), "{}", article.title);
    assert!(article.text.contains("Raw[31mescape"), "{}", article.text);
    assert!(article.text.contains("NULhere"), "{}", article.text);
    assert!(article.text.contains("\tindented"), "{}", article.text);
    assert!(!article.authors.is_empty(), "{:?}", article.authors);
    let json = serde_json::to_string(&article).expect("json");
    assert!(
        !json.contains("\\u001b") && !json.contains("\\u0000"),
        "{json}"
    );
}

/// Non-English text keeps every character it needs (joiners, marks) through the filter.
#[test]
fn multilingual_text_is_untouched_by_the_control_filter() {
    let texts = [
        "Правительство объявило в среду о новых мерах поддержки регионов, пострадавших от наводнений.",
        "政府周三宣布了支持受洪水影响地区的新措施，包括财政援助和重建计划。",
        "أعلنت الحكومة يوم الأربعاء عن إجراءات جديدة لدعم المناطق المتضررة من الفيضانات\u{200F}.",
        "सरकार ने बुधवार को बाढ़ से प्रभावित क्षेत्रों की सहायता के लिए नए उपायों की घोषणा की।",
        "Η κυβέρνηση ανακοίνωσε την Τετάρτη νέα μέτρα στήριξης για τις πληγείσες περιοχές.",
        "Le gouvernement a annoncé mercredi de nouvelles mesures pour les régions sinistrées.",
        "دولت روز چهارشنبه اقدامات تازه\u{200C}ای را اعلام کرد.",
    ];
    let body: String = texts.iter().map(|t| format!("<p>{t}</p>")).collect();
    let page = format!("<html><body><article>{body}{body}</article></body></html>");
    let article = clean(&page);
    for t in texts {
        assert!(article.text.contains(t), "lost {t}: {}", article.text);
    }
}

fn dated_page(json_ld: &str, published_meta: &str, modified_meta: &str) -> String {
    format!(
        "<html><head><title>Budget</title>\
         <script type=\"application/ld+json\">{{\"@type\":\"NewsArticle\",\"headline\":\"Budget\",{json_ld}}}</script>\
         <meta property=\"article:published_time\" content=\"{published_meta}\">\
         <meta property=\"article:modified_time\" content=\"{modified_meta}\">\
         </head><body><article><h1>Budget</h1><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p></article></body></html>"
    )
}

fn dates_at(page: &str, url: &str, fetched: &str) -> (Option<String>, Option<String>) {
    let fetched = chrono::DateTime::parse_from_rfc3339(fetched)
        .expect("fetch time")
        .to_utc();
    let article = Cleaner::new(Config::default())
        .clean_at(page.as_bytes(), url, None, fetched)
        .unwrap_or_else(|e| panic!("{e}"));
    let iso = |d: Option<chrono::DateTime<chrono::Utc>>| d.map(|d| d.to_rfc3339());
    (iso(article.published), iso(article.modified))
}

/// Bug: dates outside 1677-2262 wrapped around in the index (nanosecond timestamps): an article
/// "published" in 2999 showed as 2084. A date a news article cannot have (before 1800, the
/// Unix epoch's zero, more than two days after the page was fetched) is as if absent, and the
/// next source of the date is read.
#[test]
fn implausible_dates_fall_through_to_the_next_source() {
    let url = "https://example.com/news/story";
    let fetched = "2025-08-20T12:00:00Z";
    let real = "2025-08-19T10:00:00+00:00";
    for bogus in [
        "2999-01-01T00:00:00Z",
        "1500-06-01",
        "0001-01-01T00:00:00",
        "1753-01-01T00:00:00",
        "1970-01-01T00:00:00Z",
        // A year after the page was fetched: wrong whatever the clock says when it is cleaned.
        "2026-08-20T12:00:00Z",
        // Three days ahead: more than an embargo or a time zone explains.
        "2025-08-23T13:00:00Z",
    ] {
        let page = dated_page(
            &format!("\"datePublished\":\"{bogus}\",\"dateModified\":\"{bogus}\""),
            real,
            real,
        );
        assert_eq!(
            dates_at(&page, url, fetched),
            (Some(real.to_owned()), Some(real.to_owned())),
            "{bogus}"
        );
    }
    // Every source implausible: no date, rather than a wrong one.
    let page = dated_page(
        "\"datePublished\":\"2999-01-01\"",
        "3000-01-01T00:00:00Z",
        "0500-01-01",
    );
    assert_eq!(dates_at(&page, url, fetched), (None, None));
    // A date in the URL is checked the same way.
    let page = dated_page("\"author\":\"A\"", "", "");
    assert_eq!(
        dates_at(&page, "https://example.com/2031/01/05/story", fetched).0,
        None
    );
    assert_eq!(
        dates_at(&page, "https://example.com/2025/08/19/story", fetched).0,
        Some("2025-08-19T00:00:00+00:00".to_owned())
    );
}

/// What is plausible: an 1850s archive page, and a date a day ahead of the fetch (time zones,
/// embargoes) are kept as the page gives them.
#[test]
fn old_archives_and_slightly_early_dates_are_kept() {
    let url = "https://example.com/news/story";
    for (date, fetched) in [
        ("1851-09-18T00:00:00+00:00", "2025-08-20T12:00:00Z"),
        ("2025-08-21T09:00:00+00:00", "2025-08-20T12:00:00Z"),
        // A page fetched in 2012 and cleaned again today keeps its 2012 date.
        ("2012-03-01T08:00:00+00:00", "2012-03-01T09:00:00Z"),
    ] {
        let page = dated_page(&format!("\"datePublished\":\"{date}\""), "", "");
        assert_eq!(dates_at(&page, url, fetched).0.as_deref(), Some(date));
    }
}
