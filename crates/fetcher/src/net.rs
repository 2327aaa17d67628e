//! Where requests may go and how hosts group into sites: the private-address rule (enforced on
//! the addresses actually connected to, so DNS cannot smuggle a private address past it), the
//! `--resolve`-style overrides, and the site key that politeness is counted by.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

/// Whether an address is on the public internet: not loopback, private (RFC 1918, unique
/// local), link-local, carrier-grade NAT, unspecified, broadcast, multicast or documentation.
pub(crate) fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b)))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || v6.is_unique_local()
                || v6.is_unicast_link_local())
        }
    }
}

/// The literal IP address in a URL's host, if it is one.
pub(crate) fn literal_ip(url: &Url) -> Option<IpAddr> {
    match url.host()? {
        Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
        Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
        Host::Domain(_) => None,
    }
}

/// The politeness key of a URL is its site (registrable domain), so that `www.`, `edition.`
/// and `amp.` hosts of one publisher share one budget.
pub(crate) use newsdex_types::site_of;

/// Raised by [`Resolver`] when every address of a host is off limits; found again in the
/// error chain to report [`crate::Error::PrivateAddress`].
#[derive(Debug)]
pub(crate) struct Blocked {
    pub host: String,
}

impl std::fmt::Display for Blocked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}` resolves only to private, loopback or link-local addresses",
            self.host
        )
    }
}

impl std::error::Error for Blocked {}

/// DNS for the HTTP client: system resolution (or the configured overrides), keeping only the
/// addresses the private-address rule allows.
#[derive(Debug)]
pub(crate) struct Resolver {
    overrides: HashMap<String, Vec<IpAddr>>,
    allow_private: bool,
}

impl Resolver {
    pub(crate) fn new(overrides: &[(String, IpAddr)], allow_private: bool) -> Self {
        let mut map: HashMap<String, Vec<IpAddr>> = HashMap::new();
        for (host, ip) in overrides {
            map.entry(host.to_ascii_lowercase()).or_default().push(*ip);
        }
        Self {
            overrides: map,
            allow_private,
        }
    }

    /// Every address of a host: the overrides, else the system resolver's answer.
    pub(crate) fn lookup(
        &self,
        host: &str,
    ) -> impl Future<Output = std::io::Result<Vec<IpAddr>>> + Send + 'static {
        let host = host.to_ascii_lowercase();
        let overridden = self.overrides.get(&host).cloned();
        async move {
            match overridden {
                Some(ips) => Ok(ips),
                None => Ok(tokio::net::lookup_host((host.as_str(), 0))
                    .await?
                    .map(|addr| addr.ip())
                    .collect()),
            }
        }
    }
}

impl Resolve for Resolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_ascii_lowercase();
        let lookup = self.lookup(&host);
        let allow_private = self.allow_private;
        Box::pin(async move {
            let allowed: Vec<SocketAddr> = lookup
                .await?
                .into_iter()
                .filter(|ip| allow_private || is_public(*ip))
                .map(|ip| SocketAddr::new(ip, 0))
                .collect();
            if allowed.is_empty() {
                return Err(Box::new(Blocked { host }) as Box<dyn std::error::Error + Send + Sync>);
            }
            let addrs: Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_loopback_and_link_local_are_not_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fc00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["93.184.216.34", "1.1.1.1", "2606:4700::1111"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }
}
