//! Conversations and who has them: `POST /v1/conversations/report` (an extension saw a thread:
//! the first report creates it and applies the page's rule), `POST /v1/claim` (claim-first: one
//! conditional UPDATE; the loser gets `already_claimed`, "đã có người nhận"), `POST /v1/assign`
//! (owner/manager: to anyone on the page, or back to the pool), and
//! `GET /v1/conversations/{id}/history`.

use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use uuid::Uuid;

use crate::assign;
use crate::auth::{self, Bearer};
use crate::body::Body;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::rows;
use crate::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCustomer {
    id: Uuid,
    #[serde(default)]
    data: Map<String, Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    page_id: Uuid,
    thread_id: String,
    customer: Option<NewCustomer>,
}

pub async fn report(
    State(st): State<AppState>,
    bearer: Bearer,
    Body(req): Body<ReportRequest>,
) -> ApiResult<Json<Value>> {
    let thread = req.thread_id.trim();
    if thread.is_empty() || thread.len() > 300 {
        return Err(ApiError::bad_request(
            "bad_request",
            "thread_id must have 1 to 300 characters.",
        ));
    }
    let (mut tx, caller) = auth::open(&st, &bearer, false).await?;
    caller.require_writer()?;
    // Row-level security shows managers every page of the shop and others the pages they are on.
    let platform: Option<String> = sqlx::query_scalar("SELECT platform FROM pages WHERE id = $1")
        .bind(req.page_id)
        .fetch_optional(&mut *tx)
        .await?;
    let platform = platform.ok_or_else(|| {
        ApiError::forbidden("You are not on this page.").with("page_id", req.page_id.to_string())
    })?;
    let version = db::bump_version(&mut tx).await?;
    db::system(&mut tx, true).await?;
    // A thread someone reported before keeps its customer: the reporter's would be an orphan
    // duplicate (their browser merges its record into the shop's one after the next pull).
    let known: Option<Uuid> =
        sqlx::query_scalar("SELECT id FROM conversations WHERE page_id = $1 AND thread_id = $2")
            .bind(req.page_id)
            .bind(thread)
            .fetch_optional(&mut *tx)
            .await?;
    let customer_id = match &req.customer {
        _ if known.is_some() => None,
        None => None,
        Some(c) => {
            sqlx::query(
                "INSERT INTO customers (id, shop_id, data, created_by) VALUES ($1, nobi_shop(), $2, $3) ON CONFLICT (id) DO NOTHING",
            )
            .bind(c.id)
            .bind(Value::Object(c.data.clone()))
            // Made by the server, not owned by the reporter: seen through its conversations only.
            .bind(None::<Uuid>)
            .execute(&mut *tx)
            .await?;
            if sqlx::query("SELECT 1 FROM customers WHERE id = $1")
                .bind(c.id)
                .fetch_optional(&mut *tx)
                .await?
                .is_none()
            {
                return Err(ApiError::bad_request(
                    "unknown_customer",
                    "This customer id belongs to another shop.",
                ));
            }
            Some(c.id)
        }
    };
    let id = Uuid::new_v4();
    let inserted: Option<Uuid> = sqlx::query_scalar(
        "INSERT INTO conversations (id, shop_id, page_id, platform, thread_id, customer_id, reported_by)
         VALUES ($1, nobi_shop(), $2, $3, $4, $5, $6) ON CONFLICT (page_id, thread_id) DO NOTHING RETURNING id",
    )
    .bind(id)
    .bind(req.page_id)
    .bind(&platform)
    .bind(thread)
    .bind(customer_id)
    .bind(caller.user_id)
    .fetch_optional(&mut *tx)
    .await?;
    let created = inserted.is_some();
    let conversation_id = match inserted {
        Some(id) => {
            let (to, reason) =
                assign::choose_for_new(&mut tx, req.page_id, st.cfg.online_secs).await?;
            if to.is_some() {
                assign::set_assignee(&mut tx, version, id, None, to, None, reason).await?;
            } else {
                assign::history(&mut tx, id, None, None, None, "pool").await?;
                db::touch_conversation_tree(&mut tx, version, id).await?;
            }
            if let Some(c) = customer_id {
                db::touch(&mut tx, version, "customer", c).await?;
            }
            id
        }
        None => {
            sqlx::query_scalar("SELECT id FROM conversations WHERE page_id = $1 AND thread_id = $2")
                .bind(req.page_id)
                .bind(thread)
                .fetch_one(&mut *tx)
                .await?
        }
    };
    db::system(&mut tx, false).await?;
    let row = rows::one(&mut tx, "conversation", conversation_id).await?;
    tx.commit().await?;
    Ok(Json(
        json!({ "created": created, "visible": row.is_some(), "conversation": row }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimRequest {
    conversation_id: Uuid,
}

pub async fn claim(
    State(st): State<AppState>,
    bearer: Bearer,
    Body(req): Body<ClaimRequest>,
) -> ApiResult<Json<Value>> {
    let (mut tx, caller) = auth::open(&st, &bearer, false).await?;
    caller.require_writer()?;
    let version = db::bump_version(&mut tx).await?;
    // Row-level security limits this to conversations the caller sees; members only.
    let won: Option<Uuid> = sqlx::query_scalar(
        "UPDATE conversations SET assignee = $2
          WHERE id = $1 AND assignee IS NULL AND NOT done AND nobi_on_page(page_id) RETURNING id",
    )
    .bind(req.conversation_id)
    .bind(caller.user_id)
    .fetch_optional(&mut *tx)
    .await?;
    if won.is_none() {
        // Who holds it is looked up across the page (it may be hidden from the caller now).
        db::system(&mut tx, true).await?;
        let holder: Option<(Option<Uuid>, bool, bool)> = sqlx::query_as(
            "SELECT assignee, nobi_on_page(page_id), done FROM conversations WHERE id = $1",
        )
        .bind(req.conversation_id)
        .fetch_optional(&mut *tx)
        .await?;
        tx.rollback().await?;
        return match holder {
            Some((Some(u), true, _)) if u == caller.user_id => {
                Ok(Json(json!({ "claimed": true, "already_yours": true })))
            }
            // The winner is named, so the loser's panel can say who has the buyer.
            Some((Some(u), true, _)) => Err(ApiError::conflict(
                "already_claimed",
                "Someone else has already claimed this conversation.",
            )
            .vi("đã có người nhận")
            .with("assignee", u.to_string())),
            Some((None, true, true)) => Err(ApiError::conflict(
                "done",
                "This conversation is done; it cannot be claimed.",
            )),
            _ => Err(ApiError::not_found(
                "This conversation does not exist or is not on your pages.",
            )),
        };
    }
    db::system(&mut tx, true).await?;
    assign::history(
        &mut tx,
        req.conversation_id,
        None,
        Some(caller.user_id),
        Some(caller.user_id),
        "claim",
    )
    .await?;
    db::touch_conversation_tree(&mut tx, version, req.conversation_id).await?;
    db::system(&mut tx, false).await?;
    let row = rows::one(&mut tx, "conversation", req.conversation_id).await?;
    tx.commit().await?;
    Ok(Json(json!({ "claimed": true, "conversation": row })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    conversation_id: Uuid,
    /// None = back to the pool.
    assignee: Option<Uuid>,
}

pub async fn assign(
    State(st): State<AppState>,
    bearer: Bearer,
    Body(req): Body<AssignRequest>,
) -> ApiResult<Json<Value>> {
    let (mut tx, caller) = auth::open(&st, &bearer, false).await?;
    caller.require_manager()?;
    let version = db::bump_version(&mut tx).await?;
    let found: Option<(Uuid, Option<Uuid>)> =
        sqlx::query_as("SELECT page_id, assignee FROM conversations WHERE id = $1 FOR UPDATE")
            .bind(req.conversation_id)
            .fetch_optional(&mut *tx)
            .await?;
    let (page, from) = found
        .ok_or_else(|| ApiError::not_found("This conversation does not exist in your shop."))?;
    if let Some(to) = req.assignee {
        let ok: Option<bool> = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM page_members m WHERE m.page_id = $2 AND m.user_id = u.id)
               FROM users u WHERE u.id = $1 AND NOT u.disabled AND u.role <> 'viewer'",
        )
        .bind(to)
        .bind(page)
        .fetch_optional(&mut *tx)
        .await?;
        if ok != Some(true) {
            return Err(ApiError::bad_request(
                "bad_assignee",
                "The new assignee must be an active agent on this conversation's page.",
            ));
        }
    }
    if from != req.assignee {
        db::system(&mut tx, true).await?;
        let reason = if req.assignee.is_some() {
            "manual"
        } else {
            "pool"
        };
        assign::set_assignee(
            &mut tx,
            version,
            req.conversation_id,
            from,
            req.assignee,
            Some(caller.user_id),
            reason,
        )
        .await?;
        db::system(&mut tx, false).await?;
    }
    let row = rows::one(&mut tx, "conversation", req.conversation_id).await?;
    tx.commit().await?;
    Ok(Json(json!({ "conversation": row })))
}

pub async fn history(
    State(st): State<AppState>,
    bearer: Bearer,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Value>> {
    let (mut tx, _caller) = auth::open(&st, &bearer, false).await?;
    let items: Value = sqlx::query_scalar(
        "SELECT coalesce(jsonb_agg(jsonb_build_object('from', h.from_user, 'to', h.to_user, 'by', h.by_user,
                 'reason', h.reason, 'at', h.at) ORDER BY h.id), '[]'::jsonb)
           FROM assignment_history h WHERE h.conversation_id = $1",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Json(json!({ "history": items })))
}
