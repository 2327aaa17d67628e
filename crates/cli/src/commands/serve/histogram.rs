//! "When did it run": matches per day, week or month (the index's timeline), drawn by the
//! server as an inline SVG whose bars are links to the search narrowed to their period, so it
//! works without scripts.
//!
//! The counting is the index's ([`ArticleIndex::timeline`]); this module picks the bucket
//! width from the span of the matches and draws.

use chrono::NaiveDate;
use maud::{Markup, html};
use newsdex_index::{ArticleIndex, Bucket, Filters, Timeline, TimelineBucket, TimelineRequest};

/// The most bars drawn; a longer span shows its latest buckets and says how many were left out.
pub const MAX_BARS: usize = 160;

/// `day`, `week` or `month`, as `/api/timeline` takes it.
pub fn parse_bucket(text: &str) -> Option<Bucket> {
    match text {
        "day" => Some(Bucket::Day),
        "week" => Some(Bucket::Week),
        "month" => Some(Bucket::Month),
        _ => None,
    }
}

/// The width that shows a span of dates in a readable number of bars: days up to three
/// months, weeks up to two years, months beyond.
pub fn bucket_for_span(first: NaiveDate, last: NaiveDate) -> Bucket {
    let days = (last - first).num_days();
    if days <= 92 {
        Bucket::Day
    } else if days <= 2 * 366 {
        Bucket::Week
    } else {
        Bucket::Month
    }
}

/// The timeline of `query` and `filters`, per `by`, or, without it, per the width that suits
/// the span of the matches (counted per month first, then again per week or day if the span
/// is short).
pub fn timeline(
    index: &ArticleIndex,
    query: &str,
    filters: &Filters,
    by: Option<Bucket>,
) -> newsdex_index::Result<Timeline> {
    let request = |by| TimelineRequest {
        series: vec![query.to_owned()],
        filters: filters.clone(),
        by,
    };
    if let Some(by) = by {
        return index.timeline(&request(by));
    }
    let months = index.timeline(&request(Bucket::Month))?;
    let dated: Vec<&TimelineBucket> = months
        .buckets
        .iter()
        .filter(|bucket| bucket.matches.first().is_some_and(|n| *n > 0))
        .collect();
    let (Some(first), Some(last)) = (dated.first(), dated.last()) else {
        return Ok(months);
    };
    let (first, last) = (first.start, last.end);
    match bucket_for_span(first, last) {
        Bucket::Month => Ok(months),
        finer => {
            // Counted only over the months that have matches, unless a range was asked for.
            let mut narrowed = request(finer);
            if filters.since.is_none() && filters.until.is_none() {
                narrowed.filters.since = Some(first.to_string());
                narrowed.filters.until = Some(last.to_string());
            }
            index.timeline(&narrowed)
        }
    }
}

/// The `since` and `until` filters that select one bucket.
pub fn bounds(by: Bucket, bucket: &TimelineBucket) -> (String, String) {
    match by {
        Bucket::Month => (bucket.label.clone(), bucket.label.clone()),
        Bucket::Day | Bucket::Week => (bucket.start.to_string(), bucket.end.to_string()),
    }
}

/// The chart of a timeline's first series: one bar per bucket (the latest [`MAX_BARS`]), each
/// a link made by `narrow(since, until)`, its count and period in a tooltip and in the
/// link's accessible name. Nothing when no match has a date.
pub fn render(timeline: &Timeline, narrow: impl Fn(&str, &str) -> String) -> Markup {
    let by = timeline.by;
    let buckets = &timeline.buckets[timeline.buckets.len().saturating_sub(MAX_BARS)..];
    let left_out = timeline.buckets.len() - buckets.len();
    let count = |bucket: &TimelineBucket| bucket.matches.first().copied().unwrap_or(0);
    let total: u64 = buckets.iter().map(count).sum();
    let (Some(first), Some(last)) = (buckets.first(), buckets.last()) else {
        return html! {};
    };
    if total == 0 {
        return html! {};
    }
    let highest = buckets.iter().map(count).max().unwrap_or(0).max(1);
    // Ten units per bar, a hundred high; the stylesheet stretches it to the column's width.
    let width = buckets.len() * 10;
    html! {
        figure.histogram #histogram aria-label=(format!("matches per {}", by.name())) {
            svg viewBox=(format!("0 0 {width} 100")) preserveAspectRatio="none" role="img" {
                @for (i, bucket) in buckets.iter().enumerate() {
                    @let (since, until) = bounds(by, bucket);
                    @let n = count(bucket);
                    @let label = format!("{}: {} {}", bucket.label, n, if n == 1 { "match" } else { "matches" });
                    @let height = bar_height(n, highest);
                    a href=(narrow(&since, &until)) aria-label=(label) {
                        title { (label) }
                        rect.hitbox x=(i * 10) y="0" width="10" height="100" {}
                        @if n > 0 {
                            rect.bar x=(i * 10 + 1) y=(100 - height) width="8" height=(height) {}
                        }
                    }
                }
            }
            figcaption.axis {
                span { (first.label) }
                span {
                    (total) " dated matches, per " (by.name())
                    @if left_out > 0 { " (" (left_out) " earlier " (by.name()) "s not shown)" }
                }
                span { (last.label) }
            }
        }
    }
}

/// A bar's height out of 100; any match at all is at least 2 high, so it can be seen.
fn bar_height(count: u64, highest: u64) -> u64 {
    if count == 0 {
        0
    } else {
        (count * 100 / highest).max(2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn bucket(by: Bucket, start: &str, end: &str, n: u64) -> TimelineBucket {
        TimelineBucket {
            start: date(start),
            end: date(end),
            label: by.label(date(start)),
            all: n,
            matches: vec![n],
        }
    }

    fn timeline(by: Bucket, buckets: Vec<TimelineBucket>) -> Timeline {
        Timeline {
            by,
            series: Vec::new(),
            buckets,
            undated_all: 0,
            notes: Vec::new(),
        }
    }

    #[test]
    fn the_width_follows_the_span() {
        assert_eq!(
            bucket_for_span(date("2025-08-01"), date("2025-08-30")),
            Bucket::Day
        );
        assert_eq!(
            bucket_for_span(date("2025-01-01"), date("2025-12-31")),
            Bucket::Week
        );
        assert_eq!(
            bucket_for_span(date("2019-01-01"), date("2025-12-31")),
            Bucket::Month
        );
    }

    #[test]
    fn every_bar_links_to_its_period_and_says_its_count() {
        let days = timeline(
            Bucket::Day,
            vec![
                bucket(Bucket::Day, "2025-08-14", "2025-08-14", 3),
                bucket(Bucket::Day, "2025-08-15", "2025-08-15", 0),
                bucket(Bucket::Day, "2025-08-16", "2025-08-16", 1),
            ],
        );
        let svg = render(&days, |since, until| {
            format!("/?since={since}&until={until}")
        })
        .into_string();
        assert_eq!(svg.matches("<a ").count(), 3, "{svg}");
        assert!(
            svg.contains(r#"href="/?since=2025-08-14&amp;until=2025-08-14""#),
            "{svg}"
        );
        assert!(svg.contains("2025-08-14: 3 matches"), "{svg}");
        assert!(svg.contains("2025-08-15: 0 matches"), "{svg}");
        assert!(svg.contains("2025-08-16: 1 match<"), "{svg}");
        assert_eq!(svg.matches("class=\"bar\"").count(), 2, "no bar for zero");
        let weeks = timeline(
            Bucket::Week,
            vec![bucket(Bucket::Week, "2025-08-11", "2025-08-17", 2)],
        );
        let svg = render(&weeks, |since, until| format!("{since}..{until}")).into_string();
        assert!(svg.contains(r#"href="2025-08-11..2025-08-17""#), "{svg}");
        assert!(svg.contains("2025-W33: 2 matches"), "{svg}");
        let months = timeline(
            Bucket::Month,
            vec![bucket(Bucket::Month, "2024-02-01", "2024-02-29", 2)],
        );
        let svg = render(&months, |since, until| format!("{since}..{until}")).into_string();
        assert!(svg.contains(r#"href="2024-02..2024-02""#), "{svg}");
    }

    /// A span of centuries (dates are kept from 1700 to 2200) draws a bounded number of bars.
    #[test]
    fn a_long_span_draws_the_latest_bars_and_counts_the_rest() {
        let mut start = date("2000-01-01");
        let mut buckets = Vec::new();
        for n in 0..(MAX_BARS as u64 + 40) {
            buckets.push(TimelineBucket {
                start,
                end: start,
                label: Bucket::Day.label(start),
                all: 1,
                matches: vec![n % 3],
            });
            start = start.succ_opt().unwrap();
        }
        let svg = render(&timeline(Bucket::Day, buckets), |_, _| String::new()).into_string();
        assert_eq!(svg.matches("<a ").count(), MAX_BARS);
        assert!(svg.contains("(40 earlier days not shown)"), "{svg}");
        assert!(!svg.contains("2000-01-01"), "{svg}");
    }

    #[test]
    fn nothing_is_drawn_without_dated_matches() {
        let empty = timeline(
            Bucket::Month,
            vec![bucket(Bucket::Month, "2024-02-01", "2024-02-29", 0)],
        );
        assert_eq!(render(&empty, |_, _| String::new()).into_string(), "");
    }
}
