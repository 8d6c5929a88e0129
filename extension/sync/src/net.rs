//! HTTP to the shop's server from the service worker: JSON in, JSON out, a timeout on every call.
//! The extension has the host permission for the server (asked when the agent connects), so
//! Chrome does not apply CORS to these requests.

use nobi_sync::{Response, TransportError};
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// How long a request may take before it counts as lost (the server may still have applied it:
/// the state machine sends a push again with the same ids).
const TIMEOUT_MS: u32 = 15_000;

fn fetch(request: &web_sys::Request) -> js_sys::Promise {
    let global = js_sys::global();
    match global.dyn_ref::<web_sys::WorkerGlobalScope>() {
        Some(worker) => worker.fetch_with_request(request),
        // The wasm-bindgen tests run in a page.
        None => global
            .unchecked_into::<web_sys::Window>()
            .fetch_with_request(request),
    }
}

/// `method url` with `body` as JSON and the bearer `token`: the server's status and JSON body
/// (`Value::Null` when the body is not JSON), or why there was no answer.
pub async fn call(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Result<Response, TransportError> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_signal(Some(&web_sys::AbortSignal::timeout_with_u32(TIMEOUT_MS)));
    let headers = web_sys::Headers::new().map_err(|_| TransportError::Offline)?;
    if let Some(body) = body {
        let _ = headers.set("Content-Type", "application/json");
        init.set_body(&JsValue::from_str(&body.to_string()));
    }
    if let Some(token) = token {
        let _ = headers.set("Authorization", &format!("Bearer {token}"));
    }
    init.set_headers(&headers);
    // A malformed URL fails here, before anything is sent.
    let request =
        web_sys::Request::new_with_str_and_init(url, &init).map_err(|_| TransportError::Offline)?;
    let response = match JsFuture::from(fetch(&request)).await {
        Ok(r) => r.unchecked_into::<web_sys::Response>(),
        Err(e) => {
            let name = js_sys::Reflect::get(&e, &"name".into())
                .ok()
                .and_then(|n| n.as_string())
                .unwrap_or_default();
            return Err(if name == "TimeoutError" || name == "AbortError" {
                TransportError::Timeout
            } else {
                TransportError::Offline
            });
        }
    };
    let status = response.status();
    let text = match response.text() {
        Ok(p) => JsFuture::from(p)
            .await
            .ok()
            .and_then(|t| t.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    Ok(Response {
        status,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
    })
}
