//! Messages for people: errors and warnings on stderr, lower-case, values in backticks.

#![allow(clippy::print_stderr)]

use std::borrow::Cow;
use std::io::IsTerminal;

pub fn error(message: &str) {
    eprintln!("{}: {}", paint("error", "1;31"), printable(message));
}

pub fn warning(message: &str) {
    eprintln!("{}: {}", paint("warning", "1;33"), printable(message));
}

/// `text` with every character that a terminal would act on instead of showing (escape
/// sequences, carriage returns, bells, C1 controls, bidirectional overrides that reorder what
/// follows) written out as `\u{..}`. File names, URLs and page text come from outside: a page
/// must not be able to rewrite the user's screen or hide a line. Newlines and tabs stay.
pub fn printable(text: &str) -> Cow<'_, str> {
    let acts = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
    };
    if !text.contains(acts) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if acts(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Wraps `text` in an ANSI style when stderr is a terminal.
fn paint(text: &str, style: &str) -> String {
    if std::io::stderr().is_terminal() {
        format!("\x1b[{style}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

/// An error and its causes on one line (`what failed: why: deeper why`), for reports and
/// per-page messages; each cause is said once.
pub fn one_line(err: &(dyn std::error::Error + 'static)) -> String {
    let mut line = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !line.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
        source = cause.source();
    }
    line
}

/// Whether stdout is a terminal (for bold highlights in search results).
pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// `newsdex search ... | head` closes the pipe early; that is not an error.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_controls_from_inputs_are_shown_not_obeyed() {
        assert_eq!(printable("plain, Ελληνικά\tok\n"), "plain, Ελληνικά\tok\n");
        assert_eq!(
            printable("evil\x1b[2J\rname\u{7}.html"),
            "evil\\u{1b}[2J\\u{d}name\\u{7}.html"
        );
        assert_eq!(printable("a\u{202E}cod.exe"), "a\\u{202e}cod.exe");
        assert_eq!(printable("\u{9b}31m"), "\\u{9b}31m");
    }
}
