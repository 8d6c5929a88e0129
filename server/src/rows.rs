//! The synced rows as the extension receives them, one query per entity. Each query returns
//! (id, row JSON) for the given ids, or for every row when the ids are NULL, filtered by
//! row-level security: a row the caller may not see is simply absent (the pull turns it into a
//! tombstone).
//!
//! `product` and `order` come last, so a full pull sends an order's customer before the order.
//! A product row carries the stock of its SKUs (`stock: [{sku, warehouse, on_hand, reserved}]`,
//! every warehouse, by sku then warehouse): a stock change resends the products of its SKU.
//! An order row is `{id, customer_id, status, data, reservation, history, created_by, created_at}`.

use serde_json::Value;
use uuid::Uuid;

use crate::db::Tx;

pub const ENTITIES: &[&str] = &[
    "user",
    "page",
    "customer",
    "conversation",
    "note",
    "product",
    "order",
];

fn query(entity: &str) -> Option<&'static str> {
    Some(match entity {
        "user" => {
            "SELECT u.id, jsonb_build_object('id', u.id, 'name', u.name, 'role', u.role, 'disabled', u.disabled)
               FROM users u WHERE $1::uuid[] IS NULL OR u.id = ANY($1)"
        }
        "page" => {
            "SELECT p.id, jsonb_build_object('id', p.id, 'platform', p.platform, 'external_id', p.external_id,
                    'name', p.name,
                    'rule', (SELECT to_jsonb(r) - 'shop_id' - 'page_id' - 'updated_at' FROM page_rules r WHERE r.page_id = p.id),
                    'members', (SELECT coalesce(jsonb_agg(m.user_id ORDER BY m.user_id), '[]') FROM page_members m
                                 WHERE m.page_id = p.id))
               FROM pages p WHERE $1::uuid[] IS NULL OR p.id = ANY($1)"
        }
        "customer" => {
            "SELECT c.id, jsonb_build_object('id', c.id, 'data', c.data, 'tags', to_jsonb(c.tags),
                    'created_by', c.created_by, 'created_at', c.created_at)
               FROM customers c WHERE $1::uuid[] IS NULL OR c.id = ANY($1)"
        }
        "conversation" => {
            "SELECT c.id, to_jsonb(c) - 'shop_id' FROM conversations c WHERE $1::uuid[] IS NULL OR c.id = ANY($1)"
        }
        "note" => {
            "SELECT n.id, to_jsonb(n) - 'shop_id' FROM notes n WHERE $1::uuid[] IS NULL OR n.id = ANY($1)"
        }
        "product" => {
            "SELECT p.id, jsonb_build_object('id', p.id, 'data', p.data,
                    'stock', (SELECT coalesce(jsonb_agg(jsonb_build_object('sku', s.sku, 'warehouse', s.warehouse,
                                      'on_hand', s.on_hand, 'reserved', s.reserved) ORDER BY s.sku, s.warehouse), '[]')
                                FROM stock s WHERE s.shop_id = p.shop_id AND s.sku = ANY(p.skus)),
                    'updated_at', p.updated_at)
               FROM products p WHERE $1::uuid[] IS NULL OR p.id = ANY($1)"
        }
        "order" => {
            "SELECT o.id, jsonb_build_object('id', o.id, 'customer_id', o.customer_id, 'status', o.status,
                    'data', o.data, 'reservation', o.reservation, 'history', o.history,
                    'created_by', o.created_by, 'created_at', o.created_at)
               FROM orders o WHERE $1::uuid[] IS NULL OR o.id = ANY($1)"
        }
        _ => return None,
    })
}

/// Visible rows of `entity` among `ids` (all visible rows when `ids` is None).
pub async fn fetch(
    tx: &mut Tx,
    entity: &str,
    ids: Option<&[Uuid]>,
) -> sqlx::Result<Vec<(Uuid, Value)>> {
    let Some(sql) = query(entity) else {
        return Ok(Vec::new());
    };
    sqlx::query_as(sql).bind(ids).fetch_all(&mut **tx).await
}

/// Up to `limit` visible rows of `entity` whose id is after `after` (from the first when None),
/// by id: one page of a full resync. The entity's query with its id filter replaced by a range
/// on the primary key.
pub async fn page(
    tx: &mut Tx,
    entity: &str,
    after: Option<Uuid>,
    limit: i64,
) -> sqlx::Result<Vec<(Uuid, Value)>> {
    let Some(sql) = query(entity) else {
        return Ok(Vec::new());
    };
    const BY_IDS: &str = " WHERE $1::uuid[] IS NULL OR ";
    let Some((head, tail)) = sql.rsplit_once(BY_IDS) else {
        return Ok(Vec::new());
    };
    let alias = tail.split('.').next().unwrap_or_default();
    let paged = format!("{head} WHERE {alias}.id > $1 ORDER BY {alias}.id LIMIT $2");
    sqlx::query_as(&paged)
        .bind(after.unwrap_or(Uuid::nil()))
        .bind(limit)
        .fetch_all(&mut **tx)
        .await
}

/// One visible row, if any.
pub async fn one(tx: &mut Tx, entity: &str, id: Uuid) -> sqlx::Result<Option<Value>> {
    Ok(fetch(tx, entity, Some(&[id]))
        .await?
        .into_iter()
        .next()
        .map(|(_, v)| v))
}

/// The ids of the visible products holding any of `skus`.
pub async fn products_of(tx: &mut Tx, skus: &[String]) -> sqlx::Result<Vec<Uuid>> {
    if skus.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_scalar("SELECT id FROM products WHERE skus && $1::text[] ORDER BY id")
        .bind(skus)
        .fetch_all(&mut **tx)
        .await
}
