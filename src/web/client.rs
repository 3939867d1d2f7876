//! Facts about the requesting client: its address (never from a client-settable header unless the
//! portal is configured to sit behind a proxy) and the request id.

use std::net::IpAddr;

use rocket::State;
use rocket::request::{FromRequest, Outcome, Request};

use crate::domain::Portal;
use crate::domain::actor::Origin;

/// The id of this request, echoed in `X-Request-Id`, logs and error pages.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

pub fn request_id(req: &Request<'_>) -> String {
    req.local_cache(|| RequestId(uuid::Uuid::new_v4().simple().to_string())).0.clone()
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
