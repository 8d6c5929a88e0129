//! The mutations a push may carry, each validated and applied by the server inside the push's
//! transaction, as the caller (row-level security decides what exists for them). A mutation that
//! is unknown, has bad arguments or touches what the caller may not see fails the whole push.
//! Arguments are JSON objects with exactly the fields below (unknown fields are `bad_args`, 400);
//! every id is a UUID.
//!
//! - `customer_put {id, data}`: create the customer, or merge `data` into theirs (last writer
//!   wins per key, by server order; a key set to null is removed).
//! - `note_add {id, customer_id, body}`: notes are append-only.
//! - `tag_add {customer_id, tag}` / `tag_remove {customer_id, tag}`.
//! - `conversation_set {id, done?, customer_id?}`: mark done / link the conversation's customer.
//!
//! Products, stock and orders (the server decides stock and order status):
//!
//! - `product_put {id, data, stock?: [{sku, warehouse, on_hand}]}`: create or replace the
//!   product's whole `data` (last writer wins). `data.variants` must be an array of 1 to 200
//!   objects, each with a non-empty string `sku` of at most 100 characters, and `data` at most
//!   64 KiB of JSON. Each `stock` entry is a first count: it creates the SKU's row in that
//!   warehouse if there is none and never overwrites an existing count (counts change through
//!   `stock_adjust`).
//! - `stock_adjust {sku, warehouse, delta}`: `on_hand += delta` (the row is made if missing).
//! - `order_create {id, customer_id: uuid|null, status, data, reservation, history}`: `status`
//!   is one of new, confirmed, packing, shipping (these hold stock), delivered, returned,
//!   cancelled (final); `reservation` is `{warehouse, items: [{sku, quantity > 0}]}` or null. An
//!   order holding stock reserves every item (`reserved += quantity` where
//!   `on_hand - reserved >= quantity`; a missing stock row has 0 available) or is refused whole
//!   with `out_of_stock`; a final order stores no reservation. An id that exists already is
//!   `order_exists`. The customer, when given, must be visible to the caller.
//! - `order_edit {id, data, reservation?, customer_id?, history}`: merge `data` (last writer wins
//!   per key; a null value removes the key) and append `history`. `customer_id`, when present,
//!   moves the order to that (visible) customer, whose visibility it then follows. The `reservation` key is sent only when
//!   the lines or the warehouse changed: then the order must still hold stock (else
//!   `order_not_editable`), its stored reservation is released and the new one (or null)
//!   reserved as in `order_create`.
//! - `order_status {id, from, to, history, cancel_reason?}`: refused with `stale_status` (detail
//!   `status`: the server's) unless the server's status is `from`, and with `bad_transition`
//!   unless `from → to` is allowed (`nobi_order::check_transition`: new → confirmed | cancelled,
//!   confirmed → packing | cancelled, packing → shipping | cancelled, shipping → delivered |
//!   returned). Delivered commits the reservation (`reserved -= q`, `on_hand -= q`); cancelled
//!   and returned release it (`reserved -= q`); a final status stores no reservation.
//!   `cancel_reason` is set as `data.cancel_reason`.
//!
//! An order's `history` grows by appending only, to at most 1,000 entries (else `bad_args`).
//! Out-of-stock refusals carry `shortages: [{sku, warehouse, available, requested}]`. The five
//! order refusals (409: `out_of_stock`, `stale_status`, `bad_transition`, `order_not_editable`,
//! `order_exists`) are answered by the push with the rows the client needs to correct itself
//! (see [`refusal_rows`] and `api/sync.rs`). Every stock change resends (touches) the products
//! holding the SKU, whose rows carry their stock.
//!
//! Assignment is not a mutation: claims and reassignments are decided by the server at once
//! (`/v1/claim`, `/v1/assign`) and can be refused.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use nobi_order::{check_transition, OrderStatus};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{json, Map, Value};
use uuid::Uuid;

use crate::auth::Caller;
use crate::db::{self, Tx};
use crate::error::{ApiError, ApiResult};
use crate::rows;

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
        "product_put" => product_put(tx, caller, version, m, args(m)?).await,
        "stock_adjust" => stock_adjust(tx, version, m, args(m)?).await,
        "order_create" => order_create(tx, caller, version, m, args(m)?).await,
        "order_edit" => order_edit(tx, version, m, args(m)?).await,
        "order_status" => order_status(tx, version, m, args(m)?).await,
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

/// A `data` patch as the keys to set and the keys to remove (those set to null).
fn split_nulls(data: &Map<String, Value>) -> (Map<String, Value>, Vec<&String>) {
    let removed = data
        .iter()
        .filter(|(_, v)| v.is_null())
        .map(|(k, _)| k)
        .collect();
    let set = data
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    (set, removed)
}

async fn customer_put(
    tx: &mut Tx,
    caller: &Caller,
    version: i64,
    m: &Mutation,
    a: CustomerPut,
) -> ApiResult<()> {
    let (set, removed) = split_nulls(&a.data);
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

// ---------------------------------------------------------------------------------------------
// Products, stock and orders.

const MAX_VARIANTS: usize = 200;
const MAX_CODE_CHARS: usize = 100;
const MAX_PRODUCT_BYTES: usize = 64 * 1024;
const MAX_HISTORY: i64 = 1000;
const MAX_RESERVED_ITEMS: usize = 1000;
const MAX_DELTA: i64 = 1_000_000_000_000;

/// The codes of the order refusals that the push answers with the rows to correct from.
pub const ORDER_REFUSALS: &[&str] = &[
    "out_of_stock",
    "stale_status",
    "bad_transition",
    "order_not_editable",
    "order_exists",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProductPut {
    id: Uuid,
    data: Map<String, Value>,
    #[serde(default)]
    stock: Vec<StockCount>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StockCount {
    sku: String,
    warehouse: String,
    on_hand: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StockAdjust {
    sku: String,
    warehouse: String,
    delta: i64,
}

/// What an order holds of the stock, in one warehouse.
#[derive(Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct Reservation {
    warehouse: String,
    items: Vec<ReservedItem>,
}

#[derive(Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct ReservedItem {
    sku: String,
    quantity: u32,
}

impl Reservation {
    /// Quantities per SKU (an SKU listed twice counts once, summed), by SKU: one lock order.
    fn per_sku(&self) -> BTreeMap<&str, i64> {
        let mut out = BTreeMap::new();
        for i in &self.items {
            *out.entry(i.sku.as_str()).or_insert(0) += i64::from(i.quantity);
        }
        out
    }
    fn skus(&self) -> impl Iterator<Item = String> + '_ {
        self.items.iter().map(|i| i.sku.clone())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrderCreate {
    id: Uuid,
    customer_id: Option<Uuid>,
    status: OrderStatus,
    data: Map<String, Value>,
    reservation: Option<Reservation>,
    history: Vec<Value>,
}

/// `Some(x)` when the key is present (x may be null), `None` when it is absent.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrderEdit {
    id: Uuid,
    data: Map<String, Value>,
    #[serde(default, deserialize_with = "present")]
    reservation: Option<Option<Reservation>>,
    /// Present only when the order moves to another customer (a merge of two records of one
    /// buyer): the order's visibility follows it.
    #[serde(default, deserialize_with = "present")]
    customer_id: Option<Option<Uuid>>,
    history: Vec<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrderStatusChange {
    id: Uuid,
    from: OrderStatus,
    to: OrderStatus,
    history: Vec<Value>,
    cancel_reason: Option<String>,
}

fn bad_args(m: &Mutation, what: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(
        "bad_args",
        format!("Mutation {} ({}): {what}", m.id, m.name),
    )
}

/// An SKU or a warehouse: 1 to 100 characters, not only spaces.
fn check_code(m: &Mutation, what: &str, code: &str) -> ApiResult<()> {
    if code.trim().is_empty() || code.chars().count() > MAX_CODE_CHARS {
        return Err(bad_args(
            m,
            format!("{what} '{code}' must have 1 to {MAX_CODE_CHARS} characters."),
        ));
    }
    Ok(())
}

fn check_reservation(m: &Mutation, r: &Reservation) -> ApiResult<()> {
    check_code(m, "the reservation's warehouse", &r.warehouse)?;
    if r.items.len() > MAX_RESERVED_ITEMS {
        return Err(bad_args(
            m,
            format!("a reservation has at most {MAX_RESERVED_ITEMS} items."),
        ));
    }
    for i in &r.items {
        check_code(m, "an SKU", &i.sku)?;
        if i.quantity == 0 {
            return Err(bad_args(
                m,
                format!("the reserved quantity of SKU {} must be above 0.", i.sku),
            ));
        }
    }
    Ok(())
}

fn check_history(m: &Mutation, stored: i64, added: &[Value]) -> ApiResult<()> {
    if stored + added.len() as i64 > MAX_HISTORY {
        return Err(bad_args(
            m,
            format!(
                "an order's history has at most {MAX_HISTORY} entries ({stored} stored, {} added).",
                added.len()
            ),
        ));
    }
    Ok(())
}

fn status_name(s: OrderStatus) -> String {
    match serde_json::to_value(s) {
        Ok(Value::String(name)) => name,
        _ => unreachable!("an order status serialises as a string"),
    }
}

fn parse_status(name: &str) -> sqlx::Result<OrderStatus> {
    serde_json::from_value(Value::String(name.to_owned()))
        .map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

fn refusal(code: &'static str, message: String, vi: &'static str) -> ApiError {
    ApiError::conflict(code, message).vi(vi)
}

/// The SKUs of `data.variants[].sku`, in order, each once; or why the product is refused.
fn product_skus(m: &Mutation, data: &Map<String, Value>) -> ApiResult<Vec<String>> {
    let shape = || {
        bad_args(
            m,
            format!("a product's data.variants is an array of 1 to {MAX_VARIANTS} objects, each with a string 'sku' of 1 to {MAX_CODE_CHARS} characters."),
        )
    };
    let variants = data
        .get("variants")
        .and_then(Value::as_array)
        .ok_or_else(shape)?;
    if variants.is_empty() || variants.len() > MAX_VARIANTS {
        return Err(shape());
    }
    let mut skus: Vec<String> = Vec::with_capacity(variants.len());
    for v in variants {
        let sku = v
            .as_object()
            .and_then(|o| o.get("sku"))
            .and_then(Value::as_str)
            .ok_or_else(shape)?;
        check_code(m, "an SKU", sku)?;
        if !skus.iter().any(|s| s == sku) {
            skus.push(sku.to_owned());
        }
    }
    let size = serde_json::to_vec(data)
        .map(|b| b.len())
        .unwrap_or(usize::MAX);
    if size > MAX_PRODUCT_BYTES {
        return Err(bad_args(
            m,
            format!("a product's data is at most {MAX_PRODUCT_BYTES} bytes of JSON ({size} sent)."),
        ));
    }
    Ok(skus)
}

async fn product_put(
    tx: &mut Tx,
    caller: &Caller,
    version: i64,
    m: &Mutation,
    a: ProductPut,
) -> ApiResult<()> {
    let skus = product_skus(m, &a.data)?;
    for s in &a.stock {
        check_code(m, "an SKU", &s.sku)?;
        check_code(m, "a warehouse", &s.warehouse)?;
    }
    let data = Value::Object(a.data);
    let found = sqlx::query("SELECT 1 FROM products WHERE id = $1 FOR UPDATE")
        .bind(a.id)
        .fetch_optional(&mut **tx)
        .await?;
    if found.is_some() {
        sqlx::query(
            "UPDATE products SET data = $2, skus = $3, updated_by = $4, updated_at = now() WHERE id = $1",
        )
        .bind(a.id)
        .bind(&data)
        .bind(&skus)
        .bind(caller.user_id)
        .execute(&mut **tx)
        .await?;
    } else {
        let inserted = sqlx::query(
            "INSERT INTO products (id, shop_id, data, skus, updated_by) VALUES ($1, nobi_shop(), $2, $3, $4)
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(a.id)
        .bind(&data)
        .bind(&skus)
        .bind(caller.user_id)
        .execute(&mut **tx)
        .await?;
        if inserted.rows_affected() == 0 {
            // Every member sees the shop's products: the id is another shop's.
            return Err(not_visible(m, "the product"));
        }
    }
    let mut counted = Vec::new();
    for s in &a.stock {
        let created = sqlx::query(
            "INSERT INTO stock (shop_id, sku, warehouse, on_hand) VALUES (nobi_shop(), $1, $2, $3)
             ON CONFLICT DO NOTHING",
        )
        .bind(&s.sku)
        .bind(&s.warehouse)
        .bind(s.on_hand)
        .execute(&mut **tx)
        .await?;
        if created.rows_affected() > 0 {
            counted.push(s.sku.clone());
        }
    }
    db::touch(tx, version, "product", a.id).await?;
    db::touch_products(tx, version, &counted).await?;
    Ok(())
}

async fn stock_adjust(tx: &mut Tx, version: i64, m: &Mutation, a: StockAdjust) -> ApiResult<()> {
    check_code(m, "an SKU", &a.sku)?;
    check_code(m, "a warehouse", &a.warehouse)?;
    if a.delta.abs() > MAX_DELTA {
        return Err(bad_args(
            m,
            format!("a stock change is at most {MAX_DELTA} either way."),
        ));
    }
    sqlx::query(
        "INSERT INTO stock (shop_id, sku, warehouse, on_hand) VALUES (nobi_shop(), $1, $2, $3)
         ON CONFLICT (shop_id, sku, warehouse) DO UPDATE SET on_hand = stock.on_hand + EXCLUDED.on_hand",
    )
    .bind(&a.sku)
    .bind(&a.warehouse)
    .bind(a.delta)
    .execute(&mut **tx)
    .await?;
    db::touch_products(tx, version, &[a.sku]).await?;
    Ok(())
}

/// Reserve every item of `r`, or refuse the mutation with `out_of_stock` naming every short SKU.
async fn reserve(tx: &mut Tx, m: &Mutation, r: &Reservation) -> ApiResult<()> {
    let mut short: Vec<(&str, i64, i64)> = Vec::new();
    for (sku, quantity) in r.per_sku() {
        let done = sqlx::query(
            "UPDATE stock SET reserved = reserved + $3
              WHERE shop_id = nobi_shop() AND sku = $1 AND warehouse = $2 AND on_hand - reserved >= $3",
        )
        .bind(sku)
        .bind(&r.warehouse)
        .bind(quantity)
        .execute(&mut **tx)
        .await?;
        if done.rows_affected() == 0 {
            let available: Option<i64> = sqlx::query_scalar(
                "SELECT on_hand - reserved FROM stock WHERE shop_id = nobi_shop() AND sku = $1 AND warehouse = $2",
            )
            .bind(sku)
            .bind(&r.warehouse)
            .fetch_optional(&mut **tx)
            .await?;
            short.push((sku, available.unwrap_or(0), quantity));
        }
    }
    if short.is_empty() {
        return Ok(());
    }
    let text: Vec<String> = short
        .iter()
        .map(|(sku, available, asked)| {
            format!(
                "SKU {sku} in warehouse {}: {available} available, {asked} asked",
                r.warehouse
            )
        })
        .collect();
    let shortages: Vec<Value> = short
        .iter()
        .map(|(sku, available, asked)| {
            json!({ "sku": sku, "warehouse": r.warehouse, "available": available, "requested": asked })
        })
        .collect();
    Err(refusal(
        "out_of_stock",
        format!(
            "Mutation {} ({}): not enough stock for the order. {}.",
            m.id,
            m.name,
            text.join("; ")
        ),
        "Hết hàng: máy chủ không giữ được hàng cho đơn này.",
    )
    .with("shortages", shortages))
}

/// Give back what `r` holds (`reserved -= q`, never below 0); when `commit`, the items are gone
/// too (`on_hand -= q`).
async fn release(tx: &mut Tx, r: &Reservation, commit: bool) -> sqlx::Result<()> {
    for (sku, quantity) in r.per_sku() {
        sqlx::query(
            "UPDATE stock SET reserved = GREATEST(reserved - $3, 0),
                    on_hand = on_hand - CASE WHEN $4 THEN $3 ELSE 0 END
              WHERE shop_id = nobi_shop() AND sku = $1 AND warehouse = $2",
        )
        .bind(sku)
        .bind(&r.warehouse)
        .bind(quantity)
        .bind(commit)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A visible order, locked: its status, stored reservation and history length.
struct StoredOrder {
    status: OrderStatus,
    reservation: Option<Reservation>,
    history_len: i64,
}

async fn lock_order(tx: &mut Tx, id: Uuid) -> sqlx::Result<Option<StoredOrder>> {
    let row: Option<(String, Option<Value>, i32)> = sqlx::query_as(
        "SELECT status, reservation, jsonb_array_length(history) FROM orders WHERE id = $1 FOR UPDATE",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((status, reservation, history_len)) = row else {
        return Ok(None);
    };
    let reservation = match reservation {
        None | Some(Value::Null) => None,
        Some(v) => Some(serde_json::from_value(v).map_err(|e| sqlx::Error::Decode(Box::new(e)))?),
    };
    Ok(Some(StoredOrder {
        status: parse_status(&status)?,
        reservation,
        history_len: i64::from(history_len),
    }))
}

fn to_json<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("plain data serialises")
}

async fn order_create(
    tx: &mut Tx,
    caller: &Caller,
    version: i64,
    m: &Mutation,
    a: OrderCreate,
) -> ApiResult<()> {
    if let Some(r) = &a.reservation {
        check_reservation(m, r)?;
    }
    check_history(m, 0, &a.history)?;
    if let Some(customer) = a.customer_id {
        if !lock_customer(tx, customer).await? {
            return Err(not_visible(m, "the order's customer"));
        }
    }
    // A final order holds nothing.
    let reservation = a.reservation.filter(|_| a.status.holds_stock());
    let inserted = sqlx::query(
        "INSERT INTO orders (id, shop_id, customer_id, status, data, reservation, history, created_by)
         VALUES ($1, nobi_shop(), $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING",
    )
    .bind(a.id)
    .bind(a.customer_id)
    .bind(status_name(a.status))
    .bind(Value::Object(a.data))
    .bind(reservation.as_ref().map(to_json))
    .bind(Value::Array(a.history))
    .bind(caller.user_id)
    .execute(&mut **tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(refusal(
            "order_exists",
            format!(
                "Mutation {} ({}): an order with this id already exists (made by another client).",
                m.id, m.name
            ),
            "Đơn này đã có trên máy chủ (do máy khác tạo).",
        ));
    }
    if let Some(r) = &reservation {
        reserve(tx, m, r).await?;
    }
    db::touch(tx, version, "order", a.id).await?;
    let skus: Vec<String> = reservation.iter().flat_map(Reservation::skus).collect();
    db::touch_products(tx, version, &skus).await?;
    Ok(())
}

async fn order_edit(tx: &mut Tx, version: i64, m: &Mutation, a: OrderEdit) -> ApiResult<()> {
    if let Some(Some(r)) = &a.reservation {
        check_reservation(m, r)?;
    }
    let Some(stored) = lock_order(tx, a.id).await? else {
        return Err(not_visible(m, "the order"));
    };
    check_history(m, stored.history_len, &a.history)?;
    if let Some(Some(customer)) = a.customer_id {
        if !lock_customer(tx, customer).await? {
            return Err(not_visible(m, "the order's customer"));
        }
    }
    let mut skus: Vec<String> = Vec::new();
    if let Some(new) = &a.reservation {
        if !stored.status.holds_stock() {
            return Err(refusal(
                "order_not_editable",
                format!(
                    "Mutation {} ({}): the order is now '{}', which holds no stock: its lines and warehouse can no longer change.",
                    m.id,
                    m.name,
                    status_name(stored.status)
                ),
                "Đơn đã kết thúc (đã giao, hoàn hoặc huỷ) nên không sửa hàng hay kho được nữa.",
            )
            .with("status", status_name(stored.status)));
        }
        if let Some(old) = &stored.reservation {
            release(tx, old, false).await?;
            skus.extend(old.skus());
        }
        if let Some(r) = new {
            reserve(tx, m, r).await?;
            skus.extend(r.skus());
        }
    }
    let (set, removed) = split_nulls(&a.data);
    sqlx::query(
        "UPDATE orders SET data = (data || $2) - $3::text[], history = history || $4,
                reservation = CASE WHEN $5 THEN $6 ELSE reservation END,
                customer_id = CASE WHEN $7 THEN $8 ELSE customer_id END
          WHERE id = $1",
    )
    .bind(a.id)
    .bind(Value::Object(set))
    .bind(removed)
    .bind(Value::Array(a.history))
    .bind(a.reservation.is_some())
    .bind(a.reservation.flatten().as_ref().map(to_json))
    .bind(a.customer_id.is_some())
    .bind(a.customer_id.flatten())
    .execute(&mut **tx)
    .await?;
    db::touch(tx, version, "order", a.id).await?;
    db::touch_products(tx, version, &skus).await?;
    Ok(())
}

async fn order_status(
    tx: &mut Tx,
    version: i64,
    m: &Mutation,
    a: OrderStatusChange,
) -> ApiResult<()> {
    if let Some(reason) = &a.cancel_reason {
        if reason.chars().count() > 1000 {
            return Err(bad_args(m, "a cancel reason has at most 1,000 characters."));
        }
    }
    let Some(stored) = lock_order(tx, a.id).await? else {
        return Err(not_visible(m, "the order"));
    };
    let (now, to) = (status_name(stored.status), status_name(a.to));
    if stored.status != a.from {
        return Err(refusal(
            "stale_status",
            format!("Order is now '{now}' (changed by someone else); your change to '{to}' was not applied."),
            "Đơn đã được người khác đổi trạng thái; thay đổi của bạn không được áp dụng.",
        )
        .with("status", now));
    }
    if let Err(e) = check_transition(stored.status, a.to) {
        return Err(refusal(
            "bad_transition",
            format!("Mutation {} ({}): {e}", m.id, m.name),
            "Không thể chuyển đơn sang trạng thái này từ trạng thái hiện tại.",
        )
        .with("status", now));
    }
    check_history(m, stored.history_len, &a.history)?;
    if let Some(r) = &stored.reservation {
        match a.to {
            OrderStatus::Delivered => release(tx, r, true).await?,
            OrderStatus::Cancelled | OrderStatus::Returned => release(tx, r, false).await?,
            _ => {}
        }
    }
    sqlx::query(
        "UPDATE orders SET status = $2, reservation = CASE WHEN $3 THEN NULL ELSE reservation END,
                data = CASE WHEN $4::text IS NULL THEN data ELSE data || jsonb_build_object('cancel_reason', $4::text) END,
                history = history || $5
          WHERE id = $1",
    )
    .bind(a.id)
    .bind(&to)
    .bind(a.to.is_final())
    .bind(a.cancel_reason)
    .bind(Value::Array(a.history))
    .execute(&mut **tx)
    .await?;
    db::touch(tx, version, "order", a.id).await?;
    let skus: Vec<String> = stored
        .reservation
        .iter()
        .flat_map(Reservation::skus)
        .collect();
    db::touch_products(tx, version, &skus).await?;
    Ok(())
}

/// Whether `e` is one of the order refusals the push answers with rows ([`refusal_rows`]).
pub fn is_order_refusal(e: &ApiError) -> bool {
    e.status == StatusCode::CONFLICT && ORDER_REFUSALS.contains(&e.code)
}

/// After `m` was refused (and its push rolled back), the current rows its client needs to
/// correct itself, as the caller sees them (`tx` is a new transaction in their scope): the order
/// (when it exists and is visible) and the products of every SKU involved, in the stored
/// reservation and in the requested one. `[{"entity": "order" | "product", "row": ...}]`, rows
/// as in a pull.
pub async fn refusal_rows(tx: &mut Tx, m: &Mutation) -> sqlx::Result<Vec<Value>> {
    fn skus_of(reservation: &Value, into: &mut Vec<String>) {
        if let Some(items) = reservation.get("items").and_then(Value::as_array) {
            into.extend(
                items
                    .iter()
                    .filter_map(|i| i.get("sku").and_then(Value::as_str))
                    .map(str::to_owned),
            );
        }
    }
    let mut out = Vec::new();
    let mut skus = Vec::new();
    if let Some(r) = m.args.get("reservation") {
        skus_of(r, &mut skus);
    }
    let order = m
        .args
        .get("id")
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<Uuid>().ok());
    if let Some(id) = order {
        if let Some(row) = rows::one(tx, "order", id).await? {
            if let Some(r) = row.get("reservation") {
                skus_of(r, &mut skus);
            }
            out.push(json!({ "entity": "order", "row": row }));
        }
    }
    skus.sort();
    skus.dedup();
    let products = rows::products_of(tx, &skus).await?;
    if !products.is_empty() {
        for (_, row) in rows::fetch(tx, "product", Some(&products)).await? {
            out.push(json!({ "entity": "product", "row": row }));
        }
    }
    Ok(out)
}
