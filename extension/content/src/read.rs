//! Reading the open conversation: who the buyer is, and the visible messages.

use crate::dom;
use crate::pane::{self, Pane};
use crate::sites::SiteAdapter;
use nobi_core::page::profile_username;
use nobi_core::protocol::{ChatMessage, Conversation, ThreadRef};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// Reads the conversation header from `pane` (already read).
pub fn conversation(
    thread: ThreadRef,
    adapter: &SiteAdapter,
    pane: &Pane,
    ui_language: Option<&str>,
) -> Conversation {
    let link = pane.profile_link.as_ref();
    let href = link.and_then(|a| a.dyn_ref::<web_sys::HtmlAnchorElement>().map(|a| a.href()));
    Conversation {
        also_known_as: pane::aliases_of(&thread),
        thread,
        buyer_name: pane.signature.name.clone(),
        buyer_username: link
            .and_then(|a| a.get_attribute("href"))
            .and_then(|h| profile_username(adapter.platform, &h))
            .filter(|u| !u.bytes().all(|b| b.is_ascii_digit())),
        buyer_profile_url: href.filter(|h| h.starts_with("https://")),
        buyer_avatar_url: link
            .and_then(|a| a.query_selector("img").ok().flatten())
            .and_then(|el| el.dyn_into::<web_sys::HtmlImageElement>().ok())
            .map(|img| img.src()) // resolved against the page, unlike the attribute
            .filter(|src| src.starts_with("https://")),
        account: acting_account(adapter),
        url: dom::location(),
        ui_language: ui_language.map(str::to_owned),
    }
}

/// The shop account the page acts as now (the navigation's own avatar, else Business Suite's
/// `asset_id`), when the page tells.
pub fn acting_account(adapter: &SiteAdapter) -> Option<String> {
    dom::find(adapter.account_avatar)
        .and_then(|img| img.get_attribute("alt"))
        .and_then(|alt| crate::sites::username_in_alt(&alt).map(str::to_owned))
        .or_else(|| nobi_core::platform::account_in_url(&dom::location()))
}

/// The visible messages, oldest first.
pub fn messages(adapter: &SiteAdapter) -> Vec<ChatMessage> {
    pane::read(adapter)
        .listing
        .messages
        .into_iter()
        .map(|m| m.message)
        .collect()
}

/// The most pages of older messages one request may load (each is a network round trip).
pub const MAX_OLDER_PAGES: u32 = 20;

/// How long one page of older messages may take to arrive.
const OLDER_PAGE_WAIT_MS: f64 = 4_000.0;

/// Scrolls the conversation towards its start `pages` times (at most [`MAX_OLDER_PAGES`]),
/// waiting each time for older messages to load, then puts the agent's view back where it was.
/// A list that scrolls `column-reverse` has its start at the negative end. Returns `Some(true)`
/// when the page stopped loading more (the start of the conversation), `Some(false)` when there
/// may be more, and `None` when there is no scrollable conversation to load from.
pub async fn load_older(adapter: &SiteAdapter, pages: u32) -> Option<bool> {
    let list: Element = pane::read(adapter).listing.list?;
    let scroller: HtmlElement = list.dyn_into().ok()?;
    let reversed = dom::style(&scroller, "flex-direction") == "column-reverse";
    // Distance from the newest end: stays right when rows are added at the other end.
    let from_newest = if reversed {
        scroller.scroll_top()
    } else {
        scroller.scroll_height() - scroller.scroll_top()
    };
    let count = || messages(adapter).len();
    let mut reached_start = false;
    for _ in 0..pages.min(MAX_OLDER_PAGES) {
        let before = count();
        let oldest_end = if reversed {
            -(scroller.scroll_height() - scroller.client_height())
        } else {
            0
        };
        scroller.set_scroll_top(oldest_end);
        let _ = scroller.dispatch_event(&web_sys::Event::new("scroll").expect("scroll event"));
        let grew = dom::poll_until(OLDER_PAGE_WAIT_MS, || {
            (count() > before && dom::find(adapter.upload_progress).is_none()).then_some(())
        })
        .await;
        if grew.is_none() {
            reached_start = true;
            break;
        }
    }
    scroller.set_scroll_top(if reversed {
        from_newest
    } else {
        scroller.scroll_height() - from_newest
    });
    Some(reached_start)
}
