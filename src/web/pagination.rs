//! Pagination: `?page=1&per_page=20` (clamped to 1..=100) in, `{items,total,page,per_page}` out.

use rocket::form::FromForm;
use serde::Serialize;

pub const MAX_PER_PAGE: u64 = 100;

/// A value for a link's query string: everything but RFC 3986's unreserved characters as `%XX`.
pub fn query_value(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[derive(Debug, Clone, Copy, FromForm)]
pub struct PageQuery {
    #[field(default = 1)]
    pub page: u64,
    #[field(default = 20)]
    pub per_page: u64,
}

impl Default for PageQuery {
    fn default() -> Self {
        Self { page: 1, per_page: 20 }
    }
}

impl PageQuery {
    pub fn clamped(self) -> Self {
        Self { page: self.page.clamp(1, 1_000_000), per_page: self.per_page.clamp(1, MAX_PER_PAGE) }
    }
}

#[derive(Debug, Serialize)]
pub struct Paginated<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

/// What a list page shows about where it is.
#[derive(Debug, Serialize)]
pub struct Pager {
    pub page: u64,
    pub pages: u64,
    pub total: u64,
    pub previous: Option<u64>,
    pub next: Option<u64>,
}

impl Pager {
    pub fn new(query: PageQuery, total: u64) -> Self {
        let pages = total.div_ceil(query.per_page).max(1);
        Self {
            page: query.page,
            pages,
            total,
            previous: (query.page > 1).then(|| query.page - 1),
            next: (query.page < pages).then(|| query.page + 1),
        }
    }
}
