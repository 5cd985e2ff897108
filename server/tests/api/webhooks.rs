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
fn receive_on(listener: tokio::net::TcpListener) -> Received {
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
[server]
sandbox_token_lifetime = 65

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
    tokio::time::sleep(Duration::from_millis(5100)).await;
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
    let mut types = Vec::new();
    // Up to 40 s: a delivery the stopped server was in the middle of stays leased for 15 s.
    for _ in 0..400 {
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
