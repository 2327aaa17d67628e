//! Search benchmark: builds a corpus of realistic generated news articles (persons, dates,
//! sites, agency copies; deterministic from a seed) in a temporary directory, indexes it, and
//! measures indexing throughput, index size, peak memory and query latency per query class.
//!
//! ```sh
//! cargo bench -p newsdex-index --bench search                       # 100,000 articles, seed 42
//! cargo bench -p newsdex-index --bench search -- --articles 20000 --seed 7
//! ```
//!
//! The corpus is written to a JSON-lines file first (zstd-compressed, level 1: a million
//! articles are 1.5 GB instead of 6 on a shared disk) and streamed back into the index, so the
//! indexing time includes reading, decompressing and decoding articles (as `newsdex rebuild`
//! includes cleaning) but not generating them, and memory stays bounded.

// A benchmark's inputs are its own: a failure to build them is a broken bench, not input.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::print_stdout, clippy::cast_precision_loss)]

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use newsdex_index::{ArticleIndex, Bucket, Config, Filters, SearchRequest, Sort, TimelineRequest};
use newsdex_persons::{Mention, Person};
use newsdex_types::{Article, Block, BlockKind};
use serde::{Deserialize, Serialize};

/// Function words and common news vocabulary, most frequent first; the generator draws from
/// them (and from a long tail of invented words) with a Zipf law, as text does.
const COMMON: &str = "the of and to a in that is for on was with he it as at by said his from \
    be have has but are not they this an were which had who will their been would its after \
    more one also new or about up than two when first there she her over last into could year \
    government people we can all out were president minister police years time other some what \
    no told says only them if three just state like because before world city week since \
    country so while most million should news public back where being under any percent \
    officials him during those then between against security national company may many made \
    party including local later four market health leader court house report group support \
    according political told week month election war border trade economy prices inflation \
    energy climate water school schools hospital hospitals patients doctors workers union \
    strike talks deal agreement plan plans budget tax taxes spending minister ministers \
    parliament vote votes voters campaign candidate leaders leadership opposition council \
    region regional federal central bank banks interest rates rate growth investors shares \
    stock stocks oil gas power military troops forces attack attacks missile drone drones \
    ceasefire peace negotiations sanctions allies alliance summit meeting meetings statement \
    spokesman spokeswoman officials ministry department agency investigation inquiry charges \
    trial judge jury evidence lawyers prison arrested suspect victims family families \
    children students teachers university research scientists study data technology software \
    internet online users companies business businesses jobs unemployment wages housing homes \
    rent prices property mortgage mortgages lenders borrowing debt deficit fiscal reforms \
    policy policies law laws bill legislation rules regulators regulation court courts ruling \
    appeal supreme justice rights freedom protest protesters demonstrators crowd crowds \
    weather storm storms flooding floods rain heat wildfire wildfires drought emergency \
    services firefighters rescue crews residents town village villages streets road roads \
    traffic transport rail trains airport flights passengers travel tourism tourists visitors \
    football match season club players coach team teams league cup final goal goals win won \
    lost victory defeat fans stadium championship record records history historic museum art \
    music film festival books author director actor star stars television show series \
    announced expected warned called added described revealed confirmed denied insisted \
    suggested claimed reported showed found saying asked urged agreed launched opened closed \
    raised cut increased reduced rose fell dropped jumped surged slumped remained continued \
    began ended started left returned arrived visited met discussed signed approved rejected \
    blocked delayed postponed cancelled faced faces facing face hit hits struck killed injured \
    died dead death deaths wounded missing safe safety risk risks threat threats crisis \
    pressure concerns concern fears hopes questions answers issue issues problem problems \
    change changes future plans decision decisions response efforts effort support aid help \
    funding money cash costs cost billion billions thousands hundreds dozens several number \
    high low higher lower largest biggest major key senior former current early late next \
    recent previous long short small large big good bad better worse best worst strong weak \
    full free open closed public private foreign domestic international global european \
    american british chinese russian ukrainian french german african asian western eastern \
    northern southern capital north south east west coast island islands border borders \
    morning evening night day days weekend monday tuesday wednesday thursday friday saturday \
    sunday january february march april june july august september october november december";

/// Given names and surnames for the persons the articles name.
const FIRST: &str = "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth \
    William Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy \
    Matthew Lisa Anthony Betty Mark Margaret Donald Sandra Steven Ashley Paul Kimberly Andrew \
    Emily Joshua Donna Kenneth Michelle Kevin Carol Brian Amanda George Melissa Timothy \
    Deborah Ronald Stephanie Edward Rebecca Jason Sharon Jeffrey Laura Ryan Cynthia Jacob \
    Kathleen Gary Amy Nicholas Angela Eric Anna Jonathan Brenda Stephen Pamela Larry Emma \
    Justin Nicole Scott Helen Brandon Samantha Benjamin Katherine Samuel Christine Gregory \
    Debra Alexander Rachel Frank Carolyn Patrick Janet Raymond Catherine Jack Maria Dennis \
    Heather Jerry Diane Tyler Ruth Aaron Julie Olena Dmitro Giorgia Emmanuel Olaf Pedro \
    Keir Rishi Ursula Volodymyr Sergei Xi Narendra Recep Benjamin Jacinda Anthony Kamala";

const LAST: &str = "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez \
    Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez \
    Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright \
    Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell \
    Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart \
    Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly \
    Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza \
    Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell \
    Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher \
    Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace \
    Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford \
    Castro Marshall Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas \
    Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon \
    Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson \
    Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols \
    Stephens Soto Weaver Ryan Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce \
    Starmer Macron Meloni Scholz Sanchez Sunak Leyen Zelenskyy Lavrov Modi Erdogan Netanyahu";

/// Transliterations that the alias table must fold into one person.
const VARIANTS: &[&[&str]] = &[
    &[
        "Volodymyr Zelenskyy",
        "Volodymyr Zelensky",
        "Volodymyr Zelenskiy",
        "Zelensky",
    ],
    &["Dmitry Peskov", "Dmitri Peskov", "Peskov"],
    &["Recep Tayyip Erdogan", "Recep Tayyip Erdoğan", "Erdogan"],
];

const SECTIONS: &[&str] = &[
    "news", "world", "politics", "business", "uk-news", "sport", "culture",
];
const LANGS: &[&str] = &[
    "en", "en", "en", "en", "en", "en", "en", "en", "en", "en", "en", "de", "fr",
];

/// splitmix64: tiny, fast, and the same sequence on every platform and Rust version, so a
/// seed always gives the same corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn range(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Draws ranks 0..n with probability proportional to 1/(rank + 2.7)^s (Zipf-Mandelbrot).
struct Zipf {
    cdf: Vec<f64>,
}

impl Zipf {
    fn new(n: usize, s: f64) -> Self {
        let mut total = 0.0;
        let cdf = (0..n)
            .map(|rank| {
                total += 1.0 / (rank as f64 + 2.7).powf(s);
                total
            })
            .collect::<Vec<_>>();
        Self {
            cdf: cdf.into_iter().map(|c| c / total).collect(),
        }
    }

    fn draw(&self, rng: &mut Rng) -> usize {
        let u = rng.unit();
        self.cdf.partition_point(|&c| c < u).min(self.cdf.len() - 1)
    }
}

/// An article an agency copy can be made of: title, persons, date, text.
type Story = (String, Vec<Person>, Option<DateTime<Utc>>, String);

struct Generator {
    rng: Rng,
    words: Vec<String>,
    word_zipf: Zipf,
    persons: Vec<Vec<String>>,
    person_zipf: Zipf,
    sites: Vec<(String, String)>,
    site_zipf: Zipf,
    authors: Vec<String>,
    /// Recent articles an agency copy may be made of.
    recent: Vec<Story>,
    produced: usize,
}

/// An invented word: the long tail of place names, jargon and rare words real text has.
fn invented(rng: &mut Rng) -> String {
    const ONSETS: &[&str] = &[
        "b", "br", "c", "ch", "d", "f", "g", "gr", "h", "k", "l", "m", "n", "p", "pr", "r", "s",
        "sh", "st", "t", "tr", "v", "w", "z",
    ];
    const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ai", "ea", "ou", "y"];
    const CODAS: &[&str] = &["", "n", "r", "s", "l", "m", "t", "nd", "rk", "st", "x"];
    let mut word = String::new();
    for _ in 0..rng.range(2, 3) {
        word.push_str(ONSETS[rng.below(ONSETS.len())]);
        word.push_str(VOWELS[rng.below(VOWELS.len())]);
    }
    word.push_str(CODAS[rng.below(CODAS.len())]);
    word
}

impl Generator {
    fn new(seed: u64) -> Self {
        let mut rng = Rng(seed);
        let mut seen = HashSet::new();
        let mut words: Vec<String> = COMMON
            .split_whitespace()
            .filter(|w| seen.insert(w.to_string()))
            .map(str::to_owned)
            .collect();
        while words.len() < 60_000 {
            let word = invented(&mut rng);
            if seen.insert(word.clone()) {
                words.push(word);
            }
        }
        let first: Vec<&str> = FIRST.split_whitespace().collect();
        let last: Vec<&str> = LAST.split_whitespace().collect();
        let mut persons: Vec<Vec<String>> = VARIANTS
            .iter()
            .map(|spellings| spellings.iter().map(|s| (*s).to_owned()).collect())
            .collect();
        let mut names = HashSet::new();
        while persons.len() < 8_000 {
            let name = format!(
                "{} {}",
                first[rng.below(first.len())],
                last[rng.below(last.len())]
            );
            if names.insert(name.clone()) {
                persons.push(vec![name]);
            }
        }
        let mut sites = Vec::new();
        for i in 0..300 {
            let word = &words[200 + rng.below(5_000)];
            let host = match i % 5 {
                0 => format!("www.{word}news.co.uk"),
                1 => format!("www.the{word}.com"),
                2 => format!("{word}times.com"),
                3 => format!("news.{word}.org"),
                _ => format!("www.{word}-post.com"),
            };
            let name = format!("The {}{} Post", word[..1].to_uppercase(), &word[1..]);
            sites.push((host, name));
        }
        let authors = (0..3_000)
            .map(|_| {
                format!(
                    "{} {}",
                    first[rng.below(first.len())],
                    last[rng.below(last.len())]
                )
            })
            .collect();
        Self {
            word_zipf: Zipf::new(words.len(), 1.07),
            person_zipf: Zipf::new(persons.len(), 1.0),
            site_zipf: Zipf::new(sites.len(), 0.9),
            rng,
            words,
            persons,
            sites,
            authors,
            recent: Vec::new(),
            produced: 0,
        }
    }

    fn word(&mut self) -> &str {
        let rank = self.word_zipf.draw(&mut self.rng);
        &self.words[rank]
    }

    fn date(&mut self) -> Option<DateTime<Utc>> {
        if self.rng.chance(0.02) {
            return None;
        }
        let start = Utc
            .with_ymd_and_hms(2024, 1, 1, 0, 0, 0)
            .unwrap()
            .timestamp();
        let span = 2 * 365 * 86_400;
        Utc.timestamp_opt(start + self.rng.below(span) as i64, 0)
            .single()
    }

    /// One article and the persons it names (mentions at their character offsets).
    fn next(&mut self) -> (Article, Vec<Person>) {
        self.produced += 1;
        let id = self.produced;
        let (host, site_name) = self.sites[self.site_zipf.draw(&mut self.rng)].clone();
        let section = SECTIONS[self.rng.below(SECTIONS.len())];
        // One article in twenty is an agency story already carried by another site.
        if !self.recent.is_empty() && self.rng.chance(0.05) {
            let (title, persons, published, text) =
                self.recent[self.rng.below(self.recent.len())].clone();
            let credit = format!(
                "\n\nReporting by {}; editing by {}.",
                self.authors[self.rng.below(self.authors.len())],
                self.authors[self.rng.below(self.authors.len())]
            );
            let later = chrono::Duration::hours(self.rng.range(1, 30) as i64);
            let article = self.article(
                format!("https://{host}/{section}/{}-{id}", slug(&title)),
                title,
                format!("{text}{credit}"),
                published.map(|d| d + later),
                site_name,
            );
            return (article, persons);
        }
        let named: Vec<usize> = (0..self.rng.range(0, 5))
            .map(|_| self.person_zipf.draw(&mut self.rng))
            .collect();
        let title_words: Vec<String> = (0..self.rng.range(5, 11))
            .map(|_| self.word().to_owned())
            .collect();
        let mut title = title_words.join(" ");
        title[..1].make_ascii_uppercase();
        let mut persons: Vec<Person> = Vec::new();
        let mut text = String::new();
        // Offsets of mentions are in characters of `title + "\n\n" + text`.
        let mut chars = title.chars().count() + 2;
        let paragraphs = self.rng.range(5, 12);
        for p in 0..paragraphs {
            if p > 0 {
                text.push_str("\n\n");
                chars += 2;
            }
            for s in 0..self.rng.range(2, 4) {
                if s > 0 {
                    text.push(' ');
                    chars += 1;
                }
                let length = self.rng.range(8, 24);
                for w in 0..length {
                    if w > 0 {
                        text.push(' ');
                        chars += 1;
                    }
                    if !named.is_empty() && self.rng.chance(0.012) {
                        let which = named[self.rng.below(named.len())];
                        let spellings = &self.persons[which];
                        let spelling = spellings[self.rng.below(spellings.len())].clone();
                        let index = persons
                            .iter()
                            .position(|p| self.persons[which].contains(&p.name));
                        // The first mention is the full name, later ones often the surname.
                        let mention = match index {
                            Some(_) if self.rng.chance(0.6) => {
                                spelling.rsplit(' ').next().unwrap_or(&spelling).to_owned()
                            }
                            _ => spelling.clone(),
                        };
                        let start = chars;
                        let count = mention.chars().count();
                        text.push_str(&mention);
                        chars += count;
                        let found = Mention {
                            start,
                            end: start + count,
                            text: mention,
                        };
                        match index {
                            Some(i) => persons[i].mentions.push(found),
                            None => persons.push(Person {
                                name: spelling,
                                mentions: vec![found],
                            }),
                        }
                        continue;
                    }
                    let word = if self.rng.chance(0.03) {
                        self.rng.range(2, 2_000).to_string()
                    } else {
                        self.word().to_owned()
                    };
                    let word = if w == 0 {
                        let mut word = word;
                        word[..1].make_ascii_uppercase();
                        word
                    } else {
                        word
                    };
                    chars += word.len();
                    text.push_str(&word);
                }
                text.push('.');
                chars += 1;
            }
        }
        let published = self.date();
        if self.recent.len() < 2_000 {
            self.recent
                .push((title.clone(), persons.clone(), published, text.clone()));
        } else {
            let slot = self.rng.below(self.recent.len());
            self.recent[slot] = (title.clone(), persons.clone(), published, text.clone());
        }
        let article = self.article(
            format!("https://{host}/{section}/{}-{id}", slug(&title)),
            title,
            text,
            published,
            site_name,
        );
        (article, persons)
    }

    fn article(
        &mut self,
        url: String,
        title: String,
        text: String,
        published: Option<DateTime<Utc>>,
        site_name: String,
    ) -> Article {
        let authors = (0..self.rng.range(0, 2))
            .map(|_| self.authors[self.rng.below(self.authors.len())].clone())
            .collect();
        Article {
            url,
            title,
            authors,
            published,
            site_name: Some(site_name),
            language: Some(LANGS[self.rng.below(LANGS.len())].to_owned()),
            text,
            ..Article::default()
        }
    }
}

fn slug(title: &str) -> String {
    title
        .split_whitespace()
        .take(6)
        .collect::<Vec<_>>()
        .join("-")
        .to_lowercase()
}

/// What goes into the corpus file: the article without its blocks (rebuilt from the text on
/// reading) and its persons.
#[derive(Serialize, Deserialize)]
struct Record {
    article: Article,
    persons: Vec<Person>,
}

fn with_blocks(mut article: Article) -> Article {
    article.blocks = article
        .text
        .split("\n\n")
        .map(|text| Block {
            kind: BlockKind::Paragraph,
            quote: false,
            text: text.to_owned(),
            links: Vec::new(),
        })
        .collect();
    article
}

/// The peak resident memory of this process so far, from `/proc/self/status` (Linux).
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// This process's resident anonymous memory (heap, not mapped index files), in MB.
fn anon_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("RssAnon:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Samples [`anon_rss_mb`] every 20 ms until dropped; the peak is what indexing held.
struct AnonPeak {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<f64>>,
}

impl AnonPeak {
    fn start() -> Self {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = std::sync::Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut peak = 0.0f64;
            while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(anon_rss_mb().unwrap_or(0.0));
                std::thread::sleep(Duration::from_millis(20));
            }
            peak.max(anon_rss_mb().unwrap_or(0.0))
        });
        Self {
            stop,
            thread: Some(thread),
        }
    }

    fn finish(mut self) -> f64 {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.thread
            .take()
            .and_then(|t| t.join().ok())
            .unwrap_or(0.0)
    }
}

/// CPU time (user + system, all threads) this process has used, from `/proc/self/stat`: the
/// machine is shared, so wall-clock rates are also given per CPU-second.
/// The CPU time this thread has used: on a machine shared with other work a query's wall
/// time also counts the time it waited for a core, and its CPU time does not.
fn thread_cpu() -> Option<Duration> {
    let now = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Some(Duration::new(
        u64::try_from(now.tv_sec).ok()?,
        u32::try_from(now.tv_nsec).ok()?,
    ))
}

fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn dir_bytes(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| {
                    let meta = entry.metadata();
                    match meta {
                        Ok(meta) if meta.is_dir() => dir_bytes(&entry.path()),
                        Ok(meta) => meta.len(),
                        Err(_) => 0,
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A fixed mix of queries per class, drawn from the corpus so that most of them match.
struct Samples {
    titles: Vec<String>,
    phrases: Vec<String>,
    persons: Vec<String>,
}

fn main() {
    let mut articles = 100_000usize;
    let mut seed = 42u64;
    let mut per_class = 40usize;
    let mut config = Config::default();
    let mut keep: Option<std::path::PathBuf> = None;
    // Print the slowest queries of each class (by CPU time), to see what a p99 is made of.
    let mut slowest = 0usize;
    // Only this query class, and this many timed passes over it (for profiling one class).
    let mut only: Option<String> = None;
    let mut passes = 3usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--articles" => {
                articles = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--articles N");
            }
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).expect("--seed N"),
            "--memory-mb" => {
                config.writer_memory_bytes = args
                    .next()
                    .and_then(|v| v.parse::<usize>().ok())
                    .expect("--memory-mb N")
                    * 1024
                    * 1024;
            }
            "--threads" => {
                config.writer_threads = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--threads N");
            }
            // Build in DIR and keep it; a later run with the same DIR reuses the index and
            // only measures queries (for profiling them).
            "--keep" => keep = Some(args.next().expect("--keep DIR").into()),
            "--queries" => {
                per_class = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--queries N");
            }
            "--class" => only = Some(args.next().expect("--class NAME")),
            "--passes" => {
                passes = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--passes N");
            }
            "--slowest" => {
                slowest = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--slowest N");
            }
            _ => {} // `cargo bench` passes `--bench`
        }
    }
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let base = keep.unwrap_or_else(|| tmp.path().to_path_buf());
    std::fs::create_dir_all(&base).expect("bench directory");
    let corpus_path = base.join("corpus.jsonl.zst");
    let root = base.join("index");
    let reuse = root.join("CURRENT").exists();

    // 1. Generate the corpus to a file, keeping some material for queries.
    let started = Instant::now();
    let mut generator = Generator::new(seed);
    let mut samples = Samples {
        titles: Vec::new(),
        phrases: Vec::new(),
        persons: Vec::new(),
    };
    let mut text_bytes = 0u64;
    {
        let mut out: Box<dyn Write> = if reuse {
            Box::new(std::io::sink())
        } else {
            Box::new(BufWriter::new(
                zstd::stream::write::Encoder::new(
                    File::create(&corpus_path).expect("corpus file"),
                    1,
                )
                .expect("zstd encoder")
                .auto_finish(),
            ))
        };
        for n in 0..articles {
            let (article, persons) = generator.next();
            text_bytes += (article.title.len() + article.text.len()) as u64;
            if n % 997 == 0 {
                samples.titles.push(article.title.clone());
                let words: Vec<&str> = article.text.split_whitespace().collect();
                if words.len() > 40 {
                    let at = 20 + n % 17;
                    samples.phrases.push(
                        words[at..at + 2 + n % 2]
                            .iter()
                            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
                            .collect::<Vec<_>>()
                            .join(" "),
                    );
                }
                if let Some(person) = persons.first() {
                    samples.persons.push(person.name.clone());
                }
            }
            serde_json::to_writer(&mut out, &Record { article, persons }).expect("write");
            out.write_all(b"\n").expect("write");
        }
        out.flush().expect("flush");
    }
    let generated = started.elapsed();

    // 2. Index it.
    let started = Instant::now();
    let cpu_before = cpu_seconds();
    let anon = AnonPeak::start();
    let mut finishing = Duration::ZERO;
    if !reuse {
        let mut rebuild = ArticleIndex::begin_rebuild(&root, &config).expect("rebuild");
        let reader = BufReader::new(
            zstd::stream::read::Decoder::new(File::open(&corpus_path).expect("corpus"))
                .expect("zstd decoder"),
        );
        for line in reader.lines() {
            let record: Record = serde_json::from_str(&line.expect("read")).expect("decode");
            rebuild
                .writer()
                .upsert(&with_blocks(record.article), &record.persons)
                .expect("upsert");
        }
        let finish_started = Instant::now();
        rebuild.finish().expect("finish");
        finishing = finish_started.elapsed();
        std::fs::remove_file(&corpus_path).expect("corpus removed");
    }
    let indexing = started.elapsed();
    let indexing_cpu = cpu_seconds()
        .zip(cpu_before)
        .map(|(after, before)| after - before);
    let rss_indexing = peak_rss_mb();
    let anon_indexing = anon.finish();

    let index = ArticleIndex::open(&root, &Config::default()).expect("open");
    let stats = index.stats().expect("stats");
    let size = dir_bytes(&root);

    // 3. Queries.
    let words = &generator.words;
    let mid = |i: usize| words[150 + (i * 37) % 3_000].clone();
    let mut classes: Vec<(&str, Vec<SearchRequest>)> = Vec::new();
    let n = per_class;
    classes.push((
        "single word",
        (0..n).map(|i| SearchRequest::new(mid(i))).collect(),
    ));
    classes.push((
        "three words",
        (0..n)
            .map(|i| {
                let title = &samples.titles[i % samples.titles.len()];
                let words: Vec<&str> = title.split_whitespace().collect();
                let at = i % words.len().saturating_sub(2).max(1);
                SearchRequest::new(words[at..(at + 3).min(words.len())].join(" "))
            })
            .collect(),
    ));
    classes.push((
        "phrase",
        (0..n)
            .map(|i| {
                SearchRequest::new(format!(
                    "\"{}\"",
                    samples.phrases[i % samples.phrases.len()]
                ))
            })
            .collect(),
    ));
    classes.push((
        "person filter",
        (0..n)
            .map(|i| {
                let name = &samples.persons[i % samples.persons.len()];
                let mut request =
                    SearchRequest::new(if i % 2 == 0 { String::new() } else { mid(i) });
                // Every third one by a surname alone, of a person known under several
                // spellings (the alias table resolves it).
                request.filters.persons = vec![if i % 3 == 0 {
                    let spellings = VARIANTS[i % VARIANTS.len()];
                    spellings[spellings.len() - 1].to_owned()
                } else {
                    name.clone()
                }];
                request
            })
            .collect(),
    ));
    classes.push((
        "date range",
        (0..n)
            .map(|i| {
                let month = 1 + i % 12;
                let year = 2024 + i % 2;
                let to = if month == 12 {
                    format!("{}-01", year + 1)
                } else {
                    format!("{year}-{:02}", month + 1)
                };
                let mut request =
                    SearchRequest::new(format!("{} after:{year}-{month:02} before:{to}", mid(i)));
                if i % 2 == 0 {
                    request.sort = Sort::Date;
                }
                request
            })
            .collect(),
    ));
    classes.push((
        "facets",
        (0..n)
            .map(|i| {
                let mut request = SearchRequest::new(mid(i));
                request.facets = 10;
                request
            })
            .collect(),
    ));
    let vocabulary: HashSet<&str> = words.iter().map(String::as_str).collect();
    classes.push((
        "fuzzy fallback",
        (0..n)
            .map(|i| {
                let mut k = i;
                loop {
                    let word = &words[40 + (k * 53) % 1_500];
                    let mut chars: Vec<char> = word.chars().collect();
                    if chars.len() >= 6 {
                        chars.swap(2, 3);
                        chars[1] = if chars[1] == 'x' { 'q' } else { 'x' };
                        let typo: String = chars.into_iter().collect();
                        if !vocabulary.contains(typo.as_str()) {
                            break SearchRequest::new(typo);
                        }
                    }
                    k += 1;
                }
            })
            .collect(),
    ));

    println!();
    println!(
        "newsdex search benchmark (seed {seed}, release build, {} indexing thread(s), {} MB writer budget)",
        config.writer_threads,
        config.writer_memory_bytes / (1024 * 1024)
    );
    println!();
    println!(
        "corpus         {articles} articles, {:.1} MB of title and body text, {} persons known",
        text_bytes as f64 / 1e6,
        stats.persons
    );
    println!(
        "generated in   {:.1} s (not counted below)",
        generated.as_secs_f64()
    );
    if reuse {
        println!("indexing       reused the index in {}", root.display());
    }
    println!(
        "indexing       {:.1} s: {:.0} articles/s, {:.1} MB/s (decode, analyse, write, merge, persons table)",
        indexing.as_secs_f64(),
        articles as f64 / indexing.as_secs_f64(),
        text_bytes as f64 / 1e6 / indexing.as_secs_f64()
    );
    if !reuse {
        println!(
            "               of which {:.1} s finishing (last segments, merges, persons table, swap)",
            finishing.as_secs_f64()
        );
    }
    if let Some(cpu) = indexing_cpu {
        println!(
            "               {cpu:.1} CPU-s: {:.0} articles per CPU-second (load average when done: {})",
            articles as f64 / cpu,
            std::fs::read_to_string("/proc/loadavg")
                .unwrap_or_default()
                .split_whitespace()
                .next()
                .unwrap_or("?")
        );
    }
    println!(
        "index size     {:.1} MB on disk ({:.2} x the text), {} articles",
        size as f64 / 1e6,
        size as f64 / text_bytes as f64,
        stats.articles
    );
    if let Some(rss) = rss_indexing {
        println!(
            "peak RSS       {rss:.0} MB while indexing, of which heap at most {anon_indexing:.0} MB (the rest: index files mapped while merging)"
        );
    }
    println!();
    println!(
        "{:<16} {:>8} {:>9} {:>9} {:>9} {:>12} {:>11} {:>11}",
        "query class",
        "queries",
        "p50 ms",
        "p99 ms",
        "max ms",
        "median hits",
        "CPU p50 ms",
        "CPU p99 ms"
    );
    let mut all_ok = true;
    for (class, requests) in classes.iter().filter(|(class, requests)| {
        !requests.is_empty() && only.as_deref().is_none_or(|only| only == *class)
    }) {
        // One warm-up pass (page cache, persons table), then three timed passes.
        for request in requests {
            index.search(request).expect("query runs");
        }
        let mut times = Vec::new();
        let mut cpu_times = Vec::new();
        let mut totals = Vec::new();
        let mut by_query: Vec<(Duration, &str, usize)> = Vec::new();
        for _ in 0..passes {
            for request in requests {
                let cpu_started = thread_cpu();
                let started = Instant::now();
                let results = index.search(request).expect("query runs");
                times.push(started.elapsed());
                if let (Some(before), Some(after)) = (cpu_started, thread_cpu()) {
                    cpu_times.push(after.saturating_sub(before));
                    by_query.push((after.saturating_sub(before), &request.query, results.total));
                }
                totals.push(results.total);
                if *class == "fuzzy fallback" && results.corrected.is_none() {
                    all_ok = false;
                }
            }
        }
        times.sort();
        cpu_times.sort();
        totals.sort_unstable();
        let cpu = |p: f64| {
            if cpu_times.is_empty() {
                "?".to_owned()
            } else {
                format!("{:.2}", ms(percentile(&cpu_times, p)))
            }
        };
        println!(
            "{class:<16} {:>8} {:>9.2} {:>9.2} {:>9.2} {:>12} {:>11} {:>11}",
            requests.len(),
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.99)),
            ms(*times.last().expect("timed")),
            totals[totals.len() / 2],
            cpu(0.5),
            cpu(0.99)
        );
        by_query.sort_by_key(|(cpu, _, _)| std::cmp::Reverse(*cpu));
        for (cpu, query, total) in by_query.iter().take(slowest) {
            println!("    {:>9.2} ms CPU  {total:>8} hits  {query}", ms(*cpu));
        }
    }
    if only.is_none() {
        timelines(&index, &generator, &samples);
        watches(&index, &mut generator, &samples);
    }
    if let Some(rss) = peak_rss_mb() {
        println!();
        println!("peak RSS       {rss:.0} MB at the end");
    }
    if !all_ok {
        println!("warning: some fuzzy-fallback queries were not corrected");
    }
}

/// Two years by ISO week (issue 14): one series and "all articles", counted from the index.
fn timelines(index: &ArticleIndex, generator: &Generator, samples: &Samples) {
    let mut requests = Vec::new();
    for i in 0..20 {
        let series = if i % 2 == 0 {
            generator.words[150 + (i * 37) % 3_000].clone()
        } else {
            format!("person:\"{}\"", samples.persons[i % samples.persons.len()])
        };
        let mut request = TimelineRequest::new(vec![series], Bucket::Week);
        request.filters.since = Some("2024-01-01".into());
        request.filters.until = Some("2025-12-31".into());
        requests.push(request);
    }
    for request in &requests {
        index.timeline(request).expect("timeline runs");
    }
    let mut times = Vec::new();
    let mut cpu_times = Vec::new();
    let mut buckets = 0;
    for _ in 0..3 {
        for request in &requests {
            let cpu_started = thread_cpu();
            let started = Instant::now();
            let timeline = index.timeline(request).expect("timeline runs");
            times.push(started.elapsed());
            if let (Some(before), Some(after)) = (cpu_started, thread_cpu()) {
                cpu_times.push(after.saturating_sub(before));
            }
            buckets = timeline.buckets.len();
        }
    }
    times.sort();
    cpu_times.sort();
    println!();
    println!(
        "timeline       two years by week ({buckets} buckets, a word or a person, and all articles): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        ms(*times.last().expect("timed"))
    );
    if !cpu_times.is_empty() {
        println!(
            "               CPU time: p50 {:.2} ms, p99 {:.2} ms",
            ms(percentile(&cpu_times, 0.5)),
            ms(percentile(&cpu_times, 0.99))
        );
    }
}

/// 1,000 saved searches against 1,000 newly indexed articles (issue 14): words, persons,
/// phrases and sites, each run over the new articles only.
fn watches(index: &ArticleIndex, generator: &mut Generator, samples: &Samples) {
    const WATCHES: usize = 1_000;
    const NEW: usize = 1_000;
    let mark = index.latest_arrival().expect("latest arrival");
    let mut writer = index.writer().expect("writer");
    for _ in 0..NEW {
        let (article, persons) = generator.next();
        writer
            .upsert(&with_blocks(article), &persons)
            .expect("upsert");
    }
    writer.commit().expect("commit");
    drop(writer);
    let watches: Vec<(String, Filters)> = (0..WATCHES)
        .map(|i| {
            let word = generator.words[100 + (i * 37) % 3_000].clone();
            match i % 4 {
                0 => (word, Filters::default()),
                1 => (
                    String::new(),
                    Filters {
                        persons: vec![samples.persons[i % samples.persons.len()].clone()],
                        ..Filters::default()
                    },
                ),
                2 => (
                    format!("\"{}\"", samples.phrases[i % samples.phrases.len()]),
                    Filters::default(),
                ),
                _ => (
                    word,
                    Filters {
                        sites: vec![generator.sites[i % generator.sites.len()].0.clone()],
                        ..Filters::default()
                    },
                ),
            }
        })
        .collect();
    let mut found = 0;
    let started = Instant::now();
    let arrivals = index.arrivals(mark).expect("arrivals");
    for (query, filters) in &watches {
        found += arrivals
            .matches(query, filters, mark, 0)
            .expect("watch runs")
            .total;
    }
    let matching = started.elapsed();
    let started = Instant::now();
    let arrivals = index.arrivals(mark).expect("arrivals");
    let mut hits = 0;
    for (query, filters) in &watches {
        hits += arrivals
            .matches(query, filters, mark, usize::MAX)
            .expect("watch runs")
            .hits
            .len();
    }
    let with_hits = started.elapsed();
    assert_eq!(
        arrivals.len(),
        NEW,
        "every new article arrived after the mark"
    );
    println!(
        "watches        {WATCHES} saved searches over {} new articles: {:.0} ms to find their {found} matches, {:.0} ms with the hits (titles, snippets)",
        arrivals.len(),
        ms(matching),
        ms(with_hits),
    );
    assert_eq!(found, hits);
}
