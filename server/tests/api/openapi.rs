//! `GET /openapi.json` documents every path of the contract, generated from the code.

use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_openapi_document_covers_the_http_api() {
    let app = spawn_app().await;
    let doc: Value = app
        .api
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/link-token",
        "/widget/session",
        "/widget/apps",
        "/widget/connect/{app}",
        "/widget/attempts/{attempt_id}",
        "/widget/accounts/{account_id}",
        "/oauth/start/{attempt_id}",
        "/oauth/callback",
        "/connect",
        "/integrated-accounts",
        "/integrated-accounts/{account_id}",
        "/integrated-accounts/{account_id}/verify",
        "/integrated-accounts/{account_id}/credentials",
        "/integrated-accounts/{account_id}/logs",
        "/webhook-events",
        "/healthz",
        "/readyz",
    ] {
        assert!(paths.contains_key(path), "{path} is not documented");
    }
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["IntegratedAccount"]["properties"]["tenant_id"]["$ref"],
        "#/components/schemas/TenantId"
    );
    assert_eq!(schemas["TenantId"]["pattern"], "^[a-zA-Z0-9_.-]{1,128}$");
    assert!(doc["components"]["securitySchemes"]["api_key"].is_object());
    for schema in ["WidgetAccount", "RemovalEvent", "ConnectRequest"] {
        assert!(schemas[schema].is_object(), "{schema} is not in the document");
    }
    assert!(schemas["ConnectRequest"]["properties"]["return_to"].is_object());
    assert!(schemas["WidgetApp"]["properties"]["accounts"].is_object());
}
