//! Language: from the page's markup when it says, else detected from the article text.

/// A language subtag is two letters (ISO 639-1) or three (ISO 639-2/3, for languages without
/// a two-letter code); anything else in `lang=` is not a language.
const SUBTAG_LETTERS: std::ops::RangeInclusive<usize> = 2..=3;

/// Characters of the text given to detection: a thousand or so decide as well as the whole
/// text, at a fraction of the cost.
const DETECT_CHARS: usize = 1500;

/// Below this many bytes of text, a guess whatlang itself calls unreliable is not given:
/// a short text (a caption, a teaser) can look like many languages. Longer texts keep
/// whatlang's best guess even when it calls it unreliable.
const MIN_UNRELIABLE_BYTES: usize = 200;

/// Normalises a markup language tag (`en-GB`, `EN_us`, `de`) to its ISO 639-1 primary subtag.
pub(crate) fn normalise_tag(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    let ok =
        SUBTAG_LETTERS.contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_alphabetic());
    ok.then_some(primary)
}

/// Detects the language of `text`, as an ISO 639-1 code where one exists (else 639-3).
pub(crate) fn detect(text: &str) -> Option<String> {
    let sample = match text.char_indices().nth(DETECT_CHARS) {
        Some((cut, _)) => &text[..cut],
        None => text,
    };
    let info = whatlang::detect(sample)?;
    if !info.is_reliable() && sample.len() < MIN_UNRELIABLE_BYTES {
        return None;
    }
    let code = info.lang().code();
    Some(iso639_1(code).unwrap_or(code).to_owned())
}

/// ISO 639-3 (as whatlang names them) to ISO 639-1.
fn iso639_1(code: &str) -> Option<&'static str> {
    const MAP: &[(&str, &str)] = &[
        ("afr", "af"),
        ("aka", "ak"),
        ("amh", "am"),
        ("ara", "ar"),
        ("aze", "az"),
        ("bel", "be"),
        ("ben", "bn"),
        ("bul", "bg"),
        ("cat", "ca"),
        ("ces", "cs"),
        ("cmn", "zh"),
        ("cym", "cy"),
        ("dan", "da"),
        ("deu", "de"),
        ("ell", "el"),
        ("eng", "en"),
        ("epo", "eo"),
        ("est", "et"),
        ("fin", "fi"),
        ("fra", "fr"),
        ("guj", "gu"),
        ("heb", "he"),
        ("hin", "hi"),
        ("hrv", "hr"),
        ("hun", "hu"),
        ("hye", "hy"),
        ("ind", "id"),
        ("ita", "it"),
        ("jav", "jv"),
        ("jpn", "ja"),
        ("kan", "kn"),
        ("kat", "ka"),
        ("khm", "km"),
        ("kor", "ko"),
        ("lat", "la"),
        ("lav", "lv"),
        ("lit", "lt"),
        ("mal", "ml"),
        ("mar", "mr"),
        ("mkd", "mk"),
        ("mya", "my"),
        ("nep", "ne"),
        ("nld", "nl"),
        ("nob", "nb"),
        ("ori", "or"),
        ("pan", "pa"),
        ("pes", "fa"),
        ("pol", "pl"),
        ("por", "pt"),
        ("ron", "ro"),
        ("rus", "ru"),
        ("sin", "si"),
        ("slk", "sk"),
        ("slv", "sl"),
        ("sna", "sn"),
        ("spa", "es"),
        ("srp", "sr"),
        ("swe", "sv"),
        ("tam", "ta"),
        ("tel", "te"),
        ("tgl", "tl"),
        ("tha", "th"),
        ("tuk", "tk"),
        ("tur", "tr"),
        ("ukr", "uk"),
        ("urd", "ur"),
        ("uzb", "uz"),
        ("vie", "vi"),
        ("yid", "yi"),
        ("zul", "zu"),
    ];
    MAP.iter()
        .find(|(three, _)| *three == code)
        .map(|(_, two)| *two)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_normalise() {
        assert_eq!(normalise_tag("en-GB").as_deref(), Some("en"));
        assert_eq!(normalise_tag(" DE_at ").as_deref(), Some("de"));
        assert_eq!(normalise_tag("x").as_deref(), None);
        assert_eq!(normalise_tag("").as_deref(), None);
    }

    #[test]
    fn detects_common_languages() {
        let de = "Die Bundesregierung hat am Mittwoch beschlossen, dass die Steuern im kommenden Jahr nicht erhöht werden sollen. Der Finanzminister sagte, man wolle die Wirtschaft stärken.";
        assert_eq!(detect(de).as_deref(), Some("de"));
        let en = "The government decided on Wednesday that taxes will not rise next year. The finance minister said the aim was to strengthen the economy and protect jobs.";
        assert_eq!(detect(en).as_deref(), Some("en"));
    }
}
