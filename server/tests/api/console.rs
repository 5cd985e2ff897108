//! The operators' console API: sessions (sign-in, wrong password, expiry, sign-out),
//! CSRF refusal, roles, and what an operator does to accounts, links, webhooks and keys.
//! Only an operator's session opens it: never an API key or a link token.

use plugboard_server::operators;
use plugboard_shared::console::{
    AccountDetail, ApiKeyInfo, AuditEntry, AuthLink, AuthLinkSummary, CreatedApiKey, OperatorInfo, Role,
};
use plugboard_shared::{AccountPage, Items, ResultPayload};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{API_KEY, TestApp, assert_error, spawn_app, spawn_app_env};

const PASSWORD: &str = "a long enough password";

/// A browser signed in (or not) to the console: its own cookie jar, and the console's
/// Origin on every request, as the console's pages send it.
struct Console<'a> {
    app: &'a TestApp,
    browser: reqwest::Client,
}

impl<'a> Console<'a> {
    fn new(app: &'a TestApp) -> Self {
        let browser = reqwest::Client::builder().cookie_store(true).build().unwrap();
        Self { app, browser }
    }

    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> reqwest::Response {
        let mut request = self
            .browser
            .request(method, self.app.url(path))
            .header("origin", &self.app.base);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    async fn json<T: serde::de::DeserializeOwned>(&self, method: Method, path: &str, body: Option<Value>) -> T {
        let response = self.send(method, path, body).await;
        assert!(response.status().is_success(), "{path}: {}", response.status());
        response.json().await.unwrap()
    }

    async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        let body = json!({"email": email, "password": password});
        self.send(Method::POST, "/console/api/session", Some(body)).await
    }
}

async fn operator(app: &TestApp, email: &str, role: Role) {
    let pool = app.db().await;
    operators::create(&pool, email, role, PASSWORD, 0).await.unwrap();
}

async fn signed_in<'a>(app: &'a TestApp, email: &str, role: Role) -> Console<'a> {
    operator(app, email, role).await;
    let console = Console::new(app);
    assert_eq!(console.sign_in(email, PASSWORD).await.status(), StatusCode::OK);
    console
}

#[tokio::test]
async fn an_operator_signs_in_and_out_and_a_wrong_password_is_refused() {
    let app = spawn_app().await;
    operator(&app, "Ana@Example.com", Role::Admin).await;
    let console = Console::new(&app);
    let response = console.send(Method::GET, "/console/api/session", None).await;
    assert_error(response, StatusCode::UNAUTHORIZED, "not_signed_in").await;
    for (email, password) in [
        ("ana@example.com", "not the password"),
        ("nobody@example.com", PASSWORD),
    ] {
        assert_error(
            console.sign_in(email, password).await,
            StatusCode::UNAUTHORIZED,
            "wrong_password",
        )
        .await;
    }

    let response = console.sign_in("ana@example.com", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    for attribute in ["plugboard_console=", "HttpOnly", "SameSite=Strict", "Path=/console"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    let me: OperatorInfo = response.json().await.unwrap();
    assert_eq!((me.email.as_str(), me.role), ("ana@example.com", Role::Admin));
    let again: OperatorInfo = console.json(Method::GET, "/console/api/session", None).await;
    assert_eq!(again.email, "ana@example.com");

    let out = console.send(Method::DELETE, "/console/api/session", None).await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let response = console.send(Method::GET, "/console/api/session", None).await;
    assert_error(response, StatusCode::UNAUTHORIZED, "not_signed_in").await;
}

#[tokio::test]
async fn sessions_end_when_idle_and_after_their_hours() {
    let app = spawn_app().await;
    let console = signed_in(&app, "ben@example.com", Role::Support).await;
    app.clock.advance(29 * 60);
    let _: OperatorInfo = console.json(Method::GET, "/console/api/session", None).await;
    app.clock.advance(31 * 60);
    let response = console.send(Method::GET, "/console/api/session", None).await;
    assert_error(response, StatusCode::UNAUTHORIZED, "not_signed_in").await;

    // Active every 20 minutes, it still ends 12 hours after sign-in.
    assert_eq!(
        console.sign_in("ben@example.com", PASSWORD).await.status(),
        StatusCode::OK
    );
    for _ in 0..35 {
        app.clock.advance(20 * 60);
        let _: OperatorInfo = console.json(Method::GET, "/console/api/session", None).await;
    }
    app.clock.advance(25 * 60);
    let response = console.send(Method::GET, "/console/api/session", None).await;
    assert_error(response, StatusCode::UNAUTHORIZED, "not_signed_in").await;
}

#[tokio::test]
async fn changes_from_another_origin_are_refused() {
    let app = spawn_app().await;
    let console = signed_in(&app, "cy@example.com", Role::Admin).await;
    let body = json!({"tenant_id": "t"});
    for origin in [Some("https://evil.example"), None] {
        let mut request = console.browser.post(app.url("/console/api/links")).json(&body);
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        assert_error(request.send().await.unwrap(), StatusCode::FORBIDDEN, "origin_mismatch").await;
    }
    assert_eq!(app.count("link_tokens").await, 0);
}

#[tokio::test]
async fn the_console_api_refuses_api_keys_and_link_tokens() {
    let app = spawn_app().await;
    let token = app.link_token("t").await;
    for credential in [API_KEY, token.as_str()] {
        for (method, path) in [
            (Method::GET, "/console/api/accounts"),
            (Method::GET, "/console/api/keys"),
        ] {
            let response = app
                .api
                .request(method, app.url(path))
                .bearer_auth(credential)
                .send()
                .await
                .unwrap();
            assert_error(response, StatusCode::UNAUTHORIZED, "not_signed_in").await;
        }
    }
}

#[tokio::test]
async fn failed_sign_ins_are_rate_limited() {
    let app = spawn_app_env("", &[("PLUGBOARD_LIMITS_UNAUTHENTICATED_PER_MINUTE", "3")])
        .await
        .unwrap();
    operator(&app, "dee@example.com", Role::Admin).await;
    let console = Console::new(&app);
    for _ in 0..3 {
        assert_error(
            console.sign_in("dee@example.com", "guess").await,
            StatusCode::UNAUTHORIZED,
            "wrong_password",
        )
        .await;
    }
    let response = console.sign_in("dee@example.com", "guess").await;
    assert_error(response, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}

#[tokio::test]
async fn support_reads_verifies_and_makes_links_but_cannot_delete_or_see_keys() {
    let app = spawn_app().await;
    let token = app.link_token("t").await;
    let message = app.popup_login(&token, "sam", "allow").await.message();
    let ResultPayload::Authorization(event) = message.payload else {
        panic!()
    };
    let support = signed_in(&app, "sue@example.com", Role::Support).await;
    let account = format!("/console/api/accounts/{}", event.account_id);
    let _: AccountDetail = support.json(Method::GET, &account, None).await;
    let _: Value = support.json(Method::POST, &format!("{account}/verify"), None).await;
    let _: AuthLink = support
        .json(Method::POST, "/console/api/links", Some(json!({"tenant_id": "t2"})))
        .await;
    assert_error(
        support.send(Method::DELETE, &account, None).await,
        StatusCode::FORBIDDEN,
        "admin_only",
    )
    .await;
    for method in [Method::GET, Method::POST] {
        let body = (method == Method::POST).then(|| json!({"label": "x"}));
        let response = support.send(method, "/console/api/keys", body).await;
        assert_error(response, StatusCode::FORBIDDEN, "admin_only").await;
    }
    assert_eq!(
        app.accounts("tenant_id=t").await["items"].as_array().unwrap().len(),
        1,
        "still there"
    );
}

/// The story of the issue: a link for a new tenant, the customer connects, the operator
/// finds the account, reads its log, re-verifies, makes a reconnect link, deletes it; the
/// links list and the audit log tell who did what.
#[tokio::test]
async fn an_admin_follows_an_account_from_auth_link_to_deletion() {
    let app = spawn_app().await;
    let admin = signed_in(&app, "ada@example.com", Role::Admin).await;
    let link: AuthLink = admin
        .json(
            Method::POST,
            "/console/api/links",
            Some(json!({"tenant_id": "acme-7", "owner_name": "Acme", "username": "it@acme.example"})),
        )
        .await;
    let days = (time::OffsetDateTime::parse(&link.expires_at, &time::format_description::well_known::Rfc3339).unwrap()
        - time::OffsetDateTime::now_utc())
    .whole_hours();
    assert!((119..=120).contains(&days), "five days: {days} h");
    let token = link.connect_url.split("link_token=").nth(1).unwrap().to_owned();
    let message = app.popup_login(&token, "acme-admin", "allow").await.message();
    let ResultPayload::Authorization(event) = message.payload else {
        panic!()
    };

    let page: AccountPage = admin
        .json(Method::GET, "/console/api/accounts?tenant_id=acme-7", None)
        .await;
    assert_eq!(page.items.len(), 1);
    let found: AccountPage = admin
        .json(Method::GET, "/console/api/accounts?q=ACME-ADMIN", None)
        .await;
    assert_eq!(
        found.items[0].account_id.as_str(),
        event.account_id,
        "search ignores case"
    );
    let path = format!("/console/api/accounts/{}", event.account_id);
    let detail: AccountDetail = admin.json(Method::GET, &path, None).await;
    assert_eq!((detail.app_name.as_str(), detail.can_refresh), ("Sandbox CRM", true));
    let before = detail.log.len();
    let _: Value = admin.json(Method::POST, &format!("{path}/verify"), None).await;
    let _: Value = admin.json(Method::POST, &format!("{path}/refresh"), None).await;
    let detail: AccountDetail = admin.json(Method::GET, &path, None).await;
    let actions: Vec<&str> = detail.log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(detail.log.len(), before + 2, "{actions:?}");
    assert_eq!(&actions[..2], ["refresh", "verify"]);

    let reconnect: AuthLink = admin.json(Method::POST, &format!("{path}/reconnect-link"), None).await;
    let links: Items<AuthLinkSummary> = admin.json(Method::GET, "/console/api/links", None).await;
    let first = links.items.iter().find(|l| l.id == link.id).unwrap();
    assert_eq!(
        (first.created_by.as_str(), first.username.as_deref()),
        ("ada@example.com", Some("it@acme.example"))
    );
    assert!(first.used_at.is_some(), "the customer opened it");
    let again = links.items.iter().find(|l| l.id == reconnect.id).unwrap();
    assert_eq!(
        again.account_id.as_ref().map(|a| a.as_str()),
        Some(event.account_id.as_str())
    );
    assert!(again.used_at.is_none());
    let revoked = admin
        .send(Method::DELETE, &format!("/console/api/links/{}", reconnect.id), None)
        .await;
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);

    assert_eq!(
        admin.send(Method::DELETE, &path, None).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_error(
        admin.send(Method::GET, &path, None).await,
        StatusCode::NOT_FOUND,
        "unknown_account",
    )
    .await;
    let audit: Items<AuditEntry> = admin.json(Method::GET, "/console/api/audit", None).await;
    let done: Vec<(&str, &str)> = audit
        .items
        .iter()
        .map(|e| (e.action.as_str(), e.target.as_str()))
        .collect();
    for expected in [
        ("create_link", link.id.as_str()),
        ("verify_account", event.account_id.as_str()),
        ("refresh_account", event.account_id.as_str()),
        ("reconnect_link", event.account_id.as_str()),
        ("revoke_link", reconnect.id.as_str()),
        ("delete_account", event.account_id.as_str()),
    ] {
        assert!(done.contains(&expected), "{expected:?} not in {done:?}");
    }
    assert!(audit.items.iter().all(|e| e.operator == "ada@example.com"));
}

#[tokio::test]
async fn an_admin_makes_a_key_that_works_and_revokes_it() {
    let app = spawn_app().await;
    let admin = signed_in(&app, "kim@example.com", Role::Admin).await;
    let created: CreatedApiKey = admin
        .json(Method::POST, "/console/api/keys", Some(json!({"label": "billing"})))
        .await;
    let backend = |key: String| {
        let (api, url) = (app.api.clone(), app.url("/integrated-accounts"));
        async move { api.get(url).bearer_auth(key).send().await.unwrap() }
    };
    assert_eq!(backend(created.key.clone()).await.status(), StatusCode::OK);
    let keys: Items<ApiKeyInfo> = admin.json(Method::GET, "/console/api/keys", None).await;
    let listed = keys.items.iter().find(|k| k.id == created.info.id).unwrap();
    assert_eq!(listed.label, "billing");
    assert!(listed.last_used_at.is_some(), "the call above was noted");
    assert!(
        !serde_json::to_string(&keys).unwrap().contains(&created.key),
        "the list never shows a key"
    );

    let path = format!("/console/api/keys/{}", created.info.id);
    assert_eq!(
        admin.send(Method::DELETE, &path, None).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_error(backend(created.key).await, StatusCode::UNAUTHORIZED, "invalid_api_key").await;
    assert_error(
        admin.send(Method::DELETE, &path, None).await,
        StatusCode::NOT_FOUND,
        "unknown_api_key",
    )
    .await;
}

#[tokio::test]
async fn webhook_history_shows_every_try_and_redelivers() {
    let receiver = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let config = format!(
        "[webhooks]\nendpoints = [\"http://{}/hook\"]\nsecret = \"s\"\n",
        receiver.local_addr().unwrap()
    );
    let received = crate::webhooks::receive_on(receiver);
    let app = crate::helpers::spawn_app_with(&config).await.unwrap();
    let token = app.link_token("t").await;
    app.popup_login(&token, "wes", "allow").await.message();
    let admin = signed_in(&app, "wes@example.com", Role::Support).await;
    let mut events: Items<plugboard_shared::WebhookEvent> =
        admin.json(Method::GET, "/console/api/webhooks", None).await;
    for _ in 0..100 {
        if events.items[0].deliveries[0].delivered_at.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        events = admin.json(Method::GET, "/console/api/webhooks", None).await;
    }
    let event = &events.items[0];
    assert_eq!(event.event_type, "account.created");
    assert_eq!(event.deliveries[0].tries.len(), 1);
    assert_eq!(event.deliveries[0].tries[0].status_code, Some(200));

    let path = format!("/console/api/webhooks/{}/redeliver", event.event_id);
    assert_eq!(
        admin.send(Method::POST, &path, None).await.status(),
        StatusCode::ACCEPTED
    );
    for _ in 0..100 {
        if received.lock().unwrap().len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let bodies = received.lock().unwrap().clone();
    assert_eq!(bodies.len(), 2, "delivered again");
    assert_eq!(bodies[0].1, bodies[1].1, "the same event, the same id");
    let response = admin
        .send(Method::POST, "/console/api/webhooks/evt_nope/redeliver", None)
        .await;
    assert_error(response, StatusCode::NOT_FOUND, "unknown_event").await;
}

#[tokio::test]
async fn the_apps_page_shows_deployments_and_what_each_app_needs() {
    let app = spawn_app().await;
    let admin = signed_in(&app, "ola@example.com", Role::Support).await;
    let overview: plugboard_shared::console::AppsOverview = admin.json(Method::GET, "/console/api/apps", None).await;
    assert_eq!(overview.deployments[0].id.as_str(), "default");
    let crm = overview
        .catalog
        .iter()
        .find(|a| a.key.as_str() == "sandbox-crm")
        .unwrap();
    assert!(crm.configured && crm.deployments.len() == 1);
    assert_eq!(
        crm.redirect_uri.as_deref(),
        Some(format!("{}/oauth/callback", app.base).as_str())
    );
    let github = overview.catalog.iter().find(|a| a.key.as_str() == "github").unwrap();
    assert!(!github.configured, "an OAuth app without client credentials is flagged");
    assert!(overview.catalog.len() > 90);
}

#[tokio::test]
async fn the_console_page_is_served_under_a_strict_policy() {
    let app = spawn_app().await;
    let response = app.api.get(app.url("/console")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let csp = response.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
        "{csp}"
    );
}

#[tokio::test]
async fn operators_are_created_on_the_command_line_with_the_password_on_stdin() {
    use tokio::io::AsyncWriteExt;
    let app = spawn_app().await;
    let create = |password: &'static str| {
        let mut command = app.command();
        command
            .args(["operator", "create", "--email", "Cli@Example.com", "--role", "support"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        async move {
            let mut child = command.spawn().unwrap();
            child
                .stdin
                .take()
                .unwrap()
                .write_all(format!("{password}\n").as_bytes())
                .await
                .unwrap();
            let out = child.wait_with_output().await.unwrap();
            (
                out.status.success(),
                String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
            )
        }
    };
    let (ok, output) = create("too short").await;
    assert!(!ok && output.contains("12 characters"), "{output}");
    let (ok, output) = create(PASSWORD).await;
    assert!(
        ok && output.contains("operator cli@example.com created (support)"),
        "{output}"
    );
    let (ok, output) = create(PASSWORD).await;
    assert!(!ok && output.contains("exists already"), "{output}");
    let console = Console::new(&app);
    assert_eq!(
        console.sign_in("cli@example.com", PASSWORD).await.status(),
        StatusCode::OK
    );
}
