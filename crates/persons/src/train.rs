//! Training: an averaged structured perceptron over BIO tags, on documents with gold entity spans
//! (CoNLL-2003 in practice, read by the caller). Deterministic: a fixed seed drives the only
//! randomness (the sentence order of each epoch), and every loop runs in a stable order.

use crate::Error;
use crate::features::{Features, features, sentence_info, token_infos};
use crate::lexicon::Lexicon;
use crate::model::{Model, allowed, begin, inside, tags_for, viterbi};
use crate::tokenize::{Sentence, sentences, tokenize};

/// The kinds of entity a training document marks. Only persons are extracted; the other kinds
/// teach the tagger what a capitalised non-person looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityKind {
    Person,
    Organisation,
    Location,
    Misc,
}

/// A gold entity: character offsets into the document text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub start: usize,
    pub end: usize,
    pub kind: EntityKind,
}

/// One training document: its text and its gold entities.
#[derive(Debug, Clone, Default)]
pub struct TrainingDoc {
    pub text: String,
    pub entities: Vec<Entity>,
}

/// Training settings. The defaults are the ones the committed model was trained with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainConfig {
    /// log2 of the number of hashed weight rows.
    pub bits: u32,
    /// Passes over the training data.
    pub epochs: usize,
    /// Seed for the sentence order of each epoch.
    pub seed: u64,
    /// Tag organisations, locations and misc entities as their own types (`true`) or as one
    /// "other entity" type (`false`).
    pub all_types: bool,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            bits: 18,
            epochs: 12,
            seed: 20_030_531,
            all_types: true,
        }
    }
}

/// What training saw and how it went.
#[derive(Debug, Clone, Default)]
pub struct TrainReport {
    pub documents: usize,
    pub sentences: usize,
    pub tokens: usize,
    /// Gold entities whose edges fall inside a token of ours (they are trained as the tokens
    /// they overlap).
    pub misaligned_entities: usize,
    /// Sentences decoded wrongly in each epoch (before the update).
    pub epoch_errors: Vec<usize>,
}

/// A trained model, as the bytes of its file.
#[derive(Debug, Clone)]
pub struct TrainedModel {
    pub bytes: Vec<u8>,
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
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

struct PreparedDoc {
    feats: Features,
    gold: Vec<u8>,
    sentences: Vec<Sentence>,
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

fn prepare(
    doc: &TrainingDoc,
    lex: &Lexicon,
    cfg: &TrainConfig,
    report: &mut TrainReport,
) -> PreparedDoc {
    let tokens = tokenize(&doc.text);
    let sents = sentences(&doc.text, &tokens);
    let infos = token_infos(&doc.text, &tokens, lex);
    let sinfos: Vec<_> = sents.iter().map(|s| sentence_info(&infos, s)).collect();
    let feats = features(&infos, &sents, &sinfos, cfg.bits);
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
        feats,
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

/// Trains a model on `docs`.
pub fn train(docs: &[TrainingDoc], cfg: &TrainConfig) -> Result<TrainedModel, Error> {
    if !(8..=24).contains(&cfg.bits) {
        return Err(Error::Training(format!(
            "bits must be 8..=24, got {}",
            cfg.bits
        )));
    }
    let lex = Lexicon::new();
    let mut report = TrainReport::default();
    let prepared: Vec<PreparedDoc> = docs
        .iter()
        .map(|d| prepare(d, &lex, cfg, &mut report))
        .collect();
    if report.tokens == 0 {
        return Err(Error::Training(
            "no tokens in the training documents".into(),
        ));
    }
    let types = if cfg.all_types { 4 } else { 2 };
    let tags = tags_for(types);
    let mut weights = Averaged::new((1usize << cfg.bits) * tags);
    let mut start = Averaged::new(tags);
    let mut trans = Averaged::new(tags * tags);

    let mut order: Vec<(usize, usize)> = prepared
        .iter()
        .enumerate()
        .flat_map(|(d, p)| (0..p.sentences.len()).map(move |s| (d, s)))
        .collect();
    let mut rng = SplitMix(cfg.seed);
    let mut clock = 1.0f64;
    let mut emit = Vec::new();
    let mut pred = Vec::new();
    for _ in 0..cfg.epochs {
        rng.shuffle(&mut order);
        let mut errors = 0;
        for &(d, s) in &order {
            let doc = &prepared[d];
            let range = doc.sentences[s].clone();
            emit.clear();
            for i in range.clone() {
                let base = emit.len();
                emit.resize(base + tags, 0.0);
                for &row in doc.feats.token(i) {
                    let r = row as usize * tags;
                    for t in 0..tags {
                        emit[base + t] += weights.w[r + t];
                    }
                }
            }
            viterbi(&emit, tags, &start.w, &trans.w, &mut pred);
            let gold = &doc.gold[range.clone()];
            if pred != gold {
                errors += 1;
                for (k, i) in range.clone().enumerate() {
                    let (g, p) = (gold[k] as usize, pred[k] as usize);
                    if g != p {
                        for &row in doc.feats.token(i) {
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
        report.epoch_errors.push(errors);
    }
    let model = Model::from_weights(
        cfg.bits,
        types,
        start.averaged(clock),
        trans.averaged(clock),
        &weights.averaged(clock),
    );
    Ok(TrainedModel {
        bytes: model.to_bytes(),
        report,
    })
}
