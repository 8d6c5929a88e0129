//! Products, stock and orders: the server decides stock (two agents never sell the last unit
//! twice) and order status (a change from a stale status is refused, with the rows to correct
//! from); orders follow their customer's visibility.

use axum::http::{Method, StatusCode};
use nobi_server::auth::Role;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::common::*;

/// One push of `mutations` (ids 1, 2, ... unless given) by `client`.
async fn push(shop: &Shop, token: &str, client: &str, mutations: Value) -> (StatusCode, Value) {
    shop.call(
        Method::POST,
        "/v1/push",
        Some(token),
        json!({ "client_id": cid(shop, client), "mutations": mutations }),
    )
    .await
}

/// Client ids are unique across shops (one cluster serves every test): one per shop and name.
fn cid(shop: &Shop, name: &str) -> String {
    format!("{name}-{}", shop.id.simple())
}

fn mutation(id: i64, name: &str, args: Value) -> Value {
    json!({ "id": id, "name": name, "args": args })
}

/// A product with one variant per SKU and a first count of `on_hand` of each in "main".
fn product_put(id: Uuid, skus: &[&str], on_hand: i64) -> Value {
    let variants: Vec<Value> = skus
        .iter()
        .map(|s| json!({ "sku": s, "name": format!("Áo {s}") }))
        .collect();
    let stock: Vec<Value> = skus
        .iter()
        .map(|s| json!({ "sku": s, "warehouse": "main", "on_hand": on_hand }))
        .collect();
    json!({ "id": id, "data": { "name": "Áo thun", "variants": variants }, "stock": stock })
}

fn order_create(id: Uuid, customer: Option<Uuid>, status: &str, items: &[(&str, u32)]) -> Value {
    let items: Vec<Value> = items
        .iter()
        .map(|(sku, q)| json!({ "sku": sku, "quantity": q }))
        .collect();
    json!({
        "id": id,
        "customer_id": customer,
        "status": status,
        "data": { "recipient": { "name": "Chị Hoa" }, "note": "giao giờ hành chính" },
        "reservation": { "warehouse": "main", "items": items },
        "history": [{ "at": 1, "change": "created" }],
    })
}

fn status_change(id: Uuid, from: &str, to: &str) -> Value {
    json!({ "id": id, "from": from, "to": to, "history": [{ "change": { "status": { "from": from, "to": to } } }] })
}

/// (on_hand, reserved) of an SKU in "main" (a missing row is (0, 0)).
async fn stock(shop: &Shop, sku: &str) -> (i64, i64) {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT on_hand, reserved FROM stock WHERE shop_id = $1 AND sku = $2 AND warehouse = 'main'",
    )
    .bind(shop.id)
    .bind(sku)
    .fetch_optional(&shop.admin)
    .await
    .unwrap();
    row.unwrap_or((0, 0))
}

async fn order_row(shop: &Shop, id: Uuid) -> Value {
    sqlx::query_scalar("SELECT to_jsonb(o) FROM orders o WHERE id = $1")
        .bind(id)
        .fetch_one(&shop.admin)
        .await
        .unwrap()
}

/// The rows of `entity` in a refusal's `rows`.
fn refusal_rows<'a>(e: &'a Value, entity: &str) -> Vec<&'a Value> {
    e["error"]["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("no rows in {e}"))
        .iter()
        .filter(|r| r["entity"] == entity)
        .map(|r| &r["row"])
        .collect()
}

fn pulled<'a>(pull: &'a Value, entity: &str, id: Uuid) -> &'a Value {
    &pull["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["entity"] == entity && c["row"]["id"] == id.to_string())
        .unwrap_or_else(|| panic!("no {entity} {id} in {pull}"))["row"]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_agents_race_for_the_last_unit_and_one_is_refused() {
    let shop = Shop::new("Last unit").await;
    let page = shop.page("p").await;
    let a = shop.agent("A", &[page]).await;
    let b = shop.agent("B", &[page]).await;
    let product = Uuid::new_v4();
    shop.ok(
        "/v1/push",
        &shop.owner,
        json!({ "client_id": cid(&shop, "owner-1"), "mutations": [
            mutation(1, "product_put", product_put(product, &["AO-S", "AO-M"], 1)) ] }),
    )
    .await;
    let (oa, ob) = (Uuid::new_v4(), Uuid::new_v4());
    let (ra, rb) = tokio::join!(
        push(
            &shop,
            &a.token,
            "a-1",
            json!([mutation(
                1,
                "order_create",
                order_create(oa, None, "new", &[("AO-S", 1)])
            )])
        ),
        push(
            &shop,
            &b.token,
            "b-1",
            json!([mutation(
                1,
                "order_create",
                order_create(ob, None, "new", &[("AO-S", 1)])
            )])
        ),
    );
    let (winner, loser) = match (ra.0, rb.0) {
        (StatusCode::OK, StatusCode::CONFLICT) => (oa, rb.1),
        (StatusCode::CONFLICT, StatusCode::OK) => (ob, ra.1),
        other => panic!(
            "want one winner and one refusal, got {other:?}: {} / {}",
            ra.1, rb.1
        ),
    };
    println!(
        "out_of_stock body: {}",
        serde_json::to_string(&loser).unwrap()
    );
    assert_eq!(err_code(&loser), "out_of_stock");
    assert_eq!(loser["error"]["mutation_id"], 1);
    assert_eq!(
        loser["error"]["shortages"],
        json!([{ "sku": "AO-S", "warehouse": "main", "available": 0, "requested": 1 }])
    );
    let message = loser["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("SKU AO-S in warehouse main: 0 available, 1 asked"),
        "{message}"
    );
    assert_eq!(
        loser["error"]["message_vi"],
        "Hết hàng: máy chủ không giữ được hàng cho đơn này."
    );
    // The rows to correct from: the product, whose stock shows the winner's reservation; the
    // loser's order never existed.
    assert!(refusal_rows(&loser, "order").is_empty());
    let products = refusal_rows(&loser, "product");
    assert_eq!(products.len(), 1);
    assert_eq!(products[0]["id"], product.to_string());
    assert_eq!(
        products[0]["stock"],
        json!([
            { "sku": "AO-M", "warehouse": "main", "on_hand": 1, "reserved": 0 },
            { "sku": "AO-S", "warehouse": "main", "on_hand": 1, "reserved": 1 },
        ])
    );
    assert_eq!(stock(&shop, "AO-S").await, (1, 1));
    let orders: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM orders WHERE shop_id = $1")
        .bind(shop.id)
        .fetch_all(&shop.admin)
        .await
        .unwrap();
    assert_eq!(orders, vec![winner]);
    let w = order_row(&shop, winner).await;
    assert_eq!(
        w["reservation"],
        json!({ "warehouse": "main", "items": [{ "sku": "AO-S", "quantity": 1 }] })
    );
    // The loser's client sets the refused mutation aside and pushes the rest: nothing is left.
    let loser_token = if winner == oa { &b.token } else { &a.token };
    let p = shop
        .ok(
            "/v1/pull",
            loser_token,
            json!({ "cursor": null, "client_id": cid(&shop, if winner == oa { "b-1" } else { "a-1" }) }),
        )
        .await;
    assert_eq!(p["last_mutation_id"], 0);
}

#[tokio::test]
async fn a_replayed_push_reserves_once_and_an_existing_id_is_refused() {
    let shop = Shop::new("Replay orders").await;
    let a = shop.agent("A", &[]).await;
    let b = shop.agent("B", &[]).await;
    let product = Uuid::new_v4();
    let order = Uuid::new_v4();
    let body = json!({ "client_id": cid(&shop, "a-1"), "mutations": [
        mutation(1, "product_put", product_put(product, &["QUAN-L"], 5)),
        mutation(2, "order_create", order_create(order, None, "new", &[("QUAN-L", 2)])),
    ]});
    let r = shop.ok("/v1/push", &a.token, body.clone()).await;
    assert_eq!(r["applied"], 2);
    let version = shop.version().await;
    let r = shop.ok("/v1/push", &a.token, body.clone()).await;
    assert_eq!(
        (r["applied"].as_i64(), r["last_mutation_id"].as_i64()),
        (Some(0), Some(2))
    );
    assert_eq!(stock(&shop, "QUAN-L").await, (5, 2));
    assert_eq!(shop.version().await, version, "a replay changed the shop");
    // A second product_put with another count never overwrites the count.
    shop.ok(
        "/v1/push",
        &a.token,
        json!({ "client_id": cid(&shop, "a-1"), "mutations": [
            mutation(3, "product_put", product_put(product, &["QUAN-L"], 99)) ] }),
    )
    .await;
    assert_eq!(stock(&shop, "QUAN-L").await, (5, 2));
    // The same order id from another client: order_exists, with the order and its product.
    let (s, e) = push(
        &shop,
        &a.token,
        "a-2",
        json!([mutation(
            1,
            "order_create",
            order_create(order, None, "new", &[("QUAN-L", 1)])
        )]),
    )
    .await;
    assert_eq!(
        (s, err_code(&e)),
        (StatusCode::CONFLICT, "order_exists"),
        "{e}"
    );
    assert!(e["error"]["message_vi"].is_string());
    let o = refusal_rows(&e, "order");
    assert_eq!(o.len(), 1);
    assert_eq!(o[0]["status"], "new");
    assert_eq!(refusal_rows(&e, "product").len(), 1);
    assert_eq!(stock(&shop, "QUAN-L").await, (5, 2));
    // B did not make it and sees no customer of it: the order is not B's to see, and B's
    // refusal does not show it either.
    let (s, e) = push(
        &shop,
        &b.token,
        "b-1",
        json!([mutation(
            1,
            "order_create",
            order_create(order, None, "new", &[])
        )]),
    )
    .await;
    assert_eq!((s, err_code(&e)), (StatusCode::CONFLICT, "order_exists"));
    assert!(refusal_rows(&e, "order").is_empty());
    let pb = shop.pull(&b.token, None).await;
    assert!(changed(&pb, "order").is_empty());
    assert_eq!(changed(&pb, "product"), vec![product.to_string()]);
}

#[tokio::test]
async fn a_status_change_from_a_stale_status_is_refused_and_changes_nothing() {
    let shop = Shop::new("Stale status").await;
    let page = shop.page("p").await;
    let a = shop.agent("A", &[page]).await;
    let b = shop.agent("B", &[page]).await;
    let customer = Uuid::new_v4();
    shop.ok(
        "/v1/conversations/report",
        &a.token,
        json!({ "page_id": page, "thread_id": "t1", "customer": { "id": customer, "data": { "name": "Chị Hoa" } } }),
    )
    .await;
    let product = Uuid::new_v4();
    let order = Uuid::new_v4();
    shop.ok(
        "/v1/push",
        &a.token,
        json!({ "client_id": cid(&shop, "a-1"), "mutations": [
            mutation(1, "product_put", product_put(product, &["VAY-M"], 3)),
            mutation(2, "order_create", order_create(order, Some(customer), "new", &[("VAY-M", 1)])),
        ]}),
    )
    .await;
    // B sees the order through its customer (the page shows every conversation to its agents).
    let pb = shop.pull(&b.token, None).await;
    assert_eq!(pulled(&pb, "order", order)["status"], "new");
    shop.ok(
        "/v1/push",
        &a.token,
        json!({ "client_id": cid(&shop, "a-1"), "mutations": [
            mutation(3, "order_status", status_change(order, "new", "confirmed")) ] }),
    )
    .await;
    let mut cancel = status_change(order, "new", "cancelled");
    cancel["cancel_reason"] = json!("khách đổi ý");
    let (s, e) = push(
        &shop,
        &b.token,
        "b-1",
        json!([
            mutation(
                1,
                "tag_add",
                json!({ "customer_id": customer, "tag": "hủy" })
            ),
            mutation(2, "order_status", cancel),
        ]),
    )
    .await;
    assert_eq!(
        (s, err_code(&e)),
        (StatusCode::CONFLICT, "stale_status"),
        "{e}"
    );
    assert_eq!(e["error"]["mutation_id"], 2);
    assert_eq!(e["error"]["status"], "confirmed");
    assert_eq!(
        e["error"]["message"],
        "Order is now 'confirmed' (changed by someone else); your change to 'cancelled' was not applied."
    );
    assert_eq!(
        e["error"]["message_vi"],
        "Đơn đã được người khác đổi trạng thái; thay đổi của bạn không được áp dụng."
    );
    let o = refusal_rows(&e, "order");
    assert_eq!(o.len(), 1);
    assert_eq!(o[0]["status"], "confirmed");
    assert_eq!(o[0]["id"], order.to_string());
    let p = refusal_rows(&e, "product");
    assert_eq!(p.len(), 1);
    assert_eq!(p[0]["stock"][0]["reserved"], 1);
    // Nothing of B's push was applied: stock, status, data and B's tag are as they were.
    assert_eq!(stock(&shop, "VAY-M").await, (3, 1));
    let row = order_row(&shop, order).await;
    assert_eq!(row["status"], "confirmed");
    assert!(row["data"].get("cancel_reason").is_none());
    assert_eq!(row["history"].as_array().unwrap().len(), 2);
    let tags: Vec<String> = sqlx::query_scalar("SELECT unnest(tags) FROM customers WHERE id = $1")
        .bind(customer)
        .fetch_all(&shop.admin)
        .await
        .unwrap();
    assert!(tags.is_empty(), "{tags:?}");
    // With the fresh status, B's cancel goes through.
    let mut cancel = status_change(order, "confirmed", "cancelled");
    cancel["cancel_reason"] = json!("khách đổi ý");
    shop.ok(
        "/v1/push",
        &b.token,
        json!({ "client_id": cid(&shop, "b-1"), "mutations": [ mutation(2, "order_status", cancel) ] }),
    )
    .await;
    assert_eq!(stock(&shop, "VAY-M").await, (3, 0));
}

#[tokio::test]
async fn delivered_commits_stock_cancelled_releases_it_and_edits_move_it() {
    let shop = Shop::new("Lifecycle").await;
    let a = shop.agent("A", &[]).await;
    let product = Uuid::new_v4();
    let (o1, o2, o3, o4) = (
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
    );
    shop.ok(
        "/v1/push",
        &a.token,
        json!({ "client_id": cid(&shop, "a-1"), "mutations": [
            mutation(1, "product_put", product_put(product, &["AO-S", "AO-M"], 5)),
            mutation(2, "order_create", order_create(o1, None, "new", &[("AO-S", 2)])),
            mutation(3, "order_create", order_create(o2, None, "confirmed", &[("AO-S", 1), ("AO-M", 1)])),
            // A final order holds nothing.
            mutation(4, "order_create", order_create(o4, None, "delivered", &[("AO-S", 5)])),
        ]}),
    )
    .await;
    assert_eq!(stock(&shop, "AO-S").await, (5, 3));
    assert_eq!(stock(&shop, "AO-M").await, (5, 1));
    assert_eq!(order_row(&shop, o4).await["reservation"], Value::Null);
    let p0 = shop.pull(&a.token, None).await;
    let cursor = p0["cursor"].as_str().unwrap().to_owned();

    // Order 1 all the way to delivered: its 2 leave the shelf.
    let mut id = 5;
    for (from, to) in [
        ("new", "confirmed"),
        ("confirmed", "packing"),
        ("packing", "shipping"),
        ("shipping", "delivered"),
    ] {
        shop.ok(
            "/v1/push",
            &a.token,
            json!({ "client_id": cid(&shop, "a-1"), "mutations": [ mutation(id, "order_status", status_change(o1, from, to)) ] }),
        )
        .await;
        id += 1;
    }
    assert_eq!(stock(&shop, "AO-S").await, (3, 1));
    let row = order_row(&shop, o1).await;
    assert_eq!(
        (row["status"].as_str(), &row["reservation"]),
        (Some("delivered"), &Value::Null)
    );
    assert_eq!(row["history"].as_array().unwrap().len(), 5);
    // The pull resends the product with its new stock, and the order.
    let p1 = shop.pull(&a.token, Some(&cursor)).await;
    let prow = pulled(&p1, "product", product);
    assert_eq!(
        prow["stock"],
        json!([
            { "sku": "AO-M", "warehouse": "main", "on_hand": 5, "reserved": 1 },
            { "sku": "AO-S", "warehouse": "main", "on_hand": 3, "reserved": 1 },
        ])
    );
    assert_eq!(pulled(&p1, "order", o1)["status"], "delivered");
    // Nothing goes anywhere from delivered.
    let (s, e) = push(
        &shop,
        &a.token,
        "a-1",
        json!([mutation(
            id,
            "order_status",
            status_change(o1, "delivered", "returned")
        )]),
    )
    .await;
    assert_eq!(
        (s, err_code(&e)),
        (StatusCode::CONFLICT, "bad_transition"),
        "{e}"
    );
    assert!(e["error"]["message_vi"].is_string());
    assert_eq!(refusal_rows(&e, "order")[0]["status"], "delivered");
    // The client sets it aside; later ids go on. Skipping a step is refused too.
    id += 1;
    let (s, e) = push(
        &shop,
        &a.token,
        "a-1",
        json!([mutation(
            id,
            "order_status",
            status_change(o2, "confirmed", "shipping")
        )]),
    )
    .await;
    assert_eq!(
        (s, err_code(&e)),
        (StatusCode::CONFLICT, "bad_transition"),
        "{e}"
    );
    id += 1;

    // Order 2's lines change: the old reservation is given back, the new one taken.
    shop.ok(
        "/v1/push",
        &a.token,
        json!({ "client_id": cid(&shop, "a-1"), "mutations": [ mutation(id, "order_edit", json!({
            "id": o2,
            "data": { "note": null, "recipient": { "name": "Anh Nam" } },
            "reservation": { "warehouse": "main", "items": [{ "sku": "AO-M", "quantity": 3 }] },
            "history": [{ "change": "lines" }],
        })) ] }),
    )
    .await;
    id += 1;
    assert_eq!(stock(&shop, "AO-S").await, (3, 0));
    assert_eq!(stock(&shop, "AO-M").await, (5, 3));
    let row = order_row(&shop, o2).await;
    assert_eq!(row["data"], json!({ "recipient": { "name": "Anh Nam" } }));
    assert_eq!(row["history"].as_array().unwrap().len(), 2);
    // More than there is: refused whole, with what is short and what there is.
    let (s, e) = push(
        &shop,
        &a.token,
        "a-1",
        json!([mutation(id, "order_edit", json!({
            "id": o2,
            "data": {},
            "reservation": { "warehouse": "main", "items": [{ "sku": "AO-M", "quantity": 6 }, { "sku": "AO-S", "quantity": 1 }] },
            "history": [],
        }))]),
    )
    .await;
    assert_eq!(
        (s, err_code(&e)),
        (StatusCode::CONFLICT, "out_of_stock"),
        "{e}"
    );
    // Its own 3 were given back first: 5 of AO-M are available.
    assert_eq!(
        e["error"]["shortages"],
        json!([{ "sku": "AO-M", "warehouse": "main", "available": 5, "requested": 6 }])
    );
    assert_eq!(
        refusal_rows(&e, "order")[0]["reservation"]["items"][0]["quantity"],
        3
    );
    assert_eq!(stock(&shop, "AO-M").await, (5, 3));
    id += 1;
    // An edit without the reservation key leaves the stock alone.
    shop.ok(
        "/v1/push",
        &a.token,
        json!({ "client_id": cid(&shop, "a-1"), "mutations": [ mutation(id, "order_edit", json!({
            "id": o2, "data": { "fee": 30000 }, "history": [{ "change": "fee" }],
        })) ] }),
    )
    .await;
    id += 1;
    assert_eq!(stock(&shop, "AO-M").await, (5, 3));

    // Cancelled gives its stock back, and keeps the reason.
    let mut cancel = status_change(o2, "confirmed", "cancelled");
    cancel["cancel_reason"] = json!("Khách không nghe máy");
    shop.ok(
        "/v1/push",
        &a.token,
        json!({ "client_id": cid(&shop, "a-1"), "mutations": [ mutation(id, "order_status", cancel) ] }),
    )
    .await;
    id += 1;
    assert_eq!(stock(&shop, "AO-M").await, (5, 0));
    let row = order_row(&shop, o2).await;
    assert_eq!(row["status"], "cancelled");
    assert_eq!(row["reservation"], Value::Null);
    assert_eq!(row["data"]["cancel_reason"], "Khách không nghe máy");
    assert_eq!(row["data"]["fee"], 30000);
    // A cancelled order's lines no longer change.
    let (s, e) = push(
        &shop,
        &a.token,
        "a-1",
        json!([mutation(
            id,
            "order_edit",
            json!({
                "id": o2, "data": {}, "reservation": null, "history": [],
            })
        )]),
    )
    .await;
    assert_eq!(
        (s, err_code(&e)),
        (StatusCode::CONFLICT, "order_not_editable"),
        "{e}"
    );
    id += 1;

    // Returned gives it back too.
    shop.ok(
        "/v1/push",
        &a.token,
        json!({ "client_id": cid(&shop, "a-1"), "mutations": [
            mutation(id, "order_create", order_create(o3, None, "shipping", &[("AO-S", 2)])),
            mutation(id + 1, "order_status", status_change(o3, "shipping", "returned")),
        ]}),
    )
    .await;
    assert_eq!(stock(&shop, "AO-S").await, (3, 0));

    // stock_adjust changes the count and resends the product.
    let p2 = shop.pull(&a.token, None).await;
    shop.ok(
        "/v1/push",
        &a.token,
        json!({ "client_id": cid(&shop, "a-1"), "mutations": [
            mutation(id + 2, "stock_adjust", json!({ "sku": "AO-S", "warehouse": "main", "delta": -1 })),
            mutation(id + 3, "stock_adjust", json!({ "sku": "AO-L", "warehouse": "hn", "delta": 4 })),
        ]}),
    )
    .await;
    assert_eq!(stock(&shop, "AO-S").await, (2, 0));
    let p3 = shop.pull(&a.token, p2["cursor"].as_str()).await;
    assert_eq!(changed(&p3, "product"), vec![product.to_string()]);
    assert_eq!(pulled(&p3, "product", product)["stock"][1]["on_hand"], 2);
}

#[tokio::test]
async fn an_order_follows_its_customer_visibility() {
    let shop = Shop::new("Order RLS").await;
    let page = shop.page("p").await;
    shop.rule(
        page,
        json!({ "mode": "claim_first", "visibility": "assigned_only" }),
    )
    .await;
    let a = shop.agent("A", &[page]).await;
    let b = shop.agent("B", &[page]).await;
    let customer = Uuid::new_v4();
    let r = shop
        .ok(
            "/v1/conversations/report",
            &a.token,
            json!({ "page_id": page, "thread_id": "t1", "customer": { "id": customer, "data": { "name": "Khách" } } }),
        )
        .await;
    let conv = r["conversation"]["id"].as_str().unwrap().to_owned();
    shop.ok("/v1/claim", &a.token, json!({ "conversation_id": conv }))
        .await;
    // The owner makes the order of A's buyer.
    let product = Uuid::new_v4();
    let order = Uuid::new_v4();
    shop.ok(
        "/v1/push",
        &shop.owner,
        json!({ "client_id": cid(&shop, "owner-1"), "mutations": [
            mutation(1, "product_put", product_put(product, &["NON-1"], 2)),
            mutation(2, "order_create", order_create(order, Some(customer), "new", &[("NON-1", 1)])),
        ]}),
    )
    .await;
    let pa = shop.pull(&a.token, None).await;
    assert_eq!(changed(&pa, "order"), vec![order.to_string()]);
    let pb = shop.pull(&b.token, None).await;
    assert!(
        changed(&pb, "order").is_empty(),
        "B sees A's buyer's order: {pb}"
    );
    assert_eq!(changed(&pb, "product"), vec![product.to_string()]);
    // B cannot change it either: it does not exist for them.
    let (s, e) = push(
        &shop,
        &b.token,
        "b-1",
        json!([mutation(
            1,
            "order_status",
            status_change(order, "new", "confirmed")
        )]),
    )
    .await;
    assert_eq!(
        (s, err_code(&e)),
        (StatusCode::NOT_FOUND, "not_found"),
        "{e}"
    );
    // An order for a customer one cannot see is refused.
    let (s, e) = push(
        &shop,
        &b.token,
        "b-1",
        json!([mutation(
            1,
            "order_create",
            order_create(Uuid::new_v4(), Some(customer), "new", &[])
        )]),
    )
    .await;
    assert_eq!(
        (s, err_code(&e)),
        (StatusCode::NOT_FOUND, "not_found"),
        "{e}"
    );
    // The owner gives the conversation to B: B's next pull has the order, A's a tombstone.
    shop.ok(
        "/v1/assign",
        &shop.owner,
        json!({ "conversation_id": conv, "assignee": b.id }),
    )
    .await;
    let pb2 = shop.pull(&b.token, pb["cursor"].as_str()).await;
    assert_eq!(pb2["reset"], false);
    assert_eq!(changed(&pb2, "order"), vec![order.to_string()]);
    let row = pulled(&pb2, "order", order);
    assert_eq!(row["customer_id"], customer.to_string());
    assert_eq!(row["status"], "new");
    assert_eq!(
        row["reservation"],
        json!({ "warehouse": "main", "items": [{ "sku": "NON-1", "quantity": 1 }] })
    );
    let pa2 = shop.pull(&a.token, pa["cursor"].as_str()).await;
    assert_eq!(pa2["reset"], false);
    assert_eq!(tombstoned(&pa2, "order"), vec![order.to_string()]);
    assert!(changed(&pa2, "order").is_empty());
    // Now B may move it on.
    shop.ok(
        "/v1/push",
        &b.token,
        json!({ "client_id": cid(&shop, "b-1"), "mutations": [
            mutation(1, "order_status", status_change(order, "new", "confirmed")) ] }),
    )
    .await;

    // A merge moves the order to A's other record of the buyer: it follows that customer's
    // visibility (A sees it again, B no longer), and a customer B cannot see is refused.
    let other = Uuid::new_v4();
    let r = shop
        .ok(
            "/v1/conversations/report",
            &a.token,
            json!({ "page_id": page, "thread_id": "t2", "customer": { "id": other, "data": { "name": "Khách (IG)" } } }),
        )
        .await;
    let conv2 = r["conversation"]["id"].as_str().unwrap().to_owned();
    shop.ok("/v1/claim", &a.token, json!({ "conversation_id": conv2 }))
        .await;
    let (s, e) = push(
        &shop,
        &b.token,
        "b-1",
        json!([mutation(
            2,
            "order_edit",
            json!({ "id": order, "data": {}, "customer_id": other, "history": [] })
        )]),
    )
    .await;
    assert_eq!(
        (s, err_code(&e)),
        (StatusCode::NOT_FOUND, "not_found"),
        "{e}"
    );
    shop.ok(
        "/v1/push",
        &shop.owner,
        json!({ "client_id": cid(&shop, "owner-1"), "mutations": [
            mutation(3, "order_edit", json!({ "id": order, "data": {}, "customer_id": other, "history": [] })) ] }),
    )
    .await;
    assert_eq!(
        order_row(&shop, order).await["customer_id"],
        other.to_string()
    );
    let pa3 = shop.pull(&a.token, pa2["cursor"].as_str()).await;
    assert_eq!(changed(&pa3, "order"), vec![order.to_string()]);
    let pb3 = shop.pull(&b.token, pb2["cursor"].as_str()).await;
    assert_eq!(tombstoned(&pb3, "order"), vec![order.to_string()]);
}

#[tokio::test]
async fn bad_order_input_is_refused_and_changes_nothing() {
    let shop = Shop::new("Bad orders").await;
    let a = shop.agent("A", &[]).await;
    let viewer = shop.member("V", Role::Viewer, &[]).await;
    let product = Uuid::new_v4();
    shop.ok(
        "/v1/push",
        &a.token,
        json!({ "client_id": cid(&shop, "a-1"), "mutations": [
            mutation(1, "product_put", product_put(product, &["X-1"], 1)) ] }),
    )
    .await;
    let v0 = shop.version().await;
    let too_long = "S".repeat(101);
    let many: Vec<Value> = (0..201)
        .map(|i| json!({ "sku": format!("V{i}") }))
        .collect();
    let order = Uuid::new_v4();
    let bad: Vec<(&str, Value)> = vec![
        (
            "product_put",
            json!({ "id": Uuid::new_v4(), "data": { "name": "no variants" } }),
        ),
        (
            "product_put",
            json!({ "id": Uuid::new_v4(), "data": { "variants": [] } }),
        ),
        (
            "product_put",
            json!({ "id": Uuid::new_v4(), "data": { "variants": [{ "name": "no sku" }] } }),
        ),
        (
            "product_put",
            json!({ "id": Uuid::new_v4(), "data": { "variants": [{ "sku": "" }] } }),
        ),
        (
            "product_put",
            json!({ "id": Uuid::new_v4(), "data": { "variants": [{ "sku": too_long }] } }),
        ),
        (
            "product_put",
            json!({ "id": Uuid::new_v4(), "data": { "variants": many } }),
        ),
        (
            "product_put",
            json!({ "id": Uuid::new_v4(), "data": { "variants": [{ "sku": "A" }], "blob": "x".repeat(70_000) } }),
        ),
        (
            "product_put",
            json!({ "id": "not-a-uuid", "data": { "variants": [{ "sku": "A" }] } }),
        ),
        (
            "product_put",
            json!({ "id": Uuid::new_v4(), "data": { "variants": [{ "sku": "A" }] }, "price": 1 }),
        ),
        ("stock_adjust", json!({ "sku": "X-1", "warehouse": "main" })),
        (
            "order_create",
            json!({ "id": order, "customer_id": null, "status": "lost", "data": {}, "reservation": null, "history": [] }),
        ),
        ("order_create", {
            let mut o = order_create(order, None, "new", &[("X-1", 0)]);
            o["history"] = json!([]);
            o
        }),
        ("order_create", {
            let mut o = order_create(order, None, "new", &[("X-1", 1)]);
            o["history"] = json!(vec![json!({}); 1001]);
            o
        }),
        (
            "order_status",
            json!({ "id": order, "from": "new", "to": "confirmed" }),
        ),
    ];
    for (i, (name, args)) in bad.into_iter().enumerate() {
        let (s, e) = push(&shop, &a.token, "a-1", json!([mutation(2, name, args)])).await;
        assert_eq!(
            (s, err_code(&e)),
            (StatusCode::BAD_REQUEST, "bad_args"),
            "case {i} ({name}): {e}"
        );
        assert_eq!(e["error"]["mutation_id"], 2);
    }
    // An unknown order: not found.
    let (s, e) = push(
        &shop,
        &a.token,
        "a-1",
        json!([mutation(
            2,
            "order_status",
            status_change(Uuid::new_v4(), "new", "confirmed")
        )]),
    )
    .await;
    assert_eq!(
        (s, err_code(&e)),
        (StatusCode::NOT_FOUND, "not_found"),
        "{e}"
    );
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .contains("order_status"));
    let (s, e) = push(
        &shop,
        &a.token,
        "a-1",
        json!([mutation(
            2,
            "order_edit",
            json!({ "id": Uuid::new_v4(), "data": {}, "history": [] })
        )]),
    )
    .await;
    assert_eq!(
        (s, err_code(&e)),
        (StatusCode::NOT_FOUND, "not_found"),
        "{e}"
    );
    // History beyond 1,000 entries in all.
    shop.ok(
        "/v1/push",
        &a.token,
        json!({ "client_id": cid(&shop, "a-1"), "mutations": [ mutation(2, "order_create", {
            let mut o = order_create(order, None, "new", &[("X-1", 1)]);
            o["history"] = json!(vec![json!({}); 1000]);
            o
        }) ] }),
    )
    .await;
    let v1 = shop.version().await;
    let (s, e) = push(
        &shop,
        &a.token,
        "a-1",
        json!([mutation(
            3,
            "order_edit",
            json!({ "id": order, "data": {}, "history": [{}] })
        )]),
    )
    .await;
    assert_eq!(
        (s, err_code(&e)),
        (StatusCode::BAD_REQUEST, "bad_args"),
        "{e}"
    );
    // A viewer may not touch stock (nor anything else).
    let (s, e) = push(
        &shop,
        &viewer.token,
        "v-1",
        json!([mutation(
            1,
            "stock_adjust",
            json!({ "sku": "X-1", "warehouse": "main", "delta": 100 })
        )]),
    )
    .await;
    assert_eq!(
        (s, err_code(&e)),
        (StatusCode::FORBIDDEN, "forbidden"),
        "{e}"
    );
    assert_eq!(stock(&shop, "X-1").await, (1, 1));
    assert_eq!(shop.version().await, v1);
    assert_eq!(v1, v0 + 1, "refused pushes changed the shop");
    // The viewer still reads products and their stock.
    let pv = shop.pull(&viewer.token, None).await;
    assert_eq!(pulled(&pv, "product", product)["stock"][0]["reserved"], 1);
}
