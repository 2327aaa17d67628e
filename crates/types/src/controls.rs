//! Characters a page may carry that must never reach a terminal or an index: C0 and C1
//! controls (escape sequences recolour, move or retitle a terminal; NUL truncates C strings),
//! DEL, and the bidi embeddings, overrides and isolates, which reorder how the text after them
//! is displayed, so that `exe.txt` can show as `txt.exe` ("Trojan Source"). Right-to-left
//! text needs none of them (the bidi algorithm orders Arabic and Hebrew by itself), so they
//! go everywhere, consistently; the marks (U+200E, U+200F, U+061C) and the joiners
//! (U+200C, U+200D), which scripts such as Persian and Hindi need, stay.

/// A bidi embedding, override or isolate: U+202A-U+202E, U+2066-U+2069.
fn bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether `c` is dropped from every field (newline and tab are kept in multi-line text by
/// the callers that allow them).
pub fn unwanted(c: char) -> bool {
    c.is_control() || bidi_control(c)
}

/// Which character `c` becomes in multi-line text: itself, a newline for the line-ending
/// controls (CR, VT, FF, NEL, and the Unicode line and paragraph separators), or nothing.
pub fn multiline_char(c: char) -> Option<char> {
    match c {
        '\n' | '\t' => Some(c),
        '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}' => Some('\n'),
        c if unwanted(c) => None,
        c => Some(c),
    }
}

/// Whether `s` may hold a character that [`line`] (with `newlines_kept` false) or
/// [`multiline`] (true) changes. Byte tests that the compiler vectorises (C0 controls other
/// than newline and tab when kept, DEL) and a SIMD search for the lead bytes of the C1
/// controls and NEL (`C2 80`-`C2 9F`) and of U+2028-U+202E and U+2066-U+2069 (`E2 80`,
/// `E2 81`), so that text with nothing to drop, nearly all of it, is not decoded character by
/// character; curly quotes and dashes (`E2 80 9x`) and no-break spaces (`C2 A0`) pass on
/// their third or second byte. A `true` only means the exact check must run.
fn may_change(s: &str, newlines_kept: bool) -> bool {
    const BLOCK: usize = 64;
    let bytes = s.as_bytes();
    let c0_or_del =
        |b: u8| (b < 0x20 && !(newlines_kept && (b == b'\n' || b == b'\t'))) || b == 0x7F;
    if bytes
        .chunks(BLOCK)
        .any(|block| block.iter().fold(false, |any, &b| any | c0_or_del(b)))
    {
        return true;
    }
    memchr::memchr2_iter(0xC2, 0xE2, bytes).any(|at| {
        let next = |n: usize| bytes.get(at + n).copied().unwrap_or(0);
        match (bytes[at], next(1)) {
            (0xC2, second) => (0x80..=0x9F).contains(&second),
            (_, 0x80) => (0xA8..=0xAE).contains(&next(2)),
            (_, 0x81) => (0xA6..=0xA9).contains(&next(2)),
            _ => false,
        }
    })
}

/// `s` as one line: whitespace controls become a space (so words stay apart), other controls
/// and bidi controls go. Untouched (no allocation) when there is nothing to drop.
pub fn line(s: &mut String) {
    if !may_change(s, false)
        || !s
            .chars()
            .any(|c| unwanted(c) || matches!(c, '\u{2028}' | '\u{2029}'))
    {
        return;
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if unwanted(c) || matches!(c, '\u{2028}' | '\u{2029}') {
            if c.is_whitespace() && !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out.truncate(out.trim_end().len());
    *s = out;
}

/// `s` as multi-line text (see [`multiline_char`]), with `offsets` (byte positions into `s`,
/// each on a character boundary) moved to where their characters are afterwards. Returns
/// whether anything changed.
pub fn multiline(s: &mut String, offsets: &mut [&mut usize]) -> bool {
    if !may_change(s, true) || s.chars().all(|c| multiline_char(c) == Some(c)) {
        return false;
    }
    let mut out = String::with_capacity(s.len());
    // (position in `s`, position in `out`) at each character, to move the offsets.
    let mut moves: Vec<(usize, usize)> = Vec::new();
    for (at, c) in s.char_indices() {
        if !offsets.is_empty() {
            moves.push((at, out.len()));
        }
        if let Some(c) = multiline_char(c) {
            out.push(c);
        }
    }
    for offset in offsets.iter_mut() {
        let moved = match moves.binary_search_by_key(&**offset, |&(from, _)| from) {
            Ok(i) => moves[i].1,
            // Past the last character (the end of the text).
            Err(_) => out.len(),
        };
        **offset = moved;
    }
    *s = out;
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_lose_controls_and_keep_words_apart() {
        let mut s = "Jane\u{1b}[31m Smith\nand\tJo\u{202E}e\u{0}".to_owned();
        line(&mut s);
        assert_eq!(s, "Jane[31m Smith and Joe");
        let mut s = "Αθήνα دولت تازه\u{200C}ای".to_owned();
        let before = s.clone();
        line(&mut s);
        assert_eq!(s, before);
    }

    #[test]
    fn multiline_text_keeps_newlines_and_tabs_and_moves_offsets() {
        let mut s = "a\u{1b}b\r\n\tc\u{85}d\u{202E}e".to_owned();
        let (mut start, mut end) = (2, s.len());
        multiline(&mut s, &mut [&mut start, &mut end]);
        assert_eq!(s, "ab\n\n\tc\nde");
        assert_eq!((start, end), (1, s.len()));
    }

    /// The byte prefilter never lets through a character the exact checks would change: every
    /// Unicode scalar value is tried in both modes.
    #[test]
    fn byte_prefilter_misses_no_character() {
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            let text = format!("ab{c}cd");
            let line_changes = unwanted(c) || matches!(c, '\u{2028}' | '\u{2029}');
            if line_changes {
                assert!(
                    may_change(&text, false),
                    "line misses U+{:04X}",
                    u32::from(c)
                );
            }
            if multiline_char(c) != Some(c) {
                assert!(
                    may_change(&text, true),
                    "multiline misses U+{:04X}",
                    u32::from(c)
                );
            }
        }
        assert!(!may_change(
            "Αθήνα, Москва and 北京\nwith\ttabs, “quoted” — and\u{A0}spaced",
            true
        ));
    }
}
