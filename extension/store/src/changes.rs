//! Telling the other panels what this one wrote: a `BroadcastChannel` between the extension's
//! pages (one panel per window). A panel that hears of a change to what it shows reads it again,
//! so it never edits a stale copy for long; the write itself is still checked
//! ([`super::store::Batch::expect_unchanged`]). A channel object never hears its own posts, but
//! [`listen`] opens another one: a context that announces and listens hears its own writes too
//! (the sync module does, and ignores its own state's).

use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

const CHANNEL: &str = "nobi-pro-store";

/// What [`on_own_write`] registered.
type OwnWrite = Box<dyn Fn(&[&str])>;

thread_local! {
    static OUT: RefCell<Option<web_sys::BroadcastChannel>> = const { RefCell::new(None) };
    static OWN: RefCell<Option<OwnWrite>> = const { RefCell::new(None) };
}

/// Calls `written` with the stores of every batch this context writes (after it is committed):
/// the panel wakes team sync with it, since a sleeping service worker hears no channel.
pub fn on_own_write(written: impl Fn(&[&str]) + 'static) {
    OWN.with(|o| *o.borrow_mut() = Some(Box::new(written)));
}

/// What another panel wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changed {
    /// Store names (`nobi_core::crm::schema`).
    pub stores: Vec<String>,
    /// Ids of the records put or deleted.
    pub ids: Vec<String>,
}

impl Changed {
    /// Returns true if and only if record `id` of `store` may have changed (a cleared store
    /// names no ids: everything in it may have).
    pub fn touches(&self, store: &str, id: &str) -> bool {
        self.stores.iter().any(|s| s == store)
            && (self.ids.is_empty() || self.ids.iter().any(|i| i == id))
    }
}

fn channel() -> Option<web_sys::BroadcastChannel> {
    OUT.with(|c| {
        let mut c = c.borrow_mut();
        if c.is_none() {
            *c = web_sys::BroadcastChannel::new(CHANNEL).ok();
        }
        c.clone()
    })
}

/// Tells the other panels that this one wrote `ids` in `stores`.
pub fn announce(stores: &[&str], ids: &[String]) {
    OWN.with(|o| {
        if let Some(written) = o.borrow().as_ref() {
            written(stores);
        }
    });
    let Some(channel) = channel() else { return };
    let message = js_sys::Object::new();
    let list = |items: &mut dyn Iterator<Item = &str>| {
        items.map(JsValue::from_str).collect::<js_sys::Array>()
    };
    let _ = js_sys::Reflect::set(
        &message,
        &"stores".into(),
        &list(&mut stores.iter().copied()),
    );
    let _ = js_sys::Reflect::set(
        &message,
        &"ids".into(),
        &list(&mut ids.iter().map(String::as_str)),
    );
    let _ = channel.post_message(&message);
}

/// Calls `heard` with every change another panel announces, for the page's life.
pub fn listen(heard: impl Fn(Changed) + 'static) {
    let Ok(channel) = web_sys::BroadcastChannel::new(CHANNEL) else {
        return;
    };
    let strings = |value: JsValue| -> Vec<String> {
        value
            .dyn_into::<js_sys::Array>()
            .map(|a| a.iter().filter_map(|v| v.as_string()).collect())
            .unwrap_or_default()
    };
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let data = event.data();
            let field = |name: &str| js_sys::Reflect::get(&data, &name.into()).unwrap_or_default();
            heard(Changed {
                stores: strings(field("stores")),
                ids: strings(field("ids")),
            });
        });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // It lives as long as the panel: the listener is never removed.
    on_message.forget();
}
