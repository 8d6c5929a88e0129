//! Nobi Pro's side panel, in Leptos.
//!
//! Components only: the domain (what a conversation is, why a send failed, the words in each
//! language) is plain data from `nobi-core`; signals stay here. Text that came from a web page
//! (buyer names, messages) is only ever rendered as text nodes, which Leptos escapes.

mod chrome;

use leptos::prelude::*;
use leptos::task::spawn_local;
use nobi_core::i18n::{fail_reason, health, ui, Lang, Ui};
use nobi_core::protocol::{
    BackgroundToPanel, Conversation, Engine, HealthStatus, PanelToBackground, Platform, SendOutcome,
};

/// Replies an agent sends many times a day. Templates (issue #8) will replace this list.
const QUICK_REPLIES: &[&str] = &["Xin chào 👋 chị ơi", "Dạ shop cảm ơn chị ạ 🌸"];

/// The state of the last send, as the panel shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum SendState {
    Idle,
    Sending,
    Done(SendOutcome),
    /// The service worker did not answer, or answered something else.
    WorkerUnreachable,
}

#[component]
pub fn App() -> impl IntoView {
    let browser_lang = web_sys::window()
        .and_then(|w| w.navigator().language())
        .map(|tag| Lang::from_tag(&tag))
        .unwrap_or_default();
    let lang = RwSignal::new(browser_lang);
    let conversation = RwSignal::new(None::<Conversation>);
    let engine = RwSignal::new(None::<Engine>);
    let page_health = RwSignal::new(None::<(HealthStatus, Option<String>)>);
    let thread_key =
        Memo::new(move |_| conversation.with(|c| c.as_ref().map(|c| c.thread.clone())));
    // The window this panel belongs to: it shows that window's conversation only.
    let own_window = RwSignal::new(None::<i32>);
    let show = move |reply: BackgroundToPanel| {
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
            conversation.set(c);
            engine.set(e);
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
    });

    let t = move |key: Ui| ui(key, lang.get());
    view! {
        <main class="panel" lang=move || lang.get().code()>
            <header class="panel-header">
                <h1>{move || t(Ui::Title)}</h1>
                <button
                    class="lang-switch"
                    on:click=move |_| {
                        lang.update(|l| *l = if *l == Lang::Vi { Lang::En } else { Lang::Vi })
                    }
                >
                    {move || t(Ui::SwitchLanguage)}
                </button>
            </header>
            // Rebuilt only when the thread changes: a re-announced conversation (a tab
            // switch, a name read late) must not wipe the draft or a send in flight.
            {move || match thread_key.get() {
                None => view! { <EmptyState lang=lang/> }.into_any(),
                Some(_) => view! { <ConversationView lang=lang conversation=conversation/> }.into_any(),
            }}
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
fn EmptyState(lang: RwSignal<Lang>) -> impl IntoView {
    view! {
        <section class="empty" data-testid="empty">
            <h2>{move || ui(Ui::NoConversation, lang.get())}</h2>
            <p>{move || ui(Ui::NoConversationHint, lang.get())}</p>
        </section>
    }
}

fn platform_name(platform: Platform) -> &'static str {
    match platform {
        Platform::Instagram => "Instagram",
        Platform::Facebook => "Facebook",
        Platform::Messenger => "Messenger",
        Platform::BusinessSuite => "Business Suite",
    }
}

#[component]
fn ConversationView(
    lang: RwSignal<Lang>,
    conversation: RwSignal<Option<Conversation>>,
) -> impl IntoView {
    let t = move |key: Ui| ui(key, lang.get());
    let name = move || conversation.with(|c| c.as_ref().and_then(|c| c.buyer_name.clone()));
    let Some(thread) = conversation.with_untracked(|c| c.as_ref().map(|c| c.thread.clone())) else {
        return ().into_any();
    };
    let platform = thread.platform;
    let thread_id = thread.thread_id.clone();
    let draft = RwSignal::new(String::new());
    let state = RwSignal::new(SendState::Idle);

    let send = move || {
        let text = draft.get_untracked();
        if text.trim().is_empty() || state.get_untracked() == SendState::Sending {
            return;
        }
        state.set(SendState::Sending);
        let to = thread.clone();
        spawn_local(async move {
            let request = PanelToBackground::SendText {
                request_id: format!("panel-{}", js_sys::Date::now() as u64),
                to,
                text,
                attachments: Vec::new(),
            };
            match chrome::ask(&request).await {
                Ok(BackgroundToPanel::SendResult { outcome, .. }) => {
                    if outcome == SendOutcome::Sent {
                        draft.set(String::new());
                    }
                    state.set(SendState::Done(outcome));
                }
                Ok(_) | Err(_) => state.set(SendState::WorkerUnreachable),
            }
        });
    };
    let send_on_click = send.clone();

    view! {
        <section class="card" data-testid="customer-card">
            <div class="card-label">{move || t(Ui::Buyer)}</div>
            <div class="buyer-name" data-testid="buyer-name">
                {move || match name() {
                    Some(n) => n.into_any(),
                    None => view! { <span class="muted">{move || t(Ui::UnknownBuyer)}</span> }.into_any(),
                }}
            </div>
            <div class="meta">
                <span class="badge" data-testid="platform">{platform_name(platform)}</span>
                <span class="muted">{move || t(Ui::Thread)} " " {thread_id}</span>
            </div>
        </section>
        <section class="composer">
            <h2>{move || t(Ui::Composer)}</h2>
            <div class="quick" aria-label=move || t(Ui::QuickReplies)>
                {QUICK_REPLIES
                    .iter()
                    .map(|reply| {
                        view! {
                            <button class="chip" on:click=move |_| draft.set((*reply).to_owned())>
                                {*reply}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <textarea
                data-testid="composer"
                rows="4"
                placeholder=move || t(Ui::ComposerPlaceholder)
                prop:value=move || draft.get()
                on:input=move |ev| draft.set(event_target_value(&ev))
                on:keydown=move |ev| {
                    if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
                        ev.prevent_default();
                        send();
                    }
                }
            ></textarea>
            <div class="composer-actions">
                <span class="status" data-testid="send-status" role="status">
                    {move || match state.get() {
                        SendState::Idle => String::new(),
                        SendState::Sending => t(Ui::Sending).to_owned(),
                        SendState::Done(SendOutcome::Sent) => t(Ui::Sent).to_owned(),
                        SendState::Done(SendOutcome::Failed { reason }) => {
                            fail_reason(reason, lang.get()).to_owned()
                        }
                        SendState::WorkerUnreachable => t(Ui::WorkerUnreachable).to_owned(),
                    }}
                </span>
                <button
                    class="send"
                    data-testid="send"
                    disabled=move || state.get() == SendState::Sending
                    on:click=move |_| send_on_click()
                >
                    {move || t(Ui::Send)}
                </button>
            </div>
        </section>
    }
    .into_any()
}
