//! Bytes to text: picks the page's character encoding the way browsers and w3lib do
//! (BOM, then the HTTP header, then `<meta charset>`, then statistical detection).

use std::borrow::Cow;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// How many leading bytes the `<meta charset>` prescan looks at (the HTML spec's figure).
const PRESCAN_BYTES: usize = 1024;

/// How many leading bytes the UTF-16 sniff looks at.
const SNIFF_BYTES: usize = 4096;

/// Binary, not text: more than one byte in this many is a byte text never holds. Random and
/// compressed data have about one in ten; a text page with stray control bytes far fewer.
const BINARY_ONE_IN: usize = 32;

/// UTF-16 without a BOM is judged on at least this many code units: fewer say nothing.
const MIN_UTF16_UNITS: usize = 4;

/// In UTF-16 markup, at least one code unit in this many has a zero high byte (ASCII: the
/// tags alone are more than that) ...
const UTF16_ASCII_ONE_IN: usize = 4;

/// ... and the other byte of a unit is zero at most once per this many ASCII units (text,
/// not 16-bit samples of a quiet sound, which are zero on both sides).
const UTF16_OTHER_ZERO_ONE_IN: usize = 16;

/// A body that is not valid UTF-8 is still decoded as UTF-8 when it holds at least this many
/// valid non-ASCII characters per corrupt sequence: a UTF-8 page cut or spliced, where
/// decoding it all in a legacy encoding would garble every character instead of a few.
const UTF8_CHARS_PER_INVALID: usize = 20;

/// The compressed format `body` is in, by its magic number: gzip (`1f 8b`, a saved
/// `.html.gz` or a body stored still content-encoded), zstd, xz or bzip2. The cleaner does not
/// decompress: the caller knows where the bytes came from and how large they may grow.
pub(crate) fn compression(body: &[u8]) -> Option<&'static str> {
    if body.starts_with(b"\x1f\x8b") {
        Some("gzip")
    } else if body.starts_with(b"\x28\xb5\x2f\xfd") {
        Some("zstd")
    } else if body.starts_with(b"\xfd7zXZ\x00") {
        Some("xz")
    } else if body.len() >= 10
        && body.starts_with(b"BZh")
        && (b'1'..=b'9').contains(&body[3])
        && (body[4..].starts_with(b"1AY&SY") || body[4..].starts_with(b"\x17\x72\x45\x38\x50\x90"))
    {
        Some("bzip2")
    } else {
        None
    }
}

/// A byte that text never holds: the WHATWG MIME sniffing rule's "binary data bytes", the C0
/// controls other than tab, newlines, form feed and escape. Written as comparisons rather than
/// a `matches!` of ranges (which compiles to a bit test by a variable shift) so that counting
/// them over a whole page vectorises: it runs over every byte of every page cleaned.
fn binary_byte(b: u8) -> bool {
    // `&` rather than `&&`: no branches, so the loop over a block vectorises.
    (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != 0x0C) & (b != b'\r') & (b != 0x1B)
}

/// How many binary data bytes `bytes` holds, counted a block at a time into narrow lanes (the
/// vectorised loop's counters cannot overflow within a block).
fn count_binary_bytes(bytes: &[u8]) -> usize {
    const BLOCK: usize = 128;
    bytes
        .chunks(BLOCK)
        .map(|block| usize::from(block.iter().map(|&b| u8::from(binary_byte(b))).sum::<u8>()))
        .sum()
}

/// Whether `body` is binary data rather than text (an image, a PDF, an archive, random bytes
/// served or saved as `.html`): more than one byte in 32 is a binary data byte (random and
/// compressed data have one in ten). Fewer are stray bytes in a text page, which the cleaner
/// drops. NULs at the end (a file preallocated or cut short) do not count; a body of nothing
/// but NULs is binary. UTF-16 pages, full of NULs, are recognised first (BOM, or the shape of
/// their bytes).
pub(crate) fn looks_binary(body: &[u8]) -> bool {
    if Encoding::for_bom(body).is_some() || utf16_without_bom(body).is_some() {
        return false;
    }
    let Some(last) = body.iter().rposition(|&b| b != 0) else {
        return !body.is_empty();
    };
    let text = &body[..=last];
    let binary = count_binary_bytes(text);
    binary * BINARY_ONE_IN > text.len()
}

/// UTF-16 without a byte order mark, told by its bytes: markup is ASCII, so in UTF-16LE at
/// least a quarter of the code units (the tags alone) have a zero high byte (every odd
/// byte), while the even bytes are almost never zero; the reverse in UTF-16BE. And the low
/// bytes of those ASCII units are text, not binary data bytes (16-bit samples of a quiet
/// sound also have zero high bytes). A `<meta charset=utf-16>` cannot be read before the
/// encoding is known, so the bytes decide.
fn utf16_without_bom(body: &[u8]) -> Option<&'static Encoding> {
    let head = &body[..body.len().min(SNIFF_BYTES) & !1];
    let units = head.len() / 2;
    if units < MIN_UTF16_UNITS {
        return None;
    }
    let zeros = |high: usize| head.chunks_exact(2).filter(|u| u[high] == 0).count();
    let (even, odd) = (zeros(0), zeros(1));
    let (encoding, high, ascii, other) = if odd >= even {
        (UTF_16LE, 1, odd, even)
    } else {
        (UTF_16BE, 0, even, odd)
    };
    if ascii * UTF16_ASCII_ONE_IN < units || other * UTF16_OTHER_ZERO_ONE_IN > ascii {
        return None;
    }
    let binary = head
        .chunks_exact(2)
        .filter(|u| u[high] == 0 && binary_byte(u[1 - high]))
        .count();
    (binary * BINARY_ONE_IN <= ascii).then_some(encoding)
}

/// Decodes `body` to a string, borrowed when the body is UTF-8 already (no copy of a large
/// page). `content_type` is the HTTP header; `tld` the host's last label, which sharpens
/// chardetng's guess for legacy national encodings.
pub(crate) fn decode<'b>(
    body: &'b [u8],
    content_type: Option<&str>,
    tld: Option<&str>,
) -> Cow<'b, str> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(body) {
        let (text, _) = encoding.decode_without_bom_handling(&body[bom_len..]);
        return text;
    }
    if let Some(encoding) = utf16_without_bom(body) {
        let (text, _) = encoding.decode_without_bom_handling(body);
        return text;
    }
    let declared = content_type
        .and_then(charset_param)
        .and_then(|label| Encoding::for_label(label.as_bytes()))
        .or_else(|| prescan_meta(&body[..body.len().min(PRESCAN_BYTES)]))
        // A page cannot declare itself UTF-16 in ASCII-compatible bytes: the spec reads it as UTF-8.
        .map(|e| {
            if e.is_single_byte() || e == UTF_8 || e.output_encoding() == UTF_8 {
                e.output_encoding()
            } else {
                e
            }
        });

    let encoding = match declared {
        // Declared UTF-8 but not UTF-8: the label is wrong (typically Windows-1252 text served
        // by a server configured for UTF-8), so let the detector decide.
        Some(e) if e == UTF_8 => {
            if mostly_utf8(body) {
                UTF_8
            } else {
                detect(body, tld)
            }
        }
        // Declared a legacy encoding but the bytes are (almost all) valid, non-ASCII UTF-8: the
        // label is stale, and honouring it would produce mojibake ("Ã©", "鏂扮數").
        Some(_) if !body.is_ascii() && mostly_utf8(body) => UTF_8,
        Some(e) => e,
        None => detect(body, tld),
    };
    let (text, _, _) = encoding.decode(body);
    text
}

/// Whether the bytes read as UTF-8 with at most one bad sequence per twenty good
/// multi-byte characters. Legacy-encoded text almost never forms valid multi-byte UTF-8, so a
/// page with many valid sequences is UTF-8 even with a few corrupt bytes (truncated or spliced
/// content), and decoding it lossily as UTF-8 beats decoding all of it wrongly.
fn mostly_utf8(body: &[u8]) -> bool {
    if std::str::from_utf8(body).is_ok() {
        return true;
    }
    let mut multibyte = 0usize;
    let mut invalid = 0usize;
    for chunk in body.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += usize::from(!chunk.invalid().is_empty());
    }
    invalid == 0 || multibyte >= UTF8_CHARS_PER_INVALID * invalid
}

fn detect(body: &[u8], tld: Option<&str>) -> &'static Encoding {
    if body.is_ascii() {
        return UTF_8;
    }
    if mostly_utf8(body) {
        return UTF_8;
    }
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(body, true);
    let tld = tld.filter(|t| t.bytes().all(|b| b.is_ascii_alphanumeric()) && !t.is_empty());
    let guess = detector.guess(tld.map(str::as_bytes), Utf8Detection::Allow);
    // ISO-8859-1 and ASCII labels mean Windows-1252 on the web; keep the superset.
    if guess.is_single_byte() && guess.name() == "ISO-8859-1" {
        WINDOWS_1252
    } else {
        guess
    }
}

/// The `charset` parameter of a Content-Type value, unquoted.
fn charset_param(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches(['"', '\'']).trim().to_owned())
    })
}

/// Finds `<meta charset=x>` or `<meta http-equiv=content-type content="...charset=x">` in the
/// first bytes: a simplified form of the HTML spec's prescan, enough for real pages.
fn prescan_meta(head: &[u8]) -> Option<&'static Encoding> {
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(at) = find(&lower[from..], b"<meta") {
        let start = from + at + 5;
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |p| start + p);
        let tag = &lower[start..end];
        if let Some(pos) = find(tag, b"charset") {
            let rest = &tag[pos + 7..];
            let rest = trim_start(rest);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = trim_start(rest);
                let rest = rest
                    .strip_prefix(b"\"")
                    .or_else(|| rest.strip_prefix(b"'"))
                    .unwrap_or(rest);
                let label_end = rest
                    .iter()
                    .position(|&b| {
                        matches!(
                            b,
                            b'"' | b'\'' | b';' | b' ' | b'/' | b'>' | b'\t' | b'\n' | b'\r'
                        )
                    })
                    .unwrap_or(rest.len());
                if let Some(encoding) = Encoding::for_label(&rest[..label_end]) {
                    return Some(encoding);
                }
            }
        }
        from = end;
        if from >= lower.len() {
            break;
        }
    }
    None
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let skip = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &bytes[skip..]
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::looks_binary;

    #[test]
    fn binary_bytes_are_told_from_text() {
        assert!(looks_binary(b"%PDF-1.7\n\x01\x02\x03\x04\x05\x06 stream"));
        assert!(!looks_binary(
            b"<html><body><p>Plain text\twith tabs\r\n</p></body></html>"
        ));
        assert!(!looks_binary(b""));
        // UTF-16 is full of NUL bytes, but its BOM says it is text.
        assert!(!looks_binary(b"\xff\xfe<\0h\0t\0m\0l\0>\0"));
        // ... and without one, the shape of its bytes.
        assert!(!looks_binary(b"<\0h\0t\0m\0l\0>\0<\0/\0h\0t\0m\0l\0>\0"));
        assert!(!looks_binary(b"\0<\0h\0t\0m\0l\0>\0<\0/\0h\0t\0m\0l\0>"));
        // Nothing but NULs is binary; a page padded with them is not.
        assert!(looks_binary(b"\0\0\0\0\0\0\0\0\0\0"));
        assert!(!looks_binary(b"<p>text</p>\0\0\0\0\0\0\0\0\0\0"));
        // One stray control byte in a long page is a typo, not a binary file.
        let mut page = b"<p>".repeat(400);
        page.push(0x01);
        assert!(!looks_binary(&page));
    }

    /// The comparison form of `binary_byte` (written so that counting vectorises) is the
    /// WHATWG set exactly, and the block-wise count is exact across block boundaries.
    #[test]
    fn binary_byte_count_is_the_whatwg_set() {
        for b in 0..=u8::MAX {
            let whatwg = matches!(b, 0x00..=0x08 | 0x0B | 0x0E..=0x1A | 0x1C..=0x1F);
            assert_eq!(binary_byte(b), whatwg, "byte {b:#04x}");
        }
        let all: Vec<u8> = (0..=u8::MAX).cycle().take(256 * 7 + 13).collect();
        let expected = all.iter().filter(|&&b| binary_byte(b)).count();
        assert_eq!(count_binary_bytes(&all), expected);
        assert_eq!(count_binary_bytes(&[0x01; 1000]), 1000);
    }
    use super::*;

    #[test]
    fn bom_wins_over_header() {
        let body = b"\xEF\xBB\xBFcaf\xC3\xA9";
        assert_eq!(
            decode(body, Some("text/html; charset=iso-8859-1"), None),
            "café"
        );
    }

    #[test]
    fn header_charset_is_used() {
        assert_eq!(
            decode(b"caf\xE9", Some("text/html; charset=\"ISO-8859-1\""), None),
            "café"
        );
    }

    #[test]
    fn meta_charset_and_http_equiv() {
        let page = b"<html><head><meta charset='windows-1252'></head><body>\x93quoted\x94</body>";
        assert!(decode(page, None, None).contains("\u{201c}quoted\u{201d}"));
        let page =
            b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-2\"><p>\xB1";
        assert!(decode(page, None, None).ends_with('\u{0105}'));
    }

    #[test]
    fn windows_1252_labelled_utf8_is_not_mojibake() {
        let mut page = b"<html><head><meta charset=\"utf-8\"></head><body><p>".to_vec();
        page.extend_from_slice(b"Der Stra\xDFenverkehr in M\xFCnchen war am Montag \x84v\xF6llig\x93 blockiert, sagte die Polizei.");
        let text = decode(&page, Some("text/html; charset=utf-8"), Some("de"));
        assert!(text.contains("Straßenverkehr in München"), "{text}");
        assert!(!text.contains('\u{FFFD}'));
    }

    #[test]
    fn utf8_labelled_latin1_stays_utf8() {
        let page = "<meta charset=iso-8859-1><p>Zoë Müller said “yes”</p>".as_bytes();
        assert!(decode(page, None, None).contains("Zoë Müller said “yes”"));
    }

    #[test]
    fn utf8_declared_as_gb2312_or_latin2_stays_utf8() {
        let page = "<meta charset=gb2312><p>DeepMind新电脑已可利用记忆自学 人工智能迈上新台阶</p>"
            .as_bytes();
        assert!(decode(page, None, Some("com")).contains("人工智能迈上新台阶"));
        let mut page = "<meta charset=iso-8859-2><p>Kolejne organizacje sprzeciwiają się skandalicznym atakom na Fundację. ".repeat(30).into_bytes();
        page.push(0xFF);
        assert!(decode(&page, None, Some("pl")).contains("sprzeciwiają się"));
    }

    #[test]
    fn undeclared_legacy_encoding_is_detected() {
        let (bytes, _, _) =
            encoding_rs::SHIFT_JIS.encode("<p>東京都の天気予報です。明日は晴れるでしょう。</p>");
        assert!(decode(&bytes, None, Some("jp")).contains("東京都の天気予報"));
    }
}
