//! The send routine: type a message into the page's own composer and confirm the platform took it.
//!
//! Order of operations, each step guarding the next:
//! 1. the open thread must be the addressed one: the URL AND the pane (see [`crate::pane`]: a
//!    signature that changed with the thread, never a signal naming another buyer). Else
//!    `wrong_conversation`, nothing typed;
//! 2. no login form, no "blocked" message;
//! 3. the composer must appear (waits for late composers) and nothing may cover it (a dialog:
//!    `covered_by_dialog`); attachments the agent queued by hand make it `composer_busy`;
//! 4. the agent's own draft is kept aside, attachments are added, our text is typed and read back;
//! 5. the thread is checked again, then ONE send action (the send control, else Enter);
//! 6. sent only when a new outgoing bubble holds exactly this text AND the page shows its delivery
//!    state ("Sent", "Delivered", "Seen", in any wording [`nobi_core::page::classify_status`]
//!    recognises). Bubbles appear before the platform accepts them; a failure shown on the bubble
//!    is `rejected_by_platform`. Failures before the send action undo everything (draft back,
//!    our attachments out); after it, what cannot be confirmed is `unconfirmed`, never retried.

use crate::attach;
use crate::composer;
use crate::dom::{self, fold_space};
use crate::messages::Message;
use crate::pane::{self, Pane};
use crate::sites::{adapter_for, SiteAdapter, BLOCKED_TEXTS, THREAD_REFUSALS};
use nobi_core::page::PaneVerdict;
use nobi_core::platform::{classify, PageKind};
use nobi_core::protocol::{Attachment, Delivery, Direction, FailReason, ThreadRef};
use nobi_core::text::{contains, lower};
use web_sys::{Element, HtmlElement};

/// How long a composer (and the pane of a thread just switched to) may take to appear.
const COMPOSER_WAIT_MS: f64 = 5_000.0;
/// How long the page may take to show the sent bubble.
const BUBBLE_WAIT_MS: f64 = 5_000.0;
/// How long the platform may take to accept it once the bubble is there.
const DELIVERY_WAIT_MS: f64 = 10_000.0;
/// Lexical reads the selection on the next tick after focus; typing sooner loses the text.
const SETTLE_MS: i32 = 20;

/// Returns true if and only if the page's URL shows `thread`.
pub fn shows_thread(thread: &ThreadRef) -> bool {
    matches!(classify(&dom::location()), PageKind::Thread(open) if open == *thread)
}

/// The outcome of a send: the message id the page gave it, if any, or why it failed.
pub type Sent = Result<Option<String>, FailReason>;

/// Waits until the composer of `to` is there and usable; fails as a send would.
pub async fn wait_until_ready(to: &ThreadRef) -> Result<(), FailReason> {
    let adapter = adapter_for(to.platform);
    composer(to, adapter).await.map(|_| ())
}

/// Waits for the composer of `to`'s own pane.
async fn composer(to: &ThreadRef, adapter: &SiteAdapter) -> Result<HtmlElement, FailReason> {
    if !shows_thread(to) {
        return Err(FailReason::WrongConversation);
    }
    check_page(adapter, None)?;
    let mut last = PaneVerdict::Stale;
    let found = dom::poll_until(COMPOSER_WAIT_MS, || {
        if !shows_thread(to) {
            return Some(Err(FailReason::WrongConversation));
        }
        let pane = pane::read(adapter);
        last = pane::verdict(to, &pane);
        if last != PaneVerdict::Ready {
            return None;
        }
        let Some((composer, _)) = pane.composer else {
            return composer::behind_dialog().then_some(Err(FailReason::CoveredByDialog));
        };
        if composer::covered(&composer) {
            return Some(Err(FailReason::CoveredByDialog));
        }
        Some(Ok(composer))
    })
    .await;
    match found {
        Some(result) => result,
        None if last != PaneVerdict::Ready => Err(FailReason::WrongConversation),
        // A composer that never came may be hiding behind a login form or a block.
        None => Err(check_page(adapter, Some(&pane::read(adapter)))
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
    async fn fail(&self, reason: FailReason) -> Sent {
        if self.composer.is_connected() {
            restore(self.composer, self.draft).await;
        }
        if self.attached {
            attach::clear(self.adapter, self.area);
        }
        Err(reason)
    }
}

/// Returns true if and only if the URL shows `to` and the pane on screen is its own, with
/// `composer` still its composer.
fn still_ours(to: &ThreadRef, adapter: &SiteAdapter, composer: &HtmlElement) -> bool {
    if !composer.is_connected() || !shows_thread(to) {
        return false;
    }
    let pane = pane::read(adapter);
    pane::verdict(to, &pane) == PaneVerdict::Ready
        && pane.composer.as_ref().is_some_and(|(c, _)| c == composer)
}

/// Types `text` into the composer of `to`, attaches `attachments` and sends, as described in the
/// module docs. `account`: the shop account the message was queued for; a page that acts as
/// another one is refused before anything is typed.
pub async fn send(
    to: &ThreadRef,
    text: &str,
    attachments: &[Attachment],
    account: Option<&str>,
) -> Sent {
    let adapter = adapter_for(to.platform);
    let composer = composer(to, adapter).await?;
    if !nobi_core::page::same_account(account, crate::read::acting_account(adapter).as_deref()) {
        return Err(FailReason::WrongAccount);
    }
    let area = composer::area_of(&composer);
    if attach::pending(adapter, &area) > 0 {
        return Err(FailReason::ComposerBusy);
    }

    // What the bubble will show (white space folded) and what the composer must hold.
    let wanted = fold_space(text);
    let wanted_lines = dom::normalize_lines(text);
    // The agent's own unsent draft, with its line breaks, to put back afterwards.
    let draft = dom::editor_text(&composer);
    let now = pane::read(adapter);
    // Blocks shown as page text, not in a dialog (Instagram), and inline refusals.
    check_page(adapter, Some(&now))?;
    let before = now.listing.messages;
    let buttons_before: Vec<(Element, String)> = composer::buttons(&area)
        .iter()
        .map(composer::reading)
        .collect();
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
    if !still_ours(to, adapter, &composer) {
        return undo.fail(FailReason::WrongConversation).await;
    }
    // Facebook drops the first characters typed right after focus: focus again, settle, type.
    let _ = composer.focus();
    dom::type_text(&composer, text);
    dom::sleep(SETTLE_MS).await;

    if !still_ours(to, adapter, &composer) {
        return undo.fail(FailReason::WrongConversation).await;
    }
    if dom::editor_text(&composer) != wanted_lines {
        return undo.fail(FailReason::TypingRejected).await;
    }
    if let Err(reason) = check_page(adapter, None) {
        // Blocked or logged out while we typed: nothing sent yet.
        return undo.fail(reason).await;
    }
    if composer::covered(&composer) {
        return undo.fail(FailReason::CoveredByDialog).await;
    }

    // Exactly one send action: the send control, else Enter.
    match composer::send_control(adapter, &composer, &area, &buttons_before) {
        Some((button, _)) => button.click(),
        None => dom::press_enter(&composer),
    }

    // 1. The bubble: a new outgoing message with exactly this text.
    let bubble = dom::poll_until(BUBBLE_WAIT_MS, || {
        if !shows_thread(to) {
            // The agent left the thread: whatever happened, we cannot see it.
            return Some(Err(FailReason::Unconfirmed));
        }
        if let Err(reason) = check_page(adapter, None) {
            return Some(Err(reason));
        }
        if !dom::editor_text(&composer).is_empty() && composer.is_connected() {
            return None;
        }
        new_outgoing(adapter, &before, &wanted).map(Ok)
    })
    .await;
    let bubble = match bubble {
        Some(Ok(found)) => found,
        Some(Err(FailReason::Unconfirmed)) => return Err(FailReason::Unconfirmed),
        other => {
            let reason = match other {
                Some(Err(reason)) => reason,
                _ => FailReason::Timeout,
            };
            if composer.is_connected() && dom::editor_text(&composer) == wanted_lines {
                // Our text is still there: the page did not take the send (blocked, logged out).
                // Without such a reason it may yet go out late: never retried, never typed twice.
                return undo.fail(reason.after_send_action()).await;
            }
            // The composer emptied but no bubble appeared: it may have been sent.
            put_draft_back(&composer, &draft).await;
            return Err(FailReason::Unconfirmed);
        }
    };
    put_draft_back(&composer, &draft).await;

    // 2. The platform's verdict on that bubble.
    let old_statuses: Vec<(Element, String)> =
        before.iter().flat_map(|m| m.statuses.clone()).collect();
    let verdict = dom::poll_until(DELIVERY_WAIT_MS, || {
        if !shows_thread(to) {
            return Some(Err(FailReason::Unconfirmed));
        }
        // The bubble's node, or (a page that re-rendered its rows since) the same bubble anew.
        let now = pane::read(adapter).listing.messages;
        let message = match now.iter().find(|m| m.body == bubble.body) {
            Some(m) => m.clone(),
            None => new_outgoing(adapter, &before, &wanted)?,
        };
        let fresh = message
            .statuses
            .iter()
            .any(|status| !old_statuses.contains(status));
        match message.message.delivery {
            Delivery::Failed => Some(Err(FailReason::RejectedByPlatform)),
            Delivery::Accepted if fresh => Some(Ok(message.message.id.clone())),
            _ => None,
        }
    })
    .await;
    verdict
        .unwrap_or(Err(FailReason::Unconfirmed))
        .map_err(FailReason::after_send_action)
}

/// The sent bubble: the last (lowest) outgoing message, if it reads `wanted` (for attachments
/// alone: is a picture), was not on the page `before` (another node and id), and makes one more
/// such message than before (a page that re-renders every row makes new nodes of old bubbles).
fn new_outgoing(adapter: &SiteAdapter, before: &[Message], wanted: &str) -> Option<Message> {
    let alike = |m: &Message| {
        m.message.direction == Direction::Out
            && if wanted.is_empty() {
                m.message.text.is_empty()
            } else {
                m.message.text == wanted
            }
    };
    let now = pane::read(adapter).listing.messages;
    let last = now
        .iter()
        .rev()
        .find(|m| m.message.direction == Direction::Out)?;
    let known = before.iter().any(|b| {
        b.body == last.body || (b.message.id.is_some() && b.message.id == last.message.id)
    });
    let more = now.iter().filter(|m| alike(m)).count() > before.iter().filter(|m| alike(m)).count();
    (alike(last) && !known && more).then(|| last.clone())
}

/// Puts the agent's draft back after a send that went out.
async fn put_draft_back(composer: &HtmlElement, draft: &str) {
    if !draft.trim().is_empty() && composer.is_connected() && dom::editor_text(composer).is_empty()
    {
        restore(composer, draft).await;
    }
}

/// Fails when the page shows a login form or a "blocked" message (in a dialog or alert, or in
/// `pane` when given, outside its message list: refusals appear inline too, and a buyer who
/// writes "try again later" is not a block).
pub fn check_page(adapter: &SiteAdapter, pane: Option<&Pane>) -> Result<(), FailReason> {
    if dom::find(adapter.blocked).is_some() {
        return Err(FailReason::BlockedByPlatform);
    }
    if let Some(root) = pane.and_then(conversation_column) {
        let list = pane.and_then(|p| p.listing.list.as_ref());
        let text = lower(&dom::text_except(&root, list));
        let says = |texts: &[&str]| texts.iter().any(|b| contains(&text, &lower(b)));
        if says(BLOCKED_TEXTS) {
            return Err(FailReason::BlockedByPlatform);
        }
        // This buyer's thread refuses messages (the account is fine): not retried.
        if says(THREAD_REFUSALS) {
            return Err(FailReason::RejectedByPlatform);
        }
    }
    if dom::find(adapter.login).is_some() {
        return Err(FailReason::NotLoggedIn);
    }
    Ok(())
}

/// The conversation's own column: the nearest ancestor of the composer that holds the message
/// list (not the inbox beside it, whose snippets are other buyers' words), else the pane.
fn conversation_column(pane: &Pane) -> Option<Element> {
    let root = pane.root.clone()?;
    let (Some((composer, _)), Some(list)) = (&pane.composer, &pane.listing.list) else {
        return Some(root);
    };
    let mut at = composer.parent_element();
    while let Some(el) = at {
        if el.contains(Some(list)) || el == root {
            return Some(el);
        }
        at = el.parent_element();
    }
    Some(root)
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

/// The pane's verdict on its own, for callers that only read.
pub fn pane_ready(to: &ThreadRef, pane: &Pane) -> bool {
    pane::verdict(to, pane) == PaneVerdict::Ready
}
