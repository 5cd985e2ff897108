//! Every auth mode against the sandbox provider: basic, client credentials, and an OAuth
//! app that asks for a subdomain before the popup.

use plugboard_shared::{ConnectResult, FailureReason, PopupMessage, ResultPayload};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{assert_error, spawn_app};

fn identity(message: &PopupMessage) -> &str {
    match &message.payload {
        ResultPayload::Authorization(event) => &event.identity,
        ResultPayload::Failure(failure) => panic!("{failure:?}"),
    }
}

#[tokio::test]
async fn basic_auth_is_verified_with_the_typed_username_and_password() {
    let app = spawn_app().await;
    let token = app.link_token("t").await;
    let ok = json!({"fields": {"username": "frank", "password": "sandbox"}});
    let message: PopupMessage = app.connect(&token, "sandbox-tickets", ok).await.json().await.unwrap();
    assert_eq!(message.result, ConnectResult::Authorized);
    assert_eq!(identity(&message), "frank@sandbox.example");
    let wrong = json!({"fields": {"username": "frank", "password": "guess"}});
    let message: PopupMessage = app
        .connect(&token, "sandbox-tickets", wrong)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(message.result, ConnectResult::VerificationFailed);
}

#[tokio::test]
async fn client_credentials_get_a_token_and_are_verified() {
    let app = spawn_app().await;
    let token = app.link_token("t").await;
    let ok = json!({"fields": {"client_id": "payroll-bot", "client_secret": "sandbox-secret"}});
    let message: PopupMessage = app.connect(&token, "sandbox-payroll", ok).await.json().await.unwrap();
    assert_eq!(message.result, ConnectResult::Authorized);
    assert_eq!(identity(&message), "payroll-bot@sandbox.example");

    let wrong = json!({"fields": {"client_id": "payroll-bot", "client_secret": "nope"}});
    let message: PopupMessage = app
        .connect(&token, "sandbox-payroll", wrong)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(message.result, ConnectResult::Error);
    let ResultPayload::Failure(failure) = message.payload else {
        panic!()
    };
    assert_eq!(failure.reason, FailureReason::ProviderError);
    assert!(failure.message.unwrap().contains("wrong"));
    assert_eq!(app.accounts("tenant_id=t").await["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_subdomain_typed_first_reaches_the_provider_and_the_identity() {
    let app = spawn_app().await;
    let token = app.link_token("t").await;
    let body = json!({"fields": {"subdomain": "acme-eu"}});
    let message = app
        .popup_login_to(&token, "sandbox-helpdesk", body, "gina", "allow")
        .await
        .message();
    assert_eq!(message.result, ConnectResult::Authorized);
    assert_eq!(identity(&message), "gina@acme-eu.sandbox.example");
}

#[tokio::test]
async fn the_app_list_tells_the_widget_which_values_to_ask_before_the_popup() {
    let app = spawn_app().await;
    let token = app.link_token("t").await;
    let apps: Vec<plugboard_shared::WidgetApp> = app.widget_json(&token, "/widget/apps").await;
    let helpdesk = apps.iter().find(|a| a.key.as_str() == "sandbox-helpdesk").unwrap();
    let fields = helpdesk
        .fields
        .as_ref()
        .expect("an OAuth app that needs a subdomain lists its field");
    assert_eq!(fields[0].name, "subdomain");
    assert_eq!(fields[0].placeholder.as_deref(), Some("yourcompany"));
    let crm = apps.iter().find(|a| a.key.as_str() == "sandbox-crm").unwrap();
    assert!(crm.fields.is_none());
}

#[tokio::test]
async fn a_subdomain_that_could_change_the_host_is_refused() {
    let app = spawn_app().await;
    let token = app.link_token("t").await;
    for bad in ["evil.example/", "a@b", "x:1"] {
        let response = app
            .connect(&token, "sandbox-helpdesk", json!({"fields": {"subdomain": bad}}))
            .await;
        assert_error(response, StatusCode::BAD_REQUEST, "invalid_field").await;
    }
    let response = app.connect(&token, "sandbox-helpdesk", json!({})).await;
    assert_error(response, StatusCode::BAD_REQUEST, "missing_field").await;
}
