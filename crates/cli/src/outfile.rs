//! Output files (`--report`, `export --warc`) that can never destroy what newsdex keeps.
//!
//! An output is written to a temporary file beside its destination and renamed over it only
//! when complete, so a failed or interrupted run never leaves a half-written file in its
//! place; and it is refused outright when its destination is the page store, anything in the
//! index, or one of the run's inputs (`ingest --report pages.db` once wiped the store).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use tempfile::NamedTempFile;

/// Paths an output must never be written over.
#[derive(Debug, Default)]
pub struct Protected {
    /// Files that must not be replaced, with what they are for the message.
    files: Vec<(PathBuf, &'static str)>,
    /// Directories nothing may be written into.
    dirs: Vec<(PathBuf, &'static str)>,
}

impl Protected {
    /// The data directory's page store (and its SQLite side files) and index.
    pub fn data_dir(data_dir: &crate::data_dir::DataDir) -> Self {
        let mut protected = Self::default();
        let store = data_dir.store_path();
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut name = store.clone().into_os_string();
            name.push(suffix);
            protected
                .files
                .push((PathBuf::from(name), "the page store"));
        }
        protected.dirs.push((data_dir.index_root(), "the index"));
        protected
    }

    /// Adds an input of this run.
    pub fn input(&mut self, path: &Path) {
        self.files
            .push((path.to_path_buf(), "an input of this run"));
    }

    /// What `dest` would overwrite, if it is protected.
    fn conflict(&self, dest: &Path) -> Option<&'static str> {
        let dest = resolved(dest);
        let same = |protected: &Path| resolved(protected) == dest;
        let inside = |dir: &Path| dest.starts_with(resolved(dir));
        self.files
            .iter()
            .find(|(path, _)| same(path))
            .or_else(|| self.dirs.iter().find(|(dir, _)| inside(dir)))
            .map(|(_, what)| *what)
    }
}

/// `path` made absolute with every symlink it (or, for a file not yet there, its directory)
/// goes through resolved, so that `./data/../data/pages.db` and a link to it compare equal.
fn resolved(path: &Path) -> PathBuf {
    if let Ok(real) = std::fs::canonicalize(path) {
        return real;
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (absolute.parent(), absolute.file_name()) {
        (Some(parent), Some(name)) => std::fs::canonicalize(parent)
            .map_or_else(|_| absolute.clone(), |parent| parent.join(name)),
        _ => absolute,
    }
}

/// A file being written: a temporary file beside `dest` until [`OutputFile::commit`].
pub struct OutputFile {
    temp: Option<BufWriter<NamedTempFile>>,
    dest: PathBuf,
    /// Rename even an unfinished file into place when dropped (a report of an interrupted
    /// run is true as far as it goes; a half WARC export is not kept).
    keep_partial: bool,
}

impl OutputFile {
    /// Starts writing `dest`, after checking it is not protected. `what` names the output in
    /// messages (`report`, `WARC export`).
    pub fn create(
        dest: &Path,
        what: &str,
        protected: &Protected,
        keep_partial: bool,
    ) -> anyhow::Result<Self> {
        if let Some(conflict) = protected.conflict(dest) {
            anyhow::bail!(
                "refusing to write the {what} to `{}`: that is {conflict}",
                dest.display()
            );
        }
        if dest.is_dir() {
            anyhow::bail!(
                "cannot write the {what} to `{}`: it is a directory",
                dest.display()
            );
        }
        let dir = match dest.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        // The suffix is kept so that code that looks at the name (`.gz`) sees the real one.
        let suffix = dest
            .file_name()
            .map(|name| format!(".{}", name.to_string_lossy()))
            .unwrap_or_default();
        let temp = tempfile::Builder::new()
            .prefix(".newsdex-")
            .suffix(&suffix)
            .tempfile_in(dir)
            .with_context(|| format!("cannot write the {what} to `{}`", dest.display()))?;
        Ok(Self {
            temp: Some(BufWriter::new(temp)),
            dest: dest.to_path_buf(),
            keep_partial,
        })
    }

    /// Where the bytes go until the commit (for writers that want a path).
    pub fn temp_path(&self) -> Option<&Path> {
        self.temp.as_ref().map(|temp| temp.get_ref().path())
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(mut self) -> anyhow::Result<()> {
        self.persist()
    }

    fn persist(&mut self) -> anyhow::Result<()> {
        let Some(temp) = self.temp.take() else {
            return Ok(());
        };
        let dest = self.dest.display().to_string();
        let temp = temp
            .into_inner()
            .map_err(|err| err.into_error())
            .with_context(|| format!("cannot write `{dest}`"))?;
        temp.as_file()
            .sync_all()
            .with_context(|| format!("cannot write `{dest}`"))?;
        temp.persist(&self.dest)
            .map_err(|err| err.error)
            .with_context(|| format!("cannot write `{dest}`"))?;
        Ok(())
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.temp.as_mut() {
            Some(temp) => temp.write(buf),
            None => Err(std::io::Error::other("output already committed")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.temp.as_mut() {
            Some(temp) => temp.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for OutputFile {
    fn drop(&mut self) {
        if self.keep_partial
            && self.temp.is_some()
            && let Err(err) = self.persist()
        {
            crate::output::error(&format!("{err:#}"));
        }
        // Otherwise the temporary file deletes itself.
    }
}

/// A file opened for reading only if it is a regular file: a FIFO, socket or device given
/// where a file is expected would block or never end.
pub fn open_regular(path: &Path) -> std::io::Result<File> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            if meta.is_dir() {
                "is a directory"
            } else {
                "not a regular file (a FIFO, socket or device)"
            },
        ));
    }
    File::open(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data_dir::DataDir;

    #[test]
    fn an_output_over_the_store_or_the_index_or_an_input_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::new(dir.path().join("data"));
        std::fs::create_dir_all(data.index_root()).unwrap();
        std::fs::write(data.store_path(), b"precious").unwrap();
        let input = dir.path().join("urls.txt");
        std::fs::write(&input, b"https://a.example/\n").unwrap();
        let mut protected = Protected::data_dir(&data);
        protected.input(&input);

        // `ingest --report data/pages.db` once truncated the store before anything ran.
        let err = OutputFile::create(&data.store_path(), "report", &protected, true)
            .err()
            .unwrap();
        assert!(err.to_string().contains("the page store"), "{err}");
        // Reached by another spelling of the same path.
        let other = dir.path().join("data/../data/./pages.db");
        assert!(OutputFile::create(&other, "report", &protected, true).is_err());
        assert!(
            OutputFile::create(&data.index_root().join("x"), "report", &protected, true).is_err()
        );
        let err = OutputFile::create(&input, "report", &protected, true)
            .err()
            .unwrap();
        assert!(err.to_string().contains("an input"), "{err}");
        assert_eq!(std::fs::read(data.store_path()).unwrap(), b"precious");
        assert!(input.exists());
    }

    #[test]
    fn an_output_replaces_its_destination_only_when_committed() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.jsonl");
        std::fs::write(&dest, b"old").unwrap();
        let protected = Protected::default();

        let mut out = OutputFile::create(&dest, "export", &protected, false).unwrap();
        out.write_all(b"half").unwrap();
        drop(out);
        assert_eq!(std::fs::read(&dest).unwrap(), b"old", "dropped unfinished");

        let mut out = OutputFile::create(&dest, "export", &protected, false).unwrap();
        out.write_all(b"new").unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"old", "not yet committed");
        out.commit().unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"new");

        let mut out = OutputFile::create(&dest, "report", &protected, true).unwrap();
        out.write_all(b"partial").unwrap();
        drop(out);
        assert_eq!(
            std::fs::read(&dest).unwrap(),
            b"partial",
            "a report is kept"
        );
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary files left behind");
    }
}
