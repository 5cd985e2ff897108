//! A named, timed step per line of output, and a summary table at the end — so a CI log
//! shows at a glance which step failed and where the minutes went.

use std::time::{Duration, Instant};

use anyhow::Context;

#[derive(Default)]
pub struct Steps {
    done: Vec<(String, Duration, bool)>,
}

impl Steps {
    /// Runs one step, printing its name before and its outcome and duration after.
    pub fn run<T>(&mut self, name: &str, f: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<T> {
        println!("\n==> {name}");
        let start = Instant::now();
        let result = f();
        let elapsed = start.elapsed();
        let ok = result.is_ok();
        println!(
            "<== {name}: {} in {}",
            if ok { "ok" } else { "FAILED" },
            format_duration(elapsed)
        );
        self.done.push((name.to_owned(), elapsed, ok));
        result.with_context(|| format!("step `{name}` failed"))
    }

    /// The table of every step run so far, and the total.
    pub fn print_summary(&self, title: &str) {
        let width = self.done.iter().map(|(name, ..)| name.len()).max().unwrap_or(0);
        println!("\n{title} summary:");
        for (name, elapsed, ok) in &self.done {
            let mark = if *ok { "ok    " } else { "FAILED" };
            println!("  {mark}  {name:<width$}  {:>8}", format_duration(*elapsed));
        }
        let total: Duration = self.done.iter().map(|(_, elapsed, _)| *elapsed).sum();
        println!("  total   {:<width$}  {:>8}", "", format_duration(total));
    }
}

pub fn format_duration(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1}s")
    } else {
        format!("{}m{:02}s", d.as_secs() / 60, d.as_secs() % 60)
    }
}
