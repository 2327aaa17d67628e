//! Person extraction: finds the persons a text names and resolves every mention
//! (`Keir Starmer`, `Mr Starmer`, `Starmer's`) to one canonical name.

use serde::{Deserialize, Serialize};

/// One mention of a person in a text. `start` and `end` are character (not byte) offsets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// A person named in a text, with every mention that resolved to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Canonical name: the fullest form used in the text, titles and possessives removed.
    pub name: String,
    pub mentions: Vec<Mention>,
}

impl Person {
    pub fn count(&self) -> usize {
        self.mentions.len()
    }
}

/// The extractor, with its model loaded. Build once, use for every text.
#[derive(Debug, Default)]
pub struct Extractor {}

impl Extractor {
    pub fn new() -> Self {
        Self {}
    }

    /// The persons named in `text`, most mentioned first.
    pub fn extract(&self, text: &str) -> Vec<Person> {
        let _ = text;
        Vec::new()
    }
}
