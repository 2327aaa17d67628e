//! Feature extraction for the tagger: turns each token of a document into the row indices of its
//! hashed features (word forms, shapes, affixes, neighbours, gazetteer buckets, title and
//! place cues, and document-level evidence about the same word elsewhere in the text).

use crate::fold::{fmix, fold_into, hash_str};
use crate::lexicon::{Entry, HashKeyMap, Lexicon, MAX_PHRASE, phrase_hash};
use crate::model::Tagging;
use crate::tokenize::{Sentence, Token};

const CAP: u16 = 1; // first letter upper case
const ALLCAPS: u16 = 1 << 1; // every letter upper case
const LOWER: u16 = 1 << 2; // every letter lower case
const DIGIT: u16 = 1 << 3;
const ALPHA: u16 = 1 << 4; // has a letter
const INITIAL: u16 = 1 << 5; // `J.`, `U.S.`
const HYPHEN: u16 = 1 << 6;
const APOS: u16 = 1 << 7;
const COMMA: u16 = 1 << 8;
const CONJ: u16 = 1 << 9; // "and", "or", "&", "nor"
const PRON: u16 = 1 << 10; // a personal pronoun or "who": persons are referred to by them
const THING_PRON: u16 = 1 << 11; // "it", "they", "which": organisations and places are
const GAP: u16 = 1 << 12; // may stand between a subject and its verb: "later", "quickly"
const QUOTE: u16 = 1 << 14; // a double quotation mark of any style
const PREP: u16 = 1 << 13; // "in", "at", "on", "via", "from": before places, venues, platforms

/// What the features need to know about one token, computed once per token.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TokInfo {
    word: u64,
    lower: u64,
    shape: u64,
    pre: [u64; 3],
    suf: [u64; 3],
    flags: u16,
    pub lex: Entry,
    /// Letters in the word.
    letters: u8,
    /// Hash of the folded word without a trailing period: its name-list key.
    key: u64,
    /// Where the token stands in a listed place or company name of several words ("Walnut
    /// Creek", "Lockheed Martin"): bits 0-1 first (1), inner (2) or last (3) word, bits 2-3 the
    /// place bucket, bit 4 a company; 0 outside any.
    pub phrase: u8,
}

impl TokInfo {
    fn has(&self, f: u16) -> bool {
        self.flags & f != 0
    }
    /// Capitalised like a name: first letter upper case.
    pub fn is_cap(&self) -> bool {
        self.has(CAP)
    }
    pub fn is_lower(&self) -> bool {
        self.has(LOWER)
    }
    pub fn is_alpha(&self) -> bool {
        self.has(ALPHA)
    }
    /// Initials with periods: `J.`, `J.K.`.
    pub fn is_initial(&self) -> bool {
        self.has(INITIAL) && self.has(CAP)
    }
    pub fn lower_hash(&self) -> u64 {
        self.lower
    }
}

/// Scratch buffers reused across tokens.
#[derive(Default)]
struct Scratch {
    folded: String,
    shape: String,
}

fn normalise_char(c: char) -> char {
    match c {
        '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{00AB}' | '\u{00BB}' | '\u{201E}' => '"',
        '\u{2013}' | '\u{2014}' | '\u{2015}' => '-',
        c => c,
    }
}

fn info(tok: &str, lex: &Lexicon, s: &mut Scratch) -> TokInfo {
    let mut flags = 0u16;
    let mut letters = 0usize;
    let mut upper = 0usize;
    let mut first_letter_upper = None;
    let mut digits = false;
    s.shape.clear();
    let mut last_class = '\0';
    let mut word_hash: u64 = 0xcbf2_9ce4_8422_2325;
    for c in tok.chars() {
        let c = normalise_char(c);
        let mut buf = [0u8; 4];
        for &b in c.encode_utf8(&mut buf).as_bytes() {
            word_hash ^= u64::from(b);
            word_hash = word_hash.wrapping_mul(0x0100_0000_01b3);
        }
        let class = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_ascii_digit() {
            'd'
        } else if c.is_alphabetic() {
            'a'
        } else {
            c
        };
        if c.is_alphabetic() {
            letters += 1;
            if c.is_uppercase() {
                upper += 1;
            }
            if first_letter_upper.is_none() {
                first_letter_upper = Some(c.is_uppercase());
            }
        }
        if class == 'd' {
            digits = true;
        }
        if c == '-' {
            flags |= HYPHEN;
        }
        if c == '\'' {
            flags |= APOS;
        }
        if class != last_class {
            s.shape.push(class);
            last_class = class;
        }
    }
    if letters > 0 {
        flags |= ALPHA;
        if first_letter_upper == Some(true) && tok.starts_with(|c: char| !c.is_lowercase()) {
            flags |= CAP;
        }
        if upper == letters {
            flags |= ALLCAPS;
        }
        if upper == 0 {
            flags |= LOWER;
        }
        if tok.ends_with('.')
            && tok.chars().filter(|&c| c == '.').count() * 2 >= tok.chars().count()
        {
            flags |= INITIAL;
        }
    }
    if digits {
        flags |= DIGIT;
    }
    if tok == "," {
        flags |= COMMA;
    }
    if matches!(
        tok,
        "\"" | "\u{201C}" | "\u{201D}" | "\u{201E}" | "\u{00AB}" | "\u{00BB}" | "''" | "``"
    ) {
        flags |= QUOTE;
    }
    if matches!(tok, "and" | "or" | "&" | "nor" | "And" | "AND" | "OR") {
        flags |= CONJ;
    }
    if matches!(
        tok,
        "he" | "she"
            | "his"
            | "her"
            | "him"
            | "who"
            | "whose"
            | "himself"
            | "herself"
            | "He"
            | "She"
            | "His"
            | "Her"
    ) {
        flags |= PRON;
    }
    if flags & LOWER != 0 && (tok.ends_with("ly") || BETWEEN_SUBJECT_AND_VERB.contains(&tok)) {
        flags |= GAP;
    }
    if matches!(
        tok,
        "in" | "at"
            | "on"
            | "via"
            | "from"
            | "near"
            | "across"
            | "into"
            | "onto"
            | "through"
            | "outside"
            | "inside"
            | "In"
            | "At"
            | "On"
            | "Via"
            | "From"
    ) {
        flags |= PREP;
    }
    if matches!(
        tok,
        "it" | "its"
            | "itself"
            | "they"
            | "their"
            | "them"
            | "themselves"
            | "which"
            | "It"
            | "Its"
            | "They"
            | "Their"
    ) {
        flags |= THING_PRON;
    }
    s.folded.clear();
    fold_into(tok, &mut s.folded);
    let lower = hash_str(&s.folded);
    let lex_key = s.folded.strip_suffix('.').map_or(lower, hash_str);
    let mut pre = [0u64; 3];
    let mut suf = [0u64; 3];
    let nchars = s.folded.chars().count();
    for (k, n) in (2..=4).enumerate() {
        if nchars > n {
            let end = s
                .folded
                .char_indices()
                .nth(n)
                .map_or(s.folded.len(), |(i, _)| i);
            pre[k] = hash_str(&s.folded[..end]);
            let start = s
                .folded
                .char_indices()
                .nth(nchars - n)
                .map_or(0, |(i, _)| i);
            suf[k] = hash_str(&s.folded[start..]);
        }
    }
    TokInfo {
        word: word_hash,
        lower,
        shape: hash_str(&s.shape),
        pre,
        suf,
        flags,
        lex: lex.get(lex_key),
        letters: letters.min(255) as u8,
        key: lex_key,
        phrase: 0,
    }
}

/// Marks the tokens of listed place and company names of several words, longest match first.
fn mark_phrases(infos: &mut [TokInfo], lex: &Lexicon) {
    let mut i = 0;
    while i < infos.len() {
        if !infos[i].lex.phrase_start {
            i += 1;
            continue;
        }
        let longest = (2..=MAX_PHRASE.min(infos.len() - i)).rev().find_map(|len| {
            let e = lex.get_phrase(phrase_hash(infos[i..i + len].iter().map(|t| t.key)))?;
            (e.place > 0 || e.company).then_some((len, e))
        });
        let Some((len, e)) = longest else {
            i += 1;
            continue;
        };
        let kind = (e.place << 2) | u8::from(e.company) << 4;
        for (k, t) in infos[i..i + len].iter_mut().enumerate() {
            let role = if k == 0 {
                1
            } else if k + 1 == len {
                3
            } else {
                2
            };
            t.phrase = kind | role;
        }
        i += len;
    }
}

/// Per-token information for a whole text.
pub(crate) fn token_infos(text: &str, tokens: &[Token], lex: &Lexicon) -> Vec<TokInfo> {
    let mut scratch = Scratch::default();
    let mut infos: Vec<TokInfo> = tokens
        .iter()
        .map(|t| info(t.text(text), lex, &mut scratch))
        .collect();
    mark_phrases(&mut infos, lex);
    infos
}

/// A whole line with at least four capitalised words, no lower-case word longer than three
/// letters ("of", "the", "and" may stay lower case) and no full stop at the end.
pub(crate) fn is_title_case_headline(
    text: &str,
    tokens: &[Token],
    s: &Sentence,
    infos: &[TokInfo],
) -> bool {
    if s.is_empty() {
        return false;
    }
    let own_line = (s.start == 0
        || text[tokens[s.start - 1].end..tokens[s.start].start].contains('\n'))
        && (s.end == tokens.len()
            || text[tokens[s.end - 1].end..tokens[s.end].start].contains('\n'));
    if !own_line || matches!(tokens[s.end - 1].text(text), "." | "!" | "?") {
        return false;
    }
    let mut capitalised = 0;
    for t in &infos[s.clone()] {
        if !t.is_alpha() {
            continue;
        }
        if t.is_cap() {
            capitalised += 1;
        } else if t.letters > 3 {
            return false;
        }
    }
    capitalised >= 4
}

/// Where a sentence's first word is, and whether the sentence is an all-caps headline.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SentenceInfo {
    pub first_word: usize,
    pub caps_line: bool,
    /// A title-case headline: capitals that say little, and a tagging that is less sure, so
    /// it does not count as evidence about the rest of the document.
    pub headline: bool,
}

/// Sentence information for every sentence of a text.
pub(crate) fn sentence_infos(
    text: &str,
    tokens: &[Token],
    infos: &[TokInfo],
    sentences: &[Sentence],
) -> Vec<SentenceInfo> {
    sentences
        .iter()
        .map(|s| {
            let mut si = sentence_info(infos, s);
            si.headline = !si.caps_line && is_title_case_headline(text, tokens, s, infos);
            si
        })
        .collect()
}

fn sentence_info(infos: &[TokInfo], sent: &Sentence) -> SentenceInfo {
    let toks = &infos[sent.clone()];
    let first_word = toks
        .iter()
        .position(|t| t.flags & (ALPHA | DIGIT) != 0)
        .map_or(sent.start, |p| sent.start + p);
    let words = toks.iter().filter(|t| t.letters >= 2);
    let (mut n, mut caps) = (0, 0);
    for t in words {
        n += 1;
        if t.has(ALLCAPS) {
            caps += 1;
        }
    }
    SentenceInfo {
        first_word,
        caps_line: n >= 2 && caps == n,
        headline: false,
    }
}

/// Evidence about one word (by folded form) from the rest of the document.
#[derive(Debug, Clone, Copy, Default)]
struct DocStat {
    cap_mid: u16,
    lower: u16,
    after_title: u16,
    after_first: u16,
    before_head: u16,
    /// Right after "in", "at", "on", "via", "from", ...
    after_prep: u16,
    /// "he", "she", "his", "her" or "who" within the next four words.
    person_pron: u16,
    /// "it", "its", "they" or "which" within the next three words.
    thing_pron: u16,
    /// Right before a number ("RTX 3080", "iPhone 12").
    before_num: u16,
}

impl DocStat {
    fn add(&mut self, o: &DocStat) {
        self.cap_mid = self.cap_mid.saturating_add(o.cap_mid);
        self.lower = self.lower.saturating_add(o.lower);
        self.after_title = self.after_title.saturating_add(o.after_title);
        self.after_first = self.after_first.saturating_add(o.after_first);
        self.before_head = self.before_head.saturating_add(o.before_head);
        self.after_prep = self.after_prep.saturating_add(o.after_prep);
        self.person_pron = self.person_pron.saturating_add(o.person_pron);
        self.thing_pron = self.thing_pron.saturating_add(o.thing_pron);
        self.before_num = self.before_num.saturating_add(o.before_num);
    }

    fn sub(&mut self, o: &DocStat) {
        for (a, b) in [
            (&mut self.cap_mid, o.cap_mid),
            (&mut self.lower, o.lower),
            (&mut self.after_title, o.after_title),
            (&mut self.after_first, o.after_first),
            (&mut self.before_head, o.before_head),
            (&mut self.after_prep, o.after_prep),
            (&mut self.person_pron, o.person_pron),
            (&mut self.thing_pron, o.thing_pron),
            (&mut self.before_num, o.before_num),
        ] {
            *a -= b.min(*a);
        }
    }
}

fn is_head_at(infos: &[TokInfo], j: usize, end: usize, caps_line: bool) -> bool {
    j < end && infos[j].lex.head && (infos[j].is_cap() || caps_line)
}

/// This token's own contribution to its word's document statistics.
fn own_stat(infos: &[TokInfo], i: usize, sent: &Sentence, si: SentenceInfo) -> DocStat {
    let t = &infos[i];
    let mut s = DocStat::default();
    if !t.is_alpha() || si.headline {
        return s;
    }
    if t.is_lower() {
        s.lower = 1;
    }
    if t.is_cap() && !si.caps_line && i != si.first_word {
        s.cap_mid = 1;
    }
    if i > sent.start {
        let p = &infos[i - 1];
        if p.lex.title > 0 {
            s.after_title = 1;
        }
        if p.is_cap() && p.lex.first > 0 && t.is_cap() && p.lex.title == 0 {
            s.after_first = 1;
        }
    }
    if t.is_cap() && is_head_at(infos, i + 1, sent.end, si.caps_line) {
        s.before_head = 1;
    }
    if t.is_cap() || si.caps_line {
        if i > sent.start && infos[i - 1].has(PREP) {
            s.after_prep = 1;
        }
        let near = |n: usize, f: u16| (i + 1..sent.end.min(i + 1 + n)).any(|j| infos[j].has(f));
        s.person_pron = u16::from(near(4, PRON));
        s.thing_pron = u16::from(near(3, THING_PRON));
        if i + 1 < sent.end && infos[i + 1].has(DIGIT) {
            s.before_num = 1;
        }
    }
    s
}

// Feature template ids.
const T_BIAS: u64 = 1;
const T_WORD: u64 = 2;
const T_LOWER: u64 = 3;
const T_SHAPE: u64 = 4;
const T_PRE: u64 = 5; // +0..2
const T_SUF: u64 = 8; // +0..2
const T_L_PREV: u64 = 11;
const T_L_NEXT: u64 = 12;
const T_L_PREV2: u64 = 13;
const T_L_NEXT2: u64 = 14;
const T_SH_PREV: u64 = 15;
const T_SH_NEXT: u64 = 16;
const T_SH_PREV_CUR: u64 = 17;
const T_SH_CUR_NEXT: u64 = 18;
const T_L_PREV_CUR: u64 = 19;
const T_L_CUR_NEXT: u64 = 20;
const T_GAZ: u64 = 21;
const T_GAZ_PREV: u64 = 22;
const T_GAZ_NEXT: u64 = 23;
const T_TITLE_PREV: u64 = 24;
const T_TITLE_PREV2: u64 = 25;
const T_HEAD_NEXT: u64 = 26;
const T_HEAD_NEXT2: u64 = 27;
const T_START: u64 = 28;
const T_CAPSLINE: u64 = 29;
const T_DOC: u64 = 30;
const T_FLAGS: u64 = 31;
const T_LEN: u64 = 32;
const T_TITLE_CUE: u64 = 33;
const T_PRON_NEXT: u64 = 34;
const T_UNKNOWN_RUN: u64 = 35;
const T_PRON_NEXT_SENTENCE: u64 = 36;
const T_PERSON_VERB: u64 = 37;
const T_GAZ2: u64 = 38;
const T_CAPS: u64 = 39;
const T_CAPS_PREV: u64 = 40;
const T_CAPS_NEXT: u64 = 41;
const T_PHRASE: u64 = 42;
const T_QUOTED: u64 = 43;

/// Where each token stands in a short quotation that reads as a title ("Barracuda", "Dreamboat
/// Annie", "The Marvelous Mrs Maisel"): a quoted run of one to six words, each capitalised or a
/// short function word. 0 outside one; 1 a one-word title; 2 first, 3 inner, 4 last word.
fn quoted_titles(infos: &[TokInfo], sentences: &[Sentence]) -> Vec<u8> {
    let mut out = vec![0u8; infos.len()];
    for sent in sentences {
        let mut i = sent.start;
        while i < sent.end {
            if !infos[i].has(QUOTE) {
                i += 1;
                continue;
            }
            let Some(close) = (i + 1..sent.end.min(i + 10)).find(|&j| infos[j].has(QUOTE)) else {
                i += 1;
                continue;
            };
            let words: Vec<usize> = (i + 1..close).filter(|&j| infos[j].is_alpha()).collect();
            let titled = !words.is_empty()
                && words.len() <= 6
                && words
                    .iter()
                    .all(|&j| infos[j].is_cap() || infos[j].letters <= 3)
                && words.iter().any(|&j| infos[j].is_cap());
            if titled {
                let n = words.len();
                for (k, &j) in words.iter().enumerate() {
                    out[j] = if n == 1 {
                        1
                    } else if k == 0 {
                        2
                    } else if k + 1 == n {
                        4
                    } else {
                        3
                    };
                }
            }
            i = close + 1;
        }
    }
    out
}

/// Words that may stand between a subject and its verb ("Okonkwo later told ...") besides
/// adverbs in "-ly".
const BETWEEN_SUBJECT_AND_VERB: &[&str] = &[
    "later", "also", "then", "now", "again", "still", "once", "never", "always", "had", "has",
    "have", "himself", "herself",
];

const BOS: u64 = 0x5354_4152_5400_0001;
const EOS: u64 = 0x454e_4400_0000_0002;

#[inline]
fn feat(t: u64, v: u64) -> u64 {
    fmix(v ^ t.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

#[inline]
fn feat2(t: u64, a: u64, b: u64) -> u64 {
    fmix(a.rotate_left(21) ^ b ^ t.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// Gazetteer evidence as one small number: given-name and surname buckets and capitalisation.
fn gaz_code(t: &TokInfo) -> u64 {
    u64::from(t.lex.first) | u64::from(t.lex.last) << 4 | u64::from(t.is_cap()) << 8
}

/// The hashed features of every token of a document, as weight-row indices.
pub(crate) struct Features {
    pub rows: Vec<u32>,
    /// `rows[starts[i]..starts[i + 1]]` are token `i`'s rows.
    pub starts: Vec<u32>,
}

impl Features {
    pub fn token(&self, i: usize) -> &[u32] {
        &self.rows[self.starts[i] as usize..self.starts[i + 1] as usize]
    }
}

/// Stands in for the identity of a word the trainer hides (see `unknown` below).
const UNK: u64 = 0x554e_4b4e_4f57_4e00;

/// The features of every token. `unknown` marks tokens whose identity (exact and folded form)
/// the trainer hides, so the model learns to tag names it has never seen from their shape and
/// context; at run time it is `None`.
pub(crate) fn features(
    infos: &[TokInfo],
    sentences: &[Sentence],
    sinfos: &[SentenceInfo],
    bits: u32,
    unknown: Option<&[bool]>,
) -> Features {
    let hidden = |i: usize| unknown.is_some_and(|u| u[i]);
    // Document statistics per folded word.
    let mut stats: HashKeyMap<DocStat> = HashKeyMap::default();
    stats.reserve(infos.len() / 2);
    for (sent, &si) in sentences.iter().zip(sinfos) {
        for i in sent.clone() {
            if infos[i].is_alpha() {
                stats
                    .entry(infos[i].lower)
                    .or_default()
                    .add(&own_stat(infos, i, sent, si));
            }
        }
    }

    let quoted = quoted_titles(infos, sentences);
    let shift = 64 - bits;
    let mut rows: Vec<u32> = Vec::with_capacity(infos.len() * 48);
    let mut starts = Vec::with_capacity(infos.len() + 1);
    for (k, (sent, &si)) in sentences.iter().zip(sinfos).enumerate() {
        let (s, e) = (sent.start, sent.end);
        let next_sentence_start = sinfos.get(k + 1).map(|n| n.first_word);
        for i in s..e {
            starts.push(rows.len() as u32);
            let mut push = |h: u64| rows.push((h >> shift) as u32);
            let t = &infos[i];
            let prev = (i > s).then(|| &infos[i - 1]);
            let prev2 = (i > s + 1).then(|| &infos[i - 2]);
            let next = (i + 1 < e).then(|| &infos[i + 1]);
            let ident = |j: usize| if hidden(j) { UNK } else { infos[j].lower };
            let lo = |j: Option<usize>, sentinel: u64| j.map_or(sentinel, ident);
            let (pi, pi2) = ((i > s).then(|| i - 1), (i > s + 1).then(|| i - 2));
            let (ni, ni2) = ((i + 1 < e).then_some(i + 1), (i + 2 < e).then_some(i + 2));
            let cur = ident(i);
            let sh = |o: Option<&TokInfo>, sentinel: u64| o.map_or(sentinel, |x| x.shape);
            let caps = u64::from(si.caps_line);

            push(feat(T_BIAS, 0));
            // In an all-caps headline the exact form says nothing the folded form does not.
            if !si.caps_line {
                push(feat(T_WORD, if hidden(i) { UNK } else { t.word }));
            }
            push(feat(T_LOWER, cur));
            push(feat2(T_SHAPE, t.shape, caps));
            for k in 0..3 {
                if t.pre[k] != 0 {
                    push(feat(T_PRE + k as u64, t.pre[k]));
                    push(feat(T_SUF + k as u64, t.suf[k]));
                }
            }
            push(feat(T_L_PREV, lo(pi, BOS)));
            push(feat(T_L_NEXT, lo(ni, EOS)));
            push(feat(T_L_PREV2, lo(pi2, BOS)));
            push(feat(T_L_NEXT2, lo(ni2, EOS)));
            push(feat(T_SH_PREV, sh(prev, BOS)));
            push(feat(T_SH_NEXT, sh(next, EOS)));
            push(feat2(T_SH_PREV_CUR, sh(prev, BOS), t.shape));
            push(feat2(T_SH_CUR_NEXT, t.shape, sh(next, EOS)));
            push(feat2(T_L_PREV_CUR, lo(pi, BOS), cur));
            push(feat2(T_L_CUR_NEXT, cur, lo(ni, EOS)));
            push(feat2(T_FLAGS, u64::from(t.flags), caps));
            push(feat2(
                T_LEN,
                u64::from(t.letters.min(12)),
                u64::from(t.is_cap()),
            ));
            if t.is_alpha() {
                push(feat2(T_GAZ, gaz_code(t), caps));
                if let Some(p) = prev {
                    push(feat2(
                        T_GAZ_PREV,
                        gaz_code(p),
                        u64::from(t.is_cap()) | caps << 1,
                    ));
                }
                if let Some(n) = next {
                    push(feat2(
                        T_GAZ_NEXT,
                        gaz_code(n),
                        u64::from(t.is_cap()) | caps << 1,
                    ));
                }
            }
            if t.is_alpha() {
                // Other name lists, and how likely the word is to be capitalised at all: a
                // sentence-initial "Rich" is an adjective, a sentence-initial "Denver" a city.
                let l = &t.lex;
                push(feat2(
                    T_GAZ2,
                    u64::from(l.given_freq)
                        | u64::from(l.place) << 2
                        | u64::from(l.company) << 4
                        | u64::from(t.is_cap()) << 5,
                    caps,
                ));
                let ctx = if si.caps_line {
                    2
                } else if si.headline {
                    3
                } else {
                    u64::from(i == si.first_word)
                };
                push(feat(
                    T_CAPS,
                    u64::from(l.caps)
                        | u64::from(l.cap_freq) << 3
                        | ctx << 5
                        | u64::from(t.is_cap()) << 7,
                ));
                let side = |o: &TokInfo| u64::from(o.lex.caps) | u64::from(o.is_cap()) << 3;
                if let Some(p) = prev.filter(|p| p.is_alpha()) {
                    push(feat2(
                        T_CAPS_PREV,
                        side(p)
                            | u64::from(t.is_cap()) << 4
                            | u64::from(i - 1 == si.first_word) << 5,
                        caps,
                    ));
                }
                if let Some(n) = next.filter(|n| n.is_alpha()) {
                    push(feat2(
                        T_CAPS_NEXT,
                        side(n) | u64::from(t.is_cap()) << 4,
                        caps,
                    ));
                }
                if quoted[i] != 0 {
                    push(feat2(
                        T_QUOTED,
                        u64::from(quoted[i]),
                        caps | u64::from(t.is_cap()) << 1,
                    ));
                }
                if t.phrase != 0 {
                    push(feat2(
                        T_PHRASE,
                        u64::from(t.phrase),
                        caps | u64::from(t.is_cap()) << 1,
                    ));
                }
            }
            if let Some(p) = prev.filter(|p| p.lex.title > 0) {
                push(feat2(
                    T_TITLE_PREV,
                    u64::from(t.is_cap()) | u64::from(p.lex.title) << 1,
                    caps,
                ));
            }
            if let Some(p) = prev2.filter(|p| p.lex.title > 0 && prev.is_some_and(TokInfo::is_cap))
            {
                push(feat2(
                    T_TITLE_PREV2,
                    u64::from(t.is_cap()) | u64::from(p.lex.title) << 1,
                    caps,
                ));
            }
            // A title before the capitalised run this token ends, possibly across an appositive
            // comma: "President, JD Vance", "Foreign Secretary David Lammy".
            if t.is_cap() {
                let mut k = i;
                let mut run = 0u64;
                while k > s && run < 3 && infos[k - 1].is_cap() && infos[k - 1].lex.title == 0 {
                    k -= 1;
                    run += 1;
                }
                let comma = k > s && infos[k - 1].has(COMMA);
                if comma {
                    k -= 1;
                }
                if k > s && infos[k - 1].lex.title > 0 {
                    let cue = u64::from(infos[k - 1].lex.title) | run << 2 | u64::from(comma) << 4;
                    push(feat2(T_TITLE_CUE, cue, caps));
                }
            }
            // An unknown capitalised word and what stands beside it: two unknown capitalised
            // words in a row are more often a foreign name than anything else.
            if hidden(i) && t.is_cap() {
                let side = |j: Option<usize>| match j {
                    None => 0u64,
                    Some(j) if hidden(j) && infos[j].is_cap() => 1,
                    Some(j) if infos[j].is_cap() => {
                        2 + u64::from(infos[j].lex.first > 0 || infos[j].lex.last > 0)
                    }
                    Some(_) => 4,
                };
                push(feat2(
                    T_UNKNOWN_RUN,
                    side(pi) | side(ni) << 3,
                    caps | u64::from(i == si.first_word) << 1,
                ));
            }
            // "Meloni said she ...", "Badenoch, who ...": a pronoun or "who" just after; "it",
            // "they" or "which" there says organisation or place instead.
            if t.is_cap()
                && let Some(d) =
                    (i + 1..e.min(i + 4)).find(|&j| infos[j].flags & (PRON | THING_PRON) != 0)
            {
                let thing = u64::from(infos[d].has(THING_PRON));
                push(feat2(T_PRON_NEXT, (d - i) as u64 | thing << 3, caps));
            }
            // "Kallas arrived late. She said ...": the next sentence opens with a pronoun.
            if t.is_cap()
                && let Some(n) = next_sentence_start
                && infos[n].flags & (PRON | THING_PRON) != 0
            {
                let thing = u64::from(infos[n].has(THING_PRON));
                let subject = u64::from(i <= si.first_word + 2);
                push(feat2(T_PRON_NEXT_SENTENCE, thing | subject << 1, caps));
            }
            // "Okonkwo resigned", "Lindqvist later admitted": a verb whose subject is nearly
            // always a person right after the capitalised run this token ends.
            if t.is_cap() && i + 1 < e && !infos[i + 1].is_cap() {
                let skipped = infos[i + 1].has(GAP);
                let j = i + 1 + usize::from(skipped);
                if j < e && infos[j].lex.person_verb && infos[j].is_lower() {
                    push(feat2(T_PERSON_VERB, u64::from(skipped), caps));
                }
            }
            if is_head_at(infos, i + 1, e, si.caps_line) {
                push(feat2(T_HEAD_NEXT, u64::from(t.is_cap()), caps));
            }
            if is_head_at(infos, i + 2, e, si.caps_line) && next.is_some_and(TokInfo::is_cap) {
                push(feat2(T_HEAD_NEXT2, u64::from(t.is_cap()), caps));
            }
            if i == si.first_word {
                push(feat2(T_START, t.shape, gaz_code(t)));
            }
            if si.caps_line {
                push(feat2(T_CAPSLINE, gaz_code(t), lo(pi, BOS)));
            }
            if t.is_alpha() && (t.is_cap() || si.caps_line) {
                let mut st = stats.get(&t.lower).copied().unwrap_or_default();
                st.sub(&own_stat(infos, i, sent, si));
                // Context: is this occurrence itself informative about case?
                let ctx = if si.caps_line {
                    2
                } else if i == si.first_word {
                    1
                } else {
                    0
                };
                let evidence = [
                    (1, st.cap_mid > 0),
                    (2, st.lower > 0),
                    (3, st.after_title > 0),
                    (4, st.after_first > 0),
                    (5, st.before_head > 0),
                    (6, st.after_prep > 0),
                    (7, st.person_pron > 0),
                    (8, st.thing_pron > 0),
                    (9, st.before_num > 0),
                ];
                for (k, on) in evidence {
                    if on {
                        push(feat2(T_DOC, k, ctx));
                    }
                }
            }
        }
    }
    starts.push(rows.len() as u32);
    Features { rows, starts }
}

/// A stage-1 tag reduced to what stage 2 uses: 0 `O`, 1 `B-PER`, 2 `I-PER`, 3 other entity.
fn coarse(tag: u8) -> u64 {
    match tag {
        0 => 0,
        1 => 1,
        2 => 2,
        _ => 3,
    }
}

/// How stage 1 tagged one word (by folded form) across the document.
#[derive(Debug, Clone, Copy, Default)]
struct Stage1Stat {
    person: u16,
    other: u16,
    /// Capitalised mid-sentence but left untagged.
    plain_cap: u16,
    /// Last word of a multi-word person name.
    surname: u16,
    /// First word of a multi-word person name.
    given: u16,
}

impl Stage1Stat {
    fn add(&mut self, o: &Stage1Stat, sign: i32) {
        let f =
            |a: &mut u16, b: u16| *a = (i32::from(*a) + sign * i32::from(b)).clamp(0, 65535) as u16;
        f(&mut self.person, o.person);
        f(&mut self.other, o.other);
        f(&mut self.plain_cap, o.plain_cap);
        f(&mut self.surname, o.surname);
        f(&mut self.given, o.given);
    }
}

fn stage1_own(
    infos: &[TokInfo],
    tags: &[u8],
    i: usize,
    sent: &Sentence,
    si: SentenceInfo,
) -> Stage1Stat {
    let c = coarse(tags[i]);
    let mut s = Stage1Stat::default();
    if si.headline {
        return s;
    }
    match c {
        1 | 2 => s.person = 1,
        3 => s.other = 1,
        _ => {
            if infos[i].is_cap() && !si.caps_line && i != si.first_word {
                s.plain_cap = 1;
            }
        }
    }
    let next_inside = i + 1 < sent.end && coarse(tags[i + 1]) == 2;
    if c == 2 && !next_inside {
        s.surname = 1;
    }
    if c == 1 && next_inside {
        s.given = 1;
    }
    s
}

fn bucket(n: u16) -> u64 {
    u64::from(n.min(2))
}

// Stage-2 template ids.
const T_S_TAG: u64 = 101;
const T_S_TAG3: u64 = 102;
const T_S_DOC: u64 = 103;
const T_S_PLAIN: u64 = 104;
const T_S_NAME: u64 = 105;
const T_S_NEIGHBOURS: u64 = 106;
const T_S_COORD: u64 = 107;
const T_S_MARGIN: u64 = 108;
const T_S_DOC_MARGIN: u64 = 109;

/// A stage-1 score difference in one of six bands.
fn margin_bucket(x: f32) -> u64 {
    match x {
        x if x < -30.0 => 0,
        x if x < -10.0 => 1,
        x if x < 0.0 => 2,
        x if x < 10.0 => 3,
        x if x < 30.0 => 4,
        _ => 5,
    }
}

/// The two highest and two lowest margins of a word, with the tokens they came from.
#[derive(Debug, Clone, Copy)]
struct MarginStat {
    hi: [(f32, usize); 2],
    lo: [(f32, usize); 2],
}

impl Default for MarginStat {
    fn default() -> Self {
        Self {
            hi: [(f32::NEG_INFINITY, usize::MAX); 2],
            lo: [(f32::INFINITY, usize::MAX); 2],
        }
    }
}

impl MarginStat {
    fn add(&mut self, m: f32, i: usize) {
        if m > self.hi[0].0 {
            self.hi = [(m, i), self.hi[0]];
        } else if m > self.hi[1].0 {
            self.hi[1] = (m, i);
        }
        if m < self.lo[0].0 {
            self.lo = [(m, i), self.lo[0]];
        } else if m < self.lo[1].0 {
            self.lo[1] = (m, i);
        }
    }
    /// Highest and lowest margins among the word's other occurrences.
    fn others(&self, i: usize) -> (Option<f32>, Option<f32>) {
        let pick = |pair: [(f32, usize); 2]| {
            let (v, _) = if pair[0].1 == i { pair[1] } else { pair[0] };
            v.is_finite().then_some(v)
        };
        (pick(self.hi), pick(self.lo))
    }
}

/// Stage-2 features: the stage-1 features plus what stage 1 tagged this token and its
/// neighbours, and how it tagged the same word elsewhere in the document.
pub(crate) fn stacked(
    base: &Features,
    infos: &[TokInfo],
    sentences: &[Sentence],
    sinfos: &[SentenceInfo],
    stage1: &Tagging,
    bits: u32,
) -> Features {
    let tags = &stage1.tags[..];
    let margins = &stage1.margins[..];
    // The two strongest and two weakest person-versus-other margins of each word, so that any
    // occurrence can see the extremes among the others.
    let mut extremes: HashKeyMap<MarginStat> = HashKeyMap::default();
    for (sent, si) in sentences.iter().zip(sinfos) {
        for i in sent.clone().filter(|_| !si.headline) {
            if infos[i].is_alpha() {
                extremes
                    .entry(infos[i].lower)
                    .or_default()
                    .add(margins[i][0], i);
            }
        }
    }
    let mut stats: HashKeyMap<Stage1Stat> = HashKeyMap::default();
    for (sent, &si) in sentences.iter().zip(sinfos) {
        for i in sent.clone() {
            if infos[i].is_alpha() {
                let own = stage1_own(infos, tags, i, sent, si);
                stats.entry(infos[i].lower).or_default().add(&own, 1);
            }
        }
    }
    let word_evidence = |i: usize| -> u64 {
        let t = &infos[i];
        if !t.is_alpha() || !t.is_cap() {
            return 3;
        }
        stats.get(&t.lower).map_or(0, |s| bucket(s.person))
    };
    let shift = 64 - bits;
    let mut rows: Vec<u32> = Vec::with_capacity(base.rows.len() + infos.len() * 8);
    let mut starts = Vec::with_capacity(infos.len() + 1);
    for (sent, &si) in sentences.iter().zip(sinfos) {
        let (s, e) = (sent.start, sent.end);
        for i in s..e {
            starts.push(rows.len() as u32);
            rows.extend_from_slice(base.token(i));
            let mut push = |h: u64| rows.push((h >> shift) as u32);
            let t = &infos[i];
            let c = coarse(tags[i]);
            let cp = if i > s { coarse(tags[i - 1]) } else { 4 };
            let cn = if i + 1 < e { coarse(tags[i + 1]) } else { 4 };
            push(feat(T_S_TAG, c));
            push(feat(T_S_TAG3, cp | c << 4 | cn << 8));
            let [vs_other, vs_none] = margins[i];
            push(feat(
                T_S_MARGIN,
                margin_bucket(vs_other) | margin_bucket(vs_none) << 3 | c << 6,
            ));
            if t.is_alpha() && (t.is_cap() || si.caps_line) {
                let mut st = stats.get(&t.lower).copied().unwrap_or_default();
                st.add(&stage1_own(infos, tags, i, sent, si), -1);
                let ctx: u64 = if si.caps_line {
                    2
                } else if i == si.first_word {
                    1
                } else {
                    0
                };
                push(feat(
                    T_S_DOC,
                    bucket(st.person) | bucket(st.other) << 2 | c << 4,
                ));
                push(feat(T_S_PLAIN, bucket(st.plain_cap) | ctx << 2 | c << 4));
                let (hi, lo) = extremes.get(&t.lower).map_or((None, None), |m| m.others(i));
                let side = |x: Option<f32>| x.map_or(6, margin_bucket);
                push(feat(T_S_DOC_MARGIN, side(hi) | side(lo) << 3 | c << 6));
                push(feat(
                    T_S_NAME,
                    bucket(st.surname) | bucket(st.given) << 2 | u64::from(st.person > 0) << 4,
                ));
                let pe = if i > s { word_evidence(i - 1) } else { 4 };
                let ne = if i + 1 < e { word_evidence(i + 1) } else { 4 };
                push(feat(T_S_NEIGHBOURS, pe | ne << 3 | c << 6));
                // Coordination: "Narendra Modi and Giorgia Meloni" names two of a kind.
                let joins = |j: usize| infos[j].flags & (COMMA | CONJ) != 0;
                let before = if i >= s + 2 && joins(i - 1) {
                    coarse(tags[i - 2])
                } else {
                    4
                };
                let after = if i + 2 < e && joins(i + 1) {
                    coarse(tags[i + 2])
                } else {
                    4
                };
                if before != 4 || after != 4 {
                    push(feat(T_S_COORD, before | after << 3 | c << 6));
                }
            }
        }
    }
    starts.push(rows.len() as u32);
    Features { rows, starts }
}
