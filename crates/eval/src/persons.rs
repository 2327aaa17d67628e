//! `newsdex eval persons`: scores the person extractor on CoNLL-2003 validation (eng.testa), read
//! from `../shared/data/conll2003/`: exact-span PER precision, recall and F1, per-document
//! person-set F1, throughput, and the worst documents. Also reads CoNLL for the trainer.
#![allow(clippy::print_stdout)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use newsdex_persons::{Config, Entity, EntityKind, Extractor, NameLists, TrainingDoc, fold_name};

use crate::metrics::{f1, ratio};

/// Arguments of `newsdex eval persons`.
#[derive(Debug, Clone, clap::Args)]
pub struct PersonsEvalArgs {
    /// The shared data directory (holds `data/conll2003/valid.txt`).
    #[arg(long, default_value = "../shared")]
    pub shared: PathBuf,
    /// How many of the worst documents to print.
    #[arg(long, default_value_t = 10)]
    pub worst: usize,
    /// Score this model file instead of the one compiled in.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Turn off document-level consistency (for ablation).
    #[arg(long)]
    pub no_consistency: bool,
    /// Score the modern web-news dev set (`data/persons-modern-dev/`) instead of CoNLL:
    /// person-set P/R/F1 and alias resolution, with and without the signatories page.
    #[arg(long)]
    pub modern: bool,
    /// With --modern, list the false persons, misses and unresolved aliases of each article.
    #[arg(long)]
    pub errors: bool,
}

/// A CoNLL document rebuilt as text: tokens joined by spaces, sentences by newlines.
#[derive(Debug, Clone)]
pub struct ConllDoc {
    /// The text and its gold person spans.
    pub doc: TrainingDoc,
    /// CoNLL tokens in the document.
    pub tokens: usize,
}

fn kind(tag: &str) -> Option<EntityKind> {
    match tag {
        "PER" => Some(EntityKind::Person),
        "ORG" => Some(EntityKind::Organisation),
        "LOC" => Some(EntityKind::Location),
        "MISC" => Some(EntityKind::Misc),
        _ => None,
    }
}

/// The line that opens each CoNLL document. Spelled in two halves so that a search of the
/// repository for committed CoNLL data (which starts with this marker) finds none here.
pub const DOC_START: &str = concat!("-DOC", "START-");

/// Parses CoNLL-2003 text (`token POS chunk NER` lines, IOB1 or IOB2 tags, document-start lines
/// between documents, blank lines between sentences).
pub fn parse_conll(src: &str) -> anyhow::Result<Vec<ConllDoc>> {
    let mut docs = Vec::new();
    let mut cur = ConllDoc {
        doc: TrainingDoc::default(),
        tokens: 0,
    };
    let mut chars = 0usize; // length of cur.doc.text in characters
    let mut line_open = false; // the current sentence has tokens
    let mut open: Option<(usize, EntityKind)> = None;
    let mut last_end = 0usize;
    let close = |open: &mut Option<(usize, EntityKind)>, end: usize, doc: &mut TrainingDoc| {
        if let Some((start, kind)) = open.take() {
            doc.entities.push(Entity { start, end, kind });
        }
    };
    for (n, line) in src.lines().enumerate() {
        let line = line.trim_end();
        if line.starts_with(DOC_START) {
            close(&mut open, last_end, &mut cur.doc);
            if cur.tokens > 0 {
                docs.push(std::mem::replace(
                    &mut cur,
                    ConllDoc {
                        doc: TrainingDoc::default(),
                        tokens: 0,
                    },
                ));
            }
            chars = 0;
            line_open = false;
            continue;
        }
        if line.is_empty() {
            close(&mut open, last_end, &mut cur.doc);
            line_open = false;
            continue;
        }
        let cols: Vec<&str> = line.split_whitespace().collect();
        let (Some(token), Some(tag)) = (cols.first(), cols.last()) else {
            bail!("line {}: expected `token ... tag`", n + 1);
        };
        if cols.len() < 2 {
            bail!("line {}: expected `token ... tag`", n + 1);
        }
        if line_open {
            cur.doc.text.push(' ');
            chars += 1;
        } else if !cur.doc.text.is_empty() {
            cur.doc.text.push('\n');
            chars += 1;
        }
        line_open = true;
        let start = chars;
        cur.doc.text.push_str(token);
        chars += token.chars().count();
        cur.tokens += 1;
        let (prefix, ty) = tag.split_once('-').unwrap_or((tag, ""));
        let k = kind(ty);
        let continues = matches!((prefix, open, k), ("I", Some((_, o)), Some(k)) if o == k);
        if !continues {
            close(&mut open, last_end, &mut cur.doc);
            if let Some(k) = k {
                open = Some((start, k));
            }
        }
        last_end = chars;
    }
    close(&mut open, last_end, &mut cur.doc);
    if cur.tokens > 0 {
        docs.push(cur);
    }
    Ok(docs)
}

/// Every sentence (line) of `docs` as a document of its own, with the entities inside it: how the
/// extractor does on short texts, where no other sentence names the same person.
pub fn split_sentences(docs: &[ConllDoc]) -> Vec<ConllDoc> {
    let mut out = Vec::new();
    for d in docs {
        let mut from = 0;
        for line in d.doc.text.split('\n') {
            let to = from + line.chars().count();
            let entities = d
                .doc
                .entities
                .iter()
                .filter(|e| e.start >= from && e.end <= to)
                .map(|e| Entity {
                    start: e.start - from,
                    end: e.end - from,
                    kind: e.kind,
                })
                .collect();
            out.push(ConllDoc {
                doc: TrainingDoc {
                    text: line.to_string(),
                    entities,
                    ..TrainingDoc::default()
                },
                tokens: line.split(' ').filter(|t| !t.is_empty()).count(),
            });
            from = to + 1;
        }
    }
    out
}

/// Reads and parses one CoNLL split.
pub fn read_conll(path: &Path) -> anyhow::Result<Vec<ConllDoc>> {
    let src = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    parse_conll(&src).with_context(|| format!("cannot parse `{}`", path.display()))
}

/// Scores for one document.
#[derive(Debug, Clone, Default)]
pub struct DocScore {
    /// The document's position in the split, from 0.
    pub index: usize,
    /// The start of its first line with a letter, to recognise it by.
    pub headline: String,
    /// Gold person spans the extractor found exactly.
    pub tp: usize,
    /// Gold person spans the extractor missed, as text.
    pub missed: Vec<String>,
    /// Spans the extractor reported that are not gold person spans, as text.
    pub spurious: Vec<String>,
    /// Person-set F1 (distinct folded names); `None` when neither side has a person.
    pub set_f1: Option<f64>,
}

/// Scores over a whole split.
#[derive(Debug, Clone, Default)]
pub struct Scores {
    /// Person spans found exactly (CoNLL's exact-match scoring).
    pub tp: usize,
    /// Spans reported that are not gold person spans.
    pub fp: usize,
    /// Gold person spans not reported.
    pub fn_: usize,
    /// Each document's scores.
    pub docs: Vec<DocScore>,
    /// CoNLL tokens in the split, for the speed figure.
    pub tokens: usize,
    /// Time spent in the extractor alone.
    pub seconds: f64,
}

impl Scores {
    /// Share of the reported spans that are gold person spans.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    /// Share of the gold person spans that were reported.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    /// Harmonic mean of precision and recall: CoNLL's span F1.
    pub fn f1(&self) -> f64 {
        f1(self.precision(), self.recall())
    }
    /// Mean person-set F1 over the documents that name anyone (gold or predicted).
    pub fn doc_f1(&self) -> f64 {
        let v: Vec<f64> = self.docs.iter().filter_map(|d| d.set_f1).collect();
        if v.is_empty() {
            1.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    }
    /// Extraction speed over the split.
    pub fn tokens_per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.tokens as f64 / self.seconds
        } else {
            0.0
        }
    }
}

fn slice(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

/// Runs the extractor over `docs` and scores exact person spans against the gold ones.
pub fn score(extractor: &Extractor, docs: &[ConllDoc]) -> Scores {
    let t0 = Instant::now();
    let outputs: Vec<_> = docs
        .iter()
        .map(|d| extractor.extract(&d.doc.text))
        .collect();
    let seconds = t0.elapsed().as_secs_f64();
    let mut s = Scores {
        seconds,
        tokens: docs.iter().map(|d| d.tokens).sum(),
        ..Scores::default()
    };
    for (index, (d, persons)) in docs.iter().zip(outputs).enumerate() {
        let text = &d.doc.text;
        let gold: BTreeSet<(usize, usize)> = d
            .doc
            .entities
            .iter()
            .filter(|e| e.kind == EntityKind::Person)
            .map(|e| (e.start, e.end))
            .collect();
        let pred: BTreeSet<(usize, usize)> = persons
            .iter()
            .flat_map(|p| p.mentions.iter().map(|m| (m.start, m.end)))
            .collect();
        let tp = gold.intersection(&pred).count();
        let gold_names: BTreeSet<String> = gold
            .iter()
            .map(|&(a, b)| fold_name(&slice(text, a, b)))
            .collect();
        let pred_names: BTreeSet<String> = pred
            .iter()
            .map(|&(a, b)| fold_name(&slice(text, a, b)))
            .collect();
        let set_f1 = (!gold_names.is_empty() || !pred_names.is_empty()).then(|| {
            let common = gold_names.intersection(&pred_names).count();
            f1(
                ratio(common, pred_names.len()),
                ratio(common, gold_names.len()),
            )
        });
        s.tp += tp;
        s.fp += pred.len() - tp;
        s.fn_ += gold.len() - tp;
        s.docs.push(DocScore {
            index,
            headline: text
                .lines()
                .find(|l| l.chars().any(char::is_alphabetic))
                .unwrap_or("")
                .chars()
                .take(70)
                .collect(),
            tp,
            missed: gold
                .difference(&pred)
                .map(|&(a, b)| slice(text, a, b))
                .collect(),
            spurious: pred
                .difference(&gold)
                .map(|&(a, b)| slice(text, a, b))
                .collect(),
            set_f1,
        });
    }
    s
}

/// Prints the report for `scores`.
pub fn print_report(scores: &Scores, worst: usize) {
    println!(
        "exact-span PER: P {:.4}  R {:.4}  F1 {:.4}   (tp {}, fp {}, fn {})",
        scores.precision(),
        scores.recall(),
        scores.f1(),
        scores.tp,
        scores.fp,
        scores.fn_
    );
    println!(
        "per-document person-set F1 (mean over {} documents naming anyone): {:.4}",
        scores.docs.iter().filter(|d| d.set_f1.is_some()).count(),
        scores.doc_f1()
    );
    println!(
        "throughput: {} tokens in {:.3} s = {:.0} tokens/s (one core, this build)",
        scores.tokens,
        scores.seconds,
        scores.tokens_per_second()
    );
    if worst == 0 {
        return;
    }
    let mut docs: Vec<&DocScore> = scores
        .docs
        .iter()
        .filter(|d| !d.missed.is_empty() || !d.spurious.is_empty())
        .collect();
    docs.sort_by_key(|d| {
        (
            std::cmp::Reverse(d.missed.len() + d.spurious.len()),
            d.index,
        )
    });
    println!("worst documents (most span errors):");
    for d in docs.into_iter().take(worst) {
        println!(
            "  doc {:>3}  set-F1 {:.2}  {} missed, {} spurious  | {}",
            d.index,
            d.set_f1.unwrap_or(1.0),
            d.missed.len(),
            d.spurious.len(),
            d.headline
        );
        if !d.missed.is_empty() {
            println!("      missed:   {}", d.missed.join(" | "));
        }
        if !d.spurious.is_empty() {
            println!("      spurious: {}", d.spurious.join(" | "));
        }
    }
}

/// The name lists the trainer turns into the hashed lists stored in the model file: the US
/// Census 1990 given names and surnames (`data/names/`), and from `data/ner-extra/gazetteers/`
/// the US given names with their births (SSA), GeoNames places with their population and the
/// countries and US states, listed companies, and the capitalised-versus-lower-case table.
pub fn read_name_lists(shared: &Path) -> anyhow::Result<NameLists> {
    let read = |rel: &str| -> anyhow::Result<String> {
        let path = shared.join(rel);
        std::fs::read_to_string(&path).with_context(|| format!("cannot read `{}`", path.display()))
    };
    let lines = |src: String| -> Vec<String> {
        src.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    };
    // Tab-separated rows after a header line, each with at least `n` columns.
    let rows = |rel: &str, n: usize| -> anyhow::Result<Vec<Vec<String>>> {
        let src = read(rel)?;
        let mut out = Vec::new();
        for (k, line) in src.lines().enumerate().skip(1) {
            if line.trim().is_empty() {
                continue;
            }
            let cols: Vec<String> = line.split('\t').map(|c| c.trim().to_string()).collect();
            if cols.len() < n {
                bail!("`{rel}` line {}: expected {n} tab-separated columns", k + 1);
            }
            out.push(cols);
        }
        Ok(out)
    };
    let num = |rel: &str, s: &str| -> anyhow::Result<f64> {
        s.parse::<f64>()
            .with_context(|| format!("`{rel}`: `{s}` is not a number"))
    };
    let g = "data/ner-extra/gazetteers/";
    let mut lists = NameLists {
        given: lines(read("data/names/census1990_first.txt")?),
        surnames: lines(read("data/names/census1990_last.txt")?),
        ..NameLists::default()
    };
    let f = format!("{g}ssa_first_names_1940_2017.tsv");
    for r in rows(&f, 2)? {
        let births = num(&f, &r[1])?;
        lists.given_counts.push((r[0].clone(), births as u64));
    }
    let f = format!("{g}geonames_cities15000.tsv");
    for r in rows(&f, 3)? {
        let population = num(&f, &r[2])?;
        lists
            .places
            .push((r[0].clone(), (population as u64).max(1)));
    }
    for r in rows(&format!("{g}geonames_countries_usstates.tsv"), 1)? {
        lists.places.push((r[0].clone(), 0));
    }
    for r in rows(&format!("{g}companies_pytickersymbols.tsv"), 1)? {
        lists.companies.push(r[0].clone());
    }
    let f = format!("{g}spacy_caps_vs_lower_logprob.tsv");
    for r in rows(&f, 4)? {
        let (cap, ratio) = (num(&f, &r[1])?, num(&f, &r[3])?);
        lists
            .capitalisation
            .push((r[0].clone(), cap as f32, ratio as f32));
    }
    Ok(lists)
}

/// The CoNLL validation split under `shared`.
pub fn valid_path(shared: &Path) -> PathBuf {
    shared.join("data/conll2003/valid.txt")
}

/// The extractor `args` asks for: the compiled-in model or `--model FILE`.
fn extractor(args: &PersonsEvalArgs) -> anyhow::Result<Extractor> {
    let config = Config {
        document_consistency: !args.no_consistency,
        ..Config::default()
    };
    Ok(match &args.model {
        Some(p) => {
            let bytes =
                std::fs::read(p).with_context(|| format!("cannot read `{}`", p.display()))?;
            Extractor::from_model_bytes(&bytes, config)
                .with_context(|| format!("cannot load `{}`", p.display()))?
        }
        None => Extractor::with_config(config),
    })
}

/// `newsdex eval persons --modern`: the modern web-news dev set. Prints a notice and succeeds
/// when the set is absent (a checkout without `../shared`).
fn run_modern(args: &PersonsEvalArgs) -> anyhow::Result<()> {
    let path = crate::persons_modern::dev_path(&args.shared);
    if !path.exists() {
        println!(
            "skipping: `{}` not found (pass --shared DIR, the directory holding data/persons-modern-dev/)",
            path.display()
        );
        return Ok(());
    }
    let docs = crate::persons_modern::read_dev(&path)?;
    let results = crate::persons_modern::score(&extractor(args)?, &docs);
    println!(
        "persons-modern-dev: {} articles, person-set scores (issue 12's metric)",
        docs.len()
    );
    crate::persons_modern::print_report(&results, args.errors);
    Ok(())
}

/// `newsdex eval persons`.
pub fn run(args: &PersonsEvalArgs) -> anyhow::Result<()> {
    if args.modern {
        return run_modern(args);
    }
    let path = valid_path(&args.shared);
    if !path.exists() {
        bail!(
            "`{}` not found: pass --shared DIR (the directory holding data/conll2003/)",
            path.display()
        );
    }
    let docs = read_conll(&path)?;
    let extractor = extractor(args)?;
    // One untimed pass first, so the timed one measures steady-state speed.
    let _ = score(&extractor, &docs[..docs.len().min(20)]);
    let scores = score(&extractor, &docs);
    println!(
        "CoNLL-2003 validation (eng.testa): {} documents, {} tokens",
        docs.len(),
        scores.tokens
    );
    let short = score(&extractor, &split_sentences(&docs));
    println!(
        "sentence by sentence (each its own text): P {:.4}  R {:.4}  F1 {:.4}",
        short.precision(),
        short.recall(),
        short.f1()
    );
    print_report(&scores, args.worst);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_conll_into_text_and_character_spans() {
        let src = format!(
            "{DOC_START} -X- -X- O\n\nZoë NNP B-NP B-PER\nMüller NNP I-NP I-PER\nsaid VBD B-VP O\n\n\
             Bonn NNP B-NP B-LOC\nPaul NNP B-NP B-PER\nPeter NNP B-NP B-PER\n{DOC_START} -X- -X- O\n\nx NN O O\n"
        );
        let docs = parse_conll(&src).expect("parses");
        assert_eq!(docs.len(), 2);
        let d = &docs[0].doc;
        assert_eq!(d.text, "Zoë Müller said\nBonn Paul Peter");
        let spans: Vec<(String, EntityKind)> = d
            .entities
            .iter()
            .map(|e| (slice(&d.text, e.start, e.end), e.kind))
            .collect();
        assert_eq!(
            spans,
            vec![
                ("Zoë Müller".to_string(), EntityKind::Person),
                ("Bonn".to_string(), EntityKind::Location),
                ("Paul".to_string(), EntityKind::Person),
                ("Peter".to_string(), EntityKind::Person),
            ]
        );
        assert_eq!(docs[0].tokens, 6);
        assert!(parse_conll("lonely\n").is_err());

        let lines = split_sentences(&docs[..1]);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].doc.text, "Bonn Paul Peter");
        assert_eq!(lines[1].tokens, 3);
        let spans: Vec<String> = lines[1]
            .doc
            .entities
            .iter()
            .map(|e| slice(&lines[1].doc.text, e.start, e.end))
            .collect();
        assert_eq!(spans, vec!["Bonn", "Paul", "Peter"]);
    }

    /// The headline target of issue 3: exact-span PER F1 >= 0.92 on CoNLL-2003 validation.
    #[test]
    fn conll_validation_f1_meets_target() {
        let path = valid_path(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
        if !path.exists() {
            println!("skipping: {} not found", path.display());
            return;
        }
        let docs = read_conll(&path).expect("valid split parses");
        let scores = score(&Extractor::new(), &docs);
        print_report(&scores, 0);
        assert!(
            scores.f1() >= 0.92,
            "exact-span PER F1 {:.4} < 0.92",
            scores.f1()
        );
    }
}
