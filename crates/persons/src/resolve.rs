//! Within-document resolution: groups the name mentions of one text into persons ("Keir
//! Starmer", "Starmer", "Sir Keir" are one) and picks each person's canonical name.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::fold::fold_into;
use crate::lexicon::is_title;
use crate::{Mention, Person};

const NICKNAMES: &str = include_str!("../../../data/persons/nicknames.txt");

/// Each given name or short form with the families (lines of `nicknames.txt`) it belongs to.
static FAMILIES: LazyLock<HashMap<String, Vec<u16>>> = LazyLock::new(|| {
    let mut map: HashMap<String, Vec<u16>> = HashMap::new();
    let lines = NICKNAMES
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    for (k, line) in lines.enumerate() {
        for w in line.split_whitespace() {
            map.entry(word_key(w)).or_default().push(k as u16);
        }
    }
    map
});

/// Whether two given names (word keys) may name the same person in one article: equal, a short
/// form of the other ("kate" and "catherine", "gerry" and "gerald"), or a clipping of at least
/// three letters ("geoff" and "geoffrey", "dan" and "daniel").
fn same_given(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    // "Prince Charles" and "Princes Charles" are a title and a typo, not a short form.
    if is_title(a) || is_title(b) {
        return false;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.chars().count() >= 3 && long.starts_with(short) {
        return true;
    }
    match (FAMILIES.get(a), FAMILIES.get(b)) {
        (Some(x), Some(y)) => x.iter().any(|f| y.contains(f)),
        _ => false,
    }
}

/// A person mention as the extractor found it: the span, and its words (titles, possessives and
/// punctuation already removed).
#[derive(Debug, Clone)]
pub(crate) struct NameMention {
    pub mention: Mention,
    pub words: Vec<String>,
}

/// A word as the resolver compares it: folded, without periods or apostrophes.
fn word_key(w: &str) -> String {
    let mut s = String::with_capacity(w.len());
    fold_into(w, &mut s);
    s.retain(|c| c.is_alphanumeric() || c == '-');
    s
}

/// `"g"` matches `"george"`: an initial stands for any name that starts with it; and a short
/// form its full name ("Gerry Ford", "Gerald Ford").
fn compatible_first(a: &str, b: &str) -> bool {
    (a.chars().count() == 1 && b.starts_with(a))
        || (b.chars().count() == 1 && a.starts_with(b))
        || same_given(a, b)
}

fn same_full_name(a: &[String], b: &[String]) -> bool {
    let (Some(al), Some(bl)) = (a.last(), b.last()) else {
        return false;
    };
    if al != bl {
        return false;
    }
    // "Lula da Silva" inside "Luiz Inacio Lula da Silva".
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    compatible_first(&a[0], &b[0]) || long.ends_with(short)
}

struct Group {
    members: Vec<usize>,
    /// Word keys of each multi-word member.
    full: Vec<Vec<String>>,
}

/// The group whose member mention is nearest before `start`, else nearest after it.
fn nearest(cands: &[usize], groups: &[Group], mentions: &[NameMention], start: usize) -> usize {
    let dist = |g: usize| {
        let mut before = usize::MAX;
        let mut after = usize::MAX;
        for &m in &groups[g].members {
            let s = mentions[m].mention.start;
            if s <= start {
                before = before.min(start - s);
            } else {
                after = after.min(s - start);
            }
        }
        // Any mention before beats every mention after.
        if before != usize::MAX {
            (0, before)
        } else {
            (1, after)
        }
    };
    cands
        .iter()
        .copied()
        .min_by_key(|&g| dist(g))
        .unwrap_or(cands[0])
}

fn title_case(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut up = true;
    for c in word.chars() {
        if up {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        up = !c.is_alphabetic();
    }
    out
}

/// The name a group is known by: the fullest form, preferring forms not in all capitals, then
/// the most frequent, then the first.
fn canonical(group: &Group, mentions: &[NameMention]) -> String {
    let mut forms: Vec<(String, usize, usize, bool, usize)> = Vec::new(); // form, words, count, caps, first
    for &m in &group.members {
        let words = &mentions[m].words;
        let form = words.join(" ");
        let caps = words.iter().all(|w| !w.chars().any(char::is_lowercase))
            && words.iter().any(|w| w.chars().count() > 2);
        match forms.iter_mut().find(|f| f.0 == form) {
            Some(f) => f.2 += 1,
            None => forms.push((form, words.len(), 1, caps, mentions[m].mention.start)),
        }
    }
    let best = forms.into_iter().min_by(|a, b| {
        b.1.cmp(&a.1)
            .then(a.3.cmp(&b.3))
            .then(b.2.cmp(&a.2))
            .then(a.4.cmp(&b.4))
    });
    match best {
        Some((form, _, _, true, _)) => form
            .split(' ')
            .map(title_case)
            .collect::<Vec<_>>()
            .join(" "),
        Some((form, ..)) => form,
        None => String::new(),
    }
}

/// Groups mentions into persons, most mentioned first.
pub(crate) fn resolve(mentions: &[NameMention]) -> Vec<Person> {
    let keys: Vec<Vec<String>> = mentions
        .iter()
        .map(|m| {
            m.words
                .iter()
                .map(|w| word_key(w))
                .filter(|k| !k.is_empty())
                .collect()
        })
        .collect();
    let mut groups: Vec<Group> = Vec::new();
    // Full names first, so that lone surnames can find them wherever they occur.
    for (m, k) in keys.iter().enumerate() {
        if k.len() < 2 {
            continue;
        }
        match groups
            .iter_mut()
            .find(|g| g.full.iter().any(|f| same_full_name(f, k)))
        {
            Some(g) => {
                g.members.push(m);
                g.full.push(k.clone());
            }
            None => groups.push(Group {
                members: vec![m],
                full: vec![k.clone()],
            }),
        }
    }
    let mut singles: HashMap<String, usize> = HashMap::new();
    for (m, k) in keys.iter().enumerate() {
        if k.len() != 1 {
            continue;
        }
        let w = &k[0];
        let by = |pick: fn(&[String]) -> Option<&String>| -> Vec<usize> {
            (0..groups.len())
                .filter(|&g| {
                    groups[g]
                        .full
                        .iter()
                        .any(|f| pick(f).is_some_and(|x| x == w))
                })
                .collect()
        };
        let mut cands = by(|f| f.last());
        if cands.is_empty() {
            cands = by(|f| f.first());
        }
        if cands.is_empty() {
            cands = (0..groups.len())
                .filter(|&g| groups[g].full.iter().any(|f| f.contains(w)))
                .collect();
        }
        // A short form of a full name's given name ("Geoff" after "Geoffrey Skelley"); not
        // the reverse: "Daniel" alone is not "Dan Wootton".
        if cands.is_empty() {
            cands = (0..groups.len())
                .filter(|&g| {
                    groups[g].full.iter().any(|f| {
                        f.len() >= 2
                            && w.chars().count() < f[0].chars().count()
                            && same_given(&f[0], w)
                    })
                })
                .collect();
        }
        if cands.is_empty() {
            // A lone given name joins a lone given name it is a form of ("Kate" and
            // "Catherine"); the earliest such group, so the result does not depend on order.
            let g = match singles.get(w) {
                Some(&g) => g,
                None => {
                    let known = singles
                        .iter()
                        .filter(|(k, _)| same_given(k, w))
                        .map(|(_, &g)| g)
                        .min();
                    let g = known.unwrap_or_else(|| {
                        groups.push(Group {
                            members: Vec::new(),
                            full: Vec::new(),
                        });
                        groups.len() - 1
                    });
                    singles.insert(w.clone(), g);
                    g
                }
            };
            groups[g].members.push(m);
        } else {
            let g = nearest(&cands, &groups, mentions, mentions[m].mention.start);
            groups[g].members.push(m);
        }
    }
    let mut persons: Vec<Person> = groups
        .iter()
        .filter(|g| !g.members.is_empty())
        .map(|g| {
            let mut ms: Vec<Mention> = g
                .members
                .iter()
                .map(|&m| mentions[m].mention.clone())
                .collect();
            ms.sort_by_key(|m| m.start);
            Person {
                name: canonical(g, mentions),
                mentions: ms,
            }
        })
        .collect();
    persons.sort_by(|a, b| {
        b.count()
            .cmp(&a.count())
            .then(a.mentions[0].start.cmp(&b.mentions[0].start))
    });
    persons
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(start: usize, words: &str) -> NameMention {
        NameMention {
            mention: Mention {
                start,
                end: start + words.len(),
                text: words.to_string(),
            },
            words: words.split(' ').map(str::to_string).collect(),
        }
    }

    fn names(ps: &[Person]) -> Vec<(String, usize)> {
        ps.iter().map(|p| (p.name.clone(), p.count())).collect()
    }

    #[test]
    fn surnames_and_first_names_join_full_names() {
        let ps = resolve(&[
            m(0, "Starmer"),
            m(10, "Keir Starmer"),
            m(30, "Keir"),
            m(40, "Starmer"),
            m(50, "Macron"),
        ]);
        assert_eq!(
            names(&ps),
            vec![("Keir Starmer".into(), 4), ("Macron".into(), 1)]
        );
    }

    #[test]
    fn shared_surnames_go_to_the_nearest_preceding_full_name() {
        let ps = resolve(&[
            m(0, "Michael Schumacher"),
            m(10, "Schumacher"),
            m(20, "Ralf Schumacher"),
            m(30, "Schumacher"),
        ]);
        assert_eq!(
            names(&ps),
            vec![
                ("Michael Schumacher".into(), 2),
                ("Ralf Schumacher".into(), 2)
            ]
        );
        assert_eq!(ps[1].mentions[1].start, 30);
    }

    /// Issue 12: short forms of given names are the same person within one article.
    #[test]
    fn short_forms_of_given_names_join_their_full_names() {
        let ps = resolve(&[
            m(0, "Geoffrey Skelley"),
            m(20, "Geoff"),
            m(40, "Gerald Ford"),
            m(60, "Gerry Ford"),
            m(80, "Catherine"),
            m(100, "Kate"),
            m(120, "Daniel"),
            m(140, "Dan"),
        ]);
        assert_eq!(
            names(&ps),
            vec![
                ("Geoffrey Skelley".into(), 2),
                ("Gerald Ford".into(), 2),
                ("Catherine".into(), 2),
                ("Daniel".into(), 2)
            ]
        );
        // Different given names with one surname stay apart, and a full given name alone is
        // not taken for someone known by its short form.
        let ps = resolve(&[m(0, "Ann Wilson"), m(20, "Nancy Wilson")]);
        assert_eq!(ps.len(), 2);
        let ps = resolve(&[m(0, "Daniel"), m(20, "Dan Wootton")]);
        assert_eq!(ps.len(), 2);
        assert!(!same_given("prince", "princes"));
        assert!(!same_given("jo", "joseph") && !same_given("mark", "marcus"));
    }

    #[test]
    fn middle_names_initials_and_capitals_fold_together() {
        let ps = resolve(&[
            m(0, "BORIS YELTSIN"),
            m(20, "Boris Yeltsin"),
            m(40, "George W. Bush"),
            m(60, "George Bush"),
            m(80, "G. Bush"),
        ]);
        assert_eq!(
            names(&ps),
            vec![("George W. Bush".into(), 3), ("Boris Yeltsin".into(), 2)]
        );
        let ps = resolve(&[m(0, "JEAN-PIERRE O'NEILL")]);
        assert_eq!(ps[0].name, "Jean-Pierre O'Neill");
    }
}
