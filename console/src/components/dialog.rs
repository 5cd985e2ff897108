use leptos::prelude::*;

use super::unique_id;

/// A confirmation before something that cannot be undone. The native `<dialog>` opened
/// with `showModal()` does what a modal must (WAI-ARIA APG, dialog pattern): focus moves
/// in (to Cancel, the safe choice), the rest of the page is inert, Escape closes it, and
/// focus returns to the button that opened it.
#[component]
pub fn ConfirmDialog(
    open: RwSignal<bool>,
    #[prop(into)] title: String,
    /// The confirming button's words ("Delete account").
    #[prop(into)]
    confirm: String,
    /// True while the confirmed request runs.
    #[prop(into)]
    busy: Signal<bool>,
    on_confirm: impl Fn() + 'static,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let title_id = unique_id("dialog-title");
    let labelled_by = title_id.clone();
    Effect::new(move |_| {
        let Some(dialog) = dialog.get() else { return };
        match (open.get(), dialog.open()) {
            (true, false) => {
                let _ = dialog.show_modal();
            }
            (false, true) => dialog.close(),
            _ => {}
        }
    });
    view! {
        <dialog
            class="dialog"
            node_ref=dialog
            aria-labelledby=labelled_by
            // Escape closes the dialog by itself; the signal follows.
            on:close=move |_| open.set(false)
        >
            <h2 id=title_id>{title}</h2>
            {children()}
            <div class="actions">
                <button type="button" class="button" on:click=move |_| open.set(false)>"Cancel"</button>
                <button
                    type="button"
                    class="button button-danger"
                    disabled=busy
                    on:click=move |_| on_confirm()
                >
                    {confirm}
                </button>
            </div>
        </dialog>
    }
}
