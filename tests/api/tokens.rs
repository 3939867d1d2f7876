//! Session tokens: only a well-formed, correctly signed HS256 token for the session audience, with
//! every required claim in range, opens a session.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rocket::http::Status;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};
use flexportal::domain::accounts::tokens::Audience;

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&B64.decode(payload).unwrap()).unwrap()
}

fn sign(claims: &Value, alg: Algorithm, key: &[u8]) -> String {
    jsonwebtoken::encode(&Header::new(alg), claims, &EncodingKey::from_secret(key)).unwrap()
}

async fn app_with_session() -> (TestApp, String) {
    let app = spawn_app().await;
    app.user("ops@example.com", "admin").await;
    let token = app.token("ops@example.com").await;
    (app, token)
}

async fn status_of(app: &TestApp, token: &str) -> Status {
    app.get_with_token("/api/v1/me", token).await.status()
}

#[rocket::async_test]
async fn a_token_re_signed_with_the_real_key_and_the_same_claims_works() {
    // The control for the refusals below: the forging method itself yields valid tokens.
    let (app, token) = app_with_session().await;
    let forged = sign(&claims_of(&token), Algorithm::HS256, &app.portal().keys.jwt);
    assert_eq!(status_of(&app, &forged).await, Status::Ok);
}

#[rocket::async_test]
async fn alg_none_is_refused() {
    let (app, token) = app_with_session().await;
    let header = B64.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = token.split('.').nth(1).unwrap();
    assert_eq!(status_of(&app, &format!("{header}.{payload}.")).await, Status::Unauthorized);
    assert_eq!(status_of(&app, &format!("{header}.{payload}")).await, Status::Unauthorized);
}

#[rocket::async_test]
async fn a_wrong_key_is_refused() {
    let (app, token) = app_with_session().await;
    let forged = sign(&claims_of(&token), Algorithm::HS256, b"some-other-key-of-sufficient-length-123");
    assert_eq!(status_of(&app, &forged).await, Status::Unauthorized);
}

#[rocket::async_test]
async fn another_algorithm_is_refused_even_with_the_right_key() {
    let (app, token) = app_with_session().await;
    for alg in [Algorithm::HS384, Algorithm::HS512] {
        let forged = sign(&claims_of(&token), alg, &app.portal().keys.jwt);
        assert_eq!(status_of(&app, &forged).await, Status::Unauthorized, "{alg:?}");
    }
}

#[rocket::async_test]
async fn a_tampered_payload_is_refused() {
    let (app, token) = app_with_session().await;
    let mut claims = claims_of(&token);
    claims["exp"] = json!(claims["exp"].as_i64().unwrap() + 86_400 * 365);
    let parts: Vec<&str> = token.split('.').collect();
    let tampered = format!("{}.{}.{}", parts[0], B64.encode(claims.to_string()), parts[2]);
    assert_eq!(status_of(&app, &tampered).await, Status::Unauthorized);
}

#[rocket::async_test]
async fn an_expired_token_is_refused() {
    let (app, token) = app_with_session().await;
    let mut claims = claims_of(&token);
    let now = app.portal().clock.now().timestamp();
    claims["iat"] = json!(now - 7200);
    claims["nbf"] = json!(now - 7200);
    claims["exp"] = json!(now - 1);
    let forged = sign(&claims, Algorithm::HS256, &app.portal().keys.jwt);
    assert_eq!(status_of(&app, &forged).await, Status::Unauthorized);
}

#[rocket::async_test]
async fn time_claims_sent_as_strings_are_refused() {
    let (app, token) = app_with_session().await;
    for claim in ["nbf", "exp", "iat"] {
        let mut claims = claims_of(&token);
        claims[claim] = json!(claims[claim].as_i64().unwrap().to_string());
        let forged = sign(&claims, Algorithm::HS256, &app.portal().keys.jwt);
        assert_eq!(status_of(&app, &forged).await, Status::Unauthorized, "{claim} as a string");
    }
}

#[rocket::async_test]
async fn a_token_missing_a_required_claim_is_refused() {
    let (app, token) = app_with_session().await;
    for claim in ["exp", "iat", "nbf", "iss", "aud", "sub", "jti"] {
        let mut claims = claims_of(&token);
        claims.as_object_mut().unwrap().remove(claim);
        let forged = sign(&claims, Algorithm::HS256, &app.portal().keys.jwt);
        assert_eq!(status_of(&app, &forged).await, Status::Unauthorized, "without {claim}");
    }
}

#[rocket::async_test]
async fn an_invitation_or_quote_link_token_is_not_a_session() {
    let (app, token) = app_with_session().await;
    let claims = claims_of(&token);
    let jti = uuid::Uuid::parse_str(claims["jti"].as_str().unwrap()).unwrap();
    let now = app.portal().clock.now();
    for audience in [Audience::Invitation, Audience::QuoteLink] {
        let other = app
            .portal()
            .signer
            .issue(audience, claims["sub"].as_str().unwrap(), jti, now, now + chrono::Duration::hours(1))
            .unwrap();
        assert_eq!(status_of(&app, &other).await, Status::Unauthorized, "{audience:?}");
    }
}

#[rocket::async_test]
async fn garbage_in_the_authorization_header_is_a_plain_401() {
    let app = spawn_app().await;
    for value in ["Bearer", "Bearer ", "Bearer a.b.c", "Basic Zm9vOmJhcg==", "Bearer \u{7f}\u{1}"] {
        let response = app
            .client
            .get("/api/v1/me")
            .header(rocket::http::Header::new("Authorization", value.to_owned()))
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::Unauthorized, "{value:?}");
    }
}
