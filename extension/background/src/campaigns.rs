//! Campaigns, run by the service worker: `nobi_core::protocol::campaign` decides, this file stores
//! and feeds the outbox.
//!
//! The campaigns are one value in `chrome.storage.local` ([`CAMPAIGNS_KEY`]), the do-not-message
//! threads another ([`DO_NOT_MESSAGE_KEY`]). On every outbox pump the worker reconciles each
//! running campaign with the outbox, copies the outbox's verdicts, and hands the next recipients
//! to the outbox. **The outbox is saved before the campaigns**: that order is what makes a worker
//! killed at any moment neither lose nor double a recipient (see the campaign module's docs).
//! If the outbox cannot be saved, the recipients just enqueued are withdrawn from memory and stay
//! pending.
//!
//! A buyer's message that the panel read ([`buyer_wrote`]) skips that buyer in the campaigns
//! started before it, and, if it is an opt-out ("huỷ", "không nhận tin"…), puts the thread on the
//! do-not-message list that every campaign respects, now and later.

use crate::{chrome, outbox};
use js_sys::{Object, Reflect};
use nobi_core::campaign::opt_out::OptOutWords;
use nobi_core::protocol::campaign::{
    campaign_file_key, is_campaign_file_key, Campaign, CampaignFile, CampaignState,
    CampaignsToPanel, PanelToCampaigns, Recipient, RunError,
};
use nobi_core::protocol::{BackgroundToPanel, ThreadRef};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::BTreeSet;

const CAMPAIGNS_KEY: &str = "campaigns";
const DO_NOT_MESSAGE_KEY: &str = "do-not-message";

/// What the worker keeps of campaigns.
#[derive(Default, Serialize, Deserialize)]
struct Stored {
    campaigns: Vec<Campaign>,
}

#[derive(Default, Serialize, Deserialize)]
struct DoNotMessage {
    /// `platform:thread_id` of every thread that opted out.
    threads: BTreeSet<String>,
    /// The agent's words; empty: the defaults.
    #[serde(default)]
    words: Vec<String>,
}

thread_local! {
    static STATE: RefCell<Option<(Stored, DoNotMessage)>> = const { RefCell::new(None) };
}

/// `platform:thread_id`, the platform as its wire name ("instagram").
fn thread_key(thread: &ThreadRef) -> String {
    let platform = chrome::to_js(&thread.platform)
        .as_string()
        .unwrap_or_default();
    format!("{platform}:{}", thread.thread_id)
}

async fn ensure_loaded() {
    if STATE.with(|s| s.borrow().is_some()) {
        return;
    }
    let items = chrome::local_get(&[CAMPAIGNS_KEY, DO_NOT_MESSAGE_KEY]).await;
    let read = |key: &str| {
        items
            .as_ref()
            .and_then(|i| Reflect::get(i, &key.into()).ok())
            .filter(|v| !v.is_undefined())
    };
    // An unreadable value is logged and left where it is (never saved over until a campaign
    // changes); the worker then runs with none, which sends nothing.
    // Files are swept only when the campaigns were read: an unreadable value may still name them.
    let mut readable = items.is_some();
    let stored = match read(CAMPAIGNS_KEY).map(chrome::from_js::<Stored>) {
        Some(Ok(s)) => s,
        Some(Err(e)) => {
            chrome::log_error(&format!("Nobi Pro: stored campaigns unreadable: {e}"));
            readable = false;
            Stored::default()
        }
        None => Stored::default(),
    };
    let dnm = read(DO_NOT_MESSAGE_KEY)
        .and_then(|v| chrome::from_js::<DoNotMessage>(v).ok())
        .unwrap_or_default();
    let first = STATE.with(|s| {
        let mut s = s.borrow_mut();
        let first = s.is_none();
        if first {
            *s = Some((stored, dnm));
        }
        first
    });
    if first && readable {
        sweep_files().await;
    }
}

async fn save() -> bool {
    let Some((campaigns, dnm)) = STATE.with(|s| {
        s.borrow()
            .as_ref()
            .map(|(c, d)| (chrome::to_js(c), chrome::to_js(d)))
    }) else {
        return false;
    };
    let items = Object::new();
    let _ = Reflect::set(&items, &CAMPAIGNS_KEY.into(), &campaigns);
    let _ = Reflect::set(&items, &DO_NOT_MESSAGE_KEY.into(), &dnm);
    chrome::local_set(&items).await.is_ok()
}

fn snapshot_now() -> CampaignsToPanel {
    STATE.with(|s| {
        let s = s.borrow();
        let (campaigns, dnm) = match s.as_ref() {
            Some((c, d)) => (c.campaigns.clone(), d),
            None => {
                return CampaignsToPanel::Campaigns {
                    campaigns: Vec::new(),
                    do_not_message: Vec::new(),
                    opt_out_words: Vec::new(),
                }
            }
        };
        CampaignsToPanel::Campaigns {
            campaigns,
            do_not_message: dnm.threads.iter().cloned().collect(),
            opt_out_words: dnm.words.clone(),
        }
    })
}

/// Answers a request of the panel's campaign screens.
pub async fn on_request(request: PanelToCampaigns) -> CampaignsToPanel {
    match request {
        PanelToCampaigns::Start {
            campaign,
            recipients,
            at,
            files,
        } => start(*campaign, recipients, at, files).await,
        PanelToCampaigns::Get => {
            ensure_loaded().await;
            snapshot_now()
        }
        PanelToCampaigns::Pause { id } => pause(&id).await,
        PanelToCampaigns::Resume { id } => resume(&id).await,
        PanelToCampaigns::Cancel { id } => cancel(&id).await,
        PanelToCampaigns::SetOptOutWords { words } => set_opt_out_words(words).await,
    }
}

async fn changed() -> CampaignsToPanel {
    save().await;
    let snapshot = snapshot_now();
    chrome::broadcast(&snapshot);
    snapshot
}

/// Freezes the recipients and starts (or schedules) the campaign. Recipients on the
/// do-not-message list are left out before freezing.
async fn start(
    mut campaign: Campaign,
    recipients: Vec<Recipient>,
    at: Option<u64>,
    files: Vec<CampaignFile>,
) -> CampaignsToPanel {
    ensure_loaded().await;
    let now = chrome::now_ms();
    let known = STATE.with(|s| {
        s.borrow()
            .as_ref()
            .is_some_and(|(c, _)| c.campaigns.iter().any(|k| k.id == campaign.id))
    });
    if known {
        return snapshot_now();
    }
    let recipients: Vec<Recipient> = STATE.with(|s| {
        let s = s.borrow();
        let dnm = s.as_ref().map(|(_, d)| &d.threads);
        recipients
            .into_iter()
            .filter(|r| dnm.is_none_or(|d| !d.contains(&thread_key(&r.to))))
            .collect()
    });
    let recipients = match store_files(&campaign.id, recipients, files).await {
        Ok(recipients) => recipients,
        Err(error) => return CampaignsToPanel::Refused { error },
    };
    // Asked twice (a reply lost, the agent pressed again): the first one, stored while this one
    // stored its files, is the campaign.
    let known = STATE.with(|s| {
        s.borrow()
            .as_ref()
            .is_some_and(|(c, _)| c.campaigns.iter().any(|k| k.id == campaign.id))
    });
    if known {
        return snapshot_now();
    }
    if let Err(error) = campaign.start(recipients, at, now) {
        return CampaignsToPanel::Refused { error };
    }
    STATE.with(|s| {
        if let Some((c, _)) = s.borrow_mut().as_mut() {
            c.campaigns.push(campaign);
        }
    });
    let reply = changed().await;
    outbox::spawn_pump();
    reply
}

/// Stores the campaign's images once ([`campaign_file_key`]) and points each recipient's
/// attachments at them. The files are written before the campaign, so a stored campaign always
/// finds its files; a campaign that is then not stored leaves them to [`sweep_files`].
async fn store_files(
    campaign_id: &str,
    mut recipients: Vec<Recipient>,
    files: Vec<CampaignFile>,
) -> Result<Vec<Recipient>, RunError> {
    let keys: Vec<(String, String)> = files
        .iter()
        .enumerate()
        .map(|(n, f)| (f.media_id.clone(), campaign_file_key(campaign_id, n)))
        .collect();
    for r in &mut recipients {
        for attachment in &mut r.attachments {
            let Some((_, key)) = keys.iter().find(|(media, _)| media == attachment) else {
                return Err(RunError::MissingFile {
                    media_id: attachment.clone(),
                });
            };
            *attachment = key.clone();
        }
    }
    if !files.is_empty() {
        let items = Object::new();
        for ((_, key), f) in keys.iter().zip(&files) {
            let _ = Reflect::set(&items, &key.as_str().into(), &chrome::to_js(&f.file));
        }
        if chrome::local_set(&items).await.is_err() {
            return Err(RunError::FilesNotStored);
        }
    }
    Ok(recipients)
}

fn is_over(state: &CampaignState) -> bool {
    matches!(
        state,
        CampaignState::Done { .. } | CampaignState::Cancelled { .. }
    )
}

/// Removes the files of campaigns that are over or unknown: their recipients are all final, so
/// no message will attach them again.
async fn sweep_files() {
    let Some(keys) = chrome::local_keys().await else {
        return;
    };
    let live: Vec<String> = STATE.with(|s| {
        s.borrow()
            .as_ref()
            .map(|(stored, _)| {
                stored
                    .campaigns
                    .iter()
                    .filter(|c| {
                        !is_over(&c.state) || c.recipients.iter().any(|r| !r.state.is_final())
                    })
                    .map(|c| format!("campaign-file:{}#", c.id))
                    .collect()
            })
            .unwrap_or_default()
    });
    // A message the agent may still retry or send again from the outbox keeps its images.
    let wanted: Vec<String> = outbox::with_outbox(|ob| {
        ob.attachments_in_use()
            .into_iter()
            .map(str::to_owned)
            .collect()
    })
    .unwrap_or_default();
    let stale: Vec<String> = keys
        .into_iter()
        .filter(|k| {
            is_campaign_file_key(k)
                && !live.iter().any(|prefix| k.starts_with(prefix))
                && !wanted.contains(k)
        })
        .collect();
    if !stale.is_empty() {
        chrome::local_remove(&stale).await;
    }
}

/// Applies `change` to campaign `id`; the outbox ids it returns are cancelled in the outbox.
async fn act(id: &str, change: impl FnOnce(&mut Campaign, u64) -> Vec<String>) -> CampaignsToPanel {
    ensure_loaded().await;
    let now = chrome::now_ms();
    let cancel = STATE.with(|s| {
        let mut s = s.borrow_mut();
        let campaign = s
            .as_mut()
            .and_then(|(c, _)| c.campaigns.iter_mut().find(|k| k.id == id));
        campaign.map(|c| change(c, now)).unwrap_or_default()
    });
    for message in cancel {
        outbox::cancel(&message).await;
    }
    let reply = changed().await;
    outbox::spawn_pump();
    reply
}

async fn pause(id: &str) -> CampaignsToPanel {
    act(id, |c, now| {
        let _ = c.pause(now);
        Vec::new()
    })
    .await
}

async fn resume(id: &str) -> CampaignsToPanel {
    act(id, |c, _| {
        let _ = c.resume();
        Vec::new()
    })
    .await
}

async fn cancel(id: &str) -> CampaignsToPanel {
    let reply = act(id, |c, now| c.cancel(now).unwrap_or_default()).await;
    sweep_files().await;
    reply
}

async fn set_opt_out_words(words: Vec<String>) -> CampaignsToPanel {
    ensure_loaded().await;
    STATE.with(|s| {
        if let Some((_, d)) = s.borrow_mut().as_mut() {
            d.words = words;
        }
    });
    changed().await
}

/// The buyer of `thread` wrote `text` (at `at`, when known): put on the do-not-message list if it
/// is an opt-out, and skipped by the campaigns started before `at`. The page shows times as
/// labels ("Hôm nay 09:41"), so without `at` only the opt-out applies.
pub async fn buyer_wrote(thread: ThreadRef, at: Option<u64>, text: &str) -> BackgroundToPanel {
    ensure_loaded().await;
    let key = thread_key(&thread);
    let mut touched = false;
    let cancel: Vec<String> = STATE.with(|s| {
        let mut s = s.borrow_mut();
        let Some((stored, dnm)) = s.as_mut() else {
            return Vec::new();
        };
        let before = stored.campaigns.clone();
        let words = if dnm.words.is_empty() {
            OptOutWords::default()
        } else {
            OptOutWords::new(dnm.words.iter().map(String::as_str))
        };
        let opted_out = words.says_opt_out(text);
        if opted_out {
            touched |= dnm.threads.insert(key.clone());
        }
        let mut cancel = Vec::new();
        for c in &mut stored.campaigns {
            let customers: Vec<String> = c
                .recipients
                .iter()
                .filter(|r| thread_key(&r.to) == key)
                .map(|r| r.customer_id.clone())
                .collect();
            for customer in customers {
                let id = match (opted_out, at) {
                    (true, _) => c.opted_out(&customer, at.unwrap_or(0)),
                    (false, Some(at)) => c.buyer_wrote(&customer, at),
                    (false, None) => None,
                };
                cancel.extend(id);
            }
        }
        touched |= stored.campaigns != before;
        cancel
    });
    for message in cancel {
        // Refused for an id the outbox does not have or has started: nothing to undo then.
        outbox::cancel(&message).await;
    }
    // The panel reads threads often: storage is written only when something changed.
    if touched {
        changed().await;
    }
    BackgroundToPanel::Noted
}

/// One campaign step of the outbox pump: start what is due, reconcile, copy verdicts, and hand
/// the next recipients. Returns true if and only if it handed any (the pump then sends them).
pub async fn feed() -> bool {
    ensure_loaded().await;
    let now = chrome::now_ms();
    // 1. Campaign bookkeeping against the outbox as it is, and the new items, enqueued in memory.
    let mut touched = false;
    let mut finished = false;
    let handed: Vec<(String, Vec<String>, Vec<String>)> = STATE.with(|s| {
        let mut s = s.borrow_mut();
        let Some((stored, _)) = s.as_mut() else {
            return Vec::new();
        };
        let before = stored.campaigns.clone();
        let handed = outbox::with_outbox(|ob| {
            let mut handed = Vec::new();
            for c in &mut stored.campaigns {
                c.due(now);
                c.reconcile(ob, now);
                c.observe(ob, now);
                let next: Vec<(String, _)> = c
                    .next_to_hand(ob, now)
                    .into_iter()
                    .map(|r| (r.customer_id.clone(), r.new_item(&c.id)))
                    .collect();
                let mut customers = Vec::new();
                let mut ids = Vec::new();
                for (customer, item) in next {
                    let id = item.id.clone();
                    if ob.enqueue(item, now).is_ok() {
                        customers.push(customer);
                        ids.push(id);
                    }
                }
                if !customers.is_empty() {
                    handed.push((c.id.clone(), customers, ids));
                }
            }
            handed
        })
        .unwrap_or_default();
        touched = stored.campaigns != before;
        finished = stored
            .campaigns
            .iter()
            .zip(&before)
            .any(|(now, was)| now.state != was.state && is_over(&now.state));
        handed
    });
    if finished {
        sweep_files().await;
    }
    if handed.is_empty() {
        if touched {
            changed().await;
        }
        return false;
    }
    // 2. The outbox on disk first; 3. then the campaigns.
    if !outbox::save_and_tell().await {
        outbox::with_outbox(|ob| {
            for (_, _, ids) in &handed {
                for id in ids {
                    ob.withdraw(id);
                }
            }
        });
        return false;
    }
    STATE.with(|s| {
        if let Some((stored, _)) = s.borrow_mut().as_mut() {
            for (id, customers, _) in &handed {
                if let Some(c) = stored.campaigns.iter_mut().find(|c| &c.id == id) {
                    c.handed(customers, now);
                }
            }
        }
    });
    changed().await;
    true
}

/// When the campaigns want the worker again (quiet hours ending, a schedule, the caps).
pub fn next_wake(now: u64) -> Option<u64> {
    STATE.with(|s| {
        s.borrow().as_ref().and_then(|(stored, _)| {
            stored
                .campaigns
                .iter()
                .filter_map(|c| c.next_wake(now))
                .min()
        })
    })
}
