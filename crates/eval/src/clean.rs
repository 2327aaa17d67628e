//! Scores the cleaner on gold sets read from `../shared` (and the seed sample in the repo) and
//! prints a table per set, the worst pages and metadata accuracy per field.
#![allow(clippy::print_stdout)]

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use newsdex_cleaner::{Cleaner, Config};
use newsdex_types::Article;
use serde::Serialize;

pub use crate::metrics::f1;
use crate::metrics::ratio;

/// Shingle length of the body metric.
pub const SHINGLE: usize = 4;

const METRIC_HELP: &str = "\
Sets:
  readability  ../shared/fixtures/readability-test-pages: 130 pages with Readability.js's output
               as gold. Gold text = the text of the outermost p, h1-h6, li, blockquote, pre and td
               elements of expected.html. Metadata is compared with expected-metadata.json.
  trafilatura  ../shared/fixtures/trafilatura-eval: 990 pages with `with` and `without` snippets.
  seed         the Mirror sample page (data/samples) against ../shared/seed/expected-clean.txt.

Body metric (readability, seed): both texts are lower-cased and split into words (runs of letters
and digits); a page's shingles are its runs of 4 consecutive words, as a set. Per page:
precision = |pred ∩ gold| / |pred|, recall = |pred ∩ gold| / |gold| (an empty prediction scores 0
unless the gold is empty too). Precision and recall are averaged over pages (macro), and F1 is
computed from the two means.

Snippet metric (trafilatura): text and snippets are whitespace-normalised; a `with` snippet found
in the text is a true positive, missing a false negative; a `without` snippet found is a false
positive, absent a true negative. Counts are summed over the set; precision, recall and F1 come
from the sums, accuracy = (TP + TN) / all snippets (trafilatura's own evaluation).

Metadata (readability): title exact (whitespace-normalised); title exact by the issue's convention
(the gold title without a ` | `, ` - `, ` – `, ` — ` or ` · ` part at either end that is the gold's
own siteName, compared by lower-cased letters and digits: the issue wants titles without the site
name, which Readability keeps when the page's og:title carries it); title exact ignoring a trailing
site part (looser: the gold equals the extracted title plus a separator and at most four words);
title exact with `Config::keep_declared_title` (Readability's convention: a title the page
declares is kept as it stands, site name included);
byline (each extracted author occurs
in the gold byline, case-insensitive, whitespace-normalised), published time (same instant, or same day when either has
no time), site name (case-insensitive), language (same primary subtag). Each field is scored on
the pages whose gold value is present.";

/// `newsdex eval clean`: score the cleaner on the gold sets.
#[derive(Debug, Clone, clap::Args)]
#[command(after_long_help = METRIC_HELP, about = "Score the cleaner on gold sets (see --help for the metrics)")]
pub struct CleanEvalArgs {
    /// Directory holding `fixtures/` and `seed/`.
    #[arg(long, default_value = "../shared")]
    pub shared: PathBuf,
    /// Directory holding the sample pages (for the seed set).
    #[arg(long, default_value = "data/samples")]
    pub samples: PathBuf,
    /// Which set to score.
    #[arg(long, value_enum, default_value_t = EvalSet::All)]
    pub set: EvalSet,
    /// How many of the worst pages to list per set.
    #[arg(long, default_value_t = 10)]
    pub worst: usize,
    /// Write one JSON line per page (set, page, scores) to this file, for comparing commits.
    #[arg(long)]
    pub json_out: Option<PathBuf>,
    /// Score only the first N pages of each set (quick checks).
    #[arg(long)]
    pub limit: Option<usize>,
    /// List every metadata miss on the readability set (field, page, extracted, gold).
    #[arg(long)]
    pub misses: bool,
}

/// Which gold set `newsdex eval clean` scores against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EvalSet {
    /// readability-test-pages: body shingles and metadata against Readability.js's output.
    Readability,
    /// trafilatura-eval: snippets that must and must not be in the body.
    Trafilatura,
    /// The Mirror sample page against its expected clean text, paragraph by paragraph.
    Seed,
    /// Every set above.
    All,
}

/// Per-page result, as written by `--json-out`.
#[derive(Debug, Clone, Serialize)]
pub struct PageScore {
    /// The gold set the page belongs to.
    pub set: &'static str,
    /// The page's name in its set.
    pub page: String,
    /// Body precision on this page (shingles, or snippets on the trafilatura set).
    pub precision: f64,
    /// Body recall on this page.
    pub recall: f64,
    /// Harmonic mean of `precision` and `recall`.
    pub f1: f64,
    /// The snippet counts behind the figures (trafilatura set only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippets: Option<SnippetCounts>,
    /// Whether the title was exact, where the gold has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title_ok: Option<bool>,
    /// Why the page could not be cleaned, if it could not (its scores are then 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Results on the readability set: body summary and metadata accuracy per field.
#[derive(Debug)]
pub struct ReadabilityScores {
    /// Body shingle precision, recall and F1 over all pages.
    pub body: BodySummary,
    /// Title exact against the gold as it stands.
    pub title: FieldScore,
    /// Title exact against the gold without its own site name (the convention).
    pub title_without_site: FieldScore,
    /// Title exact once a trailing site name is ignored on both sides.
    pub title_ignoring_site: FieldScore,
    /// Title exact from a cleaner that keeps declared titles whole (Readability's convention).
    pub title_declared: FieldScore,
    /// Authors against the gold byline.
    pub byline: FieldScore,
    /// Publication date against the gold (the instant, or the day when the gold gives only one).
    pub published: FieldScore,
    /// Site name against the gold.
    pub site: FieldScore,
    /// Language code against the gold.
    pub lang: FieldScore,
    /// Title and byline misses, for study.
    pub misses: Vec<MetaMiss>,
    /// Each page's scores.
    pub pages: Vec<PageScore>,
    /// HTML bytes cleaned.
    pub bytes: usize,
    /// Time spent in the cleaner alone.
    pub spent: Duration,
}

/// A metadata field the cleaner got wrong on one page.
#[derive(Debug, Clone)]
pub struct MetaMiss {
    /// Which field (`title`, `byline`).
    pub field: &'static str,
    /// The page's name in its set.
    pub page: String,
    /// What the cleaner found.
    pub got: String,
    /// What the gold says.
    pub want: String,
}

/// Results on the trafilatura set.
#[derive(Debug)]
pub struct SnippetScores {
    /// Snippet counts summed over all pages (micro average).
    pub counts: SnippetCounts,
    /// Each page's scores.
    pub pages: Vec<PageScore>,
    /// HTML bytes cleaned.
    pub bytes: usize,
    /// Time spent in the cleaner alone.
    pub spent: Duration,
    /// Pages listed in expectations.json whose file is missing.
    pub missing: usize,
}

/// Summary of the readability set.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BodySummary {
    /// Pages scored.
    pub pages: usize,
    /// Mean per-page shingle precision.
    pub precision: f64,
    /// Mean per-page shingle recall.
    pub recall: f64,
    /// Harmonic mean of `precision` and `recall`.
    pub f1: f64,
}

/// Snippet counts (trafilatura set).
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct SnippetCounts {
    /// Snippets that must be in the body and are.
    pub tp: usize,
    /// Snippets that must be in the body and are not.
    pub fn_: usize,
    /// Snippets that must not be in the body (boilerplate) and are.
    pub fp: usize,
    /// Snippets that must not be in the body and are not.
    pub tn: usize,
}

impl SnippetCounts {
    fn add(&mut self, o: &SnippetCounts) {
        self.tp += o.tp;
        self.fn_ += o.fn_;
        self.fp += o.fp;
        self.tn += o.tn;
    }

    /// Share of the snippets found in the body that belong there.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    /// Share of the snippets that belong in the body that were found there.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    /// Harmonic mean of precision and recall: the set's headline figure.
    pub fn f1(&self) -> f64 {
        f1(self.precision(), self.recall())
    }

    /// Share of all snippets judged right, in or out.
    pub fn accuracy(&self) -> f64 {
        ratio(self.tp + self.tn, self.tp + self.tn + self.fp + self.fn_)
    }
}

/// Lower-cased words: maximal runs of letters and digits.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The set of `n`-word shingles of `text`, hashed. A text shorter than `n` words yields one
/// shingle of all its words (none if it has no words).
pub fn shingles(text: &str, n: usize) -> HashSet<u64> {
    let words = words(text);
    let hash = |ws: &[String]| {
        let mut h = DefaultHasher::new();
        ws.hash(&mut h);
        h.finish()
    };
    if words.is_empty() {
        return HashSet::new();
    }
    if words.len() < n {
        return HashSet::from([hash(&words)]);
    }
    words.windows(n).map(hash).collect()
}

/// Shingle precision and recall of `predicted` against `gold`.
pub fn shingle_scores(predicted: &str, gold: &str) -> (f64, f64) {
    let p = shingles(predicted, SHINGLE);
    let g = shingles(gold, SHINGLE);
    match (p.is_empty(), g.is_empty()) {
        (true, true) => (1.0, 1.0),
        (true, false) | (false, true) => (0.0, 0.0),
        (false, false) => {
            let common = p.intersection(&g).count();
            (
                common as f64 / p.len() as f64,
                common as f64 / g.len() as f64,
            )
        }
    }
}

/// Collapses every run of whitespace to one space.
pub fn normalise_ws(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Scores `with`/`without` snippets against `text` (whitespace-normalised substring test).
pub fn snippet_counts(text: &str, with: &[String], without: &[String]) -> SnippetCounts {
    let text = normalise_ws(text);
    let found = |s: &String| text.contains(&normalise_ws(s));
    let tp = with.iter().filter(|s| found(s)).count();
    let fp = without.iter().filter(|s| found(s)).count();
    SnippetCounts {
        tp,
        fn_: with.len() - tp,
        fp,
        tn: without.len() - fp,
    }
}

/// Gold text of a Readability `expected.html`: the text of its outermost p, h1-h6, li,
/// blockquote, pre and td elements, one per line.
pub fn gold_text(expected_html: &str) -> String {
    let doc = scraper::Html::parse_document(expected_html);
    let mut out = Vec::new();
    for node in doc.tree.root().descendants() {
        let Some(el) = node.value().as_element() else {
            continue;
        };
        if !is_gold_block(el.name()) {
            continue;
        }
        let nested = node.ancestors().any(|a| {
            a.value()
                .as_element()
                .is_some_and(|e| is_gold_block(e.name()))
        });
        if nested {
            continue;
        }
        let text: String = node
            .descendants()
            .filter_map(|d| d.value().as_text().map(|t| &**t))
            .collect();
        let text = normalise_ws(&text);
        if !text.is_empty() {
            out.push(text);
        }
    }
    out.join("\n")
}

fn is_gold_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "li" | "blockquote" | "pre" | "td"
    )
}

/// Runs the evaluation and prints the report.
pub fn run(args: &CleanEvalArgs) -> Result<()> {
    let cleaner = Cleaner::new(Config::default());
    let mut all_pages: Vec<PageScore> = Vec::new();
    let sets: &[EvalSet] = match args.set {
        EvalSet::All => &[EvalSet::Readability, EvalSet::Trafilatura, EvalSet::Seed],
        EvalSet::Readability => &[EvalSet::Readability],
        EvalSet::Trafilatura => &[EvalSet::Trafilatura],
        EvalSet::Seed => &[EvalSet::Seed],
    };
    for set in sets {
        let pages = match set {
            EvalSet::Readability => readability(&cleaner, args)?,
            EvalSet::Trafilatura => trafilatura(&cleaner, args)?,
            EvalSet::Seed => seed(&cleaner, args)?,
            EvalSet::All => Vec::new(),
        };
        all_pages.extend(pages);
    }
    if let Some(path) = &args.json_out {
        let mut out = String::new();
        for page in &all_pages {
            out.push_str(&serde_json::to_string(page)?);
            out.push('\n');
        }
        std::fs::write(path, out).with_context(|| format!("cannot write `{}`", path.display()))?;
        println!("per-page scores written to {}", path.display());
    }
    Ok(())
}

fn absent(what: &str, path: &Path) {
    println!("{what}: skipped, `{}` is absent", path.display());
}

fn clean_timed(
    cleaner: &Cleaner,
    body: &[u8],
    url: &str,
    spent: &mut Duration,
) -> std::result::Result<Article, String> {
    let start = Instant::now();
    let result = cleaner.clean(body, url, None).map_err(|e| e.to_string());
    *spent += start.elapsed();
    result
}

/// Readability's expected metadata.
#[derive(Debug, serde::Deserialize)]
struct ExpectedMeta {
    title: Option<String>,
    byline: Option<String>,
    lang: Option<String>,
    #[serde(rename = "siteName")]
    site_name: Option<String>,
    #[serde(rename = "publishedTime")]
    published_time: Option<String>,
}

/// How many pages got a metadata field right, of those whose gold has it.
#[derive(Debug, Default)]
pub struct FieldScore {
    /// Pages that got it right.
    pub right: usize,
    /// Pages whose gold has the field.
    pub total: usize,
}

impl FieldScore {
    fn add(&mut self, ok: Option<bool>) {
        if let Some(ok) = ok {
            self.total += 1;
            self.right += usize::from(ok);
        }
    }

    /// Share of the pages with the field in their gold that got it right.
    pub fn accuracy(&self) -> f64 {
        ratio(self.right, self.total)
    }

    fn show(&self) -> String {
        format!(
            "{:.3} ({}/{})",
            ratio(self.right, self.total),
            self.right,
            self.total
        )
    }
}

/// Whether `gold` is `got` plus a separator and a short site name ("Title | Site").
pub fn title_ok_ignoring_site(got: &str, gold: &str) -> bool {
    let (got, gold) = (normalise_ws(got), normalise_ws(gold));
    if got == gold {
        return true;
    }
    let Some(rest) = gold.strip_prefix(&got) else {
        return false;
    };
    [" | ", " - ", " – ", " — ", " · "].iter().any(|sep| {
        rest.strip_prefix(sep)
            .is_some_and(|site| !site.is_empty() && site.split_whitespace().count() <= 4)
    })
}

/// The gold title without a separator-delimited part at either end that is `site`
/// (lower-cased letters and digits compared), whitespace-normalised.
pub fn title_without_site_name(gold: &str, site: &str) -> String {
    let key = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let gold = normalise_ws(gold);
    let site = key(site);
    if site.is_empty() {
        return gold;
    }
    for sep in [" | ", " - ", " – ", " — ", " · "] {
        if let Some((head, tail)) = gold.rsplit_once(sep)
            && key(tail) == site
            && !head.trim().is_empty()
        {
            return head.trim().to_owned();
        }
        if let Some((head, tail)) = gold.split_once(sep)
            && key(head) == site
            && !tail.trim().is_empty()
        {
            return tail.trim().to_owned();
        }
    }
    gold
}

fn byline_ok(authors: &[String], byline: &str) -> bool {
    let gold = normalise_ws(byline).to_lowercase();
    !authors.is_empty()
        && authors
            .iter()
            .all(|a| gold.contains(&normalise_ws(a).to_lowercase()))
}

fn published_ok(got: Option<chrono::DateTime<chrono::Utc>>, want: &str) -> bool {
    let Some(got) = got else { return false };
    if let Ok(w) = chrono::DateTime::parse_from_rfc3339(want.trim()) {
        return w.with_timezone(&chrono::Utc) == got
            || (want.len() <= 10 && w.date_naive() == got.date_naive());
    }
    let day = want.trim().get(..10).unwrap_or("");
    chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").is_ok_and(|d| d == got.date_naive())
}

fn lang_ok(got: Option<&str>, want: &str) -> bool {
    let primary = |s: &str| {
        s.trim()
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    got.is_some_and(|g| primary(g) == primary(want))
}

/// Scores the cleaner on Readability's test pages under `shared`; `None` when they are absent.
pub fn score_readability(
    cleaner: &Cleaner,
    shared: &Path,
    limit: Option<usize>,
) -> Result<Option<ReadabilityScores>> {
    let dir = shared.join("fixtures/readability-test-pages");
    if !dir.is_dir() {
        return Ok(None);
    }
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("source.html").is_file() && p.join("expected.html").is_file())
        .collect();
    names.sort();
    if let Some(limit) = limit {
        names.truncate(limit);
    }
    let mut pages = Vec::new();
    let mut title_loose = FieldScore::default();
    let mut title_convention = FieldScore::default();
    let mut title_declared = FieldScore::default();
    let keeps_declared = Cleaner::new(Config {
        keep_declared_title: true,
        ..cleaner.config().clone()
    });
    let (mut title, mut byline, mut published, mut site, mut lang) = (
        FieldScore::default(),
        FieldScore::default(),
        FieldScore::default(),
        FieldScore::default(),
        FieldScore::default(),
    );
    let mut misses = Vec::new();
    let mut spent = Duration::ZERO;
    let mut bytes = 0usize;
    for path in &names {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let source = std::fs::read(path.join("source.html"))?;
        bytes += source.len();
        let gold = gold_text(&std::fs::read_to_string(path.join("expected.html"))?);
        let meta: Option<ExpectedMeta> =
            std::fs::read_to_string(path.join("expected-metadata.json"))
                .ok()
                .and_then(|s| serde_json::from_str(&s).ok());
        let url = format!("http://fakehost/test/{name}/");
        let result = clean_timed(cleaner, &source, &url, &mut spent);
        let (text, error) = match &result {
            Ok(a) => (a.text.as_str(), None),
            Err(e) => ("", Some(e.clone())),
        };
        let (precision, recall) = shingle_scores(text, &gold);
        let mut title_ok = None;
        if let (Some(meta), Ok(article)) = (&meta, &result) {
            title_ok = meta
                .title
                .as_deref()
                .map(|t| normalise_ws(t) == normalise_ws(&article.title));
            title.add(title_ok);
            if let Some(want) = meta.title.as_deref() {
                let got = keeps_declared
                    .clean(&source, &url, None)
                    .map(|a| a.title)
                    .unwrap_or_default();
                title_declared.add(Some(normalise_ws(want) == normalise_ws(&got)));
            }
            title_convention.add(meta.title.as_deref().map(|t| {
                normalise_ws(&article.title)
                    == title_without_site_name(t, meta.site_name.as_deref().unwrap_or(""))
            }));
            title_loose.add(
                meta.title
                    .as_deref()
                    .map(|t| title_ok_ignoring_site(&article.title, t)),
            );
            let byline_right = meta
                .byline
                .as_deref()
                .map(|b| byline_ok(&article.authors, b));
            byline.add(byline_right);
            if title_ok == Some(false) {
                misses.push(MetaMiss {
                    field: "title",
                    page: name.clone(),
                    got: article.title.clone(),
                    want: meta.title.clone().unwrap_or_default(),
                });
            }
            if byline_right == Some(false) {
                misses.push(MetaMiss {
                    field: "byline",
                    page: name.clone(),
                    got: article.authors.join(" ; "),
                    want: meta.byline.clone().unwrap_or_default(),
                });
            }
            published.add(
                meta.published_time
                    .as_deref()
                    .map(|p| published_ok(article.published, p)),
            );
            site.add(meta.site_name.as_deref().map(|s| {
                article
                    .site_name
                    .as_deref()
                    .is_some_and(|g| g.eq_ignore_ascii_case(s.trim()))
            }));
            lang.add(
                meta.lang
                    .as_deref()
                    .map(|l| lang_ok(article.language.as_deref(), l)),
            );
        } else if let Some(meta) = &meta {
            title.add(meta.title.as_ref().map(|_| false));
            title_loose.add(meta.title.as_ref().map(|_| false));
            title_declared.add(meta.title.as_ref().map(|_| false));
            title_convention.add(meta.title.as_ref().map(|_| false));
        }
        pages.push(PageScore {
            set: "readability",
            page: name,
            precision,
            recall,
            f1: f1(precision, recall),
            snippets: None,
            title_ok,
            error,
        });
    }
    Ok(Some(ReadabilityScores {
        body: summarise(&pages),
        title,
        title_without_site: title_convention,
        title_ignoring_site: title_loose,
        title_declared,
        byline,
        published,
        site,
        lang,
        misses,
        pages,
        bytes,
        spent,
    }))
}

fn readability(cleaner: &Cleaner, args: &CleanEvalArgs) -> Result<Vec<PageScore>> {
    let Some(r) = score_readability(cleaner, &args.shared, args.limit)? else {
        absent(
            "readability",
            &args.shared.join("fixtures/readability-test-pages"),
        );
        return Ok(Vec::new());
    };
    let summary = &r.body;
    println!(
        "\n== readability-test-pages ({} pages, {:.1} MB)",
        summary.pages,
        r.bytes as f64 / 1e6
    );
    println!("{:<12} {:>9} {:>9} {:>9}", "", "precision", "recall", "F1");
    println!(
        "{:<12} {:>9.3} {:>9.3} {:>9.3}",
        "body", summary.precision, summary.recall, summary.f1
    );
    println!(
        "metadata: title {} (without the gold's own site name: {}; ignoring a trailing site name: {}; with keep_declared_title: {})  byline {}  published {}  site {}  lang {}",
        r.title.show(),
        r.title_without_site.show(),
        r.title_ignoring_site.show(),
        r.title_declared.show(),
        r.byline.show(),
        r.published.show(),
        r.site.show(),
        r.lang.show()
    );
    print_speed(r.spent, r.pages.len(), r.bytes);
    print_worst(&r.pages, args.worst);
    if args.misses {
        println!("metadata misses:");
        for m in &r.misses {
            println!(
                "  {:<7} {:<36} got {:?}\n  {:<7} {:<36} want {:?}",
                m.field, m.page, m.got, "", "", m.want
            );
        }
    }
    Ok(r.pages)
}

/// Macro-averaged precision and recall, F1 from the means.
pub fn summarise(pages: &[PageScore]) -> BodySummary {
    let n = pages.len();
    if n == 0 {
        return BodySummary::default();
    }
    let precision = pages.iter().map(|p| p.precision).sum::<f64>() / n as f64;
    let recall = pages.iter().map(|p| p.recall).sum::<f64>() / n as f64;
    BodySummary {
        pages: n,
        precision,
        recall,
        f1: f1(precision, recall),
    }
}

fn print_speed(spent: Duration, pages: usize, bytes: usize) {
    if pages == 0 {
        return;
    }
    let ms = spent.as_secs_f64() * 1000.0 / pages as f64;
    // Debug builds are several times slower: the figure would mislead without a word.
    let build = if cfg!(debug_assertions) {
        "debug build: use --release for real figures"
    } else {
        "release build"
    };
    println!(
        "speed: {ms:.2} ms/page mean wall time in this process ({:.1} MB/s; {build})",
        bytes as f64 / 1e6 / spent.as_secs_f64().max(1e-9)
    );
}

fn print_worst(pages: &[PageScore], n: usize) {
    if n == 0 || pages.is_empty() {
        return;
    }
    let mut sorted: Vec<&PageScore> = pages.iter().collect();
    sorted.sort_by(|a, b| a.f1.total_cmp(&b.f1).then_with(|| a.page.cmp(&b.page)));
    println!("worst pages:");
    for p in sorted.iter().take(n) {
        let extra = match (&p.snippets, &p.error) {
            (_, Some(e)) => format!("  error: {e}"),
            (Some(s), None) => format!("  with {}/{} without-found {}", s.tp, s.tp + s.fn_, s.fp),
            (None, None) => String::new(),
        };
        println!(
            "  {:.3}  P {:.3} R {:.3}  {}{}",
            p.f1, p.precision, p.recall, p.page, extra
        );
    }
}

#[derive(Debug, serde::Deserialize)]
struct Expectation {
    url: String,
    #[serde(default)]
    with: Vec<String>,
    #[serde(default)]
    without: Vec<String>,
}

/// Scores the cleaner on trafilatura's evaluation pages under `shared`; `None` when absent.
pub fn score_trafilatura(
    cleaner: &Cleaner,
    shared: &Path,
    limit: Option<usize>,
) -> Result<Option<SnippetScores>> {
    let dir = shared.join("fixtures/trafilatura-eval");
    let index = dir.join("expectations.json");
    if !index.is_file() {
        return Ok(None);
    }
    let raw = std::fs::read_to_string(&index)
        .with_context(|| format!("cannot read `{}`", index.display()))?;
    let expectations: std::collections::BTreeMap<String, Expectation> =
        serde_json::from_str(&raw).context("expectations.json is not the expected shape")?;
    let mut pages = Vec::new();
    let mut total = SnippetCounts::default();
    let mut spent = Duration::ZERO;
    let mut bytes = 0usize;
    let mut missing = 0;
    for (rel, exp) in expectations.iter().take(limit.unwrap_or(usize::MAX)) {
        let Ok(body) = std::fs::read(dir.join(rel)) else {
            missing += 1;
            continue;
        };
        bytes += body.len();
        let result = clean_timed(cleaner, &body, &exp.url, &mut spent);
        let (text, error) = match &result {
            Ok(a) => (a.text.as_str(), None),
            Err(e) => ("", Some(e.clone())),
        };
        let counts = snippet_counts(text, &exp.with, &exp.without);
        total.add(&counts);
        let (precision, recall) = (counts.precision(), counts.recall());
        let page_score = ratio(counts.tp + counts.tn, exp.with.len() + exp.without.len());
        pages.push(PageScore {
            set: "trafilatura",
            page: rel.clone(),
            precision,
            recall,
            f1: page_score,
            snippets: Some(counts),
            title_ok: None,
            error,
        });
    }
    Ok(Some(SnippetScores {
        counts: total,
        pages,
        bytes,
        spent,
        missing,
    }))
}

fn trafilatura(cleaner: &Cleaner, args: &CleanEvalArgs) -> Result<Vec<PageScore>> {
    let Some(r) = score_trafilatura(cleaner, &args.shared, args.limit)? else {
        absent(
            "trafilatura",
            &args
                .shared
                .join("fixtures/trafilatura-eval/expectations.json"),
        );
        return Ok(Vec::new());
    };
    let total = r.counts;
    let missing = r.missing;
    let pages = r.pages;
    println!(
        "\n== trafilatura-eval ({} pages{})",
        pages.len(),
        if missing > 0 {
            format!(", {missing} files missing")
        } else {
            String::new()
        }
    );
    println!(
        "{:<10} {:>6} {:>6} {:>6} {:>6} {:>9} {:>9} {:>9} {:>9}",
        "", "TP", "FN", "FP", "TN", "precision", "recall", "F1", "accuracy"
    );
    println!(
        "{:<10} {:>6} {:>6} {:>6} {:>6} {:>9.3} {:>9.3} {:>9.3} {:>9.3}",
        "snippets",
        total.tp,
        total.fn_,
        total.fp,
        total.tn,
        total.precision(),
        total.recall(),
        total.f1(),
        total.accuracy()
    );
    print_speed(r.spent, pages.len(), r.bytes);
    println!("(worst pages ranked by share of snippets right)");
    print_worst(&pages, args.worst);
    Ok(pages)
}

fn seed(cleaner: &Cleaner, args: &CleanEvalArgs) -> Result<Vec<PageScore>> {
    let expected_path = args.shared.join("seed/expected-clean.txt");
    let page_path = args.samples.join("mirror-coalition-of-the-willing.html");
    let Ok(expected) = std::fs::read_to_string(&expected_path) else {
        absent("seed", &expected_path);
        return Ok(Vec::new());
    };
    let body = std::fs::read(&page_path).with_context(|| {
        format!(
            "cannot read `{}` (run from the repository root or pass --samples)",
            page_path.display()
        )
    })?;
    let article = cleaner
        .clean(&body, "https://www.mirror.co.uk/news/politics/", None)
        .map_err(|e| anyhow::anyhow!("seed page: {e}"))?;
    let paragraphs = |t: &str| {
        t.split("\n\n")
            .map(normalise_ws)
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
    };
    let got = paragraphs(&article.text);
    let want = paragraphs(&expected);
    let exact = got == want;
    let matching = got.iter().zip(&want).take_while(|(g, w)| g == w).count();
    let (precision, recall) = shingle_scores(&article.text, &expected);
    println!("\n== seed (Mirror sample page against seed/expected-clean.txt)");
    println!(
        "exact: {}  ({} of {} paragraphs match in order, {} produced)  shingle P {:.3} R {:.3} F1 {:.3}",
        if exact { "yes" } else { "NO" },
        matching,
        want.len(),
        got.len(),
        precision,
        recall,
        f1(precision, recall)
    );
    Ok(vec![PageScore {
        set: "seed",
        page: page_path.display().to_string(),
        precision,
        recall,
        f1: f1(precision, recall),
        snippets: None,
        title_ok: None,
        error: None,
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shingles_are_four_word_windows_over_normalised_words() {
        assert_eq!(shingles("One, two THREE four five", 4).len(), 2);
        assert_eq!(shingles("one two", 4).len(), 1);
        assert!(shingles("  ,. ", 4).is_empty());
        assert_eq!(shingles("a b c d", 4), shingles("A. B, c\n\nd", 4));
    }

    #[test]
    fn shingle_precision_and_recall() {
        let (p, r) = shingle_scores("the cat sat on the mat", "the cat sat on the mat today");
        assert!((p - 1.0).abs() < 1e-9);
        assert!((r - 0.75).abs() < 1e-9);
        assert_eq!(shingle_scores("", "gold text here now"), (0.0, 0.0));
        assert_eq!(shingle_scores("", ""), (1.0, 1.0));
    }

    #[test]
    fn macro_average_then_f1() {
        let page = |precision, recall| PageScore {
            set: "t",
            page: String::new(),
            precision,
            recall,
            f1: f1(precision, recall),
            snippets: None,
            title_ok: None,
            error: None,
        };
        let s = summarise(&[page(1.0, 0.5), page(0.5, 1.0)]);
        assert!((s.precision - 0.75).abs() < 1e-9);
        assert!((s.recall - 0.75).abs() < 1e-9);
        assert!((s.f1 - 0.75).abs() < 1e-9);
    }

    #[test]
    fn snippets_use_whitespace_normalised_substrings() {
        let with = vec!["hello   world".to_owned(), "absent".to_owned()];
        let without = vec!["Impressum".to_owned(), "foot\nnote".to_owned()];
        let c = snippet_counts("say hello\n\nworld and a foot note", &with, &without);
        assert_eq!(
            c,
            SnippetCounts {
                tp: 1,
                fn_: 1,
                fp: 1,
                tn: 1
            }
        );
        assert!((c.accuracy() - 0.5).abs() < 1e-9);
    }

    #[test]
    fn gold_text_takes_outermost_blocks() {
        let html = "<div><p>First para</p><ul><li><p>Item one</p></li></ul><figure><figcaption>Caption</figcaption></figure><blockquote><p>Quoted</p></blockquote></div>";
        assert_eq!(gold_text(html), "First para\nItem one\nQuoted");
    }

    #[test]
    fn titles_differing_only_by_a_site_suffix() {
        assert!(title_ok_ignoring_site(
            "How to Build a Terrarium",
            "How to Build a Terrarium | eHow"
        ));
        assert!(title_ok_ignoring_site("A b", "A  b"));
        assert!(!title_ok_ignoring_site(
            "How to Build",
            "How to Build a Terrarium | eHow"
        ));
        assert!(!title_ok_ignoring_site(
            "Title",
            "Title - and a long subtitle of many more words"
        ));
    }

    #[test]
    fn gold_titles_without_their_own_site_name() {
        assert_eq!(
            title_without_site_name("How to Build a Terrarium | eHow", "eHow"),
            "How to Build a Terrarium"
        );
        assert_eq!(
            title_without_site_name("Yahoo News - Latest", "Yahoo  News"),
            "Latest"
        );
        assert_eq!(
            title_without_site_name("Friday Facts #282 | Factorio", "Factorio.com"),
            "Friday Facts #282 | Factorio"
        );
        assert_eq!(title_without_site_name("A - B", ""), "A - B");
    }

    #[test]
    fn metadata_comparisons() {
        assert!(byline_ok(&["Jane Doe".into()], "By Jane Doe, Staff Writer"));
        assert!(byline_ok(
            &["Jane Doe".into()],
            "By Jane  Doe,\n  Staff Writer"
        ));
        assert!(!byline_ok(&[], "Jane Doe"));
        let t = chrono::DateTime::parse_from_rfc3339("2020-01-02T03:04:05Z")
            .map(|d| d.with_timezone(&chrono::Utc))
            .ok();
        assert!(published_ok(t, "2020-01-02T04:04:05+01:00"));
        assert!(published_ok(t, "2020-01-02"));
        assert!(!published_ok(t, "2020-01-03T03:04:05Z"));
        assert!(lang_ok(Some("en"), "en-US"));
    }
}
