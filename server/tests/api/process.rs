//! The `plugboard` binary as an operator runs it, for what only a process shows: signals,
//! crashes and restarts.

use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use reqwest::StatusCode;
use tokio::process::Child;

use crate::helpers::{TestApp, database, server_env};

pub struct Plugboard {
    /// Drives the process over HTTP, like the in-process servers' tests.
    pub app: TestApp,
    env: Vec<(String, String)>,
    log: tempfile::NamedTempFile,
    child: Option<Child>,
}

impl Plugboard {
    /// A server process on a fresh database (PostgreSQL with `PLUGBOARD_TEST_POSTGRES_URL`),
    /// in production mode with the sandbox, and with `extra` settings.
    pub async fn start(extra: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (database_url, _) = database(dir.path()).await;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let base = format!("http://127.0.0.1:{port}");
        let bind = format!("127.0.0.1:{port}");
        let mut settings = vec![("PLUGBOARD_SERVER_BIND", bind.as_str()), ("RUST_LOG", "warn")];
        settings.extend_from_slice(extra);
        let env = server_env(&base, &database_url, &settings);
        let mut server = Self {
            app: TestApp::for_process(base, database_url, dir),
            env,
            log: tempfile::NamedTempFile::new().unwrap(),
            child: None,
        };
        server.restart().await;
        server
    }

    /// Starts the process (again, on the same port and database) and waits until ready.
    pub async fn restart(&mut self) {
        let out = std::fs::OpenOptions::new().append(true).open(self.log.path()).unwrap();
        let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_plugboard"))
            .env_clear()
            .envs(self.env.iter().cloned())
            .stdout(Stdio::from(out.try_clone().unwrap()))
            .stderr(Stdio::from(out))
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        self.child = Some(child);
        for _ in 0..400 {
            if let Ok(response) = self.app.api.get(self.app.url("/readyz")).send().await
                && response.status() == StatusCode::OK
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the server did not start:\n{}", self.output());
    }

    /// SIGKILL: the process ends at once, mid-request, as in a crash or an OOM kill.
    pub async fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().await.unwrap();
        }
    }

    /// SIGTERM, as an orchestrator stops an instance.
    pub fn terminate(&self) {
        let pid = self.child.as_ref().and_then(Child::id).expect("running");
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
    }

    /// How the process ended, waiting at most `limit`.
    pub async fn exit_within(&mut self, limit: Duration) -> ExitStatus {
        let child = self.child.as_mut().expect("started");
        let status = tokio::time::timeout(limit, child.wait())
            .await
            .unwrap_or_else(|_| panic!("still running after {limit:?}:\n{}", self.output()))
            .unwrap();
        self.child = None;
        status
    }

    /// What the process wrote to stdout and stderr.
    pub fn output(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap_or_default()
    }
}
