//! The few `chrome.*` calls a content script makes, with the sender check the design requires:
//! orders are taken only from this extension's own pages and service worker, never from a page.

use crate::dom::console_error;
use js_sys::{Function, Promise, Reflect};
use nobi_core::protocol::{BackgroundToContent, ContentReply, ContentToBackground};
use serde::Serialize;
use std::future::Future;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["chrome", "runtime"], js_name = sendMessage, catch)]
    fn runtime_send_message(message: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "runtime", "onMessage"], js_name = addListener)]
    fn runtime_on_message_add_listener(listener: &Function);

    #[wasm_bindgen(js_namespace = ["chrome", "runtime"], js_name = id, thread_local_v2)]
    static RUNTIME_ID: JsValue;
}

/// Serialises for `chrome.runtime` messaging: plain objects, `null` for `None` (never `Map` or
/// `undefined`, which do not survive structured cloning the same way).
pub fn to_js<T: Serialize>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

/// Sends a notice to the service worker; a worker that is asleep is woken by Chrome.
pub fn notify_background(message: &ContentToBackground) {
    match runtime_send_message(&to_js(message)) {
        Ok(promise) => {
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(e) = wasm_bindgen_futures::JsFuture::from(promise).await {
                    console_error("Nobi Pro: the service worker did not take the notice", &e);
                }
            });
        }
        Err(e) => console_error("Nobi Pro: chrome.runtime.sendMessage failed", &e),
    }
}

/// Returns true if and only if `sender` is this extension itself (its service worker or one of
/// its pages) and not a content script in some tab. Chrome fills `sender`; a page cannot.
fn is_trusted_sender(sender: &JsValue) -> bool {
    let field = |name: &str| Reflect::get(sender, &name.into()).unwrap_or(JsValue::UNDEFINED);
    let Some(own_id) = RUNTIME_ID.with(JsValue::as_string) else {
        return false;
    };
    let from_own_pages = field("url")
        .as_string()
        .is_some_and(|url| url.starts_with(&format!("chrome-extension://{own_id}/")));
    field("id").as_string().as_deref() == Some(own_id.as_str()) && from_own_pages
}

/// Registers `handler` for orders from the service worker. Anything else is answered with an
/// error and otherwise ignored.
pub fn on_message<F, Fut>(handler: F)
where
    F: Fn(BackgroundToContent) -> Fut + 'static,
    Fut: Future<Output = ContentReply> + 'static,
{
    let listener = Closure::<dyn Fn(JsValue, JsValue, Function) -> bool>::new(
        move |message: JsValue, sender: JsValue, send_response: Function| {
            if !is_trusted_sender(&sender) {
                return false;
            }
            let reply = |reply: ContentReply, send_response: &Function| {
                let _ = send_response.call1(&JsValue::NULL, &to_js(&reply));
            };
            match serde_wasm_bindgen::from_value::<BackgroundToContent>(message) {
                Ok(order) => {
                    let future = handler(order);
                    wasm_bindgen_futures::spawn_local(async move {
                        reply(future.await, &send_response);
                    });
                    true // the reply comes asynchronously
                }
                Err(e) => {
                    reply(
                        ContentReply::Error {
                            message: format!("unknown order: {e}"),
                        },
                        &send_response,
                    );
                    false
                }
            }
        },
    );
    runtime_on_message_add_listener(listener.as_ref().unchecked_ref());
    // The listener lives as long as the page.
    listener.forget();
}
