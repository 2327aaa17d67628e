//! The fetcher: gets raw pages from the web (and files) politely and hands them on as
//! [`RawPage`]s for the page store.

pub use newsdex_store::RawPage;
