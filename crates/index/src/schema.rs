//! The index schema and the analyzers its fields use.
//!
//! Analyzers are not stored in the index (only their names are), so [`register_tokenizers`]
//! must run on every `Index` opened.

use tantivy::Index;
use tantivy::schema::{
    DateOptions, DateTimePrecision, Field, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, TextAnalyzer,
};

/// Stemmed, folded words: title and body ("talks" finds "talk", "Zelenskyý" finds "zelenskyy").
pub const NEWS_TOKENIZER: &str = "news";
/// Folded words without stemming: authors, and the unstemmed copies used for fuzzy matching.
pub const FOLDED_TOKENIZER: &str = "folded";
/// A whole value as one folded token: exact matching on persons and sites.
pub const EXACT_TOKENIZER: &str = "exact";

/// The fields of an article document, resolved once per index.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub url: Field,
    pub title: Field,
    pub body: Field,
    pub author: Field,
    pub person: Field,
    pub site: Field,
    pub lang: Field,
    pub published: Field,
    /// The whole article and its persons as JSON: what `show` and search hits read back.
    pub stored: Field,
}

pub fn build_schema() -> Schema {
    let mut builder = Schema::builder();
    let text = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    let exact = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(EXACT_TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqs),
        )
        // The raw value as a fast column, for "top persons / sites among these hits" counts.
        .set_fast(tantivy::tokenizer::RAW_TOKENIZER_NAME);
    builder.add_text_field("url", STRING | STORED);
    builder.add_text_field("title", text(NEWS_TOKENIZER));
    builder.add_text_field("body", text(NEWS_TOKENIZER));
    builder.add_text_field("author", text(FOLDED_TOKENIZER));
    builder.add_text_field("person", exact.clone());
    builder.add_text_field("site", exact);
    builder.add_text_field("lang", STRING);
    builder.add_date_field(
        "published",
        DateOptions::default()
            .set_indexed()
            .set_stored()
            .set_fast()
            .set_precision(DateTimePrecision::Seconds),
    );
    builder.add_text_field("stored", STORED);
    builder.build()
}

impl Fields {
    pub fn resolve(schema: &Schema) -> tantivy::Result<Self> {
        Ok(Self {
            url: schema.get_field("url")?,
            title: schema.get_field("title")?,
            body: schema.get_field("body")?,
            author: schema.get_field("author")?,
            person: schema.get_field("person")?,
            site: schema.get_field("site")?,
            lang: schema.get_field("lang")?,
            published: schema.get_field("published")?,
            stored: schema.get_field("stored")?,
        })
    }
}

pub fn register_tokenizers(index: &Index) {
    let news = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build();
    let folded = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build();
    let exact = TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build();
    let tokenizers = index.tokenizers();
    tokenizers.register(NEWS_TOKENIZER, news);
    tokenizers.register(FOLDED_TOKENIZER, folded);
    tokenizers.register(EXACT_TOKENIZER, exact);
}

/// The form an exact field (person, site) is indexed and queried in: whitespace collapsed,
/// so that "Keir  Starmer" and "Keir Starmer" are one person. Case and accents are folded by
/// the analyzer.
pub fn exact_value(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}
