//! Webhooks survive a receiver outage and a server restart: every account event is
//! delivered, signed, once the receiver is back.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::http::HeaderMap;
use axum::routing::post;
use plugboard_shared::ResultPayload;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{API_KEY, TestApp, spawn_app_with};

const SECRET: &str = "whsec_test";

type Received = Arc<Mutex<Vec<(HeaderMap, String)>>>;

/// A receiver on `listener` that records every request and answers 200.
pub fn receive_on(listener: tokio::net::TcpListener) -> Received {
    let received = Received::default();
    let store = received.clone();
    let app = Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: String| {
            let store = store.clone();
            async move {
                store.lock().unwrap().push((headers, body));
                StatusCode::OK
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    received
}

/// Checks `Plugboard-Signature: t=…,v1=…` the way the README tells receivers to.
fn signature_is_valid(headers: &HeaderMap, body: &str) -> bool {
    let header = headers["plugboard-signature"].to_str().unwrap();
    let (t, v1) = header.split_once(',').unwrap();
    let t = t.strip_prefix("t=").unwrap();
    let expected = plugboard_server::crypto::hmac_hex(SECRET.as_bytes(), format!("{t}.{body}").as_bytes());
    v1.strip_prefix("v1=") == Some(expected.as_str())
}

async fn connect(app: &TestApp, token: &str, user: &str) -> String {
    let message = app.popup_login(token, user, "allow").await.message();
    let ResultPayload::Authorization(event) = message.payload else {
        panic!()
    };
    event.account_id
}

#[tokio::test]
async fn every_event_reaches_the_receiver_after_an_outage_and_a_restart() {
    // Reserve the receiver's port, then leave it closed: the receiver is down.
    let port = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = format!(
        r#"
[webhooks]
endpoints = ["http://127.0.0.1:{port}/hook"]
secret = "{SECRET}"
initial_backoff_secs = 1
"#
    );
    let mut app = spawn_app_with(&config).await.unwrap();
    let token = app.link_token("hooks").await;
    let alice = connect(&app, &token, "alice").await;
    connect(&app, &token, "fail-verify").await;
    let doomed = connect(&app, &token, "refresh-fails").await;
    let deleted = app
        .api
        .delete(app.url(&format!("/integrated-accounts/{alice}")))
        .bearer_auth(API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    // An hour on, the refresh-fails account's token needs renewing, and is refused.
    app.clock.advance(3600);
    let refused = app
        .api
        .get(app.url(&format!("/integrated-accounts/{doomed}/credentials")))
        .bearer_auth(API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::CONFLICT);

    let log: Value = app.backend_json("/webhook-events").await;
    let events = log["items"].as_array().unwrap();
    assert_eq!(events.len(), 5);
    assert!(events.iter().all(|e| e["deliveries"][0]["delivered_at"].is_null()));
    assert!(
        events.iter().any(|e| e["deliveries"][0]["attempts"].as_i64() > Some(0)),
        "tried while the receiver was down"
    );

    app.restart().await;
    let received = receive_on(tokio::net::TcpListener::bind(("127.0.0.1", port)).await.unwrap());
    // Past every backoff, and past the lease of a delivery the stopped server was in the
    // middle of: everything is due now.
    app.clock.advance(3600);
    let mut types = Vec::new();
    for _ in 0..200 {
        types = received
            .lock()
            .unwrap()
            .iter()
            .map(|(_, body)| {
                serde_json::from_str::<Value>(body).unwrap()["type"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect::<Vec<_>>();
        if types.len() >= 5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    types.sort();
    let log: Value = app.backend_json("/webhook-events").await;
    assert_eq!(types.len(), 5, "{log:#}");
    assert_eq!(
        types,
        [
            "account.created",
            "account.created",
            "account.deleted",
            "account.needs_reauth",
            "account.verification_failed"
        ]
    );
    for (headers, body) in received.lock().unwrap().iter() {
        assert!(signature_is_valid(headers, body), "bad signature on {body}");
        let event: Value = serde_json::from_str(body).unwrap();
        assert_eq!(
            headers["plugboard-event-id"].to_str().unwrap(),
            event["id"].as_str().unwrap()
        );
        assert!(event["data"]["account"]["account_id"].is_string());
        assert!(!body.contains("sbx."), "no credentials in webhooks");
    }
    let log: Value = app.backend_json("/webhook-events").await;
    assert!(
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["deliveries"][0]["delivered_at"].is_string())
    );
}

/// The outbox row is written in the transaction of the change it reports: when it cannot
/// be written, the change is not kept either, so no event is ever lost to a crash or a
/// failed write between the two.
#[tokio::test]
async fn a_failed_outbox_write_keeps_neither_the_change_nor_its_event() {
    let app = spawn_app_with(&format!(
        "[webhooks]\nendpoints = [\"http://127.0.0.1:9/hook\"]\nsecret = \"{SECRET}\"\n"
    ))
    .await
    .unwrap();
    let token = app.link_token("t").await;
    let kept = connect(&app, &token, "kept").await;
    let events = app.count("webhook_events").await;
    assert_eq!(events, 1, "account.created for the kept account");

    let db = app.db().await;
    let break_outbox = "ALTER TABLE webhook_deliveries RENAME TO webhook_deliveries_broken";
    sqlx::query(break_outbox).execute(&db).await.unwrap();
    // account.created and account.verification_failed: the new accounts are not stored.
    for key in ["sk_sandbox_lost", "not-a-sandbox-key"] {
        let response = app
            .connect(&token, "sandbox-hr", serde_json::json!({"fields": {"api_key": key}}))
            .await;
        crate::helpers::assert_error(response, StatusCode::INTERNAL_SERVER_ERROR, "internal").await;
    }
    // account.deleted: the account stays, its tokens still live at the provider.
    let response = app
        .api
        .delete(app.url(&format!("/integrated-accounts/{kept}")))
        .bearer_auth(API_KEY)
        .send()
        .await
        .unwrap();
    crate::helpers::assert_error(response, StatusCode::INTERNAL_SERVER_ERROR, "internal").await;
    let repair = "ALTER TABLE webhook_deliveries_broken RENAME TO webhook_deliveries";
    sqlx::query(repair).execute(&db).await.unwrap();

    let listed = app.accounts("tenant_id=t").await;
    let ids: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["account_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [kept.as_str()], "only the account stored before the outage");
    assert_eq!(app.count("webhook_events").await, events, "and only its event");
    let stats = app.sandbox_stats().await;
    assert!(stats.get("revocations").is_none(), "nothing was revoked: {stats}");
    let credentials = app
        .api
        .get(app.url(&format!("/integrated-accounts/{kept}/credentials")))
        .bearer_auth(API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(credentials.status(), StatusCode::OK);
}
