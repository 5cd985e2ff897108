//! Which apps a session lists: active deployments, the deployment asked for, the
//! category, never the host's own app, never an OAuth app without credentials.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{assert_error, spawn_app, spawn_app_with};

const DEPLOYMENTS: &str = r#"
[[deployments]]
id = "sales"
apps = ["sandbox-crm", "sandbox-tickets"]

[[deployments]]
id = "people"
apps = ["sandbox-hr", "sandbox-payroll"]

[[deployments]]
id = "retired"
active = false
apps = ["sandbox-helpdesk"]
"#;

/// Without deployments, the sandbox and what the host configured; form-based catalog
/// apps need no credentials but are listed only when a deployment names them.
#[tokio::test]
async fn without_deployments_every_enabled_app_is_listed() {
    let app = spawn_app().await;
    let token = app.link_token("t").await;
    let names = app.app_names(&token, "").await;
    for sandbox in [
        "Sandbox CRM",
        "Sandbox Helpdesk",
        "Sandbox HR",
        "Sandbox Payroll",
        "Sandbox Tickets",
    ] {
        assert!(names.contains(&sandbox.to_owned()), "{names:?}");
    }
    assert!(
        !names.contains(&"Stripe".to_owned()),
        "catalog API-key apps are not listed unasked"
    );
    assert!(
        !names.contains(&"GitHub".to_owned()),
        "an OAuth app without client credentials is not listed"
    );
}

#[tokio::test]
async fn active_deployments_are_listed_and_inactive_ones_are_not() {
    let app = spawn_app_with(DEPLOYMENTS).await.unwrap();
    let token = app.link_token("t").await;
    assert_eq!(
        app.app_names(&token, "").await,
        ["Sandbox CRM", "Sandbox HR", "Sandbox Payroll", "Sandbox Tickets"]
    );
    assert_eq!(
        app.app_names(&token, "?deployment_id=people").await,
        ["Sandbox HR", "Sandbox Payroll"]
    );
    let retired = app
        .api
        .get(app.url("/widget/apps?deployment_id=retired"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_error(retired, StatusCode::FORBIDDEN, "inactive_deployment").await;
    let unknown = app
        .api
        .get(app.url("/widget/apps?deployment_id=nope"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    // One code, one status: an unknown deployment is bad input wherever it is named.
    assert_error(unknown, StatusCode::BAD_REQUEST, "unknown_deployment").await;
}

#[tokio::test]
async fn the_token_deployment_and_category_narrow_the_list() {
    let app = spawn_app_with(DEPLOYMENTS).await.unwrap();
    let response = app
        .post_link_token(json!({"tenant_id": "t", "deployment_id": "sales"}))
        .await;
    let token = response.json::<serde_json::Value>().await.unwrap()["link_token"]
        .as_str()
        .unwrap()
        .to_owned();
    // The page cannot widen the token's deployment.
    assert_eq!(
        app.app_names(&token, "?deployment_id=people").await,
        ["Sandbox CRM", "Sandbox Tickets"]
    );
    assert_eq!(app.app_names(&token, "?category=ticketing").await, ["Sandbox Tickets"]);
    let hris = app.post_link_token(json!({"tenant_id": "t", "category": "hris"})).await;
    let hris = hris.json::<serde_json::Value>().await.unwrap()["link_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(app.app_names(&hris, "").await, ["Sandbox HR", "Sandbox Payroll"]);
    // An app outside the session cannot be connected either.
    assert_error(
        app.connect(&hris, "sandbox-crm", json!({})).await,
        StatusCode::NOT_FOUND,
        "unknown_app",
    )
    .await;
}

#[tokio::test]
async fn a_deployment_may_name_an_api_key_app_without_credentials() {
    let app = spawn_app_with("[[deployments]]\nid = \"billing\"\napps = [\"stripe\", \"sandbox-crm\"]\n")
        .await
        .unwrap();
    let token = app.link_token("t").await;
    assert_eq!(app.app_names(&token, "").await, ["Sandbox CRM", "Stripe"]);
}

#[tokio::test]
async fn the_hosts_own_app_is_never_listed() {
    let app = spawn_app_with("[server]\nown_app = \"sandbox-hr\"\n").await.unwrap();
    let token = app.link_token("t").await;
    assert!(!app.app_names(&token, "").await.contains(&"Sandbox HR".to_owned()));
}

const ACME_PROVIDER: &str = r#"
[[providers]]
key = "acme-crm"
name = "Acme CRM"
category = "crm"
auth_mode = "oauth2"
authorization_url = "https://auth.acme.example/authorize"
token_url = "https://auth.acme.example/token"
base_url = "https://api.acme.example"
verify = { url = "https://api.acme.example/me", identity = "/email" }
"#;

#[tokio::test]
async fn oauth_apps_without_credentials_are_not_listed_until_configured() {
    let app = spawn_app_with(ACME_PROVIDER).await.unwrap();
    let token = app.link_token("t").await;
    assert!(!app.app_names(&token, "").await.contains(&"Acme CRM".to_owned()));

    let configured = format!("{ACME_PROVIDER}\n[apps.acme-crm]\nclient_id = \"id\"\nclient_secret = \"secret\"\n");
    let app = spawn_app_with(&configured).await.unwrap();
    let token = app.link_token("t").await;
    assert!(app.app_names(&token, "").await.contains(&"Acme CRM".to_owned()));
}

#[tokio::test]
async fn bad_configuration_stops_start_up_with_a_clear_message() {
    let cases = [
        (
            format!("{ACME_PROVIDER}\n[[deployments]]\nid = \"d\"\napps = [\"acme-crm\"]\n"),
            "no credentials",
        ),
        (
            "[[deployments]]\nid = \"d\"\napps = [\"nope\"]\n".to_owned(),
            "unknown app",
        ),
        (
            "[[deployments]]\nid = \"d\"\napps = []\n[[deployments]]\nid = \"d\"\napps = []\n".to_owned(),
            "appears twice",
        ),
        ("[apps.nope]\nclient_id = \"x\"\n".to_owned(), "no provider"),
        // (The harness sets server.sandbox through the environment, which wins over the file.)
        ("[server]\nreverify_after = \"soon\"\n".to_owned(), "reverify_after"),
        ("[server]\nmode = \"staging\"\n".to_owned(), "mode"),
    ];
    for (config, expected) in cases {
        let err = spawn_app_with(&config)
            .await
            .err()
            .unwrap_or_else(|| panic!("start-up must fail for {config}"));
        assert!(format!("{err:#}").contains(expected), "{config}\n→ {err:#}");
    }
}
