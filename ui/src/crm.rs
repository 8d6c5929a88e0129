//! The panel's use of the local store: one async function per thing the agent does.
//!
//! The open [`Store`] lives in a thread-local once [`open`] succeeded (the panel is one thread),
//! so components hold plain data in signals and call these functions; no database handle goes
//! through Leptos. Each function writes one [`Batch`]: all of a change lands, or none of it.

use crate::store::{new_id, now, random_u64, Batch, Store, StoreError};
use nobi_core::crm::link::{link, lookup_keys, merge};
use nobi_core::crm::{
    ConversationRecord, Customer, HistoryEntry, HistoryKind, Id, Settings, Staff, Tag, TAG_COLORS,
};
use nobi_core::protocol::Conversation;
use std::cell::RefCell;

thread_local! {
    static STORE: RefCell<Option<Store>> = const { RefCell::new(None) };
}

/// Opens the store for the rest of the panel's life.
pub async fn open() -> Result<(), StoreError> {
    let store = Store::open().await?;
    STORE.with(|s| *s.borrow_mut() = Some(store));
    Ok(())
}

/// The open store.
///
/// # Panics
/// Before [`open`] succeeded; the panel renders nothing that calls this until then.
pub fn store() -> Store {
    STORE.with(|s| {
        s.borrow()
            .clone()
            .expect("the store is opened before the panel renders")
    })
}

pub async fn settings() -> Settings {
    store()
        .get::<Settings>("settings")
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}

pub async fn save_settings(mut settings: Settings) -> Result<Settings, StoreError> {
    let mut batch = Batch::new();
    batch.put(&mut settings);
    store().write(batch).await?;
    Ok(settings)
}

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
pub async fn save(
    customer: &mut Customer,
    conversation: Option<&mut ConversationRecord>,
    history: &[HistoryEntry],
) -> Result<(), StoreError> {
    let mut batch = Batch::new();
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

/// Merges `other` into `into`, repoints `other`'s conversations and deletes it.
pub async fn merge_customers(into: Customer, other: Customer) -> Result<Customer, StoreError> {
    let store = store();
    let conversations = store
        .by_index::<ConversationRecord>("by_customer", other.id.as_str())
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

pub async fn tags() -> Result<Vec<Tag>, StoreError> {
    let mut tags = store().all::<Tag>().await?;
    tags.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(tags)
}

/// Creates a tag with the next colour of the palette.
pub async fn create_tag(name: &str, existing: usize) -> Result<Tag, StoreError> {
    let mut tag = Tag {
        id: new_id(),
        created_at: now(),
        updated_at: now(),
        name: name.trim().to_owned(),
        color: TAG_COLORS[existing % TAG_COLORS.len()].to_owned(),
    };
    let mut batch = Batch::new();
    batch.put(&mut tag);
    store().write(batch).await?;
    Ok(tag)
}

pub async fn staff() -> Result<Vec<Staff>, StoreError> {
    let mut staff = store().all::<Staff>().await?;
    staff.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(staff)
}

pub async fn create_staff(name: &str) -> Result<Staff, StoreError> {
    let mut member = Staff {
        id: new_id(),
        created_at: now(),
        updated_at: now(),
        name: name.trim().to_owned(),
    };
    let mut batch = Batch::new();
    batch.put(&mut member);
    store().write(batch).await?;
    Ok(member)
}

/// Every customer and conversation (the list view and exports).
pub async fn everything() -> Result<(Vec<Customer>, Vec<ConversationRecord>), StoreError> {
    let store = store();
    Ok((
        store.all::<Customer>().await?,
        store.all::<ConversationRecord>().await?,
    ))
}

/// The catalog: every product and combo.
pub async fn catalog() -> Result<nobi_core::order::catalog::Catalog, StoreError> {
    use nobi_core::order::catalog::{Catalog, Combo, Product};
    let store = store();
    let mut products = store.all::<Product>().await?;
    products.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Catalog {
        products,
        combos: store.all::<Combo>().await?,
    })
}

/// The customer's orders, newest first.
pub async fn orders_of(customer: &Id) -> Result<Vec<nobi_core::order::Order>, StoreError> {
    let mut orders = store()
        .by_index::<nobi_core::order::Order>("by_customer", customer.as_str())
        .await?;
    orders.sort_by_key(|o| std::cmp::Reverse(o.created_at));
    Ok(orders)
}

/// Orders of other customers sent to one of these phones, newest first.
pub async fn orders_by_phones(
    phones: &[String],
    except: &Id,
) -> Result<Vec<nobi_core::order::Order>, StoreError> {
    let mut out: Vec<nobi_core::order::Order> = Vec::new();
    for phone in phones {
        for order in store()
            .by_index::<nobi_core::order::Order>("by_phone", phone)
            .await?
        {
            let theirs = order.customer_id.as_deref() != Some(except.as_str());
            if theirs && !out.iter().any(|o| o.id == order.id) {
                out.push(order);
            }
        }
    }
    out.sort_by_key(|o| std::cmp::Reverse(o.created_at));
    Ok(out)
}

/// Writes an order and the products whose stock it changed, in one transaction.
pub async fn save_order(
    order: &mut nobi_core::order::Order,
    touched: &[nobi_core::order::catalog::Product],
) -> Result<(), StoreError> {
    let mut batch = Batch::new();
    batch.put(order);
    for product in touched {
        batch.put_as_is(product);
    }
    store().write(batch).await
}

/// Deletes an order (its stock already released by the caller) and writes the products.
pub async fn delete_order(
    order: &nobi_core::order::Order,
    touched: &[nobi_core::order::catalog::Product],
) -> Result<(), StoreError> {
    let mut batch = Batch::new();
    batch.delete::<nobi_core::order::Order>(&Id(order.id.clone()));
    for product in touched {
        batch.put_as_is(product);
    }
    store().write(batch).await
}

/// Writes products (the products tab, imports).
pub async fn save_products(
    products: &[nobi_core::order::catalog::Product],
) -> Result<(), StoreError> {
    let mut batch = Batch::new();
    for product in products {
        batch.put_as_is(product);
    }
    store().write(batch).await
}

/// A product import: its products and, when the file stocks new warehouses, the settings that
/// list them, in one transaction (both land or neither does). Returns the settings as stored.
pub async fn import_products(
    products: &[nobi_core::order::catalog::Product],
    settings: Option<Settings>,
) -> Result<Option<Settings>, StoreError> {
    let mut batch = Batch::new();
    for product in products {
        batch.put_as_is(product);
    }
    let settings = settings.map(|mut s| {
        batch.put(&mut s);
        s
    });
    store().write(batch).await?;
    Ok(settings)
}
