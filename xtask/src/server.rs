//! A throw-away server for the bench (and the secrets the e2e server is started with):
//! a free port, a fresh temporary data directory, generated keys, killed on drop.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use base64::Engine;

use crate::process::workspace_root;

/// Keys a test server is configured with; fresh for every run.
pub struct Secrets {
    pub api_key: String,
    pub app_secret: String,
    /// Base64 of 32 random bytes (AES-256-GCM key for credentials at rest).
    pub master_key: String,
}

impl Secrets {
    pub fn generate() -> anyhow::Result<Self> {
        Ok(Self {
            api_key: format!("pb_test_{}", hex(&random_bytes::<16>()?)),
            app_secret: hex(&random_bytes::<32>()?),
            master_key: base64::engine::general_purpose::STANDARD.encode(random_bytes::<32>()?),
        })
    }
}

fn random_bytes<const N: usize>() -> anyhow::Result<[u8; N]> {
    let mut bytes = [0; N];
    File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .context("cannot read /dev/urandom")?;
    Ok(bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A port nobody listens on right now (the OS picks it).
pub fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A new empty directory under the system temp dir; the caller removes it.
pub fn scratch_dir(label: &str) -> anyhow::Result<PathBuf> {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH)?.as_nanos();
    let dir = std::env::temp_dir().join(format!("plugboard-{label}-{}-{nanos}", std::process::id()));
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(dir)
}

/// Removes every `PLUGBOARD_*` variable inherited from the caller's shell, so a
/// developer's own configuration cannot leak into a test server.
pub fn scrub_plugboard_env(cmd: &mut Command) {
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("PLUGBOARD_") {
            cmd.env_remove(name);
        }
    }
}

/// The environment that configures a test server (the same for bench and e2e).
pub fn server_env(port: u16, data_dir: &Path, allowed_origins: &str, secrets: &Secrets) -> Vec<(String, String)> {
    let public_dir = workspace_root().join("public");
    [
        // The demo page the bench loads exists in development mode only.
        ("PLUGBOARD_SERVER_MODE", "development".to_owned()),
        ("PLUGBOARD_SERVER_BIND", format!("127.0.0.1:{port}")),
        ("PLUGBOARD_SERVER_PUBLIC_URL", format!("http://127.0.0.1:{port}")),
        (
            "PLUGBOARD_SERVER_DATABASE_URL",
            format!("sqlite://{}", data_dir.join("plugboard.db").display()),
        ),
        ("PLUGBOARD_SERVER_ALLOWED_ORIGINS", allowed_origins.to_owned()),
        ("PLUGBOARD_SERVER_PUBLIC_DIR", public_dir.display().to_string()),
        ("PLUGBOARD_SECURITY_MASTER_KEY", secrets.master_key.clone()),
        ("PLUGBOARD_SECURITY_API_KEYS", secrets.api_key.clone()),
        ("PLUGBOARD_SECURITY_APP_ID", "acme".to_owned()),
        ("PLUGBOARD_SECURITY_APP_SECRET", secrets.app_secret.clone()),
        // Cold loads from one address, many a minute: the bench measures, it does not abuse.
        ("PLUGBOARD_LIMITS_UNAUTHENTICATED_PER_MINUTE", "0".to_owned()),
        ("PLUGBOARD_LIMITS_WIDGET_REQUESTS_PER_MINUTE", "0".to_owned()),
        ("PLUGBOARD_LIMITS_LINK_TOKENS_PER_MINUTE", "0".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// A running `plugboard` on a free port with its own data directory.
pub struct TestServer {
    child: Child,
    data_dir: PathBuf,
    port: u16,
    pub url: String,
}

impl TestServer {
    pub fn start(binary: &Path, secrets: &Secrets) -> anyhow::Result<Self> {
        Self::start_on(binary, secrets, None)
    }

    /// A server on `database_url` (a PostgreSQL database) instead of its own SQLite file.
    pub fn start_on(binary: &Path, secrets: &Secrets, database_url: Option<&str>) -> anyhow::Result<Self> {
        let port = free_port()?;
        let data_dir = scratch_dir("bench")?;
        let log = File::create(data_dir.join("server.log"))?;
        let mut cmd = Command::new(binary);
        scrub_plugboard_env(&mut cmd);
        let child = cmd
            .envs(server_env(port, &data_dir, "http://localhost", secrets))
            .envs(database_url.map(|url| ("PLUGBOARD_SERVER_DATABASE_URL", url)))
            .current_dir(&data_dir)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        let mut server = Self {
            child,
            data_dir,
            port,
            url: format!("http://127.0.0.1:{port}"),
        };
        server.wait_ready(port).inspect_err(|_| server.print_log())?;
        Ok(server)
    }

    /// `binary`'s own commands (`operator create`…) on this server's database and keys.
    /// Only for a server on its own SQLite file ([`TestServer::start`]).
    pub fn cli(&self, binary: &Path, secrets: &Secrets) -> Command {
        let mut cmd = Command::new(binary);
        scrub_plugboard_env(&mut cmd);
        cmd.envs(server_env(self.port, &self.data_dir, "http://localhost", secrets))
            .current_dir(&self.data_dir);
        cmd
    }

    /// The server's process id, to read its memory from `/proc`.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Polls `GET /healthz` until it answers 200 (or the server exits, or 60 s pass).
    fn wait_ready(&mut self, port: u16) -> anyhow::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                bail!("the server exited during start-up ({status})");
            }
            if healthz(port).unwrap_or(false) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        bail!("the server did not answer GET /healthz within 60 s")
    }

    fn print_log(&self) {
        if let Ok(log) = fs::read_to_string(self.data_dir.join("server.log")) {
            eprintln!("--- server log ---\n{log}--- end of server log ---");
        }
    }
}

fn healthz(port: u16) -> std::io::Result<bool> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    write!(stream, "GET /healthz HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n")?;
    let mut head = [0; 12];
    stream.read_exact(&mut head)?;
    Ok(head.ends_with(b" 200"))
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.data_dir);
    }
}
