//! `newsdex clean --jsonl --warc FILE|-`: the cleaner and the person tagger over every HTML
//! response of WARC files or of a WARC stream on stdin, one JSON line per record
//! ([`RecordLine`]), nothing stored. This is the batch interface a Spark task drives: it pipes
//! a WARC file through one process and gets the articles and the raw responses back.

#![allow(clippy::print_stdout)]

use std::io::{BufWriter, Read, Write};
use std::path::PathBuf;

use newsdex_fetcher::WarcPages;

use crate::ExitStatus;
use crate::output;
use crate::pipeline::{Analyser, Analysis};
use crate::records::{RawRecord, RecordLine};

/// Cleans every WARC input in turn; a bad record or a bad file is a line with an `error`, and
/// the exit code is then 1, but the others are all cleaned.
pub fn run(analyser: &Analyser, files: &[PathBuf], max_body: u64) -> anyhow::Result<ExitStatus> {
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut failed = false;
    for (number, file) in files.iter().enumerate() {
        // With one input the Spark job numbers the file itself.
        let warc = (files.len() > 1).then_some(number as u64);
        let is_stdin = file.as_os_str() == "-";
        let label = if is_stdin {
            "stdin".to_owned()
        } else {
            file.display().to_string()
        };
        let input: anyhow::Result<Box<dyn Read>> = if is_stdin {
            Ok(Box::new(std::io::stdin().lock()))
        } else {
            std::fs::File::open(file)
                .map(|file| Box::new(file) as Box<dyn Read>)
                .map_err(|err| anyhow::anyhow!("cannot open `{label}`: {err}"))
        };
        let pages = input.and_then(|input| {
            WarcPages::from_reader(input, file, max_body)
                .map_err(|err| anyhow::anyhow!(output::one_line(&err)))
        });
        let pages = match pages {
            Ok(pages) => pages,
            Err(err) => {
                failed = true;
                write_line(
                    &mut out,
                    &RecordLine {
                        warc,
                        record: 0,
                        source: label,
                        ..error_line(format!("{err:#}"))
                    },
                )?;
                continue;
            }
        };
        for (record, page) in pages.enumerate() {
            let mut line = match page {
                Ok(page) => {
                    let mut line = match analyser.analyse(&page) {
                        Ok(Analysis::Article(analysed)) => RecordLine {
                            article: Some(analysed.article),
                            persons: Some(analysed.persons),
                            ..empty_line()
                        },
                        Ok(Analysis::Skipped(reason)) => RecordLine {
                            skipped: Some(reason),
                            ..empty_line()
                        },
                        Err(failure) => {
                            failed = true;
                            error_line(format!("cannot clean: {}", output::one_line(&failure)))
                        }
                    };
                    line.source.clone_from(&page.url);
                    line.raw = Some(RawRecord::of(&page));
                    line
                }
                Err(err) => {
                    failed = true;
                    RecordLine {
                        source: format!("{label} record {record}"),
                        ..error_line(output::one_line(&err))
                    }
                }
            };
            line.warc = warc;
            line.record = record as u64;
            write_line(&mut out, &line)?;
        }
    }
    out.flush()?;
    Ok(if failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

fn empty_line() -> RecordLine {
    RecordLine {
        warc: None,
        record: 0,
        source: String::new(),
        article: None,
        persons: None,
        skipped: None,
        error: None,
        raw: None,
        dup_key: None,
    }
}

fn error_line(error: String) -> RecordLine {
    RecordLine {
        error: Some(error),
        ..empty_line()
    }
}

fn write_line(out: &mut impl Write, line: &RecordLine) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *out, line)?;
    out.write_all(b"\n")?;
    Ok(())
}
