//! Every person mention of a text in text order, each with the canonical name it resolved to:
//! what `newsdex persons tag` writes for each line (its JSON-lines protocol lives in the cli),
//! so the extractor can be scored on any gold set.

use crate::Extractor;

/// One mention: the canonical name it resolved to and where it is (character offsets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaggedMention {
    /// The canonical name the mention resolved to in that text.
    pub name: String,
    /// Where the name starts, in characters.
    pub start: usize,
    /// Where it ends (exclusive), in characters.
    pub end: usize,
    /// The name as written (titles and possessives left out).
    pub text: String,
}

/// Every person mention of `text` in text order, each with its person's canonical name.
pub fn tag_mentions(extractor: &Extractor, text: &str) -> Vec<TaggedMention> {
    let mut out: Vec<TaggedMention> = extractor
        .extract(text)
        .into_iter()
        .flat_map(|p| {
            let name = p.name;
            p.mentions.into_iter().map(move |m| TaggedMention {
                name: name.clone(),
                start: m.start,
                end: m.end,
                text: m.text,
            })
        })
        .collect();
    out.sort_by_key(|m| (m.start, m.end));
    out
}
