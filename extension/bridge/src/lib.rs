//! How Nobi Pro's messages cross Chrome's extension messaging, shared by the three contexts.
//!
//! Messages travel as plain JS objects (what `chrome.runtime.sendMessage` clones). Coming in,
//! [`from_js`] uses the small deserializer in [`de`] rather than `serde_wasm_bindgen`'s: that one
//! builds descriptive errors, and describing an unexpected number drags float formatting into every
//! module (about 7 KB gzip), which the service worker's 40 KB budget cannot carry. A message that
//! does not match the protocol is simply [`Malformed`]: the sender is our own code, so the only
//! useful fact is "versions disagree", and the raw value is logged by the caller. Going out,
//! [`to_js`] uses the small serializer in [`ser`], which writes what `serde_wasm_bindgen`'s
//! JSON-compatible serializer wrote without its key cache (a hash map) and its error messages
//! (formatting): 2.2 KB gzip less in the content script.
//!
//! The sender checks live here too, so that every context applies the same rule.

mod de;
mod ser;

pub use de::Malformed;
use js_sys::Reflect;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["chrome", "runtime"], js_name = id, thread_local_v2)]
    static RUNTIME_ID: JsValue;

    /// `chrome.runtime.sendMessage`: to the service worker, or from it to the extension's pages.
    #[wasm_bindgen(js_namespace = ["chrome", "runtime"], js_name = sendMessage, catch)]
    pub fn runtime_send_message(message: &JsValue) -> Result<js_sys::Promise, JsValue>;

    /// `chrome.runtime.onMessage.addListener`.
    #[wasm_bindgen(js_namespace = ["chrome", "runtime", "onMessage"], js_name = addListener)]
    pub fn runtime_on_message_add_listener(listener: &js_sys::Function);
}

/// Serialises a message for Chrome messaging or storage: plain objects and arrays, `null` for
/// `None` (never `Map` or `undefined`).
pub fn to_js<T: Serialize>(value: &T) -> JsValue {
    value.serialize(ser::Serializer).unwrap_or(JsValue::NULL)
}

/// Reads a message from a plain JS value.
pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, Malformed> {
    T::deserialize(de::Value(value))
}

/// This extension's id, or `None` outside an extension (tests).
pub fn runtime_id() -> Option<String> {
    RUNTIME_ID.with(JsValue::as_string)
}

fn field(object: &JsValue, name: &str) -> JsValue {
    Reflect::get(object, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

/// Returns true if and only if a `chrome.runtime.onMessage` sender is this extension.
pub fn is_own_extension(sender: &JsValue) -> bool {
    runtime_id().is_some_and(|id| field(sender, "id").as_string() == Some(id))
}

/// Returns true if and only if the sender is one of this extension's own pages or its service
/// worker, as opposed to a content script in a web page. Chrome sets `sender.url`; a page cannot
/// forge it. (A panel opened as a tab has `sender.tab` too, so the URL is what tells them apart.)
pub fn is_own_page(sender: &JsValue) -> bool {
    let Some(id) = runtime_id() else {
        return false;
    };
    is_own_extension(sender)
        && field(sender, "url").as_string().is_some_and(|url| {
            // `chrome-extension://<id>/…`, compared in parts (no `format!`, see `to_js`).
            url.strip_prefix("chrome-extension://")
                .and_then(|rest| rest.strip_prefix(id.as_str()))
                .is_some_and(|path| path.starts_with('/'))
        })
}

/// The URL of the page that sent a message as it is now: its tab's (`sender.tab.url`, present
/// since the extension may run on that site) where Chrome gives it, else the frame's
/// (`sender.url`, which Chrome leaves at the document's first URL after an SPA's
/// `history.pushState`). A page can set neither.
pub fn sender_url_now(sender: &JsValue) -> String {
    field(&field(sender, "tab"), "url")
        .as_string()
        .filter(|u| !u.is_empty())
        .or_else(|| field(sender, "url").as_string())
        .unwrap_or_default()
}

/// Returns true if and only if the sender's tab is the active tab of its window (the one the
/// agent is looking at). Chrome includes `sender.tab` with `active` without any permission.
pub fn sender_tab_active(sender: &JsValue) -> bool {
    field(&field(sender, "tab"), "active").as_bool() == Some(true)
}

/// The window of the sender's tab.
pub fn sender_window(sender: &JsValue) -> Option<i32> {
    field(&field(sender, "tab"), "windowId")
        .as_f64()
        .map(|id| id as i32)
}

/// The tab of a sender that is a content script; `None` for the extension's own pages.
pub fn content_script_tab(sender: &JsValue) -> Option<i32> {
    if is_own_page(sender) {
        return None;
    }
    let id = field(&field(sender, "tab"), "id").as_f64()?;
    Some(id as i32)
}

#[cfg(test)]
mod tests {
    //! Every protocol message survives `to_js` → `from_js` (run by wasm-bindgen-test, in Node).
    use super::*;
    use nobi_core::protocol::*;
    use nobi_core::tabs::TabRegistry;
    use std::fmt::Debug;
    use wasm_bindgen_test::*;

    fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: T) {
        let js = to_js(&value);
        assert_eq!(from_js::<T>(js), Ok(value));
    }

    fn thread() -> ThreadRef {
        ThreadRef {
            platform: Platform::Messenger,
            thread_id: "100012345678901".into(),
        }
    }

    fn conversation() -> Conversation {
        Conversation {
            thread: thread(),
            buyer_name: Some("Trần Minh Anh \"<b>\"".into()),
            buyer_username: None,
            buyer_profile_url: Some("https://www.facebook.com/minhanh.tran".into()),
            buyer_avatar_url: None,
            account: None,
            url: "https://www.messenger.com/t/100012345678901/".into(),
            ui_language: None,
            also_known_as: vec![thread()],
        }
    }

    #[wasm_bindgen_test]
    fn every_message_round_trips() {
        round_trip(PanelToBackground::GetConversation);
        round_trip(PanelToBackground::SendText {
            request_id: "r1".into(),
            to: thread(),
            text: "Xin chào 👋 chị ơi\nDạ".into(),
            attachments: vec![Attachment {
                name: "áo len.png".into(),
                mime: "image/png".into(),
                data_base64: "iVBORw0KGgo=".into(),
            }],
        });
        round_trip(BackgroundToPanel::Messages {
            thread: thread(),
            messages: vec![ChatMessage {
                direction: Direction::Out,
                text: "Dạ".into(),
                time: None,
                id: Some("mid.$cAD8".into()),
                delivery: nobi_core::protocol::Delivery::Failed,
            }],
            reached_start: true,
        });
        round_trip(BackgroundToPanel::Conversation {
            tab_id: Some(-3),
            conversation: Some(conversation()),
            engine: Some(Engine::Wasm2js),
            window_id: Some(2),
        });
        round_trip(BackgroundToPanel::Conversation {
            tab_id: None,
            conversation: None,
            engine: None,
            window_id: None,
        });
        round_trip(BackgroundToContent::CheckHealth);
        round_trip(ContentReply::Sent {
            request_id: "r".into(),
            outcome: SendOutcome::Failed {
                reason: FailReason::RejectedByPlatform,
            },
            message_id: None,
        });
        round_trip(ContentReply::Sent {
            request_id: "r".into(),
            outcome: SendOutcome::Sent,
            message_id: Some("mid.$x".into()),
        });
        round_trip(BackgroundToContent::Diagnose);
        round_trip(ContentReply::Diagnosis {
            diagnosis: nobi_core::protocol::Diagnosis {
                health: nobi_core::protocol::Health {
                    status: nobi_core::protocol::HealthStatus::ComposerCovered,
                    platform: Some(nobi_core::protocol::Platform::Facebook),
                    ui_language: Some("vi".into()),
                    engine: Engine::Wasm,
                    init_us: Some(20_000),
                },
                checks: vec![nobi_core::protocol::SignalCheck {
                    signal: nobi_core::protocol::Signal::ThreadSignature,
                    found: true,
                    via: Some("composer_label, pane_label".into()),
                    count: 2,
                }],
                layout_report: "{\"pane\":{}}".into(),
            },
        });
        round_trip(ContentToBackground::ConversationOpened {
            conversation: conversation(),
            engine: Engine::Wasm,
        });
        let mut registry = TabRegistry::default();
        registry.opened(
            nobi_core::tabs::TabInfo {
                tab_id: 1_234_567_890,
                window_id: Some(-7),
                active: true,
            },
            conversation(),
            Engine::Wasm,
            1_795_000_000_000,
        );
        round_trip(registry);
    }

    #[wasm_bindgen_test]
    fn what_does_not_match_is_malformed() {
        let parse = |json: &str| from_js::<BackgroundToContent>(js_sys::JSON::parse(json).unwrap());
        assert_eq!(
            parse(r#""check_health""#),
            Ok(BackgroundToContent::CheckHealth)
        );
        assert_eq!(parse(r#""eval""#), Err(Malformed));
        assert_eq!(parse(r#"{"send_text":{"request_id":"r"}}"#), Err(Malformed));
        assert_eq!(
            parse(r#"{"check_health":null,"send_text":{}}"#),
            Err(Malformed)
        );
        assert_eq!(parse("42"), Err(Malformed));
        assert_eq!(parse("[]"), Err(Malformed));
        assert_eq!(from_js::<i32>(JsValue::from_f64(1.5)), Err(Malformed));
        assert_eq!(from_js::<u8>(JsValue::from_f64(300.0)), Err(Malformed));
    }

    #[wasm_bindgen_test]
    fn each_type_reads_only_its_own_shape() {
        use std::collections::HashMap;
        let js = |json: &str| js_sys::JSON::parse(json).unwrap();
        assert_eq!(from_js::<f64>(js("3")), Ok(3.0));
        assert_eq!(from_js::<i64>(js("-5")), Ok(-5));
        assert_eq!(from_js::<u32>(js(r#""1""#)), Err(Malformed));
        assert_eq!(from_js::<u32>(js("-1")), Err(Malformed));
        assert_eq!(from_js::<u64>(js("1e300")), Err(Malformed));
        assert_eq!(from_js::<bool>(js("0")), Err(Malformed));
        assert_eq!(from_js::<String>(js("1")), Err(Malformed));
        assert_eq!(from_js::<String>(js("null")), Err(Malformed));
        assert_eq!(from_js::<char>(js(r#""é""#)), Ok('é'));
        assert_eq!(from_js::<char>(js(r#""ab""#)), Err(Malformed));
        assert_eq!(from_js::<()>(js("null")), Ok(()));
        assert_eq!(from_js::<()>(JsValue::UNDEFINED), Ok(()));
        assert_eq!(from_js::<()>(js("0")), Err(Malformed));
        assert_eq!(from_js::<Option<u8>>(JsValue::UNDEFINED), Ok(None));
        assert_eq!(from_js::<Option<u8>>(js("7")), Ok(Some(7)));
        assert_eq!(from_js::<Vec<u8>>(js("[1,2]")), Ok(vec![1, 2]));
        assert_eq!(from_js::<Vec<u8>>(js(r#"{"0":1}"#)), Err(Malformed));
        assert_eq!(
            from_js::<(u8, String)>(js(r#"[1,"a"]"#)),
            Ok((1, "a".into()))
        );
        assert_eq!(
            from_js::<HashMap<String, u8>>(js(r#"{"a":1}"#)),
            Ok(HashMap::from([("a".into(), 1)]))
        );
        assert_eq!(from_js::<HashMap<String, u8>>(js("[]")), Err(Malformed));
        // Structs are objects; to_js never writes one as an array.
        assert_eq!(
            from_js::<ThreadRef>(js(r#"["messenger","1"]"#)),
            Err(Malformed)
        );
        assert_eq!(
            from_js::<ThreadRef>(js(
                r#"{"platform":"messenger","thread_id":"1","extra":[{}]}"#
            )),
            Ok(ThreadRef {
                platform: Platform::Messenger,
                thread_id: "1".into()
            })
        );
    }
}
