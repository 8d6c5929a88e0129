//! The "type and press Enter" row: one input and its button, submitting on a plain Enter but
//! never while an input method is still composing a word ([`super::is_plain_enter`]).

use super::is_plain_enter;
use leptos::prelude::*;

/// An input bound to `value` and a button; Enter in the input or a click on the button calls
/// `on_submit`. Typing calls `on_input` as well (a field's "invalid" mark clears as they type).
#[component]
pub fn AddRow(
    value: RwSignal<String>,
    #[prop(into)] placeholder: Signal<&'static str>,
    /// The button's text.
    #[prop(into)]
    button: Signal<&'static str>,
    on_submit: Callback<()>,
    /// The input's `data-testid`.
    testid: &'static str,
    /// The input's `type` (`text` unless told).
    #[prop(default = "text")]
    kind: &'static str,
    /// The input's `inputmode` (the keyboard phones show), if any.
    #[prop(optional)]
    inputmode: Option<&'static str>,
    #[prop(optional)] on_input: Option<Callback<()>>,
    /// The input's `id`, for a shortcut that focuses it.
    #[prop(optional)]
    id: Option<&'static str>,
) -> impl IntoView {
    view! {
        <div class="add-row">
            <input type=kind data-testid=testid inputmode=inputmode id=id
                placeholder=move || placeholder.get()
                aria-label=move || placeholder.get()
                prop:value=move || value.get()
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    if let Some(f) = on_input { f.run(()) }
                }
                on:keydown=move |ev| if is_plain_enter(&ev) { on_submit.run(()) }
            />
            <button on:click=move |_| on_submit.run(())>{move || button.get()}</button>
        </div>
    }
}
