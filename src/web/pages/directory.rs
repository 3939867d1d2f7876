//! The public directory: search (`/`, `/partners`) and partner pages (`/partners/{slug}`).

use std::sync::Arc;

use crate::cache::BoundedCache;
use crate::web::view::{Template, Views};
use rocket::http::Status;
use rocket::response::content::RawHtml;
use rocket::{State, get, routes};

use crate::domain::Portal;
use crate::domain::actor::Origin;
use crate::domain::error::Error;
use crate::domain::partners::SearchQuery;
use crate::web::api::partners::limit_search;
use crate::web::error::{WebError, field_errors};
use crate::web::i18n::Lang;
use crate::web::page::Page;
use crate::web::search_params::SearchParams;

mod facets;
mod fragments;
use facets::{FacetLinks, href};
use fragments::{FormList, SearchFragments, card, render_failed};

/// A search page, as rendered or as kept.
type SearchPage = (Status, RawHtml<Arc<[u8]>>);

/// Search pages as anonymous visitors see them, rendered once per directory version, day,
/// language, path and query. Rendering the page (twenty cards, facets, five select lists) is far
/// dearer than searching; for a visitor who is not signed in the page holds nothing personal (no
/// name, no CSRF token), so the same query gets the same bytes until the directory or the day
/// changes. Signed-in visitors always get a fresh render.
pub struct SearchPages {
    pages: BoundedCache<PageKey, Arc<[u8]>>,
    fragments: SearchFragments,
    facet_links: FacetLinks,
}

/// Pages per generation; a page is about 20 KiB, so the cache stays under 5 MiB.
const SEARCH_PAGES: usize = 128;

impl Default for SearchPages {
    fn default() -> Self {
        SearchPages {
            pages: BoundedCache::new(SEARCH_PAGES),
            fragments: SearchFragments::default(),
            facet_links: FacetLinks::default(),
        }
    }
}

#[derive(PartialEq, Eq, Hash)]
pub struct PageKey {
    params: SearchParams,
    lang: Lang,
    path: String,
    directory: u64,
    today: chrono::NaiveDate,
}

fn search_page(
    portal: &Portal,
    views: &Views,
    cache: &SearchPages,
    page: &Page,
    origin: &Origin,
    params: SearchParams,
) -> Result<SearchPage, WebError> {
    limit_search(portal, origin)?;
    let index = portal.directory.snapshot();
    let today = portal.today();
    let key = page.user.is_none().then(|| PageKey {
        params: params.clone(),
        lang: page.lang,
        path: page.path.clone(),
        directory: index.generation(),
        today,
    });
    if let Some(html) = key.as_ref().and_then(|k| cache.pages.get(k)) {
        return Ok((Status::Ok, RawHtml(html)));
    }
    let (query, errors, status) = match params.to_query() {
        Ok(query) => (query, Vec::new(), Status::Ok),
        Err(Error::Validation(errors)) => {
            (SearchQuery { flex_only: true, ..SearchQuery::default() }, errors, Status::UnprocessableEntity)
        }
        Err(other) => return Err(other.into()),
    };
    let result = index.search(&query, today);
    let failed = |e: tera::Error| WebError(render_failed(e));
    let cards = cache.fragments.cards(views, &result.items, index.generation(), page.lang, today)?;
    let mut options = serde_json::Map::new();
    for list in FormList::ALL {
        let html = cache.fragments.options(views, list, &params, page.lang).map_err(failed)?;
        options.insert(list.field().to_owned(), serde_json::Value::String(html.as_ref().to_owned()));
    }
    let pages = result.total.div_ceil(result.per_page as usize).max(1);
    let page_href = |n: u32| {
        let mut with_page = href(&params, "page", None);
        with_page.push_str(&format!("&page={n}"));
        with_page
    };
    let pager = serde_json::json!({
        "page": result.page, "pages": pages, "total": result.total,
        "previous": (result.page > 1).then(|| page_href(result.page - 1)),
        "next": ((result.page as usize) < pages).then(|| page_href(result.page + 1)),
    });
    let facets =
        cache.facet_links.groups(views, &params, &query, &result.facets, page.lang).map_err(failed)?;
    let flex_only = query.flex_only;
    let template = page.render(
        "directory/search",
        serde_json::json!({
            "params": &params, "flex_only": flex_only, "cards": cards, "pager": pager, "facets": facets,
            "options": options, "errors": field_errors(&errors, page.lang),
        }),
    );
    let html: Arc<[u8]> = template.render_bytes_with(views).map_err(failed)?.into();
    if let Some(key) = key.filter(|_| status == Status::Ok) {
        cache.pages.insert(key, html.clone());
    }
    Ok((status, RawHtml(html)))
}

#[get("/?<params..>")]
fn home(
    portal: &State<Portal>,
    views: &State<Views>,
    cache: &State<SearchPages>,
    page: Page,
    origin: Origin,
    params: SearchParams,
) -> Result<SearchPage, WebError> {
    search_page(portal, views, cache, &page, &origin, params)
}

#[get("/partners?<params..>")]
fn search(
    portal: &State<Portal>,
    views: &State<Views>,
    cache: &State<SearchPages>,
    page: Page,
    origin: Origin,
    params: SearchParams,
) -> Result<SearchPage, WebError> {
    search_page(portal, views, cache, &page, &origin, params)
}

#[get("/partners/<slug>")]
fn profile(portal: &State<Portal>, page: Page, slug: &str) -> Result<Template, WebError> {
    let index = portal.directory.snapshot();
    let doc = index.get_by_slug(slug).map_err(Error::from)?.ok_or(Error::NotFound)?;
    let today = portal.today();
    let description = if page.lang == Lang::Ja { &doc.description_ja } else { &doc.description_en };
    Ok(page.render(
        "directory/partner",
        serde_json::json!({
            "partner": card(&doc, page.lang, today),
            "description": description,
            "website": doc.website,
        }),
    ))
}

pub fn routes() -> Vec<rocket::Route> {
    routes![home, search, profile]
}
