//! Redirect mode, for browsers where popups fail: the page itself goes to `popup_url`,
//! signs in at the sandbox, and comes back to `return_to?plugboard_attempt=…`, where a
//! fresh link token of the same tenant reads the outcome.

use plugboard_shared::{AttemptOutcome, ConnectResult, ConnectStarted, FailureReason, ResultPayload};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Browser, HOST_ORIGIN, TestApp, assert_error, spawn_app};

/// Starts a redirect-mode attempt and walks the browser to the callback URL.
async fn sign_in(
    app: &TestApp,
    token: &str,
    return_to: &str,
    user: &str,
    decision: &str,
) -> (ConnectStarted, Browser, String) {
    let response = app.connect(token, "sandbox-crm", json!({"return_to": return_to})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let started: ConnectStarted = response.json().await.unwrap();
    let browser = Browser::new();
    let authorize = browser.redirect_target(&started.popup_url).await;
    let callback = browser.login(&authorize, user, decision).await;
    (started, browser, callback)
}

/// Follows the callback and checks it sends the browser back with a 303.
async fn come_back(browser: &Browser, callback: &str) -> String {
    let response = browser.send(callback).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["referrer-policy"], "no-referrer");
    response.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_page_comes_back_to_return_to_and_a_fresh_token_reads_the_outcome() {
    let app = spawn_app().await;
    let token = app.link_token("mobile").await;
    let return_to = format!("{HOST_ORIGIN}/settings/apps?tab=crm#connected");
    let (started, browser, callback) = sign_in(&app, &token, &return_to, "alice", "allow").await;
    assert!(
        started
            .popup_url
            .ends_with(&format!("/oauth/start/{}", started.attempt_id))
    );
    let location = come_back(&browser, &callback).await;
    assert_eq!(
        location,
        format!(
            "{HOST_ORIGIN}/settings/apps?tab=crm&plugboard_attempt={}#connected",
            started.attempt_id
        )
    );

    // The host page loaded again and its backend minted a new token for the same tenant.
    let fresh = app.link_token("mobile").await;
    let outcome = app.attempt(&fresh, &started.attempt_id).await;
    let AttemptOutcome::Complete {
        result: ConnectResult::Authorized,
        payload: ResultPayload::Authorization(event),
    } = outcome
    else {
        panic!("{outcome:?}")
    };
    assert_eq!(event.identity, "alice@sandbox.example");
    assert_eq!(
        app.accounts("tenant_id=mobile").await["items"][0]["account_id"],
        event.account_id
    );

    // Only the same tenant's tokens can read it, and the callback is single-use.
    let other = app.link_token("someone-else").await;
    let response = app
        .api
        .get(app.url(&format!("/widget/attempts/{}", started.attempt_id)))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::NOT_FOUND, "unknown_attempt").await;
    let (status, _) = browser.get(&callback).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_denied_sign_in_comes_back_too_and_another_browser_does_not() {
    let app = spawn_app().await;
    let token = app.link_token("mobile").await;
    let return_to = format!("{HOST_ORIGIN}/connect-back");
    let (started, browser, callback) = sign_in(&app, &token, &return_to, "dave", "deny").await;
    let location = come_back(&browser, &callback).await;
    assert_eq!(
        location,
        format!("{return_to}?plugboard_attempt={}", started.attempt_id)
    );
    let outcome = app.attempt(&token, &started.attempt_id).await;
    let AttemptOutcome::Complete {
        result: ConnectResult::Error,
        payload: ResultPayload::Failure(failure),
    } = outcome
    else {
        panic!("{outcome:?}")
    };
    assert_eq!(failure.reason, FailureReason::Cancelled);

    // The browser binding still holds: a callback replayed elsewhere is a dead end.
    let (started, _victim, callback) = sign_in(&app, &token, &return_to, "mallory", "allow").await;
    let response = Browser::new().send(&callback).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers().get("location").is_none());
    assert!(response.text().await.unwrap().contains("another browser"));
    let outcome = app.attempt(&token, &started.attempt_id).await;
    assert_eq!(outcome, AttemptOutcome::Pending);
    assert!(
        app.accounts("tenant_id=mobile").await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn the_servers_own_pages_may_be_return_to() {
    let app = spawn_app().await;
    let token = app.link_token("hosted").await;
    let return_to = app.url("/connect?link_token=lt_x");
    let (started, browser, callback) = sign_in(&app, &token, &return_to, "erin", "allow").await;
    assert_eq!(
        come_back(&browser, &callback).await,
        format!("{return_to}&plugboard_attempt={}", started.attempt_id)
    );
}

#[tokio::test]
async fn a_bad_return_to_is_a_400() {
    let app = spawn_app().await;
    let token = app.link_token("mobile").await;
    for bad in [
        "https://evil.example/steal",
        "/settings",
        "javascript:alert(1)",
        "ftp://localhost:13000/x",
        "http://user:pw@localhost:13000/x",
        "http://localhost:13001/x",
        "",
    ] {
        let response = app.connect(&token, "sandbox-crm", json!({"return_to": bad})).await;
        assert_error(response, StatusCode::BAD_REQUEST, "invalid_return_to").await;
    }
    // Form apps answer at once: there is nothing to come back from.
    let response = app
        .connect(
            &token,
            "sandbox-hr",
            json!({"fields": {"api_key": "sk_sandbox_x"}, "return_to": format!("{HOST_ORIGIN}/x")}),
        )
        .await;
    assert_error(response, StatusCode::BAD_REQUEST, "invalid_return_to").await;
    assert!(
        app.accounts("tenant_id=mobile").await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}
