//! Words and their folded form, for every script: what makes case and accents never matter,
//! in titles and bodies, authors, persons and sites, and in queries alike (both sides go
//! through the analyzers of [`crate::schema`], which are built from these two pieces).
//!
//! [`WordTokenizer`] cuts text into words: runs of letters and digits that also keep the
//! combining marks inside them (a Hindi vowel sign, an accent typed as a separate character,
//! a soft hyphen or a zero-width joiner used inside Persian words), so a word is never split
//! at its accents. Chinese characters and Japanese hiragana are words of one character each,
//! as these scripts put no spaces between words; a query of several is then a phrase.
//!
//! [`Fold`] lower-cases and removes accents the way Unicode defines them rather than by a
//! table of Latin letters: compatibility decomposition (NFKD: `ﬁ` is `fi`, `Ｉ` is `I`, `é`
//! is `e` and an accent), then the accents, Hebrew points and Arabic vowel marks are dropped,
//! then lower case, with the two letters whose lower case depends on context made one (`ß`
//! and `ss`, final `ς` and `σ`). So `İstanbul` (a capital I with a dot above, whose lower case
//! is `i` and a combining dot) is `istanbul`, `ΑΘΉΝΑ` is `αθηνα`, and `Ёлка` is `елка`. Like
//! Lucene's ICU folding it also makes `й` `и`; that is what people who type without the
//! marks expect. Marks that make a different letter in other scripts (Devanagari vowel
//! signs, kana voicing marks) are kept.

use std::mem;
use std::str::CharIndices;

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Words of this many characters or more are not indexed (a run of letters that long is a
/// URL fragment, a hash or a token of base64, not a word). tantivy's `RemoveLongFilter`
/// counted bytes, which dropped ordinary Hindi and Russian words of 14 and 20 letters.
pub const MAX_WORD_CHARS: usize = 40;

/// How a character takes part in a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A letter or digit: starts or continues a word.
    Letter,
    /// A character that is a word by itself (Chinese characters, hiragana).
    Single,
    /// Continues a word, never starts one: combining marks and invisible joiners.
    Joiner,
    Separator,
}

fn kind(c: char) -> Kind {
    if c.is_ascii() {
        return if c.is_ascii_alphanumeric() {
            Kind::Letter
        } else {
            Kind::Separator
        };
    }
    if is_single(c) {
        Kind::Single
    } else if c.is_alphanumeric() {
        Kind::Letter
    } else if is_combining_mark(c) || matches!(c, '\u{ad}' | '\u{200c}' | '\u{200d}') {
        Kind::Joiner
    } else {
        Kind::Separator
    }
}

/// Chinese characters (the unified ideographs and their extensions, the compatibility
/// ideographs, `々` and `〇`) and hiragana.
fn is_single(c: char) -> bool {
    matches!(c,
        '\u{3005}' | '\u{3007}'
        | '\u{3040}'..='\u{309f}'
        | '\u{3400}'..='\u{4dbf}'
        | '\u{4e00}'..='\u{9fff}'
        | '\u{f900}'..='\u{faff}'
        | '\u{20000}'..='\u{2fa1f}'
        | '\u{30000}'..='\u{323af}')
}

/// Marks that [`Fold`] removes: accents and other diacritics, Hebrew points and cantillation,
/// Arabic vowel and Quranic marks and the tatweel (a stretching stroke), and the invisible
/// soft hyphen and joiners.
fn is_ignored(c: char) -> bool {
    matches!(c,
        '\u{300}'..='\u{36f}'
        | '\u{1ab0}'..='\u{1aff}'
        | '\u{1dc0}'..='\u{1dff}'
        | '\u{20d0}'..='\u{20ff}'
        | '\u{fe20}'..='\u{fe2f}'
        | '\u{591}'..='\u{5bd}'
        | '\u{5bf}'
        | '\u{5c1}'..='\u{5c2}'
        | '\u{5c4}'..='\u{5c5}'
        | '\u{5c7}'
        | '\u{610}'..='\u{61a}'
        | '\u{640}'
        | '\u{64b}'..='\u{65f}'
        | '\u{670}'
        | '\u{6d6}'..='\u{6dc}'
        | '\u{6df}'..='\u{6e4}'
        | '\u{6e7}'..='\u{6e8}'
        | '\u{6ea}'..='\u{6ed}'
        | '\u{ad}'
        | '\u{200c}'
        | '\u{200d}')
}

/// `text` folded into `out` (cleared first): see the module docs.
pub fn fold_into(text: &str, out: &mut String) {
    out.clear();
    if text.is_ascii() {
        out.push_str(text);
        out.make_ascii_lowercase();
        return;
    }
    for c in text.nfkd() {
        if is_ignored(c) {
            continue;
        }
        for lower in c.to_lowercase() {
            match lower {
                'ς' => out.push('σ'),
                'ß' => out.push_str("ss"),
                lower => out.push(lower),
            }
        }
    }
    // What decomposition split and nothing removed (Korean syllables, voiced kana) is put
    // back together, as it is typed.
    if unicode_normalization::is_nfc_quick(out.chars()) != unicode_normalization::IsNormalized::Yes
    {
        *out = out.nfc().collect();
    }
}

/// Splits text into words; see the module docs.
#[derive(Clone, Default)]
pub struct WordTokenizer {
    token: Token,
}

pub struct WordStream<'a> {
    text: &'a str,
    chars: std::iter::Peekable<CharIndices<'a>>,
    token: &'a mut Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        self.token.reset();
        WordStream {
            text,
            chars: text.char_indices().peekable(),
            token: &mut self.token,
        }
    }
}

impl WordStream<'_> {
    /// Consumes the characters of `kinds` that follow; returns the end of the word and the
    /// number of characters it took.
    fn take_while(&mut self, kinds: &[Kind]) -> (usize, usize) {
        let mut taken = 0;
        while let Some(&(at, c)) = self.chars.peek() {
            if !kinds.contains(&kind(c)) {
                return (at, taken);
            }
            self.chars.next();
            taken += 1;
        }
        (self.text.len(), taken)
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        self.token.text.clear();
        while let Some((start, c)) = self.chars.next() {
            let (end, chars) = match kind(c) {
                Kind::Letter => self.take_while(&[Kind::Letter, Kind::Joiner]),
                Kind::Single => self.take_while(&[Kind::Joiner]),
                Kind::Joiner | Kind::Separator => continue,
            };
            // A word too long to index still takes its position, so that a phrase across it
            // does not match as if the words around it stood together.
            self.token.position = self.token.position.wrapping_add(1);
            if chars + 1 >= MAX_WORD_CHARS {
                continue;
            }
            self.token.offset_from = start;
            self.token.offset_to = end;
            self.token.text.push_str(&self.text[start..end]);
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Lower-cases and removes accents; see the module docs. A token left empty (it was only
/// marks) is dropped.
#[derive(Clone, Copy, Default)]
pub struct Fold;

impl TokenFilter for Fold {
    type Tokenizer<T: Tokenizer> = FoldFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> FoldFilter<T> {
        FoldFilter {
            inner: tokenizer,
            buffer: String::new(),
        }
    }
}

#[derive(Clone)]
pub struct FoldFilter<T> {
    inner: T,
    buffer: String,
}

impl<T: Tokenizer> Tokenizer for FoldFilter<T> {
    type TokenStream<'a> = FoldStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        FoldStream {
            tail: self.inner.token_stream(text),
            buffer: &mut self.buffer,
        }
    }
}

pub struct FoldStream<'a, T> {
    tail: T,
    buffer: &'a mut String,
}

impl<T: TokenStream> TokenStream for FoldStream<'_, T> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            let token = self.tail.token_mut();
            if token.text.is_ascii() {
                token.text.make_ascii_lowercase();
                return true;
            }
            fold_into(&token.text, self.buffer);
            mem::swap(&mut token.text, self.buffer);
            if !token.text.is_empty() {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::TextAnalyzer;

    fn words(text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut analyzer = TextAnalyzer::builder(WordTokenizer::default())
            .filter(Fold)
            .build();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push((
                token.text.clone(),
                token.offset_from,
                token.offset_to,
                token.position,
            ));
        }
        out
    }

    fn texts(text: &str) -> Vec<String> {
        words(text).into_iter().map(|(text, ..)| text).collect()
    }

    fn fold(text: &str) -> String {
        let mut out = String::new();
        fold_into(text, &mut out);
        out
    }

    /// Regression (issue 10): `istanbul` did not find `İstanbul`, whose lower case is `i`
    /// and a combining dot above.
    #[test]
    fn case_and_accents_fold_away_in_every_script() {
        for (a, b) in [
            ("İstanbul", "istanbul"),
            ("İSTANBUL", "Istanbul"),
            ("Straße", "STRASSE"),
            ("straẞe", "strasse"),
            ("ΟΔΟΣ", "οδός"),
            ("ΑΘΉΝΑ", "Αθηνα"),
            ("ﬁnanziell", "finanziell"),
            ("Ｒｅｕｔｅｒｓ", "reuters"),
            ("Zoë", "zoe"),
            ("Zoe\u{308}", "ZOË"),
            ("Ёлка", "елка"),
            ("مُحَادَثَات", "محادثات"),
            ("محـــادثات", "محادثات"),
            ("שָׁלוֹם", "שלום"),
            ("Bundes\u{ad}regierung", "Bundesregierung"),
            ("می\u{200c}خواهم", "میخواهم"),
        ] {
            assert_eq!(fold(a), fold(b), "{a} / {b}");
            assert_eq!(texts(a), texts(b), "{a} / {b}");
            assert_eq!(texts(a).len(), 1, "{a} is one word: {:?}", texts(a));
        }
        assert_eq!(fold("İstanbul"), "istanbul");
        assert_eq!(fold("ΟΔΟΣ"), "οδοσ");
        // Marks that make another letter stay.
        assert_ne!(fold("कि"), fold("क"));
        assert_eq!(fold("が"), "が");
        assert_eq!(fold("한국어"), "한국어");
    }

    #[test]
    fn words_keep_their_marks_and_chinese_is_one_character_a_word() {
        assert_eq!(
            texts("दिल्ली में बातचीत जारी"),
            ["दिल्ली", "में", "बातचीत", "जारी"]
        );
        assert_eq!(
            texts("北京举行 2025年"),
            ["北", "京", "举", "行", "2025", "年"]
        );
        assert_eq!(texts("トランプ氏は"), ["トランプ", "氏", "は"]);
        // Offsets are the original text's, whatever folding did to the word.
        let text = "— İstanbul'da ΟΔΟΣ";
        for (word, from, to, _) in words(text) {
            assert_eq!(fold(&text[from..to]), word);
        }
        // English is split exactly as tantivy's simple tokenizer splits it.
        assert_eq!(
            words("Hello, happy tax-payer!"),
            [
                ("hello".into(), 0, 5, 0),
                ("happy".into(), 7, 12, 1),
                ("tax".into(), 13, 16, 2),
                ("payer".into(), 17, 22, 3),
            ]
        );
    }

    #[test]
    fn long_runs_are_left_out_but_keep_their_position() {
        let long = "x".repeat(MAX_WORD_CHARS);
        let words = words(&format!("before {long} after"));
        assert_eq!(
            words
                .iter()
                .map(|(w, _, _, p)| (w.as_str(), *p))
                .collect::<Vec<_>>(),
            [("before", 0), ("after", 2)]
        );
        // Characters count, not bytes: a 20-letter Russian word is a word.
        assert_eq!(texts("высокопоставленного").len(), 1);
        assert!(texts(&"ж".repeat(MAX_WORD_CHARS - 1)).len() == 1);
        // Marks alone are no word.
        assert!(texts("\u{301}\u{345} \u{64b}").is_empty());
    }
}
