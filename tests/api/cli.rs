//! The command line: `flexportal user create` reads the password from standard input.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::common::{Options, fresh_config};

pub(crate) fn flexportal(config: &flexportal::config::Config) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_flexportal"));
    command
        .env("FLEXPORTAL_PROFILE", "test")
        .env("FLEXPORTAL_DATABASE_URL", config.database_url())
        .env("FLEXPORTAL_DATA_DIR", &config.data_dir)
        .env("FLEXPORTAL_SECRET_KEY", config.secret_key.clone().unwrap_or_default())
        .env("FLEXPORTAL_LOG", "error");
    command
}

#[rocket::async_test]
async fn user_create_reads_the_password_from_stdin_and_the_user_can_sign_in() {
    let (config, _db) = fresh_config(&Options::default()).await;
    let mut child = flexportal(&config)
        .args(["user", "create", "--email", "cli@example.com", "--role", "admin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"a long command line passphrase\n").unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("created cli@example.com"));

    let portal = flexportal::open(config.clone()).await.unwrap();
    let origin = flexportal::domain::actor::Origin::default();
    let session = flexportal::domain::accounts::login(
        &portal,
        "cli@example.com",
        "a long command line passphrase",
        flexportal::domain::accounts::SessionKind::Api,
        &origin,
    )
    .await;
    assert!(session.is_ok());
}

#[rocket::async_test]
async fn user_create_refuses_a_weak_password_with_a_clear_message() {
    let (config, _db) = fresh_config(&Options::default()).await;
    let mut child = flexportal(&config)
        .args(["user", "create", "--email", "cli@example.com", "--role", "admin"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"password\n").unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("password"));
}

/// Runs `flexportal user create` with `args` after the common ones and the password on stdin.
fn user_create(config: &flexportal::config::Config, args: &[&str]) -> std::process::Output {
    let mut child = flexportal(config)
        .args(["user", "create", "--email", "staff@exmp.example"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"a long command line passphrase\n").unwrap();
    child.wait_with_output().unwrap()
}

#[rocket::async_test]
async fn user_create_makes_partner_staff_with_a_partner_slug() {
    let (config, _db) = fresh_config(&Options::default()).await;
    let portal = flexportal::open(config.clone()).await.unwrap();
    let row = crate::common::partner("exmp").create(&portal).await;

    let output = user_create(&config, &["--role", "partner_sales", "--partner", "exmp"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("created staff@exmp.example"));
    let user = flexportal::storage::users::find_by_email(portal.db.conn(), "staff@exmp.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((user.role.as_str(), user.partner_id), ("partner_sales", Some(row.id)));
}

#[rocket::async_test]
async fn user_create_refuses_an_unknown_partner_slug_and_a_partner_role_without_one() {
    let (config, _db) = fresh_config(&Options::default()).await;
    let portal = flexportal::open(config.clone()).await.unwrap();
    crate::common::partner("exmp").create(&portal).await;

    for (args, expected) in [
        (&["--role", "partner_sales", "--partner", "nope"][..], "No partner has the slug \"nope\""),
        (&["--role", "partner_admin"][..], "needs a partner: add --partner SLUG"),
        (&["--role", "admin", "--partner", "exmp"][..], "has no partner"),
    ] {
        let output = user_create(&config, args);
        assert!(!output.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    let found = flexportal::storage::users::find_by_email(portal.db.conn(), "staff@exmp.example").await;
    assert!(found.unwrap().is_none(), "no user was created");
}
