//! People credited as a page's authors: bylines split into names ("By Jane Doe and John
//! Smith, Political Reporter" -> Jane Doe, John Smith), with "By", dates, job titles, degrees,
//! desks and non-author credits ("Edited by", "Photos by") left out, and agencies kept.

use crate::dom::{Doc, flag};
use crate::meta::clean_text;

/// The numbers of byline reading, by phase.
mod tuning {
    /// Splitting: a name longer than this many bytes is a sentence or a whole box, not a name.
    pub(super) const MAX_NAME_BYTES: usize = 80;
    /// A person's or agency's name is at most this many words ("Maria Clara dos Santos Lima").
    pub(super) const MAX_NAME_WORDS: usize = 5;
    /// A one-word "name" longer than this with a dot inside is a domain ("blog.example.com");
    /// shorter ones are initials or agencies ("A.B.", "n.tv").
    pub(super) const MAX_DOTTED_NAME_BYTES: usize = 4;
    /// More digits than this and a credit is a phone number, a date or an address, not a role.
    pub(super) const MAX_ROLE_DIGITS: usize = 3;
    /// "Surname, Given" (a bibliographic citation) has one to this many given names.
    pub(super) const MAX_GIVEN_NAMES: usize = 3;
    /// A name of two words or more in capitals, with at least this many letters, is shouted
    /// ("GILLIAN MOHNEY") and title-cased; shorter ones are agencies ("AP", "AFP") and stay
    /// as they are.
    pub(super) const MIN_SHOUTED_LETTERS: usize = 6;
    /// A byline box holding more than this many characters is a page or article container
    /// whose class mentions an author: the bylines inside it are read one by one instead.
    pub(super) const MAX_BOX_CHARS: usize = 300;
}

/// The last this many of [`AUTHOR_LEADS`] join names ("with", "and") rather than open a
/// byline: a line starting with one is not a byline by that alone.
const JOINING_LEADS: usize = 5;

/// Words that introduce the authors; stripped.
const AUTHOR_LEADS: &[&str] = &[
    "by ",
    "by: ",
    "von ",
    "par ",
    "por ",
    "di ",
    "door ",
    "av ",
    "autor: ",
    "autorin: ",
    "author: ",
    "authors: ",
    "posted by ",
    "written by ",
    "words by ",
    "story by ",
    "report by ",
    "reporting by ",
    "additional reporting by ",
    "text: ",
    "texte: ",
    "texto: ",
    "tekst: ",
    "avec ",
    "with ",
    "mit ",
    "con ",
    "and ",
];

/// Words that introduce people credited for something other than the writing; such a
/// line or part names no author.
const OTHER_CREDITS: &[&str] = &[
    "edited by",
    "editing by",
    "editor:",
    "reviewed by",
    "medically reviewed by",
    "fact-checked by",
    "fact checked by",
    "photos by",
    "photo by",
    "photographs by",
    "photography by",
    "pictures by",
    "illustration by",
    "illustrations by",
    "graphics by",
    "video by",
    "translated by",
    "translation by",
    "produced by",
    "updated by",
    "redaktion:",
    "bearbeitet von",
    "foto:",
    "fotos:",
    "bild:",
];

/// Academic and professional degrees written after a name ("Brenda Goodman, MA").
const DEGREES: &[&str] = &[
    "ma", "ms", "msc", "mba", "mph", "bsc", "ba", "phd", "md", "do", "rn", "np", "jd", "llm",
    "dds", "dvm", "facp", "cpa",
];

/// Splits an author value the page declares (JSON-LD, meta tags) into people. Its wording is
/// trusted: only the shape of a name is checked, not the site-chrome words.
pub(crate) fn declared_people(value: &str) -> Vec<String> {
    people(value, false).names
}

/// The people a byline names, and how many of its parts were site chrome ("Sign in",
/// "Follow"): a box made mostly of chrome is an account widget, not a byline.
struct People {
    names: Vec<String>,
    chrome: usize,
}

/// A bibliographic creator ("Jong, Michiel de", "Kooman, F.") as a name in reading order;
/// other values as [`declared_people`].
pub(crate) fn bibliographic_people(value: &str) -> Vec<String> {
    let value = clean_text(value);
    if let Some((surname, given)) = value.split_once(',') {
        let (surname, given) = (surname.trim(), given.trim());
        let single_pair = !given.contains([',', ';', '&'])
            && !surname.contains(char::is_whitespace)
            && (1..=tuning::MAX_GIVEN_NAMES).contains(&given.split_whitespace().count())
            && !is_role(given)
            && !given.to_lowercase().contains(" and ");
        if single_pair && !surname.is_empty() {
            return declared_people(&format!("{given} {surname}"));
        }
    }
    declared_people(&value)
}

/// Strips the words that introduce authors; `None` when the text credits something else.
fn strip_lead(text: &str) -> Option<&str> {
    let mut rest = text
        .trim()
        .trim_start_matches(['-', '–', '—', '|', ':', ',', '•', '·'])
        .trim_start();
    loop {
        let lower = rest.to_lowercase();
        if OTHER_CREDITS.iter().any(|c| lower.starts_with(c)) {
            return None;
        }
        if lower == "by" {
            return Some("");
        }
        let Some(lead) = AUTHOR_LEADS.iter().find(|p| lower.starts_with(*p)) else {
            return Some(rest);
        };
        // The lead is ASCII, so its length in the lower-cased text is its length here.
        rest = rest.get(lead.len()..).unwrap_or("").trim_start();
    }
}

/// Whether a line starts with a word that introduces authors ("By", "Von", "Written by").
fn has_lead(line: &str) -> bool {
    let lower = line.trim_start().to_lowercase();
    lower == "by"
        || AUTHOR_LEADS[..AUTHOR_LEADS.len() - JOINING_LEADS]
            .iter()
            .any(|lead| lower.starts_with(lead))
}

fn people(byline: &str, strict: bool) -> People {
    // (name, is a desk: one word left once a job title was cut, "WebMD" of "WebMD Health News")
    let mut found: Vec<(String, bool)> = Vec::new();
    let mut chrome = 0;
    let separators = [
        " and ", " & ", " und ", " et ", " y ", " i ", " e ", " og ", " en ", ";", "|", ",", "/",
        " · ", " • ",
    ];
    let lines: Vec<&str> = byline.split('\n').collect();
    // Lines above the one that says "By" are labels (a section name, a kicker).
    let first = lines.iter().position(|l| has_lead(l)).unwrap_or(0);
    for line in &lines[first..] {
        // "Jane Doe (with John Smith)": the brackets separate people.
        let line = clean_text(&line.replace(['(', ')', '[', ']'], ","));
        let Some(rest) = strip_lead(&line) else {
            continue;
        };
        let mut parts = vec![rest.to_owned()];
        for sep in separators {
            parts = parts
                .iter()
                .flat_map(|p| p.split(sep).map(str::to_owned).collect::<Vec<_>>())
                .collect();
        }
        for part in parts {
            let Some(part) = strip_lead(&part) else {
                continue;
            };
            let part = cut_at_date(part);
            let name = part
                .trim()
                .trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != '\'')
                .trim();
            if name.is_empty() || name.len() > tuning::MAX_NAME_BYTES {
                continue;
            }
            if strict && is_chrome(name) {
                chrome += 1;
                continue;
            }
            if !looks_like_name(name) {
                continue;
            }
            if is_role(name) || DEGREES.contains(&name.replace('.', "").to_lowercase().as_str()) {
                continue;
            }
            let stripped = strip_trailing_role(name);
            let desk = stripped != name && !stripped.contains(' ');
            let name = title_case_shouted(&stripped);
            if !name.is_empty()
                && name.chars().any(char::is_alphabetic)
                && !found.iter().any(|(p, _)| p.eq_ignore_ascii_case(&name))
            {
                found.push((name, desk));
            }
        }
    }
    // A desk after a person is their employer, not a second author.
    if found.iter().any(|(_, desk)| !desk) {
        found.retain(|(_, desk)| !desk);
    }
    People {
        names: found.into_iter().map(|(name, _)| name).collect(),
        chrome,
    }
}

/// "GILLIAN MOHNEY" -> "Gillian Mohney"; names in mixed case and short agency names ("AP",
/// "AFP") are left alone.
fn title_case_shouted(name: &str) -> String {
    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
    let shouted = name.split_whitespace().count() >= 2
        && letters >= tuning::MIN_SHOUTED_LETTERS
        && !name.chars().any(char::is_lowercase)
        && name.chars().any(char::is_uppercase);
    if !shouted {
        return name.to_owned();
    }
    let mut out = String::with_capacity(name.len());
    let mut start = true;
    for c in name.chars() {
        if start {
            out.push(c);
        } else {
            out.extend(c.to_lowercase());
        }
        start = matches!(c, ' ' | '-' | '\'' | '’');
    }
    out
}

/// Cuts a byline part where a date or time begins ("Dan Goodin - Apr 16", "Jane Doe • 8h").
fn cut_at_date(part: &str) -> String {
    const MONTHS: &[&str] = &[
        "jan",
        "feb",
        "mar",
        "apr",
        "may",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "updated",
        "published",
        "posted",
    ];
    let words: Vec<&str> = part.split_whitespace().collect();
    let mut kept = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let bare = word
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        // "Jan", "May" and "June" are names too: a month starts a date only before a number.
        let month = MONTHS.contains(&bare.as_str())
            && words
                .get(i + 1)
                .is_none_or(|next| next.chars().any(|c| c.is_ascii_digit()));
        if ["•", "-", "–", "—", "|", "·"].contains(word)
            || bare.chars().any(|c| c.is_ascii_digit())
            || month
        {
            break;
        }
        kept.push(*word);
    }
    kept.join(" ")
}

/// Whether a byline part is a word of site chrome ("Sign in", "Follow", "Show menu").
fn is_chrome(part: &str) -> bool {
    const CHROME: &[&str] = &[
        "sign",
        "subscribe",
        "menu",
        "log",
        "login",
        "share",
        "follow",
        "comments",
        "home",
        "search",
        "newsletter",
        "more",
        "view",
        "show",
        "name",
    ];
    part.split_whitespace()
        .any(|w| CHROME.contains(&w.to_lowercase().as_str()))
}

/// A person's or agency's name: one to five words, mostly capitalised (scripts without case
/// count as capitalised), no domain names.
fn looks_like_name(name: &str) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.is_empty() || words.len() > tuning::MAX_NAME_WORDS {
        return false;
    }
    // Domains ("blog.example.com") are not people.
    if words.len() == 1
        && words[0].matches('.').count() >= 1
        && words[0].len() > tuning::MAX_DOTTED_NAME_BYTES
        && !words[0].ends_with('.')
    {
        return false;
    }
    let capitalised = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(|c| !c.is_lowercase()))
        .count();
    capitalised * 2 >= words.len()
}

/// Job titles and desk names that follow a name in bylines.
const ROLE_WORDS: &[&str] = &[
    "reporter",
    "correspondent",
    "editor",
    "writer",
    "columnist",
    "journalist",
    "staff",
    "contributor",
    "producer",
    "analyst",
    "contributing",
    "critic",
    "photographer",
    "chief",
    "senior",
    "deputy",
    "political",
    "politics",
    "business",
    "sports",
    "news",
    "desk",
    "digital",
    "online",
    "associate",
    "assistant",
    "managing",
    "executive",
    "special",
    "foreign",
    "economics",
    "science",
    "technology",
    "health",
    "education",
    "environment",
    "arts",
    "culture",
    "features",
    "redakteur",
    "redakteurin",
    "korrespondent",
    "korrespondentin",
    "autor",
    "autorin",
    "redakcja",
    "dziennikarz",
];

fn is_role(s: &str) -> bool {
    let words: Vec<String> = s.split_whitespace().map(str::to_lowercase).collect();
    !words.is_empty()
        && words.iter().all(|w| {
            ROLE_WORDS.contains(&w.trim_matches(|c: char| !c.is_alphanumeric()))
                || w == "of"
                || w == "the"
                || w == "for"
                || w == "at"
        })
        || s.contains('@')
        || s.starts_with("http")
        || s.chars().filter(|c| c.is_ascii_digit()).count() > tuning::MAX_ROLE_DIGITS
}

/// "Sophie Huskisson Political Reporter" -> "Sophie Huskisson".
fn strip_trailing_role(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let mut end = words.len();
    while end > 1
        && ROLE_WORDS.contains(
            &words[end - 1]
                .to_lowercase()
                .trim_matches(|c: char| !c.is_alphanumeric()),
        )
    {
        end -= 1;
        while end > 1
            && ["of", "the", "for", "at"].contains(&words[end - 1].to_lowercase().as_str())
        {
            end -= 1;
        }
    }
    words[..end].join(" ")
}

/// The authors named by the page's first byline that names someone (`rel=author`,
/// `itemprop=author`, class `byline` or `author`), outside comments and teaser lists. Later
/// bylines belong to teasers and comments. Within a byline box, the innermost byline
/// elements (`itemprop=name` inside `itemprop=author`, one `rel=author` link per author)
/// say it more precisely than the box, whose other lines are labels and dates.
pub(crate) fn markup_authors(doc: &Doc) -> Vec<String> {
    let mut bylines: Vec<&(u32, String)> = doc.head.bylines.iter().collect();
    bylines.sort_by_key(|(elem, _)| *elem);
    let elsewhere = flag::COMMENTS | flag::RELATED;
    let elsewhere_at = |elem: u32| {
        doc.elems[elem as usize].has(elsewhere)
            || doc
                .ancestors(elem)
                .any(|a| doc.elems[a as usize].has(elsewhere))
    };
    let mut i = 0;
    while i < bylines.len() {
        let (outer, text) = bylines[i];
        // The box and the bylines inside it, which follow it in document order.
        let mut j = i + 1;
        while j < bylines.len() && doc.contains(*outer, bylines[j].0) {
            j += 1;
        }
        let chars = text.chars().count();
        // A long "byline" is a page or article container whose class mentions an author:
        // the bylines inside it are read one by one.
        if chars == 0 || chars > tuning::MAX_BOX_CHARS {
            i += 1;
            continue;
        }
        let group = &bylines[i..j];
        i = j;
        if elsewhere_at(*outer) {
            continue;
        }
        let leaves: Vec<&str> = group
            .iter()
            .enumerate()
            .filter(|(k, (elem, _))| {
                group
                    .get(k + 1)
                    .is_none_or(|(next, _)| !doc.contains(*elem, *next))
            })
            .map(|(_, (_, t))| t.as_str())
            .collect();
        for candidate in [leaves.join("\n"), text.clone()] {
            let found = people(&candidate, true);
            if !found.names.is_empty() && found.chrome < found.names.len() {
                return found.names;
            }
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_people(byline: &str) -> Vec<String> {
        people(byline, true).names
    }

    #[test]
    fn people_from_bylines() {
        assert_eq!(
            split_people("By Jane Doe and John Smith"),
            vec!["Jane Doe", "John Smith"]
        );
        assert_eq!(
            split_people("By Sophie Huskisson, Political Reporter"),
            vec!["Sophie Huskisson"]
        );
        assert_eq!(
            split_people("Sophie Huskisson Political Reporter"),
            vec!["Sophie Huskisson"]
        );
        assert_eq!(split_people("Reuters"), vec!["Reuters"]);
        assert_eq!(split_people("By AP and Reuters"), vec!["AP", "Reuters"]);
        assert_eq!(
            split_people("Von Anna Müller und Jan Nowak"),
            vec!["Anna Müller", "Jan Nowak"]
        );
    }

    #[test]
    fn job_titles_degrees_desks_and_other_credits_are_not_authors() {
        assert_eq!(
            split_people("By Brenda Goodman, MA\nWebMD Health News"),
            vec!["Brenda Goodman"]
        );
        assert_eq!(
            split_people("Ben Silverman\nGames Editor"),
            vec!["Ben Silverman"]
        );
        assert_eq!(
            split_people("Written by Rob Ewaschuk\nEdited by Betsy Beyer"),
            vec!["Rob Ewaschuk"]
        );
        assert_eq!(
            split_people("Par Martin Untersinger (avec Damien Leloup et Morgane Tual)"),
            vec!["Martin Untersinger", "Damien Leloup", "Morgane Tual"]
        );
        assert_eq!(
            split_people("By GILLIAN MOHNEY March 11, 2015 3:46 PM"),
            vec!["Gillian Mohney"]
        );
        assert_eq!(
            split_people("Nicolas Perriault —"),
            vec!["Nicolas Perriault"]
        );
        // A desk alone is the author (an agency or a newsroom).
        assert_eq!(split_people("BBC News"), vec!["BBC"]);
    }

    #[test]
    fn declared_and_bibliographic_authors() {
        assert_eq!(declared_people("肖春芳"), vec!["肖春芳"]);
        assert_eq!(declared_people("Creator Name"), vec!["Creator Name"]);
        assert!(split_people("Your Name").is_empty());
        assert_eq!(
            split_people("Tech Industry\nby Steven Musil"),
            vec!["Steven Musil"]
        );
        assert_eq!(
            bibliographic_people("Jong, Michiel de"),
            vec!["Michiel de Jong"]
        );
        assert_eq!(bibliographic_people("Kooman, F."), vec!["F. Kooman"]);
        assert_eq!(
            bibliographic_people("Jane Doe, John Smith"),
            vec!["Jane Doe", "John Smith"]
        );
    }
}
