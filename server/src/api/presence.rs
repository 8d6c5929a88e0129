//! `POST /v1/heartbeat {paused?, online?}`: the caller is online now (or pauses, or signs off
//! with `online: false`). Round-robin only gives new conversations to agents whose heartbeat is
//! younger than the server's `online_secs` and who are not paused; the offline sweep takes
//! conversations from those silent past their page's `offline_minutes`.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::{self, Bearer};
use crate::body::Body;
use crate::error::ApiResult;
use crate::AppState;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct HeartbeatRequest {
    paused: Option<bool>,
    online: Option<bool>,
}

pub async fn heartbeat(
    State(st): State<AppState>,
    bearer: Bearer,
    Body(req): Body<HeartbeatRequest>,
) -> ApiResult<Json<Value>> {
    let (mut tx, caller) = auth::open(&st, &bearer, false).await?;
    let online = req.online.unwrap_or(true);
    let paused: bool = sqlx::query_scalar(
        "INSERT INTO presence (user_id, shop_id, last_seen, paused)
         VALUES ($1, nobi_shop(), CASE WHEN $2 THEN now() ELSE '-infinity' END, coalesce($3, false))
         ON CONFLICT (user_id) DO UPDATE SET last_seen = EXCLUDED.last_seen,
             paused = coalesce($3, presence.paused)
         RETURNING paused",
    )
    .bind(caller.user_id)
    .bind(online)
    .bind(req.paused)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Json(
        json!({ "online": online, "paused": paused, "online_secs": st.cfg.online_secs }),
    ))
}
