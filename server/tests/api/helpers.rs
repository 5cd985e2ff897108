//! `spawn_app()` and a scripted browser for the sandbox popup.

use base64::Engine;
use plugboard_server::{Config, Server};
use plugboard_shared::{LinkTokenResponse, PopupMessage};
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use serde_json::{Value, json};
use tokio::task::JoinHandle;

pub const API_KEY: &str = "pb_test_backend_key";
pub const APP_ID: &str = "acme";
pub const APP_SECRET: &str = "acme-app-secret";
pub const HOST_ORIGIN: &str = "http://localhost:13000";

pub struct TestApp {
    pub base: String,
    /// The SQLite file, or `None` when the tests run on PostgreSQL.
    pub db_file: Option<std::path::PathBuf>,
    database_url: String,
    config_file: std::path::PathBuf,
    server: JoinHandle<()>,
    /// The server's clock: `app.clock.advance(secs)` instead of sleeping for an expiry.
    pub clock: plugboard_server::clock::Clock,
    /// No cookie store: plays the host backend and the widget's fetches.
    pub api: reqwest::Client,
    _dir: tempfile::TempDir,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with("").await.unwrap()
}

/// The server with `config_toml` as its configuration file (deployments, providers…);
/// the error is start-up's, for tests of bad configuration.
pub async fn spawn_app_with(config_toml: &str) -> anyhow::Result<TestApp> {
    spawn_app_env(config_toml, &[]).await
}

/// [`spawn_app_with`] with environment settings changed: later pairs win, and an empty
/// value removes the variable (e.g. `("PLUGBOARD_SERVER_SANDBOX", "")` leaves it unset).
pub async fn spawn_app_env(config_toml: &str, overrides: &[(&str, &str)]) -> anyhow::Result<TestApp> {
    let dir = tempfile::tempdir().unwrap();
    let config_file = dir.path().join("plugboard.toml");
    std::fs::write(&config_file, config_toml).unwrap();
    let (database_url, db_file) = database(dir.path()).await;
    let (base, server, clock) = start(&config_file, &database_url, overrides).await?;
    Ok(TestApp {
        base,
        db_file,
        database_url,
        config_file,
        server,
        clock,
        api: reqwest::Client::new(),
        _dir: dir,
    })
}

/// The settings every test server runs with, as `PLUGBOARD_*` variables, then
/// `overrides`: later pairs win, and an empty value removes the variable.
pub fn server_env(base: &str, database_url: &str, overrides: &[(&str, &str)]) -> Vec<(String, String)> {
    let key = base64::engine::general_purpose::STANDARD.encode([42u8; 32]);
    let env: Vec<(String, String)> = [
        ("PLUGBOARD_SERVER_PUBLIC_URL", base.to_owned()),
        ("PLUGBOARD_SERVER_DATABASE_URL", database_url.to_owned()),
        ("PLUGBOARD_SERVER_ALLOWED_ORIGINS", HOST_ORIGIN.to_owned()),
        (
            "PLUGBOARD_SERVER_PUBLIC_DIR",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../public").to_owned(),
        ),
        ("PLUGBOARD_MASTER_KEY", key),
        ("PLUGBOARD_SECURITY_API_KEYS", API_KEY.to_owned()),
        ("PLUGBOARD_SECURITY_APP_ID", APP_ID.to_owned()),
        ("PLUGBOARD_SECURITY_APP_SECRET", APP_SECRET.to_owned()),
        // Production mode (the binary's default) with the sandbox asked for explicitly, so
        // every flow test also proves production mode works.
        ("PLUGBOARD_SERVER_SANDBOX", "true".to_owned()),
        // Every scripted browser comes from 127.0.0.1; limits.rs tests the limits.
        ("PLUGBOARD_LIMITS_UNAUTHENTICATED_PER_MINUTE", "100000".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .chain(overrides.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    .collect();
    let unset: Vec<&str> = overrides
        .iter()
        .filter(|(_, v)| v.is_empty())
        .map(|(k, _)| *k)
        .collect();
    env.into_iter().filter(|(k, _)| !unset.contains(&k.as_str())).collect()
}

/// Boots a server on a fresh port over the given configuration file and database.
async fn start(
    config_file: &std::path::Path,
    database_url: &str,
    overrides: &[(&str, &str)],
) -> anyhow::Result<(String, JoinHandle<()>, plugboard_server::clock::Clock)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let env = server_env(&base, database_url, overrides);
    let config = Config::from_sources(Some(config_file), &env)?;
    let server = Server::build_on(config, listener).await?;
    let clock = server.state.clock.clone();
    let handle = tokio::spawn(async move {
        server.run().await.unwrap();
    });
    Ok((base, handle, clock))
}

/// A fresh database per test: a SQLite file, or with `PLUGBOARD_TEST_POSTGRES_URL` set
/// (a server URL such as `postgres://postgres@127.0.0.1:5432`) a new PostgreSQL database.
pub async fn database(dir: &std::path::Path) -> (String, Option<std::path::PathBuf>) {
    use sqlx::Connection;
    let Ok(server) = std::env::var("PLUGBOARD_TEST_POSTGRES_URL") else {
        let file = dir.join("plugboard.db");
        return (format!("sqlite://{}", file.display()), Some(file));
    };
    let name = format!(
        "pb_test_{}",
        plugboard_server::crypto::random_token("")
            .to_lowercase()
            .replace(['-', '_'], "")
    );
    let name = &name[..30];
    let mut admin = sqlx::PgConnection::connect(&format!("{server}/postgres"))
        .await
        .unwrap();
    sqlx::Executor::execute(&mut admin, format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    (format!("{server}/{name}"), None)
}

impl TestApp {
    /// Drives a `plugboard` process that listens at `base` on `database_url`, with the same
    /// helpers as an in-process server (restart does not apply).
    pub fn for_process(base: String, database_url: String, dir: tempfile::TempDir) -> TestApp {
        TestApp {
            base,
            db_file: None,
            config_file: dir.path().join("plugboard.toml"),
            database_url,
            server: tokio::spawn(async {}),
            clock: Default::default(),
            api: reqwest::Client::new(),
            _dir: dir,
        }
    }

    /// Stops the server (its background workers with it) and boots a new one on the
    /// same database, as a deploy or a crash would.
    pub async fn restart(&mut self) {
        self.restart_with(&[]).await;
    }

    /// [`TestApp::restart`] with some settings changed (later env pairs win).
    pub async fn restart_with(&mut self, overrides: &[(&str, &str)]) {
        self.server.abort();
        let _ = (&mut self.server).await;
        let (base, server, clock) = start(&self.config_file, &self.database_url, overrides).await.unwrap();
        // The time the test moved to survives the restart.
        clock.follow(&self.clock);
        self.base = base;
        self.server = server;
        self.clock = clock;
    }

    /// A second server on the same database and configuration, as a load balancer's other
    /// instance: it has its own address (`base`) but announces this one's public URL, so
    /// redirects and provider callbacks may land on either. Its clock follows this one's.
    pub async fn another_instance(&self) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let config_file = dir.path().join("plugboard.toml");
        std::fs::copy(&self.config_file, &config_file).unwrap();
        let overrides = [("PLUGBOARD_SERVER_PUBLIC_URL", self.base.as_str())];
        let (base, server, clock) = start(&config_file, &self.database_url, &overrides).await.unwrap();
        clock.follow(&self.clock);
        TestApp {
            base,
            db_file: self.db_file.clone(),
            database_url: self.database_url.clone(),
            config_file,
            server,
            clock,
            api: reqwest::Client::new(),
            _dir: dir,
        }
    }

    /// The server's configuration with `overrides`, for running CLI commands against it.
    pub fn config_with(&self, overrides: &[(&str, &str)]) -> plugboard_server::Config {
        let env: Vec<(String, String)> = [("PLUGBOARD_SERVER_DATABASE_URL", self.database_url.as_str())]
            .iter()
            .chain(overrides)
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_sources(Some(&self.config_file), &env).unwrap()
    }

    /// The server's database, for tests that look at or break what is stored.
    pub async fn db(&self) -> plugboard_server::db::Pool {
        plugboard_server::db::connect(&self.database_url).await.unwrap()
    }

    /// The `plugboard` command on this app's database, as an operator would run it.
    pub fn command(&self) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_plugboard"));
        command
            .env_clear()
            .env("PLUGBOARD_SERVER_DATABASE_URL", &self.database_url)
            .env(
                "PLUGBOARD_MASTER_KEY",
                base64::engine::general_purpose::STANDARD.encode([42u8; 32]),
            );
        command
    }

    /// The database URL the server was started with.
    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    /// Whether the tests run on PostgreSQL (`PLUGBOARD_TEST_POSTGRES_URL`).
    pub fn on_postgres(&self) -> bool {
        self.database_url.starts_with("postgres")
    }

    /// Every value of every column of every table, as bytes: what someone who reads the
    /// database (a backup, a replica, a stolen disk) gets.
    pub async fn stored_values(&self) -> Vec<Vec<u8>> {
        use sqlx::{Column, Row};
        let db = self.db().await;
        let tables_sql = if self.on_postgres() {
            "SELECT CAST(tablename AS TEXT) FROM pg_tables WHERE schemaname = 'public'"
        } else {
            "SELECT name FROM sqlite_master WHERE type = 'table'"
        };
        let tables: Vec<(String,)> = sqlx::query_as(tables_sql).fetch_all(&db).await.unwrap();
        let mut values = Vec::new();
        // sqlx's own bookkeeping holds no data of ours (and types the Any driver cannot read).
        for (table,) in tables.into_iter().filter(|(t,)| !t.starts_with("_sqlx")) {
            for row in sqlx::query(&format!("SELECT * FROM {table}"))
                .fetch_all(&db)
                .await
                .unwrap()
            {
                for column in row.columns() {
                    let i = column.ordinal();
                    let value = row
                        .try_get::<Option<String>, _>(i)
                        .map(|v| v.map(String::into_bytes))
                        .or_else(|_| row.try_get::<Option<Vec<u8>>, _>(i))
                        .or_else(|_| {
                            row.try_get::<Option<i64>, _>(i)
                                .map(|v| v.map(|n| n.to_string().into_bytes()))
                        })
                        .unwrap_or_else(|e| panic!("{table}.{}: {e}", column.name()));
                    values.extend(value);
                }
            }
        }
        values
    }

    /// How many rows `table` holds.
    pub async fn count(&self, table: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&self.db().await)
            .await
            .unwrap();
        n
    }

    /// GET `path` as the host backend (API key) and read the JSON answer.
    pub async fn backend_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        self.widget_json(API_KEY, path).await
    }

    /// GET `path` with `token` (a link token or an API key) and read the JSON answer.
    pub async fn widget_json<T: serde::de::DeserializeOwned>(&self, token: &str, path: &str) -> T {
        self.api
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// What the widget reads of a connect attempt (`GET /widget/attempts/{id}`).
    pub async fn attempt(&self, token: &str, attempt_id: &str) -> plugboard_shared::AttemptOutcome {
        self.widget_json(token, &format!("/widget/attempts/{attempt_id}")).await
    }

    /// What the built-in sandbox provider has counted (token exchanges, refreshes, calls…).
    pub async fn sandbox_stats(&self) -> Value {
        self.widget_json("", "/sandbox/stats").await
    }

    /// How many times the sandbox counted `name` (0 when never).
    pub async fn sandbox_count(&self, name: &str) -> i64 {
        self.sandbox_stats().await[name].as_i64().unwrap_or(0)
    }

    /// `POST /widget/session`, the Integry-style start.
    pub async fn start_session(&self, body: &Value) -> reqwest::Response {
        self.api
            .post(self.url("/widget/session"))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn post_link_token(&self, body: Value) -> reqwest::Response {
        self.api
            .post(self.url("/link-token"))
            .bearer_auth(API_KEY)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// A link token for `tenant`, as the host backend gets one.
    pub async fn link_token(&self, tenant: &str) -> String {
        let response = self.post_link_token(json!({ "tenant_id": tenant })).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json::<LinkTokenResponse>().await.unwrap().link_token
    }

    /// `POST /widget/connect/{app}` from the host page's origin.
    pub async fn connect(&self, token: &str, app: &str, body: Value) -> reqwest::Response {
        self.api
            .post(self.url(&format!("/widget/connect/{app}")))
            .bearer_auth(token)
            .header("origin", HOST_ORIGIN)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// Names of the apps `GET /widget/apps{query}` lists for `token`.
    pub async fn app_names(&self, token: &str, query: &str) -> Vec<String> {
        let response = self
            .api
            .get(self.url(&format!("/widget/apps{query}")))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let apps: Vec<plugboard_shared::WidgetApp> = response.json().await.unwrap();
        apps.into_iter().map(|a| a.name).collect()
    }

    pub async fn accounts(&self, query: &str) -> Value {
        let response = self
            .api
            .get(self.url(&format!("/integrated-accounts?{query}")))
            .bearer_auth(API_KEY)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    /// Runs the whole popup as a browser would: start, sandbox login, callback. Returns
    /// the popup page's answer.
    pub async fn popup_login(&self, token: &str, username: &str, decision: &str) -> PopupPage {
        self.popup_login_to(token, "sandbox-crm", json!({}), username, decision)
            .await
    }

    /// [`TestApp::popup_login`] for any sandbox OAuth app, with the values typed first.
    pub async fn popup_login_to(
        &self,
        token: &str,
        app: &str,
        body: Value,
        username: &str,
        decision: &str,
    ) -> PopupPage {
        let started: Value = self.connect(token, app, body).await.json().await.unwrap();
        let browser = Browser::new();
        let authorize = browser.redirect_target(started["popup_url"].as_str().unwrap()).await;
        let callback = browser.login(&authorize, username, decision).await;
        let page = browser.get(&callback).await;
        PopupPage {
            attempt_id: started["attempt_id"].as_str().unwrap().to_owned(),
            callback,
            browser,
            page,
        }
    }
}

pub struct PopupPage {
    pub attempt_id: String,
    pub callback: String,
    pub browser: Browser,
    pub page: (StatusCode, String),
}

impl PopupPage {
    /// The message the page posts to its opener.
    pub fn message(&self) -> PopupMessage {
        assert_eq!(self.page.0, StatusCode::OK, "{}", self.page.1);
        serde_json::from_str(&script_block(&self.page.1, "message")).unwrap()
    }

    /// The origin it posts to.
    pub fn target_origin(&self) -> String {
        serde_json::from_str(&script_block(&self.page.1, "target")).unwrap()
    }
}

fn script_block(html: &str, id: &str) -> String {
    let open = format!("<script type=\"application/json\" id=\"{id}\">");
    let start = html.find(&open).unwrap_or_else(|| panic!("no {id} block in {html}")) + open.len();
    html[start..].split("</script>").next().unwrap().to_owned()
}

/// A browser with its own cookie jar that does not follow redirects, so each hop is seen.
pub struct Browser {
    client: reqwest::Client,
}

impl Browser {
    pub fn new() -> Self {
        Self {
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(Policy::none())
                .build()
                .unwrap(),
        }
    }

    pub async fn get(&self, url: &str) -> (StatusCode, String) {
        let response = self.client.get(url).send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    }

    /// GET `url` and the whole answer (status, headers), redirects not followed.
    pub async fn send(&self, url: &str) -> reqwest::Response {
        self.client.get(url).send().await.unwrap()
    }

    pub async fn redirect_target(&self, url: &str) -> String {
        let response = self.client.get(url).send().await.unwrap();
        assert!(
            response.status().is_redirection(),
            "{url} answered {}",
            response.status()
        );
        response.headers()["location"].to_str().unwrap().to_owned()
    }

    /// Fills the sandbox login form and presses `decision` ("allow" or "deny").
    pub async fn login(&self, authorize_url: &str, username: &str, decision: &str) -> String {
        let (status, _) = self.get(authorize_url).await;
        assert_eq!(status, StatusCode::OK);
        let (action, form) = login_form(authorize_url, username, decision).unwrap();
        let response = self.client.post(action).form(&form).send().await.unwrap();
        assert!(
            response.status().is_redirection(),
            "login answered {}",
            response.status()
        );
        response.headers()["location"].to_str().unwrap().to_owned()
    }
}

/// Where the sandbox's login page posts, and what it posts when `username` presses
/// `decision`: the authorize request's parameters plus the typed values.
pub fn login_form(authorize_url: &str, username: &str, decision: &str) -> Option<(String, Vec<(String, String)>)> {
    let url = reqwest::Url::parse(authorize_url).ok()?;
    let mut form: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != "response_type")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    form.extend([
        ("username".into(), username.into()),
        ("password".into(), "pw".into()),
        ("decision".into(), decision.into()),
    ]);
    Some((url.as_str().split('?').next()?.to_owned(), form))
}

pub fn hmac_hex(secret: &str, message: &str) -> String {
    plugboard_server::crypto::hmac_hex(secret.as_bytes(), message.as_bytes())
}

/// Asserts an error answer has the JSON shape and the code.
pub async fn assert_error(response: reqwest::Response, status: StatusCode, code: &str) {
    assert_eq!(response.status(), status);
    let body: Value = response.json().await.expect("error bodies are JSON");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}
