//! Nothing secret reaches the logs, even at the most verbose filter: the real binary runs
//! an OAuth connect, an API-key connect, refreshes, credentials reads, webhook deliveries
//! and a key rotation under `RUST_LOG=trace`, and its whole output is searched for every
//! secret that passed through it.

use std::process::Stdio;
use std::time::Duration;

use base64::Engine;
use plugboard_server::crypto::MasterKey;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{API_KEY, APP_SECRET, Browser, TestApp};

const WEBHOOK_SECRET: &str = "whsec_logged_never";

fn key_text(byte: u8) -> String {
    base64::engine::general_purpose::STANDARD.encode([byte; 32])
}

/// Runs `plugboard` with `args` under the test's environment, output into `log`.
fn plugboard(env: &[(String, String)], args: &[&str], log: &std::path::Path) -> tokio::process::Command {
    let out = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap();
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_plugboard"));
    command
        .args(args)
        .env_clear()
        .envs(env.iter().cloned())
        .env("RUST_LOG", "trace")
        .stdout(Stdio::from(out.try_clone().unwrap()))
        .stderr(Stdio::from(out))
        .kill_on_drop(true);
    command
}

#[tokio::test]
async fn no_secret_is_logged_at_the_most_verbose_filter() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("plugboard.log");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let receiver = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", receiver.local_addr().unwrap());
    let received = crate::webhooks::receive_on(receiver);
    let base = format!("http://127.0.0.1:{port}");
    let database_url = format!("sqlite://{}", dir.path().join("plugboard.db").display());
    let mut env: Vec<(String, String)> = [
        ("PLUGBOARD_SERVER_BIND", format!("127.0.0.1:{port}")),
        ("PLUGBOARD_SERVER_PUBLIC_URL", base.clone()),
        ("PLUGBOARD_SERVER_DATABASE_URL", database_url.clone()),
        (
            "PLUGBOARD_SERVER_ALLOWED_ORIGINS",
            crate::helpers::HOST_ORIGIN.to_owned(),
        ),
        ("PLUGBOARD_SERVER_SANDBOX", "true".to_owned()),
        // Tokens live 30 s and are renewed within 60 s of expiry: every read refreshes.
        ("PLUGBOARD_SERVER_SANDBOX_TOKEN_LIFETIME", "30".to_owned()),
        ("PLUGBOARD_MASTER_KEY", key_text(1)),
        ("PLUGBOARD_SECURITY_API_KEYS", API_KEY.to_owned()),
        ("PLUGBOARD_SECURITY_APP_ID", crate::helpers::APP_ID.to_owned()),
        ("PLUGBOARD_SECURITY_APP_SECRET", APP_SECRET.to_owned()),
        ("PLUGBOARD_WEBHOOKS_ENDPOINTS", hook),
        ("PLUGBOARD_WEBHOOKS_SECRET", WEBHOOK_SECRET.to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let mut server = plugboard(&env, &[], &log).spawn().unwrap();
    let app = TestApp::for_process(base, database_url, dir);
    wait_ready(&app).await;

    // Every secret that passes through the server, as the test sees it go by.
    let mut secrets: Vec<String> = vec![
        API_KEY.into(),
        APP_SECRET.into(),
        WEBHOOK_SECRET.into(),
        key_text(1),
        key_text(2),
        // The sandbox's client secret, derived from the master key.
        hex::encode(
            MasterKey::from_base64(&key_text(1))
                .unwrap()
                .derive("sandbox client secret"),
        ),
    ];
    let token = app.link_token("t").await;
    secrets.push(token.clone());

    // OAuth: the state and the browser cookie travel through the popup.
    let started: Value = app
        .connect(&token, "sandbox-crm", json!({}))
        .await
        .json()
        .await
        .unwrap();
    let browser = Browser::new();
    let authorize = browser.redirect_target(started["popup_url"].as_str().unwrap()).await;
    let state = reqwest::Url::parse(&authorize)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    secrets.push(state);
    let callback = browser.login(&authorize, "logged-user", "allow").await;
    let code = reqwest::Url::parse(&callback)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    secrets.push(code);
    let (status, page) = browser.get(&callback).await;
    assert_eq!(status, StatusCode::OK, "{page}");

    // API key typed into the form.
    let typed = "sk_sandbox_typed-secret-42";
    secrets.push(typed.into());
    let answer = app
        .connect(&token, "sandbox-hr", json!({"fields": {"api_key": typed}}))
        .await;
    assert_eq!(answer.status(), StatusCode::OK);

    // Credentials reads, each refreshing the OAuth account.
    let accounts = app.accounts("tenant_id=t").await;
    for account in accounts["items"].as_array().unwrap() {
        let path = format!(
            "/integrated-accounts/{}/credentials",
            account["account_id"].as_str().unwrap()
        );
        for _ in 0..2 {
            let credentials: Value = app.backend_json(&path).await;
            if let Some(access) = credentials["access_token"].as_str() {
                secrets.push(access.to_owned());
            }
        }
    }
    // Webhook deliveries.
    for _ in 0..100 {
        if received.lock().unwrap().len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(received.lock().unwrap().len() >= 2, "the webhooks were delivered");
    server.kill().await.unwrap();

    // Key rotation, by the CLI, under the same filter.
    env.retain(|(k, _)| k != "PLUGBOARD_MASTER_KEY");
    env.push(("PLUGBOARD_MASTER_KEY".into(), key_text(2)));
    env.push(("PLUGBOARD_SECURITY_PREVIOUS_MASTER_KEYS".into(), key_text(1)));
    let rotated = plugboard(&env, &["keys", "rotate"], &log).status().await.unwrap();
    assert!(rotated.success());

    let output = std::fs::read_to_string(&log).unwrap();
    assert!(
        output.contains("TRACE") && output.contains("account stored") && output.contains("re-encrypted"),
        "the log is the verbose one of every flow ({} bytes)",
        output.len()
    );
    // Sandbox codes and tokens all start so; refresh tokens never leave the server.
    assert!(!output.contains("sbx."), "a sandbox code or token was logged");
    for secret in &secrets {
        assert!(!output.contains(secret.as_str()), "logged: {secret:.12}…");
    }
}

async fn wait_ready(app: &TestApp) {
    for _ in 0..200 {
        if let Ok(response) = app.api.get(app.url("/readyz")).send().await
            && response.status() == StatusCode::OK
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not start");
}
