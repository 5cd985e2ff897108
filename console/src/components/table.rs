use leptos::prelude::*;

/// A wide table in a box that scrolls sideways on narrow screens. The box takes focus
/// (tabindex) so keyboard users can scroll it too, which needs a name (WCAG 2.1.1).
#[component]
pub fn TableRegion(#[prop(into)] label: String, children: Children) -> impl IntoView {
    view! {
        <div class="table-region" role="region" aria-label=label tabindex="0">
            {children()}
        </div>
    }
}

/// A column of a [`DataTable`].
#[derive(Clone, Copy)]
pub struct Heading {
    text: &'static str,
    /// Figures are right-aligned (`class="num"`).
    numeric: bool,
    /// Read to screen readers only (a column of buttons needs a name, not a visible one).
    hidden: bool,
}

impl Heading {
    pub const fn text(text: &'static str) -> Self {
        Self {
            text,
            numeric: false,
            hidden: false,
        }
    }

    pub const fn num(text: &'static str) -> Self {
        Self {
            numeric: true,
            ..Self::text(text)
        }
    }

    pub const ACTIONS: Self = Self {
        hidden: true,
        ..Self::text("Actions")
    };
}

/// The console's table: named for its region, one row of `headings`, and `children` as
/// the body's rows.
#[component]
pub fn DataTable(#[prop(into)] label: String, headings: &'static [Heading], children: Children) -> impl IntoView {
    let headings = headings
        .iter()
        .map(|h| {
            let text = if h.hidden {
                view! { <span class="sr-only">{h.text}</span> }.into_any()
            } else {
                h.text.into_any()
            };
            view! { <th scope="col" class=h.numeric.then_some("num")>{text}</th> }
        })
        .collect_view();
    view! {
        <TableRegion label>
            <table>
                <thead>
                    <tr>{headings}</tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </TableRegion>
    }
}
