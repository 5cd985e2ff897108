//! Light, dark, or the device's choice (prefers-color-scheme). The choice is kept in
//! localStorage and applied as `data-theme` on `<html>`, where console.css switches
//! `color-scheme`; boot.js applies it too, before the wasm loads, so a dark console does
//! not flash white.

use leptos::prelude::*;

/// Shared with public/console/boot.js.
const STORAGE_KEY: &str = "plugboard-console-theme";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Self; 3] = [Self::System, Self::Light, Self::Dark];

    pub fn value(self) -> &'static str {
        match self {
            Self::System => "system",
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::System => "System",
            Self::Light => "Light",
            Self::Dark => "Dark",
        }
    }

    fn parse(value: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|t| t.value() == value)
            .unwrap_or(Self::System)
    }
}

/// The theme this browser chose last time.
pub fn stored() -> Theme {
    storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .map_or(Theme::System, |v| Theme::parse(&v))
}

/// Remembers `theme` and applies it to the page.
pub fn choose(theme: Theme) {
    if let Some(storage) = storage() {
        // Private windows may refuse storage: the choice then lasts for this page only.
        let _ = match theme {
            Theme::System => storage.remove_item(STORAGE_KEY),
            other => storage.set_item(STORAGE_KEY, other.value()),
        };
    }
    let Some(root) = document().document_element() else {
        return;
    };
    let _ = match theme {
        Theme::System => root.remove_attribute("data-theme"),
        other => root.set_attribute("data-theme", other.value()),
    };
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// The theme picker in the header: a labelled select, the plainest control that works
/// the same by mouse, keyboard and screen reader.
#[component]
pub fn ThemePicker() -> impl IntoView {
    let current = RwSignal::new(stored());
    let options = Theme::ALL
        .into_iter()
        .map(|t| view! { <option value=t.value() selected=move || current.get() == t>{t.label()}</option> })
        .collect_view();
    view! {
        <label class="theme-picker">
            <span>"Theme"</span>
            <select on:change=move |ev| {
                let theme = Theme::parse(&event_target_value(&ev));
                current.set(theme);
                choose(theme);
            }>{options}</select>
        </label>
    }
}
