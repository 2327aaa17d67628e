//! Index generations: `root/gen-NNNNNN/` directories and a `root/CURRENT` file naming the live
//! one. Replacing `CURRENT` is one atomic rename, so a reader sees the old generation or the new
//! one, never a half-built index; a rebuild killed half-way leaves only a stray directory that
//! the next rebuild removes.
//!
//! One writer at a time across processes: `root/writer.lock` is held with an OS file lock, which
//! the kernel releases when the holder dies, so a crash never leaves the index locked.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::io_error;
use crate::{Error, Result};

const CURRENT: &str = "CURRENT";
const PREFIX: &str = "gen-";

/// The live generation's directory, if the index has one.
pub fn current(root: &Path) -> Result<Option<PathBuf>> {
    let path = root.join(CURRENT);
    match fs::read_to_string(&path) {
        Ok(name) => {
            let name = name.trim();
            if parse_generation(name).is_none() {
                return Err(Error::Io {
                    path,
                    source: std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("names no generation: `{name}`"),
                    ),
                });
            }
            Ok(Some(root.join(name)))
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(io_error(path)(err)),
    }
}

/// A new, empty generation directory numbered after every existing one.
pub fn create_next(root: &Path) -> Result<PathBuf> {
    let next = existing(root)?
        .into_iter()
        .map(|(number, _)| number)
        .max()
        .unwrap_or(0)
        + 1;
    let dir = root.join(format!("{PREFIX}{next:06}"));
    fs::create_dir_all(&dir).map_err(io_error(&dir))?;
    Ok(dir)
}

/// Makes `generation` the live one, atomically.
pub fn publish(root: &Path, generation: &Path) -> Result<()> {
    let name = generation
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let tmp = root.join(format!("{CURRENT}.tmp"));
    let mut file = File::create(&tmp).map_err(io_error(&tmp))?;
    file.write_all(name.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(io_error(&tmp))?;
    fs::rename(&tmp, root.join(CURRENT)).map_err(io_error(root))?;
    // Make the rename itself durable.
    File::open(root)
        .and_then(|dir| dir.sync_all())
        .map_err(io_error(root))?;
    Ok(())
}

/// Removes every generation but `keep` and the one before it. The previous generation is
/// kept because a search that read `CURRENT` just before the swap may still be opening it.
pub fn collect_garbage(root: &Path, keep: &Path) -> Result<()> {
    let mut generations = existing(root)?;
    generations.sort();
    let keep_number = keep
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(parse_generation)
        .unwrap_or(0);
    let previous = generations
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| *n < keep_number)
        .max();
    for (number, dir) in generations {
        if number != keep_number && Some(number) != previous {
            fs::remove_dir_all(&dir).map_err(io_error(&dir))?;
        }
    }
    Ok(())
}

fn existing(root: &Path) -> Result<Vec<(u64, PathBuf)>> {
    let entries = match fs::read_dir(root) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(io_error(root)(err)),
    };
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(io_error(root))?;
        if let Some(number) = entry.file_name().to_str().and_then(parse_generation) {
            found.push((number, entry.path()));
        }
    }
    Ok(found)
}

fn parse_generation(name: &str) -> Option<u64> {
    name.strip_prefix(PREFIX)?.parse().ok()
}

/// Proof that this process is the index's only writer; released on drop (or death).
#[derive(Debug)]
pub struct WriterLock {
    _file: File,
}

impl WriterLock {
    /// Takes the writer lock, failing at once with [`Error::Locked`] if another process has it.
    pub fn acquire(root: &Path) -> Result<Self> {
        fs::create_dir_all(root).map_err(io_error(root))?;
        let path = root.join("writer.lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io_error(&path))?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file }),
            Err(TryLockError::WouldBlock) => Err(Error::Locked {
                path: root.to_path_buf(),
            }),
            Err(TryLockError::Error(err)) => Err(io_error(path)(err)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_swaps_and_garbage_keeps_the_previous_generation() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert_eq!(current(root).unwrap(), None);
        let first = create_next(root).unwrap();
        publish(root, &first).unwrap();
        assert_eq!(current(root).unwrap(), Some(first.clone()));
        let second = create_next(root).unwrap();
        let third = create_next(root).unwrap();
        assert_eq!(
            current(root).unwrap(),
            Some(first.clone()),
            "unpublished generations are invisible"
        );
        publish(root, &third).unwrap();
        collect_garbage(root, &third).unwrap();
        assert!(
            third.exists() && second.exists(),
            "current and previous stay"
        );
        assert!(!first.exists());
    }

    #[test]
    fn a_second_writer_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let lock = WriterLock::acquire(dir.path()).unwrap();
        let err = WriterLock::acquire(dir.path()).unwrap_err();
        assert!(matches!(err, Error::Locked { .. }), "{err}");
        drop(lock);
        WriterLock::acquire(dir.path()).unwrap();
    }
}
