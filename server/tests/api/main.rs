//! Integration tests: each boots the real server on a random port with its own SQLite
//! file and drives it over HTTP, as a host backend and a browser would.

mod helpers;

mod accounts;
mod api_key_flow;
mod assets;
mod auth_modes;
mod category_labels;
mod console;
mod crash;
mod deployments;
mod instances;
mod lifecycle;
mod limits;
mod link_tokens;
mod metadata;
mod oauth_flow;
mod openapi;
mod outbound_tls;
mod process;
mod production;
mod provider_faults;
mod proxy;
mod redirect_mode;
mod route_walk;
mod schema;
mod secrets_in_logs;
mod shutdown;
mod webhooks;
mod widget_accounts;
mod widget_reconnect;
mod widget_session;
