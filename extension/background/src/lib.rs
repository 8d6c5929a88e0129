//! Nobi Pro's service worker: the router between the side panel and the content scripts, and
//! the owner of the outbox ([`outbox`]).
//!
//! `extension/background/background.js` registers Chrome's listeners synchronously (a module
//! service worker must) and hands every event to the functions exported here once the wasm is
//! ready. Chrome stops idle service workers, so no state lives only in memory: the routing table
//! ([`nobi_core::tabs::TabRegistry`]) is written through to `chrome.storage.session` on every
//! change (the in-memory copy is a cache for one worker lifetime).
//!
//! Messages are taken only from this extension (sender id checked); content scripts are told apart
//! from extension pages by `sender.url` (a panel opened as a tab has `sender.tab` too), and
//! requests are obeyed only from the extension's own pages. Chrome fills `sender`; a page cannot.

mod aliases;
mod campaigns;
mod chrome;
mod outbox;
mod team;

use nobi_core::platform::{thread_url, url_shows};
use nobi_core::protocol::campaign::PanelToCampaigns;
use nobi_core::protocol::{
    BackgroundToContent, BackgroundToPanel, ContentReply, ContentToBackground, FailReason,
    PanelToBackground, SendOutcome, ThreadRef,
};
use nobi_core::tabs::{TabInfo, TabRegistry};
use wasm_bindgen::prelude::*;

/// Handles one `chrome.runtime.onMessage` event; the resolved value is the reply.
#[wasm_bindgen]
pub async fn on_runtime_message(message: JsValue, sender: JsValue) -> JsValue {
    if !chrome::is_own_extension(&sender) {
        return JsValue::NULL;
    }
    if let Some(tab_id) = chrome::content_script_tab(&sender) {
        let tab = TabInfo {
            tab_id,
            window_id: chrome::sender_window(&sender),
            active: chrome::sender_tab_active(&sender),
        };
        match chrome::from_js::<ContentToBackground>(message) {
            // A tab announces only the thread its URL shows (Chrome fills `sender.url`).
            Ok(ContentToBackground::ConversationOpened { conversation, .. })
                if !url_shows(&chrome::sender_url_now(&sender), &conversation.thread) =>
            {
                chrome::log_error(&format!(
                    "Nobi Pro: tab {tab_id} announced a thread its URL does not show; ignored"
                ))
            }
            Ok(notice) => on_content_notice(tab, notice).await,
            Err(e) => {
                chrome::log_error(&format!("Nobi Pro: unknown notice from tab {tab_id}: {e}"))
            }
        }
        return JsValue::NULL;
    }
    // Requests are taken only from the extension's own pages (the panel).
    if !chrome::is_own_page(&sender) {
        return JsValue::NULL;
    }
    let reply = match chrome::from_js::<PanelToBackground>(message.clone()) {
        Ok(request) => on_panel_request(request).await,
        // The campaign screens' requests are an enum of their own (see PanelToCampaigns).
        Err(e) => match chrome::from_js::<PanelToCampaigns>(message) {
            Ok(request) => return chrome::to_js(&campaigns::on_request(request).await),
            Err(_) => BackgroundToPanel::Error {
                message: format!("unknown request: {e}"),
            },
        },
    };
    chrome::to_js(&reply)
}

/// Handles `chrome.tabs.onActivated`: each window's panel follows the tab the agent looks at in
/// that window.
#[wasm_bindgen]
pub async fn on_tab_activated(tab_id: i32, window_id: i32) {
    let now = chrome::now_ms();
    let current = chrome::update_registry(|r| {
        r.activated(tab_id, Some(window_id), now)
            .then(|| window_conversation(r, window_id))
    })
    .await;
    if let Some(current) = current {
        chrome::broadcast(&current);
    }
}

/// Handles `chrome.tabs.onRemoved`.
#[wasm_bindgen]
pub async fn on_tab_removed(tab_id: i32, window_id: i32) {
    let current = chrome::update_registry(|r| {
        let was_current = r.current_in(window_id).map(|e| e.tab_id) == Some(tab_id);
        r.closed(tab_id);
        was_current.then(|| window_conversation(r, window_id))
    })
    .await;
    if let Some(current) = current {
        chrome::broadcast(&current);
    }
}

async fn on_content_notice(tab: TabInfo, mut notice: ContentToBackground) {
    if let ContentToBackground::ConversationOpened { conversation, .. } = &mut notice {
        aliases::learn_and_fill(conversation).await;
    }
    if let ContentToBackground::InboxSeen { inbox } = notice {
        team::inbox_seen(&inbox).await;
        return;
    }
    let now = chrome::now_ms();
    let current = chrome::update_registry(|r| {
        // The window the tab was in before, if it closes its conversation.
        let window = tab.window_id.or_else(|| r.window_of(tab.tab_id));
        match notice {
            ContentToBackground::ConversationOpened {
                conversation,
                engine,
            } => r.opened(tab, conversation, engine, now),
            ContentToBackground::ConversationClosed => r.closed(tab.tab_id),
            ContentToBackground::InboxSeen { .. } => {}
        }
        window.map(|w| window_conversation(r, w))
    })
    .await;
    if let Some(current) = current {
        chrome::broadcast(&current);
    }
}

async fn on_panel_request(request: PanelToBackground) -> BackgroundToPanel {
    match request {
        PanelToBackground::GetConversation => current_conversation(&chrome::registry().await),
        PanelToBackground::GetWindowConversation { window_id } => {
            window_conversation(&chrome::registry().await, window_id)
        }
        PanelToBackground::SendText {
            request_id,
            to,
            text,
            attachments,
        } => {
            let order = BackgroundToContent::SendText {
                request_id: request_id.clone(),
                // NFC through the browser's normalize(): no Unicode tables in the worker.
                text: js_sys::JsString::from(text.as_str())
                    .normalize("NFC")
                    .into(),
                to: to.clone(),
                attachments,
                account: None,
            };
            let outcome = match ask_thread_tab(&to, &order).await {
                Ok(ContentReply::Sent { outcome, .. }) => outcome,
                Ok(ContentReply::Failed { reason }) | Err(reason) => SendOutcome::Failed { reason },
                // A send that was delivered but got no proper answer may have happened.
                Ok(_) => SendOutcome::Failed {
                    reason: FailReason::Unconfirmed,
                },
            };
            BackgroundToPanel::SendResult {
                request_id,
                outcome,
            }
        }
        PanelToBackground::ReadMessages {
            thread,
            older_pages,
        } => {
            let order = BackgroundToContent::ReadMessages {
                to: thread.clone(),
                older_pages,
            };
            match ask_thread_tab(&thread, &order).await {
                Ok(ContentReply::Messages {
                    messages,
                    reached_start,
                }) => BackgroundToPanel::Messages {
                    thread,
                    messages,
                    reached_start,
                },
                Ok(ContentReply::Failed { reason }) | Err(reason) => {
                    BackgroundToPanel::Failed { reason }
                }
                Ok(_) => BackgroundToPanel::Failed {
                    reason: FailReason::TabUnreachable,
                },
            }
        }
        PanelToBackground::Diagnose { thread } => {
            let tab_id = tab_of(thread.as_ref()).await;
            let diagnosis = match tab_id {
                Some(tab) => match chrome::send_to_tab(tab, &BackgroundToContent::Diagnose).await {
                    Ok(ContentReply::Diagnosis { diagnosis }) => Some(diagnosis),
                    _ => None,
                },
                None => None,
            };
            BackgroundToPanel::Diagnosis { tab_id, diagnosis }
        }
        PanelToBackground::CheckHealth { thread } => {
            let tab_id = tab_of(thread.as_ref()).await;
            let health = match tab_id {
                Some(tab) => {
                    match chrome::send_to_tab(tab, &BackgroundToContent::CheckHealth).await {
                        Ok(ContentReply::Health { health }) => Some(health),
                        _ => None,
                    }
                }
                None => None,
            };
            BackgroundToPanel::Health { tab_id, health }
        }
        PanelToBackground::OpenThread { thread } => match open_thread(&thread).await {
            Ok(tab_id) => BackgroundToPanel::Opened { thread, tab_id },
            Err(reason) => BackgroundToPanel::Failed { reason },
        },
        PanelToBackground::Enqueue { item, files } => outbox::enqueue(item, files).await,
        PanelToBackground::GetOutbox => {
            outbox::spawn_pump();
            outbox::snapshot().await
        }
        PanelToBackground::OutboxRetry { id } => outbox::retry(&id).await,
        PanelToBackground::OutboxCancel { id } => outbox::cancel(&id).await,
        PanelToBackground::OutboxMarkSent { id } => outbox::mark_sent(&id).await,
        PanelToBackground::OutboxSendAgain { id } => outbox::send_again(&id).await,
        PanelToBackground::OutboxResume { account } => outbox::resume(&account).await,
        PanelToBackground::SetOutboxSettings { settings } => outbox::set_settings(settings).await,
        PanelToBackground::BuyerWrote { thread, at, text } => {
            campaigns::buyer_wrote(thread, at, &text).await
        }
    }
}

/// The tab that shows `thread` under any of its ids, else (`None`) the current conversation's.
async fn tab_of(thread: Option<&ThreadRef>) -> Option<i32> {
    let registry = chrome::registry().await;
    match thread {
        Some(thread) => registry
            .tab_showing(&aliases::names(thread).await)
            .map(|(tab, _)| tab),
        None => registry.current().map(|e| e.tab_id),
    }
}

/// The order addressed to `shown` instead of the id it named: another id of the same
/// conversation, the one the tab shows (the content script checks its URL against it).
fn readdressed(order: &BackgroundToContent, shown: &ThreadRef) -> BackgroundToContent {
    let mut order = order.clone();
    match &mut order {
        BackgroundToContent::SendText { to, .. }
        | BackgroundToContent::ReadMessages { to, .. }
        | BackgroundToContent::WaitUntilReady { to } => *to = shown.clone(),
        BackgroundToContent::CheckHealth | BackgroundToContent::Diagnose => {}
    }
    order
}

/// Sends `order` to the tab that shows `thread` (under any of its ids: a messenger.com thread in
/// facebook.com, an encrypted chat's earlier id in the thread the agent's "Continue" led to).
pub(crate) async fn ask_thread_tab(
    thread: &ThreadRef,
    order: &BackgroundToContent,
) -> Result<ContentReply, FailReason> {
    let (tab, _) = chrome::registry()
        .await
        .tab_showing(&aliases::names(thread).await)
        .ok_or(FailReason::NoConversationTab)?;
    ask_tab(tab, thread, order).await
}

/// Returns true if and only if tab `tab` shows `thread` under any of its ids.
pub(crate) async fn tab_shows(tab: i32, thread: &ThreadRef) -> bool {
    chrome::registry()
        .await
        .tab_showing_in(tab, &aliases::names(thread).await)
        .is_some()
}

/// Sends `order` to tab `tab`, addressed to the id of `thread` that the tab shows. No answer in
/// time is `tab_stuck`, or for a send `unconfirmed` (it may be under way).
pub(crate) async fn ask_tab(
    tab: i32,
    thread: &ThreadRef,
    order: &BackgroundToContent,
) -> Result<ContentReply, FailReason> {
    let shown = chrome::registry()
        .await
        .tab_showing_in(tab, &aliases::names(thread).await)
        .ok_or(FailReason::NoConversationTab)?;
    let order = readdressed(order, &shown);
    let is_send = matches!(&order, BackgroundToContent::SendText { .. });
    chrome::send_to_tab(tab, &order).await.map_err(|e| match e {
        chrome::Unanswered::NotDelivered => FailReason::TabUnreachable,
        // Delivered, then the page went away or hangs: a send may have been made.
        chrome::Unanswered::Lost | chrome::Unanswered::Stuck if is_send => FailReason::Unconfirmed,
        chrome::Unanswered::Stuck => FailReason::TabStuck,
        chrome::Unanswered::Lost => FailReason::TabUnreachable,
    })
}

/// How long a thread may take to load after navigating to it.
const OPEN_WAIT_MS: i32 = 20_000;

/// Brings `thread` up in a tab and waits until its composer is ready; returns the tab.
pub(crate) async fn open_thread(thread: &ThreadRef) -> Result<i32, FailReason> {
    let registry = chrome::registry().await;
    let names = aliases::names(thread).await;
    let tab = match registry.tab_showing(&names).map(|(tab, _)| tab) {
        Some(tab) => {
            chrome::activate_tab(tab)
                .await
                .map_err(|_| FailReason::TabUnreachable)?;
            tab
        }
        None => {
            let url = thread_url(thread).ok_or(FailReason::NoConversationTab)?;
            // Reuse a tab of the same platform (the agent's working tab), else open one.
            let site = nobi_core::aliases::current_form(thread).platform;
            let same_platform = registry
                .entries()
                .iter()
                .filter(|e| {
                    nobi_core::aliases::current_form(&e.conversation.thread).platform == site
                })
                .max_by_key(|e| e.last_used_ms)
                .map(|e| e.tab_id);
            let tab = match same_platform {
                Some(tab) => {
                    chrome::navigate_tab(tab, &url)
                        .await
                        .map_err(|_| FailReason::TabUnreachable)?;
                    tab
                }
                None => chrome::open_tab(&url)
                    .await
                    .map_err(|_| FailReason::TabUnreachable)?,
            };
            // The new page's content script announces the thread when it has loaded.
            let mut waited = 0;
            while chrome::registry().await.tab_showing(&names).map(|(t, _)| t) != Some(tab) {
                if waited >= OPEN_WAIT_MS {
                    return Err(FailReason::Timeout);
                }
                chrome::sleep(100).await;
                waited += 100;
            }
            tab
        }
    };
    let shown = chrome::registry()
        .await
        .tab_showing(&names)
        .map_or_else(|| thread.clone(), |(_, shown)| shown);
    let ready = BackgroundToContent::WaitUntilReady { to: shown };
    match chrome::send_to_tab(tab, &ready).await {
        Ok(ContentReply::Ready) => Ok(tab),
        Ok(ContentReply::Failed { reason }) => Err(reason),
        Err(chrome::Unanswered::Stuck) => Err(FailReason::TabStuck),
        _ => Err(FailReason::TabUnreachable),
    }
}

/// The conversation the agent used last, in any window.
fn current_conversation(registry: &TabRegistry) -> BackgroundToPanel {
    describe(registry.current(), None)
}

/// The conversation the agent used last in `window_id`.
fn window_conversation(registry: &TabRegistry, window_id: i32) -> BackgroundToPanel {
    describe(registry.current_in(window_id), Some(window_id))
}

fn describe(
    entry: Option<&nobi_core::tabs::TabEntry>,
    window_id: Option<i32>,
) -> BackgroundToPanel {
    BackgroundToPanel::Conversation {
        tab_id: entry.map(|e| e.tab_id),
        conversation: entry.map(|e| e.conversation.clone()),
        engine: entry.map(|e| e.engine),
        window_id,
    }
}

/// A small free-list allocator instead of Rust's default dlmalloc: 3 KB gzip less, and this
/// context makes few, small allocations. Wasm here is single-threaded, which the wrapper asserts.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: this module runs on one thread (no wasm threads, no shared memory).
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
