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
use web_sys::{
    Document, Element, HtmlDocument, HtmlElement, HtmlTextAreaElement, InputEvent, InputEventInit,
    KeyboardEvent, KeyboardEventInit,
};

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
    // A page restored from the back/forward cache shows a conversation again without loading.
    let restored = Closure::<dyn Fn()>::new(callback);
    let _ = window.add_event_listener_with_callback("pageshow", restored.as_ref().unchecked_ref());
    restored.forget();
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

/// Milliseconds on a clock that only moves forward. Waits are deadlines on this clock, not counts
/// of loop turns: a background tab's timers are throttled to one a second or less.
pub fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// Calls `probe` every 50 ms until it gives a value or `timeout_ms` have passed. (A probe may
/// read the whole pane: a real conversation's DOM is large, and the page must keep rendering.)
pub async fn poll_until<T>(timeout_ms: f64, mut probe: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = now() + timeout_ms;
    loop {
        if let Some(value) = probe() {
            return Some(value);
        }
        if now() >= deadline {
            return None;
        }
        sleep(50).await;
    }
}

/// Returns every element under `root` matched by `locator`, in document order.
fn find_all_in(root: &Element, locator: &Locator) -> Vec<Element> {
    let list = match root.query_selector_all(locator.css) {
        Ok(list) => list,
        Err(_) => return Vec::new(), // an invalid selector is a bug in the data, not a crash
    };
    (0..list.length())
        .filter_map(|i| list.get(i))
        .filter_map(|node| node.dyn_into::<Element>().ok())
        .filter(|el| !locator.needs_text() || locator.accepts_text(&text_of(el)))
        .collect()
}

fn find_all(locator: &Locator) -> Vec<Element> {
    document()
        .document_element()
        .map(|root| find_all_in(&root, locator))
        .unwrap_or_default()
}

/// Returns the first element found by the first locator that finds any.
pub fn find(locators: &[Locator]) -> Option<Element> {
    locators
        .iter()
        .find_map(|l| find_all(l).into_iter().find(is_rendered))
}

/// Like [`find`], under `root` only.
pub fn find_in(root: &Element, locators: &[Locator]) -> Option<Element> {
    locators
        .iter()
        .find_map(|l| find_all_in(root, l).into_iter().find(is_rendered))
}

/// Like [`find_every`], under `root` only.
pub fn find_every_in(root: &Element, locators: &[Locator]) -> Vec<Element> {
    locators
        .iter()
        .map(|l| find_all_in(root, l))
        .find(|found| !found.is_empty())
        .unwrap_or_default()
}

/// Like [`find_in`], for elements pages keep hidden on purpose (file inputs).
pub fn find_including_hidden_in(root: &Element, locators: &[Locator]) -> Option<Element> {
    locators
        .iter()
        .find_map(|l| find_all_in(root, l).into_iter().next())
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
pub fn is_rendered(element: &Element) -> bool {
    element.get_client_rects().length() > 0
}

/// One computed style property of `element` (`""` when the browser cannot tell).
pub fn style(element: &Element, property: &str) -> String {
    web_sys::window()
        .and_then(|w| w.get_computed_style(element).ok().flatten())
        .and_then(|s| s.get_property_value(property).ok())
        .unwrap_or_default()
}

/// Returns true if and only if a person can see and use `element`: it is laid out, larger than
/// the 1×1 px of "visually hidden" text, not `visibility: hidden`, and not inside an
/// `aria-hidden`, `inert` or `hidden` subtree. A hidden duplicate of the composer fails this.
pub fn usable(element: &Element) -> bool {
    let rect = element.get_bounding_client_rect();
    rect.width() > 1.0
        && rect.height() > 1.0
        && style(element, "visibility") != "hidden"
        && closest(element, r#"[aria-hidden="true"], [inert], [hidden]"#).is_none()
}

/// Returns true if and only if `element` is text only for screen readers (the "You sent" before
/// an own message): laid out at 1×1 px or less, or clipped away.
pub fn visually_hidden(element: &Element) -> bool {
    let rect = element.get_bounding_client_rect();
    rect.width() <= 1.0 || rect.height() <= 1.0
}

/// The nearest inclusive ancestor matching `css`.
pub fn closest(element: &Element, css: &str) -> Option<Element> {
    element.closest(css).ok().flatten()
}

/// Every element under `root` matching `css`, in document order.
pub fn all_in(root: &Element, css: &str) -> Vec<Element> {
    match root.query_selector_all(css) {
        Ok(list) => (0..list.length())
            .filter_map(|i| list.get(i))
            .filter_map(|n| n.dyn_into::<Element>().ok())
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Returns true if and only if `element` is made to scroll vertically (`overflow-y` auto or
/// scroll), even while its content still fits (a short conversation).
pub fn may_scroll(element: &Element) -> bool {
    matches!(
        style(element, "overflow-y").as_str(),
        "auto" | "scroll" | "overlay"
    )
}

/// The element's text as a person sees it: like [`text_of`], without what is only for screen
/// readers ([`visually_hidden`]) and without headings (a sender's name above a bubble).
pub fn visible_text(element: &Element) -> String {
    collect(element, Leave::Unseen)
}

/// The element's text, NFC-normalised, with runs of white space folded to one space. Images count
/// by their `alt` text: Facebook draws emoji in bubbles as `<img alt="😊">`.
pub fn text_of(element: &Element) -> String {
    collect(element, Leave::Nothing)
}

/// Like [`text_of`], leaving out the subtree of `skip` (a message list, whose buyers' words must
/// not be read as the page's own messages).
pub fn text_except(element: &Element, skip: Option<&Element>) -> String {
    match skip {
        Some(skip) => collect(element, Leave::Subtree(skip)),
        None => text_of(element),
    }
}

/// What a text reading leaves out besides scripts and styles.
#[derive(Clone, Copy)]
enum Leave<'a> {
    Nothing,
    /// Headings and screen-reader-only text.
    Unseen,
    Subtree(&'a Element),
}

fn collect(element: &Element, leave: Leave) -> String {
    let mut raw = String::new();
    collect_into(element, leave, &mut raw);
    fold_space(&nfc(&raw))
}

fn collect_into(node: &web_sys::Node, leave: Leave, out: &mut String) {
    let children = node.child_nodes();
    for i in 0..children.length() {
        let Some(child) = children.get(i) else {
            continue;
        };
        match child.node_type() {
            web_sys::Node::TEXT_NODE => out.push_str(&child.node_value().unwrap_or_default()),
            web_sys::Node::ELEMENT_NODE => {
                let el: &Element = child.unchecked_ref();
                let tag = el.tag_name();
                let skipped = match leave {
                    Leave::Nothing => false,
                    Leave::Unseen => {
                        matches!(tag.as_str(), "H1" | "H2" | "H3" | "H4" | "H5" | "H6")
                            || (visually_hidden(el) && el.get_client_rects().length() > 0)
                    }
                    Leave::Subtree(skip) => skip == el,
                };
                match tag.as_str() {
                    _ if skipped => {}
                    "IMG" => out.push_str(&el.get_attribute("alt").unwrap_or_default()),
                    "BR" => out.push('\n'),
                    "SCRIPT" | "STYLE" => {}
                    _ => {
                        collect_into(&child, leave, out);
                        // Block boundaries separate words (paragraphs in a composer).
                        out.push(' ');
                    }
                }
            }
            _ => {}
        }
    }
}

/// Returns true if and only if `el` has a text node of its own with something in it.
pub fn has_own_text(el: &Element) -> bool {
    let children = el.child_nodes();
    (0..children.length()).any(|i| {
        children.get(i).is_some_and(|n| {
            n.node_type() == web_sys::Node::TEXT_NODE
                && n.node_value().is_some_and(|v| !v.trim().is_empty())
        })
    })
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

/// Selects the whole content of an editable element.
pub fn select_all(editor: &HtmlElement) {
    let _ = editor.focus();
    if let Some(area) = editor.dyn_ref::<HtmlTextAreaElement>() {
        area.select();
        return;
    }
    if let Some(selection) = web_sys::window().and_then(|w| w.get_selection().ok().flatten()) {
        let _ = selection.select_all_children(editor);
    }
}

/// Runs a `document.execCommand` editing command. `insertText` is the input path that editors
/// such as Lexical treat like typing; for line breaks and deletions see [`type_text`] and
/// [`delete_selection`], which offer them as `beforeinput` events first.
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

/// Offers an editing action to the editor as a `beforeinput` event, which is how Lexical takes
/// line breaks and deletions (`execCommand` does those natively, behind Lexical's back, and Lexical
/// reverts them). Returns true if and only if the editor took it (cancelled the event).
fn before_input(editor: &HtmlElement, input_type: &str) -> bool {
    let init = InputEventInit::new();
    init.set_input_type(input_type);
    init.set_bubbles(true);
    init.set_cancelable(true);
    match InputEvent::new_with_event_init_dict("beforeinput", &init) {
        Ok(event) => !editor.dispatch_event(&event).unwrap_or(true),
        Err(_) => false,
    }
}

/// Types `text` at the caret of `editor`: lines through `insertText`, line breaks as Shift+Enter
/// would make them (a new line in the same message, never a send).
pub fn type_text(editor: &HtmlElement, text: &str) {
    let is_textarea = editor.dyn_ref::<HtmlTextAreaElement>().is_some();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            if is_textarea {
                exec("insertText", Some("\n"));
            } else if !before_input(editor, "insertLineBreak") {
                exec("insertLineBreak", None);
            }
        }
        if !line.is_empty() {
            exec("insertText", Some(line));
        }
    }
}

/// Deletes the selection in `editor`.
pub fn delete_selection(editor: &HtmlElement) {
    exec("delete", None);
    if !editor_text(editor).trim().is_empty() {
        before_input(editor, "deleteContentBackward");
    }
}

/// What an editor holds, line breaks kept: NFC, each line's trailing spaces dropped, no trailing
/// empty lines (editors keep an empty paragraph at the end).
pub fn editor_text(editor: &HtmlElement) -> String {
    let raw = match editor.dyn_ref::<HtmlTextAreaElement>() {
        Some(area) => area.value(),
        None => editor.inner_text(),
    };
    normalize_lines(&nfc(&raw.replace('\r', "")))
}

/// `text` with each line's trailing white space dropped and trailing empty lines removed, for
/// comparing what was typed with what an editor holds.
pub fn normalize_lines(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').map(str::trim_end).collect();
    lines.join("\n").trim_end().to_owned()
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
