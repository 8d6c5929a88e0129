//! Several thread ids for one conversation.
//!
//! - **messenger.com is gone** (it redirects to facebook.com/messages since April 2026): a thread
//!   stored as `Platform::Messenger` with id X is the facebook.com thread X.
//! - **End-to-end encrypted chats** change their id: `/messages/t/<profile id>` shows a notice
//!   whose "Continue" leads to `/messages/e2ee/t/<thread id>`, a different id. The content script
//!   learns the pair from that navigation (the agent's own click: the extension never presses
//!   "Continue") and the service worker keeps it here, so that both ids lead to one conversation
//!   record and a message addressed to the old id goes to the thread the agent's navigation led to.
//!
//! Returns of this module are plain data; the worker stores the table in `chrome.storage.local`.

use crate::protocol::{Platform, ThreadRef};
use serde::{Deserialize, Serialize};

/// The most pairs kept: older ones are forgotten first (a pair is only needed until the old id
/// is no longer used, and the panel's record keeps the first id for good).
pub const MAX_PAIRS: usize = 5_000;

/// Returns true if and only if `a` and `b` are the same thread id on the same site, counting a
/// messenger.com thread as the facebook.com thread of the same id.
pub fn same_thread(a: &ThreadRef, b: &ThreadRef) -> bool {
    a.thread_id == b.thread_id && site(a.platform) == site(b.platform)
}

fn site(platform: Platform) -> Platform {
    match platform {
        Platform::Messenger => Platform::Facebook,
        other => other,
    }
}

/// The thread as facebook.com names it now (a messenger.com thread becomes a facebook.com one).
pub fn current_form(thread: &ThreadRef) -> ThreadRef {
    ThreadRef {
        platform: site(thread.platform),
        thread_id: thread.thread_id.clone(),
    }
}

/// The learned pairs: (the id the conversation had before, the id it has now).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Aliases {
    pairs: Vec<(ThreadRef, ThreadRef)>,
}

impl Aliases {
    /// Records that the conversation `before` is now `after`. Returns true if and only if the
    /// table changed (a known pair, or a pair of one id with itself, changes nothing).
    pub fn learn(&mut self, before: &ThreadRef, after: &ThreadRef) -> bool {
        let (before, after) = (current_form(before), current_form(after));
        if same_thread(&before, &after) || before.platform != after.platform {
            return false;
        }
        if self
            .pairs
            .iter()
            .any(|(b, a)| same_thread(b, &before) && same_thread(a, &after))
        {
            return false;
        }
        self.pairs.push((before, after));
        if self.pairs.len() > MAX_PAIRS {
            let extra = self.pairs.len() - MAX_PAIRS;
            self.pairs.drain(..extra);
        }
        true
    }

    /// Every id of the conversation `thread` names, `thread` itself first, then the ids it is
    /// linked to (through any chain of pairs), each in its current (facebook.com) form, and, for
    /// a Business Suite thread, the id its record had before pages were part of ids. For the
    /// records; to find a tab, see [`Aliases::route_names`].
    pub fn names(&self, thread: &ThreadRef) -> Vec<ThreadRef> {
        let mut names = self.route_names(thread);
        if thread.platform == Platform::BusinessSuite {
            if let (Some(_), item) = crate::platform::business_suite_parts(&thread.thread_id) {
                names.push(ThreadRef {
                    platform: Platform::BusinessSuite,
                    thread_id: item.to_owned(),
                });
            }
        }
        names
    }

    /// The ids a tab may show `thread` under: `thread`, its facebook.com form, and the learned
    /// aliases. Never a Business Suite id without its page (that tab could be another page's
    /// thread with the same item id).
    pub fn route_names(&self, thread: &ThreadRef) -> Vec<ThreadRef> {
        let mut names = vec![thread.clone()];
        if thread.platform == Platform::Messenger {
            names.push(current_form(thread));
        }
        let mut i = 0;
        while i < names.len() {
            let at = names[i].clone();
            for (b, a) in &self.pairs {
                for (x, y) in [(b, a), (a, b)] {
                    if same_thread(x, &at) && !names.iter().any(|n| same_thread(n, y)) {
                        names.push(y.clone());
                    }
                }
            }
            i += 1;
        }
        names
    }

    /// Returns true if and only if `a` and `b` name the same conversation.
    pub fn same_conversation(&self, a: &ThreadRef, b: &ThreadRef) -> bool {
        self.names(a).iter().any(|n| same_thread(n, b))
    }

    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Returns true if and only if no pair has been learned.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fb(id: &str) -> ThreadRef {
        ThreadRef {
            platform: Platform::Facebook,
            thread_id: id.into(),
        }
    }

    fn ms(id: &str) -> ThreadRef {
        ThreadRef {
            platform: Platform::Messenger,
            thread_id: id.into(),
        }
    }

    #[test]
    fn a_messenger_thread_is_the_facebook_thread_of_the_same_id() {
        let aliases = Aliases::default();
        assert!(same_thread(&ms("42"), &fb("42")));
        assert!(!same_thread(&ms("42"), &fb("43")));
        assert_eq!(current_form(&ms("42")), fb("42"));
        assert_eq!(aliases.names(&ms("42")), vec![ms("42"), fb("42")]);
        assert!(aliases.same_conversation(&fb("42"), &ms("42")));
    }

    #[test]
    fn an_e2ee_continue_links_the_profile_id_and_the_thread_id_both_ways() {
        let mut aliases = Aliases::default();
        assert!(aliases.learn(&fb("100087654321001"), &fb("7265000000000001")));
        assert!(!aliases.learn(&fb("100087654321001"), &fb("7265000000000001")));
        assert!(
            !aliases.learn(&fb("1"), &fb("1")),
            "an id is not its own alias"
        );
        assert_eq!(
            aliases.names(&fb("100087654321001")),
            vec![fb("100087654321001"), fb("7265000000000001")]
        );
        assert_eq!(
            aliases.names(&fb("7265000000000001")),
            vec![fb("7265000000000001"), fb("100087654321001")]
        );
        // A stored messenger.com thread reaches the new id too.
        assert!(aliases.same_conversation(&ms("100087654321001"), &fb("7265000000000001")));
        assert!(!aliases.same_conversation(&fb("100087654321001"), &fb("999")));
    }

    #[test]
    fn sites_never_mix_and_the_table_is_bounded() {
        let mut aliases = Aliases::default();
        let ig = ThreadRef {
            platform: Platform::Instagram,
            thread_id: "1".into(),
        };
        assert!(!aliases.learn(&ig, &fb("2")));
        for i in 0..MAX_PAIRS + 10 {
            aliases.learn(&fb(&format!("a{i}")), &fb(&format!("b{i}")));
        }
        assert_eq!(aliases.len(), MAX_PAIRS);
        assert!(
            !aliases.same_conversation(&fb("a0"), &fb("b0")),
            "oldest forgotten"
        );
        assert!(aliases.same_conversation(&fb("a5009"), &fb("b5009")));
    }

    #[test]
    fn a_business_suite_thread_keeps_its_records_from_before_pages_were_part_of_its_id() {
        let bs = |id: &str| ThreadRef {
            platform: Platform::BusinessSuite,
            thread_id: id.into(),
        };
        let names = Aliases::default().names(&bs("1098.987"));
        assert_eq!(names, vec![bs("1098.987"), bs("987")]);
        assert_eq!(
            Aliases::default().route_names(&bs("1098.987")),
            vec![bs("1098.987")],
            "a tab without the page in its URL could be another page's"
        );
        assert!(!same_thread(&bs("1098.987"), &bs("2000.987")), "two pages");
    }

    #[test]
    fn the_table_round_trips_through_json() {
        let mut aliases = Aliases::default();
        aliases.learn(&fb("1"), &fb("2"));
        let json = serde_json::to_string(&aliases).unwrap();
        assert_eq!(serde_json::from_str::<Aliases>(&json).unwrap(), aliases);
    }
}
