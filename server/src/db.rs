//! Transactions and their scope. Every request's work is one transaction opened here: it first
//! becomes the `nobi_app` role (so row-level security applies whatever the pool's login role is)
//! and then says whose request it is (`nobi.shop_id`, `nobi.user_id`), all transaction-local.
//! Writers take the shop's next change version (`bump_version`) before writing, which locks the
//! shop row until commit: versions follow commit order, so a pull cursor never skips a change.

use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

pub type Tx = Transaction<'static, Postgres>;

/// Settings a request may set; anything else is a programming error.
#[derive(Clone, Copy)]
pub enum Setting {
    Shop,
    User,
    System,
    TokenHash,
    RefreshHash,
    InviteLookup,
}

impl Setting {
    fn name(self) -> &'static str {
        match self {
            Setting::Shop => "nobi.shop_id",
            Setting::User => "nobi.user_id",
            Setting::System => "nobi.system",
            Setting::TokenHash => "nobi.token_hash",
            Setting::RefreshHash => "nobi.refresh_hash",
            Setting::InviteLookup => "nobi.invite_lookup",
        }
    }
}

/// A read-committed transaction as `nobi_app`, with no shop yet (it sees nothing).
pub async fn begin(pool: &PgPool) -> sqlx::Result<Tx> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT set_config('role', 'nobi_app', true)")
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// A repeatable-read transaction (one snapshot: a pull's rows and its cursor agree).
pub async fn begin_snapshot(pool: &PgPool) -> sqlx::Result<Tx> {
    let mut tx = pool.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        .execute(&mut *tx)
        .await?;
    sqlx::query("SELECT set_config('role', 'nobi_app', true)")
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

pub async fn set(tx: &mut Tx, setting: Setting, value: &str) -> sqlx::Result<()> {
    sqlx::query("SELECT set_config($1, $2, true)")
        .bind(setting.name())
        .bind(value)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Scope the transaction to a shop and (optionally) a user.
pub async fn scope(tx: &mut Tx, shop: Uuid, user: Option<Uuid>) -> sqlx::Result<()> {
    set(tx, Setting::Shop, &shop.to_string()).await?;
    set(
        tx,
        Setting::User,
        &user.map(|u| u.to_string()).unwrap_or_default(),
    )
    .await
}

/// The server's own rule steps (assignment, sweeps, joining) see the whole shop; never more.
pub async fn system(tx: &mut Tx, on: bool) -> sqlx::Result<()> {
    set(tx, Setting::System, if on { "on" } else { "" }).await
}

/// The shop's next change version; holds the shop row's lock until the transaction ends.
pub async fn bump_version(tx: &mut Tx) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "UPDATE shops SET version = version + 1 WHERE id = nobi_shop() RETURNING version",
    )
    .fetch_one(&mut **tx)
    .await
}

/// Record that a synced row changed (or was deleted) at `version`.
pub async fn touch(tx: &mut Tx, version: i64, entity: &str, id: Uuid) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO changes (shop_id, entity, entity_id, version) VALUES (nobi_shop(), $1, $2, $3)
         ON CONFLICT (shop_id, entity, entity_id) DO UPDATE SET version = EXCLUDED.version",
    )
    .bind(entity)
    .bind(id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A conversation's visibility changed: its customer's, and that customer's notes' and orders'
/// may have too. Call in system scope (so every note and order is found).
pub async fn touch_conversation_tree(
    tx: &mut Tx,
    version: i64,
    conversation: Uuid,
) -> sqlx::Result<()> {
    touch(tx, version, "conversation", conversation).await?;
    sqlx::query(
        "INSERT INTO changes (shop_id, entity, entity_id, version)
           SELECT nobi_shop(), 'customer', c.customer_id, $2 FROM conversations c
            WHERE c.id = $1 AND c.customer_id IS NOT NULL
           UNION ALL
           SELECT nobi_shop(), 'note', n.id, $2 FROM notes n
             JOIN conversations c ON c.customer_id = n.customer_id WHERE c.id = $1
           UNION ALL
           SELECT nobi_shop(), 'order', o.id, $2 FROM orders o
             JOIN conversations c ON c.customer_id = o.customer_id WHERE c.id = $1
         ON CONFLICT (shop_id, entity, entity_id) DO UPDATE SET version = EXCLUDED.version",
    )
    .bind(conversation)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The stock of `skus` changed: every product holding one of them is resent (its row carries
/// the stock of its SKUs).
pub async fn touch_products(tx: &mut Tx, version: i64, skus: &[String]) -> sqlx::Result<()> {
    if skus.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO changes (shop_id, entity, entity_id, version)
           SELECT nobi_shop(), 'product', p.id, $2 FROM products p WHERE p.skus && $1::text[]
         ON CONFLICT (shop_id, entity, entity_id) DO UPDATE SET version = EXCLUDED.version",
    )
    .bind(skus)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Users whose view changed without their rows changing get a full resync on their next pull.
pub async fn reset_views(tx: &mut Tx, version: i64, users: &[Uuid]) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET visibility_version = $2 WHERE id = ANY($1)")
        .bind(users)
        .bind(version)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
