//! Evaluation harnesses behind `newsdex eval`: each scores one pipeline stage on a gold set
//! read from disk and prints a report. They read files, so they live outside the pure
//! library crates they measure.

pub mod clean;
pub mod corpora;
mod metrics;
pub mod persons;
pub mod persons_modern;
