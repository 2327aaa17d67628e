//! Text folding and hashing shared by the tagger (feature hashing, gazetteer keys) and the alias
//! resolver (name keys): case and accent folding, and a fast, stable 64-bit string hash.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Letters that do not decompose under NFD but have a conventional ASCII spelling.
fn fold_special(c: char, out: &mut String) -> bool {
    let s = match c {
        'ß' => "ss",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        'ø' | 'Ø' => "o",
        'ł' | 'Ł' => "l",
        'đ' | 'Đ' | 'ð' | 'Ð' => "d",
        'þ' | 'Þ' => "th",
        'ı' => "i",
        _ => return false,
    };
    out.push_str(s);
    true
}

/// Appends `s` lower-cased and with accents removed (`Zoë Müller` -> `zoe muller`), apostrophes
/// normalised to `'`.
pub(crate) fn fold_into(s: &str, out: &mut String) {
    if s.is_ascii() {
        out.extend(s.chars().map(|c| c.to_ascii_lowercase()));
        return;
    }
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        if c == '\u{2019}' || c == '\u{2018}' || c == '\u{02BC}' {
            out.push('\'');
            continue;
        }
        if fold_special(c, out) {
            continue;
        }
        out.extend(c.to_lowercase());
    }
}

/// `s` lower-cased and with accents removed.
#[cfg(test)]
pub(crate) fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out);
    out
}

/// FNV-1a: short strings, no allocation, identical on every platform (the model file depends on it).
pub(crate) fn hash_str(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Murmur3's finaliser: spreads every input bit over the high bits that pick a weight row.
pub(crate) fn fmix(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_accents() {
        assert_eq!(fold("Zoë MÜLLER"), "zoe muller");
        assert_eq!(fold("Łukasz Øster Straße"), "lukasz oster strasse");
        assert_eq!(fold("Ukraine’s"), "ukraine's");
        assert_eq!(fold("plain"), "plain");
    }

    #[test]
    fn hash_is_stable() {
        // The committed model's weights are indexed by these hashes: they must never change.
        assert_eq!(hash_str(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash_str("a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(fmix(1), fmix(2));
    }
}
