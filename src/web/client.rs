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

pub fn client_ip(req: &Request<'_>, header: &str) -> Option<IpAddr> {
    if !header.is_empty()
        && let Some(ip) = req
            .headers()
            .get_one(header)
            .and_then(|value| value.split(',').next())
            .and_then(|first| first.trim().parse().ok())
    {
        return Some(ip);
    }
    req.remote().map(|addr| addr.ip())
}

/// The request's origin for audit entries and limits.
#[rocket::async_trait]
impl<'r> FromRequest<'r> for Origin {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let header = match req.guard::<&State<Portal>>().await {
            Outcome::Success(portal) => portal.config.client_ip_header.clone(),
            _ => String::new(),
        };
        Outcome::Success(Origin {
            client_ip: client_ip(req, &header).map(|ip| ip.to_string()),
            request_id: Some(request_id(req)),
        })
    }
}
