//! Who a conversation belongs to, decided by the server. All functions run inside the caller's
//! transaction after `db::bump_version` (so the shop row is locked first, then the round-robin
//! cursor, then conversations: one lock order, no deadlocks) and, except `claim`, in system
//! scope (they must see every conversation of the page to count capacity).
//!
//! - round-robin: the next member after the page's cursor (by user id, wrapping) who is online
//!   (heartbeat within `online_secs`), not paused, not a viewer, and under the page's capacity;
//!   the cursor row is locked `FOR UPDATE`. Nobody eligible: the pool.
//! - claim-first / all: new conversations go to the pool.
//! - every change of assignee writes a history row (who, from, to, why).

use uuid::Uuid;

use crate::db::{self, Tx};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    All,
    RoundRobin,
    ClaimFirst,
}

pub struct Rule {
    pub mode: Mode,
    pub capacity: Option<i32>,
}

pub async fn rule(tx: &mut Tx, page: Uuid) -> sqlx::Result<Rule> {
    let row: Option<(String, Option<i32>)> =
        sqlx::query_as("SELECT mode, capacity FROM page_rules WHERE page_id = $1")
            .bind(page)
            .fetch_optional(&mut **tx)
            .await?;
    let (mode, capacity) = row.unwrap_or(("all".into(), None));
    let mode = match mode.as_str() {
        "round_robin" => Mode::RoundRobin,
        "claim_first" => Mode::ClaimFirst,
        _ => Mode::All,
    };
    Ok(Rule { mode, capacity })
}

/// The next agent for `page` by round-robin, advancing the cursor; None = nobody can take it.
/// `except`: a user who must not be chosen (the one losing it).
pub async fn round_robin(
    tx: &mut Tx,
    page: Uuid,
    capacity: Option<i32>,
    online_secs: i64,
    except: Option<Uuid>,
) -> sqlx::Result<Option<Uuid>> {
    sqlx::query(
        "INSERT INTO rr_cursors (page_id, shop_id) VALUES ($1, nobi_shop()) ON CONFLICT DO NOTHING",
    )
    .bind(page)
    .execute(&mut **tx)
    .await?;
    let last: Option<Uuid> =
        sqlx::query_scalar("SELECT last_user_id FROM rr_cursors WHERE page_id = $1 FOR UPDATE")
            .bind(page)
            .fetch_one(&mut **tx)
            .await?;
    let next: Option<Uuid> = sqlx::query_scalar(
        "SELECT u.id FROM page_members m
           JOIN users u ON u.id = m.user_id
           JOIN presence p ON p.user_id = u.id
          WHERE m.page_id = $1 AND NOT u.disabled AND u.role <> 'viewer' AND NOT p.paused
            AND p.last_seen > now() - make_interval(secs => $2)
            AND u.id IS DISTINCT FROM $5
            AND ($3::int IS NULL OR (SELECT count(*) FROM conversations c
                                      WHERE c.page_id = $1 AND c.assignee = u.id AND NOT c.done) < $3)
          ORDER BY (u.id <= coalesce($4, '00000000-0000-0000-0000-000000000000'::uuid)), u.id
          LIMIT 1",
    )
    .bind(page)
    .bind(online_secs as f64)
    .bind(capacity)
    .bind(last)
    .bind(except)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(user) = next {
        sqlx::query("UPDATE rr_cursors SET last_user_id = $2 WHERE page_id = $1")
            .bind(page)
            .bind(user)
            .execute(&mut **tx)
            .await?;
    }
    Ok(next)
}

/// Who a new conversation of `page` goes to under the page's rule.
pub async fn choose_for_new(
    tx: &mut Tx,
    page: Uuid,
    online_secs: i64,
) -> sqlx::Result<(Option<Uuid>, &'static str)> {
    let r = rule(tx, page).await?;
    Ok(match r.mode {
        Mode::RoundRobin => (
            round_robin(tx, page, r.capacity, online_secs, None).await?,
            "round_robin",
        ),
        Mode::ClaimFirst | Mode::All => (None, "pool"),
    })
}

/// Set the assignee and write the history row; the conversation must be locked or new.
pub async fn set_assignee(
    tx: &mut Tx,
    version: i64,
    conversation: Uuid,
    from: Option<Uuid>,
    to: Option<Uuid>,
    by: Option<Uuid>,
    reason: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE conversations SET assignee = $2 WHERE id = $1")
        .bind(conversation)
        .bind(to)
        .execute(&mut **tx)
        .await?;
    history(tx, conversation, from, to, by, reason).await?;
    db::touch_conversation_tree(tx, version, conversation).await
}

pub async fn history(
    tx: &mut Tx,
    conversation: Uuid,
    from: Option<Uuid>,
    to: Option<Uuid>,
    by: Option<Uuid>,
    reason: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO assignment_history (shop_id, conversation_id, from_user, to_user, by_user, reason)
         VALUES (nobi_shop(), $1, $2, $3, $4, $5)",
    )
    .bind(conversation)
    .bind(from)
    .bind(to)
    .bind(by)
    .bind(reason)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Share out a page's open conversations that have nobody (the pool, or an assignee no longer on
/// the page): round-robin hands them out, claim-first puts the orphans back in the pool.
/// Returns how many moved.
pub async fn share_existing(
    tx: &mut Tx,
    version: i64,
    page: Uuid,
    by: Option<Uuid>,
    online_secs: i64,
) -> sqlx::Result<u64> {
    let r = rule(tx, page).await?;
    if r.mode == Mode::All {
        return Ok(0);
    }
    let rows: Vec<(Uuid, Option<Uuid>)> = sqlx::query_as(
        "SELECT c.id, c.assignee FROM conversations c
          WHERE c.page_id = $1 AND NOT c.done
            AND (c.assignee IS NULL OR NOT EXISTS (SELECT 1 FROM page_members m WHERE m.page_id = c.page_id AND m.user_id = c.assignee))
          ORDER BY c.created_at, c.id FOR UPDATE OF c",
    )
    .bind(page)
    .fetch_all(&mut **tx)
    .await?;
    let mut moved = 0;
    for (id, from) in rows {
        let to = match r.mode {
            Mode::RoundRobin => round_robin(tx, page, r.capacity, online_secs, None).await?,
            _ => None,
        };
        if to != from {
            set_assignee(tx, version, id, from, to, by, "share_existing").await?;
            moved += 1;
        }
    }
    Ok(moved)
}

/// Take open conversations away from agents offline longer than their page's `offline_minutes`
/// (scoped shop, system scope): round-robin pages give them to the next online agent (or the
/// pool), claim-first pages put them back in the pool. Returns how many moved.
pub async fn sweep_shop(tx: &mut Tx, version: i64, online_secs: i64) -> sqlx::Result<u64> {
    let rows: Vec<(Uuid, Uuid, Uuid)> = sqlx::query_as(
        "SELECT c.id, c.page_id, c.assignee FROM conversations c
           JOIN page_rules r ON r.page_id = c.page_id
           LEFT JOIN presence p ON p.user_id = c.assignee
          WHERE NOT c.done AND c.assignee IS NOT NULL AND r.offline_minutes IS NOT NULL
            AND r.mode IN ('round_robin', 'claim_first')
            AND coalesce(p.last_seen, '-infinity') < now() - make_interval(mins => r.offline_minutes)
          ORDER BY c.created_at, c.id FOR UPDATE OF c",
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut moved = 0;
    for (id, page, from) in rows {
        let r = rule(tx, page).await?;
        let to = match r.mode {
            Mode::RoundRobin => round_robin(tx, page, r.capacity, online_secs, Some(from)).await?,
            _ => None,
        };
        set_assignee(tx, version, id, Some(from), to, None, "offline_sweep").await?;
        moved += 1;
    }
    Ok(moved)
}

/// Run the offline sweep over every shop, one transaction per shop that has something to move.
pub async fn sweep(pool: &sqlx::PgPool, online_secs: i64) -> sqlx::Result<u64> {
    let mut tx = db::begin(pool).await?;
    db::system(&mut tx, true).await?;
    let shops: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM shops")
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    let mut moved = 0;
    for shop in shops {
        let mut tx = db::begin(pool).await?;
        db::scope(&mut tx, shop, None).await?;
        db::system(&mut tx, true).await?;
        let version = db::bump_version(&mut tx).await?;
        let n = sweep_shop(&mut tx, version, online_secs).await?;
        if n > 0 {
            tx.commit().await?;
            moved += n;
        } else {
            tx.rollback().await?;
        }
    }
    Ok(moved)
}
