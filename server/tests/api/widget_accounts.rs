//! Connected accounts in the widget: `GET /widget/apps` lists each app's accounts of the
//! session's tenant, and `DELETE /widget/accounts/{account_id}` disconnects one when the
//! host's link token allows it.

use plugboard_shared::{AuthorizationEvent, ResultPayload, WidgetApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{APP_ID, APP_SECRET, TestApp, assert_error, hmac_hex, spawn_app, spawn_app_with};

async fn connect_crm(app: &TestApp, token: &str, user: &str) -> AuthorizationEvent {
    let message = app.popup_login(token, user, "allow").await.message();
    let ResultPayload::Authorization(event) = message.payload else {
        panic!("{message:?}")
    };
    event
}

/// A link token for `tenant` with more of `POST /link-token`'s fields.
async fn token_with(app: &TestApp, tenant: &str, extra: Value) -> String {
    let mut body = json!({ "tenant_id": tenant });
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    let response = app.post_link_token(body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    body["link_token"].as_str().unwrap().to_owned()
}

async fn apps(app: &TestApp, token: &str) -> Vec<WidgetApp> {
    app.widget_json(token, "/widget/apps").await
}

fn find<'a>(apps: &'a [WidgetApp], key: &str) -> &'a WidgetApp {
    apps.iter().find(|a| a.key.as_str() == key).unwrap()
}

/// `(identity, can_disconnect)` of each account listed under `key`.
fn listed(apps: &[WidgetApp], key: &str) -> Vec<(String, bool)> {
    find(apps, key)
        .accounts
        .iter()
        .map(|a| (a.identity.clone(), a.can_disconnect))
        .collect()
}

async fn disconnect(app: &TestApp, token: &str, account_id: &str) -> reqwest::Response {
    app.api
        .delete(app.url(&format!("/widget/accounts/{account_id}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn account_count(app: &TestApp, tenant: &str) -> usize {
    app.accounts(&format!("tenant_id={tenant}")).await["items"]
        .as_array()
        .unwrap()
        .len()
}

#[tokio::test]
async fn the_app_list_shows_each_apps_accounts_and_whether_the_token_lets_them_go() {
    let app = spawn_app().await;
    let token = app.link_token("t1").await;
    let alice = connect_crm(&app, &token, "alice").await;
    let bob = connect_crm(&app, &token, "bob").await;
    let hr = app
        .connect(&token, "sandbox-hr", json!({"fields": {"api_key": "sk_sandbox_hana"}}))
        .await;
    assert_eq!(hr.status(), StatusCode::OK);
    connect_crm(&app, &app.link_token("t2").await, "carol").await;

    let plain = apps(&app, &token).await;
    let crm = find(&plain, "sandbox-crm");
    assert!(crm.connected);
    assert_eq!(
        listed(&plain, "sandbox-crm"),
        [
            ("alice@sandbox.example".to_owned(), false),
            ("bob@sandbox.example".to_owned(), false)
        ],
        "oldest first, never another tenant's, no disconnect unless the host allows it"
    );
    assert_eq!(crm.accounts[0].account_id.as_str(), alice.account_id);
    assert_eq!(crm.accounts[0].authorization_id, alice.authorization_id);
    assert_eq!(crm.accounts[0].status, plugboard_shared::AccountStatus::Verified);
    assert_eq!(find(&plain, "sandbox-hr").accounts.len(), 1);

    // The wire names the widget reads.
    let raw: Value = app.widget_json(&token, "/widget/apps").await;
    let entry = raw
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["key"] == "sandbox-crm")
        .unwrap();
    let keys: Vec<&str> = entry["accounts"][0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["account_id", "authorization_id", "can_disconnect", "identity", "status"]
    );

    let allowed = token_with(&app, "t1", json!({"allow_disconnect": true})).await;
    let listed_allowed = apps(&app, &allowed).await;
    assert!(
        listed_allowed
            .iter()
            .flat_map(|a| &a.accounts)
            .all(|a| a.can_disconnect)
    );

    // A reconnect link may only let go of the account it names.
    let reconnect = token_with(
        &app,
        "t1",
        json!({"allow_disconnect": true, "account_id": bob.account_id}),
    )
    .await;
    assert_eq!(
        listed(&apps(&app, &reconnect).await, "sandbox-crm"),
        [
            ("alice@sandbox.example".to_owned(), false),
            ("bob@sandbox.example".to_owned(), true)
        ]
    );

    let fresh = app.link_token("t3").await;
    let none = apps(&app, &fresh).await;
    assert!(none.iter().all(|a| !a.connected && a.accounts.is_empty()));
}

async fn hash_session(app: &TestApp, user: &str) -> String {
    let response = app
        .start_session(&json!({"app_id": APP_ID, "user_id": user, "hash": hmac_hex(APP_SECRET, user)}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["link_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn hash_sessions_may_disconnect_only_when_the_config_says_so() {
    let mut app = spawn_app().await;
    connect_crm(&app, &app.link_token("hash-user").await, "alice").await;
    let session = hash_session(&app, "hash-user").await;
    assert_eq!(
        listed(&apps(&app, &session).await, "sandbox-crm"),
        [("alice@sandbox.example".to_owned(), false)]
    );
    let account = find(&apps(&app, &session).await, "sandbox-crm").accounts[0]
        .account_id
        .to_string();
    assert_error(
        disconnect(&app, &session, &account).await,
        StatusCode::FORBIDDEN,
        "disconnect_not_allowed",
    )
    .await;

    app.restart_with(&[("PLUGBOARD_SECURITY_WIDGET_ALLOW_DISCONNECT", "true")])
        .await;
    let session = hash_session(&app, "hash-user").await;
    assert_eq!(
        listed(&apps(&app, &session).await, "sandbox-crm"),
        [("alice@sandbox.example".to_owned(), true)]
    );
    assert_eq!(disconnect(&app, &session, &account).await.status(), StatusCode::OK);
    assert_eq!(account_count(&app, "hash-user").await, 0);
}

#[tokio::test]
async fn disconnecting_needs_the_tenants_account_and_the_hosts_permission() {
    // A receiver that is never up: the events stay in the outbox, where the log shows them.
    let config = "[webhooks]\nendpoints = [\"http://127.0.0.1:9/hook\"]\nsecret = \"whsec_test\"\n";
    let app = spawn_app_with(config).await.unwrap();
    let token = app.link_token("owner").await;
    let alice = connect_crm(&app, &token, "alice").await;
    let bob = connect_crm(&app, &token, "bob").await;

    let stranger = token_with(&app, "stranger", json!({"allow_disconnect": true})).await;
    assert_error(
        disconnect(&app, &stranger, &alice.account_id).await,
        StatusCode::NOT_FOUND,
        "unknown_account",
    )
    .await;
    assert_error(
        disconnect(&app, &token, &alice.account_id).await,
        StatusCode::FORBIDDEN,
        "disconnect_not_allowed",
    )
    .await;
    let bound_to_bob = token_with(
        &app,
        "owner",
        json!({"allow_disconnect": true, "account_id": bob.account_id}),
    )
    .await;
    assert_error(
        disconnect(&app, &bound_to_bob, &alice.account_id).await,
        StatusCode::FORBIDDEN,
        "disconnect_not_allowed",
    )
    .await;
    assert_error(
        disconnect(&app, &bound_to_bob, "acc_unknown").await,
        StatusCode::NOT_FOUND,
        "unknown_account",
    )
    .await;
    assert_error(
        disconnect(&app, "lt_forged", &alice.account_id).await,
        StatusCode::UNAUTHORIZED,
        "invalid_link_token",
    )
    .await;
    assert_eq!(account_count(&app, "owner").await, 2, "nothing was lost");
    assert_eq!(app.sandbox_count("revocations").await, 0);

    let allowed = token_with(&app, "owner", json!({"allow_disconnect": true})).await;
    let response = disconnect(&app, &allowed, &alice.account_id).await;
    assert_eq!(response.status(), StatusCode::OK);
    let removed: Value = response.json().await.unwrap();
    assert_eq!(
        removed,
        json!({"authorizationId": alice.authorization_id, "accountId": alice.account_id, "app": "sandbox-crm"})
    );
    assert_eq!(app.sandbox_count("revocations").await, 1);
    assert_eq!(
        listed(&apps(&app, &allowed).await, "sandbox-crm"),
        [("bob@sandbox.example".to_owned(), true)]
    );
    let gone = app
        .api
        .get(app.url(&format!("/integrated-accounts/{}", alice.account_id)))
        .bearer_auth(crate::helpers::API_KEY)
        .send()
        .await
        .unwrap();
    assert_error(gone, StatusCode::NOT_FOUND, "unknown_account").await;
    assert_error(
        disconnect(&app, &allowed, &alice.account_id).await,
        StatusCode::NOT_FOUND,
        "unknown_account",
    )
    .await;

    let events: Value = app.backend_json("/webhook-events").await;
    let deleted: Vec<&Value> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "account.deleted")
        .collect();
    assert_eq!(deleted.len(), 1, "{events}");
    assert_eq!(deleted[0]["account_id"], alice.account_id.as_str());

    // The reconnect link may remove its own account.
    assert_eq!(
        disconnect(&app, &bound_to_bob, &bob.account_id).await.status(),
        StatusCode::OK
    );
    assert_eq!(account_count(&app, "owner").await, 0);
}
