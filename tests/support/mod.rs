//! Helpers for the end-to-end tests (and the ingest bench): the built `newsdex` binary, a throwaway data directory,
//! and a local HTTP server on `127.0.0.1:0` serving canned responses.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{StatusCode, Uri, header};
use axum::response::Response;

pub mod fault;
pub mod serve;

/// The repository's root directory.
pub fn repo_root() -> PathBuf {
    // The tests are built as part of `crates/cli`.
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `../shared` beside the checkout, or `None` (with a printed notice) when it is absent.
pub fn shared_dir() -> Option<PathBuf> {
    let shared = repo_root().join("../shared");
    if shared.is_dir() {
        Some(shared)
    } else {
        #[allow(clippy::print_stderr)]
        {
            eprintln!("notice: ../shared is absent; skipping the checks that need it");
        }
        None
    }
}

/// A committed sample page from `data/samples/`.
pub fn sample(name: &str) -> Vec<u8> {
    let path = repo_root().join("data/samples").join(name);
    std::fs::read(&path)
        .unwrap_or_else(|err| panic!("cannot read sample {}: {err}", path.display()))
}

/// Every committed sample page's file name, sorted.
pub fn sample_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo_root().join("data/samples"))
        .expect("data/samples exists")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".html"))
        .collect();
    names.sort();
    names
}

/// A plain news page as many sites publish it: canonical URL, site name, headline, date and
/// paragraphs, with nothing around the article.
pub fn news_page(
    url: &str,
    site: &str,
    date: &str,
    lang: &str,
    title: &str,
    paragraphs: &[&str],
) -> String {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        r#"<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<title>{title} | {site}</title>
<link rel="canonical" href="{url}">
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{site}">
<meta property="article:published_time" content="{date}">
</head><body>
<article><h1>{title}</h1>
{body}</article>
</body></html>"#
    )
}

/// `text` percent-encoded for a query string: every byte but ASCII letters and digits, so
/// that any script and any hostile value reaches the server as given.
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The `newsdex` binary Cargo built for this test run: never a stale one, since Cargo builds
/// a package's binaries before its integration tests.
pub fn newsdex_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_newsdex"))
}

/// A fresh data directory and a way to run `newsdex` against it.
pub struct Archive {
    dir: tempfile::TempDir,
}

impl Default for Archive {
    fn default() -> Self {
        Self::new()
    }
}

impl Archive {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A `newsdex` command with `--data-dir` set to this archive.
    pub fn command(&self) -> Command {
        let mut command = Command::new(newsdex_binary());
        command
            .arg("--data-dir")
            .arg(self.dir.path())
            .env_remove("NEWSDEX_DATA_DIR")
            .env("NO_COLOR", "1");
        command
    }

    /// Runs `newsdex ARGS` and returns its output.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = self.command().args(args).output().expect("newsdex runs");
        Run::from(output)
    }

    /// Runs `newsdex ARGS --json` (the caller passes `--json`) and parses stdout.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let run = self.run(args);
        assert_eq!(run.code, 0, "newsdex {args:?} failed: {}", run.stderr);
        serde_json::from_str(&run.stdout)
            .unwrap_or_else(|err| panic!("bad JSON from {args:?}: {err}\n{}", run.stdout))
    }
}

/// The outcome of one `newsdex` run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        Self {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// A canned HTTP response.
#[derive(Debug, Clone)]
pub struct Canned {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl Canned {
    pub fn html(body: Vec<u8>) -> Self {
        Self {
            status: 200,
            content_type: "text/html; charset=utf-8".into(),
            body,
        }
    }

    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            content_type: content_type.into(),
            body: body.into(),
        }
    }
}

/// An axum app served on 127.0.0.1 (port chosen by the OS) from a thread of its own, with
/// `worker_threads` runtime threads (0: a current-thread runtime). It stops when dropped.
pub struct Background {
    pub addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Background {
    pub fn serve(app: axum::Router, worker_threads: usize) -> Self {
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (shutdown_tx, shutdown_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = if worker_threads == 0 {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
            } else {
                tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(worker_threads)
                    .enable_all()
                    .build()
            }
            .expect("runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind 127.0.0.1:0");
                addr_tx
                    .send(listener.local_addr().expect("local addr"))
                    .expect("report addr");
                axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = shutdown_rx.await;
                    })
                    .await
                    .expect("serve");
            });
        });
        let addr = addr_rx.recv().expect("server starts");
        Self {
            addr,
            shutdown: Some(shutdown_tx),
            thread: Some(thread),
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// An HTTP server on 127.0.0.1 (port chosen by the OS) answering from a path -> response map;
/// unknown paths get 404. It stops when dropped.
pub struct TestServer {
    server: Background,
}

impl TestServer {
    pub fn start(routes: HashMap<String, Canned>) -> Self {
        let routes = Arc::new(routes);
        let app = axum::Router::new().fallback(move |uri: Uri| {
            let routes = Arc::clone(&routes);
            async move { respond(&routes, &uri) }
        });
        Self {
            server: Background::serve(app, 0),
        }
    }

    /// The absolute URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.server.addr, path)
    }
}

fn respond(routes: &HashMap<String, Canned>, uri: &Uri) -> Response {
    let path = uri.path_and_query().map_or(uri.path(), |pq| pq.as_str());
    match routes.get(path).or_else(|| routes.get(uri.path())) {
        Some(canned) => Response::builder()
            .status(canned.status)
            .header(header::CONTENT_TYPE, &canned.content_type)
            .body(Body::from(canned.body.clone()))
            .expect("valid response"),
        None => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(Body::from("not found"))
            .expect("valid response"),
    }
}
