//! Person extraction: finds the persons a text names and resolves every mention
//! (`Keir Starmer`, `Mr Starmer`, `Starmer's`) to one canonical name.
//!
//! ```
//! let extractor = newsdex_persons::Extractor::new();
//! let persons = extractor.extract("Keir Starmer met Emmanuel Macron. Mr Starmer said little.");
//! assert_eq!(persons[0].name, "Keir Starmer");
//! assert_eq!(persons[0].count(), 2);
//! ```
//!
//! The tagger is an averaged structured perceptron over BIO tags with hashed features, trained
//! by `train` (see `data/persons/README.md`) and compiled into the crate. [`AliasTable`]
//! resolves names across an archive.
//!
//! Features: `train` adds the training code (`train`, `TrainConfig`, ...), which only the
//! `train-persons` tool of `newsdex-eval` needs; without it the crate is the runtime alone.

mod alias;
mod annotated;
mod citation;
mod error;
mod extract;
mod features;
mod fold;
mod lexicon;
mod model;
mod resolve;
mod tag;
mod tokenize;
#[cfg(feature = "train")]
mod train;

use serde::{Deserialize, Serialize};

pub use alias::{AliasConfig, AliasTable, fold_name, name_key};
pub use annotated::{Entity, EntityKind, TrainingDoc};
pub use error::Error;
pub use extract::{Config, Extractor};
pub use lexicon::NameLists;
pub use tag::{TaggedMention, tag_mentions};
#[cfg(feature = "train")]
pub use train::{TrainConfig, TrainReport, TrainedModel, train};

/// One mention of a person in a text. `start` and `end` are character (not byte) offsets of the
/// name itself: titles ("Mr", "President") and possessives ("'s") are not part of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    /// Where the name starts, in characters.
    pub start: usize,
    /// Where it ends (exclusive), in characters.
    pub end: usize,
    /// The name as written there.
    pub text: String,
}

/// A person named in a text, with every mention that resolved to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Canonical name: the fullest form used in the text, titles and possessives removed.
    pub name: String,
    /// Every mention that resolved to this person, in text order.
    pub mentions: Vec<Mention>,
}

impl Person {
    /// How many times the text mentions this person.
    pub fn count(&self) -> usize {
        self.mentions.len()
    }
}
