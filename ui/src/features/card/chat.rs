//! The buyer's messages, read from the page for phones and addresses to offer.

use crate::chrome;
use crate::db::store::now;
use crate::state::AppState;
use leptos::prelude::*;
use leptos::task::spawn_local;
use nobi_core::protocol::{BackgroundToPanel, Direction, PanelToBackground, ThreadRef};

/// Reads the buyer's messages of `thread` from its page. An answer that arrives once another
/// thread is shown is dropped: its phones and its "replied" belong to the previous buyer.
pub fn read_chat(state: AppState, thread: ThreadRef) {
    let conversation = state
        .conversation
        .with_untracked(|c| c.as_ref().map(|c| c.id.clone()));
    spawn_local(async move {
        let reply = chrome::ask(&PanelToBackground::ReadMessages {
            thread: thread.clone(),
            older_pages: 0,
        })
        .await;
        let Ok(BackgroundToPanel::Messages { messages, .. }) = reply else {
            return;
        };
        let still_open = state
            .seen
            .with_untracked(|c| c.as_ref().map(|c| &c.thread) == Some(&thread))
            && state
                .conversation
                .with_untracked(|c| c.as_ref().map(|c| c.id.clone()))
                == conversation;
        if !still_open {
            return;
        }
        let replied = messages
            .last()
            .is_some_and(|m| m.direction == Direction::Out);
        // The worker checks the buyer's latest words for an opt-out ("huỷ", "không nhận tin"):
        // that thread then gets no campaign, now or later.
        if let Some(last) = messages
            .iter()
            .rev()
            .find(|m| m.direction == Direction::In && !m.text.is_empty())
        {
            let notice = PanelToBackground::BuyerWrote {
                thread: thread.clone(),
                at: None,
                text: last.text.clone(),
            };
            spawn_local(async move {
                let _ = chrome::ask(&notice).await;
            });
        }
        state.buyer_messages.set(
            messages
                .into_iter()
                .filter(|m| m.direction == Direction::In && !m.text.is_empty())
                .map(|m| m.text)
                .collect(),
        );
        let known = state
            .conversation
            .with_untracked(|c| c.as_ref().map(|c| c.replied));
        if known.is_some_and(|r| r != replied) {
            state.edit(move |_, conversation| {
                if let Some(c) = conversation.as_mut() {
                    c.replied = replied;
                    c.unread = false;
                    c.last_message_at = Some(now());
                }
                Vec::new()
            });
        }
    });
}
