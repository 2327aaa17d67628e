//! A flat copy of the parsed page that extraction works on: elements in document order with
//! parent and sibling indices, the text split into blocks (one per paragraph-like run of
//! text), per-subtree statistics, and the head's metadata. Built in one iterative pass, so
//! a page nested 100,000 deep costs heap, not stack.

use scraper::{Html, Node};

use crate::patterns::{ClassCache, Patterns};

/// "No element": the parent of the root, the end of a sibling chain.
pub(crate) const NONE: u32 = u32::MAX;

/// How much of each kind of clue one page may give: a real page has a few of each, and a
/// hostile one must not make the cleaner collect (and later compare) millions.
mod caps {
    /// Byline elements whose text is captured at the same time (they nest at most a few
    /// deep on real pages).
    pub(super) const OPEN_BYLINES: usize = 8;
    /// Bytes captured of one byline: a byline is a line, and the longest real bylines
    /// (several authors with their roles) stay well under this.
    pub(super) const BYLINE_CHARS: usize = 600;
    /// Bylines kept per page.
    pub(super) const BYLINES: usize = 64;
    /// `rel=tag` links kept per page (a tag cloud beyond that adds nothing).
    pub(super) const TAG_LINKS: usize = 64;
    /// Meta tags kept per page (news pages have a few dozen).
    pub(super) const METAS: usize = 512;
}

/// The tags that extraction treats differently; everything else is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    Html,
    Body,
    A,
    Address,
    Article,
    Aside,
    Blockquote,
    Dd,
    Details,
    Div,
    Dl,
    Dt,
    Fieldset,
    Figcaption,
    Figure,
    Footer,
    Form,
    H(u8),
    Header,
    Li,
    Main,
    Menu,
    Nav,
    Ol,
    P,
    Pre,
    Section,
    Table,
    Td,
    Th,
    Tr,
    Ul,
    Other,
}

impl Tag {
    fn from_name(name: &str) -> Tag {
        match name {
            "html" => Tag::Html,
            "body" => Tag::Body,
            "a" => Tag::A,
            "address" => Tag::Address,
            "article" => Tag::Article,
            "aside" => Tag::Aside,
            "blockquote" => Tag::Blockquote,
            "dd" => Tag::Dd,
            "details" => Tag::Details,
            "div" => Tag::Div,
            "dl" => Tag::Dl,
            "dt" => Tag::Dt,
            "fieldset" => Tag::Fieldset,
            "figcaption" => Tag::Figcaption,
            "figure" => Tag::Figure,
            "footer" => Tag::Footer,
            "form" => Tag::Form,
            "h1" => Tag::H(1),
            "h2" => Tag::H(2),
            "h3" => Tag::H(3),
            "h4" => Tag::H(4),
            "h5" => Tag::H(5),
            "h6" => Tag::H(6),
            "header" => Tag::Header,
            "li" => Tag::Li,
            "main" => Tag::Main,
            "menu" => Tag::Menu,
            "nav" => Tag::Nav,
            "ol" => Tag::Ol,
            "p" => Tag::P,
            "pre" => Tag::Pre,
            "section" => Tag::Section,
            "table" => Tag::Table,
            "td" => Tag::Td,
            "th" => Tag::Th,
            "tr" => Tag::Tr,
            "ul" => Tag::Ul,
            _ => Tag::Other,
        }
    }

    /// Whether the tag starts a new run of text (a new block) where it opens and closes.
    fn breaks_text(self, name: &str) -> bool {
        !matches!(self, Tag::A | Tag::Other)
            || matches!(
                name,
                "hgroup"
                    | "tbody"
                    | "thead"
                    | "tfoot"
                    | "caption"
                    | "center"
                    | "summary"
                    | "dialog"
                    | "legend"
                    | "hr"
            )
    }
}

/// What kind of text a block is, for Markdown and for scoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Kind {
    #[default]
    Paragraph,
    /// Text directly inside a `div`-like container rather than a `p`.
    Loose,
    Heading(u8),
    ListItem,
    Pre,
    Cell,
    Caption,
    Term,
}

/// Element flags set from the tag and its class, id, role and itemprop.
pub(crate) mod flag {
    /// Class, id or role says navigation, sidebar, comments, ads and the like.
    pub const UNLIKELY: u32 = 1;
    /// `nav`, `aside`, `footer`, `menu` (or the matching ARIA role).
    pub const BOILER_TAG: u32 = 1 << 1;
    /// A caption or an image credit.
    pub const CAPTION: u32 = 1 << 2;
    /// A byline: `rel=author`, `itemprop=author`, class `byline`.
    pub const BYLINE: u32 = 1 << 3;
    /// Marked as the article body (`itemprop=articleBody`, class `article-body`, ...).
    pub const ARTICLE_BODY: u32 = 1 << 4;
    /// Share and follow bars.
    pub const SHARE: u32 = 1 << 5;
    /// An ad slot.
    pub const AD: u32 = 1 << 6;
    /// A page or article header (`header`, class `header`).
    pub const HEADERISH: u32 = 1 << 7;
    /// Related, "most read", recommended and "more on this" boxes.
    pub const RELATED: u32 = 1 << 8;
    /// A date or time stamp (`time`, class `date`).
    pub const DATE: u32 = 1 << 9;
    /// Comment sections.
    pub const COMMENTS: u32 = 1 << 10;
    /// Tag clouds and topic lists.
    pub const TAGS: u32 = 1 << 11;
    /// Newsletter, subscription, paywall and cookie boxes.
    pub const PROMO: u32 = 1 << 12;
    /// Page furniture: boxes that are never the story, whatever text they hold.
    pub const FURNITURE: u32 = BOILER_TAG | RELATED | PROMO | COMMENTS | SHARE | AD;
    /// An `<article>` element or `itemtype=...Article`.
    pub const ARTICLE: u32 = 1 << 13;
    /// A standfirst, lead or intro paragraph ("lead", "standfirst", "chapo", "Vorspann").
    pub const LEAD: u32 = 1 << 14;
    /// A recipe's ingredient list (class `ingredients`, `itemprop=recipeIngredient`): part of
    /// the recipe, though often set in a box of its own beside the method.
    pub const INGREDIENTS: u32 = 1 << 15;
}

/// Counts over an element's subtree.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Stats {
    pub chars: u32,
    pub link_chars: u32,
    pub commas: u32,
    pub p: u32,
    pub img: u32,
    pub li: u32,
    pub input: u32,
    pub embed: u32,
    pub heading_chars: u32,
    pub li_chars: u32,
    /// `blockquote`, `table` and `pre` elements: content that a figure may legitimately wrap.
    pub quotes: u32,
}

impl Stats {
    fn add(&mut self, other: &Stats) {
        self.chars += other.chars;
        self.link_chars += other.link_chars;
        self.commas += other.commas;
        self.p += other.p;
        self.img += other.img;
        self.li += other.li;
        self.input += other.input;
        self.embed += other.embed;
        self.heading_chars += other.heading_chars;
        self.li_chars += other.li_chars;
        self.quotes += other.quotes;
    }

    pub fn link_density(&self) -> f32 {
        if self.chars == 0 {
            0.0
        } else {
            self.link_chars as f32 / self.chars as f32
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Elem {
    pub tag: Tag,
    pub parent: u32,
    pub first_child: u32,
    pub next_sibling: u32,
    pub children: u32,
    /// One past the index of the last element in this subtree.
    pub end: u32,
    /// The blocks of this subtree are `block_start..block_end`.
    pub block_start: u32,
    pub block_end: u32,
    pub flags: u32,
    /// Readability-style class/id weight: +25 per positive, -25 per negative hint.
    pub class_weight: i32,
    /// A hash of the class attribute, to spot siblings styled like the article (0 = none).
    pub class_key: u64,
    pub stats: Stats,
}

impl Elem {
    pub fn has(&self, f: u32) -> bool {
        self.flags & f != 0
    }
}

/// A link inside a block's text, as a byte range of that text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: usize,
    pub end: usize,
    pub href: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Block {
    /// The innermost block-level element holding the text.
    pub owner: u32,
    pub kind: Kind,
    pub quote: bool,
    pub list_depth: u8,
    pub text: String,
    pub chars: u32,
    pub link_chars: u32,
    pub commas: u32,
    pub links: Vec<Span>,
    /// Characters inside `em`/`i`: editor's notes and disclaimers are set in italics.
    pub emph_chars: u32,
    /// The block holds a `<time>` element.
    pub has_time: bool,
}

/// What the head (and any `<meta>`, `<link>`, `<time>` or JSON-LD in the body) says.
#[derive(Debug, Default)]
pub(crate) struct HeadData {
    pub title: Option<String>,
    pub lang: Option<String>,
    /// `(name, content)` with the name from `property`, `name`, `itemprop` or `http-equiv`, lower-cased.
    pub metas: Vec<(String, String)>,
    pub canonical: Option<String>,
    pub base_href: Option<String>,
    pub json_ld: Vec<String>,
    /// `(element index, datetime attribute or text)` of `<time>` elements in the body.
    pub times: Vec<(u32, String)>,
    /// The text of `rel=tag` links (WordPress and other CMSs' tag lists).
    pub tag_links: Vec<String>,
    /// `(element index, text)` of byline elements, in the order they close; lines are
    /// separated by `\n`. Inline bylines (`<a rel=author>`, `<span class=byline>`) own no
    /// block, so their text is captured here.
    pub bylines: Vec<(u32, String)>,
}

pub(crate) struct Doc {
    pub elems: Vec<Elem>,
    pub blocks: Vec<Block>,
    pub head: HeadData,
    pub body: u32,
}

impl Doc {
    pub fn ancestors(&self, i: u32) -> impl Iterator<Item = u32> + '_ {
        let mut next = self.elems.get(i as usize).map_or(NONE, |e| e.parent);
        std::iter::from_fn(move || {
            (next != NONE).then(|| {
                let current = next;
                next = self.elems[current as usize].parent;
                current
            })
        })
    }

    pub fn children(&self, i: u32) -> impl Iterator<Item = u32> + '_ {
        let mut next = self.elems[i as usize].first_child;
        std::iter::from_fn(move || {
            (next != NONE).then(|| {
                let current = next;
                next = self.elems[current as usize].next_sibling;
                current
            })
        })
    }

    /// Whether `inner` lies in the subtree of `outer` (or is it).
    pub fn contains(&self, outer: u32, inner: u32) -> bool {
        outer <= inner && inner < self.elems[outer as usize].end
    }

    /// The text of an element's blocks, joined by spaces (for bylines, dates, short boxes).
    pub fn text_of(&self, i: u32) -> String {
        let e = &self.elems[i as usize];
        let mut out = String::new();
        for b in &self.blocks[e.block_start as usize..e.block_end as usize] {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&b.text);
        }
        out
    }
}

/// What the text currently being read is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sink {
    Body,
    Title,
    JsonLd,
    Time,
    Discard,
}

struct Frame {
    elem: u32,
    breaks: bool,
    kind: Option<Kind>,
    quote: bool,
    pre: bool,
    list: bool,
    link: Option<(usize, u64, String)>,
    /// A `rel=tag` link, whose text is a tag.
    tag_link: bool,
    emph: bool,
    sink: Option<Sink>,
    time: Option<u32>,
}

struct Builder<'p> {
    patterns: &'p Patterns,
    class_cache: ClassCache,
    elems: Vec<Elem>,
    blocks: Vec<Block>,
    head: HeadData,
    frames: Vec<Frame>,
    /// Element indices of the open elements, innermost last.
    open: Vec<u32>,
    /// Indices of the open text-breaking elements (block owners), innermost last.
    owners: Vec<u32>,
    /// Last child seen of each open element (parallel to `open`).
    last_child: Vec<u32>,
    kinds: Vec<Kind>,
    quote_depth: u32,
    pre_depth: u32,
    list_depth: u32,
    link_depth: u32,
    emph_depth: u32,
    sink: Sink,
    buf: String,
    cur: Block,
    pending_space: bool,
    pending_break: bool,
    /// Bumped at every flush, so a link that spans a block break is not recorded.
    generation: u64,
    time_text: String,
    /// Open byline elements and the text read inside them so far.
    captures: Vec<(u32, String)>,
    body: u32,
    in_head: bool,
}

/// Elements whose content is never article text.
fn skipped(name: &str) -> bool {
    matches!(
        name,
        "style"
            | "noscript"
            | "template"
            | "svg"
            | "math"
            | "iframe"
            | "object"
            | "embed"
            | "canvas"
            | "video"
            | "audio"
            | "select"
            | "option"
            | "textarea"
            | "input"
            | "button"
            | "source"
            | "track"
            | "map"
            | "img"
            | "picture"
            | "link"
            | "base"
            | "meta"
            | "head-hidden"
    )
}

/// The attributes the cleaner reads, gathered in one pass over an element's attributes:
/// scraper's `Element::attr` interns its argument on every call, which cost more than the
/// rest of the flat-document pass together.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Attrs<'a> {
    pub class: &'a str,
    pub id: &'a str,
    pub role: Option<&'a str>,
    pub itemprop: Option<&'a str>,
    pub itemtype: Option<&'a str>,
    pub rel: Option<&'a str>,
    pub hidden: bool,
    pub aria_hidden: Option<&'a str>,
    pub style: Option<&'a str>,
    pub href: Option<&'a str>,
    pub content: Option<&'a str>,
    pub datetime: Option<&'a str>,
    pub kind: Option<&'a str>,
    pub lang: Option<&'a str>,
    pub name: Option<&'a str>,
    pub property: Option<&'a str>,
    pub http_equiv: Option<&'a str>,
}

impl<'a> Attrs<'a> {
    pub fn of(el: &'a scraper::node::Element) -> Self {
        let mut a = Attrs::default();
        for (key, value) in el.attrs() {
            match key {
                "class" => a.class = value,
                "id" => a.id = value,
                "role" => a.role = Some(value),
                "itemprop" => a.itemprop = Some(value),
                "itemtype" => a.itemtype = Some(value),
                "rel" => a.rel = Some(value),
                "hidden" => a.hidden = true,
                "aria-hidden" => a.aria_hidden = Some(value),
                "style" => a.style = Some(value),
                "href" => a.href = Some(value),
                "content" => a.content = Some(value),
                "datetime" => a.datetime = Some(value),
                "type" => a.kind = Some(value),
                "lang" => a.lang = Some(value),
                "xml:lang" => a.lang = a.lang.or(Some(value)),
                "name" => a.name = Some(value),
                "property" => a.property = Some(value),
                "http-equiv" => a.http_equiv = Some(value),
                _ => {}
            }
        }
        a
    }
}

/// `rel="tag"` but not `rel="category tag"`: a tag, not a section.
fn is_tag_link(a: &Attrs) -> bool {
    a.rel.is_some_and(|r| {
        let mut tokens = r.split_whitespace();
        let tag = tokens.clone().any(|t| t.eq_ignore_ascii_case("tag"));
        tag && !tokens.any(|t| t.eq_ignore_ascii_case("category"))
    })
}

fn hidden(a: &Attrs) -> bool {
    if a.hidden {
        return true;
    }
    if a.aria_hidden
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    {
        return true;
    }
    if let Some(style) = a.style {
        let style: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if style.contains("display:none") || style.contains("visibility:hidden") {
            return true;
        }
    }
    false
}

impl<'p> Builder<'p> {
    fn new(patterns: &'p Patterns) -> Self {
        Builder {
            patterns,
            class_cache: ClassCache::default(),
            elems: Vec::new(),
            blocks: Vec::new(),
            head: HeadData::default(),
            frames: Vec::new(),
            open: Vec::new(),
            owners: Vec::new(),
            last_child: Vec::new(),
            kinds: Vec::new(),
            quote_depth: 0,
            pre_depth: 0,
            list_depth: 0,
            link_depth: 0,
            emph_depth: 0,
            sink: Sink::Body,
            buf: String::new(),
            cur: empty_block(),
            pending_space: false,
            pending_break: false,
            generation: 0,
            time_text: String::new(),
            captures: Vec::new(),
            body: NONE,
            in_head: false,
        }
    }

    fn top_stats(&mut self) -> Option<&mut Stats> {
        let top = *self.open.last()?;
        Some(&mut self.elems[top as usize].stats)
    }

    /// Handles an opening node; returns whether to walk into its children.
    fn open(&mut self, node: &Node) -> bool {
        match node {
            Node::Text(text) => {
                self.text(text);
                false
            }
            Node::Element(el) => self.open_element(el),
            _ => false,
        }
    }

    fn open_element(&mut self, el: &scraper::node::Element) -> bool {
        let name = el.name();
        let attrs = Attrs::of(el);
        match name {
            "head" => {
                self.in_head = true;
                self.push_mode(Sink::Discard);
                return true;
            }
            "title" if self.head.title.is_none() && (self.in_head || self.body == NONE) => {
                self.buf.clear();
                self.push_mode(Sink::Title);
                return true;
            }
            "script" => {
                if attrs
                    .kind
                    .is_some_and(|t| t.to_ascii_lowercase().contains("ld+json"))
                {
                    self.buf.clear();
                    self.push_mode(Sink::JsonLd);
                    return true;
                }
                return false;
            }
            "meta" => {
                self.meta(&attrs);
                return false;
            }
            "link" => {
                self.link(&attrs);
                return false;
            }
            "base" => {
                if self.head.base_href.is_none() {
                    self.head.base_href = attrs.href.map(str::to_owned);
                }
                return false;
            }
            "html" => {
                if let Some(lang) = attrs.lang {
                    self.head.lang = Some(lang.to_owned());
                }
            }
            "br" => {
                self.line_break();
                return false;
            }
            _ => {}
        }
        if self.in_head || matches!(self.sink, Sink::Discard | Sink::Title | Sink::JsonLd) {
            return false;
        }
        if skipped(name) || hidden(&attrs) {
            if let Some(stats) = self.top_stats() {
                match name {
                    "img" | "picture" => stats.img += u32::from(name == "img"),
                    "iframe" | "object" | "embed" | "video" | "audio" => stats.embed += 1,
                    "input" | "select" | "textarea" => stats.input += 1,
                    _ => {}
                }
            }
            return false;
        }

        let tag = Tag::from_name(name);
        let breaks = tag.breaks_text(name);
        if breaks {
            self.flush();
        }
        let index = self.elems.len() as u32;
        let parent = self.open.last().copied().unwrap_or(NONE);
        if let Some(last) = self.last_child.last_mut() {
            if *last != NONE {
                self.elems[*last as usize].next_sibling = index;
            } else if parent != NONE {
                self.elems[parent as usize].first_child = index;
            }
            *last = index;
        }
        if parent != NONE {
            self.elems[parent as usize].children += 1;
        }
        let (flags, class_weight, class_key) =
            self.patterns
                .classify(tag, name, &attrs, &mut self.class_cache);
        self.elems.push(Elem {
            tag,
            parent,
            first_child: NONE,
            next_sibling: NONE,
            children: 0,
            end: index + 1,
            block_start: self.blocks.len() as u32,
            block_end: self.blocks.len() as u32,
            flags,
            class_weight,
            class_key,
            stats: Stats::default(),
        });
        if tag == Tag::Body && self.body == NONE {
            self.body = index;
        }
        if flags & flag::BYLINE != 0 && self.captures.len() < caps::OPEN_BYLINES {
            self.captures.push((index, String::new()));
        }
        self.open.push(index);
        self.last_child.push(NONE);
        if breaks {
            self.owners.push(index);
        }

        let kind = match tag {
            Tag::H(level) => Some(Kind::Heading(level)),
            Tag::Li | Tag::Dd => Some(Kind::ListItem),
            Tag::Dt => Some(Kind::Term),
            Tag::Pre => Some(Kind::Pre),
            Tag::Td | Tag::Th => Some(Kind::Cell),
            Tag::Figcaption => Some(Kind::Caption),
            Tag::P => Some(Kind::Paragraph),
            _ => None,
        };
        if let Some(kind) = kind {
            self.kinds.push(kind);
        }
        let quote = tag == Tag::Blockquote;
        let pre = tag == Tag::Pre;
        let list = matches!(tag, Tag::Ul | Tag::Ol);
        self.quote_depth += u32::from(quote);
        self.pre_depth += u32::from(pre);
        self.list_depth += u32::from(list);
        let link = (tag == Tag::A).then_some(attrs.href).flatten().map(|href| {
            self.link_depth += 1;
            self.resolve_pending_space();
            (self.cur.text.len(), self.generation, href.trim().to_owned())
        });
        let emph = matches!(name, "em" | "i");
        self.emph_depth += u32::from(emph);
        if name == "time" {
            self.cur.has_time = true;
            self.time_text.clear();
            if let Some(dt) = attrs.datetime {
                self.head.times.push((index, dt.to_owned()));
            }
        }
        if let (Some(itemprop), Some(content)) = (attrs.itemprop, attrs.content) {
            self.meta_pair(itemprop, content);
        }
        let time = (name == "time" && attrs.datetime.is_none()).then_some(index);
        if time.is_some() {
            self.sink = Sink::Time;
        }
        self.frames.push(Frame {
            elem: index,
            breaks,
            kind,
            quote,
            pre,
            list,
            link,
            tag_link: tag == Tag::A && is_tag_link(&attrs),
            emph,
            sink: time.map(|_| Sink::Body),
            time,
        });
        true
    }

    /// Enters an element whose text goes somewhere other than the body (head, title, JSON-LD).
    fn push_mode(&mut self, sink: Sink) {
        let previous = std::mem::replace(&mut self.sink, sink);
        self.frames.push(Frame {
            elem: NONE,
            breaks: false,
            kind: None,
            quote: false,
            pre: false,
            list: false,
            link: None,
            tag_link: false,
            emph: false,
            sink: Some(previous),
            time: None,
        });
    }

    fn close(&mut self) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        if frame.elem == NONE {
            let previous = frame.sink.unwrap_or(Sink::Body);
            match std::mem::replace(&mut self.sink, previous) {
                Sink::Title => self.head.title = Some(std::mem::take(&mut self.buf)),
                Sink::JsonLd => self.head.json_ld.push(std::mem::take(&mut self.buf)),
                Sink::Discard if self.sink != Sink::Discard => self.in_head = false,
                _ => {}
            }
            return;
        }
        if let Some((start, generation, href)) = frame.link {
            self.link_depth -= 1;
            if generation == self.generation && start < self.cur.text.len() {
                let start = if self.cur.text.as_bytes()[start] == b' ' {
                    start + 1
                } else {
                    start
                };
                if frame.tag_link && self.head.tag_links.len() < caps::TAG_LINKS {
                    self.head
                        .tag_links
                        .push(self.cur.text[start..].trim().to_owned());
                }
                self.cur.links.push(Span {
                    start,
                    end: self.cur.text.len(),
                    href,
                });
            }
        }
        if let Some(time) = frame.time {
            self.sink = frame.sink.unwrap_or(Sink::Body);
            let text = std::mem::take(&mut self.time_text);
            self.head.times.push((time, text.trim().to_owned()));
        }
        if frame.breaks {
            self.flush();
        }
        if frame.kind.is_some() {
            self.kinds.pop();
        }
        self.quote_depth -= u32::from(frame.quote);
        self.emph_depth -= u32::from(frame.emph);
        self.pre_depth -= u32::from(frame.pre);
        self.list_depth -= u32::from(frame.list);
        self.open.pop();
        self.last_child.pop();
        if frame.breaks {
            self.owners.pop();
        }
        if self.captures.last().is_some_and(|(e, _)| *e == frame.elem)
            && let Some((elem, text)) = self.captures.pop()
            && self.head.bylines.len() < caps::BYLINES
        {
            self.head.bylines.push((elem, text));
        }
        let index = frame.elem as usize;
        let end = self.elems.len() as u32;
        let block_end = self.blocks.len() as u32;
        let elem = &mut self.elems[index];
        elem.end = end;
        elem.block_end = block_end;
        match elem.tag {
            Tag::P => elem.stats.p += 1,
            Tag::Li => elem.stats.li += 1,
            Tag::Blockquote | Tag::Table | Tag::Pre => elem.stats.quotes += 1,
            _ => {}
        }
        let stats = elem.stats;
        let parent = elem.parent;
        if parent != NONE {
            self.elems[parent as usize].stats.add(&stats);
        }
    }

    fn text(&mut self, text: &str) {
        match self.sink {
            Sink::Discard => {}
            Sink::Title | Sink::JsonLd => self.buf.push_str(text),
            Sink::Time => {
                self.time_text.push_str(text);
                self.body_text(text);
            }
            Sink::Body => self.body_text(text),
        }
    }

    fn body_text(&mut self, text: &str) {
        if self.open.is_empty() {
            return;
        }
        for (_, captured) in &mut self.captures {
            for c in text.chars() {
                if captured.len() >= caps::BYLINE_CHARS {
                    break;
                }
                if crate::controls::unwanted(c) && !c.is_whitespace() {
                    continue;
                }
                if !c.is_whitespace() {
                    captured.push(c);
                } else if !captured.is_empty() && !captured.ends_with([' ', '\n']) {
                    captured.push(' ');
                }
            }
        }
        let in_link = self.link_depth > 0;
        for ch in text.chars() {
            // Controls never reach the text (see `controls`); the line-ending ones are breaks.
            let Some(ch) = crate::controls::multiline_char(ch) else {
                continue;
            };
            if self.pre_depth > 0 {
                if ch == '\n' && self.cur.text.is_empty() {
                    continue;
                }
                self.push_char(ch, in_link);
            } else if ch.is_whitespace() {
                self.pending_space = true;
            } else {
                self.resolve_pending_space();
                self.push_char(ch, in_link);
            }
        }
    }

    fn resolve_pending_space(&mut self) {
        if self.pending_break {
            self.pending_break = false;
            self.pending_space = false;
            if !self.cur.text.is_empty() {
                self.cur.text.push('\n');
                self.cur.chars += 1;
            }
        } else if self.pending_space {
            self.pending_space = false;
            if !self.cur.text.is_empty() && !self.cur.text.ends_with('\n') {
                self.cur.text.push(' ');
                self.cur.chars += 1;
                if self.link_depth > 0 {
                    self.cur.link_chars += 1;
                }
            }
        }
    }

    fn push_char(&mut self, ch: char, in_link: bool) {
        self.cur.text.push(ch);
        self.cur.chars += 1;
        if self.emph_depth > 0 {
            self.cur.emph_chars += 1;
        }
        if in_link {
            self.cur.link_chars += 1;
        }
        if matches!(
            ch,
            ',' | '，' | '、' | '،' | '⹁' | '﹐' | '﹑' | '︐' | '︑'
        ) {
            self.cur.commas += 1;
        }
    }

    /// `<br>`: a line break inside a block; two in a row end the paragraph.
    fn line_break(&mut self) {
        if self.sink != Sink::Body && self.sink != Sink::Time {
            return;
        }
        self.break_captures();
        if self.pre_depth > 0 {
            self.cur.text.push('\n');
            return;
        }
        if self.pending_break {
            self.pending_break = false;
            self.flush();
        } else {
            self.pending_break = true;
        }
    }

    /// Block boundaries and `<br>`s are line breaks in captured bylines.
    fn break_captures(&mut self) {
        for (_, captured) in &mut self.captures {
            if captured.ends_with(' ') {
                captured.pop();
            }
            if !captured.is_empty() && !captured.ends_with('\n') {
                captured.push('\n');
            }
        }
    }

    fn flush(&mut self) {
        self.break_captures();
        self.pending_space = false;
        self.pending_break = false;
        self.generation += 1;
        let trimmed_end = self.cur.text.trim_end().len();
        if trimmed_end == 0 {
            self.cur.text.clear();
            self.cur.links.clear();
            self.cur.chars = 0;
            self.cur.link_chars = 0;
            self.cur.commas = 0;
            return;
        }
        self.cur.text.truncate(trimmed_end);
        for link in &mut self.cur.links {
            link.end = link.end.min(trimmed_end);
        }
        self.cur.links.retain(|l| l.start < l.end);
        let owner = self
            .owners
            .last()
            .copied()
            .or_else(|| self.open.last().copied())
            .unwrap_or(0);
        let mut block = std::mem::replace(&mut self.cur, empty_block());
        block.owner = owner;
        block.kind = match self.kinds.last() {
            Some(kind) => *kind,
            None => Kind::Loose,
        };
        block.quote = self.quote_depth > 0;
        block.list_depth = self.list_depth.min(u32::from(u8::MAX)) as u8;
        let stats = &mut self.elems[owner as usize].stats;
        stats.chars += block.chars;
        stats.link_chars += block.link_chars.min(block.chars);
        stats.commas += block.commas;
        match block.kind {
            Kind::Heading(_) => stats.heading_chars += block.chars,
            Kind::ListItem => stats.li_chars += block.chars,
            _ => {}
        }
        self.blocks.push(block);
    }

    fn meta(&mut self, attrs: &Attrs) {
        if let Some(charset_or_content) = attrs.content {
            for name in [attrs.property, attrs.name, attrs.itemprop, attrs.http_equiv]
                .into_iter()
                .flatten()
            {
                // `property` may hold several space-separated names (RDFa).
                for name in name.split_whitespace() {
                    self.meta_pair(name, charset_or_content);
                }
            }
        }
    }

    fn meta_pair(&mut self, name: &str, content: &str) {
        let mut content = content.trim().to_owned();
        crate::controls::line(&mut content);
        if !content.is_empty() && self.head.metas.len() < caps::METAS {
            self.head.metas.push((name.to_ascii_lowercase(), content));
        }
    }

    fn link(&mut self, attrs: &Attrs) {
        let Some(rel) = attrs.rel else { return };
        if rel
            .split_whitespace()
            .any(|r| r.eq_ignore_ascii_case("canonical"))
            && self.head.canonical.is_none()
            && let Some(href) = attrs.href
        {
            self.head.canonical = Some(href.trim().to_owned());
        }
    }

    fn finish(mut self) -> Doc {
        self.flush();
        while !self.frames.is_empty() {
            self.close();
        }
        let body = if self.body != NONE { self.body } else { 0 };
        Doc {
            elems: self.elems,
            blocks: self.blocks,
            head: self.head,
            body,
        }
    }
}

fn empty_block() -> Block {
    Block {
        owner: 0,
        kind: Kind::Paragraph,
        quote: false,
        list_depth: 0,
        text: String::new(),
        chars: 0,
        link_chars: 0,
        commas: 0,
        links: Vec::new(),
        emph_chars: 0,
        has_time: false,
    }
}

/// Builds the flat document. The walk over scraper's tree is iterative (first child, next
/// sibling, parent), so its depth costs no stack.
pub(crate) fn build(html: &Html, patterns: &Patterns) -> Doc {
    let mut builder = Builder::new(patterns);
    let root = html.tree.root();
    let mut current = root.first_child();
    while let Some(node) = current {
        let entered = builder.open(node.value());
        if entered && let Some(child) = node.first_child() {
            current = Some(child);
            continue;
        }
        if entered {
            builder.close();
        }
        let mut at = node;
        current = None;
        loop {
            if let Some(sibling) = at.next_sibling() {
                current = Some(sibling);
                break;
            }
            match at.parent() {
                Some(parent) if parent.id() != root.id() => {
                    builder.close();
                    at = parent;
                }
                _ => break,
            }
        }
    }
    builder.finish()
}
