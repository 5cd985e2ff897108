//! Repository functions: each file owns one table and its SQL. Queries use `$n`
//! placeholders, numbered in order of appearance, which both SQLite and PostgreSQL accept
//! (the multi-row inserts of `group_commit` use `?` on SQLite: see its `placeholders`).

pub mod accounts;
pub mod api_keys;
pub mod attempts;
pub mod audit;
pub mod link_tokens;
pub mod logs;
pub mod operators;
pub mod webhooks;
