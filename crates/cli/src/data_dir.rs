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

    /// Opens (creating if needed) the page store.
    pub fn store(&self) -> anyhow::Result<PageStore> {
        Ok(PageStore::open(self.store_path())?)
    }

    /// Opens (creating if needed) the index.
    pub fn index(&self) -> anyhow::Result<ArticleIndex> {
        self.index_with(&newsdex_index::Config::default())
    }

    /// Opens (creating if needed) the index, with these settings for its writer.
    pub fn index_with(&self, config: &newsdex_index::Config) -> anyhow::Result<ArticleIndex> {
        ArticleIndex::open(self.index_root(), config)
            .with_context(|| format!("cannot open the index in `{}`", self.index_root().display()))
    }
}
