//! Reference lists and journal abbreviations: science and health news ends with lines such as
//! "Lee H, Kim S, Park J. Title. J Infect Dis. 2021;224(3):412-420.", and quotes journals as
//! "N Engl J Med" or "Proc Natl Acad Sci U S A" in running text. The tagger takes the inverted
//! author names ("Lee H") and the abbreviated journal titles for persons; the extractor asks
//! here which lines are citations and which words are journal-title abbreviations, and drops
//! those mentions.
//!
//! The rules are about the shape of a citation, not about any name: a line is a citation when it
//! has a year and a bibliographic locator (volume and issue, pages, a DOI, "et al.") or several
//! authors written surname-then-initials, beside such an author or an abbreviated title word.

use std::ops::Range;

/// Words that ISO 4 abbreviates in journal titles ("Natl" for National, "Engl" for England) and
/// journal names cited bare, lower case. Left out on purpose: abbreviations that are also
/// given names or surnames ("Ann", "Arch", "Dev", "Mol", "Nat"), which only count beside the
/// others.
const JOURNAL_WORDS: &[&str] = &[
    "acad",
    "adolesc",
    "adv",
    "allergol",
    "anal",
    "anesth",
    "anesthesiol",
    "annu",
    "antimicrob",
    "appl",
    "assoc",
    "behav",
    "biochem",
    "bioinform",
    "biol",
    "biomed",
    "biophys",
    "bmj",
    "br",
    "cardiol",
    "cardiovasc",
    "chem",
    "chemother",
    "clin",
    "commun",
    "comput",
    "crit",
    "curr",
    "cytol",
    "dermatol",
    "diabetol",
    "dis",
    "ecol",
    "econ",
    "econom",
    "educ",
    "emerg",
    "endocrinol",
    "engl",
    "environ",
    "epidemiol",
    "eur",
    "exp",
    "gastroenterol",
    "genet",
    "geriatr",
    "gynecol",
    "haematol",
    "hematol",
    "hepatol",
    "hosp",
    "immunol",
    "immunopathol",
    "infect",
    "intern",
    "investig",
    "jama",
    "lancet",
    "lett",
    "med",
    "metab",
    "microbiol",
    "natl",
    "nephrol",
    "neurol",
    "neurosci",
    "neurosurg",
    "nutr",
    "obes",
    "obstet",
    "oncol",
    "ophthalmol",
    "orthop",
    "otolaryngol",
    "paediatr",
    "pathol",
    "pediatr",
    "pharmacokinet",
    "pharmacol",
    "physiol",
    "plos",
    "pnas",
    "proc",
    "psychiatr",
    "psychol",
    "pulm",
    "radiol",
    "rehabil",
    "reprod",
    "respir",
    "rheumatol",
    "sci",
    "soc",
    "sociol",
    "surg",
    "syst",
    "technol",
    "ther",
    "toxicol",
    "transl",
    "transplant",
    "trop",
    "urol",
    "vasc",
    "virol",
    "zool",
];

/// Whether `tok` (a period at its end allowed) is a journal-title abbreviation or a journal
/// cited by name in reference lists ("Infect", "Natl", "JAMA").
pub(crate) fn is_journal_word(tok: &str) -> bool {
    let word = tok.strip_suffix('.').unwrap_or(tok);
    if word.len() < 2
        || word.len() > 16
        || !word.starts_with(|c: char| c.is_ascii_uppercase())
        || !word.bytes().all(|b| b.is_ascii_alphabetic())
    {
        return false;
    }
    let lower = word.to_ascii_lowercase();
    JOURNAL_WORDS.binary_search(&lower.as_str()).is_ok()
}

/// A word that reads as part of an abbreviated title: a journal word, a single capital ("J",
/// "N", "U"), or a capitalised word of at most four letters without a vowel ("Hlth").
pub(crate) fn is_abbreviation_like(tok: &str) -> bool {
    let word = tok.strip_suffix('.').unwrap_or(tok);
    let mut chars = word.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if !first.is_uppercase() {
        return false;
    }
    let letters = word.chars().count();
    let vowelless = letters <= 4
        && word.chars().all(char::is_alphabetic)
        && !word
            .chars()
            .any(|c| matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u' | 'y'));
    // "Ng" is a surname: a vowel-less word only counts beside a journal word (see the callers).
    letters == 1 || vowelless || is_journal_word(tok)
}

/// Initials as reference lists write them after a surname: one to three capitals, perhaps
/// joined by periods or hyphens ("H", "RL", "J.", "I-C", "A.-K.").
pub(crate) fn is_initials(tok: &str) -> bool {
    let mut letters = 0;
    for c in tok.chars() {
        if c.is_uppercase() {
            letters += 1;
        } else if !matches!(c, '.' | '-' | '\u{2010}') {
            return false;
        }
    }
    (1..=3).contains(&letters)
}

/// The byte ranges of the lines of `text` that read as bibliographic references.
pub(crate) fn citation_lines(text: &str) -> Vec<Range<usize>> {
    let mut lines = Vec::new();
    let mut start = 0;
    for line in text.split('\n') {
        let end = start + line.len();
        if is_citation(line) {
            lines.push(start..end);
        }
        start = end + 1;
    }
    lines
}

/// Whether one line reads as a reference: a year, and either a locator beside an inverted
/// author or a journal word, or several inverted authors.
fn is_citation(line: &str) -> bool {
    // Most lines have no year at all: the cheap test first.
    if !has_year(line.as_bytes()) {
        return false;
    }
    let authors = inverted_authors(line);
    authors >= 2 || (has_locator(line) && (authors >= 1 || has_journal_word(line)))
}

/// A standalone four-digit year from 1800 to 2099.
fn has_year(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let run = &bytes[start..i];
        if run.len() == 4 && matches!(&run[..2], b"18" | b"19" | b"20") {
            return true;
        }
    }
    false
}

/// A bibliographic locator: volume and issue ("224(3)"), a year or volume before a semicolon
/// ("2021;224"), pages after a colon or a volume ("412-420", "590, 123–130"), a DOI, "pp. 12"
/// or "et al".
fn has_locator(line: &str) -> bool {
    let bytes = line.as_bytes();
    let digit_at = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    // The first digit at or after `i`, spaces skipped.
    let skip_spaces = |mut i: usize| {
        while bytes.get(i) == Some(&b' ') {
            i += 1;
        }
        i
    };
    // Whether a page range starts at `i` ("412-420", "5339-48").
    let page_range = |i: usize| {
        let mut j = i;
        while digit_at(j) {
            j += 1;
        }
        if j == i {
            return false;
        }
        let dash = line[j..].chars().next();
        matches!(dash, Some('-' | '\u{2013}')) && digit_at(j + dash.map_or(1, char::len_utf8))
    };
    for (i, &b) in bytes.iter().enumerate() {
        let after_digit = i > 0 && digit_at(i - 1);
        let locator = match b {
            b'(' => {
                after_digit && digit_at(i + 1) && {
                    let mut j = i + 1;
                    while digit_at(j) {
                        j += 1;
                    }
                    bytes.get(j) == Some(&b')')
                }
            }
            b';' => {
                let mut k = i;
                while k > 0 && bytes[k - 1] == b' ' {
                    k -= 1;
                }
                k > 0 && digit_at(k - 1) && digit_at(skip_spaces(i + 1))
            }
            b':' => page_range(skip_spaces(i + 1)),
            b',' => after_digit && page_range(skip_spaces(i + 1)),
            b'd' | b'D' => {
                let rest = &bytes[i..];
                rest.len() >= 4
                    && rest[..3].eq_ignore_ascii_case(b"doi")
                    && matches!(rest[3], b':' | b'.')
            }
            b'e' => bytes[i..].starts_with(b"et al") && (i == 0 || bytes[i - 1] == b' '),
            b'p' => bytes[i..].starts_with(b"pp.") && digit_at(skip_spaces(i + 3)),
            _ => false,
        };
        if locator {
            return true;
        }
    }
    false
}

/// Words after which initials have ended a name ("Okafor C et al", "Longini IM Jr and ...").
fn ends_author(word: &str) -> bool {
    matches!(
        word.trim_end_matches(['.', ',']),
        "et" | "and" | "&" | "Jr" | "Sr"
    )
}

/// Whether initials end the name they follow, as in a reference's author list ("Lee H," or
/// "Park J. Durability of ..."), given the first word after them (`next`, further initials
/// skipped) and the one after that. Not when a surname follows them: "Marcel J. Niekus et al."
/// is a name in the usual order.
pub(crate) fn initials_end_name(next: Option<&str>, after: Option<&str>) -> bool {
    let Some(next) = next else {
        return true;
    };
    if !next.chars().any(char::is_alphanumeric) || ends_author(next) {
        return true;
    }
    if !next.starts_with(char::is_uppercase) {
        return true;
    }
    // A capitalised word after the initials: the title of the work when lower-case words
    // follow it, else the surname of a name written given name first.
    after.is_some_and(|a| a.starts_with(char::is_lowercase) && !ends_author(a))
}

/// How many authors the line writes surname first: a capitalised word followed by initials
/// that end the name ("Lee H,", "Thompson RL.", "Okafor C et al", "Lee, H.").
fn inverted_authors(line: &str) -> usize {
    let mut words = line.split_whitespace();
    let mut window: [Option<&str>; 3] = [words.next(), words.next(), words.next()];
    let mut count = 0;
    while let (Some(surname), Some(initials)) = (window[0], window[1]) {
        let comma = surname.ends_with(',');
        let surname = surname.trim_end_matches(',');
        let capitalised = surname.starts_with(char::is_uppercase)
            && surname.chars().any(char::is_lowercase)
            && surname.chars().nth(1).is_some();
        let core = initials.trim_end_matches([',', '.', ';']);
        // "Lee, H." writes the initials with periods; "Lee H" has no comma between.
        let shape = is_initials(core) && (!comma || initials.contains('.'));
        if capitalised && shape {
            let punctuated = initials.ends_with([',', ';'])
                || (initials.ends_with('.')
                    && core.chars().filter(|c| c.is_uppercase()).count() > 1
                    && !core.contains('.'));
            // Further initials belong to the same name ("J. L. Niekus").
            let mut rest = words.clone();
            let mut next = window[2];
            while next.is_some_and(|w| is_initials(w.trim_end_matches(['.', ',']))) {
                next = rest.next();
            }
            let after = rest.next();
            if punctuated || initials_end_name(next, after) {
                count += 1;
            }
        }
        window = [window[1], window[2], words.next()];
    }
    count
}

/// Whether the line has a journal word ("J Infect Dis": "Infect").
fn has_journal_word(line: &str) -> bool {
    line.split(|c: char| !c.is_ascii_alphabetic())
        .any(is_journal_word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_journal_list_is_sorted_for_binary_search() {
        assert!(JOURNAL_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(is_journal_word("Natl") && is_journal_word("Dis.") && is_journal_word("JAMA"));
        assert!(!is_journal_word("natl") && !is_journal_word("Ann") && !is_journal_word("Lee"));
    }

    #[test]
    fn abbreviations_and_initials() {
        for word in ["J", "U", "A.", "Engl", "Hlth", "Infect"] {
            assert!(is_abbreviation_like(word), "{word}");
        }
        for word in ["Lee", "Ann", "Korea", "j", "Oduya"] {
            assert!(!is_abbreviation_like(word), "{word}");
        }
        for word in ["H", "RL", "J.", "I-C", "A.-K.", "ÉM"] {
            assert!(is_initials(word), "{word}");
        }
        for word in ["Lee", "ABCD", "Hyun-woo", "", "4"] {
            assert!(!is_initials(word), "{word}");
        }
    }

    #[test]
    fn reference_lines_are_citations() {
        for line in [
            "4. Oduya T, Marsh PK, Lindqvist A. Sleep loss in shift workers. Occup Med Rev. 2017;41(2):88-97.",
            "Abara N, Quist E. Soil microbes after drought. Environ Microbiol. 2019; 21: 4410-4421. doi:10.1000/xyz",
            "Vance, R., Okoro, T. & Lind, S. Heat stress in cattle. Vet Rec 190, 311–319 (2022).",
            "Kowalczyk M, Brandt L, Essien D. Night trains revisited. In Transport Futures. 2015.",
        ] {
            assert!(is_citation(line), "{line}");
        }
        let text =
            "Prose first.\nOduya T, Marsh PK. Sleep. J Occup Health. 2017;59:1-9.\nMore prose.";
        let lines = citation_lines(text);
        assert_eq!(lines.len(), 1);
        assert!(text[lines[0].clone()].starts_with("Oduya T"));
    }

    #[test]
    fn initials_end_a_name_written_surname_first_only() {
        // "Oduya T," / "Oduya T et al" / "Marsh PK." / "Marsh P. Sleep loss in ...".
        assert!(initials_end_name(Some(","), Some("Marsh")));
        assert!(initials_end_name(Some("et"), Some("al.")));
        assert!(initials_end_name(Some("."), Some("Sleep")));
        assert!(initials_end_name(Some("Sleep"), Some("loss")));
        assert!(initials_end_name(None, None));
        // "Ingrid B. Halvorsen et al.", "by Ingrid B. Halvorsen".
        assert!(!initials_end_name(Some("Halvorsen"), Some("et")));
        assert!(!initials_end_name(Some("Halvorsen"), None));
        assert_eq!(
            inverted_authors("Ingrid B. Halvorsen et al. Birch tar (2021)."),
            0
        );
        assert_eq!(inverted_authors("Oduya T, Marsh PK. Sleep loss."), 2);
        assert_eq!(
            inverted_authors("Haldane, R., Quispe, T. & Lindgren, S. Cold chains"),
            3
        );
    }

    #[test]
    fn news_prose_with_years_and_numbers_is_not_a_citation() {
        for line in [
            "Dr Lee Hyun-woo said the 2021 trial, which enrolled 1,200 patients, was encouraging.",
            "Oduya et al. (2017) found that night shifts cut sleep by 90 minutes.",
            "The Sharks beat the Eagles 3-1 on Saturday, their first win since March 2019.",
            "In 2019, the ratio was 3:2 and prices rose 4% (from 120 to 125) by April.",
            "Vance H. Okoro, 54, was elected in 2022; he takes office in May.",
        ] {
            assert!(!is_citation(line), "{line}");
        }
    }
}
