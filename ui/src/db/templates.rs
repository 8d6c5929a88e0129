//! Message templates: the agent's order, writes of one template or of every template a move shifted.

use crate::db;
use crate::db::store::{Batch, StoreError};
use nobi_core::crm::Id;
use nobi_core::order::{Order, OrderStatus};
use nobi_core::template::{self, Template};

/// Every template, in the agent's order (position, then name).
pub async fn all() -> Result<Vec<Template>, StoreError> {
    let mut templates = db::store().all::<Template>().await?;
    template::sort(&mut templates);
    Ok(templates)
}

/// Writes a template (new or edited), stamping its `updated_at`.
pub async fn save(template: &mut Template) -> Result<(), StoreError> {
    let mut batch = Batch::new();
    batch.put(template);
    db::store().write(batch).await
}

/// Deletes a template.
pub async fn delete(id: &str) -> Result<(), StoreError> {
    let mut batch = Batch::new();
    batch.delete::<Template>(&Id(id.to_owned()));
    db::store().write(batch).await
}

/// Moves template `id` to index `to` of the agent's order ([`template::move_template`]) and
/// writes every template whose position changed, in one transaction. Returns the whole list in
/// its new order, or the list unchanged if `id` is not in it.
pub async fn reorder(
    templates: &[Template],
    id: &str,
    to: usize,
) -> Result<Vec<Template>, StoreError> {
    let mut moved = templates.to_vec();
    let mut batch = Batch::new();
    if !template::move_template(&mut moved, id, to, batch.at().max(0) as u64) {
        return Ok(templates.to_vec());
    }
    for t in &mut moved {
        let before = templates.iter().find(|o| o.id == t.id);
        if before.is_some_and(|o| o.position != t.position) {
            batch.put(t);
        }
    }
    db::store().write(batch).await?;
    template::sort(&mut moved);
    Ok(moved)
}

/// The customer's latest order that is not cancelled (for `{tong_tien}`, `{ma_don}`,
/// `{phi_ship}`), if any.
pub async fn latest_order(customer: &Id) -> Option<Order> {
    db::orders_of(customer)
        .await
        .ok()?
        .into_iter()
        .find(|o| o.status != OrderStatus::Cancelled)
}
