//! How times and platforms are shown.

use nobi_core::protocol::Platform;

/// dd/mm/yyyy hh:mm in the browser's time zone.
pub fn format_time(at: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64));
    format!(
        "{:02}/{:02}/{:04} {:02}:{:02}",
        d.get_date(),
        d.get_month() + 1,
        d.get_full_year(),
        d.get_hours(),
        d.get_minutes()
    )
}

pub fn platform_name(platform: Platform) -> &'static str {
    match platform {
        Platform::Instagram => "Instagram",
        Platform::Facebook => "Facebook",
        Platform::Messenger => "Messenger",
        Platform::BusinessSuite => "Business Suite",
    }
}
