//! Round-robin fairness with agents going offline and pausing, capacity caps, the offline sweep,
//! and sharing out conversations that existed before the rule.

use std::collections::HashMap;

use serde_json::json;
use uuid::Uuid;

use crate::common::*;

async fn counts(shop: &Shop, page: Uuid) -> HashMap<Uuid, i64> {
    let rows: Vec<(Option<Uuid>, i64)> = sqlx::query_as(
        "SELECT assignee, count(*) FROM conversations WHERE page_id = $1 GROUP BY assignee",
    )
    .bind(page)
    .fetch_all(&shop.admin)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(a, n)| (a.unwrap_or(Uuid::nil()), n))
        .collect()
}

fn delta(after: &HashMap<Uuid, i64>, before: &HashMap<Uuid, i64>, who: Uuid) -> i64 {
    after.get(&who).copied().unwrap_or(0) - before.get(&who).copied().unwrap_or(0)
}

#[tokio::test]
async fn round_robin_is_fair_over_1000_conversations_as_agents_come_and_go() {
    let shop = Shop::new("Round robin").await;
    let page = shop.page("p").await;
    shop.rule(
        page,
        json!({ "mode": "round_robin", "visibility": "assigned_only" }),
    )
    .await;
    let mut agents = Vec::new();
    for i in 0..5 {
        let a = shop.agent(&format!("agent {i}"), &[page]).await;
        shop.heartbeat(&a, json!({})).await;
        agents.push(a);
    }
    let reporter = agents[0].token.clone();
    let mut thread = 0;
    // Phases: (conversations, who is online and not paused). Agent 4 goes offline, agent 3
    // pauses, then agent 4 comes back.
    let phases: [(usize, &[usize]); 3] = [
        (400, &[0, 1, 2, 3, 4]),
        (300, &[0, 1, 2]),
        (300, &[0, 1, 2, 4]),
    ];
    for (phase, (n, online)) in phases.iter().enumerate() {
        match phase {
            1 => {
                shop.heartbeat(&agents[4], json!({ "online": false })).await;
                shop.heartbeat(&agents[3], json!({ "paused": true })).await;
            }
            2 => shop.heartbeat(&agents[4], json!({})).await,
            _ => {}
        }
        let before = counts(&shop, page).await;
        for _ in 0..*n {
            thread += 1;
            let r = shop.report(&reporter, page, &format!("t{thread}")).await;
            assert_eq!(r["created"], true);
        }
        let after = counts(&shop, page).await;
        let got: Vec<i64> = online
            .iter()
            .map(|i| delta(&after, &before, agents[*i].id))
            .collect();
        let (min, max) = (*got.iter().min().unwrap(), *got.iter().max().unwrap());
        assert!(max - min <= 1, "phase {phase}: online agents got {got:?}");
        assert_eq!(
            got.iter().sum::<i64>(),
            *n as i64,
            "phase {phase}: some went to the pool or to someone offline"
        );
        for i in (0..5).filter(|i| !online.contains(i)) {
            assert_eq!(
                delta(&after, &before, agents[i].id),
                0,
                "phase {phase}: agent {i} (away) got conversations"
            );
        }
    }
    assert_eq!(thread, 1000);
    let total: i64 = counts(&shop, page).await.values().sum();
    assert_eq!(total, 1000);
    let histories: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM assignment_history h JOIN conversations c ON c.id = h.conversation_id WHERE c.page_id = $1 AND h.reason = 'round_robin'",
    )
    .bind(page)
    .fetch_one(&shop.admin)
    .await
    .unwrap();
    assert_eq!(histories, 1000);
}

#[tokio::test]
async fn capacity_cap_sends_the_rest_to_the_pool() {
    let shop = Shop::new("Capacity").await;
    let page = shop.page("p").await;
    shop.rule(page, json!({ "mode": "round_robin", "capacity": 2 }))
        .await;
    let a = shop.agent("A", &[page]).await;
    let b = shop.agent("B", &[page]).await;
    shop.heartbeat(&a, json!({})).await;
    shop.heartbeat(&b, json!({})).await;
    for t in 0..6 {
        shop.report(&a.token, page, &format!("t{t}")).await;
    }
    let c = counts(&shop, page).await;
    assert_eq!(
        (c.get(&a.id), c.get(&b.id), c.get(&Uuid::nil())),
        (Some(&2), Some(&2), Some(&2))
    );
}

#[tokio::test]
async fn offline_sweep_moves_conversations_of_agents_gone_too_long() {
    let shop = Shop::new("Sweep").await;
    let page = shop.page("p").await;
    shop.rule(page, json!({ "mode": "round_robin", "offline_minutes": 5 }))
        .await;
    let a = shop.agent("A", &[page]).await;
    let b = shop.agent("B", &[page]).await;
    shop.heartbeat(&a, json!({})).await;
    shop.heartbeat(&b, json!({})).await;
    for t in 0..10 {
        shop.report(&a.token, page, &format!("t{t}")).await;
    }
    assert_eq!(counts(&shop, page).await.get(&b.id), Some(&5));
    // B's last heartbeat was 4 minutes ago: not yet. Then 6 minutes ago: B's 5 go to A.
    let set_seen = |mins: i32| {
        sqlx::query(
            "UPDATE presence SET last_seen = now() - make_interval(mins => $2) WHERE user_id = $1",
        )
        .bind(b.id)
        .bind(mins)
        .execute(&shop.admin)
    };
    set_seen(4).await.unwrap();
    nobi_server::assign::sweep(&shop.state.pool, shop.state.cfg.online_secs)
        .await
        .unwrap();
    assert_eq!(counts(&shop, page).await.get(&b.id), Some(&5));
    set_seen(6).await.unwrap();
    let moved = nobi_server::assign::sweep(&shop.state.pool, shop.state.cfg.online_secs)
        .await
        .unwrap();
    assert!(moved >= 5, "moved {moved}");
    let c = counts(&shop, page).await;
    assert_eq!((c.get(&a.id), c.get(&b.id)), (Some(&10), None));
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM assignment_history WHERE from_user = $1 AND reason = 'offline_sweep' AND by_user IS NULL")
        .bind(b.id)
        .fetch_one(&shop.admin)
        .await
        .unwrap();
    assert_eq!(n, 5);
}

#[tokio::test]
async fn existing_conversations_are_kept_or_shared_out() {
    let shop = Shop::new("Existing").await;
    let page = shop.page("p").await;
    let a = shop.agent("A", &[page]).await;
    let b = shop.agent("B", &[page]).await;
    shop.heartbeat(&a, json!({})).await;
    shop.heartbeat(&b, json!({})).await;
    for t in 0..6 {
        shop.report(&a.token, page, &format!("old{t}")).await; // rule 'all': into the pool
    }
    let kept = shop
        .rule(page, json!({ "mode": "round_robin", "existing": "keep" }))
        .await;
    assert_eq!(kept["shared"], 0);
    assert_eq!(counts(&shop, page).await.get(&Uuid::nil()), Some(&6));
    let shared = shop
        .rule(page, json!({ "mode": "round_robin", "existing": "share" }))
        .await;
    assert_eq!(shared["shared"], 6);
    let c = counts(&shop, page).await;
    assert_eq!(
        (c.get(&a.id), c.get(&b.id), c.get(&Uuid::nil())),
        (Some(&3), Some(&3), None)
    );
}
