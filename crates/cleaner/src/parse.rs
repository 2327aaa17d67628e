//! Parsing with a budget. html5ever builds the tree scraper's `Html` holds, but some markup
//! makes it build far more nodes than the page has tags: every run of text re-creates the
//! formatting elements (`<b>`, `<i>`, `<font>`, ...) that a block's end tag closed but that are
//! still "active", so 85 KB of `<b class=N>` and `</p><p>x` made 4 million elements (1.1 GB).
//! The page is fed to the parser a kilobyte at a time and feeding stops once the tree holds
//! [`Config::max_nodes`](crate::Config::max_nodes) nodes; `prepare` bounds how many formatting
//! elements can be active (so one kilobyte can add only so many), and the parser then closes
//! what is open as at the end of any page.

use std::borrow::Cow;
use std::cell::Cell;
use std::rc::Rc;

use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, QualName};
use scraper::{Html, HtmlTreeSink};

/// How much of the page the parser is given between two looks at the node count.
const CHUNK: usize = 1024;

type Handle = <HtmlTreeSink as TreeSink>::Handle;

/// Parses `markup` as a document, reading no further once the tree holds `max_nodes` nodes
/// (elements, comments, and runs of text).
pub(crate) fn parse(markup: &str, max_nodes: usize) -> Html {
    let nodes = Rc::new(Cell::new(0usize));
    let sink = Counting {
        inner: HtmlTreeSink::new(Html::new_document()),
        nodes: Rc::clone(&nodes),
    };
    let mut parser = html5ever::driver::parse_document(sink, Default::default());
    let mut at = 0;
    while at < markup.len() && nodes.get() < max_nodes {
        let mut end = (at + CHUNK).min(markup.len());
        while !markup.is_char_boundary(end) {
            end += 1;
        }
        parser.process(StrTendril::from_slice(&markup[at..end]));
        at = end;
    }
    parser.finish()
}

/// scraper's tree sink, counting the nodes it is asked to make.
struct Counting {
    inner: HtmlTreeSink,
    nodes: Rc<Cell<usize>>,
}

impl Counting {
    fn count(&self) {
        self.nodes.set(self.nodes.get() + 1);
    }

    fn count_text(&self, child: &NodeOrText<Handle>) {
        if matches!(child, NodeOrText::AppendText(_)) {
            self.count();
        }
    }
}

impl TreeSink for Counting {
    type Handle = Handle;
    type Output = Html;
    type ElemName<'a> = <HtmlTreeSink as TreeSink>::ElemName<'a>;

    fn finish(self) -> Html {
        self.inner.finish()
    }

    fn parse_error(&self, msg: Cow<'static, str>) {
        self.inner.parse_error(msg);
    }

    fn get_document(&self) -> Handle {
        self.inner.get_document()
    }

    fn elem_name<'a>(&'a self, target: &'a Handle) -> Self::ElemName<'a> {
        self.inner.elem_name(target)
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> Handle {
        self.count();
        self.inner.create_element(name, attrs, flags)
    }

    fn create_comment(&self, text: StrTendril) -> Handle {
        self.count();
        self.inner.create_comment(text)
    }

    fn create_pi(&self, target: StrTendril, data: StrTendril) -> Handle {
        self.count();
        self.inner.create_pi(target, data)
    }

    fn append(&self, parent: &Handle, child: NodeOrText<Handle>) {
        self.count_text(&child);
        self.inner.append(parent, child);
    }

    fn append_based_on_parent_node(
        &self,
        element: &Handle,
        prev_element: &Handle,
        child: NodeOrText<Handle>,
    ) {
        self.count_text(&child);
        self.inner
            .append_based_on_parent_node(element, prev_element, child);
    }

    fn append_doctype_to_document(
        &self,
        name: StrTendril,
        public_id: StrTendril,
        system_id: StrTendril,
    ) {
        self.count();
        self.inner
            .append_doctype_to_document(name, public_id, system_id);
    }

    fn mark_script_already_started(&self, node: &Handle) {
        self.inner.mark_script_already_started(node);
    }

    fn pop(&self, node: &Handle) {
        self.inner.pop(node);
    }

    fn get_template_contents(&self, target: &Handle) -> Handle {
        self.inner.get_template_contents(target)
    }

    fn same_node(&self, x: &Handle, y: &Handle) -> bool {
        self.inner.same_node(x, y)
    }

    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.inner.set_quirks_mode(mode);
    }

    fn append_before_sibling(&self, sibling: &Handle, new_node: NodeOrText<Handle>) {
        self.count_text(&new_node);
        self.inner.append_before_sibling(sibling, new_node);
    }

    fn add_attrs_if_missing(&self, target: &Handle, attrs: Vec<Attribute>) {
        self.inner.add_attrs_if_missing(target, attrs);
    }

    fn associate_with_form(
        &self,
        target: &Handle,
        form: &Handle,
        nodes: (&Handle, Option<&Handle>),
    ) {
        self.inner.associate_with_form(target, form, nodes);
    }

    fn remove_from_parent(&self, target: &Handle) {
        self.inner.remove_from_parent(target);
    }

    fn reparent_children(&self, node: &Handle, new_parent: &Handle) {
        self.inner.reparent_children(node, new_parent);
    }

    fn is_mathml_annotation_xml_integration_point(&self, handle: &Handle) -> bool {
        self.inner
            .is_mathml_annotation_xml_integration_point(handle)
    }

    fn set_current_line(&self, line_number: u64) {
        self.inner.set_current_line(line_number);
    }

    fn allow_declarative_shadow_roots(&self, intended_parent: &Handle) -> bool {
        self.inner.allow_declarative_shadow_roots(intended_parent)
    }

    fn attach_declarative_shadow(
        &self,
        location: &Handle,
        template: &Handle,
        attrs: &[Attribute],
    ) -> bool {
        self.inner
            .attach_declarative_shadow(location, template, attrs)
    }

    fn maybe_clone_an_option_into_selectedcontent(&self, option: &Handle) {
        self.inner
            .maybe_clone_an_option_into_selectedcontent(option);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_as_scraper_does() {
        let page = format!(
            "<html><head><title>T</title></head><body>{}<table><td>cell</table></body></html>",
            "<p>para <b>bold <i>both</b> italic</i> ".repeat(400)
        );
        let ours = parse(&page, usize::MAX);
        let theirs = Html::parse_document(&page);
        assert_eq!(ours.html(), theirs.html());
    }

    fn prepared(page: &str) -> String {
        let budget = crate::prepare::Budget {
            max_depth: 512,
            max_bytes: usize::MAX,
            max_text: usize::MAX,
        };
        match crate::prepare::prepare(page, &budget) {
            crate::prepare::Prepared::Prefix(len) => page[..len].to_owned(),
            crate::prepare::Prepared::Owned(markup) => markup,
        }
    }

    /// Bug: 85 KB of `<b class=N>` then `</p><p>x` made html5ever build 4 million elements
    /// (1.1 GB): each `x` re-creates every formatting element that `</p>` closed. The stray
    /// `</div>`s keep a naive depth count low, so the depth cap does not stop it.
    #[test]
    fn formatting_elements_cannot_multiply_the_tree() {
        let opened: String = (0..2000).map(|i| format!("<b class=c{i}></div>")).collect();
        let page = format!("<body><p>{opened}{}", "</p><p>x".repeat(400));
        let html = parse(&prepared(&page), 100_000);
        let nodes = html.tree.nodes().count();
        // At most one kilobyte read past the budget, each `x` re-creating at most the 256
        // formatting elements with attributes and three of each name.
        assert!(nodes < 100_000 + CHUNK / 8 * 300, "{nodes}");
    }

    #[test]
    fn reading_stops_at_the_node_budget() {
        let page = "<p>x</p>".repeat(100_000);
        let html = parse(&page, 1000);
        let n = html.tree.nodes().count();
        assert!((1000..2000).contains(&n), "{n}");
    }
}
