//! `plugboard [--config FILE] [--dev] [serve]`, `plugboard [--config FILE] api-key create
//! [--label L]`, `operator create` and the key commands. A handful of commands need no argument-parsing crate.

use std::path::PathBuf;

use anyhow::{Context, bail};
use plugboard_server::config::Mode;
use plugboard_server::operators;
use plugboard_server::store::api_keys;
use plugboard_server::{Config, Server, db};
use plugboard_shared::console::Role;

const USAGE: &str = "usage: plugboard [--config FILE] [--dev] [serve | api-key create [--label LABEL] | \
                     operator create --email EMAIL --role admin|support | keys generate | keys rotate]\n\
                     The config file may also be named by PLUGBOARD_CONFIG; see README.md for its keys.\n\
                     --dev: development mode (sandbox, /demo, a development API key; loopback only).\n\
                     operator create reads the password from a prompt, or from stdin when it is not a terminal.";

#[tokio::main]
async fn main() {
    use std::io::IsTerminal;
    tracing_subscriber::fmt()
        // Colour codes only for a person at a terminal, not in files or a log collector.
        .with_ansi(std::io::stdout().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "plugboard_server=info,tower_http=warn".into()),
        )
        .init();
    if let Err(err) = run().await {
        eprintln!("plugboard: {err:#}");
        std::process::exit(1);
    }
}

async fn run() -> anyhow::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut config_path = std::env::var_os("PLUGBOARD_CONFIG").map(PathBuf::from);
    if let Some(i) = args.iter().position(|a| a == "--config") {
        config_path = Some(args.get(i + 1).context("--config needs a file name")?.into());
        args.drain(i..=i + 1);
    }
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return Ok(());
    }
    let mut env: Vec<(String, String)> = std::env::vars().collect();
    if let Some(i) = args.iter().position(|a| a == "--dev") {
        args.remove(i);
        env.push(("PLUGBOARD_SERVER_MODE".into(), "development".into()));
    }
    let config = Config::from_sources(config_path.as_deref(), &env)?;
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        [] | ["serve"] => serve(config).await,
        ["api-key", "create", rest @ ..] => {
            let label = match rest {
                ["--label", label] => *label,
                [] => "created from the command line",
                _ => bail!("{USAGE}"),
            };
            let pool = db::connect(&config.server.database_url).await?;
            let (key, _) = api_keys::create(&pool, label, plugboard_server::clock::system_now()).await?;
            println!("{key}");
            eprintln!("Store this key now: Plugboard keeps only its hash.");
            Ok(())
        }
        ["operator", "create", rest @ ..] => {
            let (email, role) = match rest {
                ["--email", email, "--role", role] | ["--role", role, "--email", email] => (*email, *role),
                _ => bail!("{USAGE}"),
            };
            let role = Role::parse(role).context("--role must be admin or support")?;
            let password = operators::read_new_password()?;
            let pool = db::connect(&config.server.database_url).await?;
            let created =
                operators::create(&pool, email, role, &password, plugboard_server::clock::system_now()).await?;
            println!("operator {} created ({})", created.email, role.as_str());
            Ok(())
        }
        ["keys", "generate"] => {
            use base64::Engine;
            println!(
                "{}",
                base64::engine::general_purpose::STANDARD.encode(plugboard_server::crypto::random_key())
            );
            Ok(())
        }
        ["keys", "rotate"] => {
            let key = plugboard_server::startup::master_key(&config)?;
            let pool = db::connect(&config.server.database_url).await?;
            let count = plugboard_server::key_rotation::rotate(&pool, &key).await?;
            println!("re-encrypted {count} accounts under the current master key; previous keys can now be removed");
            Ok(())
        }
        _ => bail!("{USAGE}"),
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let development = config.server.mode == Mode::Development;
    let server = Server::build(config).await?;
    let base = server.state.base_url.clone();
    println!(
        "plugboard listening on http://{} ({} mode)",
        server.addr,
        if development { "development" } else { "production" }
    );
    println!("  API:             {base}/integrated-accounts, {base}/link-token");
    if development {
        println!("  demo host page:  {base}/demo");
        if let Some(key) = development_api_key(&server).await? {
            println!("  development API key: {key}");
        }
    }
    server.run().await
}

/// With no API key configured or created, makes one for local use and keeps it in a file
/// beside the master key so the next start can print it again.
async fn development_api_key(server: &Server) -> anyhow::Result<Option<String>> {
    let state = &server.state;
    if !state.configured_api_keys.is_empty() {
        return Ok(None);
    }
    let dir = state
        .config
        .security
        .master_key_file
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default();
    let file = dir.join("dev-api-key");
    if let Ok(key) = std::fs::read_to_string(&file) {
        return Ok(Some(key.trim().to_owned()));
    }
    if api_keys::count(&state.pool).await? > 0 {
        return Ok(None);
    }
    let (key, _) = api_keys::create(&state.pool, "development", state.clock.now()).await?;
    std::fs::create_dir_all(&dir)?;
    plugboard_server::startup::write_private(&file, &key)?;
    Ok(Some(key))
}
