//! Customers, their conversations and history: linking a thread to its customer, saving an edit, merging.

use super::store;
use crate::db::store::{new_id, now, random_u64, Batch, StoreError};
use nobi_core::crm::link::{link, lookup_keys, merge};
use nobi_core::crm::{ConversationRecord, Customer, HistoryEntry, HistoryKind, Id};
use nobi_core::protocol::Conversation;

/// The customer and conversation records of the thread the page shows, created on first sight.
pub async fn link_conversation(
    seen: &Conversation,
) -> Result<(Customer, ConversationRecord), StoreError> {
    let store = store();
    // One record for every id of the conversation (an encrypted chat's earlier id, a
    // messenger.com thread now on facebook.com): the first that exists.
    let mut stored_conversation = None;
    for thread in std::iter::once(&seen.thread).chain(&seen.also_known_as) {
        let id = ConversationRecord::id_for(thread.platform, &thread.thread_id);
        if let Some(found) = store.get::<ConversationRecord>(id.as_str()).await? {
            stored_conversation = Some(found);
            break;
        }
    }
    let mut stored_customer = match &stored_conversation {
        Some(c) => store.get::<Customer>(c.customer_id.as_str()).await?,
        None => None,
    };
    if stored_customer.is_none() {
        for key in lookup_keys(seen) {
            if let Some(found) = store.by_index::<Customer>("by_identity", &key).await?.pop() {
                stored_customer = Some(found);
                break;
            }
        }
    }
    let linked = link(
        seen,
        stored_conversation,
        stored_customer,
        now(),
        random_u64(),
    );
    if linked.changed {
        let mut batch = Batch::new();
        batch.put_as_is(&linked.customer);
        batch.put_as_is(&linked.conversation);
        store.write(batch).await?;
    }
    Ok((linked.customer, linked.conversation))
}

/// Saves the customer (and the conversation, and history entries) in one transaction.
/// Writes an edited customer (and conversation, and history) unless the stored customer no
/// longer has `read_at` as its `updated_at` ([`StoreError::Conflict`]: changed elsewhere since it
/// was read). On success `customer.updated_at` is the write's time.
pub async fn save(
    customer: &mut Customer,
    conversation: Option<&mut ConversationRecord>,
    history: &[HistoryEntry],
    read_at: nobi_core::crm::Millis,
) -> Result<(), StoreError> {
    let mut batch = Batch::new();
    batch.expect_unchanged::<Customer>(&customer.id, read_at);
    customer.refresh_keys();
    batch.put(customer);
    if let Some(conversation) = conversation {
        batch.put(conversation);
    }
    for entry in history {
        batch.put_as_is(entry);
    }
    store().write(batch).await
}

/// A history entry for a change made now.
pub fn history_entry(
    customer: &Customer,
    conversation: Option<&ConversationRecord>,
    kind: HistoryKind,
    from: Option<String>,
    to: Option<String>,
    by: Option<Id>,
) -> HistoryEntry {
    HistoryEntry {
        id: new_id(),
        at: now(),
        customer_id: customer.id.clone(),
        conversation_id: conversation.map(|c| c.id.clone()),
        kind,
        from,
        to,
        by,
    }
}

/// The customer's history, newest first.
pub async fn history(customer: &Id) -> Result<Vec<HistoryEntry>, StoreError> {
    let mut entries = store()
        .by_index::<HistoryEntry>("by_customer", customer.as_str())
        .await?;
    entries.sort_by_key(|e| std::cmp::Reverse(e.at));
    Ok(entries)
}

/// The other customers that have one of this customer's phones.
pub async fn same_phone(customer: &Customer) -> Result<Vec<Customer>, StoreError> {
    let mut out: Vec<Customer> = Vec::new();
    for phone in &customer.phone_keys {
        for other in store().by_index::<Customer>("by_phone", phone).await? {
            if other.id != customer.id && !out.iter().any(|o| o.id == other.id) {
                out.push(other);
            }
        }
    }
    Ok(out)
}

/// Merges `other` into `into`, repoints `other`'s conversations and orders and deletes it.
pub async fn merge_customers(into: Customer, other: Customer) -> Result<Customer, StoreError> {
    let store = store();
    let conversations = store
        .by_index::<ConversationRecord>("by_customer", other.id.as_str())
        .await?;
    let orders = store
        .by_index::<nobi_core::order::Order>("by_customer", other.id.as_str())
        .await?;
    let other_id = other.id.clone();
    let other_name = other.name.clone();
    let mut merged = merge(into, other, now());
    let mut batch = Batch::new();
    batch.put(&mut merged);
    for mut conversation in conversations {
        conversation.customer_id = merged.id.clone();
        batch.put(&mut conversation);
    }
    // Their orders follow them (they were left pointing at the deleted record).
    for mut order in orders {
        order.customer_id = Some(merged.id.0.clone());
        batch.put(&mut order);
    }
    batch.delete::<Customer>(&other_id);
    let entry = history_entry(
        &merged,
        None,
        HistoryKind::Merged,
        Some(other_name),
        Some(merged.name.clone()),
        None,
    );
    batch.put_as_is(&entry);
    store.write(batch).await?;
    Ok(merged)
}

/// Every customer and conversation (the list view and exports).
pub async fn everything() -> Result<(Vec<Customer>, Vec<ConversationRecord>), StoreError> {
    let store = store();
    Ok((
        store.all::<Customer>().await?,
        store.all::<ConversationRecord>().await?,
    ))
}

/// Writes a planned customer import: its new tags, new and updated customers, in one
/// transaction (all of it lands, or none).
pub async fn import(plan: &nobi_core::crm::import::ImportPlan) -> Result<(), StoreError> {
    let mut batch = Batch::new();
    for tag in &plan.new_tags {
        batch.put_as_is(tag);
    }
    for c in plan.creates.iter().chain(&plan.updates) {
        batch.put_as_is(c);
    }
    // An update is the preview's copy: written only over the customer as the preview read it.
    for (c, read_at) in plan.updates.iter().zip(&plan.read_at) {
        batch.expect_unchanged::<Customer>(&c.id, *read_at);
    }
    store().write(batch).await
}
