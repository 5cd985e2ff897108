//! Accounts that stay alive: fresh credentials with exactly one refresh in flight,
//! `needs_reauth` when the provider refuses, verification again, deletion with
//! revocation, and the audit log.

use std::time::Duration;

use plugboard_shared::ResultPayload;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{API_KEY, TestApp, assert_error, spawn_app, spawn_app_with};

/// Sandbox tokens live an hour and are refreshed within a minute of expiry: this much
/// later, they need it.
const NEARLY_AN_HOUR: i64 = 3600 - 30;

async fn connect_crm(app: &TestApp, tenant: &str, user: &str) -> String {
    let token = app.link_token(tenant).await;
    let message = app.popup_login(&token, user, "allow").await.message();
    let ResultPayload::Authorization(event) = message.payload else {
        panic!("{message:?}")
    };
    event.account_id
}

async fn backend(app: &TestApp, method: reqwest::Method, path: &str) -> reqwest::Response {
    app.api
        .request(method, app.url(path))
        .bearer_auth(API_KEY)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn fifty_concurrent_reads_of_an_expiring_account_refresh_it_once() {
    let app = spawn_app().await;
    let account = connect_crm(&app, "t", "henry").await;
    let doomed = connect_crm(&app, "t", "refresh-fails").await;
    let path = format!("/integrated-accounts/{account}/credentials");
    let before: Value = backend(&app, reqwest::Method::GET, &path).await.json().await.unwrap();
    app.clock.advance(NEARLY_AN_HOUR);

    let reads = (0..50).map(|_| backend(&app, reqwest::Method::GET, &path));
    let answers = futures_util::future::join_all(reads).await;
    let mut tokens = std::collections::BTreeSet::new();
    for answer in answers {
        assert_eq!(answer.status(), StatusCode::OK);
        let body: Value = answer.json().await.unwrap();
        assert!(
            body.get("refresh_token").is_none(),
            "the refresh token stays with Plugboard"
        );
        tokens.insert(body["access_token"].as_str().unwrap().to_owned());
    }
    assert_eq!(tokens.len(), 1, "every caller gets the one refreshed token");
    assert_ne!(tokens.first().unwrap(), before["access_token"].as_str().unwrap());
    assert_eq!(
        app.sandbox_count("refreshes").await,
        1,
        "exactly one refresh reached the provider"
    );

    let logs: Value = backend(
        &app,
        reqwest::Method::GET,
        &format!("/integrated-accounts/{account}/logs"),
    )
    .await
    .json()
    .await
    .unwrap();
    let actions: Vec<&str> = logs["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions.iter().filter(|a| **a == "refresh").count(), 1);
    assert_eq!(actions.iter().filter(|a| **a == "credentials_read").count(), 51);

    // The same wait made the other account's token stale; its refresh is refused.
    let refused = backend(
        &app,
        reqwest::Method::GET,
        &format!("/integrated-accounts/{doomed}/credentials"),
    )
    .await;
    assert_error(refused, StatusCode::CONFLICT, "needs_reauth").await;
    let account: Value = backend(&app, reqwest::Method::GET, &format!("/integrated-accounts/{doomed}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(account["status"], "needs_reauth");
    let listed = app.accounts("status=needs_reauth").await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn verify_runs_the_protected_call_again_and_is_logged() {
    let app = spawn_app().await;
    let good = connect_crm(&app, "t", "ivy").await;
    let bad = connect_crm(&app, "t", "fail-verify").await;
    let answer: Value = backend(
        &app,
        reqwest::Method::POST,
        &format!("/integrated-accounts/{good}/verify"),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(answer["status"], "verified");
    let answer: Value = backend(
        &app,
        reqwest::Method::POST,
        &format!("/integrated-accounts/{bad}/verify"),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(answer["status"], "verification_failed");
    let logs: Value = backend(&app, reqwest::Method::GET, &format!("/integrated-accounts/{bad}/logs"))
        .await
        .json()
        .await
        .unwrap();
    let entry = &logs["items"][0];
    assert_eq!(
        (entry["action"].as_str(), entry["outcome"].as_str()),
        (Some("verify"), Some("failed"))
    );
    assert_eq!(entry["status_code"], 401);
    assert!(entry["latency_ms"].is_number());
}

#[tokio::test]
async fn delete_revokes_at_the_provider_and_removes_the_account() {
    let app = spawn_app().await;
    let account = connect_crm(&app, "t", "jack").await;
    let path = format!("/integrated-accounts/{account}");
    assert_eq!(
        backend(&app, reqwest::Method::DELETE, &path).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(app.sandbox_count("revocations").await, 1);
    assert_error(
        backend(&app, reqwest::Method::GET, &path).await,
        StatusCode::NOT_FOUND,
        "unknown_account",
    )
    .await;
    assert_error(
        backend(&app, reqwest::Method::DELETE, &path).await,
        StatusCode::NOT_FOUND,
        "unknown_account",
    )
    .await;
    assert!(
        app.accounts("tenant_id=t").await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn api_key_credentials_come_back_as_typed() {
    let app = spawn_app().await;
    let token = app.link_token("t").await;
    let message: Value = app
        .connect(&token, "sandbox-hr", json!({"fields": {"api_key": "sk_sandbox_kim"}}))
        .await
        .json()
        .await
        .unwrap();
    let account = message["payload"]["accountId"].as_str().unwrap();
    let body: Value = backend(
        &app,
        reqwest::Method::GET,
        &format!("/integrated-accounts/{account}/credentials"),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(body["fields"]["api_key"], "sk_sandbox_kim");
    assert!(body.get("access_token").is_none());
}

#[tokio::test]
async fn the_background_pass_refreshes_and_verifies_without_a_caller() {
    let config = "[server]\nmaintenance_interval = 1\nreverify_after = 600\n";
    let app = spawn_app_with(config).await.unwrap();
    let account = connect_crm(&app, "t", "lena").await;
    // Its token now expires within the pass's margin, and its verification is stale.
    app.clock.advance(NEARLY_AN_HOUR);
    let path = format!("/integrated-accounts/{account}/logs");
    let mut actions = Vec::new();
    for _ in 0..100 {
        let logs: Value = backend(&app, reqwest::Method::GET, &path).await.json().await.unwrap();
        actions = logs["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_owned())
            .collect();
        if actions.iter().any(|a| a == "refresh") && actions.iter().any(|a| a == "verify") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(actions.iter().any(|a| a == "refresh"), "{actions:?}");
    assert!(actions.iter().any(|a| a == "verify"), "{actions:?}");
    assert!(
        !actions.iter().any(|a| a == "credentials_read"),
        "nobody asked for the credentials"
    );
    assert!(app.sandbox_count("refreshes").await >= 1);
}

#[tokio::test]
async fn the_master_key_rotates_without_losing_an_account() {
    use base64::Engine;
    let b64 = |byte: u8| base64::engine::general_purpose::STANDARD.encode([byte; 32]);
    let (old, new) = (b64(42), b64(7));
    let mut app = spawn_app().await;
    let account = connect_crm(&app, "t", "mia").await;
    let path = format!("/integrated-accounts/{account}/credentials");

    // Step 1: every instance runs with the new key and still reads the old one.
    let rotating = [
        ("PLUGBOARD_MASTER_KEY", new.as_str()),
        ("PLUGBOARD_SECURITY_PREVIOUS_MASTER_KEYS", old.as_str()),
    ];
    app.restart_with(&rotating).await;
    assert_eq!(
        backend(&app, reqwest::Method::GET, &path).await.status(),
        StatusCode::OK
    );
    // Step 2: `plugboard keys rotate` re-encrypts while the server runs.
    let config = app.config_with(&rotating);
    let key = plugboard_server::startup::master_key(&config).unwrap();
    let pool = plugboard_server::db::connect(&config.server.database_url)
        .await
        .unwrap();
    assert_eq!(plugboard_server::key_rotation::rotate(&pool, &key).await.unwrap(), 1);
    // Step 3: the old key is gone and nothing was lost.
    app.restart_with(&[("PLUGBOARD_MASTER_KEY", new.as_str())]).await;
    let body: Value = backend(&app, reqwest::Method::GET, &path).await.json().await.unwrap();
    assert!(body["access_token"].as_str().unwrap().starts_with("sbx."));
}
