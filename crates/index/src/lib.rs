//! The tantivy index over clean articles.
