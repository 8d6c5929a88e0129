//! The outbox's stored size after a long run (issue 13): 10,000 messages sent, 1,000 of them with
//! an image, through the same calls the service worker makes (enqueue → start → finish, `tidy`
//! before every save, the files of a sent message removed). The worker stores the outbox as one
//! JSON value and the files under their own keys; both are measured here as the worker would
//! write them.

use crate::bench::Row;
use nobi_core::outbox::{file_key, NewItem, Outbox, Pacing, RetryPolicy, Settings};
use nobi_core::protocol::{Platform, SendOutcome, ThreadRef};
use std::collections::BTreeMap;

const MESSAGES: usize = 10_000;
const WITH_IMAGE_EVERY: usize = 10;
/// A phone photo as the panel stores it (base64 of about 300 KB).
const IMAGE_BYTES: usize = 400_000;
/// The default pacing sends about 800 a day: one message every 108 s.
const STEP_MS: u64 = 108_000;

pub fn bench_rows() -> Vec<Row> {
    let mut outbox = Outbox::new(Settings {
        pacing: Pacing::disabled(),
        retry: RetryPolicy::default(),
    });
    let mut files: BTreeMap<String, usize> = BTreeMap::new();
    let mut now: u64 = 1_796_000_000_000;
    let mut largest_value = 0usize;
    let mut largest_files = 0usize;
    for n in 0..MESSAGES {
        let id = format!("m{n:05}-{}", n * 7919 % 10_007);
        let attachments = if n % WITH_IMAGE_EVERY == 0 {
            let key = file_key(&id, 0);
            files.insert(key.clone(), IMAGE_BYTES);
            vec![key]
        } else {
            Vec::new()
        };
        let item = NewItem {
            id: id.clone(),
            to: ThreadRef {
                platform: Platform::Instagram,
                thread_id: format!("34028236684171{:010}", n % 400),
            },
            account: Some("hoamai.shop".into()),
            text: format!(
                "Dạ shop gửi chị đơn #{n}: váy hoa nhí size M, 350.000đ, giao 2-3 ngày ạ"
            ),
            attachments: attachments.clone(),
            not_before: None,
        };
        outbox.enqueue(item, now).expect("enqueue");
        outbox.start(&id, now, 0).expect("start");
        outbox
            .finish(&id, SendOutcome::Sent, now, 0)
            .expect("finish");
        for key in &attachments {
            files.remove(key);
        }
        outbox.tidy(now);
        let value = serde_json::to_string(&outbox).expect("json").len();
        largest_value = largest_value.max(value);
        largest_files = largest_files.max(files.values().sum());
        now += STEP_MS;
    }
    let value = serde_json::to_string(&outbox).expect("json").len();
    let kb = |b: usize| format!("{:.1} KB", b as f64 / 1024.0);
    vec![
        Row {
            name: format!(
                "outbox value after {MESSAGES} sent ({} with an image)",
                MESSAGES / WITH_IMAGE_EVERY
            ),
            value: format!(
                "{} ({} items, largest {})",
                kb(value),
                outbox.items().len(),
                kb(largest_value)
            ),
            target: "bounded (≤ 300 kept)".into(),
            ok: Some(outbox.items().len() <= nobi_core::outbox::KEEP_DONE_COUNT),
        },
        Row {
            name: "outbox files left after those sends".into(),
            value: format!(
                "{} ({} files; largest at once {})",
                kb(files.values().sum()),
                files.len(),
                kb(largest_files)
            ),
            target: "0".into(),
            ok: Some(files.is_empty()),
        },
    ]
}
