//! Money fields show amounts as `1.250.000 ₫` once the agent leaves them, whatever they typed
//! ("1tr25", "1250k", "1.250.000"), so they see the amount the order will hold.

use leptos::ev::Event;
use leptos::prelude::event_target;
use nobi_core::order::money::parse_vnd;

/// The text of the changed money field, rewritten in place as `1.250.000 ₫` when it reads as an
/// amount. Text that does not (an empty field, "10%", a typo) is left as typed, for the form's
/// own check to name the error.
pub fn reformat_money(ev: &Event) -> String {
    let input: web_sys::HtmlInputElement = event_target(ev);
    let typed = input.value();
    match parse_vnd(&typed) {
        Ok(amount) if !typed.trim().is_empty() => {
            let shown = amount.format();
            input.set_value(&shown);
            shown
        }
        _ => typed,
    }
}
