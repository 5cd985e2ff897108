//! Connection metadata: what a provider returns that later calls need, read from the
//! callback (a region for the token URL), the token response (an instance) and a call
//! made with the new token (an organization), stored on the account, shown with it.

use plugboard_shared::{IntegratedAccount, ResultPayload};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

async fn connect(app: &TestApp, appkey: &str, body: Value, user: &str) -> IntegratedAccount {
    let token = app.link_token("t").await;
    let message = app.popup_login_to(&token, appkey, body, user, "allow").await.message();
    let ResultPayload::Authorization(event) = message.payload else {
        panic!("{message:?}")
    };
    app.backend_json(&format!("/integrated-accounts/{}", event.account_id))
        .await
}

#[tokio::test]
async fn metadata_from_the_callback_the_token_and_a_request_is_stored_and_shown() {
    let app = spawn_app().await;
    let helpdesk = connect(
        &app,
        "sandbox-helpdesk",
        json!({"fields": {"subdomain": "acme"}}),
        "meg",
    )
    .await;
    assert_eq!(
        helpdesk.metadata["region"], "eu1",
        "from the callback, and it filled the token URL"
    );
    assert!(
        helpdesk.metadata["instance"].starts_with("inst-"),
        "from the token response"
    );
    let crm = connect(&app, "sandbox-crm", json!({}), "meg").await;
    assert!(
        crm.metadata["org_id"].starts_with("org-"),
        "from a call made with the new token"
    );
    assert_eq!(crm.status, plugboard_shared::AccountStatus::Verified);

    let credentials: Value = app
        .backend_json(&format!("/integrated-accounts/{}/credentials", crm.account_id))
        .await;
    assert_eq!(credentials["metadata"]["org_id"], crm.metadata["org_id"]);
    let listed = app.accounts("app=sandbox-helpdesk").await;
    assert_eq!(
        listed["items"][0]["metadata"]["instance"],
        helpdesk.metadata["instance"]
    );
}

#[tokio::test]
async fn credentials_that_cannot_read_their_metadata_are_not_verified() {
    let app = spawn_app().await;
    // The sandbox refuses this user's token everywhere, its organization lookup included.
    let crm = connect(&app, "sandbox-crm", json!({}), "fail-verify").await;
    assert_eq!(crm.status, plugboard_shared::AccountStatus::VerificationFailed);
    assert!(crm.metadata.is_empty());
}
