//! Sync, in the style of Replicache. `POST /v1/push` applies a client's pending mutations in one
//! transaction: ids at or below the client's last applied id are skipped (a replayed push
//! changes nothing), the rest must increase, and any failure rolls the whole push back.
//! `POST /v1/pull` returns what changed since a cursor: rows the caller can see now, and
//! tombstones for changed rows they cannot (reassigned away, deleted); a null cursor, or one
//! older than the caller's last change of view, gets everything with `reset: true`.
//! Answers are pages of at most `limit` rows (default 5,000): `more: true` says pull again at
//! once with the cursor given. A page of changes holds whole versions (one push is one version);
//! a full resync (`reset: true` on every page, `from_start: true` on its first) goes entity by
//! entity in id order, and its last page's cursor is the version it started at, so what changed
//! while it was paged comes with the next pulls. The client deletes what a resync did not bring
//! only after its last page.
//! A cursor is `<shop id>:<version>`, or `<shop id>:<snapshot>:<entity>:<last id>` in the middle
//! of a resync; one from another shop or from the future is `stale_cursor`.
//!
//! A failing mutation fails its push as a whole (rolled back; the error names `mutation_id`):
//! the client sets that mutation aside and pushes the rest again. The server decides stock and
//! order status, so an order mutation can be refused for what others did meanwhile, with 409
//! and one of `out_of_stock` (detail `shortages: [{sku, warehouse, available, requested}]`),
//! `stale_status` (detail `status`: the server's), `bad_transition`, `order_not_editable`,
//! `order_exists`. Such a refusal also carries `rows: [{"entity": "order" | "product", "row"}]`:
//! the current order (if it exists and the caller sees it) and the products of every SKU
//! involved, as a pull would send them, read after the rollback in a new transaction as the
//! caller, so the client can correct its copy without waiting for a pull.
//!
//! Entities, in the order a full pull sends them: user, page, customer, conversation, note,
//! product, order (see `rows.rs`). A product row carries its SKUs' stock; any stock change
//! resends the products holding the SKU. An order is seen by managers, its creator, and whoever
//! sees its customer: when a conversation's visibility changes, its customer's orders are resent
//! (or tombstoned) with it.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::auth::{self, Bearer, Caller};
use crate::body::Body;
use crate::db::{self, Tx};
use crate::error::{ApiError, ApiResult};
use crate::mutations::{self, Mutation};
use crate::rows;
use crate::AppState;

const MAX_MUTATIONS: usize = 1000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    client_id: String,
    shop_id: Option<Uuid>,
    mutations: Vec<Mutation>,
}

fn check_client_id(id: &str) -> ApiResult<()> {
    if id.is_empty()
        || id.len() > 100
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(ApiError::bad_request(
            "bad_client_id",
            "client_id must be 1 to 100 letters, digits, '-' or '_'.",
        ));
    }
    Ok(())
}

fn check_shop(caller: &Caller, shop: Option<Uuid>) -> ApiResult<()> {
    match shop {
        Some(s) if s != caller.shop_id => Err(ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            "wrong_shop",
            "This request is for another shop than the one you are signed in to.",
        )),
        _ => Ok(()),
    }
}

/// The client's last applied mutation id, registering the client for this user on first use.
async fn client_row(tx: &mut Tx, caller: &Caller, client_id: &str, lock: bool) -> ApiResult<i64> {
    if lock {
        sqlx::query("INSERT INTO clients (client_id, shop_id, user_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(client_id)
            .bind(caller.shop_id)
            .bind(caller.user_id)
            .execute(&mut **tx)
            .await?;
    }
    let sql = if lock {
        "SELECT last_mutation_id FROM clients WHERE client_id = $1 FOR UPDATE"
    } else {
        "SELECT last_mutation_id FROM clients WHERE client_id = $1"
    };
    let last: Option<i64> = sqlx::query_scalar(sql)
        .bind(client_id)
        .fetch_optional(&mut **tx)
        .await?;
    match last {
        Some(l) => Ok(l),
        // The row exists but RLS hides it: it belongs to another user (or shop).
        None if lock => Err(ApiError::conflict(
            "client_id_taken",
            "This client_id belongs to another user; make a new client_id for this sign-in.",
        )),
        None => Ok(0),
    }
}

pub async fn push(
    State(st): State<AppState>,
    bearer: Bearer,
    Body(req): Body<PushRequest>,
) -> ApiResult<Json<Value>> {
    check_client_id(&req.client_id)?;
    if req.mutations.len() > MAX_MUTATIONS {
        return Err(ApiError::bad_request(
            "too_many_mutations",
            format!("At most {MAX_MUTATIONS} mutations per push."),
        ));
    }
    let (mut tx, caller) = auth::open(&st, &bearer, false).await?;
    check_shop(&caller, req.shop_id)?;
    caller.require_writer()?;
    let last = client_row(&mut tx, &caller, &req.client_id, true).await?;
    let pending: Vec<&Mutation> = req.mutations.iter().filter(|m| m.id > last).collect();
    if pending.windows(2).any(|w| w[1].id <= w[0].id) || req.mutations.iter().any(|m| m.id <= 0) {
        return Err(ApiError::bad_request(
            "mutation_order",
            "Mutation ids must be positive and increase within a push.",
        ));
    }
    let Some(newest) = pending.last().map(|m| m.id) else {
        tx.rollback().await?;
        return Ok(Json(json!({ "last_mutation_id": last, "applied": 0 })));
    };
    let version = db::bump_version(&mut tx).await?;
    for m in &pending {
        if let Err(e) = mutations::apply(&mut tx, &caller, version, m).await {
            let e = e.with("mutation_id", m.id);
            if !mutations::is_order_refusal(&e) {
                return Err(e);
            }
            tx.rollback().await?;
            return Err(with_refusal_rows(&st, &bearer, m, e).await);
        }
    }
    sqlx::query(
        "UPDATE clients SET last_mutation_id = $2, updated_at = now() WHERE client_id = $1",
    )
    .bind(&req.client_id)
    .bind(newest)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Json(
        json!({ "last_mutation_id": newest, "applied": pending.len() }),
    ))
}

/// An order refusal, after the push was rolled back: add the rows its client needs to correct
/// itself (`rows`, see `mutations::refusal_rows`), read in a new transaction as the caller. If
/// that read fails the refusal is still returned, without them.
async fn with_refusal_rows(st: &AppState, bearer: &Bearer, m: &Mutation, e: ApiError) -> ApiError {
    let read = async {
        let (mut tx, _) = auth::open(st, bearer, true).await?;
        let rows = mutations::refusal_rows(&mut tx, m).await?;
        tx.commit().await?;
        ApiResult::Ok(rows)
    };
    match read.await {
        Ok(rows) => e.with("rows", rows),
        Err(failed) => {
            eprintln!(
                "nobi-server: reading the rows of a refused mutation failed: {}",
                failed.message
            );
            e
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PullRequest {
    cursor: Option<String>,
    client_id: Option<String>,
    shop_id: Option<Uuid>,
    /// Rows per answer (default [`PULL_PAGE`], at most [`MAX_PULL_PAGE`]).
    limit: Option<i64>,
}

/// Rows per pull answer unless the client asks for fewer.
pub const PULL_PAGE: i64 = 5000;
pub const MAX_PULL_PAGE: i64 = 5000;

/// Where a pull starts: changes after a version, or a full resync (at a snapshot version) from
/// one entity's row onwards.
#[derive(Debug, PartialEq)]
enum From {
    Changes(i64),
    Resync {
        snapshot: i64,
        entity: usize,
        after: Option<Uuid>,
    },
}

/// A cursor is `<shop>:<version>` (changes after that version) or, in the middle of a full
/// resync, `<shop>:<snapshot>:<entity index>:<last id>`.
fn parse_cursor(cursor: &str, caller: &Caller, current: i64) -> ApiResult<From> {
    let stale = || {
        ApiError::conflict(
            "stale_cursor",
            "This cursor is not one this server gave for your shop; pull again with a null cursor.",
        )
    };
    let bad = || ApiError::bad_request("bad_cursor", "A cursor looks like '<shop id>:<version>'.");
    let parts: Vec<&str> = cursor.split(':').collect();
    let (shop, version) = match parts.as_slice() {
        [shop, version] | [shop, version, _, _] => (*shop, *version),
        _ => return Err(bad()),
    };
    let shop: Uuid = shop.parse().map_err(|_| bad())?;
    let version: i64 = version.parse().map_err(|_| bad())?;
    if shop != caller.shop_id || version > current || version < 0 {
        return Err(stale());
    }
    match parts.as_slice() {
        [_, _, entity, after] => {
            let entity: usize = entity.parse().map_err(|_| bad())?;
            let after: Uuid = after.parse().map_err(|_| bad())?;
            if entity >= rows::ENTITIES.len() {
                return Err(bad());
            }
            Ok(From::Resync {
                snapshot: version,
                entity,
                after: Some(after),
            })
        }
        _ => Ok(From::Changes(version)),
    }
}

pub async fn pull(
    State(st): State<AppState>,
    bearer: Bearer,
    Body(req): Body<PullRequest>,
) -> ApiResult<Json<Value>> {
    if let Some(c) = &req.client_id {
        check_client_id(c)?;
    }
    let (mut tx, caller) = auth::open(&st, &bearer, true).await?;
    check_shop(&caller, req.shop_id)?;
    let current: i64 = sqlx::query_scalar("SELECT version FROM shops WHERE id = nobi_shop()")
        .fetch_one(&mut *tx)
        .await?;
    let view: i64 = sqlx::query_scalar("SELECT visibility_version FROM users WHERE id = $1")
        .bind(caller.user_id)
        .fetch_one(&mut *tx)
        .await?;
    let limit = req.limit.unwrap_or(PULL_PAGE).clamp(1, MAX_PULL_PAGE);
    let fresh = From::Resync {
        snapshot: current,
        entity: 0,
        after: None,
    };
    // A cursor from before the agent's view changed (pages, role, a reassignment away) starts a
    // full resync again: what it would skip may no longer be theirs, or newly be.
    let from = match req.cursor.as_deref() {
        None => fresh,
        Some(c) => match parse_cursor(c, &caller, current)? {
            From::Changes(v) if v < view => fresh,
            From::Resync { snapshot, .. } if snapshot < view => fresh,
            other => other,
        },
    };
    let from_start = from
        == From::Resync {
            snapshot: current,
            entity: 0,
            after: None,
        };
    let mut changes = Vec::new();
    let mut tombstones = Vec::new();
    let (cursor, more, reset) = match from {
        From::Resync {
            snapshot,
            mut entity,
            mut after,
        } => {
            // Everything visible now, one entity after another, by id; the changes made while the
            // pages are fetched come again with the pulls after the last page (its cursor is the
            // snapshot).
            let mut room = limit;
            let mut next = None;
            while entity < rows::ENTITIES.len() {
                let name = rows::ENTITIES[entity];
                let page = rows::page(&mut tx, name, after, room).await?;
                let full = page.len() as i64 == room;
                room -= page.len() as i64;
                let last = page.last().map(|(id, _)| *id);
                for (_, row) in page {
                    changes.push(json!({ "entity": name, "row": row }));
                }
                if full {
                    next = last.map(|id| format!("{}:{snapshot}:{entity}:{id}", caller.shop_id));
                    break;
                }
                entity += 1;
                after = None;
            }
            match next {
                Some(c) => (c, true, true),
                None => (format!("{}:{snapshot}", caller.shop_id), false, true),
            }
        }
        From::Changes(v) => {
            // Whole versions only: a push is one version, and half of one would be a state that
            // never existed.
            let mut keys: Vec<(String, Uuid, i64)> = sqlx::query_as(
                "SELECT entity, entity_id, version FROM changes WHERE shop_id = nobi_shop() AND version > $1 ORDER BY version LIMIT $2",
            )
            .bind(v)
            .bind(limit + 1)
            .fetch_all(&mut *tx)
            .await?;
            let mut upto = current;
            let mut more = false;
            if keys.len() as i64 > limit {
                upto = keys[limit as usize - 1].2;
                more = true;
                keys = sqlx::query_as(
                    "SELECT entity, entity_id, version FROM changes WHERE shop_id = nobi_shop() AND version > $1 AND version <= $2 ORDER BY version",
                )
                .bind(v)
                .bind(upto)
                .fetch_all(&mut *tx)
                .await?;
            }
            let mut by_entity: BTreeMap<String, Vec<Uuid>> = BTreeMap::new();
            for (entity, id, _) in keys {
                by_entity.entry(entity).or_default().push(id);
            }
            for entity in rows::ENTITIES {
                let Some(ids) = by_entity.get(*entity) else {
                    continue;
                };
                let visible: BTreeMap<Uuid, Value> = rows::fetch(&mut tx, entity, Some(ids))
                    .await?
                    .into_iter()
                    .collect();
                for id in ids {
                    match visible.get(id) {
                        Some(row) => changes.push(json!({ "entity": entity, "row": row })),
                        None => tombstones.push(json!({ "entity": entity, "id": id })),
                    }
                }
            }
            (format!("{}:{upto}", caller.shop_id), more, false)
        }
    };
    let last_mutation_id = match &req.client_id {
        Some(c) => client_row(&mut tx, &caller, c, false).await?,
        None => 0,
    };
    tx.commit().await?;
    Ok(Json(json!({
        "cursor": cursor,
        "reset": reset,
        "from_start": from_start,
        "more": more,
        "last_mutation_id": last_mutation_id,
        "changes": changes,
        "tombstones": tombstones,
    })))
}
