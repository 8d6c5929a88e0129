//! The footer: how the page looks to the content script, the field diagnostic, and which build
//! of the content script runs there.

use super::follow::PageHealth;
use crate::state::use_app;
use leptos::prelude::*;
use nobi_core::i18n::{health, Lang};
use nobi_core::protocol::{Engine, HealthStatus};

#[component]
pub fn Health() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let page_health = expect_context::<RwSignal<PageHealth>>();
    let thread = Memo::new(move |_| state.thread());
    view! {
        <footer class="health" data-testid="health">
            {move || {
                page_health.get().map(|(status, page_lang)| {
                    let ok = status == HealthStatus::Ok;
                    let lang_note = match (page_lang.as_deref(), lang.get()) {
                        (Some("vi"), Lang::Vi) => " · trang dùng Tiếng Việt",
                        (Some("en"), Lang::Vi) => " · trang dùng English",
                        (Some("vi"), Lang::En) => " · page in Vietnamese",
                        (Some("en"), Lang::En) => " · page in English",
                        _ => "",
                    };
                    view! {
                        <span class=if ok { "health-ok" } else { "health-bad" }>
                            {health(status, lang.get())}
                            {lang_note}
                        </span>
                    }
                })
            }}
            {crate::lazy::after_card(crate::lazy::diagnostic(thread))}
        </footer>
        <footer class="engine muted" data-testid="engine">
            {move || match state.engine.get() {
                Some(Engine::Wasm) => "content script: wasm",
                Some(Engine::Wasm2js) => "content script: wasm2js (strict CSP)",
                None => "",
            }}
        </footer>
    }
}
