//! HTML pages. Each module owns one area and exposes its routes.

mod account;
mod admin;
mod home;
mod login;
mod workspace;

pub fn routes() -> Vec<rocket::Route> {
    let mut all = Vec::new();
    all.extend(home::routes());
    all.extend(login::routes());
    all.extend(workspace::routes());
    all.extend(admin::routes());
    all.extend(account::routes());
    all
}

pub use login::login_page_for;
