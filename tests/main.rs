//! End-to-end tests of the `newsdex` binary: real commands against throwaway data
//! directories and local servers on `127.0.0.1:0`, never the internet.
//!
//! One test binary (built as part of `crates/cli`, so Cargo always builds the current
//! `newsdex` first and hands it over in `CARGO_BIN_EXE_newsdex`), with one module per area.
#![allow(clippy::print_stderr)]
// notices for checks that cannot run on this machine
// A test's unwrap is its assertion (helpers in `support` included).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod fetch_faults;
mod fetch_hardening;
mod fetch_politeness;
mod fetch_resume;
mod fetch_sources;
mod fetch_warc;
mod hardening_cli;
mod hardening_disk;
mod hardening_search;
mod help;
mod import_hardening;
mod multilingual;
mod person_spellings;
mod pipeline;
mod search;
mod serve;
mod spark;
mod timeline;
mod watch;
mod web;
mod web_api;
