//! Managing partners: the operator creates and edits any partner; a partner admin edits their own
//! profile and staff. Every change is audited and moves the directory version.

use uuid::Uuid;

use super::Partner;
use super::profile::{PartnerInput, ValidPartner};
use crate::domain::Portal;
use crate::domain::accounts::User;
use crate::domain::accounts::{NewUser, create_user};
use crate::domain::actor::{Actor, Origin, Role};
use crate::domain::audit::{self, AuditEvent};
use crate::domain::error::{Error, Result};
use crate::domain::numbering::PrefixAllocator;
use crate::storage::UniqueViolation;
use crate::storage::partners as store;
use crate::storage::{self, WriteTx};

fn require_admin(actor: &Actor) -> Result<()> {
    if actor.is_admin() { Ok(()) } else { Err(Error::Forbidden) }
}

/// The stored partner for a valid profile; `document_prefix` is the one the profile names or the
/// one the caller assigned or kept.
pub(crate) fn row_from(
    id: Uuid,
    valid: ValidPartner,
    document_prefix: String,
    created_at: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> Partner {
    Partner {
        id,
        slug: valid.slug,
        csn: valid.csn,
        document_prefix,
        name_ja: valid.name_ja,
        name_en: valid.name_en,
        description_ja: valid.description_ja,
        description_en: valid.description_en,
        tier: valid.tier,
        country: valid.country,
        regions: valid.regions,
        languages: valid.languages,
        services: valid.services,
        website: valid.website,
        email: valid.email,
        phone: valid.phone,
        postal_code: valid.postal_code,
        address: valid.address,
        payment_terms: valid.payment_terms,
        bank_details: valid.bank_details,
        payment_due_days: valid.payment_due_days,
        invoice_registration_number: valid.invoice_registration_number,
        max_discount: valid.max_discount,
        flex_signed_on: valid.flex_signed_on,
        flex_expires_on: valid.flex_expires_on,
        published: valid.published,
        created_at,
        updated_at: now,
    }
}

/// Maps a unique-constraint violation to the field it concerns.
fn unique_violation<E: UniqueViolation + std::error::Error + Send + Sync + 'static>(e: E) -> Error {
    match e.unique_violation() {
        Some(detail) => {
            if detail.contains("document_prefix") {
                Error::field(
                    "document_prefix",
                    "taken",
                    "Another partner uses this document prefix.",
                    "この書類番号の接頭辞は別の販売店で使用されています。",
                )
            } else if detail.contains("csn") {
                Error::field(
                    "csn",
                    "taken",
                    "Another partner has this CSN.",
                    "このCSNは別の販売店で使用されています。",
                )
            } else {
                Error::field(
                    "slug",
                    "taken",
                    "Another partner uses this slug.",
                    "このスラッグは別の販売店で使用されています。",
                )
            }
        }
        _ => Error::internal(e),
    }
}

/// The default document prefix for a new partner with `slug`, free in the table as `tx` sees it
/// (the unique index settles a race with another writer).
pub(crate) async fn default_prefix(tx: &WriteTx, slug: &str) -> Result<String> {
    let taken = store::document_prefixes(&**tx).await?;
    Ok(PrefixAllocator::new(taken).allocate(slug))
}

/// Writes a partner (insert or replace) with its audit entry, in `tx`.
pub(crate) async fn save(
    tx: &WriteTx,
    actor: Option<&Actor>,
    origin: &Origin,
    row: Partner,
    created: bool,
) -> Result<Partner> {
    let saved = if created { store::insert(&**tx, row).await } else { store::update(&**tx, row).await }
        .map_err(unique_violation)?;
    store::bump_version(&**tx).await?;
    let event = AuditEvent {
        action: if created { "partner.created" } else { "partner.updated" },
        subject_type: "partner",
        subject_id: Some(saved.id.to_string()),
        detail: serde_json::json!({
            "slug": saved.slug, "csn": saved.csn, "document_prefix": saved.document_prefix,
            "tier": saved.tier, "published": saved.published,
            "flex_signed_on": saved.flex_signed_on, "flex_expires_on": saved.flex_expires_on,
        }),
    };
    audit::record(&**tx, saved.updated_at, actor, None, origin, event).await?;
    Ok(saved)
}

/// # Errors
/// `Forbidden` unless the operator; `Validation` for bad fields or a taken slug/CSN.
pub async fn create_partner(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    input: &PartnerInput,
) -> Result<Partner> {
    require_admin(actor)?;
    let valid = input.parse()?;
    let now = portal.clock.now();
    let tx = portal.db.write().await?;
    let prefix = match valid.document_prefix.clone() {
        Some(prefix) => prefix,
        None => default_prefix(&tx, &valid.slug).await?,
    };
    let row = row_from(Uuid::new_v4(), valid, prefix, now, now);
    let saved = save(&tx, Some(actor), origin, row, true).await?;
    tx.commit().await?;
    portal.directory.refresh(&portal.db).await?;
    Ok(saved)
}

/// Replaces a partner's profile with `input` (callers merge partial updates onto
/// [`PartnerInput::from_row`]).
///
/// # Errors
/// `Forbidden` unless the operator; `NotFound`; `Validation`.
pub async fn update_partner(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    id: Uuid,
    edit: impl FnOnce(&mut PartnerInput),
) -> Result<Partner> {
    require_admin(actor)?;
    update(portal, actor, origin, id, edit).await
}

async fn update(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    id: Uuid,
    edit: impl FnOnce(&mut PartnerInput),
) -> Result<Partner> {
    let tx = portal.db.write().await?;
    let existing = store::find(&*tx, id).await?.ok_or(Error::NotFound)?;
    let mut input = PartnerInput::from_row(&existing);
    edit(&mut input);
    let valid = input.parse()?;
    let now = portal.clock.now();
    let prefix = valid.document_prefix.clone().unwrap_or_else(|| existing.document_prefix.clone());
    let row = row_from(id, valid, prefix, existing.created_at, now);
    let saved = save(&tx, Some(actor), origin, row, false).await?;
    tx.commit().await?;
    portal.directory.refresh(&portal.db).await?;
    Ok(saved)
}

/// # Errors
/// `Forbidden` unless the operator; `NotFound`.
pub async fn get_partner(portal: &Portal, actor: &Actor, id: Uuid) -> Result<Partner> {
    require_admin(actor)?;
    store::find(portal.db.conn(), id).await?.ok_or(Error::NotFound)
}

/// # Errors
/// `Forbidden` unless the operator.
pub async fn list_partners(
    portal: &Portal,
    actor: &Actor,
    text: Option<&str>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<Partner>, u64)> {
    require_admin(actor)?;
    store::list(portal.db.conn(), text, (page.max(1) - 1) * per_page, per_page).await.map_err(Error::internal)
}

/// The operator adds a staff account (typically the first partner admin) to a partner.
///
/// # Errors
/// `Forbidden` unless the operator; `NotFound`; `Validation`.
pub async fn create_partner_user(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    partner_id: Uuid,
    mut user: NewUser,
) -> Result<User> {
    require_admin(actor)?;
    store::find(portal.db.conn(), partner_id).await?.ok_or(Error::NotFound)?;
    if Role::parse(&user.role).is_some_and(|r| !r.needs_partner()) {
        user.role = String::new();
    }
    user.partner_id = Some(partner_id);
    create_user(portal, Some(actor), origin, user).await
}

/// The partner the actor works for.
///
/// # Errors
/// `Forbidden` for the operator; `NotFound` if the partner is gone.
pub async fn own_partner(portal: &Portal, actor: &Actor) -> Result<Partner> {
    let id = actor.partner()?;
    store::find(portal.db.conn(), id).await?.ok_or(Error::NotFound)
}

/// A partner admin edits their own profile: names, descriptions, contact, languages, services and
/// regions, and the invoice terms (bank details, days to pay). Tier, CSN, document prefix,
/// agreement, discount ceiling, registration number and publication stay with the operator,
/// whatever the input says.
///
/// # Errors
/// `Forbidden` unless a partner admin; `Validation`.
pub async fn update_own_profile(
    portal: &Portal,
    actor: &Actor,
    origin: &Origin,
    edit: impl FnOnce(&mut PartnerInput),
) -> Result<Partner> {
    if actor.role != Role::PartnerAdmin {
        return Err(Error::Forbidden);
    }
    let id = actor.partner()?;
    update(portal, actor, origin, id, |input| {
        let kept = input.clone();
        edit(input);
        input.slug = kept.slug;
        input.tier = kept.tier;
        input.csn = kept.csn;
        input.document_prefix = kept.document_prefix;
        input.country = kept.country;
        input.invoice_registration_number = kept.invoice_registration_number;
        input.max_discount_percent = kept.max_discount_percent;
        input.flex_signed_on = kept.flex_signed_on;
        input.flex_expires_on = kept.flex_expires_on;
        input.published = kept.published;
    })
    .await
}

/// The staff of partner `id`, for the operator.
///
/// # Errors
/// `Forbidden` unless the operator.
pub async fn partner_staff(portal: &Portal, actor: &Actor, id: Uuid) -> Result<Vec<User>> {
    require_admin(actor)?;
    Ok(storage::users::list_for_partner(portal.db.conn(), id).await?)
}

/// The staff of the actor's partner.
///
/// # Errors
/// `Forbidden` unless partner staff.
pub async fn list_staff(portal: &Portal, actor: &Actor) -> Result<Vec<User>> {
    let id = actor.partner()?;
    storage::users::list_for_partner(portal.db.conn(), id).await.map_err(Error::internal)
}
