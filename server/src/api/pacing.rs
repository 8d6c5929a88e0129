//! `POST /v1/pacing/reserve {page_id}`: one send from a page (account) is allowed only if the
//! page's shared budget has room: the gap since its last send, this hour's count and today's
//! count (Vietnam's day) are checked and taken in ONE conditional UPDATE, so concurrent agents
//! can never overdraw it. Answer: `{granted: true, hour_left, day_left}` or
//! `{granted: false, reason: gap|hourly|daily, retry_after}` (seconds).

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::auth::{self, Bearer};
use crate::body::Body;
use crate::error::{ApiError, ApiResult};
use crate::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReserveRequest {
    page_id: Uuid,
}

pub async fn reserve(
    State(st): State<AppState>,
    bearer: Bearer,
    Body(req): Body<ReserveRequest>,
) -> ApiResult<Json<Value>> {
    let (mut tx, caller) = auth::open(&st, &bearer, false).await?;
    caller.require_writer()?;
    // Lock the budget first, so that the clock below is read after any concurrent send committed.
    sqlx::query(
        "SELECT 1 FROM pacing_budgets WHERE page_id = $1 AND nobi_on_page(page_id) FOR UPDATE",
    )
    .bind(req.page_id)
    .fetch_optional(&mut *tx)
    .await?;
    let granted: Option<(i32, i32)> = sqlx::query_as(
        "WITH t AS (SELECT clock_timestamp() AS now)
         UPDATE pacing_budgets b SET
             hour_count = (CASE WHEN b.hour_start = date_trunc('hour', t.now) THEN b.hour_count ELSE 0 END) + 1,
             hour_start = date_trunc('hour', t.now),
             day_count = (CASE WHEN b.day_start = (t.now AT TIME ZONE 'Asia/Ho_Chi_Minh')::date THEN b.day_count ELSE 0 END) + 1,
             day_start = (t.now AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
             last_send_at = t.now
         FROM t
         WHERE b.page_id = $1 AND nobi_on_page(b.page_id)
           AND (CASE WHEN b.hour_start = date_trunc('hour', t.now) THEN b.hour_count ELSE 0 END) < b.hourly_limit
           AND (CASE WHEN b.day_start = (t.now AT TIME ZONE 'Asia/Ho_Chi_Minh')::date THEN b.day_count ELSE 0 END) < b.daily_limit
           AND (b.last_send_at IS NULL OR b.last_send_at + make_interval(secs => b.gap_seconds) <= t.now)
         RETURNING b.hourly_limit - b.hour_count, b.daily_limit - b.day_count",
    )
    .bind(req.page_id)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((hour_left, day_left)) = granted {
        tx.commit().await?;
        return Ok(Json(
            json!({ "granted": true, "hour_left": hour_left, "day_left": day_left }),
        ));
    }
    // Refused: say why and for how long.
    let state: Option<(String, f64)> = sqlx::query_as(
        "WITH t AS (SELECT clock_timestamp() AS now)
         SELECT CASE
                  WHEN (CASE WHEN b.day_start = (t.now AT TIME ZONE 'Asia/Ho_Chi_Minh')::date THEN b.day_count ELSE 0 END) >= b.daily_limit THEN 'daily'
                  WHEN (CASE WHEN b.hour_start = date_trunc('hour', t.now) THEN b.hour_count ELSE 0 END) >= b.hourly_limit THEN 'hourly'
                  ELSE 'gap' END,
                extract(epoch FROM CASE
                  WHEN (CASE WHEN b.day_start = (t.now AT TIME ZONE 'Asia/Ho_Chi_Minh')::date THEN b.day_count ELSE 0 END) >= b.daily_limit
                    THEN ((b.day_start + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh') - t.now
                  WHEN (CASE WHEN b.hour_start = date_trunc('hour', t.now) THEN b.hour_count ELSE 0 END) >= b.hourly_limit
                    THEN b.hour_start + interval '1 hour' - t.now
                  ELSE greatest(b.last_send_at + make_interval(secs => b.gap_seconds) - t.now, interval '0') END)::float8
           FROM pacing_budgets b, t WHERE b.page_id = $1 AND nobi_on_page(b.page_id)",
    )
    .bind(req.page_id)
    .fetch_optional(&mut *tx)
    .await?;
    tx.rollback().await?;
    let (reason, retry_after) = state
        .ok_or_else(|| ApiError::not_found("You are not on this page, or it has no budget."))?;
    Ok(Json(
        json!({ "granted": false, "reason": reason, "retry_after": retry_after.max(0.0) }),
    ))
}
