//! Claim-first under a race: 100 agents claim one conversation at once.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hundred_concurrent_claims_have_exactly_one_winner() {
    let shop = Shop::new("Claim race").await;
    let page = shop.page("p").await;
    shop.rule(
        page,
        json!({ "mode": "claim_first", "visibility": "assigned_only" }),
    )
    .await;
    let mut agents = Vec::new();
    for i in 0..100 {
        agents.push(shop.agent(&format!("agent {i}"), &[page]).await);
    }
    let r = shop.report(&agents[0].token, page, "hot-thread").await;
    assert_eq!(r["conversation"]["assignee"], serde_json::Value::Null);
    let conv = r["conversation"]["id"].as_str().unwrap().to_owned();
    let shop = std::sync::Arc::new(shop);
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(agents.len()));
    let tasks: Vec<_> = agents
        .iter()
        .map(|a| {
            let (shop, barrier, token, conv) =
                (shop.clone(), barrier.clone(), a.token.clone(), conv.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                shop.call(
                    Method::POST,
                    "/v1/claim",
                    Some(&token),
                    json!({ "conversation_id": conv }),
                )
                .await
            })
        })
        .collect();
    let mut winners = Vec::new();
    let mut losers = 0;
    for (i, t) in tasks.into_iter().enumerate() {
        let (status, body) = t.await.unwrap();
        match status {
            StatusCode::OK => winners.push(i),
            StatusCode::CONFLICT => {
                assert_eq!(err_code(&body), "already_claimed");
                assert_eq!(body["error"]["message_vi"], "đã có người nhận");
                losers += 1;
            }
            other => panic!("claim {i}: {other} {body}"),
        }
    }
    assert_eq!((winners.len(), losers), (1, 99));
    let winner = &agents[winners[0]];
    let (assignee, claims): (Option<uuid::Uuid>, i64) = sqlx::query_as(
        "SELECT c.assignee, (SELECT count(*) FROM assignment_history h WHERE h.conversation_id = c.id AND h.reason = 'claim')
           FROM conversations c WHERE c.id = $1::uuid",
    )
    .bind(&conv)
    .fetch_one(&shop.admin)
    .await
    .unwrap();
    assert_eq!((assignee, claims), (Some(winner.id), 1));
    // The winner claiming again is told it is already theirs; a loser still gets already_claimed.
    let again = shop
        .ok(
            "/v1/claim",
            &winner.token,
            json!({ "conversation_id": conv }),
        )
        .await;
    assert_eq!(again["already_yours"], true);
    let other = &agents[(winners[0] + 1) % 100];
    let (s, e) = shop
        .call(
            Method::POST,
            "/v1/claim",
            Some(&other.token),
            json!({ "conversation_id": conv }),
        )
        .await;
    assert_eq!((s, err_code(&e)), (StatusCode::CONFLICT, "already_claimed"));
}
