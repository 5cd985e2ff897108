use leptos::prelude::*;
use plugboard_shared::{AccountStatus, WidgetAccount, WidgetApp};

use crate::flow::ConnectFlow;
use crate::i18n::fill;

/// The tenant's connected accounts, each under its app's name, with "Reconnect" (sign in
/// again, keeping the account's ids) and, when the link token allows it, "Disconnect",
/// which asks first (see [`confirm_disconnect`]). Type-erased (`AnyView`) so the app list
/// that contains it does not inline its render code.
pub fn account_list(flow: ConnectFlow, apps: Vec<WidgetApp>) -> AnyView {
    let none = apps.iter().all(|app| app.accounts.is_empty());
    let mut rows = Vec::new();
    for app in apps {
        for account in app.accounts.clone() {
            rows.push(row(flow, app.clone(), account).into_any());
        }
    }
    view! {
        <section class="pb-accounts" aria-labelledby="pb-accounts-title" hidden=none>
            <h3 id="pb-accounts-title">{flow.t.your_accounts}</h3>
            <ul>{rows}</ul>
        </section>
    }
    .into_any()
}

fn row(flow: ConnectFlow, app: WidgetApp, account: WidgetAccount) -> impl IntoView {
    let t = flow.t;
    // Every row has the same buttons: the row's text describes which account they act on.
    let label_id = format!("pb-account-{}", account.account_id);
    let status = match account.status {
        AccountStatus::Verified => "",
        AccountStatus::VerificationFailed => t.unverified,
        AccountStatus::NeedsReauth => t.needs_reauth,
    };
    let disconnect = {
        let (app, account) = (app.clone(), account.clone());
        view! {
            <button
                type="button"
                class="pb-button"
                aria-describedby=label_id.clone()
                hidden=!account.can_disconnect
                on:click=move |_| flow.ask_disconnect(app.clone(), account.clone())
            >
                {t.disconnect}
            </button>
        }
    };
    let (name, logo, identity) = (app.name.clone(), app.logo_url.clone(), account.identity.clone());
    let id = account.account_id.to_string();
    view! {
        <li class="pb-account">
            <img class="pb-logo" src=logo alt="" width="32" height="32"/>
            <p id=label_id.clone()>
                <b>{name}</b>
                " "
                <span class="pb-muted">{identity}</span>
                <span class="pb-badge pb-warn" hidden=status.is_empty()>
                    {status}
                </span>
            </p>
            <button
                type="button"
                class="pb-button"
                aria-describedby=label_id
                on:click=move |_| flow.reconnect(app.clone(), id.clone())
            >
                {t.reconnect}
            </button>
            {disconnect}
        </li>
    }
}

/// "Disconnect ada@example.com from Sandbox CRM?", with "Cancel" focused: removing an
/// account revokes its access at the provider, so it takes a second, deliberate click.
pub fn confirm_disconnect(flow: ConnectFlow, app: WidgetApp, account: WidgetAccount) -> impl IntoView {
    let t = flow.t;
    let question = fill(t.confirm_disconnect, &[&account.identity, &app.name]);
    let id = account.account_id.to_string();
    view! {
        <p class="pb-lead" role="alert">{question}</p>
        <div class="pb-actions">
            <button type="button" class="pb-button" data-focus on:click=move |_| flow.back()>
                {t.cancel}
            </button>
            <button
                type="button"
                class="pb-button pb-danger"
                on:click=move |_| flow.disconnect(app.clone(), id.clone())
            >
                {t.disconnect}
            </button>
        </div>
    }
}
