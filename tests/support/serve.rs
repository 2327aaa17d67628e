//! A `newsdex serve` under test on 127.0.0.1 port 0, and a raw HTTP/1.1 client for it that
//! can also misbehave (half requests, foreign Host headers).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::Archive;

/// How long a test waits on the server before calling it hung. Only a guard against a
/// test that never ends: nothing asserts how fast the server is.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// A running `newsdex serve`; killed when dropped.
pub struct Served {
    child: Child,
    pub addr: SocketAddr,
    stderr: Arc<Mutex<String>>,
}

impl Served {
    /// Starts `newsdex serve --addr 127.0.0.1:0 EXTRA...` on `archive` and waits for the
    /// address it prints.
    pub fn start(archive: &Archive, extra: &[&str]) -> Self {
        let mut child = archive
            .command()
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("newsdex serve starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().expect("stderr is piped");
        let sink = Arc::clone(&stderr);
        // Drained all the time, so a talkative server never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut buf = [0; 4096];
            while let Ok(n @ 1..) = pipe.read(&mut buf) {
                let text = String::from_utf8_lossy(&buf[..n]).into_owned();
                sink.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push_str(&text);
            }
        });
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let mut first = String::new();
        stdout
            .read_line(&mut first)
            .expect("serve prints its address");
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let addr = first
            .trim()
            .strip_prefix("listening on http://")
            .and_then(|addr| addr.parse().ok())
            .unwrap_or_else(|| {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "serve printed {first:?} instead of its address; stderr: {}",
                    stderr.lock().unwrap_or_else(|e| e.into_inner())
                )
            });
        Self {
            child,
            addr,
            stderr,
        }
    }

    /// What the server wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Whether the process is still running (it has not crashed).
    pub fn is_running(&mut self) -> bool {
        self.child
            .try_wait()
            .expect("can poll the server")
            .is_none()
    }

    /// `GET target` with the server's own address as Host.
    pub fn get(&self, target: &str) -> Reply {
        self.get_as(target, &self.addr.to_string())
    }

    /// `GET target` with this Host header.
    pub fn get_as(&self, target: &str, host: &str) -> Reply {
        self.send(
            format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
    }

    /// Sends raw bytes on a new connection and reads the reply until the server closes it.
    pub fn send(&self, request: &[u8]) -> Reply {
        let mut stream = self.connect();
        stream.write_all(request).expect("request sent");
        let mut raw = Vec::new();
        if let Err(err) = stream.read_to_end(&mut raw) {
            panic!(
                "no complete answer to {:?}: {err}; stderr: {}",
                String::from_utf8_lossy(&request[..request.len().min(200)]),
                self.stderr()
            );
        }
        Reply::parse(&raw).unwrap_or_else(|| {
            panic!(
                "not an HTTP response: {:?}; stderr: {}",
                String::from_utf8_lossy(&raw[..raw.len().min(500)]),
                self.stderr()
            )
        })
    }

    /// A new connection to the server, with reads bounded by [`PATIENCE`].
    pub fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.addr).unwrap_or_else(|err| {
            panic!("cannot connect to serve: {err}; stderr: {}", self.stderr())
        });
        stream
            .set_read_timeout(Some(PATIENCE))
            .expect("read timeout");
        stream
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    /// Header names in lower case, in order.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    fn parse(raw: &[u8]) -> Option<Self> {
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = std::str::from_utf8(&raw[..split]).ok()?;
        let mut lines = head.split("\r\n");
        let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
            .collect();
        let mut body = raw[split + 4..].to_vec();
        let chunked = headers
            .iter()
            .any(|(name, value)| name == "transfer-encoding" && value.contains("chunked"));
        if chunked {
            body = dechunk(&body)?;
        }
        Some(Self {
            status,
            headers,
            body: String::from_utf8(body).expect("the body is UTF-8"),
        })
    }

    /// The first value of a header (`name` in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, value)| value.as_str())
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {} {}", self.status, self.body))
    }
}

fn dechunk(mut raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&raw[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        raw = &raw[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(raw.get(..size)?);
        raw = raw.get(size + 2..)?;
    }
}
