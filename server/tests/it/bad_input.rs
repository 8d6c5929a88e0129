//! Bad input gets a clear error in the API's shape and changes nothing.

use axum::http::{Method, StatusCode};
use nobi_server::Config;
use serde_json::json;
use uuid::Uuid;

use crate::common::*;

#[tokio::test]
async fn malformed_oversized_and_wrongly_shaped_requests() {
    let shop = Shop::with_config(
        "Bad",
        Config {
            body_limit: 4096,
            ..fast_config()
        },
    )
    .await;
    let v0 = shop.version().await;
    let (s, e) = shop
        .raw(
            Method::POST,
            "/v1/push",
            Some(&shop.owner),
            b"{\"client_id\": \"c\", \"mutations\": [".to_vec(),
        )
        .await;
    assert_eq!((s, err_code(&e)), (StatusCode::BAD_REQUEST, "bad_json"));
    let big = serde_json::to_vec(&json!({ "client_id": "c", "mutations": [
        { "id": 1, "name": "customer_put", "args": { "id": Uuid::new_v4(), "data": { "x": "a".repeat(10_000) } } } ] }))
    .unwrap();
    let (s, e) = shop
        .raw(Method::POST, "/v1/push", Some(&shop.owner), big)
        .await;
    assert_eq!(
        (s, err_code(&e)),
        (StatusCode::PAYLOAD_TOO_LARGE, "too_large")
    );
    let (s, e) = shop
        .call(
            Method::POST,
            "/v1/push",
            Some(&shop.owner),
            json!({ "client": "c" }),
        )
        .await;
    assert_eq!((s, err_code(&e)), (StatusCode::BAD_REQUEST, "bad_request"));
    let (s, e) = shop
        .call(
            Method::POST,
            "/v1/push",
            Some(&shop.owner),
            json!({ "client_id": "c", "mutations": [
            { "id": 1, "name": "note_add", "args": { "id": "not-a-uuid" } } ] }),
        )
        .await;
    assert_eq!((s, err_code(&e)), (StatusCode::BAD_REQUEST, "bad_args"));
    assert!(e["error"]["message"].as_str().unwrap().contains("note_add"));
    let (s, e) = shop
        .call(
            Method::POST,
            "/v1/push",
            Some(&shop.owner),
            json!({ "client_id": "c", "mutations": [
            { "id": 2, "name": "x", "args": {} }, { "id": 1, "name": "x", "args": {} } ] }),
        )
        .await;
    assert_eq!(
        (s, err_code(&e)),
        (StatusCode::BAD_REQUEST, "mutation_order")
    );
    let (s, e) = shop
        .call(
            Method::POST,
            "/v1/push",
            None,
            json!({ "client_id": "c", "mutations": [] }),
        )
        .await;
    assert_eq!(
        (s, err_code(&e)),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );
    let (s, e) = shop
        .call(
            Method::POST,
            "/v1/push",
            Some("nonsense"),
            json!({ "client_id": "c", "mutations": [] }),
        )
        .await;
    assert_eq!(
        (s, err_code(&e)),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );
    let (s, e) = shop
        .call(Method::GET, "/v1/nothing-here", None, json!(null))
        .await;
    assert_eq!((s, err_code(&e)), (StatusCode::NOT_FOUND, "not_found"));
    assert_eq!(shop.version().await, v0, "bad requests changed the shop");
}

#[tokio::test]
async fn another_shops_push_and_rows_and_a_reused_client_id() {
    let a_shop = Shop::new("Shop A").await;
    let b_shop = Shop::new("Shop B").await;
    let b_customer = Uuid::new_v4();
    b_shop
        .ok("/v1/push", &b_shop.owner, json!({ "client_id": "b-owner", "mutations": [
            { "id": 1, "name": "customer_put", "args": { "id": b_customer, "data": { "name": "B's buyer" } } } ] }))
        .await;
    let agent = b_shop.agent("B2", &[]).await;
    let va = a_shop.version().await;
    let vb = b_shop.version().await;
    // A push that says it is for shop B, with shop A's token.
    let (s, e) = a_shop
        .call(Method::POST, "/v1/push", Some(&a_shop.owner), json!({ "client_id": "a-owner", "shop_id": b_shop.id, "mutations": [
            { "id": 1, "name": "tag_add", "args": { "customer_id": b_customer, "tag": "stolen" } } ] }))
        .await;
    assert_eq!((s, err_code(&e)), (StatusCode::FORBIDDEN, "wrong_shop"));
    // Shop B's customer id from shop A: it does not exist for A, neither to edit nor to take over.
    for (name, args) in [
        (
            "tag_add",
            json!({ "customer_id": b_customer, "tag": "stolen" }),
        ),
        (
            "customer_put",
            json!({ "id": b_customer, "data": { "name": "mine now" } }),
        ),
        (
            "note_add",
            json!({ "id": Uuid::new_v4(), "customer_id": b_customer, "body": "hi" }),
        ),
    ] {
        let (s, e) = a_shop
            .call(
                Method::POST,
                "/v1/push",
                Some(&a_shop.owner),
                json!({ "client_id": "a-owner", "mutations": [
                { "id": 1, "name": name, "args": args } ] }),
            )
            .await;
        assert_eq!(
            (s, err_code(&e)),
            (StatusCode::NOT_FOUND, "not_found"),
            "{name}"
        );
    }
    // B's client id used by A's owner.
    let (s, e) = a_shop
        .call(
            Method::POST,
            "/v1/push",
            Some(&a_shop.owner),
            json!({ "client_id": "b-owner", "mutations": [] }),
        )
        .await;
    assert_eq!((s, err_code(&e)), (StatusCode::CONFLICT, "client_id_taken"));
    // And within one shop: a second user with the first one's client id.
    let (s, e) = b_shop
        .call(
            Method::POST,
            "/v1/push",
            Some(&agent.token),
            json!({ "client_id": "b-owner", "mutations": [
        { "id": 2, "name": "tag_add", "args": { "customer_id": b_customer, "tag": "x" } } ] }),
        )
        .await;
    assert_eq!((s, err_code(&e)), (StatusCode::CONFLICT, "client_id_taken"));
    assert_eq!((a_shop.version().await, b_shop.version().await), (va, vb));
    let data: serde_json::Value =
        sqlx::query_scalar("SELECT to_jsonb(c) FROM customers c WHERE id = $1")
            .bind(b_customer)
            .fetch_one(&a_shop.admin)
            .await
            .unwrap();
    assert_eq!(data["data"], json!({ "name": "B's buyer" }));
    assert_eq!(data["tags"], json!([]));
}

#[tokio::test]
async fn stale_and_malformed_cursors() {
    let a_shop = Shop::new("Cursor A").await;
    let b_shop = Shop::new("Cursor B").await;
    let pa = a_shop.pull(&a_shop.owner, None).await;
    let cursor = pa["cursor"].as_str().unwrap();
    let v: i64 = cursor.split(':').nth(1).unwrap().parse().unwrap();
    let future = format!("{}:{}", a_shop.id, v + 100);
    let (s, e) = a_shop
        .call(
            Method::POST,
            "/v1/pull",
            Some(&a_shop.owner),
            json!({ "cursor": future }),
        )
        .await;
    assert_eq!((s, err_code(&e)), (StatusCode::CONFLICT, "stale_cursor"));
    let (s, e) = b_shop
        .call(
            Method::POST,
            "/v1/pull",
            Some(&b_shop.owner),
            json!({ "cursor": cursor }),
        )
        .await;
    assert_eq!((s, err_code(&e)), (StatusCode::CONFLICT, "stale_cursor"));
    let (s, e) = a_shop
        .call(
            Method::POST,
            "/v1/pull",
            Some(&a_shop.owner),
            json!({ "cursor": "yesterday" }),
        )
        .await;
    assert_eq!((s, err_code(&e)), (StatusCode::BAD_REQUEST, "bad_cursor"));
    let same = a_shop.pull(&a_shop.owner, Some(cursor)).await;
    assert_eq!(
        (
            same["reset"].as_bool(),
            same["changes"].as_array().unwrap().len()
        ),
        (Some(false), 0)
    );
}

#[tokio::test]
async fn rate_limit_per_token() {
    let shop = Shop::with_config(
        "Rate",
        Config {
            rate_per_sec: 0.5,
            rate_burst: 5.0,
            ..fast_config()
        },
    )
    .await;
    let other = shop.agent("other", &[]).await;
    let mut codes = Vec::new();
    for _ in 0..8 {
        let (s, _) = shop
            .call(Method::GET, "/v1/me", Some(&other.token), json!(null))
            .await;
        codes.push(s.as_u16());
    }
    // The owner's joining used no token; other's bucket allows 5 at once.
    assert_eq!(codes.iter().filter(|c| **c == 200).count(), 5, "{codes:?}");
    let (s, e) = shop
        .call(Method::GET, "/v1/me", Some(&other.token), json!(null))
        .await;
    assert_eq!(
        (s, err_code(&e)),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
    assert!(e["error"]["retry_after"].as_f64().unwrap() > 0.0);
    // Another token has its own bucket.
    let (s, _) = shop
        .call(Method::GET, "/v1/me", Some(&shop.owner), json!(null))
        .await;
    assert_eq!(s, StatusCode::OK);
}
