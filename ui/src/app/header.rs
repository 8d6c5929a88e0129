//! The header: the buyer of the open conversation (one click back to them and the composer),
//! help, the language switch, and the six tabs as icons with labels that share the width.

use crate::state::{use_app, Tab};
use crate::widgets::icons;
use leptos::prelude::*;
use nobi_core::i18n::{Lang, Ui};

/// Focuses the element with `id`, if there is one.
pub fn focus(id: &str) {
    if let Some(el) = document().get_element_by_id(id) {
        let _ = wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(el).focus();
    }
}

#[component]
pub fn Header(help: RwSignal<bool>, follow: super::follow::Follow) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let switch_language = move |next: Lang| {
        lang.set(next);
        if !state.store_open.get_untracked() {
            return; // the settings are not read yet: writing them now would overwrite them
        }
        let mut settings = state.settings.get_untracked();
        settings.lang = Some(next.code().to_owned());
        state.save_settings.dispatch(settings);
    };
    let t = move |key: Ui| state.t(key);
    let tab_button = move |which: Tab, key: Ui, testid: &'static str, icon: &'static str| {
        view! {
            <button role="tab" data-testid=testid class:active=move || state.tab.get() == which
                aria-selected=move || (state.tab.get() == which).to_string()
                on:click=move |_| state.tab.set(which)>
                {icons::icon(icon)}
                <span class="tab-label">{move || t(key)}</span>
            </button>
        }
    };
    // The buyer of the open conversation, always at the top.
    let buyer = move || {
        state
            .customer
            .with(|c| c.as_ref().map(|c| c.name.clone()))
            .filter(|n| !n.trim().is_empty())
            .or_else(|| {
                state
                    .seen
                    .with(|c| c.as_ref().and_then(|c| c.buyer_name.clone()))
            })
            .filter(|n| !n.trim().is_empty())
    };
    let to_composer = move |_| {
        state.tab.set(Tab::Customer);
        // The card may show another customer (opened from the list): back to the thread's own.
        let elsewhere = state.seen.with_untracked(|seen| {
            seen.as_ref().is_some_and(|seen| {
                !state
                    .conversation
                    .with_untracked(|r| nobi_core::crm::link::record_is_of(r.as_ref(), seen))
            })
        });
        if elsewhere {
            follow.show_thread_customer();
        }
        request_animation_frame(move || focus("composer"));
    };
    view! {
        <header class="panel-header">
            <div class="topbar">
                {move || match buyer() {
                    Some(name) => view! {
                        <button class="who" data-testid="current-buyer" title=move || t(Ui::ToComposer) on:click=to_composer>
                            <span class="who-name">{nobi_core::text::for_display(&name)}</span>
                        </button>
                    }.into_any(),
                    None => view! { <h1>{move || t(Ui::Title)}</h1> }.into_any(),
                }}
                <button class="icon-button" data-testid="help-button" title=move || t(Ui::Shortcuts)
                    aria-label=move || t(Ui::Shortcuts) on:click=move |_| help.update(|h| *h = !*h)>"?"</button>
                <button class="lang-switch" data-testid="lang-switch" title=move || t(Ui::SwitchLanguage)
                    aria-label=move || t(Ui::SwitchLanguage)
                    on:click=move |_| { switch_language(if lang.get_untracked() == Lang::Vi { Lang::En } else { Lang::Vi }); }>
                    {move || if lang.get() == Lang::Vi { "EN" } else { "VI" }}
                </button>
            </div>
            <nav class="tabs" role="tablist">
                {tab_button(Tab::Customer, Ui::TabCustomer, "tab-customer", icons::CUSTOMER)}
                {tab_button(Tab::List, Ui::TabList, "tab-list", icons::LIST)}
                {tab_button(Tab::Products, Ui::TabProducts, "tab-products", icons::PRODUCTS)}
                {tab_button(Tab::Templates, Ui::TabTemplates, "tab-templates", icons::TEMPLATES)}
                {tab_button(Tab::Data, Ui::TabData, "tab-data", icons::DATA)}
                {tab_button(Tab::Campaigns, Ui::TabCampaigns, "tab-campaigns", icons::CAMPAIGNS)}
            </nav>
        </header>
    }
}
