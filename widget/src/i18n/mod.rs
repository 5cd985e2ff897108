//! Every sentence the widget shows, in each language it speaks. Components never spell out
//! text themselves: they read a field of [`Strings`], so a missing translation is a compile
//! error, not an English word in a German modal.
//!
//! Plain structs of `&'static str` rather than a message-format crate: five small
//! catalogs cost a few KB in the bundle, Fluent or ICU would cost tens. Sentences with a
//! value mark it `{}`, filled by [`fill`].

mod de;
mod en;
mod es;
mod fr;
mod pt_br;

pub use en::EN;

/// The catalog of one language.
pub struct Strings {
    /// BCP 47 tag, set as `lang` on the widget so screen readers pronounce it right.
    pub lang: &'static str,
    pub title: &'static str,
    pub close: &'static str,
    pub loading: &'static str,
    /// `{}`: the server's or the network's message.
    pub load_failed: &'static str,
    pub retry: &'static str,
    /// The server did not answer (or answered something other than its JSON).
    pub unreachable: &'static str,
    /// The link token is unknown, expired or revoked: trying again cannot help.
    pub link_invalid: &'static str,
    pub no_apps: &'static str,
    pub search: &'static str,
    pub categories: &'static str,
    pub all: &'static str,
    pub no_match: &'static str,
    pub connected: &'static str,
    pub checking: &'static str,
    pub back: &'static str,
    pub connect: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub client_id: &'static str,
    pub client_secret: &'static str,
    pub api_key: &'static str,
    pub subdomain: &'static str,
    pub waiting: &'static str,
    /// `{}`: the app's name.
    pub waiting_detail: &'static str,
    pub show_window: &'static str,
    pub cancel: &'static str,
    /// `{}`: the app's name.
    pub redirecting: &'static str,
    /// `{}`: the app; `{}`: [`Strings::as_who`] or nothing.
    pub ok_new: &'static str,
    pub ok_again: &'static str,
    /// `{}`: the identity at the provider.
    pub as_who: &'static str,
    pub unverified: &'static str,
    /// `{}`: the app; `{}`: [`Strings::as_who`] or nothing.
    pub unverified_detail: &'static str,
    pub failed: &'static str,
    /// `{}`: the app.
    pub cancelled: &'static str,
    pub closed: &'static str,
    pub blocked: &'static str,
    pub open_window: &'static str,
    /// `{}`: the app; `{}`: the provider's message.
    pub provider_error: &'static str,
    /// `{}`: the app.
    pub not_connected: &'static str,
    pub taking_back: &'static str,
    pub done: &'static str,
    pub back_to_apps: &'static str,
    pub page_intro: &'static str,
    /// `{}`: who asks (the link token's `owner_name`).
    pub page_intro_owner: &'static str,
    pub your_accounts: &'static str,
    pub needs_reauth: &'static str,
    pub reconnect: &'static str,
    pub disconnect: &'static str,
    /// `{}`: the identity; `{}`: the app.
    pub confirm_disconnect: &'static str,
    /// `{}`: the app.
    pub disconnected: &'static str,
}

/// The catalogs, in the order of [`plugboard_shared::language::LANGUAGES`].
const CATALOGS: [&Strings; 5] = [&en::EN, &de::DE, &fr::FR, &es::ES, &pt_br::PT_BR];

/// The catalog for the host's `locale` option, else the browser's preferred languages,
/// else English. `de-AT` gets German, any `pt` Brazilian Portuguese.
pub fn pick(requested: Option<&str>) -> &'static Strings {
    let browser = web_sys::window()
        .map(|w| w.navigator().languages().to_vec())
        .unwrap_or_default();
    let wanted = requested
        .map(str::to_owned)
        .into_iter()
        .chain(browser.iter().filter_map(|l| l.as_string()));
    for tag in wanted {
        if let Some(strings) = lookup(&tag) {
            return strings;
        }
    }
    &en::EN
}

/// The catalog whose language is `tag`'s primary subtag, ignoring case.
pub fn lookup(tag: &str) -> Option<&'static Strings> {
    CATALOGS.get(plugboard_shared::language::language_of(tag)?).copied()
}

/// `template` with each `{}` replaced by the next value, in order.
pub fn fill(template: &str, values: &[&str]) -> String {
    let mut out = String::new();
    let mut values = values.iter();
    let mut parts = template.split('{');
    out.push_str(parts.next().unwrap_or_default());
    for part in parts {
        // Every `{` in a catalog opens a `{}`.
        out.push_str(values.next().copied().unwrap_or_default());
        out.push_str(part.strip_prefix('}').unwrap_or(part));
    }
    out
}
