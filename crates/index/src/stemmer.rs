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

/// Words remembered per analyzer (each indexing thread and field has its own): enough for
/// the common vocabulary, small enough not to matter (a few MB).
const CAPACITY: usize = 50_000;

/// A `TokenFilter` stemming English words through a memo.
#[derive(Clone)]
pub struct CachedStemmer;

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            inner: tokenizer,
            memo: HashMap::default(),
            stemmer: TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build(),
        }
    }
}

#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    inner: T,
    memo: HashMap<String, String, BuildHasherDefault<Fnv>>,
    /// tantivy's stemmer, run on one word at a time when the memo does not have it.
    stemmer: TextAnalyzer,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        let Self {
            inner,
            memo,
            stemmer,
        } = self;
        CachedStemmerStream {
            tail: inner.token_stream(text),
            memo,
            stemmer,
        }
    }
}

pub struct CachedStemmerStream<'a, T> {
    tail: T,
    memo: &'a mut HashMap<String, String, BuildHasherDefault<Fnv>>,
    stemmer: &'a mut TextAnalyzer,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(stem) = self.memo.get(&token.text) {
            token.text.clear();
            token.text.push_str(stem);
            return true;
        }
        let stem = {
            let mut stream = self.stemmer.token_stream(&token.text);
            if stream.advance() {
                stream.token().text.clone()
            } else {
                token.text.clone()
            }
        };
        if self.memo.len() >= CAPACITY {
            self.memo.clear();
        }
        self.memo
            .insert(std::mem::replace(&mut token.text, stem.clone()), stem);
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
