//! Word lists the tagger and the resolver consult: given names and surnames (with frequency
//! buckets), titles and honorifics, and the words that turn a name into a place or an
//! organisation ("Road", "House"). The name lists come with the model (the trainer reads them
//! and stores their hashes in the model file, see [`Gazetteer`]); the hand-written lists are
//! committed under `data/persons/` and compiled in.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use crate::Error;
use crate::fold::{fold_into, hash_str};
use crate::model::{Stored, read_u32, take};

const TITLES: &str = include_str!("../../../data/persons/titles.txt");
const HONORIFICS: &str = include_str!("../../../data/persons/honorifics.txt");
const HEADS: &str = include_str!("../../../data/persons/non_person_heads.txt");
const PERSON_VERBS: &str = include_str!("../../../data/persons/person_verbs.txt");
/// Given names from many countries, written for newsdex: the census lists are Anglo-centric.
#[cfg(any(test, feature = "train"))]
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
    /// How common a given name it is among US births (1 most common to 3); 0 when unlisted.
    pub given_freq: u8,
    /// A place: 1 a country, a US state or a city of a million or more, 2 a city of 100,000 or
    /// more, 3 a smaller town; 0 none. On a phrase entry, the place the whole phrase names.
    pub place: u8,
    /// A listed company (single word, or the whole phrase on a phrase entry).
    pub company: bool,
    /// How much likelier the word is written lower case than capitalised, in five bands (1:
    /// nearly always capitalised, like "Denver", to 5: nearly always lower case, like "Rich");
    /// 0 when the table does not know the word.
    pub caps: u8,
    /// How common the capitalised form is (1 common to 3 rare); 0 when unknown.
    pub cap_freq: u8,
    /// Some listed place or company name of several words starts with this word.
    pub phrase_start: bool,
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

/// The name lists, looked up where the model file keeps them: the gazetteer's sorted keys,
/// found through a table of where each 16-bit key prefix starts, and the short hand-written
/// lists in a small map beside them. Nothing is rebuilt per entry at load: a map of the
/// gazetteer's ~400,000 entries took most of a one-page `newsdex clean` process's CPU time
/// (tens of milliseconds, mostly page faults), where this takes well under one.
pub(crate) struct Lexicon {
    gazetteer: Gazetteer,
    /// `gazetteer.keys[starts[p]..starts[p + 1]]` are the keys whose high 16 bits are `p`.
    starts: Vec<u32>,
    /// Titles, honorifics, head words and person verbs, by [`spread`] key.
    lists: HashKeyMap<Entry>,
}

#[cfg(any(test, feature = "train"))]
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

/// The name lists the trainer learns from (read from `../shared/data/names/` and
/// `../shared/data/ner-extra/gazetteers/` in practice), as written: case and accents do not
/// matter. The crate adds its own list of given names from many countries
/// (`data/persons/given_names_world.txt`) to these. Every list is a feature, never a filter: a
/// surname can be a city, a given name a company.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NameLists {
    /// Given names, in any order.
    pub given: Vec<String>,
    /// Surnames, most frequent first (the rank decides the frequency bucket).
    pub surnames: Vec<String>,
    /// Given names with the number of people given them (births).
    pub given_counts: Vec<(String, u64)>,
    /// Places with their population; 0 for countries and states.
    pub places: Vec<(String, u64)>,
    /// Company names as listed ("Netflix, Inc."): legal forms at the end are also dropped.
    pub companies: Vec<String>,
    /// Capitalised words with the log-probability of the capitalised form and how much
    /// likelier (in log units) the lower-case form is.
    pub capitalisation: Vec<(String, f32, f32)>,
}

/// The longest place or company name, in words, that the phrase lookup matches.
pub(crate) const MAX_PHRASE: usize = 4;

/// The name lists as the tagger uses them, stored in the model file instead of the lists
/// themselves: for each word or phrase the high 32 bits of the hash of its folded form and a
/// two-byte code (see the `CODE_*` layout below). Six bytes an entry and no text; a 32-bit key
/// takes an unlisted word for a listed one about once in 15,000 lookups.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Gazetteer {
    /// The keys, little-endian `u32`s, sorted and distinct.
    keys: Stored,
    /// The codes, little-endian `u16`s: the `i`th belongs to the `i`th key.
    codes: Stored,
}

impl Gazetteer {
    /// A gazetteer of its own keys and codes (`codes[i]` belongs to `keys[i]`).
    #[cfg(any(test, feature = "train"))]
    pub fn new(keys: &[u32], codes: &[u16]) -> Self {
        Self {
            keys: Stored::Owned(keys.iter().flat_map(|k| k.to_le_bytes()).collect()),
            codes: Stored::Owned(codes.iter().flat_map(|c| c.to_le_bytes()).collect()),
        }
    }

    /// How many names it holds.
    pub fn len(&self) -> usize {
        self.keys.len() / 4
    }

    /// The `i`th key.
    pub fn key(&self, i: usize) -> u32 {
        let b = &self.keys[i * 4..i * 4 + 4];
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }

    /// The `i`th code.
    fn code(&self, i: usize) -> u16 {
        let b = &self.codes[i * 2..i * 2 + 2];
        u16::from_le_bytes([b[0], b[1]])
    }

    /// Where `key` is among the keys `range`, if it is there.
    fn find(&self, range: std::ops::Range<usize>, key: u32) -> Option<usize> {
        let (mut low, mut high) = (range.start, range.end);
        while low < high {
            let middle = low + (high - low) / 2;
            match self.key(middle).cmp(&key) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return Some(middle),
            }
        }
        None
    }

    /// Every (key, code), in key order.
    #[cfg(test)]
    pub fn entries(&self) -> impl Iterator<Item = (u32, u16)> + '_ {
        (0..self.len()).map(|i| (self.key(i), self.code(i)))
    }

    /// Whether its bytes are the embedded model's own, not a copy.
    #[cfg(test)]
    pub fn is_borrowed(&self) -> bool {
        matches!(
            (&self.keys, &self.codes),
            (Stored::Borrowed(_), Stored::Borrowed(_))
        )
    }
}

// Gazetteer code layout (bits of the `u16`).
const CODE_GIVEN: u16 = 0; // 2 bits: census given-name list, world list
const CODE_SURNAME: u16 = 2; // 3 bits: census surname bucket 1-4
const CODE_GIVEN_FREQ: u16 = 5; // 2 bits: SSA given-name bucket 1-3
const CODE_PLACE: u16 = 7; // 2 bits: place bucket 1-3
const CODE_COMPANY: u16 = 9; // 1 bit
const CODE_CAPS: u16 = 10; // 3 bits: capitalisation band 1-5
const CODE_CAP_FREQ: u16 = 13; // 2 bits: frequency of the capitalised form 1-3
const CODE_PHRASE_START: u16 = 15; // 1 bit

fn field(code: u16, at: u16, bits: u16) -> u8 {
    ((code >> at) & ((1 << bits) - 1)) as u8
}

/// Sets a field of a code unless it is set already (the first list to speak wins).
#[cfg(any(test, feature = "train"))]
fn set_field(code: &mut u16, at: u16, bits: u16, value: u8) {
    let mask = ((1u16 << bits) - 1) << at;
    if *code & mask == 0 {
        *code |= (u16::from(value) << at) & mask;
    }
}

/// The key of a phrase from the hashes of its folded words (each as `hash_str` gives it, no
/// trailing period): mixed so that it never equals a single word's hash by construction.
pub(crate) fn phrase_hash(words: impl IntoIterator<Item = u64>) -> u64 {
    let mut h: u64 = 0x5048_5241_5345_0001;
    for w in words {
        h = crate::fold::fmix(h.rotate_left(23) ^ w);
    }
    h
}

/// The folded words of a listed name as the tokenizer splits text ("St. Louis" -> `st`,
/// `louis`; "Winston-Salem" stays one word), trailing periods removed.
#[cfg(any(test, feature = "train"))]
fn phrase_words(name: &str) -> Vec<String> {
    let toks = crate::tokenize::tokenize(name);
    toks.iter()
        .map(|t| {
            let mut s = String::new();
            fold_into(t.text(name), &mut s);
            s.strip_suffix('.').map(str::to_string).unwrap_or(s)
        })
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect()
}

/// Legal forms and line-of-business words that end a company's listed name but not the name
/// it goes by ("Ford Motor Company" is "Ford", "Nissan Chemical Industries" "Nissan").
#[cfg(any(test, feature = "train"))]
const LEGAL_FORMS: &[&str] = &[
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "co",
    "company",
    "companies",
    "ltd",
    "limited",
    "plc",
    "ag",
    "se",
    "sa",
    "s.a",
    "nv",
    "n.v",
    "spa",
    "s.p.a",
    "ab",
    "asa",
    "oyj",
    "holding",
    "holdings",
    "group",
    "llc",
    "lp",
    "reit",
    "trust",
    "kgaa",
    "&",
    "industries",
    "energy",
    "technologies",
    "technology",
    "international",
    "financial",
    "systems",
    "pharmaceuticals",
    "brands",
    "solutions",
    "bancorp",
    "properties",
    "electric",
    "services",
    "resorts",
    "resources",
    "networks",
    "healthcare",
    "foods",
    "products",
    "partners",
    "motor",
    "motors",
    "chemical",
    "chemicals",
    "platforms",
    "entertainment",
    "communications",
    "therapeutics",
];

/// The 32 bits of a folded word's hash that the gazetteer keeps.
#[cfg(any(test, feature = "train"))]
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

/// The 32 bits of a full hash that the gazetteer keeps.
fn kept_bits(folded_hash: u64) -> u32 {
    (folded_hash >> 32) as u32
}

/// The lexicon map key of a folded word's full hash.
fn short_key(folded_hash: u64) -> u64 {
    spread(kept_bits(folded_hash))
}

/// How many 16-bit key prefixes [`Lexicon`] indexes the gazetteer's keys by.
const PREFIXES: usize = 1 << 16;

fn key_prefix(key: u32) -> usize {
    (key >> 16) as usize
}

/// The fields of one gazetteer code.
fn decode(code: u16) -> Entry {
    Entry {
        first: field(code, CODE_GIVEN, 2),
        last: field(code, CODE_SURNAME, 3),
        given_freq: field(code, CODE_GIVEN_FREQ, 2),
        place: field(code, CODE_PLACE, 2),
        company: field(code, CODE_COMPANY, 1) == 1,
        caps: field(code, CODE_CAPS, 3),
        cap_freq: field(code, CODE_CAP_FREQ, 2),
        phrase_start: field(code, CODE_PHRASE_START, 1) == 1,
        ..Entry::default()
    }
}

impl Gazetteer {
    #[cfg(any(test, feature = "train"))]
    pub fn from_lists(lists: &NameLists) -> Self {
        let mut codes: std::collections::BTreeMap<u32, u16> = std::collections::BTreeMap::new();
        let clean = |n: &str| -> Option<String> {
            let n = n.trim();
            (!n.is_empty() && !n.starts_with('#')).then(|| n.to_string())
        };
        for n in lists.given.iter().filter_map(|n| clean(n)) {
            *codes.entry(name_hash(&n)).or_default() |= 1 << CODE_GIVEN;
        }
        for n in words(WORLD_GIVEN) {
            *codes.entry(name_hash(&n)).or_default() |= 2 << CODE_GIVEN;
        }
        // The first (most frequent) rank of a name decides its bucket.
        for (rank, n) in lists.surnames.iter().filter_map(|n| clean(n)).enumerate() {
            let code = codes.entry(name_hash(&n)).or_default();
            set_field(code, CODE_SURNAME, 3, bucket(rank, [1000, 5000, 20000]));
        }
        for (n, births) in &lists.given_counts {
            let Some(n) = clean(n) else { continue };
            let b = match *births {
                b if b >= 100_000 => 1,
                b if b >= 10_000 => 2,
                _ => 3,
            };
            set_field(
                codes.entry(name_hash(&n)).or_default(),
                CODE_GIVEN_FREQ,
                2,
                b,
            );
        }
        for (n, logp_cap, lower_minus_cap) in &lists.capitalisation {
            let Some(n) = clean(n) else { continue };
            let band = match *lower_minus_cap {
                r if r < -2.0 => 1,
                r if r < -0.5 => 2,
                r if r < 0.5 => 3,
                r if r < 2.0 => 4,
                _ => 5,
            };
            let freq = match *logp_cap {
                p if p >= -11.0 => 1,
                p if p >= -14.0 => 2,
                _ => 3,
            };
            let code = codes.entry(name_hash(&n)).or_default();
            set_field(code, CODE_CAPS, 3, band);
            set_field(code, CODE_CAP_FREQ, 2, freq);
        }
        // Places and companies: a one-word name on the word's own entry, a longer one as a
        // phrase entry plus a flag on its first word.
        let mut add_phrase = |words: &[String], at: u16, bits: u16, value: u8| {
            if words.is_empty() || words.len() > MAX_PHRASE {
                return;
            }
            let key = if words.len() == 1 {
                (hash_str(&words[0]) >> 32) as u32
            } else {
                let first = codes.entry((hash_str(&words[0]) >> 32) as u32).or_default();
                *first |= 1 << CODE_PHRASE_START;
                (phrase_hash(words.iter().map(|w| hash_str(w))) >> 32) as u32
            };
            set_field(codes.entry(key).or_default(), at, bits, value);
        };
        for (n, population) in &lists.places {
            let Some(n) = clean(n) else { continue };
            let b = match *population {
                0 => 1, // countries and states
                p if p >= 1_000_000 => 1,
                p if p >= 100_000 => 2,
                _ => 3,
            };
            add_phrase(&phrase_words(&n), CODE_PLACE, 2, b);
        }
        for n in &lists.companies {
            let Some(n) = clean(n) else { continue };
            let mut w = phrase_words(&n);
            add_phrase(&w, CODE_COMPANY, 1, 1);
            // "Netflix, Inc." is known as "Netflix".
            let full = w.len();
            while w.len() > 1 && w.last().is_some_and(|l| LEGAL_FORMS.contains(&l.as_str())) {
                w.pop();
            }
            if w.len() < full {
                add_phrase(&w, CODE_COMPANY, 1, 1);
            }
        }
        let keys: Vec<u32> = codes.keys().copied().collect();
        let codes: Vec<u16> = codes.values().copied().collect();
        Self::new(&keys, &codes)
    }

    /// Appends the model-file form: `count: u32`, `count` keys (`u32`), `count` codes (`u16`).
    #[cfg(any(test, feature = "train"))]
    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&(self.len() as u32).to_le_bytes());
        out.extend_from_slice(&self.keys);
        out.extend_from_slice(&self.codes);
    }

    /// Reads the form [`Gazetteer::write`] writes from the front of `bytes`; `keep` decides
    /// whether its keys and codes are borrowed or copied. Checked whole either way: sorted,
    /// distinct keys and codes in range.
    pub fn read<'a>(
        bytes: &mut &'a [u8],
        keep: &impl Fn(&'a [u8]) -> Stored,
    ) -> Result<Self, Error> {
        let n = read_u32(bytes)? as usize;
        let size = |width: usize| {
            n.checked_mul(width)
                .ok_or_else(|| Error::Model("bad name list size".into()))
        };
        let keys = take(bytes, size(4)?)?;
        let codes = take(bytes, size(2)?)?;
        let gazetteer = Self {
            keys: keep(keys),
            codes: keep(codes),
        };
        if (0..n).any(|i| {
            let c = gazetteer.code(i);
            field(c, CODE_SURNAME, 3) > 4 || field(c, CODE_CAPS, 3) > 5
        }) {
            return Err(Error::Model("bad name code".into()));
        }
        if (1..n).any(|i| gazetteer.key(i - 1) >= gazetteer.key(i)) {
            return Err(Error::Model("name keys are not sorted".into()));
        }
        Ok(gazetteer)
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
    pub fn new(gazetteer: Gazetteer) -> Self {
        let mut starts = Vec::with_capacity(PREFIXES + 1);
        let mut at = 0usize;
        for prefix in 0..=PREFIXES {
            while at < gazetteer.len() && key_prefix(gazetteer.key(at)) < prefix {
                at += 1;
            }
            // The gazetteer's size fits a u32: its reader takes the count from one.
            starts.push(u32::try_from(at).unwrap_or(u32::MAX));
        }
        let mut lists = HashKeyMap::<Entry>::default();
        for w in words(TITLES) {
            lists.entry(short_key(hash_str(&w))).or_default().title = 1;
        }
        for w in words(HONORIFICS) {
            lists.entry(short_key(hash_str(&w))).or_default().title = 2;
        }
        for w in words(HEADS) {
            lists.entry(short_key(hash_str(&w))).or_default().head = true;
        }
        for w in words(PERSON_VERBS) {
            lists
                .entry(short_key(hash_str(&w)))
                .or_default()
                .person_verb = true;
        }
        Self {
            gazetteer,
            starts,
            lists,
        }
    }

    /// What the lists say about the kept 32 bits `key` of a hash, if any list names it.
    fn entry(&self, key: u32) -> Option<Entry> {
        let prefix = key_prefix(key);
        let range = self.starts[prefix] as usize..self.starts[prefix + 1] as usize;
        let found = self
            .gazetteer
            .find(range, key)
            .map(|i| decode(self.gazetteer.code(i)));
        match (found, self.lists.get(&spread(key))) {
            (None, None) => None,
            (found, None) => found,
            (found, Some(listed)) => {
                let mut entry = found.unwrap_or_default();
                entry.title = listed.title;
                entry.head = listed.head;
                entry.person_verb = listed.person_verb;
                Some(entry)
            }
        }
    }

    /// Honorifics, for the trainer to insert before names.
    #[cfg(feature = "train")]
    pub fn honorifics() -> Vec<String> {
        words(HONORIFICS).collect()
    }

    /// Looks up a phrase by [`phrase_hash`].
    pub fn get_phrase(&self, phrase: u64) -> Option<Entry> {
        self.entry(kept_bits(phrase))
    }

    /// Looks up a word by the hash of its folded form, without any trailing period.
    pub fn get(&self, folded_hash: u64) -> Entry {
        self.entry(kept_bits(folded_hash)).unwrap_or_default()
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

    /// The lexicon as a map of every entry, built the way the lexicon was before it looked
    /// entries up in the gazetteer itself: the reference for
    /// `lookups_agree_with_a_map_of_every_entry`.
    fn reference_map(gazetteer: &Gazetteer) -> HashKeyMap<Entry> {
        let mut map = HashKeyMap::<Entry>::default();
        for (key, code) in gazetteer.entries() {
            map.insert(spread(key), decode(code));
        }
        for (list, set) in [
            (TITLES, (|e: &mut Entry| e.title = 1) as fn(&mut Entry)),
            (HONORIFICS, |e: &mut Entry| e.title = 2),
            (HEADS, |e: &mut Entry| e.head = true),
            (PERSON_VERBS, |e: &mut Entry| e.person_verb = true),
        ] {
            for w in words(list) {
                set(map.entry(short_key(hash_str(&w))).or_default());
            }
        }
        map
    }

    #[test]
    fn lookups_agree_with_a_map_of_every_entry() {
        let model = crate::model::Model::from_bytes(crate::model::EMBEDDED).expect("model");
        let lex = Lexicon::new(model.gazetteer.clone());
        let map = reference_map(&model.gazetteer);
        assert!(
            map.len() > 100_000,
            "the embedded gazetteer is the real one"
        );
        for (&key, &entry) in &map {
            let kept = (key >> 32) as u32;
            assert_eq!(lex.entry(kept), Some(entry), "key {kept:#x}");
        }
        // Keys no list names, including ones beside listed keys and at both ends.
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut probes: Vec<u32> = vec![0, 1, u32::MAX, u32::MAX - 1];
        for (key, _) in model.gazetteer.entries().step_by(97) {
            probes.extend([key.wrapping_add(1), key.wrapping_sub(1)]);
        }
        for _ in 0..20_000 {
            state = crate::fold::fmix(state.wrapping_add(0x9E37_79B9_7F4A_7C15));
            probes.push((state >> 32) as u32);
        }
        for key in probes {
            assert_eq!(
                lex.entry(key),
                map.get(&spread(key)).copied(),
                "key {key:#x}"
            );
        }
    }

    fn lists() -> NameLists {
        let v = |s: &[&str]| s.iter().map(|x| (*x).to_string()).collect();
        NameLists {
            given: v(&["JOHN", "Zoë", "MARIO", "", "# comment"]),
            surnames: v(&["SMITH", "JONES", "John"]),
            given_counts: vec![("Mary".into(), 500_000), ("Zoë".into(), 3_000)],
            places: vec![
                ("Denver".into(), 700_000),
                ("Walnut Creek".into(), 70_000),
                ("St. Louis".into(), 300_000),
                ("Kenya".into(), 0),
            ],
            companies: v(&["Netflix, Inc.", "Lockheed Martin"]),
            capitalisation: vec![("Rich".into(), -12.4, 2.6), ("Denver".into(), -11.8, -2.8)],
        }
    }

    #[test]
    fn knows_names_titles_and_heads() {
        let lex = Lexicon::new(Gazetteer::from_lists(&lists()));
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
        assert_eq!(lex.lookup("Mary").given_freq, 1);
        assert_eq!(lex.lookup("Zoe").given_freq, 3);
        let denver = lex.lookup("Denver");
        assert_eq!((denver.place, denver.caps, denver.cap_freq), (2, 1, 2));
        assert_eq!((lex.lookup("rich").caps, lex.lookup("Rich").place), (5, 0));
        assert_eq!(lex.lookup("KENYA").place, 1);
        assert!(lex.lookup("Netflix").company);
        // Several words: a flag on the first word and an entry for the whole phrase.
        let phrase = |ws: &[&str]| {
            lex.get_phrase(phrase_hash(ws.iter().map(|w| hash_str(w))))
                .unwrap_or_default()
        };
        assert!(lex.lookup("Walnut").phrase_start && lex.lookup("Walnut").place == 0);
        assert_eq!(phrase(&["walnut", "creek"]).place, 3);
        assert_eq!(phrase(&["st", "louis"]).place, 2);
        assert!(phrase(&["lockheed", "martin"]).company);
        assert!(lex.lookup("Lockheed").phrase_start);
        assert_eq!(phrase(&["creek", "walnut"]), Entry::default());
    }

    #[test]
    fn gazetteer_round_trips_and_rejects_garbage() {
        let g = Gazetteer::from_lists(&lists());
        assert!(g.len() > 3000);
        let mut bytes = Vec::new();
        g.write(&mut bytes);
        let mut b = &bytes[..];
        let copy = |bytes: &[u8]| Stored::Owned(bytes.to_vec());
        assert_eq!(Gazetteer::read(&mut b, &copy).expect("reads"), g);
        assert!(b.is_empty());
        assert!(Gazetteer::read(&mut &bytes[..bytes.len() - 1], &copy).is_err());
        let mut bad = bytes.clone();
        let low = bad.len() - 2; // the low byte of the last code
        bad[low] = 0x1c; // surname bucket 7
        assert!(Gazetteer::read(&mut &bad[..], &copy).is_err());
        let mut bad = bytes.clone();
        let high = bad.len() - 1;
        bad[high] = 0x18; // capitalisation band 6
        assert!(Gazetteer::read(&mut &bad[..], &copy).is_err());
    }
}
