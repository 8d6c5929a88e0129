//! Shop set-up by its owner or managers: `POST /v1/pages` (a selling account, with its default
//! rule and pacing budget), `PUT /v1/pages/{id}/rule`, `PUT /v1/pages/{id}/members`,
//! `PUT /v1/pages/{id}/pacing`, `POST /v1/invitations` (a one-time code, shown once).
//! Only an owner may invite an owner or a manager.

use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::admin;
use crate::assign;
use crate::auth::{self, Bearer, Role};
use crate::body::Body;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::rows;
use crate::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPage {
    platform: String,
    external_id: String,
    name: String,
}

pub async fn create_page(
    State(st): State<AppState>,
    bearer: Bearer,
    Body(req): Body<NewPage>,
) -> ApiResult<Json<Value>> {
    if !["instagram", "facebook", "messenger"].contains(&req.platform.as_str()) {
        return Err(ApiError::bad_request(
            "bad_request",
            "platform is one of instagram, facebook, messenger.",
        ));
    }
    if req.external_id.trim().is_empty() || req.name.trim().is_empty() {
        return Err(ApiError::bad_request(
            "bad_request",
            "A page needs an external_id and a name.",
        ));
    }
    let (mut tx, caller) = auth::open(&st, &bearer, false).await?;
    caller.require_manager()?;
    let version = db::bump_version(&mut tx).await?;
    let id = Uuid::new_v4();
    let inserted = sqlx::query(
        "INSERT INTO pages (id, shop_id, platform, external_id, name) VALUES ($1, nobi_shop(), $2, $3, $4)
         ON CONFLICT (shop_id, platform, external_id) DO NOTHING",
    )
    .bind(id)
    .bind(&req.platform)
    .bind(req.external_id.trim())
    .bind(req.name.trim())
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(ApiError::conflict(
            "page_exists",
            "This shop already has this page.",
        ));
    }
    sqlx::query("INSERT INTO page_rules (page_id, shop_id) VALUES ($1, nobi_shop())")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO pacing_budgets (page_id, shop_id) VALUES ($1, nobi_shop())")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    db::touch(&mut tx, version, "page", id).await?;
    let row = rows::one(&mut tx, "page", id).await?;
    tx.commit().await?;
    Ok(Json(json!({ "page": row })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleRequest {
    mode: String,
    #[serde(default = "all")]
    visibility: String,
    capacity: Option<i32>,
    offline_minutes: Option<i32>,
    #[serde(default = "keep")]
    existing: String,
}
fn all() -> String {
    "all".into()
}
fn keep() -> String {
    "keep".into()
}

pub async fn set_rule(
    State(st): State<AppState>,
    bearer: Bearer,
    Path(page): Path<Uuid>,
    Body(req): Body<RuleRequest>,
) -> ApiResult<Json<Value>> {
    if !["all", "round_robin", "claim_first"].contains(&req.mode.as_str())
        || !["all", "assigned_only"].contains(&req.visibility.as_str())
        || !["keep", "share"].contains(&req.existing.as_str())
        || req.capacity.is_some_and(|c| c <= 0)
        || req.offline_minutes.is_some_and(|m| m <= 0)
    {
        return Err(ApiError::bad_request(
            "bad_rule",
            "mode: all | round_robin | claim_first; visibility: all | assigned_only; existing: keep | share; \
             capacity and offline_minutes: positive or null.",
        ));
    }
    let (mut tx, caller) = auth::open(&st, &bearer, false).await?;
    caller.require_manager()?;
    let version = db::bump_version(&mut tx).await?;
    let old: Option<String> =
        sqlx::query_scalar("SELECT visibility FROM page_rules WHERE page_id = $1 FOR UPDATE")
            .bind(page)
            .fetch_optional(&mut *tx)
            .await?;
    let old = old.ok_or_else(|| ApiError::not_found("This page is not in your shop."))?;
    sqlx::query(
        "UPDATE page_rules SET mode = $2, visibility = $3, capacity = $4, offline_minutes = $5, existing = $6, updated_at = now()
          WHERE page_id = $1",
    )
    .bind(page)
    .bind(&req.mode)
    .bind(&req.visibility)
    .bind(req.capacity)
    .bind(req.offline_minutes)
    .bind(&req.existing)
    .execute(&mut *tx)
    .await?;
    if old != req.visibility {
        let members: Vec<Uuid> =
            sqlx::query_scalar("SELECT user_id FROM page_members WHERE page_id = $1")
                .bind(page)
                .fetch_all(&mut *tx)
                .await?;
        db::reset_views(&mut tx, version, &members).await?;
    }
    db::touch(&mut tx, version, "page", page).await?;
    db::system(&mut tx, true).await?;
    let shared = if req.existing == "share" {
        assign::share_existing(
            &mut tx,
            version,
            page,
            Some(caller.user_id),
            st.cfg.online_secs,
        )
        .await?
    } else {
        0
    };
    db::system(&mut tx, false).await?;
    let row = rows::one(&mut tx, "page", page).await?;
    tx.commit().await?;
    Ok(Json(json!({ "page": row, "shared": shared })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MembersRequest {
    user_ids: Vec<Uuid>,
}

pub async fn set_members(
    State(st): State<AppState>,
    bearer: Bearer,
    Path(page): Path<Uuid>,
    Body(req): Body<MembersRequest>,
) -> ApiResult<Json<Value>> {
    let (mut tx, caller) = auth::open(&st, &bearer, false).await?;
    caller.require_manager()?;
    let version = db::bump_version(&mut tx).await?;
    admin::check_pages(&mut tx, &[page]).await?;
    let known: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE id = ANY($1)")
        .bind(&req.user_ids)
        .fetch_one(&mut *tx)
        .await?;
    let mut wanted = req.user_ids.clone();
    wanted.sort();
    wanted.dedup();
    if known as usize != wanted.len() {
        return Err(ApiError::bad_request(
            "unknown_user",
            "One of the users is not a user of this shop.",
        ));
    }
    let before: Vec<Uuid> =
        sqlx::query_scalar("SELECT user_id FROM page_members WHERE page_id = $1")
            .bind(page)
            .fetch_all(&mut *tx)
            .await?;
    sqlx::query("DELETE FROM page_members WHERE page_id = $1 AND NOT (user_id = ANY($2))")
        .bind(page)
        .bind(&wanted)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO page_members (shop_id, page_id, user_id) SELECT nobi_shop(), $1, u FROM unnest($2::uuid[]) u ON CONFLICT DO NOTHING")
        .bind(page)
        .bind(&wanted)
        .execute(&mut *tx)
        .await?;
    let changed: Vec<Uuid> = before
        .iter()
        .filter(|u| !wanted.contains(u))
        .chain(wanted.iter().filter(|u| !before.contains(u)))
        .copied()
        .collect();
    db::reset_views(&mut tx, version, &changed).await?;
    db::touch(&mut tx, version, "page", page).await?;
    let row = rows::one(&mut tx, "page", page).await?;
    tx.commit().await?;
    Ok(Json(json!({ "page": row })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PacingRequest {
    hourly_limit: i32,
    daily_limit: i32,
    gap_seconds: i32,
}

pub async fn set_pacing(
    State(st): State<AppState>,
    bearer: Bearer,
    Path(page): Path<Uuid>,
    Body(req): Body<PacingRequest>,
) -> ApiResult<Json<Value>> {
    if req.hourly_limit < 0 || req.daily_limit < 0 || req.gap_seconds < 0 {
        return Err(ApiError::bad_request(
            "bad_request",
            "Limits and the gap cannot be negative.",
        ));
    }
    let (mut tx, caller) = auth::open(&st, &bearer, false).await?;
    caller.require_manager()?;
    let done = sqlx::query("UPDATE pacing_budgets SET hourly_limit = $2, daily_limit = $3, gap_seconds = $4 WHERE page_id = $1")
        .bind(page)
        .bind(req.hourly_limit)
        .bind(req.daily_limit)
        .bind(req.gap_seconds)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::not_found("This page is not in your shop."));
    }
    tx.commit().await?;
    Ok(Json(json!({ "ok": true })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    role: String,
    name: Option<String>,
    #[serde(default)]
    page_ids: Vec<Uuid>,
    expires_in_hours: Option<i64>,
}

pub async fn invite(
    State(st): State<AppState>,
    bearer: Bearer,
    Body(req): Body<InviteRequest>,
) -> ApiResult<Json<Value>> {
    let role = Role::parse(&req.role).ok_or_else(|| {
        ApiError::bad_request(
            "bad_request",
            "role is one of owner, manager, agent, viewer.",
        )
    })?;
    let ttl = match req.expires_in_hours {
        Some(h) if (1..=24 * 30).contains(&h) => h * 3600,
        Some(_) => {
            return Err(ApiError::bad_request(
                "bad_request",
                "expires_in_hours is 1 to 720.",
            ))
        }
        None => st.cfg.invitation_ttl_secs,
    };
    let (mut tx, caller) = auth::open(&st, &bearer, false).await?;
    caller.require_manager()?;
    if role.manages() && caller.role != Role::Owner {
        return Err(ApiError::forbidden(
            "Only the owner may invite an owner or a manager.",
        ));
    }
    let code = admin::create_invitation(
        &mut tx,
        caller.shop_id,
        Some(caller.user_id),
        role,
        req.name.as_deref(),
        &req.page_ids,
        ttl,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(json!({ "code": code, "role": role })))
}
