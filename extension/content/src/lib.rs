//! Nobi Pro's content script: the only code that touches Instagram's and Facebook's pages.
//!
//! It is loaded by `extension/content/loader.js` into every matched tab, as wasm where the page's
//! CSP allows it and as a wasm2js build of this same crate where it does not. It then:
//! - stays idle unless the URL shows a conversation (no DOM observers, no timers beyond a cheap
//!   URL check on in-page navigation);
//! - tells the service worker which conversation is open ([`ContentToBackground`]);
//! - obeys the service worker, and only it ([`BackgroundToContent`]): describe the conversation,
//!   type and send a message — after checking that the open thread is the one addressed.
//!
//! Everything site-specific (selectors, UI labels in English and Vietnamese) is data in
//! [`sites`], one file per site; [`dom`] holds the generic mechanics, [`send`] the send routine.

#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests;
mod chrome;
mod dom;
mod send;
pub mod sites;

use nobi_core::platform::{classify, PageKind};
use nobi_core::protocol::{
    BackgroundToContent, ContentReply, ContentToBackground, Conversation, Engine,
};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    /// The conversation last announced to the service worker, to announce changes only.
    static ANNOUNCED: RefCell<Option<Conversation>> = const { RefCell::new(None) };
    /// Which build the loader picked.
    static ENGINE: std::cell::Cell<Engine> = const { std::cell::Cell::new(Engine::Wasm) };
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

/// Re-reads the URL after a load or an in-page navigation and tells the service worker when the
/// open conversation changed.
fn check_location() {
    wasm_bindgen_futures::spawn_local(async {
        let notice = match classify(&dom::location()) {
            PageKind::Thread(thread) => {
                let adapter = sites::adapter_for(thread.platform);
                // The header renders after the URL changes: give it a moment, but announce anyway.
                let name = dom::wait_for_text(adapter.buyer_name, 600).await;
                Some(Conversation {
                    thread,
                    buyer_name: name,
                    url: dom::location(),
                    ui_language: adapter.detect_language().map(str::to_owned),
                })
            }
            PageKind::Inbox(_) | PageKind::Other => None,
        };
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
                    engine: ENGINE.with(|e| e.get()),
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
        } => {
            let outcome = send::send_text(&to, &dom::nfc(&text)).await;
            ContentReply::Sent {
                request_id,
                outcome,
            }
        }
    }
}

fn current_conversation() -> Option<Conversation> {
    match classify(&dom::location()) {
        PageKind::Thread(thread) => {
            let adapter = sites::adapter_for(thread.platform);
            Some(Conversation {
                buyer_name: dom::first_text(adapter.buyer_name),
                ui_language: adapter.detect_language().map(str::to_owned),
                thread,
                url: dom::location(),
            })
        }
        _ => None,
    }
}

/// A small free-list allocator instead of Rust's default dlmalloc: 3 KB gzip less, and this
/// context makes few, small allocations. Wasm here is single-threaded, which the wrapper asserts.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: this module runs on one thread (no wasm threads, no shared memory).
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
