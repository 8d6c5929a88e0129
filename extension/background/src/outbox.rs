//! The outbox, owned by the service worker: `nobi_core::outbox` decides, this file stores and acts.
//!
//! The whole outbox is one value in `chrome.storage.local` (a durable store the worker reaches
//! without IndexedDB code), written **before** each step that touches a page: a message is
//! `Queued` on disk before the worker answers the panel, `Sending` on disk before it is typed,
//! and its outcome on disk before the panel hears of it. Chrome may stop the worker at any
//! moment; the next worker loads the outbox and calls `Outbox::restarted`, which turns a message
//! left `Sending` into `NeedsCheck`: it is typed again only if the page shows it was not sent.
//!
//! The check compares the conversation with what it showed before typing (the baseline, stored
//! with the `Sending` state: outgoing messages with the same text and their ids where the page
//! has ids): a new id, else one more identical message, means it was sent; a bubble the page
//! marks as failed never counts ([`nobi_core::outbox::sent_since`]).
//! The content script runs one order at a time per tab, so the check's read waits for a send still
//! in progress on that page.
//!
//! Files to attach are stored beside the outbox (`file:<message id>#<n>`) until the message is
//! sent or cancelled. `chrome.alarms` wakes the worker for scheduled sends, backoffs and pacing.

use crate::chrome;
use js_sys::{Object, Reflect};
use nobi_core::outbox::{baseline, sent_since, Baseline, NewItem, Outbox, OutboxItem};
use nobi_core::protocol::{
    Attachment, BackgroundToContent, BackgroundToPanel, ChatMessage, ContentReply, FailReason,
    PausedAccount, SendOutcome,
};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

const OUTBOX_KEY: &str = "outbox";
/// Baselines with message ids (version 2; the counts of version 1 are not read: without a
/// baseline, any copy on the page counts as sent).
const BASELINES_KEY: &str = "outbox-baselines-2";
/// Sent and cancelled messages are kept this long for the panel's list, then forgotten.
const KEEP_DONE_MS: u64 = 7 * 24 * 3_600_000;
/// When a check could not look at the page (no tab), it is tried again after this.
const CHECK_AGAIN_MS: u64 = 15_000;

/// What the worker keeps: the outbox, and per `Sending` message what the page showed of its
/// text before it was typed.
#[derive(Default)]
struct State {
    outbox: Outbox,
    baselines: BTreeMap<String, Baseline>,
}

thread_local! {
    static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
    static PUMPING: Cell<bool> = const { Cell::new(false) };
}

async fn ensure_loaded() {
    if STATE.with(|s| s.borrow().is_some()) {
        return;
    }
    let items = chrome::local_get(&[OUTBOX_KEY, BASELINES_KEY]).await;
    let read = |key: &str| {
        items
            .as_ref()
            .and_then(|i| Reflect::get(i, &key.into()).ok())
            .filter(|v| !v.is_undefined())
    };
    let mut outbox: Outbox = read(OUTBOX_KEY)
        .and_then(|v| chrome::from_js(v).ok())
        .unwrap_or_default();
    let baselines = read(BASELINES_KEY)
        .and_then(|v| chrome::from_js(v).ok())
        .unwrap_or_default();
    // A new worker: whatever was being typed may or may not be on the page.
    let unsure = outbox.restarted();
    let loaded = STATE.with(|s| {
        let mut s = s.borrow_mut();
        if s.is_some() {
            return false; // another event loaded it meanwhile; that copy may have changed
        }
        *s = Some(State { outbox, baselines });
        true
    });
    if loaded && !unsure.is_empty() {
        save().await;
    }
}

/// Writes the outbox and the baselines in one `chrome.storage.local.set` (atomic). Returns
/// true if and only if they are on disk.
async fn save() -> bool {
    let Some((outbox, baselines)) = STATE.with(|s| {
        s.borrow()
            .as_ref()
            .map(|s| (chrome::to_js(&s.outbox), chrome::to_js(&s.baselines)))
    }) else {
        return false;
    };
    let items = Object::new();
    let _ = Reflect::set(&items, &OUTBOX_KEY.into(), &outbox);
    let _ = Reflect::set(&items, &BASELINES_KEY.into(), &baselines);
    match chrome::local_set(&items).await {
        Ok(()) => true,
        Err(_) => {
            chrome::log_error("Nobi Pro: could not save the outbox (disk full?)");
            false
        }
    }
}

/// Runs `change` on the outbox, saves, and tells the panels. The second value is false if the
/// outbox could not be written.
async fn update<T>(change: impl FnOnce(&mut State) -> T) -> (T, bool) {
    ensure_loaded().await;
    let result = STATE.with(|s| change(s.borrow_mut().as_mut().expect("loaded")));
    let saved = save().await;
    chrome::broadcast(&snapshot_now());
    (result, saved)
}

fn snapshot_now() -> BackgroundToPanel {
    STATE.with(|s| {
        let s = s.borrow();
        let outbox = s.as_ref().map(|s| &s.outbox);
        BackgroundToPanel::Outbox {
            items: outbox.map(|o| o.items().to_vec()).unwrap_or_default(),
            paused: outbox
                .map(|o| {
                    o.paused_accounts()
                        .into_iter()
                        .map(|(account, pause)| PausedAccount { account, pause })
                        .collect()
                })
                .unwrap_or_default(),
            settings: outbox.map(|o| o.settings().clone()).unwrap_or_default(),
        }
    })
}

/// The outbox as the panel shows it.
pub async fn snapshot() -> BackgroundToPanel {
    ensure_loaded().await;
    snapshot_now()
}

fn random() -> u64 {
    (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64
}

/// Stores the files and the message, then starts sending in the background.
pub async fn enqueue(mut item: NewItem, files: Vec<Attachment>) -> BackgroundToPanel {
    ensure_loaded().await;
    let known = STATE.with(|s| {
        s.borrow()
            .as_ref()
            .is_some_and(|s| s.outbox.item(&item.id).is_some())
    });
    if !known && !files.is_empty() {
        // The files first: a stored message always finds its files.
        let items = Object::new();
        item.attachments.clear();
        for (n, file) in files.iter().enumerate() {
            let key = format!("file:{}#{n}", item.id);
            let _ = Reflect::set(&items, &key.as_str().into(), &chrome::to_js(file));
            item.attachments.push(key);
        }
        if chrome::local_set(&items).await.is_err() {
            return BackgroundToPanel::Failed {
                reason: FailReason::AttachmentRejected,
            };
        }
    }
    let now = chrome::now_ms();
    let (result, saved) = update(|s| s.outbox.enqueue(item, now)).await;
    spawn_pump();
    if result.is_err() || !saved {
        // Not on disk (or refused): the panel keeps the draft and may send it again with the
        // same id, which the outbox takes once.
        return BackgroundToPanel::Failed {
            reason: FailReason::Timeout,
        };
    }
    snapshot_now()
}

pub async fn retry(id: &str) -> BackgroundToPanel {
    let _ = update(|s| s.outbox.retry(id)).await;
    spawn_pump();
    snapshot_now()
}

pub async fn cancel(id: &str) -> BackgroundToPanel {
    let now = chrome::now_ms();
    let cancelled = update(|s| s.outbox.cancel(id, now)).await.0.is_ok();
    if cancelled {
        forget_files(id).await;
    }
    snapshot_now()
}

pub async fn resume(account: &nobi_core::outbox::AccountKey) -> BackgroundToPanel {
    update(|s| s.outbox.resume(account)).await;
    spawn_pump();
    snapshot_now()
}

pub async fn set_settings(settings: nobi_core::outbox::Settings) -> BackgroundToPanel {
    update(|s| s.outbox.set_settings(settings)).await;
    spawn_pump();
    snapshot_now()
}

/// Starts [`pump`] without waiting for it (a panel request must be answered now).
pub fn spawn_pump() {
    wasm_bindgen_futures::spawn_local(pump());
}

/// Sends every message that may go now, checks the ones left unsure by a dead worker, then sets
/// the alarm for the next one. One pump at a time.
pub async fn pump() {
    if PUMPING.with(|p| p.replace(true)) {
        return;
    }
    ensure_loaded().await;
    let mut check_again = false;
    loop {
        // Messages that may be on the page are looked for before anything else is typed.
        let unsure: Vec<OutboxItem> = STATE
            .with(|s| {
                s.borrow()
                    .as_ref()
                    .map(|s| s.outbox.needs_check().cloned().collect())
            })
            .unwrap_or_default();
        for item in unsure {
            match look_for(&item).await {
                Some(visible) => {
                    let now = chrome::now_ms();
                    // Refused only if the agent cancelled it meanwhile: then nothing changes.
                    let _ = update(|s| {
                        s.baselines.remove(&item.id);
                        s.outbox.checked(&item.id, visible, now)
                    })
                    .await;
                    if visible {
                        forget_files(&item.id).await;
                    }
                }
                None => check_again = true,
            }
        }
        let now = chrome::now_ms();
        let next = STATE.with(|s| {
            s.borrow()
                .as_ref()
                .and_then(|s| s.outbox.next_ready(now).cloned())
        });
        let Some(item) = next else { break };
        send(item).await;
    }
    let now = chrome::now_ms();
    let wake = STATE.with(|s| {
        s.borrow().as_ref().and_then(|s| {
            let mut outbox = s.outbox.clone();
            outbox.prune(now, KEEP_DONE_MS);
            outbox.next_wake(now)
        })
    });
    let wake = match (wake, check_again) {
        (Some(w), true) => Some(w.min(now + CHECK_AGAIN_MS)),
        (None, true) => Some(now + CHECK_AGAIN_MS),
        (w, false) => w,
    };
    PUMPING.with(|p| p.set(false));
    if let Some(when) = wake {
        // The alarm wakes a stopped worker (Chrome fires alarms no sooner than about 30 s for a
        // store-installed extension); a live worker also keeps a timer for short waits.
        chrome::set_alarm("outbox", when.max(now + 100));
        let wait = when.saturating_sub(now);
        if wait <= 60_000 {
            wasm_bindgen_futures::spawn_local(async move {
                chrome::sleep(wait.max(50) as i32).await;
                pump().await;
            });
        }
    }
}

/// The conversation's messages, or why the page could not be read.
async fn read_page(item: &OutboxItem) -> Result<Vec<ChatMessage>, FailReason> {
    crate::open_thread(&item.to).await?;
    let order = BackgroundToContent::ReadMessages {
        to: item.to.clone(),
        older_pages: 0,
    };
    match crate::ask_thread_tab(&item.to, &order).await {
        Ok(ContentReply::Messages { messages, .. }) => Ok(messages),
        Ok(ContentReply::Failed { reason }) | Err(reason) => Err(reason),
        _ => Err(FailReason::TabUnreachable),
    }
}

/// What the page shows of `item`'s text now.
async fn baseline_on_page(item: &OutboxItem) -> Result<Baseline, FailReason> {
    let wanted = fold_space(&nfc(&item.text));
    read_page(item).await.map(|m| baseline(&m, &wanted))
}

/// Whether a message left unsure is on the page: `None` when the page cannot be read now.
async fn look_for(item: &OutboxItem) -> Option<bool> {
    let before = STATE.with(|s| {
        s.borrow()
            .as_ref()
            .and_then(|s| s.baselines.get(&item.id).cloned())
    });
    let messages = read_page(item).await.ok()?;
    Some(sent_since(
        before.as_ref(),
        &messages,
        &fold_space(&nfc(&item.text)),
    ))
}

async fn send(item: OutboxItem) {
    let id = item.id.clone();
    // The page, and the baseline for a later check, before anything is typed.
    let baseline = baseline_on_page(&item).await;
    let now = chrome::now_ms();
    let (started, saved) = update(|s| {
        let started = s.outbox.start(&id, now, random());
        if started.is_ok() {
            if let Ok(seen) = &baseline {
                s.baselines.insert(id.clone(), seen.clone());
            }
        }
        started
    })
    .await;
    if started.is_err() {
        return;
    }
    if !saved {
        // "Sending" is not on disk: typing now could not be checked after a crash. Put it back.
        let now = chrome::now_ms();
        let _ = update(|s| {
            s.outbox.finish(
                &id,
                SendOutcome::Failed {
                    reason: FailReason::Timeout,
                },
                now,
                random(),
            )
        })
        .await;
        return;
    }
    let outcome = match baseline {
        Err(reason) => SendOutcome::Failed { reason },
        Ok(_) => {
            let order = BackgroundToContent::SendText {
                request_id: id.clone(),
                text: nfc(&item.text),
                to: item.to.clone(),
                attachments: load_files(&item.attachments).await,
            };
            match crate::ask_thread_tab(&item.to, &order).await {
                Ok(ContentReply::Sent { outcome, .. }) => outcome,
                Ok(ContentReply::Failed { reason }) | Err(reason) => SendOutcome::Failed { reason },
                Ok(_) => SendOutcome::Failed {
                    reason: FailReason::Unconfirmed,
                },
            }
        }
    };
    let sent = outcome == SendOutcome::Sent;
    let now = chrome::now_ms();
    let _ = update(|s| {
        s.baselines.remove(&id);
        s.outbox.finish(&id, outcome, now, random())
    })
    .await;
    if sent {
        forget_files(&id).await;
    }
}

async fn load_files(keys: &[String]) -> Vec<Attachment> {
    if keys.is_empty() {
        return Vec::new();
    }
    let names: Vec<&str> = keys.iter().map(String::as_str).collect();
    let Some(items) = chrome::local_get(&names).await else {
        return Vec::new();
    };
    keys.iter()
        .filter_map(|k| Reflect::get(&items, &k.as_str().into()).ok())
        .filter_map(|v| chrome::from_js(v).ok())
        .collect()
}

async fn forget_files(id: &str) {
    let keys = STATE.with(|s| {
        s.borrow()
            .as_ref()
            .and_then(|s| s.outbox.item(id).map(|i| i.attachments.clone()))
    });
    if let Some(keys) = keys.filter(|k| !k.is_empty()) {
        chrome::local_remove(&keys).await;
    }
}

/// NFC through the browser's `normalize()`: no Unicode tables in the worker.
fn nfc(text: &str) -> String {
    js_sys::JsString::from(text).normalize("NFC").into()
}

fn fold_space(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `chrome.alarms.onAlarm` and the worker's start: send what is due.
#[wasm_bindgen]
pub async fn on_wake() {
    pump().await;
}
