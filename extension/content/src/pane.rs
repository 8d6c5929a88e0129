//! Whether the conversation pane on screen belongs to the thread in the URL.
//!
//! Instagram and Messenger change the URL at once when the agent picks another thread, but keep
//! the old thread's pane — header, messages, composer — until the new one has loaded. In that
//! window the URL alone would let a message addressed to the new thread be typed into the old
//! one. So on every URL change the old pane's header is remembered, and the pane counts as the new
//! thread's only once the header differs (another element, or other text).

use crate::dom;
use crate::sites::SiteAdapter;
use nobi_core::platform::{classify, PageKind};
use nobi_core::protocol::ThreadRef;
use std::cell::RefCell;
use web_sys::Element;

/// The header of a pane: its element, and its name + profile link.
struct Header {
    element: Element,
    signature: String,
}

#[derive(Default)]
struct Pane {
    thread: Option<ThreadRef>,
    /// The previous thread's header, while it may still be on screen.
    stale: Option<Header>,
}

thread_local! {
    static PANE: RefCell<Pane> = RefCell::new(Pane::default());
}

fn header(adapter: &SiteAdapter) -> Option<Header> {
    let element = dom::find(adapter.buyer_name)?;
    let link = dom::find(adapter.buyer_profile_link)
        .and_then(|a| a.get_attribute("href"))
        .unwrap_or_default();
    let signature = format!("{}\u{1f}{}", dom::text_of(&element), link);
    Some(Header { element, signature })
}

/// Call synchronously on every URL change (before the page re-renders): remembers the header on
/// screen if the thread changed.
pub fn url_changed() {
    let thread = match classify(&dom::location()) {
        PageKind::Thread(thread) => Some(thread),
        _ => None,
    };
    PANE.with(|pane| {
        let mut pane = pane.borrow_mut();
        if pane.thread == thread {
            return;
        }
        // The header now on screen is the previous thread's (or none, on a first load).
        pane.stale = pane
            .thread
            .as_ref()
            .and_then(|previous| header(crate::sites::adapter_for(previous.platform)));
        pane.thread = thread;
    });
}

/// Returns true if and only if a header is on screen and it is not the previous thread's.
pub fn settled(adapter: &SiteAdapter) -> bool {
    let Some(now) = header(adapter) else {
        return false;
    };
    PANE.with(|pane| {
        let mut pane = pane.borrow_mut();
        let still_old = pane
            .stale
            .as_ref()
            .is_some_and(|old| old.element == now.element && old.signature == now.signature);
        if !still_old {
            pane.stale = None;
        }
        !still_old
    })
}
