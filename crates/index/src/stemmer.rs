//! English stemming with a memo: the same few thousand words make up most of every article,
//! and the Snowball stemmer costs about a thousand instructions a word, far more than the
//! rest of analysis. The stems are tantivy's own (`Stemmer::new(Language::English)`), so an
//! index written with this filter is the same as one written without it.

use std::collections::HashMap;
use std::hash::BuildHasher;

use tantivy::tokenizer::{
    Language, RawTokenizer, Stemmer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

use rustc_hash::FxBuildHasher;

/// Words remembered per analyzer (each indexing thread and field has its own): the common
/// vocabulary, in about 10 MB.
const CAPACITY: usize = 100_000;

/// What the memo knows of a word: most words are their own stem ("said", "minister"), and
/// saying so needs neither a copy nor a comparison.
#[derive(Clone, Copy)]
enum Memo {
    Unchanged,
    /// An index into `StemMemo::stems`.
    Stem(u32),
}

/// Slots of the memo's front cache: a power of two, 16,384 slots of 48 bytes (768 KB) stay in
/// a core's cache, where the full memo's table and its words, spread over the heap, cost two
/// cache misses a word (a fifth of all indexing work when every body word was looked up).
const FRONT_SLOTS: usize = 16_384;
/// The longest word (and stem), in bytes, a front slot holds: most words of any language.
const FRONT_BYTES: usize = 22;

/// One word of the front cache and its stem (which is the word itself when `changed` is
/// false), inline.
#[derive(Clone, Copy)]
struct FrontSlot {
    word_len: u8,
    stem_len: u8,
    changed: bool,
    word: [u8; FRONT_BYTES],
    stem: [u8; FRONT_BYTES],
}

const EMPTY_SLOT: FrontSlot = FrontSlot {
    word_len: 0,
    stem_len: 0,
    changed: false,
    word: [0; FRONT_BYTES],
    stem: [0; FRONT_BYTES],
};

/// English stems through a memo, one word at a time.
#[derive(Clone)]
pub struct StemMemo {
    /// The words met last, by a hash of the word (each slot the last word of its hash):
    /// the frequent words of a text, answered without touching the full memo.
    front: Vec<FrontSlot>,
    memo: HashMap<Box<str>, Memo, FxBuildHasher>,
    stems: Vec<Box<str>>,
    /// The last stem of a word the full memo could not take.
    scratch: String,
    /// tantivy's stemmer, run on a word the memo does not have.
    stemmer: TextAnalyzer,
}

impl Default for StemMemo {
    fn default() -> Self {
        Self {
            front: vec![EMPTY_SLOT; FRONT_SLOTS],
            memo: HashMap::default(),
            stems: Vec::new(),
            scratch: String::new(),
            stemmer: TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build(),
        }
    }
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
    /// One hash lookup for a word seen before (the memo's common case).
    fn stem_if_changed(&mut self, word: &str) -> Option<&str> {
        let bytes = word.as_bytes();
        let slot = (FxBuildHasher.hash_one(bytes) as usize) & (FRONT_SLOTS - 1);
        let hit = {
            let front = &self.front[slot];
            usize::from(front.word_len) == bytes.len() && front.word[..bytes.len()] == *bytes
        };
        if hit {
            let front = &self.front[slot];
            // Written from a `&str` below, so always UTF-8.
            return front
                .changed
                .then(|| std::str::from_utf8(&front.stem[..usize::from(front.stem_len)]).ok())
                .flatten();
        }
        if bytes.len() > FRONT_BYTES {
            return self.stem_from_memo(word);
        }
        let entry = match self.stem_from_memo(word) {
            Some(stem) if stem.len() > FRONT_BYTES => None,
            stem => {
                let mut entry = EMPTY_SLOT;
                entry.word[..bytes.len()].copy_from_slice(bytes);
                entry.word_len = bytes.len() as u8;
                if let Some(stem) = stem {
                    entry.stem[..stem.len()].copy_from_slice(stem.as_bytes());
                    entry.stem_len = stem.len() as u8;
                    entry.changed = true;
                }
                Some(entry)
            }
        };
        let Some(entry) = entry else {
            // A stem longer than its word, and too long for a slot: not seen in English.
            return self.stem_from_memo(word);
        };
        self.front[slot] = entry;
        let front = &self.front[slot];
        if front.changed {
            std::str::from_utf8(&front.stem[..usize::from(front.stem_len)]).ok()
        } else {
            None
        }
    }

    /// The full memo's answer for `word`, learning it if it is new.
    fn stem_from_memo(&mut self, word: &str) -> Option<&str> {
        let known = self.memo.get(word).copied();
        let memo = match known {
            Some(memo) => memo,
            None => self.learn(word),
        };
        match memo {
            Memo::Unchanged => None,
            Memo::Stem(index) if index == u32::MAX => Some(&self.scratch),
            Memo::Stem(index) => self.stems.get(index as usize).map(|stem| &**stem),
        }
    }

    /// Stems a word the memo does not have and remembers it while there is room.
    fn learn(&mut self, word: &str) -> Memo {
        let mut stream = self.stemmer.token_stream(word);
        let stem = if stream.advance() && stream.token().text != word {
            Some(stream.token().text.clone())
        } else {
            None
        };
        drop(stream);
        let full = self.memo.len() >= CAPACITY;
        let memo = match stem {
            None => Memo::Unchanged,
            // Full: the words met first are, by Zipf's law, the frequent ones; keep them
            // and stem the rest every time.
            Some(stem) if full => {
                self.scratch = stem;
                return Memo::Stem(u32::MAX);
            }
            Some(stem) => {
                self.stems.push(stem.into_boxed_str());
                Memo::Stem(u32::try_from(self.stems.len() - 1).unwrap_or(u32::MAX))
            }
        };
        if !full {
            self.memo.insert(word.into(), memo);
        }
        memo
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

    /// The front cache keeps one word per slot: thousands of words (more than its slots, so
    /// that they evict one another), some longer than a slot holds, looked up three times
    /// over, must all get tantivy's stems, and a word whose slot another took must not get
    /// that word's stem.
    #[test]
    fn front_cache_evictions_and_long_words_keep_tantivys_stems() {
        let mut plain = TextAnalyzer::builder(RawTokenizer::default())
            .filter(Stemmer::new(Language::English))
            .build();
        let suffixes = ["", "s", "ing", "ed", "ation", "ations", "ly", "ies", "y"];
        let words: Vec<String> = (0..3 * FRONT_SLOTS)
            .map(|n| {
                let base = format!("{}word{}", "x".repeat(n % 25), n / 9);
                format!("{base}{}", suffixes[n % suffixes.len()])
            })
            .collect();
        let mut memo = StemMemo::default();
        for _ in 0..3 {
            for word in &words {
                let expected = stems(&mut plain, word);
                assert_eq!([memo.stem(word)], expected.as_slice(), "{word}");
            }
        }
    }
}
