//! HTML pages. Each module owns one area and exposes its routes.

mod account;
mod admin;
mod admin_partners;
mod directory;
mod login;
mod workspace;

pub fn routes() -> Vec<rocket::Route> {
    let mut all = Vec::new();
    all.extend(directory::routes());
    all.extend(login::routes());
    all.extend(workspace::routes());
    all.extend(admin::routes());
    all.extend(admin_partners::routes());
    all.extend(account::routes());
    all
}

pub use login::login_page_for;
