//! The panel's two `chrome.runtime` calls: ask the service worker, and hear its broadcasts.

use nobi_bridge::{
    from_js, is_own_page, runtime_on_message_add_listener, runtime_send_message, to_js,
};
use nobi_core::protocol::{BackgroundToPanel, PanelToBackground};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["chrome", "windows"], js_name = getCurrent, catch)]
    fn windows_get_current() -> Result<js_sys::Promise, JsValue>;
}

/// The id of the browser window this panel belongs to (no permission needed).
pub async fn own_window_id() -> Option<i32> {
    let window = JsFuture::from(windows_get_current().ok()?).await.ok()?;
    js_sys::Reflect::get(&window, &"id".into())
        .ok()?
        .as_f64()
        .map(|id| id as i32)
}

/// Sends a request to the service worker and waits for its reply.
pub async fn ask(request: &PanelToBackground) -> Result<BackgroundToPanel, String> {
    self::request(request).await
}

/// Sends `request` (of any of the panel's request enums) to the service worker and reads its
/// answer as `R`; `Err` says what failed (no answer, or another kind). Generic, so each enum's
/// serde code stays in the chunk of the screen that uses it.
pub async fn request<Q: serde::Serialize, R: serde::de::DeserializeOwned>(
    request: &Q,
) -> Result<R, String> {
    let promise = runtime_send_message(&to_js(request)).map_err(|e| format!("{e:?}"))?;
    let reply = JsFuture::from(promise)
        .await
        .map_err(|e| format!("{e:?}"))?;
    from_js(reply).map_err(|e| e.to_string())
}

/// Calls `on_broadcast` for every broadcast of the service worker.
pub fn listen(on_broadcast: impl Fn(BackgroundToPanel) + 'static) {
    let listener = Closure::<dyn Fn(JsValue, JsValue) -> bool>::new(
        move |message: JsValue, sender: JsValue| {
            // Broadcasts come from our own service worker; content scripts talk to it, not to us.
            if is_own_page(&sender) {
                if let Ok(broadcast) = from_js(message) {
                    on_broadcast(broadcast);
                }
            }
            false
        },
    );
    runtime_on_message_add_listener(listener.as_ref().unchecked_ref());
    listener.forget();
}
