//! Setting a shop up: the shop itself (with its owner's first invitation, for the command line),
//! invitations, and users made from them. Functions here run inside a caller's transaction; those
//! that write rows of other users expect system or manager scope.

use uuid::Uuid;

use crate::auth::Role;
use crate::db::{self, Tx};
use crate::error::{ApiError, ApiResult};
use crate::secrets;

/// A new shop and a one-time code for its owner to join with. Returns (shop id, code).
pub async fn create_shop(
    pool: &sqlx::PgPool,
    name: &str,
    ttl_secs: i64,
) -> ApiResult<(Uuid, String)> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::bad_request(
            "bad_request",
            "A shop needs a name of 1 to 200 characters.",
        ));
    }
    let shop = Uuid::new_v4();
    let mut tx = db::begin(pool).await?;
    db::scope(&mut tx, shop, None).await?;
    db::system(&mut tx, true).await?;
    sqlx::query("INSERT INTO shops (id, name) VALUES ($1, $2)")
        .bind(shop)
        .bind(name)
        .execute(&mut *tx)
        .await?;
    let code = create_invitation(&mut tx, shop, None, Role::Owner, None, &[], ttl_secs).await?;
    tx.commit().await?;
    Ok((shop, code))
}

/// A one-time invitation; the code is returned once and only its hash is stored.
pub async fn create_invitation(
    tx: &mut Tx,
    shop: Uuid,
    created_by: Option<Uuid>,
    role: Role,
    name: Option<&str>,
    page_ids: &[Uuid],
    ttl_secs: i64,
) -> ApiResult<String> {
    check_pages(tx, page_ids).await?;
    let code = secrets::new_code();
    let normalized = secrets::normalize_code(&code).unwrap_or_default();
    let lookup = normalized[..secrets::LOOKUP_LEN].to_owned();
    let hash = tokio::task::spawn_blocking(move || secrets::hash_code(&normalized))
        .await
        .map_err(|_| {
            ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Hashing failed.",
            )
        })?;
    sqlx::query(
        "INSERT INTO invitations (id, shop_id, lookup, code_hash, role, name, page_ids, created_by, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() + make_interval(secs => $9))",
    )
    .bind(Uuid::new_v4())
    .bind(shop)
    .bind(lookup)
    .bind(hash)
    .bind(role.as_str())
    .bind(name)
    .bind(page_ids)
    .bind(created_by)
    .bind(ttl_secs as f64)
    .execute(&mut **tx)
    .await?;
    Ok(code)
}

/// Every id must be a page of the scoped shop.
pub async fn check_pages(tx: &mut Tx, page_ids: &[Uuid]) -> ApiResult<()> {
    let found: i64 = sqlx::query_scalar("SELECT count(*) FROM pages WHERE id = ANY($1)")
        .bind(page_ids)
        .fetch_one(&mut **tx)
        .await?;
    let mut unique = page_ids.to_vec();
    unique.sort();
    unique.dedup();
    if found as usize != unique.len() {
        return Err(ApiError::bad_request(
            "unknown_page",
            "One of the pages is not a page of this shop.",
        ));
    }
    Ok(())
}

/// A new user of the scoped shop on the given pages (system or manager scope). Offline until
/// their first heartbeat.
pub async fn add_user(
    tx: &mut Tx,
    version: i64,
    shop: Uuid,
    name: &str,
    role: Role,
    page_ids: &[Uuid],
) -> ApiResult<Uuid> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::bad_request(
            "bad_request",
            "A name of 1 to 100 characters is needed.",
        ));
    }
    check_pages(tx, page_ids).await?;
    let id = Uuid::new_v4();
    sqlx::query("INSERT INTO users (id, shop_id, name, role, visibility_version) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(shop)
        .bind(name)
        .bind(role.as_str())
        .bind(version)
        .execute(&mut **tx)
        .await?;
    sqlx::query("INSERT INTO page_members (shop_id, page_id, user_id) SELECT $1, p, $2 FROM unnest($3::uuid[]) p ON CONFLICT DO NOTHING")
        .bind(shop)
        .bind(id)
        .bind(page_ids)
        .execute(&mut **tx)
        .await?;
    sqlx::query("INSERT INTO presence (user_id, shop_id, last_seen) VALUES ($1, $2, '-infinity')")
        .bind(id)
        .bind(shop)
        .execute(&mut **tx)
        .await?;
    db::touch(tx, version, "user", id).await?;
    for p in page_ids {
        db::touch(tx, version, "page", *p).await?;
    }
    Ok(id)
}
