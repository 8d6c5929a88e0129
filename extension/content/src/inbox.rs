//! The site's inbox list, read for team sync: the threads whose rows name them.
//!
//! Which links are rows is the site's data (`SiteAdapter::inbox_rows`): Facebook's chat list
//! links each row to `/messages/t/<id>` or `/messages/e2ee/t/<id>`; Instagram's rows are buttons
//! with no link, so nothing is read there (a thread no agent has opened is not reported from
//! Instagram). The thread is read from the link by the same URL rules as the page's own
//! ([`classify`]), and the row's name from its first text (a `dir=auto` run, the link's label,
//! or the first element with text of its own: no source describes this list's markup, so no one
//! signal is relied on).
//!
//! The list is read after every page load and in-page navigation (the content script has no DOM
//! observers), waiting up to 5 s for it to render, and sent only when it differs from the last
//! one sent. A site without an inbox list reader waits for nothing.

use crate::{chrome, dom, read, sites};
use nobi_core::platform::{classify, PageKind};
use nobi_core::protocol::{ContentToBackground, InboxList, InboxThread, Platform};
use std::cell::RefCell;

/// At most this many rows per notice (the list's first screens; more load as it scrolls).
const MAX_ROWS: usize = 60;

thread_local! {
    static SENT: RefCell<Vec<InboxThread>> = const { RefCell::new(Vec::new()) };
}

fn origin(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(i) => &url[..after_scheme + i],
        None => url,
    }
}

/// The threads of the list as the page shows it now.
pub fn threads(platform: Platform) -> Vec<InboxThread> {
    let here = dom::location();
    let mut out: Vec<InboxThread> = Vec::new();
    for link in dom::find_every(sites::adapter_for(platform).inbox_rows) {
        // A link inside the conversation (a buyer's message) is not a row of the list.
        if dom::closest(&link, r#"[role="main"]"#).is_some() {
            continue;
        }
        let Some(href) = link.get_attribute("href") else {
            continue;
        };
        let url = if href.starts_with("http") {
            href
        } else {
            format!("{}{href}", origin(&here))
        };
        let PageKind::Thread(thread) = classify(&url) else {
            continue;
        };
        if out.iter().any(|t| t.thread_id == thread.thread_id) {
            continue;
        }
        // The name is the row's first text: its first `dir=auto` run where the site marks them,
        // else its label, else the first element with text of its own.
        let name = dom::all_in(&link, r#"[dir="auto"]"#)
            .first()
            .map(dom::text_of)
            .filter(|n| !n.trim().is_empty())
            .or_else(|| link.get_attribute("aria-label"))
            .or_else(|| {
                dom::all_in(&link, "*")
                    .iter()
                    .find(|e| dom::has_own_text(e))
                    .map(dom::text_of)
            })
            .map(|n| n.trim().chars().take(100).collect::<String>())
            .filter(|n| !n.is_empty());
        out.push(InboxThread {
            thread_id: thread.thread_id,
            name,
        });
        if out.len() == MAX_ROWS {
            break;
        }
    }
    out
}

/// Reads the list (waiting for it to render) and tells the service worker if it changed.
pub async fn announce(platform: Platform) {
    if sites::adapter_for(platform).inbox_rows.is_empty() {
        return; // nothing to read, nothing to wait for
    }
    let Some(found) = dom::poll_until(5_000.0, || {
        let t = threads(platform);
        (!t.is_empty()).then_some(t)
    })
    .await
    else {
        return;
    };
    let changed = SENT.with(|s| {
        let mut s = s.borrow_mut();
        let changed = *s != found;
        s.clone_from(&found);
        changed
    });
    if changed {
        let open_thread = match classify(&dom::location()) {
            PageKind::Thread(t) => Some(t.thread_id),
            _ => None,
        };
        chrome::notify_background(&ContentToBackground::InboxSeen {
            inbox: InboxList {
                platform,
                account: read::acting_account(sites::adapter_for(platform)),
                open_thread,
                threads: found,
            },
        });
    }
}
