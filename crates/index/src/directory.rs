//! The directory a generation's tantivy index is opened on: tantivy's memory-mapped one,
//! except that it can be read where this process may not write (a read-only mount, an
//! archive owned by another user, a backup).
//!
//! A reader takes tantivy's *meta lock* (`.tantivy-meta.lock`) while it opens segments, so
//! that a writer's garbage collection cannot delete them under it. Taking it opens the lock
//! file for writing, creating it if need be, which fails without write access. There, the
//! lock file is locked through a read-only handle when it exists (file locks do not need
//! write access, so a writer elsewhere still waits for it), and is skipped when it does not
//! (no tantivy process ever opened the index here, and none that cannot write could).

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, META_LOCK, MmapDirectory, WatchCallback,
    WatchHandle, WritePtr,
};

#[derive(Debug, Clone)]
pub struct IndexDirectory {
    inner: MmapDirectory,
    root: PathBuf,
}

impl IndexDirectory {
    pub fn open(root: &Path) -> tantivy::Result<Self> {
        Ok(Self {
            inner: MmapDirectory::open(root)?,
            root: root.to_path_buf(),
        })
    }

    /// The meta lock without write access; see the module docs.
    fn read_only_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        let file = match File::open(self.root.join(&lock.filepath)) {
            Ok(file) => file,
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                return Ok(DirectoryLock::from(Box::new(())));
            }
            Err(err) => return Err(LockError::IoError(Arc::new(err))),
        };
        if lock.is_blocking {
            file.lock()
                .map_err(|err| LockError::IoError(Arc::new(err)))?;
        } else if file.try_lock().is_err() {
            return Err(LockError::LockBusy);
        }
        // Dropping the handle releases the lock.
        Ok(DirectoryLock::from(Box::new(file)))
    }
}

impl Directory for IndexDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.inner.acquire_lock(lock) {
            Err(LockError::IoError(err))
                if lock.filepath == META_LOCK.filepath
                    && matches!(
                        err.kind(),
                        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
                    ) =>
            {
                self.read_only_lock(lock)
            }
            other => other,
        }
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}
