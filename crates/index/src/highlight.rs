//! Snippets and highlights: finds what the query matched in a text (through the same
//! analyzer as the index, so "talks" lights up for "talk" and "Zelenskyý" for "zelenskyy"),
//! marks a phrase as one range, and cuts the passage with the most distinct matches.
//!
//! tantivy's `SnippetGenerator` highlights each word of a phrase wherever it occurs ("the"
//! everywhere) and cannot be given person mentions, hence this module.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;

use tantivy::tokenizer::TextAnalyzer;

use crate::dedup::Fnv;
use crate::schema::folded_analyzer;
use crate::stemmer::StemMemo;

/// Words too common to be worth lighting up on their own: "of" and "the" in a query for
/// `coalition of the willing` are highlighted where the words stand together, not everywhere.
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "in",
    "is", "it", "its", "of", "on", "or", "that", "the", "their", "this", "to", "was", "were",
    "will", "with",
];

/// What to look for in one field's text: analyzed terms and phrases (analyzed token runs).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Matchers {
    pub terms: HashSet<String>,
    pub phrases: Vec<Vec<String>>,
    /// Stopwords asked for alone: highlighted only when nothing else is.
    pub weak: HashSet<String>,
}

impl Matchers {
    pub fn add(&mut self, mut tokens: Vec<String>) {
        if tokens.len() > 1 {
            if !self.phrases.contains(&tokens) {
                self.phrases.push(tokens);
            }
        } else if let Some(term) = tokens.pop() {
            if STOPWORDS.contains(&term.as_str()) {
                self.weak.insert(term);
            } else {
                self.terms.insert(term);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.phrases.is_empty() && self.weak.is_empty()
    }
}

/// One matched range of a text, and which matcher it came from (for "distinct matches").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    /// Distinct per term, phrase or person.
    pub key: usize,
    pub weight: u32,
}

/// The analyzers the highlighter reads texts with: folded words, stemmed (through a memo)
/// only when they could match. Kept by the index across searches for the stems it knows.
#[derive(Clone)]
pub struct Highlighter {
    folded: TextAnalyzer,
    stems: StemMemo,
}

impl Default for Highlighter {
    fn default() -> Self {
        Self {
            folded: folded_analyzer(),
            stems: StemMemo::default(),
        }
    }
}

/// Every match of `matchers` (stemmed words, as title and body are indexed) in `text`, by
/// byte range, in text order; overlapping ranges (a term inside a matched phrase) are merged.
pub fn find(highlighter: &mut Highlighter, matchers: &Matchers, text: &str) -> Vec<Hit> {
    if matchers.is_empty() {
        return Vec::new();
    }
    let terms = if matchers.terms.is_empty() && matchers.phrases.is_empty() {
        &matchers.weak
    } else {
        &matchers.terms
    };
    // Every word of interest gets a number: terms first (their number is their key), then
    // the words of phrases.
    let mut numbers: HashMap<&str, usize, BuildHasherDefault<Fnv>> = terms
        .iter()
        .enumerate()
        .map(|(key, term)| (term.as_str(), key))
        .collect();
    let phrases: Vec<Vec<usize>> = matchers
        .phrases
        .iter()
        .map(|phrase| {
            phrase
                .iter()
                .map(|word| {
                    let next = numbers.len();
                    *numbers.entry(word.as_str()).or_insert(next)
                })
                .collect()
        })
        .collect();
    // A stem starts with its word's first letter, so most words need no stemming at all.
    let mut first_bytes = [false; 256];
    for word in numbers.keys() {
        if let Some(&byte) = word.as_bytes().first() {
            first_bytes[usize::from(byte)] = true;
        }
    }
    // (start, end, position, word number) of every token, without copying its text.
    let mut tokens: Vec<(usize, usize, usize, Option<usize>)> = Vec::new();
    let Highlighter { folded, stems } = highlighter;
    let mut stream = folded.token_stream(text);
    while let Some(token) = stream.next() {
        let number = match token.text.as_bytes().first() {
            Some(&byte) if first_bytes[usize::from(byte)] => {
                numbers.get(stems.stem(&token.text)).copied()
            }
            _ => None,
        };
        tokens.push((token.offset_from, token.offset_to, token.position, number));
    }
    let mut hits = Vec::new();
    for (i, &(start, end, position, number)) in tokens.iter().enumerate() {
        let Some(number) = number else {
            continue;
        };
        if number < terms.len() {
            hits.push(Hit {
                start,
                end,
                key: number,
                weight: 1,
            });
        }
        for (p, phrase) in phrases.iter().enumerate() {
            let matched = phrase.iter().enumerate().all(|(offset, word)| {
                tokens.get(i + offset).is_some_and(|&(_, _, pos, number)| {
                    pos == position + offset && number == Some(*word)
                })
            });
            if matched {
                let (_, last_end, _, _) = tokens[i + phrase.len() - 1];
                hits.push(Hit {
                    start,
                    end: last_end,
                    key: terms.len() + p,
                    weight: u32::try_from(phrase.len()).unwrap_or(u32::MAX),
                });
            }
        }
    }
    merge(hits)
}

/// Sorts hits and merges overlapping ones into the heavier.
pub fn merge(mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_by_key(|hit| (hit.start, std::cmp::Reverse(hit.end)));
    let mut merged: Vec<Hit> = Vec::with_capacity(hits.len());
    for hit in hits {
        match merged.last_mut() {
            Some(last) if hit.start < last.end => {
                if hit.weight > last.weight {
                    last.key = hit.key;
                    last.weight = hit.weight;
                }
                last.end = last.end.max(hit.end);
            }
            _ => merged.push(hit),
        }
    }
    merged
}

/// A passage of a text with its highlighted byte ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    pub text: String,
    pub highlights: Vec<(usize, usize)>,
}

/// The passage of about `max_chars` characters with the most distinct matches (ties: the
/// earliest), cut at word boundaries, whitespace collapsed, `…` where it was cut. With no
/// matches, the start of the text.
pub fn snippet(text: &str, hits: &[Hit], max_chars: usize) -> Snippet {
    let max_bytes = byte_budget(text, max_chars);
    let Some((first, last)) = best_window(hits, max_bytes) else {
        return cut(text, 0, max_bytes, 0, &[]);
    };
    let (span_start, span_end) = (hits[first].start, hits[last].end);
    // Centre the matches, but prefer starting at the beginning of their sentence when it
    // is close enough to keep them all in view.
    let slack = max_bytes.saturating_sub(span_end - span_start);
    // Byte arithmetic lands anywhere, also inside a Cyrillic or Devanagari character: every
    // computed offset is moved to a character boundary before the text is sliced with it.
    let mut start = ceil_char(text, span_start.saturating_sub(slack / 3));
    if let Some(sentence) = sentence_start(text, span_start)
        && span_start - sentence <= slack
    {
        start = sentence;
    }
    let start = word_start(text, start, span_start);
    let end = start
        .saturating_add(max_bytes)
        .max(span_end)
        .min(text.len());
    cut(text, start, end, span_end, hits)
}

/// Bytes that `max_chars` characters of this text take, on average.
fn byte_budget(text: &str, max_chars: usize) -> usize {
    let chars = text.chars().count().max(1);
    (max_chars * text.len()).div_ceil(chars).max(max_chars)
}

/// The run of hits (first and last index) within `max_bytes` with the best score: distinct
/// matches count by weight, repeats a little.
fn best_window(hits: &[Hit], max_bytes: usize) -> Option<(usize, usize)> {
    let mut best: Option<(u32, usize, usize)> = None;
    // Long texts can match hundreds of times; the passage is found among the first ones.
    let hits = &hits[..hits.len().min(512)];
    for first in 0..hits.len() {
        let mut seen = HashSet::new();
        let mut score = 0u32;
        let mut last = first;
        for (j, hit) in hits.iter().enumerate().skip(first) {
            if hit.end - hits[first].start > max_bytes {
                break;
            }
            score += if seen.insert(hit.key) {
                hit.weight * 10
            } else {
                1
            };
            last = j;
        }
        if best.is_none_or(|(s, _, _)| score > s) {
            best = Some((score, first, last));
        }
    }
    best.map(|(_, first, last)| (first, last))
}

/// The start of the sentence containing `at`, if one starts within the text.
fn sentence_start(text: &str, at: usize) -> Option<usize> {
    let before = &text[..floor_char(text, at)];
    let boundary = before
        .char_indices()
        .rev()
        .find(|&(i, c)| {
            (c == '\n')
                || (matches!(c, '.' | '!' | '?')
                    && before[i + c.len_utf8()..].starts_with(char::is_whitespace))
        })
        .map_or(0, |(i, c)| i + c.len_utf8());
    let rest = &text[boundary..before.len()];
    Some(boundary + rest.len() - rest.trim_start().len())
}

/// `at` moved forward to the start of a word, but never past `limit`.
fn word_start(text: &str, at: usize, limit: usize) -> usize {
    let limit = floor_char(text, limit);
    let at = ceil_char(text, at).min(limit);
    if at == 0 || text[..at].ends_with(char::is_whitespace) {
        return at;
    }
    text[at..limit]
        .char_indices()
        .find(|(_, c)| c.is_whitespace())
        .map_or(limit, |(i, c)| at + i + c.len_utf8())
}

/// `text[start..end]` cut back to a word boundary (but not before `keep`), whitespace
/// collapsed, with ellipses where text was left out, and the hits inside it moved into it.
fn cut(text: &str, start: usize, end: usize, keep: usize, hits: &[Hit]) -> Snippet {
    let start = ceil_char(text, start);
    let mut end = floor_char(text, end).max(start);
    let keep = ceil_char(text, keep.clamp(start, end)).min(end);
    if end < text.len()
        && let Some(space) = text[keep..end].rfind(char::is_whitespace)
    {
        end = keep + space;
    }
    let hits: Vec<&Hit> = hits
        .iter()
        .filter(|hit| hit.start >= start && hit.end <= end)
        .collect();
    let mut out = String::with_capacity(end - start + 8);
    if start > 0 {
        out.push('…');
    }
    let mut highlights = Vec::with_capacity(hits.len());
    let mut hits = hits.into_iter().peekable();
    let mut open: Option<usize> = None;
    let mut pending_space = false;
    for (offset, c) in text[start..end].char_indices() {
        let at = start + offset;
        if let Some(hit) = hits.peek()
            && hit.start == at
        {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            open = Some(out.len());
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty() && !out.ends_with('…');
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
        if let (Some(from), Some(hit)) = (open, hits.peek())
            && at + c.len_utf8() == hit.end
        {
            highlights.push((from, out.len()));
            open = None;
            hits.next();
        }
    }
    if end < text.len() {
        out.push('…');
    }
    Snippet {
        text: out,
        highlights,
    }
}

/// `at` (clamped to the text) moved back to the start of the character it falls in.
fn floor_char(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// `at` (clamped to the text) moved forward to the end of the character it falls in.
fn ceil_char(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// The snippet with `<b>` around its highlights, HTML-escaped.
pub fn to_html(text: &str, highlights: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(text.len() + highlights.len() * 7);
    let mut last = 0;
    for &(start, end) in highlights {
        // The ranges are the caller's: skip any that would not slice this text.
        if start < last
            || start > end
            || end > text.len()
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
        {
            continue;
        }
        escape_into(&mut out, &text[last..start]);
        out.push_str("<b>");
        escape_into(&mut out, &text[start..end]);
        out.push_str("</b>");
        last = end;
    }
    escape_into(&mut out, &text[last..]);
    out
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{news_analyzer, tokens};

    fn matchers(terms: &[&str], phrases: &[&str]) -> Matchers {
        let mut news = news_analyzer();
        let mut m = Matchers::default();
        for term in terms {
            m.add(tokens(&mut news, term));
        }
        for phrase in phrases {
            m.add(tokens(&mut news, phrase));
        }
        m
    }

    fn marked(text: &str, m: &Matchers, max_chars: usize) -> String {
        let hits = find(&mut Highlighter::default(), m, text);
        let s = snippet(text, &hits, max_chars);
        let mut out = s.text.clone();
        for &(start, end) in s.highlights.iter().rev() {
            out.insert(end, ']');
            out.insert(start, '[');
        }
        out
    }

    #[test]
    fn stemmed_and_folded_matches_are_highlighted_as_written() {
        let m = matchers(&["talk", "zelenskyy"], &[]);
        assert_eq!(
            marked("Peace talks: ZELENSKYÝ Talked of hope.", &m, 200),
            "Peace [talks]: [ZELENSKYÝ] [Talked] of hope."
        );
    }

    #[test]
    fn a_phrase_is_one_highlight_and_its_words_alone_are_not() {
        let m = matchers(&[], &["coalition of the willing"]);
        assert_eq!(
            marked(
                "The leaders of the Coalition of the Willing met; the coalition grew.",
                &m,
                200
            ),
            "The leaders of the [Coalition of the Willing] met; the coalition grew."
        );
    }

    #[test]
    fn the_passage_with_most_distinct_matches_wins_and_is_cut_at_words() {
        let filler = "Nothing to see in this sentence at all. ".repeat(10);
        let text = format!(
            "{filler}The budget was late. {filler}The budget vote on tax was close and the tax rise passed. {filler}"
        );
        let m = matchers(&["budget", "tax"], &[]);
        let out = marked(&text, &m, 80);
        assert!(out.starts_with("…The [budget] vote on [tax]"), "{out}");
        assert!(out.ends_with('…'));
        assert!(out.chars().count() <= 90, "{out}");
    }

    #[test]
    fn no_match_gives_the_lead_and_whitespace_is_collapsed() {
        let s = snippet("First  line\n\nsecond line and more words", &[], 20);
        assert_eq!(s.text, "First line second…");
        assert!(s.highlights.is_empty());
    }

    /// Regression (issue 10, item 1): the window around a match in Russian, Greek or Hindi
    /// text started inside a multi-byte character and `search` panicked with "byte index is
    /// not a char boundary". Every match position and window size must give a snippet.
    #[test]
    fn snippets_of_non_latin_text_never_cut_inside_a_character() {
        let texts = [
            "Владимир Зеленский заявил, что переговоры в Стамбуле продолжатся на следующей неделе. \
             Делегации обсудили обмен пленными. По словам министра, стороны договорились о \
             прекращении огня на ограниченный срок, и переговоры продолжатся.",
            "Ο πρωθυπουργός δήλωσε ότι οι διαπραγματεύσεις στην Αθήνα θα συνεχιστούν την επόμενη \
             εβδομάδα, ενώ οι αντιπροσωπείες συζήτησαν την ανταλλαγή αιχμαλώτων.",
            "प्रधानमंत्री ने कहा कि दिल्ली में बातचीत अगले सप्ताह जारी रहेगी। प्रतिनिधिमंडलों ने कैदियों की \
             अदला-बदली पर चर्चा की और बातचीत सकारात्मक रही।",
            "外交部发言人在北京举行的新闻发布会上表示，双方将继续就贸易问题进行磋商。北京 会谈 继续。",
        ];
        let mut folded = folded_analyzer();
        for text in texts {
            let words = tokens(&mut folded, text);
            for word in &words {
                let m = matchers(&[word], &[]);
                let hits = find(&mut Highlighter::default(), &m, text);
                for max_chars in [1, 5, 17, 40, 80, 150, 220, 1000] {
                    let s = snippet(text, &hits, max_chars);
                    for &(start, end) in &s.highlights {
                        assert!(s.text.is_char_boundary(start) && s.text.is_char_boundary(end));
                    }
                    to_html(&s.text, &s.highlights);
                }
            }
        }
    }

    #[test]
    fn html_of_ranges_that_are_not_the_texts_is_still_safe() {
        // `to_html` is public: ranges out of order, reversed, out of bounds or inside a
        // character are skipped rather than sliced.
        let text = "Зеленский <b>";
        assert_eq!(
            to_html(text, &[(1, 3), (4, 2), (0, 999)]),
            "Зеленский &lt;b&gt;"
        );
        assert_eq!(to_html(text, &[(0, 2)]), "<b>З</b>еленский &lt;b&gt;");
    }

    #[test]
    fn html_is_escaped_and_bolded() {
        assert_eq!(
            to_html("a <b> & c", &[(0, 1), (8, 9)]),
            "<b>a</b> &lt;b&gt; &amp; <b>c</b>"
        );
    }
}
