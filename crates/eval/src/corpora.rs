//! Readers for the extra training corpora under `../shared/data/ner-extra/` (GUM, WNUT-17, the
//! Broad Twitter Corpus, CrossNER): token-per-line BIO files turned into [`TrainingDoc`]s with
//! their entity types mapped onto the tagger's four (person, organisation, place, other), so the
//! tagger learns what a capitalised product, platform, venue or work looks like in modern text.
//!
//! Conventions are aligned with CoNLL-2003 and with what newsdex extracts:
//! - a title before a person's name is not part of it (GUM spans include "President Biden"), and
//!   a bare title ("President") or a plural proper noun ("Americans", "Democrats") that GUM marks
//!   as a person is a group or a role, typed as other;
//! - social-media handles and hashtags (`@dianeabbott`, `#Obama`) are not names: their `@`/`#`
//!   and the word after are joined into one token and left untagged, whatever the corpus says.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::Context;
use newsdex_persons::{Entity, EntityKind, TrainingDoc};

/// One sentence of a BIO file.
#[derive(Debug, Clone, Default)]
struct Sentence {
    /// The document it belongs to, when the file says (GUM's `# doc = ...`).
    doc: Option<String>,
    tokens: Vec<String>,
    labels: Vec<String>,
    /// Part-of-speech tags, when the file has them (GUM).
    pos: Vec<String>,
}

/// Parses a token-per-line file: `token [TAB pos] TAB label`, blank lines between sentences,
/// `# doc = NAME ...` comment lines naming the document of the sentence that follows.
fn parse_bio(src: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut cur = Sentence::default();
    let mut doc: Option<String> = None;
    let flush = |cur: &mut Sentence, out: &mut Vec<Sentence>, doc: &Option<String>| {
        if !cur.tokens.is_empty() {
            cur.doc.clone_from(doc);
            out.push(std::mem::take(cur));
        }
    };
    for line in src.lines() {
        let line = line.trim_end_matches(['\r', '\n']);
        if let Some(rest) = line.strip_prefix("# doc = ") {
            flush(&mut cur, &mut out, &doc);
            doc = rest.split('\t').next().map(|s| s.trim().to_string());
            continue;
        }
        if line.trim().is_empty() {
            flush(&mut cur, &mut out, &doc);
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let (token, label) = match cols.as_slice() {
            [t, l] => (*t, *l),
            [t, p, l] => {
                cur.pos.push((*p).to_string());
                (*t, *l)
            }
            _ => continue,
        };
        if token.trim().is_empty() {
            continue;
        }
        cur.tokens.push(token.trim().to_string());
        cur.labels.push(label.trim().to_string());
    }
    flush(&mut cur, &mut out, &doc);
    out
}

/// How a corpus's entity types map onto the tagger's: `None` is no entity.
type KindMap = fn(&str) -> Option<EntityKind>;

fn gum_kind(t: &str) -> Option<EntityKind> {
    match t {
        "person" => Some(EntityKind::Person),
        "organization" => Some(EntityKind::Organisation),
        "place" => Some(EntityKind::Location),
        "object" | "abstract" | "event" | "animal" | "substance" | "plant" => {
            Some(EntityKind::Misc)
        }
        _ => None, // time, quantity: CoNLL leaves dates and numbers untagged
    }
}

fn wnut_kind(t: &str) -> Option<EntityKind> {
    match t {
        "person" => Some(EntityKind::Person),
        "corporation" | "group" => Some(EntityKind::Organisation),
        "location" => Some(EntityKind::Location),
        "product" | "creative-work" => Some(EntityKind::Misc),
        _ => None,
    }
}

fn conll_kind(t: &str) -> Option<EntityKind> {
    match t {
        "PER" => Some(EntityKind::Person),
        "ORG" => Some(EntityKind::Organisation),
        "LOC" => Some(EntityKind::Location),
        "MISC" => Some(EntityKind::Misc),
        _ => None,
    }
}

fn crossner_kind(t: &str) -> Option<EntityKind> {
    match t {
        "person" | "politician" | "writer" | "musicalartist" | "scientist" | "researcher" => {
            Some(EntityKind::Person)
        }
        "organisation" | "band" | "politicalparty" | "university" | "magazine"
        | "academicjournal" | "conference" => Some(EntityKind::Organisation),
        "country" | "location" => Some(EntityKind::Location),
        "" | "O" => None,
        // Works, awards, elections, events, products, languages, genres, algorithms, ...
        _ => Some(EntityKind::Misc),
    }
}

/// Whether a token is a title or honorific by itself ("President", "Mr.", "Sen").
fn looks_like_title(tok: &str) -> bool {
    const TITLES: &[&str] = &[
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "prof",
        "professor",
        "sir",
        "dame",
        "lord",
        "lady",
        "president",
        "senator",
        "sen",
        "rep",
        "representative",
        "governor",
        "gov",
        "mayor",
        "minister",
        "chancellor",
        "king",
        "queen",
        "prince",
        "princess",
        "pope",
        "saint",
        "st",
        "general",
        "gen",
        "captain",
        "capt",
        "colonel",
        "col",
        "judge",
        "justice",
        "rev",
        "reverend",
        "father",
        "brother",
        "sister",
        "uncle",
        "aunt",
        "coach",
        "chairman",
        "secretary",
        "ambassador",
        "commissioner",
        "sheriff",
        "officer",
        "detective",
        "sergeant",
        "sgt",
        "lieutenant",
        "lt",
        "major",
        "admiral",
        "premier",
        "emperor",
        "empress",
        "duke",
        "duchess",
        "count",
        "countess",
        "baron",
        "bishop",
        "cardinal",
        "rabbi",
        "imam",
        "sheikh",
        "vice",
        "deputy",
        "chief",
        "former",
        "late",
        "speaker",
        "leader",
        "director",
        "ceo",
    ];
    let t = tok.trim_end_matches('.').to_lowercase();
    TITLES.contains(&t.as_str())
}

/// Entity spans of one sentence, as token ranges with their kinds, after the conventions above.
fn spans(s: &Sentence, map: KindMap, gum: bool) -> Vec<(usize, usize, EntityKind)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.labels.len() {
        let (prefix, ty) = s.labels[i].split_once('-').unwrap_or(("O", ""));
        if prefix != "B" && prefix != "I" {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < s.labels.len() && s.labels[j].split_once('-') == Some(("I", ty)) {
            j += 1;
        }
        if let Some(kind) = map(ty) {
            out.push((i, j, kind));
        }
        i = j;
    }
    let out = tidy(s, out);
    if !gum {
        return out;
    }
    out.into_iter()
        .filter_map(|(mut a, b, kind)| {
            if kind != EntityKind::Person {
                return Some((a, b, kind));
            }
            // Titles are outside the name, as in CoNLL.
            while a < b && looks_like_title(&s.tokens[a]) {
                a += 1;
            }
            if a == b {
                return None; // a bare title: no name
            }
            // A name ending in a plural proper noun is a group ("Americans", "African
            // Americans", "Democrats").
            let plural = s.pos.get(b - 1).is_some_and(|p| p == "NNPS");
            Some((a, b, if plural { EntityKind::Misc } else { kind }))
        })
        .collect()
}

/// A token that never ends or starts an entity: punctuation only, or a clitic (`'s`).
fn is_edge_junk(tok: &str) -> bool {
    !tok.chars().any(char::is_alphanumeric)
        || matches!(
            tok.to_lowercase().as_str(),
            "'s" | "\u{2019}s" | "'" | "\u{2019}"
        )
}

/// Entity spans trimmed of punctuation and possessives at their edges, and person spans split
/// where a possessive, a bracket, a comma or a semicolon stands inside them: the corpora tag
/// "Philly 's" and "Lindsay ( Davenport" as one entity now and then, and a tagger taught that
/// crosses those into the next name ("Burma 's Suu Kyi").
fn tidy(s: &Sentence, spans: Vec<(usize, usize, EntityKind)>) -> Vec<(usize, usize, EntityKind)> {
    let mut out = Vec::with_capacity(spans.len());
    for (a, b, kind) in spans {
        let mut pieces = vec![(a, b)];
        if kind == EntityKind::Person {
            pieces.clear();
            let mut from = a;
            for k in a..b {
                let t = s.tokens[k].as_str();
                let cut = matches!(t, "," | "(" | ")" | ";" | "[" | "]" | "\"" | "|")
                    || t.eq_ignore_ascii_case("'s")
                    || t.eq_ignore_ascii_case("\u{2019}s");
                if cut {
                    pieces.push((from, k));
                    from = k + 1;
                }
            }
            pieces.push((from, b));
        }
        for (mut x, mut y) in pieces {
            while x < y && is_edge_junk(&s.tokens[x]) {
                x += 1;
            }
            while y > x && is_edge_junk(&s.tokens[y - 1]) {
                y -= 1;
            }
            if x < y {
                out.push((x, y, kind));
            }
        }
    }
    out
}

/// Appends one sentence to `doc`'s text (tokens joined by spaces, on a line of its own) with its
/// entities. `@`/`#` before a word join it, and handles, hashtags and URLs are never entities.
fn append(doc: &mut TrainingDoc, chars: &mut usize, s: &Sentence, map: KindMap, gum: bool) {
    if !doc.text.is_empty() {
        doc.text.push('\n');
        *chars += 1;
    }
    let ents = spans(s, map, gum);
    // Character range of each token in the rebuilt text.
    let mut at: Vec<(usize, usize)> = Vec::with_capacity(s.tokens.len());
    let mut handle = vec![false; s.tokens.len()];
    let mut glue = false; // the previous token was a lone `@` or `#`
    for (k, tok) in s.tokens.iter().enumerate() {
        if k > 0 && !glue {
            doc.text.push(' ');
            *chars += 1;
        }
        let start = *chars;
        doc.text.push_str(tok);
        *chars += tok.chars().count();
        at.push((start, *chars));
        handle[k] = glue
            || tok.starts_with(['@', '#'])
            || tok.starts_with("http")
            || tok.starts_with("www.");
        glue = tok == "@" || tok == "#";
        if glue {
            handle[k] = true;
        }
    }
    for (a, b, kind) in ents {
        if handle[a..b].iter().any(|&h| h) {
            continue;
        }
        doc.entities.push(Entity {
            start: at[a].0,
            end: at[b - 1].1,
            kind,
        });
    }
}

/// Documents from sentences: consecutive sentences of one named document go together (GUM);
/// sentences without a document name are documents of their own (tweets, Wikipedia sentences).
fn documents(sentences: &[Sentence], map: KindMap, gum: bool) -> Vec<TrainingDoc> {
    let mut out: Vec<TrainingDoc> = Vec::new();
    let mut last: Option<&str> = None;
    let mut chars = 0;
    for s in sentences {
        let same = s.doc.is_some() && s.doc.as_deref() == last;
        if !same {
            out.push(TrainingDoc::default());
            chars = 0;
        }
        last = s.doc.as_deref();
        if let Some(doc) = out.last_mut() {
            append(doc, &mut chars, s, map, gum);
        }
    }
    out
}

/// Relabels as other entities the person spans of `docs` that end in a word CoNLL-2003 marks
/// as a nationality, religion or group (`groups`, lower case): the extra corpora tag "Native
/// American", "Hispanic" or "Republican" as persons now and then, and a tagger taught that
/// finds persons in "a Somali American mayor".
pub fn relabel_groups(docs: &mut [TrainingDoc], groups: &HashSet<String>) {
    for doc in docs {
        let chars: Vec<char> = doc.text.chars().collect();
        for e in &mut doc.entities {
            if e.kind != EntityKind::Person || e.end > chars.len() || e.start >= e.end {
                continue;
            }
            let span: String = chars[e.start..e.end].iter().collect();
            let last = span
                .split_whitespace()
                .last()
                .unwrap_or_default()
                .to_lowercase();
            if groups.contains(&last) {
                e.kind = EntityKind::Misc;
            }
        }
    }
}

/// Words CoNLL-2003 tags as a one-word MISC entity at least twice and never as part of a
/// person: nationalities, religions, parties' adjectives ("American", "Muslim", "Republican").
pub fn group_words(conll: &[TrainingDoc]) -> HashSet<String> {
    let mut misc: HashMap<String, u32> = HashMap::new();
    let mut person = HashSet::new();
    for doc in conll {
        let chars: Vec<char> = doc.text.chars().collect();
        for e in &doc.entities {
            let (a, b) = (e.start.min(chars.len()), e.end.min(chars.len()));
            let span: String = chars[a..b].iter().collect();
            match e.kind {
                EntityKind::Misc if !span.contains(' ') => {
                    *misc.entry(span.to_lowercase()).or_default() += 1;
                }
                EntityKind::Person => {
                    person.extend(span.split_whitespace().map(str::to_lowercase));
                }
                _ => {}
            }
        }
    }
    misc.into_iter()
        .filter(|(w, n)| *n >= 2 && !person.contains(w))
        .map(|(w, _)| w)
        .collect()
}

/// One extra corpus, read.
#[derive(Debug, Clone)]
pub struct Corpus {
    /// The corpus's name, as the training report gives it.
    pub name: &'static str,
    /// Its documents, with their gold person spans.
    pub docs: Vec<TrainingDoc>,
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read `{}`", path.display()))
}

fn read_files(
    name: &'static str,
    files: &[PathBuf],
    map: KindMap,
    gum: bool,
) -> anyhow::Result<Corpus> {
    let mut docs = Vec::new();
    for f in files {
        docs.extend(documents(&parse_bio(&read(f)?), map, gum));
    }
    Ok(Corpus { name, docs })
}

/// The names of the corpora [`read_corpus`] knows, in the order the trainer adds them.
pub const CORPORA: &[&str] = &["gum-by", "gum-bysa", "wnut17", "btc", "crossner"];

/// Reads one extra corpus by name (see [`CORPORA`]) from `shared/data/ner-extra/`.
pub fn read_corpus(shared: &Path, name: &str) -> anyhow::Result<Corpus> {
    let dir = shared.join("data/ner-extra");
    let splits = |sub: &str, pattern: &str| -> Vec<PathBuf> {
        ["train", "dev", "test"]
            .iter()
            .map(|s| dir.join(sub).join(pattern.replace("{}", s)))
            .collect()
    };
    match name {
        "gum-by" => read_files("gum-by", &splits("gum", "gum_by_{}.bio"), gum_kind, true),
        "gum-bysa" => read_files(
            "gum-bysa",
            &splits("gum", "gum_bysa_{}.bio"),
            gum_kind,
            true,
        ),
        "wnut17" => read_files(
            "wnut17",
            &[
                dir.join("wnut17/wnut17train.conll"),
                dir.join("wnut17/emerging.dev.conll"),
                dir.join("wnut17/emerging.test.annotated"),
            ],
            wnut_kind,
            false,
        ),
        "btc" => read_files(
            "btc",
            &["a", "b", "e", "f", "g", "h"]
                .iter()
                .map(|s| dir.join(format!("btc/{s}.conll")))
                .collect::<Vec<_>>(),
            conll_kind,
            false,
        ),
        "crossner" => {
            let files: Vec<PathBuf> = ["ai", "literature", "music", "politics", "science"]
                .iter()
                .flat_map(|d| splits(&format!("crossner/{d}"), "{}.txt"))
                .collect();
            read_files("crossner", &files, crossner_kind, false)
        }
        other => anyhow::bail!("unknown corpus `{other}` (known: {})", CORPORA.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A token-per-line file in the readers' format from invented rows: columns separated by
    /// spaces here become tabs, `""` ends a sentence and `#doc NAME` names the document of the
    /// sentences after it. The real corpora are only ever read from `../shared` (see
    /// `the_shared_corpora_read_into_documents`).
    fn rows(rows: &[&str]) -> String {
        let mut out = String::new();
        for row in rows {
            match row.strip_prefix("#doc ") {
                Some(name) => out.push_str(&format!("# doc = {name}\tgenre = news\n")),
                None => out.push_str(&row.split(' ').collect::<Vec<_>>().join("\t")),
            }
            out.push('\n');
        }
        out
    }

    /// Every extra corpus, as `../shared/data/ner-extra` holds it, reads into documents whose
    /// entities lie inside their text, persons among them.
    #[test]
    #[allow(clippy::print_stderr)] // the skip notice the project asks for
    fn the_shared_corpora_read_into_documents() {
        let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
        if !shared.join("data/ner-extra").is_dir() {
            eprintln!(
                "notice: ../shared/data/ner-extra is absent; the corpus readers are not checked against it"
            );
            return;
        }
        for name in CORPORA {
            let corpus = read_corpus(&shared, name).unwrap();
            assert!(!corpus.docs.is_empty(), "{name}: no documents");
            let mut persons = 0;
            for doc in &corpus.docs {
                let len = doc.text.chars().count();
                for entity in &doc.entities {
                    assert!(
                        entity.start < entity.end && entity.end <= len,
                        "{name}: span outside its text"
                    );
                    persons += usize::from(entity.kind == EntityKind::Person);
                }
            }
            assert!(persons > 0, "{name}: no persons");
        }
    }

    fn texts(d: &TrainingDoc) -> Vec<(String, EntityKind)> {
        d.entities
            .iter()
            .map(|e| {
                (
                    d.text.chars().skip(e.start).take(e.end - e.start).collect(),
                    e.kind,
                )
            })
            .collect()
    }

    #[test]
    fn gum_titles_groups_and_documents() {
        let src = rows(&[
            "#doc a",
            "President NNP B-person",
            "Biden NNP I-person",
            "met VBD O",
            "Americans NNPS B-person",
            "on IN O",
            "Twitter NNP B-abstract",
            "",
            "#doc a",
            "President NNP B-person",
            "spoke VBD O",
            "",
            "#doc b",
            "Zoë NNP B-person",
            "Müller NNP I-person",
        ]);
        let src = src.as_str();
        let docs = documents(&parse_bio(src), gum_kind, true);
        assert_eq!(docs.len(), 2);
        assert_eq!(
            docs[0].text,
            "President Biden met Americans on Twitter\nPresident spoke"
        );
        assert_eq!(
            texts(&docs[0]),
            vec![
                ("Biden".into(), EntityKind::Person),
                ("Americans".into(), EntityKind::Misc),
                ("Twitter".into(), EntityKind::Misc),
            ]
        );
        assert_eq!(
            texts(&docs[1]),
            vec![("Zoë Müller".into(), EntityKind::Person)]
        );
    }

    #[test]
    fn handles_and_hashtags_are_joined_and_untagged() {
        let src = rows(&[
            "RT O",
            "@ O",
            "quaynews B-PER",
            ": O",
            "Ada B-PER",
            "Lovell I-PER",
            "# O",
            "Halvorsen B-PER",
            "",
            "@reader42 B-person",
            "hi O",
        ]);
        let src = src.as_str();
        let docs = documents(&parse_bio(src), conll_kind, false);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].text, "RT @quaynews : Ada Lovell #Halvorsen");
        assert_eq!(
            texts(&docs[0]),
            vec![("Ada Lovell".into(), EntityKind::Person)]
        );
        assert!(docs[1].entities.is_empty());
    }

    #[test]
    fn person_spans_do_not_cross_possessives_or_brackets() {
        let src = rows(&[
            "Norland B-PER",
            "'s I-PER",
            "Mira I-PER",
            "Holm I-PER",
            "and O",
            "Tarby B-LOC",
            "'s I-LOC",
            "( B-PER",
            "Ruthven I-PER",
            ") I-PER",
        ]);
        let src = src.as_str();
        let docs = documents(&parse_bio(src), conll_kind, false);
        assert_eq!(
            texts(&docs[0]),
            vec![
                ("Norland".into(), EntityKind::Person),
                ("Mira Holm".into(), EntityKind::Person),
                ("Tarby".into(), EntityKind::Location),
                ("Ruthven".into(), EntityKind::Person),
            ]
        );
    }

    #[test]
    fn group_words_come_from_conll_misc_and_relabel_persons() {
        let conll = documents(
            &parse_bio(&rows(&[
                "American B-MISC",
                "voters O",
                "",
                "American B-MISC",
                "John B-PER",
                "Smith I-PER",
                "",
                "Smith B-MISC",
                "Smith B-MISC",
            ])),
            conll_kind,
            false,
        );
        let groups = group_words(&conll);
        assert!(groups.contains("american") && !groups.contains("smith"));
        let mut extra = documents(
            &parse_bio(&rows(&[
                "Native B-person",
                "American I-person",
                "John B-person",
            ])),
            wnut_kind,
            false,
        );
        relabel_groups(&mut extra, &groups);
        assert_eq!(
            texts(&extra[0]),
            vec![
                ("Native American".into(), EntityKind::Misc),
                ("John".into(), EntityKind::Person)
            ]
        );
    }

    #[test]
    fn crossner_types_map_to_four() {
        assert_eq!(crossner_kind("politician"), Some(EntityKind::Person));
        assert_eq!(crossner_kind("band"), Some(EntityKind::Organisation));
        assert_eq!(crossner_kind("country"), Some(EntityKind::Location));
        assert_eq!(crossner_kind("album"), Some(EntityKind::Misc));
        assert_eq!(crossner_kind("O"), None);
    }
}
