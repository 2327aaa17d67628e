//! The data directory: where the page store and the index live.

use std::path::{Path, PathBuf};

use anyhow::Context;
use newsdex_index::ArticleIndex;
use newsdex_store::PageStore;

pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }

    pub fn store_path(&self) -> PathBuf {
        self.root.join("pages.db")
    }

    pub fn index_root(&self) -> PathBuf {
        self.root.join("index")
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// This data directory if it exists: commands that only read (search, show, stats,
    /// serve, export, rebuild) must not create an empty archive at a mistyped path.
    pub fn existing(&self) -> anyhow::Result<&Self> {
        if self.root.is_dir() {
            return Ok(self);
        }
        if self.root.exists() {
            anyhow::bail!(
                "data directory `{}` is not a directory",
                self.root.display()
            );
        }
        anyhow::bail!(
            "data directory `{}` does not exist\nhint: ingest something first, or give the archive's --data-dir (or NEWSDEX_DATA_DIR)",
            self.root.display()
        )
    }

    /// Opens the existing page store for reading only.
    pub fn store_read_only(&self) -> anyhow::Result<PageStore> {
        Ok(PageStore::open_read_only(self.store_path())?)
    }

    /// How many pages the page store holds and its size on disk: `(0, 0)` when there is no
    /// page store, as in an index copied without one, which still serves searches.
    pub fn stored_pages(&self) -> anyhow::Result<(u64, u64)> {
        if !self.store_path().exists() {
            return Ok((0, 0));
        }
        let store = self.store_read_only()?;
        Ok((store.count()?, store.disk_bytes()))
    }

    /// Opens (creating if needed) the page store.
    pub fn store(&self) -> anyhow::Result<PageStore> {
        Ok(PageStore::open(self.store_path())?)
    }

    /// Opens the existing index for a command that only reads (nothing is created).
    pub fn index(&self) -> anyhow::Result<ArticleIndex> {
        Ok(ArticleIndex::open_existing(
            self.index_root(),
            &newsdex_index::Config::default(),
        )?)
    }

    /// Opens (creating if needed) the index, with these settings for its writer.
    pub fn index_with(&self, config: &newsdex_index::Config) -> anyhow::Result<ArticleIndex> {
        ArticleIndex::open(self.index_root(), config)
            .with_context(|| format!("cannot open the index in `{}`", self.index_root().display()))
    }
}
