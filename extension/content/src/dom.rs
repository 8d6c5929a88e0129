//! Generic DOM mechanics for the site adapters: finding elements through ordered fallbacks,
//! waiting without blocking, typing the way Lexical accepts it.
//!
//! Waits use `setTimeout`, not `requestAnimationFrame`: a conversation tab the outbox sends into may
//! be in the background, where animation frames never come.

use crate::sites::Locator;
use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Document, Element, HtmlDocument, HtmlElement, KeyboardEvent, KeyboardEventInit};

pub fn document() -> Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a content script always runs in a window with a document")
}

pub fn location() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

pub fn console_error(what: &str, error: &JsValue) {
    web_sys::console::error_2(&what.into(), error);
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Calls `callback` after every in-page navigation (pushState, replaceState, back/forward).
///
/// Uses the Navigation API, whose events reach the content script's isolated world; where it is
/// missing, falls back to a cheap URL comparison every 250 ms. No DOM observer is installed.
pub fn on_navigation(callback: fn()) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let handler = Closure::<dyn Fn()>::new(callback);
    let navigation = Reflect::get(&window, &"navigation".into()).unwrap_or(JsValue::UNDEFINED);
    if let Some(target) = navigation.dyn_ref::<web_sys::EventTarget>() {
        let _ = target.add_event_listener_with_callback(
            "currententrychange",
            handler.as_ref().unchecked_ref(),
        );
    } else {
        let last = std::cell::RefCell::new(location());
        let poll = Closure::<dyn Fn()>::new(move || {
            let now = location();
            if *last.borrow() != now {
                *last.borrow_mut() = now;
                callback();
            }
        });
        let _ = window.set_interval_with_callback_and_timeout_and_arguments_0(
            poll.as_ref().unchecked_ref(),
            250,
        );
        poll.forget();
    }
    handler.forget();
}

/// Returns every element matched by `locator`, in document order.
fn find_all(locator: &Locator) -> Vec<Element> {
    let list = match document().query_selector_all(locator.css) {
        Ok(list) => list,
        Err(_) => return Vec::new(), // an invalid selector is a bug in the data, not a crash
    };
    (0..list.length())
        .filter_map(|i| list.get(i))
        .filter_map(|node| node.dyn_into::<Element>().ok())
        .filter(|el| locator.accepts_text(&text_of(el)))
        .collect()
}

/// Returns the first element found by the first locator that finds any.
pub fn find(locators: &[Locator]) -> Option<Element> {
    locators
        .iter()
        .find_map(|l| find_all(l).into_iter().find(is_rendered))
}

/// Like [`find`], for elements pages keep hidden on purpose (file inputs).
pub fn find_including_hidden(locators: &[Locator]) -> Option<Element> {
    locators.iter().find_map(|l| find_all(l).into_iter().next())
}

/// Returns all elements found by the first locator that finds any.
pub fn find_every(locators: &[Locator]) -> Vec<Element> {
    locators
        .iter()
        .map(find_all)
        .find(|found| !found.is_empty())
        .unwrap_or_default()
}

/// Returns true if and only if the element takes up space on the page (hidden templates and
/// `display: none` leftovers are skipped).
fn is_rendered(element: &Element) -> bool {
    element.get_client_rects().length() > 0
}

/// The element's text, NFC-normalised, with runs of white space folded to one space.
pub fn text_of(element: &Element) -> String {
    let raw = element
        .dyn_ref::<HtmlElement>()
        .map(HtmlElement::inner_text)
        .unwrap_or_else(|| element.text_content().unwrap_or_default());
    fold_space(&nfc(&raw))
}

/// Returns `text` in Unicode NFC, through the browser's own `String.prototype.normalize`: the
/// same result as `nobi_core::text::nfc` without shipping Unicode tables (about 100 KB) in the
/// content script.
pub fn nfc(text: &str) -> String {
    js_sys::JsString::from(text).normalize("NFC").into()
}

pub fn fold_space(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn first_text(locators: &[Locator]) -> Option<String> {
    find(locators)
        .map(|el| text_of(&el))
        .filter(|t| !t.is_empty())
}

/// Waits up to `timeout_ms` for an element with text, and returns its text.
pub async fn wait_for_text(locators: &[Locator], timeout_ms: i32) -> Option<String> {
    let mut waited = 0;
    loop {
        if let Some(text) = first_text(locators) {
            return Some(text);
        }
        if waited >= timeout_ms {
            return None;
        }
        sleep(50).await;
        waited += 50;
    }
}

/// Waits up to `timeout_ms` for an element, and returns it.
pub async fn wait_for(locators: &[Locator], timeout_ms: i32) -> Option<Element> {
    let mut waited = 0;
    loop {
        if let Some(el) = find(locators) {
            return Some(el);
        }
        if waited >= timeout_ms {
            return None;
        }
        sleep(50).await;
        waited += 50;
    }
}

/// Selects the whole content of an editable element.
pub fn select_all(editor: &HtmlElement) {
    let _ = editor.focus();
    if let Some(selection) = web_sys::window().and_then(|w| w.get_selection().ok().flatten()) {
        let _ = selection.select_all_children(editor);
    }
}

/// Runs a `document.execCommand` editing command, the one input path that editors such as Lexical
/// treat like typing (they listen to the `beforeinput` event it fires).
pub fn exec(command: &str, value: Option<&str>) -> bool {
    let Ok(doc) = document().dyn_into::<HtmlDocument>() else {
        return false;
    };
    match value {
        Some(v) => doc.exec_command_with_show_ui_and_value(command, false, v),
        None => doc.exec_command(command),
    }
    .unwrap_or(false)
}

/// Types `text` at the caret: lines through `insertText`, line breaks through `insertLineBreak`
/// (Shift+Enter semantics: a new line in the same message, never a send).
pub fn type_text(text: &str) {
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            exec("insertLineBreak", None);
        }
        if !line.is_empty() {
            exec("insertText", Some(line));
        }
    }
}

/// Dispatches a full Enter key press (keydown, keypress, keyup) on `target`.
pub fn press_enter(target: &HtmlElement) {
    for kind in ["keydown", "keypress", "keyup"] {
        let init = KeyboardEventInit::new();
        init.set_key("Enter");
        init.set_code("Enter");
        init.set_bubbles(true);
        init.set_cancelable(true);
        if let Ok(event) = KeyboardEvent::new_with_keyboard_event_init_dict(kind, &init) {
            let _ = target.dispatch_event(&event);
        }
    }
}
