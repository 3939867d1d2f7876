//! Liveness, readiness, metrics and the OpenAPI document.

use rocket::http::Status;

use crate::helpers::spawn_app;

#[rocket::async_test]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    let response = app.client.get("/healthz").dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    let ready: serde_json::Value = app.client.get("/readyz").dispatch().await.into_json().await.unwrap();
    assert_eq!(ready["status"], "ready");
}

#[rocket::async_test]
async fn metrics_are_prometheus_text_and_count_requests() {
    let app = spawn_app().await;
    app.client.get("/").dispatch().await;
    app.client.get("/nope").dispatch().await;
    let text = app.client.get("/metrics").dispatch().await.into_string().await.unwrap();
    assert!(text.contains("# TYPE flexportal_http_requests_total counter"));
    let count = |class: &str| -> u64 {
        text.lines()
            .find(|l| l.starts_with(&format!("flexportal_http_requests_total{{class=\"{class}\"}}")))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap()
    };
    assert!(count("2xx") >= 1);
    assert!(count("4xx") >= 1);
}

#[rocket::async_test]
async fn the_openapi_document_is_served() {
    let app = spawn_app().await;
    let doc: serde_json::Value =
        app.client.get("/api/v1/openapi.json").dispatch().await.into_json().await.unwrap();
    assert!(doc["paths"]["/auth/token"].is_object());
}

#[rocket::async_test]
async fn pages_speak_japanese_by_default_and_english_on_request() {
    let app = spawn_app().await;
    let html = app.client.get("/").dispatch().await.into_string().await.unwrap();
    assert!(html.contains("lang=\"ja\"") && html.contains("認定の販売店"));
    let html = app
        .client
        .get("/")
        .header(rocket::http::Header::new("Accept-Language", "en-US,en;q=0.9"))
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(html.contains("lang=\"en\"") && html.contains("certified"));
    // An explicit choice sticks in a cookie and beats the browser's preference.
    app.client.get("/?lang=ja").dispatch().await;
    let html = app
        .client
        .get("/login")
        .header(rocket::http::Header::new("Accept-Language", "en"))
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(html.contains("lang=\"ja\""));
}

#[rocket::async_test]
async fn every_api_route_is_in_the_openapi_document() {
    let app = spawn_app().await;
    let doc: serde_json::Value =
        app.client.get("/api/v1/openapi.json").dispatch().await.into_json().await.unwrap();
    for route in app.client.rocket().routes() {
        let path = route.uri.path().to_string();
        let Some(path) = path.strip_prefix("/api/v1") else { continue };
        let templated: String = path
            .split('/')
            .map(|s| {
                if s.starts_with('<') { format!("{{{}}}", s.trim_matches(['<', '>'])) } else { s.to_owned() }
            })
            .collect::<Vec<_>>()
            .join("/");
        let method = route.method.as_str().to_lowercase();
        assert!(doc["paths"][&templated][&method].is_object(), "{method} {templated} is not documented");
    }
}
