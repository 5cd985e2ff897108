//! A private PostgreSQL for one test run: `initdb` into a fresh temporary folder, started
//! with `pg_ctl` on a free loopback port, stopped and removed when dropped. The server
//! binaries are Debian's `postgresql` package (`/usr/lib/postgresql/<version>/bin`),
//! installed with apt when missing and we are root. `initdb` refuses to run as root, so
//! as root the cluster belongs to the `postgres` user the package creates.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::process::{is_root, output, run};
use crate::server::{free_port, scratch_dir};
use crate::tools::apt_install;

/// A running cluster; `url` names its server (`postgres://postgres@127.0.0.1:<port>`).
pub struct Postgres {
    bin: PathBuf,
    dir: PathBuf,
    pub url: String,
}

/// What a cluster promises about a commit it has acknowledged.
#[derive(Clone, Copy)]
pub enum Durability {
    /// Throw-away test data: no fsync, so tests do not wait on the disk.
    None,
    /// PostgreSQL's defaults, as production runs it: the bench measures this.
    Full,
}

impl Postgres {
    pub fn start(durability: Durability) -> anyhow::Result<Self> {
        let bin = server_binaries()?;
        let dir = scratch_dir("postgres")?;
        let data = dir.join("data");
        if is_root() {
            run(Command::new("chown").args(["-R", "postgres"]).arg(&dir))?;
        }
        run(as_owner(&bin.join("initdb"))
            .args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "-D"])
            .arg(&data))?;
        let port = free_port()?;
        // Every test opens its own pool.
        let mut options = format!(
            "-p {port} -c listen_addresses=127.0.0.1 -k {} -c max_connections=300",
            dir.display()
        );
        if let Durability::None = durability {
            options.push_str(" -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        }
        run(as_owner(&bin.join("pg_ctl"))
            .args(["-w", "-D"])
            .arg(&data)
            .args(["-o", &options, "-l"])
            .arg(dir.join("postgres.log"))
            .arg("start"))
        .inspect_err(|_| print_log(&dir))?;
        Ok(Self {
            bin,
            dir,
            url: format!("postgres://postgres@127.0.0.1:{port}"),
        })
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = as_owner(&self.bin.join("pg_ctl"))
            .args(["-D"])
            .arg(self.dir.join("data"))
            .args(["-m", "immediate", "stop"])
            .output();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// `program`, run as the `postgres` user when we are root.
fn as_owner(program: &Path) -> Command {
    if is_root() {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "postgres", "--"]).arg(program);
        cmd
    } else {
        Command::new(program)
    }
}

/// The newest `/usr/lib/postgresql/<version>/bin` with `initdb`, installing the package
/// when there is none.
fn server_binaries() -> anyhow::Result<PathBuf> {
    if let Some(bin) = newest_installed() {
        return Ok(bin);
    }
    if !apt_install(&["postgresql"])? {
        bail!(
            "the integration tests run on PostgreSQL too and need its server binaries (initdb, pg_ctl): \
             install them (Debian/Ubuntu: `sudo apt-get install postgresql`)"
        );
    }
    newest_installed().context("apt installed postgresql, but no /usr/lib/postgresql/*/bin/initdb appeared")
}

fn newest_installed() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    let (_, bin) = versions.pop()?;
    output(Command::new(bin.join("initdb")).arg("--version")).map(|_| bin)
}

fn print_log(dir: &Path) {
    if let Ok(log) = fs::read_to_string(dir.join("postgres.log")) {
        eprintln!("--- postgres log ---\n{log}--- end of postgres log ---");
    }
}
