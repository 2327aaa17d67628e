//! The cleaner on arbitrary bytes, and the person tagger behind `persons tag` on arbitrary text.

use std::sync::LazyLock;

use newsdex_cleaner::Cleaner;
use newsdex_persons::{Extractor, tag_mentions};
use newsdex_types::Article;

static CLEANER: LazyLock<Cleaner> = LazyLock::new(Cleaner::default);
static EXTRACTOR: LazyLock<Extractor> = LazyLock::new(Extractor::new);

/// Any bytes, as a page served from a URL: the cleaner either gives an article or says why
/// not, and an article holds the cleaner's guarantees (asserted, so a breach is a finding):
/// no control characters or bidi overrides in any field, only web and mail links.
pub fn clean(data: &[u8]) {
    for content_type in [None, Some("text/html; charset=windows-1252")] {
        if let Ok(article) =
            CLEANER.clean(data, "https://fuzz.example/news/story.html", content_type)
        {
            check_article(&article);
        }
    }
}

fn check_article(article: &Article) {
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
        assert!(!bad(field, false), "control character in {field:?}");
    }
    assert!(!bad(&article.text, true), "control character in the text");
    let markdown = article.to_markdown();
    assert!(!bad(&markdown, true), "control character in the markdown");
    for url in [&article.image, &article.canonical_url]
        .into_iter()
        .flatten()
    {
        assert!(
            url.starts_with("http://") || url.starts_with("https://"),
            "{url}"
        );
    }
    for block in &article.blocks {
        assert!(!bad(&block.text, true), "control character in a block");
        for link in &block.links {
            assert!(link.start < link.end && link.end <= block.text.len());
            let href = &link.href;
            assert!(
                href.starts_with("http://")
                    || href.starts_with("https://")
                    || href.starts_with("mailto:"),
                "{href}"
            );
            assert!(!bad(href, false), "control character in {href:?}");
        }
    }
}

/// Any bytes, as the text of one line of `persons tag` (its JSON-lines wrapping is serde's,
/// in the cli): every mention is a non-empty character range of the text holding the mention's
/// text, in text order, with a non-empty name (asserted, so a breach is a finding).
pub fn persons_tag(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let chars: Vec<char> = text.chars().collect();
    let mentions = tag_mentions(&EXTRACTOR, &text);
    for pair in mentions.windows(2) {
        assert!(
            (pair[0].start, pair[0].end) <= (pair[1].start, pair[1].end),
            "{pair:?}"
        );
    }
    for mention in &mentions {
        assert!(!mention.name.trim().is_empty(), "{mention:?}");
        assert!(
            mention.start < mention.end && mention.end <= chars.len(),
            "{mention:?}"
        );
        let slice: String = chars[mention.start..mention.end].iter().collect();
        assert_eq!(slice, mention.text);
    }
}
