//! The `chrome.*` calls of the service worker. `window` does not exist here: only Chrome's APIs
//! and the worker global scope.

use js_sys::{Object, Promise, Reflect};
use nobi_bridge::runtime_send_message;
pub use nobi_bridge::{
    content_script_tab, from_js, is_own_extension, is_own_page, sender_tab_active, sender_url_now,
    sender_window, to_js,
};
use nobi_core::protocol::{BackgroundToContent, ContentReply};
use nobi_core::tabs::TabRegistry;
use serde::Serialize;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// The `chrome.storage.session` key of the routing table.
const REGISTRY_KEY: &str = "tabs";

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["chrome", "tabs"], js_name = sendMessage, catch)]
    fn tabs_send_message(tab_id: i32, message: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "tabs"], js_name = update, catch)]
    fn tabs_update(tab_id: i32, properties: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "tabs"], js_name = create, catch)]
    fn tabs_create(properties: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &js_sys::Function, ms: i32);

    #[wasm_bindgen(js_namespace = ["chrome", "storage", "session"], js_name = get, catch)]
    fn session_get(key: &str) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "storage", "session"], js_name = set, catch)]
    fn session_set(items: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = get, catch)]
    fn local_get_raw(keys: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = set, catch)]
    fn local_set_raw(items: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = remove, catch)]
    fn local_remove_raw(keys: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = setAccessLevel, catch)]
    fn local_set_access_level(options: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "alarms"], js_name = create, catch)]
    fn alarms_create(name: &str, info: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "alarms"], js_name = clear, catch)]
    fn alarms_clear(name: &str) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

pub fn log_error(message: &str) {
    console_error(message);
}

pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

thread_local! {
    /// The routing table of this worker's lifetime, loaded from storage on first use. Events are
    /// handled one at a time on this thread, so changing it between two awaits is atomic; every
    /// change is written through to storage for the next worker.
    static REGISTRY: RefCell<Option<TabRegistry>> = const { RefCell::new(None) };
}

/// Runs `change` on the routing table and saves it. Returns what `change` returns.
pub async fn update_registry<T>(change: impl FnOnce(&mut TabRegistry) -> T) -> T {
    ensure_registry_loaded().await;
    let (result, snapshot) = REGISTRY.with(|r| {
        let mut r = r.borrow_mut();
        let registry = r.get_or_insert_with(TabRegistry::default);
        (change(registry), registry.clone())
    });
    save_registry(&snapshot).await;
    result
}

/// A copy of the routing table.
pub async fn registry() -> TabRegistry {
    ensure_registry_loaded().await;
    REGISTRY.with(|r| r.borrow().clone().unwrap_or_default())
}

async fn ensure_registry_loaded() {
    if REGISTRY.with(|r| r.borrow().is_some()) {
        return;
    }
    let loaded = load_registry().await;
    // Another event may have loaded it while this one waited: keep the first, it may have changed.
    REGISTRY.with(|r| {
        r.borrow_mut().get_or_insert(loaded);
    });
}

async fn load_registry() -> TabRegistry {
    let Ok(promise) = session_get(REGISTRY_KEY) else {
        return TabRegistry::default();
    };
    let Ok(items) = JsFuture::from(promise).await else {
        return TabRegistry::default();
    };
    Reflect::get(&items, &REGISTRY_KEY.into())
        .ok()
        .filter(|v| !v.is_undefined())
        .and_then(|v| from_js(v).ok())
        .unwrap_or_default()
}

async fn save_registry(registry: &TabRegistry) {
    let items = Object::new();
    let _ = Reflect::set(&items, &REGISTRY_KEY.into(), &to_js(registry));
    match session_set(&items) {
        Ok(promise) => {
            if let Err(e) = JsFuture::from(promise).await {
                log_error(&format!("Nobi Pro: could not save the tab table: {e:?}"));
            }
        }
        Err(e) => log_error(&format!(
            "Nobi Pro: chrome.storage.session.set failed: {e:?}"
        )),
    }
}

/// Why an order to a tab got no reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unanswered {
    /// No content script received it ("Receiving end does not exist"): nothing was done.
    NotDelivered,
    /// It was delivered but the page went away (reload, navigation, tab closed) or answered
    /// something that is not a reply: it may have been carried out.
    Lost,
    /// No reply before the order's deadline (a page stuck in a script, a frozen tab): it may be
    /// under way. The worker stops waiting; the content script's lock stays with the tab.
    Stuck,
}

/// How long an order may take before the worker stops waiting for it: the content script's own
/// waits for it (composer 5 s, attachments, bubble 5 s, delivery 10 s, older pages), doubled.
pub fn deadline_ms(order: &BackgroundToContent) -> i32 {
    match order {
        BackgroundToContent::SendText { attachments, .. } => {
            60_000 + 10_000 * attachments.len() as i32
        }
        BackgroundToContent::ReadMessages { older_pages, .. } => {
            30_000 + 10_000 * (*older_pages).min(20) as i32
        }
        BackgroundToContent::WaitUntilReady { .. } => 20_000,
        BackgroundToContent::CheckHealth | BackgroundToContent::Diagnose => 15_000,
    }
}

/// The value the deadline's promise resolves with: nothing a content script can reply.
const DEADLINE: &str = "nobi:deadline";

/// Sends an order to the content script of `tab_id` and waits for its reply, at most
/// [`deadline_ms`].
pub async fn send_to_tab(
    tab_id: i32,
    order: &BackgroundToContent,
) -> Result<ContentReply, Unanswered> {
    let promise = tabs_send_message(tab_id, &to_js(order)).map_err(|_| Unanswered::NotDelivered)?;
    let ms = deadline_ms(order);
    let deadline = Promise::new(&mut |resolve, _| {
        let resolve_late = Closure::once_into_js(move || {
            let _ = resolve.call1(&JsValue::NULL, &DEADLINE.into());
        });
        set_timeout(resolve_late.unchecked_ref(), ms);
    });
    let race = Promise::race(&js_sys::Array::of2(&promise, &deadline));
    match JsFuture::from(race).await {
        Ok(reply) if reply.as_string().as_deref() == Some(DEADLINE) => {
            log_error(&format!(
                "Nobi Pro: tab {tab_id} did not answer within {ms} ms"
            ));
            Err(Unanswered::Stuck)
        }
        Ok(reply) => from_js(reply).map_err(|_| Unanswered::Lost),
        Err(error) => {
            let text = Reflect::get(&error, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_default();
            // Chrome's wording: "Could not establish connection. Receiving end does not exist."
            // or "No tab with id: 5." when nothing received it; anything else ("The message port
            // closed before a response was received.") came after delivery.
            if text.starts_with("Could not establish connection")
                || text.starts_with("No tab with id")
            {
                Err(Unanswered::NotDelivered)
            } else {
                Err(Unanswered::Lost)
            }
        }
    }
}

/// Sends to every extension page (the side panels). Having none open is normal.
pub fn broadcast<T: Serialize>(message: &T) {
    if let Ok(promise) = runtime_send_message(&to_js(message)) {
        wasm_bindgen_futures::spawn_local(async move {
            let _ = JsFuture::from(promise).await;
        });
    }
}

/// Resolves after `ms` milliseconds (the worker's global `setTimeout`; there is no `window`).
pub async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| set_timeout(&resolve, ms));
    let _ = JsFuture::from(promise).await;
}

fn properties(url: &str, active: bool) -> JsValue {
    let object = Object::new();
    let _ = Reflect::set(&object, &"url".into(), &url.into());
    let _ = Reflect::set(&object, &"active".into(), &active.into());
    object.into()
}

/// Navigates `tab_id` to `url` and brings it to the front.
pub async fn navigate_tab(tab_id: i32, url: &str) -> Result<(), JsValue> {
    JsFuture::from(tabs_update(tab_id, &properties(url, true))?).await?;
    Ok(())
}

/// Brings `tab_id` to the front.
pub async fn activate_tab(tab_id: i32) -> Result<(), JsValue> {
    let object = Object::new();
    let _ = Reflect::set(&object, &"active".into(), &true.into());
    JsFuture::from(tabs_update(tab_id, &object)?).await?;
    Ok(())
}

/// Opens `url` in a new tab and returns its id.
pub async fn open_tab(url: &str) -> Result<i32, JsValue> {
    let tab = JsFuture::from(tabs_create(&properties(url, true))?).await?;
    Reflect::get(&tab, &"id".into())?
        .as_f64()
        .map(|id| id as i32)
        .ok_or_else(|| JsValue::from_str("chrome.tabs.create gave no tab id"))
}

fn key_array(keys: &[impl AsRef<str>]) -> JsValue {
    keys.iter()
        .map(|k| JsValue::from_str(k.as_ref()))
        .collect::<js_sys::Array>()
        .into()
}

/// The values of `keys` in `chrome.storage.local` (an object), or `None` if it could not be read.
pub async fn local_get(keys: &[&str]) -> Option<JsValue> {
    JsFuture::from(local_get_raw(&key_array(keys)).ok()?)
        .await
        .ok()
}

/// Every key in `chrome.storage.local` (`getKeys`, Chrome 130+; before it, `get(null)`, which
/// reads the values too), or `None` if it could not be read.
pub async fn local_keys() -> Option<Vec<String>> {
    let local = Reflect::get(&js_sys::global(), &"chrome".into())
        .and_then(|c| Reflect::get(&c, &"storage".into()))
        .and_then(|s| Reflect::get(&s, &"local".into()))
        .ok()?;
    let get_keys = Reflect::get(&local, &"getKeys".into()).ok();
    let keys = match get_keys.and_then(|f| f.dyn_into::<js_sys::Function>().ok()) {
        Some(get_keys) => {
            let promise: Promise = get_keys.call0(&local).ok()?.dyn_into().ok()?;
            JsFuture::from(promise).await.ok()?
        }
        None => {
            let all = JsFuture::from(local_get_raw(&JsValue::NULL).ok()?)
                .await
                .ok()?;
            Object::keys(&all.dyn_into::<Object>().ok()?).into()
        }
    };
    Some(
        js_sys::Array::from(&keys)
            .iter()
            .filter_map(|k| k.as_string())
            .collect(),
    )
}

/// Makes `chrome.storage.local` reachable from the extension's own pages and worker only, not
/// from content scripts (which run inside Meta's pages): the outbox and its files live there.
pub async fn restrict_local_storage() {
    let options = Object::new();
    let _ = Reflect::set(&options, &"accessLevel".into(), &"TRUSTED_CONTEXTS".into());
    match local_set_access_level(&options) {
        Ok(promise) => {
            if let Err(e) = JsFuture::from(promise).await {
                log_error(&format!("Nobi Pro: storage.local access level: {e:?}"));
            }
        }
        Err(e) => log_error(&format!("Nobi Pro: storage.local access level: {e:?}")),
    }
}

/// Writes `items` to `chrome.storage.local`: all of them, or none.
pub async fn local_set(items: &Object) -> Result<(), JsValue> {
    JsFuture::from(local_set_raw(items)?).await.map(|_| ())
}

pub async fn local_remove(keys: &[String]) {
    if let Ok(promise) = local_remove_raw(&key_array(keys)) {
        let _ = JsFuture::from(promise).await;
    }
}

/// Removes the alarm `name`, if there is one.
pub fn clear_alarm(name: &str) {
    if let Ok(promise) = alarms_clear(name) {
        wasm_bindgen_futures::spawn_local(async move {
            let _ = JsFuture::from(promise).await;
        });
    }
}

/// Sets (or moves) the alarm `name` to fire at `when_ms`; it wakes a stopped worker.
pub fn set_alarm(name: &str, when_ms: u64) {
    let info = Object::new();
    let _ = Reflect::set(&info, &"when".into(), &(when_ms as f64).into());
    if let Ok(promise) = alarms_create(name, &info) {
        wasm_bindgen_futures::spawn_local(async move {
            let _ = JsFuture::from(promise).await;
        });
    }
}
