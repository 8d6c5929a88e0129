//! The keyboard shortcuts (their overlay is `features::help`, loaded on first use).

use super::header::focus;
use crate::state::{AppState, Tab};
use leptos::prelude::*;

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
            "1" | "2" | "3" | "4" | "5" | "6" if ev.alt_key() => {
                ev.prevent_default();
                tab.set(match ev.key().as_str() {
                    "1" => Tab::Customer,
                    "2" => Tab::List,
                    "3" => Tab::Products,
                    "4" => Tab::Templates,
                    "5" => Tab::Data,
                    _ => Tab::Campaigns,
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
