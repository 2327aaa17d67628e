//! Near-duplicate detection: the same agency story carried by ten sites is one group.
//!
//! Each body gets a 128-bit SimHash over its word 3-shingles (Charikar 2002; Manku et al.,
//! "Detecting near-duplicates for web crawling", 2007). Two bodies whose shingle sets have
//! cosine similarity `s` differ in about `128 * acos(s) / pi` bits, so a threshold of
//! [`MAX_DISTANCE`] bits groups copies whose shingle sets have a cosine of about 0.83 or more
//! (a rewritten first line, a trimmed last paragraph, a credit line added to a short story),
//! while two unrelated articles differ in 64 ± 6 bits, and two on the same topic in about
//! 52 ± 6, nowhere near it.
//!
//! Only articles published within a few days of each other are compared (copies of a story
//! appear together), one by one while a day has few. On busy days candidates are found with
//! 16 bands of 8 bits: a pair 24 bits apart shares at least one band with probability 0.97
//! (closer pairs more), and each band bucket holds about 1/256 of the day, so a lookup
//! checks about 1/16 of it with two popcounts each.

use std::collections::{HashMap, HashSet};

use rustc_hash::FxBuildHasher;
use std::hash::Hasher;

/// Bodies with fewer shingles than this are too short to call copies of anything.
const MIN_SHINGLES: usize = 24;
/// The most bits two fingerprints may differ in and still be near-duplicates.
pub const MAX_DISTANCE: u32 = 24;
const BANDS: usize = 16;

/// A body's 128-bit SimHash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint {
    pub lo: u64,
    pub hi: u64,
}

impl Fingerprint {
    #[cfg(test)]
    pub fn distance(self, other: Self) -> u32 {
        (self.lo ^ other.lo).count_ones() + (self.hi ^ other.hi).count_ones()
    }

    fn band(self, band: usize) -> u8 {
        let half = if band < 8 { self.lo } else { self.hi };
        // The shift keeps the byte's own bits; truncation to u8 is the point.
        #[allow(clippy::cast_possible_truncation)]
        let byte = (half >> ((band % 8) * 8)) as u8;
        byte
    }
}

/// Builds a [`Fingerprint`] one word at a time.
///
/// Per bit of the 128, the number of shingles that set it. Counting is bit-parallel: lane
/// `j` of `lanes` keeps eight byte-wide counters, for bits `j`, `j + 8`, ... `j + 56` of one
/// half, so one shift, mask and add counts eight bits; the bytes are emptied into `ones`
/// before they can overflow.
#[derive(Debug, Clone)]
pub struct Shingles {
    ones: [u32; 128],
    lanes: [u64; 16],
    in_lanes: u32,
    window: [u64; 3],
    words: usize,
}

const LOW_BITS: u64 = 0x0101_0101_0101_0101;

impl Default for Shingles {
    fn default() -> Self {
        Self {
            ones: [0; 128],
            lanes: [0; 16],
            in_lanes: 0,
            window: [0; 3],
            words: 0,
        }
    }
}

impl Shingles {
    pub fn push(&mut self, word: &str) {
        self.push_hash(word_hash(word));
    }

    /// [`Shingles::push`] for a word of [`word_hash`] `hash`, which the writer has already
    /// computed for the word.
    pub fn push_hash(&mut self, hash: u64) {
        self.window = [self.window[1], self.window[2], hash];
        self.words += 1;
        if self.words < 3 {
            return;
        }
        for (half, hash) in shingle_halves(self.window).into_iter().enumerate() {
            for lane in 0..8 {
                self.lanes[half * 8 + lane] += (hash >> lane) & LOW_BITS;
            }
        }
        self.in_lanes += 1;
        if self.in_lanes == 255 {
            self.flush();
        }
    }

    fn flush(&mut self) {
        for (index, lane) in self.lanes.iter_mut().enumerate() {
            let (half, shift) = (index / 8, index % 8);
            for byte in 0..8 {
                let count = (*lane >> (byte * 8)) & 0xff;
                self.ones[half * 64 + byte * 8 + shift] += count as u32;
            }
            *lane = 0;
        }
        self.in_lanes = 0;
    }

    /// The fingerprint, or `None` when the text was too short to compare.
    pub fn finish(&mut self) -> Option<Fingerprint> {
        self.flush();
        let shingles = self.words.saturating_sub(2);
        if shingles < MIN_SHINGLES {
            return None;
        }
        // A bit is set when more than half of the shingles set it.
        let half = |ones: &[u32]| {
            ones.iter()
                .enumerate()
                .filter(|(_, ones)| **ones as usize * 2 > shingles)
                .fold(0u64, |bits, (bit, _)| bits | (1 << bit))
        };
        Some(Fingerprint {
            lo: half(&self.ones[..64]),
            hi: half(&self.ones[64..]),
        })
    }
}

/// The 128 bits a shingle of three word hashes votes for. Rotations keep word order ("a b c"
/// is not "c b a").
fn shingle_halves(window: [u64; 3]) -> [u64; 2] {
    let shingle = mix(window[0].rotate_left(42) ^ window[1].rotate_left(21) ^ window[2]);
    [shingle, mix(shingle ^ 0x9e37_79b9_7f4a_7c15)]
}

/// FNV-1a over the word's bytes: stable across Rust versions and platforms, since
/// fingerprints are stored in the index and compared with ones computed by later builds.
pub(crate) fn word_hash(word: &str) -> u64 {
    let mut hasher = Fnv::default();
    hasher.write(word.as_bytes());
    hasher.finish()
}

/// FNV-1a as a `Hasher`: much cheaper than SipHash for the short words the writer keeps
/// sets of, and nothing here needs protection from chosen collisions.
#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// splitmix64's finaliser: spreads every input bit over every output bit.
pub(crate) fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A group identifier for an article that starts its own group: derived from its URL, never 0.
pub fn group_of_url(url: &str) -> u64 {
    mix(word_hash(url)).max(1)
}

/// The fingerprints of one day, each with its group: scanned in a row while there are few
/// (contiguous memory beats any index), banded once there are many.
#[derive(Debug, Default)]
struct Bands {
    /// Entry by entry: the fingerprints' low halves, their high halves and their groups, kept
    /// apart so that a scan reads the low halves alone, 8 bytes an entry, and the rest only
    /// for the few entries whose low half is near enough. Scanning the days around an
    /// article was a twentieth of all indexing work at a million articles.
    los: Vec<u64>,
    his: Vec<u64>,
    groups: Vec<u64>,
    /// `buckets[band * 256 + byte]`: entry numbers; built past [`SCAN_LIMIT`] entries.
    buckets: Vec<Vec<u32>>,
}

/// Up to this many fingerprints a day are compared one by one.
const SCAN_LIMIT: usize = 2_048;

impl Bands {
    fn fingerprint(&self, entry: usize) -> Fingerprint {
        Fingerprint {
            lo: self.los[entry],
            hi: self.his[entry],
        }
    }

    /// The closest fingerprint within [`MAX_DISTANCE`]: its distance and group.
    fn closest(&self, fingerprint: Fingerprint) -> Option<(u32, u64)> {
        let mut best: Option<(u32, usize)> = None;
        let mut consider = |entry: usize, near_lo: u32| {
            // The low half's distance alone is already too far for most entries.
            if near_lo > MAX_DISTANCE {
                return;
            }
            let distance = near_lo + (self.his[entry] ^ fingerprint.hi).count_ones();
            if distance <= MAX_DISTANCE && best.is_none_or(|b| (distance, entry) < b) {
                best = Some((distance, entry));
            }
        };
        if self.buckets.is_empty() {
            for (entry, lo) in self.los.iter().enumerate() {
                consider(entry, (lo ^ fingerprint.lo).count_ones());
            }
        } else {
            for band in 0..BANDS {
                let bucket = &self.buckets[band * 256 + usize::from(fingerprint.band(band))];
                for &entry in bucket {
                    let entry = entry as usize;
                    consider(entry, (self.los[entry] ^ fingerprint.lo).count_ones());
                }
            }
        }
        best.map(|(distance, entry)| (distance, self.groups[entry]))
    }

    fn insert(&mut self, fingerprint: Fingerprint, group: u64) {
        let Ok(entry) = u32::try_from(self.los.len()) else {
            // Past four billion articles a day new ones simply start their own groups.
            return;
        };
        self.los.push(fingerprint.lo);
        self.his.push(fingerprint.hi);
        self.groups.push(group);
        if self.buckets.is_empty() && self.los.len() > SCAN_LIMIT {
            self.buckets = vec![Vec::new(); BANDS * 256];
            for number in 0..self.los.len() {
                let fingerprint = self.fingerprint(number);
                let number = u32::try_from(number).unwrap_or(u32::MAX);
                for band in 0..BANDS {
                    self.buckets[band * 256 + usize::from(fingerprint.band(band))].push(number);
                }
            }
        } else if !self.buckets.is_empty() {
            for band in 0..BANDS {
                self.buckets[band * 256 + usize::from(fingerprint.band(band))].push(entry);
            }
        }
    }
}

/// Copies of a story are published within this many days of each other; a text that comes
/// back later (an anniversary piece) is a new story, and the window keeps lookups cheap
/// however large the archive grows.
pub const WINDOW_DAYS: i64 = 3;

/// The fingerprints of an archive by day of publication, each with its group; and, for a
/// generation that started empty, which URLs it holds.
#[derive(Debug, Default)]
pub struct DupIndex {
    by_day: HashMap<i64, Bands>,
    undated: Bands,
    /// Hashes of the URLs indexed so far, when every article of the index went through this
    /// writer (a rebuild); `None` when the index may hold articles it did not see.
    urls: Option<HashSet<u64, FxBuildHasher>>,
}

impl DupIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// For a generation that starts empty: also remembers which URLs were indexed, so that
    /// [`DupIndex::may_hold`] can tell a new URL from one to replace.
    pub fn empty_generation() -> Self {
        Self {
            urls: Some(HashSet::default()),
            ..Self::default()
        }
    }

    /// Whether the index may already hold an article at `url` (which then must be deleted
    /// before it is added again); notes the URL as held.
    ///
    /// Always true for an index this writer did not start empty. In a rebuild, URLs are new
    /// but for a page stored twice, and a delete for every article cost the writer one
    /// queued operation (a term query, kept until the commit) and one dictionary lookup per
    /// segment at the commit: a million of each, over dozens of segments, for nothing. Two
    /// URLs with one hash only cost a delete that finds nothing.
    pub fn may_hold(&mut self, url: &str) -> bool {
        match &mut self.urls {
            Some(urls) => !urls.insert(mix(word_hash(url))),
            None => true,
        }
    }

    /// The group of the closest known fingerprint within [`MAX_DISTANCE`]: among articles
    /// published within [`WINDOW_DAYS`] of `day` and undated ones; an undated article only
    /// among undated ones (comparing it with the whole archive would cost more than every
    /// dated lookup together, and a page without a date rarely carries a wire story).
    pub fn group_of(&self, fingerprint: Fingerprint, day: Option<i64>) -> Option<u64> {
        let days = day
            .into_iter()
            .flat_map(|day| day - WINDOW_DAYS..=day + WINDOW_DAYS);
        // The nearest; among equally near ones, the earliest (the undated pool last).
        days.filter_map(|d| self.by_day.get(&d))
            .chain(std::iter::once(&self.undated))
            .filter_map(|bands| bands.closest(fingerprint))
            .enumerate()
            .min_by_key(|&(order, (distance, _))| (distance, order))
            .map(|(_, (_, group))| group)
    }

    pub fn insert(&mut self, fingerprint: Fingerprint, day: Option<i64>, group: u64) {
        match day {
            Some(day) => self
                .by_day
                .entry(day)
                .or_default()
                .insert(fingerprint, group),
            None => self.undated.insert(fingerprint, group),
        }
    }

    /// The group of an article with this body, day (days since 1970) and URL; remembers it
    /// for the next.
    pub fn assign(&mut self, fingerprint: Option<Fingerprint>, day: Option<i64>, url: &str) -> u64 {
        let Some(fingerprint) = fingerprint else {
            return group_of_url(url);
        };
        let group = self
            .group_of(fingerprint, day)
            .unwrap_or_else(|| group_of_url(url));
        self.insert(fingerprint, day, group);
        group
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{folded_analyzer, tokens};

    /// What `Bands::closest` must answer: the nearest entry within [`MAX_DISTANCE`] (the
    /// first of equally near ones), among all entries while they are few and among those
    /// sharing a band once they are many.
    fn closest_by_hand(entries: &[(Fingerprint, u64)], query: Fingerprint) -> Option<(u32, u64)> {
        let banded = entries.len() > SCAN_LIMIT;
        entries
            .iter()
            .enumerate()
            .filter(|(_, (fingerprint, _))| {
                !banded || (0..BANDS).any(|band| fingerprint.band(band) == query.band(band))
            })
            .map(|(entry, (fingerprint, group))| (fingerprint.distance(query), entry, *group))
            .filter(|(distance, ..)| *distance <= MAX_DISTANCE)
            .min_by_key(|(distance, entry, _)| (*distance, *entry))
            .map(|(distance, _, group)| (distance, group))
    }

    /// Fingerprints near a few centres (some bits flipped) and random ones, in the scanned
    /// and the banded regime: the split layout answers as comparing whole fingerprints.
    #[test]
    fn closest_is_the_nearest_entry_in_both_regimes() {
        let mut state = 42u64;
        let mut next = || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            mix(state)
        };
        let centres: Vec<Fingerprint> = (0..8)
            .map(|_| Fingerprint {
                lo: next(),
                hi: next(),
            })
            .collect();
        let near = |next: &mut dyn FnMut() -> u64| {
            let centre = centres[(next() % 8) as usize];
            let (mut lo, mut hi) = (centre.lo, centre.hi);
            for _ in 0..next() % 30 {
                let bit = next() % 128;
                if bit < 64 {
                    lo ^= 1 << bit;
                } else {
                    hi ^= 1 << (bit - 64);
                }
            }
            Fingerprint { lo, hi }
        };
        let mut bands = Bands::default();
        let mut entries = Vec::new();
        let mut checked = 0;
        let mut found = 0;
        for n in 0..(SCAN_LIMIT + 600) {
            let fingerprint = if n % 3 == 0 {
                Fingerprint {
                    lo: next(),
                    hi: next(),
                }
            } else {
                near(&mut next)
            };
            if n % 7 == 0 || n > SCAN_LIMIT {
                let query = near(&mut next);
                let expected = closest_by_hand(&entries, query);
                assert_eq!(bands.closest(query), expected, "after {n} entries");
                checked += 1;
                found += usize::from(expected.is_some());
            }
            let group = next();
            bands.insert(fingerprint, group);
            entries.push((fingerprint, group));
        }
        assert!(!bands.buckets.is_empty());
        assert!(found > checked / 2, "{found} of {checked}");
    }

    fn of(text: &str) -> Option<Fingerprint> {
        let mut shingles = Shingles::default();
        for word in tokens(&mut folded_analyzer(), text) {
            shingles.push(&word);
        }
        shingles.finish()
    }

    const STORY: &str = "Ukraine and Russia agreed on Tuesday to resume grain shipments across \
        the Black Sea after talks in Istanbul, officials said, easing fears of a new food \
        crisis. The deal, brokered by Turkey and the United Nations, allows ships to sail \
        through a protected corridor from three Ukrainian ports. Insurers said premiums \
        would fall once the first convoy arrived safely. Wheat futures dropped four percent \
        in Chicago on the news, their biggest fall in a month. Farmers in the south of the \
        country said silos were full and the harvest had been waiting for weeks.";

    #[test]
    fn copies_with_small_edits_are_near_and_other_stories_far() {
        let original = of(STORY).unwrap();
        let edited = of(&format!(
            "{} Reporting by Jane Doe; editing by John Roe.",
            STORY.replace("on Tuesday", "on Tuesday evening")
        ))
        .unwrap();
        assert!(
            original.distance(edited) <= MAX_DISTANCE,
            "{}",
            original.distance(edited)
        );
        let other = of(
            "The central bank raised interest rates by a quarter point on Thursday, its \
             third rise this year, and signalled that more increases could follow if \
             inflation stays above target. Mortgage lenders said they would pass the rise \
             on to borrowers within days. Shares in house builders fell sharply in early \
             trading while the pound rose against the dollar and the euro.",
        )
        .unwrap();
        assert!(original.distance(other) > MAX_DISTANCE * 2);
        assert_eq!(of("Too short to compare."), None);
    }

    #[test]
    fn bit_parallel_counting_matches_counting_bit_by_bit() {
        let words: Vec<String> = (0..1_000).map(|i| format!("w{}", i % 377)).collect();
        let mut shingles = Shingles::default();
        let mut ones = [0u32; 128];
        for (i, word) in words.iter().enumerate() {
            shingles.push(word);
            if i >= 2 {
                let window = [
                    word_hash(&words[i - 2]),
                    word_hash(&words[i - 1]),
                    word_hash(word),
                ];
                for (half, hash) in shingle_halves(window).into_iter().enumerate() {
                    for bit in 0..64 {
                        ones[half * 64 + bit] += u32::from(hash >> bit & 1 == 1);
                    }
                }
            }
        }
        shingles.flush();
        assert_eq!(shingles.ones, ones);
    }

    #[test]
    fn banding_a_busy_day_finds_what_scanning_finds() {
        let near = of(STORY).unwrap();
        let mut bands = Bands::default();
        let mut rng = 7u64;
        for group in 0..(SCAN_LIMIT as u64 + 500) {
            rng = mix(rng);
            let (lo, hi) = (rng, mix(rng ^ 1));
            bands.insert(Fingerprint { lo, hi }, group + 100);
            if group == 10 {
                // One near copy among thousands of unrelated fingerprints.
                bands.insert(
                    Fingerprint {
                        lo: near.lo ^ 0b1011,
                        hi: near.hi,
                    },
                    1,
                );
            }
        }
        assert!(!bands.buckets.is_empty(), "banded past the limit");
        assert_eq!(bands.closest(near), Some((3, 1)));
    }

    #[test]
    fn a_copy_joins_the_first_articles_group() {
        let mut index = DupIndex::new();
        let day = Some(20_000);
        let first = index.assign(of(STORY), day, "https://a.example/1");
        let copy = index.assign(
            of(&STORY.replace("officials said", "officials told reporters")),
            Some(20_002),
            "https://b.example/2",
        );
        assert_ne!(
            index.assign(of(STORY), Some(20_000 + 365), "https://f.example/6"),
            first,
            "the same text a year later is a new story"
        );
        // An undated copy joins another undated copy, and a dated copy joins either.
        let undated = index.assign(of(STORY), None, "https://e.example/5");
        let undated_copy = index.assign(of(STORY), None, "https://g.example/7");
        assert_eq!(undated_copy, undated);
        assert_eq!(
            index.assign(of(STORY), Some(40_000), "https://h.example/8"),
            undated
        );
        let unrelated = index.assign(
            of(&STORY.split_whitespace().rev().collect::<Vec<_>>().join(" ")),
            day,
            "https://c.example/3",
        );
        assert_eq!(first, group_of_url("https://a.example/1"));
        assert_eq!(copy, first);
        assert_ne!(unrelated, first);
        assert_ne!(
            index.assign(None, day, "https://d.example/4"),
            first,
            "short texts stand alone"
        );
    }
}
