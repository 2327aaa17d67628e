//! The article's headline: the title the page declares (JSON-LD, meta tags, `<title>`), without
//! a separator-delimited part that names the site, and cut to the page's `<h1>` when that is
//! what the declared title holds next to other parts.

use url::Url;

use crate::dom::{Doc, Kind};
use crate::extract;
use crate::meta::{self, JsonLd};

/// The numbers of title finding, by phase. Those marked "Readability" are Mozilla
/// Readability's (`_getArticleTitle`, `_getJSONLD`), whose title rules this follows.
mod tuning {
    /// Clues: the page's first this many `<h1>`s are compared with title parts (a page has
    /// one headline; later `<h1>`s are teasers and widgets).
    pub(super) const HEADINGS: usize = 3;
    /// Naming the site: a name shorter than this many letters and digits is compared only
    /// whole, since "AP" or "FT" would begin many words ...
    pub(super) const MIN_PREFIX_CHARS: usize = 3;
    /// ... and a shorter name must cover at least one part in this many of the longer one
    /// ("Mirror" in "Mirror Online").
    pub(super) const PREFIX_SHARE_ONE_IN: usize = 2;
    /// A domain ending ("Salon.com", "Le Monde.fr") is 2 to 6 lowercase letters.
    pub(super) const TLD_LETTERS: std::ops::RangeInclusive<usize> = 2..=6;
    /// JSON-LD `headline` or `name`: the one whose words are more than this similar to the
    /// `<title>`'s is the headline (Readability).
    pub(super) const COVERS_TITLE: f32 = 0.75;
    /// Cutting `<title>`: a part before the separator of fewer words than this is the site,
    /// so the part after the first separator is taken ("Site | Title"; Readability) ...
    pub(super) const MIN_HEAD_WORDS: usize = 3;
    /// ... and a result of at most this many words is too short to be the headline, so the
    /// whole `<title>` is kept (Readability).
    pub(super) const MAX_SHORT_WORDS: usize = 4;
}

/// Separators between a headline and the site, section or author parts around it.
const SEPARATORS: &[&str] = &[
    " | ", " - ", " – ", " — ", " :: ", " · ", " » ", " \\ ", " / ", " > ", " ｜ ", "｜",
];

/// What a page says about itself that a title part may name: the site's names and headings.
pub(crate) struct TitleClues {
    /// Site names, each as a [`site_key`].
    sites: Vec<String>,
    /// The words of the page's first top-level headings.
    headings: Vec<Vec<String>>,
}

impl TitleClues {
    pub fn new(doc: &Doc, ld: &JsonLd, site_name: Option<&str>, urls: &[Option<&Url>]) -> Self {
        let mut names: Vec<&str> = Vec::new();
        names.extend(site_name);
        names.extend(ld.site_name.as_deref());
        for key in [
            "og:site_name",
            "application-name",
            "al:android:app_name",
            "al:ios:app_name",
            "publisher",
        ] {
            names.extend(meta::metas(doc, key));
        }
        let mut sites: Vec<String> = Vec::new();
        let mut add = |key: String| {
            if key.chars().count() >= 2 && !sites.contains(&key) {
                sites.push(key);
            }
        };
        for name in names {
            add(site_key(name));
            // "Aktuálně.cz - Víte, co se právě děje": the name before its own tagline.
            if let Some((head, _)) = split_first(name) {
                add(site_key(head));
            }
        }
        for url in urls.iter().flatten() {
            if let Some(label) = url.host_str().and_then(registrable_label) {
                add(site_key(label));
            }
        }
        let headings = doc
            .blocks
            .iter()
            .filter(|b| b.kind == Kind::Heading(1))
            .take(tuning::HEADINGS)
            .map(|b| extract::words(&b.text))
            .filter(|w| !w.is_empty())
            .collect();
        TitleClues { sites, headings }
    }

    /// Whether a title part names the site: the same letters and digits as one of its names
    /// (case, spaces, punctuation, a leading "The" and a domain ending aside), or one begins
    /// the other and covers at least half of it ("Mirror Online" for "Mirror").
    fn names_site(&self, part: &str) -> bool {
        let key = site_key(part);
        let n = key.chars().count();
        n >= 2
            && self.sites.iter().any(|site| {
                if *site == key {
                    return true;
                }
                let m = site.chars().count();
                let (short, long, ns, nl) = if n < m {
                    (&key, site, n, m)
                } else {
                    (site, &key, m, n)
                };
                ns >= tuning::MIN_PREFIX_CHARS
                    && tuning::PREFIX_SHARE_ONE_IN * ns >= nl
                    && long.starts_with(short.as_str())
            })
    }

    fn is_heading(&self, part: &str) -> bool {
        let words = extract::words(part);
        !words.is_empty() && self.headings.contains(&words)
    }
}

/// The article's title: the declared title with the site's name cut off (kept as it stands
/// with `keep_declared`); a `<title>` that names no site is cut in the manner of
/// Readability's `_getArticleTitle`.
pub(crate) fn headline(doc: &Doc, ld: &JsonLd, clues: &TitleClues, keep_declared: bool) -> String {
    let site_name = ld.site_name.as_deref();
    let article_title = if ld.is_article {
        ld.title.clone()
    } else {
        None
    };
    // Some sites put their own name in JSON-LD `name` and the headline in `headline`, others
    // (Wikipedia) a description in `headline`: keep the one that covers the page's
    // `<title>`, preferring `name` when both or neither do (Readability's rule).
    let article_title = match (&article_title, &ld.alt_title, &doc.head.title) {
        (Some(headline), Some(name), Some(document)) => {
            let document = extract::words(&title_from_document(document, site_name));
            let covers =
                |t: &str| extract::similarity(&extract::words(t), &document) > tuning::COVERS_TITLE;
            Some(if covers(headline) && !covers(name) {
                headline.clone()
            } else {
                name.clone()
            })
        }
        _ => article_title,
    };
    let from_meta = article_title
        .or_else(|| {
            meta::meta(
                doc,
                &[
                    "dc:title",
                    "dcterm:title",
                    "dc.title",
                    "og:title",
                    "weibo:article:title",
                    "weibo:webpage:title",
                    "title",
                    "twitter:title",
                    "parsely-title",
                    "headline",
                ],
            )
            .map(str::to_owned)
        })
        .or_else(|| ld.title.clone());
    // A declared headline (JSON-LD, Open Graph) loses only the site's name: its other parts
    // (a columnist, a series) are the site's choice. A `<title>` is headline plus furniture:
    // it is cut at the page's heading too, and failing both, by Readability's length rule.
    let title = match from_meta {
        Some(t) => {
            let t = meta::clean_text(&t);
            if keep_declared {
                t
            } else {
                cut(&t, clues, false).unwrap_or(t)
            }
        }
        None => doc
            .head
            .title
            .as_deref()
            .map(|t| {
                let t = meta::clean_text(t);
                cut(&t, clues, true).unwrap_or_else(|| title_from_document(&t, site_name))
            })
            .unwrap_or_default(),
    };
    if !title.is_empty() {
        return title;
    }
    // No title anywhere in the head: the first top-level heading.
    doc.blocks
        .iter()
        .find(|b| b.kind == Kind::Heading(1))
        .map(|b| meta::clean_text(&b.text))
        .unwrap_or_default()
}

/// Separator positions in `title`: `(start, end)` byte ranges, in order, not overlapping.
fn separators(title: &str) -> Vec<(usize, usize)> {
    let mut found: Vec<(usize, usize)> = SEPARATORS
        .iter()
        .flat_map(|sep| title.match_indices(sep).map(|(i, s)| (i, i + s.len())))
        .collect();
    found.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(found.len());
    for (start, end) in found {
        if out.last().is_none_or(|&(_, e)| start >= e) {
            out.push((start, end));
        }
    }
    out
}

fn split_first(s: &str) -> Option<(&str, &str)> {
    separators(s)
        .first()
        .map(|&(start, end)| (s[..start].trim(), s[end..].trim()))
}

/// Cuts site-name parts off either end of `title`, then (with `by_heading`) the parts around
/// a heading of the page that the rest holds; `None` when neither applies.
fn cut(title: &str, clues: &TitleClues, by_heading: bool) -> Option<String> {
    let seps = separators(title);
    // A title that is the site's name ("Example News - Latest headlines") is the page's title.
    if seps.is_empty() || clues.names_site(title) {
        return None;
    }
    let (mut first, mut last) = (0usize, seps.len());
    let (mut start, mut end) = (0usize, title.len());
    // "Headline | Section | Site": site parts off the end, one at a time.
    while last > first {
        let (s, e) = seps[last - 1];
        if clues.names_site(&title[e..end]) && !title[start..s].trim().is_empty() {
            end = s;
            last -= 1;
        } else {
            break;
        }
    }
    // "Site | Headline".
    while first < last {
        let (s, e) = seps[first];
        if clues.names_site(&title[start..s]) && !title[e..end].trim().is_empty() {
            start = e;
            first += 1;
        } else {
            break;
        }
    }
    let rest = &title[start..end];
    // "Headline - Section": the page's own heading says where the headline ends.
    if by_heading && !clues.is_heading(rest) {
        // The headline is the longer side: a heading that matches the shorter one is the
        // site's logo set in an `<h1>`.
        for &(s, e) in &seps[first..last] {
            let (head, tail) = (title[start..s].trim(), title[e..end].trim());
            let (nh, nt) = (head.chars().count(), tail.chars().count());
            if nh >= nt && clues.is_heading(head) {
                return Some(head.to_owned());
            }
            if nt >= nh && clues.is_heading(tail) {
                return Some(tail.to_owned());
            }
        }
    }
    (start > 0 || end < title.len()).then(|| rest.trim().to_owned())
}

/// A site name reduced to what identifies it: lower-case letters and digits, without a
/// leading "the", an `@` handle sign, a scheme, `www.` or a domain ending (".com", ".co.uk").
fn site_key(name: &str) -> String {
    let mut s = name.trim().to_lowercase();
    for prefix in ["https://", "http://", "@", "www.", "the "] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest.to_owned();
        }
    }
    let s = s.trim_end_matches('/');
    // "Salon.com", "Libération.fr", "Le Monde.fr": the name before the domain ending.
    let s = if s.contains('.') && !s.contains(char::is_whitespace) {
        registrable_label(s).unwrap_or(s)
    } else {
        match s.rsplit_once('.') {
            Some((head, tld))
                if !head.is_empty()
                    && tuning::TLD_LETTERS.contains(&tld.len())
                    && tld.chars().all(|c| c.is_ascii_lowercase()) =>
            {
                head
            }
            _ => s,
        }
    };
    s.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The label of a host that names the site: `mirror` for `www.mirror.co.uk`, `nytimes` for
/// `www.nytimes.com`: the first label of its site ([`newsdex_types::site_of_host`], the
/// registrable domain by the public suffix list).
fn registrable_label(host: &str) -> Option<&str> {
    newsdex_types::site_of_host(host)
        .split('.')
        .find(|label| !label.is_empty())
}

/// The title from `<title>` when no site part can be identified, in the manner of
/// Readability's `_getArticleTitle`: the last part goes when what stays is long enough.
pub(crate) fn title_from_document(raw: &str, site_name: Option<&str>) -> String {
    let original = meta::clean_text(raw);
    let seps = [
        " | ", " - ", " – ", " — ", " \\ ", " / ", " > ", " » ", " :: ", " · ",
    ];
    let Some((sep_at, sep)) = seps
        .iter()
        .filter_map(|s| original.rfind(s).map(|i| (i, *s)))
        .max_by_key(|(i, _)| *i)
    else {
        return original;
    };
    let head = original[..sep_at].trim();
    let tail = original[sep_at + sep.len()..].trim();
    if let Some(site) = site_name {
        let site = site.trim();
        if tail.eq_ignore_ascii_case(site) {
            return head.to_owned();
        }
        if let Some(first) = seps
            .iter()
            .filter_map(|s| original.find(s).map(|i| (i, *s)))
            .min_by_key(|(i, _)| *i)
            && original[..first.0].trim().eq_ignore_ascii_case(site)
        {
            return original[first.0 + first.1.len()..].trim().to_owned();
        }
    }
    let words = |s: &str| s.split_whitespace().count();
    let mut current = head.to_owned();
    if words(&current) < tuning::MIN_HEAD_WORDS {
        // "Site | Title": the part after the first separator.
        if let Some((first_at, first_sep)) = seps
            .iter()
            .filter_map(|s| original.find(s).map(|i| (i, *s)))
            .min_by_key(|(i, _)| *i)
        {
            current = original[first_at + first_sep.len()..].trim().to_owned();
        }
    }
    let hierarchical = [" \\ ", " / ", " > ", " » "].contains(&sep);
    let stripped_words = original
        .split_whitespace()
        .filter(|w| !["|", "-", "–", "—", "\\", "/", ">", "»", "::", "·"].contains(w))
        .count();
    if words(&current) <= tuning::MAX_SHORT_WORDS
        && (!hierarchical || words(&current) != stripped_words.saturating_sub(1))
    {
        return original;
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clues(sites: &[&str], headings: &[&str]) -> TitleClues {
        TitleClues {
            sites: sites.iter().map(|s| site_key(s)).collect(),
            headings: headings.iter().map(|h| extract::words(h)).collect(),
        }
    }

    #[test]
    fn site_parts_go_when_they_name_the_site() {
        let c = clues(&["Mirror", "mirror"], &[]);
        assert_eq!(
            cut(
                "Plans drawn up - what happens next - Mirror Online",
                &c,
                false
            )
            .as_deref(),
            Some("Plans drawn up - what happens next")
        );
        let c = clues(&["HeraldSun", "Washington Post", "Salon.com"], &[]);
        assert_eq!(
            cut("Angry media | Herald Sun", &c, true).as_deref(),
            Some("Angry media")
        );
        assert_eq!(
            cut("Attack stokes fears - The Washington Post", &c, true).as_deref(),
            Some("Attack stokes fears")
        );
        assert_eq!(
            cut("Salon.com - The sharing economy is a lie", &c, true).as_deref(),
            Some("The sharing economy is a lie")
        );
        // A part that names something else stays.
        assert_eq!(cut("Rain due - what next", &c, true), None);
        // A title that is only the site's name is not cut to nothing.
        assert_eq!(cut("Herald Sun | Herald Sun", &c, true), None);
        assert_eq!(
            cut("Herald Sun | Sport | Herald Sun", &c, true).as_deref(),
            Some("Sport")
        );
        let c = clues(&["Yahoo News - Latest News & Headlines", "Yahoo News"], &[]);
        assert_eq!(cut("Yahoo News - Latest News & Headlines", &c, true), None);
    }

    #[test]
    fn a_heading_of_the_page_says_where_the_headline_ends() {
        let c = clues(&["The Guardian"], &["Whales strand again"]);
        assert_eq!(
            cut("Whales strand again | Environment | The Guardian", &c, true).as_deref(),
            Some("Whales strand again")
        );
        let c = clues(&[], &["New Zealand"]);
        assert_eq!(
            cut("New Zealand - Wikipedia", &c, true).as_deref(),
            Some("New Zealand")
        );
        // A declared headline keeps its other parts.
        let c = clues(&[], &["Whales strand again"]);
        assert_eq!(cut("Whales strand again | Jane Doe", &c, false), None);
        // The heading is the whole title: nothing to cut.
        let c = clues(&[], &["Keir Starmer says - what happens next"]);
        assert_eq!(cut("Keir Starmer says - what happens next", &c, true), None);
    }

    #[test]
    fn site_keys_and_host_labels() {
        assert_eq!(site_key("The Seattle Times"), "seattletimes");
        assert_eq!(site_key("@BreitbartNews"), "breitbartnews");
        assert_eq!(site_key("http://www.tmz.com"), "tmz");
        assert_eq!(site_key("Libération.fr"), "libération");
        assert_eq!(registrable_label("www.mirror.co.uk"), Some("mirror"));
        assert_eq!(registrable_label("www.nytimes.com"), Some("nytimes"));
        assert_eq!(registrable_label("news.abc.net.au"), Some("abc"));
        assert_eq!(registrable_label("localhost"), Some("localhost"));
        // The public suffix list, not the shape of the name: `ya.ru` is a site of its own.
        assert_eq!(registrable_label("news.ya.ru"), Some("ya"));
    }

    #[test]
    fn document_titles_lose_the_site_name() {
        assert_eq!(
            title_from_document(
                "Storm hits the coast overnight | The Daily",
                Some("The Daily")
            ),
            "Storm hits the coast overnight"
        );
        assert_eq!(
            title_from_document(
                "The Daily | Storm hits the coast overnight",
                Some("The Daily")
            ),
            "Storm hits the coast overnight"
        );
        assert_eq!(
            title_from_document(
                "Storm hits the coast overnight and floods towns - Example News",
                None
            ),
            "Storm hits the coast overnight and floods towns"
        );
        assert_eq!(
            title_from_document("Short title - Site", None),
            "Short title - Site"
        );
    }
}
