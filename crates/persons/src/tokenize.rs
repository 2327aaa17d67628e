//! Tokenizer and sentence splitter: turns raw text into Penn-Treebank-like tokens (the convention
//! of the CoNLL-2003 training data: `Starmer's` -> `Starmer` `'s`, punctuation split off, initials
//! and abbreviations keep their period) with byte and character offsets.

/// One token of the input text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    /// Byte range in the text.
    pub start: usize,
    pub end: usize,
    /// Character range in the text.
    pub cstart: usize,
    pub cend: usize,
}

impl Token {
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
}

/// A sentence: a range of token indices.
pub(crate) type Sentence = std::ops::Range<usize>;

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

/// Characters that split a chunk wherever they occur (dashes and slashes join words in news prose
/// without spaces, "Starmer–Macron"; credit lines glue a role to a name with an underscore,
/// "Director_Oh Kyeong Taek"; hyphen stays inside words).
fn is_splitter(c: char) -> bool {
    matches!(
        c,
        '\u{2013}'
            | '\u{2014}'
            | '\u{2015}'
            | '/'
            | '\u{2026}'
            | '|'
            | '\u{00B7}'
            | '_'
            | '\u{2022}'
    )
}

/// Punctuation that comes off the front of a chunk, one character per token.
fn is_leading_punct(c: char) -> bool {
    !c.is_alphanumeric() && c != '#' && c != '@'
}

/// Punctuation that comes off the end of a chunk, one character per token.
fn is_trailing_punct(c: char) -> bool {
    !c.is_alphanumeric() && c != '%'
}

/// Words that end in a period which belongs to them (not a sentence end). Lower case, no period.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "gen", "lt", "col", "sgt", "capt", "cpl", "maj",
    "adm", "gov", "sen", "rep", "prof", "rev", "hon", "messrs", "mme", "mlle", "inc", "corp", "co",
    "ltd", "bros", "no", "nos", "vs", "v", "etc", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "mt", "ft", "ave", "rd", "blvd", "dept", "univ", "est",
    "approx", "fig", "al", "cf", "e.g", "i.e", "a.m", "p.m",
];

/// True for `J`, `U.S`, `D.A`, `e.g` (the text before a final period): single letters joined by
/// periods, which are initials or acronyms.
fn is_initials(core: &str) -> bool {
    let mut letters = 0;
    let mut expect_letter = true;
    for c in core.chars() {
        if expect_letter {
            if !c.is_alphabetic() {
                return false;
            }
            letters += 1;
            expect_letter = false;
        } else if c == '.' {
            expect_letter = true;
        } else {
            return false;
        }
    }
    letters > 0 && !expect_letter
}

fn keeps_period(core: &str) -> bool {
    if core.is_empty() {
        return false;
    }
    if is_initials(core) {
        return true;
    }
    if core.len() > 6 {
        return false;
    }
    let lower = core.to_ascii_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
}

/// Clitics split from the end of a word (`'s`, `n't`, ...), lower case, apostrophe normalised.
const CLITICS: &[&str] = &["s", "re", "ve", "ll", "d", "m"];

fn is_clitic_tail(tail: &str) -> bool {
    tail.len() <= 2 && CLITICS.iter().any(|c| c.eq_ignore_ascii_case(tail))
}

/// A standalone chunk that is itself a clitic (`'s` in CoNLL's space-joined text) or a year
/// abbreviation (`'96`).
fn is_clitic_chunk(chunk: &str) -> bool {
    let mut chars = chunk.chars();
    match chars.next() {
        Some(c) if is_apostrophe(c) => {}
        _ => return false,
    }
    let rest = chars.as_str();
    !rest.is_empty()
        && (is_clitic_tail(rest)
            || rest.eq_ignore_ascii_case("t")
            || rest.chars().all(|c| c.is_ascii_digit()))
}

/// Splits `text` into tokens. Offsets are exact; no text is lost except whitespace.
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let mut raw: Vec<(usize, usize)> = Vec::with_capacity(text.len() / 5 + 1);
    let mut chunk_start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = chunk_start.take() {
                split_chunk(text, s, i, &mut raw);
            }
        } else if chunk_start.is_none() {
            chunk_start = Some(i);
        }
    }
    if let Some(s) = chunk_start {
        split_chunk(text, s, text.len(), &mut raw);
    }
    // Character offsets, computed in one forward pass.
    let mut out = Vec::with_capacity(raw.len());
    let (mut byte, mut chars) = (0usize, 0usize);
    let ascii = text.is_ascii();
    for (s, e) in raw {
        let count = |a: usize, b: usize| {
            if ascii {
                b - a
            } else {
                text[a..b].chars().count()
            }
        };
        chars += count(byte, s);
        let cstart = chars;
        chars += count(s, e);
        byte = e;
        out.push(Token {
            start: s,
            end: e,
            cstart,
            cend: chars,
        });
    }
    out
}

/// Where a chunk glues a list number or a footnote mark to a word with a period: "3.Charlotte"
/// (cut after the period) and "Shor.3" (cut before it). Digits on one side, at most three, and a
/// word of letters on the other.
fn glued_number_cut(chunk: &str) -> Option<usize> {
    let dot = chunk.find('.')?;
    let (left, right) = (&chunk[..dot], &chunk[dot + 1..]);
    let digits = |x: &str| (1..=3).contains(&x.len()) && x.bytes().all(|b| b.is_ascii_digit());
    let starts_word = |x: &str| {
        let mut c = x.chars();
        c.next().is_some_and(char::is_uppercase) && c.next().is_some_and(char::is_lowercase)
    };
    if digits(left) && starts_word(right) {
        return Some(dot + 1);
    }
    let letters = left.chars().count() >= 2
        && left.chars().all(char::is_alphabetic)
        && left.chars().last().is_some_and(char::is_lowercase);
    let footnote = right
        .find(|c: char| !c.is_ascii_digit())
        .map_or(right, |k| &right[..k]);
    let after = &right[footnote.len()..];
    if letters && digits(footnote) && !after.starts_with(|c: char| c.is_alphanumeric()) {
        return Some(dot);
    }
    None
}

/// Splits one whitespace-free chunk `text[s..e]` into tokens, pushing byte ranges.
fn split_chunk(text: &str, s: usize, e: usize, out: &mut Vec<(usize, usize)>) {
    if let Some(cut) = glued_number_cut(&text[s..e]) {
        split_chunk(text, s, s + cut, out);
        split_chunk(text, s + cut, e, out);
        return;
    }
    // First cut at characters that always separate words.
    let chunk = &text[s..e];
    if chunk.contains(is_splitter) {
        let mut piece = s;
        for (i, c) in chunk.char_indices() {
            if is_splitter(c) {
                if piece < s + i {
                    split_piece(text, piece, s + i, out);
                }
                // An underscore joins words the way a space does ("Director_Oh Kyeong Taek",
                // "snake_case"): it separates them and is no token itself.
                if c != '_' {
                    out.push((s + i, s + i + c.len_utf8()));
                }
                piece = s + i + c.len_utf8();
            }
        }
        if piece < e {
            split_piece(text, piece, e, out);
        }
    } else {
        split_piece(text, s, e, out);
    }
}

fn split_piece(text: &str, mut s: usize, mut e: usize, out: &mut Vec<(usize, usize)>) {
    if is_clitic_chunk(&text[s..e]) {
        out.push((s, e));
        return;
    }
    // Leading punctuation, one token per character.
    while s < e {
        let c = text[s..e].chars().next().unwrap_or(' ');
        if !is_leading_punct(c) || (is_apostrophe(c) && is_clitic_chunk(&text[s..e])) {
            break;
        }
        out.push((s, s + c.len_utf8()));
        s += c.len_utf8();
    }
    // Trailing punctuation, collected in reverse; a final period stays on abbreviations.
    let mut tail: Vec<(usize, usize)> = Vec::new();
    while s < e {
        let c = text[s..e].chars().next_back().unwrap_or(' ');
        if !is_trailing_punct(c) {
            break;
        }
        let cs = e - c.len_utf8();
        if c == '.' && keeps_period(&text[s..cs]) {
            break;
        }
        tail.push((cs, e));
        e = cs;
    }
    if s < e {
        split_clitics(text, s, e, out);
    }
    out.extend(tail.into_iter().rev());
}

/// Splits `'s`, `'re`, `n't`, ... off the end of a word, and a bare trailing apostrophe
/// (`Jones'`), which the trailing-punctuation pass already handled.
fn split_clitics(text: &str, s: usize, e: usize, out: &mut Vec<(usize, usize)>) {
    let word = &text[s..e];
    if let Some((pos, c)) = word.char_indices().rev().find(|&(_, c)| is_apostrophe(c)) {
        let tail = &word[pos + c.len_utf8()..];
        if pos > 0 && is_clitic_tail(tail) {
            out.push((s, s + pos));
            out.push((s + pos, e));
            return;
        }
        if tail.eq_ignore_ascii_case("t") && pos > 1 && word[..pos].ends_with(['n', 'N']) {
            out.push((s, s + pos - 1));
            out.push((s + pos - 1, e));
            return;
        }
    }
    out.push((s, e));
}

/// Tokens that end a sentence when followed by a capitalised word or an opening quote.
fn is_sentence_end(tok: &str) -> bool {
    matches!(tok, "." | "!" | "?" | "\u{2026}" | "...")
}

fn is_closing(tok: &str) -> bool {
    matches!(
        tok,
        "\"" | "'" | ")" | "]" | "\u{201D}" | "\u{2019}" | "\u{00BB}"
    )
}

/// Groups tokens into sentences: a line break always ends one, and so does `.`, `!` or `?`
/// (plus any closing quotes) before a word that starts with an upper-case letter, a digit or a
/// quote.
pub(crate) fn sentences(text: &str, tokens: &[Token]) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..tokens.len() {
        let gap = &text[tokens[i - 1].end..tokens[i].start];
        let boundary = if gap.contains('\n') {
            true
        } else if gap.is_empty() {
            false
        } else {
            // Walk back over closing quotes to the punctuation.
            let mut j = i - 1;
            while j > start && is_closing(tokens[j].text(text)) {
                j -= 1;
            }
            is_sentence_end(tokens[j].text(text)) && {
                let next = tokens[i].text(text).chars().next().unwrap_or(' ');
                next.is_uppercase() || next.is_ascii_digit() || !next.is_alphanumeric()
            }
        };
        if boundary {
            out.push(start..i);
            start = i;
        }
    }
    if start < tokens.len() {
        out.push(start..tokens.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<&str> {
        tokenize(text).iter().map(|t| t.text(text)).collect()
    }

    #[test]
    fn splits_possessives_and_punctuation() {
        assert_eq!(
            toks("Ukraine’s Zelensky said: “robust” plans (again)."),
            vec![
                "Ukraine", "’s", "Zelensky", "said", ":", "“", "robust", "”", "plans", "(",
                "again", ")", "."
            ]
        );
        assert_eq!(toks("Starmer's"), vec!["Starmer", "'s"]);
        assert_eq!(toks("Starmer 's"), vec!["Starmer", "'s"]);
        assert_eq!(toks("don't"), vec!["do", "n't"]);
        assert_eq!(
            toks("the Joneses' house"),
            vec!["the", "Joneses", "'", "house"]
        );
    }

    #[test]
    fn keeps_names_initials_and_numbers_whole() {
        assert_eq!(
            toks(
                "O'Neill and Jean-Pierre met J. R. Smith in the U.S. on 1996-08-22 for $1,000.50."
            ),
            vec![
                "O'Neill",
                "and",
                "Jean-Pierre",
                "met",
                "J.",
                "R.",
                "Smith",
                "in",
                "the",
                "U.S.",
                "on",
                "1996-08-22",
                "for",
                "$",
                "1,000.50",
                "."
            ]
        );
        assert_eq!(
            toks("Mr. Smith, Dr Who."),
            vec!["Mr.", "Smith", ",", "Dr", "Who", "."]
        );
        assert_eq!(
            toks("Starmer–Macron talks"),
            vec!["Starmer", "–", "Macron", "talks"]
        );
    }

    /// Regression: credit lines glue a role to a name with an underscore ("Director_Oh Kyeong
    /// Taek"), and the role came out as part of the name.
    #[test]
    fn splits_credit_line_underscores_and_bullets() {
        assert_eq!(
            toks("Director_Oh Kyeong Taek"),
            vec!["Director", "Oh", "Kyeong", "Taek"]
        );
        assert_eq!(toks("•Nic Batum"), vec!["•", "Nic", "Batum"]);
        assert_eq!(toks("@mattbevin #Obama"), vec!["@mattbevin", "#Obama"]);
    }

    /// Regression: a list number or footnote mark glued to a name by a period ("3.Charlotte
    /// Jones", "Boris Shor.3") made one token of both, and the name was lost.
    #[test]
    fn splits_list_numbers_and_footnote_marks_off_names() {
        assert_eq!(
            toks("3.Charlotte Jones"),
            vec!["3", ".", "Charlotte", "Jones"]
        );
        assert_eq!(
            toks("Boris Shor.3 And"),
            vec!["Boris", "Shor", ".", "3", "And"]
        );
        assert_eq!(toks("Shor.12,"), vec!["Shor", ".", "12", ","]);
        // Versions, decimals, domains and initials stay whole.
        assert_eq!(
            toks("v1.2 3.5 iOS.app J.R."),
            vec!["v1.2", "3.5", "iOS.app", "J.R."]
        );
        assert_eq!(toks("1234.Anna"), vec!["1234.Anna"]);
    }

    #[test]
    fn offsets_are_characters() {
        let text = "Zoë Müller’s day";
        let t = tokenize(text);
        let spans: Vec<(usize, usize)> = t.iter().map(|t| (t.cstart, t.cend)).collect();
        assert_eq!(spans, vec![(0, 3), (4, 10), (10, 12), (13, 16)]);
    }

    #[test]
    fn splits_sentences() {
        let text = "Mr. Smith went home. He said \"yes.\" Then\nNew line. e.g. this";
        let t = tokenize(text);
        let s: Vec<Vec<&str>> = sentences(text, &t)
            .into_iter()
            .map(|r| t[r].iter().map(|x| x.text(text)).collect())
            .collect();
        assert_eq!(
            s,
            vec![
                vec!["Mr.", "Smith", "went", "home", "."],
                vec!["He", "said", "\"", "yes", ".", "\""],
                vec!["Then"],
                vec!["New", "line", ".", "e.g.", "this"],
            ]
        );
    }

    #[test]
    fn never_panics_on_odd_input() {
        for text in [
            "",
            " ",
            "'",
            "’s",
            "...",
            "—",
            "a'",
            "'t",
            "n't",
            "x.y.",
            "é.",
            "\u{0301}.",
        ] {
            let t = tokenize(text);
            let _ = sentences(text, &t);
        }
    }
}
