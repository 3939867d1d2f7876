//! The operator's view of the mail outbox, outside production: what the portal sent (or tried to),
//! with the full text, so that mail can be checked without a mail server.

use crate::web::view::Template;
use chrono::{DateTime, Utc};
use rocket::{State, get, routes};
use uuid::Uuid;

use crate::config::Profile;
use crate::domain::Portal;
use crate::domain::error::Error;
use crate::mail::{self, DeliveryStatus, OutboxEntry};
use crate::web::auth::Admin;
use crate::web::error::WebError;
use crate::web::page::Page;
use crate::web::pagination::{PageQuery, Pager};

/// Production mail holds customers' links and names: it is read in the mailboxes it went to, not here.
pub fn available(profile: Profile) -> bool {
    profile != Profile::Production
}

fn time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

fn view(row: &OutboxEntry) -> serde_json::Value {
    let status = row.status;
    serde_json::json!({
        "id": row.id, "to": row.to, "subject": row.subject, "kind": row.kind,
        "related_id": row.related_id, "created_at": time(row.created_at), "attempts": row.attempts,
        "status": status.as_str(), "sent_at": row.sent_at.map(time),
        "next_attempt_at": (status == DeliveryStatus::Retrying || status == DeliveryStatus::Pending)
            .then(|| time(row.next_attempt_at)),
        "last_error": row.last_error,
    })
}

#[get("/admin/outbox?<paging..>")]
async fn list(
    portal: &State<Portal>,
    page: Page,
    _admin: Admin,
    paging: PageQuery,
) -> Result<Template, WebError> {
    if !available(portal.config.profile) {
        return Err(Error::NotFound.into());
    }
    let paging = paging.clamped();
    let offset = (paging.page - 1).saturating_mul(paging.per_page);
    let (rows, total) =
        mail::outbox_page(&portal.db, offset, paging.per_page).await.map_err(Error::internal)?;
    let messages: Vec<_> = rows.iter().map(view).collect();
    Ok(page.render(
        "admin/outbox",
        serde_json::json!({ "messages": messages, "pager": Pager::new(paging, total) }),
    ))
}

#[get("/admin/outbox/<id>")]
async fn detail(portal: &State<Portal>, page: Page, _admin: Admin, id: Uuid) -> Result<Template, WebError> {
    if !available(portal.config.profile) {
        return Err(Error::NotFound.into());
    }
    let row = mail::outbox_entry(&portal.db, id).await.map_err(Error::internal)?.ok_or(Error::NotFound)?;
    let mut message = view(&row);
    message["body"] = row.body.into();
    Ok(page.render("admin/outbox_message", serde_json::json!({ "message": message })))
}

pub fn routes() -> Vec<rocket::Route> {
    routes![list, detail]
}
