//! Who is calling. `Bearer` reads `Authorization: Bearer <token>` and applies the per-token rate
//! limit (no database work). `open` starts the request's transaction, finds the live session by
//! the token's hash, and scopes the transaction to its shop and user; it fails with
//! `unauthorized` for an unknown, expired or revoked token or a disabled user.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::Serialize;
use uuid::Uuid;

use crate::db::{self, Setting, Tx};
use crate::error::{ApiError, ApiResult};
use crate::secrets;
use crate::AppState;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Owner,
    Manager,
    Agent,
    Viewer,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "owner" => Role::Owner,
            "manager" => Role::Manager,
            "agent" => Role::Agent,
            "viewer" => Role::Viewer,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Manager => "manager",
            Role::Agent => "agent",
            Role::Viewer => "viewer",
        }
    }
    pub fn manages(self) -> bool {
        matches!(self, Role::Owner | Role::Manager)
    }
    pub fn writes(self) -> bool {
        !matches!(self, Role::Viewer)
    }
}

#[derive(Clone, Debug)]
pub struct Caller {
    pub shop_id: Uuid,
    pub user_id: Uuid,
    pub role: Role,
    pub session_id: Uuid,
}

impl Caller {
    pub fn require_manager(&self) -> ApiResult<()> {
        if self.role.manages() {
            Ok(())
        } else {
            Err(ApiError::forbidden(
                "Only the shop's owner or a manager may do this.",
            ))
        }
    }
    pub fn require_writer(&self) -> ApiResult<()> {
        if self.role.writes() {
            Ok(())
        } else {
            Err(ApiError::forbidden(
                "A viewer can read but not change anything.",
            ))
        }
    }
}

/// The presented access token, already rate-limited.
pub struct Bearer {
    pub hash: [u8; 32],
}

impl FromRequestParts<AppState> for Bearer {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let value = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let token = value
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::unauthorized("Sign in first: send 'Authorization: Bearer <token>'.")
            })?;
        let hash = secrets::token_hash(token);
        rate_check(&state.limiter, &hash)?;
        Ok(Bearer { hash })
    }
}

pub fn rate_check(limiter: &crate::rate::RateLimiter, key: &[u8; 32]) -> ApiResult<()> {
    limiter.check(key).map_err(|wait| {
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "Too many requests; slow down and retry.",
        )
        .with("retry_after", (wait * 1000.0).ceil() / 1000.0)
    })
}

/// Begin the request's transaction (a snapshot one for reads that must agree with a cursor).
pub async fn open(state: &AppState, bearer: &Bearer, snapshot: bool) -> ApiResult<(Tx, Caller)> {
    let mut tx = if snapshot {
        db::begin_snapshot(&state.pool).await?
    } else {
        db::begin(&state.pool).await?
    };
    db::set(&mut tx, Setting::TokenHash, &secrets::hex(&bearer.hash)).await?;
    let session: Option<(Uuid, Uuid, Uuid)> = sqlx::query_as(
        "SELECT id, shop_id, user_id FROM sessions
          WHERE token_hash = $1 AND revoked_at IS NULL AND token_expires_at > now()",
    )
    .bind(&bearer.hash[..])
    .fetch_optional(&mut *tx)
    .await?;
    let Some((session_id, shop_id, user_id)) = session else {
        return Err(ApiError::unauthorized(
            "This token is unknown or has expired: refresh it, or join again with a new invitation code.",
        ));
    };
    db::set(&mut tx, Setting::TokenHash, "").await?;
    db::scope(&mut tx, shop_id, Some(user_id)).await?;
    let role: Option<String> =
        sqlx::query_scalar("SELECT role FROM users WHERE id = $1 AND NOT disabled")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
    let role = role
        .as_deref()
        .and_then(Role::parse)
        .ok_or_else(|| ApiError::unauthorized("This account has been disabled by the shop."))?;
    Ok((
        tx,
        Caller {
            shop_id,
            user_id,
            role,
            session_id,
        },
    ))
}

/// A new session for a user of the scoped shop: (access token, its expiry, refresh token, its expiry).
pub async fn issue_session(
    tx: &mut Tx,
    state: &AppState,
    shop_id: Uuid,
    user_id: Uuid,
) -> ApiResult<serde_json::Value> {
    let token = secrets::new_token();
    let refresh = secrets::new_token();
    let (expires, refresh_expires): (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) = sqlx::query_as(
        "INSERT INTO sessions (id, shop_id, user_id, token_hash, token_expires_at, refresh_hash, refresh_expires_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5), $6, now() + make_interval(secs => $7))
         RETURNING token_expires_at, refresh_expires_at",
    )
    .bind(Uuid::new_v4())
    .bind(shop_id)
    .bind(user_id)
    .bind(&secrets::token_hash(&token)[..])
    .bind(state.cfg.token_ttl_secs as f64)
    .bind(&secrets::token_hash(&refresh)[..])
    .bind(state.cfg.refresh_ttl_secs as f64)
    .fetch_one(&mut **tx)
    .await?;
    Ok(serde_json::json!({
        "token": token,
        "expires_at": expires,
        "refresh_token": refresh,
        "refresh_expires_at": refresh_expires,
    }))
}
