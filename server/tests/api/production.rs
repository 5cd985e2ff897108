//! Production mode, the `plugboard` binary's default: nothing on the server hands out a
//! link token or a key to whoever asks, and what travels over the network is protected.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{HOST_ORIGIN, assert_error, spawn_app, spawn_app_env};

#[tokio::test]
async fn the_demo_page_exists_only_in_development() {
    let production = spawn_app().await;
    let response = production
        .api
        .get(production.url("/demo?tenant_id=victim"))
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::NOT_FOUND, "not_found").await;

    let development = spawn_app_env("", &[("PLUGBOARD_SERVER_MODE", "development")])
        .await
        .unwrap();
    let response = development.api.get(development.url("/demo")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.text().await.unwrap().contains("lt_"),
        "the demo page carries a link token"
    );
}

#[tokio::test]
async fn production_refuses_to_start_without_an_api_key() {
    let err = spawn_app_env("", &[("PLUGBOARD_SECURITY_API_KEYS", "")])
        .await
        .err()
        .expect("no API key");
    assert!(
        format!("{err:#}").contains("plugboard api-key create"),
        "the message names the command to run: {err:#}"
    );
    // Development makes one for you instead.
    assert!(
        spawn_app_env(
            "",
            &[
                ("PLUGBOARD_SECURITY_API_KEYS", ""),
                ("PLUGBOARD_SERVER_MODE", "development")
            ]
        )
        .await
        .is_ok()
    );
}

#[tokio::test]
async fn the_sandbox_runs_in_production_only_when_asked_for() {
    let app = spawn_app_env("", &[("PLUGBOARD_SERVER_SANDBOX", "")]).await.unwrap();
    let response = app.api.get(app.url("/sandbox/api/me")).send().await.unwrap();
    assert_error(response, StatusCode::NOT_FOUND, "not_found").await;
    let token = app.link_token("t").await;
    assert!(app.app_names(&token, "").await.is_empty(), "no sandbox apps are listed");
}

#[tokio::test]
async fn https_brings_hsts_and_secure_cookies() {
    // The server listens on loopback http as tests do, but believes it is reached at an
    // https address (behind a TLS-terminating proxy).
    let app = spawn_app_env("", &[("PLUGBOARD_SERVER_PUBLIC_URL", "https://connect.example.test")])
        .await
        .unwrap();
    let response = app.api.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );

    let token = app.link_token("t").await;
    let started: serde_json::Value = app
        .api
        .post(app.url("/widget/connect/sandbox-crm"))
        .bearer_auth(&token)
        .header("origin", HOST_ORIGIN)
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let popup = started["popup_url"].as_str().unwrap();
    assert!(
        popup.starts_with("https://connect.example.test/oauth/start/"),
        "{popup}"
    );
    let path = popup.trim_start_matches("https://connect.example.test");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("Secure") && cookie.contains("HttpOnly"), "{cookie}");

    let plain = spawn_app().await;
    let response = plain.api.get(plain.url("/healthz")).send().await.unwrap();
    assert!(response.headers().get("strict-transport-security").is_none());
}

#[tokio::test]
async fn production_refuses_plain_http_on_a_public_host() {
    let err = spawn_app_env("", &[("PLUGBOARD_SERVER_PUBLIC_URL", "http://connect.example.com")])
        .await
        .err()
        .expect("plain http on a public host");
    assert!(format!("{err:#}").contains("https"), "{err:#}");
}
