//! Messages for people: errors and warnings on stderr, lower-case, values in backticks.

#![allow(clippy::print_stderr)]

use std::io::IsTerminal;

pub fn error(message: &str) {
    eprintln!("{}: {message}", paint("error", "1;31"));
}

pub fn warning(message: &str) {
    eprintln!("{}: {message}", paint("warning", "1;33"));
}

/// Wraps `text` in an ANSI style when stderr is a terminal.
fn paint(text: &str, style: &str) -> String {
    if std::io::stderr().is_terminal() {
        format!("\x1b[{style}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
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
