//! `newsdex persons tag`: the JSON-lines protocol around [`newsdex_persons::tag_mentions`].
//! One line in, `{"id": ..., "text": "..."}`; one line out, `{"id": ..., "persons": [...]}`
//! ([`json::Tagged`]) or `{"error": ..., "id": ...}` ([`json::TagFailure`]), so that output
//! lines always match input lines and the extractor can be scored on any gold set.

use std::io::{BufRead, Read, Write};

use newsdex_persons::{Extractor, tag_mentions};
use serde::Deserialize;
use serde_json::Value;

use crate::ExitStatus;
use crate::json;
use crate::output;

/// Longest input line `persons tag` takes: a long article is a few hundred KB of text; a
/// line beyond this is not one text but a file given by mistake, and must not exhaust memory.
const MAX_TAG_LINE: usize = 16 * 1024 * 1024;

/// An input line. `id` is copied through whatever its JSON type (missing gives `null`).
#[derive(Deserialize)]
struct Input {
    #[serde(default)]
    id: Value,
    text: Option<Value>,
}

/// Why one input line was not tagged.
#[derive(Debug, thiserror::Error)]
enum LineError {
    #[error("invalid JSON line")]
    Json(#[source] serde_json::Error),
    #[error("JSON line has no string field `text`")]
    MissingText,
}

/// Tags one input line and returns the output line (without a newline); offsets are in
/// characters.
fn tag_line(extractor: &Extractor, line: &str) -> Result<String, LineError> {
    let input: Input = serde_json::from_str(line).map_err(LineError::Json)?;
    let Some(Value::String(text)) = input.text else {
        return Err(LineError::MissingText);
    };
    let mentions = tag_mentions(extractor, &text);
    serde_json::to_string(&json::Tagged::new(&input.id, &mentions)).map_err(LineError::Json)
}

/// Reads `input` to its end: one output line per input line (blank lines skipped); exit code
/// 1 when any line failed.
pub fn run(input: impl BufRead, out: &mut impl Write) -> anyhow::Result<ExitStatus> {
    let extractor = Extractor::new();
    let mut failed = 0usize;
    let mut input = input;
    let mut bytes = Vec::new();
    for number in 1.. {
        bytes.clear();
        let limit = u64::try_from(MAX_TAG_LINE).unwrap_or(u64::MAX);
        if (&mut input).take(limit).read_until(b'\n', &mut bytes)? == 0 {
            break;
        }
        let complete = bytes.last() == Some(&b'\n') || bytes.len() < MAX_TAG_LINE;
        if !complete {
            // Skip the rest of an over-long line; it gets an error line like any bad one.
            let mut rest = Vec::new();
            while (&mut input).take(limit).read_until(b'\n', &mut rest)? > 0
                && rest.last() != Some(&b'\n')
            {
                rest.clear();
            }
        }
        let line = match std::str::from_utf8(&bytes) {
            Ok(line) if complete => Ok(line.trim_end_matches(['\n', '\r'])),
            Ok(_) => Err(format!("line is longer than {MAX_TAG_LINE} bytes")),
            Err(_) => Err("line is not UTF-8 text".to_owned()),
        };
        let line = match line {
            Ok(line) if line.trim().is_empty() => continue,
            Ok(line) => line,
            Err(reason) => {
                failed += 1;
                output::warning(&format!("line {number}: {reason}"));
                failure(out, &Value::Null, &reason)?;
                continue;
            }
        };
        match tag_line(&extractor, line) {
            Ok(tagged) => writeln!(out, "{tagged}")?,
            Err(err) => {
                failed += 1;
                let reason = output::one_line(&err);
                output::warning(&format!("line {number}: {reason}"));
                // Keep output lines in step with input lines, with the id when there is one.
                let id = serde_json::from_str::<Value>(line)
                    .ok()
                    .and_then(|value| value.get("id").cloned())
                    .unwrap_or(Value::Null);
                failure(out, &id, &reason)?;
            }
        }
    }
    Ok(if failed > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

fn failure(out: &mut impl Write, id: &Value, reason: &str) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *out, &json::TagFailure { error: reason, id })?;
    writeln!(out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use super::*;

    static EXTRACTOR: LazyLock<Extractor> = LazyLock::new(Extractor::new);

    fn lines(out: Vec<u8>) -> Vec<Value> {
        String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }

    #[test]
    fn tag_answers_a_line_that_is_not_utf8_and_goes_on() {
        // Once `lines()` failed on such a line and the whole run stopped with an error.
        let input: &[u8] = b"{\"id\": 1, \"text\": \"A \xff\"}\n{\"id\": 2, \"text\": \"Ok.\"}\n";
        let mut out = Vec::new();
        assert_eq!(run(input, &mut out).unwrap(), ExitStatus::Failure);
        let lines = lines(out);
        assert_eq!(lines.len(), 2);
        assert!(lines[0]["error"].as_str().unwrap().contains("UTF-8"));
        assert_eq!(lines[1]["id"], 2);
    }

    #[test]
    fn tag_writes_one_line_per_input_and_flags_bad_lines() {
        let input = "{\"id\": 1, \"text\": \"Nothing here.\"}\n\nnot json\n{\"id\": \"x\"}\n";
        let mut out = Vec::new();
        let status = run(input.as_bytes(), &mut out).unwrap();
        assert_eq!(status, ExitStatus::Failure);
        let lines = lines(out);
        assert_eq!(lines.len(), 3, "blank lines are skipped, bad ones answered");
        assert_eq!(lines[0]["id"], 1);
        assert!(lines[0]["persons"].is_array());
        assert!(lines[1]["id"].is_null());
        assert!(!lines[1]["error"].as_str().unwrap().is_empty());
        assert_eq!(lines[2]["id"], "x");
        assert!(!lines[2]["error"].as_str().unwrap().is_empty());
    }

    #[test]
    fn tags_a_line_with_names_and_character_offsets() {
        let line = r#"{"id": 7, "text": "Mr Starmer met Emmanuel Macron. Starmer spoke first."}"#;
        assert_eq!(
            tag_line(&EXTRACTOR, line).unwrap(),
            concat!(
                r#"{"id":7,"persons":[{"name":"Starmer","start":3,"end":10,"text":"Starmer"},"#,
                r#"{"name":"Emmanuel Macron","start":15,"end":30,"text":"Emmanuel Macron"},"#,
                r#"{"name":"Starmer","start":32,"end":39,"text":"Starmer"}]}"#
            )
        );
        // Offsets count characters, not bytes.
        let out: Value = serde_json::from_str(
            &tag_line(
                &EXTRACTOR,
                r#"{"id": 8, "text": "Über Ärger: Emmanuel Macron sprach."}"#,
            )
            .unwrap(),
        )
        .unwrap();
        let macron = out["persons"]
            .as_array()
            .unwrap()
            .iter()
            .find(|mention| mention["text"] == "Emmanuel Macron")
            .expect("Macron found");
        assert_eq!(macron["start"], 12);
        assert_eq!(macron["end"], 27);
    }

    #[test]
    fn ids_of_any_type_pass_through_and_bad_lines_say_why() {
        let tag = |line| tag_line(&EXTRACTOR, line);
        assert_eq!(
            tag(r#"{"id": "a-1", "text": ""}"#).unwrap(),
            r#"{"id":"a-1","persons":[]}"#
        );
        assert_eq!(
            tag(r#"{"text": "nobody here"}"#).unwrap(),
            r#"{"id":null,"persons":[]}"#
        );
        let err = tag("not json").unwrap_err();
        assert!(matches!(err, LineError::Json(_)));
        assert!(
            output::one_line(&err).starts_with("invalid JSON line: expected"),
            "{}",
            output::one_line(&err)
        );
        assert!(matches!(tag(r#"{"id": 1}"#), Err(LineError::MissingText)));
        assert!(matches!(
            tag(r#"{"id": 1, "text": 5}"#),
            Err(LineError::MissingText)
        ));
    }
}
