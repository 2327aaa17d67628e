//! robots.txt rules for one origin, read the RFC 9309 way: a 2xx file is parsed for our
//! product token (falling back to `*`), a 4xx means everything is allowed, and a 5xx or a
//! network failure means everything is disallowed until it can be read.

use std::sync::Arc;
use std::time::{Duration, Instant};

use texting_robots::Robot;

use crate::error::RobotsProblem;

/// The rules of one origin, and when they were read.
pub(crate) struct Robots {
    rules: Rules,
    pub read_at: Instant,
}

enum Rules {
    AllowAll,
    Parsed(Robot),
    /// Why the file could not be read (`HTTP 503`, a timeout, ...).
    Unreachable(Arc<RobotsProblem>),
    /// The host is a private address that may not be fetched at all.
    Blocked(String),
}

/// What robots.txt says about one URL.
#[derive(Debug, Clone)]
pub(crate) enum Verdict {
    Allowed,
    Disallowed,
    Unreachable(Arc<RobotsProblem>),
    Blocked(String),
}

impl Robots {
    /// Rules from a robots.txt answer. `body` is already capped at the size limit.
    pub fn from_answer(agent: &str, status: u16, body: &[u8]) -> Self {
        let rules = match status {
            200..=299 => match Robot::new(agent, body) {
                Ok(robot) => Rules::Parsed(robot),
                // texting_robots is forgiving; a file it still rejects is treated like a
                // missing one rather than locking the site away for a syntax slip.
                Err(_) => Rules::AllowAll,
            },
            // 429 asks us to slow down, not to crawl at will: treat it like a server error.
            429 => Rules::Unreachable(Arc::new(RobotsProblem::Status(status))),
            // Unavailable (4xx), or still redirecting after the hops RFC 9309 asks us to follow.
            300..=499 => Rules::AllowAll,
            _ => Rules::Unreachable(Arc::new(RobotsProblem::Status(status))),
        };
        Self {
            rules,
            read_at: Instant::now(),
        }
    }

    /// Rules for a robots.txt that could not be fetched at all.
    pub fn unreachable(problem: RobotsProblem) -> Self {
        Self {
            rules: Rules::Unreachable(Arc::new(problem)),
            read_at: Instant::now(),
        }
    }

    /// Rules for a host that may not be fetched (a private address).
    pub fn blocked(host: String) -> Self {
        Self {
            rules: Rules::Blocked(host),
            read_at: Instant::now(),
        }
    }

    pub fn verdict(&self, url: &str) -> Verdict {
        match &self.rules {
            Rules::AllowAll => Verdict::Allowed,
            Rules::Blocked(host) => Verdict::Blocked(host.clone()),
            Rules::Parsed(robot) if robot.allowed(url) => Verdict::Allowed,
            Rules::Parsed(_) => Verdict::Disallowed,
            Rules::Unreachable(problem) => Verdict::Unreachable(Arc::clone(problem)),
        }
    }

    /// The `Crawl-delay` for our agent, if any.
    pub fn crawl_delay(&self) -> Option<Duration> {
        match &self.rules {
            Rules::Parsed(robot) => robot
                .delay
                .filter(|delay| delay.is_finite() && *delay > 0.0)
                .map(|delay| Duration::from_secs_f32(delay.min(86_400.0))),
            _ => None,
        }
    }

    /// The `Sitemap:` lines.
    pub fn sitemaps(&self) -> &[String] {
        match &self.rules {
            Rules::Parsed(robot) => &robot.sitemaps,
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &[u8] = b"User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n\n\
User-agent: newsdex\nDisallow: /drafts/\nCrawl-delay: 0.5\n\nSitemap: https://a.example/sitemap.xml\n";

    #[test]
    fn our_group_wins_over_the_wildcard() {
        let robots = Robots::from_answer("newsdex", 200, FILE);
        assert!(matches!(
            robots.verdict("https://a.example/drafts/x"),
            Verdict::Disallowed
        ));
        assert!(matches!(
            robots.verdict("https://a.example/private/x"),
            Verdict::Allowed
        ));
        assert_eq!(robots.crawl_delay(), Some(Duration::from_millis(500)));
        assert_eq!(robots.sitemaps(), ["https://a.example/sitemap.xml"]);

        let other = Robots::from_answer("otherbot", 200, FILE);
        assert!(matches!(
            other.verdict("https://a.example/private/x"),
            Verdict::Disallowed
        ));
        assert_eq!(other.crawl_delay(), Some(Duration::from_secs(2)));
    }

    #[test]
    fn status_codes_follow_rfc_9309() {
        let missing = Robots::from_answer("newsdex", 404, b"");
        assert!(matches!(
            missing.verdict("https://a.example/x"),
            Verdict::Allowed
        ));
        let broken = Robots::from_answer("newsdex", 503, b"");
        assert!(matches!(
            broken.verdict("https://a.example/x"),
            Verdict::Unreachable(problem) if problem.to_string() == "HTTP 503"
        ));
        let busy = Robots::from_answer("newsdex", 429, b"");
        assert!(matches!(
            busy.verdict("https://a.example/x"),
            Verdict::Unreachable(_)
        ));
    }
}
