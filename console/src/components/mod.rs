//! Pieces every screen uses: outcome and loading states, copy buttons, times, status
//! badges, app labels, the confirmation dialog, scrollable tables, page headings.

mod app_label;
mod badge;
mod copy;
mod dialog;
mod feedback;
mod heading;
mod table;
mod time;

pub use app_label::{AppLabel, Catalog};
pub use badge::{Badge, StatusBadge};
pub use copy::{CopyButton, CopyField, write_clipboard};
pub use dialog::ConfirmDialog;
pub use feedback::{Outcome, OutcomeRegion, loaded};
pub use heading::PageTitle;
pub use table::{DataTable, Heading};
pub use time::Time;

use std::sync::atomic::{AtomicUsize, Ordering};

/// An id no other element of the page has, for `aria-labelledby` and `for`.
pub fn unique_id(prefix: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!("{prefix}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}
