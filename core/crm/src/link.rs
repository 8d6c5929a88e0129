//! Linking the open thread to its customer.
//!
//! The panel looks up, in order: the conversation record of the thread (same thread, same
//! customer, always), then a customer with the same identity key (same username on the same
//! platform, e.g. a second thread with the same buyer), and only then creates a customer. What
//! the page shows (name, username, avatar) fills fields that are empty; it never overwrites what
//! the agent typed.

use super::model::*;
use nobi_protocol::Conversation;

/// Returns true if and only if `record` is the conversation record of the thread the page shows
/// (`seen`, under its own id or one it is also known as): the composer types into `seen`, so
/// only then may it fill a template with the card's customer (issue 13, point 2).
pub fn record_is_of(record: Option<&ConversationRecord>, seen: &Conversation) -> bool {
    let Some(record) = record else {
        return false;
    };
    std::iter::once(&seen.thread)
        .chain(&seen.also_known_as)
        .any(|t| record.id == ConversationRecord::id_for(t.platform, &t.thread_id))
}

/// What the panel must write after [`link`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Linked {
    pub customer: Customer,
    pub conversation: ConversationRecord,
    /// The customer did not exist before.
    pub created: bool,
    /// Either record differs from what was stored (a write is needed).
    pub changed: bool,
}

/// Finds or creates the customer and conversation records for the thread the adapter reported.
///
/// `stored_conversation` is the record with [`ConversationRecord::id_for`] the thread;
/// `stored_customer` is its customer, or else the customer found by an identity key of the
/// thread. `random` supplies the random part of a new customer's id.
pub fn link(
    seen: &Conversation,
    stored_conversation: Option<ConversationRecord>,
    stored_customer: Option<Customer>,
    now: Millis,
    random: u64,
) -> Linked {
    let platform = seen.thread.platform;
    let thread_id = seen.thread.thread_id.clone();
    let created = stored_customer.is_none();
    let mut customer = stored_customer.unwrap_or_else(|| Customer {
        id: Id::new(now, random),
        created_at: now,
        updated_at: now,
        ..Customer::default()
    });
    let before = customer.clone();

    let name = seen.buyer_name.as_deref().map(str::trim).unwrap_or("");
    if customer.name.trim().is_empty() && !name.is_empty() {
        customer.name = name.to_owned();
    }
    if customer.avatar_url.is_none() {
        customer.avatar_url = seen.buyer_avatar_url.clone();
    }
    let identity = match customer
        .identities
        .iter_mut()
        .position(|i| i.platform == platform && i.thread_id.as_deref() == Some(&thread_id))
    {
        Some(at) => &mut customer.identities[at],
        None => {
            customer.identities.push(Identity {
                platform,
                account: None,
                thread_id: Some(thread_id.clone()),
                username: None,
                profile_url: None,
            });
            customer.identities.last_mut().expect("just pushed")
        }
    };
    for (field, value) in [
        (&mut identity.username, &seen.buyer_username),
        (&mut identity.profile_url, &seen.buyer_profile_url),
        (&mut identity.account, &seen.account),
    ] {
        if field.is_none() && value.is_some() {
            field.clone_from(value);
        }
    }
    customer.refresh_keys();
    let customer_changed = customer != before;
    if customer_changed {
        customer.updated_at = now;
    }

    let mut conversation = stored_conversation.unwrap_or_else(|| ConversationRecord {
        id: ConversationRecord::id_for(platform, &thread_id),
        created_at: now,
        updated_at: now,
        platform,
        thread_id: thread_id.clone(),
        account: None,
        customer_id: customer.id.clone(),
        category: String::new(),
        sub_category: String::new(),
        detail: String::new(),
        classification: String::new(),
        assignee: None,
        status: ConversationStatus::Processing,
        unread: false,
        replied: false,
        last_message_at: None,
    });
    let conversation_before = conversation.clone();
    if conversation.account.is_none() {
        conversation.account.clone_from(&seen.account);
    }
    conversation.customer_id = customer.id.clone();
    let conversation_changed = conversation != conversation_before || created;
    if conversation_changed {
        conversation.updated_at = now;
    }
    Linked {
        customer,
        conversation,
        created,
        changed: customer_changed || conversation_changed,
    }
}

/// The identity keys to look a customer up by when the thread has no conversation record yet.
pub fn lookup_keys(seen: &Conversation) -> Vec<String> {
    Identity {
        platform: seen.thread.platform,
        account: None,
        thread_id: Some(seen.thread.thread_id.clone()),
        username: seen.buyer_username.clone(),
        profile_url: None,
    }
    .keys()
    .collect()
}

/// The other customers that share a phone with `customer`: candidates to merge, as the seeds'
/// "orders with the same phone".
pub fn same_phone<'a>(customer: &Customer, others: &'a [Customer]) -> Vec<&'a Customer> {
    others
        .iter()
        .filter(|o| {
            o.id != customer.id && o.phone_keys.iter().any(|k| customer.phone_keys.contains(k))
        })
        .collect()
}

/// Merges `other` into `into`: identities, phones, emails, tags, notes and addresses are
/// united (no duplicates), empty fields are filled. `into` keeps its id, name and default
/// address. The caller deletes `other` and repoints its conversations.
pub fn merge(mut into: Customer, other: Customer, now: Millis) -> Customer {
    for identity in other.identities {
        if !into.identities.contains(&identity) {
            into.identities.push(identity);
        }
    }
    for phone in other.phones {
        if !into.phones.iter().any(|p| p.number == phone.number) {
            into.phones.push(PhoneEntry {
                primary: false,
                ..phone
            });
        }
    }
    for email in other.emails {
        if !into.emails.contains(&email) {
            into.emails.push(email);
        }
    }
    for tag in other.tags {
        if !into.tags.contains(&tag) {
            into.tags.push(tag);
        }
    }
    for note in other.notes {
        if !into.notes.iter().any(|n| n.id == note.id) {
            into.notes.push(note);
        }
    }
    into.notes.sort_by_key(|n| n.at);
    for address in other.addresses {
        if !into
            .addresses
            .iter()
            .any(|a| a.one_line() == address.one_line())
        {
            into.addresses.push(CustomerAddress {
                is_default: false,
                ..address
            });
        }
    }
    if into.name.trim().is_empty() {
        into.name = other.name;
    }
    into.avatar_url = into.avatar_url.or(other.avatar_url);
    into.birthday = into.birthday.or(other.birthday);
    into.gender = into.gender.or(other.gender);
    into.created_at = into.created_at.min(other.created_at);
    into.updated_at = now;
    into.refresh_keys();
    into
}

#[cfg(test)]
mod tests {
    use super::*;
    use nobi_protocol::{Platform, ThreadRef};

    fn seen(thread: &str, name: &str, username: Option<&str>) -> Conversation {
        Conversation {
            thread: ThreadRef {
                platform: Platform::Instagram,
                thread_id: thread.into(),
            },
            buyer_name: Some(name.into()),
            buyer_username: username.map(Into::into),
            buyer_profile_url: None,
            buyer_avatar_url: None,
            account: Some("shop.hoa".into()),
            url: format!("https://www.instagram.com/direct/t/{thread}/"),
            ui_language: None,
            also_known_as: vec![],
        }
    }

    /// Issue 13, point 2: the card shows customer B (opened from the list) while the page shows
    /// A's thread; the composer must see that the card is not the thread's.
    #[test]
    fn the_card_is_the_threads_only_when_its_record_is_that_thread() {
        let a = seen("111", "Lan", None);
        let of_a = link(&a, None, None, 1000, 7).conversation;
        let of_b = link(&seen("222", "Hoa", None), None, None, 1000, 8).conversation;
        assert!(record_is_of(Some(&of_a), &a));
        assert!(!record_is_of(Some(&of_b), &a));
        assert!(
            !record_is_of(None, &a),
            "a customer without a conversation is not the thread's"
        );
        // The thread under an id it is also known as (an encrypted chat's earlier id).
        let mut moved = seen("333", "Lan", None);
        moved.also_known_as = vec![a.thread.clone()];
        assert!(record_is_of(Some(&of_a), &moved));
    }

    #[test]
    fn a_new_thread_creates_its_customer_and_conversation() {
        let linked = link(
            &seen("111", "Lan Nguyễn", Some("lan.ng")),
            None,
            None,
            1000,
            7,
        );
        assert!(linked.created && linked.changed);
        assert_eq!(linked.customer.name, "Lan Nguyễn");
        assert_eq!(
            linked.customer.identity_keys,
            vec!["ig:t:111", "ig:u:lan.ng"]
        );
        assert_eq!(linked.conversation.id.as_str(), "ig:111");
        assert_eq!(linked.conversation.customer_id, linked.customer.id);
        assert_eq!(linked.conversation.account.as_deref(), Some("shop.hoa"));
    }

    #[test]
    fn seeing_the_same_thread_again_changes_nothing() {
        let first = link(&seen("111", "Lan", Some("lan.ng")), None, None, 1000, 7);
        let again = link(
            &seen("111", "Lan", Some("lan.ng")),
            Some(first.conversation.clone()),
            Some(first.customer.clone()),
            2000,
            8,
        );
        assert!(!again.created && !again.changed);
        assert_eq!(again.customer, first.customer);
    }

    #[test]
    fn the_agents_name_is_kept_and_a_second_thread_joins_the_customer() {
        let mut first = link(&seen("111", "lan", Some("lan.ng")), None, None, 1000, 7);
        first.customer.name = "Chị Lan (khách quen)".into();
        let second = link(
            &seen("222", "lan", Some("lan.ng")),
            None,
            Some(first.customer.clone()),
            2000,
            8,
        );
        assert!(!second.created && second.changed);
        assert_eq!(second.customer.name, "Chị Lan (khách quen)");
        assert_eq!(second.customer.identities.len(), 2);
        assert_eq!(second.conversation.id.as_str(), "ig:222");
        assert_eq!(second.customer.updated_at, 2000);
    }

    #[test]
    fn lookup_keys_are_the_thread_and_the_lowercased_username() {
        assert_eq!(
            lookup_keys(&seen("9", "A", Some("@Lan.NG"))),
            vec!["ig:t:9", "ig:u:lan.ng"]
        );
    }

    #[test]
    fn same_phone_and_merge() {
        let mut a = link(&seen("1", "A", None), None, None, 1, 1).customer;
        let mut b = link(&seen("2", "B", Some("bee")), None, None, 2, 2).customer;
        let c = link(&seen("3", "C", None), None, None, 3, 3).customer;
        a.add_phone("0912345678", Source::Manual, 1);
        b.add_phone("0987654321", Source::Chat, 2);
        b.add_phone("0912345678", Source::Chat, 2);
        let others = [b.clone(), c.clone()];
        let found = same_phone(&a, &others);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, b.id);
        let merged = merge(a.clone(), b, 10);
        assert_eq!(merged.id, a.id);
        assert_eq!(merged.phone_keys, vec!["0912345678", "0987654321"]);
        assert_eq!(merged.phones.iter().filter(|p| p.primary).count(), 1);
        assert_eq!(merged.primary_phone(), Some("0912345678"));
        assert!(merged.identity_keys.contains(&"ig:u:bee".to_owned()));
    }
}
