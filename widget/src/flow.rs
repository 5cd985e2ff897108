//! The state of one widget view and the steps a person takes through it: list apps, pick
//! one, sign in (popup) or fill the form, see the result. Components render the signals
//! and call these methods; nothing here touches the DOM except the popup.

use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use plugboard_shared::{
    AuthMode, AuthorizationEvent, ConnectResult, FailureReason, ResultPayload, SessionInfo, WidgetApp, names,
};

use crate::api::{Api, AppFilter};
use crate::events::{Emitter, Outcome};
use crate::popup;
use crate::wire::Fields;

/// Which screen the widget shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    Apps,
    Form(WidgetApp),
    Waiting(WidgetApp),
    Result(WidgetApp, Outcome),
}

/// The app list, as fetched.
#[derive(Debug, Clone, PartialEq)]
pub enum Apps {
    Loading,
    Loaded(Vec<WidgetApp>),
    Failed(String),
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
    pub filter: AppFilter,
    pub mode: Mode,
    /// False when the host set `userConfig.hideAppConnectionModal`.
    pub show_result: bool,
    /// Closes the modal (and emits `did-close`); the shell owns the mount.
    pub close: Rc<dyn Fn()>,
    pub popup: std::cell::RefCell<Option<web_sys::Window>>,
}

/// Handles to the view's state; `Copy`, so every event handler can own one.
#[derive(Clone, Copy)]
pub struct ConnectFlow {
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
    env: StoredValue<Env, LocalStorage>,
}

/// How long the hosted page shows its success message before going back to the host.
const REDIRECT_DELAY: Duration = Duration::from_millis(1000);

impl ConnectFlow {
    /// Must be called inside the mounted view's owner, so the signals die with the view.
    pub fn new(env: Env) -> Self {
        Self {
            screen: RwSignal::new(Screen::Apps),
            apps: RwSignal::new(Apps::Loading),
            notice: RwSignal::new(None),
            busy: RwSignal::new(false),
            query: RwSignal::new(String::new()),
            category: RwSignal::new(None),
            session: RwSignal::new(None),
            redirecting: RwSignal::new(false),
            env: StoredValue::new_local(env),
        }
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
        let (api, filter) = self.env.with_value(|env| (env.api.clone(), env.filter.clone()));
        let emitter = self.emitter();
        spawn_local(async move {
            let result = api.apps(&filter).await;
            if self.screen.try_get().is_none() {
                return; // unmounted while loading
            }
            match result {
                Ok(apps) => {
                    self.apps.set(Apps::Loaded(apps));
                    if first {
                        emitter.lifecycle(names::READY, None);
                        request_animation_frame(|| mark("plugboard:apps-painted"));
                    }
                }
                Err(error) if first => self.apps.set(Apps::Failed(error.message)),
                Err(_) => {} // keep the list we have
            }
        });
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

    /// Click on an app. For OAuth the popup opens here, synchronously, unless the
    /// provider first needs values (a subdomain) from a form.
    pub fn select(self, app: WidgetApp) {
        self.notice.set(None);
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
        let Some(window) = popup::open_blank() else {
            let outcome = Outcome::failure(app.key.as_str(), FailureReason::PopupBlocked, None);
            return self.finish(&emitter, app, outcome);
        };
        self.env.with_value(|env| env.popup.replace(Some(window.clone())));
        let back_to = if fields.is_some() {
            Screen::Form(app.clone())
        } else {
            Screen::Apps
        };
        self.notice.set(None);
        self.screen.set(Screen::Waiting(app.clone()));
        let api = self.api();
        spawn_local(async move {
            let started = api.start_oauth(app.key.as_str(), fields).await;
            let started = started.and_then(|s| {
                popup::navigate(&window, &s.popup_url, api.server())
                    .map(|_| s)
                    .map_err(|_| crate::api::ApiError {
                        code: "popup".into(),
                        message: "Could not open the sign-in window.".into(),
                    })
            });
            match started {
                Ok(started) => {
                    let key = app.key.to_string();
                    popup::watch(window, started.attempt_id, key, api, move |outcome| {
                        self.finish(&emitter, app, outcome)
                    });
                }
                Err(error) => {
                    // Nothing was attempted at the provider: no event, just say why.
                    _ = window.close();
                    _ = self.screen.try_set(back_to);
                    _ = self.notice.try_set(Some(error.message));
                }
            }
        });
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
            let answer = api.submit_fields(app.key.as_str(), fields).await;
            _ = self.busy.try_set(false);
            match answer {
                Ok(message) => self.finish(&emitter, app, message.into()),
                Err(error) => _ = self.notice.try_set(Some(error.message)),
            }
        });
    }

    /// Every attempt ends here exactly once: emit, refresh, then prompt (or not). The
    /// emitter is passed in because the modal may have been closed (and its state
    /// disposed) while the popup was open: the host still hears how it ended.
    fn finish(self, emitter: &Emitter, app: WidgetApp, outcome: Outcome) {
        emitter.outcome(&outcome);
        if self.env.try_with_value(|env| env.popup.take()).is_none() {
            return; // unmounted meanwhile: the event is all that is left to do
        }
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
        self.notice.set(None);
        self.screen.set(Screen::Apps);
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
