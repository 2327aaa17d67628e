//! The tagger's model: hashed feature weights per BIO tag, tag transitions, Viterbi decoding, and
//! the compact binary file the trainer writes and the extractor embeds.
//!
//! File layout (little endian): magic `NDXPERS5`, `bits: u32`, `types: u32`, `stages: u32`,
//! `vocabulary: u32` then that many `u64` hashes of the folded words the model knows (sorted),
//! the name lists it was trained with (`names: u32`, that many `u32` hash keys, sorted, then that
//! many `u16` codes: see `lexicon::Gazetteer`), then per stage `scale: f32`, `start: [f32; tags]`, `trans: [f32; tags * tags]` and
//! `weights: [i8; 2^bits * tags]` (row-major: all tags of row 0, then row 1, ...). Tag 0 is `O`;
//! type `k` has `B` at `1 + 2k` and `I` at `2 + 2k`; type 0 is always the person type.

use crate::Error;
use crate::features::Features;
use crate::lexicon::{Gazetteer, HashKeyMap};

pub(crate) const MAGIC: &[u8; 8] = b"NDXPERS5";

/// The committed model, compiled in.
pub(crate) const EMBEDDED: &[u8] = include_bytes!("../../../data/persons/model.bin");

/// Tag numbering helpers shared by the trainer and the decoder.
pub(crate) fn tags_for(types: usize) -> usize {
    1 + 2 * types
}
#[cfg(any(test, feature = "train"))]
pub(crate) fn begin(kind: usize) -> u8 {
    (1 + 2 * kind) as u8
}
#[cfg(any(test, feature = "train"))]
pub(crate) fn inside(kind: usize) -> u8 {
    (2 + 2 * kind) as u8
}
/// `Some(kind)` for a `B` or `I` tag.
pub(crate) fn kind_of(tag: u8) -> Option<usize> {
    (tag > 0).then(|| (tag as usize - 1) / 2)
}
pub(crate) fn is_inside(tag: u8) -> bool {
    tag > 0 && tag.is_multiple_of(2)
}

/// Whether tag `cur` may follow `prev` (`None` at the start of a sentence): `I-X` only continues
/// an `X`.
pub(crate) fn allowed(prev: Option<u8>, cur: u8) -> bool {
    if !is_inside(cur) {
        return true;
    }
    prev.is_some_and(|p| kind_of(p) == kind_of(cur))
}

/// Best tag sequence for one sentence. `emit[i * tags + t]` is token `i`'s score for tag `t`.
pub(crate) fn viterbi(emit: &[f32], tags: usize, start: &[f32], trans: &[f32], out: &mut Vec<u8>) {
    let n = emit.len() / tags;
    out.clear();
    if n == 0 {
        return;
    }
    let mut score = vec![f32::NEG_INFINITY; n * tags];
    let mut back = vec![0u8; n * tags];
    for t in 0..tags {
        if allowed(None, t as u8) {
            score[t] = start[t] + emit[t];
        }
    }
    for i in 1..n {
        for t in 0..tags {
            let mut best = f32::NEG_INFINITY;
            let mut arg = 0u8;
            for p in 0..tags {
                let prev = score[(i - 1) * tags + p];
                if prev == f32::NEG_INFINITY || !allowed(Some(p as u8), t as u8) {
                    continue;
                }
                let s = prev + trans[p * tags + t];
                if s > best {
                    best = s;
                    arg = p as u8;
                }
            }
            score[i * tags + t] = best + emit[i * tags + t];
            back[i * tags + t] = arg;
        }
    }
    let last = &score[(n - 1) * tags..];
    let mut best = 0;
    for t in 1..tags {
        if last[t] > last[best] {
            best = t;
        }
    }
    out.resize(n, 0);
    let mut t = best as u8;
    for i in (0..n).rev() {
        out[i] = t;
        if i > 0 {
            t = back[i * tags + t as usize];
        }
    }
}

/// One decoding stage: quantised emission weights plus float transition scores.
#[derive(Debug, Clone)]
pub(crate) struct Stage {
    scale: f32,
    start: Vec<f32>,
    trans: Vec<f32>,
    /// Each byte an `i8`, row-major (all tags of row 0, then row 1, ...).
    weights: Stored,
}

/// Bytes of the model file kept by a loaded model (a stage's weights, the gazetteer's keys and
/// codes): borrowed from the model compiled into the binary, which is read where it lies (a
/// text reads only what its own words need, so loading copies nothing and only the pages used
/// are ever read in; copying the weights alone was half of what a `newsdex clean` process paid
/// to load the model, in page faults), or owned when read from a file or just trained.
pub(crate) type Stored = std::borrow::Cow<'static, [u8]>;

impl Stage {
    /// Quantises trained weights (`weights[row * tags + tag]`) to one signed byte each.
    #[cfg(any(test, feature = "train"))]
    pub fn from_weights(start: Vec<f32>, trans: Vec<f32>, weights: &[f32]) -> Self {
        let max = weights.iter().fold(0f32, |m, w| m.max(w.abs()));
        let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
        let q = weights
            .iter()
            .map(|w| (w / scale).round().clamp(-127.0, 127.0) as i8 as u8)
            .collect();
        Self {
            scale,
            start,
            trans,
            weights: Stored::Owned(q),
        }
    }

    #[cfg(any(test, feature = "train"))]
    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.scale.to_le_bytes());
        for v in self.start.iter().chain(&self.trans) {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&self.weights);
    }

    /// Reads a stage; `keep` decides whether its weights are borrowed or copied.
    fn read<'a>(
        b: &mut &'a [u8],
        bits: u32,
        tags: usize,
        keep: &impl Fn(&'a [u8]) -> Stored,
    ) -> Result<Self, Error> {
        let scale = read_f32(b)?;
        if !scale.is_finite() || scale <= 0.0 {
            return Err(Error::Model("bad weight scale".into()));
        }
        let mut floats = Vec::with_capacity(tags + tags * tags);
        for _ in 0..tags + tags * tags {
            floats.push(read_f32(b)?);
        }
        let trans = floats.split_off(tags);
        let n = (1usize << bits) * tags;
        let weights = keep(take(b, n)?);
        Ok(Self {
            scale,
            start: floats,
            trans,
            weights,
        })
    }

    /// Tags the tokens `range` (one sentence) of a featurised document.
    pub fn decode(
        &self,
        tags: usize,
        feats: &Features,
        range: std::ops::Range<usize>,
        person_bias: f32,
        emit: &mut Vec<f32>,
        out: &mut Vec<u8>,
    ) {
        emit.clear();
        let mut acc = [0i32; 32];
        for i in range {
            acc[..tags].fill(0);
            for &row in feats.token(i) {
                let base = row as usize * tags;
                let row = &self.weights[base..base + tags];
                for (a, &w) in acc[..tags].iter_mut().zip(row) {
                    *a += i32::from(w as i8);
                }
            }
            let base = emit.len();
            emit.extend(acc[..tags].iter().map(|&a| a as f32 * self.scale));
            emit[base + 1] += person_bias;
        }
        viterbi(emit, tags, &self.start, &self.trans, out);
    }
}

impl Stage {
    /// Tags every sentence of a featurised document twice: with `person_bias` added to the
    /// score of the tag that opens a person's name (so a name pays it once, whatever its
    /// length), and without it (the second result, `None` when the bias is 0). The
    /// emission scores, the costly part, are computed once.
    pub fn decode_all_twice(
        &self,
        tags: usize,
        feats: &Features,
        sentences: &[std::ops::Range<usize>],
        person_bias: f32,
    ) -> (Tagging, Option<Vec<u8>>) {
        if person_bias == 0.0 {
            return (self.decode_all(tags, feats, sentences, 0.0), None);
        }
        let mut all = Tagging::default();
        let mut plain = Vec::with_capacity(feats.starts.len());
        let (mut emit, mut out) = (Vec::new(), Vec::new());
        for s in sentences {
            self.decode(tags, feats, s.clone(), 0.0, &mut emit, &mut out);
            plain.extend_from_slice(&out);
            for e in emit.chunks_exact_mut(tags) {
                e[1] += person_bias;
            }
            viterbi(&emit, tags, &self.start, &self.trans, &mut out);
            all.push(&out, &emit, tags);
        }
        (all, Some(plain))
    }

    /// Tags every sentence of a featurised document; `person_bias` is added to the person
    /// tags' scores.
    pub fn decode_all(
        &self,
        tags: usize,
        feats: &Features,
        sentences: &[std::ops::Range<usize>],
        person_bias: f32,
    ) -> Tagging {
        let mut all = Tagging::default();
        let (mut emit, mut out) = (Vec::new(), Vec::new());
        for s in sentences {
            self.decode(tags, feats, s.clone(), person_bias, &mut emit, &mut out);
            all.push(&out, &emit, tags);
        }
        all
    }
}

/// A stage's output for a document: the tags, and per token how strongly its own evidence
/// favoured a person over another entity and over no entity (emission score differences),
/// which the next stage weighs.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tagging {
    pub tags: Vec<u8>,
    pub margins: Vec<[f32; 2]>,
}

impl Tagging {
    /// Appends one sentence: its tags and its emission scores (`tags` per token).
    pub fn push(&mut self, out: &[u8], emit: &[f32], tags: usize) {
        self.tags.extend_from_slice(out);
        for e in emit.chunks_exact(tags) {
            let person = e[1].max(e[2]);
            let other = e[3..].iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let vs_other = if other.is_finite() {
                person - other
            } else {
                0.0
            };
            self.margins.push([vs_other, person - e[0]]);
        }
    }
}

/// A trained model: one stage, or two when the second re-tags with the first one's output
/// over the whole document as extra features.
#[derive(Debug, Clone)]
pub(crate) struct Model {
    pub bits: u32,
    pub types: usize,
    pub tags: usize,
    pub stages: Vec<Stage>,
    /// Hashes of the folded words seen often enough in training to have weights of their own;
    /// any other word is "unknown" and uses the weights learned for hidden rare words.
    pub vocabulary: HashKeyMap<()>,
    /// The name lists the features consult, as trained with.
    pub gazetteer: Gazetteer,
}

pub(crate) fn take<'a>(bytes: &mut &'a [u8], n: usize) -> Result<&'a [u8], Error> {
    if bytes.len() < n {
        return Err(Error::Model("file is truncated".into()));
    }
    let (head, rest) = bytes.split_at(n);
    *bytes = rest;
    Ok(head)
}

pub(crate) fn read_u32(bytes: &mut &[u8]) -> Result<u32, Error> {
    let b = take(bytes, 4)?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn read_f32(bytes: &mut &[u8]) -> Result<f32, Error> {
    read_u32(bytes).map(f32::from_bits)
}

impl Model {
    #[cfg(any(test, feature = "train"))]
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.stages.len() * ((1 << self.bits) * self.tags + 512));
        out.extend_from_slice(MAGIC);
        for v in [
            self.bits,
            self.types as u32,
            self.stages.len() as u32,
            self.vocabulary.len() as u32,
        ] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        let mut vocab: Vec<u64> = self.vocabulary.keys().copied().collect();
        vocab.sort_unstable();
        for v in vocab {
            out.extend_from_slice(&v.to_le_bytes());
        }
        self.gazetteer.write(&mut out);
        for s in &self.stages {
            s.write(&mut out);
        }
        out
    }

    /// The model compiled into the binary, its weights read where they lie.
    pub fn embedded() -> Result<Self, Error> {
        Self::read(EMBEDDED, &|bytes| Stored::Borrowed(bytes))
    }

    /// A model from a file's bytes (copied).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        Self::read(bytes, &|bytes| Stored::Owned(bytes.to_vec()))
    }

    fn read<'a>(mut bytes: &'a [u8], keep: &impl Fn(&'a [u8]) -> Stored) -> Result<Self, Error> {
        let b = &mut bytes;
        if take(b, 8)? != MAGIC {
            return Err(Error::Model(
                "not a newsdex person model (bad magic)".into(),
            ));
        }
        let bits = read_u32(b)?;
        let types = read_u32(b)? as usize;
        let n_stages = read_u32(b)? as usize;
        if !(8..=26).contains(&bits) || !(1..=8).contains(&types) || !(1..=2).contains(&n_stages) {
            return Err(Error::Model(format!(
                "unsupported shape: {bits} bits, {types} types, {n_stages} stages"
            )));
        }
        let n_vocab = read_u32(b)? as usize;
        let raw = take(
            b,
            n_vocab
                .checked_mul(8)
                .ok_or_else(|| Error::Model("bad vocabulary size".into()))?,
        )?;
        let vocabulary = raw
            .chunks_exact(8)
            .map(|c| {
                (
                    u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]),
                    (),
                )
            })
            .collect();
        let gazetteer = Gazetteer::read(b, keep)?;
        let tags = tags_for(types);
        let stages = (0..n_stages)
            .map(|_| Stage::read(b, bits, tags, keep))
            .collect::<Result<Vec<_>, _>>()?;
        if !b.is_empty() {
            return Err(Error::Model("trailing bytes after the weights".into()));
        }
        Ok(Self {
            bits,
            types,
            tags,
            stages,
            vocabulary,
            gazetteer,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The embedded model read in place is the same model as a copy of its bytes.
    #[test]
    fn embedded_model_borrows_the_same_weights_a_copy_reads() {
        let (borrowed, copied) = (
            Model::embedded().unwrap(),
            Model::from_bytes(EMBEDDED).unwrap(),
        );
        assert!(matches!(borrowed.stages[0].weights, Stored::Borrowed(_)));
        assert!(borrowed.gazetteer.is_borrowed());
        assert_eq!(borrowed.gazetteer, copied.gazetteer);
        assert_eq!(borrowed.stages.len(), copied.stages.len());
        for (b, c) in borrowed.stages.iter().zip(&copied.stages) {
            assert_eq!(b.weights, c.weights);
            assert_eq!((b.scale, &b.start, &b.trans), (c.scale, &c.start, &c.trans));
        }
    }

    #[test]
    fn viterbi_respects_bio_constraints() {
        // Two types; token 0 prefers I-PER (forbidden at the start), so B-PER must win.
        let tags = tags_for(2);
        let mut emit = vec![0.0; 2 * tags];
        emit[inside(0) as usize] = 5.0;
        emit[begin(0) as usize] = 1.0;
        emit[tags + inside(0) as usize] = 2.0;
        let mut out = Vec::new();
        viterbi(
            &emit,
            tags,
            &vec![0.0; tags],
            &vec![0.0; tags * tags],
            &mut out,
        );
        assert_eq!(out, vec![begin(0), inside(0)]);
    }

    #[test]
    fn model_round_trips_and_rejects_garbage() {
        let tags = tags_for(1);
        let weights: Vec<f32> = (0..(1 << 8) * tags).map(|i| (i % 7) as f32 - 3.0).collect();
        let stage = Stage::from_weights(vec![0.5; tags], vec![-0.5; tags * tags], &weights);
        let vocabulary = [7u64, 11].into_iter().map(|k| (k, ())).collect();
        let m = Model {
            bits: 8,
            types: 1,
            tags,
            stages: vec![stage.clone(), stage],
            vocabulary,
            gazetteer: Gazetteer::new(&[3, 9], &[1, 4]),
        };
        let bytes = m.to_bytes();
        let back = Model::from_bytes(&bytes).expect("round trip");
        assert_eq!(back.stages.len(), 2);
        assert_eq!(back.stages[1].weights, m.stages[1].weights);
        assert_eq!(back.stages[0].trans, m.stages[0].trans);
        assert!(back.vocabulary.contains_key(&11) && back.vocabulary.len() == 2);
        assert_eq!(back.gazetteer, m.gazetteer);
        assert!(Model::from_bytes(&bytes[..bytes.len() - 1]).is_err());
        assert!(Model::from_bytes(b"garbage").is_err());
        assert!(Model::from_bytes(&[]).is_err());
    }
}
