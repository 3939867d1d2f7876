//! Request ids, one structured log line per request, and the counters behind `/metrics`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::Header;
use rocket::request::{FromRequest, Outcome};
use rocket::{Data, Request, Responder, Response, State, get};
use subtle::ConstantTimeEq;

use super::client::request_id;
use super::error::WebError;
use crate::config::{Config, Profile};
use crate::domain::Portal;
use crate::domain::error::Error;

/// Latency buckets in seconds for the request histogram.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

#[derive(Default)]
pub struct Metrics {
    by_class: [AtomicU64; 5],
    buckets: [AtomicU64; BUCKETS.len()],
    duration_micros: AtomicU64,
    count: AtomicU64,
}

impl Metrics {
    fn observe(&self, status: u16, micros: u64) {
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        self.by_class[class].fetch_add(1, Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
        self.duration_micros.fetch_add(micros, Ordering::Relaxed);
        let seconds = micros as f64 / 1_000_000.0;
        for (bucket, limit) in self.buckets.iter().zip(BUCKETS) {
            if seconds <= limit {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// The Prometheus text exposition of the counters.
    pub fn render(&self) -> String {
        let mut out = String::from(
            "# HELP flexportal_http_requests_total HTTP responses by status class.\n# TYPE flexportal_http_requests_total counter\n",
        );
        for (i, counter) in self.by_class.iter().enumerate() {
            out.push_str(&format!(
                "flexportal_http_requests_total{{class=\"{}xx\"}} {}\n",
                i + 1,
                counter.load(Ordering::Relaxed)
            ));
        }
        out.push_str("# HELP flexportal_http_request_duration_seconds Time from request to response.\n# TYPE flexportal_http_request_duration_seconds histogram\n");
        for (bucket, limit) in self.buckets.iter().zip(BUCKETS) {
            out.push_str(&format!(
                "flexportal_http_request_duration_seconds_bucket{{le=\"{limit}\"}} {}\n",
                bucket.load(Ordering::Relaxed)
            ));
        }
        let count = self.count.load(Ordering::Relaxed);
        out.push_str(&format!("flexportal_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}\n"));
        out.push_str(&format!(
            "flexportal_http_request_duration_seconds_sum {}\n",
            self.duration_micros.load(Ordering::Relaxed) as f64 / 1_000_000.0
        ));
        out.push_str(&format!("flexportal_http_request_duration_seconds_count {count}\n"));
        out
    }
}

/// The largest body sent as a single chunk; larger ones (PDFs, exports) stream in 64 KiB pieces.
const ONE_CHUNK_MAX: usize = 256 * 1024;

struct Started(Instant);

pub struct Telemetry;

#[rocket::async_trait]
impl Fairing for Telemetry {
    fn info(&self) -> Info {
        Info { name: "request ids, logs and metrics", kind: Kind::Request | Kind::Response }
    }

    async fn on_request(&self, req: &mut Request<'_>, _: &mut Data<'_>) {
        req.local_cache(|| Started(Instant::now()));
        request_id(req);
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        let id = request_id(req);
        let micros = u64::try_from(req.local_cache(|| Started(Instant::now())).0.elapsed().as_micros())
            .unwrap_or(u64::MAX);
        if let Some(metrics) = req.rocket().state::<Metrics>() {
            metrics.observe(res.status().code, micros);
        }
        // Link tokens in the path are redacted (decided on the matched route); Debug formatting
        // escapes control characters a client may have put in the path.
        let path = super::routing::loggable_path(req);
        let status = res.status().code;
        tracing::info!(target: "http", request_id = %id, method = %req.method(), path = ?path, status, micros);
        if matches!(status, 401 | 403) {
            // Authorization failures name who was refused, when a valid session was presented.
            let who = super::auth::current(req).await;
            let actor = who.as_ref().map(|s| s.actor.user_id.to_string());
            let partner = who.as_ref().and_then(|s| s.actor.partner_id).map(|p| p.to_string());
            tracing::warn!(
                target: "http",
                request_id = %id,
                method = %req.method(),
                path = ?path,
                status,
                actor = actor.as_deref().unwrap_or("-"),
                partner = partner.as_deref().unwrap_or("-"),
                "access refused"
            );
        }
        res.set_header(Header::new("X-Request-Id", id));
        // Rocket hands a body to the connection in chunks of 4 KiB by default, each a channel send,
        // a task wake-up and a write of its own; a page or a search result is a few of those.
        // Bodies whose size is known and modest go out in one piece instead.
        if let Some(size) = res.body().preset_size().filter(|&n| n > 4096 && n <= ONE_CHUNK_MAX) {
            res.set_max_chunk_size(size);
        }
    }
}

/// The `Authorization` header of a request, if any.
pub struct Authorization(Option<String>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Authorization {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(Authorization(req.headers().get_one("Authorization").map(str::to_owned)))
    }
}

#[derive(Responder)]
pub enum MetricsReply {
    Text(String),
    Refused { inner: WebError, challenge: Header<'static> },
}

/// Whether `authorization` opens `/metrics`: with `metrics_token` set, only
/// `Bearer <metrics_token>` does (compared in constant time); without it, everyone outside
/// production and no one in production.
pub fn metrics_allowed(config: &Config, authorization: Option<&str>) -> bool {
    match config.metrics_token.as_deref().filter(|t| !t.is_empty()) {
        Some(expected) => authorization
            .and_then(|value| value.strip_prefix("Bearer "))
            .is_some_and(|given| bool::from(given.trim().as_bytes().ct_eq(expected.as_bytes()))),
        None => config.profile != Profile::Production,
    }
}

#[get("/metrics")]
pub fn metrics(
    portal: &State<Portal>,
    metrics: &State<Metrics>,
    authorization: Authorization,
) -> MetricsReply {
    if metrics_allowed(&portal.config, authorization.0.as_deref()) {
        MetricsReply::Text(metrics.render())
    } else {
        MetricsReply::Refused {
            inner: WebError(Error::Unauthorized),
            challenge: Header::new("WWW-Authenticate", "Bearer realm=\"metrics\""),
        }
    }
}
