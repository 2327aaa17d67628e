//! Atom 1.0 feeds (RFC 4287) of a saved search's latest matches: what `watch feed` prints and
//! `serve` answers at `/feeds/NAME.atom`, so that a feed reader can subscribe to a watch.

use atom_syndication::{Entry, Feed, FixedDateTime, Generator, Link, Person, Text};
use newsdex_index::{ArrivedHit, ArticleIndex};
use newsdex_store::Watch;

use crate::commands::watch::filters_of;

/// Entries in a feed: the latest matches by arrival.
pub const FEED_ENTRIES: usize = 50;

/// The feed of `watch`: its latest matches, newest arrival first. `self_url`, when known
/// (served over HTTP), is given as the feed's `rel="self"` link.
pub fn watch_feed(
    index: &ArticleIndex,
    watch: &Watch,
    self_url: Option<&str>,
) -> anyhow::Result<String> {
    let hits = index.latest_matches(&watch.query, &filters_of(watch), FEED_ENTRIES)?;
    Ok(render(watch, &hits, self_url))
}

/// The feed of `watch` listing `hits`, as XML.
pub fn render(watch: &Watch, hits: &[ArrivedHit], self_url: Option<&str>) -> String {
    feed(watch, hits, self_url).to_string()
}

fn feed(watch: &Watch, hits: &[ArrivedHit], self_url: Option<&str>) -> Feed {
    let mut feed = Feed::default();
    feed.set_title(Text::plain(format!("newsdex: {}", watch.name)));
    feed.set_subtitle(Text::plain(describe(watch)));
    feed.set_id(format!("urn:newsdex:watch:{}", percent_encode(&watch.name)));
    let updated = hits
        .iter()
        .map(|hit| hit.arrived)
        .max()
        .unwrap_or(watch.created);
    feed.set_updated(FixedDateTime::from(updated));
    // RFC 4287 wants an author on the feed when an entry may have none.
    feed.set_authors(vec![person("newsdex")]);
    feed.set_generator(Generator {
        value: "newsdex".into(),
        uri: None,
        version: Some(env!("CARGO_PKG_VERSION").into()),
    });
    if let Some(url) = self_url {
        let mut link = Link::default();
        link.set_href(url);
        link.set_rel("self");
        link.set_mime_type(Some("application/atom+xml".into()));
        feed.set_links(vec![link]);
    }
    feed.set_entries(hits.iter().map(entry).collect::<Vec<_>>());
    feed
}

fn entry(hit: &ArrivedHit) -> Entry {
    let hit_ = &hit.hit;
    let mut entry = Entry::default();
    entry.set_id(hit_.url.clone());
    entry.set_title(Text::plain(if hit_.title.trim().is_empty() {
        hit_.url.clone()
    } else {
        hit_.title.clone()
    }));
    let mut link = Link::default();
    link.set_href(hit_.url.clone());
    entry.set_links(vec![link]);
    entry.set_updated(FixedDateTime::from(hit.arrived));
    entry.set_published(hit_.published.map(FixedDateTime::from));
    let authors: Vec<Person> = if hit_.authors.is_empty() {
        vec![person(&hit_.site)]
    } else {
        hit_.authors.iter().map(|name| person(name)).collect()
    };
    entry.set_authors(authors);
    entry.set_summary(Some(Text::plain(hit_.snippet.clone())));
    entry
}

fn person(name: &str) -> Person {
    let mut person = Person::default();
    person.set_name(if name.trim().is_empty() {
        "unknown"
    } else {
        name
    });
    person
}

/// The watch's query and filters in one line, as its feed's subtitle.
pub fn describe(watch: &Watch) -> String {
    let mut parts = Vec::new();
    if !watch.query.is_empty() {
        parts.push(watch.query.clone());
    }
    for (flag, values) in [
        ("--person", &watch.persons),
        ("--site", &watch.sites),
        ("--lang", &watch.langs),
    ] {
        for value in values {
            parts.push(format!("{flag} \"{value}\""));
        }
    }
    parts.join(" ")
}

/// `text` with every byte outside RFC 3986's unreserved set percent-encoded (a URN's part).
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_percent_encoded_for_the_feed_id() {
        assert_eq!(
            percent_encode("выборы-2025"),
            "%D0%B2%D1%8B%D0%B1%D0%BE%D1%80%D1%8B-2025"
        );
        assert_eq!(percent_encode("a b/c"), "a%20b%2Fc");
    }
}
