//! The keyboard rules of the panel's inputs.
//!
//! Vietnamese agents type with an input method (Telex, VNI): while it composes a word, Enter
//! confirms the word, and must not also submit the field with the half-typed text.

use web_sys::KeyboardEvent;

/// Returns true if and only if this is Enter with no modifier, outside an input method's
/// composition: the "add what I typed" key of one-line fields.
pub fn is_plain_enter(ev: &KeyboardEvent) -> bool {
    ev.key() == "Enter" && !composing(ev) && !(ev.ctrl_key() || ev.meta_key() || ev.alt_key())
}

/// Returns true if and only if this is Ctrl+Enter (⌘+Enter on a Mac) outside a composition: the
/// "send / save" key of multi-line fields, where a plain Enter is a new line.
pub fn is_send_shortcut(ev: &KeyboardEvent) -> bool {
    ev.key() == "Enter" && !composing(ev) && (ev.ctrl_key() || ev.meta_key())
}

/// Chrome reports the key of a composing keystroke as "Process" with key code 229 on some input
/// methods instead of setting `isComposing`; both mean "not yet the agent's text".
fn composing(ev: &KeyboardEvent) -> bool {
    ev.is_composing() || ev.key_code() == 229
}
