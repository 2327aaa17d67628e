//! Sitemaps (sitemaps.org): `urlset` files, `sitemapindex` files that list more sitemaps,
//! gzip-compressed files, plain-text URL lists, and the Google News extension that adds a
//! title and a publication date to each URL. Read with a streaming XML reader, within the
//! protocol's limits (50,000 URLs, 50 MB uncompressed per file).

use std::io::{BufRead, Read};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use quick_xml::events::Event;
use url::Url;

use crate::{Listing, ParseProblem};

/// What one sitemap file lists.
#[derive(Debug, PartialEq)]
pub(crate) enum Sitemap {
    /// Page URLs (`<urlset>` or a text file).
    Pages(Vec<Listing>),
    /// More sitemaps (`<sitemapindex>`); `published` holds each one's `lastmod`.
    Index(Vec<Listing>),
}

/// Parses a sitemap body (gzip or not). URLs are resolved against `base`; links of other
/// schemes than http(s) are kept, for the crawler to report them as not fetched.
pub(crate) fn parse(
    body: &[u8],
    base: &Url,
    max_bytes: u64,
    max_urls: usize,
) -> Result<Sitemap, ParseProblem> {
    let inflated;
    let data: &[u8] = if body.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(body)
            .take(max_bytes.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(ParseProblem::Gzip)?;
        inflated = out;
        &inflated
    } else {
        body
    };
    if data.len() as u64 > max_bytes {
        return Err(ParseProblem::TooLarge { limit: max_bytes });
    }
    let text_start = data
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(data)
        .iter()
        .find(|b| !b.is_ascii_whitespace());
    match text_start {
        None => Err(ParseProblem::Empty),
        Some(b'<') => parse_xml(data, base, max_urls),
        Some(_) => Ok(Sitemap::Pages(parse_text(data, max_urls))),
    }
}

/// A text sitemap: one absolute URL per line; anything else is skipped.
fn parse_text(data: &[u8], max_urls: usize) -> Vec<Listing> {
    data.lines()
        .map_while(Result::ok)
        .filter_map(|line| {
            let mut url = Url::parse(line.trim()).ok()?;
            newsdex_types::strip_credentials(&mut url);
            Some(String::from(url))
        })
        .take(max_urls)
        .map(|url| Listing {
            url,
            ..Listing::default()
        })
        .collect()
}

fn resolve(base: &Url, text: &str) -> Option<String> {
    let mut url = base.join(text.trim()).ok()?;
    newsdex_types::strip_credentials(&mut url);
    Some(url.into())
}

/// The fields of one `<url>` or `<sitemap>` entry as they are read.
#[derive(Default)]
struct Entry {
    loc: String,
    lastmod: String,
    title: String,
    publication_date: String,
}

fn parse_xml(data: &[u8], base: &Url, max_urls: usize) -> Result<Sitemap, ParseProblem> {
    let mut reader = quick_xml::Reader::from_reader(data);
    reader.config_mut().trim_text(true);
    let mut buf = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut root: Option<String> = None;
    let mut entry = Entry::default();
    let mut entries: Vec<Listing> = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|source| ParseProblem::Xml {
                position: reader.buffer_position(),
                source,
            })?;
        match event {
            Event::Start(start) => {
                let name = start.local_name().as_ref().to_owned();
                if root.is_none() {
                    if name != "urlset" && name != "sitemapindex" {
                        return Err(ParseProblem::Root { root: name });
                    }
                    root = Some(name.clone());
                }
                if path.len() == 1 {
                    entry = Entry::default();
                }
                path.push(name);
            }
            Event::End(_) => {
                if path.len() == 2 {
                    if let Some(listing) = finish(&entry, base) {
                        entries.push(listing);
                        if entries.len() >= max_urls {
                            break;
                        }
                    }
                    entry = Entry::default();
                }
                path.pop();
            }
            Event::Text(text) => append(&mut entry, &path, &text.xml10_content()),
            Event::CData(cdata) => append(&mut entry, &path, &cdata.xml10_content()),
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(ch)) => Some(ch.to_string()),
                    _ => {
                        quick_xml::escape::resolve_predefined_entity(&reference).map(str::to_owned)
                    }
                };
                if let Some(text) = resolved {
                    append(&mut entry, &path, &text);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    match root.as_deref() {
        Some("urlset") => Ok(Sitemap::Pages(entries)),
        Some(_) => Ok(Sitemap::Index(entries)),
        None => Err(ParseProblem::NoRoot),
    }
}

/// Adds text to the field the current element path names, e.g.
/// `urlset/url/news/publication_date`; other elements (images, videos, ...) are ignored.
fn append(entry: &mut Entry, path: &[String], text: &str) {
    let field = match path {
        [_, _, leaf] if leaf == "loc" => &mut entry.loc,
        [_, _, leaf] if leaf == "lastmod" => &mut entry.lastmod,
        [_, _, news, leaf] if news == "news" && leaf == "title" => &mut entry.title,
        [_, _, news, leaf] if news == "news" && leaf == "publication_date" => {
            &mut entry.publication_date
        }
        _ => return,
    };
    field.push_str(text);
}

fn finish(entry: &Entry, base: &Url) -> Option<Listing> {
    let url = resolve(base, &entry.loc)?;
    let title = entry.title.trim();
    Some(Listing {
        url,
        title: (!title.is_empty()).then(|| title.to_owned()),
        published: parse_w3c_datetime(&entry.publication_date)
            .or_else(|| parse_w3c_datetime(&entry.lastmod)),
    })
}

/// Parses the W3C date-time profile of ISO 8601 that sitemaps use (`2025-06-03`,
/// `2025-06-03T09:39Z`, `2025-06-03T09:39:21+02:00`, also `2025-06` and `2025`), as UTC.
/// Date-only values mean midnight UTC.
pub fn parse_w3c_datetime(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Some(time.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M%:z", "%Y-%m-%dT%H:%M%#z"] {
        if let Ok(time) = DateTime::parse_from_str(text, format) {
            return Some(time.with_timezone(&Utc));
        }
    }
    if let Some(minutes) = text.strip_suffix('Z')
        && let Ok(time) = NaiveDateTime::parse_from_str(minutes, "%Y-%m-%dT%H:%M")
    {
        return Some(time.and_utc());
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d"))
        .or_else(|_| NaiveDate::parse_from_str(&format!("{text}-01-01"), "%Y-%m-%d"))
        .ok()?;
    Some(date.and_hms_opt(0, 0, 0)?.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn base() -> Url {
        Url::parse("https://news.example/sitemap.xml").unwrap()
    }

    fn pages(sitemap: Sitemap) -> Vec<Listing> {
        match sitemap {
            Sitemap::Pages(pages) => pages,
            Sitemap::Index(_) => panic!("expected a urlset"),
        }
    }

    #[test]
    fn reads_urlsets_with_the_news_extension() {
        let xml = br#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url><loc>https://news.example/a?x=1&amp;y=2</loc><lastmod>2025-06-01</lastmod>
    <image:image><image:loc>https://cdn.example/i.jpg</image:loc><image:title>no</image:title></image:image>
    <news:news><news:publication><news:name>N</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>2025-06-03T09:39:21+02:00</news:publication_date>
      <news:title><![CDATA[Big & bold]]></news:title></news:news></url>
  <url><loc> /b </loc><lastmod>2025-05-30T10:00Z</lastmod></url>
  <url><loc>ftp://x.example/c</loc></url>
</urlset>"#;
        let items = pages(parse(xml, &base(), 1 << 20, 100).unwrap());
        assert_eq!(items.len(), 3);
        // Kept for the crawler to report as not fetched (issue 10: such items vanished).
        assert_eq!(items[2].url, "ftp://x.example/c");
        assert_eq!(items[0].url, "https://news.example/a?x=1&y=2");
        assert_eq!(items[0].title.as_deref(), Some("Big & bold"));
        assert_eq!(
            items[0].published.unwrap().to_rfc3339(),
            "2025-06-03T07:39:21+00:00"
        );
        assert_eq!(items[1].url, "https://news.example/b");
        assert_eq!(
            items[1].published.unwrap().to_rfc3339(),
            "2025-05-30T10:00:00+00:00"
        );
    }

    #[test]
    fn reads_indexes_gzip_and_text_within_limits() {
        let index = br#"<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <sitemap><loc>https://news.example/s1.xml.gz</loc><lastmod>2025-01-01</lastmod></sitemap>
            <sitemap><loc>https://news.example/s2.xml</loc></sitemap></sitemapindex>"#;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(index).unwrap();
        let gz = gz.finish().unwrap();
        match parse(&gz, &base(), 1 << 20, 100).unwrap() {
            Sitemap::Index(children) => {
                assert_eq!(children.len(), 2);
                assert_eq!(children[0].url, "https://news.example/s1.xml.gz");
                assert!(children[0].published.is_some());
            }
            Sitemap::Pages(_) => panic!("expected an index"),
        }
        assert!(matches!(
            parse(&gz, &base(), 100, 100),
            Err(ParseProblem::TooLarge { limit: 100 })
        ));

        let text = b"https://news.example/1\n\nhttps://news.example/2\nnot a url at all\n";
        let items = pages(parse(text, &base(), 1 << 20, 100).unwrap());
        assert_eq!(items.len(), 2);
        let capped = pages(parse(text, &base(), 1 << 20, 1).unwrap());
        assert_eq!(capped.len(), 1);
    }

    #[test]
    fn rejects_other_xml_and_garbage() {
        assert!(parse(b"<rss><channel/></rss>", &base(), 1 << 20, 10).is_err());
        assert!(parse(b"<urlset><url><loc>x</url>", &base(), 1 << 20, 10).is_err());
        assert!(parse(b"   ", &base(), 1 << 20, 10).is_err());
        assert!(parse(&[0x1f, 0x8b, 1, 2, 3], &base(), 1 << 20, 10).is_err());
    }

    #[test]
    fn w3c_dates_in_all_their_precisions() {
        for (text, expected) in [
            ("2025-06-03", "2025-06-03T00:00:00+00:00"),
            ("2025-06", "2025-06-01T00:00:00+00:00"),
            ("2025", "2025-01-01T00:00:00+00:00"),
            ("2025-06-03T09:39+02:00", "2025-06-03T07:39:00+00:00"),
            ("2025-06-03T09:39:21.5Z", "2025-06-03T09:39:21.500+00:00"),
        ] {
            assert_eq!(
                parse_w3c_datetime(text).unwrap().to_rfc3339(),
                expected,
                "{text}"
            );
        }
        assert_eq!(parse_w3c_datetime("yesterday"), None);
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(bytes).unwrap();
        gz.finish().unwrap()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// Any bytes, plain or gzip, as a sitemap: listings or an error, never a panic, and
        /// never more listings than the limit.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..3000)) {
            for data in [bytes.clone(), gzip(&bytes)] {
                if let Ok(Sitemap::Pages(items) | Sitemap::Index(items)) = parse(&data, &base(), 1 << 16, 7) {
                    proptest::prop_assert!(items.len() <= 7);
                }
            }
        }

        /// Sitemaps whose `<loc>`s and dates are arbitrary text: absolute URLs without
        /// credentials, within the limits, never a panic.
        #[test]
        fn arbitrary_locations_and_dates_never_panic(
            entries in proptest::collection::vec(("\\PC{0,60}", "\\PC{0,30}"), 0..20),
            index in proptest::prelude::any::<bool>(),
        ) {
            let (root, entry) = if index { ("sitemapindex", "sitemap") } else { ("urlset", "url") };
            let body: String = entries
                .iter()
                .map(|(loc, date)| {
                    let escape = |text: &str| text.replace('&', "&amp;").replace('<', "&lt;");
                    format!("<{entry}><loc>{}</loc><lastmod>{}</lastmod></{entry}>", escape(loc), escape(date))
                })
                .collect();
            let xml = format!("<{root} xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">{body}</{root}>");
            if let Ok(Sitemap::Pages(items) | Sitemap::Index(items)) = parse(xml.as_bytes(), &base(), 1 << 20, 10) {
                proptest::prop_assert!(items.len() <= 10);
                for item in items {
                    let url = Url::parse(&item.url);
                    proptest::prop_assert!(url.is_ok(), "{}", item.url);
                    let url = url.unwrap_or_else(|_| unreachable!());
                    proptest::prop_assert!(url.username().is_empty() && url.password().is_none());
                }
            }
            for (_, date) in &entries {
                let _ = parse_w3c_datetime(date);
            }
        }
    }
}
