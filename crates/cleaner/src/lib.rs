//! The cleaner: one HTML page in, the article alone out.
//!
//! Pure and synchronous: no I/O, no async runtime. Decodes bytes to text, finds the main
//! article, strips boilerplate, and reads metadata (title, authors, dates, site, language).
//!
//! ```
//! let cleaner = newsdex_cleaner::Cleaner::new(newsdex_cleaner::Config::default());
//! let page = b"<html><head><title>Rain due - Example News</title></head><body><nav><a href=/>Home</a></nav>
//!   <article><h1>Rain due</h1><p>Forecasters expect heavy rain across the region on Tuesday, with flooding likely in low areas.</p>
//!   <p>READ MORE: Ten things to pack</p></article></body></html>";
//! let article = cleaner.clean(page, "https://example.com/rain", None).unwrap();
//! assert_eq!(article.text, "Forecasters expect heavy rain across the region on Tuesday, with flooding likely in low areas.");
//! ```

mod byline;
mod classes;
mod decode;
mod dom;
mod extract;
#[rustfmt::skip] // generated (see the module)
mod gates;
mod lang;
mod meta;
mod metaline;
mod parse;
mod patterns;
mod prepare;
mod title;

use chrono::{DateTime, Utc};
use newsdex_types::{Article, Block, BlockKind, Link, controls};
use url::Url;

use crate::dom::{Doc, Kind};
use crate::extract::{Extractor, Kept};
use crate::patterns::Patterns;

/// Knobs for the cleaner. `Default` is what newsdex uses.
#[derive(Debug, Clone)]
pub struct Config {
    /// Pages larger than this are refused with [`Error::TooLarge`] rather than parsed.
    pub max_bytes: usize,
    /// The reading budget: a page is read up to the first of these limits and the rest is
    /// dropped before parsing, so that memory and time stay bounded whatever the page holds
    /// (an article is never megabytes of prose, nor hundreds of thousands of elements). Each
    /// is well above what real pages need: of the 1,162 evaluation pages, the largest has
    /// 10,100 elements, 0.5 MB of text and 0.9 MB of markup once scripts, styles, comments and
    /// unread attributes are gone.
    ///
    /// Text, other than white space, read from the page (2 MiB).
    pub max_text_bytes: usize,
    /// Markup read, after scripts, styles, comments and unread attributes are dropped (8 MiB).
    pub max_markup_bytes: usize,
    /// Nodes (elements and runs of text) the parser may build (300,000).
    pub max_nodes: usize,
    /// Keep image captions (`<figcaption>`) in the text (without their credits). Off: captions
    /// are not article prose, and their credits name photographers who are not in the story.
    pub keep_captions: bool,
    /// Detect the language from the text when the markup does not say.
    pub detect_language: bool,
    /// Elements nested deeper than this are unwrapped before parsing, as browsers do: the
    /// HTML parser's cost grows with the square of the nesting depth.
    pub max_depth: usize,
    /// Take a title the page declares (JSON-LD headline, `og:title`, ...) as it stands, the
    /// site's name included, as Readability does. Off: the part that names the site goes
    /// ("How to Build a Terrarium | eHow" -> "How to Build a Terrarium"). A `<title>` is cut
    /// either way: it is the browser tab's label, not a headline.
    pub keep_declared_title: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_bytes: 64 * 1024 * 1024,
            max_text_bytes: 2 * 1024 * 1024,
            max_markup_bytes: 8 * 1024 * 1024,
            max_nodes: 300_000,
            keep_captions: false,
            detect_language: true,
            max_depth: 512,
            keep_declared_title: false,
        }
    }
}

/// What the cleaner could not turn into an article.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The page has no text that looks like an article.
    #[error("no article text found")]
    NoArticle,
    /// The bytes are binary data (an image, a PDF, an archive), not a text page: more than
    /// one byte in 32 is a control byte that text never holds (NUL, and the C0 controls other
    /// than tab, newlines, form feed and escape), NULs padding the end aside. Fewer are stray
    /// bytes of a text page, which the cleaner drops.
    #[error("binary data, not an HTML page")]
    NotText,
    /// The bytes are compressed (`format` is `gzip`, `zstd`, `xz` or `bzip2`, by the magic
    /// number): decompress them and clean the result. The cleaner does not, so that the
    /// caller decides how far a body may expand.
    #[error("{format}-compressed data, not an HTML page (decompress it first)")]
    Compressed {
        /// `gzip`, `zstd`, `xz` or `bzip2`.
        format: &'static str,
    },
    /// The page is larger than [`Config::max_bytes`].
    #[error("page of {size} bytes is over the {limit}-byte limit")]
    TooLarge {
        /// The page's size, in bytes.
        size: usize,
        /// [`Config::max_bytes`].
        limit: usize,
    },
}

/// The cleaner, with its configuration and compiled patterns. Build once, use for every page.
#[derive(Debug)]
pub struct Cleaner {
    config: Config,
    patterns: Patterns,
}

impl Default for Cleaner {
    fn default() -> Self {
        Cleaner::new(Config::default())
    }
}

impl Cleaner {
    /// A cleaner with `config`. Its wording patterns are compiled when a page first needs
    /// each, not here; build one and share it (it is `Send + Sync`).
    pub fn new(config: Config) -> Self {
        Cleaner {
            config,
            patterns: Patterns::new(),
        }
    }

    /// The configuration this cleaner was built with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Cleans one page fetched just now. `url` is where it came from (used to resolve relative
    /// links and as the fallback article URL); `content_type` is the HTTP header, used for the
    /// charset. A stored page cleaned again should go through [`Cleaner::clean_at`] with its
    /// fetch time.
    pub fn clean(
        &self,
        body: &[u8],
        url: &str,
        content_type: Option<&str>,
    ) -> Result<Article, Error> {
        self.clean_at(body, url, content_type, Utc::now())
    }

    /// Cleans one page fetched at `fetched`: a publication or modification date more than
    /// two days after it is impossible (embargoes and time zones explain a day or so), so it
    /// is read as absent and the next source of the date is tried. Dates before 1800 and the
    /// Unix epoch's zero go the same way (see `meta::plausible_date`).
    pub fn clean_at(
        &self,
        body: &[u8],
        url: &str,
        content_type: Option<&str>,
        fetched: DateTime<Utc>,
    ) -> Result<Article, Error> {
        if body.len() > self.config.max_bytes {
            return Err(Error::TooLarge {
                size: body.len(),
                limit: self.config.max_bytes,
            });
        }
        if let Some(format) = decode::compression(body) {
            return Err(Error::Compressed { format });
        }
        if decode::looks_binary(body) {
            return Err(Error::NotText);
        }
        let page_url = Url::parse(url).ok();
        let tld = page_url
            .as_ref()
            .and_then(|u| u.host_str())
            .and_then(|h| h.rsplit('.').next())
            .map(str::to_owned);
        let decoded = decode::decode(body, content_type, tld.as_deref());
        let budget = prepare::Budget {
            max_depth: self.config.max_depth,
            max_bytes: self.config.max_markup_bytes,
            max_text: self.config.max_text_bytes,
        };
        // `scraper::Html` is !Send: it lives and dies inside this call.
        let parsed = match prepare::prepare(&decoded, &budget) {
            prepare::Prepared::Prefix(len) => parse::parse(&decoded[..len], self.config.max_nodes),
            prepare::Prepared::Owned(markup) => {
                // The decoded page may be a copy as large as the page: free it before parsing.
                drop(decoded);
                parse::parse(&markup, self.config.max_nodes)
            }
        };
        let doc = dom::build(&parsed, &self.patterns);
        drop(parsed);
        self.assemble(&doc, url, page_url.as_ref(), fetched)
    }

    /// The article from a parsed page: the title (`title`), the text (`extract`, or JSON-LD's
    /// `articleBody` when the markup holds far less), and every other field from `meta`, which
    /// holds each field's order of sources.
    fn assemble(
        &self,
        doc: &Doc,
        url: &str,
        page_url: Option<&Url>,
        fetched: DateTime<Utc>,
    ) -> Result<Article, Error> {
        let ld = meta::json_ld(&doc.head.json_ld);
        let base = doc.head.base_href.as_deref().and_then(|b| match page_url {
            Some(p) => p.join(b).ok(),
            None => Url::parse(b).ok(),
        });
        let base = base.as_ref().or(page_url);

        let site_name = meta::site_name(doc, &ld);
        let canonical_url = meta::canonical_url(doc, &ld, base);
        let canonical_parsed = canonical_url.as_deref().and_then(|u| Url::parse(u).ok());
        let clues = title::TitleClues::new(
            doc,
            &ld,
            site_name.as_deref(),
            &[page_url, canonical_parsed.as_ref()],
        );
        // The extractor drops the headline from the text by its words, so it gets the
        // headline without the site's name whatever the article's title keeps.
        let headline = title::headline(doc, &ld, &clues, false);
        let title = if self.config.keep_declared_title {
            title::headline(doc, &ld, &clues, true)
        } else {
            headline.clone()
        };

        let extractor = Extractor::new(doc, &self.patterns, &headline, self.config.keep_captions);
        let kept = extractor.run();
        let mut blocks = self.blocks(doc, &kept, base);
        // Single-page apps may ship the text only as JSON-LD `articleBody`.
        /// `articleBody` replaces the extracted text only when it has at least this many
        /// characters (a summary or a teaser is shorter) ...
        const LD_BODY_MIN_CHARS: usize = 200;
        /// ... and more than this many times the extracted text's: the markup then held
        /// only a fragment of the story (the rest is rendered by script).
        const LD_BODY_FACTOR: usize = 2;
        if let Some(body) = ld.body.as_deref() {
            let extracted: usize = blocks.iter().map(|b| b.text.chars().count()).sum();
            let ld_chars = body.chars().count();
            if ld_chars >= LD_BODY_MIN_CHARS && extracted * LD_BODY_FACTOR < ld_chars {
                blocks = body
                    .split('\n')
                    .map(meta::clean_text)
                    .filter(|p| !p.is_empty())
                    .map(|text| Block {
                        kind: BlockKind::Paragraph,
                        quote: false,
                        text,
                        links: Vec::new(),
                    })
                    .collect();
            }
        }
        let text = blocks
            .iter()
            .map(|b| b.text.as_str())
            .collect::<Vec<_>>()
            .join("\n\n");
        if text.is_empty() && title.is_empty() {
            return Err(Error::NoArticle);
        }

        let url_out = canonical_url.clone().unwrap_or_else(|| url.to_owned());
        let language = meta::language(doc, &text, self.config.detect_language);

        let mut article = Article {
            url: url_out,
            title,
            authors: meta::authors(doc, &ld),
            published: meta::published(doc, &ld, page_url, fetched),
            modified: meta::modified(doc, &ld, fetched),
            site_name,
            language,
            description: meta::description(doc, &ld),
            section: meta::section(doc, &ld),
            tags: meta::tags(doc, &ld),
            image: meta::image(doc, &ld, base),
            text,
            canonical_url,
            blocks,
        };
        article.sanitise();
        Ok(article)
    }

    fn blocks(&self, doc: &Doc, kept: &[Kept], base: Option<&Url>) -> Vec<Block> {
        kept.iter()
            .map(|k| {
                let source = &doc.blocks[k.block];
                let kind = match source.kind {
                    Kind::Heading(level) => BlockKind::Heading { level },
                    Kind::ListItem => BlockKind::ListItem {
                        depth: source.list_depth.max(1),
                    },
                    Kind::Pre => BlockKind::Code,
                    Kind::Cell => BlockKind::Cell,
                    Kind::Paragraph | Kind::Loose | Kind::Caption | Kind::Term => {
                        BlockKind::Paragraph
                    }
                };
                let links = if k.edited {
                    Vec::new()
                } else {
                    // Kept text is the block's text trimmed; offsets shift by the trimmed prefix.
                    let offset = source.text.find(k.text.as_str()).unwrap_or(0);
                    source
                        .links
                        .iter()
                        .filter(|l| l.start >= offset && l.end <= offset + k.text.len())
                        .filter_map(|l| {
                            let href = meta::link_target(base, &l.href)?;
                            Some(Link {
                                start: l.start - offset,
                                end: l.end - offset,
                                href,
                            })
                        })
                        .collect()
                };
                Block {
                    kind,
                    quote: source.quote,
                    text: k.text.clone(),
                    links,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaner_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Cleaner>();
        assert_send_sync::<Article>();
    }

    #[test]
    fn declared_titles_lose_the_site_name_unless_kept() {
        let para = "<p>The council voted on Tuesday to reopen the harbour bridge, which has been \
            closed since the storm in March, after engineers said the repairs were sound.</p>";
        let page = format!(
            "<html><head><title>Bridge reopens | Harbour Times</title>\
             <meta property=\"og:title\" content=\"Bridge reopens | Harbour Times\">\
             <meta property=\"og:site_name\" content=\"Harbour Times\"></head>\
             <body><article><h1>Bridge reopens</h1>{}</article></body></html>",
            para.repeat(4)
        );
        let url = "https://example.org/news/bridge";
        let cut = Cleaner::default()
            .clean(page.as_bytes(), url, None)
            .unwrap();
        assert_eq!(cut.title, "Bridge reopens");
        let kept = Cleaner::new(Config {
            keep_declared_title: true,
            ..Config::default()
        })
        .clean(page.as_bytes(), url, None)
        .unwrap();
        assert_eq!(kept.title, "Bridge reopens | Harbour Times");
        // The headline still leaves the text either way.
        assert_eq!(kept.text, cut.text);
        assert!(!kept.text.contains("Bridge reopens"), "{}", kept.text);
    }

    #[test]
    fn a_recipe_keeps_its_ingredient_box() {
        let step = "<p>Beat the butter and sugar until pale, then fold in the flour, the eggs \
            and a pinch of salt, and bake the cake for forty minutes until golden.</p>";
        let page = format!(
            "<html><head><title>Lemon cake</title></head><body>\
             <nav><a href=\"/\">Home</a> <a href=\"/recipes\">Recipes</a></nav>\
             <div class=\"recipe-ingredients\"><h2>Ingredients</h2><table>\
             <tr><td>200 g</td><td>Butter</td></tr><tr><td>3</td><td>Eggs</td></tr>\
             <tr><td>250 g</td><td>Self-raising flour</td></tr></table></div>\
             <div class=\"recipe-method\">{}</div>\
             <aside class=\"related\"><a href=\"/a\">Orange cake</a></aside></body></html>",
            step.repeat(4)
        );
        let article = Cleaner::default()
            .clean(page.as_bytes(), "https://example.org/lemon-cake", None)
            .unwrap();
        assert!(
            article.text.contains("Self-raising flour"),
            "{}",
            article.text
        );
        assert_eq!(article.text.matches("Self-raising flour").count(), 1);
        assert!(article.text.find("Butter") < article.text.find("Beat the butter"));
        assert!(!article.text.contains("Orange cake"), "{}", article.text);
    }

    #[test]
    fn a_story_split_over_page_sections_is_joined() {
        let part = |topic: &str| {
            format!(
                "<p>The {topic} plant, which opened in the spring, now supplies the town with \
                 heat and power, and the council says the savings, about a fifth, will go to \
                 schools.</p>"
            )
            .repeat(8)
        };
        let rows = (0..20)
            .map(|i| format!("<tr><td>{i}</td><td>{}</td><td>{}</td></tr>", i * 7, i * 3))
            .collect::<String>();
        let links = (0..20)
            .map(|i| format!("<li><a href=\"/s{i}\">Section number {i}</a></li>"))
            .collect::<String>();
        let page = format!(
            "<html><head><title>Energy</title></head><body><header><ul>{links}</ul></header>\
             <section class=\"blog-post\"><div class=\"container\"><div class=\"row\">\
             <div class=\"col-md-9\"><div class=\"post-text\">{}</div></div>\
             <div class=\"col-md-3 share-col\"><a href=\"/share\">Share</a></div></div></div></section>\
             <div class=\"container table-container\"><table>{rows}</table></div>\
             <div class=\"container topic\"><div class=\"row\"><div class=\"col-md-8\">\
             <h2>Storage</h2>{}</div></div></div>\
             <div class=\"container\"><div class=\"row\"><div class=\"col-md-6\">{}</div></div></div>\
             </body></html>",
            part("biogas"),
            part("battery"),
            links.repeat(3)
        );
        let article = Cleaner::default()
            .clean(page.as_bytes(), "https://example.org/energy", None)
            .unwrap();
        assert!(
            article.text.contains("The biogas plant"),
            "{}",
            article.text
        );
        assert!(
            article.text.contains("The battery plant"),
            "{}",
            article.text
        );
        assert!(article.text.find("biogas") < article.text.find("battery"));
        assert!(!article.text.contains("Section number"), "{}", article.text);
    }
}
