//! The error line: what went wrong, in the panel's language, where the agent was working.

use leptos::prelude::*;

/// Shows `error` as an alert while it is set; nothing otherwise.
#[component]
pub fn ErrorLine(
    #[prop(into)] error: Signal<Option<String>>,
    /// The line's `data-testid` (tests find each screen's error by it).
    testid: &'static str,
) -> impl IntoView {
    move || {
        error
            .get()
            .map(|e| view! { <p class="error" role="alert" data-testid=testid>{e}</p> })
    }
}
