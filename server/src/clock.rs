//! Time as the database stores it (Unix seconds) and as the API shows it (RFC 3339).
//! Every expiry, lease and retry reads the server's [`Clock`], which tests move forward
//! instead of sleeping until a token expires or a retry is due.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The server's time: the system clock plus an offset only tests change.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset: Arc<AtomicI64>,
}

impl Clock {
    /// Seconds since the Unix epoch, now.
    pub fn now(&self) -> i64 {
        OffsetDateTime::now_utc().unix_timestamp() + self.offset.load(Ordering::Relaxed)
    }

    /// Moves this clock (and every clone of it) `secs` into the future.
    pub fn advance(&self, secs: i64) {
        self.offset.fetch_add(secs, Ordering::Relaxed);
    }

    /// The same offset as `other` (a restarted server keeps the time its tests moved to).
    pub fn follow(&self, other: &Clock) {
        self.offset
            .store(other.offset.load(Ordering::Relaxed), Ordering::Relaxed);
    }
}

/// Seconds since the Unix epoch by the system clock, for the command line (key creation),
/// which runs outside any server.
pub fn system_now() -> i64 {
    Clock::default().now()
}

/// RFC 3339 text of a Unix time.
pub fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_advanced_clock_is_ahead_in_every_clone() {
        let clock = super::Clock::default();
        let clone = clock.clone();
        let before = clock.now();
        clock.advance(3600);
        assert!(clone.now() >= before + 3600);
    }

    #[test]
    fn formats_utc() {
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00Z");
    }
}
