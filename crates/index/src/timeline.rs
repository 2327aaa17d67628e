//! Attention over time: how many articles match a query per day, ISO week or month, beside
//! how many articles there are in all, so that a rise in attention is not mistaken for a rise
//! in what was collected.
//!
//! Counts come from the publication-date fast column of the matching documents (a collector
//! that counts per day, then days summed into buckets): no article is loaded. Every series of
//! a request shares the buckets, and buckets without matches are present with zeros.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};
use rustc_hash::FxHashMap;
use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::{AllQuery, Query};
use tantivy::{DocId, Score, SegmentReader};

use crate::compile::Compiler;
use crate::query;
use crate::search::{Parsed, nothing_to_search};
use crate::{ArticleIndex, Error, Filters, Result};

/// The most buckets one timeline may have: a year of days is 366, a century of months 1,200;
/// more is a misread date stretching the default range, or a range asked for by mistake.
pub const MAX_BUCKETS: usize = 10_000;

const SECONDS_PER_DAY: i64 = 86_400;

/// The width of a timeline's buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bucket {
    /// Calendar days (UTC).
    Day,
    /// ISO 8601 weeks: Monday to Sunday, numbered within the ISO week-based year.
    #[default]
    Week,
    /// Calendar months.
    Month,
}

impl Bucket {
    /// The first day of the bucket `date` falls in.
    pub fn start_of(self, date: NaiveDate) -> NaiveDate {
        match self {
            Self::Day => date,
            Self::Week => date - Days::new(u64::from(date.weekday().num_days_from_monday())),
            Self::Month => date.with_day(1).unwrap_or(date),
        }
    }

    /// The first day of the bucket after the one starting on `start`.
    pub fn next(self, start: NaiveDate) -> Option<NaiveDate> {
        match self {
            Self::Day => start.succ_opt(),
            Self::Week => start.checked_add_days(Days::new(7)),
            Self::Month => start.checked_add_months(Months::new(1)),
        }
    }

    /// How the bucket starting on `start` is written: `2025-08-14`, `2025-W33`, `2025-08`.
    pub fn label(self, start: NaiveDate) -> String {
        match self {
            Self::Day => start.format("%Y-%m-%d").to_string(),
            Self::Week => {
                let week = start.iso_week();
                format!("{}-W{:02}", week.year(), week.week())
            }
            Self::Month => start.format("%Y-%m").to_string(),
        }
    }

    /// The bucket's name as the CLI and the API take it: `day`, `week`, `month`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
        }
    }
}

/// A timeline: one series per query, counted in the same buckets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineRequest {
    /// One query per series (in the query language of [`crate::SearchRequest`]); an empty one
    /// counts the articles the filters alone select.
    pub series: Vec<String>,
    /// Applied to every series. `since` and `until` bound the buckets (widened to whole
    /// buckets) instead of filtering; without them the buckets span the dated matches.
    /// `sites` and `langs` also narrow "all articles", the collection the shares are of.
    pub filters: Filters,
    /// The buckets' width.
    pub by: Bucket,
}

impl TimelineRequest {
    /// One series per query, in buckets of `by`, with no filters.
    pub fn new(series: Vec<String>, by: Bucket) -> Self {
        Self {
            series,
            filters: Filters::default(),
            by,
        }
    }
}

/// Counts per bucket for every series, and for all articles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timeline {
    /// The buckets' width.
    pub by: Bucket,
    /// One per query asked for, in the order asked.
    pub series: Vec<TimelineSeries>,
    /// In date order, contiguous, covering the range asked for (or the dated matches).
    pub buckets: Vec<TimelineBucket>,
    /// Articles without a publication date in the collection ("all"), counted apart.
    pub undated_all: u64,
    /// Things worth telling the user (an ambiguous surname, an outdated index).
    pub notes: Vec<String>,
}

/// One series of a timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineSeries {
    /// The query as given (the filters when it was empty).
    pub query: String,
    /// Dated matches within the buckets.
    pub total: u64,
    /// Matches without a publication date, counted apart.
    pub undated: u64,
}

/// One bucket of a timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineBucket {
    /// Its first day.
    pub start: NaiveDate,
    /// Its last day (inclusive).
    pub end: NaiveDate,
    /// `2025-08-14`, `2025-W33` or `2025-08`.
    pub label: String,
    /// Articles of the collection published in the bucket.
    pub all: u64,
    /// Matches of each series, in the order of [`Timeline::series`].
    pub matches: Vec<u64>,
}

impl TimelineBucket {
    /// The share of all articles that series `n` matched, or `None` with no articles.
    #[allow(clippy::cast_precision_loss)]
    pub fn share(&self, n: usize) -> Option<f64> {
        let matches = *self.matches.get(n)?;
        (self.all > 0).then(|| matches as f64 / self.all as f64)
    }
}

impl ArticleIndex {
    /// Counts the articles matching each series of `request` per bucket of publication date,
    /// and all articles in the same buckets. See [`TimelineRequest`] for the range.
    pub fn timeline(&self, request: &TimelineRequest) -> Result<Timeline> {
        let range = Range::of(&request.filters)?;
        let selecting = Filters {
            since: None,
            until: None,
            ..request.filters.clone()
        };
        let collection = Filters {
            sites: request.filters.sites.clone(),
            langs: request.filters.langs.clone(),
            ..Filters::default()
        };
        let searcher = self.reader.searcher();
        let people = self.people(&searcher)?;
        let mut notes: Vec<String> = self.outdated.iter().cloned().collect();
        let mut series = Vec::with_capacity(request.series.len());
        let mut counted = Vec::with_capacity(request.series.len());
        for text in &request.series {
            let parsed = Parsed::new(text, &selecting, None)?;
            let Some(node) = parsed.node() else {
                return Err(Error::Query {
                    query: text.clone(),
                    message: "the query is empty; give words to search for or a filter".into(),
                });
            };
            let compiled = Compiler::new(self.fields, Some(&people), Some(&searcher))
                .compile(&node)
                .ok_or_else(|| nothing_to_search(text))?;
            for note in compiled.notes {
                if !notes.contains(&note) {
                    notes.push(note);
                }
            }
            counted.push(searcher.search(&*compiled.query, &DayCollector)?);
            series.push(if text.trim().is_empty() {
                node.to_string()
            } else {
                text.clone()
            });
        }
        let all_query: Box<dyn Query> = match Parsed::new("", &collection, None)?.node() {
            Some(node) => {
                Compiler::new(self.fields, Some(&people), Some(&searcher))
                    .compile(&node)
                    .ok_or_else(|| nothing_to_search(""))?
                    .query
            }
            None => Box::new(AllQuery),
        };
        let all = searcher.search(&*all_query, &DayCollector)?;

        let Some((first, last)) = range.bounds(&counted, &all) else {
            return Ok(Timeline {
                by: request.by,
                series: series
                    .into_iter()
                    .zip(&counted)
                    .map(|(query, counts)| TimelineSeries {
                        query,
                        total: 0,
                        undated: counts.undated,
                    })
                    .collect(),
                buckets: Vec::new(),
                undated_all: all.undated,
                notes,
            });
        };
        let buckets = buckets(request.by, first, last)?;
        let mut out: Vec<TimelineBucket> = buckets
            .iter()
            .map(|&(start, end)| TimelineBucket {
                start,
                end,
                label: request.by.label(start),
                all: 0,
                matches: vec![0; counted.len()],
            })
            .collect();
        let starts: Vec<i64> = buckets
            .iter()
            .map(|(start, _)| day_number(*start))
            .collect();
        let end_day = buckets
            .last()
            .map_or(i64::MIN, |(_, end)| day_number(*end) + 1);
        let slot = |day: i64| -> Option<usize> {
            if day < starts[0] || day >= end_day {
                return None;
            }
            // The last bucket starting on or before the day.
            Some(starts.partition_point(|start| *start <= day) - 1)
        };
        for (&day, &count) in &all.days {
            if let Some(n) = slot(day) {
                out[n].all += count;
            }
        }
        let mut timeline_series = Vec::with_capacity(series.len());
        for (number, (query, counts)) in series.into_iter().zip(&counted).enumerate() {
            let mut total = 0;
            for (&day, &count) in &counts.days {
                if let Some(n) = slot(day) {
                    out[n].matches[number] += count;
                    total += count;
                }
            }
            timeline_series.push(TimelineSeries {
                query,
                total,
                undated: counts.undated,
            });
        }
        Ok(Timeline {
            by: request.by,
            series: timeline_series,
            buckets: out,
            undated_all: all.undated,
            notes,
        })
    }
}

/// The days a request asks for: from the start of `since`, to the end of `until`.
struct Range {
    first: Option<NaiveDate>,
    last: Option<NaiveDate>,
}

impl Range {
    fn of(filters: &Filters) -> Result<Self> {
        let invalid = |filter: &'static str, value: &str, message: String| Error::Filter {
            filter,
            value: value.to_owned(),
            message,
        };
        let since = filters
            .since
            .as_deref()
            .map(|value| {
                query::period(value)
                    .map(|(start, _)| start.date_naive())
                    .map_err(|message| invalid("since date", value, message))
            })
            .transpose()?;
        let until = filters
            .until
            .as_deref()
            .map(|value| {
                query::period(value)
                    .map(|(_, end)| (end - chrono::Duration::seconds(1)).date_naive())
                    .map_err(|message| invalid("until date", value, message))
            })
            .transpose()?;
        if let (Some(first), Some(last), Some(since), Some(until)) =
            (since, until, &filters.since, &filters.until)
            && first > last
        {
            return Err(invalid(
                "since date",
                since,
                format!("it is later than the until date `{until}`, so no article can match"),
            ));
        }
        Ok(Self {
            first: since,
            last: until,
        })
    }

    /// The first and last day to count: as asked, else the span of the dated matches (or of
    /// all articles when nothing matched); `None` when there is nothing to count.
    fn bounds(&self, series: &[DayCounts], all: &DayCounts) -> Option<(NaiveDate, NaiveDate)> {
        let span = |counts: &mut dyn Iterator<Item = &DayCounts>| {
            let mut days = counts.flat_map(|counts| counts.days.keys().copied());
            let first = days.next()?;
            Some(days.fold((first, first), |(lo, hi), day| (lo.min(day), hi.max(day))))
        };
        let (lo, hi) = span(&mut series.iter())
            .or_else(|| span(&mut std::iter::once(all)))
            .map_or((None, None), |(lo, hi)| (day_date(lo), day_date(hi)));
        let first = self.first.or(lo)?;
        let last = self.last.or(hi)?;
        // A default end before an explicit start (matches only before `since`): one bucket.
        Some((first, last.max(first)))
    }
}

/// The buckets from the one holding `first` to the one holding `last`, as (first day, last
/// day) pairs.
fn buckets(by: Bucket, first: NaiveDate, last: NaiveDate) -> Result<Vec<(NaiveDate, NaiveDate)>> {
    let mut out = Vec::new();
    let mut start = by.start_of(first);
    while start <= last {
        let Some(next) = by.next(start) else { break };
        if out.len() == MAX_BUCKETS {
            return Err(Error::Filter {
                filter: "period",
                value: format!("{first}..{last}"),
                message: format!(
                    "it spans more than {MAX_BUCKETS} {}s; give --since and --until, or count by a longer period",
                    by.name()
                ),
            });
        }
        out.push((start, next.pred_opt().unwrap_or(next)));
        start = next;
    }
    Ok(out)
}

/// Days since 1970-01-01.
fn day_number(date: NaiveDate) -> i64 {
    date.and_hms_opt(0, 0, 0).map_or(0, |time| {
        time.and_utc().timestamp().div_euclid(SECONDS_PER_DAY)
    })
}

fn day_date(day: i64) -> Option<NaiveDate> {
    DateTime::<Utc>::from_timestamp(day.checked_mul(SECONDS_PER_DAY)?, 0).map(|t| t.date_naive())
}

/// Matching documents per day of publication, and those without a date.
#[derive(Debug, Default)]
struct DayCounts {
    days: FxHashMap<i64, u64>,
    undated: u64,
}

/// Counts the matches per publication day from the `published` fast column.
struct DayCollector;

struct DaySegment {
    published: Column<tantivy::DateTime>,
    counts: DayCounts,
    /// The day of the last document counted, whose entry is still to be added: matches come
    /// in document order, and documents indexed together are often of one day.
    run: Option<(i64, u64)>,
}

impl Collector for DayCollector {
    type Fruit = DayCounts;
    type Child = DaySegment;

    fn for_segment(&self, _: u32, segment: &SegmentReader) -> tantivy::Result<DaySegment> {
        Ok(DaySegment {
            published: segment.fast_fields().date("published")?,
            counts: DayCounts::default(),
            run: None,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<DayCounts>) -> tantivy::Result<DayCounts> {
        let mut merged = DayCounts::default();
        for fruit in fruits {
            merged.undated += fruit.undated;
            for (day, count) in fruit.days {
                *merged.days.entry(day).or_default() += count;
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for DaySegment {
    type Fruit = DayCounts;

    fn collect(&mut self, doc: DocId, _: Score) {
        match self.published.first(doc) {
            Some(date) => {
                let day = date.into_timestamp_secs().div_euclid(SECONDS_PER_DAY);
                match &mut self.run {
                    Some((run_day, count)) if *run_day == day => *count += 1,
                    run => {
                        if let Some((run_day, count)) = run.take() {
                            *self.counts.days.entry(run_day).or_default() += count;
                        }
                        *run = Some((day, 1));
                    }
                }
            }
            None => self.counts.undated += 1,
        }
    }

    fn harvest(mut self) -> DayCounts {
        if let Some((day, count)) = self.run.take() {
            *self.counts.days.entry(day).or_default() += count;
        }
        self.counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;
    use crate::index::tests::{article, person};
    use chrono::TimeZone;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn buckets_are_iso_weeks_months_and_days() {
        // 2025-01-01 is a Wednesday, in ISO week 1 of 2025, which starts on 2024-12-30.
        assert_eq!(Bucket::Week.start_of(date(2025, 1, 1)), date(2024, 12, 30));
        assert_eq!(Bucket::Week.label(date(2024, 12, 30)), "2025-W01");
        // 2021-01-03 (a Sunday) is in ISO week 53 of 2020.
        assert_eq!(Bucket::Week.start_of(date(2021, 1, 3)), date(2020, 12, 28));
        assert_eq!(Bucket::Week.label(date(2020, 12, 28)), "2020-W53");
        assert_eq!(Bucket::Month.start_of(date(2024, 2, 29)), date(2024, 2, 1));
        assert_eq!(Bucket::Month.next(date(2024, 2, 1)), Some(date(2024, 3, 1)));
        assert_eq!(Bucket::Day.label(date(2025, 8, 14)), "2025-08-14");
        let weeks = buckets(Bucket::Week, date(2025, 1, 1), date(2025, 1, 13)).unwrap();
        assert_eq!(
            weeks,
            [
                (date(2024, 12, 30), date(2025, 1, 5)),
                (date(2025, 1, 6), date(2025, 1, 12)),
                (date(2025, 1, 13), date(2025, 1, 19)),
            ]
        );
        assert!(buckets(Bucket::Day, date(1800, 1, 1), date(2100, 1, 1)).is_err());
    }

    fn dated(url: &str, title: &str, text: &str, y: i32, m: u32, d: u32) -> newsdex_types::Article {
        let mut article = article(url, title, text);
        article.published = Some(Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap());
        article
    }

    #[test]
    fn series_share_buckets_with_empty_ones_present_and_undated_apart() {
        let dir = tempfile::tempdir().unwrap();
        let index = ArticleIndex::open(dir.path(), &Config::default()).unwrap();
        let mut writer = index.writer().unwrap();
        let starmer = [person("Keir Starmer")];
        let macron = [person("Emmanuel Macron")];
        // Week of 2025-08-04: two Starmer articles and one other; the next week nothing; the
        // week of 2025-08-18: one Macron (in French) and one Starmer; one undated Starmer.
        writer
            .upsert(
                &dated(
                    "https://a.example/1",
                    "Talks",
                    "Переговоры продолжатся.",
                    2025,
                    8,
                    4,
                ),
                &starmer,
            )
            .unwrap();
        writer
            .upsert(
                &dated(
                    "https://a.example/2",
                    "Talks again",
                    "More talks.",
                    2025,
                    8,
                    10,
                ),
                &starmer,
            )
            .unwrap();
        writer
            .upsert(
                &dated("https://a.example/3", "Weather", "Rain.", 2025, 8, 6),
                &[],
            )
            .unwrap();
        writer
            .upsert(
                &dated(
                    "https://b.example/4",
                    "Sommet",
                    "Le président a parlé.",
                    2025,
                    8,
                    18,
                ),
                &macron,
            )
            .unwrap();
        writer
            .upsert(
                &dated("https://b.example/5", "Budget", "Numbers.", 2025, 8, 24),
                &starmer,
            )
            .unwrap();
        writer
            .upsert(
                &article("https://b.example/6", "Undated", "No date."),
                &starmer,
            )
            .unwrap();
        writer.commit().unwrap();
        drop(writer);

        let timeline = index
            .timeline(&TimelineRequest::new(
                vec!["person:\"Keir Starmer\"".into(), "person:Macron".into()],
                Bucket::Week,
            ))
            .unwrap();
        let rows: Vec<(String, u64, Vec<u64>)> = timeline
            .buckets
            .iter()
            .map(|b| (b.label.clone(), b.all, b.matches.clone()))
            .collect();
        assert_eq!(
            rows,
            [
                ("2025-W32".to_owned(), 3, vec![2, 0]),
                ("2025-W33".to_owned(), 0, vec![0, 0]),
                ("2025-W34".to_owned(), 2, vec![1, 1]),
            ]
        );
        assert_eq!(timeline.series[0].total, 3);
        assert_eq!(timeline.series[0].undated, 1);
        assert_eq!(timeline.series[1].undated, 0);
        assert_eq!(timeline.undated_all, 1);
        assert_eq!(timeline.buckets[0].start, date(2025, 8, 4));
        assert_eq!(timeline.buckets[0].end, date(2025, 8, 10));
        assert!((timeline.buckets[0].share(0).unwrap() - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(timeline.buckets[1].share(0), None);

        // An explicit range, by month, narrowed to one site: "all" is that site's articles.
        let mut request = TimelineRequest::new(vec!["talks".into()], Bucket::Month);
        request.filters.since = Some("2025-07".into());
        request.filters.until = Some("2025-09-02".into());
        request.filters.sites = vec!["a.example".into()];
        let months = index.timeline(&request).unwrap();
        let rows: Vec<(String, u64, Vec<u64>)> = months
            .buckets
            .iter()
            .map(|b| (b.label.clone(), b.all, b.matches.clone()))
            .collect();
        assert_eq!(
            rows,
            [
                ("2025-07".to_owned(), 0, vec![0]),
                ("2025-08".to_owned(), 3, vec![2]),
                ("2025-09".to_owned(), 0, vec![0]),
            ]
        );
        // A non-English query counts like any other.
        let russian = index
            .timeline(&TimelineRequest::new(
                vec!["переговоры".into()],
                Bucket::Day,
            ))
            .unwrap();
        assert_eq!(russian.series[0].total, 1);
        assert_eq!(russian.buckets.len(), 1);
    }

    #[test]
    fn query_errors_name_their_column_and_reversed_ranges_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let index = ArticleIndex::open(dir.path(), &Config::default()).unwrap();
        let err = index
            .timeline(&TimelineRequest::new(
                vec!["talks (budget".into()],
                Bucket::Week,
            ))
            .unwrap_err();
        assert!(err.to_string().contains("column 7"), "{err}");
        let mut request = TimelineRequest::new(vec!["talks".into()], Bucket::Week);
        request.filters.since = Some("2025-09".into());
        request.filters.until = Some("2025-08".into());
        assert!(index.timeline(&request).is_err());
        // Nothing indexed: no buckets, no error.
        let empty = index
            .timeline(&TimelineRequest::new(vec!["talks".into()], Bucket::Week))
            .unwrap();
        assert!(empty.buckets.is_empty());
    }
}
