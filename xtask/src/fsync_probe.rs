//! The disk's own tail beside a load run: a 4 KiB write and `fdatasync` every 10 ms to a
//! file under `target/`, timed. A durable write's p99 cannot be shorter than the fsync it
//! waits for, and on a shared VM fsync stalls of 100 ms and more come and go with the
//! host, so the bench prints this next to each half-rate run.

use std::fmt;
use std::fs::{self, File};
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::process::target_dir;

const EVERY: Duration = Duration::from_millis(10);

/// fsync latencies seen during one run, in milliseconds.
pub struct FsyncTimes {
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl fmt::Display for FsyncTimes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "disk fsync p99 {:.1} ms, max {:.1} ms", self.p99_ms, self.max_ms)
    }
}

/// Runs `run` while probing the disk; its result and what the disk did meanwhile.
pub fn during<T>(run: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<(T, FsyncTimes)> {
    let dir = target_dir().join("bench");
    fs::create_dir_all(&dir)?;
    let mut file = File::create(dir.join("fsync-probe")).context("cannot create the fsync probe's file")?;
    let stop = Arc::new(AtomicBool::new(false));
    let probe = {
        let stop = stop.clone();
        thread::spawn(move || -> std::io::Result<Vec<f64>> {
            let mut times = Vec::new();
            let page = [0u8; 4096];
            while !stop.load(Ordering::Relaxed) {
                file.write_all(&page)?;
                let started = Instant::now();
                file.sync_data()?;
                times.push(started.elapsed().as_secs_f64() * 1000.0);
                thread::sleep(EVERY);
            }
            Ok(times)
        })
    };
    let outcome = run();
    stop.store(true, Ordering::Relaxed);
    let mut times = probe.join().expect("the fsync probe panicked")?;
    let value = outcome?;
    times.sort_by(f64::total_cmp);
    let at = |q: f64| {
        times
            .get(((times.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    Ok((
        value,
        FsyncTimes {
            p99_ms: at(0.99),
            max_ms: at(1.0),
        },
    ))
}
