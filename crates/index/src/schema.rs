//! The index schema and the analyzers its fields use.
//!
//! Analyzers are not stored in the index (only their names are), so [`register_tokenizers`]
//! must run on every `Index` opened.

use tantivy::Index;
use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, Field, INDEXED, IndexRecordOption, STORED, STRING,
    Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{AsciiFoldingFilter, RawTokenizer, TextAnalyzer, WhitespaceTokenizer};

use crate::fold::{Fold, WordTokenizer};
use crate::pairs::{LineTokenizer, PAIRS_TOKENIZER};
use crate::stemmer::CachedStemmer;

/// Stemmed, folded words: title and body ("talks" finds "talk", "Zelenskyý" finds "zelenskyy").
pub const NEWS_TOKENIZER: &str = "news";
/// Folded words without stemming: authors, and the vocabulary used for spelling correction.
pub const FOLDED_TOKENIZER: &str = "folded";
/// A whole value as one folded token: exact matching on persons and sites.
pub const EXACT_TOKENIZER: &str = "exact";
/// Words already folded by the writer, separated by spaces: the spelling vocabulary.
pub const WORDS_TOKENIZER: &str = "words";
/// The body as the writer analyzed it (stemmed, folded words, as [`NEWS_TOKENIZER`] makes
/// them), one word per line, an empty line for a position without a word: the writer
/// analyzes the body anyway (spelling vocabulary, fingerprint, word pairs), and analyzing it
/// again in tantivy's indexing thread was a fifth of all indexing work.
pub const ANALYZED_TOKENIZER: &str = "analyzed";

/// The earliest publication date the index keeps (1700-01-01, in seconds since 1970): an
/// older one is a misread date, not an article. tantivy stores dates as nanoseconds in an
/// `i64`, which ends in 1677 and 2262, and wraps beyond them (2999 became 2084).
pub const EARLIEST_PUBLISHED: i64 = -8_520_336_000;
/// The end (exclusive) of the publication dates the index keeps: 2200-01-01.
pub const LATEST_PUBLISHED: i64 = 7_258_118_400;

/// A publication date the index can hold exactly, as tantivy's date; `None` for one outside
/// [`EARLIEST_PUBLISHED`]..[`LATEST_PUBLISHED`], which an article is better without than
/// with a wrapped one.
pub fn indexed_date(date: chrono::DateTime<chrono::Utc>) -> Option<tantivy::DateTime> {
    (EARLIEST_PUBLISHED..LATEST_PUBLISHED)
        .contains(&date.timestamp())
        .then(|| tantivy::DateTime::from_timestamp_secs(date.timestamp()))
}

/// The fields of an article document, resolved once per index.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub url: Field,
    pub title: Field,
    pub body: Field,
    /// The words of titles and bodies, folded but not stemmed, each in (at least) one article
    /// that has it: the vocabulary misspelt words are corrected against (fuzzy matching on
    /// stems would compare a typo with `elect` instead of `election`).
    pub words: Field,
    pub author: Field,
    /// Each person's name as the extractor gave it; exact (folded) match, and a raw fast
    /// column for "who appears in these results".
    pub person: Field,
    /// The host, each parent domain of it, and the site's own name: what `site:` matches.
    pub site: Field,
    /// The host alone, as a fast column for the sites facet (which counts its site).
    pub host: Field,
    pub lang: Field,
    pub published: Field,
    /// Near-duplicate group: articles whose bodies are near-identical share this value.
    pub dup: Field,
    /// The body's 128-bit similarity fingerprint, in two halves.
    pub sim_lo: Field,
    pub sim_hi: Field,
    /// When the article first arrived in the archive, in microseconds since 1970, unique and
    /// increasing in the order articles were first indexed (see [`crate::next_arrival`]):
    /// what saved searches report "new since the last run" by. Kept by the page store, so a
    /// rebuild gives every article the arrival it had.
    pub arrival: Field,
    /// The whole article and its persons as JSON: what `show` and search hits read back.
    pub stored: Field,
    /// Pairs of adjacent body words with a common word among them (see the `pairs` module):
    /// what phrases of common words are matched by. `None` in an index built before it.
    pub pairs: Option<Field>,
    /// Whether the body is given to the index analyzed by the writer ([`ANALYZED_TOKENIZER`]);
    /// an index built before that analyzes the text itself.
    pub body_analyzed: bool,
}

pub fn build_schema() -> Schema {
    let mut builder = Schema::builder();
    let text = |tokenizer: &str, record: IndexRecordOption| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(record),
        )
    };
    let positions = IndexRecordOption::WithFreqsAndPositions;
    // Fast too: copies of a hit are listed from columns, without loading their documents.
    builder.add_text_field("url", STRING | STORED | FAST);
    builder.add_text_field("title", text(NEWS_TOKENIZER, positions));
    builder.add_text_field("body", text(ANALYZED_TOKENIZER, positions));
    builder.add_text_field("words", text(FOLDED_TOKENIZER, IndexRecordOption::Basic));
    builder.add_text_field("author", text(FOLDED_TOKENIZER, positions));
    builder.add_text_field(
        "person",
        text(EXACT_TOKENIZER, IndexRecordOption::Basic)
            .set_fast(tantivy::tokenizer::RAW_TOKENIZER_NAME),
    );
    builder.add_text_field("site", text(EXACT_TOKENIZER, IndexRecordOption::Basic));
    builder.add_text_field(
        "host",
        TextOptions::default().set_fast(tantivy::tokenizer::RAW_TOKENIZER_NAME),
    );
    builder.add_text_field("lang", STRING);
    builder.add_date_field(
        "published",
        DateOptions::default()
            .set_indexed()
            .set_fast()
            .set_precision(DateTimePrecision::Seconds),
    );
    builder.add_u64_field("dup", INDEXED | FAST);
    builder.add_u64_field("sim_lo", FAST);
    builder.add_u64_field("sim_hi", FAST);
    builder.add_u64_field("arrival", FAST);
    builder.add_text_field("stored", STORED);
    builder.add_text_field(
        "pairs",
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(PAIRS_TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqs)
                .set_fieldnorms(false),
        ),
    );
    builder.build()
}

impl Fields {
    /// The fields of `schema`; fails for an index built by an older newsdex.
    pub fn resolve(schema: &Schema) -> tantivy::Result<Self> {
        Ok(Self {
            url: schema.get_field("url")?,
            title: schema.get_field("title")?,
            body: schema.get_field("body")?,
            words: schema.get_field("words")?,
            author: schema.get_field("author")?,
            person: schema.get_field("person")?,
            site: schema.get_field("site")?,
            host: schema.get_field("host")?,
            lang: schema.get_field("lang")?,
            published: schema.get_field("published")?,
            dup: schema.get_field("dup")?,
            sim_lo: schema.get_field("sim_lo")?,
            sim_hi: schema.get_field("sim_hi")?,
            arrival: schema.get_field("arrival")?,
            stored: schema.get_field("stored")?,
            pairs: schema.get_field("pairs").ok(),
            body_analyzed: matches!(
                schema.get_field_entry(schema.get_field("body")?).field_type(),
                tantivy::schema::FieldType::Str(options)
                    if options.get_indexing_options()
                        .is_some_and(|indexing| indexing.tokenizer() == ANALYZED_TOKENIZER)
            ),
        })
    }
}

/// Stemmed words, as title and body are indexed and queried.
///
/// Every analyzer folds with [`Fold`] (Unicode lower case and accents) and then with
/// tantivy's ASCII folding, which also makes one the Latin letters that are not a base letter
/// and an accent (`ø` and `o`, `ł` and `l`, `æ` and `ae`, dotless `ı` and `i`).
pub fn news_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(Fold)
        .filter(AsciiFoldingFilter)
        .filter(CachedStemmer)
        .build()
}

/// Folded words, unstemmed.
pub fn folded_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(Fold)
        .filter(AsciiFoldingFilter)
        .build()
}

/// A whole value, folded.
pub fn exact_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(Fold)
        .filter(AsciiFoldingFilter)
        .build()
}

pub fn register_tokenizers(index: &Index) {
    let tokenizers = index.tokenizers();
    tokenizers.register(NEWS_TOKENIZER, news_analyzer());
    tokenizers.register(FOLDED_TOKENIZER, folded_analyzer());
    tokenizers.register(EXACT_TOKENIZER, exact_analyzer());
    tokenizers.register(
        PAIRS_TOKENIZER,
        TextAnalyzer::builder(LineTokenizer::default()).build(),
    );
    tokenizers.register(
        ANALYZED_TOKENIZER,
        TextAnalyzer::builder(LineTokenizer::default()).build(),
    );
    tokenizers.register(
        WORDS_TOKENIZER,
        TextAnalyzer::builder(WhitespaceTokenizer::default()).build(),
    );
}

/// The form an exact field (person, site) is indexed in: whitespace collapsed, so that
/// "Keir  Starmer" and "Keir Starmer" are one person. Case and accents are folded by the
/// analyzer.
pub fn exact_value(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The indexed term of an exact field's value: collapsed, lower-cased, accents folded.
pub fn exact_key(value: &str) -> String {
    thread_local! {
        static EXACT: std::cell::RefCell<TextAnalyzer> = std::cell::RefCell::new(exact_analyzer());
    }
    let value = exact_value(value);
    EXACT.with_borrow_mut(|analyzer| {
        let mut stream = analyzer.token_stream(&value);
        let mut key = String::new();
        while let Some(token) = stream.next() {
            key.push_str(&token.text);
        }
        key
    })
}

/// The analyzed tokens of `text`.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(token) = stream.next() {
        out.push(token.text.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_keys_fold_case_accents_and_spacing() {
        assert_eq!(exact_key("Volodymyr  Zelenskyý"), "volodymyr zelenskyy");
        assert_eq!(exact_key("MIRROR.co.uk"), "mirror.co.uk");
        // Regression (issue 10): Turkish capital İ lower-cased to `i` and a combining dot.
        assert_eq!(exact_key("İbrahim Kalın"), exact_key("ibrahim kalin"));
        assert_eq!(exact_key("Σωκράτης ΠΑΠΑΣ"), exact_key("σωκρατης παπας"));
    }

    #[test]
    fn news_words_are_stemmed_and_folded() {
        let mut news = news_analyzer();
        assert_eq!(tokens(&mut news, "Talks, ZELENSKYÝ"), ["talk", "zelenskyy"]);
        let mut folded = folded_analyzer();
        assert_eq!(tokens(&mut folded, "Talks Müller"), ["talks", "muller"]);
    }
}
