//! The send routine: type a message into the page's own composer and confirm it was sent.
//!
//! Order of operations, each step guarding the next:
//! 1. the open thread must be the addressed one (else `wrong_conversation`, nothing typed);
//! 2. no login form, no "blocked" dialog;
//! 3. the composer must appear (waits for late composers);
//! 4. whatever the agent had drafted is kept aside, our text is typed and read back;
//! 5. the thread is checked again, then ONE send action (the button if shown, else Enter);
//! 6. sent only when the composer emptied AND one more outgoing bubble with exactly this text
//!    exists than before (for attachments alone: more outgoing bubbles than before). On any
//!    failure after typing, the composer is restored to the agent's draft and our attachments are
//!    taken out: nothing half-done is ever left behind.

use crate::dom::{self, fold_space, text_of};
use crate::sites::{adapter_for, SiteAdapter};
use crate::{attach, read};
use nobi_core::platform::{classify, PageKind};
use nobi_core::protocol::{Attachment, Direction, FailReason, SendOutcome, ThreadRef};
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

/// How long a composer may take to appear after the thread opened.
const COMPOSER_WAIT_MS: i32 = 5_000;
/// How long the page may take to show the sent bubble.
const CONFIRM_WAIT_MS: i32 = 5_000;
/// Lexical reads the selection on the next tick after focus; typing sooner loses the text.
const SETTLE_MS: i32 = 20;

/// Returns true if and only if the page's URL shows `thread`.
pub fn shows_thread(thread: &ThreadRef) -> bool {
    matches!(classify(&dom::location()), PageKind::Thread(open) if open == *thread)
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
    if !shows_thread(to) {
        return Err(FailReason::WrongConversation);
    }
    let adapter = adapter_for(to.platform);
    check_page(adapter)?;
    composer(adapter).await.map(|_| ())
}

async fn composer(adapter: &SiteAdapter) -> Result<HtmlElement, FailReason> {
    dom::wait_for(adapter.composer, COMPOSER_WAIT_MS)
        .await
        .and_then(|el| el.dyn_into::<HtmlElement>().ok())
        .ok_or_else(|| {
            // A composer that never came may be hiding behind a login form or a block.
            check_page(adapter)
                .err()
                .unwrap_or(FailReason::ComposerNotFound)
        })
}

async fn try_send(
    to: &ThreadRef,
    text: &str,
    attachments: &[Attachment],
) -> Result<(), FailReason> {
    if !shows_thread(to) {
        return Err(FailReason::WrongConversation);
    }
    let adapter = adapter_for(to.platform);
    check_page(adapter)?;
    let composer = composer(adapter).await?;
    if !shows_thread(to) {
        return Err(FailReason::WrongConversation);
    }

    let wanted = fold_space(text);
    // The agent's own unsent draft, with its line breaks, to put back afterwards.
    let draft = dom::nfc(composer.inner_text().trim_end());
    let (sent_before, outgoing_before) = count_outgoing(adapter, &wanted);

    if !attachments.is_empty() {
        if let Err(reason) = attach::attach(adapter, attachments).await {
            attach::clear(adapter);
            return Err(reason);
        }
        if !shows_thread(to) {
            attach::clear(adapter);
            return Err(FailReason::WrongConversation);
        }
    }

    dom::select_all(&composer);
    dom::sleep(SETTLE_MS).await;
    dom::type_text(text);
    dom::sleep(SETTLE_MS).await;

    if composer_text(&composer) != wanted {
        return undo(adapter, &composer, &draft, FailReason::ComposerNotFound).await;
    }
    if !shows_thread(to) {
        return undo(adapter, &composer, &draft, FailReason::WrongConversation).await;
    }

    // Exactly one send action.
    match dom::find(adapter.send_button).and_then(|b| b.dyn_into::<HtmlElement>().ok()) {
        Some(button) => button.click(),
        None => dom::press_enter(&composer),
    }

    let mut waited = 0;
    while waited < CONFIRM_WAIT_MS {
        dom::sleep(25).await;
        waited += 25;
        let (sent, outgoing) = count_outgoing(adapter, &wanted);
        let bubble_appeared = if wanted.is_empty() {
            outgoing > outgoing_before
        } else {
            sent > sent_before
        };
        if composer_text(&composer).is_empty() && bubble_appeared {
            if !draft.trim().is_empty() {
                restore(&composer, &draft).await;
            }
            return Ok(());
        }
    }
    check_page(adapter)?;
    // Not confirmed. If our text is still in the composer the send did not happen: take it out.
    if composer_text(&composer) == wanted {
        return undo(adapter, &composer, &draft, FailReason::Timeout).await;
    }
    Err(FailReason::Timeout)
}

/// Takes our text and attachments back out of the composer, then fails with `reason`.
async fn undo(
    adapter: &SiteAdapter,
    composer: &HtmlElement,
    draft: &str,
    reason: FailReason,
) -> Result<(), FailReason> {
    restore(composer, draft).await;
    attach::clear(adapter);
    Err(reason)
}

/// Fails when the page shows a login form or a "blocked" dialog.
fn check_page(adapter: &SiteAdapter) -> Result<(), FailReason> {
    if dom::find(adapter.blocked).is_some() {
        return Err(FailReason::BlockedByPlatform);
    }
    if dom::find(adapter.login).is_some() {
        return Err(FailReason::NotLoggedIn);
    }
    Ok(())
}

fn composer_text(composer: &HtmlElement) -> String {
    text_of(composer)
}

/// Counts the outgoing bubbles whose text is exactly `wanted` (white space folded), and all
/// outgoing bubbles.
fn count_outgoing(adapter: &SiteAdapter, wanted: &str) -> (usize, usize) {
    let outgoing: Vec<_> = read::messages(adapter)
        .into_iter()
        .filter(|m| m.direction == Direction::Out)
        .collect();
    let exact = outgoing.iter().filter(|m| m.text == wanted).count();
    (exact, outgoing.len())
}

/// Puts the composer back to the agent's `draft` (empty when there was none).
/// A draft that was only white space is not worth keeping.
async fn restore(composer: &HtmlElement, draft: &str) {
    dom::select_all(composer);
    dom::sleep(SETTLE_MS).await;
    if draft.trim().is_empty() {
        dom::exec("delete", None);
    } else {
        dom::type_text(draft);
    }
}
