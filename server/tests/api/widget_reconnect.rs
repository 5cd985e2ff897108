//! Reconnecting from the widget: `POST /widget/connect/{app}` with `account_id`
//! re-authorizes that account of the tenant (ids kept, identity and credentials new), for
//! OAuth and form apps alike; an identity another account already holds is a clear
//! `identity_taken`, never a 500.

use plugboard_shared::{AttemptOutcome, AuthorizationEvent, ConnectResult, FailureReason, PopupMessage, ResultPayload};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_error, spawn_app};

fn authorization(message: PopupMessage) -> AuthorizationEvent {
    let ResultPayload::Authorization(event) = message.payload else {
        panic!("{message:?}")
    };
    event
}

async fn crm(app: &TestApp, token: &str, body: Value, user: &str) -> PopupMessage {
    app.popup_login_to(token, "sandbox-crm", body, user, "allow")
        .await
        .message()
}

async fn hr(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.connect(token, "sandbox-hr", body).await
}

async fn hr_ok(app: &TestApp, token: &str, body: Value) -> AuthorizationEvent {
    let response = hr(app, token, body).await;
    assert_eq!(response.status(), StatusCode::OK);
    authorization(response.json().await.unwrap())
}

/// `(account_id, identity, status)` of the tenant's accounts, oldest first.
async fn accounts_of(app: &TestApp, tenant: &str) -> Vec<(String, String, String)> {
    app.accounts(&format!("tenant_id={tenant}")).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let text = |k: &str| a[k].as_str().unwrap().to_owned();
            (text("account_id"), text("identity"), text("status"))
        })
        .collect()
}

#[tokio::test]
async fn reconnecting_from_the_widget_keeps_the_ids_and_takes_the_new_identity() {
    let app = spawn_app().await;
    let token = app.link_token("t").await;
    let alice = authorization(crm(&app, &token, json!({}), "alice").await);

    // A later page load, a new token: the widget's Reconnect button names the account.
    let later = app.link_token("t").await;
    let again = authorization(crm(&app, &later, json!({"account_id": alice.account_id}), "alice-2").await);
    assert!(again.already_exists);
    assert_eq!(
        (&again.account_id, again.authorization_id),
        (&alice.account_id, alice.authorization_id)
    );
    assert_eq!(again.identity, "alice-2@sandbox.example");

    // Form apps too: a new API key for the same account.
    let key = hr_ok(&app, &later, json!({"fields": {"api_key": "sk_sandbox_hana"}})).await;
    let rekeyed = hr_ok(
        &app,
        &later,
        json!({"fields": {"api_key": "sk_sandbox_hanna"}, "account_id": key.account_id}),
    )
    .await;
    assert!(rekeyed.already_exists);
    assert_eq!(
        (&rekeyed.account_id, rekeyed.authorization_id),
        (&key.account_id, key.authorization_id)
    );
    assert_eq!(rekeyed.identity, "hanna@sandbox.example");
    assert_eq!(
        accounts_of(&app, "t").await,
        [
            (
                alice.account_id.clone(),
                "alice-2@sandbox.example".to_owned(),
                "verified".to_owned()
            ),
            (
                key.account_id.clone(),
                "hanna@sandbox.example".to_owned(),
                "verified".to_owned()
            ),
        ]
    );

    // A reconnect link may name its own account in the body as well.
    let body: Value = app
        .post_link_token(json!({"tenant_id": "t", "account_id": alice.account_id}))
        .await
        .json()
        .await
        .unwrap();
    let bound = body["link_token"].as_str().unwrap();
    let same = authorization(crm(&app, bound, json!({"account_id": alice.account_id}), "alice-3").await);
    assert_eq!(same.account_id, alice.account_id);
}

#[tokio::test]
async fn reconnect_names_an_account_of_this_tenant_and_app() {
    let app = spawn_app().await;
    let token = app.link_token("t").await;
    let alice = authorization(crm(&app, &token, json!({}), "alice").await);
    let bob = authorization(crm(&app, &token, json!({}), "bob").await);
    let key = hr_ok(&app, &token, json!({"fields": {"api_key": "sk_sandbox_hana"}})).await;
    let before = accounts_of(&app, "t").await;

    let stranger = app.link_token("stranger").await;
    assert_error(
        app.connect(&stranger, "sandbox-crm", json!({"account_id": alice.account_id}))
            .await,
        StatusCode::NOT_FOUND,
        "unknown_account",
    )
    .await;
    assert_error(
        app.connect(&token, "sandbox-crm", json!({"account_id": "acc_nobody"}))
            .await,
        StatusCode::NOT_FOUND,
        "unknown_account",
    )
    .await;
    assert_error(
        app.connect(&token, "sandbox-crm", json!({"account_id": key.account_id}))
            .await,
        StatusCode::CONFLICT,
        "app_mismatch",
    )
    .await;
    assert_error(
        hr(
            &app,
            &token,
            json!({"fields": {"api_key": "sk_sandbox_x"}, "account_id": alice.account_id}),
        )
        .await,
        StatusCode::CONFLICT,
        "app_mismatch",
    )
    .await;
    let body: Value = app
        .post_link_token(json!({"tenant_id": "t", "account_id": alice.account_id}))
        .await
        .json()
        .await
        .unwrap();
    assert_error(
        app.connect(
            body["link_token"].as_str().unwrap(),
            "sandbox-crm",
            json!({"account_id": bob.account_id}),
        )
        .await,
        StatusCode::CONFLICT,
        "account_mismatch",
    )
    .await;
    assert_error(
        app.connect(&token, "sandbox-crm", json!({"account_id": "not an id"}))
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_body",
    )
    .await;
    assert_eq!(accounts_of(&app, "t").await, before, "nothing changed");
}

#[tokio::test]
async fn an_identity_another_account_holds_is_identity_taken_not_a_500() {
    let app = spawn_app().await;
    let token = app.link_token("t").await;
    let alice = authorization(crm(&app, &token, json!({}), "alice").await);
    let bob = authorization(crm(&app, &token, json!({}), "bob").await);
    let hana = hr_ok(&app, &token, json!({"fields": {"api_key": "sk_sandbox_hana"}})).await;
    let ivan = hr_ok(&app, &token, json!({"fields": {"api_key": "sk_sandbox_ivan"}})).await;
    let before = accounts_of(&app, "t").await;

    // OAuth: reconnecting bob, the person signs in as alice. The popup reports a failure.
    let popup = app
        .popup_login_to(
            &token,
            "sandbox-crm",
            json!({"account_id": bob.account_id}),
            "alice",
            "allow",
        )
        .await;
    let message = popup.message();
    assert_eq!(message.result, ConnectResult::Error);
    let ResultPayload::Failure(failure) = &message.payload else {
        panic!("{message:?}")
    };
    assert_eq!(failure.reason, FailureReason::ProviderError);
    let text = failure.message.as_deref().unwrap();
    assert!(
        text.contains("alice@sandbox.example") && text.contains("already connected"),
        "{text}"
    );
    let outcome = app.attempt(&token, &popup.attempt_id).await;
    assert_eq!(
        outcome,
        AttemptOutcome::Complete {
            result: ConnectResult::Error,
            payload: message.payload.clone()
        }
    );

    // The same through a reconnect link (the mode that answered 500 before).
    let body: Value = app
        .post_link_token(json!({"tenant_id": "t", "account_id": alice.account_id}))
        .await
        .json()
        .await
        .unwrap();
    let message = crm(&app, body["link_token"].as_str().unwrap(), json!({}), "bob").await;
    assert_eq!(message.result, ConnectResult::Error, "{message:?}");

    // Form apps: a clear 409.
    assert_error(
        hr(
            &app,
            &token,
            json!({"fields": {"api_key": "sk_sandbox_hana"}, "account_id": ivan.account_id}),
        )
        .await,
        StatusCode::CONFLICT,
        "identity_taken",
    )
    .await;
    assert_eq!(accounts_of(&app, "t").await, before, "nothing was lost or changed");

    // Reconnecting an account to its own identity is fine.
    let same = hr_ok(
        &app,
        &token,
        json!({"fields": {"api_key": "sk_sandbox_hana"}, "account_id": hana.account_id}),
    )
    .await;
    assert_eq!(same.account_id, hana.account_id);
}

#[tokio::test]
async fn a_reconnect_that_fails_verification_keeps_the_accounts_identity() {
    let app = spawn_app().await;
    let token = app.link_token("t").await;
    let alice = authorization(crm(&app, &token, json!({}), "alice").await);
    let bob = authorization(crm(&app, &token, json!({}), "bob").await);
    for account in [&alice, &bob] {
        let message = crm(&app, &token, json!({"account_id": account.account_id}), "fail-verify").await;
        assert_eq!(message.result, ConnectResult::VerificationFailed);
        assert_eq!(authorization(message).account_id, account.account_id);
    }
    assert_eq!(
        accounts_of(&app, "t").await,
        [
            (
                alice.account_id.clone(),
                "alice@sandbox.example".to_owned(),
                "verification_failed".to_owned()
            ),
            (
                bob.account_id.clone(),
                "bob@sandbox.example".to_owned(),
                "verification_failed".to_owned()
            ),
        ]
    );
}
