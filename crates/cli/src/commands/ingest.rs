//! `newsdex ingest`: fetch or read pages, store them, clean them, index them.

#![allow(clippy::print_stdout)]

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use anyhow::Context;
use newsdex_fetcher::Fetcher;
use newsdex_store::{PageStore, RawPage, normalize_url};

use crate::ExitStatus;
use crate::data_dir::DataDir;
use crate::output;
use crate::pipeline::{Analyser, Analysis, IndexSink};

/// Fetch, store, clean and index pages.
///
/// Each input is a URL, an HTML file, or a directory of HTML files (read recursively).
/// Pages already in the page store are not fetched again unless `--refresh` is given, and
/// pages already indexed are counted as unchanged. A failing input never stops the batch:
/// it is reported on its own line, and the exit code is 1 when any input failed.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// URLs, HTML files or directories of HTML files.
    #[arg(value_name = "URL|FILE|DIR")]
    inputs: Vec<String>,

    /// Read more URLs from FILE, one per line (`-` for stdin); blank lines and `#` comments skipped.
    #[arg(long, value_name = "FILE")]
    urls: Option<PathBuf>,

    /// Fetch URLs again even when the page store already has them.
    #[arg(long)]
    refresh: bool,

    /// Requests in flight at once.
    #[arg(long, default_value_t = 8, value_name = "N")]
    concurrency: usize,

    /// Commit the index every N articles (a crash loses at most the uncommitted ones).
    #[arg(long, default_value_t = 200, value_name = "N")]
    commit_every: usize,
}

/// One input, resolved: where its page comes from.
enum Input {
    Url(String),
    File(PathBuf),
}

/// A page on its way to the pipeline, or why there is none.
struct Fetched {
    label: String,
    page: Result<RawPage, String>,
}

#[derive(Default)]
struct Summary {
    ingested: usize,
    unchanged: usize,
    skipped: usize,
    failed: usize,
}

pub fn run(data_dir: &DataDir, args: &Args, quiet: bool) -> anyhow::Result<ExitStatus> {
    let mut summary = Summary::default();
    let inputs = collect_inputs(args, &mut summary)?;
    if inputs.is_empty() && summary.failed == 0 {
        anyhow::bail!("nothing to ingest: give URLs, files or directories, or `--urls FILE`");
    }
    let store = data_dir.store()?;
    let index = data_dir.index()?;
    let writer = index.writer()?;
    let mut sink = IndexSink::new(&store, writer, args.commit_every);
    let analyser = Analyser::new();

    let (sender, receiver) = sync_channel::<Fetched>(64);
    let store = &store;
    let index = &index;
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let producer = scope.spawn(move || produce(inputs, store, args, &sender));
        consume(
            &receiver,
            store,
            index,
            &analyser,
            &mut sink,
            &mut summary,
            quiet,
        )?;
        producer.join().expect("producer thread does not panic")?;
        Ok(())
    })?;
    sink.commit()?;

    println!(
        "ingested {}, unchanged {}, skipped {}, failed {}",
        summary.ingested, summary.unchanged, summary.skipped, summary.failed
    );
    Ok(if summary.failed > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// Turns arguments and `--urls` lines into inputs; unreadable paths count as failures.
fn collect_inputs(args: &Args, summary: &mut Summary) -> anyhow::Result<Vec<Input>> {
    let mut raw: Vec<String> = args.inputs.clone();
    if let Some(list) = &args.urls {
        raw.extend(read_url_list(list)?);
    }
    let mut inputs = Vec::new();
    for item in raw {
        let path = Path::new(&item);
        if item.contains("://") {
            inputs.push(Input::Url(item));
        } else if path.is_dir() {
            let mut files = Vec::new();
            html_files(path, &mut files)
                .with_context(|| format!("cannot read directory `{item}`"))?;
            files.sort();
            inputs.extend(files.into_iter().map(Input::File));
        } else if path.is_file() {
            inputs.push(Input::File(path.to_path_buf()));
        } else {
            output::error(&format!("`{item}`: not a URL, file or directory"));
            summary.failed += 1;
        }
    }
    Ok(inputs)
}

fn read_url_list(list: &Path) -> anyhow::Result<Vec<String>> {
    let reader: Box<dyn BufRead> = if list.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let file = std::fs::File::open(list)
            .with_context(|| format!("cannot read URL list `{}`", list.display()))?;
        Box::new(std::io::BufReader::new(file))
    };
    let mut urls = Vec::new();
    for line in reader.lines() {
        let line = line.with_context(|| format!("cannot read URL list `{}`", list.display()))?;
        let line = line.trim();
        if !line.is_empty() && !line.starts_with('#') {
            urls.push(line.to_owned());
        }
    }
    Ok(urls)
}

fn html_files(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            html_files(&path, files)?;
        } else if path
            .extension()
            .and_then(|ext| ext.to_str())
            .is_some_and(|ext| {
                matches!(ext.to_ascii_lowercase().as_str(), "html" | "htm" | "xhtml")
            })
        {
            files.push(path);
        }
    }
    Ok(())
}

/// Reads files and fetches URLs (concurrently), sending each page to the pipeline thread.
fn produce(
    inputs: Vec<Input>,
    store: &PageStore,
    args: &Args,
    sender: &SyncSender<Fetched>,
) -> anyhow::Result<()> {
    let mut urls = Vec::new();
    for input in inputs {
        match input {
            Input::File(path) => {
                let fetched = read_file(&path);
                if sender.send(fetched).is_err() {
                    return Ok(());
                }
            }
            Input::Url(url) => urls.push(url),
        }
    }
    if urls.is_empty() {
        return Ok(());
    }
    let fetcher = Fetcher::new(newsdex_fetcher::Config::default())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let permits = Arc::new(tokio::sync::Semaphore::new(args.concurrency.max(1)));
        let mut tasks = tokio::task::JoinSet::new();
        for url in urls {
            let key = match normalize_url(&url) {
                Ok(key) => key,
                Err(err) => {
                    let _ = sender.send(Fetched {
                        label: url,
                        page: Err(err.to_string()),
                    });
                    continue;
                }
            };
            if !args.refresh {
                match store.get(&key) {
                    Ok(Some(page)) => {
                        let _ = sender.send(Fetched {
                            label: key,
                            page: Ok(page),
                        });
                        continue;
                    }
                    Ok(None) => {}
                    Err(err) => {
                        let _ = sender.send(Fetched {
                            label: key,
                            page: Err(err.to_string()),
                        });
                        continue;
                    }
                }
            }
            let permit = permits
                .clone()
                .acquire_owned()
                .await
                .expect("semaphore open");
            let fetcher = fetcher.clone();
            let sender = sender.clone();
            tasks.spawn(async move {
                let result = fetcher.fetch(&key).await;
                drop(permit);
                let page = result.map(|mut page| {
                    page.url.clone_from(&key);
                    page
                });
                // Errors from the fetcher already name the URL; keep just the reason.
                let page = page.map_err(|err| strip_url(&err.to_string(), &key));
                let _ = sender.send(Fetched { label: key, page });
            });
        }
        while tasks.join_next().await.is_some() {}
    });
    Ok(())
}

fn strip_url(message: &str, url: &str) -> String {
    message
        .strip_prefix(url)
        .and_then(|rest| rest.strip_prefix(": "))
        .unwrap_or(message)
        .to_owned()
}

fn read_file(path: &Path) -> Fetched {
    let label = path.display().to_string();
    let absolute = match std::path::absolute(path) {
        Ok(absolute) => absolute,
        Err(err) => {
            return Fetched {
                label,
                page: Err(err.to_string()),
            };
        }
    };
    let Some(url) = url_for_file(&absolute) else {
        return Fetched {
            label,
            page: Err("path cannot be written as a file:// URL".into()),
        };
    };
    match std::fs::read(path) {
        Ok(body) => {
            let mut page = RawPage::new(url, 200, body);
            if let Ok(modified) = std::fs::metadata(path).and_then(|meta| meta.modified()) {
                page.fetched_at = modified.into();
            }
            Fetched {
                label,
                page: Ok(page),
            }
        }
        Err(err) => Fetched {
            label,
            page: Err(format!("cannot read file: {err}")),
        },
    }
}

fn url_for_file(absolute: &Path) -> Option<String> {
    let text = absolute.to_str()?;
    let mut url = String::from("file://");
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            url.push(char::from(byte));
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    normalize_url(&url).ok()
}

/// The pipeline thread: stores each page, skips what is already indexed, indexes the rest.
fn consume(
    receiver: &Receiver<Fetched>,
    store: &PageStore,
    index: &newsdex_index::ArticleIndex,
    analyser: &Analyser,
    sink: &mut IndexSink<'_>,
    summary: &mut Summary,
    quiet: bool,
) -> anyhow::Result<()> {
    for Fetched { label, page } in receiver {
        let page = match page {
            Ok(page) => page,
            Err(reason) => {
                output::error(&format!("{label}: {reason}"));
                summary.failed += 1;
                continue;
            }
        };
        store
            .put(&page)
            .with_context(|| format!("cannot store `{label}`"))?;
        if already_indexed(store, index, &page.url)? {
            summary.unchanged += 1;
            continue;
        }
        match analyser.analyse(&page) {
            Ok(analysis) => {
                if let Analysis::Skipped(reason) = &analysis {
                    if !quiet {
                        output::warning(&format!("{label}: skipped: {reason}"));
                    }
                    summary.skipped += 1;
                } else {
                    summary.ingested += 1;
                }
                sink.put(&page.url, &analysis)?;
            }
            Err(reason) => {
                output::error(&format!("{label}: {reason}"));
                summary.failed += 1;
            }
        }
    }
    Ok(())
}

/// Whether the stored body of this page has already gone through the pipeline into the index.
fn already_indexed(
    store: &PageStore,
    index: &newsdex_index::ArticleIndex,
    page_url: &str,
) -> anyhow::Result<bool> {
    let Some(summary) = store.summary(page_url)? else {
        return Ok(false);
    };
    if !summary.indexed {
        return Ok(false);
    }
    Ok(match summary.article_url {
        Some(article_url) => index.contains(&article_url)?,
        // Processed before and deliberately skipped (not HTML): nothing to redo.
        None => true,
    })
}
