//! The cleaner's output: an article's text as typed blocks, its metadata, and its Markdown form.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An article, as the cleaner extracted it from one page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// The canonical URL when the page names one (absolute), else the URL it was fetched from.
    pub url: String,
    /// The headline, without a `| Site name` suffix.
    pub title: String,
    /// People (or agencies) credited, without "By" or job titles.
    pub authors: Vec<String>,
    /// When it was first published (UTC), from JSON-LD, meta tags, `<time>` or the URL; `None`
    /// when no source gives a plausible date.
    pub published: Option<DateTime<Utc>>,
    /// When it was last modified (UTC), from the same sources as `published`.
    pub modified: Option<DateTime<Utc>>,
    /// The site's own name (`og:site_name`, JSON-LD publisher), when the page gives one.
    pub site_name: Option<String>,
    /// ISO 639-1 code (`en`, `de`): from the markup, else detected from the text.
    pub language: Option<String>,
    /// The standfirst or meta description.
    pub description: Option<String>,
    /// The section the page files it under (`article:section`, JSON-LD `articleSection`).
    pub section: Option<String>,
    /// The page's keywords and tags (`article:tag`, `rel=tag`, JSON-LD `keywords`).
    pub tags: Vec<String>,
    /// The lead image, absolute.
    pub image: Option<String>,
    /// The clean body: paragraphs (and headings, list items, quotes) separated by a blank line.
    pub text: String,
    /// The canonical URL the page names, if any (absolute); `url` falls back to the page URL.
    #[serde(default)]
    pub canonical_url: Option<String>,
    /// The body as typed blocks, in order; `text` is their text joined by blank lines.
    #[serde(default)]
    pub blocks: Vec<Block>,
}

/// One paragraph-like unit of the article body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    /// Whether it is a paragraph, heading, list item, code or table cell.
    pub kind: BlockKind,
    /// Inside a `<blockquote>`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub quote: bool,
    /// The block's text, without markup.
    pub text: String,
    /// Links inside `text`, as byte ranges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
}

/// What a block is, for Markdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// Ordinary running text.
    Paragraph,
    /// `level` 1 to 6.
    Heading {
        /// 1 for `<h1>` to 6 for `<h6>`.
        level: u8,
    },
    /// A list item, `depth` 1 for a top-level list.
    ListItem {
        /// How many lists deep the item sits.
        depth: u8,
    },
    /// Preformatted text or code.
    Code,
    /// A table cell's text.
    Cell,
}

/// A link in a block: `text[start..end]` points to `href` (absolute where it could be resolved).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// Byte offset in the block's `text` where the link's text starts.
    pub start: usize,
    /// Byte offset in the block's `text` where the link's text ends (exclusive).
    pub end: usize,
    /// The target: an absolute `http`, `https` or `mailto` URL (others are dropped).
    pub href: String,
}

impl Article {
    /// Drops the characters that must not reach a terminal from every field: C0 and C1
    /// controls (but newlines, and tabs in the body), DEL, and bidi embeddings, overrides and
    /// isolates. The cleaner's own articles come out this way; call it on an article read back
    /// from elsewhere (a store written by an older version) before printing it.
    pub fn sanitise(&mut self) {
        use crate::controls::{line, multiline};
        for field in [&mut self.url, &mut self.title] {
            line(field);
        }
        for field in [
            &mut self.site_name,
            &mut self.language,
            &mut self.description,
            &mut self.section,
            &mut self.image,
            &mut self.canonical_url,
        ]
        .into_iter()
        .flatten()
        {
            line(field);
        }
        for list in [&mut self.authors, &mut self.tags] {
            list.iter_mut().for_each(line);
            list.retain(|item| !item.is_empty());
        }
        if self.blocks.is_empty() {
            multiline(&mut self.text, &mut []);
            return;
        }
        let mut changed = false;
        for block in &mut self.blocks {
            let mut offsets: Vec<&mut usize> = block
                .links
                .iter_mut()
                .flat_map(|l| [&mut l.start, &mut l.end])
                .collect();
            changed |= multiline(&mut block.text, &mut offsets);
            for link in &mut block.links {
                line(&mut link.href);
            }
            block.links.retain(|l| l.start < l.end);
        }
        if changed {
            // `text` is the blocks' text joined by blank lines; a block left empty goes.
            self.blocks.retain(|b| !b.text.trim().is_empty());
            self.text = self
                .blocks
                .iter()
                .map(|b| b.text.as_str())
                .collect::<Vec<_>>()
                .join("\n\n");
        } else {
            multiline(&mut self.text, &mut []);
        }
    }

    /// The body as Markdown: `#` headings, `-` list items, `>` quotes, fenced code, and inline
    /// links. The title is not repeated.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        for block in &self.blocks {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            let inline = if block.kind == BlockKind::Code {
                block.text.clone()
            } else {
                inline_markdown(block)
            };
            let body = match block.kind {
                BlockKind::Heading { level } => format!(
                    "{} {}",
                    "#".repeat(usize::from(level.clamp(1, 6))),
                    inline.replace('\n', " ")
                ),
                BlockKind::ListItem { depth } => {
                    format!(
                        "{}- {}",
                        "  ".repeat(usize::from(depth.saturating_sub(1))),
                        inline.replace('\n', " ")
                    )
                }
                BlockKind::Code => format!("```\n{inline}\n```"),
                BlockKind::Paragraph | BlockKind::Cell => inline,
            };
            if block.quote {
                let quoted: Vec<String> = body
                    .lines()
                    .map(|l| {
                        if l.is_empty() {
                            ">".to_owned()
                        } else {
                            format!("> {l}")
                        }
                    })
                    .collect();
                out.push_str(&quoted.join("\n"));
            } else {
                out.push_str(&body);
            }
        }
        out
    }
}

fn escape_markdown(text: &str, out: &mut String) {
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '[' | ']' | '`' | '<' | '>' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
}

/// `href` as the URL parser serialises it (controls and spaces percent-encoded or dropped),
/// when it is an absolute http, https or mailto URL.
fn safe_href(href: &str) -> Option<String> {
    let url = url::Url::parse(href).ok()?;
    matches!(url.scheme(), "http" | "https" | "mailto").then(|| url.to_string())
}

fn inline_markdown(block: &Block) -> String {
    let text = &block.text;
    let mut out = String::with_capacity(text.len() + 16);
    let mut at = 0;
    for link in &block.links {
        let valid = link.start >= at
            && link.start < link.end
            && link.end <= text.len()
            && text.is_char_boundary(link.start)
            && text.is_char_boundary(link.end);
        if !valid {
            continue;
        }
        // An article read back from elsewhere may hold links an older cleaner kept: only web
        // and mail links are rendered as links, whatever the article says.
        let Some(href) = safe_href(&link.href) else {
            continue;
        };
        escape_markdown(&text[at..link.start], &mut out);
        out.push('[');
        escape_markdown(&text[link.start..link.end], &mut out);
        out.push_str("](");
        out.push_str(&href.replace(' ', "%20").replace(')', "%29"));
        out.push(')');
        at = link.end;
    }
    escape_markdown(&text[at..], &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_has_headings_lists_quotes_and_links() {
        let article = Article {
            blocks: vec![
                Block {
                    kind: BlockKind::Heading { level: 2 },
                    quote: false,
                    text: "What next?".into(),
                    links: vec![],
                },
                Block {
                    kind: BlockKind::Paragraph,
                    quote: false,
                    text: "See the report for details.".into(),
                    links: vec![Link {
                        start: 8,
                        end: 14,
                        href: "https://example.com/r".into(),
                    }],
                },
                Block {
                    kind: BlockKind::ListItem { depth: 1 },
                    quote: false,
                    text: "first".into(),
                    links: vec![],
                },
                Block {
                    kind: BlockKind::Paragraph,
                    quote: true,
                    text: "A *quoted* line".into(),
                    links: vec![],
                },
            ],
            ..Article::default()
        };
        assert_eq!(
            article.to_markdown(),
            "## What next?\n\nSee the [report](https://example.com/r) for details.\n\n- first\n\n> A \\*quoted\\* line"
        );
    }
}
