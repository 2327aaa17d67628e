//! The library side of `newsdex persons tag`: one JSON line in (`{"id": .., "text": ..}`), one
//! JSON line out with every person mention and its character offsets, so the extractor can be
//! scored on any gold set.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{Error, Extractor};

#[derive(Deserialize)]
struct Input {
    #[serde(default)]
    id: Value,
    text: Option<Value>,
}

/// One mention in the output: the canonical name it resolved to and where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaggedMention {
    pub name: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

#[derive(Serialize)]
struct Output<'a> {
    id: &'a Value,
    persons: Vec<TaggedMention>,
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

/// Tags one input line `{"id": ..., "text": "..."}` and returns the output line (without a
/// newline): `{"id": ..., "persons": [{"name", "start", "end", "text"}, ...]}`. `id` is copied
/// through whatever its JSON type (missing gives `null`); offsets are in characters.
pub fn tag_json_line(extractor: &Extractor, line: &str) -> Result<String, Error> {
    let input: Input = serde_json::from_str(line)?;
    let Some(Value::String(text)) = input.text else {
        return Err(Error::MissingText);
    };
    let out = Output {
        id: &input.id,
        persons: tag_mentions(extractor, &text),
    };
    Ok(serde_json::to_string(&out)?)
}
