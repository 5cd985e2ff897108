//! Integrated accounts (Truto's page of the same name): every connected account, filtered
//! by tenant, app, status and words, a page at a time.

use leptos::prelude::*;
use plugboard_shared::{AccountPage, AccountStatus, IntegratedAccount};

use crate::api::{AccountFilter, Api};
use crate::components::{AppLabel, Catalog, CopyButton, DataTable, Heading, PageTitle, StatusBadge, Time, loaded};
use crate::format;
use crate::route::Route;
use crate::shell::AccountsState;

const COLUMNS: &[Heading] = &[
    Heading::text("Account"),
    Heading::text("Tenant"),
    Heading::text("App"),
    Heading::text("Identity"),
    Heading::text("Status"),
    Heading::text("Connected"),
    Heading::text("Last verified"),
];

#[component]
pub fn AccountsPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let state = expect_context::<AccountsState>();
    let list = LocalResource::new(move || {
        let filter = state.filter.get();
        let start_key = state.pages.with(|p| p.last().cloned());
        api.accounts(filter, start_key)
    });
    let next_key = move || {
        list.read()
            .as_ref()
            .and_then(|r| r.as_ref().ok())
            .and_then(|page| page.next_start_key.clone())
    };
    view! {
        <PageTitle text="Integrated accounts"/>
        <p class="lede">"Every account your customers connected. Open one for its details and log."</p>
        <Filters/>
        {loaded(list, "accounts", |page: AccountPage| view! { <AccountTable accounts=page.items/> })}
        <Pager next_key=Signal::derive(next_key)/>
    }
}

/// The filter form. Selects apply at once; the text fields on Enter or "Apply".
#[component]
fn Filters() -> impl IntoView {
    let state = expect_context::<AccountsState>();
    let catalog = expect_context::<Catalog>();
    let draft = RwSignal::new(state.filter.get_untracked());
    let apply = move || {
        state.pages.set(Vec::new());
        state.filter.set(draft.get_untracked());
    };
    let app_options = move || {
        let mut apps = catalog.overview().map(|o| o.catalog).unwrap_or_default();
        apps.sort_by_key(|app| app.name.to_lowercase());
        apps.into_iter()
            .map(|app| {
                let key = app.key.to_string();
                let selected = draft.with_untracked(|d| d.app == key);
                view! { <option value=key selected=selected>{app.name}</option> }
            })
            .collect_view()
    };
    let statuses = [
        AccountStatus::Verified,
        AccountStatus::VerificationFailed,
        AccountStatus::NeedsReauth,
    ]
    .into_iter()
    .map(|s| {
        let selected = draft.with_untracked(|d| d.status == s.as_str());
        view! { <option value=s.as_str() selected=selected>{format::status(s)}</option> }
    })
    .collect_view();
    view! {
        <form
            class="filters"
            role="search"
            aria-label="Filter accounts"
            on:submit=move |ev| {
                ev.prevent_default();
                apply();
            }
        >
            <div class="field">
                <label for="filter-tenant">"Tenant id"</label>
                <input
                    id="filter-tenant"
                    type="text"
                    prop:value=move || draft.with(|d| d.tenant_id.clone())
                    on:input=move |ev| draft.update(|d| d.tenant_id = event_target_value(&ev))
                />
            </div>
            <div class="field">
                <label for="filter-app">"App"</label>
                <select id="filter-app" on:change=move |ev| {
                    draft.update(|d| d.app = event_target_value(&ev));
                    apply();
                }>
                    <option value="">"All apps"</option>
                    {app_options}
                </select>
            </div>
            <div class="field">
                <label for="filter-status">"Status"</label>
                <select id="filter-status" on:change=move |ev| {
                    draft.update(|d| d.status = event_target_value(&ev));
                    apply();
                }>
                    <option value="">"Any status"</option>
                    {statuses}
                </select>
            </div>
            <div class="field field-grow">
                <label for="filter-q">"Search"</label>
                <input
                    id="filter-q"
                    type="search"
                    placeholder="Account id, tenant id or identity"
                    prop:value=move || draft.with(|d| d.q.clone())
                    on:input=move |ev| draft.update(|d| d.q = event_target_value(&ev))
                />
            </div>
            <div class="field-actions">
                <button type="submit" class="button button-primary">"Apply filters"</button>
                <button
                    type="button"
                    class="button"
                    on:click=move |_| {
                        draft.set(AccountFilter::default());
                        apply();
                    }
                >
                    "Clear"
                </button>
            </div>
        </form>
    }
}

#[component]
fn AccountTable(accounts: Vec<IntegratedAccount>) -> impl IntoView {
    if accounts.is_empty() {
        let filtered = expect_context::<AccountsState>().filter.get_untracked() != AccountFilter::default();
        return if filtered {
            view! { <p class="empty">"No account matches these filters."</p> }.into_any()
        } else {
            view! {
                <p class="empty">
                    "No integrated accounts yet. "
                    <a href=Route::Links.href()>"Create an auth link"</a>
                    " and send it to a customer."
                </p>
            }
            .into_any()
        };
    }
    let rows = accounts
        .into_iter()
        .map(|account| view! { <AccountRow account/> })
        .collect_view();
    view! {
        <DataTable label="Integrated accounts" headings=COLUMNS>{rows}</DataTable>
    }
    .into_any()
}

#[component]
fn AccountRow(account: IntegratedAccount) -> impl IntoView {
    let id = account.account_id.to_string();
    view! {
        <tr>
            <td class="nowrap">
                <a class="mono" href=Route::Account(account.account_id).href()>{id.clone()}</a>
                " "
                <CopyButton text=id what="account id"/>
            </td>
            <td class="mono">{account.tenant_id.to_string()}</td>
            <td><AppLabel key=account.app.to_string()/></td>
            <td>{account.identity}</td>
            <td><StatusBadge status=account.status/></td>
            <td><Time at=account.connected_at/></td>
            <td><Time at=account.verified_at none="never"/></td>
        </tr>
    }
}

/// "Previous page" and "Next page". `aria-disabled` rather than `disabled`: the button
/// keyboard users just pressed keeps focus when there is no further page.
#[component]
fn Pager(next_key: Signal<Option<String>>) -> impl IntoView {
    let state = expect_context::<AccountsState>();
    let page_number = move || state.pages.with(Vec::len) + 1;
    let no_previous = move || state.pages.with(Vec::is_empty);
    let no_next = move || next_key.with(Option::is_none);
    let previous = move |_| {
        if !no_previous() {
            state.pages.update(|p| {
                p.pop();
            });
        }
    };
    let next = move |_| {
        if let Some(key) = next_key.get_untracked() {
            state.pages.update(|p| p.push(key));
        }
    };
    view! {
        <nav class="pager" aria-label="Account pages">
            <button
                type="button"
                class="button button-small"
                aria-disabled=move || no_previous().to_string()
                on:click=previous
            >
                "Previous page"
            </button>
            <span class="muted">"Page " {page_number}</span>
            <button
                type="button"
                class="button button-small"
                aria-disabled=move || no_next().to_string()
                on:click=next
            >
                "Next page"
            </button>
        </nav>
    }
}
