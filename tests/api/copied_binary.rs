//! The binary carries its templates, text catalogues and static files: copied into an empty folder
//! and run from there, with the source tree out of reach, it serves `/` and its stylesheet.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The portal process; killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Whether this machine lets an unprivileged process hide a folder from itself (a user and mount
/// namespace); where it does, the source tree is hidden from the copied binary.
fn can_hide_folders() -> bool {
    Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn start(folder: &Path, port: u16) -> Running {
    let binary = folder.join("flexportal");
    let source = env!("CARGO_MANIFEST_DIR");
    let mut command = if can_hide_folders() {
        // An empty tmpfs over the source tree, visible to this process only.
        let mut command = Command::new("unshare");
        command.args([
            "--user",
            "--map-root-user",
            "--mount",
            "sh",
            "-c",
            "mount -t tmpfs none \"$1\" && exec \"$2\" serve",
            "sh",
            source,
        ]);
        command.arg(&binary);
        command
    } else {
        eprintln!("note: cannot hide {source} here (no user namespaces); running the copy without hiding it");
        let mut command = Command::new(&binary);
        command.arg("serve");
        command
    };
    let data = folder.join("data");
    command
        .current_dir(folder)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("FLEXPORTAL_PROFILE", "test")
        .env("FLEXPORTAL_PORT", port.to_string())
        .env("FLEXPORTAL_DATA_DIR", &data)
        .env("FLEXPORTAL_DATABASE_URL", format!("sqlite://{}?mode=rwc", data.join("portal.db").display()))
        .env("FLEXPORTAL_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    Running(command.spawn().expect("the copied binary starts"))
}

#[test]
fn a_copied_binary_run_from_an_empty_folder_serves_the_home_page_and_its_stylesheet() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_flexportal"), folder.path().join("flexportal")).unwrap();
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut running = start(folder.path(), port);
    let base = format!("http://127.0.0.1:{port}");

    let started = Instant::now();
    while ureq::get(&format!("{base}/healthz")).call().is_err() {
        if let Some(status) = running.0.try_wait().unwrap() {
            let mut stderr = String::new();
            std::io::Read::read_to_string(running.0.stderr.as_mut().unwrap(), &mut stderr).unwrap();
            panic!("the copied binary stopped ({status}): {stderr}");
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the copied binary did not start");
        std::thread::sleep(Duration::from_millis(100));
    }

    for lang in ["ja", "en"] {
        let mut home = ureq::get(&format!("{base}/?lang={lang}")).call().unwrap();
        assert_eq!(home.status(), 200);
        let html = home.body_mut().read_to_string().unwrap();
        assert!(html.contains("/static/css/portal.css"), "{html}");
        assert!(html.contains(&format!("lang=\"{lang}\"")), "{html}");
    }

    let mut css = ureq::get(&format!("{base}/static/css/portal.css")).call().unwrap();
    assert_eq!(css.status(), 200);
    let content_type = css.headers().get("content-type").unwrap().to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/css"), "{content_type}");
    let cache = css.headers().get("cache-control").unwrap().to_str().unwrap().to_owned();
    assert!(cache.contains("max-age"), "{cache}");
    assert!(css.headers().get("etag").is_some());
    let body = css.body_mut().read_to_string().unwrap();
    assert_eq!(body, include_str!("../../static/css/portal.css"));

    let licence = ureq::get(&format!("{base}/static/fonts/IPA_Font_License.txt")).call().unwrap();
    assert_eq!(licence.status(), 200);
    let missing = ureq::get(&format!("{base}/static/css/nothing.css"))
        .config()
        .http_status_as_error(false)
        .build()
        .call()
        .unwrap();
    assert_eq!(missing.status(), 404);
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree(&path, &target)
        } else {
            std::fs::copy(&path, &target).map(|_| ()).unwrap()
        }
    }
}

#[rocket::async_test]
async fn a_development_assets_folder_overrides_the_built_in_copies() {
    let folder = tempfile::tempdir().unwrap();
    copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("templates"), &folder.path().join("templates"));
    let css = folder.path().join("static/css");
    std::fs::create_dir_all(&css).unwrap();
    std::fs::write(css.join("portal.css"), "body { color: rebeccapurple }").unwrap();
    let options = crate::common::Options {
        extra: vec![("assets_dir", serde_json::json!(folder.path()))],
        ..Default::default()
    };
    let app = crate::helpers::spawn_app_with(options).await;
    let response = app.client.get("/static/css/portal.css").dispatch().await;
    assert_eq!(response.status(), rocket::http::Status::Ok);
    assert_eq!(response.headers().get_one("Cache-Control"), Some("no-cache"), "edits show at once");
    assert_eq!(response.content_type(), Some(rocket::http::ContentType::CSS));
    assert_eq!(response.into_string().await.unwrap(), "body { color: rebeccapurple }");
    assert_eq!(app.client.get("/").dispatch().await.status(), rocket::http::Status::Ok);
}

#[rocket::async_test]
async fn built_in_static_files_are_cached_and_revalidated_by_etag() {
    let app = crate::helpers::spawn_app().await;
    let response = app.client.get("/static/css/portal.css").dispatch().await;
    assert_eq!(response.headers().get_one("Cache-Control"), Some("public, max-age=3600"));
    let etag = response.headers().get_one("ETag").unwrap().to_owned();
    let again = app
        .client
        .get("/static/css/portal.css")
        .header(rocket::http::Header::new("If-None-Match", etag.clone()))
        .dispatch()
        .await;
    assert_eq!(again.status(), rocket::http::Status::NotModified);
    assert_eq!(again.headers().get_one("ETag"), Some(etag.as_str()));
    let hidden = app.client.get("/static/../Cargo.toml").dispatch().await;
    assert_eq!(hidden.status(), rocket::http::Status::NotFound);
}
