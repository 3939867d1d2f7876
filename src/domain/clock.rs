//! The one source of "now" for business time. Fixed in development and tests with
//! `FLEXPORTAL_FAKE_NOW`; production always reads the system clock.

use std::sync::Arc;
use std::sync::RwLock;

use chrono::{DateTime, Utc};

#[derive(Clone)]
pub struct Clock {
    fixed: Option<Arc<RwLock<DateTime<Utc>>>>,
}

impl Clock {
    pub fn system() -> Self {
        Self { fixed: None }
    }

    pub fn fixed(at: DateTime<Utc>) -> Self {
        Self { fixed: Some(Arc::new(RwLock::new(at))) }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.fixed {
            // A poisoned lock only means a writer panicked mid-assignment of a Copy value: the value is whole.
            Some(at) => *at.read().unwrap_or_else(|poisoned| poisoned.into_inner()),
            None => Utc::now(),
        }
    }

    /// Moves a fixed clock (tests walking through expiry). A system clock ignores this.
    pub fn set(&self, at: DateTime<Utc>) {
        if let Some(fixed) = &self.fixed {
            *fixed.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = at;
        }
    }

    pub fn is_fixed(&self) -> bool {
        self.fixed.is_some()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.fixed {
            Some(_) => write!(f, "Clock::fixed({})", self.now()),
            None => write!(f, "Clock::system"),
        }
    }
}
