//! The JSON line one WARC record becomes in `newsdex clean --jsonl --warc`, which is also what
//! an index shard keeps of every record (`newsdex shard write`) and what `newsdex import` reads
//! back: the analysis (article and persons, or why there is none) and the raw response, so
//! that the page store can be filled and `rebuild` can re-clean the page later.
//!
//! A line is `{"source": url, "article": ..., "persons": [...], "raw": {...}}` for a page that
//! became an article (the shape `clean FILE... --jsonl` prints, plus `raw`), `{"source",
//! "skipped", "raw"}` for a page deliberately not indexed, `{"source", "error", "raw"}` for a
//! page that could not be cleaned, and `{"source", "error"}` for a record that could not be
//! read at all (nothing to store). A Spark job may add `"warc": N` (the input file's number)
//! in front; `import` orders records by `(warc, record)`.

use base64::Engine as _;
use chrono::{DateTime, Utc};
use newsdex_persons::Person;
use newsdex_types::Article;
use newsdex_types::RawPage;
use serde::{Deserialize, Serialize};

/// One record's line.
#[derive(Debug, Serialize, Deserialize)]
pub struct RecordLine {
    /// The number of the WARC file among the job's inputs (set by the Spark job).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warc: Option<u64>,
    /// The record's place among the lines of its WARC file, from 0.
    pub record: u64,
    /// The page's URL, or for an unreadable record the file and record number.
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<Article>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persons: Option<Vec<Person>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<RawRecord>,
    /// The article's near-duplicate key, added by `shard write`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dup_key: Option<newsdex_index::DupKey>,
}

/// A response as the page store keeps it ([`RawPage`]), with its body in base64.
#[derive(Debug, Serialize, Deserialize)]
pub struct RawRecord {
    pub url: String,
    pub final_url: String,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub fetched_at: DateTime<Utc>,
    pub body_base64: String,
}

impl RawRecord {
    pub fn of(page: &RawPage) -> Self {
        Self {
            url: page.url.clone(),
            final_url: page.final_url.clone(),
            status: page.status,
            headers: page.headers.clone(),
            fetched_at: page.fetched_at,
            body_base64: base64::engine::general_purpose::STANDARD.encode(&page.body),
        }
    }

    /// The page again; an error when the body is not base64.
    pub fn to_page(&self) -> anyhow::Result<RawPage> {
        let body = base64::engine::general_purpose::STANDARD
            .decode(&self.body_base64)
            .map_err(|err| anyhow::anyhow!("the body of `{}` is not base64: {err}", self.url))?;
        Ok(RawPage {
            url: self.url.clone(),
            final_url: self.final_url.clone(),
            status: self.status,
            headers: self.headers.clone(),
            fetched_at: self.fetched_at,
            body,
        })
    }
}

impl RecordLine {
    /// The article and its persons, when the page became one.
    pub fn analysed(&self) -> Option<(&Article, &[Person])> {
        Some((
            self.article.as_ref()?,
            self.persons.as_deref().unwrap_or(&[]),
        ))
    }

    /// Where the record goes in the archive's order: the WARC file's number, then the record's.
    pub fn order(&self) -> (u64, u64) {
        (self.warc.unwrap_or(0), self.record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raw_record_gives_back_the_same_page_with_any_bytes() {
        let mut page = RawPage::new("https://example.ru/новости", 200, Vec::new());
        page.body = "<p>Привет, 世界 — مرحبا</p>\u{0}\u{ff}".as_bytes().to_vec();
        page.body.extend([0xff, 0xfe, 0x00]);
        page.headers = vec![("Content-Type".into(), "text/html; charset=utf-8".into())];
        let line = serde_json::to_string(&RawRecord::of(&page)).unwrap();
        let back: RawRecord = serde_json::from_str(&line).unwrap();
        assert_eq!(back.to_page().unwrap(), page);
    }

    #[test]
    fn a_body_that_is_not_base64_is_an_error_naming_the_url() {
        let mut raw = RawRecord::of(&RawPage::new("https://example.com/a", 200, vec![1]));
        raw.body_base64 = "not base64!".into();
        let err = raw.to_page().unwrap_err().to_string();
        assert!(err.contains("https://example.com/a"), "{err}");
    }
}
