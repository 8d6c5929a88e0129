//! Pulled rows to local writes, and local changes to queued mutations: the two halves of
//! [`SyncState`] that read records.
//!
//! # Conflicts
//!
//! - Customer fields and tags, conversation `done`: last writer wins **by server order**. A
//!   pulled row is the server's state; the mutations still pending here (not yet applied by the
//!   server) are replayed on top of it, so an edit made here is neither lost nor reverted by a
//!   pull that crossed it. Once pushed, it is in the server's order like anyone's.
//! - Notes are append-only: a pulled note is added to its customer if this browser lacks it;
//!   nothing removes a note.
//! - **The server decides** a conversation's assignee (claims, assignment, round-robin, the
//!   offline sweep): the pulled value always replaces the local one, pending or not.
//! - A tombstone (the row was deleted or is no longer visible to this agent) deletes the record
//!   here, and mutations still pending for it are dropped (reported in [`PullResult::dropped`]:
//!   the server would refuse them).
//! - `reset: true` (first pull, stale cursor, the agent's visibility changed): the pull holds
//!   everything visible; records the server had given and no longer does are deleted, records
//!   that never reached the server are kept (their mutations are pending).

use std::collections::{BTreeMap, BTreeSet};

use nobi_crm::{
    Change, ChangeOp, ConversationRecord, ConversationStatus, Customer, Id, Note, Staff, Tag,
    TAG_COLORS,
};
use nobi_protocol::Platform;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ids::{fingerprint, id_of, parse_time, uuid_of};
use crate::machine::{SyncState, MAX_REFUSALS};
use crate::orders::{self, OrderRefusal};
use crate::outgoing::{
    conversation_mutation, customer_data, customer_mutations, fingerprints, Base, ConversationBase,
    Local, Mutation, NotSynced, CUSTOMER_KEYS,
};

/// A changed row of a pull.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub entity: String,
    pub row: Value,
}

/// A row no longer visible (or deleted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tombstone {
    pub entity: String,
    pub id: String,
}

/// The body of a successful `/v1/pull`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pulled {
    pub cursor: String,
    #[serde(default)]
    pub reset: bool,
    #[serde(default)]
    pub last_mutation_id: i64,
    #[serde(default)]
    pub changes: Vec<Row>,
    #[serde(default)]
    pub tombstones: Vec<Tombstone>,
    /// Another page follows: pull again at once with `cursor`.
    #[serde(default)]
    pub more: bool,
    /// The first page of a full resync (`reset`): what earlier pages of an interrupted one
    /// brought does not count.
    #[serde(default)]
    pub from_start: bool,
    /// Not a pull: the server refused `mutation` (an order's change) and sent the rows to take
    /// instead. The cursor is left as it was.
    #[serde(skip)]
    pub refused: Option<(Mutation, OrderRefusal)>,
}

impl Pulled {
    /// The rows of a refusal (`error` is the error object of the push's answer) as a pull that
    /// changes nothing but them, keeping `cursor`.
    pub fn refusal(
        cursor: Option<String>,
        mutation: Mutation,
        code: String,
        error: &Value,
        now: u64,
    ) -> Pulled {
        let changes: Vec<Row> = error
            .get("rows")
            .cloned()
            .and_then(|r| serde_json::from_value(r).ok())
            .unwrap_or_default();
        let shortages = error
            .get("shortages")
            .cloned()
            .and_then(|s| serde_json::from_value(s).ok())
            .unwrap_or_default();
        let uuid = orders::subject(&mutation).unwrap_or_default().to_owned();
        let status = changes
            .iter()
            .find(|r| r.entity == "order" && str_of(&r.row, "id") == Some(uuid.as_str()))
            .and_then(|r| r.row.get("status"))
            .or_else(|| error.get("status"))
            .and_then(|s| serde_json::from_value(s.clone()).ok());
        let refusal = OrderRefusal {
            order: id_of(&uuid).0,
            code,
            mutation: mutation.name.clone(),
            shortages,
            status,
            at: now,
        };
        Pulled {
            cursor: cursor.unwrap_or_default(),
            reset: false,
            last_mutation_id: 0,
            changes,
            tombstones: Vec::new(),
            more: false,
            from_start: false,
            refused: Some((mutation, refusal)),
        }
    }
}

/// The local records a pull touches, which the worker reads before [`SyncState::apply_pull`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocalIds {
    pub customers: BTreeSet<Id>,
    pub conversations: BTreeSet<Id>,
    pub orders: BTreeSet<Id>,
    pub products: BTreeSet<Id>,
}

/// One write to the local store.
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    PutTag(Tag),
    PutStaff(Staff),
    PutCustomer(Customer),
    PutConversation(ConversationRecord),
    DeleteCustomer(Id),
    DeleteConversation(Id),
    PutOrder(Box<nobi_order::Order>),
    PutProduct(nobi_order::Product),
    DeleteOrder(Id),
}

/// What applying a pull gives the worker: its writes (store them with the state, in one
/// transaction; logged like any write, they plan to nothing, since the bases now hold what they
/// wrote) and the pending mutations dropped because their record disappeared.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PullResult {
    pub writes: Vec<Write>,
    pub dropped: Vec<Mutation>,
    /// `(local, server)`: a conversation this browser had linked to its own customer `local`
    /// belongs on the server to `server`'s customer (another agent's browser reported the buyer
    /// first). The conversation now points to `server`; the worker merges `local` into it
    /// (`nobi_crm::link::merge`) and deletes `local`, so one buyer stays one record.
    pub merges: Vec<(Id, Id)>,
}

fn str_of<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
}

fn platform_of(row: &Value) -> Option<Platform> {
    serde_json::from_value(row.get("platform")?.clone()).ok()
}

fn conversation_local_id(row: &Value) -> Option<Id> {
    Some(ConversationRecord::id_for(
        platform_of(row)?,
        str_of(row, "thread_id")?,
    ))
}

/// The id of the record a mutation is about (a customer's UUID, a conversation's UUID).
fn subject(m: &Mutation) -> Option<&str> {
    if let Some(s) = orders::subject(m) {
        return Some(s);
    }
    match m.name.as_str() {
        "customer_put" | "conversation_set" => str_of(&m.args, "id"),
        _ => str_of(&m.args, "customer_id"),
    }
}

/// The tag's local id for a name: the existing tag of that name, else a new one (stable id from
/// the name, so two pulls make the same tag).
fn tag_for(tags: &mut Vec<Tag>, writes: &mut Vec<Write>, name: &str, now: i64) -> Id {
    if let Some(t) = tags.iter().find(|t| t.name.trim() == name) {
        return t.id.clone();
    }
    let fp = fingerprint(name.as_bytes());
    let tag = Tag {
        id: Id(format!("tag-{fp:016x}")),
        created_at: now,
        updated_at: now,
        name: name.to_owned(),
        color: TAG_COLORS[(fp % (TAG_COLORS.len() as u64 - 1)) as usize].to_owned(),
    };
    writes.push(Write::PutTag(tag.clone()));
    tags.push(tag.clone());
    tag.id
}

/// `c` with the fields of [`CUSTOMER_KEYS`] taken from `data` (absent = default). A field the
/// server holds in a shape this version cannot read keeps its local value.
fn with_data(c: &Customer, data: &Map<String, Value>) -> Customer {
    let Ok(Value::Object(mut obj)) = serde_json::to_value(c) else {
        return c.clone();
    };
    let set = |obj: &mut Map<String, Value>, key: &str| match data.get(key) {
        Some(v) if !v.is_null() => {
            obj.insert(key.into(), v.clone());
        }
        _ if key == "name" => {
            obj.insert(key.into(), Value::String(String::new()));
        }
        _ => {
            obj.remove(key);
        }
    };
    for key in CUSTOMER_KEYS {
        set(&mut obj, key);
    }
    if let Ok(out) = serde_json::from_value(Value::Object(obj)) {
        return out;
    }
    let mut out = c.clone();
    for key in CUSTOMER_KEYS {
        let Ok(Value::Object(mut one)) = serde_json::to_value(&out) else {
            break;
        };
        set(&mut one, key);
        if let Ok(next) = serde_json::from_value(Value::Object(one)) {
            out = next;
        }
    }
    out
}

impl Pulled {
    /// The local records to read before applying this pull.
    pub fn local_ids(&self) -> LocalIds {
        let mut ids = LocalIds::default();
        for r in &self.changes {
            match r.entity.as_str() {
                "customer" => {
                    if let Some(u) = str_of(&r.row, "id") {
                        ids.customers.insert(id_of(u));
                    }
                }
                "note" => {
                    if let Some(u) = str_of(&r.row, "customer_id") {
                        ids.customers.insert(id_of(u));
                    }
                }
                "conversation" => {
                    if let Some(id) = conversation_local_id(&r.row) {
                        ids.conversations.insert(id);
                    }
                }
                "order" => {
                    if let Some(u) = str_of(&r.row, "id") {
                        ids.orders.insert(id_of(u));
                    }
                }
                "product" => {
                    if let Some(u) = str_of(&r.row, "id") {
                        ids.products.insert(id_of(u));
                    }
                }
                _ => {}
            }
        }
        for t in &self.tombstones {
            if t.entity == "order" {
                ids.orders.insert(id_of(&t.id));
            }
        }
        if let Some((m, _)) = &self.refused {
            if let Some(u) = orders::subject(m) {
                ids.orders.insert(id_of(u));
            }
        }
        ids
    }
}

impl SyncState {
    /// Turns local change-log entries `(key, change)` into queued mutations (see
    /// [`crate::outgoing`] for what syncs and how changes coalesce). Entries at or below
    /// [`SyncState::change_seq`] were recorded already and are skipped, so the worker may hand
    /// the same entries again after a restart. `local` holds the current records of the changed
    /// customers and conversations (absent: deleted) and every tag.
    ///
    /// Record every change before applying a pull ([`SyncState::apply_pull`]): a pulled row
    /// replaces the local record, and an edit not yet queued would be overwritten.
    pub fn record_changes(
        &mut self,
        changes: &[(u64, Change)],
        local: &Local,
    ) -> Vec<(Change, NotSynced)> {
        use nobi_crm::schema::{CONVERSATIONS, CUSTOMERS, ORDERS, PRODUCTS};
        let mut not_synced = Vec::new();
        let mut customers: Vec<(Id, Change)> = Vec::new();
        let mut conversations: Vec<(Id, Change)> = Vec::new();
        let mut order_changes: Vec<(Id, Change)> = Vec::new();
        let mut products: Vec<(Id, Change)> = Vec::new();
        for (seq, change) in changes {
            if *seq <= self.change_seq {
                continue;
            }
            self.change_seq = *seq;
            let list = match change.store.as_str() {
                CUSTOMERS => &mut customers,
                CONVERSATIONS => &mut conversations,
                ORDERS => &mut order_changes,
                PRODUCTS => &mut products,
                _ => {
                    not_synced.push((change.clone(), NotSynced::StaysLocal));
                    continue;
                }
            };
            // Coalesce: the last change of a record stands for all of its changes.
            list.retain(|(id, _)| id != &change.id);
            list.push((change.id.clone(), change.clone()));
        }
        for (id, change) in customers {
            let Some(c) = local.customers.get(&id) else {
                not_synced.push((change, NotSynced::DeleteStaysLocal));
                continue;
            };
            match customer_mutations(c, self.bases.get(id.as_str()), &local.tags) {
                Ok((drafts, base, problems)) => {
                    for d in drafts {
                        self.queue(d.name, d.args);
                    }
                    self.bases.insert(id.0.clone(), base);
                    not_synced.extend(problems.into_iter().map(|p| (change.clone(), p)));
                }
                Err(p) => not_synced.push((change, p)),
            }
        }
        for (id, change) in conversations {
            let Some(c) = local.conversations.get(&id) else {
                self.held.remove(id.as_str());
                not_synced.push((change, NotSynced::DeleteStaysLocal));
                continue;
            };
            let Some(server_id) = self.conversations.get(id.as_str()).cloned() else {
                self.held.insert(id.0.clone());
                not_synced.push((change, NotSynced::WaitingForConversation));
                continue;
            };
            self.held.remove(id.as_str());
            self.plan_conversation(c, &server_id);
        }
        // Orders are planned before products (a delivered order's commit is the server's to
        // make, and the products' bases must know it before their counts are compared) but
        // queued after them (an order reserves against a product's first counts and receipts).
        let mut order_drafts = Vec::new();
        for (id, change) in order_changes {
            let Some(o) = local.orders.get(&id) else {
                self.refused_orders.remove(id.as_str());
                not_synced.push((change, NotSynced::DeleteStaysLocal));
                continue;
            };
            if self.refused_orders.get(id.as_str()) == Some(&orders::order_print(o)) {
                // Sync's own rewrite after the server refused it: nothing the agent changed.
                continue;
            }
            self.refused_orders.remove(id.as_str());
            let base = self.order_bases.get(id.as_str());
            let customer = o
                .customer_id
                .as_ref()
                .filter(|c| self.bases.contains_key(c.as_str()))
                .and_then(|c| uuid_of(&Id(c.clone())));
            match orders::order_mutations(o, base, customer) {
                Ok((drafts, next)) => {
                    for (k, q) in orders::commits_of(base, o) {
                        *self.commits_waiting.entry(k).or_default() += q;
                    }
                    if !drafts.is_empty() {
                        // The agent changed it since: the refusal is old news.
                        self.refusals.retain(|r| r.order != id.0);
                    }
                    order_drafts.extend(drafts);
                    self.order_bases.insert(id.0.clone(), next);
                }
                Err(p) => not_synced.push((change, p)),
            }
        }
        for (id, change) in products {
            let Some(p) = local.products.get(&id) else {
                not_synced.push((change, NotSynced::DeleteStaysLocal));
                continue;
            };
            match orders::product_mutations(
                p,
                self.product_bases.get(id.as_str()),
                &self.commits_waiting,
            ) {
                Ok((drafts, next)) => {
                    // Those commits are in this product's base now.
                    self.commits_waiting
                        .retain(|k, _| !next.on_hand.contains_key(k));
                    for d in drafts {
                        self.queue(d.name, d.args);
                    }
                    self.product_bases.insert(id.0.clone(), next);
                }
                Err(p) => not_synced.push((change, p)),
            }
        }
        for d in order_drafts {
            self.queue(d.name, d.args);
        }
        self.settle_status();
        not_synced
    }

    /// The server refused an order's change: its rows (in `pulled`) replace the local records
    /// like a pull's; an order the server does not have (a refused create) keeps its fields here
    /// but holds no stock, and is created again by its next change.
    fn apply_refusal(
        &mut self,
        refused: &(Mutation, OrderRefusal),
        pulled: &Pulled,
        local: &Local,
        out: &mut PullResult,
    ) {
        let (mutation, refusal) = refused;
        let Some(uuid) = orders::subject(mutation) else {
            return;
        };
        let lid = id_of(uuid);
        let on_server = pulled
            .changes
            .iter()
            .any(|r| r.entity == "order" && str_of(&r.row, "id") == Some(uuid));
        if !on_server && mutation.name == "order_create" {
            // Whatever else was queued for it would be refused too; the next change of the
            // order sends it whole.
            out.dropped.extend(self.drop_pending_for(uuid));
            self.order_bases.remove(lid.as_str());
            if let Some(o) = local.orders.get(&lid) {
                let mut o = o.clone();
                o.reservation = None;
                // A panel still holding the order from before must see it changed.
                o.updated_at = o.updated_at.max(refusal.at as i64);
                self.refused_orders
                    .insert(lid.0.clone(), orders::order_print(&o));
                out.writes.push(Write::PutOrder(Box::new(o)));
            }
        }
        self.refusals.retain(|r| r.order != refusal.order);
        self.refusals.push(refusal.clone());
        let extra = self.refusals.len().saturating_sub(MAX_REFUSALS);
        self.refusals.drain(..extra);
    }

    fn plan_conversation(&mut self, c: &ConversationRecord, server_id: &str) {
        let known = self.bases.contains_key(c.customer_id.as_str());
        let (draft, base) = conversation_mutation(
            c,
            server_id,
            self.conversation_bases.get(c.id.as_str()),
            known,
        );
        if let Some(d) = draft {
            self.queue(d.name, d.args);
        }
        self.conversation_bases.insert(c.id.0.clone(), base);
    }

    fn pending_for(&self, uuid: &str) -> Vec<Mutation> {
        self.pending
            .iter()
            .filter(|m| subject(m) == Some(uuid))
            .cloned()
            .collect()
    }

    fn drop_pending_for(&mut self, uuid: &str) -> Vec<Mutation> {
        let (dropped, kept) = std::mem::take(&mut self.pending)
            .into_iter()
            .partition(|m| subject(m) == Some(uuid));
        self.pending = kept;
        dropped
    }

    /// Applies a pull ([`Outcome::Pulled`](crate::Outcome::Pulled)) to the local records the
    /// worker read for it ([`Pulled::local_ids`]; every tag) at `now` (Unix ms): the local writes
    /// to make, the new cursor and bases. The worker stores the writes and the state in one
    /// transaction.
    pub fn apply_pull(&mut self, pulled: &Pulled, local: &Local, now: u64) -> PullResult {
        let now_ms = now as i64;
        let mut out = PullResult::default();
        let mut tags = local.tags.clone();
        let mut tag_writes = Vec::new();
        let mut staff = Vec::new();
        let mut customers: BTreeMap<Id, Customer> = BTreeMap::new();
        let mut conversations: BTreeMap<Id, ConversationRecord> = BTreeMap::new();
        let mut seen_customers: BTreeSet<String> = BTreeSet::new();
        let mut seen_conversations: BTreeSet<String> = BTreeSet::new();
        let mut order_writes: BTreeMap<Id, nobi_order::Order> = BTreeMap::new();
        let mut product_writes: BTreeMap<Id, nobi_order::Product> = BTreeMap::new();
        let mut seen_orders: BTreeSet<String> = BTreeSet::new();
        let mut deletes = Vec::new();
        let customer_of = |customers: &BTreeMap<Id, Customer>, id: &Id| {
            customers
                .get(id)
                .or_else(|| local.customers.get(id))
                .cloned()
        };
        for r in &pulled.changes {
            let row = &r.row;
            let Some(uuid) = str_of(row, "id") else {
                continue;
            };
            match r.entity.as_str() {
                "user" => staff.push(Write::PutStaff(Staff {
                    id: Id(uuid.to_owned()),
                    created_at: now_ms,
                    updated_at: now_ms,
                    name: str_of(row, "name").unwrap_or_default().to_owned(),
                })),
                "customer" => {
                    if self.merged_away.contains(uuid) {
                        continue;
                    }
                    let lid = id_of(uuid);
                    seen_customers.insert(lid.0.clone());
                    let mut data = row
                        .get("data")
                        .and_then(Value::as_object)
                        .cloned()
                        .unwrap_or_default();
                    let mut names: Vec<String> = row
                        .get("tags")
                        .and_then(Value::as_array)
                        .map(|a| {
                            a.iter()
                                .filter_map(Value::as_str)
                                .map(str::to_owned)
                                .collect()
                        })
                        .unwrap_or_default();
                    let mut notes = self
                        .bases
                        .get(lid.as_str())
                        .map(|b| b.notes.clone())
                        .unwrap_or_default();
                    // Replay what is still pending here on top of the server's row.
                    for m in self.pending_for(uuid) {
                        match m.name.as_str() {
                            "customer_put" => {
                                if let Some(d) = m.args.get("data").and_then(Value::as_object) {
                                    for (k, v) in d {
                                        if v.is_null() {
                                            data.remove(k);
                                        } else {
                                            data.insert(k.clone(), v.clone());
                                        }
                                    }
                                }
                            }
                            "tag_add" | "tag_remove" => {
                                let tag = str_of(&m.args, "tag").unwrap_or_default().to_owned();
                                names.retain(|n| n != &tag);
                                if m.name == "tag_add" {
                                    names.push(tag);
                                }
                            }
                            "note_add" => {
                                if let Some(n) = str_of(&m.args, "id") {
                                    notes.insert(n.to_owned());
                                }
                            }
                            _ => {}
                        }
                    }
                    let old = customer_of(&customers, &lid).unwrap_or_else(|| Customer {
                        id: lid.clone(),
                        created_at: str_of(row, "created_at")
                            .and_then(parse_time)
                            .unwrap_or(now_ms),
                        ..Customer::default()
                    });
                    let mut c = with_data(&old, &data);
                    c.tags = names
                        .iter()
                        .map(|n| tag_for(&mut tags, &mut tag_writes, n, now_ms))
                        .collect();
                    c.updated_at = now_ms;
                    c.refresh_keys();
                    self.bases.insert(
                        lid.0.clone(),
                        Base {
                            // Read back through the local type: a field the server lacks and
                            // one at its default (`[]`) are the same.
                            data: fingerprints(&customer_data(&c)),
                            tags: names.into_iter().collect(),
                            notes,
                        },
                    );
                    customers.insert(lid, c);
                }
                "conversation" => {
                    let Some(lid) = conversation_local_id(row) else {
                        continue;
                    };
                    seen_conversations.insert(lid.0.clone());
                    self.conversations.insert(lid.0.clone(), uuid.to_owned());
                    let server = ConversationBase {
                        done: row.get("done").and_then(Value::as_bool).unwrap_or(false),
                        customer: str_of(row, "customer_id").map(str::to_owned),
                    };
                    let assignee = str_of(row, "assignee").map(|a| Id(a.to_owned()));
                    let existing = conversations
                        .get(&lid)
                        .or_else(|| local.conversations.get(&lid))
                        .cloned();
                    // Another browser reported this buyer first: the server's customer wins,
                    // and this browser's record of the buyer is merged into it.
                    let existing = existing.map(|mut c| {
                        if let Some(sc) = server.customer.as_deref() {
                            let theirs = id_of(sc);
                            if c.customer_id != theirs
                                && uuid_of(&c.customer_id).as_deref() != Some(sc)
                            {
                                if let Some(mine) = uuid_of(&c.customer_id) {
                                    // Its puts would be refused (the server never shows it).
                                    out.dropped.extend(self.drop_pending_for(&mine));
                                    self.rejected
                                        .retain(|r| subject(&r.mutation) != Some(mine.as_str()));
                                    self.bases.remove(c.customer_id.as_str());
                                    self.merged_away.insert(mine);
                                }
                                out.merges.push((c.customer_id.clone(), theirs.clone()));
                                c.customer_id = theirs;
                            }
                        }
                        c
                    });
                    if let (true, Some(mut c)) = (self.held.remove(lid.as_str()), existing.clone())
                    {
                        // Changed here before the server knew it: the change goes out now.
                        self.conversation_bases.insert(lid.0.clone(), server);
                        self.plan_conversation(&c, uuid);
                        c.assignee = assignee;
                        c.updated_at = now_ms;
                        conversations.insert(lid, c);
                        continue;
                    }
                    let mut merged = server.clone();
                    for m in self.pending_for(uuid) {
                        if let Some(d) = m.args.get("done").and_then(Value::as_bool) {
                            merged.done = d;
                        }
                        if let Some(cu) = str_of(&m.args, "customer_id") {
                            merged.customer = Some(cu.to_owned());
                        }
                    }
                    let mut c = existing.unwrap_or_else(|| ConversationRecord {
                        id: lid.clone(),
                        created_at: str_of(row, "created_at")
                            .and_then(parse_time)
                            .unwrap_or(now_ms),
                        updated_at: now_ms,
                        platform: platform_of(row).unwrap_or(Platform::Instagram),
                        thread_id: str_of(row, "thread_id").unwrap_or_default().to_owned(),
                        account: None,
                        customer_id: Id::default(),
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
                    c.status = match (merged.done, c.status) {
                        (true, _) => ConversationStatus::Done,
                        (false, ConversationStatus::Done) => ConversationStatus::Processing,
                        (false, s) => s,
                    };
                    if let Some(cu) = &merged.customer {
                        c.customer_id = id_of(cu);
                    }
                    c.assignee = assignee;
                    c.updated_at = now_ms;
                    self.conversation_bases.insert(lid.0.clone(), merged);
                    conversations.insert(lid, c);
                }
                "order" => {
                    let lid = id_of(uuid);
                    seen_orders.insert(lid.0.clone());
                    let pending: Vec<Mutation> = self.pending_for(uuid);
                    let pending: Vec<&Mutation> = pending.iter().collect();
                    match orders::order_from_row(row, local.orders.get(&lid), &pending, now_ms) {
                        Some((o, base)) => {
                            self.order_bases.insert(lid.0.clone(), base);
                            order_writes.insert(lid, o);
                        }
                        // A shape this version cannot read: the local record stays as it is.
                        None => continue,
                    }
                }
                "product" => {
                    let lid = id_of(uuid);
                    let pending: Vec<&Mutation> = self
                        .pending
                        .iter()
                        .filter(|m| {
                            matches!(
                                m.name.as_str(),
                                "product_put" | "stock_adjust" | "order_create"
                            )
                        })
                        .collect();
                    if let Some((p, base)) = orders::product_from_row(row, &pending) {
                        self.product_bases.insert(lid.0.clone(), base);
                        product_writes.insert(lid, p);
                    }
                }
                "note" => {
                    let Some(cu) = str_of(row, "customer_id") else {
                        continue;
                    };
                    if self.merged_away.contains(cu) {
                        continue;
                    }
                    let lid = id_of(cu);
                    let Some(mut c) = customer_of(&customers, &lid) else {
                        continue;
                    };
                    let note_id = id_of(uuid);
                    if !c.notes.iter().any(|n| n.id == note_id) {
                        let at = str_of(row, "created_at")
                            .and_then(parse_time)
                            .unwrap_or(now_ms);
                        let pos = c.notes.partition_point(|n| n.at <= at);
                        c.notes.insert(
                            pos,
                            Note {
                                id: note_id,
                                at,
                                text: str_of(row, "body").unwrap_or_default().to_owned(),
                                author: str_of(row, "author").map(|a| Id(a.to_owned())),
                            },
                        );
                        c.updated_at = now_ms;
                    }
                    if let Some(b) = self.bases.get_mut(lid.as_str()) {
                        b.notes.insert(uuid.to_owned());
                    }
                    customers.insert(lid, c);
                }
                _ => {}
            }
        }
        for t in &pulled.tombstones {
            match t.entity.as_str() {
                "customer" => {
                    let lid = id_of(&t.id);
                    self.bases.remove(lid.as_str());
                    customers.remove(&lid);
                    out.dropped.extend(self.drop_pending_for(&t.id));
                    deletes.push(Write::DeleteCustomer(lid));
                }
                "conversation" => {
                    let found = self
                        .conversations
                        .iter()
                        .find(|(_, u)| **u == t.id)
                        .map(|(l, _)| l.clone());
                    if let Some(l) = found {
                        self.conversations.remove(&l);
                        self.conversation_bases.remove(&l);
                        let lid = Id(l);
                        conversations.remove(&lid);
                        deletes.push(Write::DeleteConversation(lid));
                    }
                    out.dropped.extend(self.drop_pending_for(&t.id));
                }
                "order" => {
                    let lid = id_of(&t.id);
                    self.order_bases.remove(lid.as_str());
                    order_writes.remove(&lid);
                    out.dropped.extend(self.drop_pending_for(&t.id));
                    deletes.push(Write::DeleteOrder(lid));
                }
                _ => {}
            }
        }
        // A resync comes in pages: what it brought is counted until its last page, and only
        // then is what it did not bring deleted.
        let resync_done = pulled.reset && !pulled.more;
        if pulled.reset {
            let seen = match (&mut self.resync_seen, pulled.from_start) {
                (Some(seen), false) => seen,
                (slot, _) => slot.insert(crate::machine::ResyncSeen::default()),
            };
            seen.customers.extend(seen_customers);
            seen.conversations.extend(seen_conversations);
            seen.orders.extend(seen_orders);
        }
        if resync_done {
            let seen = self.resync_seen.take().unwrap_or_default();
            let (seen_customers, seen_conversations, seen_orders) =
                (seen.customers, seen.conversations, seen.orders);
            let gone: Vec<String> = self
                .order_bases
                .keys()
                .filter(|l| !seen_orders.contains(*l))
                .filter(|l| {
                    uuid_of(&Id((*l).clone())).is_none_or(|u| self.pending_for(&u).is_empty())
                })
                .cloned()
                .collect();
            for l in gone {
                self.order_bases.remove(&l);
                deletes.push(Write::DeleteOrder(Id(l)));
            }
            let gone: Vec<String> = self
                .bases
                .keys()
                .filter(|l| !seen_customers.contains(*l))
                .filter(|l| {
                    uuid_of(&Id((*l).clone())).is_none_or(|u| self.pending_for(&u).is_empty())
                })
                .cloned()
                .collect();
            for l in gone {
                self.bases.remove(&l);
                deletes.push(Write::DeleteCustomer(Id(l)));
            }
            let gone: Vec<String> = self
                .conversations
                .keys()
                .filter(|l| !seen_conversations.contains(*l))
                .cloned()
                .collect();
            for l in gone {
                self.conversations.remove(&l);
                self.conversation_bases.remove(&l);
                deletes.push(Write::DeleteConversation(Id(l)));
            }
        }
        out.writes.extend(tag_writes);
        out.writes.extend(staff);
        out.writes
            .extend(customers.into_values().map(Write::PutCustomer));
        out.writes
            .extend(conversations.into_values().map(Write::PutConversation));
        out.writes
            .extend(product_writes.into_values().map(Write::PutProduct));
        out.writes.extend(
            order_writes
                .into_values()
                .map(|o| Write::PutOrder(Box::new(o))),
        );
        out.writes.extend(deletes);
        match &pulled.refused {
            Some(refused) => self.apply_refusal(refused, pulled, local, &mut out),
            None => {
                self.cursor = Some(pulled.cursor.clone());
                self.pulled_at(now);
                if pulled.more {
                    self.next_pull_at = now;
                }
            }
        }
        self.settle_status();
        out
    }
}

/// A put of every record in `local`, as change-log entries numbered from `first`: what the
/// worker records once when a browser that already has data joins a shop (its records reach the
/// server like new changes).
pub fn initial_changes(local: &Local, first: u64, now: i64) -> Vec<(u64, Change)> {
    let customers = local
        .customers
        .keys()
        .map(|id| (nobi_crm::schema::CUSTOMERS, id));
    let conversations = local
        .conversations
        .keys()
        .map(|id| (nobi_crm::schema::CONVERSATIONS, id));
    let orders = local.orders.keys().map(|id| (nobi_crm::schema::ORDERS, id));
    let products = local
        .products
        .keys()
        .map(|id| (nobi_crm::schema::PRODUCTS, id));
    // Products first: a product's first put carries its counts, and the orders after it
    // reserve against them.
    products
        .chain(customers)
        .chain(conversations)
        .chain(orders)
        .enumerate()
        .map(|(i, (store, id))| {
            (
                first + i as u64,
                Change {
                    at: now,
                    store: store.into(),
                    id: id.clone(),
                    op: ChangeOp::Put,
                },
            )
        })
        .collect()
}
