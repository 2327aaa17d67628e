//! URL normalisation, so that one article reached through several spellings of its URL is
//! stored once. The rules follow courlan and the crawlers that use it: the host is lower-cased
//! and IDNA-encoded, default ports, fragments and tracking parameters are dropped, duplicate
//! slashes in the path are collapsed and the query is sorted.

use crate::{Error, Result};
use url::Url;

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
/// The result is still a fetchable URL, and normalising it again changes nothing.
pub fn normalize_url(input: &str) -> Result<String> {
    let trimmed = input.trim();
    let invalid = |reason: &str| Error::InvalidUrl {
        url: trimmed.to_owned(),
        reason: reason.to_owned(),
    };
    let mut url = Url::parse(trimmed).map_err(|err| invalid(&err.to_string()))?;
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

    proptest! {
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
