//! One integrated account: every field (never a credential), what can be done to it,
//! and its audit log of verifications, refreshes and credential reads.

use std::collections::BTreeMap;

use leptos::prelude::*;
use plugboard_shared::console::{AccountDetail, AuthLink};
use plugboard_shared::{AccountId, AccountLogEntry};

use super::account_actions::{AccountActions, Facts, ReconnectLink};
use crate::api::Api;
use crate::components::{CopyButton, DataTable, Heading, Outcome, OutcomeRegion, PageTitle, StatusBadge, Time, loaded};
use crate::format;
use crate::route::Route;

const LOG_COLUMNS: &[Heading] = &[
    Heading::text("Time"),
    Heading::text("Action"),
    Heading::text("Outcome"),
    Heading::text("Status"),
    Heading::num("Latency"),
    Heading::text("Detail"),
];

#[component]
pub fn AccountPage(id: AccountId) -> impl IntoView {
    let api = expect_context::<Api>();
    let key = id.to_string();
    let detail = LocalResource::new(move || api.account(key.clone()));
    let outcome = RwSignal::new(None::<Outcome>);
    let reconnect = RwSignal::new(None::<AuthLink>);
    // The actions are drawn again only when what they depend on changes, not on every
    // reload of the log: a reconnect link on screen stays there after a re-verify.
    let facts = Memo::new(move |_| detail.read().as_ref().and_then(|r| r.as_ref().ok()).map(Facts::of));
    view! {
        <p class="back"><a href=Route::Accounts.href()>"← Integrated accounts"</a></p>
        <PageTitle text=format!("Account {id}")/>
        {move || facts.get().map(|facts| view! {
            <AccountActions facts outcome reconnect reload=move || detail.refetch()/>
        })}
        <OutcomeRegion outcome/>
        {move || reconnect.get().map(|link| view! { <ReconnectLink link/> })}
        {loaded(detail, "the account", |detail: AccountDetail| view! {
            <AccountFields detail=detail.clone()/>
            <AccountLog log=detail.log/>
        })}
    }
}

#[component]
fn AccountFields(detail: AccountDetail) -> impl IntoView {
    let account = detail.account;
    let id = account.account_id.to_string();
    view! {
        <section class="card" aria-labelledby="account-fields">
            <h2 id="account-fields" class="app-heading">
                <img src=detail.logo_url alt="" width="32" height="32"/>
                <span>{detail.app_name}</span>
            </h2>
            <dl class="fields">
                <div class="field-wide">
                    <dt>"Account id"</dt>
                    <dd><span class="mono">{id.clone()}</span> " " <CopyButton text=id what="account id"/></dd>
                </div>
                <div><dt>"Authorization id"</dt><dd class="mono">{account.authorization_id}</dd></div>
                <div><dt>"Tenant id"</dt><dd class="mono">{account.tenant_id.to_string()}</dd></div>
                <div><dt>"App"</dt><dd class="mono">{account.app.to_string()}</dd></div>
                <div><dt>"Auth mode"</dt><dd>{format::auth_mode(detail.auth_mode)}</dd></div>
                <div><dt>"Identity"</dt><dd>{account.identity}</dd></div>
                <div><dt>"Status"</dt><dd><StatusBadge status=account.status/></dd></div>
                <div><dt>"Connected"</dt><dd><Time at=account.connected_at/></dd></div>
                <div><dt>"Last verified"</dt><dd><Time at=account.verified_at none="never"/></dd></div>
                <div><dt>"Access token expires"</dt><dd><Time at=account.expires_at none="does not expire"/></dd></div>
                <div>
                    <dt>"Refreshable"</dt>
                    <dd>{if detail.can_refresh { "Yes (refresh token)" } else { "No" }}</dd>
                </div>
            </dl>
            <Metadata values=account.metadata/>
        </section>
    }
}

/// What the provider returned that later calls need (`instance_host`, `realm_id`…): not
/// secret, and often what support is asked about.
#[component]
fn Metadata(values: BTreeMap<String, String>) -> impl IntoView {
    if values.is_empty() {
        return None;
    }
    let entries = values
        .into_iter()
        .map(|(key, value)| {
            view! {
                <div>
                    <dt class="mono metadata-key">{key}</dt>
                    <dd class="mono">{value}</dd>
                </div>
            }
        })
        .collect_view();
    Some(view! {
        <h3 class="metadata-title">"Connection metadata"</h3>
        <dl class="fields">{entries}</dl>
    })
}

#[component]
fn AccountLog(log: Vec<AccountLogEntry>) -> impl IntoView {
    let count = log.len();
    let body = if log.is_empty() {
        view! { <p class="empty">"Nothing logged yet: no verification, refresh or credentials read."</p> }.into_any()
    } else {
        let rows = log.into_iter().map(|entry| view! { <LogRow entry/> }).collect_view();
        view! {
            <DataTable label="Audit log of this account" headings=LOG_COLUMNS>{rows}</DataTable>
        }
        .into_any()
    };
    view! {
        <section class="section">
            <h2>"Audit log " <span class="count">"(" {count} ")"</span></h2>
            {body}
        </section>
    }
}

#[component]
fn LogRow(entry: AccountLogEntry) -> impl IntoView {
    let outcome = match entry.outcome.as_str() {
        "ok" => view! { <crate::components::Badge tone="ok" icon="✓" text="OK"/> }.into_any(),
        "failed" => view! { <crate::components::Badge tone="error" icon="✕" text="Failed"/> }.into_any(),
        other => view! { <span>{format::code(other)}</span> }.into_any(),
    };
    view! {
        <tr>
            <td class="nowrap"><Time at=entry.at/></td>
            <td>{format::code(&entry.action)}</td>
            <td>{outcome}</td>
            <td class="mono">{entry.status_code.map_or_else(|| "—".to_owned(), |s| s.to_string())}</td>
            <td class="num nowrap">{format::latency(entry.latency_ms)}</td>
            <td class="detail">{entry.detail.unwrap_or_default()}</td>
        </tr>
    }
}
