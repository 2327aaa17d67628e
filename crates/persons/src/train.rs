//! Training: an averaged structured perceptron over BIO tags, on documents with gold entity spans
//! (CoNLL-2003 in practice, read by the caller). Deterministic: a fixed seed drives the only
//! randomness (the sentence order of each epoch), and every loop runs in a stable order.

use std::collections::HashMap;

use crate::Error;
use crate::annotated::{Entity, EntityKind, TrainingDoc};
use crate::features::{
    Features, SentenceInfo, TokInfo, features, sentence_infos, stacked, token_infos,
};
use crate::lexicon::{Gazetteer, HashKeyMap, Lexicon, NameLists, is_title};
use crate::model::{Model, Stage, Tagging, allowed, begin, inside, tags_for, viterbi};
use crate::tokenize::{Sentence, Token, sentences, tokenize};

/// Training settings. The defaults are the ones the committed model was trained with.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainConfig {
    /// log2 of the number of hashed weight rows.
    pub bits: u32,
    /// Passes over the training data.
    pub epochs: usize,
    /// Seed for the sentence order of each epoch and for the inserted honorifics.
    pub seed: u64,
    /// Tag organisations, locations and misc entities as their own types (`true`) or as one
    /// "other entity" type (`false`).
    pub all_types: bool,
    /// Share of one-word person mentions (surnames) that get an honorific ("Mr", "Dr", ...)
    /// inserted before them, so the tagger learns the cue that modern British news uses and
    /// 1996 Reuters copy seldom does.
    pub honorific_rate: f64,
    /// Share of dotted initials in person names ("J.D.") written without periods ("JD").
    pub initials_rate: f64,
    /// Train a second stage that re-tags with the first stage's tags of the whole document as
    /// features (document-level consistency, learned). Its training input comes from
    /// first-stage models that did not see the document (`folds`-fold jackknife).
    pub stacked: bool,
    /// How many parts the jackknife of `stacked` splits the documents into.
    pub folds: usize,
    /// Words seen fewer times than this in the training data get no weights of their own.
    pub vocabulary_min: u32,
    /// Words seen at most this often in the training data count as rare.
    pub rare_count: u32,
    /// Share of rare capitalised words whose identity is hidden from the tagger.
    pub unknown_rate: f64,
    /// Share of census name-list hits hidden from the tagger in training.
    pub gazetteer_dropout: f64,
    /// Perceptrons averaged into each stage.
    pub ensemble: usize,
    /// Share of training sentences that also start a short document of their own (one or two
    /// sentences), so the tagger learns to tag text with nothing else to lean on.
    pub snippet_rate: f64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            bits: 17,
            epochs: 12,
            seed: 20_030_531,
            all_types: true,
            honorific_rate: 0.2,
            initials_rate: 0.5,
            stacked: true,
            folds: 5,
            vocabulary_min: 2,
            rare_count: 3,
            unknown_rate: 0.3,
            gazetteer_dropout: 0.3,
            ensemble: 3,
            snippet_rate: 0.15,
        }
    }
}

/// What training saw and how it went.
#[derive(Debug, Clone, Default)]
pub struct TrainReport {
    /// Training documents prepared (the snippets cut from them included).
    pub documents: usize,
    /// Sentences they were split into.
    pub sentences: usize,
    /// Tokens in those sentences.
    pub tokens: usize,
    /// Gold entities whose edges fall inside a token of ours (they are trained as the tokens
    /// they overlap).
    pub misaligned_entities: usize,
    /// Honorifics inserted before person mentions, and initials stripped of their periods.
    pub restyled: usize,
    /// Tokens whose identity was hidden (outside the vocabulary, or rare and hidden at random).
    pub hidden_words: usize,
    /// Words in the model's vocabulary.
    pub vocabulary: usize,
    /// Short documents cut from the training documents (counted in `documents` too).
    pub snippets: usize,
    /// Sentences decoded wrongly in each epoch of the final model's last stage.
    pub epoch_errors: Vec<usize>,
}

/// A trained model, as the bytes of its file.
#[derive(Debug, Clone)]
pub struct TrainedModel {
    /// The model file, as `Extractor::from_model_bytes` reads it.
    pub bytes: Vec<u8>,
    /// What training saw and how it went.
    pub report: TrainReport,
}

/// SplitMix64: a tiny, well-distributed generator, enough for shuffling.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

struct PreparedDoc {
    /// The training document this one is, or was cut from: its jackknife fold.
    group: usize,
    /// Times each pass sees it.
    repeat: u32,
    base: Features,
    /// Stage-2 features, once stage-1 tags exist.
    stacked: Option<Features>,
    infos: Vec<TokInfo>,
    sinfos: Vec<SentenceInfo>,
    gold: Vec<u8>,
    sentences: Vec<Sentence>,
}

impl PreparedDoc {
    fn feats(&self, stage2: bool) -> &Features {
        match (&self.stacked, stage2) {
            (Some(f), true) => f,
            _ => &self.base,
        }
    }
}

fn kind_index(kind: EntityKind, all_types: bool) -> usize {
    match (kind, all_types) {
        (EntityKind::Person, _) => 0,
        (_, false) => 1,
        (EntityKind::Organisation, true) => 1,
        (EntityKind::Location, true) => 2,
        (EntityKind::Misc, true) => 3,
    }
}

/// Whether `w` is written as initials with periods: `J.`, `P.W.`.
fn is_dotted_initials(w: &[char]) -> bool {
    w.len() >= 2
        && w.len().is_multiple_of(2)
        && w.chunks(2).all(|p| p[0].is_uppercase() && p[1] == '.')
}

/// A copy of `doc` rewritten towards today's news style, so the tagger learns cues the 1996
/// Reuters copy seldom shows: an honorific ("Mr", "Dr", ...) before some one-word person mentions
/// that do not already follow a capitalised word or a title, and initials without periods
/// ("JD Vance", "PW Botha") in some person names. Returns the document and the number of edits.
fn restyle(
    doc: &TrainingDoc,
    honorifics: &[String],
    cfg: &TrainConfig,
    rng: &mut SplitMix,
) -> (TrainingDoc, usize) {
    let chars: Vec<char> = doc.text.chars().collect();
    let mut inserts: Vec<(usize, String)> = Vec::new();
    let mut deleted = vec![false; chars.len()];
    let mut entities = doc.entities.clone();
    entities.sort_by_key(|e| e.start);
    let mut edits = 0;
    for e in entities
        .iter()
        .filter(|e| e.kind == EntityKind::Person && e.end <= chars.len())
    {
        let span = &chars[e.start..e.end];
        if !span.iter().any(|c| c.is_whitespace()) {
            // The word before the mention, on the same line.
            let mut j = e.start;
            while j > 0 && chars[j - 1] == ' ' {
                j -= 1;
            }
            let mut k = j;
            while k > 0 && !chars[k - 1].is_whitespace() {
                k -= 1;
            }
            let prev: String = chars[k..j].iter().collect();
            let blocked = prev.chars().next().is_some_and(char::is_uppercase)
                || is_title(prev.to_lowercase().trim_end_matches('.'));
            if !blocked && !honorifics.is_empty() && rng.unit() < cfg.honorific_rate {
                let h = &honorifics[(rng.next() % honorifics.len() as u64) as usize];
                let mut word: String = h.chars().take(1).flat_map(char::to_uppercase).collect();
                word.extend(h.chars().skip(1));
                // American copy writes "Mr." where British writes "Mr".
                if matches!(h.as_str(), "mr" | "mrs" | "ms" | "dr") && rng.unit() < 0.3 {
                    word.push('.');
                }
                inserts.push((e.start, word + " "));
                edits += 1;
            }
            continue;
        }
        // Initials: drop their periods.
        let mut w = e.start;
        while w < e.end {
            let mut x = w;
            while x < e.end && !chars[x].is_whitespace() {
                x += 1;
            }
            if is_dotted_initials(&chars[w..x]) && rng.unit() < cfg.initials_rate {
                for (i, c) in chars.iter().enumerate().take(x).skip(w) {
                    if *c == '.' {
                        deleted[i] = true;
                    }
                }
                edits += 1;
            }
            w = x + 1;
        }
    }
    if edits == 0 {
        return (doc.clone(), 0);
    }
    // Rebuild the text, mapping old positions to new ones: a start moves past text inserted at
    // its position, an end does not.
    let mut text = String::with_capacity(doc.text.len() + inserts.len() * 4);
    let mut start_at = vec![0; chars.len() + 1];
    let mut end_at = vec![0; chars.len() + 1];
    let mut next = inserts.iter().peekable();
    let mut len = 0;
    for i in 0..=chars.len() {
        end_at[i] = len;
        while let Some((pos, w)) = next.next_if(|(pos, _)| *pos == i) {
            let _ = pos;
            text.push_str(w);
            len += w.chars().count();
        }
        start_at[i] = len;
        if i < chars.len() && !deleted[i] {
            text.push(chars[i]);
            len += 1;
        }
    }
    let entities = doc
        .entities
        .iter()
        .map(|e| Entity {
            start: start_at[e.start.min(chars.len())],
            end: end_at[e.end.min(chars.len())],
            kind: e.kind,
        })
        .collect();
    (
        TrainingDoc {
            text,
            entities,
            repeat: doc.repeat,
        },
        edits,
    )
}

/// Short documents cut from `doc`: one or two of its lines (sentences, in CoNLL text) that read as
/// prose, each with the entities inside it. Long documents let the tagger lean on other mentions
/// of a name; a short text (a brief, a caption, a pasted sentence) has none, and a tagger trained
/// on whole documents alone is unsure of unfamiliar names in it.
fn snippets(doc: &TrainingDoc, cfg: &TrainConfig, rng: &mut SplitMix) -> Vec<TrainingDoc> {
    if cfg.snippet_rate <= 0.0 {
        return Vec::new();
    }
    let chars: Vec<char> = doc.text.chars().collect();
    // Character ranges of the lines.
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, &c) in chars.iter().enumerate() {
        if c == '\n' {
            lines.push(start..i);
            start = i + 1;
        }
    }
    lines.push(start..chars.len());
    let prose = |r: &std::ops::Range<usize>| {
        let line = &chars[r.clone()];
        line.iter().filter(|&&c| c == ' ').count() + 1 >= 6 && line.iter().any(|c| c.is_lowercase())
    };
    let mut out = Vec::new();
    for i in 0..lines.len() {
        if !prose(&lines[i]) || rng.unit() >= cfg.snippet_rate {
            continue;
        }
        let last = if i + 1 < lines.len() && rng.unit() < 0.4 {
            i + 1
        } else {
            i
        };
        let (from, to) = (lines[i].start, lines[last].end);
        let text: String = chars[from..to].iter().collect();
        let entities = doc
            .entities
            .iter()
            .filter(|e| e.start >= from && e.end <= to)
            .map(|e| Entity {
                start: e.start - from,
                end: e.end - from,
                kind: e.kind,
            })
            .collect();
        out.push(TrainingDoc {
            text,
            entities,
            repeat: doc.repeat,
        });
    }
    out
}

/// A document tokenised, before features.
struct Analysed {
    tokens: Vec<Token>,
    sents: Vec<Sentence>,
    infos: Vec<TokInfo>,
}

fn analyse(doc: &TrainingDoc, lex: &Lexicon) -> Analysed {
    let tokens = tokenize(&doc.text);
    let sents = sentences(&doc.text, &tokens);
    let infos = token_infos(&doc.text, &tokens, lex);
    Analysed {
        tokens,
        sents,
        infos,
    }
}

/// Features and gold tags of one document.
fn prepare(
    doc: &TrainingDoc,
    group: usize,
    a: Analysed,
    counts: &HashMap<u64, u32>,
    rng: &mut SplitMix,
    cfg: &TrainConfig,
    report: &mut TrainReport,
) -> PreparedDoc {
    let Analysed {
        tokens,
        sents,
        mut infos,
    } = a;
    // The census lists are Anglo-centric: hide some of their hits, so that a capitalised word
    // missing from them ("Volodymyr", "Giorgia") does not count as evidence against a name.
    for t in &mut infos {
        if (t.lex.first > 0 || t.lex.last > 0 || t.lex.given_freq > 0)
            && rng.unit() < cfg.gazetteer_dropout
        {
            t.lex.first = 0;
            t.lex.last = 0;
            t.lex.given_freq = 0;
        }
        // Likewise the place and company lists: incomplete, and a surname can be a town.
        if (t.lex.place > 0 || t.lex.company || t.phrase != 0) && rng.unit() < cfg.gazetteer_dropout
        {
            t.lex.place = 0;
            t.lex.company = false;
            t.phrase = 0;
        }
    }
    let sinfos = sentence_infos(&doc.text, &tokens, &infos, &sents);
    // Words outside the vocabulary are unknown, as they will be at run time; some rare
    // capitalised words inside it are hidden too, since those are what unseen names look like.
    let unknown: Vec<bool> = infos
        .iter()
        .map(|t| {
            let n = counts.get(&t.lower_hash()).copied().unwrap_or(0);
            n < cfg.vocabulary_min
                || (t.is_cap() && n <= cfg.rare_count && rng.unit() < cfg.unknown_rate)
        })
        .collect();
    report.hidden_words += unknown.iter().filter(|&&u| u).count();
    let base = features(&infos, &sents, &sinfos, cfg.bits, Some(&unknown));
    let mut gold = vec![0u8; tokens.len()];
    for e in &doc.entities {
        let k = kind_index(e.kind, cfg.all_types);
        let mut first = true;
        for (i, t) in tokens.iter().enumerate() {
            if t.cend <= e.start || t.cstart >= e.end {
                continue;
            }
            if t.cstart < e.start || t.cend > e.end {
                report.misaligned_entities += 1;
            }
            gold[i] = if first { begin(k) } else { inside(k) };
            first = false;
        }
    }
    // A gold sequence the decoder cannot produce (an entity split by our sentence boundary)
    // would make the perceptron chase an impossible target: repair it.
    for s in &sents {
        let mut prev = None;
        for i in s.clone() {
            if !allowed(prev, gold[i]) {
                gold[i] -= 1;
            }
            prev = Some(gold[i]);
        }
    }
    report.documents += 1;
    report.sentences += sents.len();
    report.tokens += tokens.len();
    PreparedDoc {
        group,
        repeat: doc.repeat.max(1),
        base,
        stacked: None,
        infos,
        sinfos,
        gold,
        sentences: sents,
    }
}

/// Weights with lazy averaging: the average of all intermediate weight vectors is
/// `w - acc / clock`, so each update is O(1) instead of touching every weight.
struct Averaged {
    w: Vec<f32>,
    acc: Vec<f64>,
}

impl Averaged {
    fn new(n: usize) -> Self {
        Self {
            w: vec![0.0; n],
            acc: vec![0.0; n],
        }
    }
    fn update(&mut self, i: usize, d: f32, clock: f64) {
        self.w[i] += d;
        self.acc[i] += clock * f64::from(d);
    }
    fn averaged(&self, clock: f64) -> Vec<f32> {
        self.w
            .iter()
            .zip(&self.acc)
            .map(|(&w, &a)| (f64::from(w) - a / clock) as f32)
            .collect()
    }
}

/// Averaged float weights of one trained stage.
struct Fitted {
    weights: Vec<f32>,
    start: Vec<f32>,
    trans: Vec<f32>,
}

fn emissions(weights: &[f32], tags: usize, feats: &Features, range: Sentence, emit: &mut Vec<f32>) {
    emit.clear();
    for i in range {
        let base = emit.len();
        emit.resize(base + tags, 0.0);
        for &row in feats.token(i) {
            let r = row as usize * tags;
            for (e, w) in emit[base..].iter_mut().zip(&weights[r..r + tags]) {
                *e += w;
            }
        }
    }
}

impl Fitted {
    fn tag(&self, tags: usize, doc: &PreparedDoc, stage2: bool) -> Tagging {
        let mut all = Tagging::default();
        let (mut emit, mut out) = (Vec::new(), Vec::new());
        for s in &doc.sentences {
            emissions(&self.weights, tags, doc.feats(stage2), s.clone(), &mut emit);
            viterbi(&emit, tags, &self.start, &self.trans, &mut out);
            all.push(&out, &emit, tags);
        }
        all
    }
}

/// Trains one stage on the documents `which`: the mean of `cfg.ensemble` averaged perceptrons
/// that saw the sentences in different orders (steadier than any one of them on unseen names).
fn fit(
    docs: &[PreparedDoc],
    which: &[usize],
    stage2: bool,
    tags: usize,
    cfg: &TrainConfig,
    errors: &mut Vec<usize>,
) -> Fitted {
    let n = cfg.ensemble.max(1);
    let mut sum: Option<Fitted> = None;
    for k in 0..n {
        let f = fit_one(docs, which, stage2, tags, cfg, k as u64, errors);
        sum = Some(match sum {
            None => f,
            Some(mut s) => {
                for (a, b) in [
                    (&mut s.weights, &f.weights),
                    (&mut s.start, &f.start),
                    (&mut s.trans, &f.trans),
                ] {
                    a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                }
                s
            }
        });
    }
    let mut s = sum.unwrap_or(Fitted {
        weights: Vec::new(),
        start: Vec::new(),
        trans: Vec::new(),
    });
    let scale = 1.0 / n as f32;
    for v in [&mut s.weights, &mut s.start, &mut s.trans] {
        v.iter_mut().for_each(|x| *x *= scale);
    }
    s
}

/// One averaged perceptron; `member` picks its sentence order.
fn fit_one(
    docs: &[PreparedDoc],
    which: &[usize],
    stage2: bool,
    tags: usize,
    cfg: &TrainConfig,
    member: u64,
    errors: &mut Vec<usize>,
) -> Fitted {
    let mut weights = Averaged::new((1usize << cfg.bits) * tags);
    let mut start = Averaged::new(tags);
    let mut trans = Averaged::new(tags * tags);
    let mut order: Vec<(usize, usize)> = which
        .iter()
        .flat_map(|&d| {
            (0..docs[d].repeat).flat_map(move |_| (0..docs[d].sentences.len()).map(move |s| (d, s)))
        })
        .collect();
    let mut rng =
        SplitMix(cfg.seed ^ u64::from(stage2) ^ member.wrapping_mul(0x5851_F42D_4C95_7F2D));
    let mut clock = 1.0f64;
    let (mut emit, mut pred) = (Vec::new(), Vec::new());
    errors.clear();
    for _ in 0..cfg.epochs {
        rng.shuffle(&mut order);
        let mut wrong = 0;
        for &(d, s) in &order {
            let doc = &docs[d];
            let feats = doc.feats(stage2);
            let range = doc.sentences[s].clone();
            emissions(&weights.w, tags, feats, range.clone(), &mut emit);
            viterbi(&emit, tags, &start.w, &trans.w, &mut pred);
            let gold = &doc.gold[range.clone()];
            if pred != gold {
                wrong += 1;
                for (k, i) in range.clone().enumerate() {
                    let (g, p) = (gold[k] as usize, pred[k] as usize);
                    if g != p {
                        for &row in feats.token(i) {
                            let r = row as usize * tags;
                            weights.update(r + g, 1.0, clock);
                            weights.update(r + p, -1.0, clock);
                        }
                    }
                    let (gp, pp) = if k == 0 {
                        (None, None)
                    } else {
                        (Some(gold[k - 1] as usize), Some(pred[k - 1] as usize))
                    };
                    if (gp, g) != (pp, p) {
                        match gp {
                            None => start.update(g, 1.0, clock),
                            Some(gp) => trans.update(gp * tags + g, 1.0, clock),
                        }
                        match pp {
                            None => start.update(p, -1.0, clock),
                            Some(pp) => trans.update(pp * tags + p, -1.0, clock),
                        }
                    }
                }
            }
            clock += 1.0;
        }
        errors.push(wrong);
    }
    Fitted {
        weights: weights.averaged(clock),
        start: start.averaged(clock),
        trans: trans.averaged(clock),
    }
}

/// Trains a model on `docs`, with `names` as the given-name and surname lists its features
/// consult (the model file keeps their hashes, so the lists are not needed at run time).
pub fn train(
    docs: &[TrainingDoc],
    names: &NameLists,
    cfg: &TrainConfig,
) -> Result<TrainedModel, Error> {
    if !(8..=24).contains(&cfg.bits) {
        return Err(Error::Training(format!(
            "bits must be 8..=24, got {}",
            cfg.bits
        )));
    }
    if cfg.stacked && cfg.folds < 2 {
        return Err(Error::Training(
            "a stacked model needs at least 2 folds".into(),
        ));
    }
    let gazetteer = Gazetteer::from_lists(names);
    let lex = Lexicon::new(gazetteer.clone());
    let honorifics = Lexicon::honorifics();
    let mut report = TrainReport::default();
    let mut rng = SplitMix(cfg.seed.wrapping_add(1));
    let mut analysed = Vec::with_capacity(docs.len());
    let mut short = Vec::new();
    let mut counts: HashMap<u64, u32> = HashMap::new();
    // Its own stream, so that the rest of training does not depend on how many were cut.
    let mut snippet_rng = SplitMix(cfg.seed.wrapping_add(2));
    for (group, d) in docs.iter().enumerate() {
        let (doc, n) = restyle(d, &honorifics, cfg, &mut rng);
        report.restyled += n;
        let a = analyse(&doc, &lex);
        // The vocabulary counts whole documents only: snippets repeat their words.
        for t in &a.infos {
            *counts.entry(t.lower_hash()).or_default() += 1;
        }
        for s in snippets(&doc, cfg, &mut snippet_rng) {
            let a = analyse(&s, &lex);
            short.push((group, s, a));
        }
        analysed.push((group, doc, a));
    }
    report.snippets = short.len();
    let mut prepared = Vec::with_capacity(docs.len() + short.len());
    for (group, doc, a) in analysed {
        prepared.push(prepare(&doc, group, a, &counts, &mut rng, cfg, &mut report));
    }
    for (group, doc, a) in short {
        prepared.push(prepare(
            &doc,
            group,
            a,
            &counts,
            &mut snippet_rng,
            cfg,
            &mut report,
        ));
    }
    if report.tokens == 0 {
        return Err(Error::Training(
            "no tokens in the training documents".into(),
        ));
    }
    let types = if cfg.all_types { 4 } else { 2 };
    let tags = tags_for(types);
    let all: Vec<usize> = (0..prepared.len()).collect();
    let mut errors = Vec::new();
    let first = fit(&prepared, &all, false, tags, cfg, &mut errors);
    let mut stages = vec![first];
    if cfg.stacked {
        // Stage-1 tags for each document from a model trained without it, so that stage 2
        // learns how far to trust stage 1 on unseen text.
        let mut stage1_tags: Vec<Tagging> = vec![Tagging::default(); prepared.len()];
        for fold in 0..cfg.folds {
            // A snippet goes with the document it was cut from, so that no stage-1 model has
            // seen the text it tags.
            let in_fold = |d: &usize| prepared[*d].group % cfg.folds == fold;
            let train_on: Vec<usize> = all.iter().copied().filter(|d| !in_fold(d)).collect();
            let m = fit(&prepared, &train_on, false, tags, cfg, &mut Vec::new());
            for d in all.iter().copied().filter(in_fold) {
                stage1_tags[d] = m.tag(tags, &prepared[d], false);
            }
        }
        for (doc, t) in prepared.iter_mut().zip(&stage1_tags) {
            doc.stacked = Some(stacked(
                &doc.base,
                &doc.infos,
                &doc.sentences,
                &doc.sinfos,
                t,
                cfg.bits,
            ));
        }
        stages.push(fit(&prepared, &all, true, tags, cfg, &mut errors));
    }
    report.epoch_errors = errors;
    let vocabulary: HashKeyMap<()> = counts
        .iter()
        .filter(|&(_, &n)| n >= cfg.vocabulary_min)
        .map(|(&k, _)| (k, ()))
        .collect();
    report.vocabulary = vocabulary.len();
    let model = Model {
        bits: cfg.bits,
        types,
        tags,
        vocabulary,
        gazetteer,
        stages: stages
            .into_iter()
            .map(|f| Stage::from_weights(f.start, f.trans, &f.weights))
            .collect(),
    };
    Ok(TrainedModel {
        bytes: model.to_bytes(),
        report,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, Extractor};

    fn doc(text: &str, people: &[&str], orgs: &[&str]) -> TrainingDoc {
        let mut entities = Vec::new();
        for (names, kind) in [
            (people, EntityKind::Person),
            (orgs, EntityKind::Organisation),
        ] {
            for n in names {
                let b = text.find(n).expect("entity in text");
                let start = text[..b].chars().count();
                entities.push(Entity {
                    start,
                    end: start + n.chars().count(),
                    kind,
                });
            }
        }
        TrainingDoc {
            text: text.to_string(),
            entities,
            ..TrainingDoc::default()
        }
    }

    fn names() -> NameLists {
        let v = |s: &[&str]| s.iter().map(|x| (*x).to_string()).collect();
        NameLists {
            given: v(&["JOHN", "MARY", "PETER", "DAVID"]),
            surnames: v(&["SMITH", "JONES", "BROWN", "HILL"]),
            ..NameLists::default()
        }
    }

    fn corpus() -> Vec<TrainingDoc> {
        let people = [
            "John Smith",
            "Mary Jones",
            "Peter Brown",
            "Anna Walsh",
            "David Clark",
            "Susan Hill",
        ];
        let orgs = ["Acme Corp", "Globex Bank", "Initech Group"];
        let mut docs = Vec::new();
        for (i, p) in people.iter().enumerate() {
            let o = orgs[i % orgs.len()];
            let surname = p.split(' ').nth(1).unwrap_or_default();
            let text = format!(
                "{p} said on Monday that {o} would grow .\n{o} shares rose after {surname} spoke ."
            );
            let mut d = doc(&text, &[p], &[o]);
            let at = text.rfind(surname).unwrap_or_default();
            let start = text[..at].chars().count();
            d.entities.push(Entity {
                start,
                end: start + surname.len(),
                kind: EntityKind::Person,
            });
            // The second org mention.
            let at = text.rfind(o).unwrap_or_default();
            let start = text[..at].chars().count();
            d.entities.push(Entity {
                start,
                end: start + o.len(),
                kind: EntityKind::Organisation,
            });
            docs.push(d);
        }
        docs
    }

    #[test]
    fn training_is_deterministic_and_the_model_loads() {
        let cfg = TrainConfig {
            bits: 12,
            epochs: 4,
            folds: 2,
            ensemble: 2,
            ..TrainConfig::default()
        };
        let a = train(&corpus(), &names(), &cfg).expect("trains");
        let b = train(&corpus(), &names(), &cfg).expect("trains");
        assert_eq!(a.bytes, b.bytes);
        assert_eq!(a.report.documents - a.report.snippets, 6);
        let x = Extractor::from_model_bytes(&a.bytes, Config::default()).expect("loads");
        let persons = x.extract("John Smith said on Monday that Acme Corp would grow .");
        assert_eq!(
            persons.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
            vec!["John Smith"]
        );
    }

    #[test]
    fn rejects_bad_settings_and_empty_input() {
        assert!(
            train(
                &corpus(),
                &names(),
                &TrainConfig {
                    bits: 40,
                    ..TrainConfig::default()
                }
            )
            .is_err()
        );
        assert!(
            train(
                &corpus(),
                &names(),
                &TrainConfig {
                    folds: 1,
                    ..TrainConfig::default()
                }
            )
            .is_err()
        );
        assert!(train(&[], &names(), &TrainConfig::default()).is_err());
    }

    #[test]
    fn snippets_keep_their_entities_on_their_words() {
        let text = "Clinton met Yeltsin in Moscow on Tuesday .\nYeltsin said the talks in Moscow went well .\nHEADLINE";
        let mut d = doc(text, &["Clinton", "Yeltsin"], &[]);
        // The second Yeltsin, found by position.
        let second = text.rfind("Yeltsin said").expect("in text");
        d.entities.push(Entity {
            start: second,
            end: second + 7,
            kind: EntityKind::Person,
        });
        let cfg = TrainConfig {
            snippet_rate: 1.0,
            ..TrainConfig::default()
        };
        let cut = snippets(&d, &cfg, &mut SplitMix(7));
        // Both prose lines start a snippet; the all-caps line is too short to.
        assert_eq!(cut.len(), 2);
        for s in &cut {
            assert!(s.text.starts_with("Clinton") || s.text.starts_with("Yeltsin"));
            for e in &s.entities {
                let span: String = s.text.chars().skip(e.start).take(e.end - e.start).collect();
                assert!(
                    span == "Clinton" || span == "Yeltsin",
                    "{span:?} in {:?}",
                    s.text
                );
            }
        }
        let last = &cut[1];
        assert!(last.text.starts_with("Yeltsin said"));
        assert_eq!(last.entities.len(), 1);
        assert!(
            snippets(
                &d,
                &TrainConfig {
                    snippet_rate: 0.0,
                    ..cfg
                },
                &mut SplitMix(7)
            )
            .is_empty()
        );
    }

    #[test]
    fn restyling_keeps_entity_offsets_on_their_words() {
        let d = doc(
            "Talks with Clinton and P.W. Botha ended .",
            &["Clinton", "P.W. Botha"],
            &[],
        );
        let cfg = TrainConfig {
            honorific_rate: 1.0,
            initials_rate: 1.0,
            ..TrainConfig::default()
        };
        let honorifics = vec!["mr".to_string()];
        let (out, edits) = restyle(&d, &honorifics, &cfg, &mut SplitMix(1));
        assert_eq!(edits, 2);
        assert!(
            out.text == "Talks with Mr Clinton and PW Botha ended ."
                || out.text == "Talks with Mr. Clinton and PW Botha ended ."
        );
        let spans: Vec<String> = out
            .entities
            .iter()
            .map(|e| {
                out.text
                    .chars()
                    .skip(e.start)
                    .take(e.end - e.start)
                    .collect()
            })
            .collect();
        assert_eq!(spans, vec!["Clinton", "PW Botha"]);
    }
}
