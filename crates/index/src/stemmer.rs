//! English stemming with a memo: the same few thousand words make up most of every article,
//! and the Snowball stemmer costs about a thousand instructions a word, far more than the
//! rest of analysis. The stems are tantivy's own (`Stemmer::new(Language::English)`), so an
//! index written with this filter is the same as one written without it.

use std::hash::BuildHasher;

use tantivy::tokenizer::{
    Language, RawTokenizer, Stemmer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

use rustc_hash::FxBuildHasher;

/// The longest word, in bytes, the memo keeps: nearly every word of any language.
const SLOT_WORD: usize = 30;
/// The longest stem, in bytes, the memo keeps.
const SLOT_STEM: usize = 29;

/// Slots a new memo starts with: a memo made for one query stays small.
const FIRST_SLOTS: usize = 256;
/// Slots the memo grows to at most (16 MB); it grows while at most five eighths are taken,
/// so it remembers about 160,000 words: the common vocabulary of any archive.
const MAX_SLOTS: usize = 1 << 18;

/// One remembered word and its stem, inline in one cache line.
///
/// The memo used to be a small cache of slots like this in front of a hash map of boxed
/// words. On the bench's Zipf-distributed text about one word in five missed that cache (by
/// a simulation of its slots), and the map cost three cache misses a word (its control
/// bytes, its entry, the boxed word): an eighth of all indexing work at 100,000 articles.
/// One table of inline slots costs at most one miss a word.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Slot {
    /// 0 for an empty slot (a word has at least one byte).
    word_len: u8,
    stem_len: u8,
    /// Whether the stem differs from the word; when it does not, `stem` is unused.
    changed: bool,
    /// See [`StemMemo::stem_and_mark`].
    marked: bool,
    /// Whether the stem is in the memo's class (see [`StemMemo::classifying`]).
    in_class: bool,
    /// The word, zero-padded: compared as a whole with a padded key.
    word: [u8; SLOT_WORD],
    stem: [u8; SLOT_STEM],
}

const EMPTY_SLOT: Slot = Slot {
    word_len: 0,
    stem_len: 0,
    changed: false,
    marked: false,
    in_class: false,
    word: [0; SLOT_WORD],
    stem: [0; SLOT_STEM],
};

impl Slot {
    /// The stem, when it differs from the word.
    fn changed_stem(&self) -> Option<&str> {
        // Written from a `&str` below, so always UTF-8.
        self.changed
            .then(|| std::str::from_utf8(&self.stem[..usize::from(self.stem_len)]).ok())
            .flatten()
    }
}

/// English stems through a memo, one word at a time.
#[derive(Clone)]
pub struct StemMemo {
    /// An open-addressing table (linear probing), its length a power of two.
    slots: Vec<Slot>,
    /// Slots taken.
    taken: usize,
    /// The most slots the table grows to.
    max_slots: usize,
    /// The last stem of a word the memo could not take (too long, or the memo full).
    scratch: String,
    /// The class whose membership the memo keeps for each stem.
    class: fn(&str) -> bool,
    /// tantivy's stemmer, run on a word the memo does not have.
    stemmer: TextAnalyzer,
}

/// What [`StemMemo::stem_and_mark`] knows of a word.
pub struct Stemmed<'a> {
    /// The stem, as the body analyzer makes it.
    pub stem: &'a str,
    /// Whether the stem is in the memo's class (see [`StemMemo::classifying`]).
    pub in_class: bool,
    /// `Some(true)` the first time the word is asked about, `Some(false)` after that, and
    /// `None` for a word the memo does not keep, which the caller must keep track of itself.
    pub first_mark: Option<bool>,
}

impl Default for StemMemo {
    fn default() -> Self {
        Self {
            slots: vec![EMPTY_SLOT; FIRST_SLOTS],
            taken: 0,
            max_slots: MAX_SLOTS,
            scratch: String::new(),
            class: |_| false,
            stemmer: TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build(),
        }
    }
}

/// The slot a probe for a word of `hash` starts at, in a table of `len` slots (a power of
/// two, at least [`FIRST_SLOTS`]).
fn home(hash: u64, len: usize) -> usize {
    // The top bits of a multiplication: every bit of the hash moves them.
    let bits = len.trailing_zeros();
    (hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
}

impl StemMemo {
    /// The stem of a lower-cased, folded word.
    pub fn stem<'a>(&'a mut self, word: &'a str) -> &'a str {
        // Snowball leaves words of one or two letters as they are ("a", "of", "is").
        if word.len() <= 2 {
            return word;
        }
        self.stem_if_changed(word).unwrap_or(word)
    }

    /// The stem of a word of three letters or more, or `None` when it is the word itself.
    /// One probe of the table, within a cache line or two, for a word seen before.
    fn stem_if_changed(&mut self, word: &str) -> Option<&str> {
        match self.slot_of(word) {
            Some(at) => self.slots[at].changed_stem(),
            None => self.stem_unremembered(word),
        }
    }

    /// A memo that also keeps, for each word, whether its stem is in `class`: the index
    /// writer asks whether each body word is a common word (see the `pairs` module), and
    /// asking a set of strings for every word of every article was 3% of indexing.
    pub fn classifying(class: fn(&str) -> bool) -> Self {
        Self {
            class,
            ..Self::default()
        }
    }

    /// The stem of a lower-cased, folded word, whether it is in the memo's class, and
    /// whether the word is marked for the first time (see [`Stemmed::first_mark`]).
    ///
    /// The index writer marks the words it has put in the spelling vocabulary: it looks the
    /// word up here for its stem anyway, and a set of its own cost another cache miss for
    /// one word in five.
    pub fn stem_and_mark<'a>(&'a mut self, word: &'a str) -> Stemmed<'a> {
        let class = self.class;
        let Some(at) = self.slot_of(word) else {
            let stem = self.stem_unremembered(word).unwrap_or(word);
            return Stemmed {
                stem,
                in_class: class(stem),
                first_mark: None,
            };
        };
        let slot = &mut self.slots[at];
        let first = !slot.marked;
        slot.marked = true;
        let slot = &self.slots[at];
        Stemmed {
            stem: slot.changed_stem().unwrap_or(word),
            in_class: slot.in_class,
            first_mark: Some(first),
        }
    }

    /// A memo that keeps no word: every word is stemmed afresh, and none is marked.
    #[cfg(test)]
    pub(crate) fn keeping_no_words() -> Self {
        Self {
            max_slots: 0,
            ..Self::default()
        }
    }

    /// The slot of a word, learning the word if it is new; `None` for a word the memo does
    /// not keep (too long, or the memo full).
    fn slot_of(&mut self, word: &str) -> Option<usize> {
        let bytes = word.as_bytes();
        if bytes.len() > SLOT_WORD {
            return None;
        }
        let mut key = [0u8; SLOT_WORD];
        key[..bytes.len()].copy_from_slice(bytes);
        let hash = FxBuildHasher.hash_one(bytes);
        let mask = self.slots.len() - 1;
        let mut at = home(hash, self.slots.len());
        loop {
            let slot = &self.slots[at];
            if slot.word_len == 0 {
                break;
            }
            if usize::from(slot.word_len) == bytes.len() && slot.word == key {
                return Some(at);
            }
            at = (at + 1) & mask;
        }
        // A word not seen before: stem it, and remember it if there is room.
        if (self.taken + 1) * 8 > self.slots.len().min(self.max_slots) * 5 {
            if self.slots.len() >= self.max_slots {
                // Full: the words met first are, by Zipf's law, the frequent ones; keep them
                // and stem the rest every time.
                return None;
            }
            self.grow();
            at = self.vacant(hash);
        }
        let mut entry = EMPTY_SLOT;
        let stem = self.stemmed(word);
        entry.in_class = (self.class)(stem.as_deref().unwrap_or(word));
        if let Some(stem) = stem {
            if stem.len() > SLOT_STEM {
                // A stem longer than its word, and too long for a slot: not seen in English.
                return None;
            }
            entry.stem[..stem.len()].copy_from_slice(stem.as_bytes());
            entry.stem_len = stem.len() as u8;
            entry.changed = true;
        }
        entry.word = key;
        entry.word_len = bytes.len() as u8;
        self.slots[at] = entry;
        self.taken += 1;
        Some(at)
    }

    /// The first empty slot of the probe for `hash`.
    fn vacant(&self, hash: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut at = home(hash, self.slots.len());
        while self.slots[at].word_len != 0 {
            at = (at + 1) & mask;
        }
        at
    }

    /// Doubles the table, placing every word again.
    fn grow(&mut self) {
        let doubled = vec![EMPTY_SLOT; self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, doubled);
        for slot in old.into_iter().filter(|slot| slot.word_len != 0) {
            let hash = FxBuildHasher.hash_one(&slot.word[..usize::from(slot.word_len)]);
            let at = self.vacant(hash);
            self.slots[at] = slot;
        }
    }

    /// The stem of a word the memo does not keep, or `None` when it is the word itself.
    fn stem_unremembered(&mut self, word: &str) -> Option<&str> {
        let stem = self.stemmed(word)?;
        self.scratch = stem;
        Some(&self.scratch)
    }

    /// tantivy's stem of `word`, when it differs from the word.
    fn stemmed(&mut self, word: &str) -> Option<String> {
        // Snowball leaves words of one or two letters as they are ("a", "of", "is").
        if word.len() <= 2 {
            return None;
        }
        let mut stream = self.stemmer.token_stream(word);
        (stream.advance() && stream.token().text != word).then(|| stream.token().text.clone())
    }
}

/// A `TokenFilter` stemming English words through a [`StemMemo`].
#[derive(Clone)]
pub struct CachedStemmer;

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            inner: tokenizer,
            memo: StemMemo::default(),
        }
    }
}

#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    inner: T,
    memo: StemMemo,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            memo: &mut self.memo,
        }
    }
}

pub struct CachedStemmerStream<'a, T> {
    tail: T,
    memo: &'a mut StemMemo,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if token.text.len() > 2
            && let Some(stem) = self.memo.stem_if_changed(&token.text)
        {
            token.text.clear();
            token.text.push_str(stem);
        }
        true
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
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer};

    fn stems(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push(token.text.clone());
        }
        out
    }

    #[test]
    fn a_stem_keeps_the_first_letter() {
        // The highlighter relies on it to skip stemming words that cannot match.
        let mut memo = StemMemo::default();
        for word in [
            "dying",
            "skies",
            "news",
            "generously",
            "agreed",
            "yelling",
            "owing",
        ] {
            let stem = memo.stem(word).to_owned();
            assert_eq!(stem.chars().next(), word.chars().next(), "{word} -> {stem}");
        }
    }

    #[test]
    fn stems_are_tantivys_whether_remembered_or_not() {
        let text = "Talks talked talking; the elections were electing generously. Talks again!";
        let mut plain = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build();
        let mut cached = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(CachedStemmer)
            .build();
        let expected = stems(&mut plain, text);
        assert_eq!(
            stems(&mut cached, text),
            expected,
            "first pass fills the memo"
        );
        assert_eq!(stems(&mut cached, text), expected, "second pass reads it");
        assert_eq!(expected[0], "talk");
    }

    /// Thousands of words, some longer than a slot holds, looked up three times over: the
    /// table grows several times and then fills, and every word, remembered or not, must
    /// get tantivy's stem (a word must never get the stem of another in its probe).
    #[test]
    fn growing_and_full_memos_and_long_words_keep_tantivys_stems() {
        let mut plain = TextAnalyzer::builder(RawTokenizer::default())
            .filter(Stemmer::new(Language::English))
            .build();
        let suffixes = ["", "s", "ing", "ed", "ation", "ations", "ly", "ies", "y"];
        let max_slots = 8 * FIRST_SLOTS;
        let words: Vec<String> = (0..max_slots)
            .map(|n| {
                let base = format!("{}word{}", "x".repeat(n % 25), n / 9);
                format!("{base}{}", suffixes[n % suffixes.len()])
            })
            .collect();
        let mut memo = StemMemo {
            max_slots,
            ..StemMemo::default()
        };
        for _ in 0..3 {
            for word in &words {
                let expected = stems(&mut plain, word);
                assert_eq!([memo.stem(word)], expected.as_slice(), "{word}");
            }
            assert_eq!(
                memo.slots.len(),
                max_slots,
                "the memo grew to its most slots"
            );
            assert!(
                memo.taken * 8 <= max_slots * 5,
                "and stopped taking words there"
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 300,
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// Any words (English-like, with accents and other scripts, around the 30 bytes a slot
        /// holds), asked in any order and again, through a memo small enough to fill: each
        /// gets tantivy's stem and its stem's class, and `stem_and_mark` says `Some(true)`
        /// once at most per word.
        #[test]
        fn any_words_get_tantivys_stems_and_are_marked_once(
            words in proptest::collection::vec(
                "[a-z]{1,8}(ing|ed|ies|ations|ly|s|é|ö|ß|ж|δ)?[a-zé]{0,26}",
                1..300,
            ),
            max_slots in proptest::sample::select(vec![0, FIRST_SLOTS, 4 * FIRST_SLOTS]),
        ) {
            let mut plain = TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build();
            // A class that depends on the stem's every byte.
            let class: fn(&str) -> bool = |stem| stem.bytes().map(u32::from).sum::<u32>() % 3 == 0;
            let mut memo = StemMemo { max_slots, ..StemMemo::classifying(class) };
            let mut marked = std::collections::HashSet::new();
            for word in words.iter().chain(words.iter().rev()) {
                let expected = stems(&mut plain, word);
                proptest::prop_assert_eq!([memo.stem(word)], expected.as_slice(), "{}", word);
                let stemmed = memo.stem_and_mark(word);
                proptest::prop_assert_eq!([stemmed.stem], expected.as_slice(), "{}", word);
                proptest::prop_assert_eq!(stemmed.in_class, class(&expected[0]), "{}", word);
                if stemmed.first_mark == Some(true) {
                    proptest::prop_assert!(marked.insert(word.clone()), "{} marked twice", word);
                }
            }
        }
    }
}
