//! Joining and sessions: `POST /v1/join` (invitation code -> user + tokens; the code is used up in
//! the same transaction), `POST /v1/token/refresh` (rotates: the old pair stops working),
//! `POST /v1/logout`, `GET /v1/me` (who am I, my role, my shop, the pages I am on).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::admin;
use crate::auth::{self, Bearer, Role};
use crate::body::Body;
use crate::db::{self, Setting};
use crate::error::{ApiError, ApiResult};
use crate::secrets;
use crate::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinRequest {
    code: String,
    name: Option<String>,
}

pub async fn join(
    State(st): State<AppState>,
    Body(req): Body<JoinRequest>,
) -> ApiResult<Json<Value>> {
    auth::rate_check(&st.anon_limiter, &[0; 32])?;
    let bad = || {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_invitation",
            "This invitation code is not valid.",
        )
    };
    let code = secrets::normalize_code(&req.code).ok_or_else(bad)?;
    let mut tx = db::begin(&st.pool).await?;
    db::set(&mut tx, Setting::InviteLookup, &code[..secrets::LOOKUP_LEN]).await?;
    type Row = (
        Uuid,
        Uuid,
        String,
        String,
        Option<String>,
        Vec<Uuid>,
        bool,
        bool,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, shop_id, code_hash, role, name, page_ids, used_at IS NOT NULL, expires_at <= now()
           FROM invitations WHERE lookup = $1 FOR UPDATE",
    )
    .bind(&code[..secrets::LOOKUP_LEN])
    .fetch_all(&mut *tx)
    .await?;
    let mut found = None;
    for row in rows {
        let (c, h) = (code.clone(), row.2.clone());
        if tokio::task::spawn_blocking(move || secrets::verify_code(&c, &h))
            .await
            .unwrap_or(false)
        {
            found = Some(row);
            break;
        }
    }
    let Some((invitation, shop, _, role, invited_name, pages, used, expired)) = found else {
        return Err(bad());
    };
    if used {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invitation_used",
            "This invitation code has already been used.",
        ));
    }
    if expired {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invitation_expired",
            "This invitation code has expired; ask for a new one.",
        ));
    }
    let role = Role::parse(&role).unwrap_or(Role::Viewer);
    let name = req
        .name
        .or(invited_name)
        .unwrap_or_else(|| role.as_str().to_owned());
    db::scope(&mut tx, shop, None).await?;
    db::system(&mut tx, true).await?;
    let version = db::bump_version(&mut tx).await?;
    let user = admin::add_user(&mut tx, version, shop, &name, role, &pages).await?;
    sqlx::query("UPDATE invitations SET used_at = now(), used_by = $2 WHERE id = $1")
        .bind(invitation)
        .bind(user)
        .execute(&mut *tx)
        .await?;
    db::set(&mut tx, Setting::InviteLookup, "").await?;
    db::system(&mut tx, false).await?;
    db::scope(&mut tx, shop, Some(user)).await?;
    let tokens = auth::issue_session(&mut tx, &st, shop, user).await?;
    tx.commit().await?;
    Ok(Json(
        json!({ "shop_id": shop, "user_id": user, "role": role, "name": name, "session": tokens }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    refresh_token: String,
}

pub async fn refresh(
    State(st): State<AppState>,
    Body(req): Body<RefreshRequest>,
) -> ApiResult<Json<Value>> {
    let hash = secrets::token_hash(&req.refresh_token);
    auth::rate_check(&st.limiter, &hash)?;
    let mut tx = db::begin(&st.pool).await?;
    db::set(&mut tx, Setting::RefreshHash, &secrets::hex(&hash)).await?;
    let found: Option<(Uuid, Uuid, Uuid)> = sqlx::query_as(
        "SELECT id, shop_id, user_id FROM sessions
          WHERE refresh_hash = $1 AND revoked_at IS NULL AND refresh_expires_at > now()",
    )
    .bind(&hash[..])
    .fetch_optional(&mut *tx)
    .await?;
    let (session, shop, user) = found.ok_or_else(|| {
        ApiError::unauthorized("This refresh token is unknown, used or expired: join again.")
    })?;
    db::set(&mut tx, Setting::RefreshHash, "").await?;
    db::scope(&mut tx, shop, Some(user)).await?;
    let active: Option<bool> = sqlx::query_scalar("SELECT NOT disabled FROM users WHERE id = $1")
        .bind(user)
        .fetch_optional(&mut *tx)
        .await?;
    if active != Some(true) {
        return Err(ApiError::unauthorized(
            "This account has been disabled by the shop.",
        ));
    }
    // Single use: of two refreshes racing with one token, only one revokes it.
    let revoked =
        sqlx::query("UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL")
            .bind(session)
            .execute(&mut *tx)
            .await?;
    if revoked.rows_affected() != 1 {
        return Err(ApiError::unauthorized(
            "This refresh token is unknown, used or expired: join again.",
        ));
    }
    let tokens = auth::issue_session(&mut tx, &st, shop, user).await?;
    tx.commit().await?;
    Ok(Json(json!({ "session": tokens })))
}

pub async fn logout(State(st): State<AppState>, bearer: Bearer) -> ApiResult<Json<Value>> {
    let (mut tx, caller) = auth::open(&st, &bearer, false).await?;
    sqlx::query("UPDATE sessions SET revoked_at = now() WHERE id = $1")
        .bind(caller.session_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Json(json!({ "ok": true })))
}

pub async fn me(State(st): State<AppState>, bearer: Bearer) -> ApiResult<Json<Value>> {
    let (mut tx, caller) = auth::open(&st, &bearer, false).await?;
    let (name,): (String,) = sqlx::query_as("SELECT name FROM users WHERE id = $1")
        .bind(caller.user_id)
        .fetch_one(&mut *tx)
        .await?;
    let (shop_name,): (String,) = sqlx::query_as("SELECT name FROM shops WHERE id = nobi_shop()")
        .fetch_one(&mut *tx)
        .await?;
    let pages: Value = sqlx::query_scalar(
        "SELECT coalesce(jsonb_agg(jsonb_build_object('id', p.id, 'platform', p.platform, 'external_id', p.external_id,
                 'name', p.name) ORDER BY p.name), '[]'::jsonb)
           FROM pages p JOIN page_members m ON m.page_id = p.id WHERE m.user_id = $1",
    )
    .bind(caller.user_id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Json(json!({
        "user": { "id": caller.user_id, "name": name, "role": caller.role },
        "shop": { "id": caller.shop_id, "name": shop_name },
        "pages": pages,
    })))
}
