//! Nobi Pro's content script: the only code that touches Instagram's and Facebook's pages.
//!
//! It is loaded by `extension/content/loader.js` on conversation pages, as wasm where the page's
//! CSP allows it and as a wasm2js build of this same crate where it does not. It then:
//! - tells the service worker which conversation is open ([`ContentToBackground`]), again after
//!   every in-page navigation, and stays idle otherwise (no DOM observers, no timers);
//! - obeys the service worker, and only it ([`BackgroundToContent`]): describe the conversation,
//!   read its messages, check its health, wait for its composer, type and send a message — always
//!   after checking that the open thread is the one addressed.
//!
//! Everything site-specific (selectors, UI labels in English and Vietnamese) is data in
//! [`sites`], one file per site; [`dom`] holds the generic mechanics, [`send`] the send routine,
//! [`read`] the reading, [`attach`] attachments, [`health`] the health check.

mod attach;
#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests;
mod chrome;
mod dom;
mod health;
mod read;
mod send;
pub mod sites;

use nobi_core::platform::{classify, PageKind};
use nobi_core::protocol::{
    BackgroundToContent, ContentReply, ContentToBackground, Conversation, Engine, FailReason,
    ThreadRef,
};
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;

thread_local! {
    /// The conversation last announced to the service worker, to announce changes only.
    static ANNOUNCED: RefCell<Option<Conversation>> = const { RefCell::new(None) };
    /// Which build the loader picked.
    static ENGINE: Cell<Engine> = const { Cell::new(Engine::Wasm) };
}

/// Entry point, called once by the loader with the build it picked (`"wasm"` or `"wasm2js"`).
#[wasm_bindgen]
pub fn start(engine: &str) {
    ENGINE.with(|e| {
        e.set(if engine == "wasm2js" {
            Engine::Wasm2js
        } else {
            Engine::Wasm
        })
    });
    chrome::on_message(handle_message);
    dom::on_navigation(check_location);
    check_location();
}

/// The conversation open in this tab, read from the page now.
fn current_conversation() -> Option<Conversation> {
    match classify(&dom::location()) {
        PageKind::Thread(thread) => {
            let adapter = sites::adapter_for(thread.platform);
            Some(read::conversation(
                thread,
                adapter,
                adapter.detect_language(),
            ))
        }
        PageKind::Inbox(_) | PageKind::Other => None,
    }
}

/// Re-reads the URL after a load or an in-page navigation and tells the service worker when the
/// open conversation changed.
fn check_location() {
    wasm_bindgen_futures::spawn_local(async {
        if let PageKind::Thread(thread) = classify(&dom::location()) {
            // The header renders after the URL changes: give it a moment, but announce anyway.
            let adapter = sites::adapter_for(thread.platform);
            dom::wait_for_text(adapter.buyer_name, 600).await;
        }
        let notice = current_conversation();
        let changed = ANNOUNCED.with(|a| {
            let mut a = a.borrow_mut();
            let changed = *a != notice;
            a.clone_from(&notice);
            changed
        });
        if changed {
            let message = match notice {
                Some(conversation) => ContentToBackground::ConversationOpened {
                    conversation,
                    engine: ENGINE.with(Cell::get),
                },
                None => ContentToBackground::ConversationClosed,
            };
            chrome::notify_background(&message);
        }
    });
}

/// Answers one order from the service worker.
async fn handle_message(message: BackgroundToContent) -> ContentReply {
    match message {
        BackgroundToContent::Describe => ContentReply::Conversation {
            conversation: current_conversation(),
        },
        BackgroundToContent::SendText {
            request_id,
            to,
            text,
            attachments,
        } => ContentReply::Sent {
            request_id,
            outcome: send::send(&to, &dom::nfc(&text), &attachments).await,
        },
        BackgroundToContent::ReadMessages { to, older_pages } => {
            read_messages(&to, older_pages).await
        }
        BackgroundToContent::CheckHealth => ContentReply::Health {
            health: health::check(ENGINE.with(Cell::get)),
        },
        BackgroundToContent::WaitUntilReady { to } => match send::wait_until_ready(&to).await {
            Ok(()) => ContentReply::Ready,
            Err(reason) => ContentReply::Failed { reason },
        },
    }
}

async fn read_messages(to: &ThreadRef, older_pages: u32) -> ContentReply {
    if !send::shows_thread(to) {
        return ContentReply::Failed {
            reason: FailReason::WrongConversation,
        };
    }
    let adapter = sites::adapter_for(to.platform);
    let reached_start = if older_pages > 0 {
        read::load_older(adapter, older_pages).await
    } else {
        false
    };
    if !send::shows_thread(to) {
        return ContentReply::Failed {
            reason: FailReason::WrongConversation,
        };
    }
    ContentReply::Messages {
        messages: read::messages(adapter),
        reached_start,
    }
}

/// A small free-list allocator instead of Rust's default dlmalloc: 3 KB gzip less, and this
/// context makes few, small allocations. Wasm here is single-threaded, which the wrapper asserts.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: this module runs on one thread (no wasm threads, no shared memory).
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
