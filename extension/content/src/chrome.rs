//! The few `chrome.*` calls a content script makes, with the sender check the design requires:
//! orders are taken only from this extension's own pages and service worker, never from a page.

use crate::dom::console_error;
use js_sys::Function;
use nobi_bridge::{
    from_js, is_own_page, runtime_on_message_add_listener, runtime_send_message, to_js, Malformed,
};
use nobi_core::protocol::{BackgroundToContent, ContentReply, ContentToBackground};
use std::future::Future;
use wasm_bindgen::prelude::*;

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

/// Registers `handler` for orders from the service worker. Anything else is answered with an
/// error and otherwise ignored.
pub fn on_message<F, Fut>(handler: F)
where
    F: Fn(BackgroundToContent) -> Fut + 'static,
    Fut: Future<Output = ContentReply> + 'static,
{
    let listener = Closure::<dyn Fn(JsValue, JsValue, Function) -> bool>::new(
        move |message: JsValue, sender: JsValue, send_response: Function| {
            // Orders come only from this extension's own worker and pages, never from a page.
            if !is_own_page(&sender) {
                return false;
            }
            let reply = |reply: ContentReply, send_response: &Function| {
                let _ = send_response.call1(&JsValue::NULL, &to_js(&reply));
            };
            match from_js::<BackgroundToContent>(message) {
                Ok(order) => {
                    let future = handler(order);
                    wasm_bindgen_futures::spawn_local(async move {
                        reply(future.await, &send_response);
                    });
                    true // the reply comes asynchronously
                }
                Err(Malformed) => {
                    reply(
                        ContentReply::Error {
                            message: ["unknown order: ", Malformed::MESSAGE].concat(),
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
