//! The state of one widget view and the steps a person takes through it: list apps, pick
//! one, sign in (popup) or fill the form, see the result. Components render the signals
//! and call these methods; nothing here touches the DOM except the popup.

use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use plugboard_shared::{
    AuthMode, AuthorizationEvent, ConnectResult, FailureReason, ResultPayload, SessionInfo, WidgetAccount, WidgetApp,
    names,
};

use crate::api::{Api, ApiError};
use crate::events::{Emitter, Outcome};
use crate::i18n::{Strings, fill};
use crate::popup;
use crate::wire::Fields;

/// Which screen the widget shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    Apps,
    Form(WidgetApp),
    Waiting(WidgetApp),
    /// Redirect mode: the page is on its way to the provider.
    Leaving(WidgetApp),
    /// "Disconnect" was clicked once: asks before removing the account.
    Confirm(WidgetApp, WidgetAccount),
    Result(WidgetApp, Outcome),
}

/// The app list, as fetched.
#[derive(Debug, Clone, PartialEq)]
pub enum Apps {
    Loading,
    Loaded(Vec<WidgetApp>),
    Failed(ApiError),
}

/// Modal on the host page, or the hosted connect page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Modal,
    Page,
}

/// Everything that is not `Send` (JS callbacks, the popup window), kept on this thread.
pub struct Env {
    pub api: Rc<Api>,
    pub emitter: Emitter,
    /// `/widget/apps` and its query, as the loader built it.
    pub apps_path: String,
    pub mode: Mode,
    /// False when the host set `userConfig.hideAppConnectionModal`.
    pub show_result: bool,
    /// Closes the modal (and emits `did-close`); the shell owns the mount.
    pub close: Rc<dyn Fn()>,
    pub popup: std::cell::RefCell<Option<web_sys::Window>>,
    /// Sign in by leaving the page instead of in a popup.
    pub redirect: bool,
    /// An attempt this page came back from in redirect mode, to report once apps are listed.
    pub resume: Option<String>,
    /// The loader's early app list request, used by the first load.
    pub prefetched: Option<js_sys::Promise>,
}

/// Handles to the view's state; `Copy`, so every event handler can own one.
#[derive(Clone, Copy)]
pub struct ConnectFlow {
    /// The catalog of the widget's language.
    pub t: &'static Strings,
    pub screen: RwSignal<Screen>,
    pub apps: RwSignal<Apps>,
    /// A problem to show above the current screen (a failed request, not an outcome).
    pub notice: RwSignal<Option<String>>,
    pub busy: RwSignal<bool>,
    /// The app list's search words, and its category tab (`None`: "All"). Kept here rather
    /// than in the list, so "Back" from a form returns to the same narrowed list.
    pub query: RwSignal<String>,
    pub category: RwSignal<Option<String>>,
    /// Hosted page only.
    pub session: RwSignal<Option<SessionInfo>>,
    pub redirecting: RwSignal<bool>,
    /// What the live region last announced outside an attempt ("Sandbox CRM was
    /// disconnected.").
    pub status: RwSignal<String>,
    /// The account a "Reconnect" re-authorizes; `None` connects a new one.
    pub target: RwSignal<Option<String>>,
    env: StoredValue<Env, LocalStorage>,
}

/// How long the hosted page shows its success message before going back to the host.
const REDIRECT_DELAY: Duration = Duration::from_millis(1000);

impl ConnectFlow {
    /// Must be called inside the mounted view's owner, so the signals die with the view.
    pub fn new(env: Env, t: &'static Strings) -> Self {
        Self {
            t,
            screen: RwSignal::new(Screen::Apps),
            apps: RwSignal::new(Apps::Loading),
            notice: RwSignal::new(None),
            busy: RwSignal::new(false),
            query: RwSignal::new(String::new()),
            category: RwSignal::new(None),
            session: RwSignal::new(None),
            redirecting: RwSignal::new(false),
            status: RwSignal::new(String::new()),
            target: RwSignal::new(None),
            env: StoredValue::new_local(env),
        }
    }

    /// Whether the view is still on the page: its state is disposed when the host closes
    /// or destroys it, while a request or a popup may still be on its way back.
    fn is_mounted(&self) -> bool {
        self.env.try_with_value(|_| ()).is_some()
    }

    pub fn mode(&self) -> Mode {
        self.env.with_value(|env| env.mode)
    }

    fn api(&self) -> Rc<Api> {
        self.env.with_value(|env| env.api.clone())
    }

    fn emitter(&self) -> Emitter {
        self.env.with_value(|env| env.emitter.clone())
    }

    fn show_result(&self) -> bool {
        self.env.try_with_value(|env| env.show_result).unwrap_or(false)
    }

    /// First load emits `ready` and marks `plugboard:apps-painted` for `cargo xtask bench`;
    /// later loads only refresh the "Connected" badges.
    pub fn load_apps(self, first: bool) {
        let (api, path) = self.env.with_value(|env| (env.api.clone(), env.apps_path.clone()));
        let prefetched = self.env.try_update_value(|env| env.prefetched.take()).flatten();
        let emitter = self.emitter();
        spawn_local(async move {
            let result = api.apps(&path, prefetched).await;
            if !self.is_mounted() {
                return;
            }
            match result {
                Ok(apps) => {
                    self.apps.set(Apps::Loaded(apps));
                    if first {
                        emitter.lifecycle(names::READY, None);
                        request_animation_frame(|| mark("plugboard:apps-painted"));
                        if let Some(attempt_id) = self.env.try_update_value(|env| env.resume.take()).flatten() {
                            self.resume(attempt_id);
                        }
                    }
                }
                Err(error) if first => {
                    emitter.error(&error.code, &error.message);
                    self.apps.set(Apps::Failed(error));
                }
                Err(_) => {} // keep the list we have
            }
        });
    }

    /// "Try again" after the list failed to load.
    pub fn reload_apps(self) {
        self.apps.set(Apps::Loading);
        self.load_apps(true);
    }

    /// Whether the app list's search and category tab keep `app` in view.
    pub fn shows(&self, app: &WidgetApp) -> bool {
        crate::search::matches(app, &self.query.read(), self.category.read().as_deref())
    }

    pub fn load_session(self) {
        let api = self.api();
        spawn_local(async move {
            if let Ok(session) = api.session().await {
                _ = self.session.try_set(Some(session));
            }
        });
    }

    /// Click on an app: connect a new account.
    pub fn select(self, app: WidgetApp) {
        self.target.set(None);
        self.go(app);
    }

    /// "Reconnect" on a connected account: the same steps, keeping the account's ids.
    pub fn reconnect(self, app: WidgetApp, account_id: String) {
        self.target.set(Some(account_id));
        self.go(app);
    }

    /// The first step for `app`, also "Try again" after a failure. For OAuth the popup
    /// opens here, synchronously, unless the provider first needs values (a subdomain).
    pub fn go(self, app: WidgetApp) {
        self.notice.set(None);
        self.status.set(String::new());
        self.emitter().lifecycle(names::SELECTED_APP, Some(app.key.as_str()));
        let asks_first = app.fields.as_ref().is_some_and(|f| !f.is_empty());
        match app.auth_mode {
            AuthMode::Oauth2 if !asks_first => self.start_oauth(app, None),
            _ => self.screen.set(Screen::Form(app)),
        }
    }

    /// The form's submit: credentials go to the server, OAuth values go with the popup.
    /// Runs inside the submit event, so the popup still opens synchronously.
    pub fn submit(self, app: WidgetApp, fields: Fields) {
        match app.auth_mode {
            AuthMode::Oauth2 => self.start_oauth(app, Some(fields)),
            _ => self.submit_credentials(app, fields),
        }
    }

    fn start_oauth(self, app: WidgetApp, fields: Option<Fields>) {
        let emitter = self.emitter();
        let back_to = if fields.is_some() {
            Screen::Form(app.clone())
        } else {
            Screen::Apps
        };
        let account = self.target.get_untracked();
        let api = self.api();
        if self.env.with_value(|env| env.redirect) {
            self.screen.set(Screen::Leaving(app.clone()));
            return spawn_local(async move {
                let return_to = crate::redirect::return_url();
                match api
                    .start_oauth(app.key.as_str(), fields, account, Some(return_to))
                    .await
                {
                    Ok(started) => popup::navigate(&window(), &started.popup_url, api.server()).unwrap_or_default(),
                    Err(error) => self.not_started(back_to, Some(error)),
                }
            });
        }
        let Some(window) = popup::open_blank() else {
            let outcome = Outcome::failure(app.key.as_str(), FailureReason::PopupBlocked, None);
            return self.finish(&emitter, app, outcome);
        };
        self.env.with_value(|env| env.popup.replace(Some(window.clone())));
        self.notice.set(None);
        self.screen.set(Screen::Waiting(app.clone()));
        spawn_local(async move {
            let started = api.start_oauth(app.key.as_str(), fields, account, None).await;
            match started {
                Ok(started) if popup::navigate(&window, &started.popup_url, api.server()).is_ok() => {
                    let key = app.key.to_string();
                    popup::watch(window, started.attempt_id, key, api, move |outcome| {
                        self.finish(&emitter, app, outcome)
                    });
                }
                started => {
                    _ = window.close();
                    self.not_started(back_to, started.err());
                }
            }
        });
    }

    /// Nothing was attempted at the provider: no event, just say why (`None`: the browser
    /// would not point the popup at the server, and there is nothing useful to say).
    fn not_started(self, back_to: Screen, error: Option<ApiError>) {
        _ = self.screen.try_set(back_to);
        _ = self.notice.try_set(error.map(|e| self.explain(&e)));
    }

    /// A failed request in the person's language. The widget words the failures a person
    /// can act on (no connection; a link from an e-mail that has run out) itself; the
    /// server's own sentences (a rejected field, a taken identity) are shown as they are.
    pub fn explain(&self, error: &ApiError) -> String {
        if error.is_unreachable() {
            self.t.unreachable.to_owned()
        } else if error.is_dead_link() {
            self.t.link_invalid.to_owned()
        } else {
            error.message.clone()
        }
    }

    /// Back on the page after a redirect-mode sign-in: the server's record of the attempt
    /// is reported like a popup's message.
    fn resume(self, attempt_id: String) {
        let (api, emitter) = (self.api(), self.emitter());
        spawn_local(async move {
            let Some(outcome) = api.outcome(&attempt_id).await else {
                return;
            };
            let app = self.apps.with_untracked(|apps| match apps {
                Apps::Loaded(apps) => apps.iter().find(|a| a.key.as_str() == outcome.app()).cloned(),
                _ => None,
            });
            match app {
                Some(app) => self.finish(&emitter, app, outcome),
                None => emitter.outcome(&outcome),
            }
        });
    }

    pub fn ask_disconnect(&self, app: WidgetApp, account: WidgetAccount) {
        self.screen.set(Screen::Confirm(app, account));
    }

    /// "Disconnect", confirmed: the server revokes and forgets the account; the host hears
    /// `did-remove-authorization`.
    pub fn disconnect(self, app: WidgetApp, account_id: String) {
        let (api, emitter) = (self.api(), self.emitter());
        self.notice.set(None);
        spawn_local(async move {
            match api.disconnect(&account_id).await {
                Ok(event) => {
                    emitter.removed(&event);
                    self.load_apps(false);
                    self.back();
                    _ = self.status.try_set(fill(self.t.disconnected, &[&app.name]));
                }
                Err(error) => _ = self.notice.try_set(Some(self.explain(&error))),
            }
        });
    }

    /// "Show the window": brings the popup back in front of the page.
    pub fn show_popup(&self) {
        self.env
            .with_value(|env| env.popup.borrow().as_ref().map(|w| w.focus()));
    }

    /// Closes the popup; the watcher then reports the attempt's stored outcome or
    /// `popup_closed`.
    pub fn cancel_popup(&self) {
        if let Some(window) = self.env.try_with_value(|env| env.popup.take()).flatten() {
            _ = window.close();
        }
    }

    fn submit_credentials(self, app: WidgetApp, fields: Fields) {
        self.busy.set(true);
        self.notice.set(None);
        let (api, emitter) = (self.api(), self.emitter());
        spawn_local(async move {
            let account = self.target.get_untracked();
            let answer = api.submit_fields(app.key.as_str(), fields, account).await;
            _ = self.busy.try_set(false);
            match answer {
                Ok(message) => self.finish(&emitter, app, message.into()),
                Err(error) => _ = self.notice.try_set(Some(self.explain(&error))),
            }
        });
    }

    /// Every attempt ends here exactly once: emit, refresh, then prompt (or not). The
    /// emitter is passed in because the modal may have been closed (and its state
    /// disposed) while the popup was open: the host still hears how it ended.
    fn finish(self, emitter: &Emitter, app: WidgetApp, outcome: Outcome) {
        emitter.outcome(&outcome);
        if !self.is_mounted() {
            return; // closed meanwhile: the event is all that is left to do
        }
        self.env.with_value(|env| env.popup.take());
        if outcome.result != ConnectResult::Error {
            self.load_apps(false);
        }
        if let (Mode::Page, ConnectResult::Authorized, ResultPayload::Authorization(event)) =
            (self.mode(), outcome.result, &outcome.payload)
        {
            self.redirect_after_success(event);
        }
        let next = if self.show_result() {
            Screen::Result(app, outcome)
        } else {
            Screen::Apps
        };
        self.screen.set(next);
    }

    fn redirect_after_success(&self, event: &AuthorizationEvent) {
        let target = self.session.get_untracked().and_then(|s| s.redirect_uri);
        let Some(target) = target.and_then(|uri| with_account_id(&uri, &event.account_id)) else {
            return;
        };
        self.redirecting.set(true);
        set_timeout(move || _ = window().location().assign(&target), REDIRECT_DELAY);
    }

    pub fn back(&self) {
        _ = self.notice.try_set(None);
        _ = self.screen.try_set(Screen::Apps);
    }

    pub fn close(&self) {
        let close = self.env.with_value(|env| env.close.clone());
        close();
    }
}

/// `redirect_uri` with `account_id` appended, keeping its own query and fragment.
fn with_account_id(uri: &str, account_id: &str) -> Option<String> {
    let url = web_sys::Url::new(uri).ok()?;
    url.search_params().append("account_id", account_id);
    Some(url.href())
}

pub fn mark(name: &str) {
    if let Some(performance) = window().performance() {
        _ = performance.mark(name);
    }
}
