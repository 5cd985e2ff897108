//! Plugboard's server: link tokens, the OAuth2 and API-key flows, verified integrated
//! accounts, the hosted connect page and the sandbox provider. `main.rs` is a thin CLI.

pub mod auth;
pub mod catalog;
pub mod clock;
pub mod config;
pub mod connect;
pub mod connect_metadata;
pub mod credentials;
pub mod crypto;
pub mod db;
pub mod deployments;
pub mod error;
pub mod group_commit;
pub mod http;
pub mod key_rotation;
pub mod lifecycle;
pub mod limits;
pub mod maintenance;
pub mod oauth_client;
pub mod operators;
pub mod provider_call;
pub mod provider_time;
pub mod proxy;
pub mod public_only;
pub mod serve;
pub mod startup;
pub mod state;
pub mod store;
pub mod token_http;
pub mod verify;
pub mod webhooks;

pub use config::Config;
pub use startup::Server;
