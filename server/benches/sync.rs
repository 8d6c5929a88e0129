//! `./build.sh bench`, the team server's rows (issue 14): one server (in process, through the same
//! router and layers as `nobi-server`) over a throwaway PostgreSQL cluster, one shop with 20 agents
//! on one page and 10,000 customers. Prints figures; asserts nothing about time.
//!
//! - push throughput: the 10,000 customers pushed in batches of 500 (`customer_put`);
//! - pull: 20 agents pulling everything at once (full sync), then incremental pulls;
//! - A → B: agent A pushes a note, agent B pulls every `SYNC_INTERVAL` (the interval the extension's
//!   sync will use); the time from A's push to B's first pull that has it, median and p90 over 50;
//! - memory: this process's peak resident size (server and bench client together).

#[path = "../tests/it/cluster.rs"]
#[allow(dead_code)]
mod cluster;
#[path = "../tests/it/common.rs"]
#[allow(dead_code)]
mod common;

use common::Shop;
use serde_json::json;
use std::time::{Duration, Instant};
use uuid::Uuid;

const AGENTS: usize = 20;
const CUSTOMERS: usize = 10_000;
const BATCH: usize = 500;
const SYNC_INTERVAL: Duration = Duration::from_secs(1);

/// A full sync as the extension does it: pages until `more` is false. Returns (rows, pages, the
/// last cursor).
async fn pull_all(shop: &Shop, token: &str) -> (usize, usize, Option<String>) {
    let (mut rows, mut pages, mut cursor) = (0, 0, None::<String>);
    loop {
        let r = shop.pull(token, cursor.as_deref()).await;
        rows += r["changes"].as_array().map(Vec::len).unwrap_or(0);
        pages += 1;
        cursor = r["cursor"].as_str().map(str::to_owned);
        if r["more"] != true {
            return (rows, pages, cursor);
        }
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

#[tokio::main]
async fn main() {
    let shop = Shop::new("Bench").await;
    let page = shop.page("bench").await;
    shop.rule(page, json!({ "mode": "all" })).await;
    let mut agents = Vec::new();
    for i in 0..AGENTS {
        agents.push(shop.agent(&format!("Agent {i}"), &[page]).await);
    }
    println!("| what | value |");
    println!("|---|---|");

    // Report: the agents' extensions report 10,000 conversations, each with its customer (what
    // makes them visible to every agent of the page), 20 at a time.
    let ids: Vec<Uuid> = (0..CUSTOMERS).map(|_| Uuid::new_v4()).collect();
    let started = Instant::now();
    for (chunk_no, chunk) in ids.chunks(AGENTS).enumerate() {
        let reports = chunk.iter().enumerate().map(|(n, id)| {
            let i = chunk_no * AGENTS + n;
            shop.ok(
                "/v1/conversations/report",
                &agents[n].token,
                json!({ "page_id": page, "thread_id": format!("t{i}"),
                        "customer": { "id": id, "data": { "name": format!("Khách {i}") } } }),
            )
        });
        futures::future::join_all(reports).await;
    }
    let report_s = started.elapsed().as_secs_f64();
    println!(
        "| report: {CUSTOMERS} conversations with their customers, 20 agents at once | {report_s:.2} s ({:.0}/s) |",
        CUSTOMERS as f64 / report_s
    );

    // Push: the owner's extension pushes an edit of each of the 10,000 customers.
    let started = Instant::now();
    let mut mutation = 0i64;
    for (batch, chunk) in ids.chunks(BATCH).enumerate() {
        let mutations: Vec<_> = chunk
            .iter()
            .enumerate()
            .map(|(n, id)| {
                mutation += 1;
                let i = batch * BATCH + n;
                json!({ "id": mutation, "name": "customer_put", "args": { "id": id,
                    "data": { "name": format!("Khách {i}"), "phone": format!("09{i:08}") } } })
            })
            .collect();
        shop.ok(
            "/v1/push",
            &shop.owner,
            json!({ "client_id": "bench-owner", "mutations": mutations }),
        )
        .await;
    }
    let push_s = started.elapsed().as_secs_f64();
    println!(
        "| push: {CUSTOMERS} customer_put in batches of {BATCH} | {push_s:.2} s ({:.0} mutations/s) |",
        CUSTOMERS as f64 / push_s
    );

    // Pull: 20 agents at once, everything (a new agent's first sync).
    let started = Instant::now();
    let pulls = agents.iter().map(|a| pull_all(&shop, &a.token));
    let results = futures::future::join_all(pulls).await;
    let full_s = started.elapsed().as_secs_f64();
    let (rows, pages, _) = results[0];
    assert!(
        rows >= CUSTOMERS,
        "the agents see the shop's customers ({rows} rows)"
    );
    println!(
        "| pull: {AGENTS} agents' full sync at once ({rows} changes each, {pages} pages) | {full_s:.2} s |"
    );
    let mut cursors: Vec<Option<String>> = results.into_iter().map(|(_, _, c)| c).collect();

    // Incremental pulls with nothing new, 20 agents × 10 rounds.
    let mut lat = Vec::new();
    for _ in 0..10 {
        for (a, cursor) in agents.iter().zip(&mut cursors) {
            let t = Instant::now();
            let r = shop.pull(&a.token, cursor.as_deref()).await;
            lat.push(t.elapsed().as_secs_f64() * 1000.0);
            *cursor = r["cursor"].as_str().map(str::to_owned);
        }
    }
    lat.sort_by(f64::total_cmp);
    println!(
        "| incremental pull, nothing new ({} pulls) | median {:.1} ms, p90 {:.1} ms |",
        lat.len(),
        percentile(&lat, 0.5),
        percentile(&lat, 0.9)
    );

    // A → B: A pushes a note; B pulls every SYNC_INTERVAL, with a phase that varies from round to round.
    let (a, b) = (&agents[0], &agents[1]);
    let customer = ids[0];
    let mut b_cursor = pull_all(&shop, &b.token).await.2;
    let mut seen = Vec::new();
    for round in 0..50u64 {
        // B's timer is somewhere in its interval when A writes.
        tokio::time::sleep(Duration::from_millis((round * 37) % 1000)).await;
        let note = Uuid::new_v4();
        let pushed = Instant::now();
        shop.ok("/v1/push", &a.token, json!({ "client_id": "bench-a", "mutations": [
            { "id": round + 1, "name": "note_add", "args": { "id": note, "customer_id": customer, "body": format!("ghi chú {round}") } } ] }))
            .await;
        let mut next_pull = Duration::from_millis(((round * 53) % 1000) + 1);
        loop {
            tokio::time::sleep(next_pull.saturating_sub(pushed.elapsed())).await;
            let r = shop.pull(&b.token, b_cursor.as_deref()).await;
            b_cursor = r["cursor"].as_str().map(str::to_owned);
            let has = r["changes"].as_array().is_some_and(|rows| {
                rows.iter()
                    .any(|row| row.to_string().contains(&note.to_string()))
            });
            if has {
                seen.push(pushed.elapsed().as_secs_f64() * 1000.0);
                break;
            }
            assert!(
                pushed.elapsed() < Duration::from_secs(30),
                "B never saw A's note {round}"
            );
            next_pull += SYNC_INTERVAL;
        }
    }
    seen.sort_by(f64::total_cmp);
    println!(
        "| A's note in B's pull (B pulls every {} s; 50 notes) | median {:.0} ms, p90 {:.0} ms (target ≤ 2 s) |",
        SYNC_INTERVAL.as_secs(),
        percentile(&seen, 0.5),
        percentile(&seen, 0.9)
    );
    println!(
        "| peak memory of this process (server + bench client) | {} MB |",
        peak_rss_kb() / 1024
    );
}
