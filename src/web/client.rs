//! Facts about the requesting client: its address (never from a client-settable header unless the
//! portal is configured to sit behind a proxy) and the request id.

use std::net::IpAddr;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

use rocket::State;
use rocket::request::{FromRequest, Outcome, Request};

use crate::domain::Portal;
use crate::domain::actor::Origin;

/// The id of this request, echoed in `X-Request-Id`, logs and error pages.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// A random prefix per process and a counter: unique across instances and restarts like a random
/// UUID, 32 hex digits like one, but without asking the OS for randomness on every request.
pub fn request_id(req: &Request<'_>) -> String {
    static PROCESS: LazyLock<u64> = LazyLock::new(|| uuid::Uuid::new_v4().as_u64_pair().0);
    static NEXT: AtomicU64 = AtomicU64::new(0);
    req.local_cache(|| RequestId(format!("{:016x}{:016x}", *PROCESS, NEXT.fetch_add(1, Ordering::Relaxed))))
        .0
        .clone()
}

/// The client's address. With `header` empty, the socket peer. Behind proxies (`header` names the
/// header they fill, e.g. `X-Forwarded-For`), each proxy appends the address it received the
/// request from, so only the rightmost `trusted_hops` entries were written by proxies we trust;
/// the client is the entry `trusted_hops` from the right. Anything to its left was sent by the
/// client and is never used. A header with fewer entries than hops, or an unreadable entry, falls
/// back to the socket peer (the proxy), which at worst makes such requests share one limit.
pub fn client_ip(req: &Request<'_>, header: &str, trusted_hops: usize) -> Option<IpAddr> {
    let remote = req.remote().map(|addr| addr.ip());
    if header.is_empty() {
        return remote;
    }
    forwarded_client(req.headers().get(header), trusted_hops).or(remote)
}

/// The address `trusted_hops` from the right across every occurrence of the header, in order.
pub fn forwarded_client<'a>(values: impl Iterator<Item = &'a str>, trusted_hops: usize) -> Option<IpAddr> {
    let entries: Vec<&str> = values.flat_map(|v| v.split(',')).map(str::trim).collect();
    let index = entries.len().checked_sub(trusted_hops.max(1))?;
    parse_address(entries.get(index)?)
}

/// `192.0.2.1`, `192.0.2.1:443`, `2001:db8::1` or `[2001:db8::1]:443`.
fn parse_address(text: &str) -> Option<IpAddr> {
    text.parse::<IpAddr>()
        .ok()
        .or_else(|| text.parse::<std::net::SocketAddr>().ok().map(|addr| addr.ip()))
        .or_else(|| text.strip_prefix('[').and_then(|t| t.strip_suffix(']')).and_then(|t| t.parse().ok()))
}

/// The request's origin for audit entries and limits.
#[rocket::async_trait]
impl<'r> FromRequest<'r> for Origin {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let (header, hops) = match req.guard::<&State<Portal>>().await {
            Outcome::Success(portal) => {
                (portal.config.client_ip_header.clone(), portal.config.client_ip_trusted_hops)
            }
            _ => (String::new(), 1),
        };
        Outcome::Success(Origin {
            client_ip: client_ip(req, &header, hops).map(|ip| ip.to_string()),
            request_id: Some(request_id(req)),
            idempotency_key: req.headers().get_one("Idempotency-Key").map(str::to_owned),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::actor::limit_key;

    fn ip(text: &str) -> Option<IpAddr> {
        text.parse().ok()
    }

    #[test]
    fn the_client_is_the_address_the_trusted_proxy_added_not_the_leftmost() {
        let spoofed = ["6.6.6.6, 203.0.113.7"];
        assert_eq!(forwarded_client(spoofed.into_iter(), 1), ip("203.0.113.7"));
        assert_eq!(forwarded_client(["203.0.113.7"].into_iter(), 1), ip("203.0.113.7"));
    }

    #[test]
    fn more_trusted_hops_reach_further_left_but_never_past_the_header() {
        let chain = ["6.6.6.6, 203.0.113.7, 10.0.0.2"];
        assert_eq!(forwarded_client(chain.into_iter(), 2), ip("203.0.113.7"));
        assert_eq!(forwarded_client(["10.0.0.2"].into_iter(), 2), None);
        assert_eq!(forwarded_client(std::iter::empty(), 1), None);
    }

    #[test]
    fn repeated_headers_count_as_one_list_in_order() {
        let values = ["6.6.6.6", "203.0.113.7"];
        assert_eq!(forwarded_client(values.into_iter(), 1), ip("203.0.113.7"));
    }

    #[test]
    fn ports_and_brackets_are_understood_and_garbage_is_not_an_address() {
        assert_eq!(forwarded_client(["192.0.2.1:443"].into_iter(), 1), ip("192.0.2.1"));
        assert_eq!(forwarded_client(["[2001:db8::1]:443"].into_iter(), 1), ip("2001:db8::1"));
        assert_eq!(forwarded_client(["[2001:db8::1]"].into_iter(), 1), ip("2001:db8::1"));
        assert_eq!(forwarded_client(["1.2.3.4, unknown"].into_iter(), 1), None);
    }

    #[test]
    fn ipv6_clients_are_limited_by_their_slash_64() {
        let a = limit_key("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = limit_key("2001:db8:1:2:bbbb:cccc:dddd:eeee".parse().unwrap());
        let other = limit_key("2001:db8:1:3::1".parse().unwrap());
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_eq!(a, b);
        assert_ne!(a, other);
        assert_eq!(limit_key("::ffff:192.0.2.1".parse().unwrap()), "192.0.2.1");
        assert_eq!(limit_key("192.0.2.1".parse().unwrap()), "192.0.2.1");
    }
}
