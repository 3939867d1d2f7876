//! One page of a list: which page was asked for, and what it holds (`{items,total,page,per_page}`).

use serde::Serialize;

/// The largest page a list answers.
pub const MAX_PER_PAGE: u64 = 100;

/// A page asked for: `page` from 1, `per_page` clamped to 1..=[`MAX_PER_PAGE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u64,
    pub per_page: u64,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self { page: 1, per_page: 20 }
    }
}

impl PageRequest {
    pub fn new(page: u64, per_page: u64) -> Self {
        Self { page: page.clamp(1, 1_000_000), per_page: per_page.clamp(1, MAX_PER_PAGE) }
    }

    pub fn offset(self) -> u64 {
        (self.page.max(1) - 1) * self.per_page
    }

    pub fn limit(self) -> u64 {
        self.per_page
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T> Paged<T> {
    pub fn new(items: Vec<T>, total: u64, request: PageRequest) -> Self {
        Self { items, total, page: request.page, per_page: request.per_page }
    }
}
