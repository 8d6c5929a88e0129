//! The buyer's messages, read from the page for phones and addresses to offer.

use crate::chrome;
use crate::db::store::now;
use crate::state::AppState;
use leptos::prelude::*;
use leptos::task::spawn_local;
use nobi_core::protocol::message_time::message_time;
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
        // When the buyer last wrote, from the time the page shows above the message: the end
        // of that minute (see `nobi_core::protocol::message_time`).
        let zone = -(js_sys::Date::new_0().get_timezone_offset() as i32);
        let buyer_at = messages
            .iter()
            .rev()
            .find(|m| m.direction == Direction::In)
            .and_then(|m| m.time.as_deref())
            .and_then(|label| message_time(label, now() as u64, zone));
        // The worker checks the buyer's latest words for an opt-out ("huỷ", "không nhận tin"):
        // that thread then gets no campaign, now or later; and a campaign started before they
        // wrote skips them.
        if let Some(last) = messages
            .iter()
            .rev()
            .find(|m| m.direction == Direction::In && !m.text.is_empty())
        {
            let notice = PanelToBackground::BuyerWrote {
                thread: thread.clone(),
                at: buyer_at,
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
        // The follow-up list and the campaigns' "24 hours over" filter read these two.
        let buyer_at = buyer_at.map(|at| at as i64);
        let known = state
            .conversation
            .with_untracked(|c| c.as_ref().map(|c| (c.replied, c.last_message_at)));
        let changed = known.is_some_and(|(was_replied, was_at)| {
            was_replied != replied || (buyer_at.is_some() && buyer_at != was_at)
        });
        if changed {
            state.edit(move |_, conversation| {
                if let Some(c) = conversation.as_mut() {
                    c.replied = replied;
                    c.unread = false;
                    // Without a readable time, a buyer who has just become the last to write
                    // wrote about now: an older time would put a live conversation on the
                    // follow-up list.
                    let just_wrote = !replied && known.is_some_and(|(was_replied, _)| was_replied);
                    c.last_message_at = buyer_at
                        .or_else(|| just_wrote.then(now))
                        .or(c.last_message_at)
                        .or(Some(now()));
                }
                Vec::new()
            });
        }
    });
}
