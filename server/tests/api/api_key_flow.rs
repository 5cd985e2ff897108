//! Form-based apps: the key is verified at once and the answer is the popup message.

use plugboard_shared::{ConnectResult, PopupMessage, ResultPayload};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{assert_error, spawn_app};

#[tokio::test]
async fn a_valid_key_is_verified_and_stored() {
    let app = spawn_app().await;
    let token = app.link_token("hr-tenant").await;
    let message: PopupMessage = app
        .connect(&token, "sandbox-hr", json!({"fields": {"api_key": "sk_sandbox_carol"}}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(message.result, ConnectResult::Authorized);
    let ResultPayload::Authorization(event) = message.payload else {
        panic!("{message:?}")
    };
    assert_eq!(event.identity, "carol@sandbox.example");
    assert!(!event.already_exists);
    let listed = app.accounts("tenant_id=hr-tenant").await;
    assert_eq!(listed["items"][0]["status"], "verified");
    assert_eq!(listed["items"][0]["account_id"], event.account_id);
}

#[tokio::test]
async fn a_rejected_key_is_a_verification_failure() {
    let app = spawn_app().await;
    let token = app.link_token("hr-tenant").await;
    let message: PopupMessage = app
        .connect(&token, "sandbox-hr", json!({"fields": {"api_key": "wrong"}}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(message.result, ConnectResult::VerificationFailed);
    assert_eq!(
        app.accounts("tenant_id=hr-tenant").await["items"][0]["status"],
        "verification_failed"
    );
}

#[tokio::test]
async fn missing_fields_unknown_apps_and_foreign_origins_are_refused() {
    let app = spawn_app().await;
    let token = app.link_token("hr-tenant").await;
    assert_error(
        app.connect(&token, "sandbox-hr", json!({"fields": {}})).await,
        StatusCode::BAD_REQUEST,
        "missing_field",
    )
    .await;
    assert_error(
        app.connect(&token, "no-such-app", json!({})).await,
        StatusCode::NOT_FOUND,
        "unknown_app",
    )
    .await;
    assert_error(
        app.connect(&token, "Bad_Key", json!({})).await,
        StatusCode::BAD_REQUEST,
        "invalid_id",
    )
    .await;
    let foreign = app
        .api
        .post(app.url("/widget/connect/sandbox-hr"))
        .bearer_auth(&token)
        .header("origin", "https://evil.example")
        .json(&json!({"fields": {"api_key": "sk_sandbox_x"}}))
        .send()
        .await
        .unwrap();
    assert_error(foreign, StatusCode::FORBIDDEN, "origin_not_allowed").await;
    assert!(
        app.accounts("tenant_id=hr-tenant").await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}
