//! Nobi Pro's content script: the only code that touches Instagram's and Facebook's pages.
//!
//! It is loaded by `extension/content/loader.js` on conversation pages, as wasm where the page's
//! CSP allows it and as a wasm2js build of this same crate where it does not. It then:
//! - tells the service worker which conversation is open ([`ContentToBackground`]), again after
//!   every in-page navigation, and which threads the inbox list beside it shows ([`inbox`]), and
//!   stays idle otherwise (no DOM observers, no timers);
//! - obeys the service worker, and only it ([`BackgroundToContent`]): read the conversation's
//!   messages, check its health, wait for its composer, type and send a message — always after
//!   checking that the open thread (URL and pane, see [`pane`]) is the one addressed.
//!
//! Everything site-specific (selectors, UI labels in English and Vietnamese) is data in
//! [`sites`], one file per site; [`dom`] holds the generic mechanics, [`send`] the send routine,
//! [`read`] the reading, [`attach`] attachments, [`health`] the health check.

mod attach;
#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests;
mod chrome;
mod composer;
mod diagnose;
mod dom;
mod health;
mod inbox;
mod messages;
mod pane;
mod read;
mod send;
pub mod sites;

use nobi_core::page::PaneVerdict;
use nobi_core::platform::{classify, PageKind};
use nobi_core::protocol::{
    BackgroundToContent, ContentReply, ContentToBackground, Conversation, Engine, FailReason,
    SendOutcome, ThreadRef,
};
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;

thread_local! {
    /// The conversation last announced to the service worker, to announce changes only.
    static ANNOUNCED: RefCell<Option<Conversation>> = const { RefCell::new(None) };
    /// Which build the loader picked.
    static ENGINE: Cell<Engine> = const { Cell::new(Engine::Wasm) };
    /// Microseconds from the loader's first line to the end of `start`.
    static INIT_US: Cell<Option<u32>> = const { Cell::new(None) };
    /// Set while an order that types, clicks or scrolls runs: such orders take turns.
    static BUSY: Cell<bool> = const { Cell::new(false) };
    /// Counts URL changes, so that only the latest one's check announces.
    static GENERATION: Cell<u32> = const { Cell::new(0) };
}

/// Entry point, called once by the loader with the build it picked (`"wasm"` or `"wasm2js"`) and
/// the `performance.now()` at which the loader started.
#[wasm_bindgen]
pub fn start(engine: &str, loader_started_at: f64) {
    ENGINE.with(|e| {
        e.set(if engine == "wasm2js" {
            Engine::Wasm2js
        } else {
            Engine::Wasm
        })
    });
    chrome::on_message(handle_message);
    dom::on_navigation(on_url_change);
    on_url_change();
    let elapsed_ms = (dom::now() - loader_started_at).max(0.0);
    INIT_US.with(|i| i.set(Some((elapsed_ms * 1000.0) as u32)));
}

/// Runs on load, on every in-page navigation and on a restore from the back/forward cache.
fn on_url_change() {
    // Synchronously, while the previous thread's pane is still on screen.
    pane::url_changed();
    // A restored page must announce itself again even if nothing differs from before.
    ANNOUNCED.with(|a| a.borrow_mut().take());
    check_location();
}

/// Runs `order` when no other typing/clicking/scrolling order is running in this tab: two sends
/// at once would read each other's text as the agent's draft.
async fn exclusively<T>(order: impl std::future::Future<Output = T>) -> T {
    while BUSY.with(Cell::get) {
        dom::sleep(20).await;
    }
    BUSY.with(|b| b.set(true));
    let result = order.await;
    BUSY.with(|b| b.set(false));
    result
}

/// Re-reads the URL after a load or an in-page navigation and tells the service worker when the
/// open conversation changed.
///
/// After a switch the old pane may stay a moment: this waits (up to 5 s) until the pane is the
/// new thread's by [`pane::verdict`], and for its buyer's name, so that the panel never shows the
/// previous buyer against this thread. A login form or a block has no pane: announce at once
/// (sends will say why they fail). A later URL change supersedes this one.
fn check_location() {
    let generation = GENERATION.with(|g| {
        g.set(g.get() + 1);
        g.get()
    });
    wasm_bindgen_futures::spawn_local(async move {
        let notice = match classify(&dom::location()) {
            PageKind::Thread(thread) => {
                let adapter = sites::adapter_for(thread.platform);
                let settled = dom::poll_until(5_000.0, || {
                    let pane = pane::read(adapter);
                    let ready = pane::verdict(&thread, &pane) == PaneVerdict::Ready;
                    let done = send::check_page(adapter, None).is_err()
                        || (ready && pane.signature.name.is_some());
                    done.then_some((pane, ready))
                })
                .await;
                // No name in 5 s: the pane as it is, if it is this thread's.
                let (pane, ready) = settled.unwrap_or_else(|| {
                    let pane = pane::read(adapter);
                    let ready = pane::verdict(&thread, &pane) == PaneVerdict::Ready;
                    (pane, ready)
                });
                let mut conversation =
                    read::conversation(thread, adapter, &pane, adapter.detect_language());
                if !ready {
                    // Still the previous thread's pane: announce the thread without its details.
                    conversation.buyer_name = None;
                    conversation.buyer_username = None;
                    conversation.buyer_profile_url = None;
                    conversation.buyer_avatar_url = None;
                }
                Some(conversation)
            }
            PageKind::Inbox(_) | PageKind::Other => None,
        };
        if GENERATION.with(Cell::get) != generation {
            return; // the URL changed since: that check announces
        }
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
        // The inbox list beside it, for team sync (Facebook's rows name their threads).
        match classify(&dom::location()) {
            PageKind::Thread(thread) => inbox::announce(thread.platform).await,
            PageKind::Inbox(platform) => inbox::announce(platform).await,
            PageKind::Other => {}
        }
    });
}

/// Answers one order from the service worker.
async fn handle_message(message: BackgroundToContent) -> ContentReply {
    match message {
        BackgroundToContent::SendText {
            request_id,
            to,
            text,
            attachments,
            account,
        } => {
            let result = exclusively(send::send(
                &to,
                &dom::nfc(&text),
                &attachments,
                account.as_deref(),
            ))
            .await;
            let (outcome, message_id) = match result {
                Ok(id) => (SendOutcome::Sent, id),
                Err(reason) => (SendOutcome::Failed { reason }, None),
            };
            ContentReply::Sent {
                request_id,
                outcome,
                message_id,
            }
        }
        BackgroundToContent::ReadMessages { to, older_pages } => {
            exclusively(read_messages(&to, older_pages)).await
        }
        BackgroundToContent::CheckHealth => ContentReply::Health {
            health: health::check(ENGINE.with(Cell::get), INIT_US.with(Cell::get)),
        },
        BackgroundToContent::Diagnose => ContentReply::Diagnosis {
            diagnosis: diagnose::run(ENGINE.with(Cell::get), INIT_US.with(Cell::get)),
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
    // The pane must be this thread's: never read the previous buyer's messages as this one's.
    let ready = dom::poll_until(3_000.0, || {
        send::pane_ready(to, &pane::read(adapter)).then_some(())
    })
    .await;
    if ready.is_none() {
        return ContentReply::Failed {
            reason: FailReason::WrongConversation,
        };
    }
    let reached_start = if older_pages > 0 {
        match read::load_older(adapter, older_pages).await {
            Some(reached_start) => reached_start,
            // No scrollable conversation: the layout is not what the adapter knows.
            None => {
                return ContentReply::Failed {
                    reason: FailReason::ComposerNotFound,
                }
            }
        }
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
