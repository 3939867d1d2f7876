//! In-process sliding-window limits for logins and anonymous endpoints.
//!
//! Limits are per instance: behind a load balancer each instance enforces its own share, which still
//! bounds an attacker to `limit × instances` attempts per window.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::error::{Error, Result};

/// Beyond this many tracked keys, expired ones are swept before adding more.
const SWEEP_THRESHOLD: usize = 10_000;

#[derive(Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<String, VecDeque<Instant>>>,
    counters: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimiter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Refuses when `key` has `limit` or more events inside `window`; does not record anything.
    ///
    /// # Errors
    /// `RateLimited` with the seconds until the oldest event leaves the window.
    pub fn check(&self, key: &str, limit: u32, window: Duration) -> Result<()> {
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let Some(events) = windows.get_mut(key) else { return Ok(()) };
        prune(events, now, window);
        if events.len() >= limit as usize {
            let oldest = events.front().copied().unwrap_or(now);
            let retry = window.saturating_sub(now.duration_since(oldest)).as_secs().max(1);
            return Err(Error::RateLimited { retry_after_secs: retry });
        }
        Ok(())
    }

    /// Records one event for `key`.
    pub fn record(&self, key: &str, window: Duration) {
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if windows.len() >= SWEEP_THRESHOLD {
            windows.retain(|_, events| {
                prune(events, now, window);
                !events.is_empty()
            });
        }
        windows.entry(key.to_owned()).or_default().push_back(now);
    }

    /// Checks and records in one step: the usual shape for "N requests per window".
    ///
    /// # Errors
    /// As [`RateLimiter::check`].
    pub fn hit(&self, key: &str, limit: u32, window: Duration) -> Result<()> {
        self.check(key, limit, window)?;
        self.record(key, window);
        Ok(())
    }

    /// A fixed-window counter: O(1) per call, for high-rate limits such as public search where
    /// keeping every timestamp would cost more than the request.
    ///
    /// # Errors
    /// `RateLimited` until the current window ends.
    pub fn hit_counter(&self, key: &str, limit: u32, window: Duration) -> Result<()> {
        let now = Instant::now();
        let mut counters = self.counters.lock().unwrap_or_else(|p| p.into_inner());
        if counters.len() >= SWEEP_THRESHOLD {
            counters.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let entry = counters.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= window {
            *entry = (now, 0);
        }
        if entry.1 >= limit {
            let retry = window.saturating_sub(now.duration_since(entry.0)).as_secs().max(1);
            return Err(Error::RateLimited { retry_after_secs: retry });
        }
        entry.1 += 1;
        Ok(())
    }

    pub fn clear(&self, key: &str) {
        self.windows.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
    }
}

fn prune(events: &mut VecDeque<Instant>, now: Instant, window: Duration) {
    while events.front().is_some_and(|t| now.duration_since(*t) >= window) {
        events.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_after_the_limit_and_names_a_retry_time() {
        let limiter = RateLimiter::new();
        for _ in 0..3 {
            limiter.hit("k", 3, Duration::from_secs(60)).unwrap();
        }
        match limiter.hit("k", 3, Duration::from_secs(60)) {
            Err(Error::RateLimited { retry_after_secs }) => assert!((1..=60).contains(&retry_after_secs)),
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert!(limiter.hit("other", 3, Duration::from_secs(60)).is_ok());
    }
}
