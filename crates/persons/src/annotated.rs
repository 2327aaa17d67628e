//! Texts with their gold entity spans: what training reads, and what the evaluation scores the
//! extractor against, so they are part of the runtime API while training is not.

/// The kinds of entity a training document marks. Only persons are extracted; the other kinds
/// teach the tagger what a capitalised non-person looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityKind {
    /// A person: what the extractor finds.
    Person,
    /// A company, party, team or other organisation.
    Organisation,
    /// A place.
    Location,
    /// Any other name (an event, a nationality, a work).
    Misc,
}

/// A gold entity: character offsets into the document text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    /// Where it starts, in characters of the text.
    pub start: usize,
    /// Where it ends (exclusive), in characters of the text.
    pub end: usize,
    /// What it names.
    pub kind: EntityKind,
}

/// One training document: its text and its gold entities.
#[derive(Debug, Clone)]
pub struct TrainingDoc {
    /// The text.
    pub text: String,
    /// Its gold entities, in text order.
    pub entities: Vec<Entity>,
    /// How many times each training pass sees the document (1 normally): a corpus whose
    /// conventions the model must keep can outweigh larger ones written differently.
    pub repeat: u32,
}

impl Default for TrainingDoc {
    fn default() -> Self {
        Self {
            text: String::new(),
            entities: Vec::new(),
            repeat: 1,
        }
    }
}
