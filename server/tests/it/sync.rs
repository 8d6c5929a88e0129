//! Push and pull: idempotent replays, atomic pushes, tombstones when a conversation is
//! reassigned away, and a full resync when an agent's pages change.

use serde_json::{json, Value};
use uuid::Uuid;

use crate::common::*;

async fn snapshot(shop: &Shop) -> (i64, i64, Value, i64) {
    let notes: i64 = sqlx::query_scalar("SELECT count(*) FROM notes WHERE shop_id = $1")
        .bind(shop.id)
        .fetch_one(&shop.admin)
        .await
        .unwrap();
    let customers: Value = sqlx::query_scalar(
        "SELECT coalesce(jsonb_agg(jsonb_build_object('d', data, 't', tags) ORDER BY id), '[]') FROM customers WHERE shop_id = $1",
    )
    .bind(shop.id)
    .fetch_one(&shop.admin)
    .await
    .unwrap();
    let changes: i64 = sqlx::query_scalar(
        "SELECT coalesce(sum(version), 0)::int8 FROM changes WHERE shop_id = $1",
    )
    .bind(shop.id)
    .fetch_one(&shop.admin)
    .await
    .unwrap();
    (shop.version().await, notes, customers, changes)
}

#[tokio::test]
async fn replayed_push_changes_nothing() {
    let shop = Shop::new("Replay").await;
    let page = shop.page("p").await;
    let a = shop.agent("A", &[page]).await;
    let customer = Uuid::new_v4();
    let push = json!({ "client_id": "ext-a-1", "mutations": [
        { "id": 1, "name": "customer_put", "args": { "id": customer, "data": { "name": "Chị Hoa", "phone": "0901234567" } } },
        { "id": 2, "name": "note_add", "args": { "id": Uuid::new_v4(), "customer_id": customer, "body": "Thích màu đỏ" } },
        { "id": 3, "name": "tag_add", "args": { "customer_id": customer, "tag": "VIP" } },
    ]});
    let r = shop.ok("/v1/push", &a.token, push.clone()).await;
    assert_eq!(
        (r["last_mutation_id"].as_i64(), r["applied"].as_i64()),
        (Some(3), Some(3))
    );
    let before = snapshot(&shop).await;
    assert_eq!(before.1, 1);
    let r = shop.ok("/v1/push", &a.token, push.clone()).await;
    assert_eq!(
        (r["last_mutation_id"].as_i64(), r["applied"].as_i64()),
        (Some(3), Some(0))
    );
    assert_eq!(
        snapshot(&shop).await,
        before,
        "a replayed push changed the database"
    );
    // A push that repeats 1..3 and adds 4 applies only 4.
    let mut more = push.clone();
    more["mutations"].as_array_mut().unwrap().push(
        json!({ "id": 4, "name": "tag_add", "args": { "customer_id": customer, "tag": "Sỉ" } }),
    );
    let r = shop.ok("/v1/push", &a.token, more).await;
    assert_eq!(
        (r["last_mutation_id"].as_i64(), r["applied"].as_i64()),
        (Some(4), Some(1))
    );
    let after = snapshot(&shop).await;
    assert_eq!(after.1, 1, "the note was added twice");
    assert_eq!(after.2[0]["t"], json!(["VIP", "Sỉ"]));
    // The pull tells the client which mutation was applied last.
    let p = shop
        .ok(
            "/v1/pull",
            &a.token,
            json!({ "cursor": null, "client_id": "ext-a-1" }),
        )
        .await;
    assert_eq!(p["last_mutation_id"], 4);
    assert_eq!(changed(&p, "customer"), vec![customer.to_string()]);
}

#[tokio::test]
async fn a_failing_mutation_rolls_back_the_whole_push() {
    let shop = Shop::new("Atomic").await;
    let a = shop.agent("A", &[]).await;
    let customer = Uuid::new_v4();
    let before = snapshot(&shop).await;
    let (status, e) = shop
        .call(axum::http::Method::POST, "/v1/push", Some(&a.token), json!({ "client_id": "c1", "mutations": [
            { "id": 1, "name": "customer_put", "args": { "id": customer, "data": { "name": "B" } } },
            { "id": 2, "name": "customer_delete_everything", "args": {} },
        ]}))
        .await;
    assert_eq!((status.as_u16(), err_code(&e)), (400, "unknown_mutation"));
    assert_eq!(e["error"]["mutation_id"], 2);
    assert_eq!(snapshot(&shop).await, before);
    let p = shop
        .ok(
            "/v1/pull",
            &a.token,
            json!({ "cursor": null, "client_id": "c1" }),
        )
        .await;
    assert_eq!(p["last_mutation_id"], 0);
    assert!(changed(&p, "customer").is_empty());
}

#[tokio::test]
async fn reassignment_tombstones_for_the_old_agent_and_the_row_for_the_new() {
    let shop = Shop::new("Tombstones").await;
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
        .ok("/v1/conversations/report", &a.token, json!({ "page_id": page, "thread_id": "t1", "customer": { "id": customer, "data": { "name": "Khách" } } }))
        .await;
    let conv = r["conversation"]["id"].as_str().unwrap().to_owned();
    shop.ok("/v1/claim", &a.token, json!({ "conversation_id": conv }))
        .await;
    let note = Uuid::new_v4();
    shop.ok("/v1/push", &a.token, json!({ "client_id": "a1", "mutations": [
        { "id": 1, "name": "note_add", "args": { "id": note, "customer_id": customer, "body": "hẹn giao thứ 7" } } ]}))
        .await;
    let pa = shop.pull(&a.token, None).await;
    assert_eq!(changed(&pa, "conversation"), vec![conv.clone()]);
    assert_eq!(changed(&pa, "note"), vec![note.to_string()]);
    let pb = shop.pull(&b.token, None).await;
    assert!(
        changed(&pb, "conversation").is_empty(),
        "B sees A's conversation on an assigned-only page"
    );
    assert!(changed(&pb, "note").is_empty());
    // The owner moves it to B.
    shop.ok(
        "/v1/assign",
        &shop.owner,
        json!({ "conversation_id": conv, "assignee": b.id }),
    )
    .await;
    let pa2 = shop.pull(&a.token, pa["cursor"].as_str()).await;
    assert_eq!(pa2["reset"], false);
    assert_eq!(tombstoned(&pa2, "conversation"), vec![conv.clone()]);
    assert_eq!(tombstoned(&pa2, "customer"), vec![customer.to_string()]);
    assert_eq!(tombstoned(&pa2, "note"), vec![note.to_string()]);
    assert!(changed(&pa2, "conversation").is_empty());
    let pb2 = shop.pull(&b.token, pb["cursor"].as_str()).await;
    assert_eq!(changed(&pb2, "conversation"), vec![conv.clone()]);
    let row = pb2["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["entity"] == "conversation")
        .unwrap();
    assert_eq!(row["row"]["assignee"], b.id.to_string());
    assert_eq!(changed(&pb2, "note"), vec![note.to_string()]);
    assert!(tombstoned(&pb2, "conversation").is_empty());
    // History: reported into the pool, claimed by A, moved by the owner to B.
    let (_, h) = shop
        .call(
            axum::http::Method::GET,
            &format!("/v1/conversations/{conv}/history"),
            Some(&shop.owner),
            json!(null),
        )
        .await;
    let reasons: Vec<&str> = h["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["pool", "claim", "manual"]);
    // A can no longer write to B's buyer.
    let (s, e) = shop
        .call(
            axum::http::Method::POST,
            "/v1/push",
            Some(&a.token),
            json!({ "client_id": "a1", "mutations": [
            { "id": 2, "name": "tag_add", "args": { "customer_id": customer, "tag": "x" } } ]}),
        )
        .await;
    assert_eq!((s.as_u16(), err_code(&e)), (404, "not_found"));
}

#[tokio::test]
async fn removing_an_agent_from_a_page_forces_a_full_resync() {
    let shop = Shop::new("Resync").await;
    let page = shop.page("p").await;
    let a = shop.agent("A", &[page]).await;
    let r = shop.report(&a.token, page, "t1").await;
    let conv = r["conversation"]["id"].as_str().unwrap().to_owned();
    let p1 = shop.pull(&a.token, None).await;
    assert_eq!(changed(&p1, "conversation"), vec![conv]);
    shop.put(
        &format!("/v1/pages/{page}/members"),
        json!({ "user_ids": [] }),
    )
    .await;
    let p2 = shop.pull(&a.token, p1["cursor"].as_str()).await;
    assert_eq!(p2["reset"], true, "{p2}");
    assert!(changed(&p2, "conversation").is_empty());
    assert!(changed(&p2, "page").is_empty());
}

/// Pulls from `cursor` with `limit` rows per answer until `more` is false; every answer.
async fn pull_pages(shop: &Shop, token: &str, cursor: Option<&str>, limit: i64) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    let mut cursor = cursor.map(str::to_owned);
    loop {
        let page = shop
            .ok(
                "/v1/pull",
                token,
                json!({ "cursor": cursor, "limit": limit }),
            )
            .await;
        let more = page["more"] == true;
        cursor = page["cursor"].as_str().map(str::to_owned);
        out.push(page);
        if !more {
            return out;
        }
        assert!(out.len() < 100, "paging never ends");
    }
}

#[tokio::test]
async fn pulls_come_in_pages_of_whole_versions_and_a_resync_misses_nothing_changed_meanwhile() {
    let shop = Shop::new("Paged").await;
    let page = shop.page("hoamai.shop").await;
    let a = shop.agent("A", &[page]).await;
    // 25 customers, one push each (25 versions), by the owner (who sees them all).
    let ids: Vec<Uuid> = (0..25).map(|_| Uuid::new_v4()).collect();
    for (i, id) in ids.iter().enumerate() {
        shop.ok("/v1/push", &shop.owner, json!({ "client_id": "owner-1", "mutations": [
            { "id": i + 1, "name": "customer_put", "args": { "id": id, "data": { "name": format!("Khách {i}") } } } ]}))
            .await;
    }
    // A full resync in pages of 10: the first says so, each but the last asks for more.
    let pages = pull_pages(&shop, &shop.owner, None, 10).await;
    assert!(pages.len() >= 3, "{} pages", pages.len());
    assert_eq!(pages[0]["from_start"], true);
    assert!(pages[1..].iter().all(|p| p["from_start"] == false));
    assert!(pages.iter().all(|p| p["reset"] == true));
    assert!(pages
        .iter()
        .all(|p| p["changes"].as_array().unwrap().len() <= 10));
    let mut got: Vec<String> = pages.iter().flat_map(|p| changed(p, "customer")).collect();
    got.sort();
    let mut want: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    want.sort();
    assert_eq!(got, want, "every customer exactly once");

    // A resync interrupted by a change: the change comes with the pull after its last page.
    let first = shop
        .ok(
            "/v1/pull",
            &shop.owner,
            json!({ "cursor": null, "limit": 10 }),
        )
        .await;
    assert_eq!(first["more"], true);
    let late = Uuid::new_v4();
    shop.ok("/v1/push", &a.token, json!({ "client_id": "a-1", "mutations": [
        { "id": 1, "name": "customer_put", "args": { "id": late, "data": { "name": "Khách muộn" } } } ]}))
        .await;
    let rest = pull_pages(&shop, &shop.owner, first["cursor"].as_str(), 10).await;
    let last = rest.last().unwrap()["cursor"].as_str().unwrap().to_owned();
    let after = shop.pull(&shop.owner, Some(&last)).await;
    assert!(changed(&after, "customer").contains(&late.to_string()));

    // Changes since a cursor, in pages that never split a version: one push of 12 puts is one
    // version, and comes whole even with a limit of 5.
    let since = shop.version().await;
    let cursor = format!("{}:{since}", shop.id);
    let twelve: Vec<Value> = (0..12)
        .map(|i| json!({ "id": i + 2, "name": "customer_put", "args": { "id": Uuid::new_v4(), "data": { "name": format!("Lô {i}") } } }))
        .collect();
    shop.ok(
        "/v1/push",
        &a.token,
        json!({ "client_id": "a-1", "mutations": twelve }),
    )
    .await;
    for i in 0..7 {
        shop.ok("/v1/push", &a.token, json!({ "client_id": "a-1", "mutations": [
            { "id": 14 + i, "name": "customer_put", "args": { "id": Uuid::new_v4(), "data": { "name": "lẻ" } } } ]}))
            .await;
    }
    let pages = pull_pages(&shop, &a.token, Some(&cursor), 5).await;
    assert_eq!(
        changed(&pages[0], "customer").len(),
        12,
        "the first page is the whole push"
    );
    assert_eq!(pages[0]["more"], true);
    let total: usize = pages.iter().map(|p| changed(p, "customer").len()).sum();
    assert_eq!(total, 19);
    assert!(pages.iter().all(|p| p["reset"] == false));
}
