//! Walks every route the router serves (read from `/openapi.json`, which is generated from
//! the router itself) as an outsider: with no credential, with a wrong API key, and with
//! another tenant's link token. No answer may carry a new link token or the victim
//! tenant's data, and nothing of the victim's may change.

use plugboard_shared::ResultPayload;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{APP_ID, TestApp, spawn_app, spawn_app_env};
use crate::openapi::{document, operations};

/// What an outsider could learn about the victim, and use against them.
struct Victim {
    tenant: &'static str,
    accounts: Vec<String>,
    identities: Vec<String>,
    attempt_id: String,
    link_token: String,
    link_token_id: String,
}

async fn victim(app: &TestApp) -> Victim {
    let issued: Value = app
        .post_link_token(json!({"tenant_id": "victim", "allow_disconnect": true}))
        .await
        .json()
        .await
        .unwrap();
    let link_token = issued["link_token"].as_str().unwrap().to_owned();
    let popup = app.popup_login(&link_token, "victim-user", "allow").await;
    let ResultPayload::Authorization(oauth) = popup.message().payload else {
        panic!()
    };
    let form = app
        .connect(
            &link_token,
            "sandbox-hr",
            json!({"fields": {"api_key": "sk_sandbox_victim-key"}}),
        )
        .await;
    let form: plugboard_shared::PopupMessage = form.json().await.unwrap();
    let ResultPayload::Authorization(key) = form.payload else {
        panic!()
    };
    Victim {
        tenant: "victim",
        accounts: vec![oauth.account_id, key.account_id],
        identities: vec![oauth.identity, key.identity],
        attempt_id: popup.attempt_id,
        link_token,
        link_token_id: issued["id"].as_str().unwrap().to_owned(),
    }
}

/// The path with its parameters pointing at the victim's things (the first account; the
/// second is one the outsider never names, so any mention of it is a leak).
fn aimed(path: &str, victim: &Victim) -> String {
    path.split('/')
        .map(|segment| match segment {
            "{account_id}" => victim.accounts[0].clone(),
            "{attempt_id}" => victim.attempt_id.clone(),
            "{id}" => victim.link_token_id.clone(),
            "{app}" => "sandbox-crm".to_owned(),
            s if s.starts_with('{') => "x".to_owned(),
            s => s.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// A body an attacker would send: the victim's tenant and account, a made-up hash.
fn attack_body(victim: &Victim) -> Value {
    json!({"tenant_id": victim.tenant, "account_id": victim.accounts[0], "app_id": APP_ID,
           "user_id": victim.tenant, "hash": "00", "fields": {"api_key": "sk_sandbox_intruder"}})
}

/// Every `(credential, METHOD path)` whose answer leaked or minted something.
async fn walk(app: &TestApp, victim: &Victim, outsider_token: &str) -> Vec<String> {
    let doc = document(app).await;
    let tokens_before = app.count("link_tokens").await;
    let mut findings = Vec::new();
    let credentials: [(&str, Option<&str>); 3] = [
        ("none", None),
        ("wrong api key", Some("pb_wrong")),
        ("other tenant's link token", Some(outsider_token)),
    ];
    for (method, path) in operations(&doc) {
        for (who, credential) in credentials {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let url = app.url(&aimed(&path, victim));
            let body = (method != Method::GET).then(|| attack_body(victim).to_string());
            // Echoing what the request itself said is not a leak.
            let sent = format!("{url} {}", body.as_deref().unwrap_or_default());
            let mut request = app
                .api
                .request(method.clone(), url)
                .header("origin", crate::helpers::HOST_ORIGIN)
                .header("content-type", "application/json");
            if let Some(credential) = credential {
                request = request.bearer_auth(credential);
            }
            if let Some(body) = body {
                request = request.body(body);
            }
            let response = request.send().await.unwrap();
            let status = response.status();
            let body = response.text().await.unwrap();
            let name = format!("{who}: {method} {path} ({status})");
            if body.contains("lt_") {
                findings.push(format!("{name} answered a link token"));
            }
            let tenant = format!("\"{}\"", victim.tenant);
            let leaked = victim
                .accounts
                .iter()
                .chain(&victim.identities)
                .chain([&tenant])
                .any(|secret| body.contains(secret.as_str()) && !sent.contains(secret.trim_matches('"')));
            if leaked {
                findings.push(format!("{name} answered the victim's data: {body:.200}"));
            }
            if status.is_server_error() {
                findings.push(format!("{name} failed: {body:.200}"));
            }
        }
    }
    if app.count("link_tokens").await != tokens_before {
        findings.push("a link token was stored".into());
    }
    findings
}

async fn victim_is_untouched(app: &TestApp, victim: &Victim) {
    let listed = app.accounts("tenant_id=victim").await;
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        victim.accounts.len(),
        "{listed}"
    );
    assert_eq!(
        app.app_names(&victim.link_token, "").await.len(),
        5,
        "the victim's link still works"
    );
}

#[tokio::test]
async fn in_production_no_route_mints_a_token_or_answers_another_tenants_data() {
    let app = spawn_app().await;
    let victim = victim(&app).await;
    let outsider = app.link_token("outsider").await;
    let findings = walk(&app, &victim, &outsider).await;
    assert!(findings.is_empty(), "{findings:#?}");
    victim_is_untouched(&app, &victim).await;
}

/// The walk sees what it is meant to see: development mode's demo page is found out.
#[tokio::test]
async fn the_walk_finds_the_development_demo_page() {
    let app = spawn_app_env("", &[("PLUGBOARD_SERVER_MODE", "development")])
        .await
        .unwrap();
    let victim = victim(&app).await;
    let outsider = app.link_token("outsider").await;
    let findings = walk(&app, &victim, &outsider).await;
    assert!(
        findings
            .iter()
            .any(|f| f.contains("GET /demo") && f.contains("link token")),
        "{findings:#?}"
    );
}
