//! Stand-in for `newsdex_persons::AliasTable` (same names and signatures) until the persons
//! crate's archive-level resolver lands on `main`; then this module goes and `people.rs`
//! imports that one instead.
//!
//! Maps any spelling of a name (case, accents, transliterations such as Zelensky/Zelenskyy/
//! Zelenskiy, a title in front, a possessive behind) to one canonical person, and a surname
//! alone to the person who dominates it; a shared surname stays unresolved.

use std::collections::HashMap;

use crate::schema::exact_key;

/// Words that may precede a name without being part of it.
const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "sir",
    "dame",
    "lord",
    "lady",
    "president",
    "prime",
    "minister",
    "chancellor",
    "senator",
    "judge",
    "prof",
    "professor",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "rev",
    "general",
    "gen",
    "gov",
    "governor",
    "rep",
];

/// Alias table settings.
#[derive(Debug, Clone, PartialEq)]
pub struct AliasConfig {
    /// A surname alone resolves to a person holding at least this share of the articles that
    /// name anyone with that surname.
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
#[derive(Debug, Clone, Default)]
pub struct AliasTable {
    /// First and last word skeletons -> canonical name.
    full: HashMap<String, String>,
    /// One word -> canonical name, `None` when several persons share it.
    single: HashMap<String, Option<String>>,
    persons: Vec<(String, u64)>,
}

/// A word reduced to what its transliterations share: `y` as `i`, doubled letters single,
/// a final `ij` as `i` (Zelensky, Zelenskyy, Zelenskiy, Zelenskij -> `zelenski`).
fn skeleton(word: &str) -> String {
    let mut letters: String = word
        .chars()
        .filter(|c| c.is_alphanumeric())
        .map(|c| if c == 'y' { 'i' } else { c })
        .collect();
    if letters.ends_with("ij") {
        letters.pop();
    }
    let mut out = String::with_capacity(letters.len());
    for c in letters.chars() {
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

fn name_words(name: &str) -> Vec<String> {
    let folded = exact_key(&name.replace(['’', '‘'], "'"));
    let mut words: Vec<&str> = folded
        .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
        .filter(|w| !w.is_empty())
        .collect();
    if let Some(last) = words.last_mut() {
        *last = last.strip_suffix("'s").unwrap_or(last);
    }
    while words.len() > 1 && TITLES.contains(&words[0]) {
        words.remove(0);
    }
    words
        .iter()
        .map(|w| skeleton(w))
        .filter(|w| !w.is_empty())
        .collect()
}

fn full_key(words: &[String]) -> Option<String> {
    match words {
        [first, .., last] => Some(format!("{first} {last}")),
        _ => None,
    }
}

impl AliasTable {
    /// Builds the table from the names seen across the archive with the number of articles
    /// each was seen in; the same name may appear more than once.
    pub fn new<I, S>(names: I, config: &AliasConfig) -> Self
    where
        I: IntoIterator<Item = (S, u64)>,
        S: AsRef<str>,
    {
        let mut full: HashMap<String, HashMap<String, u64>> = HashMap::new();
        let mut single: HashMap<String, HashMap<String, u64>> = HashMap::new();
        for (name, count) in names {
            let name = name
                .as_ref()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let words = name_words(&name);
            let group = match (full_key(&words), words.first()) {
                (Some(key), _) => full.entry(key).or_default(),
                (None, Some(word)) => single.entry(word.clone()).or_default(),
                (None, None) => continue,
            };
            *group.entry(name).or_default() += count;
        }
        let pick = |spellings: &HashMap<String, u64>| {
            let total = spellings.values().sum::<u64>();
            let best = spellings
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(name, _)| name.clone())
                .unwrap_or_default();
            (best, total)
        };
        let mut table = Self::default();
        let mut surnames: HashMap<String, Vec<(String, u64)>> = HashMap::new();
        for (key, spellings) in &full {
            let (canonical, total) = pick(spellings);
            let surname = key.rsplit(' ').next().unwrap_or_default().to_owned();
            surnames
                .entry(surname)
                .or_default()
                .push((canonical.clone(), total));
            table.full.insert(key.clone(), canonical.clone());
            table.persons.push((canonical, total));
        }
        for (surname, mut holders) in surnames {
            let total: u64 = holders.iter().map(|h| h.1).sum();
            holders.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            #[allow(clippy::cast_precision_loss)]
            let share = holders[0].1 as f64 / total.max(1) as f64;
            let resolved = (share >= config.surname_dominance).then(|| holders[0].0.clone());
            table.single.insert(surname, resolved);
        }
        for (word, spellings) in &single {
            let (canonical, total) = pick(spellings);
            match table.single.get(word) {
                Some(Some(person)) => {
                    if let Some(entry) = table.persons.iter_mut().find(|p| &p.0 == person) {
                        entry.1 += total;
                    }
                }
                Some(None) => {}
                None => {
                    table.single.insert(word.clone(), Some(canonical.clone()));
                    table.persons.push((canonical, total));
                }
            }
        }
        table
            .persons
            .sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        table
    }

    /// The canonical person a name or query names, if exactly one.
    pub fn resolve(&self, query: &str) -> Option<&str> {
        let words = name_words(query);
        match full_key(&words) {
            Some(key) => self.full.get(&key).map(String::as_str),
            None => self.single.get(words.first()?)?.as_deref(),
        }
    }

    /// The canonical form of a name: its person when it resolves, else the name itself.
    pub fn canonical<'a>(&'a self, name: &'a str) -> &'a str {
        self.resolve(name).unwrap_or(name)
    }

    /// Canonical persons with their article counts, most frequent first.
    pub fn persons(&self) -> &[(String, u64)] {
        &self.persons
    }

    /// Whether a surname alone is known but shared by several persons.
    pub fn is_ambiguous(&self, word: &str) -> bool {
        let words = name_words(word);
        words.len() == 1 && matches!(self.single.get(&words[0]), Some(None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(names: &[(&str, u64)]) -> AliasTable {
        AliasTable::new(names.iter().copied(), &AliasConfig::default())
    }

    #[test]
    fn spellings_and_surnames_resolve_and_shared_surnames_do_not() {
        let t = table(&[
            ("Volodymyr Zelensky", 40),
            ("Volodymyr Zelenskyy", 25),
            ("Zelenskiy", 3),
            ("Keir Starmer", 30),
            ("Starmer", 4),
            ("Boris Johnson", 60),
            ("Mike Johnson", 40),
        ]);
        for q in [
            "zelenskyy",
            "President Zelenskiy",
            "VOLODYMYR ZELENSKÝ",
            "Zelensky's",
        ] {
            assert_eq!(t.resolve(q), Some("Volodymyr Zelensky"), "{q}");
        }
        assert_eq!(t.resolve("Mr Starmer"), Some("Keir Starmer"));
        assert_eq!(t.resolve("Starmer Road"), None);
        assert_eq!(t.resolve("Johnson"), None);
        assert!(t.is_ambiguous("Johnson"));
        assert_eq!(t.persons()[0], ("Volodymyr Zelensky".into(), 68));
    }
}
