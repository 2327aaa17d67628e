//! Word pairs: phrases of common words without reading their positions.
//!
//! A phrase is matched by reading the positions of its words in every article that holds all
//! of them. For a phrase of common words ("last on", "for people the") that is most of the
//! index: at a million articles such a phrase cost 50 ms and more, nearly all of it in
//! position lists. So the body is also indexed as pairs of adjacent words (`pairs`), like
//! Lucene's common-grams: only the pairs of two common words (the function words of the
//! languages news is written in and the commonest words of English news, [`is_common`]). A
//! phrase with a rarer word is already quick (the articles holding its rarest word are few),
//! and pairing a common word with every other word made the index 45% larger and indexing
//! almost three times slower (a pair dictionary as large as the vocabulary times the common
//! words), where pairs of common words alone are a few thousand terms.
//!
//! [`PairPhraseQuery`] matches a body phrase through them: a two-word phrase is one pair's
//! postings, whose frequency is the phrase's count in the article; a longer one intersects
//! its pairs (and the words no pair covers) and reads positions only for the articles that
//! hold all of them. Scores are exactly tantivy's phrase scores (BM25 over the phrase's words
//! with the phrase count as the frequency and the body's length), so results and their order
//! are the same as with a [`tantivy::query::PhraseQuery`].

use std::collections::HashSet;
use std::sync::LazyLock;

use rustc_hash::FxBuildHasher;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

use crate::schema::{news_analyzer, tokens};

/// The tokenizer of the `pairs` field: its text is the pairs, one per line, as the writer
/// made them (see [`PairWriter`]).
pub const PAIRS_TOKENIZER: &str = "pairs";

/// The most frequent words of the languages news is mostly written in: their function words
/// and, for English, the commonest words of news text ("said", "government", "people"). A
/// pair of two of them is indexed. Written as text is; they are analyzed as the body is
/// (folded, stemmed) before use. The list decides only which phrases are quick, never what
/// a phrase finds.
#[rustfmt::skip]
const COMMON_WORDS: &[&str] = &[
    // English: function words
    "the", "of", "and", "to", "a", "an", "in", "that", "is", "was", "for", "on", "with", "he",
    "it", "as", "at", "by", "his", "from", "be", "have", "has", "had", "but", "are", "not",
    "they", "this", "were", "which", "who", "will", "their", "been", "would", "its", "after",
    "or", "about", "up", "than", "when", "there", "she", "her", "into", "could", "we", "can",
    "all", "out", "if", "them", "no", "so", "what", "more", "also", "over", "i", "you", "our",
    "do", "did", "does", "may", "being", "under", "against", "during", "between", "before",
    "while", "where", "because", "some", "other", "any", "only", "then", "these", "those",
    "him", "how", "just", "should", "very", "most", "such", "my", "me", "your", "off", "down",
    "own", "same", "both", "each", "few", "through", "until", "again", "here", "why", "us",
    "since", "like", "back", "now", "many", "much", "even", "still", "well", "way",
    // English: the commonest words of news
    "said", "says", "told", "one", "two", "three", "four", "first", "last", "next", "new",
    "year", "years", "time", "day", "days", "week", "month", "people", "government",
    "president", "minister", "police", "state", "country", "world", "city", "national",
    "public", "million", "billion", "percent", "officials", "according", "including", "former",
    "news", "party", "group", "company", "report", "local", "made",
    // French
    "le", "la", "les", "de", "des", "du", "un", "une", "et", "en", "à", "au", "aux", "que",
    "qui", "dans", "pour", "par", "sur", "pas", "ne", "se", "ce", "il", "elle", "ils", "est",
    "sont", "été", "avec", "plus", "son", "sa", "ses", "leur", "mais", "ou", "l", "d", "qu",
    "n", "s", "c", "j", "y", "nous", "vous", "lui", "cette", "tout", "comme", "a",
    // German
    "der", "die", "das", "und", "zu", "den", "von", "mit", "ist", "des", "sich", "im", "dem",
    "nicht", "ein", "eine", "einer", "einen", "als", "auch", "es", "an", "er", "sie", "auf",
    "für", "dass", "hat", "wird", "werden", "wurde", "bei", "nach", "aus", "um", "am", "sind",
    "noch", "wie", "vor", "zum", "zur", "über", "aber", "nur", "oder",
    // Spanish, Italian, Portuguese
    "el", "los", "las", "del", "y", "por", "con", "para", "una", "su", "al", "lo", "como",
    "más", "pero", "sus", "es", "fue", "ha", "il", "di", "e", "che", "per", "non", "della",
    "delle", "dei", "degli", "nel", "nella", "alla", "sono", "da", "o", "os", "as", "do",
    "dos", "das", "em", "no", "na", "um", "uma", "com", "não", "ao", "pelo", "pela",
    // Dutch
    "het", "een", "van", "te", "dat", "op", "voor", "zijn", "met", "niet", "aan", "ook",
    "maar", "om", "bij", "door", "naar", "werd", "wordt",
    // Russian, Ukrainian
    "и", "в", "во", "не", "на", "что", "с", "со", "по", "к", "о", "об", "от", "из", "за", "у",
    "для", "это", "как", "а", "но", "он", "она", "они", "его", "ее", "её", "их", "то", "был",
    "была", "были", "было", "также", "при", "до", "после", "уже", "бы", "же", "ли", "і", "й",
    "та", "що", "з", "із", "про", "як", "це", "від", "року", "году",
    // Greek
    "και", "το", "η", "ο", "να", "του", "της", "σε", "την", "με", "για", "από", "που", "τα",
    "στο", "στην", "οι", "είναι", "θα", "των", "τον", "τη", "δεν", "στη", "στα", "ως", "αλλά",
    "μια", "ένα", "τις", "τους", "κατά", "μετά", "ότι", "στις", "στους",
    // Chinese (one character is one word in the index)
    "的", "是", "在", "了", "和", "有", "也", "不", "这", "我", "他", "一", "中", "上", "为", "与", "对", "将",
    "等", "个", "人", "年", "月", "日", "说", "到", "以", "就", "都", "而", "及", "被", "从", "国", "大", "会",
    "要", "时", "来", "们", "地", "出", "于", "之", "其",
    // Arabic
    "في", "من", "على", "إلى", "الى", "عن", "أن", "ان", "مع", "التي", "الذي", "هذا", "هذه", "و",
    "ما", "لا", "كان", "قد", "بين", "إن", "كما", "أو", "وقال", "قال", "بعد", "عام",
    // Hindi
    "के", "का", "की", "में", "है", "और", "से", "को", "पर", "ने", "यह", "कि", "एक", "हैं", "भी",
    "तो", "था", "थे", "लिए", "नहीं", "इस", "वह", "हो", "ही", "गया", "कहा",
];

/// [`COMMON_WORDS`] as the body indexes them.
static COMMON: LazyLock<HashSet<String, FxBuildHasher>> = LazyLock::new(|| {
    let mut analyzer = news_analyzer();
    COMMON_WORDS
        .iter()
        .flat_map(|word| tokens(&mut analyzer, word))
        .collect()
});

/// Whether a body word (as indexed: folded, stemmed) is common: a pair holding it is indexed.
pub fn is_common(word: &str) -> bool {
    COMMON.contains(word)
}

/// The `pairs` term of two adjacent body words.
pub fn pair(first: &str, second: &str) -> String {
    let mut pair = String::with_capacity(first.len() + 1 + second.len());
    pair.push_str(first);
    pair.push(' ');
    pair.push_str(second);
    pair
}

/// Collects the indexed pairs of one body, fed its words (as indexed) in order with their
/// positions: the `pairs` field's text, one pair a line.
#[derive(Default)]
pub struct PairWriter {
    text: String,
    last: String,
    last_position: Option<usize>,
    last_common: bool,
}

impl PairWriter {
    /// Takes the next word, and whether it [`is_common`] (which the writer's stem memo
    /// knows).
    pub fn push(&mut self, word: &str, common: bool, position: usize) {
        let adjacent = self
            .last_position
            .is_some_and(|last| last.wrapping_add(1) == position);
        if adjacent && common && self.last_common {
            self.text.push_str(&self.last);
            self.text.push(' ');
            self.text.push_str(word);
            self.text.push('\n');
        }
        self.last.clear();
        self.last.push_str(word);
        self.last_position = Some(position);
        self.last_common = common;
    }

    /// The pairs, one a line.
    pub fn finish(self) -> String {
        self.text
    }
}

/// The tokenizer of the `pairs` field and of the writer-analyzed body: one token per line,
/// each line one position (an empty line is a position without a word).
#[derive(Clone, Default)]
pub struct LineTokenizer {
    token: Token,
}

pub struct LineStream<'a> {
    lines: std::str::Split<'a, char>,
    offset: usize,
    token: &'a mut Token,
}

impl Tokenizer for LineTokenizer {
    type TokenStream<'a> = LineStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> LineStream<'a> {
        self.token.reset();
        LineStream {
            lines: text.split('\n'),
            offset: 0,
            token: &mut self.token,
        }
    }
}

impl TokenStream for LineStream<'_> {
    fn advance(&mut self) -> bool {
        for line in self.lines.by_ref() {
            let start = self.offset;
            self.offset += line.len() + 1;
            self.token.position = self.token.position.wrapping_add(1);
            if line.is_empty() {
                continue;
            }
            self.token.text.clear();
            self.token.text.push_str(line);
            self.token.offset_from = start;
            self.token.offset_to = start + line.len();
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// A phrase of body words matched through the `pairs` field (see the module docs).
#[derive(Clone, Debug)]
pub struct PairPhraseQuery {
    /// The phrase's words, as body terms.
    words: Vec<Term>,
    /// For each two adjacent words, their `pairs` term if that pair is indexed.
    pairs: Vec<Option<Term>>,
}

impl PairPhraseQuery {
    /// The query for `words` (at least two, as the body indexes them), or `None` when no two
    /// adjacent words of it make an indexed pair (a phrase of rare words: tantivy's phrase
    /// query is as quick).
    pub fn new(body: Field, pairs: Field, words: &[String]) -> Option<Self> {
        if words.len() < 2 {
            return None;
        }
        let indexed: Vec<Option<Term>> = words
            .windows(2)
            .map(|two| {
                (is_common(&two[0]) && is_common(&two[1]))
                    .then(|| Term::from_field_text(pairs, &pair(&two[0], &two[1])))
            })
            .collect();
        indexed.iter().any(Option::is_some).then(|| Self {
            words: words
                .iter()
                .map(|word| Term::from_field_text(body, word))
                .collect(),
            pairs: indexed,
        })
    }
}

impl Query for PairPhraseQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        // As tantivy's phrase weight: BM25 over the words, none when scoring is off.
        let similarity = match enable_scoring {
            EnableScoring::Enabled {
                statistics_provider,
                ..
            } => Some(Bm25Weight::for_terms(statistics_provider, &self.words)?),
            EnableScoring::Disabled { .. } => None,
        };
        Ok(Box::new(PairPhraseWeight {
            query: self.clone(),
            similarity,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for word in &self.words {
            visitor(word, true);
        }
    }
}

struct PairPhraseWeight {
    query: PairPhraseQuery,
    similarity: Option<Bm25Weight>,
}

impl PairPhraseWeight {
    fn pair_scorer(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Option<PairPhraseScorer>> {
        let words = &self.query.words;
        let body = words[0].field();
        let fieldnorms = match &self.similarity {
            Some(_) => reader.fieldnorms_readers().get_field(body)?,
            None => None,
        }
        .unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1));
        let mut drivers = Vec::new();
        for pair in self.query.pairs.iter().flatten() {
            let Some(postings) = reader
                .inverted_index(pair.field())?
                .read_postings(pair, IndexRecordOption::WithFreqs)?
            else {
                return Ok(None);
            };
            drivers.push(postings);
        }
        // A two-word phrase is its pair: the pair's frequency is the phrase count.
        let count_from_pair = words.len() == 2;
        let mut positional = Vec::new();
        if !count_from_pair {
            let body_index = reader.inverted_index(body)?;
            for (n, word) in words.iter().enumerate() {
                let Some(postings) =
                    body_index.read_postings(word, IndexRecordOption::WithFreqsAndPositions)?
                else {
                    return Ok(None);
                };
                // A word no indexed pair covers also narrows the candidates.
                let covered = (n > 0 && self.query.pairs[n - 1].is_some())
                    || self.query.pairs.get(n).is_some_and(Option::is_some);
                if !covered
                    && let Some(driver) =
                        body_index.read_postings(word, IndexRecordOption::Basic)?
                {
                    drivers.push(driver);
                }
                positional.push(postings);
            }
        }
        // The rarest first: it decides the candidates, the others are sought.
        drivers.sort_by_key(DocSet::size_hint);
        let mut scorer = PairPhraseScorer {
            drivers,
            positional,
            count_from_pair,
            similarity: self
                .similarity
                .as_ref()
                .map(|weight| weight.boost_by(boost)),
            fieldnorms,
            doc: 0,
            count: 0,
            left: Vec::new(),
            right: Vec::new(),
        };
        scorer.doc = scorer.align(scorer.drivers[0].doc());
        Ok(Some(scorer))
    }
}

impl Weight for PairPhraseWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.pair_scorer(reader, boost)? {
            Some(scorer) => Box::new(scorer),
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let not_found =
            || tantivy::TantivyError::InvalidArgument(format!("document #{doc} does not match"));
        let mut scorer = self.pair_scorer(reader, 1.0)?.ok_or_else(not_found)?;
        if scorer.seek(doc) != doc {
            return Err(not_found());
        }
        let mut explanation = Explanation::new("Phrase Scorer", scorer.score());
        if let Some(similarity) = &self.similarity {
            explanation
                .add_detail(similarity.explain(scorer.fieldnorms.fieldnorm_id(doc), scorer.count));
        }
        Ok(explanation)
    }
}

struct PairPhraseScorer {
    /// Postings whose intersection holds every match: the indexed pairs, and the words no
    /// pair covers. Never empty (a query has at least one indexed pair).
    drivers: Vec<SegmentPostings>,
    /// Each word's postings with positions, for a phrase the pairs do not count alone.
    positional: Vec<SegmentPostings>,
    count_from_pair: bool,
    similarity: Option<Bm25Weight>,
    fieldnorms: FieldNormReader,
    doc: DocId,
    /// The phrase count in `doc`.
    count: u32,
    left: Vec<u32>,
    right: Vec<u32>,
}

impl PairPhraseScorer {
    /// The first match at or after `target`, or [`TERMINATED`].
    fn align(&mut self, mut target: DocId) -> DocId {
        'candidates: while target != TERMINATED {
            for driver in &mut self.drivers {
                let doc = if driver.doc() < target {
                    driver.seek(target)
                } else {
                    driver.doc()
                };
                if doc > target {
                    target = doc;
                    continue 'candidates;
                }
            }
            self.count = self.phrase_count(target);
            if self.count > 0 {
                return target;
            }
            target += 1;
        }
        TERMINATED
    }

    /// How often the phrase stands in `doc`, which holds every driver.
    fn phrase_count(&mut self, doc: DocId) -> u32 {
        if self.count_from_pair {
            return self.drivers[0].term_freq();
        }
        for (offset, postings) in self.positional.iter_mut().enumerate() {
            let found = if postings.doc() < doc {
                postings.seek(doc)
            } else {
                postings.doc()
            };
            if found != doc {
                return 0;
            }
            if offset == 0 {
                postings.positions(&mut self.left);
                continue;
            }
            postings.positions(&mut self.right);
            // Positions of the phrase's start, where the first words matched: keep those
            // where this word stands `offset` words on.
            let offset = offset as u32;
            let mut right = self
                .right
                .iter()
                .filter_map(|p| p.checked_sub(offset))
                .peekable();
            self.left.retain(|&start| {
                while right.next_if(|&p| p < start).is_some() {}
                right.peek() == Some(&start)
            });
            if self.left.is_empty() {
                return 0;
            }
        }
        self.left.len() as u32
    }
}

impl DocSet for PairPhraseScorer {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            self.doc = self.align(self.doc + 1);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if target > self.doc {
            self.doc = self.align(target);
        }
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.drivers[0].size_hint()
    }
}

impl Scorer for PairPhraseScorer {
    fn score(&mut self) -> Score {
        match &self.similarity {
            Some(similarity) => {
                similarity.score(self.fieldnorms.fieldnorm_id(self.doc), self.count)
            }
            None => 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::tests::article;
    use crate::{ArticleIndex, Config};
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BoostQuery, PhraseQuery};

    const TEXTS: &[&str] = &[
        "The talks on the border went on for the last of the days, and the the end came.",
        "Last on the list: the minister said that the talks were over. Said the minister: no.",
        "For people the choice is clear, for people the cost is high; the people of the city.",
        "Переговоры в Стамбуле продолжатся в среду, и в четверг. Министр сказал, что переговоры в Стамбуле важны.",
        "北京表示欢迎和平协议的签署，这是一个重要的进展。中国的立场是明确的。",
        "Η συμφωνία για την ειρήνη και η συμφωνία για το εμπόριο υπογράφηκαν στην Αθήνα. Η κυβέρνηση είπε ότι η συμφωνία είναι καλή.",
        "Short a b c d e f a b c of the of the of the.",
        "A wordthatistoolongtoindexbecauseitgoesonandonandonandonandonandonandonandonandonandonandonandonandonandonandonandonandonandonandonandonandonandonandon the end of the story.",
        "Le ministre a dit que la paix est proche, et que la paix de la région est la priorité.",
        "Der Minister sagte, dass die Gespräche in der Stadt und in der Region weitergehen.",
    ];

    /// Every run of two to four words of the texts (as the body indexes them), and a few
    /// that stand nowhere.
    fn phrases() -> Vec<Vec<String>> {
        let mut analyzer = news_analyzer();
        let mut phrases: Vec<Vec<String>> = Vec::new();
        for text in TEXTS {
            let words = tokens(&mut analyzer, text);
            for length in 2..=4 {
                for run in words.windows(length) {
                    phrases.push(run.to_vec());
                }
            }
        }
        for absent in [
            "the talks the",
            "of of",
            "в в в",
            "的 的",
            "η η",
            "said the end",
        ] {
            phrases.push(tokens(&mut analyzer, absent));
        }
        phrases.sort();
        phrases.dedup();
        phrases
    }

    /// The pair query must find exactly what tantivy's positional phrase query finds, with
    /// the same scores (boosted or not) and counts, in every language, in an index of several
    /// segments with replaced (deleted) articles in it.
    #[test]
    fn pair_phrases_match_positional_phrases_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let index = ArticleIndex::open(dir.path(), &Config::default()).unwrap();
        let mut writer = index.writer().unwrap();
        for round in 0..3 {
            for (n, text) in TEXTS.iter().enumerate() {
                // Each text several times over, some with others' sentences after them, so
                // that counts and lengths differ; a replaced version leaves a deletion.
                let url = format!("https://a.example/{round}/{n}");
                let body = format!("{text} {}", TEXTS[(n + round) % TEXTS.len()].repeat(round));
                writer.upsert(&article(&url, "Title", text), &[]).unwrap();
                writer.upsert(&article(&url, "Title", &body), &[]).unwrap();
            }
            writer.commit().unwrap();
        }
        drop(writer);
        index.reload().unwrap();
        let searcher = index.reader.searcher();
        assert!(searcher.segment_readers().len() > 1);
        let fields = index.fields;
        let pairs = fields.pairs.unwrap();
        let mut through_pairs = 0;
        for words in phrases() {
            let positional = PhraseQuery::new(
                words
                    .iter()
                    .map(|word| Term::from_field_text(fields.body, word))
                    .collect(),
            );
            let Some(paired) = PairPhraseQuery::new(fields.body, pairs, &words) else {
                assert!(
                    !words
                        .windows(2)
                        .any(|two| is_common(&two[0]) && is_common(&two[1])),
                    "{words:?}"
                );
                continue;
            };
            through_pairs += 1;
            let top = TopDocs::with_limit(1_000).order_by_score();
            let expected = searcher.search(&positional, &top).unwrap();
            assert_eq!(
                searcher.search(&paired, &top).unwrap(),
                expected,
                "{words:?}"
            );
            let boosted = |query: Box<dyn Query>| BoostQuery::new(query, 2.0);
            assert_eq!(
                searcher
                    .search(&boosted(Box::new(paired.clone())), &top)
                    .unwrap(),
                searcher
                    .search(&boosted(Box::new(positional.clone())), &top)
                    .unwrap(),
                "{words:?}"
            );
            assert_eq!(
                searcher.search(&paired, &Count).unwrap(),
                searcher.search(&positional, &Count).unwrap(),
                "{words:?}"
            );
        }
        assert!(through_pairs > 100, "{through_pairs}");
    }

    #[test]
    fn pairs_are_adjacent_words_both_common() {
        let mut writer = PairWriter::default();
        // "talk" and "border" are not common; position 5 is skipped (a word too long to
        // index), so the "of" before it and the "the" after it do not stand together.
        let words = [
            ("the", 0),
            ("talk", 1),
            ("of", 2),
            ("the", 3),
            ("border", 4),
            ("of", 6),
            ("the", 7),
            ("of", 9),
        ];
        for (word, position) in words {
            writer.push(word, is_common(word), position);
        }
        assert_eq!(writer.finish(), "of the\nof the\n");
        assert!(is_common("в") && is_common("的") && is_common("και") && is_common("said"));
        assert!(!is_common("talk") && !is_common("border"));
    }
}
