//! API keys (admins only): the keys the host's backend calls Plugboard with. A new key is
//! shown once; Plugboard keeps only its hash.

use leptos::prelude::*;
use leptos::task::spawn_local;
use plugboard_shared::console::{ApiKeyInfo, CreatedApiKey};

use crate::api::Api;
use crate::components::{
    ConfirmDialog, CopyField, DataTable, Heading, Outcome, OutcomeRegion, PageTitle, Time, loaded,
};

const COLUMNS: &[Heading] = &[
    Heading::text("Label"),
    Heading::text("Id"),
    Heading::text("Created"),
    Heading::text("Last used"),
    Heading::ACTIONS,
];

#[component]
pub fn KeysPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let keys = LocalResource::new(move || api.keys());
    let outcome = RwSignal::new(None::<Outcome>);
    let created = RwSignal::new(None::<CreatedApiKey>);
    let reload = move || keys.refetch();
    view! {
        <PageTitle text="API keys"/>
        <p class="lede">
            "Your backend sends one of these as " <code>"Authorization: Bearer …"</code>
            ". Keys listed in the configuration (" <code>"security.api_keys"</code> ") are not shown here."
        </p>
        <CreateKey created outcome reload/>
        {move || created.get().map(|key| view! { <NewKey key dismiss=move || created.set(None)/> })}
        <OutcomeRegion outcome/>
        <section class="section">
            <h2>"Keys"</h2>
            {loaded(keys, "the API keys", move |keys: Vec<ApiKeyInfo>| view! { <KeyTable keys outcome reload/> })}
        </section>
    }
}

/// What a support operator sees at `#/keys` (the navigation does not offer it).
#[component]
pub fn AdminOnly() -> impl IntoView {
    view! {
        <PageTitle text="API keys"/>
        <p class="notice notice-error">"Only admins can see and manage API keys."</p>
    }
}

#[component]
fn CreateKey(
    created: RwSignal<Option<CreatedApiKey>>,
    outcome: RwSignal<Option<Outcome>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let api = expect_context::<Api>();
    let label = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = label.get_untracked().trim().to_owned();
        if text.is_empty() {
            return outcome.set(Some(Outcome::Failed(
                "Label: say what the key is for, e.g. backend.".into(),
            )));
        }
        busy.set(true);
        spawn_local(async move {
            match api.create_key(text).await {
                Ok(key) => {
                    outcome.try_set(Some(Outcome::Done(format!("Created the key “{}”.", key.info.label))));
                    created.try_set(Some(key));
                    label.try_set(String::new());
                    reload();
                }
                Err(error) => {
                    outcome.try_set(Some(Outcome::failed(&error)));
                }
            }
            busy.try_set(false);
        });
    };
    view! {
        <section class="card" aria-labelledby="create-key">
            <h2 id="create-key">"Create a key"</h2>
            <form class="inline-form" on:submit=submit>
                <div class="field field-grow">
                    <label for="key-label">"Label"</label>
                    <input
                        id="key-label"
                        type="text"
                        aria-describedby="key-label-hint"
                        prop:value=label
                        on:input=move |ev| label.set(event_target_value(&ev))
                    />
                    <span class="hint" id="key-label-hint">"What it is for: backend, billing-service…"</span>
                </div>
                <div class="field-actions">
                    <button type="submit" class="button button-primary" disabled=busy>"Create key"</button>
                </div>
            </form>
        </section>
    }
}

/// The new key, once. The warning comes before the key so it is read first.
#[component]
fn NewKey(key: CreatedApiKey, dismiss: impl Fn() + 'static) -> impl IntoView {
    view! {
        <section class="card created" aria-labelledby="new-key">
            <h2 id="new-key">"New key: " {key.info.label}</h2>
            <p class="notice notice-warn">
                <span aria-hidden="true">"! "</span>
                "Copy this key now. Plugboard keeps only its hash: it cannot show it again."
            </p>
            <CopyField label="API key" value=key.key/>
            <div class="actions">
                <button type="button" class="button" on:click=move |_| dismiss()>"Done, I stored it"</button>
            </div>
        </section>
    }
}

#[component]
fn KeyTable(
    keys: Vec<ApiKeyInfo>,
    outcome: RwSignal<Option<Outcome>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    if keys.is_empty() {
        return view! { <p class="empty">"No API keys yet."</p> }.into_any();
    }
    let rows = keys
        .into_iter()
        .map(|key| view! { <KeyRow key outcome reload/> })
        .collect_view();
    view! {
        <DataTable label="API keys" headings=COLUMNS>{rows}</DataTable>
    }
    .into_any()
}

#[component]
fn KeyRow(
    key: ApiKeyInfo,
    outcome: RwSignal<Option<Outcome>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let api = expect_context::<Api>();
    let open = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let revoke = {
        let (id, label) = (key.id.clone(), key.label.clone());
        move || {
            busy.set(true);
            let (id, label) = (id.clone(), label.clone());
            spawn_local(async move {
                let said = match api.revoke_key(id).await {
                    Ok(()) => Outcome::Done(format!("Revoked the key “{label}”.")),
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
        <tr>
            <td>{key.label.clone()}</td>
            <td class="mono">{key.id.clone()}</td>
            <td class="nowrap"><Time at=key.created_at/></td>
            <td class="nowrap"><Time at=key.last_used_at none="never"/></td>
            <td>
                <button type="button" class="button button-small button-danger" on:click=move |_| open.set(true)>
                    "Revoke"<span class="sr-only">" " {key.label.clone()}</span>
                </button>
                <ConfirmDialog open title="Revoke this key?" confirm="Revoke key" busy on_confirm=revoke>
                    <p>
                        "Requests with the key " <strong>{key.label.clone()}</strong> " (" <span class="mono">{key.id.clone()}</span>
                        ") will be refused from now on. This cannot be undone."
                    </p>
                </ConfirmDialog>
            </td>
        </tr>
    }
}
