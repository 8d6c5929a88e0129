//! The shared sending budget: two agents on one account stop together at its cap.

use serde_json::json;

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_agents_share_one_daily_budget() {
    let shop = std::sync::Arc::new(Shop::new("Pacing").await);
    let page = shop.page("p").await;
    shop.put(
        &format!("/v1/pages/{page}/pacing"),
        json!({ "hourly_limit": 100, "daily_limit": 7, "gap_seconds": 0 }),
    )
    .await;
    let a = shop.agent("A", &[page]).await;
    let b = shop.agent("B", &[page]).await;
    let mut tasks = Vec::new();
    for i in 0..20 {
        let (shop, token) = (
            shop.clone(),
            if i % 2 == 0 {
                a.token.clone()
            } else {
                b.token.clone()
            },
        );
        tasks.push(tokio::spawn(async move {
            shop.ok("/v1/pacing/reserve", &token, json!({ "page_id": page }))
                .await
        }));
    }
    let mut granted = 0;
    for t in tasks {
        let r = t.await.unwrap();
        if r["granted"] == true {
            granted += 1;
        } else {
            assert_eq!(r["reason"], "daily", "{r}");
            assert!(r["retry_after"].as_f64().unwrap() > 0.0);
        }
    }
    assert_eq!(granted, 7);
    for token in [&a.token, &b.token] {
        let r = shop
            .ok("/v1/pacing/reserve", token, json!({ "page_id": page }))
            .await;
        assert_eq!(
            (r["granted"].as_bool(), r["reason"].as_str()),
            (Some(false), Some("daily"))
        );
    }
    let day: i32 = sqlx::query_scalar("SELECT day_count FROM pacing_budgets WHERE page_id = $1")
        .bind(page)
        .fetch_one(&shop.admin)
        .await
        .unwrap();
    assert_eq!(day, 7);
}

#[tokio::test]
async fn gap_between_sends_holds_across_agents() {
    let shop = Shop::new("Gap").await;
    let page = shop.page("p").await;
    shop.put(
        &format!("/v1/pages/{page}/pacing"),
        json!({ "hourly_limit": 100, "daily_limit": 100, "gap_seconds": 60 }),
    )
    .await;
    let a = shop.agent("A", &[page]).await;
    let b = shop.agent("B", &[page]).await;
    let r = shop
        .ok("/v1/pacing/reserve", &a.token, json!({ "page_id": page }))
        .await;
    assert_eq!(r["granted"], true);
    let r = shop
        .ok("/v1/pacing/reserve", &b.token, json!({ "page_id": page }))
        .await;
    assert_eq!(
        (r["granted"].as_bool(), r["reason"].as_str()),
        (Some(false), Some("gap"))
    );
    let wait = r["retry_after"].as_f64().unwrap();
    assert!(wait > 50.0 && wait <= 60.0, "{wait}");
    // Someone not on the page cannot draw from it.
    let c = shop.agent("C", &[]).await;
    let (s, _) = shop
        .call(
            axum::http::Method::POST,
            "/v1/pacing/reserve",
            Some(&c.token),
            json!({ "page_id": page }),
        )
        .await;
    assert_eq!(s.as_u16(), 404);
}
