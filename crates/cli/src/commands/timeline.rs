//! `newsdex timeline`: how many articles matched per day, week or month, against all articles.

#![allow(clippy::print_stdout)]

use std::io::Write;

use newsdex_index::{Bucket, Timeline, TimelineRequest};

use crate::ExitStatus;
use crate::commands::search::FilterArgs;
use crate::data_dir::DataDir;
use crate::output::printable;

/// Width of the longest bar of a series in the terminal chart.
const BAR_WIDTH: usize = 24;

/// Count the matches of one or more queries per day, ISO week or month of publication.
///
/// Each QUERY is one series (`newsdex timeline 'person:"Keir Starmer"' 'person:"Emmanuel
/// Macron"'`); the series share the buckets, so they can be compared. For every bucket the
/// chart shows the matches, all articles of the archive (of the `--site` and `--lang` given),
/// and the share, so that a rise in attention is not just a rise in what was collected.
/// Buckets without matches are shown (zero); articles without a publication date are
/// counted apart. `--since` and `--until` bound the buckets (widened to whole weeks or
/// months); without them the buckets span the matches.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// One query per series, e.g. `brexit` `'person:"Keir Starmer"'`; may be left out when a
    /// filter is given.
    #[arg(num_args = 0.., value_name = "QUERY")]
    queries: Vec<String>,

    #[command(flatten)]
    filters: FilterArgs,

    /// Bucket size: `day`, `week` (ISO weeks, Monday to Sunday) or `month`.
    #[arg(long, value_enum, default_value_t = ByArg::Week)]
    by: ByArg,

    /// Print one JSON document: `{"by", "series": [{"query", "total", "undated"}],
    /// "undated_all", "buckets": [{"label", "start", "end", "all", "matches": [..],
    /// "shares": [..]}], "notes"}`.
    #[arg(long, conflicts_with = "csv")]
    json: bool,

    /// Print CSV: `bucket,start,end,all,` then `matches,share` per series (one row per
    /// bucket; a share is empty when the bucket has no articles).
    #[arg(long)]
    csv: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ByArg {
    Day,
    Week,
    Month,
}

pub fn run(data_dir: &DataDir, args: &Args) -> anyhow::Result<ExitStatus> {
    let index = data_dir.existing()?.index()?;
    let mut series = args.queries.clone();
    if series.is_empty() {
        // The filters alone are the series (`timeline --person "Keir Starmer"`).
        series.push(String::new());
    }
    let request = TimelineRequest {
        series,
        filters: args.filters.to_filters(),
        by: match args.by {
            ByArg::Day => Bucket::Day,
            ByArg::Week => Bucket::Week,
            ByArg::Month => Bucket::Month,
        },
    };
    let timeline = index.timeline(&request)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        // Serialised first: a reader that went away is then an I/O error (not an error of serde's).
        out.write_all(serde_json::to_string_pretty(&json(&timeline))?.as_bytes())?;
        writeln!(out)?;
    } else if args.csv {
        write_csv(&mut out, &timeline)?;
    } else {
        write_chart(&mut out, &timeline)?;
    }
    out.flush()?;
    Ok(ExitStatus::Success)
}

/// The JSON of a timeline: what `--json` prints.
pub fn json(timeline: &Timeline) -> serde_json::Value {
    let buckets: Vec<serde_json::Value> = timeline
        .buckets
        .iter()
        .map(|bucket| {
            serde_json::json!({
                "label": bucket.label,
                "start": bucket.start,
                "end": bucket.end,
                "all": bucket.all,
                "matches": bucket.matches,
                "shares": (0..bucket.matches.len()).map(|n| bucket.share(n)).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::json!({
        "by": timeline.by,
        "series": timeline.series,
        "undated_all": timeline.undated_all,
        "buckets": buckets,
        "notes": timeline.notes,
    })
}

fn write_csv(out: &mut impl Write, timeline: &Timeline) -> std::io::Result<()> {
    let mut header = vec![
        "bucket".to_owned(),
        "start".to_owned(),
        "end".to_owned(),
        "all".to_owned(),
    ];
    for (n, series) in timeline.series.iter().enumerate() {
        let name = if timeline.series.len() == 1 {
            String::new()
        } else {
            format!(" {}", n + 1)
        };
        header.push(csv_field(&format!("matches{name}: {}", series.query)));
        header.push(csv_field(&format!("share{name}")));
    }
    writeln!(out, "{}", header.join(","))?;
    for bucket in &timeline.buckets {
        let mut row = vec![
            bucket.label.clone(),
            bucket.start.to_string(),
            bucket.end.to_string(),
            bucket.all.to_string(),
        ];
        for (n, matches) in bucket.matches.iter().enumerate() {
            row.push(matches.to_string());
            row.push(
                bucket
                    .share(n)
                    .map(|share| format!("{share:.6}"))
                    .unwrap_or_default(),
            );
        }
        writeln!(out, "{}", row.join(","))?;
    }
    Ok(())
}

/// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// The terminal chart: per series a line with its totals and scale, and a sparkline of its
/// share over the whole range; then one row per bucket with the counts and a bar per series
/// (each series scaled to its own highest share, which its header states).
fn write_chart(out: &mut impl Write, timeline: &Timeline) -> std::io::Result<()> {
    for note in &timeline.notes {
        writeln!(out, "note: {}", printable(note))?;
    }
    let unit = timeline.by.name();
    if timeline.buckets.is_empty() {
        for series in &timeline.series {
            writeln!(
                out,
                "`{}`: no dated matches ({} undated)",
                printable(&series.query),
                series.undated
            )?;
        }
        return Ok(());
    }
    let first = &timeline.buckets[0];
    let last = &timeline.buckets[timeline.buckets.len() - 1];
    writeln!(
        out,
        "{} {unit}s from {} to {}; all articles: {} dated, {} undated",
        timeline.buckets.len(),
        first.start,
        last.end,
        timeline.buckets.iter().map(|b| b.all).sum::<u64>(),
        timeline.undated_all
    )?;
    let peaks: Vec<f64> = (0..timeline.series.len())
        .map(|n| {
            timeline
                .buckets
                .iter()
                .filter_map(|bucket| bucket.share(n))
                .fold(0.0, f64::max)
        })
        .collect();
    for (n, series) in timeline.series.iter().enumerate() {
        let spark: String = timeline
            .buckets
            .iter()
            .map(|bucket| spark(bucket.share(n).unwrap_or(0.0), peaks[n]))
            .collect();
        writeln!(
            out,
            "[{}] `{}`: {} matches, {} undated; bar and sparkline scale: full = {:.1}% of all",
            n + 1,
            printable(&series.query),
            series.total,
            series.undated,
            peaks[n] * 100.0
        )?;
        writeln!(out, "    {spark}")?;
    }
    writeln!(out)?;
    let label_width = timeline
        .buckets
        .iter()
        .map(|bucket| bucket.label.len())
        .max()
        .unwrap_or(0);
    let all_width = timeline
        .buckets
        .iter()
        .map(|bucket| bucket.all.to_string().len())
        .max()
        .unwrap_or(1)
        .max(3);
    let mut header = format!("{:<label_width$}  {:>all_width$}", unit, "all");
    for n in 0..timeline.series.len() {
        header.push_str(&format!(
            "  {:>6} {:>6} {:<BAR_WIDTH$}",
            format!("[{}]", n + 1),
            "share",
            ""
        ));
    }
    writeln!(out, "{}", header.trim_end())?;
    for bucket in &timeline.buckets {
        let mut row = format!("{:<label_width$}  {:>all_width$}", bucket.label, bucket.all);
        for (n, matches) in bucket.matches.iter().enumerate() {
            let share = bucket.share(n);
            let shown = share.map_or_else(|| "-".to_owned(), |s| format!("{:.1}%", s * 100.0));
            row.push_str(&format!(
                "  {matches:>6} {shown:>6} {:<BAR_WIDTH$}",
                bar(share.unwrap_or(0.0), peaks[n])
            ));
        }
        writeln!(out, "{}", row.trim_end())?;
    }
    Ok(())
}

/// A bar of `value` on a scale where `peak` is [`BAR_WIDTH`] cells, in eighths of a cell.
fn bar(value: f64, peak: f64) -> String {
    const PARTS: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
    if peak <= 0.0 || value <= 0.0 {
        return String::new();
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let eighths = ((value / peak) * (BAR_WIDTH * 8) as f64).round().max(1.0) as usize;
    let mut out = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        out.push(PARTS[eighths % 8 - 1]);
    }
    out
}

/// One sparkline cell for `value` on a scale up to `peak`; a space for nothing at all.
fn spark(value: f64, peak: f64) -> char {
    const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    if peak <= 0.0 || value <= 0.0 {
        return ' ';
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let level = ((value / peak) * 7.0).round() as usize;
    LEVELS[level.min(7)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_and_sparks_are_scaled_to_the_peak() {
        assert_eq!(bar(0.5, 0.5).chars().count(), BAR_WIDTH);
        assert_eq!(bar(0.25, 0.5).chars().count(), BAR_WIDTH / 2);
        assert_eq!(bar(0.0, 0.5), "");
        assert_eq!(bar(0.0001, 0.5), "▏", "anything above zero shows");
        assert_eq!(spark(0.2, 0.2), '█');
        assert_eq!(spark(0.0, 0.2), ' ');
        assert_eq!(csv_field("a,\"b\""), "\"a,\"\"b\"\"\"");
    }
}
