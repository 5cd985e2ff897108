//! Providers on a bad day, from the sandbox's fault switches (`token-500`,
//! `verify-timeout`…): each connect ends with a clear error the widget can show, leaves
//! nothing half-written, and the person can try again at once.

use plugboard_shared::{AttemptOutcome, ConnectResult, FailureReason, ResultPayload};
use serde_json::Value;

use crate::helpers::{TestApp, spawn_app_env};

/// The server gives a provider a second; the sandbox's `timeout` faults answer after two.
async fn impatient_app() -> TestApp {
    spawn_app_env("", &[("PLUGBOARD_LIMITS_PROVIDER_TIMEOUT_SECS", "1")])
        .await
        .unwrap()
}

#[tokio::test]
async fn a_failing_token_endpoint_is_a_clear_error_and_the_person_can_retry() {
    let app = impatient_app().await;
    let token = app.link_token("faults").await;
    for (user, says) in [
        ("token-timeout", "did not answer the token request in time"),
        ("token-500", "token endpoint failed"),
        ("token-malformed", "not valid JSON"),
    ] {
        let popup = app.popup_login(&token, user, "allow").await;
        let message = popup.message();
        assert_eq!(message.result, ConnectResult::Error, "{user}");
        let ResultPayload::Failure(failure) = &message.payload else {
            panic!("{user}: {message:?}")
        };
        assert_eq!(failure.reason, FailureReason::ProviderError);
        let detail = failure.message.as_deref().unwrap_or_default();
        assert!(detail.contains(says), "{user}: {detail}");
        // The widget learns the same from the attempt, and nothing was stored.
        let outcome = app.attempt(&token, &popup.attempt_id).await;
        assert_eq!(
            outcome,
            AttemptOutcome::Complete {
                result: message.result,
                payload: message.payload.clone()
            }
        );
        assert_eq!(app.count("integrated_accounts").await, 0, "{user}");
    }
    assert_eq!(app.count("webhook_events").await, 0);

    let retry = app.popup_login(&token, "alice", "allow").await.message();
    assert_eq!(retry.result, ConnectResult::Authorized, "the same link works again");
    let slow = app.popup_login(&token, "token-slow", "allow").await.message();
    assert_eq!(slow.result, ConnectResult::Authorized, "slow is not failed");
    assert_eq!(app.count("integrated_accounts").await, 2);
}

#[tokio::test]
async fn a_failing_verification_call_is_reported_as_such_with_its_reason() {
    let app = impatient_app().await;
    let token = app.link_token("faults").await;
    for (user, says) in [
        ("verify-timeout", "did not answer the verification call in time"),
        ("verify-500", "answered 500"),
        ("verify-malformed", "not JSON"),
    ] {
        let message = app.popup_login(&token, user, "allow").await.message();
        assert_eq!(message.result, ConnectResult::VerificationFailed, "{user}");
        let ResultPayload::Authorization(event) = &message.payload else {
            panic!("{user}: {message:?}")
        };
        // One account, marked unverified, whose log says why; re-verifying it or
        // connecting again is the way on.
        let account: Value = app
            .backend_json(&format!("/integrated-accounts/{}", event.account_id))
            .await;
        assert_eq!(account["status"], "verification_failed", "{user}");
        let logs: Value = app
            .backend_json(&format!("/integrated-accounts/{}/logs", event.account_id))
            .await;
        let detail = logs["items"][0]["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(says), "{user}: {logs}");
    }
    // Unverified credentials name nobody: each try updates the one unverified account
    // of the tenant and app instead of piling up new ones.
    assert_eq!(app.count("integrated_accounts").await, 1);

    let slow = app.popup_login(&token, "verify-slow", "allow").await.message();
    assert_eq!(slow.result, ConnectResult::Authorized);
    // An API-key app verifies with the same call: its key names the fault.
    let typed = app
        .connect(
            &token,
            "sandbox-hr",
            serde_json::json!({"fields": {"api_key": "sk_sandbox_verify-500"}}),
        )
        .await;
    let typed: plugboard_shared::PopupMessage = typed.json().await.unwrap();
    assert_eq!(typed.result, ConnectResult::VerificationFailed);
}

#[tokio::test]
async fn server_timing_tells_the_providers_share_of_a_connect() {
    let app = impatient_app().await;
    let token = app.link_token("timing").await;
    // Verification waits half the (one-second) provider timeout.
    let answer = app
        .connect(
            &token,
            "sandbox-hr",
            serde_json::json!({"fields": {"api_key": "sk_sandbox_verify-slow"}}),
        )
        .await;
    let timing = answer.headers()["server-timing"].to_str().unwrap().to_owned();
    let duration = |name: &str| -> f64 {
        let entry = timing.split(", ").find(|e| e.starts_with(name)).unwrap();
        entry.split("dur=").nth(1).unwrap().parse().unwrap()
    };
    assert!(duration("provider;") >= 500.0, "{timing}");
    assert!(duration("app;") < duration("provider;"), "{timing}");
    let health = app.api.get(app.url("/healthz")).send().await.unwrap();
    let timing = health.headers()["server-timing"].to_str().unwrap();
    assert!(
        timing.starts_with("app;dur=") && !timing.contains("provider"),
        "{timing}"
    );
}
