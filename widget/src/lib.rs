//! Plugboard's connect widget: a Leptos view in a Shadow DOM root, driven from
//! `public/widget.js` through the [`PlugboardWidget`] class below.
//!
//! The loader owns the public JS API (`new Plugboard(…)`, `eventEmitter`, call queuing
//! until the wasm is ready); this crate owns everything after that. Options and payloads
//! cross the boundary as plain JS objects read and written by `wire`, which keeps serde_json
//! out of the bundle.

mod api;
mod components;
mod events;
mod flow;
pub mod i18n;
mod mount;
pub mod options;
pub mod popup;
mod redirect;
pub mod search;
pub mod theme;
pub mod wire;

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use leptos::prelude::*;
use plugboard_shared::names;
use wasm_bindgen::prelude::*;

use crate::api::Api;
use crate::components::{ConnectPage, Modal};
use crate::events::Emitter;
use crate::flow::{ConnectFlow, Env, Mode};
use crate::mount::ShadowMount;
use crate::options::{ModalConfig, Options};

/// One `new Plugboard(…)` on the host page.
#[wasm_bindgen]
pub struct PlugboardWidget {
    shell: Rc<Shell>,
}

#[wasm_bindgen]
impl PlugboardWidget {
    /// `options`: the host's options with `serverUrl` filled in by the loader.
    /// `emit(name, payloadJson)`: called for every event.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue, emit: js_sys::Function) -> Result<PlugboardWidget, JsError> {
        let options = Options::from_js(&options);
        let start = options.start().map_err(|e| JsError::new(&e))?;
        let shell = Shell {
            api: Rc::new(Api::new(options.server(), start)),
            emitter: Emitter::new(emit),
            modal: RefCell::new(None),
            page: RefCell::new(None),
            return_focus: RefCell::new(None),
            destroyed: Cell::new(false),
            returned: RefCell::new(redirect::take_returned_attempt()),
        };
        let shell = Rc::new(shell);
        shell.report_return_unless_shown();
        Ok(Self { shell })
    }

    /// `renderAccountConnectionModal(config)`; `config` may be `undefined`. `apps_path`:
    /// the app list's path and query, which only the loader builds. `apps`: the loader's
    /// early request of it (a promise of `{ok, status, text}`), if it made one.
    #[wasm_bindgen(js_name = renderModal)]
    pub fn render_modal(&self, config: JsValue, apps_path: String, apps: JsValue) -> Result<(), JsError> {
        let prefetched = apps.dyn_into::<js_sys::Promise>().ok();
        self.shell
            .open_modal(ModalConfig::from_js(&config), apps_path, prefetched)
            .map_err(js_error)
    }

    /// `renderConnectPage(elementId, config)`, after the loader found the element.
    #[wasm_bindgen(js_name = renderConnectPage)]
    pub fn render_connect_page(
        &self,
        parent: web_sys::Element,
        config: JsValue,
        apps_path: String,
    ) -> Result<(), JsError> {
        self.shell
            .open_page(&parent, ModalConfig::from_js(&config), apps_path)
            .map_err(js_error)
    }

    pub fn close(&self) {
        self.shell.close_modal();
    }

    /// Removes every view; the instance ignores later calls.
    pub fn destroy(&self) {
        self.shell.close_modal();
        self.shell.page.take();
        self.shell.destroyed.set(true);
    }
}

fn js_error(error: JsValue) -> JsError {
    let text = js_sys::JSON::stringify(&error).ok().and_then(|s| s.as_string());
    JsError::new(&text.unwrap_or_else(|| "could not render the widget".into()))
}

struct Shell {
    api: Rc<Api>,
    emitter: Emitter,
    modal: RefCell<Option<ShadowMount>>,
    page: RefCell<Option<ShadowMount>>,
    /// Where focus was before the modal took it, to give it back on close.
    return_focus: RefCell<Option<web_sys::HtmlElement>>,
    destroyed: Cell<bool>,
    /// Redirect mode: the attempt this page load came back from, until a view or
    /// [`Shell::report_return_unless_shown`] reports it.
    returned: RefCell<Option<String>>,
}

impl Shell {
    fn env(
        self: &Rc<Self>,
        mode: Mode,
        config: &ModalConfig,
        apps_path: String,
        prefetched: Option<js_sys::Promise>,
    ) -> Env {
        // Weak: the view owns this closure, and the shell owns the view.
        let shell: Weak<Self> = Rc::downgrade(self);
        Env {
            api: self.api.clone(),
            emitter: self.emitter.clone(),
            apps_path,
            mode,
            show_result: !config.hide_result_prompt,
            close: Rc::new(move || {
                if let Some(shell) = shell.upgrade() {
                    shell.close_modal();
                }
            }),
            popup: RefCell::new(None),
            redirect: config.redirect,
            resume: self.returned.take(),
            prefetched,
        }
    }

    /// A host that does not show the widget again after a redirect-mode sign-in still
    /// hears how it ended. Runs after the calls the host queued before the wasm loaded.
    fn report_return_unless_shown(self: &Rc<Self>) {
        if self.returned.borrow().is_none() {
            return;
        }
        let shell = Rc::downgrade(self);
        set_timeout(
            move || {
                let Some(shell) = shell.upgrade() else { return };
                let Some(attempt_id) = shell.returned.take() else {
                    return;
                };
                let (api, emitter) = (shell.api.clone(), shell.emitter.clone());
                leptos::task::spawn_local(async move {
                    if let Some(outcome) = api.outcome(&attempt_id).await {
                        emitter.outcome(&outcome);
                    }
                });
            },
            std::time::Duration::ZERO,
        );
    }

    fn open_modal(
        self: &Rc<Self>,
        config: ModalConfig,
        apps_path: String,
        prefetched: Option<js_sys::Promise>,
    ) -> Result<(), JsValue> {
        if self.destroyed.get() || self.modal.borrow().is_some() {
            return Ok(());
        }
        let t = i18n::pick(config.locale.as_deref());
        let env = self.env(Mode::Modal, &config, apps_path, prefetched);
        self.return_focus.replace(focused_element());
        let parent: web_sys::Element = match document().body() {
            Some(body) => body.into(),
            None => document()
                .document_element()
                .ok_or("the page has no document element")?,
        };
        let mount = ShadowMount::new(&parent, t.lang, &config.theme, move || {
            let flow = ConnectFlow::new(env, t);
            flow.load_apps(true);
            view! { <Modal flow/> }
        })?;
        self.modal.replace(Some(mount));
        self.emitter.lifecycle(names::OPENED, None);
        Ok(())
    }

    fn open_page(
        self: &Rc<Self>,
        parent: &web_sys::Element,
        config: ModalConfig,
        apps_path: String,
    ) -> Result<(), JsValue> {
        if self.destroyed.get() {
            return Ok(());
        }
        let t = i18n::pick(config.locale.as_deref());
        let env = self.env(Mode::Page, &config, apps_path, None);
        let mount = ShadowMount::new(parent, t.lang, &config.theme, move || {
            let flow = ConnectFlow::new(env, t);
            flow.load_session();
            flow.load_apps(true);
            view! { <ConnectPage flow/> }
        })?;
        // A second call replaces the first page rather than stacking two.
        self.page.replace(Some(mount));
        Ok(())
    }

    fn close_modal(&self) {
        let Some(mount) = self.modal.take() else { return };
        // Often called from one of the modal's own click handlers: unmount once it returned.
        queue_microtask(move || mount.remove());
        if let Some(element) = self.return_focus.take() {
            _ = element.focus();
        }
        self.emitter.lifecycle(names::CLOSED, None);
    }
}

fn focused_element() -> Option<web_sys::HtmlElement> {
    document().active_element()?.dyn_into().ok()
}
