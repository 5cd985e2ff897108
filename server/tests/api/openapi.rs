//! `GET /openapi.json` is generated from the routes themselves (each declared once, with
//! its operation), so these tests check properties of the document rather than a copied
//! list of paths: every operation is tagged, named and answers JSON errors; the error
//! codes it lists are the server's, and so is the README's table.

use std::collections::BTreeSet;

use plugboard_server::error::ErrorCode;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestApp, spawn_app};

pub const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

pub async fn document(app: &TestApp) -> Value {
    app.api
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// `(method, path)` of every operation in the document.
pub fn operations(doc: &Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS {
            if item.get(method).is_some() {
                found.push((method.to_owned(), path.clone()));
            }
        }
    }
    found
}

#[tokio::test]
async fn every_operation_is_tagged_named_and_answers_json_errors() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let mut ids = BTreeSet::new();
    for (method, path) in operations(&doc) {
        let operation = &doc["paths"][&path][&method];
        let name = format!("{} {path}", method.to_uppercase());
        assert!(
            operation["tags"].as_array().is_some_and(|t| !t.is_empty()),
            "{name} has no tag"
        );
        let id = operation["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{name} has no operationId"));
        assert!(ids.insert(id.to_owned()), "operationId {id} twice");
        let responses = operation["responses"].as_object().unwrap();
        let errors: Vec<&Value> = responses
            .iter()
            .filter(|(status, _)| status.starts_with('4') || status.starts_with('5'))
            .map(|(_, r)| r)
            .collect();
        assert!(!errors.is_empty(), "{name} documents no error answer");
        assert!(
            errors
                .iter()
                .any(|r| r["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/ErrorBody"),
            "{name}: its errors are not the JSON error body"
        );
        let secured = operation["security"].as_array().is_some_and(|s| !s.is_empty());
        if secured {
            assert!(
                responses.contains_key("401"),
                "{name} takes credentials but documents no 401"
            );
        }
    }
    assert!(ids.len() > 30, "only {} operations", ids.len());
}

#[tokio::test]
async fn every_documented_operation_is_served() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    for (method, path) in operations(&doc) {
        let concrete = path
            .split('/')
            .map(|segment| if segment.starts_with('{') { "x" } else { segment })
            .collect::<Vec<_>>()
            .join("/");
        let response = app
            .api
            .request(method.to_uppercase().parse().unwrap(), app.url(&concrete))
            .send()
            .await
            .unwrap();
        let status = response.status();
        let code = response.json::<Value>().await.ok().map(|b| b["error"]["code"].clone());
        let missing = status == StatusCode::METHOD_NOT_ALLOWED
            || (status == StatusCode::NOT_FOUND && code == Some("not_found".into()));
        assert!(
            !missing,
            "{} {path} is documented but not served ({status})",
            method.to_uppercase()
        );
    }
}

#[tokio::test]
async fn the_error_codes_are_the_servers_own_and_the_readmes() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let listed: Vec<String> = doc["components"]["schemas"]["ErrorDetail"]["properties"]["code"]["enum"]
        .as_array()
        .expect("ErrorDetail.code lists the codes")
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    let server: Vec<String> = ErrorCode::ALL.iter().map(|c| c.as_str().to_owned()).collect();
    assert_eq!(listed, server);

    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let table: Vec<(String, u16)> = readme
        .split("### Error codes")
        .nth(1)
        .expect("README has an error code table")
        .lines()
        .skip_while(|l| !l.starts_with("| `"))
        .take_while(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells[1].trim_matches('`').to_owned(), cells[2].parse().unwrap())
        })
        .collect();
    let expected: Vec<(String, u16)> = ErrorCode::ALL
        .iter()
        .map(|c| (c.as_str().to_owned(), c.status().as_u16()))
        .collect();
    assert_eq!(table, expected, "README's error table differs from ErrorCode::ALL");
}

#[tokio::test]
async fn shared_schemas_keep_their_contract() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["IntegratedAccount"]["properties"]["tenant_id"]["$ref"],
        "#/components/schemas/TenantId"
    );
    assert_eq!(schemas["TenantId"]["pattern"], "^[a-zA-Z0-9_.-]{1,128}$");
    assert!(doc["components"]["securitySchemes"]["api_key"].is_object());
    for schema in ["WidgetAccount", "RemovalEvent", "ConnectRequest", "LinkTokenResponse"] {
        assert!(schemas[schema].is_object(), "{schema} is not in the document");
    }
    assert!(schemas["ConnectRequest"]["properties"]["return_to"].is_object());
    assert!(schemas["WidgetApp"]["properties"]["accounts"].is_object());
    assert!(schemas["LinkTokenResponse"]["properties"]["id"].is_object());
}
