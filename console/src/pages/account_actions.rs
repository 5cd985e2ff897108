//! What an operator can do to one account: re-verify, refresh, hand out a reconnect link,
//! delete (admins only, after a confirmation naming the account and its app).

use leptos::prelude::*;
use leptos::task::spawn_local;
use plugboard_shared::console::{AccountDetail, AuthLink};
use plugboard_shared::{AccountStatus, IntegratedAccount};

use crate::api::{Api, ApiResult};
use crate::components::{ConfirmDialog, CopyField, Outcome, Time, write_clipboard};
use crate::format;
use crate::route::{self, Route};
use crate::session::Session;
use crate::shell::Flash;

/// The little the actions need to know about the account.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    id: String,
    app_name: String,
    tenant_id: String,
    can_refresh: bool,
}

impl Facts {
    pub fn of(detail: &AccountDetail) -> Self {
        Self {
            id: detail.account.account_id.to_string(),
            app_name: detail.app_name.clone(),
            tenant_id: detail.account.tenant_id.to_string(),
            can_refresh: detail.can_refresh,
        }
    }
}

#[component]
pub fn AccountActions(
    facts: Facts,
    outcome: RwSignal<Option<Outcome>>,
    /// The reconnect link made here, shown by the page under the outcome.
    reconnect: RwSignal<Option<AuthLink>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let api = expect_context::<Api>();
    let flash = expect_context::<Flash>();
    let admin = expect_context::<RwSignal<Session>>().with_untracked(Session::is_admin);
    let busy = RwSignal::new(false);
    let confirm_delete = RwSignal::new(false);
    let id = StoredValue::new(facts.id.clone());

    // One request at a time; its outcome in the live region, then the page reloaded so
    // the status and the log show what happened.
    let act = move |working: &'static str, call: fn(Api, String) -> ActionFuture| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        outcome.set(Some(Outcome::Done(working.to_owned())));
        spawn_local(async move {
            let result = call(api, id.get_value()).await;
            outcome.try_set(Some(match result {
                Ok(said) => Outcome::Done(said),
                Err(error) => Outcome::failed(&error),
            }));
            busy.try_set(false);
            reload();
        });
    };
    let copy_reconnect = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let said = match api.reconnect_link(id.get_value()).await {
                Ok(link) => {
                    let copied = write_clipboard(&link.connect_url).await;
                    reconnect.try_set(Some(link));
                    Outcome::Done(if copied {
                        "Reconnect link created and copied.".into()
                    } else {
                        "Reconnect link created: copy it below.".into()
                    })
                }
                Err(error) => Outcome::failed(&error),
            };
            outcome.try_set(Some(said));
            busy.try_set(false);
        });
    };
    let delete = {
        let facts = facts.clone();
        move || {
            busy.set(true);
            let facts = facts.clone();
            spawn_local(async move {
                match api.delete_account(facts.id.clone()).await {
                    Ok(()) => {
                        let said = format!(
                            "Deleted account {} ({}) of tenant {}.",
                            facts.id, facts.app_name, facts.tenant_id
                        );
                        flash.show(Route::Accounts, Outcome::Done(said));
                        route::go(&Route::Accounts);
                    }
                    Err(error) => {
                        confirm_delete.try_set(false);
                        outcome.try_set(Some(Outcome::failed(&error)));
                        busy.try_set(false);
                    }
                }
            });
        }
    };
    view! {
        <div class="actions account-actions">
            <button type="button" class="button" disabled=busy on:click=move |_| act("Re-verifying…", verify)>
                "Re-verify"
            </button>
            {facts.can_refresh.then(|| view! {
                <button type="button" class="button" disabled=busy on:click=move |_| act("Refreshing…", refresh)>
                    "Refresh now"
                </button>
            })}
            <button type="button" class="button" disabled=busy on:click=copy_reconnect>
                "Copy reconnect link"
            </button>
            {admin.then(|| view! {
                <button type="button" class="button button-danger" disabled=busy on:click=move |_| confirm_delete.set(true)>
                    "Delete"
                </button>
            })}
        </div>
        <ConfirmDialog open=confirm_delete title="Delete this account?" confirm="Delete account" busy on_confirm=delete>
            <p>
                "Account " <strong class="mono">{facts.id.clone()}</strong> " (" {facts.app_name.clone()}
                ") of tenant " <strong class="mono">{facts.tenant_id.clone()}</strong>
                " will be deleted for good and revoked at " {facts.app_name.clone()}
                ". The customer has to connect again to use it."
            </p>
        </ConfirmDialog>
    }
}

type ActionFuture = std::pin::Pin<Box<dyn Future<Output = ApiResult<String>>>>;

fn verify(api: Api, id: String) -> ActionFuture {
    Box::pin(async move { api.verify(id).await.map(|account| verified(&account)) })
}

fn refresh(api: Api, id: String) -> ActionFuture {
    Box::pin(async move {
        let account = api.refresh(id).await?;
        Ok(match account.expires_at {
            Some(at) => format!("Refreshed: the new access token expires {}.", format::time(&at)),
            None => "Refreshed: the provider issued a new access token.".into(),
        })
    })
}

fn verified(account: &IntegratedAccount) -> String {
    match account.status {
        AccountStatus::Verified => "Re-verified: the provider accepted the credentials.".into(),
        other => format!(
            "Re-verification failed: the account is now “{}”.",
            format::status(other)
        ),
    }
}

/// The link the customer opens to authorize this account again, keeping its ids.
#[component]
pub fn ReconnectLink(link: AuthLink) -> impl IntoView {
    view! {
        <div class="card created">
            <CopyField label="Reconnect link" value=link.connect_url/>
            <p class="muted small">
                "Send it to the customer. It expires " <Time at=link.expires_at/> "."
            </p>
        </div>
    }
}
