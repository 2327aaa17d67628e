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
/// Written into a generation when it is published: a generation that has it was complete.
const PUBLISHED: &str = "published";
/// Written beside every committed generation (see `people`): a generation from before the
/// `published` marker that has it was committed, hence live once.
const PERSONS: &str = "persons.json";

/// Which generation is live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Live {
    /// The one `CURRENT` names.
    Named(PathBuf),
    /// `CURRENT` is missing or names a generation that is gone: the newest generation that
    /// was complete, which is the one that was live (generations are published in order).
    Recovered { dir: PathBuf, why: String },
    /// No index yet; `why` says why when there were generations, none of them complete.
    None { why: Option<String> },
}

/// The live generation: the one `CURRENT` names, or when `CURRENT` was lost (deleted by
/// hand, a backup that left it out), the newest complete generation. Without that, a lost
/// `CURRENT` made the archive look empty, and the first write started an empty generation
/// beside the real one.
pub fn live(root: &Path) -> Result<Live> {
    let path = root.join(CURRENT);
    let why = match fs::read_to_string(&path) {
        Ok(name) => {
            let name = name.trim();
            if parse_generation(name).is_none() {
                return Err(Error::Io {
                    path,
                    source: std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("names no generation: `{}`", crate::error::Shown(name)),
                    ),
                });
            }
            let dir = root.join(name);
            if dir.is_dir() {
                return Ok(Live::Named(dir));
            }
            format!("`{}` names `{name}`, which is gone", path.display())
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            format!("`{}` is missing", path.display())
        }
        Err(err) => return Err(io_error(path)(err)),
    };
    let generations = existing(root)?;
    if generations.is_empty() {
        return Ok(Live::None { why: None });
    }
    let mut complete: Vec<(u64, PathBuf)> = generations
        .into_iter()
        .filter(|(_, dir)| {
            dir.join("meta.json").is_file()
                && (dir.join(PUBLISHED).is_file() || dir.join(PERSONS).is_file())
        })
        .collect();
    complete.sort();
    Ok(match complete.pop() {
        Some((_, dir)) => Live::Recovered { dir, why },
        None => Live::None {
            why: Some(format!("{why} and no generation beside it is complete")),
        },
    })
}

/// The live generation's directory, if the index has one (see [`live`]).
pub fn current(root: &Path) -> Result<Option<PathBuf>> {
    Ok(match live(root)? {
        Live::Named(dir) | Live::Recovered { dir, .. } => Some(dir),
        Live::None { .. } => None,
    })
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
    let marker = generation.join(PUBLISHED);
    File::create(&marker)
        .and_then(|file| file.sync_all())
        .map_err(io_error(&marker))?;
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

    fn generation(root: &Path, publish_it: bool) -> PathBuf {
        let dir = create_next(root).unwrap();
        fs::write(dir.join("meta.json"), "{}").unwrap();
        if publish_it {
            publish(root, &dir).unwrap();
        }
        dir
    }

    /// Regression (issue 10): a deleted `CURRENT` made the archive look empty, and the next
    /// write started a fresh generation, orphaning the real one.
    #[test]
    fn a_lost_current_recovers_the_newest_complete_generation() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let _first = generation(root, true);
        let second = generation(root, true);
        let _unfinished = generation(root, false);
        assert_eq!(live(root).unwrap(), Live::Named(second.clone()));
        fs::remove_file(root.join(CURRENT)).unwrap();
        match live(root).unwrap() {
            Live::Recovered { dir, why } => {
                assert_eq!(dir, second, "not the unfinished rebuild");
                assert!(why.contains("CURRENT` is missing"), "{why}");
            }
            other => panic!("{other:?}"),
        }
        // A generation from before the marker counts when it was committed (persons.json).
        let legacy = create_next(root).unwrap();
        fs::write(legacy.join("meta.json"), "{}").unwrap();
        fs::write(legacy.join(PERSONS), "{}").unwrap();
        assert_eq!(current(root).unwrap(), Some(legacy.clone()));
        // CURRENT naming a generation that was deleted.
        publish(root, &legacy).unwrap();
        fs::remove_dir_all(&legacy).unwrap();
        match live(root).unwrap() {
            Live::Recovered { dir, why } => {
                assert_eq!(dir, second);
                assert!(why.contains("which is gone"), "{why}");
            }
            other => panic!("{other:?}"),
        }
        // Nothing complete: no index.
        let empty = tempfile::tempdir().unwrap();
        generation(empty.path(), false);
        assert!(matches!(
            live(empty.path()).unwrap(),
            Live::None { why: Some(_) }
        ));
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
