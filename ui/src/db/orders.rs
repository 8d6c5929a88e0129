//! Orders: a customer's orders, orders to the same phones, writes that move stock in the same transaction.

use super::store;
use crate::db::store::{Batch, StoreError};
use nobi_core::crm::Id;

/// A product an order's change wrote: as it is now, and as it was read (the write expects the
/// stored one unchanged, so a count written meanwhile by team sync or another panel is not
/// overwritten).
#[derive(Clone)]
pub struct Touched {
    pub read: Option<nobi_core::order::catalog::Product>,
    pub now: nobi_core::order::catalog::Product,
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

/// Writes an order and the products whose stock it changed, in one transaction. `seen` is the
/// `updated_at` of the stored order the change was made on (None for a new order): if the
/// order changed since (team sync wrote the server's version, another panel), nothing is
/// written and the error is [`StoreError::Conflict`].
pub async fn save_order(
    order: &mut nobi_core::order::Order,
    touched: &[Touched],
    seen: Option<nobi_core::crm::Millis>,
) -> Result<(), StoreError> {
    let mut batch = Batch::new();
    if let Some(at) = seen {
        batch.expect_unchanged::<nobi_core::order::Order>(&Id(order.id.clone()), at);
    }
    batch.put(order);
    put_touched(&mut batch, touched);
    store().write(batch).await
}

/// Puts the products an order's change wrote, each expected as it was read.
fn put_touched(batch: &mut Batch, touched: &[Touched]) {
    for t in touched {
        if let Some(read) = &t.read {
            batch.expect_same(read);
        }
        batch.put_as_is(&t.now);
    }
}

/// Deletes an order (its stock already released by the caller) and writes the products.
pub async fn delete_order(
    order: &nobi_core::order::Order,
    touched: &[Touched],
) -> Result<(), StoreError> {
    let mut batch = Batch::new();
    batch.expect_unchanged::<nobi_core::order::Order>(&Id(order.id.clone()), order.updated_at);
    batch.delete::<nobi_core::order::Order>(&Id(order.id.clone()));
    put_touched(&mut batch, touched);
    store().write(batch).await
}
