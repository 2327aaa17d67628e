//! Input discovery: arguments and `--urls` lines sorted into URLs to crawl, HTML files and
//! WARC files, and directories walked for HTML files.
//!
//! Directory walks follow symbolic links (a folder of saved pages is often a link) with loop
//! detection, visit each file once however many links lead to it, skip what is not a regular
//! file, and report an unreadable entry by its own path and go on.

use std::collections::HashSet;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

use anyhow::Context;
use newsdex_fetcher::Seed;

use super::args::Args;
use super::report::Tally;
use crate::local_file::is_html_name;
use crate::outfile::open_regular;

/// Longest line read from a `--urls` list: a URL is at most a few KB; a longer "line" is a
/// binary file given by mistake, not a list.
const MAX_URL_LINE: usize = 64 * 1024;

/// Everything the producer thread works through.
pub struct Inputs {
    pub files: Vec<PathBuf>,
    pub warcs: Vec<PathBuf>,
    pub seeds: Vec<Seed>,
}

impl Inputs {
    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && self.warcs.is_empty() && self.seeds.is_empty()
    }
}

/// Sorts arguments and list lines into seeds, files and WARC files; unusable paths and lines
/// count as failures, reported by name.
pub fn collect(args: &Args, tally: &mut Tally) -> anyhow::Result<Inputs> {
    let mut raw: Vec<String> = args.inputs.clone();
    if let Some(list) = &args.urls {
        raw.extend(read_url_list(list, tally)?);
    }
    let mut inputs = Inputs {
        files: Vec::new(),
        warcs: args.warc.clone(),
        seeds: Vec::new(),
    };
    let mut seen = HashSet::new();
    for item in raw {
        let path = Path::new(&item);
        if item.contains("://") {
            inputs.seeds.push(Seed::Page(item));
        } else if path.is_dir() {
            walk(path, &mut seen, &mut inputs, tally);
        } else if path.is_file() && is_warc(path) {
            inputs.warcs.push(path.to_path_buf());
        } else if path.is_file() {
            if first_visit(&mut seen, path) {
                inputs.files.push(path.to_path_buf());
            }
        } else if path.exists() {
            tally.skip(
                &format!("`{item}`"),
                "not a regular file",
                "not a regular file (a FIFO, socket or device)",
                super::Origin::File,
            );
        } else {
            tally.fail(
                &format!("`{item}`"),
                "not found",
                "not a URL, file or directory",
                None,
            );
        }
    }
    inputs
        .seeds
        .extend(args.feed.iter().cloned().map(Seed::Feed));
    inputs
        .seeds
        .extend(args.sitemap.iter().cloned().map(Seed::Sitemap));
    inputs
        .seeds
        .extend(args.discover.iter().cloned().map(Seed::Discover));
    Ok(inputs)
}

pub fn is_warc(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.ends_with(".warc") || name.ends_with(".warc.gz")
}

/// Whether `path` is met for the first time (by its real path, so that links to one file
/// count once).
fn first_visit(seen: &mut HashSet<PathBuf>, path: &Path) -> bool {
    let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    seen.insert(real)
}

/// HTML and WARC files under `dir`, in a stable order.
fn walk(dir: &Path, seen: &mut HashSet<PathBuf>, inputs: &mut Inputs, tally: &mut Tally) {
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let label = err.path().unwrap_or(dir).display().to_string();
                let detail = if err.loop_ancestor().is_some() {
                    "a symbolic link loop (skipped)".to_owned()
                } else {
                    match err.io_error() {
                        Some(io) => format!("cannot read: {io}"),
                        None => err.to_string(),
                    }
                };
                tally.fail(
                    &label,
                    "unreadable input",
                    &detail,
                    Some(super::Origin::File),
                );
                continue;
            }
        };
        let path = entry.path();
        let wanted = is_html_name(path) || is_warc(path);
        if !wanted || entry.file_type().is_dir() {
            continue;
        }
        if !entry.file_type().is_file() {
            tally.skip(
                &path.display().to_string(),
                "not a regular file",
                "not a regular file (a FIFO, socket or device)",
                super::Origin::File,
            );
            continue;
        }
        if !first_visit(seen, path) {
            continue;
        }
        if is_warc(path) {
            inputs.warcs.push(path.to_path_buf());
        } else {
            inputs.files.push(path.to_path_buf());
        }
    }
}

/// The lines of a URL list, blank lines and `#` comments left out. A line that is not UTF-8
/// (or absurdly long) is reported by its number and skipped; the rest of the list is read.
fn read_url_list(list: &Path, tally: &mut Tally) -> anyhow::Result<Vec<String>> {
    let name = list.display().to_string();
    let mut reader: Box<dyn BufRead> = if list.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let file = open_regular(list).with_context(|| format!("cannot read URL list `{name}`"))?;
        Box::new(std::io::BufReader::new(file))
    };
    let mut urls = Vec::new();
    let mut line = Vec::new();
    for number in 1.. {
        line.clear();
        let read = reader_line(&mut *reader, &mut line)
            .with_context(|| format!("cannot read URL list `{name}`"))?;
        let Some(complete) = read else { break };
        let label = format!("{name}:{number}");
        if !complete {
            tally.fail(
                &label,
                "bad list line",
                &format!("line longer than {MAX_URL_LINE} bytes"),
                None,
            );
            continue;
        }
        let Ok(text) = std::str::from_utf8(&line) else {
            tally.fail(&label, "bad list line", "line is not UTF-8 text", None);
            continue;
        };
        let text = text.trim();
        if !text.is_empty() && !text.starts_with('#') {
            urls.push(text.to_owned());
        }
    }
    Ok(urls)
}

/// Reads one line (without its `\n`) into `line`, at most [`MAX_URL_LINE`] bytes of it:
/// `None` at the end, `Some(false)` when the line was longer (the rest is skipped).
fn reader_line(reader: &mut dyn BufRead, line: &mut Vec<u8>) -> std::io::Result<Option<bool>> {
    let limit = u64::try_from(MAX_URL_LINE).unwrap_or(u64::MAX);
    let read = (&mut *reader).take(limit).read_until(b'\n', line)?;
    if read == 0 {
        return Ok(None);
    }
    if line.last() == Some(&b'\n') {
        line.pop();
        return Ok(Some(true));
    }
    if read < MAX_URL_LINE {
        // The last line, without a newline.
        return Ok(Some(true));
    }
    // Too long: skip to the end of this line.
    let mut rest = Vec::new();
    loop {
        rest.clear();
        let more = (&mut *reader).take(limit).read_until(b'\n', &mut rest)?;
        if more == 0 || rest.last() == Some(&b'\n') {
            return Ok(Some(false));
        }
    }
}
