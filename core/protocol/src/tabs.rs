//! Which browser tab shows which conversation: the service worker's routing table, as plain data.
//!
//! The service worker can be stopped by Chrome at any moment, so it keeps this table in
//! `chrome.storage.session` (serialised with serde) and rebuilds nothing from memory. The table is
//! fed by the content scripts' notices and by tab activation; "current" is the conversation in the
//! tab the agent used last, which is what the side panel shows.

use crate::protocol::{Conversation, Engine, ThreadRef};
use serde::{Deserialize, Serialize};

/// One tab that shows a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TabEntry {
    pub tab_id: i32,
    pub conversation: Conversation,
    /// How the tab's content script runs.
    #[serde(default)]
    pub engine: Engine,
    /// The browser window the tab is in: each window's side panel follows its own tabs.
    #[serde(default)]
    pub window_id: Option<i32>,
    /// When the agent last opened or switched to this tab (milliseconds since the epoch).
    pub last_used_ms: u64,
}

/// Where a content script's notice came from, as Chrome tells (`sender.tab`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TabInfo {
    pub tab_id: i32,
    pub window_id: Option<i32>,
    /// Whether it is the active tab of its window, the one the agent is looking at.
    pub active: bool,
}

/// The routing table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TabRegistry {
    entries: Vec<TabEntry>,
}

impl TabRegistry {
    /// Records that `tab_id` now shows `conversation`. The tab counts as used now only if it is
    /// the `active` tab of its window: a page that loads in the background (a restored session, a
    /// link opened in a new tab) must not take the panel away from what the agent is reading.
    pub fn opened(
        &mut self,
        tab: TabInfo,
        conversation: Conversation,
        engine: Engine,
        now_ms: u64,
    ) {
        let TabInfo {
            tab_id,
            window_id,
            active,
        } = tab;
        let previous_use = self
            .entries
            .iter()
            .find(|e| e.tab_id == tab_id)
            .map_or(0, |e| e.last_used_ms);
        self.closed(tab_id);
        self.entries.push(TabEntry {
            tab_id,
            conversation,
            engine,
            window_id,
            last_used_ms: if active { now_ms } else { previous_use },
        });
    }

    /// Records that `tab_id` no longer shows a conversation (navigated away or closed).
    pub fn closed(&mut self, tab_id: i32) {
        self.entries.retain(|e| e.tab_id != tab_id);
    }

    /// Records that the agent switched to `tab_id`. Returns true if and only if that tab shows a
    /// conversation, that is, if the current conversation changed.
    pub fn activated(&mut self, tab_id: i32, window_id: Option<i32>, now_ms: u64) -> bool {
        match self.entries.iter_mut().find(|e| e.tab_id == tab_id) {
            Some(entry) => {
                entry.last_used_ms = now_ms;
                // Tabs can be dragged to another window.
                if window_id.is_some() {
                    entry.window_id = window_id;
                }
                true
            }
            None => false,
        }
    }

    /// The conversation in the tab the agent used last, in any window.
    pub fn current(&self) -> Option<&TabEntry> {
        self.entries.iter().max_by_key(|e| e.last_used_ms)
    }

    /// The conversation in the tab the agent used last in `window_id`: what that window's side
    /// panel shows, so that two windows never show each other's buyer.
    pub fn current_in(&self, window_id: i32) -> Option<&TabEntry> {
        self.entries
            .iter()
            .filter(|e| e.window_id == Some(window_id))
            .max_by_key(|e| e.last_used_ms)
    }

    /// The window `tab_id` is in, if it shows a conversation.
    pub fn window_of(&self, tab_id: i32) -> Option<i32> {
        self.entries
            .iter()
            .find(|e| e.tab_id == tab_id)
            .and_then(|e| e.window_id)
    }

    /// The tab showing `thread`; the most recently used one when several do.
    pub fn tab_for(&self, thread: &ThreadRef) -> Option<i32> {
        self.entries
            .iter()
            .filter(|e| e.conversation.thread == *thread)
            .max_by_key(|e| e.last_used_ms)
            .map(|e| e.tab_id)
    }

    /// The tab showing any of `names` (the ids of one conversation, see
    /// [`crate::aliases::Aliases::names`]), the most recently used one when several do, with the
    /// id it shows.
    pub fn tab_showing(&self, names: &[ThreadRef]) -> Option<(i32, ThreadRef)> {
        self.entries
            .iter()
            .filter(|e| {
                names
                    .iter()
                    .any(|n| crate::aliases::same_thread(n, &e.conversation.thread))
            })
            .max_by_key(|e| e.last_used_ms)
            .map(|e| (e.tab_id, e.conversation.thread.clone()))
    }

    /// The id of `names`' thread that tab `tab_id` shows, if it shows that thread.
    pub fn tab_showing_in(&self, tab_id: i32, names: &[ThreadRef]) -> Option<ThreadRef> {
        self.entries
            .iter()
            .find(|e| e.tab_id == tab_id)
            .filter(|e| {
                names
                    .iter()
                    .any(|n| crate::aliases::same_thread(n, &e.conversation.thread))
            })
            .map(|e| e.conversation.thread.clone())
    }

    /// Every tab that shows a conversation.
    pub fn entries(&self) -> &[TabEntry] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Returns true if and only if no tab shows a conversation.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod alias_tests {
    use super::*;
    use crate::protocol::Platform;

    #[test]
    fn a_tab_shows_a_conversation_under_any_of_its_ids() {
        let mut r = TabRegistry::default();
        let shown = ThreadRef {
            platform: Platform::Facebook,
            thread_id: "7265".into(),
        };
        let conversation = Conversation {
            thread: shown.clone(),
            buyer_name: None,
            buyer_username: None,
            buyer_profile_url: None,
            buyer_avatar_url: None,
            account: None,
            url: String::new(),
            ui_language: None,
            also_known_as: vec![],
        };
        let tab = TabInfo {
            tab_id: 4,
            window_id: Some(1),
            active: true,
        };
        r.opened(tab, conversation, Engine::Wasm, 10);
        let old = ThreadRef {
            platform: Platform::Messenger,
            thread_id: "1000".into(),
        };
        assert_eq!(r.tab_showing(std::slice::from_ref(&old)), None);
        let mut aliases = crate::aliases::Aliases::default();
        aliases.learn(&old, &shown);
        assert_eq!(r.tab_showing(&aliases.names(&old)), Some((4, shown)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Platform;

    fn conv(id: &str) -> Conversation {
        Conversation {
            thread: ThreadRef {
                platform: Platform::Instagram,
                thread_id: id.into(),
            },
            buyer_name: None,
            buyer_username: None,
            buyer_profile_url: None,
            buyer_avatar_url: None,
            account: None,
            url: format!("https://www.instagram.com/direct/t/{id}/"),
            ui_language: None,
            also_known_as: vec![],
        }
    }

    fn tab(tab_id: i32, active: bool) -> TabInfo {
        TabInfo {
            tab_id,
            window_id: Some(1),
            active,
        }
    }

    #[test]
    fn each_window_has_its_own_current_conversation() {
        let mut r = TabRegistry::default();
        let in_window = |tab_id, window_id| TabInfo {
            tab_id,
            window_id: Some(window_id),
            active: true,
        };
        r.opened(in_window(1, 10), conv("a"), Engine::Wasm, 5);
        r.opened(in_window(2, 20), conv("b"), Engine::Wasm, 6);
        assert_eq!(r.current_in(10).unwrap().tab_id, 1);
        assert_eq!(r.current_in(20).unwrap().tab_id, 2);
        assert_eq!(r.current().unwrap().tab_id, 2);
        assert!(r.current_in(30).is_none());
        // Dragging tab 1 into window 20 makes it that window's current one.
        r.activated(1, Some(20), 7);
        assert_eq!(r.current_in(20).unwrap().tab_id, 1);
        assert!(r.current_in(10).is_none());
        assert_eq!(r.window_of(1), Some(20));
    }

    #[test]
    fn current_follows_the_last_used_tab() {
        let mut r = TabRegistry::default();
        assert!(r.current().is_none());
        r.opened(tab(1, true), conv("a"), Engine::Wasm, 10);
        r.opened(tab(2, true), conv("b"), Engine::Wasm, 20);
        assert_eq!(r.current().unwrap().tab_id, 2);
        assert!(r.activated(1, Some(1), 30));
        assert_eq!(r.current().unwrap().tab_id, 1);
        assert!(
            !r.activated(99, Some(1), 40),
            "a tab without a conversation changes nothing"
        );
        assert_eq!(r.current().unwrap().tab_id, 1);
    }

    #[test]
    fn a_page_loading_in_the_background_does_not_become_current() {
        let mut r = TabRegistry::default();
        r.opened(tab(1, true), conv("a"), Engine::Wasm, 10);
        r.opened(tab(2, false), conv("b"), Engine::Wasm, 20);
        assert_eq!(r.current().unwrap().tab_id, 1);
        assert_eq!(
            r.tab_for(&conv("b").thread),
            Some(2),
            "but it can still be sent to"
        );
        r.activated(2, Some(1), 30);
        assert_eq!(r.current().unwrap().tab_id, 2);
    }

    #[test]
    fn a_tab_shows_one_conversation_at_a_time() {
        let mut r = TabRegistry::default();
        r.opened(tab(1, true), conv("a"), Engine::Wasm, 10);
        r.opened(tab(1, true), conv("b"), Engine::Wasm, 11);
        assert_eq!(r.len(), 1);
        assert_eq!(r.tab_for(&conv("a").thread), None);
        assert_eq!(r.tab_for(&conv("b").thread), Some(1));
        r.closed(1);
        assert!(r.is_empty());
    }

    #[test]
    fn the_most_recently_used_tab_wins_for_a_thread() {
        let mut r = TabRegistry::default();
        r.opened(tab(1, true), conv("a"), Engine::Wasm, 10);
        r.opened(tab(2, true), conv("a"), Engine::Wasm, 20);
        assert_eq!(r.tab_for(&conv("a").thread), Some(2));
        r.activated(1, Some(1), 30);
        assert_eq!(r.tab_for(&conv("a").thread), Some(1));
    }

    #[test]
    fn round_trips_through_json() {
        let mut r = TabRegistry::default();
        r.opened(tab(3, true), conv("x"), Engine::Wasm, 5);
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<TabRegistry>(&json).unwrap(), r);
    }
}
