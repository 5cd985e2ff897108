//! The sandbox OAuth flow end to end over HTTP: link token → connect → popup start →
//! sandbox login → callback → verified account stored, encrypted.

use plugboard_shared::{AttemptOutcome, ConnectResult, FailureReason, ResultPayload};
use reqwest::StatusCode;

use crate::helpers::{HOST_ORIGIN, spawn_app};

#[tokio::test]
async fn allowing_access_stores_a_verified_account_and_tells_the_opener() {
    let app = spawn_app().await;
    let token = app.link_token("tenant-a").await;
    let popup = app.popup_login(&token, "alice", "allow").await;
    let message = popup.message();
    assert_eq!(message.source, "plugboard");
    assert_eq!(message.attempt_id, popup.attempt_id);
    assert_eq!(message.result, ConnectResult::Authorized);
    assert_eq!(popup.target_origin(), HOST_ORIGIN);
    let ResultPayload::Authorization(event) = &message.payload else {
        panic!("{message:?}")
    };
    assert_eq!(event.identity, "alice@sandbox.example");
    assert!(event.account_id.starts_with("acc_") && !event.already_exists);

    let listed = app.accounts("tenant_id=tenant-a").await;
    let account = &listed["items"][0];
    assert_eq!(account["status"], "verified");
    assert_eq!(account["authorization_id"], event.authorization_id);
    assert_eq!(account["app"], "sandbox-crm");
    assert!(account.get("credentials").is_none() && account["expires_at"].is_string());

    let outcome = app.attempt(&token, &popup.attempt_id).await;
    assert_eq!(
        outcome,
        AttemptOutcome::Complete {
            result: message.result,
            payload: message.payload.clone()
        }
    );
}

#[tokio::test]
async fn the_database_never_holds_the_tokens_in_clear() {
    let app = spawn_app().await;
    let token = app.link_token("tenant-a").await;
    app.popup_login(&token, "alice", "allow").await.message();
    app.connect(
        &token,
        "sandbox-hr",
        serde_json::json!({"fields": {"api_key": "sk_sandbox_typed"}}),
    )
    .await;
    let mut haystacks = app.stored_values().await;
    assert!(haystacks.len() > 20, "the tables were read");
    // On SQLite, also the file itself and its write-ahead log (freed pages keep old bytes).
    if let Some(db_file) = &app.db_file {
        haystacks.push(std::fs::read(db_file).unwrap());
        haystacks.push(std::fs::read(db_file.with_extension("db-wal")).unwrap_or_default());
    }
    for haystack in &haystacks {
        assert!(
            !haystack.windows(10).any(|w| w == b"sk_sandbox"),
            "a typed API key is stored in clear"
        );
        // Sandbox tokens start with "sbx."; link tokens with "lt_".
        assert!(
            !haystack.windows(4).any(|w| w == b"sbx."),
            "a provider token is stored in clear"
        );
        assert!(
            !haystack.windows(3).any(|w| w == b"lt_"),
            "a link token is stored in clear"
        );
    }
}

#[tokio::test]
async fn connecting_the_same_identity_again_keeps_the_ids() {
    let app = spawn_app().await;
    let token = app.link_token("tenant-b").await;
    let first = app.popup_login(&token, "bob", "allow").await.message();
    let second = app.popup_login(&token, "bob", "allow").await.message();
    let (ResultPayload::Authorization(first), ResultPayload::Authorization(second)) = (first.payload, second.payload)
    else {
        panic!()
    };
    assert!(second.already_exists);
    assert_eq!(
        (first.account_id, first.authorization_id),
        (second.account_id, second.authorization_id)
    );
    assert_eq!(
        app.accounts("tenant_id=tenant-b").await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn fail_verify_is_stored_as_verification_failed() {
    let app = spawn_app().await;
    let token = app.link_token("tenant-c").await;
    let message = app.popup_login(&token, "fail-verify", "allow").await.message();
    assert_eq!(message.result, ConnectResult::VerificationFailed);
    assert_eq!(
        app.accounts("tenant_id=tenant-c").await["items"][0]["status"],
        "verification_failed"
    );
}

#[tokio::test]
async fn deny_is_reported_as_cancelled_and_stores_nothing() {
    let app = spawn_app().await;
    let token = app.link_token("tenant-d").await;
    let message = app.popup_login(&token, "dave", "deny").await.message();
    assert_eq!(message.result, ConnectResult::Error);
    let ResultPayload::Failure(failure) = message.payload else {
        panic!()
    };
    assert_eq!(failure.reason, FailureReason::Cancelled);
    assert!(
        app.accounts("tenant_id=tenant-d").await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_replayed_callback_or_popup_start_is_refused() {
    let app = spawn_app().await;
    let token = app.link_token("tenant-e").await;
    let popup = app.popup_login(&token, "erin", "allow").await;
    popup.message();
    let (status, body) = popup.browser.get(&popup.callback).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(!body.contains("id=\"message\""), "a replay must not post a message");
}

#[tokio::test]
async fn a_callback_in_another_browser_is_refused() {
    let app = spawn_app().await;
    let token = app.link_token("tenant-f").await;
    let started: serde_json::Value = app
        .connect(&token, "sandbox-crm", serde_json::json!({}))
        .await
        .json()
        .await
        .unwrap();
    let victim = crate::helpers::Browser::new();
    let authorize = victim.redirect_target(started["popup_url"].as_str().unwrap()).await;
    let callback = victim.login(&authorize, "mallory", "allow").await;
    let (status, body) = crate::helpers::Browser::new().get(&callback).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("another browser"));
    assert!(
        app.accounts("tenant_id=tenant-f").await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let (status, _) = victim.get(started["popup_url"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a popup start is single-use");
}

async fn token_for(app: &crate::helpers::TestApp, body: serde_json::Value) -> reqwest::Response {
    app.post_link_token(body).await
}

#[tokio::test]
async fn a_reconnect_link_re_authorizes_the_same_account_or_creates_the_hosts_id() {
    let app = spawn_app().await;
    let token = app.link_token("tenant-r").await;
    let ResultPayload::Authorization(first) = app.popup_login(&token, "rita", "allow").await.message().payload else {
        panic!()
    };

    // The person signs in again, even as someone else: the same account is updated.
    let body: serde_json::Value = token_for(
        &app,
        serde_json::json!({"tenant_id": "tenant-r", "account_id": first.account_id}),
    )
    .await
    .json()
    .await
    .unwrap();
    let reconnect = body["link_token"].as_str().unwrap();
    let ResultPayload::Authorization(again) = app.popup_login(reconnect, "rita-new", "allow").await.message().payload
    else {
        panic!()
    };
    assert!(again.already_exists);
    assert_eq!(
        (&again.account_id, again.authorization_id),
        (&first.account_id, first.authorization_id)
    );
    assert_eq!(again.identity, "rita-new@sandbox.example");
    let wrong_app = app
        .connect(
            reconnect,
            "sandbox-hr",
            serde_json::json!({"fields": {"api_key": "sk_sandbox_x"}}),
        )
        .await;
    // The same fact as the widget's Reconnect on another app's account: one code.
    crate::helpers::assert_error(wrong_app, StatusCode::CONFLICT, "app_mismatch").await;

    // A host-chosen id for a new account.
    let body: serde_json::Value = token_for(
        &app,
        serde_json::json!({"tenant_id": "tenant-r", "account_id": "crm-customer-42"}),
    )
    .await
    .json()
    .await
    .unwrap();
    let message = app
        .popup_login(body["link_token"].as_str().unwrap(), "sam", "allow")
        .await
        .message();
    let ResultPayload::Authorization(created) = message.payload else {
        panic!()
    };
    assert_eq!(created.account_id, "crm-customer-42");
    assert!(!created.already_exists);
    assert_eq!(
        app.accounts("tenant_id=tenant-r").await["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Another tenant cannot take the account over.
    let stolen = token_for(
        &app,
        serde_json::json!({"tenant_id": "tenant-x", "account_id": first.account_id}),
    )
    .await;
    crate::helpers::assert_error(stolen, StatusCode::CONFLICT, "account_conflict").await;
    let bad = token_for(
        &app,
        serde_json::json!({"tenant_id": "tenant-x", "account_id": "no spaces"}),
    )
    .await;
    crate::helpers::assert_error(bad, StatusCode::BAD_REQUEST, "invalid_body").await;
}
