//! What the cleaner makes of a page's bytes before any markup: text with stray NULs, binary
//! data, compressed bodies, UTF-16 with and without a byte order mark (issue 10's findings).

use std::io::Write;

use newsdex_cleaner::{Cleaner, Config, Error};
use newsdex_types::Article;

const PARAGRAPH: &str = "The council met on Tuesday to discuss the budget, and members agreed to raise spending on libraries and parks.";
const RUSSIAN: &str = "Совет собрался во вторник, чтобы обсудить бюджет, и депутаты согласились увеличить расходы на библиотеки.";
const CHINESE: &str =
    "议会周二开会讨论预算，议员们同意增加图书馆和公园的开支，并将在下个月公布详细计划。";

fn clean(body: &[u8]) -> Result<Article, Error> {
    Cleaner::new(Config::default()).clean(body, "https://example.com/a/page", None)
}

fn page(body_text: &str) -> String {
    format!(
        "<html><head><title>Budget</title></head><body><article><h1>Budget</h1>\
         <p>{body_text}</p><p>{body_text}</p><p>{body_text}</p></article></body></html>"
    )
}

/// Bug: a page with a few NUL bytes was refused as binary ("failed") while an all-NUL file
/// was "skipped" as not HTML. Now a few stray NULs (or other control bytes) in a text page are
/// dropped and the page is cleaned; a file that is mostly or only NULs is binary.
#[test]
fn stray_nul_bytes_are_dropped_and_the_page_cleaned() {
    // Twelve NULs in the text (in a tag they change the markup, as they do in a browser).
    let with_nuls = PARAGRAPH
        .replacen(' ', "\0 ", 3)
        .replacen("parks", "pa\0rks", 1);
    let bytes = page(&with_nuls).into_bytes();
    assert_eq!(bytes.iter().filter(|&&b| b == 0).count(), 12);
    let article = clean(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        article.text.contains("libraries and parks"),
        "{}",
        article.text
    );
    assert!(!article.text.contains('\0'));
    assert!(!article.title.contains('\0'));

    for all_nul in [vec![0u8; 1], vec![0u8; 4096], vec![0u8; 1 << 20]] {
        assert!(matches!(clean(&all_nul), Err(Error::NotText)));
    }
    // A file preallocated or cut short: the page, then zeros. Judged by the page.
    let mut padded = page(PARAGRAPH).into_bytes();
    padded.resize(padded.len() + 100_000, 0);
    let article = clean(&padded).unwrap_or_else(|e| panic!("{e}"));
    assert!(article.text.contains("libraries and parks"));
    // Text with a binary blob spliced in is binary when the blob is a large part of it.
    let mut spliced = page(PARAGRAPH).into_bytes();
    spliced.extend((0..20_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
    assert!(matches!(clean(&spliced), Err(Error::NotText)));
}

/// Bug: a gzip-compressed page (a saved `.html.gz`, or a body stored still encoded) was called
/// "binary data" with no hint. It is now its own error naming the format, so the caller can
/// decompress and try again.
#[test]
fn compressed_bodies_are_named() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(page(PARAGRAPH).as_bytes()).expect("gzip");
    let gz = gz.finish().expect("gzip");
    let err = clean(&gz).expect_err("compressed");
    assert!(
        matches!(err, Error::Compressed { format: "gzip" }),
        "{err:?}"
    );
    assert!(err.to_string().contains("gzip"), "{err}");
    // zstd, xz and bzip2 are named too.
    for (magic, format) in [
        (&b"\x28\xb5\x2f\xfd\x04\x58"[..], "zstd"),
        (&b"\xfd7zXZ\x00\x00\x04"[..], "xz"),
        (&b"BZh91AY&SY\x12\x34"[..], "bzip2"),
    ] {
        let mut body = magic.to_vec();
        body.extend_from_slice(&gz[10..]);
        let err = clean(&body).expect_err("compressed");
        assert!(
            matches!(err, Error::Compressed { format: f } if f == format),
            "{err:?}"
        );
    }
    // A page that merely starts with "BZh" is a page.
    assert!(clean(format!("BZh {}", page(PARAGRAPH)).as_bytes()).is_ok());
}

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend(if big_endian {
            [0xFE, 0xFF]
        } else {
            [0xFF, 0xFE]
        });
    }
    for unit in text.encode_utf16() {
        out.extend(if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    out
}

/// Bug: a UTF-16 page without a byte order mark was refused as binary (half its bytes are
/// NUL). UTF-16 is recognised by its BOM, or else by the zero bytes that ASCII markup puts in
/// every other byte, whatever its `<meta charset>` or HTTP header says.
#[test]
fn utf16_pages_decode_with_and_without_a_bom() {
    for text in [PARAGRAPH, RUSSIAN, CHINESE] {
        let html = page(text).replace(
            "<head>",
            "<head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-16\">",
        );
        for big_endian in [false, true] {
            for bom in [true, false] {
                let bytes = utf16(&html, big_endian, bom);
                for content_type in [None, Some("text/html; charset=utf-16"), Some("text/html")] {
                    let article = Cleaner::new(Config::default())
                        .clean(&bytes, "https://example.ru/a", content_type)
                        .unwrap_or_else(|e| {
                            panic!("be={big_endian} bom={bom} {content_type:?}: {e}")
                        });
                    assert!(
                        article.text.contains(text),
                        "be={big_endian} bom={bom}: {}",
                        article.text
                    );
                    assert_eq!(article.title, "Budget");
                }
            }
        }
    }
}
