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
//! Files to attach are stored beside the outbox ([`nobi_core::outbox::file_key`]) until the message
//! is sent or cancelled, never inside the outbox value (which is rewritten at every change). The
//! extension holds `unlimitedStorage`, so the 10 MB quota of `chrome.storage.local` cannot
//! refuse a send; the outbox value itself stays small because [`Outbox::tidy`] runs before every
//! save. A worker that starts removes the file keys no message wants (a crash between a file
//! write and its message's write leaves them). A message whose files cannot be read fails with
//! `files_missing` before anything is typed.
//!
//! A stored outbox that cannot be decoded is never overwritten: its raw value is first copied to
//! [`UNREADABLE_KEY`] (once), the panel is told ([`OutboxDamage`]), and only then does a new
//! outbox take its place. If the copy cannot be written, nothing is saved at all.
//!
//! `chrome.alarms` wakes the worker for scheduled sends, backoffs and pacing.

use crate::chrome;
use js_sys::{Object, Reflect};
use nobi_core::outbox::{
    baseline_by, check_page_by, file_key, is_file_key, Baseline, ItemState, NewItem, Outbox,
    OutboxItem, PageCheck,
};
use nobi_core::protocol::{
    Attachment, BackgroundToContent, BackgroundToPanel, ChatMessage, ContentReply, FailReason,
    OutboxDamage, PausedAccount, SendOutcome,
};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use wasm_bindgen::prelude::*;

const OUTBOX_KEY: &str = "outbox";
/// Baselines with message ids (version 2; the counts of version 1 are not read: without a
/// baseline, any copy on the page counts as sent).
const BASELINES_KEY: &str = "outbox-baselines-2";
/// Where an outbox that could not be read is kept, raw, for the agent or support to recover.
pub const UNREADABLE_KEY: &str = "outbox-unreadable";
/// When a check could not look at the page (no tab), it is tried again after this.
const CHECK_AGAIN_MS: u64 = 15_000;

/// What the worker keeps: the outbox, and per message that may be on the page what the page
/// showed of its text before it was typed.
#[derive(Default)]
struct State {
    outbox: Outbox,
    baselines: BTreeMap<String, Baseline>,
    /// The stored outbox could not be read when this worker started.
    damaged: Option<OutboxDamage>,
    /// The damaged value could not be set aside: nothing may be saved over it.
    frozen: bool,
}

thread_local! {
    static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
    static PUMPING: Cell<bool> = const { Cell::new(false) };
    /// File keys written by an enqueue whose message is not stored yet: the sweep leaves them.
    static WRITING: RefCell<BTreeSet<String>> = const { RefCell::new(BTreeSet::new()) };
}

async fn ensure_loaded() {
    if STATE.with(|s| s.borrow().is_some()) {
        return;
    }
    let items = chrome::local_get(&[OUTBOX_KEY, BASELINES_KEY, UNREADABLE_KEY]).await;
    let read = |key: &str| {
        items
            .as_ref()
            .and_then(|i| Reflect::get(i, &key.into()).ok())
            .filter(|v| !v.is_undefined())
    };
    // Absent is an empty outbox; present but unreadable is damage, kept aside.
    let mut damaged = None;
    let mut frozen = false;
    let mut outbox = match read(OUTBOX_KEY).map(chrome::from_js::<Outbox>) {
        None => Outbox::default(),
        Some(Ok(outbox)) => outbox,
        Some(Err(error)) => {
            let raw = read(OUTBOX_KEY).unwrap_or(JsValue::NULL);
            // Never over an earlier damaged value: a second one gets a key of its own.
            let key = if read(UNREADABLE_KEY).is_some() {
                format!("{UNREADABLE_KEY}-{}", chrome::now_ms())
            } else {
                UNREADABLE_KEY.to_owned()
            };
            let aside = Object::new();
            let _ = Reflect::set(&aside, &key.as_str().into(), &raw);
            let kept = chrome::local_set(&aside).await.is_ok();
            frozen = !kept;
            chrome::log_error(&format!(
                "Nobi Pro: the stored outbox is unreadable: {error}"
            ));
            damaged = Some(OutboxDamage {
                at: chrome::now_ms(),
                detail: error.to_string(),
                kept_as: kept.then_some(key),
            });
            Outbox::default()
        }
    };
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
        *s = Some(State {
            outbox,
            baselines,
            damaged,
            frozen,
        });
        true
    });
    if loaded {
        if !unsure.is_empty() {
            save().await;
        }
        if STATE.with(|s| s.borrow().as_ref().is_some_and(|s| s.damaged.is_some())) {
            // Open panels learn of it now, not at the next change.
            chrome::broadcast(&snapshot_now());
        }
        sweep_files().await;
    }
}

/// Removes stored files no message wants (see the module docs).
async fn sweep_files() {
    let Some(keys) = chrome::local_keys().await else {
        return;
    };
    // While a damaged outbox is kept aside, its messages' files may be wanted by whoever
    // recovers it: nothing is swept.
    if keys.iter().any(|k| k.starts_with(UNREADABLE_KEY)) {
        return;
    }
    let orphans: Vec<String> = STATE.with(|s| {
        let s = s.borrow();
        let Some(s) = s.as_ref().filter(|s| !s.frozen && s.damaged.is_none()) else {
            return Vec::new();
        };
        let wanted = s.outbox.file_keys();
        WRITING.with(|w| {
            let writing = w.borrow();
            keys.into_iter()
                .filter(|k| is_file_key(k) && !wanted.contains(k.as_str()) && !writing.contains(k))
                .collect()
        })
    });
    if !orphans.is_empty() {
        chrome::local_remove(&orphans).await;
    }
}

/// Writes the outbox and the baselines in one `chrome.storage.local.set` (atomic). Returns
/// true if and only if they are on disk.
async fn save() -> bool {
    let Some((outbox, baselines)) = STATE.with(|s| {
        let mut s = s.borrow_mut();
        let s = s.as_mut().filter(|s| !s.frozen)?;
        s.outbox.tidy(chrome::now_ms());
        // A baseline is kept while its message may be on the page: an agent's retry of an
        // unconfirmed message is checked against the page as it was before the first typing.
        let outbox = &s.outbox;
        s.baselines.retain(|id, _| {
            outbox.item(id).is_some_and(|i| {
                matches!(
                    i.state,
                    ItemState::Sending { .. }
                        | ItemState::NeedsCheck { .. }
                        | ItemState::NeedsAgent { .. }
                        | ItemState::Failed {
                            reason: FailReason::Unconfirmed,
                            ..
                        }
                )
            })
        });
        Some((chrome::to_js(&s.outbox), chrome::to_js(&s.baselines)))
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
            damaged: s.as_ref().and_then(|s| s.damaged.clone()),
            team_waits: outbox
                .map(|o| o.team_waits(chrome::now_ms()))
                .unwrap_or_default(),
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
///
/// Idempotent, files included: the files of message `id` are always stored under the same keys
/// ([`file_key`]), so a panel that asks again after a lost reply names the same message, which
/// the outbox takes once; files already stored for a known message are not written again.
pub async fn enqueue(mut item: NewItem, files: Vec<Attachment>) -> BackgroundToPanel {
    ensure_loaded().await;
    if !files.is_empty() {
        item.attachments = (0..files.len()).map(|n| file_key(&item.id, n)).collect();
    }
    let known = STATE.with(|s| {
        s.borrow()
            .as_ref()
            .is_some_and(|s| s.outbox.item(&item.id).is_some())
    });
    if !known && !files.is_empty() {
        // The files first: a stored message always finds its files.
        let items = Object::new();
        for (key, file) in item.attachments.iter().zip(&files) {
            let _ = Reflect::set(&items, &key.as_str().into(), &chrome::to_js(file));
        }
        WRITING.with(|w| w.borrow_mut().extend(item.attachments.iter().cloned()));
        if chrome::local_set(&items).await.is_err() {
            WRITING.with(|w| w.borrow_mut().retain(|k| !item.attachments.contains(k)));
            return BackgroundToPanel::Failed {
                reason: FailReason::AttachmentRejected,
            };
        }
    }
    let now = chrome::now_ms();
    let keys = item.attachments.clone();
    let id = item.id.clone();
    let (result, saved) = update(|s| s.outbox.enqueue(item, now)).await;
    WRITING.with(|w| w.borrow_mut().retain(|k| !keys.contains(k)));
    if result.is_ok() && !saved && !known {
        // Not on disk: the panel hears "failed" and keeps the draft, so the message must not
        // go out from memory either (the agent may edit the draft and send it anew).
        STATE.with(|s| {
            if let Some(s) = s.borrow_mut().as_mut() {
                s.outbox.withdraw(&id);
            }
        });
    }
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

/// The agent saw the message on the page.
pub async fn mark_sent(id: &str) -> BackgroundToPanel {
    let now = chrome::now_ms();
    if update(|s| s.outbox.mark_sent(id, now)).await.0.is_ok() {
        forget_files(id).await;
    }
    snapshot_now()
}

/// The agent saw that the message is not on the page.
pub async fn send_again(id: &str) -> BackgroundToPanel {
    let _ = update(|s| {
        s.baselines.remove(id);
        s.outbox.send_again(id)
    })
    .await;
    spawn_pump();
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

/// Runs `f` on the loaded outbox (for the campaigns, which hand it their recipients); `None`
/// before it is loaded.
pub(crate) fn with_outbox<T>(f: impl FnOnce(&mut Outbox) -> T) -> Option<T> {
    STATE.with(|s| s.borrow_mut().as_mut().map(|s| f(&mut s.outbox)))
}

/// Saves the outbox and tells the panels; returns true if and only if it is on disk.
pub(crate) async fn save_and_tell() -> bool {
    let saved = save().await;
    chrome::broadcast(&snapshot_now());
    saved
}

/// How soon a worker stopped in the middle of a pump is woken again (Chrome fires alarms no
/// sooner than 30 s after they are set).
const WATCHDOG_MS: u64 = 30_000;

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
    // Each unsure message is looked for once per pump: the checks are spaced by the pump's
    // wake-ups (CHECK_AGAIN_MS), not spent one after another between two sends.
    let mut looked: BTreeSet<String> = BTreeSet::new();
    loop {
        // A watchdog: Chrome may stop this worker in the middle of the loop (or a test does),
        // and only an alarm starts a stopped worker again. Without it, a campaign or a queue
        // stalled until the agent next touched the panel. Replaced by the real wake below.
        chrome::set_alarm("outbox", chrome::now_ms() + WATCHDOG_MS);
        // Campaigns hand their next recipients (the outbox is saved before the campaigns).
        crate::campaigns::feed().await;
        // Messages that may be on the page are looked for before anything else is typed.
        let unsure: Vec<OutboxItem> = STATE
            .with(|s| {
                s.borrow()
                    .as_ref()
                    .map(|s| s.outbox.needs_check().cloned().collect())
            })
            .unwrap_or_default();
        for item in unsure {
            if !looked.insert(item.id.clone()) {
                check_again = true;
                continue;
            }
            let now = chrome::now_ms();
            match look_for(&item).await {
                Ok(found) => {
                    // Refused only if the agent cancelled it meanwhile: then nothing changes.
                    let _ = update(|s| s.outbox.checked(&item.id, found, now)).await;
                    if found == PageCheck::Sent {
                        forget_files(&item.id).await;
                    }
                }
                Err(reason) => {
                    // Bounded: after MAX_CHECKS the agent decides, and no tab is touched again.
                    let gave_up = update(|s| s.outbox.check_failed(&item.id, reason, now))
                        .await
                        .0;
                    check_again |= gave_up == Ok(false);
                }
            }
        }
        let now = chrome::now_ms();
        let next = STATE.with(|s| {
            s.borrow()
                .as_ref()
                .and_then(|s| s.outbox.next_ready(now).cloned())
        });
        let Some(item) = next else { break };
        // Team mode: the account's budget shared by the shop's agents decides too.
        if let crate::team::Budget::Wait { until, limit } = crate::team::reserve(&item, now).await {
            let key = item.account_key();
            update(|s| s.outbox.team_budget_spent(&key, until, limit)).await;
            continue;
        }
        send(item).await;
    }
    // The last verdicts onto the campaigns.
    crate::campaigns::feed().await;
    let now = chrome::now_ms();
    let wake = STATE.with(|s| s.borrow().as_ref().and_then(|s| s.outbox.next_wake(now)));
    let wake = match (wake, crate::campaigns::next_wake(now)) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let wake = match (wake, check_again) {
        (Some(w), true) => Some(w.min(now + CHECK_AGAIN_MS)),
        (None, true) => Some(now + CHECK_AGAIN_MS),
        (w, false) => w,
    };
    PUMPING.with(|p| p.set(false));
    if wake.is_none() {
        // Nothing left to do: the watchdog set by the loop must not wake the worker every 30 s.
        chrome::clear_alarm("outbox");
    }
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

/// The conversation's messages, or why the page could not be read. A check reads the tab that
/// typed the message (`tab`) while it still shows the thread: another tab showing it may not
/// have live-updated.
async fn read_page(
    item: &OutboxItem,
    tab: Option<i32>,
) -> Result<(Vec<ChatMessage>, i32), FailReason> {
    let order = BackgroundToContent::ReadMessages {
        to: item.to.clone(),
        older_pages: 0,
    };
    let (reply, tab) = match tab {
        Some(tab) if crate::tab_shows(tab, &item.to).await => {
            (crate::ask_tab(tab, &item.to, &order).await, tab)
        }
        _ => {
            let tab = crate::open_thread(&item.to).await?;
            (crate::ask_thread_tab(&item.to, &order).await, tab)
        }
    };
    match reply {
        Ok(ContentReply::Messages { messages, .. }) => Ok((messages, tab)),
        Ok(ContentReply::Failed { reason }) | Err(reason) => Err(reason),
        _ => Err(FailReason::TabUnreachable),
    }
}

/// What the page shows of `item`'s text now, and the tab it was read in.
async fn baseline_on_page(item: &OutboxItem) -> Result<Baseline, FailReason> {
    let wanted = fold_space(&nfc(&item.text));
    read_page(item, None)
        .await
        .map(|(m, tab)| baseline_by(&m, &wanted, Some(tab), &skeleton))
}

/// What the page shows about a message left unsure, or why it could not be read.
async fn look_for(item: &OutboxItem) -> Result<PageCheck, FailReason> {
    let before = STATE.with(|s| {
        s.borrow()
            .as_ref()
            .and_then(|s| s.baselines.get(&item.id).cloned())
    });
    let tab = before.as_ref().and_then(|b| b.tab_id);
    let (messages, _) = read_page(item, tab).await?;
    Ok(check_page_by(
        before.as_ref(),
        &messages,
        &fold_space(&nfc(&item.text)),
        &skeleton,
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
    let files = load_files(&item.attachments).await;
    let outcome = match (baseline, files) {
        (Err(reason), _) | (_, Err(reason)) => SendOutcome::Failed { reason },
        (Ok(seen), Ok(attachments)) => {
            let order = BackgroundToContent::SendText {
                request_id: id.clone(),
                text: nfc(&item.text),
                to: item.to.clone(),
                attachments,
                account: item.account.clone(),
            };
            // The tab the baseline was read in, still showing the thread, else whichever does.
            let reply = match seen.tab_id {
                Some(tab) if crate::tab_shows(tab, &item.to).await => {
                    crate::ask_tab(tab, &item.to, &order).await
                }
                _ => crate::ask_thread_tab(&item.to, &order).await,
            };
            match reply {
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
    // The baseline stays while the message may be on the page (see `save`).
    let _ = update(|s| s.outbox.finish(&id, outcome, now, random())).await;
    if sent {
        forget_files(&id).await;
    }
}

/// The stored files `keys`, all of them, or `FilesMissing`: a message never goes out without
/// its images.
async fn load_files(keys: &[String]) -> Result<Vec<Attachment>, FailReason> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let names: Vec<&str> = keys.iter().map(String::as_str).collect();
    let items = chrome::local_get(&names)
        .await
        .ok_or(FailReason::FilesMissing)?;
    keys.iter()
        .map(|k| {
            Reflect::get(&items, &k.as_str().into())
                .ok()
                .filter(|v| !v.is_undefined())
                .and_then(|v| chrome::from_js(v).ok())
                .ok_or(FailReason::FilesMissing)
        })
        .collect()
}

async fn forget_files(id: &str) {
    let keys = STATE.with(|s| {
        s.borrow()
            .as_ref()
            .and_then(|s| s.outbox.item(id).map(|i| i.attachments.clone()))
    });
    // A campaign's images are shared by its recipients: the campaign removes them when it is over.
    let keys: Vec<String> = keys
        .unwrap_or_default()
        .into_iter()
        .filter(|k| !nobi_core::protocol::campaign::is_campaign_file_key(k))
        .collect();
    if !keys.is_empty() {
        chrome::local_remove(&keys).await;
    }
}

/// NFC through the browser's `normalize()`: no Unicode tables in the worker.
fn nfc(text: &str) -> String {
    js_sys::JsString::from(text).normalize("NFC").into()
}

/// `nobi_core::outbox::skeleton` through the browser's own Unicode tables (`toLowerCase`, a
/// `\p{L}\p{N}` regular expression): the worker links none of Rust's.
fn skeleton(text: &str) -> String {
    let lower = js_sys::JsString::from(text)
        .normalize("NFC")
        .to_lower_case();
    let signs = js_sys::RegExp::new("[^\\p{L}\\p{N}]+", "gu");
    let words: String = lower.replace_by_pattern(&signs, "").into();
    if words.is_empty() {
        fold_space(text)
    } else {
        words
    }
}

fn fold_space(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `chrome.alarms.onAlarm` and the worker's start: send what is due.
#[wasm_bindgen]
pub async fn on_wake() {
    chrome::restrict_local_storage().await;
    pump().await;
}
