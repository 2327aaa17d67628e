//! URL normalisation and canonical URLs, so that one article reached through several URLs is
//! stored once. The normalisation rules follow courlan and the crawlers that use it: the host
//! is lower-cased and IDNA-encoded, default ports, fragments and tracking parameters are
//! dropped, duplicate slashes in the path are collapsed and the query is sorted. Credentials
//! (`user:secret@`) are dropped too, so that a password given in a URL is never stored, indexed
//! or printed. A page's declared canonical URL is trusted only where CMS bugs are rare
//! ([`canonical_key`]). A URL's site is its registrable domain ([`site_of`]).

use std::borrow::Cow;
use std::net::IpAddr;

use url::{Host, Url};

/// A text that is not a URL newsdex can store: not absolute, no host, or a scheme other than
/// http, https and file. The URL is named with its credentials blanked out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid URL `{url}`: {reason}")]
pub struct InvalidUrl {
    /// The text as given, trimmed, without credentials ([`redact_credentials`]).
    pub url: String,
    /// What is wrong with it.
    pub reason: String,
}

/// Last path segments that serve a directory's home page (`/index.html` is `/`).
const INDEX_DOCUMENTS: &[&str] = &[
    "index",
    "index.html",
    "index.htm",
    "index.php",
    "index.asp",
    "index.aspx",
    "index.jsp",
    "default.asp",
    "default.aspx",
    "home",
    "home.html",
];

/// Query parameters that only identify a campaign or a click, never a different page.
const TRACKING_PARAMS: &[&str] = &[
    "fbclid",
    "gclid",
    "gclsrc",
    "dclid",
    "msclkid",
    "yclid",
    "twclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "mkt_tok",
    "ocid",
    "cmpid",
    "ito",
    "icid",
    "ncid",
    "sr_share",
    "ref_src",
    "ref_url",
    "spm",
    "vero_id",
    "wt_mc",
    "s_kwcid",
    "oly_anon_id",
    "oly_enc_id",
    "rb_clickid",
    "at_medium",
    "at_campaign",
    "at_custom1",
    "at_custom2",
    "at_custom3",
    "at_custom4",
    "soc_src",
    "soc_trk",
    "xtor",
    "__twitter_impression",
    "int_source",
];

/// Whether a query parameter only tracks a visit (`utm_*`, `fbclid`, `gclid`, ...).
pub fn is_tracking_param(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.starts_with("utm_")
        || name.starts_with("pk_")
        || name.starts_with("hsa_")
        || TRACKING_PARAMS.contains(&name.as_str())
}

/// Normalises an absolute `http`, `https` or `file` URL into the form newsdex uses as a key.
///
/// The result is still a fetchable URL, and normalising it again changes nothing. It never
/// holds a user name or password: they are dropped (a URL that is refused is named in the
/// error with its credentials blanked out, see [`redact_credentials`]).
pub fn normalize_url(input: &str) -> Result<String, InvalidUrl> {
    let trimmed = input.trim();
    let invalid = |reason: &str| InvalidUrl {
        url: redact_credentials(trimmed).into_owned(),
        reason: reason.to_owned(),
    };
    let mut url = Url::parse(trimmed).map_err(|err| invalid(&err.to_string()))?;
    strip_credentials(&mut url);
    match url.scheme() {
        "http" | "https" => {
            if url.host_str().is_none_or(str::is_empty) {
                return Err(invalid("no host"));
            }
        }
        "file" => {}
        other => {
            return Err(invalid(&format!(
                "unsupported scheme `{other}` (only http, https and file)"
            )));
        }
    }
    url.set_fragment(None);
    // `Url` already drops a scheme's default port and lower-cases the host;
    // a trailing dot on the host names the same site.
    if let Some(host) = url.host_str().filter(|h| h.ends_with('.') && h.len() > 1) {
        let host = host.trim_end_matches('.').to_owned();
        url.set_host(Some(&host))
            .map_err(|err| invalid(&err.to_string()))?;
    }
    if url.path().contains("//") {
        let mut path = String::with_capacity(url.path().len());
        for ch in url.path().chars() {
            if !(ch == '/' && path.ends_with('/')) {
                path.push(ch);
            }
        }
        url.set_path(&path);
    }
    if url.query().is_some() {
        let mut pairs: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(name, _)| !is_tracking_param(name))
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        pairs.sort();
        pairs.dedup();
        if pairs.is_empty() {
            url.set_query(None);
        } else {
            url.query_pairs_mut().clear().extend_pairs(pairs);
        }
    }
    Ok(url.into())
}

/// Drops the user name and password of a URL (`http://user:secret@host/` is `http://host/`).
/// URLs that cannot have credentials (`mailto:`, `data:`) are left alone.
pub fn strip_credentials(url: &mut Url) {
    if url.has_authority() && (!url.username().is_empty() || url.password().is_some()) {
        // Both only fail for URLs without an authority, which were excluded above.
        let _ = url.set_username("");
        let _ = url.set_password(None);
    }
}

/// Text that should name a URL, with the credentials of its authority taken out, for
/// messages and reports about URLs that may not even parse (`http://user:pw@bad host/`):
/// everything between `://` and the last `@` before the path is removed.
pub fn redact_credentials(text: &str) -> Cow<'_, str> {
    let Some(scheme_end) = text.find("://") else {
        return Cow::Borrowed(text);
    };
    let authority_start = scheme_end + 3;
    let rest = &text[authority_start..];
    let authority_len = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
    match rest[..authority_len].rfind('@') {
        Some(at) => Cow::Owned(format!("{}{}", &text[..authority_start], &rest[at + 1..])),
        None => Cow::Borrowed(text),
    }
}

/// The site a URL belongs to: its registrable domain (eTLD+1 from the public suffix list), so
/// that `www.`, `edition.` and `amp.` hosts of one publisher are one site; the host itself for
/// IP addresses and names without a registrable domain (`localhost`); empty without a host.
/// This is newsdex's one notion of a site: the fetcher's politeness budget, the store's trust
/// in canonical URLs, the index's site facet and the site shown with a search hit.
pub fn site_of(url: &Url) -> String {
    match url.host() {
        Some(Host::Domain(domain)) => site_of_host(domain).to_owned(),
        Some(Host::Ipv4(ip)) => ip.to_string(),
        Some(Host::Ipv6(ip)) => ip.to_string(),
        None => String::new(),
    }
}

/// [`site_of`] for a host name already taken out of its URL (lower-case, as URLs hold it):
/// `bbc.co.uk` for `news.bbc.co.uk`; an IP address, a public suffix alone (`co.uk`) and a
/// name without a registrable domain (`localhost`) are their own site.
pub fn site_of_host(host: &str) -> &str {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if bare.parse::<IpAddr>().is_ok() {
        return host;
    }
    psl::domain_str(host).unwrap_or(host)
}

/// The normalised key of the canonical URL a page declares (`<link rel="canonical">`,
/// `og:url`), or `None` when the declaration is not to be trusted. `page_url` is where the
/// page's bytes came from: the final URL after redirects, or a `file://` URL.
///
/// Two CMS bugs are common enough to guard against, because trusting them would file every
/// article of a site under one key: a canonical URL that is the site's home page (or the home
/// page of one of its language editions, `/en/`), and one on another site (a staging host,
/// the syndication source, a template default). So a web page's canonical URL must be on the
/// page's own registrable domain and must not be a home page unless the page is one. A local
/// file has no site of its own, so its canonical URL is its only web address and only the
/// home-page rule applies.
pub fn canonical_key(page_url: &str, canonical: &str) -> Option<String> {
    let key = normalize_url(canonical).ok()?;
    let target = Url::parse(&key).ok()?;
    if !matches!(target.scheme(), "http" | "https") {
        return None;
    }
    let page = Url::parse(page_url)
        .ok()
        .filter(|page| matches!(page.scheme(), "http" | "https"));
    if let Some(page) = &page
        && site_of(page) != site_of(&target)
    {
        return None;
    }
    if is_home_page(&target) && !page.as_ref().is_some_and(is_home_page) {
        return None;
    }
    Some(key)
}

/// Whether a URL is a home page: the site root, an index document at the root, or the root
/// of a language or country edition (`/en/`, `/pt-br/`), without a query.
fn is_home_page(url: &Url) -> bool {
    if url.query().is_some() {
        return false;
    }
    let mut segments: Vec<&str> = url
        .path()
        .split('/')
        .filter(|segment| !segment.is_empty())
        .collect();
    if segments
        .last()
        .is_some_and(|last| INDEX_DOCUMENTS.contains(&last.to_ascii_lowercase().as_str()))
    {
        segments.pop();
    }
    match segments.as_slice() {
        [] => true,
        [edition] => is_edition_code(edition),
        _ => false,
    }
}

/// `en`, `de`, `pt-br`, `zh_hans`: a language or country code as an edition's path.
fn is_edition_code(segment: &str) -> bool {
    let mut parts = segment.split(['-', '_']);
    let first = parts.next().unwrap_or("");
    let letters = |part: &str, range: std::ops::RangeInclusive<usize>| {
        range.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_alphabetic())
    };
    letters(first, 2..=2)
        && match (parts.next(), parts.next()) {
            (None, _) => true,
            (Some(region), None) => letters(region, 2..=4),
            (Some(_), Some(_)) => false,
        }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn drops_what_does_not_name_a_different_page() {
        let cases = [
            (
                "HTTPS://WWW.Mirror.co.uk:443/news/a#comments",
                "https://www.mirror.co.uk/news/a",
            ),
            (
                "http://example.org:80//news//a?utm_source=x&b=2&a=1&fbclid=zz",
                "http://example.org/news/a?a=1&b=2",
            ),
            (
                "https://example.org/a?utm_campaign=x",
                "https://example.org/a",
            ),
            (
                "https://example.org./a?b=1&b=1",
                "https://example.org/a?b=1",
            ),
            ("https://example.org:8443/a", "https://example.org:8443/a"),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize_url(input).unwrap(), expected, "{input}");
        }
    }

    #[test]
    fn two_tracking_variants_get_one_key() {
        let a = normalize_url("https://news.example/story?id=7&utm_medium=social").unwrap();
        let b = normalize_url("https://news.example/story?gclid=1&id=7#top").unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn rejects_what_cannot_be_a_page_url() {
        for bad in [
            "not a url",
            "mailto:a@b.c",
            "ftp://x.example/f",
            "/relative/path",
            "http://",
        ] {
            let err = normalize_url(bad).unwrap_err().to_string();
            assert!(err.starts_with("invalid URL"), "{bad}: {err}");
        }
    }

    #[test]
    fn canonical_urls_on_the_same_site_are_trusted_and_normalised() {
        let page = "https://amp.news.example/amp/story";
        assert_eq!(
            canonical_key(page, "https://www.news.example/story?utm_source=amp#top").as_deref(),
            Some("https://www.news.example/story")
        );
        assert_eq!(
            canonical_key(page, "http://news.example/2025/06/03/story/").as_deref(),
            Some("http://news.example/2025/06/03/story/")
        );
        // A query is part of an article's address (`?p=123`), even at the root.
        assert_eq!(
            canonical_key(page, "https://news.example/?p=123").as_deref(),
            Some("https://news.example/?p=123")
        );
        // Registrable domains, not hosts: the public suffix list knows `co.uk`.
        assert!(canonical_key("https://m.paper.co.uk/a", "https://www.paper.co.uk/a").is_some());
        assert!(canonical_key("https://a.co.uk/x", "https://b.co.uk/x").is_none());
    }

    #[test]
    fn home_pages_and_other_sites_are_not_trusted_as_canonical() {
        let page = "https://www.news.example/world/2025/storm-hits-coast";
        for bogus in [
            "https://www.news.example/",
            "https://news.example",
            "https://www.news.example/index.html",
            "https://www.news.example/en/",
            "https://www.news.example/pt-br/index.php",
            "https://staging.other.example/world/2025/storm-hits-coast",
            "http://localhost/world/2025/storm-hits-coast",
            "/world/2025/storm-hits-coast",
            "mailto:desk@news.example",
            "",
        ] {
            assert_eq!(canonical_key(page, bogus), None, "{bogus}");
        }
        // A home page may name itself.
        assert_eq!(
            canonical_key("https://news.example/index.html", "https://news.example/").as_deref(),
            Some("https://news.example/")
        );
        // Paths that only look short are articles.
        assert!(canonical_key(page, "https://news.example/world").is_some());
        assert!(canonical_key(page, "https://news.example/en/world").is_some());
    }

    #[test]
    fn a_local_file_trusts_any_site_but_not_a_home_page() {
        let file = "file:///home/me/saved/story.html";
        assert_eq!(
            canonical_key(file, "https://www.news.example/story").as_deref(),
            Some("https://www.news.example/story")
        );
        assert_eq!(canonical_key(file, "https://www.news.example/"), None);
    }

    #[test]
    fn sites_group_hosts_by_registrable_domain() {
        let site = |url: &str| site_of(&Url::parse(url).unwrap());
        assert_eq!(site("https://www.bbc.co.uk/news"), "bbc.co.uk");
        assert_eq!(site("https://amp.bbc.co.uk/a"), "bbc.co.uk");
        assert_eq!(site("https://edition.cnn.com/"), "cnn.com");
        assert_eq!(site("http://127.0.0.1:8080/"), "127.0.0.1");
        assert_eq!(site("http://localhost:3000/"), "localhost");
        assert_ne!(site("https://a.example.org/"), site("https://example.com/"));
        assert_eq!(site("https://новости.рф/a"), "xn--b1amnebsh.xn--p1ai");
        assert_eq!(site_of_host("news.abc.net.au"), "abc.net.au");
        assert_eq!(site_of_host("co.uk"), "co.uk");
        assert_eq!(site_of_host("10.0.0.1"), "10.0.0.1");
        assert_eq!(site_of_host("[::1]"), "[::1]");
        assert_eq!(site("http://[::1]:8080/"), "::1");
    }

    /// Issue 10: `http://user:secret@host/...` was stored as is, and `search`, `show`,
    /// `export` and `serve` printed the password.
    #[test]
    fn credentials_are_never_kept() {
        for (input, expected) in [
            (
                "http://user:secret@news.example/a?b=1",
                "http://news.example/a?b=1",
            ),
            ("https://user@news.example/", "https://news.example/"),
            ("https://:secret@news.example/x", "https://news.example/x"),
            (
                "HTTPS://us%40er:se:cr@et@News.Example:443/a#top",
                "https://news.example/a",
            ),
        ] {
            assert_eq!(normalize_url(input).unwrap(), expected, "{input}");
        }
        assert_eq!(
            canonical_key(
                "https://news.example/amp/a",
                "https://editor:hunter2@www.news.example/a"
            )
            .as_deref(),
            Some("https://www.news.example/a")
        );
        let err = normalize_url("http://user:secret@bad host/").unwrap_err();
        assert!(!err.to_string().contains("secret"), "{err}");
    }

    #[test]
    fn redaction_takes_credentials_out_of_any_text() {
        for (input, expected) in [
            ("http://u:p@host/a@b", "http://host/a@b"),
            ("http://u:p@x@bad host/", "http://bad host/"),
            ("https://host/path?mail=a@b", "https://host/path?mail=a@b"),
            ("mailto:a@b.example", "mailto:a@b.example"),
            ("no url at all", "no url at all"),
            ("ftp://анна:пароль@файлы.example", "ftp://файлы.example"),
        ] {
            assert_eq!(redact_credentials(input), expected, "{input}");
        }
    }

    /// URL-like text: every scheme newsdex meets, optional credentials, IDN and IP hosts,
    /// ports, paths with dot segments, escapes and non-ASCII, queries with tracking
    /// parameters and fragments.
    fn url_like() -> impl Strategy<Value = String> {
        let scheme = prop_oneof![
            Just("http"),
            Just("https"),
            Just("HTTP"),
            Just("file"),
            Just("ftp"),
            Just("mailto"),
        ];
        let userinfo = prop_oneof![
            Just(String::new()),
            "[a-zA-Z0-9%]{0,6}@",
            "[a-zA-Z0-9%]{0,6}:[a-zA-Z0-9%@:]{0,8}@",
        ];
        let host = prop_oneof![
            "[a-zA-Z0-9-]{1,10}(\\.[a-zA-Z]{2,5}){0,2}\\.?",
            Just("новости.рф".to_owned()),
            Just("例子.测试".to_owned()),
            Just("127.0.0.1".to_owned()),
            Just("[::1]".to_owned()),
            Just("xn--e1afmkfd.xn--p1ai".to_owned()),
        ];
        let port = prop_oneof![
            Just(String::new()),
            "[0-9]{1,5}".prop_map(|p| format!(":{p}"))
        ];
        let segment = prop_oneof![
            "[a-zA-Z0-9_~.-]{0,6}",
            Just("..".to_owned()),
            Just(".".to_owned()),
            Just("%2e%2E".to_owned()),
            Just("статья".to_owned()),
            Just("a b".to_owned()),
            "%[0-9a-fA-F]{2}",
        ];
        let path = proptest::collection::vec(segment, 0..5).prop_map(|s| {
            s.iter()
                .map(|segment| format!("/{segment}"))
                .collect::<String>()
        });
        let query = proptest::collection::vec(
            ("(utm_source|a|b|fbclid|q|é|x%20y)", "[a-zA-Z0-9=%&+é]{0,4}"),
            0..4,
        )
        .prop_map(|pairs| {
            if pairs.is_empty() {
                String::new()
            } else {
                let pairs: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
                format!("?{}", pairs.join("&"))
            }
        });
        let fragment = prop_oneof![Just(String::new()), "#[a-z@:]{0,5}"];
        (scheme, userinfo, host, port, path, query, fragment).prop_map(
            |(scheme, userinfo, host, port, path, query, fragment)| {
                format!("{scheme}://{userinfo}{host}{port}{path}{query}{fragment}")
            },
        )
    }

    /// The properties every normalised URL has: it parses, has no credentials, no fragment
    /// and no tracking parameter, and normalising it again changes nothing.
    fn check_normalised(input: &str) -> Result<(), TestCaseError> {
        let Ok(once) = normalize_url(input) else {
            return Ok(());
        };
        let parsed = Url::parse(&once);
        prop_assert!(parsed.is_ok(), "{input} -> {once} does not parse");
        let parsed = parsed.unwrap_or_else(|_| unreachable!());
        prop_assert_eq!(parsed.username(), "", "{} -> {}", input, once);
        prop_assert_eq!(parsed.password(), None, "{} -> {}", input, once);
        prop_assert_eq!(parsed.fragment(), None, "{} -> {}", input, once);
        prop_assert!(
            !parsed
                .query_pairs()
                .any(|(name, _)| is_tracking_param(&name)),
            "{input} -> {once}"
        );
        prop_assert_eq!(normalize_url(&once).ok(), Some(once), "{}", input);
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn url_like_text_normalises_to_a_clean_fixed_point(input in url_like()) {
            check_normalised(&input)?;
            let redacted = redact_credentials(&input);
            if let Ok(url) = Url::parse(&redacted) {
                prop_assert_eq!(url.password(), None, "{}", input);
            }
        }

        #[test]
        fn any_text_normalises_or_is_refused_without_panicking(input in any::<String>()) {
            check_normalised(&input)?;
            let _ = canonical_key("https://news.example/a/b", &input);
            let _ = redact_credentials(&input);
        }

        #[test]
        fn normalisation_is_idempotent(
            host in "[a-z]{1,8}\\.(com|org|co\\.uk)",
            path in "(/[a-zA-Z0-9_%-]{0,6}){0,4}",
            query in proptest::collection::vec(("(utm_x|a|b|fbclid|q)", "[a-z0-9]{0,3}"), 0..4),
        ) {
            let query: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let input = format!("https://{host}{path}?{}", query.join("&"));
            let once = normalize_url(&input).unwrap();
            prop_assert_eq!(normalize_url(&once).unwrap(), once);
        }
    }
}
