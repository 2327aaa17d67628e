//! Bytes to text: picks the page's character encoding the way browsers and w3lib do
//! (BOM, then the HTTP header, then `<meta charset>`, then statistical detection).

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// How many leading bytes the `<meta charset>` prescan looks at (the HTML spec's figure).
const PRESCAN_BYTES: usize = 1024;

/// How many leading bytes the binary sniff looks at.
const SNIFF_BYTES: usize = 4096;

/// Whether `body` is binary data rather than text (an image, a PDF, a zip, random bytes served
/// or saved as `.html`). The WHATWG MIME sniffing rule calls a resource binary when it holds a
/// "binary data byte" (C0 controls other than tab, newlines, form feed and escape); text pages
/// can carry a stray one, so it takes several in the first 4 KB. UTF-16 and UTF-32 pages are
/// recognised by their BOM first.
pub(crate) fn looks_binary(body: &[u8]) -> bool {
    if Encoding::for_bom(body).is_some() {
        return false;
    }
    let head = &body[..body.len().min(SNIFF_BYTES)];
    let binary = head
        .iter()
        .filter(|&&b| matches!(b, 0x00..=0x08 | 0x0B | 0x0E..=0x1A | 0x1C..=0x1F))
        .count();
    // More than 1 in 256 bytes, and at least 4: random bytes have about 1 in 9.
    binary >= 4 && binary * 256 > head.len()
}

/// Decodes `body` to a string. `content_type` is the HTTP header; `tld` the host's last label,
/// which sharpens chardetng's guess for legacy national encodings.
pub(crate) fn decode(body: &[u8], content_type: Option<&str>, tld: Option<&str>) -> String {
    if let Some((encoding, bom_len)) = Encoding::for_bom(body) {
        let (text, _) = encoding.decode_without_bom_handling(&body[bom_len..]);
        return text.into_owned();
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
    text.into_owned()
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
    invalid == 0 || multibyte >= 20 * invalid
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
        // One stray control byte in a long page is a typo, not a binary file.
        let mut page = b"<p>".repeat(400);
        page.push(0x01);
        assert!(!looks_binary(&page));
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
