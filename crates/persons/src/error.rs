//! The crate's error type.

/// What can go wrong in this crate. Extraction itself never fails: any text gives a (possibly
/// empty) list of persons.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The model bytes are not a model this version can read.
    #[error("invalid person model: {0}")]
    Model(String),
    /// Training could not run on the given documents or settings.
    #[error("cannot train: {0}")]
    Training(String),
}
