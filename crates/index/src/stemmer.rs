//! English stemming with a memo: the same few thousand words make up most of every article,
//! and the Snowball stemmer costs about a thousand instructions a word, far more than the
//! rest of analysis. The stems are tantivy's own (`Stemmer::new(Language::English)`), so an
//! index written with this filter is the same as one written without it.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use tantivy::tokenizer::{
    Language, RawTokenizer, Stemmer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

use crate::dedup::Fnv;

/// Words remembered per analyzer (each indexing thread and field has its own): the common
/// vocabulary, in about 10 MB.
const CAPACITY: usize = 100_000;

/// English stems through a memo, one word at a time.
#[derive(Clone)]
pub struct StemMemo {
    memo: HashMap<String, String, BuildHasherDefault<Fnv>>,
    /// The last stem of a word the full memo could not take.
    scratch: String,
    /// tantivy's stemmer, run on a word the memo does not have.
    stemmer: TextAnalyzer,
}

impl Default for StemMemo {
    fn default() -> Self {
        Self {
            memo: HashMap::default(),
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
        self.memoized(word)
    }

    /// The stem of a word of three letters or more, through the memo.
    fn memoized(&mut self, word: &str) -> &str {
        if !self.memo.contains_key(word) {
            let mut stream = self.stemmer.token_stream(word);
            let stem = if stream.advance() {
                stream.token().text.clone()
            } else {
                word.to_owned()
            };
            drop(stream);
            if self.memo.len() >= CAPACITY {
                // Full: the words met first are, by Zipf's law, the frequent ones; keep them
                // and stem the rest every time.
                self.scratch = stem;
                return &self.scratch;
            }
            self.memo.insert(word.to_owned(), stem);
        }
        &self.memo[word]
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
        if token.text.len() > 2 {
            let stem = self.memo.memoized(&token.text);
            if stem != token.text {
                token.text.clear();
                token.text.push_str(stem);
            }
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
}
