//! The extractor: tokenises a text, tags it with the model, turns person tags into clean name
//! mentions (titles, possessives and place-like uses removed, document-level consistency
//! applied) and hands them to the resolver.

use std::fmt;
use std::ops::Range;

use crate::Error;
use crate::citation::{
    citation_lines, initials_end_name, is_abbreviation_like, is_initials, is_journal_word,
};
use crate::features::{SentenceInfo, TokInfo, features, sentence_infos, stacked, token_infos};
use crate::lexicon::{HashKeyMap, Lexicon};
use crate::model::{Model, is_inside, kind_of};
use crate::resolve::{NameMention, resolve};
use crate::tokenize::{Token, sentences, tokenize};
use crate::{Mention, Person};

/// Extraction settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Tag every other capitalised occurrence of a word the model tagged as part of a person's
    /// name elsewhere in the same text (headlines and lists are where the model misses them).
    pub document_consistency: bool,
    /// Added to the tagger's score for person tags (the last stage's) when it decides who is
    /// named: below 0 trades recall for precision on names the tagger is unsure of. Mentions
    /// of a person so found are then taken from the unbiased tagging, so the bias costs no
    /// mentions of the persons it keeps. The default, -30 (the model's scores run to a few
    /// hundred), was chosen on CoNLL-2003 validation and both halves of the modern dev set.
    pub person_bias: f32,
    /// Keep a title that is part of how a person is named ("Prince Harry", "Queen Elizabeth",
    /// "Pope Francis") in the person's name (the mention's span stays the name proper); other
    /// titles ("President", "Mr") are always stripped.
    pub name_forming_titles: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            document_consistency: true,
            person_bias: -30.0,
            name_forming_titles: true,
        }
    }
}

/// The extractor, with its model loaded. Build once, use for every text: it is `Send + Sync`.
pub struct Extractor {
    lex: Lexicon,
    model: Model,
    config: Config,
}

impl fmt::Debug for Extractor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Extractor")
            .field("bits", &self.model.bits)
            .field("types", &self.model.types)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Default for Extractor {
    fn default() -> Self {
        Self::new()
    }
}

/// A tagged document: what the mention and resolution steps need.
struct Tagged<'t> {
    text: &'t str,
    tokens: Vec<Token>,
    infos: Vec<TokInfo>,
    /// Sentence of each token.
    sentence_of: Vec<u32>,
    sinfos: Vec<SentenceInfo>,
    sentences: Vec<Range<usize>>,
    tags: Vec<u8>,
    /// The tags without the configured person bias, when there is one.
    plain_tags: Option<Vec<u8>>,
    /// Byte ranges of the lines that are bibliographic references, in order.
    citations: Vec<Range<usize>>,
}

impl Extractor {
    /// Loads the committed model, which is compiled into the crate.
    pub fn new() -> Self {
        Self::with_config(Config::default())
    }

    /// The committed model with the given settings.
    #[allow(clippy::expect_used)]
    pub fn with_config(config: Config) -> Self {
        // The embedded model is checked by this crate's tests, so failing here means a broken
        // build, not bad input.
        let model = Model::embedded().expect("the embedded person model is valid");
        Self::from_model(model, config)
    }

    /// A model from its file bytes (as written by `train`, behind the `train` feature).
    pub fn from_model_bytes(bytes: &[u8], config: Config) -> Result<Self, Error> {
        Ok(Self::from_model(Model::from_bytes(bytes)?, config))
    }

    fn from_model(mut model: Model, config: Config) -> Self {
        // The lexicon looks names up in the gazetteer itself; the model has no other use for it.
        let lex = Lexicon::new(std::mem::take(&mut model.gazetteer));
        Self { lex, model, config }
    }

    /// The persons named in `text` written in `language` (an ISO 639 code such as `en`,
    /// `en-GB`, `de`; `None` when unknown). The tagger knows English only: in a language whose
    /// nouns are capitalised it would take them for names ("Blick", "Ziel" in German), so text
    /// declared in another language gives no persons. Unknown is taken for English.
    pub fn extract_in(&self, text: &str, language: Option<&str>) -> Vec<Person> {
        if language.is_some_and(|l| !is_english(l)) {
            return Vec::new();
        }
        self.extract(text)
    }

    /// The persons named in `text`, most mentioned first (ties: first mentioned first).
    pub fn extract(&self, text: &str) -> Vec<Person> {
        let mut tagged = self.tag(text);
        let mut spans = self.person_spans(&tagged);
        // With a person bias, the biased tagging decides who is named; the unbiased one adds
        // the mentions of those persons that the bias lost ("Chi Onwurah" where the biased
        // tagging kept only "Onwurah").
        if let Some(plain) = tagged.plain_tags.take() {
            let biased = std::mem::replace(&mut tagged.tags, plain);
            let more = self.person_spans(&tagged);
            tagged.tags = biased;
            spans = merge_established(&tagged, spans, more);
        }
        let mentions: Vec<NameMention> = spans
            .into_iter()
            .map(|r| {
                let (s, e) = (&tagged.tokens[r.start], &tagged.tokens[r.end - 1]);
                // A title that forms part of how the person is named ("Prince Harry", "Queen
                // Elizabeth") is part of the name the mention gives, though not of its span:
                // the span keeps to the name proper, as CoNLL-2003 marks it.
                let title = (self.config.name_forming_titles
                    && r.start > 0
                    && tagged.sentence_of[r.start - 1] == tagged.sentence_of[r.start]
                    && tagged.infos[r.start - 1].is_cap()
                    && is_name_forming(tagged.tokens[r.start - 1].text(text)))
                .then(|| tagged.tokens[r.start - 1].text(text).to_string());
                NameMention {
                    mention: Mention {
                        start: s.cstart,
                        end: e.cend,
                        text: text[s.start..e.end].to_string(),
                    },
                    words: title
                        .into_iter()
                        .chain(
                            tagged.tokens[r]
                                .iter()
                                .map(|t| t.text(text))
                                .filter(|w| w.chars().any(char::is_alphanumeric))
                                .map(str::to_string),
                        )
                        .collect(),
                }
            })
            .collect();
        resolve(&mentions)
    }

    fn tag<'t>(&self, text: &'t str) -> Tagged<'t> {
        let tokens = tokenize(text);
        let sents = sentences(text, &tokens);
        let infos = token_infos(text, &tokens, &self.lex);
        let sinfos = sentence_infos(text, &tokens, &infos, &sents);
        let bits = self.model.bits;
        let unknown: Vec<bool> = infos
            .iter()
            .map(|t| !self.model.vocabulary.contains_key(&t.lower_hash()))
            .collect();
        let base = features(&infos, &sents, &sinfos, bits, Some(&unknown));
        let first = &self.model.stages[0];
        let bias = self.config.person_bias;
        let (tagging, plain_tags) = match self.model.stages.get(1) {
            Some(second) => {
                let first = first.decode_all(self.model.tags, &base, &sents, 0.0);
                let feats = stacked(&base, &infos, &sents, &sinfos, &first, bits);
                second.decode_all_twice(self.model.tags, &feats, &sents, bias)
            }
            None => first.decode_all_twice(self.model.tags, &base, &sents, bias),
        };
        let tags = tagging.tags;
        let mut sentence_of = Vec::with_capacity(tokens.len());
        for (k, s) in sents.iter().enumerate() {
            sentence_of.extend(std::iter::repeat_n(k as u32, s.len()));
        }
        Tagged {
            text,
            tokens,
            infos,
            sentence_of,
            sinfos,
            sentences: sents,
            tags,
            plain_tags,
            citations: citation_lines(text),
        }
    }

    /// Token ranges of the clean person mentions, in text order.
    fn person_spans(&self, d: &Tagged<'_>) -> Vec<Range<usize>> {
        let mut spans = Vec::new();
        let mut i = 0;
        while i < d.tags.len() {
            if kind_of(d.tags[i]) == Some(0) && !is_inside(d.tags[i]) {
                let mut j = i + 1;
                while j < d.tags.len() && is_inside(d.tags[j]) && kind_of(d.tags[j]) == Some(0) {
                    j += 1;
                }
                for piece in pieces(d, i..j) {
                    if let Some(r) = self.clean(d, piece) {
                        spans.push(r);
                    }
                }
                i = j;
            } else {
                i += 1;
            }
        }
        let surnames = full_name_ends(d, &spans);
        spans.retain(|r| {
            r.len() > 1
                || d.infos[r.start].lex.title == 0
                || surnames.contains_key(&d.infos[r.start].lower_hash())
        });
        // Before consistency, so that a reference list's "Lee H" makes no "Lee" a name
        // elsewhere, and after it, for what consistency found inside a reference.
        spans.retain(|r| !is_citation_span(d, r));
        if self.config.document_consistency {
            self.propagate(d, &mut spans);
            spans.retain(|r| !is_citation_span(d, r));
        }
        spans
    }

    /// Trims a tagged span to the name itself, or rejects it.
    fn clean(&self, d: &Tagged<'_>, mut r: Range<usize>) -> Option<Range<usize>> {
        let word = |i: usize| {
            d.infos[i].is_alpha() || d.tokens[i].text(d.text).chars().any(|c| c.is_ascii_digit())
        };
        // Punctuation at the edges, then leading titles ("President", "Mr.") while a name remains.
        while r.start < r.end && !word(r.start) {
            r.start += 1;
        }
        while r.end > r.start && (!word(r.end - 1) || is_clitic(d.tokens[r.end - 1].text(d.text))) {
            r.end -= 1;
        }
        // Initials before the name belong to it ("J.K. Rowling"), tagged or not.
        while !r.is_empty()
            && r.start > 0
            && d.sentence_of[r.start - 1] == d.sentence_of[r.start]
            && d.infos[r.start - 1].is_initial()
            && !is_place_abbreviation(d.tokens[r.start - 1].text(d.text))
        {
            r.start -= 1;
        }
        // Leading titles go ("President", "Mr."); one that forms part of how the person is
        // named ("Prince Harry") joins the name in `extract`, though not the mention's span.
        while r.end - r.start > 1 && d.infos[r.start].lex.title > 0 {
            r.start += 1;
            while r.start < r.end && !word(r.start) {
                r.start += 1;
            }
        }
        if r.is_empty() {
            return None;
        }
        // A name needs a capital letter, and must not be a lone title ("Minister").
        if !d.tokens[r.clone()]
            .iter()
            .any(|t| t.text(d.text).chars().any(char::is_uppercase))
        {
            return None;
        }
        // A lone title is no name, unless it is a surname too ("King asked Scott" after
        // "Gayle King"): such a mention is kept for now, and `person_spans` drops it unless a
        // full name in the text ends in it.
        if r.len() == 1 && d.infos[r.start].lex.title > 0 && d.infos[r.start].lex.last == 0 {
            return None;
        }
        // "Starmer Road", "Trump Tower": a place or an organisation named after a person, whether
        // the head word follows the name or was tagged with it. "John Hall" stays a person: a
        // given name before a head word that is also a surname makes it one ("Kenya Airways"
        // does not).
        if self.place_follows(d, r.end) {
            return None;
        }
        let last = &d.infos[r.end - 1];
        let surname = d.infos[r.start].lex.first > 0 && last.lex.last > 0;
        if r.len() >= 2 && last.lex.head && last.is_cap() && !surname {
            return None;
        }
        Some(r)
    }

    /// Whether the token at `i` is a capitalised place or organisation head word in the same
    /// sentence as the token before it.
    /// A possessive between them counts as adjacent: "Aisha's Salon", "Dennehy's Bar".
    fn place_follows(&self, d: &Tagged<'_>, i: usize) -> bool {
        if i == 0 || i >= d.tokens.len() || d.sentence_of[i] != d.sentence_of[i - 1] {
            return false;
        }
        if is_clitic(d.tokens[i].text(d.text)) {
            return self.place_follows(d, i + 1);
        }
        let caps_line = d.sinfos[d.sentence_of[i] as usize].caps_line;
        let t = &d.infos[i];
        t.lex.head && (t.is_cap() || caps_line) && kind_of(d.tags[i]).is_none_or(|k| k != 0)
    }

    /// Document-level consistency: a capitalised word the model tagged as (part of) a person's
    /// name is a name wherever else it is capitalised and left untagged in the same text.
    fn propagate(&self, d: &Tagged<'_>, spans: &mut Vec<Range<usize>>) {
        let headline = |i: usize| d.sinfos[d.sentence_of[i] as usize].headline;
        // Surnames of the full names found: a one-word "organisation" or "place" spelled like
        // one is that person ("Ukraine's Zelensky" after "Volodymyr Zelensky").
        let surnames = full_name_ends(d, spans);
        let mut names: HashKeyMap<()> = HashKeyMap::default();
        for r in spans.iter().filter(|r| !headline(r.start)) {
            for i in r.clone() {
                let t = &d.infos[i];
                // A title word ("King", "Major") only as a full name's surname.
                let title_ok = t.lex.title == 0 || surnames.contains_key(&t.lower_hash());
                if t.is_alpha() && title_ok && d.tokens[i].text(d.text).chars().count() > 1 {
                    names.insert(t.lower_hash(), ());
                }
            }
        }
        if names.is_empty() {
            return;
        }
        // Words that were a whole person mention after an honorific ("Mr Starmer ... Starmer
        // said"): as sure a sign of a surname as a full name is.
        let honoured = |r: &Range<usize>| {
            r.start > 0
                && d.infos[r.start - 1].lex.title == 2
                && d.sentence_of[r.start - 1] == d.sentence_of[r.start]
        };
        let spelled_alone: HashKeyMap<()> = spans
            .iter()
            .filter(|r| r.len() == 1 && !headline(r.start) && honoured(r))
            .map(|r| (d.infos[r.start].lower_hash(), ()))
            .collect();
        let lone_entity = |i: usize| {
            let single =
                !is_inside(d.tags[i]) && (i + 1 == d.tags.len() || !is_inside(d.tags[i + 1]));
            kind_of(d.tags[i]).is_some_and(|k| k != 0)
                && single
                && d.infos[i].is_cap()
                && (surnames.contains_key(&d.infos[i].lower_hash())
                    || spelled_alone.contains_key(&d.infos[i].lower_hash()))
                && !self.place_follows(d, i + 1)
        };
        // In a title-case headline the tagger's other entities are as unsure as its capitals are
        // uninformative, so names found in the body override them there.
        let candidate = |i: usize| {
            let t = &d.infos[i];
            let si = &d.sinfos[d.sentence_of[i] as usize];
            (d.tags[i] == 0 || (si.headline && kind_of(d.tags[i]) != Some(0)))
                && t.is_alpha()
                && (t.is_cap() || si.caps_line)
                && names.contains_key(&t.lower_hash())
        };
        let mut added: Vec<Range<usize>> = (0..d.tags.len())
            .filter(|&i| lone_entity(i))
            .map(|i| i..i + 1)
            .collect();
        for s in &d.sentences {
            let mut i = s.start;
            while i < s.end {
                if !candidate(i) {
                    i += 1;
                    continue;
                }
                let mut j = i + 1;
                while j < s.end && candidate(j) {
                    j += 1;
                }
                // Only words that stand alone: next to another capitalised word they are
                // likely part of some other name ("Clinton Foundation", "New York").
                // In a headline every word is capitalised, so this says nothing there.
                let si = &d.sinfos[d.sentence_of[i] as usize];
                let cap_at = |k: usize| d.infos[k].is_cap() && d.infos[k].lex.title == 0;
                let touches = !si.caps_line
                    && !si.headline
                    && ((i > s.start && cap_at(i - 1) && i - 1 != si.first_word)
                        || (j < s.end && cap_at(j)));
                if !touches && !self.place_follows(d, j) {
                    added.push(i..j);
                }
                i = j;
            }
        }
        if !added.is_empty() {
            spans.extend(added);
            spans.sort_by_key(|r| r.start);
        }
    }
}

/// The mentions of `biased` plus those of `plain` that name someone `biased` established: a
/// `plain` mention sharing a word with a `biased` one replaces the `biased` mentions inside it
/// and is dropped if it overlaps any other.
fn merge_established(
    d: &Tagged<'_>,
    mut biased: Vec<Range<usize>>,
    plain: Vec<Range<usize>>,
) -> Vec<Range<usize>> {
    let word = |i: usize| {
        let t = &d.infos[i];
        (t.is_alpha() && t.lex.title == 0 && d.tokens[i].text(d.text).chars().count() > 1)
            .then(|| t.lower_hash())
    };
    let established: HashKeyMap<()> = biased
        .iter()
        .flat_map(|r| r.clone().filter_map(word))
        .map(|h| (h, ()))
        .collect();
    for r in plain {
        if !r
            .clone()
            .filter_map(word)
            .any(|h| established.contains_key(&h))
        {
            continue;
        }
        let inside = |o: &Range<usize>| o.start >= r.start && o.end <= r.end;
        if biased
            .iter()
            .any(|o| o.start < r.end && r.start < o.end && !inside(o))
        {
            continue;
        }
        biased.retain(|o| !inside(o));
        biased.push(r);
    }
    biased.sort_by_key(|r| r.start);
    biased
}

/// The folded last words of the multi-word person mentions outside title-case headlines: the
/// surnames the text establishes.
fn full_name_ends(d: &Tagged<'_>, spans: &[Range<usize>]) -> HashKeyMap<()> {
    spans
        .iter()
        .filter(|r| r.len() >= 2 && !d.sinfos[d.sentence_of[r.start] as usize].headline)
        .map(|r| (d.infos[r.end - 1].lower_hash(), ()))
        .collect()
}

/// Whether a mention is an abbreviated journal title ("N Engl J Med", "Proc Natl Acad Sci U S
/// A"), anywhere, or, inside a reference line, an author written surname first ("Lee H",
/// "Thompson" before "RL", "Vance" before ", R.") or any span holding a journal word.
fn is_citation_span(d: &Tagged<'_>, r: &Range<usize>) -> bool {
    let word = |i: usize| {
        let tok = d.tokens[i].text(d.text);
        tok.chars().any(char::is_alphanumeric).then_some(tok)
    };
    let words: Vec<&str> = r.clone().filter_map(word).collect();
    let journal = words.iter().any(|w| is_journal_word(w));
    // A journal word beside other abbreviations: "Ng" or "J" alone is someone's name or
    // initial, "J Infect Dis" is not.
    if journal && words.len() >= 2 && words.iter().all(|w| is_abbreviation_like(w)) {
        return true;
    }
    let start = d.tokens[r.start].start;
    let Some(line) = d
        .citations
        .binary_search_by(|line| {
            if line.end < start {
                std::cmp::Ordering::Less
            } else if line.start > start {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .ok()
        .map(|k| &d.citations[k])
    else {
        return false;
    };
    if journal || words.iter().all(|w| is_abbreviation_like(w)) {
        return true;
    }
    let on_line = |i: usize| {
        d.tokens
            .get(i)
            .filter(|t| t.start >= line.start && t.end <= line.end)
            .map(|t| t.text(d.text))
    };
    let surname_at = |i: usize| {
        on_line(i).is_some_and(|tok| {
            tok.starts_with(char::is_uppercase) && tok.chars().any(char::is_lowercase)
        })
    };
    // Initials at `i` after a surname (and perhaps a comma), ending the name: "Lee H",
    // "Thompson" then "RL", "JC Jr" after "King" (which the tagger took for a title), "S." of
    // "Lindgren, S. Cold chains"; not "Marcel J. Niekus".
    let inverted_at = |i: usize| {
        let surname = i > 0
            && (surname_at(i - 1) || (i > 1 && on_line(i - 1) == Some(",") && surname_at(i - 2)));
        if !surname || !on_line(i).is_some_and(is_initials) {
            return false;
        }
        let mut j = i + 1;
        while on_line(j).is_some_and(is_initials) {
            j += 1;
        }
        initials_end_name(on_line(j), on_line(j + 1))
    };
    // "Vance, R.": a surname, a comma and initials with periods.
    let comma_initials = on_line(r.end) == Some(",")
        && on_line(r.end + 1).is_some_and(|tok| tok.contains('.') && is_initials(tok));
    comma_initials || (r.start..=r.end).any(inverted_at)
}

/// Titles that belong to the name they precede: "Prince Harry" is how the prince is named,
/// where "President Macron" is Macron with a role.
fn is_name_forming(tok: &str) -> bool {
    const NAME_FORMING: &[&str] = &[
        "prince", "princess", "king", "queen", "emperor", "empress", "tsar", "czar", "sultan",
        "pope",
    ];
    let t = tok.trim_end_matches('.');
    t.len() <= 8 && NAME_FORMING.iter().any(|n| n.eq_ignore_ascii_case(t))
}

/// Lower-case words that belong inside names ("Ludwig van Beethoven", "Laurence des Cars",
/// "Mohammed bin Salman").
fn is_particle(tok: &str) -> bool {
    const PARTICLES: &[&str] = &[
        "de", "da", "das", "do", "dos", "du", "des", "del", "della", "der", "den", "di", "van",
        "von", "ter", "ten", "la", "le", "bin", "ibn", "binti", "bint", "al", "el", "y", "zu",
        "af", "av", "e",
    ];
    PARTICLES.contains(&tok)
}

/// Whether an ISO 639 language tag is English: `en`, `EN`, `en-GB`, `en_US`, `eng`.
fn is_english(tag: &str) -> bool {
    let t = tag.trim();
    let primary = t.split(['-', '_']).next().unwrap_or_default();
    primary.eq_ignore_ascii_case("en") || primary.eq_ignore_ascii_case("eng")
}

/// Dotted abbreviations that look like initials but name places and bodies ("the U.S.").
fn is_place_abbreviation(tok: &str) -> bool {
    matches!(
        tok.to_ascii_uppercase().as_str(),
        "U.S." | "U.K." | "U.N." | "E.U." | "D.C." | "L.A." | "N.Y." | "U.S.A." | "S.F."
    )
}

/// A capitalised word that is mostly written lower case and is in no given-name or surname list.
fn is_common_word(t: &TokInfo) -> bool {
    t.is_cap() && t.lex.caps >= 4 && t.lex.first == 0 && t.lex.given_freq == 0 && t.lex.last == 0
}

/// Prepositions after which the rest of a tagged span names something else ("Pramila Jayapal
/// of Washington", "Hartley of Zoe").
fn ends_name(tok: &str) -> bool {
    matches!(
        tok,
        "of" | "for" | "from" | "at" | "in" | "on" | "with" | "by" | "via" | "to"
    )
}

/// Splits a tagged person span where it cannot be one name: at punctuation other than the
/// periods, hyphens and apostrophes of names ("Patti Smith + Stewart Copeland", "Dion Rabouin —
/// Axios") and at lower-case words other than name particles ("Meghan told Winfrey"); after a
/// preposition the rest is dropped. Lower-case words at the edges go ("the Rt", "Hyatt brand").
fn pieces(d: &Tagged<'_>, r: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut from = r.start;
    let push = |a: usize, b: usize, out: &mut Vec<Range<usize>>| {
        let (mut a, mut b) = (a, b);
        let lower = |i: usize| d.infos[i].is_alpha() && d.infos[i].is_lower();
        // Leading lower-case words, unless a particle opens the name ("de Blasio"), and an
        // article that opens a sentence ("A Kremlin spokesman").
        let article = |i: usize| {
            matches!(
                d.tokens[i].text(d.text),
                "A" | "An" | "The" | "a" | "an" | "the" | "THE"
            )
        };
        while a < b
            && ((lower(a) && !(is_particle(d.tokens[a].text(d.text)) && a + 1 < b))
                || (article(a) && a + 1 < b))
        {
            a += 1;
        }
        while b > a && lower(b - 1) {
            b -= 1;
        }
        // A capitalised common word before a name is a role or a department, not part of the
        // name ("Minister of Education Kay McConney", "Group President"): a word the
        // capitalisation table says is usually lower case and no name list knows.
        while b - a > 1 && is_common_word(&d.infos[a]) {
            a += 1;
        }
        if a < b {
            out.push(a..b);
        }
    };
    for i in r.clone() {
        let tok = d.tokens[i].text(d.text);
        let t = &d.infos[i];
        let inner = i > r.start && i + 1 < r.end;
        let punct =
            !t.is_alpha() && !tok.chars().any(|c| c.is_alphanumeric()) && !matches!(tok, "." | "-");
        let lower_word = t.is_alpha() && t.is_lower() && !is_particle(tok);
        // A social-media handle or hashtag is never (part of) a name: "@mattbevin" names an
        // account, and the dev set's convention and the both leave it out.
        if tok.starts_with(['@', '#']) {
            push(from, i, &mut out);
            from = i + 1;
            continue;
        }
        if inner && (punct || lower_word) {
            push(from, i, &mut out);
            if ends_name(tok) {
                return out;
            }
            from = i + 1;
        }
    }
    push(from, r.end, &mut out);
    out
}

fn is_clitic(tok: &str) -> bool {
    let mut c = tok.chars();
    matches!(c.next(), Some('\'' | '\u{2019}')) && c.as_str().len() <= 2
}
