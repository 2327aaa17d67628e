//! Two shapes of short meta lines matched by code instead of by regular expressions: a line
//! that is only a byline ("By Jane Doe and John Roe", "VON Sina Giebel") and the date and
//! time words of a time stamp ("Updated: 12 March 2024, 08:30 GMT").
//!
//! Why by code: the two patterns took 3 and 1.5 ms to compile (their Unicode letter classes,
//! repeated, and a hundred case-insensitive words), and most pages have a line that calls
//! for them, so they were the largest part of a one-page `newsdex clean` process's start-up
//! (issue 15). The matchers here answer exactly what the patterns did: the tests keep the
//! patterns and compare both on generated lines in several scripts, and compare the
//! character classes and case folding used here with the regex engine's for every character.

use std::sync::OnceLock;

/// The words of a time stamp, in the order the pattern tried them: at each place the first
/// that is followed by the end of the line or by a character that is neither a letter nor a
/// number wins (an optional "." after it goes too). Longer spellings of a word come first
/// where the pattern's optional endings were greedy ("january", "januar", "jan").
const DATE_WORDS: &[&str] = &[
    "published",
    "updated",
    "posted",
    "last updated",
    "modified",
    "on",
    "at",
    "aktualisiert",
    "veröffentlicht",
    "erstellt",
    "zuletzt",
    "stand",
    "am",
    "um",
    "uhr",
    "publié",
    "mis à jour",
    "le",
    "à",
    "publicado",
    "actualizado",
    "el",
    "a las",
    "opublikowano",
    "aktualizacja",
    "dnia",
    "godz",
    "january",
    "januar",
    "jan",
    "february",
    "februar",
    "feb",
    "march",
    "mar",
    "märz",
    "april",
    "apr",
    "may",
    "mai",
    "june",
    "juni",
    "jun",
    "july",
    "juli",
    "jul",
    "august",
    "aug",
    "sept",
    "september",
    "sep",
    "october",
    "oct",
    "oktober",
    "okt",
    "november",
    "nov",
    "december",
    "dec",
    "dezember",
    "dez",
    "janvier",
    "février",
    "mars",
    "avril",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
    "monday",
    "mon",
    "tuesday",
    "tue",
    "wednesday",
    "wed",
    "thursday",
    "thu",
    "friday",
    "fri",
    "saturday",
    "sat",
    "sunday",
    "sun",
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonntag",
    "pm",
    "a.m.",
    "p.m.",
    "gmt",
    "utc",
    "cet",
    "cest",
    "bst",
    "est",
    "edt",
    "pst",
    "pdt",
    "mez",
    "mesz",
    "h",
];

/// The words that open a byline line, in any case.
const BYLINE_LEADS: &[&str] = &[
    "by",
    "von",
    "par",
    "por",
    "di",
    "door",
    "av",
    "autor",
    "autorin",
    "author",
    "written by",
    "text",
    "tekst",
    "reporting by",
];

/// Characters left of a time stamp once its words are gone, besides white space: digits and
/// the punctuation of dates and times.
const DATE_PUNCTUATION: &str = ".,:/-–|()";

/// Sorted, non-overlapping ranges of characters.
type Ranges = Vec<(char, char)>;

/// The Unicode classes the matchers use, as the regex engine defines them: read from
/// `regex-syntax` (about 60 µs) rather than compiled into automata.
struct Classes {
    /// `\p{Lu}`: a capital that starts a name.
    upper: Ranges,
    /// `[\p{L}.'’-]`: the rest of a name.
    name: Ranges,
    /// `[\p{L}\p{N}]`: what may not follow a date word.
    letter_or_number: Ranges,
    /// `\s`.
    space: Ranges,
}

fn class(pattern: &str) -> Ranges {
    use regex_syntax::hir::{Class, HirKind};
    // The patterns are constants of this module; a test reads every one of them.
    let hir = regex_syntax::Parser::new()
        .parse(pattern)
        .unwrap_or_else(|e| panic!("invalid built-in class {pattern}: {e}"));
    match hir.kind() {
        HirKind::Class(Class::Unicode(class)) => class
            .ranges()
            .iter()
            .map(|r| (r.start(), r.end()))
            .collect(),
        _ => panic!("built-in class {pattern} is not a Unicode class"),
    }
}

fn classes() -> &'static Classes {
    static CLASSES: OnceLock<Classes> = OnceLock::new();
    CLASSES.get_or_init(|| Classes {
        upper: class(r"\p{Lu}"),
        name: class(r"[\p{L}.'’-]"),
        letter_or_number: class(r"[\p{L}\p{N}]"),
        space: class(r"\s"),
    })
}

fn holds(ranges: &Ranges, c: char) -> bool {
    let at = ranges.partition_point(|&(_, end)| end < c);
    ranges.get(at).is_some_and(|&(start, _)| start <= c)
}

/// Whether `c` in a line matches `word_char` of a pattern's case-insensitive literal
/// (written in lower case): simple case folding, as the regex engine does it (the long s
/// matches an s, the Kelvin sign a k).
fn folds_to(c: char, word_char: char) -> bool {
    folded(c).contains(&word_char)
}

/// The lower-case word characters `c` matches: itself, and its lower case when that is one
/// character (an s for the long s, which is lower case already).
fn folded(c: char) -> [char; 2] {
    if c == 'ſ' {
        return [c, 's'];
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(one), None) => [c, one],
        _ => [c, c],
    }
}

/// The end of `word` at the start of `text`, matched case-insensitively.
fn strip_folded(text: &str, word: &str) -> Option<usize> {
    let mut chars = text.char_indices();
    for word_char in word.chars() {
        let (_, c) = chars.next()?;
        if !folds_to(c, word_char) {
            return None;
        }
    }
    Some(chars.next().map_or(text.len(), |(at, _)| at))
}

/// Whether the line is only a byline: `^\s*(?i:by|von|...)\s*:?\s+` then names, each one to
/// four words that start with a capital (`\p{Lu}[\p{L}.'’-]*`), joined by "," "and" "und"
/// "&" "et" "y" "i" or "e", then only white space.
pub(crate) fn is_byline(text: &str) -> bool {
    let classes = classes();
    let is_space = |c: char| holds(&classes.space, c);
    let start = text.len() - text.trim_start_matches(is_space).len();
    let rest = &text[start..];
    BYLINE_LEADS
        .iter()
        .any(|lead| strip_folded(rest, lead).is_some_and(|end| names_follow(classes, &rest[end..])))
}

/// The states of the byline matcher after a lead word, as bits: the pattern's automaton,
/// followed by hand over the few states it has.
mod state {
    /// Right after the lead word.
    pub(super) const LEAD: u32 = 1 << 0;
    /// White space after it, no colon.
    pub(super) const LEAD_SPACE: u32 = 1 << 1;
    /// A colon after it (and maybe white space before).
    pub(super) const COLON: u32 = 1 << 2;
    /// White space after the colon.
    pub(super) const COLON_SPACE: u32 = 1 << 3;
    /// In the `k`-th word of a name (k = 1..=4): `IN_WORD << (k - 1)`.
    pub(super) const IN_WORD: u32 = 1 << 4;
    /// White space after the `k`-th word of a name: `AFTER_WORD << (k - 1)`.
    pub(super) const AFTER_WORD: u32 = 1 << 8;
    /// The "a" of "and" or the "u" of "und".
    pub(super) const A_OR_U: u32 = 1 << 12;
    /// Their "an" or "un".
    pub(super) const N: u32 = 1 << 13;
    /// The "e" of "et".
    pub(super) const E: u32 = 1 << 14;
    /// A joining word or sign has been read (and maybe white space after it).
    pub(super) const JOINED: u32 = 1 << 15;
    /// Every word state and every after-word state: where a line may end.
    pub(super) const ENDS: u32 = 0xff << 4;
    /// How many words a name may have.
    pub(super) const WORDS: u32 = 4;
}

/// Whether `text` (what follows a byline's lead word) is `\s*:?\s+` then names and white
/// space, as [`is_byline`] says.
fn names_follow(classes: &Classes, text: &str) -> bool {
    use state::*;
    let mut states = LEAD;
    for c in text.chars() {
        let space = holds(&classes.space, c);
        let upper = holds(&classes.upper, c);
        let name = holds(&classes.name, c);
        // A joining word or sign may start after a word, with or without white space.
        let join = || match c {
            ',' | '&' | 'y' | 'i' => JOINED,
            'e' => JOINED | E,
            'a' | 'u' => A_OR_U,
            _ => 0,
        };
        let mut next = 0;
        if states & (LEAD | LEAD_SPACE) != 0 {
            if space {
                next |= LEAD_SPACE;
            }
            if c == ':' {
                next |= COLON;
            }
        }
        if states & (COLON | COLON_SPACE) != 0 && space {
            next |= COLON_SPACE;
        }
        if states & (LEAD_SPACE | COLON_SPACE | JOINED) != 0 && upper {
            next |= IN_WORD;
        }
        if states & JOINED != 0 && space {
            next |= JOINED;
        }
        for word in 0..WORDS {
            if states & (IN_WORD << word) != 0 {
                if name {
                    next |= IN_WORD << word;
                }
                if space {
                    next |= AFTER_WORD << word;
                }
                next |= join();
            }
            if states & (AFTER_WORD << word) != 0 {
                if space {
                    next |= AFTER_WORD << word;
                }
                if upper && word + 1 < WORDS {
                    next |= IN_WORD << (word + 1);
                }
                next |= join();
            }
        }
        if states & A_OR_U != 0 && c == 'n' {
            next |= N;
        }
        if (states & N != 0 && c == 'd') || (states & E != 0 && c == 't') {
            next |= JOINED;
        }
        states = next;
        if states == 0 {
            return false;
        }
    }
    states & ENDS != 0
}

/// Whether every word of `text` is a date or time word, a number or punctuation, with at
/// least one digit: the date words are taken out as the pattern's `replace_all` did, and
/// what is left may hold only white space, digits and [`DATE_PUNCTUATION`].
pub(crate) fn is_date_line(text: &str) -> bool {
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return false;
    }
    let classes = classes();
    let mut at = 0;
    while let Some(c) = text[at..].chars().next() {
        if let Some(end) = date_word_at(classes, text, at) {
            at = end;
            continue;
        }
        if !c.is_whitespace() && !c.is_ascii_digit() && !DATE_PUNCTUATION.contains(c) {
            return false;
        }
        at += c.len_utf8();
    }
    true
}

/// The end of the date word that starts at `at`, with what the pattern took after it: an
/// ASCII word boundary before it (`(?-u:\b)`), then the first word that is followed by the
/// end or by a character that is neither a letter nor a number (taken too), then an
/// optional ".".
fn date_word_at(classes: &Classes, text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let word_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let before = at.checked_sub(1).is_some_and(|i| word_byte(bytes[i]));
    if before == word_byte(bytes[at]) {
        return None;
    }
    let rest = &text[at..];
    // Most words cannot start here: their first letter rules them out before any other.
    let first = folded(rest.chars().next()?);
    DATE_WORDS.iter().find_map(|word| {
        if !word.chars().next().is_some_and(|w| first.contains(&w)) {
            return None;
        }
        let end = strip_folded(rest, word)?;
        let Some(next) = rest[end..].chars().next() else {
            return Some(at + end);
        };
        if holds(&classes.letter_or_number, next) {
            return None;
        }
        let end = end + next.len_utf8();
        Some(at + end + usize::from(rest[end..].starts_with('.')))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use regex::Regex;
    use std::sync::LazyLock;

    /// The byline pattern these matchers replace.
    static BYLINE_PATTERN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\s*(?i:by|von|par|por|di|door|av|autor|autorin|author|written by|text|tekst|reporting by)\s*:?\s+\p{Lu}[\p{L}.'’-]*(?:\s+\p{Lu}[\p{L}.'’-]*){0,3}(?:\s*(?:,|and|und|&|et|y|i|e)\s*\p{Lu}[\p{L}.'’-]*(?:\s+\p{Lu}[\p{L}.'’-]*){0,3})*\s*$").unwrap()
    });

    /// The date-word pattern these matchers replace.
    static DATE_PATTERN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(?-u:\b)(?:published|updated|posted|last updated|modified|on|at|aktualisiert|veröffentlicht|erstellt|zuletzt|stand|am|um|uhr|publié|mis à jour|le|à|publicado|actualizado|el|a las|opublikowano|aktualizacja|dnia|godz|jan(?:uary|uar)?|feb(?:ruary|ruar)?|mar(?:ch)?|märz|apr(?:il)?|may|mai|jun(?:e|i)?|jul(?:y|i)?|aug(?:ust)?|sep(?:t|tember)?|oct(?:ober)?|okt(?:ober)?|nov(?:ember)?|dec(?:ember)?|dez(?:ember)?|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września|października|listopada|grudnia|mon(?:day)?|tue(?:sday)?|wed(?:nesday)?|thu(?:rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|pm|a\.m\.|p\.m\.|gmt|utc|cet|cest|bst|est|edt|pst|pdt|mez|mesz|h)(?:$|[^\p{L}\p{N}])\.?").unwrap()
    });

    /// What the pattern-based time-stamp check answered.
    fn date_line_by_pattern(text: &str) -> bool {
        text.bytes().any(|b| b.is_ascii_digit())
            && DATE_PATTERN
                .replace_all(text, " ")
                .split_whitespace()
                .all(|w| {
                    w.chars()
                        .all(|c| c.is_ascii_digit() || DATE_PUNCTUATION.contains(c))
                })
    }

    /// The word list is the pattern's alternatives in the order it tried them: joined back
    /// into an alternation, it finds the same matches as the pattern on lines of every word.
    #[test]
    fn date_words_are_the_patterns_alternatives_in_order() {
        let escaped: Vec<String> = DATE_WORDS.iter().map(|w| regex::escape(w)).collect();
        let listed = Regex::new(&format!(
            r"(?i)(?-u:\b)(?:{})(?:$|[^\p{{L}}\p{{N}}])\.?",
            escaped.join("|")
        ))
        .unwrap();
        for word in DATE_WORDS {
            for line in [
                format!("{word} 5"),
                format!("{word}. 5"),
                format!("{word}ber 5"),
                format!("x{word}"),
                word.to_uppercase(),
            ] {
                let found = |re: &Regex| -> Vec<(usize, usize)> {
                    re.find_iter(&line).map(|m| (m.start(), m.end())).collect()
                };
                assert_eq!(found(&listed), found(&DATE_PATTERN), "{line:?}");
            }
        }
    }

    /// The classes read from `regex-syntax` are the ones the patterns used, and the case
    /// folding here is the regex engine's, for every character and every letter of the
    /// words.
    #[test]
    fn classes_and_case_folding_agree_with_the_regex_engine_everywhere() {
        let classes = classes();
        let upper = Regex::new(r"^\p{Lu}$").unwrap();
        let name = Regex::new(r"^[\p{L}.'’-]$").unwrap();
        let letter_or_number = Regex::new(r"^[\p{L}\p{N}]$").unwrap();
        let space = Regex::new(r"^\s$").unwrap();
        let mut word_chars: Vec<char> = DATE_WORDS
            .iter()
            .chain(BYLINE_LEADS)
            .flat_map(|w| w.chars())
            .collect();
        word_chars.sort_unstable();
        word_chars.dedup();
        let folds: Vec<(char, Regex)> = word_chars
            .iter()
            .map(|&w| {
                let escaped = regex::escape(&w.to_string());
                (w, Regex::new(&format!("^(?i:{escaped})$")).unwrap())
            })
            .collect();
        let mut buffer = [0u8; 4];
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let one: &str = c.encode_utf8(&mut buffer);
            assert_eq!(holds(&classes.upper, c), upper.is_match(one), "{c:?}");
            assert_eq!(holds(&classes.name, c), name.is_match(one), "{c:?}");
            assert_eq!(
                holds(&classes.letter_or_number, c),
                letter_or_number.is_match(one),
                "{c:?}"
            );
            assert_eq!(holds(&classes.space, c), space.is_match(one), "{c:?}");
            for (w, fold) in &folds {
                assert_eq!(folds_to(c, *w), fold.is_match(one), "{c:?} as {w:?}");
            }
        }
    }

    #[test]
    fn bylines_in_several_languages() {
        for line in [
            "By Jane Doe",
            "BY JANE DOE and JOHN ROE",
            "Von Sina Giebel",
            "  by: Jane Doe, John Roe & Ann Lee ",
            "Par Étienne Dupont et Zoé Martin",
            "Autorin: Ängela Müller-Lüdenscheidt",
            "Tekst: Łukasz Żak i Ewa Ćwik",
            "Por María José y Ana",
            "Reporting by Pavel Polityuk",
            "By Jane O’Neil",
            "Por Ana e Rui",
            "By Anne Marie Louise Smith",
            "by\u{a0}Jane Doe",
        ] {
            assert!(is_byline(line), "{line:?}");
            assert!(BYLINE_PATTERN.is_match(line), "{line:?}");
        }
        for line in [
            "By the time we arrived",
            "by:Jane Doe",
            "By Jane Doe said",
            "By Bob Tom Jon Rob Kim",
            "Byline Jane",
            "Von",
            "",
            "Par 中文",
            // The lead words are Latin: the Cyrillic "Автор" is not one.
            "Автор: Иван Петров",
        ] {
            assert!(!is_byline(line), "{line:?}");
            assert!(!BYLINE_PATTERN.is_match(line), "{line:?}");
        }
    }

    #[test]
    fn time_stamps_in_several_languages() {
        for line in [
            "Published: 12 March 2024, 08:30 GMT",
            "Aktualisiert am 12.12.2022, 08:30 Uhr",
            "Publié le 3 août 2023 à 10h05",
            "Actualizado el 5 de ... 2021",
            "opublikowano: 5 października 2021, godz. 10:00",
            "Sept. 5, 2024 3:30 p.m. EDT",
            "MON 12 JAN 2024",
            "2021-10-16",
        ] {
            assert_eq!(is_date_line(line), date_line_by_pattern(line), "{line:?}");
        }
        assert!(is_date_line("Published: 12 March 2024, 08:30 GMT"));
        assert!(!is_date_line("Published in March"));
        assert!(!is_date_line("Москва, 12 марта 2024"));
        assert!(!is_date_line("12 monkeys"));
    }

    /// Pieces of byline lines: leads in other cases (the Kelvin sign and long s among them),
    /// white space of several kinds, colons, names in several scripts, joining words and
    /// signs, lower-case words, digits.
    fn byline_piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "by",
            "BY",
            "By",
            "von",
            "VON",
            "par",
            "por",
            "di",
            "door",
            "av",
            "autor",
            "Autorin",
            "author",
            "written by",
            "Text",
            "tekst",
            "TE\u{212A}ST",
            "te\u{17F}t",
            "reporting by",
            " ",
            "  ",
            "\t",
            "\u{a0}",
            "\u{2009}",
            ":",
            ": ",
            "Jane",
            "DOE",
            "O’Neil",
            "Müller-Lü",
            "J.",
            "Łukasz",
            "Żak",
            "Иван",
            "ПЕТРОВ",
            "Ωmega",
            "中文",
            "ǅemal",
            "Ⓐb",
            "Ⅻ",
            "and",
            "und",
            "&",
            "et",
            "e",
            "y",
            "i",
            ",",
            "an",
            "un",
            "AND",
            "the",
            "said",
            "x",
            "5",
            "-",
            ".",
            "'",
            "’",
        ])
    }

    /// Pieces of time-stamp lines: date words in other cases, parts of them, digits,
    /// punctuation, white space, letters of several scripts, and what makes a word boundary.
    fn date_piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "published",
            "Updated",
            "LAST UPDATED",
            "on",
            "at",
            "am",
            "um",
            "Uhr",
            "publié",
            "PUBLIÉ",
            "mis à jour",
            "le",
            "à",
            "À",
            "a las",
            "godz",
            "jan",
            "January",
            "januar",
            "mar",
            "märz",
            "MÄRZ",
            "sept",
            "september",
            "Sep",
            "mon",
            "monday",
            "a.m.",
            "p.m.",
            "pm",
            "gmt",
            "h",
            "kwietnia",
            "\u{212A}wietnia",
            "ſept",
            "września",
            "PAŹDZIERNIKA",
            "ber",
            "x",
            "_",
            "é",
            "中",
            "д",
            "12",
            "5",
            "2024",
            "08:30",
            ".",
            ",",
            ":",
            "/",
            "-",
            "–",
            "|",
            "(",
            ")",
            " ",
            "  ",
            "\u{a0}",
            "\t",
            "!",
            "٣",
        ])
    }

    /// Byline-shaped lines: a lead, what may follow it, then names of one to six words
    /// joined in every way, then maybe white space or a stray word.
    fn byline_shaped() -> impl Strategy<Value = String> {
        let lead = prop::sample::select(vec!["By", "von", "PAR", "tekst", "written by", "Di"]);
        let after = prop::sample::select(vec![" ", ": ", " : ", ":", "  ", "\u{a0}", ""]);
        let word = prop::sample::select(vec![
            "Jane", "Bob", "Łukasz", "Иван", "Ωmega", "ǅemal", "Ⅻ", "doe", "O’Neil", "J.", "Tom",
        ]);
        let gap = prop::sample::select(vec![
            " ", "  ", "", " and ", "and", " und ", ", ", ",", " & ", " et ", " e ", "e", " y ",
            " i ", "\t", " said ",
        ]);
        let end = prop::sample::select(vec!["", " ", "\t", " x", "."]);
        (
            lead,
            after,
            prop::collection::vec((word.clone(), gap), 1..7),
            word,
            end,
        )
            .prop_map(|(lead, after, words, last, end)| {
                let mut line = format!("{lead}{after}");
                for (word, gap) in words {
                    line.push_str(word);
                    line.push_str(gap);
                }
                line.push_str(last);
                line.push_str(end);
                line
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

        #[test]
        fn byline_shaped_lines_are_answered_as_the_pattern(line in byline_shaped()) {
            prop_assert_eq!(is_byline(&line), BYLINE_PATTERN.is_match(&line), "{:?}", line);
        }

        #[test]
        fn byline_matcher_answers_as_the_pattern(
            pieces in prop::collection::vec(byline_piece(), 0..12),
        ) {
            let line: String = pieces.concat();
            prop_assert_eq!(is_byline(&line), BYLINE_PATTERN.is_match(&line), "{:?}", line);
        }

        #[test]
        fn date_line_matcher_answers_as_the_pattern(
            pieces in prop::collection::vec(date_piece(), 0..12),
        ) {
            let line: String = pieces.concat();
            prop_assert_eq!(is_date_line(&line), date_line_by_pattern(&line), "{:?}", line);
        }
    }
}
