//! The bodies of newsdex's fuzz targets: one function per surface that takes outside input.
//!
//! `fuzz/` (cargo-fuzz, libFuzzer; excluded from the workspace because it needs the fuzzing
//! instrumentation) calls these from one-line targets, and `tests/regressions.rs` replays
//! every committed corpus and crash input through the same functions in the normal test run,
//! so a finding stays fixed. A body must never panic, abort or hang on any input: that is the
//! property the fuzzer checks.

mod fetch_targets;
mod index_targets;
mod text_targets;

pub use fetch_targets::{feed, sitemap, url, warc};
pub use index_targets::query;
pub use text_targets::{clean, persons_tag};

/// A fuzz body: any bytes in, nothing out; it must return for every input.
pub type Body = fn(&[u8]);

/// Every target by the name `fuzz/` gives it, for the regression replay.
pub const TARGETS: &[(&str, Body)] = &[
    ("query", query),
    ("clean", clean),
    ("warc", warc),
    ("url", url),
    ("feed", feed),
    ("sitemap", sitemap),
    ("persons_tag", persons_tag),
];
