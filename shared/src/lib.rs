//! Types that the Plugboard widget (wasm32) and server (native) exchange.
//!
//! Everything here is plain data with serde derives: the JSON field names are the public
//! contract hosts code against (README: Backend API, events), so renaming a field here is a breaking change for hosts.
//! No I/O lives in this crate, so it builds for both targets without features.

pub mod api;
pub mod console;
pub mod events;
pub mod ids;
pub mod language;
pub mod popup;
#[cfg(feature = "sqlx")]
mod text_column;

pub use api::*;
pub use events::*;
pub use ids::*;
pub use popup::*;
