//! Nobi Pro's side panel, in Leptos.
//!
//! Components only: the domain (what a conversation is, why a send failed, the words in each
//! language, what a customer record holds) is plain data from `nobi-core`; signals stay here.
//! Text that came from a web page (buyer names, messages) is only ever rendered as text nodes,
//! which Leptos escapes; no component sets `inner_html`.
//!
//! Layout: [`App`] opens the store, follows the window's conversation and holds three tabs:
//! the customer card ([`card`]), the list ([`list`]) and the data tools ([`transfer`]).

pub mod address;
pub mod address_form;
mod card;
mod chrome;
mod composer;
mod crm;
mod diagnostic;
mod emoji;
mod list;
mod media;
mod orders;
mod products;
mod split;
pub mod store;
mod templates;
mod transfer;
mod widgets;

use card::{read_chat, CardState, CustomerCard};
use composer::{Composer, OutboxView};
use leptos::prelude::*;
use leptos::task::spawn_local;
use nobi_core::crm::{ConversationRecord, Customer, Settings};
use nobi_core::i18n::{health, ui, Lang, Ui};
use nobi_core::protocol::{
    BackgroundToPanel, Conversation, Engine, HealthStatus, PanelToBackground,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Customer,
    List,
    Products,
    Templates,
    Data,
}

/// Whether the store opened.
#[derive(Debug, Clone, PartialEq, Eq)]
enum StoreState {
    Opening,
    Open,
    Unavailable,
}

#[component]
pub fn App() -> impl IntoView {
    let browser_lang = web_sys::window()
        .and_then(|w| w.navigator().language())
        .map(|tag| Lang::from_tag(&tag))
        .unwrap_or_default();
    let lang = RwSignal::new(browser_lang);
    let settings = RwSignal::new(Settings::default());
    let catalog = RwSignal::new(nobi_core::order::catalog::Catalog::default());
    let outbox = RwSignal::new(OutboxView::default());
    let templates = RwSignal::new(Vec::<nobi_core::template::Template>::new());
    let store_state = RwSignal::new(StoreState::Opening);
    let tab = RwSignal::new(Tab::Customer);
    let help = RwSignal::new(false);
    let seen = RwSignal::new(None::<Conversation>);
    let engine = RwSignal::new(None::<Engine>);
    let page_health = RwSignal::new(None::<(HealthStatus, Option<String>)>);
    let state = CardState {
        lang,
        customer: RwSignal::new(None),
        conversation: RwSignal::new(None),
        tags: RwSignal::new(Vec::new()),
        staff: RwSignal::new(Vec::new()),
        history: RwSignal::new(Vec::new()),
        error: RwSignal::new(None),
        buyer_messages: RwSignal::new(Vec::new()),
        catalog,
        settings,
        outbox,
    };
    let thread_key = Memo::new(move |_| seen.with(|c| c.as_ref().map(|c| c.thread.clone())));
    // The window this panel belongs to: it shows that window's conversation only.
    let own_window = RwSignal::new(None::<i32>);

    // Shows a customer (and their conversation, if any) in the card.
    let show_customer = move |customer: Customer, conversation: Option<ConversationRecord>| {
        let id = customer.id.clone();
        state.customer.set(Some(customer));
        state.conversation.set(conversation);
        state.buyer_messages.set(Vec::new());
        state.history.set(Vec::new());
        spawn_local(async move {
            if let Ok(h) = crm::history(&id).await {
                state.history.set(h);
            }
        });
    };
    // Links the conversation the page shows to its customer (creating it on first sight).
    let link = move |c: Conversation| {
        spawn_local(async move {
            if store_state.get_untracked() != StoreState::Open {
                return;
            }
            match crm::link_conversation(&c).await {
                Ok((customer, record)) => {
                    let same = state
                        .customer
                        .with_untracked(|s| s.as_ref().map(|s| s.id.clone()))
                        == Some(customer.id.clone())
                        && state
                            .conversation
                            .with_untracked(|r| r.as_ref().map(|r| r.id.clone()))
                            == Some(record.id.clone());
                    if !same {
                        show_customer(customer, Some(record));
                    }
                    read_chat(state, c.thread.clone());
                }
                Err(e) => {
                    web_sys::console::error_1(&e.to_string().into());
                    state
                        .error
                        .set(Some(ui(Ui::SaveFailed, lang.get_untracked()).into()));
                }
            }
        });
    };

    let show = move |reply: BackgroundToPanel| {
        if let Some(view) = OutboxView::from_reply(&reply) {
            outbox.set(view);
            return;
        }
        if let BackgroundToPanel::Conversation {
            conversation: c,
            engine: e,
            window_id,
            ..
        } = reply
        {
            let mine = own_window.get_untracked();
            if window_id.is_some() && mine.is_some() && window_id != mine {
                return; // another window's conversation
            }
            let thread = c.as_ref().map(|c| c.thread.clone());
            let new_thread = thread != thread_key.get_untracked();
            let changed = new_thread
                || c.as_ref().map(|c| &c.buyer_name)
                    != seen
                        .with_untracked(|s| s.as_ref().map(|s| s.buyer_name.clone()))
                        .as_ref();
            seen.set(c.clone());
            engine.set(e);
            if let (Some(c), true) = (c, changed) {
                // Only another conversation takes the agent back to the card: details of the
                // same one arriving late (its name, its avatar) must not pull them out of the
                // tab they work in.
                if new_thread {
                    tab.set(Tab::Customer);
                }
                link(c);
            }
            // Each newly shown conversation gets a fresh look at its page.
            spawn_local(async move {
                let verdict = match thread {
                    None => None,
                    Some(thread) => match chrome::ask(&PanelToBackground::CheckHealth {
                        thread: Some(thread),
                    })
                    .await
                    {
                        Ok(BackgroundToPanel::Health {
                            health: Some(h), ..
                        }) => Some((h.status, h.ui_language)),
                        _ => None,
                    },
                };
                page_health.set(verdict);
            });
        }
    };

    chrome::listen(show);
    spawn_local(async move {
        match crm::open().await {
            Ok(()) => {
                let stored = crm::settings().await;
                if let Some(code) = stored.lang.as_deref() {
                    lang.set(Lang::from_tag(code));
                }
                settings.set(stored);
                state.tags.set(crm::tags().await.unwrap_or_default());
                state.staff.set(crm::staff().await.unwrap_or_default());
                catalog.set(crm::catalog().await.unwrap_or_default());
                templates::load_into(templates);
                store_state.set(StoreState::Open);
                if let Some(c) = seen.get_untracked() {
                    link(c);
                }
            }
            Err(e) => {
                web_sys::console::error_1(&e.to_string().into());
                store_state.set(StoreState::Unavailable);
            }
        }
    });
    spawn_local(async move {
        let request = match chrome::own_window_id().await {
            Some(window_id) => {
                own_window.set(Some(window_id));
                PanelToBackground::GetWindowConversation { window_id }
            }
            None => PanelToBackground::GetConversation,
        };
        if let Ok(reply) = chrome::ask(&request).await {
            show(reply);
        }
        composer::ask_outbox(PanelToBackground::GetOutbox, outbox).await;
    });

    let switch_language = move || {
        let next = if lang.get_untracked() == Lang::Vi {
            Lang::En
        } else {
            Lang::Vi
        };
        lang.set(next);
        let mut s = settings.get_untracked();
        s.lang = Some(next.code().to_owned());
        spawn_local(async move {
            if let Ok(saved) = crm::save_settings(s).await {
                settings.set(saved);
            }
        });
    };

    // Keyboard shortcuts (listed in the help overlay).
    let on_key = window_event_listener(leptos::ev::keydown, move |ev| {
        let typing = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        let focus = |id: &str| {
            if let Some(el) = document().get_element_by_id(id) {
                let _ = wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(el).focus();
            }
        };
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

    let t = move |key: Ui| ui(key, lang.get());
    let tab_button = move |which: Tab, key: Ui, testid: &'static str, icon: &'static str| {
        view! {
            <button role="tab" data-testid=testid class:active=move || tab.get() == which
                aria-selected=move || (tab.get() == which).to_string()
                on:click=move |_| tab.set(which)>
                {widgets::icons::icon(icon)}
                <span class="tab-label">{move || t(key)}</span>
            </button>
        }
    };
    // The buyer of the open conversation, always at the top: one click from any tab back to them
    // and to the composer.
    let buyer = move || {
        state
            .customer
            .with(|c| c.as_ref().map(|c| c.name.clone()))
            .filter(|n| !n.trim().is_empty())
            .or_else(|| seen.with(|c| c.as_ref().and_then(|c| c.buyer_name.clone())))
            .filter(|n| !n.trim().is_empty())
    };
    let to_composer = move |_| {
        tab.set(Tab::Customer);
        request_animation_frame(move || {
            if let Some(el) = document().get_element_by_id("composer") {
                let _ = wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(el).focus();
            }
        });
    };
    view! {
        <main class="panel" lang=move || lang.get().code()>
            <header class="panel-header">
                <div class="topbar">
                    {move || match buyer() {
                        Some(name) => view! {
                            <button class="who" data-testid="current-buyer" title=move || t(Ui::ToComposer) on:click=to_composer>
                                <span class="who-name">{name}</span>
                            </button>
                        }.into_any(),
                        None => view! { <h1>{move || t(Ui::Title)}</h1> }.into_any(),
                    }}
                    <button class="icon-button" data-testid="help-button" title=move || t(Ui::Shortcuts)
                        aria-label=move || t(Ui::Shortcuts) on:click=move |_| help.update(|h| *h = !*h)>"?"</button>
                    <button class="lang-switch" data-testid="lang-switch" title=move || t(Ui::SwitchLanguage)
                        aria-label=move || t(Ui::SwitchLanguage) on:click=move |_| switch_language()>
                        {move || if lang.get() == Lang::Vi { "EN" } else { "VI" }}
                    </button>
                </div>
                <nav class="tabs" role="tablist">
                    {tab_button(Tab::Customer, Ui::TabCustomer, "tab-customer", widgets::icons::CUSTOMER)}
                    {tab_button(Tab::List, Ui::TabList, "tab-list", widgets::icons::LIST)}
                    {tab_button(Tab::Products, Ui::TabProducts, "tab-products", widgets::icons::PRODUCTS)}
                    {tab_button(Tab::Templates, Ui::TabTemplates, "tab-templates", widgets::icons::TEMPLATES)}
                    {tab_button(Tab::Data, Ui::TabData, "tab-data", widgets::icons::DATA)}
                </nav>
            </header>
            {move || match store_state.get() {
                StoreState::Opening => view! { <p class="muted loading" data-testid="loading">{t(Ui::Loading)}</p> }.into_any(),
                StoreState::Unavailable => view! { <p class="error" role="alert" data-testid="store-error">{t(Ui::StoreUnavailable)}</p> }.into_any(),
                StoreState::Open => match tab.get() {
                    Tab::Customer => view! {
                        {move || match thread_key.get() {
                            Some(_) => view! { <Composer state=state seen=seen outbox=outbox templates=templates/> }.into_any(),
                            // No conversation open: what is still pending or failed anywhere.
                            None => view! { <composer::OutboxList state=state thread=None/> }.into_any(),
                        }}
                        {move || match state.customer.with(Option::is_some) {
                            true => view! { <CustomerCard state=state/> }.into_any(),
                            false => view! { <EmptyState lang=lang/> }.into_any(),
                        }}
                    }.into_any(),
                    Tab::List => split::loaded(lang, split::customer_list(state, Callback::new(move |customer: Customer| {
                            let id = customer.id.clone();
                            tab.set(Tab::Customer);
                            spawn_local(async move {
                                let conversation = crm::store()
                                    .by_index::<ConversationRecord>("by_customer", id.as_str())
                                    .await
                                    .ok()
                                    .and_then(|mut c| { c.sort_by_key(|c| c.updated_at); c.pop() });
                                show_customer(customer, conversation);
                            });
                        }))).into_any(),
                    Tab::Products => split::loaded(lang, split::products_tab(state)).into_any(),
                    Tab::Templates => split::loaded(lang, split::templates_tab(state, templates)).into_any(),
                    Tab::Data => split::loaded(lang, split::data_tab(state)).into_any(),
                },
            }}
            {move || help.get().then(|| view! { <Help lang=lang on_close=Callback::new(move |()| help.set(false))/> })}
            <footer class="health" data-testid="health">
                {move || {
                    page_health
                        .get()
                        .map(|(status, page_lang)| {
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
                <diagnostic::Diagnostic lang=lang thread=thread_key/>
            </footer>
            <footer class="engine muted" data-testid="engine">
                {move || match engine.get() {
                    Some(Engine::Wasm) => "content script: wasm",
                    Some(Engine::Wasm2js) => "content script: wasm2js (strict CSP)",
                    None => "",
                }}
            </footer>
        </main>
    }
}

#[component]
fn Help(lang: RwSignal<Lang>, on_close: Callback<()>) -> impl IntoView {
    let t = move |key: Ui| ui(key, lang.get());
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

#[component]
fn EmptyState(lang: RwSignal<Lang>) -> impl IntoView {
    view! {
        <section class="empty" data-testid="empty">
            <h2>{move || ui(Ui::NoConversation, lang.get())}</h2>
            <p>{move || ui(Ui::NoConversationHint, lang.get())}</p>
        </section>
    }
}
