//! The operators' audit log: who did what to what, and when.

use leptos::prelude::*;
use plugboard_shared::AccountId;
use plugboard_shared::console::AuditEntry;

use crate::api::Api;
use crate::components::{DataTable, Heading, PageTitle, Time, loaded};
use crate::format;
use crate::route::Route;

const COLUMNS: &[Heading] = &[
    Heading::text("When"),
    Heading::text("Operator"),
    Heading::text("Action"),
    Heading::text("Target"),
];

#[component]
pub fn AuditPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let entries = LocalResource::new(move || api.audit());
    view! {
        <PageTitle text="Audit log"/>
        <p class="lede">"Everything operators did here, newest first."</p>
        {loaded(entries, "the audit log", |entries: Vec<AuditEntry>| {
            if entries.is_empty() {
                return view! { <p class="empty">"Nothing yet."</p> }.into_any();
            }
            let rows = entries.into_iter().map(|entry| view! { <EntryRow entry/> }).collect_view();
            view! {
                <DataTable label="Audit log" headings=COLUMNS>{rows}</DataTable>
            }
            .into_any()
        })}
    }
}

#[component]
fn EntryRow(entry: AuditEntry) -> impl IntoView {
    // Account actions link to the account (a deleted one says so when opened).
    let target = match AccountId::parse(entry.target.clone()) {
        Ok(id) if entry.target.starts_with("acc_") => {
            view! { <a class="mono" href=Route::Account(id).href()>{entry.target.clone()}</a> }.into_any()
        }
        _ => view! { <span class="mono">{entry.target.clone()}</span> }.into_any(),
    };
    view! {
        <tr>
            <td class="nowrap"><Time at=entry.at/></td>
            <td>{entry.operator}</td>
            <td>{format::code(&entry.action)}</td>
            <td>{target}</td>
        </tr>
    }
}
