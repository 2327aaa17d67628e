//! What the user sees while a long command runs: a progress bar on a terminal (pages done,
//! rate, failures, ETA), a plain status line every few seconds when stderr is not a terminal,
//! nothing with `-q`. Messages go through here so that they never tear the bar.

#![allow(clippy::print_stderr)]

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// How often a plain status line is printed when stderr is not a terminal.
const LINE_EVERY: Duration = Duration::from_secs(10);

pub struct Progress {
    mode: Mode,
    started: Instant,
    last_line: Instant,
}

enum Mode {
    Bar(ProgressBar),
    Lines,
    Off,
}

impl Progress {
    /// A bar when stderr is a terminal and logs are at their default level (per-page log
    /// lines at `-v` would fight with it), plain lines otherwise, nothing when `quiet`.
    pub fn new(quiet: bool) -> Self {
        let mode = if quiet {
            Mode::Off
        } else if std::io::stderr().is_terminal() && !tracing::enabled!(tracing::Level::INFO) {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "{spinner} {pos}/{len} pages {wide_bar} {rate:>9} eta {eta:>4} {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .with_key(
                "rate",
                |state: &ProgressState, out: &mut dyn std::fmt::Write| {
                    let _ = write!(out, "{:.1}/s", state.per_sec());
                },
            );
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(200));
            Mode::Bar(bar)
        } else {
            Mode::Lines
        };
        let now = Instant::now();
        Self {
            mode,
            started: now,
            last_line: now,
        }
    }

    /// Reports `done` of `expected` items, `failed` of them failed.
    pub fn update(&mut self, done: usize, failed: usize, expected: usize) {
        match &self.mode {
            Mode::Bar(bar) => {
                bar.set_length(expected.max(done) as u64);
                bar.set_position(done as u64);
                if failed > 0 {
                    bar.set_message(format!("{failed} failed"));
                }
            }
            Mode::Lines if self.last_line.elapsed() >= LINE_EVERY => {
                self.last_line = Instant::now();
                let seconds = self.started.elapsed().as_secs_f64().max(0.001);
                eprintln!(
                    "progress: {done}/{} pages, {:.1}/s, {failed} failed",
                    expected.max(done),
                    done as f64 / seconds
                );
            }
            Mode::Lines | Mode::Off => {}
        }
    }

    /// Runs `print` (which writes to stderr) without tearing the bar.
    pub fn suspend(&self, print: impl FnOnce()) {
        match &self.mode {
            Mode::Bar(bar) => bar.suspend(print),
            Mode::Lines | Mode::Off => print(),
        }
    }

    pub fn finish(&self) {
        if let Mode::Bar(bar) = &self.mode {
            bar.finish_and_clear();
        }
    }
}
