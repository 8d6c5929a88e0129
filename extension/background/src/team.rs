//! The outbox's one question to team sync: may this account send now, by the budget the shop's
//! agents share? Team sync is another wasm module (`extension/sync`, loaded only once a shop
//! connects), so the question goes through `background.js`'s `nobiTeamReserve`, which answers
//! `null` at once when no server is connected.

use nobi_core::outbox::{OutboxItem, TeamLimit};
use nobi_core::protocol::Platform;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = nobiTeamReserve, catch)]
    fn team_reserve(platform: &str, account: Option<String>) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(js_name = nobiTeamInbox, catch)]
    fn team_inbox(platform: &str, inbox: JsValue) -> Result<js_sys::Promise, JsValue>;
}

/// `Platform`'s serde name, which the sync module reads back.
fn platform_name(platform: Platform) -> &'static str {
    match platform {
        Platform::Instagram => "instagram",
        Platform::Facebook => "facebook",
        Platform::Messenger => "messenger",
        Platform::BusinessSuite => "business_suite",
    }
}

/// Hands the threads a tab's inbox list shows to team sync, which reports the new ones to the
/// shop's server (nothing when no server is connected: `nobiTeamInbox` answers at once).
pub async fn inbox_seen(inbox: &nobi_core::protocol::InboxList) {
    let Ok(promise) = team_inbox(platform_name(inbox.platform), crate::chrome::to_js(inbox)) else {
        return;
    };
    if let Err(e) = JsFuture::from(promise).await {
        crate::chrome::log_error(&format!(
            "Nobi Pro: team sync did not take the inbox: {e:?}"
        ));
    }
}

/// The shared budget's answer for one send.
pub enum Budget {
    /// Send (granted, or no shared budget applies: not connected, no page for the account, the
    /// server unreachable — this browser's own pacing still holds).
    Go,
    /// Spent: not before `until` (Unix ms).
    Wait { until: u64, limit: TeamLimit },
}

/// Reserves one send of `item`'s account from the shared budget.
pub async fn reserve(item: &OutboxItem, now_ms: u64) -> Budget {
    let Ok(promise) = team_reserve(platform_name(item.to.platform), item.account.clone()) else {
        return Budget::Go;
    };
    let Ok(answer) = JsFuture::from(promise).await else {
        return Budget::Go;
    };
    let field = |k: &str| js_sys::Reflect::get(&answer, &k.into()).unwrap_or(JsValue::UNDEFINED);
    if answer.is_null() || answer.is_undefined() || field("granted").as_bool() != Some(false) {
        return Budget::Go;
    }
    let secs = field("retry_after").as_f64().unwrap_or(60.0).max(1.0);
    // Counted from the answer, not from the question: a slow answer must not shorten the hold
    // (the pump would ask again at once).
    let answered_at = js_sys::Date::now().max(now_ms as f64) as u64;
    Budget::Wait {
        until: answered_at + (secs * 1000.0).ceil() as u64,
        limit: TeamLimit::from_server(&field("reason").as_string().unwrap_or_default()),
    }
}
