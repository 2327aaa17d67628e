//! `newsdex serve` under load: concurrent clients on loopback for a bounded time against an
//! index built by the search bench's generator (`just bench-serve` builds it first), each
//! client on its own keep-alive connection cycling through the endpoints. Prints requests per
//! second and p50/p99 latency per endpoint, and the errors (any status but 200).
//!
//! ```sh
//! just bench-serve                    # 100,000 articles, 16 clients, 20 s
//! just bench-serve 5000 8 5           # articles, clients, seconds
//! cargo bench -p newsdex --bench serve -- --data-dir DIR --clients 16 --seconds 20
//! ```

// A benchmark's setup failing is a broken bench, not bad input: unwrapping says where.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::print_stdout, clippy::cast_precision_loss)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Words of the generator's news vocabulary, so that every search has matches.
const WORDS: [&str; 12] = [
    "government",
    "election",
    "police",
    "climate",
    "budget",
    "football",
    "court",
    "minister",
    "energy",
    "security",
    "hospital",
    "strike",
];

struct Server(Child, SocketAddr);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(data_dir: &PathBuf) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_newsdex"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("newsdex serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("serve prints its address");
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("serve said {line:?}"));
    Server(child, addr)
}

/// One keep-alive HTTP/1.1 connection.
struct Connection {
    reader: BufReader<TcpStream>,
    addr: SocketAddr,
}

impl Connection {
    fn open(addr: SocketAddr) -> Self {
        let stream = TcpStream::connect(addr).expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .expect("timeout");
        Self {
            reader: BufReader::new(stream),
            addr,
        }
    }

    /// `GET target`: the status and body.
    fn get(&mut self, target: &str) -> std::io::Result<(u16, Vec<u8>)> {
        write!(
            self.reader.get_mut(),
            "GET {target} HTTP/1.1\r\nHost: {}\r\n\r\n",
            self.addr
        )?;
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        let status = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let mut length = None;
        let mut chunked = false;
        loop {
            line.clear();
            self.reader.read_line(&mut line)?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            let lower = header.to_ascii_lowercase();
            if let Some(value) = lower.strip_prefix("content-length:") {
                length = value.trim().parse::<usize>().ok();
            }
            if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
                chunked = true;
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                self.reader.read_line(&mut line)?;
                let size = usize::from_str_radix(line.trim(), 16).unwrap_or(0);
                let mut chunk = vec![0; size + 2];
                self.reader.read_exact(&mut chunk)?;
                if size == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..size]);
            }
        } else if let Some(length) = length {
            body.resize(length, 0);
            self.reader.read_exact(&mut body)?;
        }
        Ok((status, body))
    }
}

fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The requests of one endpoint, cycled through by every client.
struct Endpoint {
    name: &'static str,
    targets: Vec<String>,
}

fn endpoints(addr: SocketAddr) -> Vec<Endpoint> {
    let mut probe = Connection::open(addr);
    let (_, persons) = probe.get("/api/persons?top=20").expect("persons");
    let persons: serde_json::Value = serde_json::from_slice(&persons).expect("persons JSON");
    let names: Vec<String> = persons["persons"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|p| p["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let mut urls = Vec::new();
    for word in WORDS {
        let (_, hits) = probe
            .get(&format!("/api/search?q={word}&limit=3"))
            .expect("search");
        let hits: serde_json::Value = serde_json::from_slice(&hits).expect("search JSON");
        if let Some(list) = hits["hits"].as_array() {
            urls.extend(
                list.iter()
                    .filter_map(|h| h["url"].as_str().map(str::to_owned)),
            );
        }
    }
    assert!(
        !urls.is_empty(),
        "the index has no articles for the bench's words"
    );
    let two_words: Vec<String> = WORDS
        .iter()
        .zip(WORDS.iter().skip(1))
        .map(|(a, b)| format!("{a}+{b}"))
        .collect();
    vec![
        Endpoint {
            name: "GET /?q= (page)",
            targets: two_words.iter().map(|q| format!("/?q={q}")).collect(),
        },
        Endpoint {
            name: "GET /api/search",
            targets: two_words
                .iter()
                .map(|q| format!("/api/search?q={q}"))
                .collect(),
        },
        Endpoint {
            name: "GET /api/timeline",
            targets: WORDS
                .iter()
                .map(|q| format!("/api/timeline?q={q}"))
                .collect(),
        },
        Endpoint {
            name: "GET /article?url=",
            targets: urls
                .iter()
                .map(|u| format!("/article?url={}", encode(u)))
                .collect(),
        },
        Endpoint {
            name: "GET /person?name=",
            targets: names
                .iter()
                .take(10)
                .map(|n| format!("/person?name={}", encode(n)))
                .collect(),
        },
        Endpoint {
            name: "GET /healthz",
            targets: vec!["/healthz".to_owned()],
        },
    ]
    .into_iter()
    .filter(|endpoint| !endpoint.targets.is_empty())
    .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn main() {
    let mut data_dir: Option<PathBuf> = None;
    let mut clients = 16usize;
    let mut seconds = 20u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--data-dir" => data_dir = args.next().map(PathBuf::from),
            "--clients" => {
                clients = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--clients N");
            }
            "--seconds" => {
                seconds = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--seconds N");
            }
            _ => {} // `cargo bench` passes `--bench`
        }
    }
    let data_dir = data_dir.expect("--data-dir DIR (an archive; `just bench-serve` builds one)");
    let server = start(&data_dir);
    let endpoints = Arc::new(endpoints(server.1));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|client| {
            let endpoints = Arc::clone(&endpoints);
            let stop = Arc::clone(&stop);
            let addr = server.1;
            std::thread::spawn(move || {
                let mut latencies: Vec<Vec<Duration>> = vec![Vec::new(); endpoints.len()];
                let mut errors = vec![0u64; endpoints.len()];
                let mut connection = Connection::open(addr);
                let mut n = client;
                while !stop.load(Ordering::Relaxed) {
                    let which = n % endpoints.len();
                    let endpoint = &endpoints[which];
                    let target = &endpoint.targets[(n / endpoints.len()) % endpoint.targets.len()];
                    let sent = Instant::now();
                    match connection.get(target) {
                        Ok((200, _)) => latencies[which].push(sent.elapsed()),
                        Ok(_) => errors[which] += 1,
                        Err(_) => {
                            errors[which] += 1;
                            connection = Connection::open(addr);
                        }
                    }
                    n += 1;
                }
                (latencies, errors)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    let mut latencies: Vec<Vec<Duration>> = vec![Vec::new(); endpoints.len()];
    let mut errors = vec![0u64; endpoints.len()];
    for worker in workers {
        let (l, e) = worker.join().expect("a client thread");
        for (i, mut l) in l.into_iter().enumerate() {
            latencies[i].append(&mut l);
            errors[i] += e[i];
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let total: usize = latencies.iter().map(Vec::len).sum();
    println!(
        "{clients} clients for {elapsed:.1} s against {}: {total} requests, {:.0} requests/s",
        data_dir.display(),
        total as f64 / elapsed
    );
    println!(
        "{:<22} {:>9} {:>8} {:>9} {:>9} {:>7}",
        "endpoint", "requests", "req/s", "p50 ms", "p99 ms", "errors"
    );
    for (i, endpoint) in endpoints.iter().enumerate() {
        let mut sorted = latencies[i].clone();
        sorted.sort_unstable();
        println!(
            "{:<22} {:>9} {:>8.1} {:>9.1} {:>9.1} {:>7}",
            endpoint.name,
            sorted.len(),
            sorted.len() as f64 / elapsed,
            percentile(&sorted, 0.5).as_secs_f64() * 1000.0,
            percentile(&sorted, 0.99).as_secs_f64() * 1000.0,
            errors[i]
        );
    }
    let failed: u64 = errors.iter().sum();
    assert_eq!(failed, 0, "{failed} requests failed");
}
