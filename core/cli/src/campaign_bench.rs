//! `nobi bench` rows for campaigns (issue 15): the audience over 50,000 customers, and a
//! 1,000-recipient campaign run through the real outbox to the end with pacing off, against a
//! simulated page (each started message is "typed" and confirmed), counting how many times each
//! recipient's message was typed and the stored size of the finished campaign. The end-to-end
//! run against fixture threads is not part of this (see the notes).

use crate::bench::Row;
use nobi_core::campaign::audience::{audience, bench_filters, bench_shop};
use nobi_core::outbox::{Outbox, Pacing, Settings};
use nobi_core::protocol::campaign::{
    Campaign, CampaignState, Goal, QuietHours, Recipient, RecipientState, RunSettings,
};
use nobi_core::protocol::{Platform, SendOutcome, ThreadRef};
use std::collections::{HashMap, HashSet};
use std::time::Instant;

const NOW: u64 = 1_796_612_400_000;

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}

pub fn bench_rows() -> Vec<Row> {
    let mut rows = Vec::new();
    let shop = bench_shop(50_000, NOW);
    let none = HashSet::new();
    for (name, filter) in bench_filters(NOW) {
        let mut times = Vec::new();
        let mut found = 0;
        for _ in 0..7 {
            let t = Instant::now();
            let a = audience(&filter, &shop, None, &none, &none, NOW);
            times.push(t.elapsed().as_secs_f64() * 1e3);
            found = a.candidates.len();
        }
        let ms = median(times);
        rows.push(Row {
            name: format!(
                "campaign audience over 50,000 customers, {name} ({found} found), median ms"
            ),
            value: format!("{ms:.1}"),
            target: "<= 50".into(),
            ok: Some(ms <= 50.0),
        });
    }

    // 1,000 recipients on two accounts, run to the end.
    let mut outbox = Outbox::new(Settings {
        pacing: Pacing::disabled(),
        ..Settings::default()
    });
    let settings = RunSettings {
        quiet: QuietHours {
            from_minute: 0,
            to_minute: 0,
            utc_offset_minutes: 420,
        },
        per_hour: None,
        per_day: None,
        ..RunSettings::default()
    };
    let mut campaign = Campaign::draft("bench", "Tri ân khách cũ", Goal::Care, settings, NOW);
    let recipients = (0..1_000)
        .map(|n| Recipient {
            customer_id: format!("01J{n:08}"),
            name: format!("Nguyễn Thị Khách {n}"),
            to: ThreadRef {
                platform: Platform::Instagram,
                thread_id: format!("34028236692093{n:06}"),
            },
            account: Some(if n % 2 == 0 { "hoamai.shop" } else { "hoamai.store" }.into()),
            text: format!("Chào chị Khách {n}, shop Hoa Mai có quà tri ân cho khách cũ: giảm 10% đơn tháng này ạ."),
            attachments: Vec::new(),
            state: RecipientState::Pending,
            cancel_reason: None,
        })
        .collect();
    campaign
        .start(recipients, None, NOW)
        .expect("a fresh draft starts");
    let mut typed: HashMap<String, u32> = HashMap::new();
    let mut now = NOW;
    let started = Instant::now();
    let mut pumps = 0;
    while !matches!(campaign.state, CampaignState::Done { .. }) && pumps < 10_000 {
        pumps += 1;
        now += 1_000;
        campaign.reconcile(&outbox, now);
        campaign.observe(&outbox, now);
        let next: Vec<(String, _)> = campaign
            .next_to_hand(&outbox, now)
            .into_iter()
            .map(|r| (r.customer_id.clone(), r.new_item("bench")))
            .collect();
        let ids: Vec<String> = next.iter().map(|(c, _)| c.clone()).collect();
        for (_, item) in next {
            let _ = outbox.enqueue(item, now);
        }
        campaign.handed(&ids, now);
        while let Some(item) = outbox.next_ready(now).cloned() {
            let _ = outbox.start(&item.id, now, 0);
            *typed.entry(item.to.thread_id.clone()).or_default() += 1;
            let _ = outbox.finish(&item.id, SendOutcome::Sent, now, 0);
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let sent = campaign
        .recipients
        .iter()
        .filter(|r| matches!(r.state, RecipientState::Sent { .. }))
        .count();
    let twice = typed.values().filter(|&&n| n > 1).count();
    rows.push(Row {
        name: "campaign of 1,000 through the outbox (model page, pacing off): sent / typed twice"
            .into(),
        value: format!("{sent} / {twice}"),
        target: "1000 / 0".into(),
        ok: Some(sent == 1_000 && twice == 0 && typed.len() == 1_000),
    });
    rows.push(Row {
        name: "campaign of 1,000, state machine and outbox time (no page), ms".into(),
        value: format!("{:.0}", elapsed * 1e3),
        target: "-".into(),
        ok: None,
    });
    let stored = serde_json::to_vec(&campaign).map_or(0, |v| v.len());
    rows.push(Row {
        name: "campaign of 1,000, stored size when done (JSON)".into(),
        value: format!("{:.1} KB", stored as f64 / 1024.0),
        target: "-".into(),
        ok: None,
    });
    rows
}
