//! Products, stock and orders: local records to server mutations, pulled rows back to records.
//!
//! # Who decides what
//!
//! - **Product data** (name, images, variants without their stock): last writer wins, whole
//!   product, `product_put`.
//! - **Stock** is the server's. A browser never sends a count: it sends what its agent changed,
//!   `stock_adjust {sku, warehouse, delta}` (a receipt, a hand count's difference), so two
//!   agents' adjustments both count. `reserved` is never sent at all: the server reserves for the
//!   orders it accepts and refuses an order it cannot reserve (`out_of_stock`). A product's first
//!   `product_put` carries the browser's counts, which the server takes only for SKUs it has
//!   never counted.
//! - **Order fields** (recipient, shipping, payment, note, lines…): last writer wins per field,
//!   `order_edit`. New lines or a new warehouse carry the new reservation, which the server
//!   re-reserves or refuses.
//! - **Order status**: one `order_status {from, to}` per step of the order's life; the server
//!   refuses a step whose `from` is no longer the order's status (`stale_status`: someone else
//!   moved it) and does the stock effect itself (delivered takes the items off the shelf,
//!   cancelled and returned give them back).
//! - **History** is append-only: each mutation carries the entries the server does not have.
//!
//! A refusal comes back with the server's rows of the order and of its products
//! ([`crate::machine::Outcome::Pulled`] with [`crate::Pulled::refusal`]): they replace the local
//! records, so the panel shows what the server decided, and [`OrderRefusal`] says why.
//!
//! # The base
//!
//! As for customers ([`crate::outgoing`]), a base is what the server has once every queued
//! mutation is applied. A product's base keeps the stock counts the server has; a change of a
//! local count is sent as the difference from the base, less what a delivered order queued in
//! the same plan takes off (the server commits that itself).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use nobi_order::catalog::{Product, StockLevel};
use nobi_order::order::{Change, HistoryEntry};
use nobi_order::stock::{Reservation, Shortage};
use nobi_order::{Order, OrderStatus};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::ids::{fingerprint, id_of, parse_time, uuid_of};
use crate::outgoing::{Draft, NotSynced};

/// The order fields that travel in `data`, by their serde names. Status, reservation and
/// history have mutations of their own; ids and times are the record's.
pub const ORDER_KEYS: [&str; 10] = [
    "source",
    "warehouse",
    "assignee",
    "customer_id",
    "recipient",
    "lines",
    "shipping",
    "payment",
    "note",
    "cancel_reason",
];

/// What the server has of one order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderBase {
    pub status: OrderStatus,
    /// A fingerprint of each field of [`ORDER_KEYS`] that is not null.
    #[serde(default)]
    pub data: BTreeMap<String, u64>,
    /// Fingerprints of the history entries the server has.
    #[serde(default)]
    pub history: BTreeSet<u64>,
    /// What the server holds in stock for it.
    #[serde(default)]
    pub reservation: Option<Reservation>,
}

/// What the server has of one product: its data's fingerprint and its stock counts
/// (`on_hand` by [`stock_key`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductBase {
    pub data: u64,
    #[serde(default)]
    pub on_hand: BTreeMap<String, i64>,
}

/// Why the server refused an order's change, as the panel shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRefusal {
    /// The local order id.
    pub order: String,
    /// `out_of_stock`, `stale_status`, `bad_transition`, `order_not_editable`, `order_exists`.
    pub code: String,
    /// The mutation refused: `order_create`, `order_edit`, `order_status`.
    pub mutation: String,
    /// For `out_of_stock`: every short SKU.
    #[serde(default)]
    pub shortages: Vec<Shortage>,
    /// The order's status on the server when it refused (None: the server has no such order).
    #[serde(default)]
    pub status: Option<OrderStatus>,
    /// When (Unix ms).
    pub at: u64,
}

impl OrderRefusal {
    /// What the panel says: which order, what the server decided, what to do.
    pub fn message(&self, lang: nobi_i18n::Lang) -> String {
        use nobi_i18n::Lang::{En, Vi};
        let code = nobi_order::summary::order_code(&self.order);
        let status = self
            .status
            .map(|s| s.label(lang).to_owned())
            .unwrap_or_default();
        let short: Vec<String> = self
            .shortages
            .iter()
            .map(|s| match lang {
                Vi => format!(
                    "{} ({}) còn {}, cần {}",
                    s.sku, s.warehouse, s.available, s.requested
                ),
                En => format!(
                    "{} ({}): {} available, {} asked",
                    s.sku, s.warehouse, s.available, s.requested
                ),
            })
            .collect();
        let short = short.join("; ");
        match (self.code.as_str(), self.mutation.as_str(), lang) {
            ("out_of_stock", "order_create", Vi) => format!(
                "Máy chủ từ chối đơn #{code}: hết hàng — {short}. Đơn chỉ có trên máy này và không giữ hàng: sửa dòng hàng hoặc huỷ đơn."
            ),
            ("out_of_stock", "order_create", En) => format!(
                "The server refused order #{code}: out of stock — {short}. The order is only in this browser and holds no stock: change its lines or cancel it."
            ),
            ("out_of_stock", _, Vi) => format!(
                "Không đổi được dòng hàng của đơn #{code}: hết hàng — {short}. Đơn giữ như trên máy chủ."
            ),
            ("out_of_stock", _, En) => format!(
                "Order #{code}'s lines were not changed: out of stock — {short}. The order stays as the server has it."
            ),
            ("stale_status", _, Vi) => format!(
                "Người khác đã chuyển đơn #{code} sang «{status}»; thay đổi của bạn không được áp dụng."
            ),
            ("stale_status", _, En) => format!(
                "Someone else moved order #{code} to “{status}”; your change was not applied."
            ),
            ("order_not_editable", _, Vi) => format!(
                "Đơn #{code} đã «{status}» trên máy chủ: không sửa được dòng hàng hay kho."
            ),
            ("order_not_editable", _, En) => format!(
                "Order #{code} is “{status}” on the server: its lines and warehouse can no longer change."
            ),
            ("order_exists", _, Vi) => format!(
                "Mã đơn #{code} đã có trên máy chủ: đơn này chỉ có trên máy này."
            ),
            ("order_exists", _, En) => format!(
                "Order code #{code} already exists on the server: this order stays in this browser only."
            ),
            (_, _, Vi) => format!(
                "Máy chủ không cho đổi trạng thái đơn #{code} (đơn đang «{status}»)."
            ),
            (_, _, En) => format!(
                "The server refused order #{code}'s status change (it is “{status}”)."
            ),
        }
    }
}

/// The codes with which the server refuses an order's change for a reason of the shop (not a
/// bug): the refusal is shown with the order, and the server's rows replace the local ones.
pub const ORDER_REFUSALS: [&str; 5] = [
    "out_of_stock",
    "stale_status",
    "bad_transition",
    "order_not_editable",
    "order_exists",
];

/// The key of one stock count in [`ProductBase::on_hand`].
pub fn stock_key(sku: &str, warehouse: &str) -> String {
    format!("{sku}\u{1f}{warehouse}")
}

fn fp(v: &Value) -> u64 {
    fingerprint(v.to_string().as_bytes())
}

/// A product's `data` as the server keeps it: the product without its id and its variants'
/// stock.
pub fn product_data(p: &Product) -> Value {
    let mut v = serde_json::to_value(p).unwrap_or(Value::Null);
    if let Some(o) = v.as_object_mut() {
        o.remove("id");
        if let Some(Value::Array(variants)) = o.get_mut("variants") {
            for variant in variants {
                if let Some(vo) = variant.as_object_mut() {
                    vo.remove("stock");
                }
            }
        }
    }
    v
}

fn counts(p: &Product) -> BTreeMap<String, i64> {
    p.variants
        .iter()
        .flat_map(|v| {
            v.stock
                .iter()
                .map(|(w, level)| (stock_key(&v.sku, w), level.on_hand))
        })
        .collect()
}

/// The mutations that bring the server from `base` to `p`, and the base after them.
/// `committed` is what orders queued in the same plan take off the shelf (by [`stock_key`]):
/// the server does that itself, so it is not a difference to send.
pub fn product_mutations(
    p: &Product,
    base: Option<&ProductBase>,
    committed: &BTreeMap<String, i64>,
) -> Result<(Vec<Draft>, ProductBase), NotSynced> {
    let id = uuid_of(&nobi_crm::Id(p.id.clone())).ok_or(NotSynced::BadId)?;
    let data = product_data(p);
    let now = counts(p);
    let mut out = Vec::new();
    let mut next = base.cloned().unwrap_or_default();
    let fresh: Vec<Value> = p
        .variants
        .iter()
        .flat_map(|v| {
            v.stock
                .iter()
                .filter(|(w, _)| !next.on_hand.contains_key(&stock_key(&v.sku, w)))
                .map(|(w, level)| json!({ "sku": v.sku, "warehouse": w, "on_hand": level.on_hand }))
        })
        .collect();
    if base.is_none() || next.data != fp(&data) || !fresh.is_empty() {
        out.push(Draft {
            name: "product_put",
            args: json!({ "id": id, "data": data, "stock": fresh }),
        });
    }
    next.data = fp(&data);
    for (key, on_hand) in &now {
        let Some(before) = next.on_hand.get(key).copied() else {
            next.on_hand.insert(key.clone(), *on_hand);
            continue;
        };
        let expected = before - committed.get(key).copied().unwrap_or(0);
        let delta = on_hand - expected;
        if delta != 0 {
            let (sku, warehouse) = key.split_once('\u{1f}').unwrap_or((key, ""));
            out.push(Draft {
                name: "stock_adjust",
                args: json!({ "sku": sku, "warehouse": warehouse, "delta": delta }),
            });
        }
        next.on_hand.insert(key.clone(), *on_hand);
    }
    Ok((out, next))
}

/// The `data` of an order: the fields of [`ORDER_KEYS`] that are not null.
pub fn order_data(o: &Order) -> Map<String, Value> {
    let Ok(Value::Object(all)) = serde_json::to_value(o) else {
        return Map::new();
    };
    all.into_iter()
        .filter(|(k, v)| ORDER_KEYS.contains(&k.as_str()) && !v.is_null())
        .collect()
}

fn data_prints(data: &Map<String, Value>) -> BTreeMap<String, u64> {
    data.iter().map(|(k, v)| (k.clone(), fp(v))).collect()
}

fn entry_print(e: &HistoryEntry) -> u64 {
    fp(&serde_json::to_value(e).unwrap_or(Value::Null))
}

/// The base of an order as the server has it once `o` is wholly there.
pub fn order_base(o: &Order) -> OrderBase {
    OrderBase {
        status: o.status,
        data: data_prints(&order_data(o)),
        history: o.history.iter().map(entry_print).collect(),
        reservation: o.reservation.clone(),
    }
}

/// A fingerprint of an order's content (its `updated_at` left out, which every write sets).
pub fn order_print(o: &Order) -> u64 {
    let mut v = serde_json::to_value(o).unwrap_or(Value::Null);
    if let Some(obj) = v.as_object_mut() {
        obj.remove("updated_at");
    }
    fp(&v)
}

/// The steps from `from` to `to`, one status change each (the server takes one step at a
/// time); None when `to` cannot be reached.
pub fn status_path(from: OrderStatus, to: OrderStatus) -> Option<Vec<OrderStatus>> {
    let mut came_from: BTreeMap<OrderStatus, OrderStatus> = BTreeMap::new();
    let mut queue = VecDeque::from([from]);
    while let Some(s) = queue.pop_front() {
        if s == to {
            let mut path = vec![to];
            let mut at = to;
            while let Some(prev) = came_from.get(&at) {
                if *prev == from {
                    break;
                }
                path.push(*prev);
                at = *prev;
            }
            path.reverse();
            return Some(if from == to { Vec::new() } else { path });
        }
        for n in s.next() {
            if *n != from && !came_from.contains_key(n) {
                came_from.insert(*n, s);
                queue.push_back(*n);
            }
        }
    }
    None
}

/// The mutations that bring the server from `base` to `o`, and the base after them.
/// `customer` is the order's customer's UUID when the server has that customer.
pub fn order_mutations(
    o: &Order,
    base: Option<&OrderBase>,
    customer: Option<String>,
) -> Result<(Vec<Draft>, OrderBase), NotSynced> {
    let id = uuid_of(&nobi_crm::Id(o.id.clone())).ok_or(NotSynced::BadId)?;
    let data = order_data(o);
    let next = order_base(o);
    let Some(base) = base else {
        if o.status.holds_stock() && o.reservation.is_none() && !o.lines.is_empty() {
            return Err(NotSynced::HoldsNoStock);
        }
        let reservation = o.reservation.clone().filter(|_| o.status.holds_stock());
        let draft = Draft {
            name: "order_create",
            args: json!({
                "id": id,
                "customer_id": customer,
                "status": o.status,
                "data": data,
                "reservation": reservation,
                "history": o.history,
            }),
        };
        return Ok((vec![draft], next));
    };
    let path = status_path(base.status, o.status).unwrap_or_default();
    // A status change's entries (and a cancel's reason) travel with its step: if the server
    // refuses the step as stale, they must not land through the edit.
    let (mut steps_history, history): (Vec<&HistoryEntry>, Vec<&HistoryEntry>) = o
        .history
        .iter()
        .filter(|e| !base.history.contains(&entry_print(e)))
        .partition(|e| {
            !path.is_empty() && matches!(e.change, Change::Status { .. } | Change::Cancelled { .. })
        });
    let mut out = Vec::new();
    let mut changed = Map::new();
    for key in ORDER_KEYS {
        if key == "cancel_reason" && path.contains(&OrderStatus::Cancelled) {
            continue;
        }
        if next.data.get(key) != base.data.get(key) {
            changed.insert(key.into(), data.get(key).cloned().unwrap_or(Value::Null));
        }
    }
    let reservation_changed = o.status.holds_stock()
        && base.status.holds_stock()
        && o.reservation.is_some()
        && o.reservation != base.reservation;
    // New lines (or warehouse) go in an edit of their own: if the server refuses them for
    // stock, the other fields changed with them still land.
    let mut stock_fields = Map::new();
    if reservation_changed {
        for key in ["lines", "warehouse"] {
            if let Some(v) = changed.remove(key) {
                stock_fields.insert(key.into(), v);
            }
        }
    }
    let (stock_history, field_history): (Vec<&HistoryEntry>, Vec<&HistoryEntry>) =
        history.into_iter().partition(|e| {
            reservation_changed
                && matches!(e.change, Change::Lines { .. } | Change::Warehouse { .. })
        });
    if !changed.is_empty() || !field_history.is_empty() {
        let mut args = json!({ "id": id, "data": changed, "history": field_history });
        if changed.contains_key("customer_id") && customer.is_some() {
            // Moved to another record of the buyer (a merge): the server's visibility follows.
            args["customer_id"] = json!(customer);
        }
        out.push(Draft {
            name: "order_edit",
            args,
        });
    }
    if reservation_changed {
        out.push(Draft {
            name: "order_edit",
            args: json!({
                "id": id,
                "data": stock_fields,
                "reservation": o.reservation,
                "history": stock_history,
            }),
        });
    }
    let mut from = base.status;
    let last = path.len();
    for (i, to) in path.into_iter().enumerate() {
        let mut args = json!({ "id": id, "from": from, "to": to, "history": [] });
        if i + 1 == last {
            args["history"] = json!(std::mem::take(&mut steps_history));
            if to == OrderStatus::Cancelled {
                if let Some(r) = &o.cancel_reason {
                    args["cancel_reason"] = json!(r);
                }
            }
        }
        out.push(Draft {
            name: "order_status",
            args,
        });
        from = to;
    }
    if from != o.status {
        // Unreachable from the server's status (it went somewhere this browser's did not).
        let mut kept = next;
        kept.status = base.status;
        kept.reservation = base.reservation.clone();
        return Ok((out, kept));
    }
    Ok((out, next))
}

/// What a queued `order_status` to delivered takes off the shelf, by [`stock_key`]: the
/// reservation the server holds for the order (`base`, before the change).
pub fn commits_of(base: Option<&OrderBase>, o: &Order) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    let Some(b) = base else {
        return out;
    };
    if o.status != OrderStatus::Delivered || b.status == OrderStatus::Delivered {
        return out;
    }
    if let Some(r) = &b.reservation {
        for item in &r.items {
            *out.entry(stock_key(&item.sku, &r.warehouse)).or_default() += i64::from(item.quantity);
        }
    }
    out
}

/// A pulled product row as a local product: the server's data and stock, with `pending`
/// (mutations not yet applied by the server) replayed on top. Returns the product and its base.
/// None when the row's data is not a product this version can read.
pub fn product_from_row(
    row: &Value,
    pending: &[&crate::Mutation],
) -> Option<(Product, ProductBase)> {
    let uuid = row.get("id")?.as_str()?;
    let mut data = row.get("data")?.clone();
    let mut stock: BTreeMap<String, StockLevel> = BTreeMap::new();
    for s in row
        .get("stock")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (Some(sku), Some(w)) = (
            s.get("sku").and_then(Value::as_str),
            s.get("warehouse").and_then(Value::as_str),
        ) else {
            continue;
        };
        stock.insert(
            stock_key(sku, w),
            StockLevel {
                on_hand: s.get("on_hand").and_then(Value::as_i64).unwrap_or(0),
                reserved: s.get("reserved").and_then(Value::as_i64).unwrap_or(0),
            },
        );
    }
    for m in pending {
        match m.name.as_str() {
            "product_put" if m.args.get("id").and_then(Value::as_str) == Some(uuid) => {
                data = m.args["data"].clone();
            }
            "stock_adjust" => {
                let (Some(sku), Some(w)) = (m.args["sku"].as_str(), m.args["warehouse"].as_str())
                else {
                    continue;
                };
                if let Some(level) = stock.get_mut(&stock_key(sku, w)) {
                    level.on_hand += m.args["delta"].as_i64().unwrap_or(0);
                }
            }
            "order_create" => {
                let Ok(Some(r)) =
                    serde_json::from_value::<Option<Reservation>>(m.args["reservation"].clone())
                else {
                    continue;
                };
                for item in &r.items {
                    if let Some(level) = stock.get_mut(&stock_key(&item.sku, &r.warehouse)) {
                        level.reserved += i64::from(item.quantity);
                    }
                }
            }
            _ => {}
        }
    }
    let mut obj = data.as_object()?.clone();
    obj.insert("id".into(), Value::String(id_of(uuid).0));
    let mut p: Product = serde_json::from_value(Value::Object(obj)).ok()?;
    for v in &mut p.variants {
        v.stock = stock
            .iter()
            .filter_map(|(k, level)| {
                let (sku, w) = k.split_once('\u{1f}')?;
                (sku == v.sku).then(|| (w.to_owned(), *level))
            })
            .collect();
    }
    let base = ProductBase {
        data: fp(&product_data(&p)),
        on_hand: counts(&p),
    };
    Some((p, base))
}

/// A pulled order row as a local order, with `pending` replayed on top (fields, status,
/// history). `local` is this browser's record of it, whose times are kept. Returns the order and
/// its base (the server's state once `pending` is applied). None when the row is not an order
/// this version can read.
pub fn order_from_row(
    row: &Value,
    local: Option<&Order>,
    pending: &[&crate::Mutation],
    now: i64,
) -> Option<(Order, OrderBase)> {
    let uuid = row.get("id")?.as_str()?;
    let mut obj = row.get("data")?.as_object()?.clone();
    let mut status = row.get("status")?.clone();
    let mut reservation = row.get("reservation").cloned().unwrap_or(Value::Null);
    let mut history: Vec<Value> = row
        .get("history")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for m in pending {
        if m.args.get("id").and_then(Value::as_str) != Some(uuid) {
            continue;
        }
        match m.name.as_str() {
            "order_edit" => {
                for (k, v) in m.args["data"].as_object().into_iter().flatten() {
                    if v.is_null() {
                        obj.remove(k);
                    } else {
                        obj.insert(k.clone(), v.clone());
                    }
                }
                if let Some(r) = m.args.get("reservation") {
                    reservation = r.clone();
                }
            }
            "order_status" => {
                status = m.args["to"].clone();
                if let Some(r) = m.args.get("cancel_reason") {
                    obj.insert("cancel_reason".into(), r.clone());
                }
            }
            _ => continue,
        }
        history.extend(m.args["history"].as_array().into_iter().flatten().cloned());
    }
    let parsed: OrderStatus = serde_json::from_value(status.clone()).ok()?;
    if !parsed.holds_stock() {
        reservation = Value::Null;
    }
    let created_at = row
        .get("created_at")
        .and_then(Value::as_str)
        .and_then(parse_time);
    obj.insert("id".into(), Value::String(id_of(uuid).0));
    obj.insert("status".into(), status);
    obj.insert("reservation".into(), reservation);
    obj.insert("history".into(), Value::Array(history));
    obj.insert(
        "created_at".into(),
        json!(local.map(|l| l.created_at).or(created_at).unwrap_or(now)),
    );
    obj.insert("updated_at".into(), json!(now));
    let order: Order = serde_json::from_value(Value::Object(obj)).ok()?;
    let base = order_base(&order);
    Some((order, base))
}

/// The UUID an order or product mutation is about.
pub fn subject(m: &crate::Mutation) -> Option<&str> {
    match m.name.as_str() {
        "product_put" | "order_create" | "order_edit" | "order_status" => {
            m.args.get("id").and_then(Value::as_str)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nobi_order::catalog::Variant;
    use nobi_order::stock::ReservedItem;

    fn product(on_hand: i64, reserved: i64) -> Product {
        Product {
            id: nobi_crm::Id::new(10, 1).0,
            name: "Áo thun".into(),
            images: vec![],
            variants: vec![Variant {
                sku: "AO-S".into(),
                price: nobi_order::money::Vnd(150_000),
                stock: [("main".to_owned(), StockLevel { on_hand, reserved })].into(),
                ..Variant::default()
            }],
        }
    }

    fn names(d: &[Draft]) -> Vec<&str> {
        d.iter().map(|d| d.name).collect()
    }

    #[test]
    fn a_product_is_put_once_with_its_first_counts_then_only_differences_travel() {
        let p = product(10, 2);
        let (d, base) = product_mutations(&p, None, &BTreeMap::new()).unwrap();
        assert_eq!(names(&d), ["product_put"]);
        assert_eq!(
            d[0].args["stock"],
            json!([{ "sku": "AO-S", "warehouse": "main", "on_hand": 10 }])
        );
        assert!(d[0].args["data"]["variants"][0].get("stock").is_none());
        assert!(d[0].args["data"].get("id").is_none());
        // Reserved moves (orders) are the server's: nothing to send.
        let (d, base) = product_mutations(&product(10, 5), Some(&base), &BTreeMap::new()).unwrap();
        assert!(d.is_empty());
        // A receipt of 5: a difference, not a count.
        let (d, base) = product_mutations(&product(15, 5), Some(&base), &BTreeMap::new()).unwrap();
        assert_eq!(names(&d), ["stock_adjust"]);
        assert_eq!(
            d[0].args,
            json!({ "sku": "AO-S", "warehouse": "main", "delta": 5 })
        );
        // A delivered order took 2 off the shelf: the server commits it, nothing to send.
        let committed = [(stock_key("AO-S", "main"), 2)].into();
        let (d, base) = product_mutations(&product(13, 3), Some(&base), &committed).unwrap();
        assert!(d.is_empty());
        assert_eq!(base.on_hand[&stock_key("AO-S", "main")], 13);
        // A rename is a put of the data, with no counts.
        let mut renamed = product(13, 3);
        renamed.name = "Áo thun cổ tròn".into();
        let (d, _) = product_mutations(&renamed, Some(&base), &BTreeMap::new()).unwrap();
        assert_eq!(names(&d), ["product_put"]);
        assert_eq!(d[0].args["stock"], json!([]));
    }

    #[test]
    fn a_refusal_says_which_order_why_and_what_to_do_in_both_languages() {
        let r = OrderRefusal {
            order: "019a2b3c4d5e-abcdef1234".into(),
            code: "out_of_stock".into(),
            mutation: "order_create".into(),
            shortages: vec![Shortage {
                sku: "AO-S".into(),
                warehouse: "main".into(),
                available: 0,
                requested: 1,
            }],
            status: None,
            at: 1,
        };
        let vi = r.message(nobi_i18n::Lang::Vi);
        let code = nobi_order::summary::order_code(&r.order);
        assert!(vi.contains(&format!("đơn #{code}")), "{vi}");
        assert!(vi.contains("AO-S (main) còn 0, cần 1"), "{vi}");
        assert!(vi.contains("huỷ đơn"), "{vi}");
        assert!(r
            .message(nobi_i18n::Lang::En)
            .contains("0 available, 1 asked"));
        let stale = OrderRefusal {
            code: "stale_status".into(),
            mutation: "order_status".into(),
            status: Some(OrderStatus::Confirmed),
            shortages: vec![],
            ..r
        };
        assert!(stale.message(nobi_i18n::Lang::Vi).contains("«Đã xác nhận»"));
        assert!(stale.message(nobi_i18n::Lang::En).contains("“Confirmed”"));
    }

    #[test]
    fn status_paths_take_one_step_at_a_time() {
        use OrderStatus::*;
        assert_eq!(status_path(New, New), Some(vec![]));
        assert_eq!(status_path(New, Packing), Some(vec![Confirmed, Packing]));
        assert_eq!(status_path(New, Cancelled), Some(vec![Cancelled]));
        assert_eq!(
            status_path(Confirmed, Delivered),
            Some(vec![Packing, Shipping, Delivered])
        );
        assert_eq!(status_path(Delivered, New), None);
        assert_eq!(status_path(Shipping, Cancelled), None);
    }

    fn order() -> Order {
        serde_json::from_value(json!({
            "id": nobi_crm::Id::new(20, 2).0,
            "created_at": 1, "updated_at": 1, "status": "new",
            "source": { "platform": "instagram", "page": "hoamai.shop" },
            "warehouse": "main",
            "customer_id": nobi_crm::Id::new(5, 5).0,
            "recipient": { "name": "Lan", "phone": "0912345678", "address": "12 Lý Thường Kiệt" },
            "lines": [{ "sku": "AO-S", "name": "Áo", "quantity": 1, "unit_price": 150000 }],
            "shipping": { "carrier": "ghtk", "fee": 30000, "payer": "buyer", "weight_grams": 300 },
            "payment": { "method": "cod", "paid": 0 },
            "reservation": { "warehouse": "main", "items": [{ "sku": "AO-S", "quantity": 1 }] },
            "history": [{ "at": 1, "by": "lan", "change": "created" }]
        }))
        .expect("an order")
    }

    #[test]
    fn an_order_is_created_whole_then_edited_by_field_and_moved_one_step_at_a_time() {
        let mut o = order();
        let (d, base) = order_mutations(&o, None, Some("c-uuid".into())).unwrap();
        assert_eq!(names(&d), ["order_create"]);
        assert_eq!(d[0].args["status"], "new");
        assert_eq!(d[0].args["customer_id"], "c-uuid");
        assert_eq!(d[0].args["reservation"]["items"][0]["sku"], "AO-S");
        assert_eq!(d[0].args["history"].as_array().unwrap().len(), 1);
        assert!(d[0].args["data"].get("status").is_none());
        // Nothing changed: nothing sent.
        assert!(order_mutations(&o, Some(&base), None).unwrap().0.is_empty());
        // A note, then two steps: one edit with the new history, then each step.
        o.note = "giao buổi sáng".into();
        o.status = OrderStatus::Packing;
        o.history.push(serde_json::from_value(json!({ "at": 2, "by": "lan", "change": { "status": { "from": "new", "to": "confirmed" } } })).unwrap());
        o.history.push(serde_json::from_value(json!({ "at": 3, "by": "lan", "change": { "status": { "from": "confirmed", "to": "packing" } } })).unwrap());
        let (d, next) = order_mutations(&o, Some(&base), None).unwrap();
        assert_eq!(names(&d), ["order_edit", "order_status", "order_status"]);
        assert_eq!(d[0].args["data"], json!({ "note": "giao buổi sáng" }));
        assert!(d[0].args.get("reservation").is_none());
        assert_eq!(
            d[0].args["history"],
            json!([]),
            "the steps' entries go with the steps"
        );
        assert_eq!(d[2].args["history"].as_array().unwrap().len(), 2);
        assert_eq!(
            (d[1].args["from"].clone(), d[1].args["to"].clone()),
            (json!("new"), json!("confirmed"))
        );
        assert_eq!(
            (d[2].args["from"].clone(), d[2].args["to"].clone()),
            (json!("confirmed"), json!("packing"))
        );
        assert_eq!(d[1].args["history"], json!([]));
        assert_eq!(next.status, OrderStatus::Packing);
        // Delivered: the server's reservation comes off the shelf.
        let mut shipped = o.clone();
        shipped.status = OrderStatus::Delivered;
        shipped.reservation = None;
        assert_eq!(
            commits_of(Some(&next), &shipped),
            [(stock_key("AO-S", "main"), 1)].into()
        );
    }

    #[test]
    fn an_order_moved_to_another_record_of_the_buyer_moves_on_the_server_too() {
        let o = order();
        let (_, base) = order_mutations(&o, None, Some("c-1".into())).unwrap();
        let mut moved = o.clone();
        moved.customer_id = Some(nobi_crm::Id::new(6, 6).0);
        let (d, _) = order_mutations(&moved, Some(&base), Some("c-2".into())).unwrap();
        assert_eq!(names(&d), ["order_edit"]);
        assert_eq!(d[0].args["customer_id"], "c-2");
        // A customer the server does not have: the field travels, the column stays.
        let (d, _) = order_mutations(&moved, Some(&base), None).unwrap();
        assert!(d[0].args.get("customer_id").is_none());
    }

    #[test]
    fn new_lines_carry_the_new_reservation_and_a_cancel_its_reason() {
        let o = order();
        let (_, base) = order_mutations(&o, None, None).unwrap();
        let mut more = o.clone();
        more.lines[0].quantity = 2;
        more.reservation = Some(Reservation {
            warehouse: "main".into(),
            items: vec![ReservedItem {
                sku: "AO-S".into(),
                quantity: 2,
            }],
        });
        let (d, _) = order_mutations(&more, Some(&base), None).unwrap();
        assert_eq!(names(&d), ["order_edit"]);
        assert_eq!(d[0].args["reservation"]["items"][0]["quantity"], 2);
        assert_eq!(d[0].args["data"]["lines"][0]["quantity"], 2);
        let mut cancelled = o.clone();
        cancelled.status = OrderStatus::Cancelled;
        cancelled.reservation = None;
        cancelled.cancel_reason = Some("khách đổi ý".into());
        cancelled.history.push(
            serde_json::from_value(json!({ "at": 2, "by": "lan",
                "change": { "cancelled": { "from": "new", "reason": "khách đổi ý" } } }))
            .unwrap(),
        );
        let (d, _) = order_mutations(&cancelled, Some(&base), None).unwrap();
        assert_eq!(
            names(&d),
            ["order_status"],
            "the reason and the entry travel with the step alone"
        );
        assert_eq!(d[0].args["cancel_reason"], "khách đổi ý");
        assert_eq!(d[0].args["history"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn a_pulled_row_becomes_the_local_record_with_pending_changes_on_top() {
        let o = order();
        let (d, _) = order_mutations(&o, None, None).unwrap();
        let uuid = d[0].args["id"].as_str().unwrap().to_owned();
        let row = json!({
            "id": uuid, "customer_id": null, "status": "confirmed",
            "data": d[0].args["data"], "reservation": d[0].args["reservation"],
            "history": d[0].args["history"], "created_by": "u1",
            "created_at": "2026-05-01T10:00:00Z"
        });
        let pending = crate::Mutation {
            id: 9,
            name: "order_status".into(),
            args: json!({ "id": uuid, "from": "confirmed", "to": "cancelled", "history": [], "cancel_reason": "hết hàng" }),
        };
        let (got, base) = order_from_row(&row, None, &[&pending], 5).unwrap();
        assert_eq!(got.id, o.id);
        assert_eq!(got.status, OrderStatus::Cancelled);
        assert_eq!(got.reservation, None);
        assert_eq!(got.cancel_reason.as_deref(), Some("hết hàng"));
        assert_eq!(got.created_at, 1_777_629_600_000);
        assert_eq!(base.status, OrderStatus::Cancelled);
        let (plain, _) = order_from_row(&row, Some(&o), &[], 5).unwrap();
        assert_eq!(plain.status, OrderStatus::Confirmed);
        assert_eq!(plain.created_at, 1, "the local record's time is kept");

        let p = product(10, 0);
        let (d, _) = product_mutations(&p, None, &BTreeMap::new()).unwrap();
        let puuid = d[0].args["id"].as_str().unwrap().to_owned();
        let row = json!({
            "id": puuid, "data": d[0].args["data"],
            "stock": [{ "sku": "AO-S", "warehouse": "main", "on_hand": 7, "reserved": 3 }]
        });
        let adjust = crate::Mutation {
            id: 10,
            name: "stock_adjust".into(),
            args: json!({ "sku": "AO-S", "warehouse": "main", "delta": 2 }),
        };
        let (got, base) = product_from_row(&row, &[&adjust]).unwrap();
        assert_eq!(got.id, p.id);
        assert_eq!(
            got.variants[0].stock["main"],
            StockLevel {
                on_hand: 9,
                reserved: 3
            }
        );
        assert_eq!(base.on_hand[&stock_key("AO-S", "main")], 9);
    }
}
