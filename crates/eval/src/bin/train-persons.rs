//! `train-persons`: trains the person tagger on CoNLL-2003 train (seen twice per pass) and the
//! extra corpora of `data/ner-extra/` (GUM, WNUT-17, the Broad Twitter Corpus, CrossNER), with
//! the US Census name lists and the `ner-extra` gazetteers as features (all read from
//! `../shared`), and writes the model file the `newsdex-persons` crate compiles in.
//! Deterministic: the same data and flags give the same bytes. `just train-persons` runs it from
//! the repository root; `--eval` scores the result on CoNLL validation and the modern dev set.
#![allow(clippy::print_stdout)]

use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use newsdex_eval::persons::{
    print_report, read_conll, read_name_lists, score, split_sentences, valid_path,
};
use newsdex_persons::{Config, Extractor, TrainConfig, TrainingDoc, train};

#[derive(Debug, Parser)]
#[command(about = "Train the newsdex person tagger on CoNLL-2003 train and the ner-extra corpora")]
struct Args {
    /// The shared data directory (holds `data/conll2003/` and `data/names/`).
    #[arg(long, default_value = "../shared")]
    shared: PathBuf,
    /// Where to write the model.
    #[arg(long, default_value = "data/persons/model.bin")]
    out: PathBuf,
    /// log2 of the number of hashed weight rows.
    #[arg(long, default_value_t = TrainConfig::default().bits)]
    bits: u32,
    /// Passes over the training data.
    #[arg(long, default_value_t = TrainConfig::default().epochs)]
    epochs: usize,
    /// Seed for the sentence order.
    #[arg(long, default_value_t = TrainConfig::default().seed)]
    seed: u64,
    /// Tag organisations, places and misc entities as one "other entity" type instead of
    /// three.
    #[arg(long)]
    merge_types: bool,
    /// Share of one-word person mentions that get an honorific inserted before them.
    #[arg(long, default_value_t = TrainConfig::default().honorific_rate)]
    honorific_rate: f64,
    /// Words seen fewer times than this in training get no weights of their own.
    #[arg(long, default_value_t = TrainConfig::default().vocabulary_min)]
    vocabulary_min: u32,
    /// Share of rare capitalised training words whose identity is hidden.
    #[arg(long, default_value_t = TrainConfig::default().unknown_rate)]
    unknown_rate: f64,
    /// Share of census name-list hits hidden in training.
    #[arg(long, default_value_t = TrainConfig::default().gazetteer_dropout)]
    gazetteer_dropout: f64,
    /// Perceptrons averaged into each stage.
    #[arg(long, default_value_t = TrainConfig::default().ensemble)]
    ensemble: usize,
    /// Share of training sentences that also start a short document of their own.
    #[arg(long, default_value_t = TrainConfig::default().snippet_rate)]
    snippet_rate: f64,
    /// Train one stage only (no document-level second stage).
    #[arg(long)]
    single_stage: bool,
    /// Extra corpora from `data/ner-extra/` to train on besides CoNLL-2003 train, comma-separated
    /// (gum-by, gum-bysa, wnut17, btc, crossner), or `none`.
    #[arg(long, default_value = "gum-by,gum-bysa,wnut17,btc,crossner")]
    extra: String,
    /// How many times each training pass sees a CoNLL-2003 document (the extra corpora once).
    #[arg(long, default_value_t = 2)]
    conll_repeat: u32,
    /// Score the new model on the validation split afterwards.
    #[arg(long)]
    eval: bool,
    /// With --eval, the extractor's person bias.
    #[arg(long, default_value_t = Config::default().person_bias)]
    person_bias: f32,
    /// Do not train: score the model file at --out (implies --eval).
    #[arg(long)]
    score_only: bool,
    /// With --eval, turn document-level consistency off (for ablation).
    #[arg(long)]
    no_consistency: bool,
    /// With --eval, list the modern dev set's errors per article.
    #[arg(long)]
    errors: bool,
    /// With --eval, how many of the worst documents to print.
    #[arg(long, default_value_t = 10)]
    worst: usize,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.score_only {
        let bytes = std::fs::read(&args.out)
            .with_context(|| format!("cannot read `{}`", args.out.display()))?;
        return score_model(&bytes, &args);
    }
    let path = args.shared.join("data/conll2003/train.txt");
    let mut docs: Vec<_> = read_conll(&path)?
        .into_iter()
        .map(|d| TrainingDoc {
            repeat: args.conll_repeat,
            ..d.doc
        })
        .collect();
    let groups = newsdex_eval::corpora::group_words(&docs);
    for name in args.extra.split(',').map(str::trim) {
        if name.is_empty() || name == "none" {
            continue;
        }
        let mut corpus = newsdex_eval::corpora::read_corpus(&args.shared, name)?;
        newsdex_eval::corpora::relabel_groups(&mut corpus.docs, &groups);
        println!(
            "{}: {} documents, {} entities",
            corpus.name,
            corpus.docs.len(),
            corpus.docs.iter().map(|d| d.entities.len()).sum::<usize>()
        );
        docs.extend(corpus.docs);
    }
    let names = read_name_lists(&args.shared)?;
    let cfg = TrainConfig {
        bits: args.bits,
        epochs: args.epochs,
        seed: args.seed,
        all_types: !args.merge_types,
        honorific_rate: args.honorific_rate,
        stacked: !args.single_stage,
        unknown_rate: args.unknown_rate,
        gazetteer_dropout: args.gazetteer_dropout,
        ensemble: args.ensemble,
        vocabulary_min: args.vocabulary_min,
        snippet_rate: args.snippet_rate,
        ..TrainConfig::default()
    };
    let t0 = std::time::Instant::now();
    let model = train(&docs, &names, &cfg)?;
    let r = &model.report;
    println!(
        "trained on {} documents ({} of them short ones cut from the others), {} sentences, {} tokens in {:.1} s ({} misaligned entities, {} restyling edits)",
        r.documents,
        r.snippets,
        r.sentences,
        r.tokens,
        t0.elapsed().as_secs_f64(),
        r.misaligned_entities,
        r.restyled
    );
    println!(
        "vocabulary {} words, {} tokens hidden",
        r.vocabulary, r.hidden_words
    );
    println!("wrong sentences per epoch: {:?}", r.epoch_errors);
    std::fs::write(&args.out, &model.bytes)
        .with_context(|| format!("cannot write `{}`", args.out.display()))?;
    println!("wrote {} ({} bytes)", args.out.display(), model.bytes.len());
    if args.eval {
        score_model(&model.bytes, &args)?;
    }
    Ok(())
}

fn score_model(bytes: &[u8], args: &Args) -> anyhow::Result<()> {
    {
        let valid = read_conll(&valid_path(&args.shared))?;
        let plain = Extractor::from_model_bytes(
            bytes,
            Config {
                document_consistency: false,
                person_bias: args.person_bias,
                ..Config::default()
            },
        )?;
        let s = score(&plain, &valid);
        println!(
            "without document consistency: F1 {:.4} (P {:.4} R {:.4})",
            s.f1(),
            s.precision(),
            s.recall()
        );
        let config = Config {
            person_bias: args.person_bias,
            document_consistency: !args.no_consistency,
            ..Config::default()
        };
        let extractor = Extractor::from_model_bytes(bytes, config)?;
        let s = score(&extractor, &split_sentences(&valid));
        println!(
            "sentence by sentence (each its own text): F1 {:.4} (P {:.4} R {:.4})",
            s.f1(),
            s.precision(),
            s.recall()
        );
        print_report(&score(&extractor, &valid), args.worst);
        let dev = newsdex_eval::persons_modern::dev_path(&args.shared);
        if dev.exists() {
            let docs = newsdex_eval::persons_modern::read_dev(&dev)?;
            let results = newsdex_eval::persons_modern::score(&extractor, &docs);
            println!("persons-modern-dev:");
            newsdex_eval::persons_modern::print_report(&results, args.errors);
        }
    }
    Ok(())
}
