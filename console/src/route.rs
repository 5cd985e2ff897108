//! Navigation by URL hash (`/console#/accounts/acc_1`): the server serves one page at
//! `/console`, and a hash never reaches it, so every screen has a URL that reloads and
//! bookmarks without any server routing. A signal follows `location.hash`.

use leptos::prelude::*;
use plugboard_shared::AccountId;

/// One screen of the console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Accounts,
    Account(AccountId),
    Links,
    Apps,
    Webhooks,
    Keys,
    Audit,
    NotFound,
}

impl Route {
    /// Reads `#/accounts/acc_1`; an empty hash is the accounts list, the first screen.
    pub fn parse(hash: &str) -> Self {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let mut parts = path.split('/');
        match (parts.next().unwrap_or(""), parts.next(), parts.next()) {
            ("" | "accounts", None, None) => Self::Accounts,
            ("accounts", Some(id), None) => AccountId::parse(id).map_or(Self::NotFound, Self::Account),
            ("links", None, None) => Self::Links,
            ("apps", None, None) => Self::Apps,
            ("webhooks", None, None) => Self::Webhooks,
            ("keys", None, None) => Self::Keys,
            ("audit", None, None) => Self::Audit,
            _ => Self::NotFound,
        }
    }

    /// The `href` of a link to this screen.
    pub fn href(&self) -> String {
        match self {
            Self::Accounts | Self::NotFound => "#/accounts".into(),
            Self::Account(id) => format!("#/accounts/{id}"),
            Self::Links => "#/links".into(),
            Self::Apps => "#/apps".into(),
            Self::Webhooks => "#/webhooks".into(),
            Self::Keys => "#/keys".into(),
            Self::Audit => "#/audit".into(),
        }
    }

    /// The navigation entry a screen belongs to (a detail belongs to its list).
    pub fn section(&self) -> Self {
        match self {
            Self::Account(_) | Self::NotFound => Self::Accounts,
            other => other.clone(),
        }
    }
}

/// The current route and whether focus should go to each new screen's heading.
#[derive(Clone, Copy)]
pub struct Router {
    pub route: Memo<Route>,
    /// False on the first screen of a page load: focus stays where the browser put it.
    /// After a navigation (or a sign-in, whose form is gone), each screen moves focus to
    /// its heading so screen readers announce the new page (there is no page load to do
    /// it), and Tab continues from there rather than from a vanished element.
    pub navigated: Signal<bool>,
}

/// Starts following `location.hash`. Call once, at the top of the app; `moved` when the
/// first screen replaces something the operator was using.
pub fn follow_hash(moved: bool) -> Router {
    let hash = RwSignal::new(current_hash());
    let navigated = RwSignal::new(moved);
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        navigated.set(true);
        hash.set(current_hash());
    });
    on_cleanup(move || handle.remove());
    Router {
        route: Memo::new(move |_| Route::parse(&hash.read())),
        navigated: navigated.into(),
    }
}

/// Goes to `route` as a link would (a history entry, then `hashchange`).
pub fn go(route: &Route) {
    let _ = window().location().set_hash(&route.href());
}

fn current_hash() -> String {
    window().location().hash().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test]
    fn every_screen_reads_back_from_its_own_link() {
        let account = Route::Account(AccountId::parse("acc_1.x-Y").unwrap());
        for route in [
            Route::Accounts,
            account,
            Route::Links,
            Route::Apps,
            Route::Webhooks,
            Route::Keys,
            Route::Audit,
        ] {
            assert_eq!(Route::parse(&route.href()), route);
        }
    }

    #[wasm_bindgen_test]
    fn an_empty_hash_is_the_accounts_list_and_anything_else_is_not_found() {
        for hash in ["", "#", "#/", "#/accounts"] {
            assert_eq!(Route::parse(hash), Route::Accounts, "{hash:?}");
        }
        for hash in [
            "#/nowhere",
            "#/accounts/a b",
            "#/accounts/acc_1/more",
            "#/links/x",
            "#main",
        ] {
            assert_eq!(Route::parse(hash), Route::NotFound, "{hash:?}");
        }
    }

    #[wasm_bindgen_test]
    fn an_account_belongs_to_the_accounts_section() {
        let account = Route::Account(AccountId::parse("acc_1").unwrap());
        assert_eq!(account.section(), Route::Accounts);
        assert_eq!(Route::Links.section(), Route::Links);
    }
}
