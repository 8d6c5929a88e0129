//! The mutations a push may carry, each validated and applied by the server inside the push's
//! transaction, as the caller (row-level security decides what exists for them). A mutation that
//! is unknown, has bad arguments or touches what the caller may not see fails the whole push.
//!
//! - `customer_put {id, data}`: create the customer, or merge `data` into theirs (last writer
//!   wins per key, by server order; a key set to null is removed).
//! - `note_add {id, customer_id, body}`: notes are append-only.
//! - `tag_add {customer_id, tag}` / `tag_remove {customer_id, tag}`.
//! - `conversation_set {id, done?, customer_id?}`: mark done / link the conversation's customer.
//!
//! Assignment is not a mutation: claims and reassignments are decided by the server at once
//! (`/v1/claim`, `/v1/assign`) and can be refused.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::auth::Caller;
use crate::db::{self, Tx};
use crate::error::{ApiError, ApiResult};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mutation {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub args: Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomerPut {
    id: Uuid,
    data: Map<String, Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoteAdd {
    id: Uuid,
    customer_id: Uuid,
    body: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Tag {
    customer_id: Uuid,
    tag: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConversationSet {
    id: Uuid,
    done: Option<bool>,
    customer_id: Option<Uuid>,
}

fn args<T: DeserializeOwned>(m: &Mutation) -> ApiResult<T> {
    serde_json::from_value(m.args.clone()).map_err(|e| {
        ApiError::bad_request(
            "bad_args",
            format!("Mutation {} ({}) has bad arguments: {e}", m.id, m.name),
        )
    })
}

fn not_visible(m: &Mutation, what: &str) -> ApiError {
    ApiError::not_found(format!(
        "Mutation {} ({}): {what} does not exist or is not visible to you.",
        m.id, m.name
    ))
}

/// Apply one mutation at `version`. Errors name the mutation.
pub async fn apply(tx: &mut Tx, caller: &Caller, version: i64, m: &Mutation) -> ApiResult<()> {
    match m.name.as_str() {
        "customer_put" => customer_put(tx, caller, version, m, args(m)?).await,
        "note_add" => note_add(tx, caller, version, m, args(m)?).await,
        "tag_add" => tag(tx, version, m, args(m)?, true).await,
        "tag_remove" => tag(tx, version, m, args(m)?, false).await,
        "conversation_set" => conversation_set(tx, version, m, args(m)?).await,
        other => Err(ApiError::bad_request(
            "unknown_mutation",
            format!("Mutation {} has an unknown name '{other}'.", m.id),
        )),
    }
}

async fn lock_customer(tx: &mut Tx, id: Uuid) -> sqlx::Result<bool> {
    Ok(
        sqlx::query("SELECT 1 FROM customers WHERE id = $1 FOR UPDATE")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?
            .is_some(),
    )
}

async fn customer_put(
    tx: &mut Tx,
    caller: &Caller,
    version: i64,
    m: &Mutation,
    a: CustomerPut,
) -> ApiResult<()> {
    let removed: Vec<&String> = a
        .data
        .iter()
        .filter(|(_, v)| v.is_null())
        .map(|(k, _)| k)
        .collect();
    let set: Map<String, Value> = a
        .data
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if lock_customer(tx, a.id).await? {
        sqlx::query("UPDATE customers SET data = (data || $2) - $3::text[] WHERE id = $1")
            .bind(a.id)
            .bind(Value::Object(set))
            .bind(removed)
            .execute(&mut **tx)
            .await?;
    } else {
        let inserted = sqlx::query(
            "INSERT INTO customers (id, shop_id, data, created_by) VALUES ($1, nobi_shop(), $2, $3) ON CONFLICT (id) DO NOTHING",
        )
        .bind(a.id)
        .bind(Value::Object(set))
        .bind(caller.user_id)
        .execute(&mut **tx)
        .await?;
        if inserted.rows_affected() == 0 {
            // The id exists: another shop's customer, or one hidden from this agent.
            return Err(not_visible(m, "the customer"));
        }
    }
    db::touch(tx, version, "customer", a.id).await?;
    Ok(())
}

async fn note_add(
    tx: &mut Tx,
    caller: &Caller,
    version: i64,
    m: &Mutation,
    a: NoteAdd,
) -> ApiResult<()> {
    let body = a.body.trim();
    if body.is_empty() || body.chars().count() > 10_000 {
        return Err(ApiError::bad_request(
            "bad_args",
            format!("Mutation {}: a note has 1 to 10,000 characters.", m.id),
        ));
    }
    if !lock_customer(tx, a.customer_id).await? {
        return Err(not_visible(m, "the note's customer"));
    }
    let inserted = sqlx::query(
        "INSERT INTO notes (id, shop_id, customer_id, author, body) VALUES ($1, nobi_shop(), $2, $3, $4)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(a.id)
    .bind(a.customer_id)
    .bind(caller.user_id)
    .bind(body)
    .execute(&mut **tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(ApiError::conflict(
            "duplicate_id",
            format!("Mutation {}: a note with this id already exists.", m.id),
        ));
    }
    db::touch(tx, version, "note", a.id).await?;
    Ok(())
}

async fn tag(tx: &mut Tx, version: i64, m: &Mutation, a: Tag, add: bool) -> ApiResult<()> {
    let tag = a.tag.trim();
    if tag.is_empty() || tag.chars().count() > 100 {
        return Err(ApiError::bad_request(
            "bad_args",
            format!("Mutation {}: a tag has 1 to 100 characters.", m.id),
        ));
    }
    if !lock_customer(tx, a.customer_id).await? {
        return Err(not_visible(m, "the customer"));
    }
    let sql = if add {
        "UPDATE customers SET tags = array_append(tags, $2) WHERE id = $1 AND NOT ($2 = ANY(tags))"
    } else {
        "UPDATE customers SET tags = array_remove(tags, $2) WHERE id = $1"
    };
    sqlx::query(sql)
        .bind(a.customer_id)
        .bind(tag)
        .execute(&mut **tx)
        .await?;
    db::touch(tx, version, "customer", a.customer_id).await?;
    Ok(())
}

async fn conversation_set(
    tx: &mut Tx,
    version: i64,
    m: &Mutation,
    a: ConversationSet,
) -> ApiResult<()> {
    let found = sqlx::query("SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE")
        .bind(a.id)
        .fetch_optional(&mut **tx)
        .await?;
    if found.is_none() {
        return Err(not_visible(m, "the conversation"));
    }
    if let Some(customer) = a.customer_id {
        if !lock_customer(tx, customer).await? {
            return Err(not_visible(m, "the customer"));
        }
    }
    sqlx::query("UPDATE conversations SET done = coalesce($2, done), customer_id = coalesce($3, customer_id) WHERE id = $1")
        .bind(a.id)
        .bind(a.done)
        .bind(a.customer_id)
        .execute(&mut **tx)
        .await?;
    db::system(tx, true).await?;
    db::touch_conversation_tree(tx, version, a.id).await?;
    db::system(tx, false).await?;
    Ok(())
}
