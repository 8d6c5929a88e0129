//! The synced rows as the extension receives them, one query per entity. Each query returns
//! (id, row JSON) for the given ids, or for every row when the ids are NULL, filtered by
//! row-level security: a row the caller may not see is simply absent (the pull turns it into a
//! tombstone).

use serde_json::Value;
use uuid::Uuid;

use crate::db::Tx;

pub const ENTITIES: &[&str] = &["user", "page", "customer", "conversation", "note"];

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

/// One visible row, if any.
pub async fn one(tx: &mut Tx, entity: &str, id: Uuid) -> sqlx::Result<Option<Value>> {
    Ok(fetch(tx, entity, Some(&[id]))
        .await?
        .into_iter()
        .next()
        .map(|(_, v)| v))
}
