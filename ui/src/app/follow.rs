//! Following the page: the worker reports the conversation its tab shows; the panel links it to
//! its customer (created on first sight), shows them in the card, reads the buyer's messages and
//! asks how healthy the page looks. A panel shows its own window's conversation only.

use crate::chrome;
use crate::db;
use crate::features::card::read_chat;
use crate::state::{AppState, OutboxView, Tab};
use leptos::prelude::*;
use leptos::task::spawn_local;
use nobi_core::crm::{ConversationRecord, Customer};
use nobi_core::protocol::{BackgroundToPanel, Conversation, HealthStatus, PanelToBackground};

/// What the page's health check found: its status and the language the page is in.
pub type PageHealth = Option<(HealthStatus, Option<String>)>;

/// The handle [`follow`] returns: shows a customer in the card.
#[derive(Clone, Copy)]
pub struct Follow {
    state: AppState,
    store_open: RwSignal<bool>,
}

impl Follow {
    /// Shows `customer` (and their conversation, if any) in the card, with their history.
    pub fn show_customer(self, customer: Customer, conversation: Option<ConversationRecord>) {
        let state = self.state;
        let id = customer.id.clone();
        state.customer.set(Some(customer));
        state.conversation.set(conversation);
        state.settled.set(true);
        state.buyer_messages.set(Vec::new());
        state.history.set(Vec::new());
        spawn_local(async move {
            if let Ok(h) = db::history(&id).await {
                state.history.set(h);
            }
        });
    }

    /// Shows the customer of the conversation the page shows again (after the agent opened
    /// another one from the list). Does nothing when no conversation is open.
    pub fn show_thread_customer(self) {
        if let Some(c) = self.state.seen.get_untracked() {
            self.link(c, self.store_open);
        }
    }

    /// Links the conversation the page shows to its customer, then shows them unless they are
    /// already shown.
    fn link(self, c: Conversation, store_open: RwSignal<bool>) {
        let state = self.state;
        spawn_local(async move {
            if !store_open.get_untracked() {
                return; // linked once the store is open
            }
            match db::link_conversation(&c).await {
                // A late link of a conversation the page has left since: showing its customer
                // now would put them beside another buyer's composer (issue 13, point 2).
                Ok(_) if state.thread().as_ref() != Some(&c.thread) => {}
                Ok((customer, record)) => {
                    let shown = state
                        .customer
                        .with_untracked(|s| s.as_ref().map(|s| s.id.clone()))
                        == Some(customer.id.clone())
                        && state
                            .conversation
                            .with_untracked(|r| r.as_ref().map(|r| r.id.clone()))
                            == Some(record.id.clone());
                    if !shown {
                        self.show_customer(customer, Some(record));
                    }
                    read_chat(state, c.thread.clone());
                }
                Err(e) => {
                    web_sys::console::error_1(&e.to_string().into());
                    state.failed();
                }
            }
        });
    }
}

/// Starts following the window's conversation and the worker's outbox; provides the page's
/// health as context ([`PageHealth`] in a signal).
pub fn follow(state: AppState, store_open: RwSignal<bool>) -> Follow {
    let handle = Follow { state, store_open };
    let page_health = RwSignal::new(None::<(HealthStatus, Option<String>)>);
    provide_context(page_health);
    // The window this panel belongs to: it shows that window's conversation only.
    let own_window = RwSignal::new(None::<i32>);
    let thread_key = Memo::new(move |_| state.thread());

    let show = move |reply: BackgroundToPanel| {
        if let Some(view) = OutboxView::from_reply(&reply) {
            state.outbox.set(view);
            return;
        }
        let BackgroundToPanel::Conversation {
            conversation: c,
            engine,
            window_id,
            ..
        } = reply
        else {
            return;
        };
        let mine = own_window.get_untracked();
        if window_id.is_some() && mine.is_some() && window_id != mine {
            return; // another window's conversation
        }
        let thread = c.as_ref().map(|c| c.thread.clone());
        let new_thread = thread != thread_key.get_untracked();
        let changed = new_thread
            || c.as_ref().map(|c| &c.buyer_name)
                != state
                    .seen
                    .with_untracked(|s| s.as_ref().map(|s| s.buyer_name.clone()))
                    .as_ref();
        state.seen.set(c.clone());
        state.engine.set(engine);
        if let (Some(c), true) = (c, changed) {
            // Only another conversation takes the agent back to the card: details of the same
            // one arriving late (its name, its avatar) must not pull them out of the tab they
            // work in.
            // Nor does a campaign: its run opens thread after thread in the agent's tab, and an
            // agent watching it on the campaigns tab stays there (the buyer's name at the top
            // still leads to the card).
            if new_thread && state.tab.get_untracked() != Tab::Campaigns {
                state.tab.set(Tab::Customer);
            }
            handle.link(c, store_open);
        }
        // Each newly shown conversation gets a fresh look at its page.
        spawn_local(async move {
            let verdict = match thread {
                None => None,
                Some(thread) => match chrome::ask(&PanelToBackground::CheckHealth {
                    thread: Some(thread),
                })
                .await
                {
                    Ok(BackgroundToPanel::Health {
                        health: Some(h), ..
                    }) => Some((h.status, h.ui_language)),
                    _ => None,
                },
            };
            page_health.set(verdict);
        });
    };

    chrome::listen(show);
    // Settled anyway after a while (a store that will not open, a link that failed): the
    // composer's tools and the footer must not wait for ever.
    set_timeout(
        move || {
            let _ = state.settled.try_set(true);
        },
        std::time::Duration::from_secs(2),
    );
    // Once the store is open, the conversation already reported is linked.
    Effect::new(move |_| {
        if store_open.get() {
            if let Some(c) = state.seen.get_untracked() {
                handle.link(c, store_open);
            }
        }
    });
    spawn_local(async move {
        let request = match chrome::own_window_id().await {
            Some(window_id) => {
                own_window.set(Some(window_id));
                PanelToBackground::GetWindowConversation { window_id }
            }
            None => PanelToBackground::GetConversation,
        };
        if let Ok(reply) = chrome::ask(&request).await {
            let nothing_open = matches!(
                &reply,
                BackgroundToPanel::Conversation {
                    conversation: None,
                    ..
                }
            );
            show(reply);
            if nothing_open {
                state.settled.set(true);
            }
        } else {
            state.settled.set(true);
        }
        crate::state::ask_outbox(PanelToBackground::GetOutbox, state.outbox).await;
    });
    handle
}
