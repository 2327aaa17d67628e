//! Archive-level alias resolution: maps variant spellings (case, accents, transliterations such
//! as Zelensky / Zelenskyy / Zelenskiy) and surname-only names to one canonical person across
//! the archive, and leaves ambiguous surnames unresolved rather than guessing.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::fold::fold_into;
use crate::lexicon::is_title;

/// Folds a name for exact matching in an index field: lower case, no accents, punctuation
/// other than hyphens and apostrophes removed, single spaces (`"Zoë  MÜLLER."` -> `"zoe muller"`).
pub fn fold_name(name: &str) -> String {
    let mut folded = String::with_capacity(name.len());
    fold_into(name, &mut folded);
    let mut out = String::with_capacity(folded.len());
    for word in folded.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\'' || c == '.'))
    {
        let w: String = word.chars().filter(|&c| c != '.').collect();
        let w = w.trim_matches(|c| c == '-' || c == '\'');
        if w.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// One word's transliteration skeleton: folded letters and digits only, `y` as `i`, a final
/// `ij` as `i`, doubled letters single. Zelensky, Zelenskyy, Zelenskiy, Zelenskyi and Zelenskij
/// all become `zelenski`. Greek final sigma is sigma: folding lower-cases a capital `Σ` one
/// letter at a time, so "ΜΗΤΣΟΤΑΚΗΣ" ends in `σ` where "Μητσοτάκης" ends in `ς`.
fn skeleton(word: &str) -> String {
    let mut s: String = word
        .chars()
        .filter(|c| c.is_alphanumeric())
        .map(|c| match c {
            'y' => 'i',
            'ς' => 'σ',
            c => c,
        })
        .collect();
    if s.ends_with("ij") {
        s.pop();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// The words of a name as the alias table compares them: folded, titles and a trailing
/// possessive removed, each reduced to its transliteration skeleton.
fn name_words(name: &str) -> Vec<String> {
    let folded = fold_name(name);
    let mut words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    if let Some(last) = words.last_mut() {
        *last = last.strip_suffix("'s").unwrap_or(last);
    }
    while words.len() > 1 && is_title(words[0]) {
        words.remove(0);
    }
    words
        .iter()
        .map(|w| skeleton(w))
        .filter(|w| !w.is_empty())
        .collect()
}

/// The key two spellings of one name share (`"President Zelenskyy"` and `"zelensky"` both give
/// `"zelenski"`; `"Keir Starmer"` gives `"keir starmer"`).
pub fn name_key(name: &str) -> String {
    name_words(name).join(" ")
}

/// Alias table settings.
#[derive(Debug, Clone, PartialEq)]
pub struct AliasConfig {
    /// A surname alone resolves to the person who holds at least this share of the articles
    /// naming anyone with that surname. 0.95 means "Trump" goes to Donald Trump in an archive
    /// where other Trumps are rare, while "Johnson" between Boris (60 articles) and Mike (40)
    /// stays unresolved.
    pub surname_dominance: f64,
}

impl Default for AliasConfig {
    fn default() -> Self {
        Self {
            surname_dominance: 0.95,
        }
    }
}

/// Maps any known form of a name to the archive's canonical spelling.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AliasTable {
    /// Full-name key (first and last word skeletons) -> canonical name.
    full: HashMap<String, String>,
    /// Single-word key -> canonical name; `None` when ambiguous.
    single: HashMap<String, Option<String>>,
    /// Canonical names with their article counts, most frequent first.
    persons: Vec<(String, u64)>,
}

fn full_key(words: &[String]) -> Option<String> {
    match words {
        [first, .., last] => Some(format!("{first} {last}")),
        _ => None,
    }
}

impl AliasTable {
    /// Builds the table from the canonical names seen across the archive (one per person per
    /// article, as [`crate::Extractor::extract`] gives them) with the number of articles each
    /// was seen in. The same name may appear more than once; counts add up.
    pub fn new<I, S>(names: I, config: &AliasConfig) -> Self
    where
        I: IntoIterator<Item = (S, u64)>,
        S: AsRef<str>,
    {
        // Spellings grouped by key: full names by first and last word, single words by word.
        let mut full: HashMap<String, HashMap<String, u64>> = HashMap::new();
        let mut single: HashMap<String, HashMap<String, u64>> = HashMap::new();
        for (name, count) in names {
            let name = name
                .as_ref()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let words = name_words(&name);
            let slot = match (full_key(&words), words.first()) {
                (Some(k), _) => full.entry(k).or_default(),
                (None, Some(w)) => single.entry(w.clone()).or_default(),
                (None, None) => continue,
            };
            *slot.entry(name).or_default() += count;
        }
        // Each group's canonical spelling: the most frequent, ties to the first in sort order.
        let pick = |spellings: &HashMap<String, u64>| -> (String, u64) {
            let total = spellings.values().sum();
            let best = spellings
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(s, _)| s.clone())
                .unwrap_or_default();
            (best, total)
        };
        let mut table = AliasTable::default();
        // Who holds each surname, with their article counts.
        let mut surnames: HashMap<String, Vec<(String, u64)>> = HashMap::new();
        for (key, spellings) in &full {
            let (canon, total) = pick(spellings);
            let last = key.rsplit(' ').next().unwrap_or_default().to_string();
            surnames
                .entry(last)
                .or_default()
                .push((canon.clone(), total));
            table.full.insert(key.clone(), canon.clone());
            table.persons.push((canon, total));
        }
        for (word, holders) in &mut surnames {
            let total: u64 = holders.iter().map(|h| h.1).sum();
            holders.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let top = &holders[0];
            let share = if total == 0 {
                0.0
            } else {
                top.1 as f64 / total as f64
            };
            let resolved = (share >= config.surname_dominance).then(|| top.0.clone());
            table.single.insert(word.clone(), resolved);
        }
        // Single-word names nobody's full name explains stay persons of their own.
        for (word, spellings) in &single {
            let (canon, total) = pick(spellings);
            match table.single.get(word) {
                Some(Some(person)) => {
                    if let Some(p) = table.persons.iter_mut().find(|p| &p.0 == person) {
                        p.1 += total;
                    }
                }
                Some(None) => {}
                None => {
                    table.single.insert(word.clone(), Some(canon.clone()));
                    table.persons.push((canon, total));
                }
            }
        }
        table
            .persons
            .sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        table
    }

    /// The canonical person a query names, if exactly one: a full name in any spelling
    /// ("keir starmer", "Zelenskyy", "President Volodymyr Zelenskiy"), or a surname alone when
    /// it is unambiguous. `None` for unknown names and ambiguous surnames.
    pub fn resolve(&self, query: &str) -> Option<&str> {
        let words = name_words(query);
        self.resolve_words(&words)
    }

    fn resolve_words(&self, words: &[String]) -> Option<&str> {
        match full_key(words) {
            Some(k) => self.full.get(&k).map(String::as_str),
            None => self.single.get(words.first()?)?.as_deref(),
        }
    }

    /// The canonical form of a name from one article: the archive's canonical person when the
    /// name resolves, else the name itself (an ambiguous surname stays as written).
    pub fn canonical<'a>(&'a self, name: &'a str) -> &'a str {
        self.resolve(name).unwrap_or(name)
    }

    /// The canonical persons with their article counts, most frequent first.
    pub fn persons(&self) -> &[(String, u64)] {
        &self.persons
    }

    /// Whether a surname alone is known but shared by several persons.
    pub fn is_ambiguous(&self, word: &str) -> bool {
        let words = name_words(word);
        words.len() == 1 && matches!(self.single.get(&words[0]), Some(None))
    }

    /// How many persons the directory holds (canonical names).
    pub fn len(&self) -> usize {
        self.persons.len()
    }

    /// Whether it holds no person at all.
    pub fn is_empty(&self) -> bool {
        self.persons.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(names: &[(&str, u64)]) -> AliasTable {
        AliasTable::new(names.iter().copied(), &AliasConfig::default())
    }

    #[test]
    fn folds_names_for_exact_fields() {
        assert_eq!(fold_name("Zoë  MÜLLER."), "zoe muller");
        assert_eq!(fold_name("J.D. Vance"), "jd vance");
        assert_eq!(fold_name("Jean-Pierre O’Neill"), "jean-pierre o'neill");
    }

    #[test]
    fn transliterations_share_a_key() {
        let k = name_key("Zelensky");
        for v in [
            "Zelenskyy",
            "Zelenskiy",
            "ZELENSKYI",
            "Zelenskij",
            "President Zelensky",
            "Zelensky's",
        ] {
            assert_eq!(name_key(v), k, "{v}");
        }
        assert_ne!(name_key("Zelensky"), name_key("Zelenska"));
    }

    /// Regression (issue 12): a Greek name in capitals was another person than the same name
    /// in lower case, its last `Σ` folding to `σ` rather than the final `ς`.
    #[test]
    fn non_latin_spellings_share_a_key() {
        for (a, b) in [
            ("Κυριάκος Μητσοτάκης", "ΚΥΡΙΑΚΟΣ ΜΗΤΣΟΤΑΚΗΣ"),
            ("Пётр Толстой", "Петр Толстой"),
            ("Recep Tayyip Erdoğan", "RECEP TAYYIP ERDOGAN"),
        ] {
            assert_eq!(name_key(a), name_key(b), "{a} / {b}");
        }
        let t = table(&[("Κυριάκος Μητσοτάκης", 3), ("ΚΥΡΙΑΚΟΣ ΜΗΤΣΟΤΑΚΗΣ", 1)]);
        assert_eq!(t.resolve("Μητσοτάκη"), None, "another word");
        assert_eq!(t.canonical("ΜΗΤΣΟΤΑΚΗΣ"), "Κυριάκος Μητσοτάκης");
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn variants_and_surnames_resolve_to_one_person() {
        let t = table(&[
            ("Volodymyr Zelensky", 40),
            ("Volodymyr Zelenskyy", 25),
            ("Zelenskiy", 3),
            ("Keir Starmer", 30),
            ("Starmer", 4),
        ]);
        for q in [
            "Zelensky",
            "zelenskyy",
            "Volodymyr Zelenskiy",
            "President Zelensky",
            "VOLODYMYR ZELENSKY",
        ] {
            assert_eq!(t.resolve(q), Some("Volodymyr Zelensky"), "{q}");
        }
        assert_eq!(t.resolve("Mr Starmer"), Some("Keir Starmer"));
        assert_eq!(t.resolve("Sir Keir Starmer"), Some("Keir Starmer"));
        assert_eq!(t.canonical("Zelenskiy"), "Volodymyr Zelensky");
        assert_eq!(t.resolve("Starmer Road"), None);
        assert_eq!(t.resolve("Macron"), None);
        assert_eq!(t.persons()[0], ("Volodymyr Zelensky".to_string(), 68));
    }

    #[test]
    fn ambiguous_surnames_stay_unresolved() {
        let t = table(&[("Boris Johnson", 60), ("Mike Johnson", 40), ("Johnson", 9)]);
        assert_eq!(t.resolve("Johnson"), None);
        assert!(t.is_ambiguous("Johnson"));
        assert_eq!(t.canonical("Johnson"), "Johnson");
        assert_eq!(t.resolve("Boris Johnson"), Some("Boris Johnson"));
        // A dominant holder of a surname takes it.
        let t = table(&[("Donald Trump", 500), ("Melania Trump", 5)]);
        assert_eq!(t.resolve("Trump"), Some("Donald Trump"));
    }

    #[test]
    fn single_word_names_without_a_full_name_resolve_to_themselves() {
        let t = table(&[("Ronaldinho", 3), ("Ronaldinho", 2)]);
        assert_eq!(t.resolve("RONALDINHO"), Some("Ronaldinho"));
        assert_eq!(t.persons(), &[("Ronaldinho".to_string(), 5)]);
    }
}
