//! `POST /widget/session`: the IntegryJS-style start with `app_id`, `user_id`, `hash`.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{APP_ID, APP_SECRET, assert_error, hmac_hex, spawn_app};

#[tokio::test]
async fn a_correct_hash_opens_a_session_for_that_user() {
    let app = spawn_app().await;
    let body = json!({"app_id": APP_ID, "user_id": "user-42", "hash": hmac_hex(APP_SECRET, "user-42")});
    let response = app.start_session(&body).await;
    assert_eq!(response.status(), StatusCode::OK);
    let session: serde_json::Value = response.json().await.unwrap();
    let token = session["link_token"].as_str().unwrap();
    let info: serde_json::Value = app.widget_json(token, "/widget/session").await;
    assert_eq!(info["tenant_id"], "user-42");
}

#[tokio::test]
async fn a_wrong_hash_or_app_id_is_refused() {
    let app = spawn_app().await;
    let wrong_hash = json!({"app_id": APP_ID, "user_id": "user-42", "hash": hmac_hex(APP_SECRET, "user-43")});
    let response = app.start_session(&wrong_hash).await;
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_hash").await;
    let wrong_app = json!({"app_id": "other", "user_id": "user-42", "hash": hmac_hex(APP_SECRET, "user-42")});
    let response = app.start_session(&wrong_app).await;
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_app_id").await;
}

#[tokio::test]
async fn a_user_id_outside_the_tenant_alphabet_is_a_400() {
    let app = spawn_app().await;
    let body = json!({"app_id": APP_ID, "user_id": "a b", "hash": hmac_hex(APP_SECRET, "a b")});
    let response = app.start_session(&body).await;
    assert_error(response, StatusCode::BAD_REQUEST, "invalid_id").await;
}
