//! The keyboard shortcuts and the overlay that lists them.

use super::header::focus;
use crate::state::{use_app, AppState, Tab};
use leptos::prelude::*;
use nobi_core::i18n::Ui;

/// Listens for the panel's shortcuts for as long as the panel lives.
pub fn shortcuts(state: AppState, help: RwSignal<bool>) {
    let tab = state.tab;
    let on_key = window_event_listener(leptos::ev::keydown, move |ev| {
        let typing = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        match ev.key().as_str() {
            "Escape" => help.set(false),
            "1" | "2" | "3" | "4" | "5" if ev.alt_key() => {
                ev.prevent_default();
                tab.set(match ev.key().as_str() {
                    "1" => Tab::Customer,
                    "2" => Tab::List,
                    "3" => Tab::Products,
                    "4" => Tab::Templates,
                    _ => Tab::Data,
                });
            }
            _ if typing => {}
            "?" => help.update(|h| *h = !*h),
            "/" => {
                ev.prevent_default();
                tab.set(Tab::List);
                request_animation_frame(move || focus("list-search"));
            }
            "n" => {
                ev.prevent_default();
                tab.set(Tab::Customer);
                request_animation_frame(move || focus("note-input"));
            }
            "p" => {
                ev.prevent_default();
                tab.set(Tab::Customer);
                request_animation_frame(move || focus("phone-input"));
            }
            _ => {}
        }
    });
    on_cleanup(move || on_key.remove());
}

#[component]
pub fn Help(on_close: Callback<()>) -> impl IntoView {
    let state = use_app();
    let t = move |key: Ui| state.t(key);
    let rows = [
        ("?", Ui::ShortcutHelp),
        ("Alt+1 … 5", Ui::ShortcutTabs),
        ("/", Ui::ShortcutSearch),
        ("N", Ui::ShortcutNote),
        ("P", Ui::ShortcutPhone),
        ("Ctrl+Enter", Ui::ShortcutSend),
        ("Esc", Ui::ShortcutClose),
    ];
    view! {
        <div class="overlay" role="dialog" aria-modal="true" data-testid="help" on:click=move |_| on_close.run(())>
            <div class="dialog" on:click=|ev| ev.stop_propagation()>
                <h2>{move || t(Ui::Shortcuts)}</h2>
                <table class="shortcuts">
                    {rows.into_iter().map(|(keys, what)| view! {
                        <tr><td><kbd>{keys}</kbd></td><td>{move || t(what)}</td></tr>
                    }).collect_view()}
                </table>
                <button on:click=move |_| on_close.run(())>{move || t(Ui::Close)}</button>
            </div>
        </div>
    }
}
