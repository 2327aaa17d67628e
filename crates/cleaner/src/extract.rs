//! Finds the article in a page and keeps only its text. Scores containers by the paragraphs
//! they hold (text length, commas, link density, class and tag hints, in the manner of
//! Readability), picks the best container and the siblings that belong to it, then drops
//! boilerplate inside it: boxes by their markup hints and link density, lines by their wording.

use crate::dom::{Block, Doc, Elem, Kind, NONE, Tag, flag};
use crate::patterns::Patterns;

/// The numbers that steer extraction, by the phase that uses them. Those marked "Readability"
/// are Mozilla Readability's (`Readability.js`), whose scoring this follows; the others were
/// set on the evaluation sets (`newsdex eval clean`, README "Cleaner"). Changing one changes
/// which text is kept on real pages: re-run the evaluation and compare.
mod tuning {
    /// Attempts (`Extractor::run`): when to relax the filters, and when to fall back to the
    /// whole body.
    pub(super) mod attempts {
        /// Below this many characters of kept text, extraction retries with fewer filters
        /// (Readability's `charThreshold`): less is a teaser or a fragment, not a story.
        pub const MIN_CHARS: u32 = 500;
        /// The whole body (cleaned of its boxes) is taken when it holds more than this many
        /// times the text of the best attempt: the story is then text loose in the body or
        /// many short paragraphs that no single container scores for.
        pub const WHOLE_BODY_FACTOR: u32 = 2;
        /// ... measured against at least this many characters, so that an attempt that kept
        /// next to nothing does not make any body "far more".
        pub const WHOLE_BODY_FLOOR: u32 = 100;
    }

    /// Scoring (`Extractor::score`): what each paragraph gives to the containers above it.
    pub(super) mod scoring {
        /// How many ancestors of a paragraph share its score (Readability uses 5).
        pub const LEVELS: usize = 5;
        /// Paragraphs shorter than this score nothing (Readability): captions, labels and
        /// button text are that short.
        pub const MIN_PARAGRAPH_CHARS: u32 = 25;
        /// Blocks shorter than this are checked for boilerplate wording ("Read more", share
        /// prompts) before they score; longer ones are prose whatever words they use, and
        /// checking them would only cost time.
        pub const WORDING_CHECK_BELOW_CHARS: u32 = 320;
        /// Every scoring paragraph is worth this much before its commas and length
        /// (Readability).
        pub const PARAGRAPH_POINTS: f32 = 1.0;
        /// One more point per this many characters (Readability) ...
        pub const CHARS_PER_POINT: u32 = 100;
        /// ... up to this many points (Readability), so that one long block does not
        /// outweigh a container of several.
        pub const MAX_LENGTH_POINTS: u32 = 3;
        /// The parent gets a paragraph's points divided by this (Readability) ...
        pub const PARENT_DIVIDER: f32 = 1.0;
        /// ... the grandparent by this (Readability) ...
        pub const GRANDPARENT_DIVIDER: f32 = 2.0;
        /// ... and ancestors further up by this times their level (Readability): the
        /// further up, the more of the page a container holds besides the story.
        pub const DIVIDER_PER_LEVEL: f32 = 3.0;
        /// A container's starting score by its tag (Readability's `initializeNode`):
        /// `div`, `article`, `main`, `section` usually hold a story ...
        pub const CONTAINER_TAG: f32 = 5.0;
        /// ... `pre`, `td`, `blockquote` sometimes do ...
        pub const QUOTE_TAG: f32 = 3.0;
        /// ... lists, definition lists, `address` and forms rarely do ...
        pub const LIST_TAG: f32 = -3.0;
        /// ... and headings never do.
        pub const HEADING_TAG: f32 = -5.0;
        /// A container the page marks as the article body (`itemprop=articleBody`,
        /// `entry-content`) starts this much higher: one positive class hint's worth, so the
        /// marking decides between close candidates without overriding the text ...
        pub const MARKED_BODY_BONUS: f32 = 25.0;
        /// ... when it holds at least this much text: a marked stray snippet gets nothing.
        pub const MARKED_BODY_MIN_CHARS: u32 = 400;
    }

    /// Picking the top container (`Extractor::pick_top`, `joinable`, `best_marked_body`).
    pub(super) mod top {
        /// How many of the best candidates are weighed against each other (Readability's
        /// `nbTopCandidates`).
        pub const CANDIDATES: usize = 5;
        /// A best candidate with less prose than this may be a snippet with a good class
        /// name (a fact box, a recipe card) rather than the story ...
        pub const SNIPPET_MAX_PROSE: u32 = 200;
        /// ... and a runner-up replaces it when it scores at least this share of it ...
        pub const RUNNER_UP_MIN_SHARE: f32 = 0.6;
        /// ... is mostly not links (less than this link density) ...
        pub const RUNNER_UP_MAX_LINK_DENSITY: f32 = 0.25;
        /// ... holds at least this much prose ...
        pub const RUNNER_UP_MIN_PROSE: u32 = 300;
        /// ... and at least this many times the snippet's.
        pub const RUNNER_UP_PROSE_FACTOR: u32 = 4;
        /// Candidates scoring at least this share of the best are alternatives
        /// (Readability) ...
        pub const ALTERNATIVE_MIN_SHARE: f32 = 0.75;
        /// ... and an ancestor holding this many of them is the article (Readability):
        /// paragraphs split over several wrappers.
        pub const MIN_ALTERNATIVES: usize = 3;
        /// Walking up from the best candidate stops at a parent scoring less than its
        /// child's score divided by this (Readability's `lastScore / 3`).
        pub const PARENT_SCORE_DIVIDER: f32 = 3.0;
        /// The page's marked body wins over the best candidate when it holds at least this
        /// share of the candidate's prose.
        pub const MARKED_BODY_MIN_SHARE: f32 = 0.5;
        /// A marked body holding less prose than this is a stray marking, not the story.
        pub const MARKED_BODY_MIN_PROSE: u32 = 200;
        /// Further marked parts (one `itemprop=articleBody` per section) are joined when each
        /// holds at least this much prose.
        pub const MARKED_PART_MIN_PROSE: u32 = 100;
        /// Another candidate scoring at least this share of the top is a part of the same
        /// story (a body split over sections or columns) when a joinable container holds
        /// both.
        pub const JOIN_MIN_SHARE: f32 = 0.45;
        /// A container joining two parts must be mostly prose (link density below this) ...
        pub const JOIN_MAX_LINK_DENSITY: f32 = 0.3;
        /// ... and hold at most this many times the two parts' text ...
        pub const JOIN_TEXT_FACTOR: u32 = 2;
        /// ... plus this many characters: room for headings and captions between the parts,
        /// not for the page around them.
        pub const JOIN_TEXT_SLACK: u32 = 500;
        /// An `<article>` this many levels above the top container at most ...
        pub const ARTICLE_LEVELS: usize = 6;
        /// ... is the article when the top holds at least this share of its text (its
        /// header holds the standfirst; its boxes are dropped later).
        pub const ARTICLE_MIN_SHARE: f32 = 0.5;
    }

    /// Siblings of the top container that belong to the story (`Extractor::roots`).
    pub(super) mod siblings {
        /// A sibling scoring this share of the top joins it (Readability) ...
        pub const MIN_SHARE: f32 = 0.2;
        /// ... or at least this score, whichever is more (Readability).
        pub const MIN_SCORE: f32 = 10.0;
        /// A sibling with the top's class gets this share of the top's score as a bonus
        /// (Readability): page builders style every part of a story alike.
        pub const SAME_CLASS_BONUS: f32 = 0.2;
        /// A `<p>` sibling longer than this joins when mostly prose; a shorter one only
        /// with no links and a sentence end (Readability) ...
        pub const P_LONG_CHARS: u32 = 80;
        /// ... mostly prose meaning a link density below this (Readability).
        pub const P_MAX_LINK_DENSITY: f32 = 0.25;
    }

    /// Parts of a story set outside its main container (`Extractor::add_cousins`).
    pub(super) mod cousins {
        /// At most this many are joined; more strong blocks are a listing, and none is
        /// joined.
        pub const MAX: usize = 12;
        /// A part scores at least this share of the best candidate ...
        pub const MIN_SHARE: f32 = 0.3;
        /// ... has a link density below this ...
        pub const MAX_LINK_DENSITY: f32 = 0.2;
        /// ... and at least this much prose: a paragraph or two, not a teaser.
        pub const MIN_PROSE: u32 = 300;
    }

    /// Standfirsts set apart from the body (`Extractor::add_leads`).
    pub(super) mod leads {
        /// The region searched is the `<article>` at most this many levels above the body
        /// ...
        pub const ARTICLE_LEVELS: usize = 8;
        /// ... else the body's ancestor this many levels up (a few wrappers, not the page).
        pub const REGION_LEVELS: usize = 3;
        /// A standfirst is a sentence or a short paragraph: this many characters.
        pub const CHARS: std::ops::RangeInclusive<u32> = 30..=1500;
        /// ... and mostly not links.
        pub const MAX_LINK_DENSITY: f32 = 0.5;
    }

    /// A recipe's ingredient boxes beside the method (`Extractor::add_ingredients`).
    pub(super) mod ingredients {
        /// At most this many boxes (ingredients, and for the filling, and for the icing).
        pub const MAX_BOXES: usize = 3;
        /// A box holds this many characters: a few short lines, not a page.
        pub const CHARS: std::ops::RangeInclusive<u32> = 20..=4000;
        /// ... and is mostly not links.
        pub const MAX_LINK_DENSITY: f32 = 0.5;
    }

    /// Boxes inside the article dropped whole (`Extractor::drop_element`).
    pub(super) mod boxes {
        /// A box holding less than this share of the article's text is minor: it may be
        /// dropped by its class or by looking like junk; a larger one is part of the story.
        pub const MINOR_SHARE: f32 = 0.35;
        /// A box whose class names it (comments, related, promo) goes when it holds less
        /// than this share of the article.
        pub const NAMED_MINOR_SHARE: f32 = 0.5;
        /// A figure with less text than this is a caption and a credit (unless it wraps a
        /// quote or a table).
        pub const FIGURE_MAX_CHARS: u32 = 400;
        /// A byline box is at most this long (a longer one is an author's profile inside
        /// the story) ...
        pub const BYLINE_MAX_CHARS: u32 = 200;
        /// ... or goes anyway when its link density is above this (a list of author links).
        pub const BYLINE_MAX_LINK_DENSITY: f32 = 0.5;
        /// A date box is at most this long.
        pub const DATE_MAX_CHARS: u32 = 150;
    }

    /// Readability's "clean conditionally" (`Extractor::looks_like_junk`): a minor box goes
    /// when it looks like navigation, a gallery, a form or a player. The numbers are
    /// Readability's, but for the figure and list guards.
    pub(super) mod junk {
        /// A box with this many commas is prose, whatever else it holds.
        pub const PROSE_COMMAS: u32 = 10;
        /// A list whose items hold more than this share of its text is a real list, not
        /// navigation.
        pub const LIST_ITEM_SHARE: f32 = 0.9;
        /// A box at most this many levels inside a `<figure>` is part of the figure.
        pub const FIGURE_LEVELS: usize = 4;
        /// Navigation: more list items than paragraphs plus this many.
        pub const LIST_ITEM_ALLOWANCE: f32 = 100.0;
        /// A gallery: more images than this ...
        pub const GALLERY_MIN_IMAGES: f32 = 1.0;
        /// ... with fewer paragraphs than this per image.
        pub const GALLERY_MAX_P_PER_IMAGE: f32 = 0.5;
        /// A form: more inputs than one per this many paragraphs.
        pub const P_PER_INPUT: f32 = 3.0;
        /// A link line: a box with links and fewer characters than this ...
        pub const SHORT_CHARS: u32 = 25;
        /// ... unless at least this share of it is headings ...
        pub const SHORT_MAX_HEADING_SHARE: f32 = 0.9;
        /// ... or it holds from one up to this many images (a picture with its caption
        /// link).
        pub const SHORT_MAX_IMAGES: u32 = 2;
        /// Links: a box whose class weight is below this ...
        pub const POSITIVE_WEIGHT: i32 = 25;
        /// ... with a link density above this ...
        pub const MAX_LINK_DENSITY: f32 = 0.2;
        /// ... or, at or above that weight, with a link density above this.
        pub const POSITIVE_MAX_LINK_DENSITY: f32 = 0.5;
        /// A player: one embed and less text than this, or several embeds.
        pub const EMBED_MIN_CHARS: u32 = 75;
    }

    /// Lines of the kept text (`Extractor::keep_block` and the trims after it).
    pub(super) mod lines {
        /// A paragraph above the story repeating the title is the headline when at most this
        /// long.
        pub const HEADLINE_MAX_CHARS: u32 = 200;
        /// A heading whose words are more than this share of the title's is the headline
        /// (Readability's text similarity bound).
        pub const TITLE_SIMILARITY: f32 = 0.75;
        /// A line holding a `<time>` is a dateline when at most this long.
        pub const DATELINE_MAX_CHARS: u32 = 80;
        /// A paragraph shorter than this ...
        pub const NAV_MAX_CHARS: u32 = 120;
        /// ... that is at least this share links is navigation ("Back to all news", a
        /// teaser headline).
        pub const NAV_LINK_SHARE: f32 = 0.9;
        /// A kicker or section label above the story is at most this long ...
        pub const KICKER_MAX_CHARS: u32 = 30;
        /// ... and goes only when a paragraph of at least this many characters follows.
        pub const KICKER_PROSE_MIN_CHARS: u32 = 80;
        /// A lead-in ("Contact:", "More on this:") left without what it introduced is at
        /// most this long.
        pub const LEAD_IN_MAX_CHARS: u32 = 40;
        /// At the end: a line at most this long ...
        pub const TAIL_LINK_LINE_MAX_CHARS: u32 = 120;
        /// ... that is at least this share links is a link line ...
        pub const TAIL_LINK_SHARE: f32 = 0.5;
        /// ... one at most this long ...
        pub const TAIL_NOTE_MAX_CHARS: u32 = 300;
        /// ... and at least this share italics is an editor's note or a disclaimer ...
        pub const TAIL_NOTE_EMPH_SHARE: f32 = 0.9;
        /// ... and one at most this long without a sentence end is a fragment (a widget's
        /// question, agency initials).
        pub const TAIL_FRAGMENT_MAX_CHARS: u32 = 40;
        /// An appendix label ("Contacts", "About the author") is a heading or a paragraph of
        /// at most this many characters ...
        pub const APPENDIX_LABEL_MAX_CHARS: u32 = 60;
        /// ... and cuts only after this many bytes of text ...
        pub const APPENDIX_MIN_TEXT_BEFORE: usize = 400;
        /// ... and after at least one part in this many of the text (half): a label early
        /// on cuts nothing.
        pub const APPENDIX_TEXT_BEFORE_PARTS: usize = 2;
    }
}

use tuning::{attempts, boxes, cousins, ingredients, junk, leads, lines, scoring, siblings, top};

/// Which filters an attempt applies; later attempts relax them, as Readability does.
#[derive(Debug, Clone, Copy)]
struct Attempt {
    strip_unlikely: bool,
    weight_classes: bool,
    clean_conditionally: bool,
}

const ATTEMPTS: [Attempt; 4] = [
    Attempt {
        strip_unlikely: true,
        weight_classes: true,
        clean_conditionally: true,
    },
    Attempt {
        strip_unlikely: false,
        weight_classes: true,
        clean_conditionally: true,
    },
    Attempt {
        strip_unlikely: false,
        weight_classes: false,
        clean_conditionally: true,
    },
    Attempt {
        strip_unlikely: false,
        weight_classes: false,
        clean_conditionally: false,
    },
];

/// One kept block of article text (an index into `Doc::blocks`, and its final text).
#[derive(Debug)]
pub(crate) struct Kept {
    pub block: usize,
    pub text: String,
    /// Whether `text` differs from the block's own text (credits stripped), which
    /// invalidates the block's link offsets.
    pub edited: bool,
}

pub(crate) struct Extractor<'a> {
    doc: &'a Doc,
    /// Keep figure captions (`Config::keep_captions`); their credits still go.
    keep_captions: bool,
    /// Per block: 0 not yet checked, 1 prose, 2 boilerplate by wording (checked once, used by
    /// every attempt).
    boiler: Vec<std::cell::Cell<u8>>,
    patterns: &'a Patterns,
    title_words: Vec<String>,
    /// Flags of each element's descendants (not itself), ORed.
    below: Vec<u32>,
}

impl<'a> Extractor<'a> {
    pub fn new(doc: &'a Doc, patterns: &'a Patterns, title: &str, keep_captions: bool) -> Self {
        let mut below = vec![0u32; doc.elems.len()];
        for i in (0..doc.elems.len()).rev() {
            let e = &doc.elems[i];
            if e.parent != NONE {
                below[e.parent as usize] |= below[i] | e.flags;
            }
        }
        Extractor {
            doc,
            keep_captions,
            boiler: vec![std::cell::Cell::new(0); doc.blocks.len()],
            patterns,
            title_words: words(title),
            below,
        }
    }

    /// Runs the attempts and returns the kept blocks of the best one.
    pub fn run(&self) -> Vec<Kept> {
        let mut best: Vec<Kept> = Vec::new();
        let mut best_chars = 0;
        for attempt in ATTEMPTS {
            let kept = self.attempt(attempt);
            let chars: u32 = kept.iter().map(|k| self.doc.blocks[k.block].chars).sum();
            if chars >= attempts::MIN_CHARS {
                return kept;
            }
            if chars > best_chars {
                best_chars = chars;
                best = kept;
            }
        }
        // No container holds an article-sized text (many short paragraphs, or text loose in
        // the body): take the whole body, cleaned of its boxes, if that holds far more.
        let strict = ATTEMPTS[0];
        let whole = self.collect(
            &[self.doc.body],
            &vec![f32::NAN; self.doc.elems.len()],
            strict,
        );
        let whole_chars: u32 = whole.iter().map(|k| self.doc.blocks[k.block].chars).sum();
        if whole_chars > attempts::WHOLE_BODY_FACTOR * best_chars.max(attempts::WHOLE_BODY_FLOOR) {
            whole
        } else {
            best
        }
    }

    fn boilerplate(&self, index: usize) -> bool {
        let memo = &self.boiler[index];
        if memo.get() == 0 {
            let b = &self.doc.blocks[index];
            let is = self
                .patterns
                .is_boilerplate_text(&b.text, share(b.link_chars, b.chars));
            memo.set(if is { 2 } else { 1 });
        }
        memo.get() == 2
    }

    fn elem(&self, i: u32) -> &Elem {
        &self.doc.elems[i as usize]
    }

    /// Elements whose text does not take part in scoring under this attempt.
    fn excluded(&self, attempt: Attempt) -> Vec<bool> {
        let elems = &self.doc.elems;
        let mut excluded = vec![false; elems.len()];
        for (i, e) in elems.iter().enumerate() {
            let inherited = e.parent != NONE && excluded[e.parent as usize];
            // A box holding the marked body is not a sidebar, whatever its class says; a comment
            // section is comments, whatever its comments are marked as.
            let guards_body =
                self.below[i] & (flag::ARTICLE_BODY | flag::ARTICLE) != 0 && !e.has(flag::COMMENTS);
            let own = !guards_body
                && (e.has(flag::BOILER_TAG | flag::CAPTION)
                    || (attempt.strip_unlikely
                        && e.has(flag::UNLIKELY | flag::HEADERISH | flag::COMMENTS)));
            excluded[i] = inherited || own;
        }
        excluded
    }

    fn initial_score(&self, e: &Elem, attempt: Attempt) -> f32 {
        let base = match e.tag {
            Tag::Div | Tag::Article | Tag::Main | Tag::Section => scoring::CONTAINER_TAG,
            Tag::Pre | Tag::Td | Tag::Blockquote => scoring::QUOTE_TAG,
            Tag::Address
            | Tag::Ol
            | Tag::Ul
            | Tag::Dl
            | Tag::Dd
            | Tag::Dt
            | Tag::Li
            | Tag::Form => scoring::LIST_TAG,
            Tag::H(_) | Tag::Th => scoring::HEADING_TAG,
            _ => 0.0,
        };
        // A body marking counts for a container with real text, not for a stray snippet.
        let semantic =
            if e.has(flag::ARTICLE_BODY) && e.stats.chars >= scoring::MARKED_BODY_MIN_CHARS {
                scoring::MARKED_BODY_BONUS
            } else {
                0.0
            };
        let weight = if attempt.weight_classes {
            e.class_weight as f32
        } else {
            0.0
        };
        base + weight + semantic
    }

    /// Readability-style scores of the containers of paragraphs, and the scored elements.
    fn score(&self, attempt: Attempt) -> (Vec<f32>, Vec<u32>) {
        let doc = self.doc;
        let excluded = self.excluded(attempt);
        let n = doc.elems.len();
        let mut score = vec![f32::NAN; n];
        let mut candidates: Vec<u32> = Vec::new();

        for (index, block) in doc.blocks.iter().enumerate() {
            let owner = block.owner;
            if excluded[owner as usize]
                || block.chars < scoring::MIN_PARAGRAPH_CHARS
                || block.quote && block.kind == Kind::Loose
            {
                continue;
            }
            if !matches!(
                block.kind,
                Kind::Paragraph | Kind::Loose | Kind::Pre | Kind::Cell | Kind::Heading(2..=6)
            ) {
                continue;
            }
            if block.chars < scoring::WORDING_CHECK_BELOW_CHARS && self.boilerplate(index) {
                continue;
            }
            // Readability's points: one, one per comma-separated piece, one per 100 characters.
            let content = scoring::PARAGRAPH_POINTS
                + (block.commas + 1) as f32
                + (block.chars / scoring::CHARS_PER_POINT).min(scoring::MAX_LENGTH_POINTS) as f32;
            // Text loose in a container that also holds other blocks is a paragraph of that
            // container; text alone in a `div` makes the `div` itself the paragraph.
            let owner_elem = self.elem(owner);
            let first =
                if block.kind == Kind::Loose && owner_elem.block_end - owner_elem.block_start > 1 {
                    owner
                } else {
                    owner_elem.parent
                };
            let mut level = 0usize;
            let mut at = first;
            while at != NONE && level < scoring::LEVELS {
                let e = self.elem(at);
                if e.tag == Tag::Html {
                    break;
                }
                if score[at as usize].is_nan() {
                    score[at as usize] = self.initial_score(e, attempt);
                    candidates.push(at);
                }
                let divider = match level {
                    0 => scoring::PARENT_DIVIDER,
                    1 => scoring::GRANDPARENT_DIVIDER,
                    _ => level as f32 * scoring::DIVIDER_PER_LEVEL,
                };
                score[at as usize] += content / divider;
                at = e.parent;
                level += 1;
            }
        }

        for &c in &candidates {
            let ld = self.elem(c).stats.link_density();
            score[c as usize] *= 1.0 - ld;
        }
        (score, candidates)
    }

    fn attempt(&self, attempt: Attempt) -> Vec<Kept> {
        let (score, candidates) = self.score(attempt);
        let top = self.pick_top(&candidates, &score);
        let mut roots = self.roots(top, &score);
        self.add_cousins(&candidates, &score, &mut roots);
        self.add_leads(&mut roots);
        self.add_ingredients(&mut roots);
        self.collect(&roots, &score, attempt)
    }

    /// Page builders set one story in several sections whose only common container is the
    /// page itself: other strong candidates (close to the best score, prose with few links,
    /// outside page furniture and in the same `<article>`, if any) are parts of the story.
    fn add_cousins(&self, candidates: &[u32], score: &[f32], roots: &mut Vec<u32>) {
        let Some(&first) = roots.first() else { return };
        if matches!(self.elem(first).tag, Tag::Body | Tag::Html) {
            return;
        }
        let best = candidates
            .iter()
            .map(|&c| score[c as usize])
            .filter(|s| !s.is_nan())
            .fold(0.0f32, f32::max);
        if best <= 0.0 {
            return;
        }
        let furniture = flag::FURNITURE | flag::UNLIKELY | flag::HEADERISH;
        let article_of = |x: u32| {
            std::iter::once(x)
                .chain(self.doc.ancestors(x))
                .find(|&y| self.elem(y).has(flag::ARTICLE))
        };
        let home = article_of(first);
        let mut ranked: Vec<u32> = candidates
            .iter()
            .copied()
            .filter(|&c| score[c as usize] >= cousins::MIN_SHARE * best)
            .collect();
        ranked.sort_by(|a, b| score[*b as usize].total_cmp(&score[*a as usize]));
        let mut added: Vec<u32> = Vec::new();
        for c in ranked {
            let e = self.elem(c);
            let overlaps = |&r: &u32| self.doc.contains(r, c) || self.doc.contains(c, r);
            if matches!(e.tag, Tag::Body | Tag::Html)
                || roots.iter().any(overlaps)
                || added.iter().any(overlaps)
                || e.stats.link_density() >= cousins::MAX_LINK_DENSITY
                || self.prose_chars(c) < cousins::MIN_PROSE
                || std::iter::once(c)
                    .chain(self.doc.ancestors(c))
                    .any(|a| self.elem(a).has(furniture))
                || article_of(c) != home
            {
                continue;
            }
            added.push(c);
            // A story is set in a few sections; dozens of strong blocks are a listing.
            if added.len() > cousins::MAX {
                return;
            }
        }
        if !added.is_empty() {
            roots.extend(added);
            roots.sort_unstable();
        }
    }

    /// A recipe's ingredient list set in a box of its own beside the method belongs to the
    /// article: adds such boxes (outside the roots and page furniture, mostly text, not
    /// links) in document order.
    fn add_ingredients(&self, roots: &mut Vec<u32>) {
        let Some(&first) = roots.first() else { return };
        if matches!(self.elem(first).tag, Tag::Body | Tag::Html) {
            return;
        }
        let furniture = flag::FURNITURE;
        let mut found = Vec::new();
        let mut i = self.doc.body;
        let end = self.elem(self.doc.body).end;
        while i < end && found.len() < ingredients::MAX_BOXES {
            let e = self.elem(i);
            if e.has(furniture) || roots.contains(&i) {
                i = e.end;
                continue;
            }
            if e.has(flag::INGREDIENTS) {
                let s = &e.stats;
                let holds_root = roots.iter().any(|&r| self.doc.contains(i, r));
                if !holds_root
                    && ingredients::CHARS.contains(&s.chars)
                    && s.link_density() < ingredients::MAX_LINK_DENSITY
                {
                    found.push(i);
                }
                if !holds_root {
                    i = e.end;
                    continue;
                }
            }
            i += 1;
        }
        if found.is_empty() {
            return;
        }
        roots.extend(found);
        roots.sort_unstable();
    }

    /// Standfirsts and intros set apart from the body (in the article header, or just before
    /// the body in its own box) belong to the article: adds those that come before the first
    /// root within the same article, or within a few levels of it.
    fn add_leads(&self, roots: &mut Vec<u32>) {
        let Some(&first) = roots.first() else { return };
        if matches!(self.elem(first).tag, Tag::Body | Tag::Html) {
            return;
        }
        // The region a lead may come from: the enclosing <article>, else the root's
        // grandparent-or-so container.
        let region = self
            .doc
            .ancestors(first)
            .take(leads::ARTICLE_LEVELS)
            .find(|&a| self.elem(a).has(flag::ARTICLE))
            .or_else(|| self.doc.ancestors(first).take(leads::REGION_LEVELS).last())
            .unwrap_or(first);
        if matches!(self.elem(region).tag, Tag::Body | Tag::Html) {
            return;
        }
        let boxed = flag::FURNITURE | flag::CAPTION;
        let mut leads = Vec::new();
        let mut i = region;
        while i < first {
            let e = self.elem(i);
            let inside_root = roots.iter().any(|&r| self.doc.contains(r, i));
            if inside_root || e.has(boxed) {
                // Skip the whole subtree.
                i = e.end;
                continue;
            }
            if e.has(flag::LEAD) && !self.doc.contains(i, first) {
                let s = &e.stats;
                if leads::CHARS.contains(&s.chars) && s.link_density() < leads::MAX_LINK_DENSITY {
                    leads.push(i);
                }
                i = e.end;
                continue;
            }
            i += 1;
        }
        if !leads.is_empty() {
            leads.extend(roots.iter().copied());
            *roots = leads;
        }
    }

    #[cfg(test)]
    pub fn explain(&self) -> String {
        use std::fmt::Write;
        let attempt = ATTEMPTS[0];
        let mut out = String::new();
        let (score, mut candidates) = self.score(attempt);
        candidates.sort_by(|a, b| score[*b as usize].total_cmp(&score[*a as usize]));
        for &c in candidates.iter().take(12) {
            let e = self.elem(c);
            let _ = writeln!(
                out,
                "cand {c} {:?} score {:.1} chars {} ld {:.2} flags {:#x} w {}",
                e.tag,
                score[c as usize],
                e.stats.chars,
                e.stats.link_density(),
                e.flags,
                e.class_weight
            );
        }
        let top = self.pick_top(&candidates, &score);
        for (n, attempt) in ATTEMPTS.iter().enumerate() {
            let kept = self.attempt(*attempt);
            let chars: u32 = kept.iter().map(|k| self.doc.blocks[k.block].chars).sum();
            let (score, candidates) = self.score(*attempt);
            let top = self.pick_top(&candidates, &score);
            let _ = writeln!(
                out,
                "attempt {n}: {} blocks, {chars} chars, top {top} {:?} chars {}",
                kept.len(),
                self.elem(top).tag,
                self.elem(top).stats.chars
            );
        }
        let _ = writeln!(out, "top {top} {:?}", self.elem(top).tag);
        for r in self.roots(top, &score) {
            let _ = writeln!(
                out,
                "root {r} {:?} chars {}",
                self.elem(r).tag,
                self.elem(r).stats.chars
            );
        }
        out
    }

    fn pick_top(&self, candidates: &[u32], score: &[f32]) -> u32 {
        let doc = self.doc;
        let mut ranked: Vec<u32> = candidates.to_vec();
        ranked.sort_by(|a, b| {
            score[*b as usize]
                .total_cmp(&score[*a as usize])
                .then(a.cmp(b))
        });
        ranked.truncate(top::CANDIDATES);
        let Some(&first) = ranked.first() else {
            return doc.body;
        };
        // A snippet with a good class name can outscore the article when the article is made
        // of short lines (a recipe, a fact box): a close runner-up elsewhere on the page (not
        // around the snippet: that is a short post with its page) holding several times the
        // prose is the article.
        let first = if self.prose_chars(first) < top::SNIPPET_MAX_PROSE {
            ranked[1..]
                .iter()
                .copied()
                .filter(|&c| {
                    score[c as usize] >= top::RUNNER_UP_MIN_SHARE * score[first as usize]
                        && !doc.contains(c, first)
                        && self.elem(c).stats.link_density() < top::RUNNER_UP_MAX_LINK_DENSITY
                        && self.prose_chars(c) >= top::RUNNER_UP_MIN_PROSE
                        && self.prose_chars(c)
                            >= top::RUNNER_UP_PROSE_FACTOR * self.prose_chars(first)
                        && self.elem(c).tag != Tag::Body
                })
                .max_by(|&a, &b| score[a as usize].total_cmp(&score[b as usize]))
                .unwrap_or(first)
        } else {
            first
        };
        let mut top = first;
        if self.elem(top).tag == Tag::Body {
            return top;
        }
        let top_score = score[top as usize];

        // When several strong candidates share an ancestor, the article is that ancestor
        // (paragraphs split over several wrappers).
        let alternatives: Vec<u32> = ranked[1..]
            .iter()
            .copied()
            .filter(|&c| score[c as usize] / top_score >= top::ALTERNATIVE_MIN_SHARE)
            .collect();
        if alternatives.len() >= top::MIN_ALTERNATIVES {
            let mut at = self.elem(top).parent;
            while at != NONE && self.elem(at).tag != Tag::Body {
                let holding = alternatives
                    .iter()
                    .filter(|&&alt| doc.contains(at, alt))
                    .count();
                if holding >= top::MIN_ALTERNATIVES {
                    top = at;
                    break;
                }
                at = self.elem(at).parent;
            }
        }

        // Parents of a good candidate collect part of its score; a parent that beats it
        // holds more of the article.
        let mut last = score[top as usize];
        let threshold = last / top::PARENT_SCORE_DIVIDER;
        let mut at = self.elem(top).parent;
        while at != NONE && self.elem(at).tag != Tag::Body {
            let s = score[at as usize];
            if !s.is_nan() {
                if s < threshold {
                    break;
                }
                if s > last {
                    top = at;
                    break;
                }
                last = s;
            }
            at = self.elem(at).parent;
        }

        // The page's own marking of its body (`itemprop=articleBody`, `entry-content`, ...)
        // wins when scoring agrees that the article is in there: page builders split a body
        // into many sections that scoring alone would not join up.
        if let Some(body) = std::iter::once(top)
            .chain(self.doc.ancestors(top))
            .find(|&a| self.elem(a).has(flag::ARTICLE_BODY))
        {
            top = body;
            // Several marked parts (one `itemprop=articleBody` per section): their common
            // ancestor holds the whole body.
            let parts: Vec<u32> = (0..self.doc.elems.len() as u32)
                .filter(|&i| {
                    i != body
                        && self.elem(i).has(flag::ARTICLE_BODY)
                        && !self.doc.contains(i, body)
                        && !self.doc.contains(body, i)
                })
                .filter(|&i| self.prose_chars(i) >= top::MARKED_PART_MIN_PROSE)
                .collect();
            for part in parts {
                if let Some(common) = self
                    .common_ancestor(top, part)
                    .filter(|&c| self.joinable(c, top, part))
                {
                    top = common;
                }
            }
        } else if let Some(body) = self.best_marked_body()
            && !self.doc.contains(body, top)
            && self.prose_chars(body) as f32
                >= top::MARKED_BODY_MIN_SHARE * self.prose_chars(top) as f32
        {
            top = body;
        }

        // Another strong candidate elsewhere (the body split over sections or columns): take
        // the container of both, when it is prose rather than the page around it.
        let top_score = score[top as usize];
        for &other in &ranked {
            let s = score[other as usize];
            if other == top
                || s.is_nan()
                || s < top::JOIN_MIN_SHARE * top_score
                || doc.contains(other, top)
                || doc.contains(top, other)
            {
                continue;
            }
            if let Some(common) = self
                .common_ancestor(top, other)
                .filter(|&c| self.joinable(c, top, other))
            {
                top = common;
            }
        }

        // A lone child is no better than its parent.
        loop {
            let parent = self.elem(top).parent;
            if parent == NONE
                || self.elem(parent).tag == Tag::Body
                || self.elem(parent).children != 1
            {
                break;
            }
            top = parent;
        }

        // The semantic `<article>` around the best block is the article: its header holds the
        // standfirst, and its boilerplate is dropped below.
        if let Some(article) = self
            .doc
            .ancestors(top)
            .take(top::ARTICLE_LEVELS)
            .find(|&a| self.elem(a).has(flag::ARTICLE))
            && self.elem(top).stats.chars as f32
                >= top::ARTICLE_MIN_SHARE * self.elem(article).stats.chars as f32
        {
            top = article;
        }
        top
    }

    fn common_ancestor(&self, a: u32, b: u32) -> Option<u32> {
        std::iter::once(a)
            .chain(self.doc.ancestors(a))
            .find(|&x| self.doc.contains(x, b))
    }

    /// Whether `common`, the container of `a` and `b`, is the article rather than the page:
    /// not the body, little link text, and not much more text than the two together.
    fn joinable(&self, common: u32, a: u32, b: u32) -> bool {
        let c = self.elem(common);
        if matches!(c.tag, Tag::Body | Tag::Html) {
            return false;
        }
        // Parts inside two different <article> elements are two articles (a post and the
        // teasers listed under it), not one article in two parts.
        let article_of = |x: u32| {
            std::iter::once(x)
                .chain(self.doc.ancestors(x))
                .find(|&y| self.elem(y).has(flag::ARTICLE))
        };
        let (article_a, article_b) = (article_of(a), article_of(b));
        if article_a != article_b
            && (article_a.is_some_and(|x| x != common && self.doc.contains(common, x))
                || article_b.is_some_and(|x| x != common && self.doc.contains(common, x)))
        {
            return false;
        }
        let both = self.elem(a).stats.chars + self.elem(b).stats.chars;
        c.stats.link_density() < top::JOIN_MAX_LINK_DENSITY
            && c.stats.chars <= top::JOIN_TEXT_FACTOR * both + top::JOIN_TEXT_SLACK
    }

    /// Characters of text outside links.
    fn prose_chars(&self, i: u32) -> u32 {
        let s = &self.elem(i).stats;
        s.chars.saturating_sub(s.link_chars)
    }

    /// The element marked as the article body that holds the most prose.
    fn best_marked_body(&self) -> Option<u32> {
        let best = (0..self.doc.elems.len() as u32)
            .filter(|&i| self.elem(i).has(flag::ARTICLE_BODY))
            .max_by_key(|&i| self.prose_chars(i))?;
        (self.prose_chars(best) >= top::MARKED_BODY_MIN_PROSE).then_some(best)
    }

    /// The top candidate plus the siblings that belong to the same article.
    fn roots(&self, top: u32, score: &[f32]) -> Vec<u32> {
        let top_elem = self.elem(top);
        if top_elem.tag == Tag::Body || top_elem.parent == NONE {
            return vec![top];
        }
        let top_score = if score[top as usize].is_nan() {
            0.0
        } else {
            score[top as usize]
        };
        let threshold = (top_score * siblings::MIN_SHARE).max(siblings::MIN_SCORE);
        let mut roots = Vec::new();
        for sibling in self.doc.children(top_elem.parent) {
            if sibling == top {
                roots.push(sibling);
                continue;
            }
            let e = self.elem(sibling);
            if e.has(flag::FURNITURE) {
                continue;
            }
            let bonus = if e.class_key != 0 && e.class_key == top_elem.class_key {
                top_score * siblings::SAME_CLASS_BONUS
            } else {
                0.0
            };
            let s = score[sibling as usize];
            let append = if !s.is_nan() && s + bonus >= threshold {
                true
            } else if e.tag == Tag::P {
                let len = e.stats.chars;
                let ld = e.stats.link_density();
                let text = self.doc.text_of(sibling);
                (len > siblings::P_LONG_CHARS && ld < siblings::P_MAX_LINK_DENSITY)
                    || (len > 0
                        && len <= siblings::P_LONG_CHARS
                        && ld == 0.0
                        && ends_sentence(&text))
            } else {
                false
            };
            if append {
                roots.push(sibling);
            }
        }
        roots
    }

    /// Readability's "clean conditionally": boxes inside the article that look like
    /// navigation, link lists, galleries or forms rather than prose.
    fn looks_like_junk(&self, i: u32, e: &Elem, score: &[f32], attempt: Attempt) -> bool {
        if !matches!(
            e.tag,
            Tag::Form
                | Tag::Fieldset
                | Tag::Table
                | Tag::Ul
                | Tag::Ol
                | Tag::Div
                | Tag::Section
                | Tag::Figure
                | Tag::Header
                | Tag::Details
        ) {
            return false;
        }
        if self.below[i as usize] & flag::ARTICLE_BODY != 0 {
            return false;
        }
        let s = &e.stats;
        let weight = if attempt.weight_classes {
            e.class_weight
        } else {
            0
        };
        let content_score = if score[i as usize].is_nan() {
            0.0
        } else {
            score[i as usize]
        };
        if weight as f32 + content_score < 0.0 {
            return true;
        }
        if s.commas >= junk::PROSE_COMMAS {
            return false;
        }
        let is_list = matches!(e.tag, Tag::Ul | Tag::Ol)
            && s.chars > 0
            && s.li_chars as f32 / s.chars as f32 > junk::LIST_ITEM_SHARE;
        let in_figure = e.tag == Tag::Figure
            || self
                .doc
                .ancestors(i)
                .take(junk::FIGURE_LEVELS)
                .any(|a| self.elem(a).tag == Tag::Figure);
        let p = s.p as f32;
        let img = s.img as f32;
        let li = s.li as f32 - junk::LIST_ITEM_ALLOWANCE;
        let ld = s.link_density();
        let heading_density = if s.chars == 0 {
            0.0
        } else {
            s.heading_chars as f32 / s.chars as f32
        };
        (!in_figure && img > junk::GALLERY_MIN_IMAGES && p / img < junk::GALLERY_MAX_P_PER_IMAGE)
            || (!is_list && li > p)
            || (s.input as f32 > (p / junk::P_PER_INPUT).floor())
            || (!is_list
                && !in_figure
                && heading_density < junk::SHORT_MAX_HEADING_SHARE
                && s.chars < junk::SHORT_CHARS
                && (s.img == 0 || s.img > junk::SHORT_MAX_IMAGES)
                && ld > 0.0)
            || (!is_list && weight < junk::POSITIVE_WEIGHT && ld > junk::MAX_LINK_DENSITY)
            || (weight >= junk::POSITIVE_WEIGHT && ld > junk::POSITIVE_MAX_LINK_DENSITY)
            || ((s.embed == 1 && s.chars < junk::EMBED_MIN_CHARS) || s.embed > 1)
    }

    /// Whether an element inside the article is a box to drop whole.
    fn drop_element(&self, i: u32, root_chars: u32, score: &[f32], attempt: Attempt) -> bool {
        let e = self.elem(i);
        let holds_body =
            self.below[i as usize] & flag::ARTICLE_BODY != 0 || e.has(flag::ARTICLE_BODY);
        if holds_body {
            return false;
        }
        // A box holding most of the article is part of it, whatever its class says.
        let minor = (e.stats.chars as f32) < boxes::MINOR_SHARE * root_chars as f32;
        // A box whose class names it (comments, related, promo) goes unless it is most of the
        // article.
        let named_minor = (e.stats.chars as f32) < boxes::NAMED_MINOR_SHARE * root_chars as f32;
        if e.has(flag::BOILER_TAG) || (e.has(flag::CAPTION) && !self.keep_captions) {
            return true;
        }
        // A figure's own text is its caption and credit, unless it wraps a quote or a table.
        if !self.keep_captions
            && e.tag == Tag::Figure
            && e.stats.quotes == 0
            && e.stats.chars < boxes::FIGURE_MAX_CHARS
        {
            return true;
        }
        if named_minor
            && e.has(
                flag::COMMENTS | flag::PROMO | flag::SHARE | flag::AD | flag::RELATED | flag::TAGS,
            )
        {
            return true;
        }
        // A recipe's ingredients are short lines in a table or list: content all the same.
        if e.has(flag::INGREDIENTS) {
            return false;
        }
        if minor && attempt.strip_unlikely && e.has(flag::UNLIKELY) {
            return true;
        }
        if e.has(flag::BYLINE)
            && (e.stats.chars <= boxes::BYLINE_MAX_CHARS
                || e.stats.link_density() > boxes::BYLINE_MAX_LINK_DENSITY)
        {
            return true;
        }
        if e.has(flag::DATE) && e.stats.chars <= boxes::DATE_MAX_CHARS {
            return true;
        }
        attempt.clean_conditionally && minor && self.looks_like_junk(i, e, score, attempt)
    }

    fn collect(&self, roots: &[u32], score: &[f32], attempt: Attempt) -> Vec<Kept> {
        let doc = self.doc;
        let mut kept = Vec::new();
        let mut title_seen = false;
        let mut prose_seen = false;
        for &root in roots {
            let r = self.elem(root);
            let root_chars = r.stats.chars;
            // Mark blocks under dropped boxes: walk the root's elements in document order,
            // dropping the topmost box of each dropped subtree.
            let start = root as usize;
            let end = r.end as usize;
            let mut dropped = vec![false; end - start];
            let mut dropped_blocks: Vec<(u32, u32)> = Vec::new();
            for i in start + 1..end {
                let e = &doc.elems[i];
                let parent = e.parent as usize;
                if parent >= start && parent < end && dropped[parent - start] {
                    dropped[i - start] = true;
                    continue;
                }
                if self.drop_element(i as u32, root_chars, score, attempt) {
                    dropped[i - start] = true;
                    dropped_blocks.push((e.block_start, e.block_end));
                }
            }
            let mut cut = dropped_blocks.into_iter().peekable();
            for b in r.block_start..r.block_end {
                while cut.peek().is_some_and(|&(_, e)| e <= b) {
                    cut.next();
                }
                if cut.peek().is_some_and(|&(s, e)| s <= b && b < e) {
                    continue;
                }
                let block = &doc.blocks[b as usize];
                if let Some(k) =
                    self.keep_block(b as usize, block, &mut title_seen, &mut prose_seen)
                {
                    kept.push(k);
                }
            }
        }
        self.trim_head(&mut kept);
        self.drop_orphans(&mut kept);
        self.cut_appendix(&mut kept);
        self.trim_tail(&mut kept);
        kept
    }

    /// Drops the sections a page appends to the story, from the first one's label on: the
    /// contacts, further information, original publication or author profile after a press
    /// release or report. Only after most of the text, so a label early on cuts nothing.
    fn cut_appendix(&self, kept: &mut Vec<Kept>) {
        let total: usize = kept.iter().map(|k| k.text.len()).sum();
        let mut before = 0usize;
        for (i, k) in kept.iter().enumerate() {
            let block = &self.doc.blocks[k.block];
            let label_like = matches!(block.kind, Kind::Heading(_))
                || (block.chars <= lines::APPENDIX_LABEL_MAX_CHARS
                    && matches!(block.kind, Kind::Paragraph | Kind::Loose));
            if label_like
                && before >= lines::APPENDIX_MIN_TEXT_BEFORE
                && lines::APPENDIX_TEXT_BEFORE_PARTS * before >= total
                && self.patterns.is_appendix_label(&k.text)
            {
                kept.truncate(i);
                return;
            }
            before += k.text.len();
        }
    }

    /// Drops lead-ins whose content was removed: a short "Contact:" line followed by a gap
    /// (dropped blocks) or by nothing.
    fn drop_orphans(&self, kept: &mut Vec<Kept>) {
        let mut keep = vec![true; kept.len()];
        for i in 0..kept.len() {
            let block = &self.doc.blocks[kept[i].block];
            let next = kept.get(i + 1);
            let gap = next.is_none_or(|n| n.block > kept[i].block + 1);
            if !gap {
                continue;
            }
            if block.chars <= lines::LEAD_IN_MAX_CHARS
                && kept[i].text.trim_end().ends_with([':', '：'])
            {
                keep[i] = false;
            }
        }
        let mut flags = keep.into_iter();
        kept.retain(|_| flags.next().unwrap_or(true));
    }

    /// Drops labels before the story starts: a kicker or section name ("Aktuell", "Corte
    /// Suprema") left above the first paragraph.
    fn trim_head(&self, kept: &mut Vec<Kept>) {
        let label = |k: &Kept| {
            let b = &self.doc.blocks[k.block];
            b.chars <= lines::KICKER_MAX_CHARS
                && matches!(b.kind, Kind::Paragraph | Kind::Loose)
                && !k
                    .text
                    .trim_end()
                    .ends_with(['.', '!', '?', '…', '"', '”', '»', ':'])
        };
        let leading = kept.iter().take_while(|k| label(k)).count();
        let prose_follows = kept
            .get(leading)
            .is_some_and(|k| self.doc.blocks[k.block].chars >= lines::KICKER_PROSE_MIN_CHARS);
        if leading > 0 && prose_follows {
            kept.drain(..leading);
        }
    }

    /// Drops what dangles at the end of an article once the boxes after it are gone: section
    /// headings and lead-ins with nothing under them ("More on this:", "Your reactions") and
    /// short link lines ("Back to all news").
    fn trim_tail(&self, kept: &mut Vec<Kept>) {
        let prose =
            |k: &Kept| matches!(self.doc.blocks[k.block].kind, Kind::Paragraph | Kind::Loose);
        while let Some(last) = kept.last() {
            // Never trim a page down to nothing: only what follows its last real paragraph.
            if !kept[..kept.len() - 1].iter().any(prose) {
                break;
            }
            let block = &self.doc.blocks[last.block];
            let chars = block.chars;
            let dangling = matches!(block.kind, Kind::Heading(_))
                || (chars <= lines::LEAD_IN_MAX_CHARS
                    && last.text.trim_end().ends_with([':', '：']))
                || (chars <= lines::TAIL_LINK_LINE_MAX_CHARS
                    && share(block.link_chars, chars) >= lines::TAIL_LINK_SHARE)
                // Editor's notes and disclaimers after the story are set in italics.
                || (chars <= lines::TAIL_NOTE_MAX_CHARS
                    && share(block.emph_chars, chars) >= lines::TAIL_NOTE_EMPH_SHARE)
                // A short line that is no sentence: the title of a box that is gone, a
                // question widget ("Was this useful?"), agency initials ("aja/PAP").
                || (chars <= lines::TAIL_FRAGMENT_MAX_CHARS
                    && matches!(block.kind, Kind::Paragraph | Kind::Loose)
                    && !last.text.trim_end().ends_with(['.', '!', '…', '"', '”', '»', ')', '“']));
            if !dangling {
                break;
            }
            kept.pop();
        }
    }

    fn keep_block(
        &self,
        index: usize,
        block: &Block,
        title_seen: &mut bool,
        prose_seen: &mut bool,
    ) -> Option<Kept> {
        if block.kind == Kind::Caption && !self.keep_captions {
            return None;
        }
        // The article's own headline, before any paragraph: the title is metadata, not body.
        if let Kind::Heading(level) = block.kind
            && !*title_seen
            && (self.duplicates_title(&block.text) || (level == 1 && !*prose_seen))
        {
            *title_seen = true;
            return None;
        }
        // Some pages set the headline in a plain paragraph or div above the story.
        if !*title_seen
            && !*prose_seen
            && matches!(block.kind, Kind::Paragraph | Kind::Loose)
            && block.chars <= lines::HEADLINE_MAX_CHARS
            && self.duplicates_title(&block.text)
        {
            *title_seen = true;
            return None;
        }
        let link_share = share(block.link_chars, block.chars);
        if self.boilerplate(index) {
            return None;
        }
        if self.patterns.is_meta_line(&block.text)
            || (block.has_time && block.chars <= lines::DATELINE_MAX_CHARS)
        {
            return None;
        }
        // A short line that is all link is navigation ("Back to all news", a teaser headline).
        if link_share >= lines::NAV_LINK_SHARE
            && block.chars < lines::NAV_MAX_CHARS
            && matches!(block.kind, Kind::Paragraph | Kind::Loose)
        {
            return None;
        }
        let stripped = self.patterns.strip_credits(&block.text);
        let edited = stripped.len() != block.text.len();
        let text = stripped.trim();
        if text.is_empty() {
            return None;
        }
        if matches!(block.kind, Kind::Paragraph | Kind::Loose) {
            *prose_seen = true;
        }
        Some(Kept {
            block: index,
            text: text.to_owned(),
            edited,
        })
    }

    fn duplicates_title(&self, heading: &str) -> bool {
        if self.title_words.is_empty() {
            return false;
        }
        let heading = words(heading);
        if heading.is_empty() {
            return false;
        }
        similarity(&self.title_words, &heading) > lines::TITLE_SIMILARITY
    }
}

fn share(part: u32, whole: u32) -> f32 {
    if whole == 0 {
        0.0
    } else {
        part as f32 / whole as f32
    }
}

fn ends_sentence(text: &str) -> bool {
    text.contains(". ") || text.trim_end().ends_with('.')
}

/// Lower-cased word tokens.
pub(crate) fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Readability's text similarity: the share of `b`'s text made of words also in `a`.
pub(crate) fn similarity(a: &[String], b: &[String]) -> f32 {
    let total: usize = b.iter().map(|w| w.len() + 1).sum();
    if total == 0 {
        return 0.0;
    }
    let missing: usize = b
        .iter()
        .filter(|w| !a.contains(w))
        .map(|w| w.len() + 1)
        .sum();
    1.0 - missing as f32 / total as f32
}

#[cfg(test)]
mod tests {
    /// `NEWSDEX_EXPLAIN=page.html cargo test -p newsdex-cleaner explain -- --ignored --nocapture`
    #[test]
    #[ignore = "a debugging aid, run by hand"]
    #[allow(clippy::print_stdout)]
    fn explain() {
        let Ok(path) = std::env::var("NEWSDEX_EXPLAIN") else {
            return;
        };
        let body = std::fs::read(&path).unwrap_or_default();
        let html = scraper::Html::parse_document(&String::from_utf8_lossy(&body));
        let patterns = crate::patterns::Patterns::new();
        let doc = crate::dom::build(&html, &patterns);
        let ex = super::Extractor::new(&doc, &patterns, "", false);
        println!("{}", ex.explain());
        // Every block: kept (K) or not, its kind, owner and the flags above it.
        let kept: std::collections::HashSet<usize> = ex.run().iter().map(|k| k.block).collect();
        for (i, b) in doc.blocks.iter().enumerate() {
            let above = std::iter::once(b.owner)
                .chain(doc.ancestors(b.owner))
                .fold(0, |f, a| f | doc.elems[a as usize].flags);
            let text: String = b.text.chars().take(100).collect();
            println!(
                "block {i} {} {:?} owner {} {:?} above {above:#x}: {text:?}",
                if kept.contains(&i) { "K" } else { "-" },
                b.kind,
                b.owner,
                doc.elems[b.owner as usize].tag
            );
        }
        for (elem, text) in &doc.head.bylines {
            let e = &doc.elems[*elem as usize];
            let above = doc
                .ancestors(*elem)
                .fold(0, |f, a| f | doc.elems[a as usize].flags);
            println!(
                "byline {elem} {:?} flags {:#x} above {above:#x}: {text:?}",
                e.tag, e.flags
            );
        }
    }
}
