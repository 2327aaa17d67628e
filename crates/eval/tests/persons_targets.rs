//! The person extractor's figures on the gold sets in `../shared` (issue 12), asserted: the
//! modern web-news dev set (person-set precision and recall, alias resolution) and CoNLL-2003
//! validation (exact-span PER F1). Skips with a notice when `../shared` is absent.
#![allow(clippy::print_stderr)]

use std::path::PathBuf;

use newsdex_eval::persons::{read_conll, score, valid_path};
use newsdex_eval::persons_modern::{SIGNATORIES_PAGE, dev_path, read_dev, totals};
use newsdex_persons::Extractor;

fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

#[test]
fn modern_dev_set_and_conll_validation_hold_their_figures() {
    let (dev, valid) = (dev_path(&shared()), valid_path(&shared()));
    if !dev.exists() || !valid.exists() {
        eprintln!(
            "skipping the person targets: {} is absent",
            shared().display()
        );
        return;
    }
    let extractor = Extractor::new();
    let docs = read_dev(&dev).unwrap_or_else(|e| panic!("{e:#}"));
    let results = newsdex_eval::persons_modern::score(&extractor, &docs);
    let all = totals(&results, |_, _| true);
    let without = totals(&results, |_, r| r.id != SIGNATORIES_PAGE);
    let conll = score(
        &extractor,
        &read_conll(&valid).unwrap_or_else(|e| panic!("{e:#}")),
    );
    eprintln!(
        "dev: P {:.3} R {:.3} alias {:.3}; without the signatories page P {:.3} R {:.3}; CoNLL validation F1 {:.4}",
        all.precision(),
        all.recall(),
        all.alias_rate(),
        without.precision(),
        without.recall(),
        conll.f1()
    );
    // Issue 12's targets where they are met; where not, the level reached, so that a
    // regression fails.
    assert!(all.recall() >= 0.92, "dev recall {:.3}", all.recall());
    assert!(
        all.alias_rate() >= 0.91,
        "dev alias {:.3}",
        all.alias_rate()
    );
    assert!(
        all.precision() >= 0.89,
        "dev precision {:.3}",
        all.precision()
    );
    assert!(
        without.recall() >= 0.92,
        "dev recall without the signatories page {:.3}",
        without.recall()
    );
    assert!(
        without.precision() >= 0.90,
        "dev precision without the signatories page {:.3}",
        without.precision()
    );
    assert!(conll.f1() >= 0.95, "CoNLL validation F1 {:.4}", conll.f1());
}
