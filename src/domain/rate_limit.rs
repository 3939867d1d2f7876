//! In-process sliding-window limits for logins and anonymous endpoints.
//!
//! Limits are per instance: behind a load balancer each instance enforces its own share, which still
//! bounds an attacker to `limit × instances` attempts per window.
//!
//! The maps are bounded whatever callers send: a key longer than [`MAX_KEY_BYTES`] is replaced by a
//! digest of itself, every entry remembers the window it was recorded with (a sweep prunes each entry
//! by its own window, never by the window of whoever happens to trigger the sweep), at most
//! [`MAX_EVENTS_PER_KEY`] events are kept per key, and when a map is full the expired entries are
//! swept and then the least recently used quarter is dropped.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use super::actor::Origin;
use super::error::{Error, Result};

/// Keys longer than this are stored as `<prefix>#<sha256>`; callers never grow the map by more.
pub const MAX_KEY_BYTES: usize = 160;
/// A key never holds more timestamps than this, whatever limit a caller asks for.
pub const MAX_EVENTS_PER_KEY: usize = 1024;
/// Default bound on tracked keys per map.
pub const DEFAULT_MAX_KEYS: usize = 100_000;

struct Window {
    window: Duration,
    events: VecDeque<Instant>,
}

impl Window {
    fn last(&self) -> Option<Instant> {
        self.events.back().copied()
    }
}

struct Counter {
    window: Duration,
    start: Instant,
    count: u32,
}

pub struct RateLimiter {
    max_keys: usize,
    windows: Mutex<HashMap<String, Window>>,
    counters: Mutex<HashMap<String, Counter>>,
}

impl Default for RateLimiter {
    fn default() -> Self {
        Self::with_max_keys(DEFAULT_MAX_KEYS)
    }
}

impl RateLimiter {
    pub fn new() -> Self {
        Self::default()
    }

    /// A limiter tracking at most `max_keys` keys in each of its two maps.
    pub fn with_max_keys(max_keys: usize) -> Self {
        Self { max_keys: max_keys.max(4), windows: Mutex::default(), counters: Mutex::default() }
    }

    /// Refuses when `key` has `limit` or more events inside `window`; does not record anything.
    ///
    /// # Errors
    /// `RateLimited` with the seconds until the oldest event leaves the window.
    pub fn check(&self, key: &str, limit: u32, window: Duration) -> Result<()> {
        let key = bounded_key(key);
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let Some(entry) = windows.get_mut(key.as_str()) else { return Ok(()) };
        prune(&mut entry.events, now, window);
        let limit = (limit as usize).min(MAX_EVENTS_PER_KEY);
        if entry.events.len() >= limit {
            let oldest = entry.events.front().copied().unwrap_or(now);
            let retry = window.saturating_sub(now.duration_since(oldest)).as_secs().max(1);
            return Err(Error::RateLimited { retry_after_secs: retry });
        }
        Ok(())
    }

    /// Records one event for `key`, kept for `window`.
    pub fn record(&self, key: &str, window: Duration) {
        let key = bounded_key(key);
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if !windows.contains_key(key.as_str()) && windows.len() >= self.max_keys {
            windows.retain(|_, entry| {
                prune(&mut entry.events, now, entry.window);
                !entry.events.is_empty()
            });
            if windows.len() >= self.max_keys {
                evict_least_recent(&mut windows, self.max_keys / 4, |entry| entry.last());
            }
        }
        let entry = windows.entry(key).or_insert_with(|| Window { window, events: VecDeque::new() });
        entry.window = entry.window.max(window);
        prune(&mut entry.events, now, entry.window);
        if entry.events.len() >= MAX_EVENTS_PER_KEY {
            entry.events.pop_front();
        }
        entry.events.push_back(now);
    }

    /// Events recorded for `key` inside `window` (for progressive delays).
    pub fn count(&self, key: &str, window: Duration) -> usize {
        let key = bounded_key(key);
        let now = Instant::now();
        let windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        windows
            .get(key.as_str())
            .map_or(0, |entry| entry.events.iter().filter(|t| now.duration_since(**t) < window).count())
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
        let key = bounded_key(key);
        let now = Instant::now();
        let mut counters = self.counters.lock().unwrap_or_else(|p| p.into_inner());
        if !counters.contains_key(key.as_str()) && counters.len() >= self.max_keys {
            counters.retain(|_, c| now.duration_since(c.start) < c.window);
            if counters.len() >= self.max_keys {
                evict_least_recent(&mut counters, self.max_keys / 4, |c| Some(c.start));
            }
        }
        let entry = counters.entry(key).or_insert(Counter { window, start: now, count: 0 });
        entry.window = window;
        if now.duration_since(entry.start) >= window {
            entry.start = now;
            entry.count = 0;
        }
        if entry.count >= limit {
            let retry = window.saturating_sub(now.duration_since(entry.start)).as_secs().max(1);
            return Err(Error::RateLimited { retry_after_secs: retry });
        }
        entry.count += 1;
        Ok(())
    }

    /// A per-client fixed-window limit named `name` (`"verify"`, `"search"`…); 0 turns it off.
    ///
    /// # Errors
    /// `RateLimited` until the current window ends.
    pub fn per_client(&self, name: &str, origin: &Origin, limit: u32, window: Duration) -> Result<()> {
        if limit == 0 {
            return Ok(());
        }
        self.hit_counter(&format!("{name}:{}", origin.client_key()), limit, window)
    }

    pub fn clear(&self, key: &str) {
        let key = bounded_key(key);
        self.windows.lock().unwrap_or_else(|p| p.into_inner()).remove(key.as_str());
    }

    /// Keys tracked across both maps.
    pub fn len(&self) -> usize {
        self.windows.lock().unwrap_or_else(|p| p.into_inner()).len()
            + self.counters.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes held by the keys of both maps (the part a caller controls).
    pub fn key_bytes(&self) -> usize {
        self.windows.lock().unwrap_or_else(|p| p.into_inner()).keys().map(String::len).sum::<usize>()
            + self.counters.lock().unwrap_or_else(|p| p.into_inner()).keys().map(String::len).sum::<usize>()
    }
}

/// `key` itself when short, else its prefix up to the first `:` (bounded) and a SHA-256 digest.
fn bounded_key(key: &str) -> String {
    if key.len() <= MAX_KEY_BYTES {
        return key.to_owned();
    }
    let prefix = key.split(':').next().unwrap_or("").chars().take(32).collect::<String>();
    let digest = Sha256::digest(key.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}#{hex}")
}

/// Drops the `count` entries whose last event is oldest.
fn evict_least_recent<V>(map: &mut HashMap<String, V>, count: usize, last: impl Fn(&V) -> Option<Instant>) {
    let mut ages: Vec<(Option<Instant>, String)> = map.iter().map(|(k, v)| (last(v), k.clone())).collect();
    let count = count.clamp(1, ages.len().max(1));
    if ages.len() > count {
        ages.select_nth_unstable_by(count - 1, |a, b| a.0.cmp(&b.0));
    }
    for (_, key) in ages.into_iter().take(count) {
        map.remove(&key);
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

    #[test]
    fn a_flood_of_distinct_huge_keys_stays_within_the_bounds() {
        let limiter = RateLimiter::with_max_keys(100);
        let huge = "x".repeat(100_000);
        for i in 0..1_000 {
            let key = format!("login-failures:{i}{huge}");
            limiter.record(&key, Duration::from_secs(900));
            limiter.hit_counter(&key, 10, Duration::from_secs(60)).unwrap();
        }
        assert!(limiter.len() <= 200, "{} keys", limiter.len());
        assert!(limiter.key_bytes() <= 200 * MAX_KEY_BYTES, "{} bytes", limiter.key_bytes());
    }

    #[test]
    fn a_long_key_is_still_limited_as_itself() {
        let limiter = RateLimiter::new();
        let key = format!("k:{}", "y".repeat(10_000));
        limiter.hit(&key, 1, Duration::from_secs(60)).unwrap();
        assert!(limiter.hit(&key, 1, Duration::from_secs(60)).is_err());
        assert!(limiter.hit(&format!("k:{}", "z".repeat(10_000)), 1, Duration::from_secs(60)).is_ok());
    }

    #[test]
    fn a_sweep_prunes_each_entry_by_its_own_window_not_the_callers() {
        let limiter = RateLimiter::with_max_keys(8);
        let long = Duration::from_secs(900);
        limiter.record("account", long);
        // Filling the map with short-window keys forces sweeps with a zero window; the account's
        // failure must survive them all (old code pruned every entry with the caller's window).
        for i in 0..7 {
            limiter.record(&format!("client:{i}"), Duration::ZERO);
        }
        for i in 7..20 {
            limiter.record(&format!("client:{i}"), Duration::ZERO);
            limiter.record("account", long);
        }
        assert!(limiter.count("account", long) >= 1);
        assert!(limiter.len() <= 8);
    }

    #[test]
    fn events_per_key_are_capped() {
        let limiter = RateLimiter::new();
        for _ in 0..(MAX_EVENTS_PER_KEY + 500) {
            limiter.record("k", Duration::from_secs(60));
        }
        assert_eq!(limiter.count("k", Duration::from_secs(60)), MAX_EVENTS_PER_KEY);
    }
}
