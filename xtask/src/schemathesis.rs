//! The fuzz step of `cargo xtask test`: schemathesis (from PyPI) reads the server's own
//! `/openapi.json`, sends it generated and deliberately broken requests, and fails when the
//! server answers 5xx or anything the document does not promise (status, content type,
//! headers, body schema) or accepts a request the document calls invalid. It lives in a
//! virtual environment under target/, pinned, so every machine runs the same checks;
//! `xtask/schemathesis.toml` holds the few checks it skips where, and why.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

use crate::build::{self, BuildOptions};
use crate::http_client;
use crate::process::{find_in_path, output, run, target_dir, workspace_root};
use crate::server::{Secrets, TestServer};
use crate::steps::Steps;
use crate::tools::apt_install;

const VERSION: &str = "4.32.5";

/// Per operation and phase; with one worker the whole step stays near a minute on two cores.
const MAX_EXAMPLES: &str = "50";

/// Fixed, so a failure seen in CI is the one a developer gets locally.
const SEED: &str = "20261202";

/// `cargo xtask fuzz`: this step alone, on a fresh debug build of the server.
pub fn command(args: &[String]) -> anyhow::Result<()> {
    if let Some(arg) = args.first() {
        bail!("unknown option `{arg}` for `cargo xtask fuzz`");
    }
    let mut steps = Steps::default();
    let built = build::build_server(&mut steps, &BuildOptions::DEFAULT)?;
    let result = steps.run("fuzz: schemathesis against /openapi.json", || {
        fuzz(&built.server_binary)
    });
    steps.print_summary("fuzz");
    result
}

/// Boots `server_binary`, makes one credential of each kind its routes take (an API key,
/// a link token, a signed-in admin's console session) and an account, and fuzzes every
/// route with the credential its document names (with any other it would only ever
/// answer 401). xtask/schemathesis.toml reads them from the `FUZZ_*` variables.
pub fn fuzz(server_binary: &Path) -> anyhow::Result<()> {
    let cli = ensure()?;
    let secrets = Secrets::generate()?;
    let server = TestServer::start(server_binary, &secrets)?;
    let link_token = link_token(&server.url, &secrets.api_key)?;
    let account = api_key_account(&server.url, &link_token)?;
    let session = operator_session(&server, server_binary, &secrets)?;
    run(Command::new(&cli)
        .arg("--config-file")
        .arg(workspace_root().join("xtask/schemathesis.toml"))
        .arg("run")
        .arg(format!("{}/openapi.json", server.url))
        // The console's writes and the widget's connect both want a page of this server.
        .args(["--header", &format!("Origin: {}", server.url)])
        .args(["--max-examples", MAX_EXAMPLES, "--seed", SEED])
        // With two workers a run here once died inside hypothesis on CPython 3.11 ("AST
        // constructor recursion depth mismatch"); one worker never has, and two cores
        // gain little from more.
        .args(["--workers", "1"])
        .args(["--request-timeout", "30"])
        // No `.hypothesis/` example database in the work tree: every run starts clean.
        .args(["--generation-database", "none"])
        .arg("--no-color")
        .env("FUZZ_API_KEY", &secrets.api_key)
        .env("FUZZ_LINK_TOKEN", &link_token)
        .env("FUZZ_CONSOLE_SESSION", &session)
        .env("FUZZ_ACCOUNT_ID", &account)
        .current_dir(target_dir()))
}

/// A link token for a tenant of its own, that may also disconnect (so that route is
/// reached, not refused outright).
fn link_token(server_url: &str, api_key: &str) -> anyhow::Result<String> {
    let body = serde_json::json!({"tenant_id": "schemathesis", "allow_disconnect": true});
    let authorization = format!("Bearer {api_key}");
    let (status, answer) = http_client::request(
        "POST",
        &format!("{server_url}/link-token"),
        &[("Authorization", &authorization)],
        Some(&body),
    )?;
    if status != 201 {
        bail!("POST /link-token answered {status}: {answer}");
    }
    answer["link_token"]
        .as_str()
        .map(str::to_owned)
        .context("POST /link-token answered no link_token")
}

/// Connects the sandbox's API-key app as the widget would; the new account's id.
fn api_key_account(server_url: &str, link_token: &str) -> anyhow::Result<String> {
    let authorization = format!("Bearer {link_token}");
    let (status, message) = http_client::request(
        "POST",
        &format!("{server_url}/widget/connect/sandbox-hr"),
        &[("Authorization", &authorization), ("Origin", server_url)],
        Some(&serde_json::json!({"fields": {"api_key": "sk_sandbox_fuzz"}})),
    )?;
    match (status, message["payload"]["accountId"].as_str()) {
        (200, Some(account)) => Ok(account.to_owned()),
        _ => bail!("connecting Sandbox HR answered {status}: {message}"),
    }
}

/// Creates an admin operator with the server's own CLI and signs in as the console
/// would; the session cookie's value.
fn operator_session(server: &TestServer, binary: &Path, secrets: &Secrets) -> anyhow::Result<String> {
    let (email, password) = ("fuzz@example.com", "fuzz-operator-password");
    let mut create = server
        .cli(binary, secrets)
        .args(["operator", "create", "--email", email, "--role", "admin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .context("cannot start `plugboard operator create`")?;
    create
        .stdin
        .take()
        .context("no stdin")?
        .write_all(format!("{password}\n").as_bytes())?;
    let status = create.wait()?;
    if !status.success() {
        bail!("`plugboard operator create` failed ({status})");
    }
    let request = http_client::agent()
        .post(&format!("{}/console/api/session", server.url))
        .set("Origin", &server.url);
    let body = serde_json::json!({"email": email, "password": password});
    let response = http_client::send(request, Some(&body))?;
    if response.status() != 200 {
        bail!("signing in to the console answered {}", response.status());
    }
    response
        .all("set-cookie")
        .into_iter()
        .filter_map(|value| value.split(';').next())
        .find_map(|cookie| cookie.trim().strip_prefix("plugboard_console="))
        .map(str::to_owned)
        .context("signing in set no plugboard_console cookie")
}

/// The pinned schemathesis CLI in `target/schemathesis-venv`, installed when missing.
fn ensure() -> anyhow::Result<PathBuf> {
    let venv = target_dir().join("schemathesis-venv");
    let cli = venv.join("bin/schemathesis");
    let wanted = format!("schemathesis, version {VERSION}");
    let installed = || output(Command::new(&cli).arg("--version"));
    if installed().is_some_and(|v| v.trim() == wanted) {
        return Ok(cli);
    }
    let python = find_in_path("python3").context("python3 is needed for schemathesis: install it")?;
    // Debian's python3 lacks venv and ensurepip until python3-venv is installed.
    let has_venv = || output(Command::new(&python).args(["-c", "import venv, ensurepip"])).is_some();
    if !has_venv() {
        let installed = apt_install(&["python3-venv"])?;
        if !installed || !has_venv() {
            bail!("python3 cannot create virtual environments: install python3-venv");
        }
    }
    println!("installing schemathesis {VERSION} into {} (once)", venv.display());
    run(Command::new(&python).args(["-m", "venv", "--clear"]).arg(&venv))?;
    run(Command::new(venv.join("bin/pip"))
        .args(["install", "--quiet", "--disable-pip-version-check"])
        .arg(format!("schemathesis=={VERSION}")))?;
    match installed() {
        Some(v) if v.trim() == wanted => Ok(cli),
        other => bail!("installed schemathesis reports {other:?}, expected `{wanted}`"),
    }
}
