//! The follow-up list: conversations whose 24-hour window has closed, or closes within the hour,
//! with the buyer's last message unanswered — the ones only the agent's browser can still reach.
//!
//! Built from what the extension has read ([`Facts`]: the open threads and, where the adapter
//! reads it, the inbox list); a conversation it has never seen is not on it. The most urgent come
//! first: those closing soon (least time left first), then the closed ones (most recently closed
//! first, since a buyer who wrote yesterday is warmer than one from last month).

use crate::audience::{Facts, WINDOW_MS};
use crate::Millis;
use nobi_protocol::ThreadRef;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// One conversation to follow up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    pub customer_id: String,
    pub name: String,
    pub to: ThreadRef,
    #[serde(default)]
    pub account: Option<String>,
    /// When the buyer's unanswered message came.
    pub last_message_at: Millis,
    /// How long ago, at the time of the list.
    pub since_ms: u64,
    pub window: Window,
}

/// Where the conversation's 24-hour window is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "window")]
pub enum Window {
    /// Closes in `left_ms` (less than the `soon` asked for).
    ClosingSoon { left_ms: u64 },
    /// Closed `ago_ms` ago.
    Closed { ago_ms: u64 },
}

/// The follow-up list at `now`: every conversation whose buyer's last message is unanswered and
/// at least `24 h − soon` old, leaving out the customers in `do_not_message`. Returns them most
/// urgent first (see the module docs).
pub fn follow_ups(
    facts: &[Facts],
    now: Millis,
    soon: u64,
    do_not_message: &HashSet<String>,
) -> Vec<FollowUp> {
    let mut out = Vec::new();
    for f in facts {
        if do_not_message.contains(&f.customer_id) {
            continue;
        }
        for c in &f.conversations {
            let Some(at) = c.last_message_at.filter(|_| !c.replied) else {
                continue;
            };
            let age = now.saturating_sub(at);
            let window = if age >= WINDOW_MS {
                Window::Closed {
                    ago_ms: age - WINDOW_MS,
                }
            } else if age + soon >= WINDOW_MS {
                Window::ClosingSoon {
                    left_ms: WINDOW_MS - age,
                }
            } else {
                continue;
            };
            out.push(FollowUp {
                customer_id: f.customer_id.clone(),
                name: f.name.clone(),
                to: c.to.clone(),
                account: c.account.clone(),
                last_message_at: at,
                since_ms: age,
                window,
            });
        }
    }
    out.sort_by_key(|u| match u.window {
        Window::ClosingSoon { left_ms } => (0, left_ms),
        Window::Closed { ago_ms } => (1, ago_ms),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audience::ConversationFacts;
    use nobi_protocol::Platform;

    const HOUR: u64 = 3_600_000;
    const NOW: Millis = 1_796_612_400_000;

    fn customer(id: &str, conversations: &[(Millis, bool)]) -> Facts {
        Facts {
            customer_id: id.into(),
            name: format!("Khách {id}"),
            conversations: conversations
                .iter()
                .enumerate()
                .map(|(n, &(at, replied))| ConversationFacts {
                    to: ThreadRef {
                        platform: Platform::Instagram,
                        thread_id: format!("{id}-{n}"),
                    },
                    account: Some("hoamai.shop".into()),
                    last_message_at: Some(at),
                    replied,
                })
                .collect(),
            ..Facts::default()
        }
    }

    #[test]
    fn closing_soon_first_then_the_most_recently_closed() {
        let facts = vec![
            customer("a", &[(NOW - 30 * 24 * HOUR, false)]), // closed a month ago
            customer("b", &[(NOW - 24 * HOUR - HOUR, false)]), // closed an hour ago
            customer("c", &[(NOW - 23 * HOUR - HOUR / 2, false)]), // closes in 30 min
            customer("d", &[(NOW - 23 * HOUR - HOUR / 4, false)]), // closes in 45 min
            customer("e", &[(NOW - 2 * HOUR, false)]),       // open for 22 h: not yet
            customer("f", &[(NOW - 48 * HOUR, true)]),       // answered
        ];
        let list = follow_ups(&facts, NOW, HOUR, &HashSet::new());
        let order: Vec<&str> = list.iter().map(|u| u.customer_id.as_str()).collect();
        assert_eq!(order, ["c", "d", "b", "a"]);
        assert_eq!(list[0].window, Window::ClosingSoon { left_ms: HOUR / 2 });
        assert_eq!(list[2].window, Window::Closed { ago_ms: HOUR });
        assert_eq!(list[2].since_ms, 25 * HOUR);
    }

    #[test]
    fn exactly_24_hours_is_closed_and_opt_outs_are_left_out() {
        let facts = vec![
            customer("a", &[(NOW - 24 * HOUR, false)]),
            customer("b", &[(NOW - 30 * HOUR, false)]),
        ];
        let dnm: HashSet<String> = ["b".to_string()].into();
        let list = follow_ups(&facts, NOW, 0, &dnm);
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].window, Window::Closed { ago_ms: 0 });
    }

    #[test]
    fn every_unanswered_thread_of_a_customer_is_listed() {
        let facts = vec![customer(
            "a",
            &[(NOW - 30 * HOUR, false), (NOW - 40 * HOUR, false)],
        )];
        assert_eq!(follow_ups(&facts, NOW, HOUR, &HashSet::new()).len(), 2);
    }
}
