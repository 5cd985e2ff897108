//! `POST /link-token`: the host backend opens a session for one tenant.

use plugboard_shared::LinkTokenResponse;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{API_KEY, assert_error, spawn_app};

#[tokio::test]
async fn a_backend_gets_a_token_and_a_connect_url() {
    let app = spawn_app().await;
    let response = app
        .post_link_token(json!({"tenant_id": "tenant_1", "expires_in": 3600}))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: serde_json::Value = response.json().await.unwrap();
    let token = body["link_token"].as_str().unwrap();
    assert!(token.starts_with("lt_"));
    assert_eq!(body["connect_url"], app.url(&format!("/connect?link_token={token}")));
    assert!(body["expires_at"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn a_missing_or_wrong_api_key_is_refused() {
    let app = spawn_app().await;
    let response = app
        .api
        .post(app.url("/link-token"))
        .json(&json!({"tenant_id": "t"}))
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::UNAUTHORIZED, "missing_credentials").await;
    let response = app
        .api
        .post(app.url("/link-token"))
        .bearer_auth("nope")
        .json(&json!({"tenant_id": "t"}))
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_api_key").await;
}

#[tokio::test]
async fn bad_bodies_get_a_clear_400() {
    let app = spawn_app().await;
    for body in [
        json!({"tenant_id": "has space"}),
        json!({"tenant_id": "x".repeat(129)}),
        json!({}),
        json!({"tenant_id": "t", "surprise": 1}),
    ] {
        assert_error(app.post_link_token(body).await, StatusCode::BAD_REQUEST, "invalid_body").await;
    }
    assert_error(
        app.post_link_token(json!({"tenant_id": "t", "expires_in": 31 * 24 * 3600}))
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_expires_in",
    )
    .await;
    assert_error(
        app.post_link_token(json!({"tenant_id": "t", "deployment_id": "nope"}))
            .await,
        StatusCode::BAD_REQUEST,
        "unknown_deployment",
    )
    .await;
    assert_error(
        app.post_link_token(json!({"tenant_id": "t", "redirect_uri": "javascript:alert(1)"}))
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_redirect_uri",
    )
    .await;
    let response = app
        .api
        .post(app.url("/link-token"))
        .bearer_auth(API_KEY)
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::BAD_REQUEST, "invalid_body").await;
}

#[tokio::test]
async fn widget_calls_need_a_live_token() {
    let app = spawn_app().await;
    let response = app
        .api
        .get(app.url("/widget/apps"))
        .bearer_auth("lt_unknown")
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_link_token").await;
    let response = app.api.get(app.url("/widget/apps")).send().await.unwrap();
    assert_error(response, StatusCode::UNAUTHORIZED, "missing_credentials").await;

    let body: serde_json::Value = app
        .post_link_token(json!({"tenant_id": "t", "expires_in": 1}))
        .await
        .json()
        .await
        .unwrap();
    app.clock.advance(2);
    let response = app
        .api
        .get(app.url("/widget/apps"))
        .bearer_auth(body["link_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::UNAUTHORIZED, "expired_link_token").await;
}

#[tokio::test]
async fn the_token_lists_the_sandbox_apps_and_its_session() {
    let app = spawn_app().await;
    let body: serde_json::Value = app
        .post_link_token(
            json!({"tenant_id": "t", "redirect_uri": "https://app.example.com/done", "owner_name": "Acme"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let token = body["link_token"].as_str().unwrap();
    let apps: Vec<plugboard_shared::WidgetApp> = app.widget_json(token, "/widget/apps").await;
    let names: Vec<&str> = apps.iter().map(|a| a.name.as_str()).collect();
    assert!(
        names.contains(&"Sandbox CRM") && names.contains(&"Sandbox HR"),
        "{names:?}"
    );
    assert!(apps.iter().all(|a| !a.connected && a.logo_url.starts_with(&app.base)));
    let session: plugboard_shared::SessionInfo = app.widget_json(token, "/widget/session").await;
    assert_eq!(session.tenant_id.as_str(), "t");
    assert_eq!(session.redirect_uri.as_deref(), Some("https://app.example.com/done"));
}

#[tokio::test]
async fn a_revoked_link_token_stops_working_at_once() {
    let app = spawn_app().await;
    let issued: LinkTokenResponse = app
        .post_link_token(json!({"tenant_id": "t"}))
        .await
        .json()
        .await
        .unwrap();
    assert!(issued.id.starts_with("ltk_") && !issued.link_token.contains(&issued.id));
    let revoke = |id: String| {
        let (api, url) = (app.api.clone(), app.url(&format!("/link-tokens/{id}")));
        async move { api.delete(url).bearer_auth(API_KEY).send().await.unwrap() }
    };
    // Only the host's backend may revoke.
    let response = app
        .api
        .delete(app.url(&format!("/link-tokens/{}", issued.id)))
        .bearer_auth(&issued.link_token)
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_api_key").await;
    assert_eq!(app.app_names(&issued.link_token, "").await.len(), 5, "still valid");

    assert_eq!(revoke(issued.id.clone()).await.status(), StatusCode::NO_CONTENT);
    let response = app
        .api
        .get(app.url("/widget/apps"))
        .bearer_auth(&issued.link_token)
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::UNAUTHORIZED, "revoked_link_token").await;
    assert_eq!(
        revoke(issued.id).await.status(),
        StatusCode::NO_CONTENT,
        "revoking twice is harmless"
    );
    assert_error(
        revoke("ltk_nope".into()).await,
        StatusCode::NOT_FOUND,
        "unknown_link_token",
    )
    .await;
}
