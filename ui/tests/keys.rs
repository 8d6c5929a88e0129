//! The keyboard rule every "type and press Enter" field shares (issue 13, point 18), on real
//! keyboard events in headless Chromium: Enter while a Vietnamese input method (Telex, VNI) is
//! composing a word confirms the word, and must never submit the half-typed text.
#![cfg(target_arch = "wasm32")]

use nobi_ui::widgets::{is_plain_enter, is_send_shortcut};
use wasm_bindgen_test::*;
use web_sys::{KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

fn key(key: &str, composing: bool, key_code: u32, ctrl: bool) -> KeyboardEvent {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_is_composing(composing);
    init.set_key_code(key_code);
    init.set_ctrl_key(ctrl);
    KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("a keyboard event")
}

#[wasm_bindgen_test]
fn enter_submits_only_outside_a_composition() {
    assert!(is_plain_enter(&key("Enter", false, 13, false)));
    // The input method is composing: Enter confirms the word.
    assert!(!is_plain_enter(&key("Enter", true, 13, false)));
    // Some input methods report the composing keystroke as key code 229 instead.
    assert!(!is_plain_enter(&key("Enter", false, 229, false)));
    // Ctrl+Enter is the multi-line fields' send key, not a plain Enter.
    assert!(!is_plain_enter(&key("Enter", false, 13, true)));
    assert!(!is_plain_enter(&key("a", false, 65, false)));
}

#[wasm_bindgen_test]
fn ctrl_enter_sends_only_outside_a_composition() {
    assert!(is_send_shortcut(&key("Enter", false, 13, true)));
    assert!(!is_send_shortcut(&key("Enter", true, 13, true)));
    assert!(!is_send_shortcut(&key("Enter", false, 13, false)));
}
