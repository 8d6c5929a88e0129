//! From the local change log to server mutations.
//!
//! # What syncs
//!
//! | local store | goes to the server as | comes back from it |
//! |---|---|---|
//! | `customers` | `customer_put` (the fields of [`CUSTOMER_KEYS`], only those changed since the server last had them), `note_add` per new note, `tag_add` / `tag_remove` per tag name gained or lost | customer rows, note rows |
//! | `conversations` | `conversation_set {id, done, customer_id}` once the server knows the thread (it learns it from `/v1/conversations/report`, not a mutation) | conversation rows: assignee (the server decides it), done, customer |
//! | `tags` | nothing of its own: a customer's tags travel as **names**; a name pulled that this browser does not have becomes a new local tag | — |
//! | `staff` | nothing | the shop's users become staff records (assignees, note authors) |
//!
//! | `orders` | `order_create`, `order_edit` (fields, new reservation), `order_status` per step: see [`crate::orders`] | order rows: status and stock decided by the server |
//! | `products` | `product_put` (data without stock; first counts), `stock_adjust` (differences) | product rows with the server's stock |
//!
//! **Not synced yet, they stay in this browser:** `combos`, `templates`,
//! `media`, `history`, `settings` (and `snapshots`, `changes`, derived). A change of those is
//! reported as [`NotSynced::StaysLocal`]. A customer's derived index keys, `created_at` and
//! `updated_at` do not travel either (each browser recomputes them).
//!
//! **Deletes.** The server has no delete mutation: a customer or conversation deleted here is
//! deleted in this browser only ([`NotSynced::DeleteStaysLocal`]; the server keeps it and other
//! agents still see it). A row the server stops showing (a tombstone) is deleted here.
//!
//! # Coalescing and the base
//!
//! Several changes of one record become the mutations of its *current* state, compared with its
//! [`Base`]: what the server has once every mutation already queued is applied. So ten puts of a
//! customer's name are one `customer_put` of the last name; a note written between two puts is
//! still found (by id) and sent once; a tag added then removed before a push sends nothing.
//! Notes are append-only: a note removed here after it was sent stays on the server.

use std::collections::{BTreeMap, BTreeSet};

use nobi_crm::{ConversationRecord, ConversationStatus, Customer, Id, Tag};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ids::{fingerprint, uuid_of};

/// The customer fields that travel in `customer_put`'s `data`, by their serde names. Everything
/// else of a [`Customer`] is either its own mutation (tags, notes) or local (ids, times, derived
/// keys).
pub const CUSTOMER_KEYS: [&str; 8] = [
    "name",
    "identities",
    "avatar_url",
    "phones",
    "emails",
    "birthday",
    "gender",
    "addresses",
];

/// The stores whose changes become mutations.
pub const SYNCED_STORES: [&str; 4] = [
    nobi_crm::schema::CUSTOMERS,
    nobi_crm::schema::CONVERSATIONS,
    nobi_crm::schema::ORDERS,
    nobi_crm::schema::PRODUCTS,
];

/// One mutation of a push: `{id, name, args}`; ids increase by one per mutation of a client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mutation {
    pub id: i64,
    pub name: String,
    pub args: Value,
}

/// A mutation before it has an id.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub name: &'static str,
    pub args: Value,
}

/// What the server has of one customer (once the queue is applied): a fingerprint of each field
/// of [`CUSTOMER_KEYS`] that is not null, the tag names, the note UUIDs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Base {
    #[serde(default)]
    pub data: BTreeMap<String, u64>,
    #[serde(default)]
    pub tags: BTreeSet<String>,
    #[serde(default)]
    pub notes: BTreeSet<String>,
}

/// What the server has of one conversation's synced fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationBase {
    pub done: bool,
    /// The customer's UUID.
    #[serde(default)]
    pub customer: Option<String>,
}

/// Why a local change does not (yet) reach the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotSynced {
    /// Its store is not synced yet (combos, templates, …).
    StaysLocal,
    /// A delete: the server has no delete mutation; the record is gone here only.
    DeleteStaysLocal,
    /// The record's id (or a note's) is neither a local id nor a UUID.
    BadId,
    /// A conversation the server does not know yet: kept in [`crate::SyncState::held`] and
    /// planned again once a pull brings its server id.
    WaitingForConversation,
    /// A tag id with no tag record here (its name is unknown): that tag is left out.
    UnknownTag,
    /// An order the server refused for stock, since changed here without new lines: it holds
    /// no stock, and the server would take it as one that needs none. It waits for new lines
    /// (reserved again) or a cancel.
    HoldsNoStock,
}

/// The local records the planner reads, fetched by the worker for the changed ids.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Local {
    pub customers: BTreeMap<Id, Customer>,
    pub conversations: BTreeMap<Id, ConversationRecord>,
    /// Every tag (names are looked up by id, and ids by name).
    pub tags: Vec<Tag>,
    pub orders: BTreeMap<Id, nobi_order::Order>,
    pub products: BTreeMap<Id, nobi_order::Product>,
}

/// The `data` of a customer: the fields of [`CUSTOMER_KEYS`] that are not null.
pub fn customer_data(c: &Customer) -> Map<String, Value> {
    let Ok(Value::Object(all)) = serde_json::to_value(c) else {
        return Map::new();
    };
    all.into_iter()
        .filter(|(k, v)| CUSTOMER_KEYS.contains(&k.as_str()) && !v.is_null())
        .collect()
}

/// The fingerprints of a `data` object's keys of [`CUSTOMER_KEYS`] (nulls left out).
pub fn fingerprints(data: &Map<String, Value>) -> BTreeMap<String, u64> {
    data.iter()
        .filter(|(k, v)| CUSTOMER_KEYS.contains(&k.as_str()) && !v.is_null())
        .map(|(k, v)| (k.clone(), fingerprint(v.to_string().as_bytes())))
        .collect()
}

fn tag_name(tags: &[Tag], id: &Id) -> Option<String> {
    tags.iter()
        .find(|t| &t.id == id)
        .map(|t| t.name.trim().to_owned())
        .filter(|n| !n.is_empty() && n.chars().count() <= 100)
}

/// The mutations that bring the server from `base` (None: the server has never had this
/// customer) to `c`, and the base after them. Problems are reported, not fatal: a tag without a
/// record is left out, a note with a bad id is skipped.
pub fn customer_mutations(
    c: &Customer,
    base: Option<&Base>,
    tags: &[Tag],
) -> Result<(Vec<Draft>, Base, Vec<NotSynced>), NotSynced> {
    let id = uuid_of(&c.id).ok_or(NotSynced::BadId)?;
    let mut problems = Vec::new();
    let mut out = Vec::new();
    let mut next = base.cloned().unwrap_or_default();
    let data = customer_data(c);
    let now = fingerprints(&data);
    let mut changed = Map::new();
    for key in CUSTOMER_KEYS {
        if now.get(key) != next.data.get(key) {
            changed.insert(key.into(), data.get(key).cloned().unwrap_or(Value::Null));
        }
    }
    if base.is_none() {
        // A new customer: every field that has a value, so the row exists before its notes.
        changed = data;
    }
    if base.is_none() || !changed.is_empty() {
        out.push(Draft {
            name: "customer_put",
            args: serde_json::json!({ "id": id, "data": changed }),
        });
    }
    next.data = now;
    for note in &c.notes {
        let Some(note_id) = uuid_of(&note.id) else {
            problems.push(NotSynced::BadId);
            continue;
        };
        let body = note.text.trim();
        if next.notes.contains(&note_id) || body.is_empty() {
            continue;
        }
        out.push(Draft {
            name: "note_add",
            args: serde_json::json!({ "id": note_id, "customer_id": id, "body": body }),
        });
        next.notes.insert(note_id);
    }
    let mut names: Vec<String> = Vec::new();
    for t in &c.tags {
        match tag_name(tags, t) {
            Some(n) if !names.contains(&n) => names.push(n),
            Some(_) => {}
            None => problems.push(NotSynced::UnknownTag),
        }
    }
    for n in &names {
        if !next.tags.contains(n) {
            out.push(Draft {
                name: "tag_add",
                args: serde_json::json!({ "customer_id": id, "tag": n }),
            });
        }
    }
    let removed: Vec<String> = next
        .tags
        .iter()
        .filter(|n| !names.contains(n))
        .cloned()
        .collect();
    for n in removed {
        out.push(Draft {
            name: "tag_remove",
            args: serde_json::json!({ "customer_id": id, "tag": n }),
        });
    }
    next.tags = names.into_iter().collect();
    Ok((out, next, problems))
}

/// The `conversation_set` that brings the server from `base` to `c` (None when nothing
/// changed), and the base after it. `server_id` is the conversation's UUID on the server;
/// `customer_known` says whether the server has (or will have, once the queue is applied) the
/// conversation's customer: when it does not, the link is left for a later change.
pub fn conversation_mutation(
    c: &ConversationRecord,
    server_id: &str,
    base: Option<&ConversationBase>,
    customer_known: bool,
) -> (Option<Draft>, ConversationBase) {
    let done = c.status == ConversationStatus::Done;
    let customer = uuid_of(&c.customer_id).filter(|_| customer_known);
    let old = base.cloned().unwrap_or_default();
    let mut args = Map::new();
    if base.is_none() || old.done != done {
        args.insert("done".into(), Value::Bool(done));
    }
    if customer.is_some() && customer != old.customer {
        args.insert("customer_id".into(), customer.clone().into());
    }
    let next = ConversationBase {
        done,
        customer: customer.or(old.customer),
    };
    if args.is_empty() {
        return (None, next);
    }
    args.insert("id".into(), server_id.into());
    (
        Some(Draft {
            name: "conversation_set",
            args: Value::Object(args),
        }),
        next,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use nobi_crm::{Note, Source};
    use serde_json::json;

    fn tag(id: &str, name: &str) -> Tag {
        Tag {
            id: Id(id.into()),
            name: name.into(),
            ..Tag::default()
        }
    }

    fn customer() -> Customer {
        Customer {
            id: Id::new(1_000, 1),
            name: "Lan".into(),
            ..Customer::default()
        }
    }

    fn names(d: &[Draft]) -> Vec<&str> {
        d.iter().map(|d| d.name).collect()
    }

    #[test]
    fn a_new_customer_is_put_whole_before_its_notes_and_tags() {
        let mut c = customer();
        c.add_phone("0912345678", Source::Manual, 1);
        c.tags = vec![Id("t1".into())];
        c.notes.push(Note {
            id: Id::new(2_000, 7),
            at: 2_000,
            text: " giao giờ hành chính ".into(),
            author: None,
        });
        let tags = [tag("t1", "VIP")];
        let (d, base, problems) = customer_mutations(&c, None, &tags).unwrap();
        assert!(problems.is_empty());
        assert_eq!(names(&d), ["customer_put", "note_add", "tag_add"]);
        let data = &d[0].args["data"];
        assert_eq!(data["name"], "Lan");
        assert_eq!(data["phones"][0]["number"], "0912345678");
        assert!(data.get("tags").is_none() && data.get("notes").is_none());
        assert!(data.get("phone_keys").is_none() && data.get("updated_at").is_none());
        assert!(
            data.get("birthday").is_none(),
            "nulls are not sent for a new customer"
        );
        assert_eq!(d[1].args["body"], "giao giờ hành chính");
        assert_eq!(d[1].args["customer_id"], d[0].args["id"]);
        assert_eq!(
            d[2].args,
            json!({ "customer_id": d[0].args["id"], "tag": "VIP" })
        );
        // Nothing changed: nothing to send.
        let (again, same, _) = customer_mutations(&c, Some(&base), &tags).unwrap();
        assert!(again.is_empty());
        assert_eq!(same, base);
    }

    #[test]
    fn an_edit_sends_only_the_changed_fields_and_a_cleared_field_as_null() {
        let mut c = customer();
        c.gender = Some(nobi_crm::Gender::Female);
        let (_, base, _) = customer_mutations(&c, None, &[]).unwrap();
        c.name = "Lan Anh".into();
        c.gender = None;
        let (d, _, _) = customer_mutations(&c, Some(&base), &[]).unwrap();
        assert_eq!(names(&d), ["customer_put"]);
        assert_eq!(
            d[0].args["data"],
            json!({ "name": "Lan Anh", "gender": null })
        );
    }

    #[test]
    fn tags_become_add_and_remove_diffs_by_name() {
        let tags = [tag("t1", "VIP"), tag("t2", "Sỉ"), tag("t3", " Mới ")];
        let mut c = customer();
        c.tags = vec![Id("t1".into()), Id("t2".into())];
        let (_, base, _) = customer_mutations(&c, None, &tags).unwrap();
        c.tags = vec![Id("t2".into()), Id("t3".into()), Id("gone".into())];
        let (d, next, problems) = customer_mutations(&c, Some(&base), &tags).unwrap();
        assert_eq!(names(&d), ["tag_add", "tag_remove"]);
        assert_eq!(d[0].args["tag"], "Mới");
        assert_eq!(d[1].args["tag"], "VIP");
        assert_eq!(problems, [NotSynced::UnknownTag]);
        assert_eq!(
            next.tags,
            ["Mới", "Sỉ"].map(String::from).into_iter().collect()
        );
    }

    #[test]
    fn notes_are_sent_once_each_and_bad_ids_are_reported() {
        let mut c = customer();
        let note = |id: Id, text: &str| Note {
            id,
            at: 1,
            text: text.into(),
            author: None,
        };
        c.notes.push(note(Id::new(1, 1), "một"));
        let (d, base, _) = customer_mutations(&c, None, &[]).unwrap();
        assert_eq!(names(&d), ["customer_put", "note_add"]);
        c.notes.push(note(Id::new(2, 2), "hai"));
        c.notes.push(note(Id("n-bad".into()), "ba"));
        c.notes.push(note(Id::new(3, 3), "   "));
        let (d, _, problems) = customer_mutations(&c, Some(&base), &[]).unwrap();
        assert_eq!(names(&d), ["note_add"]);
        assert_eq!(d[0].args["body"], "hai");
        assert_eq!(problems, [NotSynced::BadId]);
        let bad = Customer {
            id: Id("c1".into()),
            ..Customer::default()
        };
        assert_eq!(customer_mutations(&bad, None, &[]), Err(NotSynced::BadId));
    }

    #[test]
    fn a_conversation_sends_done_and_its_customer_when_they_change() {
        let mut c = ConversationRecord {
            id: Id("ig:1".into()),
            created_at: 0,
            updated_at: 0,
            platform: nobi_protocol::Platform::Instagram,
            thread_id: "1".into(),
            account: None,
            customer_id: Id::new(5, 5),
            category: String::new(),
            sub_category: String::new(),
            detail: String::new(),
            classification: String::new(),
            assignee: None,
            status: ConversationStatus::Processing,
            unread: false,
            replied: false,
            last_message_at: None,
        };
        let server = "0f8fad5b-d9cb-469f-a165-70867728950e";
        let (d, base) = conversation_mutation(&c, server, None, false);
        assert_eq!(d.unwrap().args, json!({ "id": server, "done": false }));
        c.unread = true;
        let (d, base) = conversation_mutation(&c, server, Some(&base), true);
        let cust = uuid_of(&c.customer_id).unwrap();
        assert_eq!(
            d.unwrap().args,
            json!({ "id": server, "customer_id": cust })
        );
        c.status = ConversationStatus::Done;
        let (d, base) = conversation_mutation(&c, server, Some(&base), true);
        assert_eq!(d.unwrap().args, json!({ "id": server, "done": true }));
        let (d, _) = conversation_mutation(&c, server, Some(&base), true);
        assert!(d.is_none());
    }
}
