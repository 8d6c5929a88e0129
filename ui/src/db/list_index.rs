//! The list's search index, stored between openings (see nobi_core::crm::search snapshots).

use crate::db;
use crate::db::store::StoreError;
use nobi_core::crm::schema;
use nobi_core::crm::search::{row, Index, SnapshotMark};
use nobi_core::crm::{ConversationRecord, Customer, Id};
use nobi_core::order::Order;
use std::collections::HashSet;

/// The key of the list's index in the snapshots store.
const INDEX_SNAPSHOT: &str = "list-index";
/// More changes than this since the stored index was taken: rebuilding is as fast as catching up.
const MAX_CATCH_UP: u32 = 2_000;

/// The list's search index: the stored one when it is current, the stored one brought up to date
/// from the change log when a few records changed since, else built from every record (and then
/// stored for the next time). Opening the list with 50,000 customers thus reads one record
/// instead of decoding 50,000.
pub async fn list_index() -> Result<Index, StoreError> {
    let store = db::store();
    let now = SnapshotMark {
        changes: store.change_count().await?,
        customers: store.count(schema::CUSTOMERS).await?,
    };
    let stored = store.snapshot(INDEX_SNAPSHOT).await.ok().flatten();
    if let Some((mut index, mark)) = stored.as_deref().and_then(Index::from_snapshot) {
        if mark == now {
            return Ok(index);
        }
        if catch_up(&mut index, mark, now).await.unwrap_or(false) {
            let _ = store
                .put_snapshot(INDEX_SNAPSHOT, &index.to_snapshot(now))
                .await;
            return Ok(index);
        }
    }
    let (customers, conversations) = db::everything().await?;
    let with_orders = customers_with_orders(&store).await?;
    let built = Index::build(&customers, &conversations, &with_orders);
    // Stored with the mark read before the records: a write in between makes it stale, never
    // wrongly current.
    let _ = store
        .put_snapshot(INDEX_SNAPSHOT, &built.to_snapshot(now))
        .await;
    Ok(built)
}

/// The customers with at least one order. Only each order's `customer_id` is read from the raw
/// records: decoding every order would cost as much as the list itself.
async fn customers_with_orders(store: &db::store::Store) -> Result<HashSet<Id>, StoreError> {
    Ok(store
        .all_raw(schema::ORDERS)
        .await?
        .iter()
        .filter_map(|order| {
            js_sys::Reflect::get(order, &"customer_id".into())
                .ok()?
                .as_string()
        })
        .map(Id)
        .collect())
}

/// Applies the changes between `mark` and `now` to `index`: every customer a change touched is
/// read again (its row rebuilt, or removed when deleted). Returns true if and only if the index
/// is then current; false when catching up cannot be trusted (too many changes, a log that does
/// not add up, a deleted conversation whose customer is unknown, a count that differs).
async fn catch_up(
    index: &mut Index,
    mark: SnapshotMark,
    now: SnapshotMark,
) -> Result<bool, StoreError> {
    if now.changes < mark.changes || now.changes - mark.changes > MAX_CATCH_UP {
        return Ok(false);
    }
    let store = db::store();
    let changes = store.changes_after(mark.changes).await?;
    if changes.len() as u32 != now.changes - mark.changes {
        return Ok(false);
    }
    let mut touched = Vec::<Id>::new();
    for change in changes {
        let customer = match change.store.as_str() {
            schema::CUSTOMERS => change.id,
            schema::CONVERSATIONS => {
                match store.get::<ConversationRecord>(change.id.as_str()).await? {
                    Some(conversation) => conversation.customer_id,
                    None => return Ok(false),
                }
            }
            // An order marks its customer's row ("has an order"); a deleted order's customer is
            // unknown from the log alone, so the index is rebuilt then.
            schema::ORDERS => match store.get::<Order>(change.id.as_str()).await? {
                Some(Order {
                    customer_id: Some(customer),
                    ..
                }) => Id(customer),
                Some(_) => continue,
                None => return Ok(false),
            },
            _ => continue,
        };
        if !touched.contains(&customer) {
            touched.push(customer);
        }
    }
    for id in touched {
        match store.get::<Customer>(id.as_str()).await? {
            Some(customer) => {
                let conversations = store
                    .by_index::<ConversationRecord>("by_customer", id.as_str())
                    .await?;
                let has_order = !store
                    .by_index::<Order>("by_customer", id.as_str())
                    .await?
                    .is_empty();
                index.upsert(row(&customer, &conversations, has_order), &customer);
            }
            None => {
                index.remove(&id);
            }
        }
    }
    Ok(index.len() == now.customers as usize)
}
