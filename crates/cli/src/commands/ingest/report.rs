//! What an ingest tells its user: a line per failure or skip on stderr, the progress bar,
//! the `--report` file (one JSON line per URL) and the final summary.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

use chrono::{DateTime, Utc};
use newsdex_fetcher::Listing;
use newsdex_types::RawPage;
use serde::Serialize;

use super::Origin;
use crate::outfile::{OutputFile, Protected};
use crate::output;
use crate::progress::Progress;

/// One line of `--report`.
#[derive(Serialize)]
pub struct ReportLine<'a> {
    url: &'a str,
    outcome: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    origin: Option<Origin>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    final_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    article_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    listed_title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    listed_published: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    found: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    queued: Option<usize>,
}

impl<'a> ReportLine<'a> {
    fn new(url: &'a str, outcome: &'a str) -> Self {
        Self {
            url,
            outcome,
            origin: None,
            reason: None,
            detail: None,
            status: None,
            final_url: None,
            article_url: None,
            listed_title: None,
            listed_published: None,
            kind: None,
            found: None,
            queued: None,
        }
    }
}

/// Counts outcomes, prints per-URL messages, writes the report and the final summary.
pub struct Tally {
    pub fetched: usize,
    pub not_modified: usize,
    ingested: usize,
    unchanged: usize,
    skipped: BTreeMap<String, usize>,
    failed: BTreeMap<String, usize>,
    from_files: usize,
    from_warc: usize,
    done: usize,
    report: Option<OutputFile>,
    report_error: Option<std::io::Error>,
    progress: Progress,
    quiet: bool,
    started: Instant,
}

impl Tally {
    /// Opens `report` (refused over anything `protected`) before anything runs.
    pub fn new(report: Option<&Path>, protected: &Protected, quiet: bool) -> anyhow::Result<Self> {
        let report = report
            .map(|path| OutputFile::create(path, "report", protected, true))
            .transpose()?;
        Ok(Self {
            ingested: 0,
            unchanged: 0,
            skipped: BTreeMap::new(),
            failed: BTreeMap::new(),
            fetched: 0,
            not_modified: 0,
            from_files: 0,
            from_warc: 0,
            done: 0,
            report,
            report_error: None,
            progress: Progress::new(quiet),
            quiet,
            started: Instant::now(),
        })
    }

    pub fn failed_total(&self) -> usize {
        self.failed.values().sum()
    }

    pub fn skipped_total(&self) -> usize {
        self.skipped.values().sum()
    }

    fn count_origin(&mut self, origin: Origin) {
        match origin {
            Origin::File => self.from_files += 1,
            Origin::Warc => self.from_warc += 1,
            Origin::Http | Origin::Store => {}
        }
    }

    pub fn ingested(
        &mut self,
        label: &str,
        page: &RawPage,
        article_url: &str,
        origin: Origin,
        listing: Option<&Listing>,
    ) {
        self.ingested += 1;
        self.done += 1;
        self.count_origin(origin);
        tracing::info!("{label}: ingested as {article_url}");
        let mut line = ReportLine::new(label, "ingested");
        line.origin = Some(origin);
        line.status = Some(page.status);
        line.final_url = Some(&page.final_url);
        line.article_url = Some(article_url);
        line.listed_title = listing.and_then(|l| l.title.as_deref());
        line.listed_published = listing.and_then(|l| l.published);
        self.write(&line);
    }

    /// A page that turned out to be another URL of an article already stored.
    pub fn same_article(&mut self, label: &str, article_url: &str, origin: Origin) {
        self.unchanged += 1;
        self.done += 1;
        self.count_origin(origin);
        tracing::info!("{label}: the same article as {article_url}, already stored");
        let mut line = ReportLine::new(label, "unchanged");
        line.origin = Some(origin);
        line.reason = Some("same article");
        line.article_url = Some(article_url);
        self.write(&line);
    }

    pub fn unchanged(&mut self, label: &str, origin: Origin) {
        self.unchanged += 1;
        self.done += 1;
        self.count_origin(origin);
        tracing::info!("{label}: unchanged");
        let mut line = ReportLine::new(label, "unchanged");
        line.origin = Some(origin);
        self.write(&line);
    }

    pub fn skip(&mut self, label: &str, reason: &str, detail: &str, origin: Origin) {
        *self.skipped.entry(reason.to_owned()).or_default() += 1;
        self.done += 1;
        self.count_origin(origin);
        if !self.quiet {
            self.progress
                .suspend(|| output::warning(&format!("{label}: skipped: {detail}")));
        }
        let mut line = ReportLine::new(label, "skipped");
        line.origin = Some(origin);
        line.reason = Some(reason);
        line.detail = Some(detail);
        self.write(&line);
    }

    pub fn fail(&mut self, label: &str, reason: &str, detail: &str, origin: Option<Origin>) {
        *self.failed.entry(reason.to_owned()).or_default() += 1;
        self.done += 1;
        self.progress
            .suspend(|| output::error(&format!("{label}: {detail}")));
        let mut line = ReportLine::new(label, "failed");
        line.origin = origin;
        line.reason = Some(reason);
        line.detail = Some(detail);
        self.write(&line);
    }

    pub fn source(&mut self, url: &str, kind: &str, found: usize, queued: usize) {
        tracing::info!("{url}: {kind} lists {found} URLs, {queued} queued");
        let mut line = ReportLine::new(url, "read");
        line.kind = Some(kind);
        line.found = Some(found);
        line.queued = Some(queued);
        self.write(&line);
    }

    pub fn progress(&mut self, expected: usize) {
        let failed = self.failed_total();
        self.progress.update(self.done, failed, expected);
    }

    fn write(&mut self, line: &ReportLine<'_>) {
        let Some(report) = self.report.as_mut() else {
            return;
        };
        // Flushed per line so that the report of an interrupted run is complete up to the stop.
        let written = serde_json::to_writer(&mut *report, line)
            .map_err(std::io::Error::from)
            .and_then(|()| report.write_all(b"\n"))
            .and_then(|()| report.flush());
        if let Err(err) = written {
            self.report_error.get_or_insert(err);
            self.report = None;
        }
    }

    /// Prints the summary: the first line is stable for scripts; the lines after it say
    /// where pages came from and why some were skipped or failed. A reader that went away
    /// (`| head -1`) is not an error: the exit code still says whether anything failed.
    pub fn finish(mut self) -> anyhow::Result<()> {
        self.progress.finish();
        if let Some(err) = self.report_error {
            return Err(anyhow::Error::from(err).context("cannot write the report"));
        }
        if let Some(report) = self.report.take() {
            report.commit()?;
        }
        match self.write_summary(&mut std::io::stdout().lock()) {
            Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => Err(err.into()),
            _ => Ok(()),
        }
    }

    fn write_summary(&self, out: &mut impl Write) -> std::io::Result<()> {
        writeln!(
            out,
            "ingested {}, unchanged {}, skipped {}, failed {}",
            self.ingested,
            self.unchanged,
            self.skipped.values().sum::<usize>(),
            self.failed_total()
        )?;
        if self.fetched + self.not_modified + self.from_warc > 0 {
            writeln!(
                out,
                "  fetched {} over HTTP ({} not modified), {} from files, {} from WARC, in {:.1}s",
                self.fetched + self.not_modified,
                self.not_modified,
                self.from_files,
                self.from_warc,
                self.started.elapsed().as_secs_f64()
            )?;
        }
        for (title, counts) in [("skipped", &self.skipped), ("failed", &self.failed)] {
            if !counts.is_empty() {
                let parts: Vec<String> = counts
                    .iter()
                    .map(|(reason, count)| format!("{count} {reason}"))
                    .collect();
                writeln!(out, "  {title}: {}", parts.join(", "))?;
            }
        }
        out.flush()
    }
}
