//! Abuse limits: guessing credentials, minting tokens, hammering the widget API, huge or
//! stalled requests. Every refusal is a JSON error; nothing is a 5xx.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{API_KEY, assert_error, spawn_app_env};

/// Asserts a 429 with the JSON body and a `Retry-After` of at least a second.
async fn assert_limited(response: reqwest::Response) {
    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "Retry-After {retry_after}");
    assert_error(response, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}

#[tokio::test]
async fn a_burst_of_wrong_api_keys_is_cut_off_and_the_right_key_still_works() {
    let app = spawn_app_env("", &[("PLUGBOARD_LIMITS_UNAUTHENTICATED_PER_MINUTE", "5")])
        .await
        .unwrap();
    let wrong = || {
        app.api
            .get(app.url("/integrated-accounts"))
            .bearer_auth("pb_guess")
            .send()
    };
    for _ in 0..5 {
        assert_error(wrong().await.unwrap(), StatusCode::UNAUTHORIZED, "invalid_api_key").await;
    }
    assert_limited(wrong().await.unwrap()).await;
    let missing = app.api.get(app.url("/widget/apps")).send().await.unwrap();
    assert_limited(missing).await;
    // The limit is on failures: the host's own backend, at the same address, goes on.
    let right = app
        .api
        .get(app.url("/integrated-accounts"))
        .bearer_auth(API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), StatusCode::OK);
}

#[tokio::test]
async fn link_tokens_are_limited_per_api_key() {
    let app = spawn_app_env(
        "",
        &[
            ("PLUGBOARD_LIMITS_LINK_TOKENS_PER_MINUTE", "3"),
            ("PLUGBOARD_SECURITY_API_KEYS", &format!("{API_KEY},pb_second_key")),
        ],
    )
    .await
    .unwrap();
    let issue = |key: &'static str| {
        app.api
            .post(app.url("/link-token"))
            .bearer_auth(key)
            .json(&json!({"tenant_id": "t"}))
            .send()
    };
    for _ in 0..3 {
        assert_eq!(issue(API_KEY).await.unwrap().status(), StatusCode::CREATED);
    }
    assert_limited(issue(API_KEY).await.unwrap()).await;
    assert_eq!(
        issue("pb_second_key").await.unwrap().status(),
        StatusCode::CREATED,
        "another key counts apart"
    );
}

#[tokio::test]
async fn widget_requests_are_limited_per_link_token() {
    let app = spawn_app_env("", &[("PLUGBOARD_LIMITS_WIDGET_REQUESTS_PER_MINUTE", "3")])
        .await
        .unwrap();
    let (first, second) = (app.link_token("a").await, app.link_token("b").await);
    let apps = |token: &str| {
        app.api
            .get(app.url("/widget/apps"))
            .bearer_auth(token.to_owned())
            .send()
    };
    for _ in 0..3 {
        assert_eq!(apps(&first).await.unwrap().status(), StatusCode::OK);
    }
    assert_limited(apps(&first).await.unwrap()).await;
    assert_eq!(
        apps(&second).await.unwrap().status(),
        StatusCode::OK,
        "another token counts apart"
    );
}

#[tokio::test]
async fn routes_without_credentials_are_limited_per_address_behind_trusted_proxies_only() {
    async fn open(trusted: &str) -> crate::helpers::TestApp {
        let env = [
            ("PLUGBOARD_LIMITS_UNAUTHENTICATED_PER_MINUTE", "2"),
            ("PLUGBOARD_SERVER_TRUSTED_PROXIES", trusted),
        ];
        spawn_app_env("", &env).await.unwrap()
    }
    let app = open("127.0.0.1").await;
    let from = |client: &'static str| {
        app.api
            .get(app.url("/openapi.json"))
            .header("x-forwarded-for", format!("{client}, 127.0.0.1"))
            .send()
    };
    for _ in 0..2 {
        assert_eq!(from("203.0.113.1").await.unwrap().status(), StatusCode::OK);
    }
    assert_limited(from("203.0.113.1").await.unwrap()).await;
    assert_eq!(
        from("203.0.113.2").await.unwrap().status(),
        StatusCode::OK,
        "the proxy names another client"
    );
    // Liveness probes are never limited.
    for _ in 0..5 {
        assert_eq!(
            app.api.get(app.url("/healthz")).send().await.unwrap().status(),
            StatusCode::OK
        );
    }

    // Without trust, the header is the client's to write and is ignored.
    let app = open("").await;
    let spoofed = |client: &'static str| {
        app.api
            .get(app.url("/openapi.json"))
            .header("x-forwarded-for", client)
            .send()
    };
    assert_eq!(spoofed("198.51.100.1").await.unwrap().status(), StatusCode::OK);
    assert_eq!(spoofed("198.51.100.2").await.unwrap().status(), StatusCode::OK);
    assert_limited(spoofed("198.51.100.3").await.unwrap()).await;
}

#[tokio::test]
async fn big_bodies_get_413_and_unknown_methods_405_as_json() {
    let app = spawn_app_env("", &[]).await.unwrap();
    let five_mb = format!(
        "{{\"tenant_id\": \"t\", \"owner_name\": \"{}\"}}",
        "x".repeat(5 * 1024 * 1024)
    );
    let response = app
        .api
        .post(app.url("/link-token"))
        .bearer_auth(API_KEY)
        .header("content-type", "application/json")
        .body(five_mb.clone())
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::PAYLOAD_TOO_LARGE, "body_too_large").await;
    // Without a Content-Length (chunked), the limit meets the body as it is read.
    let stream = futures_util::stream::iter(
        five_mb
            .into_bytes()
            .chunks(64 * 1024)
            .map(|c| Ok::<_, std::io::Error>(c.to_vec()))
            .collect::<Vec<_>>(),
    );
    let response = app
        .api
        .post(app.url("/link-token"))
        .bearer_auth(API_KEY)
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::PAYLOAD_TOO_LARGE, "body_too_large").await;
    let response = app
        .api
        .put(app.url("/link-token"))
        .bearer_auth(API_KEY)
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    assert_eq!(app.count("link_tokens").await, 0, "nothing was stored");
}

#[tokio::test]
async fn stalled_clients_are_cut_off() {
    let app = spawn_app_env("", &[("PLUGBOARD_LIMITS_CLIENT_TIMEOUT_SECS", "1")])
        .await
        .unwrap();
    let addr = app.base.trim_start_matches("http://").to_owned();

    // Headers that never end (slowloris): the connection is closed.
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the server kept a stalled connection open");

    // A body that stops half-way: 408, as JSON.
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /link-token HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {API_KEY}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"tenant_id\""
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut buf))
        .await
        .unwrap()
        .unwrap();
    let answer = String::from_utf8_lossy(&buf);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    let body: Value = serde_json::from_str(answer.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert_eq!(body["error"]["code"], "request_timeout");
}
