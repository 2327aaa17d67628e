//! A full disk (issue 10): `rebuild` and `ingest` on a data directory with no space left say
//! "No space left on device", exit with an error, and lose nothing already stored or indexed;
//! with space again, the same commands succeed.
//!
//! The data directory is a small tmpfs mounted for the test, so this needs root (or
//! CAP_SYS_ADMIN); elsewhere it prints a notice and passes without checking.
#![allow(clippy::print_stderr)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{Archive, sample, sample_names};

/// A tmpfs mounted over a directory for as long as it lives.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Option<Self> {
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?;
        status.success().then(|| Self(dir.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// Writes a filler file until the file system is full, then frees `keep` bytes of it.
fn fill(dir: &Path, keep: u64) -> PathBuf {
    let path = dir.join("filler");
    let mut file = std::fs::File::create(&path).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    let mut written = 0u64;
    loop {
        match file.write(&chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => written += n as u64,
        }
    }
    drop(file);
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.set_len(written.saturating_sub(keep)).unwrap();
    file.sync_all().unwrap();
    path
}

fn count(archive: &Archive, what: &str) -> u64 {
    archive.json(&["stats", "--json"])[what].as_u64().unwrap()
}

#[test]
fn a_full_disk_says_so_and_loses_nothing() {
    let archive = Archive::new();
    let Some(_tmpfs) = Tmpfs::mount(archive.path(), "24m") else {
        eprintln!("skipping the full-disk test: cannot mount a tmpfs here (needs root)");
        return;
    };
    let inputs = tempfile::tempdir().unwrap();
    for name in sample_names() {
        std::fs::write(inputs.path().join(&name), sample(&name)).unwrap();
    }
    let run = archive.run(&["ingest", inputs.path().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run:?}");
    let (pages, articles) = (count(&archive, "pages"), count(&archive, "articles"));
    assert!(articles > 0);
    let before = archive.json(&["search", "the", "--json", "--limit", "100"]);

    let filler = fill(archive.path(), 16 * 1024);
    let run = archive.run(&["rebuild"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert_ne!(run.code, 101, "a panic: {run:?}");
    assert!(
        run.stderr.contains("No space left on device"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.matches("No space left on device").count(),
        1,
        "the cause once: {}",
        run.stderr
    );

    // A new page cannot be stored either; the error says why, in one line.
    let extra = inputs.path().join("extra.html");
    std::fs::write(
        &extra,
        format!(
            "<html><head><title>Extra</title></head><body><article><p>{}</p></article></body></html>",
            "Quokka numbers rose on the island this spring. ".repeat(2000)
        ),
    )
    .unwrap();
    let run = archive.run(&["ingest", extra.to_str().unwrap()]);
    assert_ne!(run.code, 0, "{run:?}");
    assert_ne!(run.code, 101, "a panic: {run:?}");
    assert!(
        run.stderr.to_lowercase().contains("full")
            || run.stderr.contains("No space left on device"),
        "{}",
        run.stderr
    );

    // Nothing stored or indexed was lost.
    std::fs::remove_file(&filler).unwrap();
    assert_eq!(count(&archive, "pages"), pages);
    assert_eq!(count(&archive, "articles"), articles);
    let after = archive.json(&["search", "the", "--json", "--limit", "100"]);
    assert_eq!(after["total"], before["total"]);

    // With room again, both work.
    let run = archive.run(&["rebuild"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(count(&archive, "articles"), articles);
    let run = archive.run(&["ingest", extra.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(count(&archive, "articles"), articles + 1);
}
