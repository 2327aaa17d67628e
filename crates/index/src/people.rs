//! The archive's persons: every name the extractor gave with the number of articles naming
//! it, kept beside each index generation in `persons.json` (rewritten at every commit, so a
//! rebuild regenerates it), and resolved through the alias table: `person:Starmer` finds the
//! articles naming "Keir Starmer", "Starmer" or "Sir Keir Starmer" once the archive says they
//! are one person.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use serde::{Deserialize, Serialize};
use tantivy::index::SegmentId;
use tantivy::{Searcher, SegmentReader};

use crate::Result;
use crate::error::io_error;
use crate::schema::exact_key;
use newsdex_persons::{AliasConfig, AliasTable};

const FILE: &str = "persons.json";
const PERSON_FIELD: &str = "person";
/// A segment's name ordinal that maps to no known person.
pub const UNKNOWN: u32 = u32::MAX;

/// `persons.json`: the names and the index state they were counted in.
#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    /// Segment ids and their deleted-document counts: the file is valid only for them.
    segments: Vec<String>,
    /// Each name as the extractor gave it, with the number of live articles naming it.
    names: Vec<(String, u64)>,
}

/// How a `person:` value resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonMatch {
    /// Index keys of every spelling that names the person.
    pub keys: Vec<String>,
    /// The archive's canonical name, when the value resolved to one person.
    pub canonical: Option<String>,
    /// Something the user should know (an ambiguous surname).
    pub note: Option<String>,
}

/// The persons of one index state, with the alias table over them.
#[derive(Debug)]
pub struct PersonDirectory {
    table: AliasTable,
    /// Canonical names; a person's number is its place here.
    canonicals: Vec<String>,
    number: HashMap<String, u32>,
    /// Each name as indexed -> its canonical person's number.
    of_name: HashMap<String, u32>,
    /// Per person number, the index keys of its spellings.
    keys: Vec<Vec<String>>,
    /// Per person number, each name as indexed with the articles naming it that way.
    spellings: Vec<Vec<(String, u64)>>,
    /// The index key of each of `table.persons()`, in its order.
    person_keys: Vec<String>,
    /// Per segment, name ordinal -> person number (built on first use).
    segment_maps: Mutex<HashMap<SegmentId, Arc<Vec<u32>>>>,
}

fn signature(searcher: &Searcher) -> Vec<String> {
    searcher
        .segment_readers()
        .iter()
        .map(|segment| {
            format!(
                "{}:{}",
                segment.segment_id().uuid_string(),
                segment.num_deleted_docs()
            )
        })
        .collect()
}

/// Per segment (by id and deleted-document count, as in [`signature`]), its names with their
/// article counts. Segments never change once written, so a writer counts each one once
/// instead of counting the whole archive again at every commit.
#[derive(Debug, Default)]
pub struct NameCache {
    segments: HashMap<String, Vec<(String, u64)>>,
}

/// Every name in the live documents with its article count; segments already in `cache` are
/// not read again, and the cache keeps only `searcher`'s segments afterwards.
fn count_names(searcher: &Searcher, cache: &mut NameCache) -> Result<Vec<(String, u64)>> {
    let mut counts: HashMap<String, u64> = HashMap::new();
    let mut kept = HashMap::with_capacity(searcher.segment_readers().len());
    for (segment, key) in searcher.segment_readers().iter().zip(signature(searcher)) {
        let names = match cache.segments.remove(&key) {
            Some(names) => names,
            None => count_segment(segment)?,
        };
        for (name, count) in &names {
            *counts.entry(name.clone()).or_default() += count;
        }
        kept.insert(key, names);
    }
    cache.segments = kept;
    let mut names: Vec<(String, u64)> = counts.into_iter().collect();
    names.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(names)
}

/// The names of one segment's live documents with their article counts.
fn count_segment(segment: &SegmentReader) -> Result<Vec<(String, u64)>> {
    let Some(column) = segment.fast_fields().str(PERSON_FIELD)? else {
        return Ok(Vec::new());
    };
    let mut per_ord = vec![0u64; column.num_terms()];
    let alive = segment.alive_bitset();
    for doc in 0..segment.max_doc() {
        if alive.is_some_and(|alive| !alive.is_alive(doc)) {
            continue;
        }
        let mut previous = None;
        for ord in column.term_ords(doc) {
            // A name listed twice in one article counts once.
            if previous != Some(ord) {
                per_ord[ord as usize] += 1;
            }
            previous = Some(ord);
        }
    }
    let mut names = Vec::new();
    for_each_term(&column, |ord, name| {
        if per_ord[ord] > 0 {
            names.push((name.to_owned(), per_ord[ord]));
        }
    })?;
    Ok(names)
}

/// Calls `visit(ordinal, value)` for every value of a string column, in ordinal order.
fn for_each_term(
    column: &tantivy::columnar::StrColumn,
    mut visit: impl FnMut(usize, &str),
) -> Result<()> {
    let mut stream = column
        .dictionary()
        .stream()
        .map_err(io_error(PERSON_FIELD))?;
    let mut ord = 0;
    while stream.advance() {
        if let Ok(value) = std::str::from_utf8(stream.key()) {
            visit(ord, value);
        }
        ord += 1;
    }
    Ok(())
}

/// Counts the names of `searcher`'s documents and writes them beside the generation `dir`.
pub fn write(dir: &Path, searcher: &Searcher, cache: &mut NameCache) -> Result<()> {
    let stored = Stored {
        segments: signature(searcher),
        names: count_names(searcher, cache)?,
    };
    let path = dir.join(FILE);
    let tmp = dir.join(format!("{FILE}.tmp"));
    #[allow(clippy::expect_used)]
    let json = serde_json::to_vec(&stored)
        .expect("lists of strings and numbers always serialise: no map keys");
    std::fs::write(&tmp, json).map_err(io_error(&tmp))?;
    std::fs::rename(&tmp, &path).map_err(io_error(&path))?;
    Ok(())
}

/// The directory for `searcher`'s documents: from `persons.json` when it was written for
/// exactly these segments, else counted afresh (after a crash between a commit and the
/// file's update, or when another process committed since).
pub fn load(dir: &Path, searcher: &Searcher) -> Result<PersonDirectory> {
    let path = dir.join(FILE);
    let stored = std::fs::read(&path)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Stored>(&bytes).ok())
        .filter(|stored| stored.segments == signature(searcher));
    let names = match stored {
        Some(stored) => stored.names,
        None => count_names(searcher, &mut NameCache::default())?,
    };
    Ok(PersonDirectory::new(&names))
}

impl PersonDirectory {
    pub fn new(names: &[(String, u64)]) -> Self {
        let table = AliasTable::new(
            names.iter().map(|(name, count)| (name.as_str(), *count)),
            &AliasConfig::default(),
        );
        let person_keys = table
            .persons()
            .iter()
            .map(|(name, _)| exact_key(name))
            .collect();
        let mut directory = Self {
            person_keys,
            canonicals: Vec::new(),
            number: HashMap::new(),
            of_name: HashMap::new(),
            keys: Vec::new(),
            spellings: Vec::new(),
            segment_maps: Mutex::default(),
            table,
        };
        for (name, articles) in names {
            let canonical = directory.table.canonical(name).to_owned();
            let number = match directory.number.get(&canonical) {
                Some(&number) => number,
                None => {
                    let number = u32::try_from(directory.canonicals.len()).unwrap_or(UNKNOWN);
                    directory.canonicals.push(canonical.clone());
                    directory.keys.push(Vec::new());
                    directory.spellings.push(Vec::new());
                    directory.number.insert(canonical, number);
                    number
                }
            };
            let key = exact_key(name);
            let keys = &mut directory.keys[number as usize];
            if !keys.contains(&key) {
                keys.push(key);
            }
            directory.spellings[number as usize].push((name.clone(), *articles));
            directory.of_name.insert(name.clone(), number);
        }
        directory
    }

    /// The names that resolve to person number `number`, most articles first.
    pub fn spellings(&self, number: u32) -> Vec<(String, u64)> {
        let mut names = self
            .spellings
            .get(number as usize)
            .cloned()
            .unwrap_or_default();
        names.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        names
    }

    /// Distinct canonical persons.
    pub fn len(&self) -> usize {
        self.table.persons().len()
    }

    /// The canonical name of person number `number`.
    pub fn name(&self, number: u32) -> &str {
        &self.canonicals[number as usize]
    }

    /// How many person numbers there are (canonical persons and unresolved names).
    pub fn numbers(&self) -> usize {
        self.canonicals.len()
    }

    /// The archive's name for a name from one article.
    pub fn canonical<'a>(&'a self, name: &'a str) -> &'a str {
        self.table.canonical(name)
    }

    /// The person number a `person:` value resolves to, if any.
    pub fn number_of(&self, query: &str) -> Option<u32> {
        let canonical = self.table.resolve(query)?;
        self.number.get(canonical).copied()
    }

    /// What a `person:` value matches: every spelling of the person it resolves to, or the
    /// value as written when it names nobody known or several persons.
    pub fn resolve(&self, query: &str) -> PersonMatch {
        let written = exact_key(query);
        if let Some(canonical) = self.table.resolve(query) {
            let keys = self
                .number
                .get(canonical)
                .map_or_else(|| vec![written], |&n| self.keys[n as usize].clone());
            return PersonMatch {
                keys,
                canonical: Some(canonical.to_owned()),
                note: None,
            };
        }
        let note = self.table.is_ambiguous(query).then(|| {
            let surname = written.rsplit(' ').next().unwrap_or_default();
            let mut holders: Vec<&str> = self
                .table
                .persons()
                .iter()
                .filter(|(name, _)| {
                    let key = exact_key(name);
                    key.contains(' ') && key.rsplit(' ').next() == Some(surname)
                })
                .take(5)
                .map(|(name, _)| name.as_str())
                .collect();
            holders.sort_unstable();
            format!(
                "`{query}` could be any of {}; showing only articles that name `{query}` alone (use a full name to pick one)",
                holders.join(", ")
            )
        });
        PersonMatch {
            keys: vec![written],
            canonical: None,
            note,
        }
    }

    /// The known person closest in spelling to `query` (a typo in a name), if one is close.
    /// A name that is some known person's surname exactly is not a typo: it names several
    /// persons or nobody alone, and is never turned into one of them.
    pub fn suggest(&self, query: &str) -> Option<&str> {
        let written = exact_key(query);
        let budget = match written.chars().count() {
            0..=3 => return None,
            4..=6 => 1,
            _ => 2,
        };
        // (distance, more articles first), the name, and the surname when it was the match.
        type Candidate<'a> = ((usize, std::cmp::Reverse<u64>), &'a str, Option<&'a str>);
        let mut best: Option<Candidate> = None;
        for ((name, articles), key) in self.table.persons().iter().zip(&self.person_keys) {
            let surname = key.rsplit(' ').next().unwrap_or(key);
            if surname == written {
                return None;
            }
            let (whole, alone) = (levenshtein(&written, key), levenshtein(&written, surname));
            let rank = (whole.min(alone), std::cmp::Reverse(*articles));
            if rank.0 <= budget && best.is_none_or(|(b, _, _)| rank < b) {
                best = Some((rank, name, (alone < whole).then_some(surname)));
            }
        }
        match best? {
            // A misspelt surname that several persons share still names none of them.
            (_, _, Some(surname)) if self.table.is_ambiguous(surname) => None,
            (_, name, _) => Some(name),
        }
    }

    /// For one segment, each name ordinal's person number ([`UNKNOWN`] for none).
    pub fn segment_map(&self, segment: &SegmentReader) -> Result<Arc<Vec<u32>>> {
        let id = segment.segment_id();
        if let Some(map) = self
            .segment_maps
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&id)
        {
            return Ok(Arc::clone(map));
        }
        let map = match segment.fast_fields().str(PERSON_FIELD)? {
            Some(column) => {
                let mut map = vec![UNKNOWN; column.num_terms()];
                for_each_term(&column, |ord, name| {
                    map[ord] = self.of_name.get(name).copied().unwrap_or(UNKNOWN);
                })?;
                map
            }
            None => Vec::new(),
        };
        let map = Arc::new(map);
        self.segment_maps
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, Arc::clone(&map));
        Ok(map)
    }
}

/// Edit distance between two short strings, by characters.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::tests::{article, person};
    use crate::{ArticleIndex, Config};

    #[test]
    fn counts_kept_per_segment_match_a_fresh_count_after_replacements() {
        let dir = tempfile::tempdir().unwrap();
        let index = ArticleIndex::open(dir.path(), &Config::default()).unwrap();
        let mut writer = index.writer().unwrap();
        let mut cache = NameCache::default();
        let batches: [&[(&str, &[&str])]; 3] = [
            &[
                ("1", &["Keir Starmer", "Emmanuel Macron"]),
                ("2", &["Keir Starmer"]),
            ],
            // Replaces article 1 (a delete in the first segment) and adds one.
            &[("1", &["Emmanuel Macron"]), ("3", &["Giorgia Meloni"])],
            &[("2", &["Giorgia Meloni"]), ("4", &["Keir Starmer"])],
        ];
        for batch in batches {
            for (n, names) in batch {
                let persons: Vec<_> = names.iter().map(|name| person(name)).collect();
                let url = format!("https://a.example/{n}");
                writer
                    .upsert(&article(&url, "Title", "text"), &persons)
                    .unwrap();
            }
            writer.commit().unwrap();
            let searcher = index.reader.searcher();
            let cached = count_names(&searcher, &mut cache).unwrap();
            let fresh = count_names(&searcher, &mut NameCache::default()).unwrap();
            assert_eq!(cached, fresh);
            assert_eq!(cache.segments.len(), searcher.segment_readers().len());
        }
        let searcher = index.reader.searcher();
        assert_eq!(
            count_names(&searcher, &mut cache).unwrap(),
            [
                ("Giorgia Meloni".to_owned(), 2),
                ("Emmanuel Macron".to_owned(), 1),
                ("Keir Starmer".to_owned(), 1),
            ]
        );
    }

    fn directory() -> PersonDirectory {
        PersonDirectory::new(&[
            ("Keir Starmer".into(), 30),
            ("Starmer".into(), 4),
            ("KEIR STARMER".into(), 1),
            ("Boris Johnson".into(), 60),
            ("Mike Johnson".into(), 40),
            ("Johnson".into(), 9),
        ])
    }

    #[test]
    fn a_surname_finds_every_spelling_of_its_person() {
        let d = directory();
        let found = d.resolve("starmer");
        assert_eq!(found.canonical.as_deref(), Some("Keir Starmer"));
        assert_eq!(found.keys, ["keir starmer", "starmer"]);
        assert_eq!(d.resolve("Sir Keir Starmer").keys, found.keys);
        assert_eq!(d.number_of("Starmer"), d.number_of("keir starmer"));
    }

    #[test]
    fn a_shared_surname_matches_only_as_written_and_says_so() {
        let found = directory().resolve("Johnson");
        assert_eq!(found.canonical, None);
        assert_eq!(found.keys, ["johnson"]);
        let note = found.note.unwrap();
        assert!(note.contains("Boris Johnson, Mike Johnson"), "{note}");
    }

    #[test]
    fn a_misspelt_name_suggests_the_closest_person() {
        let d = directory();
        assert_eq!(d.suggest("Keir Stramer"), Some("Keir Starmer"));
        assert_eq!(d.suggest("Starmr"), Some("Keir Starmer"));
        assert_eq!(d.suggest("Zelensky"), None);
        assert_eq!(d.suggest("Johnsen"), None, "a typo of a shared surname");
        assert_eq!(d.suggest("Boris Johnsen"), Some("Boris Johnson"));
        assert_eq!(d.suggest("Johnson"), None, "a shared surname is not a typo");
        assert_eq!(levenshtein("kitten", "sitting"), 3);
    }
}

/// A person as the archive knows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonNames {
    /// The canonical name.
    pub name: String,
    /// Every name the archive resolves to them, with the articles naming them that way (an
    /// article can use several), most articles first.
    pub names: Vec<crate::FacetValue>,
}

impl crate::ArticleIndex {
    /// The person `name` resolves to (by any of their names, as `person:` does) and the names
    /// that resolve to them; `None` when it names nobody known, or several persons.
    pub fn person(&self, name: &str) -> Result<Option<PersonNames>> {
        let searcher = self.reader.searcher();
        let people = self.people(&searcher)?;
        Ok(people.number_of(name).map(|number| PersonNames {
            name: people.name(number).to_owned(),
            names: people
                .spellings(number)
                .into_iter()
                .map(|(value, count)| crate::FacetValue { value, count })
                .collect(),
        }))
    }
}
