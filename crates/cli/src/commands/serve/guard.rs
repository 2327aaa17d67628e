//! What stands between the network and the handlers of `newsdex serve`: the Host check
//! against DNS rebinding, limits on what a request may carry, a bound on requests in flight,
//! panics turned into a 500 for the one request that hit them, and the security headers
//! every response carries.

use std::any::Any;
use std::net::IpAddr;
use std::str::FromStr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::uri::Authority;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;

use super::Failure;

/// The longest request target (path and query) answered; the longest query the API takes is
/// far shorter, so only a malformed or hostile client meets this.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// Requests handled at once; the rest wait for a slot (their connections stay open).
const MAX_IN_FLIGHT: usize = 64;

/// Every response: no framing, no referrer leaking the query to the sites of the hits, no
/// content sniffing. The pages load only the binary's own stylesheet and script: no inline
/// script, event handler or style runs, whatever an article smuggles past the escaping.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; \
     script-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Which Host headers the server answers to.
///
/// A web page the user visits can make the browser send requests to `127.0.0.1:8080` under
/// the page's own host name (DNS rebinding) and read the answers; a server that answers only
/// to the names it is known by stops that. IP literals cannot be rebound, so the bound address
/// and loopback addresses always pass (any IP literal when bound to all interfaces).
#[derive(Debug, Clone)]
pub struct Hosts {
    bound: IpAddr,
    names: Vec<String>,
    any: bool,
}

impl Hosts {
    /// The hosts answered when bound to `bound`: its address, loopback addresses,
    /// `localhost`, and `extra` names (`*`: any host); an extra name that is no host name is
    /// an error naming it.
    pub fn new(bound: IpAddr, extra: &[String]) -> Result<Self, String> {
        let mut names = vec!["localhost".to_owned()];
        let mut any = false;
        for name in extra {
            match name.trim() {
                "*" => any = true,
                trimmed => names.push(host_of(trimmed).ok_or_else(|| {
                    format!("`{name}` is not a host name (`--allow-host` takes names like `archive.lan`, or `*`)")
                })?),
            }
        }
        Ok(Self { bound, names, any })
    }

    /// Whether a request with this Host header (or request-target authority) is answered.
    pub fn allows(&self, authority: &str) -> bool {
        if self.any {
            return true;
        }
        let Some(host) = host_of(authority) else {
            return false;
        };
        match host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(&host)
            .parse::<IpAddr>()
        {
            Ok(ip) => ip.is_loopback() || ip == self.bound || self.bound.is_unspecified(),
            Err(_) => self.names.contains(&host),
        }
    }
}

/// The host of `host[:port]`, lower-case and without a trailing dot; `None` when it is not a
/// valid authority.
fn host_of(authority: &str) -> Option<String> {
    let parsed = Authority::from_str(authority).ok()?;
    // `user@host` is not a Host header any client sends.
    if parsed.as_str().contains('@') {
        return None;
    }
    let host = parsed.host().trim_end_matches('.').to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

/// Wraps the finished router in the server's defences (the last layer is the outermost).
pub fn harden(router: Router, hosts: Hosts) -> Router {
    let header = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    router
        .layer(middleware::from_fn_with_state(Arc::new(hosts), screen))
        .layer(GlobalConcurrencyLimitLayer::new(MAX_IN_FLIGHT))
        .layer(CatchPanicLayer::custom(panicked))
        .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(header::REFERRER_POLICY, "no-referrer"))
        .layer(header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header(
            header::CONTENT_SECURITY_POLICY,
            CONTENT_SECURITY_POLICY,
        ))
        .layer(header(
            HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin",
        ))
}

/// Refuses what no client of this server sends: a foreign Host, a huge target, a body.
async fn screen(State(hosts): State<Arc<Hosts>>, request: Request, next: Next) -> Response {
    if let Some(failure) = refusal(&hosts, &request) {
        return failure.into_response();
    }
    next.run(request).await
}

fn refusal(hosts: &Hosts, request: &Request) -> Option<Failure> {
    let target = request
        .uri()
        .path_and_query()
        .map_or(0, |target| target.as_str().len());
    if target > MAX_URI_BYTES {
        return Some(Failure::new(
            StatusCode::URI_TOO_LONG,
            format!("the request target is {target} bytes long; the limit is {MAX_URI_BYTES}"),
        ));
    }
    let has_body = request.headers().contains_key(header::TRANSFER_ENCODING)
        || request
            .headers()
            .get(header::CONTENT_LENGTH)
            .is_some_and(|length| length.as_bytes() != b"0");
    if has_body {
        return Some(Failure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "requests to this server carry no body".into(),
        ));
    }
    // An absolute request target names the host too; both must pass.
    if let Some(authority) = request.uri().authority()
        && !hosts.allows(authority.as_str())
    {
        return Some(foreign_host(authority.as_str()));
    }
    match request.headers().get(header::HOST).map(HeaderValue::to_str) {
        None => Some(Failure::new(
            StatusCode::BAD_REQUEST,
            "the request has no Host header".into(),
        )),
        Some(Err(_)) => Some(foreign_host("(not text)")),
        Some(Ok(host)) if !hosts.allows(host) => Some(foreign_host(host)),
        Some(Ok(_)) => None,
    }
}

fn foreign_host(host: &str) -> Failure {
    Failure::new(
        StatusCode::FORBIDDEN,
        format!(
            "this server does not answer to host `{host}`; start it with `--allow-host NAME` \
             to allow a name"
        ),
    )
}

/// A handler panicked: that request alone gets a 500, without the panic's text (which may
/// name source files or data). The panic hook has already written it to stderr.
#[allow(clippy::needless_pass_by_value)] // the signature CatchPanicLayer calls
fn panicked(_panic: Box<dyn Any + Send + 'static>) -> Response {
    Failure::internal("a request handler panicked").into_response()
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr};

    use super::*;

    #[test]
    fn loopback_names_and_the_bound_address_pass_and_other_names_do_not() {
        let hosts = Hosts::new(IpAddr::V4(Ipv4Addr::LOCALHOST), &[]).unwrap();
        for ok in [
            "127.0.0.1:8080",
            "127.0.0.1",
            "localhost:8080",
            "LOCALHOST.",
            "[::1]:8080",
            "127.0.0.2",
        ] {
            assert!(hosts.allows(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:8080",
            "localhost.evil.example",
            "192.168.1.5:8080",
            "",
            "user@localhost",
            "local host",
        ] {
            assert!(!hosts.allows(bad), "{bad}");
        }
    }

    #[test]
    fn allowed_names_and_the_wildcard() {
        let hosts = Hosts::new(
            IpAddr::V4(Ipv4Addr::new(192, 168, 1, 5)),
            &["Archive.LAN".into(), "newsroom.example:8080".into()],
        )
        .unwrap();
        assert!(hosts.allows("archive.lan:8080"));
        assert!(hosts.allows("newsroom.example"));
        assert!(hosts.allows("192.168.1.5:8080"));
        assert!(!hosts.allows("192.168.1.6:8080"));
        assert!(!hosts.allows("evil.example"));
        let any = Hosts::new(IpAddr::V4(Ipv4Addr::LOCALHOST), &["*".into()]).unwrap();
        assert!(any.allows("evil.example"));
    }

    #[test]
    fn bound_to_all_interfaces_any_ip_literal_passes_but_names_do_not() {
        let hosts = Hosts::new(IpAddr::V6(Ipv6Addr::UNSPECIFIED), &[]).unwrap();
        assert!(hosts.allows("10.0.0.7:8080"));
        assert!(hosts.allows("[fe80::1]:8080"));
        assert!(!hosts.allows("rebound.evil.example"));
    }

    #[test]
    fn an_allowed_name_that_is_no_host_name_is_an_error() {
        for bad in ["two words", "http://x.example/", ""] {
            let err = Hosts::new(IpAddr::V4(Ipv4Addr::LOCALHOST), &[bad.into()]).unwrap_err();
            assert!(err.contains(&format!("`{bad}`")), "{err}");
        }
    }
}
