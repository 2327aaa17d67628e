//! Value parsers for numeric flags: every number a user types is checked against a range that
//! the message states, so that `--delay 1e20` is a one-line error instead of a `Duration`
//! overflow deep inside the crawler, and nothing is silently clamped.

use std::fmt;
use std::ops::RangeInclusive;
use std::time::Duration;

/// A number of seconds as typed (`1`, `0.5`), kept as a `Duration` once it is known to fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Seconds(pub Duration);

impl fmt::Display for Seconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.as_secs_f64())
    }
}

/// A clap value parser for seconds within `range` (inclusive).
pub fn seconds_in(
    range: RangeInclusive<Duration>,
) -> impl Fn(&str) -> Result<Seconds, String> + Clone + Send + Sync + 'static {
    move |text: &str| {
        let (low, high) = (range.start().as_secs_f64(), range.end().as_secs_f64());
        match text.trim().parse::<f64>() {
            Ok(seconds) if seconds.is_finite() && (low..=high).contains(&seconds) => {
                Ok(Seconds(Duration::from_secs_f64(seconds)))
            }
            Ok(_) => Err(format!(
                "`{text}` is out of range: give between {low} and {high} seconds"
            )),
            Err(_) => Err(format!(
                "`{text}` is not a number of seconds (between {low} and {high})"
            )),
        }
    }
}

/// `range` as `u64`s, for [`count_in`] and [`size_in`] over a library's `usize` or `u32`
/// range (every such value fits a `u64` on the platforms Rust supports).
pub fn widened<T: Copy>(range: &RangeInclusive<T>) -> RangeInclusive<u64>
where
    u64: TryFrom<T>,
{
    let wide = |n: T| u64::try_from(n).unwrap_or(u64::MAX);
    wide(*range.start())..=wide(*range.end())
}

/// A help text for a flag whose range and default are a library's: what it does, then the
/// range and the default as the library has them (`...; 1 to 1024 [default: 16]`).
pub fn help(text: &str, range: &str, default: impl fmt::Display) -> String {
    format!("{text}; {range} [default: {default}]")
}

/// A range of seconds as the help writes it (`0.1 to 3600`).
pub fn seconds_range(range: &RangeInclusive<Duration>) -> String {
    format!("{} to {}", Seconds(*range.start()), Seconds(*range.end()))
}

/// A range of whole numbers as the help writes it (`1 to 1024`).
pub fn count_range<T: fmt::Display>(range: &RangeInclusive<T>) -> String {
    format!("{} to {}", range.start(), range.end())
}

/// A range of sizes as the help writes it (`1k to 1G`).
pub fn size_range(range: &RangeInclusive<u64>) -> String {
    format!("{} to {}", ByteSize(*range.start()), ByteSize(*range.end()))
}

/// A clap value parser for a whole number within `range` (inclusive).
pub fn count_in(
    range: RangeInclusive<u64>,
) -> impl Fn(&str) -> Result<u64, String> + Clone + Send + Sync + 'static {
    move |text: &str| {
        let (low, high) = (*range.start(), *range.end());
        match text.trim().parse::<u64>() {
            Ok(n) if (low..=high).contains(&n) => Ok(n),
            Ok(_) => Err(format!(
                "`{text}` is out of range: give a number from {low} to {high}"
            )),
            Err(_) => Err(format!(
                "`{text}` is not a whole number (from {low} to {high})"
            )),
        }
    }
}

/// A size in bytes as typed (`500k`, `20M`, `1G`, `4096`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteSize(pub u64);

impl fmt::Display for ByteSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [(u64, &str); 3] = [(1 << 30, "G"), (1 << 20, "M"), (1 << 10, "k")];
        for (unit, suffix) in UNITS {
            if self.0 >= unit && self.0.is_multiple_of(unit) {
                return write!(f, "{}{suffix}", self.0 / unit);
            }
        }
        write!(f, "{}", self.0)
    }
}

/// A clap value parser for a size within `range` bytes (inclusive).
pub fn size_in(
    range: RangeInclusive<u64>,
) -> impl Fn(&str) -> Result<ByteSize, String> + Clone + Send + Sync + 'static {
    move |text: &str| {
        let (low, high) = (ByteSize(*range.start()), ByteSize(*range.end()));
        let size = parse_size(text).ok_or_else(|| {
            format!("`{text}` is not a size (like 500k or 20M; from {low} to {high})")
        })?;
        if (low.0..=high.0).contains(&size) {
            Ok(ByteSize(size))
        } else {
            Err(format!(
                "`{text}` is out of range: give a size from {low} to {high}"
            ))
        }
    }
}

fn parse_size(text: &str) -> Option<u64> {
    let lower = text.trim().to_ascii_lowercase();
    let lower = lower.strip_suffix('b').unwrap_or(&lower);
    let (digits, unit) = match lower.char_indices().last() {
        Some((at, 'k')) => (&lower[..at], 1 << 10),
        Some((at, 'm')) => (&lower[..at], 1 << 20),
        Some((at, 'g')) => (&lower[..at], 1 << 30),
        _ => (lower, 1),
    };
    digits.trim().parse::<u64>().ok()?.checked_mul(unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_outside_their_range_are_errors_that_say_the_range() {
        let parse = seconds_in(Duration::ZERO..=Duration::from_secs(3600));
        assert_eq!(parse("1.5"), Ok(Seconds(Duration::from_millis(1500))));
        assert_eq!(parse("0"), Ok(Seconds(Duration::ZERO)));
        // Once a `Duration` overflow panic (`--delay 1e20`).
        let err = parse("1e20").unwrap_err();
        assert!(err.contains("between 0 and 3600"), "{err}");
        for bad in ["-1", "NaN", "inf", "soon", ""] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn counts_outside_their_range_are_errors_that_say_the_range() {
        let parse = count_in(1..=1024);
        assert_eq!(parse("16"), Ok(16));
        assert!(parse("0").unwrap_err().contains("from 1 to 1024"));
        assert!(parse("99999999999999999999999").is_err());
        assert!(parse("-3").is_err());
    }

    #[test]
    fn sizes_take_suffixes_and_a_range() {
        let parse = size_in(1 << 10..=1 << 30);
        assert_eq!(parse("20M"), Ok(ByteSize(20 << 20)));
        assert_eq!(parse("500kb"), Ok(ByteSize(500 << 10)));
        assert_eq!(parse("4096"), Ok(ByteSize(4096)));
        assert!(parse("2G").unwrap_err().contains("from 1k to 1G"));
        assert!(parse("18446744073709551615G").is_err());
        assert!(parse("lots").is_err());
        assert_eq!(ByteSize(20 << 20).to_string(), "20M");
        assert_eq!(ByteSize(1000).to_string(), "1000");
    }
}
