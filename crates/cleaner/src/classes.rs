//! What the words of an element's class and id say it is: navigation, a sidebar, an ad, a
//! caption, a byline, the article body (Readability's weights and the cleaner's own hints).
//! Every name is a literal with conditions on what may stand either side of it inside the
//! word, so one Aho-Corasick automaton over all of them reads a word in one pass.

use aho_corasick::AhoCorasick;

use crate::dom::flag;

/// Bits above the element flags for Readability's four class-weight word lists.
pub(crate) const UNLIKELY_WORD: u32 = 1 << 24;
pub(crate) const MAYBE_WORD: u32 = 1 << 25;
pub(crate) const NEGATIVE_WORD: u32 = 1 << 26;
pub(crate) const POSITIVE_WORD: u32 = 1 << 27;
/// The element-flag part of a word's hits.
pub(crate) const FLAG_BITS: u32 = (1 << 24) - 1;

/// What must come before a name inside the word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Before {
    Anything,
    /// The word's start.
    Start,
    /// The word's start, `-` or `_` (the name is a part of a compound: "post-date").
    Boundary,
    /// `-` or `_`.
    Separator,
    /// Some character other than `-` ("sidebar-ad", not "section--ad").
    NotDash,
}

/// What must come after a name inside the word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum After {
    Anything,
    /// The word's end.
    End,
    /// The word's end, `-` or `_`.
    Boundary,
    /// `-` or `_`.
    Separator,
    /// The word's end, `-`, `_` or a digit ("ad1", "ad-top").
    BoundaryOrDigit,
}

/// Names, what they mark, and where they may stand. In a name, `-?` is an optional hyphen,
/// `[-_]?` an optional hyphen or underscore, `[-_]` a required one, `(the-)?` an optional
/// "the-".
const NAMES: &[(u32, Before, After, &[&str])] = &[
    // Readability's unlikely candidates, less the names that also say "article".
    (UNLIKELY_WORD, Before::Start, After::Boundary, &["widget"]),
    (
        UNLIKELY_WORD,
        Before::Anything,
        After::Anything,
        &[
            "widget-area",
            "widget_",
            "-ad-",
            "ai2html",
            "banner",
            "breadcrumb",
            "combx",
            "comment",
            "community",
            "cover-wrap",
            "disqus",
            "extra",
            "footer",
            "gdpr",
            "legends",
            "menu",
            "related",
            "remark",
            "replies",
            "rss",
            "shoutbox",
            "sidebar",
            "skyscraper",
            "social",
            "sponsor",
            "supplemental",
            "ad-break",
            "agegate",
            "pagination",
            "pager",
            "popup",
            "yom-remote",
            "cookie",
            "consent",
            "newsletter",
            "subscribe",
            "paywall",
            "share",
            "promo",
            "outbrain",
            "taboola",
            "most-read",
            "mostread",
            "trending",
            "recommend",
        ],
    ),
    (
        MAYBE_WORD,
        Before::Anything,
        After::Anything,
        &[
            "and", "article", "body", "column", "content", "main", "mathjax", "shadow",
        ],
    ),
    (
        NEGATIVE_WORD,
        Before::Anything,
        After::Anything,
        &[
            "-ad-",
            "hidden",
            "banner",
            "combx",
            "comment",
            "com-",
            "contact",
            "footer",
            "gdpr",
            "masthead",
            "media",
            "meta",
            "outbrain",
            "promo",
            "related",
            "scroll",
            "share",
            "shoutbox",
            "sidebar",
            "skyscraper",
            "sponsor",
            "shopping",
            "tags",
            "widget",
            "caption",
            "credit",
            "byline",
            "newsletter",
            "subscribe",
        ],
    ),
    (NEGATIVE_WORD, Before::Start, After::End, &["hid"]),
    (
        POSITIVE_WORD,
        Before::Anything,
        After::Anything,
        &[
            "article",
            "body",
            "content",
            "entry",
            "hentry",
            "h-entry",
            "main",
            "page",
            "pagination",
            "post",
            "text",
            "blog",
            "story",
        ],
    ),
    (
        flag::LEAD,
        Before::Boundary,
        After::Boundary,
        &[
            "lead",
            "lede",
            "leadin",
            "lead-?text",
            "teaser-?text",
            "teaser__text",
            "intro",
            "intro-?text",
            "introduction",
            "standfirst",
            "stand-?first",
            "summary",
            "subtitle",
            "sub-?title",
            "sub-?headline",
            "subline",
            "deck",
            "dek",
            "excerpt",
            "abstract",
            "vorspann",
            "chapo",
            "chapeau",
            "entradilla",
            "sumario",
            "bajada",
            "zajawka",
            "sottotitolo",
            "description",
        ],
    ),
    (
        flag::HEADERISH,
        Before::Boundary,
        After::Boundary,
        &["header", "masthead", "topbar", "top-bar"],
    ),
    (
        flag::CAPTION,
        Before::Anything,
        After::Anything,
        &[
            "caption",
            "credit",
            "wp-caption-text",
            "photo-?source",
            "image-?source",
            "bildunterschrift",
            "legende",
        ],
    ),
    (
        flag::BYLINE,
        Before::Anything,
        After::Anything,
        &["byline", "writtenby", "p-author", "autor", "contributor"],
    ),
    (flag::BYLINE, Before::Boundary, After::Anything, &["author"]),
    (
        flag::ARTICLE_BODY,
        Before::Anything,
        After::Anything,
        &[
            "article[-_]?body",
            "article__body",
            "article[-_]?content",
            "article__content",
            "story[-_]?body",
            "story__body",
            "story[-_]?content",
            "entry[-_]content",
            "post[-_]?content",
            "post[-_]?body",
            "post__content",
            "post[-_]?entry",
            "article[-_]?text",
            "body[-_]?text",
            "content[-_]?body",
            "rich[-_]?text",
            "article-main",
            "main-text",
            "single-content",
            "td-post-content",
        ],
    ),
    (
        flag::SHARE,
        Before::Anything,
        After::Anything,
        &[
            "share",
            "sharing",
            "social",
            "sociable",
            "addthis",
            "sharethis",
            "follow-?us",
            "print-?button",
            "email-?this",
        ],
    ),
    // A class named for an ad ("ad", "ad-slot", "dfp-unit", "sidebar-ad"), but not a BEM
    // modifier saying a section may hold ads ("section--ads").
    (
        flag::AD,
        Before::Start,
        After::BoundaryOrDigit,
        &[
            "ad",
            "ads",
            "adv",
            "advert",
            "adverts",
            "advertisement",
            "advertising",
            "adsense",
            "adslot",
            "adunit",
            "dfp",
            "gpt",
            "taboola",
            "outbrain",
            "teads",
            "sponsored",
            "commercial",
            "anzeige",
            "werbung",
            "reklama",
            "publicite",
            "pub",
        ],
    ),
    (flag::AD, Before::NotDash, After::End, &["-ad", "-ads"]),
    (flag::AD, Before::Separator, After::Separator, &["ad"]),
    (flag::AD, Before::Anything, After::End, &["_ad", "_ads"]),
    (
        flag::AD,
        Before::Anything,
        After::Anything,
        &[
            "adslot",
            "ad-slot",
            "ad-unit",
            "adunit",
            "ad-container",
            "ad-wrapper",
            "advertisement",
        ],
    ),
    (
        flag::RELATED,
        Before::Anything,
        After::Anything,
        &[
            "related",
            "most-?read",
            "most-?popular",
            "popular",
            "recommend",
            "more-?stories",
            "more-?from",
            "more-?on",
            "read-?more",
            "read-?next",
            "also-?read",
            "further-?reading",
            "trending",
            "teaser",
            "see-?also",
            "morelinks",
            "more-?link",
            "jump-?link",
            "more-articles",
            "other-articles",
            "weitere",
            "lesen-?sie",
            "zum-?thema",
            "polecane",
            "czytaj",
            "list-?posts",
            "teaser-?list",
            "article-?list",
            "news-?list",
            "you-?may",
            "might-?like",
        ],
    ),
    (
        flag::DATE,
        Before::Boundary,
        After::Boundary,
        &[
            "date",
            "time",
            "timestamp",
            "dateline",
            "datum",
            "published",
            "pubdate",
            "posted-on",
            "entry-date",
            "meta-date",
            "postmetadata",
            "post-?meta",
            "entry-?meta",
            "article-?meta",
            "news-?meta",
            "meta-?info",
            "metadata",
        ],
    ),
    (
        flag::COMMENTS,
        Before::Anything,
        After::Anything,
        &[
            "comment",
            "disqus",
            "respond",
            "replies",
            "discussion",
            "kommentar",
            "komentarz",
            "forum",
        ],
    ),
    (
        flag::TAGS,
        Before::Boundary,
        After::Boundary,
        &[
            "tag",
            "tags",
            "tag-?list",
            "tag-?cloud",
            "keywords",
            "topics",
            "post-tags",
            "entry-tags",
            "article-tags",
            "categories",
            "cat-links",
            "tags-links",
            "schlagworte",
            "stichworte",
            "tagi",
        ],
    ),
    (
        flag::PROMO,
        Before::Anything,
        After::Anything,
        &[
            "newsletter",
            "subscribe",
            "subscription",
            "signup",
            "sign-up",
            "paywall",
            "piano",
            "cookie",
            "consent",
            "gdpr",
            "app-?promo",
            "promo",
            "whatsapp",
            "donate",
            "membership",
            "author-?bio",
            "about-?(the-)?author",
            "author-?box",
            "author-?info",
            "author-?description",
            "author-?details",
            "author-?about",
            "entry-author",
            "bio-?box",
            "author-?card",
            "popup",
            "modal",
            "overlay",
            "banner",
            "disclaimer",
            "community-?notice",
            "editor-?note",
            "rating",
            "ratings",
        ],
    ),
];

/// The spellings of a name: `-?`, `[-_]?`, `[-_]` and `(the-)?` expanded.
fn spellings(name: &str) -> Vec<String> {
    const OPTIONS: &[(&str, &[&str])] = &[
        ("[-_]?", &["", "-", "_"]),
        ("[-_]", &["-", "_"]),
        ("(the-)?", &["", "the-"]),
        ("-?", &["", "-"]),
    ];
    let first = OPTIONS
        .iter()
        .filter_map(|(pattern, choices)| name.find(pattern).map(|at| (at, *pattern, *choices)))
        .min_by_key(|(at, ..)| *at);
    let Some((at, pattern, choices)) = first else {
        return vec![name.to_owned()];
    };
    let rest = spellings(&name[at + pattern.len()..]);
    choices
        .iter()
        .flat_map(|choice| {
            rest.iter()
                .map(move |tail| format!("{}{choice}{tail}", &name[..at]))
        })
        .collect()
}

#[derive(Debug, Clone, Copy)]
struct Rule {
    marks: u32,
    before: Before,
    after: After,
}

/// All names in one automaton.
pub(crate) struct ClassWords {
    automaton: AhoCorasick,
    rules: Vec<Rule>,
}

impl ClassWords {
    pub fn new() -> Self {
        let mut literals = Vec::new();
        let mut rules = Vec::new();
        for &(marks, before, after, names) in NAMES {
            for name in names {
                for spelling in spellings(name) {
                    literals.push(spelling);
                    rules.push(Rule {
                        marks,
                        before,
                        after,
                    });
                }
            }
        }
        // The names are constants of this module; a test builds the automaton.
        let automaton = AhoCorasick::new(&literals)
            .unwrap_or_else(|e| panic!("class names do not build an automaton: {e}"));
        ClassWords { automaton, rules }
    }

    /// What one lower-cased word of a class or id attribute says: element flags and the
    /// `*_WORD` bits.
    pub fn marks(&self, word: &[u8]) -> u32 {
        let mut marks = 0;
        for m in self.automaton.find_overlapping_iter(word) {
            let rule = self.rules[m.pattern().as_usize()];
            if marks & rule.marks == rule.marks {
                continue;
            }
            let (start, end) = (m.start(), m.end());
            let before = match rule.before {
                Before::Anything => true,
                Before::Start => start == 0,
                Before::Boundary => start == 0 || matches!(word[start - 1], b'-' | b'_'),
                Before::Separator => start > 0 && matches!(word[start - 1], b'-' | b'_'),
                Before::NotDash => start > 0 && word[start - 1] != b'-',
            };
            let after = match rule.after {
                After::Anything => true,
                After::End => end == word.len(),
                After::Boundary => end == word.len() || matches!(word[end], b'-' | b'_'),
                After::Separator => end < word.len() && matches!(word[end], b'-' | b'_'),
                After::BoundaryOrDigit => {
                    end == word.len() || matches!(word[end], b'-' | b'_' | b'0'..=b'9')
                }
            };
            if before && after {
                marks |= rule.marks;
            }
        }
        marks
    }
}

impl std::fmt::Debug for ClassWords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ClassWords({} spellings)", self.rules.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_expand_optional_separators() {
        assert_eq!(spellings("read-?more"), vec!["readmore", "read-more"]);
        assert_eq!(
            spellings("article[-_]?body"),
            vec!["articlebody", "article-body", "article_body"]
        );
        assert_eq!(
            spellings("about-?(the-)?author"),
            vec![
                "aboutauthor",
                "aboutthe-author",
                "about-author",
                "about-the-author"
            ]
        );
        assert_eq!(spellings("entry[-_]content").len(), 2);
    }

    #[test]
    fn words_and_where_names_stand_in_them() {
        let w = ClassWords::new();
        let has = |word: &str, mark: u32| w.marks(word.as_bytes()) & mark == mark;
        assert!(has("article-body", flag::ARTICLE_BODY));
        assert!(has("post-date", flag::DATE));
        assert!(!has("update", flag::DATE));
        assert!(has("tags", flag::TAGS) && has("tag-list", flag::TAGS));
        assert!(!has("stage", flag::TAGS));
        assert!(has("author-name", flag::BYLINE) && !has("coauthor", flag::BYLINE));
        assert!(has("ad", flag::AD) && has("ad1", flag::AD) && has("sidebar-ad", flag::AD));
        assert!(!has("section--ads", flag::AD) && !has("adventure", flag::AD));
        assert!(has("top_ad_box", flag::AD));
        assert!(has("hid", NEGATIVE_WORD) && !has("hide", NEGATIVE_WORD));
        assert!(has("widget-left", UNLIKELY_WORD) && !has("mywidget", UNLIKELY_WORD));
        assert!(has("entry-content", POSITIVE_WORD));
    }
}
