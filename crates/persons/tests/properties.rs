//! Properties of extraction on arbitrary Unicode: it never panics, every mention is a valid,
//! non-empty character range of the text whose text is exactly that range, and every person
//! has a non-empty name and at least one mention.

use std::sync::LazyLock;

use newsdex_persons::{Extractor, tag_mentions};
use proptest::prelude::*;

static EXTRACTOR: LazyLock<Extractor> = LazyLock::new(Extractor::new);

/// Pieces that exercise the tokenizer and the name rules: names, titles, particles, credit-line
/// separators, handles, glued numbers, clitics, combining marks, scripts without case, and
/// right-to-left text.
const PIECES: &[&str] = &[
    "Keir Starmer",
    "Mr",
    "Mr.",
    "Prince Harry",
    "Queen",
    "van",
    "de",
    "of",
    "Director_Oh",
    "Kyeong Taek",
    "@mattbevin",
    "#Obama",
    "3.Charlotte",
    "Shor.3",
    "'s",
    "’s",
    "n't",
    "—",
    "–",
    "/",
    "+",
    "&",
    "(",
    ")",
    "\"",
    "“",
    "”",
    "«",
    "»",
    ".",
    "...",
    "…",
    ",",
    ":",
    "\n",
    "\n\n",
    " ",
    "  ",
    "\t",
    "J.",
    "U.S.",
    "e\u{301}",
    "\u{301}",
    "Zoë",
    "Müller",
    "ΜΗΤΣΟΤΑΚΗΣ",
    "Μητσοτάκης",
    "Владимир Путин",
    "習近平",
    "マツモトケイジ",
    "नरेंद्र मोदी",
    "محمد بن سلمان",
    "\u{200f}",
    "\u{feff}",
    "İstanbul",
    "ß",
    "ǅ",
    "said",
    "she",
    "Twitter",
    "RICH",
    "Rich",
    "1996-08-22",
    "$1,000.50",
];

fn assemble(parts: &[usize], glue: &[bool]) -> String {
    let mut s = String::new();
    for (k, &p) in parts.iter().enumerate() {
        if k > 0 && glue.get(k).copied().unwrap_or(false) {
            s.push(' ');
        }
        s.push_str(PIECES[p % PIECES.len()]);
    }
    s
}

fn check(text: &str) -> Result<(), TestCaseError> {
    let chars: Vec<char> = text.chars().collect();
    for p in EXTRACTOR.extract(text) {
        prop_assert!(!p.name.trim().is_empty(), "empty name in {text:?}");
        prop_assert!(!p.mentions.is_empty());
        for m in &p.mentions {
            prop_assert!(m.start < m.end, "empty mention {m:?} in {text:?}");
            prop_assert!(
                m.end <= chars.len(),
                "mention {m:?} past the end of {text:?}"
            );
            let slice: String = chars[m.start..m.end].iter().collect();
            prop_assert_eq!(&slice, &m.text);
        }
    }
    for m in tag_mentions(&EXTRACTOR, text) {
        prop_assert!(m.start < m.end && m.end <= chars.len());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_unicode_never_panics_and_offsets_are_char_ranges(text in any::<String>()) {
        check(&text)?;
    }

    #[test]
    fn name_like_text_never_panics_and_offsets_are_char_ranges(
        parts in proptest::collection::vec(any::<usize>(), 0..60),
        glue in proptest::collection::vec(any::<bool>(), 0..60),
    ) {
        check(&assemble(&parts, &glue))?;
    }
}
