//! The worker's table of thread aliases ([`nobi_core::aliases`]), kept in `chrome.storage.local`
//! (an alias learned from an encrypted chat's "Continue" must outlive the browser session).

use crate::chrome;
use js_sys::{Object, Reflect};
use nobi_core::aliases::Aliases;
use nobi_core::protocol::{Conversation, ThreadRef};
use std::cell::RefCell;

const KEY: &str = "thread-aliases";

thread_local! {
    static TABLE: RefCell<Option<Aliases>> = const { RefCell::new(None) };
}

async fn table() -> Aliases {
    if let Some(t) = TABLE.with(|t| t.borrow().clone()) {
        return t;
    }
    let stored: Aliases = chrome::local_get(&[KEY])
        .await
        .and_then(|items| Reflect::get(&items, &KEY.into()).ok())
        .filter(|v| !v.is_undefined())
        .and_then(|v| chrome::from_js(v).ok())
        .unwrap_or_default();
    TABLE.with(|t| t.borrow_mut().get_or_insert(stored).clone())
}

/// The ids a tab may show the conversation `thread` under, `thread` first.
pub async fn names(thread: &ThreadRef) -> Vec<ThreadRef> {
    table().await.route_names(thread)
}

/// Learns the aliases a content script reported with `conversation`, stores them, and fills in
/// every alias known for its thread (what the panel links one record by).
pub async fn learn_and_fill(conversation: &mut Conversation) {
    let mut aliases = table().await;
    let mut changed = false;
    for before in &conversation.also_known_as {
        changed |= aliases.learn(before, &conversation.thread);
    }
    if changed {
        TABLE.with(|t| *t.borrow_mut() = Some(aliases.clone()));
        let items = Object::new();
        let _ = Reflect::set(&items, &KEY.into(), &chrome::to_js(&aliases));
        if chrome::local_set(&items).await.is_err() {
            chrome::log_error("Nobi Pro: could not save a thread alias (disk full?)");
        }
    }
    conversation.also_known_as = aliases
        .names(&conversation.thread)
        .into_iter()
        .skip(1)
        .collect();
}
