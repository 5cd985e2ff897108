//! `GET /integrated-accounts`: the host backend's list, per tenant, paginated.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{API_KEY, assert_error, spawn_app};

#[tokio::test]
async fn accounts_are_listed_per_tenant_and_page_by_page() {
    let app = spawn_app().await;
    let token = app.link_token("pager").await;
    for name in ["a", "b", "c"] {
        app.connect(
            &token,
            "sandbox-hr",
            json!({"fields": {"api_key": format!("sk_sandbox_{name}")}}),
        )
        .await;
    }
    let other = app.link_token("someone-else").await;
    app.connect(&other, "sandbox-hr", json!({"fields": {"api_key": "sk_sandbox_z"}}))
        .await;

    let first = app.accounts("tenant_id=pager&limit=2").await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let next = first["next_start_key"].as_str().unwrap();
    let second = app.accounts(&format!("tenant_id=pager&limit=2&start_key={next}")).await;
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert!(second["next_start_key"].is_null());
    let identities: Vec<&str> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["items"].as_array().unwrap())
        .map(|a| a["identity"].as_str().unwrap())
        .collect();
    assert_eq!(
        identities,
        ["a@sandbox.example", "b@sandbox.example", "c@sandbox.example"]
    );

    let one = &first["items"][0];
    let response = app
        .api
        .get(app.url(&format!("/integrated-accounts/{}", one["account_id"].as_str().unwrap())))
        .bearer_auth(API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(response.json::<serde_json::Value>().await.unwrap(), *one);
}

#[tokio::test]
async fn bad_filters_and_unknown_ids_get_clear_errors() {
    let app = spawn_app().await;
    for query in ["limit=0", "limit=201"] {
        let response = app
            .api
            .get(app.url(&format!("/integrated-accounts?{query}")))
            .bearer_auth(API_KEY)
            .send()
            .await
            .unwrap();
        assert_error(response, StatusCode::BAD_REQUEST, "invalid_limit").await;
    }
    for query in ["tenant_id=a%20b", "status=great", "start_key=x1"] {
        let response = app
            .api
            .get(app.url(&format!("/integrated-accounts?{query}")))
            .bearer_auth(API_KEY)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
    }
    let response = app
        .api
        .get(app.url("/integrated-accounts/acc_missing"))
        .bearer_auth(API_KEY)
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::NOT_FOUND, "unknown_account").await;
    let response = app.api.get(app.url("/integrated-accounts")).send().await.unwrap();
    assert_error(response, StatusCode::UNAUTHORIZED, "missing_credentials").await;
}
