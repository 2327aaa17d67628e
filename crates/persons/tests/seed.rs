//! The seed article of newsdex (`../shared/seed/`): its clean text must give exactly the persons
//! in `expected-persons.json`, every listed mention form resolving to its canonical name, and
//! none of the listed non-persons.
#![allow(clippy::print_stdout)] // the skip notice

use std::path::PathBuf;

use newsdex_persons::{Extractor, Person};
use serde_json::Value;

fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

/// Character ranges of `needle` in `text` that start and end at word boundaries.
fn occurrences(text: &str, needle: &str) -> Vec<(usize, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let n: Vec<char> = needle.chars().collect();
    let mut out = Vec::new();
    for i in 0..chars.len().saturating_sub(n.len() - 1) {
        if chars[i..i + n.len()] != n[..] {
            continue;
        }
        let before = i == 0 || !chars[i - 1].is_alphanumeric();
        let after = i + n.len() == chars.len() || !chars[i + n.len()].is_alphanumeric();
        if before && after {
            out.push((i, i + n.len()));
        }
    }
    out
}

fn owners(persons: &[Person], (s, e): (usize, usize)) -> Vec<&str> {
    persons
        .iter()
        .filter(|p| p.mentions.iter().any(|m| m.start < e && s < m.end))
        .map(|p| p.name.as_str())
        .collect()
}

#[test]
fn seed_article_gives_exactly_the_expected_persons() {
    let dir = shared().join("seed");
    let (Ok(text), Ok(oracle)) = (
        std::fs::read_to_string(dir.join("expected-clean.txt")),
        std::fs::read_to_string(dir.join("expected-persons.json")),
    ) else {
        println!("skipping: {} not found", dir.display());
        return;
    };
    let oracle: Value = serde_json::from_str(&oracle).expect("oracle is JSON");
    let persons = Extractor::new().extract(&text);

    let mut got: Vec<&str> = persons.iter().map(|p| p.name.as_str()).collect();
    got.sort_unstable();
    let expected = oracle["persons"].as_object().expect("persons object");
    let mut want: Vec<&str> = expected.keys().map(String::as_str).collect();
    want.sort_unstable();
    assert_eq!(got, want, "persons found: {persons:#?}");

    for (name, forms) in expected {
        for form in forms.as_array().expect("forms list") {
            let form = form.as_str().expect("form is a string");
            let occ = occurrences(&text, form);
            assert!(!occ.is_empty(), "form {form:?} does not occur in the text");
            for o in occ {
                assert_eq!(
                    owners(&persons, o),
                    vec![name.as_str()],
                    "{form:?} at {o:?} must resolve to {name:?}"
                );
            }
        }
    }

    for not in oracle["not_persons"].as_array().expect("not_persons list") {
        let not = not.as_str().expect("string");
        for o in occurrences(&text, not) {
            assert!(
                owners(&persons, o).is_empty(),
                "{not:?} at {o:?} is not a person"
            );
        }
        assert!(
            persons.iter().all(|p| !p.name.contains(not)),
            "{not:?} is not a person"
        );
    }

    // Offsets are characters: each mention's text is exactly that character range.
    for p in &persons {
        for m in &p.mentions {
            let slice: String = text.chars().skip(m.start).take(m.end - m.start).collect();
            assert_eq!(slice, m.text);
        }
    }
}
