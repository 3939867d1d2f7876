//! The test application: the real Rocket app in process, with a tracked cookie jar.

use rocket::http::{ContentType, Header, Status};
use rocket::local::asynchronous::{Client, LocalResponse};

use crate::common::{self, Options, PASSWORD, TestDb};
use flexportal::domain::Portal;

pub struct TestApp {
    pub client: Client,
    _db: TestDb,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

pub async fn spawn_app_with(options: Options) -> TestApp {
    let (portal, db) = common::fresh_portal(&options).await;
    let client = Client::tracked(flexportal::rocket(portal)).await.expect("valid rocket");
    TestApp { client, _db: db }
}

impl TestApp {
    pub fn portal(&self) -> &Portal {
        self.client.rocket().state::<Portal>().expect("portal is managed")
    }

    pub async fn user(&self, email: &str, role: &str) {
        common::make_user(self.portal(), email, role, None).await;
    }

    pub async fn login_api(&self, email: &str, password: &str) -> LocalResponse<'_> {
        self.client
            .post("/api/v1/auth/token")
            .header(ContentType::JSON)
            .body(serde_json::json!({ "email": email, "password": password }).to_string())
            .dispatch()
            .await
    }

    /// A bearer token for a user created with the standard test password.
    pub async fn token(&self, email: &str) -> String {
        self.token_with(email, PASSWORD).await
    }

    pub async fn token_with(&self, email: &str, password: &str) -> String {
        let response = self.login_api(email, password).await;
        assert_eq!(response.status(), Status::Ok);
        let body: serde_json::Value = response.into_json().await.expect("token JSON");
        body["access_token"].as_str().expect("access_token").to_owned()
    }

    pub async fn get_with_token(&self, path: &str, token: &str) -> LocalResponse<'_> {
        self.client.get(path.to_owned()).header(bearer(token)).dispatch().await
    }

    /// The CSRF token of the form on `path` (also sets the anonymous cookie it is bound to).
    pub async fn csrf_from(&self, path: &str) -> String {
        let html = self.client.get(path.to_owned()).dispatch().await.into_string().await.unwrap_or_default();
        extract_csrf(&html)
    }

    /// Signs in through the login page; the tracked client keeps the session cookie.
    pub async fn browser_login(&self, email: &str) -> LocalResponse<'_> {
        let csrf = self.csrf_from("/login").await;
        self.client
            .post("/login")
            .header(ContentType::Form)
            .body(form(&[("_csrf", &csrf), ("email", email), ("password", PASSWORD)]))
            .dispatch()
            .await
    }
}

pub fn bearer(token: &str) -> Header<'static> {
    Header::new("Authorization", format!("Bearer {token}"))
}

pub fn extract_csrf(html: &str) -> String {
    html.split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

pub fn form(fields: &[(&str, &str)]) -> String {
    fields.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&")
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub async fn problem(response: LocalResponse<'_>) -> serde_json::Value {
    assert_eq!(
        response.content_type().map(|c| c.to_string()),
        Some("application/problem+json".to_owned()),
        "errors are problem documents"
    );
    response.into_json().await.expect("problem JSON")
}
