//! Reading the open conversation: who the buyer is, and the visible messages.
//!
//! Direction is read from the layout, not from markup: on every Meta surface the shop's bubbles sit
//! on the right of the conversation and the buyer's on the left, which has outlived many markup
//! changes. A row with no message text is a separator; its text ("Hôm nay 09:41") is the time of
//! the messages below it.

use crate::dom::{self, text_of};
use crate::sites::SiteAdapter;
use nobi_core::protocol::{ChatMessage, Conversation, Direction, ThreadRef};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// Reads the conversation header.
pub fn conversation(
    thread: ThreadRef,
    adapter: &SiteAdapter,
    ui_language: Option<&str>,
) -> Conversation {
    Conversation {
        thread,
        buyer_name: dom::first_text(adapter.buyer_name),
        buyer_username: dom::first_text(adapter.buyer_username),
        buyer_profile_url: dom::find(adapter.buyer_profile_link)
            .and_then(|el| el.dyn_into::<web_sys::HtmlAnchorElement>().ok())
            .map(|a| a.href())
            .filter(|href| href.starts_with("https://")),
        buyer_avatar_url: dom::find(adapter.buyer_avatar)
            .and_then(|el| el.dyn_into::<web_sys::HtmlImageElement>().ok())
            .map(|img| img.src()) // resolved against the page, unlike the attribute
            .filter(|src| src.starts_with("https://")),
        account: dom::find(adapter.account_avatar)
            .and_then(|img| img.get_attribute("alt"))
            .and_then(|alt| crate::sites::username_in_alt(&alt).map(str::to_owned))
            .or_else(|| nobi_core::platform::account_in_url(&dom::location())),
        url: dom::location(),
        ui_language: ui_language.map(str::to_owned),
    }
}

/// The visible messages, oldest first.
pub fn messages(adapter: &SiteAdapter) -> Vec<ChatMessage> {
    message_rows(adapter).into_iter().map(|(_, m)| m).collect()
}

/// The visible messages with the row element of each, oldest first.
pub fn message_rows(adapter: &SiteAdapter) -> Vec<(Element, ChatMessage)> {
    let rows = dom::find_every(adapter.message_rows);
    let middle = conversation_middle(adapter, &rows);
    let mut time = None;
    let mut messages = Vec::new();
    for row in rows {
        let text_el = row.query_selector(adapter.message_text).ok().flatten();
        let image = row.query_selector(adapter.message_image).ok().flatten();
        let bubble = match (&text_el, &image) {
            (Some(t), _) => t.clone(),
            (None, Some(img)) if is_message_image(img) => img.clone(),
            _ => {
                // A separator: its text is the time of what follows.
                let label = text_of(&row);
                if !label.is_empty() {
                    time = Some(label);
                }
                continue;
            }
        };
        let rect = bubble.get_bounding_client_rect();
        let direction = if rect.left() + rect.width() / 2.0 > middle {
            Direction::Out
        } else {
            Direction::In
        };
        let message = ChatMessage {
            direction,
            text: text_el.map(|t| text_of(&t)).unwrap_or_default(),
            time: time.clone(),
        };
        messages.push((row, message));
    }
    messages
}

/// Returns true if and only if `img` is a sent picture, not an avatar beside a bubble. The
/// image's own size counts, not its layout: a picture still loading has no width yet.
fn is_message_image(img: &Element) -> bool {
    let natural = img
        .dyn_ref::<web_sys::HtmlImageElement>()
        .map_or(0, |i| i.natural_width().max(i.width()));
    natural > 48 || img.get_bounding_client_rect().width() > 48.0
}

/// The horizontal middle of the conversation column.
fn conversation_middle(adapter: &SiteAdapter, rows: &[Element]) -> f64 {
    let container = dom::find(adapter.scroller).or_else(|| rows.first().cloned());
    container
        .map(|el| {
            let r = el.get_bounding_client_rect();
            r.left() + r.width() / 2.0
        })
        .unwrap_or(0.0)
}

/// The most pages of older messages one request may load (each is a network round trip).
pub const MAX_OLDER_PAGES: u32 = 20;

/// How long one page of older messages may take to arrive.
const OLDER_PAGE_WAIT_MS: f64 = 4_000.0;

/// Scrolls the conversation up `pages` times (at most [`MAX_OLDER_PAGES`]), waiting each time for
/// older messages to load, then puts the agent's view back where it was. Returns `Some(true)`
/// when the page stopped loading more (the start of the conversation), `Some(false)` when there
/// may be more, and `None` when there is no scrollable conversation to load from.
pub async fn load_older(adapter: &SiteAdapter, pages: u32) -> Option<bool> {
    let scroller = dom::find(adapter.scroller).and_then(|el| scrollable_in(&el))?;
    // Distance from the bottom: stays right when rows are added above.
    let from_bottom = scroller.scroll_height() - scroller.scroll_top();
    let mut reached_start = false;
    for _ in 0..pages.min(MAX_OLDER_PAGES) {
        let before = dom::find_every(adapter.message_rows).len();
        scroller.set_scroll_top(0);
        let _ = scroller.dispatch_event(&web_sys::Event::new("scroll").expect("scroll event"));
        let grew = dom::poll_until(OLDER_PAGE_WAIT_MS, || {
            (dom::find_every(adapter.message_rows).len() > before
                && dom::find(adapter.upload_progress).is_none())
            .then_some(())
        })
        .await;
        if grew.is_none() {
            reached_start = true;
            break;
        }
    }
    scroller.set_scroll_top(scroller.scroll_height() - from_bottom);
    Some(reached_start)
}

/// The element that actually scrolls: `el` itself, a descendant, or an ancestor.
fn scrollable_in(el: &Element) -> Option<HtmlElement> {
    let scrolls = |e: &Element| e.scroll_height() > e.client_height() + 1;
    if scrolls(el) {
        return el.clone().dyn_into().ok();
    }
    let descendants = el.query_selector_all("*").ok()?;
    for i in 0..descendants.length().min(50) {
        if let Some(child) = descendants
            .get(i)
            .and_then(|n| n.dyn_into::<Element>().ok())
        {
            if scrolls(&child) {
                return child.dyn_into().ok();
            }
        }
    }
    let mut parent = el.parent_element();
    while let Some(p) = parent {
        if scrolls(&p) {
            return p.dyn_into().ok();
        }
        parent = p.parent_element();
    }
    None
}
