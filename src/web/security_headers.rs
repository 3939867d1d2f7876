//! Security headers on every response: a strict CSP, no framing, no sniffing, a tight referrer
//! policy, HSTS in production, and no caching of anything shown to a signed-in user or reached through a
//! customer's quote link.

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::Header;
use rocket::{Request, Response};

use super::auth::{SESSION_COOKIE, presented_token};

pub struct SecurityHeaders {
    pub hsts: bool,
}

#[rocket::async_trait]
impl Fairing for SecurityHeaders {
    fn info(&self) -> Info {
        Info { name: "security headers", kind: Kind::Response }
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        res.set_header(Header::new(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        ));
        res.set_header(Header::new("X-Frame-Options", "DENY"));
        res.set_header(Header::new("X-Content-Type-Options", "nosniff"));
        res.set_header(Header::new("Referrer-Policy", "same-origin"));
        res.set_header(Header::new("Cross-Origin-Opener-Policy", "same-origin"));
        if self.hsts {
            res.set_header(Header::new("Strict-Transport-Security", "max-age=31536000; includeSubDomains"));
        }
        let signed_in = presented_token(req).is_some() || req.cookies().get(SESSION_COOKIE).is_some();
        // Decided on the decoded segments and the matched route, so `//app` is private like `/app`.
        let first = req.uri().path().segments().next().unwrap_or_default();
        let private_area = matches!(first, "app" | "admin" | "account") || super::routing::is_api(req);
        // A customer's quote link is a secret: its pages, PDF and API must not be kept by a shared
        // cache or the browser's history of responses.
        // Static files are the same for everyone and carry their own caching headers.
        let public_file = first == "static" && req.route().is_some();
        if !public_file && (signed_in || private_area || super::routing::carries_link_token(req)) {
            res.set_header(Header::new("Cache-Control", "no-store"));
        }
    }
}
