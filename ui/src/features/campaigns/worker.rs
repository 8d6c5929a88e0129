//! The campaign screens' link to the service worker: [`PanelToCampaigns`] requests and the
//! [`CampaignsToPanel`] snapshot, asked for and broadcast (apart from the panel's own enums so
//! that their serde code loads with these screens, not with the panel).

use leptos::prelude::*;
use nobi_bridge::{from_js, is_own_page};
use nobi_core::campaign::words::{word, Word};
use nobi_core::i18n::Lang;
use nobi_core::protocol::campaign::{CampaignsToPanel, PanelToCampaigns};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["chrome", "runtime", "onMessage"], js_name = addListener)]
    fn add_listener(listener: &js_sys::Function);
    #[wasm_bindgen(js_namespace = ["chrome", "runtime", "onMessage"], js_name = removeListener)]
    fn remove_listener(listener: &js_sys::Function);
}

/// Sends `request` to the worker and waits for its answer; `Err` says what failed (the worker
/// did not answer, or answered something else).
pub async fn ask(request: &PanelToCampaigns) -> Result<CampaignsToPanel, String> {
    crate::chrome::request(request).await
}

/// Keeps `snapshot` equal to the worker's latest campaigns, for as long as the calling owner
/// lives: asks once, then follows the worker's broadcasts.
pub fn follow(
    snapshot: RwSignal<Option<CampaignsToPanel>>,
    error: RwSignal<Option<String>>,
    lang: RwSignal<Lang>,
) {
    let listener = Closure::<dyn Fn(JsValue, JsValue) -> bool>::new(
        move |message: JsValue, sender: JsValue| {
            if is_own_page(&sender) {
                if let Ok(reply @ CampaignsToPanel::Campaigns { .. }) = from_js(message) {
                    let _ = snapshot.try_set(Some(reply));
                }
            }
            false
        },
    );
    add_listener(listener.as_ref().unchecked_ref());
    // Unregistered, and dropped, with the screen.
    let kept = StoredValue::new_local(Some(listener));
    on_cleanup(move || {
        if let Some(listener) = kept.try_update_value(Option::take).flatten() {
            remove_listener(listener.as_ref().unchecked_ref());
        }
    });
    leptos::task::spawn_local(async move {
        match ask(&PanelToCampaigns::Get).await {
            Ok(reply @ CampaignsToPanel::Campaigns { .. }) => {
                let _ = snapshot.try_set(Some(reply));
            }
            Ok(CampaignsToPanel::Refused { .. }) => {}
            Err(e) => {
                web_sys::console::error_1(&e.into());
                let _ = error.try_set(Some(word(Word::WorkerSilent, lang.get_untracked()).into()));
            }
        }
    });
}
