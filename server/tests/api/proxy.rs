//! The proxy: a host's backend calls the provider's API with an account's credentials,
//! for every auth mode, through refreshes, busy providers and metadata-filled base URLs;
//! nothing of the caller's credentials reaches the provider and nothing of the provider's
//! cookies reaches the caller; private targets are refused; every call is logged.

use plugboard_shared::ResultPayload;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{API_KEY, TestApp, assert_error, spawn_app, spawn_app_with};

/// Connects `app` for tenant `t` and answers the account id.
async fn connect(test: &TestApp, app: &str, body: Value, user: &str) -> String {
    let token = test.link_token("t").await;
    let message = if body.get("fields").is_some_and(|f| f.get("subdomain").is_none()) {
        test.connect(&token, app, body)
            .await
            .json::<plugboard_shared::PopupMessage>()
            .await
            .unwrap()
    } else {
        test.popup_login_to(&token, app, body, user, "allow").await.message()
    };
    let ResultPayload::Authorization(event) = message.payload else {
        panic!("{message:?}")
    };
    event.account_id
}

async fn proxy(test: &TestApp, method: Method, account: &str, path: &str) -> reqwest::Response {
    test.api
        .request(method, test.url(&format!("/integrated-accounts/{account}/proxy{path}")))
        .bearer_auth(API_KEY)
        .send()
        .await
        .unwrap()
}

async fn proxy_json(test: &TestApp, account: &str, path: &str) -> Value {
    let response = proxy(test, Method::GET, account, path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json().await.unwrap()
}

/// The account's proxy log entries, once `count` are written (a call's entry is written
/// when its answer's body has gone out).
async fn proxy_log(test: &TestApp, account: &str, count: usize) -> Vec<String> {
    let mut details = Vec::new();
    for _ in 0..100 {
        let logs: Value = test.backend_json(&format!("/integrated-accounts/{account}/logs")).await;
        details = logs["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "proxy")
            .map(|e| e["detail"].as_str().unwrap().to_owned())
            .collect();
        if details.len() >= count {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    details
}

#[tokio::test]
async fn a_host_pages_through_records_for_every_auth_mode() {
    let test = spawn_app().await;
    let accounts = [
        ("oauth2, bearer", connect(&test, "sandbox-crm", json!({}), "olga").await),
        (
            "api key, in the query",
            connect(
                &test,
                "sandbox-hr",
                json!({"fields": {"api_key": "sk_sandbox_olga"}}),
                "",
            )
            .await,
        ),
        (
            "basic",
            connect(
                &test,
                "sandbox-tickets",
                json!({"fields": {"username": "olga", "password": "sandbox"}}),
                "",
            )
            .await,
        ),
        (
            "client credentials",
            connect(
                &test,
                "sandbox-payroll",
                json!({"fields": {"client_id": "olga", "client_secret": "sandbox-secret"}}),
                "",
            )
            .await,
        ),
        (
            "oauth2, base URL from metadata",
            connect(
                &test,
                "sandbox-helpdesk",
                json!({"fields": {"subdomain": "acme"}}),
                "olga",
            )
            .await,
        ),
    ];
    for (mode, account) in &accounts {
        let first = proxy_json(&test, account, "/records?page_size=12").await;
        assert_eq!(first["records"].as_array().unwrap().len(), 12, "{mode}");
        assert!(
            first["records"][0]["name"].as_str().unwrap().ends_with("of olga"),
            "{mode}: {first}"
        );
        let cursor = first["next_cursor"].as_i64().unwrap();
        let second = proxy_json(&test, account, &format!("/records?page_size=12&cursor={cursor}")).await;
        assert_eq!(second["records"][0]["id"], "rec_012", "{mode}");
    }
    // The helpdesk's calls went to its instance: the one its token response named.
    let helpdesk: Value = test
        .backend_json(&format!("/integrated-accounts/{}", accounts[4].1))
        .await;
    let echo = proxy_json(&test, &accounts[4].1, "/records").await;
    assert!(echo["records"].is_array());
    assert!(helpdesk["metadata"]["instance"].as_str().unwrap().starts_with("inst-"));
}

#[tokio::test]
async fn nothing_of_the_callers_reaches_the_provider_and_no_cookie_comes_back() {
    let test = spawn_app().await;
    let account = connect(&test, "sandbox-crm", json!({}), "pat").await;
    let response = test
        .api
        .post(test.url(&format!("/integrated-accounts/{account}/proxy/echo?x=1")))
        .bearer_auth(API_KEY)
        .header("cookie", "host_session=mine")
        .header("x-forwarded-for", "10.9.8.7")
        .header("x-trace-id", "abc-123")
        .header("connection", "x-hop")
        .header("x-hop", "private to this hop")
        .header("content-type", "application/json")
        .body(r#"{"name": "Ada"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers().get("set-cookie").is_none(),
        "the provider's cookie stays with the proxy"
    );
    let echo: Value = response.json().await.unwrap();
    let headers = &echo["headers"];
    let provider_token = headers["authorization"].as_str().unwrap();
    assert!(
        provider_token.starts_with("Bearer sbx."),
        "the account's token, not the API key: {provider_token}"
    );
    for leaked in ["cookie", "x-forwarded-for", "x-hop", "plugboard-error"] {
        assert!(
            headers.get(leaked).is_none(),
            "{leaked} reached the provider: {headers}"
        );
    }
    assert!(
        !headers.to_string().contains(API_KEY),
        "the API key reached the provider"
    );
    assert_eq!(headers["x-trace-id"], "abc-123", "the caller's other headers go along");
    assert!(
        headers["x-sandbox-org"].as_str().unwrap().starts_with("org-"),
        "the entry's header, from metadata"
    );
    assert_eq!(
        (echo["method"].as_str(), echo["path"].as_str(), echo["query"].as_str()),
        (Some("POST"), Some("/sandbox/api/echo"), Some("x=1"))
    );
    assert_eq!(echo["body"], r#"{"name": "Ada"}"#);
}

#[tokio::test]
async fn tokens_are_renewed_before_they_expire_and_once_more_on_a_401() {
    let test = spawn_app().await;
    let account = connect(&test, "sandbox-crm", json!({}), "sam").await;
    test.clock.advance(3600 - 30);
    let _ = proxy_json(&test, &account, "/records").await;
    assert_eq!(test.sandbox_count("refreshes").await, 1, "refreshed before the call");

    // A provider that revokes early: its token dies in a minute, though announced for an hour.
    let early = connect(&test, "sandbox-crm", json!({}), "short-lived").await;
    test.clock.advance(120);
    let records = proxy_json(&test, &early, "/records").await;
    assert!(records["records"].is_array());
    assert_eq!(
        test.sandbox_count("refreshes").await,
        2,
        "the 401 renewed the token once"
    );
    let proxied = proxy_log(&test, &early, 1).await;
    assert_eq!(proxied.len(), 1);
    assert!(
        proxied[0].starts_with("GET /records → 200") && proxied[0].ends_with("refreshed"),
        "{proxied:?}"
    );
}

#[tokio::test]
async fn a_refused_refresh_is_needs_reauth_with_its_webhook() {
    let receiver = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let config = format!(
        "[webhooks]\nendpoints = [\"http://{}/hook\"]\nsecret = \"s\"\n",
        receiver.local_addr().unwrap()
    );
    let _received = crate::webhooks::receive_on(receiver);
    let test = spawn_app_with(&config).await.unwrap();
    let account = connect(&test, "sandbox-crm", json!({}), "refresh-fails").await;
    test.clock.advance(3600);
    let response = proxy(&test, Method::GET, &account, "/records").await;
    assert_eq!(response.headers()["plugboard-error"], "needs_reauth");
    assert_error(response, StatusCode::CONFLICT, "needs_reauth").await;
    let stored: Value = test.backend_json(&format!("/integrated-accounts/{account}")).await;
    assert_eq!(stored["status"], "needs_reauth");
    let events: Value = test.backend_json("/webhook-events").await;
    assert!(
        events["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["type"] == "account.needs_reauth")
    );
}

#[tokio::test]
async fn busy_providers_are_waited_out_for_idempotent_calls_only_and_up_to_a_cap() {
    let test = spawn_app_with("[proxy]\nretry_wait_secs = 2\n").await.unwrap();
    let account = connect(&test, "sandbox-crm", json!({}), "bo").await;
    let answer = proxy_json(&test, &account, "/flaky?status=429&times=2&key=get&retry_after=1").await;
    assert_eq!(answer["calls"], 3, "two waits of a second, then through");

    let post = proxy(
        &test,
        Method::POST,
        &account,
        "/flaky?status=429&times=1&key=post&retry_after=1",
    )
    .await;
    assert_eq!(
        post.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "not idempotent: passed back"
    );
    assert!(
        post.headers().get("plugboard-error").is_none(),
        "the provider's answer, not ours"
    );
    assert_eq!(post.headers()["retry-after"], "1");

    let capped = proxy(
        &test,
        Method::GET,
        &account,
        "/flaky?status=503&times=5&key=cap&retry_after=1",
    )
    .await;
    assert_eq!(
        capped.status(),
        StatusCode::SERVICE_UNAVAILABLE,
        "two seconds of waiting, then passed back"
    );
    let details = proxy_log(&test, &account, 3).await;
    assert!(
        details
            .iter()
            .any(|d| d.starts_with("GET /flaky → 200") && d.contains("2 retries")),
        "{details:?}"
    );
    assert!(
        details.iter().all(|d| !d.contains("key=")),
        "the query is not logged: {details:?}"
    );
}

#[tokio::test]
async fn plugboards_own_refusals_are_marked_and_paths_stay_under_the_base_url() {
    let test = spawn_app().await;
    let account = connect(&test, "sandbox-crm", json!({}), "ida").await;
    let unknown = proxy(&test, Method::GET, "acc_nobody", "/records").await;
    assert_eq!(unknown.headers()["plugboard-error"], "unknown_account");
    assert_error(unknown, StatusCode::NOT_FOUND, "unknown_account").await;
    // HTTP clients resolve dot segments before sending; an attacker's need not.
    for climbing in ["/a/%2e%2e/%2e%2e/oauth/token", "/a/%2E%2e/b", "/./b"] {
        let answer = raw_get(&test, &format!("/integrated-accounts/{account}/proxy{climbing}")).await;
        assert!(
            answer.starts_with("HTTP/1.1 400") && answer.contains("invalid_proxy_path"),
            "{climbing}: {answer}"
        );
    }
    let response = test
        .api
        .get(test.url(&format!("/integrated-accounts/{account}/proxy/records")))
        .bearer_auth("pb_wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["plugboard-error"], "invalid_api_key");
    let provider_error = proxy(&test, Method::GET, &account, "/instances/not-mine/records").await;
    assert_eq!(provider_error.status(), StatusCode::NOT_FOUND);
    assert!(
        provider_error.headers().get("plugboard-error").is_none(),
        "a provider's 404 is its own"
    );
}

/// A GET written by hand, the path exactly as given.
async fn raw_get(test: &TestApp, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(test.base.trim_start_matches("http://"))
        .await
        .unwrap();
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {API_KEY}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

/// A provider on this machine, as a self-hosted one would be on the host's network.
async fn local_provider() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = axum::Router::new()
        .route(
            "/me",
            axum::routing::get(|| async { axum::Json(json!({"email": "ops@corp.example"})) }),
        )
        .route(
            "/data",
            axum::routing::get(|| async { axum::Json(json!({"secret": "internal"})) }),
        )
        .route(
            "/upload",
            axum::routing::put(|body: axum::body::Bytes| async move { axum::Json(json!({"bytes": body.len()})) })
                .layer(axum::extract::DefaultBodyLimit::disable()),
        );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    port
}

fn local_entry(port: u16, host: &str, private_network: bool) -> String {
    format!(
        "[[providers]]\nkey = \"corp\"\nname = \"Corp\"\ncategory = \"hris\"\nauth_mode = \"api_key\"\n\
         fields = [{{ name = \"api_key\", label = \"Key\", secret = true }}]\n\
         base_url = \"http://{host}:{port}\"\nprivate_network = {private_network}\n\
         verify = {{ url = \"http://{host}:{port}/me\", identity = \"/email\" }}\n\
         [[deployments]]\nid = \"default\"\napps = [\"corp\"]\n"
    )
}

#[tokio::test]
async fn private_targets_are_refused_unless_the_operator_vouches_for_them() {
    let port = local_provider().await;
    for host in ["127.0.0.1", "localhost"] {
        let test = spawn_app_with(&local_entry(port, host, false)).await.unwrap();
        let account = connect(&test, "corp", json!({"fields": {"api_key": "k"}}), "").await;
        let response = proxy(&test, Method::GET, &account, "/data").await;
        assert_eq!(response.headers()["plugboard-error"], "target_not_allowed", "{host}");
        assert_error(response, StatusCode::FORBIDDEN, "target_not_allowed").await;
    }
    let test = spawn_app_with(&local_entry(port, "localhost", true)).await.unwrap();
    let account = connect(&test, "corp", json!({"fields": {"api_key": "k"}}), "").await;
    assert_eq!(proxy_json(&test, &account, "/data").await["secret"], "internal");
}

#[tokio::test]
async fn request_bodies_over_the_limit_are_refused() {
    let port = local_provider().await;
    let config = format!("{}[proxy]\nmax_request_mb = 1\n", local_entry(port, "127.0.0.1", true));
    let test = spawn_app_with(&config).await.unwrap();
    let account = connect(&test, "corp", json!({"fields": {"api_key": "k"}}), "").await;
    let two_mb = vec![b'x'; 2 * 1024 * 1024];
    let response = test
        .api
        .put(test.url(&format!("/integrated-accounts/{account}/proxy/upload")))
        .bearer_auth(API_KEY)
        .body(two_mb)
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::PAYLOAD_TOO_LARGE, "body_too_large").await;
    // Within the proxy's limit, bodies larger than the JSON API's 64 KB go through.
    let response = test
        .api
        .put(test.url(&format!("/integrated-accounts/{account}/proxy/upload")))
        .bearer_auth(API_KEY)
        .body(vec![b'y'; 200 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>().await.unwrap()["bytes"], 200 * 1024);
}
