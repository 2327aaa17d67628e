//! Word lists the tagger and the resolver consult: census given names and surnames (with
//! frequency buckets), titles and honorifics, and the words that turn a name into a place or an
//! organisation ("Road", "House"). All are committed under `data/persons/` and compiled in.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use crate::fold::{fold_into, hash_str};

const FIRST_NAMES: &str = include_str!("../../../data/persons/census1990_first.txt");
const SURNAMES: &str = include_str!("../../../data/persons/census1990_last.txt");
const TITLES: &str = include_str!("../../../data/persons/titles.txt");
const HONORIFICS: &str = include_str!("../../../data/persons/honorifics.txt");
const HEADS: &str = include_str!("../../../data/persons/non_person_heads.txt");

/// Keys are already well-mixed 64-bit hashes, so hashing them again would be wasted work.
#[derive(Default)]
pub(crate) struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

pub(crate) type HashKeyMap<V> = HashMap<u64, V, BuildHasherDefault<IdentityHasher>>;

/// What the lists say about one folded word.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Entry {
    /// 1 for a census given name, else 0.
    pub first: u8,
    /// Surname frequency bucket, 1 (most common) to 4; 0 when not a census surname.
    pub last: u8,
    /// 0 for none, 1 for a title or role ("President", "striker"), 2 for an honorific ("Mr").
    pub title: u8,
    pub head: bool,
}

static TITLE_SET: LazyLock<HashSet<String>> =
    LazyLock::new(|| words(TITLES).chain(words(HONORIFICS)).collect());

/// Whether a folded word (no trailing period) is a title or honorific ("mr", "president").
pub(crate) fn is_title(folded: &str) -> bool {
    TITLE_SET.contains(folded)
}

pub(crate) struct Lexicon {
    map: HashKeyMap<Entry>,
}

fn bucket(rank: usize, edges: [usize; 3]) -> u8 {
    if rank < edges[0] {
        1
    } else if rank < edges[1] {
        2
    } else if rank < edges[2] {
        3
    } else {
        4
    }
}

/// The words of a list file: one a line, `#` comments and blank lines skipped, folded.
fn words(list: &str) -> impl Iterator<Item = String> + '_ {
    list.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut s = String::with_capacity(l.len());
            fold_into(l, &mut s);
            s
        })
}

impl Lexicon {
    pub fn new() -> Self {
        let mut map = HashKeyMap::<Entry>::default();
        map.reserve(100_000);
        // The given-name list is alphabetical (the census frequencies are not in it), so
        // membership is all it tells; the surname list is by frequency.
        for w in words(FIRST_NAMES) {
            map.entry(hash_str(&w)).or_default().first = 1;
        }
        for (rank, w) in words(SURNAMES).enumerate() {
            map.entry(hash_str(&w)).or_default().last = bucket(rank, [1000, 5000, 20000]);
        }
        for w in words(TITLES) {
            map.entry(hash_str(&w)).or_default().title = 1;
        }
        for w in words(HONORIFICS) {
            map.entry(hash_str(&w)).or_default().title = 2;
        }
        for w in words(HEADS) {
            map.entry(hash_str(&w)).or_default().head = true;
        }
        Self { map }
    }

    /// Honorifics, for the trainer to insert before names.
    pub fn honorifics() -> Vec<String> {
        words(HONORIFICS).collect()
    }

    /// Looks up a word by the hash of its folded form, without any trailing period.
    pub fn get(&self, folded_hash: u64) -> Entry {
        self.map.get(&folded_hash).copied().unwrap_or_default()
    }

    /// Looks up a word as written (`Mr.`, `PRESIDENT`).
    #[cfg(test)]
    pub fn lookup(&self, word: &str) -> Entry {
        let mut s = String::with_capacity(word.len());
        fold_into(word.strip_suffix('.').unwrap_or(word), &mut s);
        self.get(hash_str(&s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_names_titles_and_heads() {
        let lex = Lexicon::new();
        assert_eq!(lex.lookup("John").first, 1);
        assert_eq!(lex.lookup("SMITH").last, 1);
        assert_eq!(lex.lookup("Mr.").title, 2);
        assert_eq!(lex.lookup("President").title, 1);
        assert!(is_title("mr") && is_title("president") && !is_title("starmer"));
        assert!(lex.lookup("Road").head);
        assert_eq!(lex.lookup("Zelensky"), Entry::default());
    }
}
