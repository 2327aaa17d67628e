//! The cleaner's figures on the gold sets in `../shared` (issue 5), asserted over every page
//! (about 12 s in a debug build). Skips with a notice when `../shared` is absent.
#![allow(clippy::print_stderr)]

use std::path::PathBuf;

use newsdex_cleaner::{Cleaner, Config};
use newsdex_eval::clean::{score_readability, score_trafilatura};

#[test]
fn cleaner_meets_its_targets_on_the_gold_sets() {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if !shared.join("fixtures").is_dir() {
        eprintln!(
            "skipping the cleaner targets: {} is absent",
            shared.display()
        );
        return;
    }
    let cleaner = Cleaner::new(Config::default());
    let r = score_readability(&cleaner, &shared, None)
        .unwrap_or_else(|e| panic!("{e:#}"))
        .unwrap_or_else(|| panic!("readability test pages missing"));
    let t = score_trafilatura(&cleaner, &shared, None)
        .unwrap_or_else(|e| panic!("{e:#}"))
        .unwrap_or_else(|| panic!("trafilatura evaluation pages missing"));
    let (body_f1, title, title_convention, title_loose, snippets_f1) = (
        r.body.f1,
        r.title.accuracy(),
        r.title_without_site.accuracy(),
        r.title_ignoring_site.accuracy(),
        t.counts.f1(),
    );
    eprintln!(
        "readability body F1 {body_f1:.3}, title exact {title:.3} ({title_convention:.3} against the gold without its site name, {title_loose:.3} ignoring a site suffix); trafilatura snippet F1 {snippets_f1:.3}"
    );

    // The targets where they are met; where not, the level reached, so that a
    // regression fails.
    assert!(body_f1 >= 0.85, "readability body F1 {body_f1:.3} < 0.85");
    assert!(
        title_convention >= 0.95,
        "readability title (gold without its own site name) {title_convention:.3} < 0.95"
    );
    assert!(
        title_loose >= 0.95,
        "readability title (ignoring a site suffix) {title_loose:.3} < 0.95"
    );
    // Readability's gold keeps a site name that the page's og:title carries; the issue wants
    // it gone, so the raw figure stays below the 0.95.
    assert!(
        title >= 0.91,
        "readability title exact {title:.3} < 0.91 (the cleaner drops site names that Readability keeps)"
    );
    let byline = r.byline.accuracy();
    assert!(byline >= 0.9, "readability byline {byline:.3} < 0.9");
    assert!(
        snippets_f1 >= 0.93,
        "trafilatura snippet F1 {snippets_f1:.3} < 0.93"
    );
}
