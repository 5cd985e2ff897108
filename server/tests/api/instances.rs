//! Several instances behind a load balancer on one PostgreSQL: any request may land on
//! any instance, and what they share (attempts, refresh leases, webhook deliveries) is
//! coordinated through the database alone.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use plugboard_shared::{AttemptOutcome, ConnectResult, ResultPayload};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{API_KEY, Browser, TestApp, spawn_app_with};
use crate::webhooks::receive_on;

const NEEDS_POSTGRES: &str = "cargo xtask test runs it with PLUGBOARD_TEST_POSTGRES_URL";

/// Two instances on one PostgreSQL database (`config` for both).
async fn two_instances(config: &str) -> (TestApp, TestApp) {
    let a = spawn_app_with(config).await.unwrap();
    assert!(a.on_postgres(), "{NEEDS_POSTGRES}");
    let b = a.another_instance().await;
    (a, b)
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs it with PLUGBOARD_TEST_POSTGRES_URL"]
async fn a_connect_started_on_one_instance_finishes_on_the_other() {
    let (a, b) = two_instances("").await;
    let token = a.link_token("tenant-ab").await;
    assert!(b.app_names(&token, "").await.contains(&"Sandbox CRM".to_owned()));

    let started: Value = b.connect(&token, "sandbox-crm", json!({})).await.json().await.unwrap();
    let popup_url = started["popup_url"].as_str().unwrap();
    assert!(
        popup_url.starts_with(&a.base),
        "the popup opens at the public URL: {popup_url}"
    );
    let browser = Browser::new();
    let authorize = browser.redirect_target(popup_url).await;
    let callback = browser.login(&authorize, "alice", "allow").await;
    // The balancer sends the provider's redirect to the other instance; the popup's
    // cookie (set by A) goes with it, as cookies do not depend on the port.
    let callback = callback.replacen(&a.base, &b.base, 1);
    let (status, html) = browser.get(&callback).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("\"result\":\"authorized\""), "{html}");

    let attempt = started["attempt_id"].as_str().unwrap();
    for instance in [&a, &b] {
        let outcome = instance.attempt(&token, attempt).await;
        let AttemptOutcome::Complete { result, payload } = outcome else {
            panic!("{outcome:?}")
        };
        assert_eq!(result, ConnectResult::Authorized);
        assert!(matches!(payload, ResultPayload::Authorization(_)));
    }
    assert_eq!(a.count("integrated_accounts").await, 1, "stored once");
    let listed = b.accounts("tenant_id=tenant-ab").await;
    assert_eq!(listed["items"][0]["status"], "verified");
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs it with PLUGBOARD_TEST_POSTGRES_URL"]
async fn concurrent_reads_through_both_instances_refresh_an_expiring_account_once() {
    let (a, b) = two_instances("").await;
    let token = a.link_token("tenant-ab").await;
    let message = a.popup_login(&token, "henry", "allow").await.message();
    let ResultPayload::Authorization(event) = message.payload else {
        panic!("{message:?}")
    };
    let path = format!("/integrated-accounts/{}/credentials", event.account_id);
    // Within a minute of the sandbox token's one-hour expiry, on both instances' clocks.
    for instance in [&a, &b] {
        instance.clock.advance(3600 - 30);
    }

    let reads = (0..40).map(|i| {
        let instance = if i % 2 == 0 { &a } else { &b };
        instance.api.get(instance.url(&path)).bearer_auth(API_KEY).send()
    });
    let mut tokens = BTreeSet::new();
    for answer in futures_util::future::join_all(reads).await {
        let answer = answer.unwrap();
        assert_eq!(answer.status(), StatusCode::OK);
        let body: Value = answer.json().await.unwrap();
        tokens.insert(body["access_token"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        tokens.len(),
        1,
        "every caller, on either instance, gets the one new token"
    );
    assert_eq!(
        a.sandbox_count("refreshes").await,
        1,
        "exactly one refresh at the provider"
    );
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs it with PLUGBOARD_TEST_POSTGRES_URL"]
async fn both_instances_deliver_webhooks_and_none_twice() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = receive_on(listener);
    let config = format!(
        r#"
[webhooks]
endpoints = ["http://127.0.0.1:{port}/hook"]
secret = "whsec_test"
"#
    );
    let (a, b) = two_instances(&config).await;
    const ACCOUNTS: usize = 12;
    for i in 0..ACCOUNTS {
        let instance = if i % 2 == 0 { &a } else { &b };
        let token = instance.link_token("hooks").await;
        let message = instance
            .popup_login(&token, &format!("user{i}"), "allow")
            .await
            .message();
        assert_eq!(message.result, ConnectResult::Authorized);
    }

    let mut by_id = BTreeMap::<String, usize>::new();
    for _ in 0..100 {
        by_id.clear();
        for (headers, _) in received.lock().unwrap().iter() {
            let id = headers["plugboard-event-id"].to_str().unwrap().to_owned();
            *by_id.entry(id).or_default() += 1;
        }
        if by_id.len() >= ACCOUNTS {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Both workers keep polling a while longer: a second send would show up now.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let sends = received.lock().unwrap().len();
    assert_eq!(by_id.len(), ACCOUNTS, "every account.created event arrived");
    assert_eq!(sends, ACCOUNTS, "no event was sent twice: {by_id:?}");
}
