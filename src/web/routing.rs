//! What a request was routed to, decided on the matched route rather than on the raw path: whether
//! it is a JSON API call, and which of its path segments are link tokens (secrets that must stay
//! out of logs and caches).
//!
//! The raw path is not a safe basis: Rocket matches `//api/v1/x`, `/api//v1/x` and `/%61pi/v1/x` to
//! the route `/api/v1/x`, while `path().starts_with("/api/")` says "not the API" for all three.

use rocket::Request;

/// Where the JSON API is mounted.
pub const API_BASE: &str = "/api/v1";

/// Shown in logs instead of a link token.
pub const REDACTED: &str = "[redacted]";

/// Route parameters that carry a bearer secret: whoever knows the value holds the capability.
const SECRET_PARAMS: &[&str] = &["<token>", "<token..>"];

/// Whether the request is for the JSON API: the matched route is mounted under [`API_BASE`], or,
/// when no route matched (a 404), the decoded first path segment is `api`.
pub fn is_api(req: &Request<'_>) -> bool {
    match req.route() {
        Some(route) => {
            let base = route.uri.base();
            base == API_BASE || base.starts_with("/api/")
        }
        None => req.uri().path().segments().next() == Some("api"),
    }
}

/// Whether the matched route takes a link token (the customer's quote pages and their API).
pub fn carries_link_token(req: &Request<'_>) -> bool {
    req.route().is_some_and(|route| route.uri.path().split('/').any(|s| SECRET_PARAMS.contains(&s)))
}

/// The request path as it may be logged: decoded segments joined by `/`, with every segment that a
/// secret route parameter matched replaced by [`REDACTED`]. When no route matched, a long segment
/// could still be a token someone mistyped the rest of the path around, so long segments are
/// redacted too. Control characters are escaped by the logger (`Debug` formatting).
pub fn loggable_path(req: &Request<'_>) -> String {
    let segments = req.uri().path().segments();
    let mut out = String::new();
    match req.route() {
        Some(route) => {
            let mut pattern = route.uri.path().split('/').filter(|s| !s.is_empty());
            let mut rest_is_secret = false;
            for segment in segments {
                let secret = rest_is_secret
                    || match pattern.next() {
                        Some(p) if SECRET_PARAMS.contains(&p) => {
                            rest_is_secret = p.ends_with("..>");
                            true
                        }
                        _ => false,
                    };
                out.push('/');
                out.push_str(if secret { REDACTED } else { segment });
            }
        }
        None => {
            for segment in segments {
                out.push('/');
                let token_like = segment.len() >= 24 && uuid::Uuid::parse_str(segment).is_err();
                out.push_str(if token_like { REDACTED } else { segment });
            }
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}
