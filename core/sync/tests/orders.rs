//! Orders and products through the state machine: what a plan queues, and what a refusal by the
//! server (stock, someone else moved the order) does to the local records.

use nobi_crm::{Change, ChangeOp, Id};
use nobi_order::catalog::{Product, StockLevel, Variant};
use nobi_order::{Order, OrderStatus};
use nobi_sync::{Local, Outcome, Response, Session, SyncState, Write};
use serde_json::{json, Value};

const NOW: u64 = 1_796_612_400_000;

fn signed_in() -> SyncState {
    let mut s = SyncState::new("https://shop.example.vn", "client-1");
    s.sign_in(Session {
        token: "tok".into(),
        expires_at: NOW + 3_600_000,
        refresh_token: "ref".into(),
        refresh_expires_at: NOW + 86_400_000,
    });
    s
}

fn put(seq: u64, store: &str, id: &str) -> (u64, Change) {
    (
        seq,
        Change {
            at: seq as i64,
            store: store.into(),
            id: Id(id.into()),
            op: ChangeOp::Put,
        },
    )
}

fn product(on_hand: i64, reserved: i64) -> Product {
    Product {
        id: Id::new(10, 1).0,
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

fn order(status: &str) -> Order {
    serde_json::from_value(json!({
        "id": Id::new(20, 2).0,
        "created_at": 1, "updated_at": 1, "status": status,
        "source": { "platform": "instagram", "page": "hoamai.shop" },
        "warehouse": "main",
        "recipient": { "name": "Lan", "phone": "0912345678", "address": "12 Lý Thường Kiệt" },
        "lines": [{ "sku": "AO-S", "name": "Áo", "quantity": 1, "unit_price": 150000 }],
        "shipping": { "fee": 30000 },
        "payment": { "method": "cod", "paid": 0 },
        "reservation": { "warehouse": "main", "items": [{ "sku": "AO-S", "quantity": 1 }] },
        "history": [{ "at": 1, "by": "lan", "change": "created" }]
    }))
    .expect("an order")
}

fn local(o: &Order, p: &Product) -> Local {
    Local {
        orders: [(Id(o.id.clone()), o.clone())].into(),
        products: [(Id(p.id.clone()), p.clone())].into(),
        ..Local::default()
    }
}

fn names(s: &SyncState) -> Vec<&str> {
    s.pending.iter().map(|m| m.name.as_str()).collect()
}

/// The push's request, answered with `status` and `body`.
fn answer(s: &mut SyncState, status: u16, body: Value) -> Outcome {
    let req = s.next_request(NOW).expect("a push");
    s.on_response(&req, Ok(Response { status, body }), NOW, 7)
}

#[test]
fn a_product_is_queued_before_the_order_that_reserves_it() {
    let mut s = signed_in();
    let (o, p) = (order("new"), product(1, 1));
    // The order was written first (the panel's batch), the product after it.
    s.record_changes(
        &[put(1, "orders", &o.id), put(2, "products", &p.id)],
        &local(&o, &p),
    );
    assert_eq!(names(&s), ["product_put", "order_create"]);
    assert_eq!(s.pending[0].args["stock"][0]["on_hand"], 1);
}

#[test]
fn a_delivered_order_is_one_status_step_and_no_stock_difference() {
    let mut s = signed_in();
    let (mut o, p) = (order("shipping"), product(5, 1));
    s.record_changes(
        &[put(1, "orders", &o.id), put(2, "products", &p.id)],
        &local(&o, &p),
    );
    s.pending.clear();
    // Delivered here: the order and the product (on hand 5 → 4) written together.
    o.status = OrderStatus::Delivered;
    o.reservation = None;
    let shelf = product(4, 0);
    s.record_changes(
        &[put(3, "orders", &o.id), put(4, "products", &shelf.id)],
        &local(&o, &shelf),
    );
    assert_eq!(
        names(&s),
        ["order_status"],
        "the server commits: no stock_adjust"
    );
    assert_eq!(s.pending[0].args["to"], "delivered");
}

#[test]
fn an_order_refused_for_stock_stays_here_holding_nothing_and_the_servers_stock_is_taken() {
    let mut s = signed_in();
    s.cursor = Some("shop:41".into());
    let (o, p) = (order("new"), product(1, 1));
    s.record_changes(
        &[put(1, "orders", &o.id), put(2, "products", &p.id)],
        &local(&o, &p),
    );
    let create = s.pending[1].clone();
    let product_uuid = s.pending[0].args["id"].clone();
    let body = json!({ "error": {
        "code": "out_of_stock", "message": "SKU AO-S in warehouse main: 0 available, 1 asked",
        "mutation_id": create.id,
        "shortages": [{ "sku": "AO-S", "warehouse": "main", "available": 0, "requested": 1 }],
        "rows": [{ "entity": "product", "row": {
            "id": product_uuid, "data": s.pending[0].args["data"],
            "stock": [{ "sku": "AO-S", "warehouse": "main", "on_hand": 1, "reserved": 1 }] } }]
    }});
    let Outcome::Pulled(pulled) = answer(&mut s, 409, body) else {
        panic!("a refusal brings rows to apply");
    };
    assert_eq!(names(&s), ["product_put"], "the create is out of the queue");
    assert!(s.rejected.is_empty(), "a refusal is not a set-aside error");
    let ids = pulled.local_ids();
    assert!(ids.orders.contains(&Id(o.id.clone())));
    let out = s.apply_pull(&pulled, &local(&o, &p), NOW);
    let order_write = out.writes.iter().find_map(|w| match w {
        Write::PutOrder(o) => Some(o),
        _ => None,
    });
    let order_write = order_write.expect("the order is rewritten");
    assert_eq!(order_write.reservation, None, "it holds no stock");
    assert_eq!(order_write.status, OrderStatus::New, "and is kept");
    assert!(out
        .writes
        .iter()
        .any(|w| matches!(w, Write::PutProduct(p) if p.variants[0].stock["main"].reserved == 1)));
    assert_eq!(s.refusals.len(), 1);
    assert_eq!(s.refusals[0].code, "out_of_stock");
    assert_eq!(s.refusals[0].order, o.id);
    assert_eq!(s.refusals[0].shortages[0].available, 0);
    assert!(
        !s.order_bases.contains_key(&o.id),
        "its next change creates it again"
    );
    assert_eq!(s.cursor.as_deref(), Some("shop:41"), "the cursor is kept");
    // Sync's own rewrite of it comes back through the change log: nothing to send.
    s.record_changes(&[put(3, "orders", &o.id)], &local(order_write, &p));
    assert_eq!(names(&s), ["product_put"]);
    assert_eq!(s.refusals.len(), 1, "the refusal stays shown");
    // Confirmed as it is (holding nothing): the server would take it as needing no stock, so it
    // waits for new lines or a cancel.
    let mut confirmed = order_write.as_ref().clone();
    confirmed.status = OrderStatus::Confirmed;
    let ns = s.record_changes(&[put(4, "orders", &o.id)], &local(&confirmed, &p));
    assert_eq!(names(&s), ["product_put"]);
    assert_eq!(ns[0].1, nobi_sync::NotSynced::HoldsNoStock);
    // The agent cancels it: it goes out whole, and the refusal is cleared.
    let mut cancelled = order_write.as_ref().clone();
    cancelled.status = OrderStatus::Cancelled;
    cancelled.cancel_reason = Some("hết hàng".into());
    s.record_changes(&[put(5, "orders", &o.id)], &local(&cancelled, &p));
    assert_eq!(names(&s), ["product_put", "order_create"]);
    assert_eq!(s.pending[1].args["status"], "cancelled");
    assert_eq!(s.pending[1].args["reservation"], Value::Null);
    assert!(s.refusals.is_empty());
}

#[test]
fn a_stale_status_change_gives_way_to_the_servers_status() {
    let mut s = signed_in();
    let (mut o, p) = (order("new"), product(3, 1));
    s.record_changes(
        &[put(1, "orders", &o.id), put(2, "products", &p.id)],
        &local(&o, &p),
    );
    s.pending.clear();
    let uuid = nobi_sync::ids::uuid_of(&Id(o.id.clone())).unwrap();
    // Cancelled here, while another agent confirmed it on the server.
    o.status = OrderStatus::Cancelled;
    o.reservation = None;
    s.record_changes(&[put(3, "orders", &o.id)], &local(&o, &p));
    assert_eq!(names(&s), ["order_status"]);
    let mut server = order("confirmed");
    server.note = "khách lấy màu đen".into();
    let row = json!({
        "id": uuid, "customer_id": null, "status": "confirmed",
        "data": nobi_sync::orders::order_data(&server),
        "reservation": server.reservation, "history": server.history,
        "created_by": "u2", "created_at": "2026-12-06T10:00:00Z"
    });
    let body = json!({ "error": {
        "code": "stale_status", "message": "x", "mutation_id": s.pending[0].id,
        "status": "confirmed", "rows": [{ "entity": "order", "row": row }]
    }});
    let Outcome::Pulled(pulled) = answer(&mut s, 409, body) else {
        panic!("a refusal brings rows to apply");
    };
    let out = s.apply_pull(&pulled, &local(&o, &p), NOW);
    let got = out
        .writes
        .iter()
        .find_map(|w| match w {
            Write::PutOrder(o) => Some(o.as_ref().clone()),
            _ => None,
        })
        .expect("the server's order");
    assert_eq!(got.status, OrderStatus::Confirmed);
    assert!(got.reservation.is_some());
    assert_eq!(got.note, "khách lấy màu đen");
    assert_eq!(s.order_bases[&o.id].status, OrderStatus::Confirmed);
    assert_eq!(s.refusals[0].status, Some(OrderStatus::Confirmed));
    assert!(s.pending.is_empty());
    // Nothing more to send for it: the local order is the server's now.
    s.record_changes(&[put(4, "orders", &o.id)], &local(&got, &p));
    assert!(s.pending.is_empty());
    assert_eq!(
        s.refusals.len(),
        1,
        "sync's own rewrite keeps the refusal shown"
    );
}

#[test]
fn a_delivered_order_and_its_product_in_two_steps_of_the_log_still_send_no_difference() {
    let mut s = signed_in();
    let (mut o, p) = (order("shipping"), product(5, 1));
    s.record_changes(
        &[put(1, "orders", &o.id), put(2, "products", &p.id)],
        &local(&o, &p),
    );
    s.pending.clear();
    o.status = OrderStatus::Delivered;
    o.reservation = None;
    let shelf = product(4, 0);
    // The log's step ends between the order and its product.
    s.record_changes(&[put(3, "orders", &o.id)], &local(&o, &shelf));
    s.record_changes(&[put(4, "products", &shelf.id)], &local(&o, &shelf));
    assert_eq!(
        names(&s),
        ["order_status"],
        "no stock_adjust: the server commits"
    );
    assert!(s.commits_waiting.is_empty());
}

#[test]
fn a_refused_step_takes_the_steps_after_it_along() {
    let mut s = signed_in();
    let (mut o, p) = (order("new"), product(3, 1));
    s.record_changes(
        &[put(1, "orders", &o.id), put(2, "products", &p.id)],
        &local(&o, &p),
    );
    s.pending.clear();
    o.status = OrderStatus::Packing;
    s.record_changes(&[put(3, "orders", &o.id)], &local(&o, &p));
    assert_eq!(names(&s), ["order_status", "order_status"]);
    let body = json!({ "error": { "code": "stale_status", "message": "x", "mutation_id": s.pending[0].id, "status": "cancelled" } });
    let Outcome::Pulled(pulled) = answer(&mut s, 409, body) else {
        panic!("a refusal");
    };
    assert!(
        s.pending.is_empty(),
        "confirmed → packing would start from a status the server never had"
    );
    s.apply_pull(&pulled, &local(&o, &p), NOW);
    assert_eq!(
        s.refusals[0].status,
        Some(OrderStatus::Cancelled),
        "the status from the error when no row came"
    );
}

#[test]
fn new_lines_travel_apart_from_the_other_fields_changed_with_them() {
    let mut s = signed_in();
    let (mut o, p) = (order("new"), product(3, 1));
    s.record_changes(
        &[put(1, "orders", &o.id), put(2, "products", &p.id)],
        &local(&o, &p),
    );
    s.pending.clear();
    o.note = "gói quà".into();
    o.lines[0].quantity = 2;
    o.reservation.as_mut().unwrap().items[0].quantity = 2;
    s.record_changes(&[put(3, "orders", &o.id)], &local(&o, &p));
    assert_eq!(names(&s), ["order_edit", "order_edit"]);
    assert_eq!(s.pending[0].args["data"], json!({ "note": "gói quà" }));
    assert!(s.pending[0].args.get("reservation").is_none());
    assert_eq!(s.pending[1].args["data"]["lines"][0]["quantity"], 2);
    assert_eq!(s.pending[1].args["reservation"]["items"][0]["quantity"], 2);
}
