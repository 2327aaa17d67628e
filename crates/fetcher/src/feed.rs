//! Feeds: the page URLs listed by an RSS, Atom or JSON feed (feed-rs reads all three), and
//! finding a site's feeds from its home page the way feed readers do.

use std::sync::LazyLock;

use scraper::{Html, Selector};
use url::Url;

use crate::{Listing, ParseProblem};

/// Paths where sites commonly serve their main feed, tried in order when a home page does
/// not announce one (WordPress, Ghost, Hugo, Jekyll, Blogger and news CMSs between them).
pub(crate) const USUAL_PATHS: &[&str] = &[
    "/feed",
    "/rss",
    "/feed.xml",
    "/rss.xml",
    "/atom.xml",
    "/index.xml",
    "/feed.json",
    "/feeds/posts/default",
];

/// MIME types that `<link rel="alternate">` uses for feeds.
const FEED_TYPES: &[&str] = &[
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
    "application/json",
    "application/xml",
    "text/xml",
];

/// The items of a feed, with their links resolved against the feed's URL.
pub(crate) fn parse(body: &[u8], base: &Url) -> Result<Vec<Listing>, ParseProblem> {
    let feed = feed_rs::parser::Builder::new()
        .base_uri(Some(base.as_str()))
        .build()
        .parse(body)?;
    let listings = feed
        .entries
        .into_iter()
        .filter_map(|entry| {
            let href = entry
                .links
                .iter()
                .find(|link| link.rel.as_deref().is_none_or(|rel| rel == "alternate"))
                .or_else(|| entry.links.first())
                .map(|link| link.href.clone())
                // RSS items without <link> often carry the permalink as their <guid>.
                .or_else(|| {
                    (entry.id.starts_with("http://") || entry.id.starts_with("https://"))
                        .then(|| entry.id.clone())
                })?;
            // Other schemes are kept, for the crawler to report them as not fetched.
            let mut url = base.join(href.trim()).ok()?;
            newsdex_types::strip_credentials(&mut url);
            Some(Listing {
                url: url.into(),
                title: entry.title.map(|title| title.content),
                published: entry.published.or(entry.updated),
            })
        })
        .collect();
    Ok(listings)
}

// Constant selectors, parsed once; a test below runs both, so a typo fails it.
#[allow(clippy::expect_used)]
static LINKS: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("link[href]").expect("a constant, valid CSS selector"));
#[allow(clippy::expect_used)]
static ANCHORS: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("a[href]").expect("a constant, valid CSS selector"));

/// Feeds announced by a home page: `<link rel="alternate">` with a feed type first, then
/// links whose path looks like a feed. Resolved against `base`, deduplicated, in page order.
pub(crate) fn discover(html: &[u8], base: &Url) -> Vec<Url> {
    let document = Html::parse_document(&String::from_utf8_lossy(html));
    let mut found: Vec<Url> = Vec::new();
    let push = |found: &mut Vec<Url>, href: &str| {
        if let Ok(mut url) = base.join(href.trim())
            && matches!(url.scheme(), "http" | "https")
        {
            newsdex_types::strip_credentials(&mut url);
            if !found.contains(&url) {
                found.push(url);
            }
        }
    };
    for link in document.select(&LINKS) {
        let element = link.value();
        let alternate = element.attr("rel").is_some_and(|rel| {
            rel.split_ascii_whitespace()
                .any(|token| token.eq_ignore_ascii_case("alternate"))
        });
        let feed_type = element.attr("type").is_some_and(|kind| {
            let kind = kind.trim().to_ascii_lowercase();
            FEED_TYPES.contains(&kind.as_str())
        });
        if alternate && feed_type {
            push(&mut found, element.attr("href").unwrap_or_default());
        }
    }
    if found.is_empty() {
        for anchor in document.select(&ANCHORS) {
            let href = anchor.value().attr("href").unwrap_or_default();
            if looks_like_feed(href) {
                push(&mut found, href);
            }
        }
    }
    found
}

/// Whether a link's last path segment is a conventional feed name.
fn looks_like_feed(href: &str) -> bool {
    let path = href.split(['?', '#']).next().unwrap_or("");
    let last = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(
        last.as_str(),
        "feed" | "rss" | "atom" | "feed.xml" | "rss.xml" | "atom.xml" | "feed.json" | "index.rss"
    ) || last.ends_with(".rss")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://news.example/section/").unwrap()
    }

    #[test]
    fn reads_rss_atom_and_json_feed_items() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
            <item><title>One</title><link>https://news.example/a/1</link>
            <pubDate>Tue, 03 Jun 2025 09:39:21 GMT</pubDate></item>
            <item><guid>https://news.example/a/2</guid></item></channel></rss>"#;
        let items = parse(rss, &base()).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].url, "https://news.example/a/1");
        assert_eq!(items[0].title.as_deref(), Some("One"));
        assert_eq!(
            items[0].published.unwrap().to_rfc3339(),
            "2025-06-03T09:39:21+00:00"
        );
        assert_eq!(items[1].url, "https://news.example/a/2");

        let atom = br#"<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>x</id>
            <updated>2025-01-01T00:00:00Z</updated>
            <entry><title>A</title><id>tag:x,1</id><link href="/a/3"/>
            <updated>2025-01-02T00:00:00Z</updated></entry></feed>"#;
        let items = parse(atom, &base()).unwrap();
        assert_eq!(items[0].url, "https://news.example/a/3");
        assert!(items[0].published.is_some());

        let json = br#"{"version":"https://jsonfeed.org/version/1.1","title":"t",
            "items":[{"id":"1","url":"https://news.example/a/4","title":"J",
            "date_published":"2025-02-01T10:00:00Z"}]}"#;
        let items = parse(json, &base()).unwrap();
        assert_eq!(items[0].url, "https://news.example/a/4");
        assert_eq!(items[0].title.as_deref(), Some("J"));
    }

    #[test]
    fn rejects_what_is_not_a_feed() {
        assert!(parse(b"<html><body>hi</body></html>", &base()).is_err());
        assert!(parse(b"", &base()).is_err());
    }

    #[test]
    fn discovers_announced_feeds_then_feed_like_links() {
        let html = br#"<html><head>
            <link rel="stylesheet" href="/s.css">
            <link rel="alternate" type="application/rss+xml" href="/rss/all.xml">
            <link rel="Alternate" type="application/atom+xml" href="https://news.example/atom">
            <link rel="alternate" hreflang="fr" href="/fr/">
            </head><body><a href="/feed">feed</a></body></html>"#;
        let feeds: Vec<String> = discover(html, &base())
            .into_iter()
            .map(String::from)
            .collect();
        assert_eq!(
            feeds,
            [
                "https://news.example/rss/all.xml",
                "https://news.example/atom"
            ]
        );

        let plain =
            br#"<html><body><a href="/about">x</a><a href="/blog/feed/">rss</a></body></html>"#;
        let feeds: Vec<String> = discover(plain, &base())
            .into_iter()
            .map(String::from)
            .collect();
        assert_eq!(feeds, ["https://news.example/blog/feed/"]);
        assert!(discover(b"<p>nothing</p>", &base()).is_empty());
    }

    fn xml_escape(text: &str) -> String {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// Any bytes as a feed and as a home page: items, feeds or an error, never a panic.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..3000)) {
            let _ = parse(&bytes, &base());
            let _ = discover(&bytes, &base());
        }

        /// Feeds with arbitrary link texts (any scheme, credentials, junk): every item is an
        /// absolute URL without credentials, and discovery finds only http(s) URLs.
        #[test]
        fn arbitrary_links_become_clean_absolute_urls(
            links in proptest::collection::vec(
                proptest::prop_oneof![
                    "\\PC{0,40}",
                    "(https?|ftp|mailto|javascript|data):(//)?([a-z]{1,5}(:[a-z0-9]{0,5})?@)?[a-zа-я.]{1,12}/\\PC{0,10}",
                ],
                0..6,
            ),
        ) {
            let items: String = links
                .iter()
                .map(|link| format!("<item><title>t</title><link>{}</link></item>", xml_escape(link)))
                .collect();
            let rss = format!(
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>x</title>{items}</channel></rss>"
            );
            if let Ok(listings) = parse(rss.as_bytes(), &base()) {
                for listing in listings {
                    let url = Url::parse(&listing.url);
                    proptest::prop_assert!(url.is_ok(), "{}", listing.url);
                    let url = url.unwrap_or_else(|_| unreachable!());
                    proptest::prop_assert!(url.username().is_empty() && url.password().is_none(), "{}", listing.url);
                }
            }
            let anchors: String = links
                .iter()
                .map(|link| format!("<link rel=\"alternate\" type=\"application/rss+xml\" href=\"{}\"><a href=\"{}/feed\">f</a>", xml_escape(link).replace('"', "&quot;"), xml_escape(link).replace('"', "&quot;")))
                .collect();
            for feed in discover(format!("<html><head>{anchors}</head></html>").as_bytes(), &base()) {
                proptest::prop_assert!(matches!(feed.scheme(), "http" | "https"), "{feed}");
                proptest::prop_assert!(feed.password().is_none(), "{feed}");
            }
        }
    }
}
