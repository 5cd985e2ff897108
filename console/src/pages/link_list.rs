//! The recent auth links, newest first, each revocable until it expires (a link e-mailed
//! to the wrong person).

use leptos::prelude::*;
use leptos::task::spawn_local;
use plugboard_shared::console::AuthLinkSummary;

use crate::api::{Api, ApiResult};
use crate::components::{Badge, ConfirmDialog, DataTable, Heading, Outcome, OutcomeRegion, Time, loaded};
use crate::route::Route;

const COLUMNS: &[Heading] = &[
    Heading::text("Tenant"),
    Heading::text("Owner"),
    Heading::text("Username"),
    Heading::text("Created"),
    Heading::text("Expires"),
    Heading::text("State"),
    Heading::ACTIONS,
];

#[component]
pub fn LinkList(links: LocalResource<ApiResult<Vec<AuthLinkSummary>>>) -> impl IntoView {
    let outcome = RwSignal::new(None::<Outcome>);
    let reload = move || links.refetch();
    view! {
        <section class="section">
            <h2>"Recent links"</h2>
            <OutcomeRegion outcome/>
            {loaded(links, "the recent links", move |links: Vec<AuthLinkSummary>| {
                if links.is_empty() {
                    return view! { <p class="empty">"No links yet."</p> }.into_any();
                }
                let rows = links
                    .into_iter()
                    .map(|link| view! { <LinkRow link outcome reload/> })
                    .collect_view();
                view! {
                    <DataTable label="Recent links" headings=COLUMNS>{rows}</DataTable>
                }
                .into_any()
            })}
        </section>
    }
}

#[component]
fn LinkRow(
    link: AuthLinkSummary,
    outcome: RwSignal<Option<Outcome>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let expired = is_past(&link.expires_at);
    let revocable = link.revoked_at.is_none() && !expired;
    let tenant = link.tenant_id.to_string();
    let reconnects = link.account_id.map(|id| {
        view! {
            <span class="small muted block">
                "reconnects " <a class="mono" href=Route::Account(id.clone()).href()>{id.to_string()}</a>
            </span>
        }
    });
    // Used and revoked are separate facts (a used link can still be revoked): one cell,
    // a line each.
    let used = match link.used_at {
        Some(at) => view! { <span class="block">"Used " <Time at/></span> }.into_any(),
        None => view! { <span class="block muted">"Not used"</span> }.into_any(),
    };
    let ended = match link.revoked_at {
        Some(at) => Some(view! { <Badge tone="neutral" icon="⊘" text="Revoked"/> " " <Time at/> }.into_any()),
        None if expired => Some(view! { <Badge tone="neutral" icon="⌛" text="Expired"/> }.into_any()),
        None => None,
    };
    let action = revocable.then(|| view! { <RevokeLink id=link.id.clone() tenant=tenant.clone() outcome reload/> });
    view! {
        <tr>
            <td><span class="mono">{tenant}</span> {reconnects}</td>
            <td>{link.owner_name.unwrap_or_default()}</td>
            <td>{link.username.unwrap_or_default()}</td>
            <td class="nowrap">
                <Time at=link.created_at/>
                <span class="block small muted">"by " {link.created_by}</span>
            </td>
            <td class="nowrap"><Time at=link.expires_at/></td>
            <td class="nowrap">{used} {ended}</td>
            <td>{action}</td>
        </tr>
    }
}

#[component]
fn RevokeLink(
    id: String,
    tenant: String,
    outcome: RwSignal<Option<Outcome>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let api = expect_context::<Api>();
    let open = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let revoke = {
        let (id, tenant) = (id.clone(), tenant.clone());
        move || {
            busy.set(true);
            let (id, tenant) = (id.clone(), tenant.clone());
            spawn_local(async move {
                let said = match api.revoke_link(id).await {
                    Ok(()) => Outcome::Done(format!("Revoked the link for {tenant}.")),
                    Err(error) => Outcome::failed(&error),
                };
                open.try_set(false);
                busy.try_set(false);
                outcome.try_set(Some(said));
                reload();
            });
        }
    };
    view! {
        <button type="button" class="button button-small" on:click=move |_| open.set(true)>
            "Revoke"<span class="sr-only">" the link for " {tenant.clone()}</span>
        </button>
        <ConfirmDialog open title="Revoke this link?" confirm="Revoke link" busy on_confirm=revoke>
            <p>
                "The link for " <strong class="mono">{tenant}</strong>
                " stops working at once: whoever opens it is told it is no longer valid."
            </p>
        </ConfirmDialog>
    }
}

/// Whether an RFC 3339 time has passed, by this browser's clock.
fn is_past(rfc3339: &str) -> bool {
    let at = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339)).get_time();
    !at.is_nan() && at < js_sys::Date::now()
}
