//! Every view lives in its own open Shadow DOM root, so neither the host's CSS nor its
//! `querySelector`s reach inside by accident, and ours never leaks out.

use std::any::Any;

use leptos::mount::mount_to;
use leptos::prelude::{IntoView, document};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

/// Compiled in rather than fetched: no second request and no flash of unstyled widget.
/// `public/widget.css`, minified by `build.rs`.
const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/widget.min.css"));

/// A mounted view; dropping it (or [`ShadowMount::remove`]) unmounts it.
pub struct ShadowMount {
    host: HtmlElement,
    /// The Leptos `UnmountHandle`: dropping it disposes the view's reactive owner.
    view: Option<Box<dyn Any>>,
}

impl ShadowMount {
    /// Appends a `<div data-plugboard>` host to `parent` and mounts `view` in its shadow,
    /// in language `lang` and with the host's `theme` (see `theme`).
    pub fn new<F, N>(parent: &Element, lang: &str, theme: &JsValue, view: F) -> Result<Self, JsValue>
    where
        F: FnOnce() -> N + 'static,
        N: IntoView + 'static,
    {
        let document = document();
        let host: HtmlElement = document.create_element("div")?.unchecked_into();
        host.set_attribute("data-plugboard", "")?;
        crate::theme::apply(&host, theme);
        parent.append_child(&host)?;
        let root = host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?;
        add_styles(&root)?;
        let container: HtmlElement = document.create_element("div")?.unchecked_into();
        container.set_class_name("pb-root");
        container.set_attribute("lang", lang)?;
        root.append_child(&container)?;
        let handle = mount_to(container, view);
        Ok(Self {
            host,
            view: Some(Box::new(handle)),
        })
    }

    pub fn remove(mut self) {
        self.view.take();
        self.host.remove();
    }
}

impl Drop for ShadowMount {
    fn drop(&mut self) {
        if self.view.take().is_some() {
            self.host.remove();
        }
    }
}

/// A constructed stylesheet is CSSOM, not an inline `<style>`, so it works under the
/// hosted page's strict CSP (no `style-src 'unsafe-inline'`). Browsers without
/// constructable stylesheets (Safari < 16.4) get a `<style>` element instead.
fn add_styles(root: &ShadowRoot) -> Result<(), JsValue> {
    if let Ok(sheet) = web_sys::CssStyleSheet::new() {
        sheet.replace_sync(CSS)?;
        let sheets = js_sys::Array::of1(&sheet);
        if js_sys::Reflect::set(root, &"adoptedStyleSheets".into(), &sheets).is_ok() {
            return Ok(());
        }
    }
    let style = document().create_element("style")?;
    style.set_text_content(Some(CSS));
    root.append_child(&style)?;
    Ok(())
}
