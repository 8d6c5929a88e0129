//! The send routine: type a message into the page's own composer and confirm it was sent.
//!
//! Order of operations, each step guarding the next:
//! 1. the open thread must be the addressed one: the URL AND the pane (after an in-page switch the
//!    URL changes at once while the old thread's pane, composer included, may stay for a moment;
//!    see [`crate::pane`]). Else `wrong_conversation`, nothing typed;
//! 2. no login form, no "blocked" dialog;
//! 3. the composer must appear (waits for late composers); attachments the agent queued by hand
//!    make it `composer_busy`: sending now would send them too;
//! 4. the agent's own draft is kept aside, attachments are added, our text is typed and read back;
//! 5. the thread is checked again, then ONE send action (the composer's own send button if shown,
//!    else Enter);
//! 6. sent only when the composer emptied AND a new outgoing bubble with exactly this text
//!    appeared after the last row that existed before (for attachments alone: any new outgoing
//!    bubble). Failures before the send action undo everything (draft back, our attachments
//!    out); after it, a result that cannot be confirmed is `unconfirmed`, never retried.

use crate::dom::{self, fold_space};
use crate::sites::{adapter_for, SiteAdapter};
use crate::{attach, pane, read};
use nobi_core::platform::{classify, PageKind};
use nobi_core::protocol::{Attachment, Direction, FailReason, SendOutcome, ThreadRef};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// How long a composer (and the pane of a thread just switched to) may take to appear.
const COMPOSER_WAIT_MS: f64 = 5_000.0;
/// How long the page may take to show the sent bubble.
const CONFIRM_WAIT_MS: f64 = 5_000.0;
/// Lexical reads the selection on the next tick after focus; typing sooner loses the text.
const SETTLE_MS: i32 = 20;

/// Returns true if and only if the page's URL shows `thread`.
pub fn shows_thread(thread: &ThreadRef) -> bool {
    matches!(classify(&dom::location()), PageKind::Thread(open) if open == *thread)
}

/// Returns true if and only if the URL shows `thread` and the pane on screen is its own.
fn pane_shows(thread: &ThreadRef, adapter: &SiteAdapter) -> bool {
    shows_thread(thread) && pane::settled(adapter)
}

/// Types `text` into the composer of `to`, attaches `attachments` and sends, as described in the
/// module docs.
pub async fn send(to: &ThreadRef, text: &str, attachments: &[Attachment]) -> SendOutcome {
    match try_send(to, text, attachments).await {
        Ok(()) => SendOutcome::Sent,
        Err(reason) => SendOutcome::Failed { reason },
    }
}

/// Waits until the composer of `to` is there; fails as a send would.
pub async fn wait_until_ready(to: &ThreadRef) -> Result<(), FailReason> {
    let adapter = adapter_for(to.platform);
    composer(to, adapter).await.map(|_| ())
}

/// Waits for the composer of `to`'s own pane.
async fn composer(to: &ThreadRef, adapter: &SiteAdapter) -> Result<HtmlElement, FailReason> {
    if !shows_thread(to) {
        return Err(FailReason::WrongConversation);
    }
    check_page(adapter)?;
    let found = dom::poll_until(COMPOSER_WAIT_MS, || {
        if !pane_shows(to, adapter) {
            return None;
        }
        dom::find(adapter.composer).and_then(|el| el.dyn_into::<HtmlElement>().ok())
    })
    .await;
    match found {
        Some(composer) => Ok(composer),
        None if !pane_shows(to, adapter) => Err(FailReason::WrongConversation),
        // A composer that never came may be hiding behind a login form or a block.
        None => Err(check_page(adapter)
            .err()
            .unwrap_or(FailReason::ComposerNotFound)),
    }
}

/// What a send must put back if it stops half-way.
struct Undo<'a> {
    adapter: &'a SiteAdapter,
    composer: &'a HtmlElement,
    area: &'a Element,
    draft: &'a str,
    attached: bool,
}

impl Undo<'_> {
    /// Takes our text and attachments back out of the composer, then fails with `reason`. A
    /// composer the page has since removed (a thread switch) is left alone.
    async fn fail(&self, reason: FailReason) -> Result<(), FailReason> {
        if self.composer.is_connected() {
            restore(self.composer, self.draft).await;
        }
        if self.attached {
            attach::clear(self.adapter, self.area);
        }
        Err(reason)
    }
}

async fn try_send(
    to: &ThreadRef,
    text: &str,
    attachments: &[Attachment],
) -> Result<(), FailReason> {
    let adapter = adapter_for(to.platform);
    let composer = composer(to, adapter).await?;
    let area = dom::composer_area(&composer);
    if attach::pending(adapter, &area) > 0 {
        return Err(FailReason::ComposerBusy);
    }

    // What the bubble will show (white space folded) and what the composer must hold.
    let wanted = fold_space(text);
    let wanted_lines = dom::normalize_lines(text);
    // The agent's own unsent draft, with its line breaks, to put back afterwards.
    let draft = dom::editor_text(&composer);
    let anchor = read::message_rows(adapter).pop().map(|(row, _)| row);
    let exact_before = count_exact(adapter, &wanted);
    let undo = Undo {
        adapter,
        composer: &composer,
        area: &area,
        draft: &draft,
        attached: !attachments.is_empty(),
    };

    if !attachments.is_empty() {
        if let Err(reason) = attach::attach(adapter, &area, attachments).await {
            return undo.fail(reason).await;
        }
    }
    dom::select_all(&composer);
    dom::sleep(SETTLE_MS).await;
    // The page may have switched thread while we focused: then this composer is not `to`'s.
    if !composer.is_connected() || !pane_shows(to, adapter) {
        return undo.fail(FailReason::WrongConversation).await;
    }
    dom::type_text(&composer, text);
    dom::sleep(SETTLE_MS).await;

    if !composer.is_connected() || !pane_shows(to, adapter) {
        return undo.fail(FailReason::WrongConversation).await;
    }
    if dom::editor_text(&composer) != wanted_lines {
        return undo.fail(FailReason::TypingRejected).await;
    }
    if let Err(reason) = check_page(adapter) {
        // Blocked or logged out while we typed: nothing sent yet.
        return undo.fail(reason).await;
    }

    // Exactly one send action: the composer's own send button, else Enter.
    match dom::find_in(&area, adapter.send_button).and_then(|b| b.dyn_into::<HtmlElement>().ok()) {
        Some(button) => button.click(),
        None => dom::press_enter(&composer),
    }

    let confirmed = dom::poll_until(CONFIRM_WAIT_MS, || {
        if !shows_thread(to) {
            // The agent left the thread: whatever happened, we cannot see it.
            return Some(Err(FailReason::Unconfirmed));
        }
        if let Err(reason) = check_page(adapter) {
            return Some(Err(reason));
        }
        if !dom::editor_text(&composer).is_empty() {
            return None;
        }
        let new_outgoing = outgoing_after(adapter, anchor.as_ref());
        let appeared = match &new_outgoing {
            Some(texts) if wanted.is_empty() => !texts.is_empty(),
            Some(texts) => texts.contains(&wanted),
            // The anchor row was recycled (virtualised list): count exact matches instead.
            None => count_exact(adapter, &wanted) > exact_before,
        };
        appeared.then_some(Ok(()))
    })
    .await;

    match confirmed {
        Some(Ok(())) => {
            if !draft.trim().is_empty() {
                restore(&composer, &draft).await;
            }
            Ok(())
        }
        Some(Err(FailReason::Unconfirmed)) => Err(FailReason::Unconfirmed),
        other => {
            let reason = match other {
                Some(Err(reason)) => reason,
                _ => FailReason::Timeout,
            };
            if dom::editor_text(&composer) == wanted_lines {
                // Our text is still there: the page did not take the send. Nothing went out.
                return undo.fail(reason).await;
            }
            // The composer emptied but no bubble appeared: it may have been sent.
            if !draft.trim().is_empty() && dom::editor_text(&composer).is_empty() {
                restore(&composer, &draft).await;
            }
            Err(FailReason::Unconfirmed)
        }
    }
}

/// Fails when the page shows a login form or a "blocked" dialog.
pub fn check_page(adapter: &SiteAdapter) -> Result<(), FailReason> {
    if dom::find(adapter.blocked).is_some() {
        return Err(FailReason::BlockedByPlatform);
    }
    if dom::find(adapter.login).is_some() {
        return Err(FailReason::NotLoggedIn);
    }
    Ok(())
}

/// The texts of the outgoing bubbles after `anchor`, or `None` when the anchor is gone from the
/// page. With no anchor (an empty thread), every outgoing bubble.
fn outgoing_after(adapter: &SiteAdapter, anchor: Option<&Element>) -> Option<Vec<String>> {
    if anchor.is_some_and(|a| !a.is_connected()) {
        return None;
    }
    let rows = read::message_rows(adapter);
    Some(
        rows.into_iter()
            .filter(|(row, _)| anchor.is_none_or(|a| follows(a, row)))
            .filter(|(_, m)| m.direction == Direction::Out)
            .map(|(_, m)| m.text)
            .collect(),
    )
}

/// Returns true if and only if `node` comes after `anchor` in the document.
fn follows(anchor: &Element, node: &Element) -> bool {
    anchor.compare_document_position(node) & web_sys::Node::DOCUMENT_POSITION_FOLLOWING != 0
}

/// Counts the outgoing bubbles whose text is exactly `wanted`.
fn count_exact(adapter: &SiteAdapter, wanted: &str) -> usize {
    read::messages(adapter)
        .iter()
        .filter(|m| m.direction == Direction::Out && m.text == wanted)
        .count()
}

/// Puts the composer back to the agent's `draft` (empty when there was none).
/// A draft that was only white space is not worth keeping.
async fn restore(composer: &HtmlElement, draft: &str) {
    dom::select_all(composer);
    dom::sleep(SETTLE_MS).await;
    if draft.trim().is_empty() {
        dom::delete_selection(composer);
    } else {
        dom::type_text(composer, draft);
    }
}
