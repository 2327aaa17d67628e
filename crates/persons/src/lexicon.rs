//! Word lists the tagger and the resolver consult: given names and surnames (with frequency
//! buckets), titles and honorifics, and the words that turn a name into a place or an
//! organisation ("Road", "House"). The name lists come with the model (the trainer reads them
//! and stores their hashes in the model file, see [`Gazetteer`]); the hand-written lists are
//! committed under `data/persons/` and compiled in.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use crate::Error;
use crate::fold::{fold_into, hash_str};
use crate::model::{read_u32, take};

const TITLES: &str = include_str!("../../../data/persons/titles.txt");
const HONORIFICS: &str = include_str!("../../../data/persons/honorifics.txt");
const HEADS: &str = include_str!("../../../data/persons/non_person_heads.txt");
const PERSON_VERBS: &str = include_str!("../../../data/persons/person_verbs.txt");
/// Given names from many countries, written for newsdex: the census lists are Anglo-centric.
const WORLD_GIVEN: &str = include_str!("../../../data/persons/given_names_world.txt");

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
    /// Given-name evidence: bit 0 for the census given-name list, bit 1 for the world list.
    pub first: u8,
    /// Surname frequency bucket, 1 (most common) to 4; 0 when not a census surname.
    pub last: u8,
    /// 0 for none, 1 for a title or role ("President", "striker"), 2 for an honorific ("Mr").
    pub title: u8,
    pub head: bool,
    /// A verb whose subject is nearly always a person ("resigned", "admitted").
    pub person_verb: bool,
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

/// The name lists the trainer learns from (read from `../shared/data/names/` in practice), as
/// written: case and accents do not matter. The crate adds its own list of given names from many
/// countries (`data/persons/given_names_world.txt`) to these.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameLists {
    /// Given names, in any order.
    pub given: Vec<String>,
    /// Surnames, most frequent first (the rank decides the frequency bucket).
    pub surnames: Vec<String>,
}

/// The name lists as the tagger uses them, stored in the model file instead of the lists
/// themselves: for each name the high 32 bits of the hash of its folded form and a one-byte code
/// (given-name list flags in bits 0-1, surname bucket in bits 2-4). Five bytes a name and no text; a
/// 32-bit key takes an unlisted word for one of the census lists' 94,000 names about once in
/// 45,000 lookups.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Gazetteer {
    /// Sorted and distinct.
    pub keys: Vec<u32>,
    /// `codes[i]` belongs to `keys[i]`.
    pub codes: Vec<u8>,
}

/// The 32 bits of a folded word's hash that the gazetteer keeps.
fn name_hash(name: &str) -> u32 {
    let mut s = String::with_capacity(name.len());
    fold_into(name.trim(), &mut s);
    (hash_str(&s) >> 32) as u32
}

/// A lexicon map key from the kept 32 bits, repeated in both halves: the map's hasher is the
/// identity, and its table wants varied high bits as much as varied low ones.
fn spread(k: u32) -> u64 {
    u64::from(k) | u64::from(k) << 32
}

/// The lexicon map key of a folded word's full hash.
fn short_key(folded_hash: u64) -> u64 {
    spread((folded_hash >> 32) as u32)
}

impl Gazetteer {
    pub fn from_lists(lists: &NameLists) -> Self {
        let mut codes: BTreeMap<u32, u8> = BTreeMap::new();
        let names = |list: &'_ [String]| {
            list.iter()
                .map(|n| n.trim())
                .filter(|n| !n.is_empty() && !n.starts_with('#'))
                .map(name_hash)
                .collect::<Vec<u32>>()
        };
        for k in names(&lists.given) {
            *codes.entry(k).or_default() |= 1;
        }
        let world: Vec<String> = words(WORLD_GIVEN).collect();
        for k in names(&world) {
            *codes.entry(k).or_default() |= 2;
        }
        // The first (most frequent) rank of a name decides its bucket.
        for (rank, k) in names(&lists.surnames).into_iter().enumerate() {
            let code = codes.entry(k).or_default();
            if *code >> 2 == 0 {
                *code |= bucket(rank, [1000, 5000, 20000]) << 2;
            }
        }
        Self {
            keys: codes.keys().copied().collect(),
            codes: codes.values().copied().collect(),
        }
    }

    /// Appends the model-file form: `count: u32`, `count` keys (`u32`), `count` codes (`u8`).
    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&(self.keys.len() as u32).to_le_bytes());
        for k in &self.keys {
            out.extend_from_slice(&k.to_le_bytes());
        }
        out.extend_from_slice(&self.codes);
    }

    /// Reads the form [`Gazetteer::write`] writes from the front of `bytes`.
    pub fn read(bytes: &mut &[u8]) -> Result<Self, Error> {
        let n = read_u32(bytes)? as usize;
        let raw = take(
            bytes,
            n.checked_mul(4)
                .ok_or_else(|| Error::Model("bad name list size".into()))?,
        )?;
        let keys: Vec<u32> = raw
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let codes = take(bytes, n)?.to_vec();
        if codes.iter().any(|&c| c >> 2 > 4) {
            return Err(Error::Model("bad name code".into()));
        }
        if keys.windows(2).any(|w| w[0] >= w[1]) {
            return Err(Error::Model("name keys are not sorted".into()));
        }
        Ok(Self { keys, codes })
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
    /// The name lists of `gazetteer` plus the compiled-in titles, honorifics and head words.
    pub fn new(gazetteer: &Gazetteer) -> Self {
        let mut map = HashKeyMap::<Entry>::default();
        map.reserve(gazetteer.keys.len() + 1000);
        for (&key, &code) in gazetteer.keys.iter().zip(&gazetteer.codes) {
            let e = map.entry(spread(key)).or_default();
            e.first = code & 3;
            e.last = code >> 2;
        }
        for w in words(TITLES) {
            map.entry(short_key(hash_str(&w))).or_default().title = 1;
        }
        for w in words(HONORIFICS) {
            map.entry(short_key(hash_str(&w))).or_default().title = 2;
        }
        for w in words(HEADS) {
            map.entry(short_key(hash_str(&w))).or_default().head = true;
        }
        for w in words(PERSON_VERBS) {
            map.entry(short_key(hash_str(&w))).or_default().person_verb = true;
        }
        Self { map }
    }

    /// Honorifics, for the trainer to insert before names.
    pub fn honorifics() -> Vec<String> {
        words(HONORIFICS).collect()
    }

    /// Looks up a word by the hash of its folded form, without any trailing period.
    pub fn get(&self, folded_hash: u64) -> Entry {
        self.map
            .get(&short_key(folded_hash))
            .copied()
            .unwrap_or_default()
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

    fn lists() -> NameLists {
        let v = |s: &[&str]| s.iter().map(|x| (*x).to_string()).collect();
        NameLists {
            given: v(&["JOHN", "Zoë", "MARIO", "", "# comment"]),
            surnames: v(&["SMITH", "JONES", "John"]),
        }
    }

    #[test]
    fn knows_names_titles_and_heads() {
        let lex = Lexicon::new(&Gazetteer::from_lists(&lists()));
        assert_eq!(
            lex.lookup("John"),
            Entry {
                first: 1,
                last: 1,
                ..Entry::default()
            }
        );
        assert_eq!(lex.lookup("ZOE").first, 1);
        assert_eq!(lex.lookup("SMITH").last, 1);
        assert_eq!(lex.lookup("Mr.").title, 2);
        assert_eq!(lex.lookup("President").title, 1);
        assert!(is_title("mr") && is_title("president") && !is_title("starmer"));
        assert!(lex.lookup("Road").head);
        assert!(lex.lookup("resigned").person_verb && !lex.lookup("said").person_verb);
        assert_eq!(lex.lookup("Zelensky"), Entry::default());
    }

    #[test]
    fn gazetteer_round_trips_and_rejects_garbage() {
        let g = Gazetteer::from_lists(&lists());
        assert!(g.keys.len() > 3000);
        let mut bytes = Vec::new();
        g.write(&mut bytes);
        let mut b = &bytes[..];
        assert_eq!(Gazetteer::read(&mut b).expect("reads"), g);
        assert!(b.is_empty());
        assert!(Gazetteer::read(&mut &bytes[..bytes.len() - 1]).is_err());
        let mut bad = bytes.clone();
        *bad.last_mut().expect("a code") = 0xf0;
        assert!(Gazetteer::read(&mut &bad[..]).is_err());
    }
}
